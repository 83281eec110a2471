"""`ChatOpenAI`: a chatplex chat model that takes langchain-openai's constructor.

A script written for `langchain_openai.ChatOpenAI` ports by changing its import line:
the parameter names and aliases are LangChain's (`model`/`model_name`, `max_tokens`/
`max_completion_tokens`, `api_key`/`openai_api_key`, `base_url`/`openai_api_base`,
`timeout`/`request_timeout`, `stop`/`stop_sequences`, ...), the model is chatplex's
(its transport, pools, retries and limiter), and it is named `ChatOpenAI` in events,
logs, schemas and callbacks. Everything is resolved here, once: calls cost what a
`ChatModel`'s do.

>>> model = ChatOpenAI(model="gpt-4o-mini", temperature=0, api_key="sk-example")
>>> model.get_name(), model.model, model.temperature
('ChatOpenAI', 'gpt-4o-mini', 0)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .dropin import check_refused, constructor_names, pick, run_config, with_query
from .model import ChatModel
from .params import check_api_parameters

if TYPE_CHECKING:
    import httpx

    from ..adapters.base import Adapter
    from ..core.retry import RetryPolicy
    from ..http import RateLimit
    from ..secret import Secret

__all__ = ["ChatOpenAI"]

#: LangChain's default model when none is named (`ChatOpenAI()`).
DEFAULT_MODEL = "gpt-3.5-turbo"


class ChatOpenAI(ChatModel):
    """OpenAI Chat Completions (and every OpenAI-compatible server) with LangChain's
    constructor. Parameters are langchain-openai's, plus chatplex's own (`rate_limit`,
    `retry_policy`, `max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
    `project`, `name`). Other keywords must be parameters of the Chat Completions API
    (`response_format`, `user`, `parallel_tool_calls`, ...): anything else is a
    TypeError naming the closest known name; newer API parameters go through
    `model_kwargs={...}` or `extra_body={...}`.

    `max_tokens` (or `max_completion_tokens`) goes as `max_completion_tokens` to every
    server, as langchain-openai sends it (o-series and gpt-5 behind Azure or a gateway
    reject `max_tokens`).

    Deliberate differences from langchain-openai: `stream_usage` defaults to True for
    every server (LangChain turns it off for a custom base URL; pass False for servers
    that reject `stream_options`); unknown keywords raise instead of being moved to
    `model_kwargs` with a warning; LangChain settings chatplex has no equivalent for
    (`use_responses_api`, `openai_proxy`, ...) raise with the reason. `cache=` takes
    a chatplex or a LangChain cache, as in LangChain.
    """

    structured_output_method = "json_schema"  # langchain-openai's default

    def __init__(
        self,
        model: str | None = None,
        *,
        model_name: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        top_p: float | None = None,
        stop: str | Sequence[str] | None = None,
        stop_sequences: str | Sequence[str] | None = None,
        n: int | None = None,
        seed: int | None = None,
        presence_penalty: float | None = None,
        frequency_penalty: float | None = None,
        logprobs: bool | None = None,
        top_logprobs: int | None = None,
        logit_bias: Mapping[Any, int] | None = None,
        reasoning_effort: str | None = None,
        verbosity: str | None = None,
        service_tier: str | None = None,
        store: bool | None = None,
        timeout: float | None = None,
        request_timeout: float | None = None,
        max_retries: int | None = None,
        api_key: str | Secret | None = None,
        openai_api_key: str | Secret | None = None,
        base_url: str | None = None,
        openai_api_base: str | None = None,
        organization: str | None = None,
        openai_organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        streaming: bool = False,
        stream_usage: bool | None = None,
        model_kwargs: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        rate_limiter: Any = None,
        cache: Any = None,
        callbacks: Any = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        verbose: bool | None = None,
        name: str | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        stream_chunk_timeout: float | None = None,
        stream_idle_timeout: float | None = None,
        max_response_bytes: int | None = None,
        max_retry_after: float = 60.0,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimit | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **api_params: Any,
    ) -> None:
        owner = type(self).__name__
        api_params = check_refused(owner, "openai", api_params)
        check_api_parameters(
            "openai", api_params, settings=constructor_names(type(self)), owner=owner
        )
        n = _candidates(n, streaming)
        named = {
            "n": n,
            "seed": seed,
            "presence_penalty": presence_penalty,
            "frequency_penalty": frequency_penalty,
            "logprobs": logprobs,
            "top_logprobs": top_logprobs,
            "logit_bias": logit_bias,
            "reasoning_effort": reasoning_effort,
            "verbosity": verbosity,
            "service_tier": service_tier,
            "store": store,
        }
        body: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
        adapter = self._make_adapter(
            api_key=pick(owner, api_key=api_key, openai_api_key=openai_api_key),
            base_url=pick(owner, base_url=base_url, openai_api_base=openai_api_base),
            organization=pick(
                owner, organization=organization, openai_organization=openai_organization
            ),
            project=project,
            default_headers=default_headers,
            default_query=default_query,
            include_usage=stream_usage is not False,
        )
        super().__init__(
            adapter,
            pick(owner, model=model, model_name=model_name) or DEFAULT_MODEL,
            temperature=temperature,
            max_tokens=pick(
                owner, max_tokens=max_tokens, max_completion_tokens=max_completion_tokens
            ),
            top_p=top_p,
            stop=pick(owner, stop=stop, stop_sequences=stop_sequences),
            timeout=pick(owner, timeout=timeout, request_timeout=request_timeout),
            max_retries=2 if max_retries is None else max_retries,
            max_retry_after=max_retry_after,
            retry_policy=retry_policy,
            rate_limit=rate_limit,
            extra_headers=extra_headers,
            stream_idle_timeout=pick(
                owner,
                stream_idle_timeout=stream_idle_timeout,
                stream_chunk_timeout=stream_chunk_timeout,
            ),
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            http_async_client=http_async_client,
            name=name,
            model_kwargs=model_kwargs,
            extra_body=extra_body,
            streaming=streaming,
            stream_usage=stream_usage is not False,
            rate_limiter=rate_limiter,
            cache=cache,
            **body,
            **api_params,
        )
        self.run_defaults = run_config(callbacks, tags, metadata)
        self.verbose = bool(verbose)  # as in LangChain's chat models: prints nothing

    def _make_adapter(
        self,
        *,
        api_key: str | Secret | None,
        base_url: str | None,
        organization: str | None,
        project: str | None,
        default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, Any] | None,
        include_usage: bool,
    ) -> Adapter:
        """The adapter of the constructor's connection settings (aliases resolved);
        `AzureChatOpenAI` overrides it, everything else is shared."""
        from ..adapters.openai import OpenAIAdapter

        if base_url is None and os.environ.get("OPENAI_API_BASE"):
            base_url = os.environ["OPENAI_API_BASE"]  # LangChain's variable, as the env's
            api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        return OpenAIAdapter(
            api_key=api_key,
            base_url=with_query(base_url, default_query),
            organization=organization
            if organization is not None
            else os.environ.get("OPENAI_ORG_ID"),
            project=project,
            default_headers=default_headers,
            include_usage=include_usage,
            completion_tokens=True,  # as langchain-openai: max_completion_tokens, any server
        )

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model


def _candidates(n: int | None, streaming: bool) -> int | None:
    if n is None:
        return None
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    if n > 1 and streaming:
        raise ValueError("n must be 1 when streaming (a stream carries one candidate)")
    return n
