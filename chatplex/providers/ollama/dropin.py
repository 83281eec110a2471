"""`ChatOllama`: a chatplex chat model that takes langchain-ollama's constructor.

A script written for `langchain_ollama.ChatOllama` ports by changing its import line:
the parameters are langchain-ollama's (`model`, `base_url`, `temperature`, `num_ctx`,
`num_predict`, `top_k`, `top_p`, `seed`, `stop`, `keep_alive`, `format`, `reasoning`,
`mirostat`..., `client_kwargs`), the model is chatplex's over Ollama's native
`/api/chat` wire (`chatplex.providers.ollama.adapter`), named `ChatOllama` in events, logs and
callbacks.

>>> model = ChatOllama(model="llama3.2", temperature=0, num_ctx=8192)
>>> model.get_name(), model.model, model.extra_body
('ChatOllama', 'llama3.2', {'num_ctx': 8192})
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import dropin
from ...chat.dropin import partner_http_clients
from ...chat.dropin_fields import API_KEY
from ...chat.dropin_fields import BASE_URL
from ...chat.dropin_fields import LOGPROBS
from ...chat.dropin_fields import SAMPLING
from ...chat.dropin_fields import SEED
from ...chat.dropin_fields import TOP_K
from ...chat.dropin_fields import TOP_LOGPROBS
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import DropInEngine
from ...chat.model import ChatModel
from .dropin_record import CHAT_OLLAMA

if TYPE_CHECKING:
    from .adapter import OllamaAdapter

__all__ = ["ChatOllama"]

#: What of `client_kwargs=` (the ollama SDK client's httpx settings) has a chatplex
#: equivalent; any other key is an httpx client setting, given to the clients it builds.
_CLIENT_KWARGS = ("headers", "timeout")

#: Model options it shares with other drop-ins, sent as given when set.
_SENT = (SEED, LOGPROBS, TOP_LOGPROBS, TOP_K)
#: The parameters it shares with other drop-ins (`max_tokens` is chatplex's).
_FIELDS = (*SAMPLING, BASE_URL, API_KEY, *_SENT)


@dropin(fields=_FIELDS)
class ChatOllama(DropInEngine):
    """Ollama's native chat API with langchain-ollama's constructor. Parameters are
    langchain-ollama's, plus chatplex's own (`api_key`, `timeout`, `max_retries`,
    `rate_limit`, `retry_policy`, `max_retry_after`, `extra_headers`,
    `stream_idle_timeout`, `max_response_bytes`, `http_client`, `http_async_client`).
    Other keywords must be Ollama API parameters or model options (`num_batch`,
    `min_p`, `think`, `options`...); anything else is a TypeError naming the closest
    known name, but for LangChain's `stream_usage`, which langchain-ollama ignores too.

    The model options (`num_ctx`, `num_predict`, `temperature`, `top_k`, `mirostat`...)
    go inside the body's `options`; `reasoning` is sent as `think`, and the thinking
    comes back in `additional_kwargs["reasoning_content"]`, as there. Errors are also
    the classes langchain-ollama lets through (`ollama.ResponseError`, httpx's
    `ConnectError` / `TimeoutException`). Deliberate differences from langchain-ollama
    (tests/partners/ollama lists each with why): `invoke` of this model makes a
    non-stream request (langchain-ollama's streams and merges, as the LangChain drop-in
    `chatplex.langchain.ChatOllama` does); transient failures are retried
    (`max_retries=2`; 0 for LangChain's single attempt; under the LangChain name,
    `chatplex.langchain.ChatOllama`, none are, as langchain-ollama retries none:
    `retry_policy=chatplex.http.retry_policy(max_retries=2)` gives chatplex's);
    thinking the server sends is kept even when `reasoning` is not on (LangChain drops
    it); `response_metadata` also has chatplex's `finish_reason`,
    `raw_finish_reason`, `provider` and `attempts`; `max_tokens` (which
    langchain-ollama has no field for and drops without a word, leaving the reply
    unbounded) is sent as `num_predict`. `validate_model_on_init=True` asks the server
    for its local models at construction (`/api/tags`), as langchain-ollama does: a
    ValueError unless the model is one of them.
    """

    partner_record = CHAT_OLLAMA

    def __init__(
        self,
        model: str | None = None,
        *,
        reasoning: bool | str | None = None,
        validate_model_on_init: bool = False,
        mirostat: int | None = None,
        mirostat_eta: float | None = None,
        mirostat_tau: float | None = None,
        num_ctx: int | None = None,
        num_gpu: int | None = None,
        num_thread: int | None = None,
        num_predict: int | None = None,
        repeat_last_n: int | None = None,
        repeat_penalty: float | None = None,
        tfs_z: float | None = None,
        format: str | Mapping[str, Any] | None = None,  # noqa: A002 (LangChain's name)
        keep_alive: int | str | None = None,
        client_kwargs: Mapping[str, Any] | None = None,
        async_client_kwargs: Mapping[str, Any] | None = None,
        sync_client_kwargs: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        from .adapter import OllamaAdapter

        # LangChain's stream_usage, which scripts give every provider's class alike:
        # langchain-ollama has no such field and ignores it (Ollama's streams always end
        # with their usage), where other unknown keywords are refused below.
        params.pop("stream_usage", None)
        _clients_of_kwargs(
            type(self).__name__, client_kwargs, sync_client_kwargs, async_client_kwargs, params
        )
        taken = take_params(self, params, _FIELDS, "ollama")
        owner, given = taken.owner, taken.given
        if not model:
            raise TypeError(f"{owner} needs model=... (e.g. 'llama3.2')")
        headers, client_timeout = _client_settings(owner, client_kwargs)
        max_tokens = given["max_tokens"]
        if max_tokens is not None and num_predict is not None and max_tokens != num_predict:
            raise ValueError(
                f"{owner} got max_tokens={max_tokens} and num_predict={num_predict}: they "
                "are one limit (num_predict is Ollama's name); give one"
            )
        if given["top_logprobs"] is not None and given["logprobs"] is None:
            given["logprobs"] = True  # as langchain-ollama: top_logprobs turns logprobs on
        if given["top_logprobs"] is not None and given["logprobs"] is False:
            raise ValueError("top_logprobs is set but logprobs is False: set logprobs=True")
        named = {
            "think": reasoning,
            "mirostat": mirostat,
            "mirostat_eta": mirostat_eta,
            "mirostat_tau": mirostat_tau,
            "num_ctx": num_ctx,
            "num_gpu": num_gpu,
            "num_thread": num_thread,
            "repeat_last_n": repeat_last_n,
            "repeat_penalty": repeat_penalty,
            **taken.sent(_SENT),
            "tfs_z": tfs_z,
            "format": format,
            "keep_alive": keep_alive,
        }
        body: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
        adapter = OllamaAdapter(
            api_key=given["api_key"], base_url=given["base_url"], default_headers=headers
        )
        taken.tail.default("timeout", client_timeout)
        max_tokens = num_predict if num_predict is not None else max_tokens
        if type(max_tokens) is int and max_tokens < 1:
            # Ollama's own limits (-1: none, -2: the context's), sent as its option
            body["num_predict"], max_tokens = max_tokens, None
        taken.settle(self, adapter, model, max_tokens=max_tokens, **body)
        if validate_model_on_init:
            _validate_model(self, adapter, model)

    @property
    def num_predict(self) -> int | None:
        """langchain-ollama's name for `max_tokens` (or Ollama's -1 or -2, as given)."""
        return (
            self.max_tokens if self.max_tokens is not None else self.extra_body.get("num_predict")
        )

    @property
    def base_url(self) -> str:
        """The server's URL (credentials masked)."""
        from .adapter import OllamaAdapter  # loaded already: the model was built on it

        return str(self.adapter.base_url) if isinstance(self.adapter, OllamaAdapter) else ""

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        """As langchain-ollama's `bind_tools`: the tool choice is not bound (Ollama has
        none, and its partner ignores it), so "none" offers the tools too, and nothing is
        bound that a call would give its client (whose `chat()` refuses `tool_choice`)."""
        return tools, None

    def langchain_call_engine(self, keywords: Mapping[str, Any]) -> ChatModel:
        """As langchain-ollama's `_chat_params`: a call's own `options` are the model
        options sent, in place of the constructor's (`num_ctx`, `temperature`, `seed`,
        `stop`, ...), which that call does not send."""
        if keywords.get("options") is None:
            return self
        from .request import OPTION_NAMES

        clone = copy.copy(self)
        clone.extra_body = {k: v for k, v in self.extra_body.items() if k not in OPTION_NAMES}
        clone.temperature = clone.top_p = clone.max_tokens = clone.stop = None
        return clone

    def check_call(self, overrides: Mapping[str, Any]) -> None:
        """As langchain-ollama's `_chat_params`: a stop list given both here and to the
        call is an error, raised before its client refuses an unknown keyword."""
        if self.stop is not None and overrides.get("stop") is not None:
            raise ValueError("`stop` found in both the input and default params.")


#: The ollama client's words for a server it cannot reach.
_NO_CONNECTION = (
    "Failed to connect to Ollama. Please check that Ollama is downloaded, running and "
    "accessible. https://ollama.com/download"
)


def _validate_model(model: ChatOllama, adapter: OllamaAdapter, name: str) -> None:
    """langchain-ollama's `validate_model_on_init=True`: the server's local models asked
    for once (`/api/tags`, one attempt), a ValueError in its words unless `name` is one of
    them (or one of its tags) or where the server answers an error; a server that cannot
    be reached is the ollama client's ConnectionError, in its words."""
    from ...chat.side_call import side_call
    from ...errors import APIError
    from ...sdk_error_families import failure_kind

    try:
        names = side_call(model, adapter.tags_request(), local_models, retried=False)
    except APIError as err:
        if failure_kind(err) == "connection":
            # the ollama client's own (its `list()`), which langchain-ollama lets through
            raise ConnectionError(_NO_CONNECTION) from None
        if failure_kind(err) is not None:
            raise  # a timeout: httpx's, as the client lets it through
        raise ValueError(
            "Received an error from the Ollama API. Please check your Ollama server logs."
        ) from err
    if not any(name == m or m.startswith(f"{name}:") for m in names):
        raise ValueError(
            f"Model `{name}` not found in Ollama. Please pull the model (using `ollama pull "
            f"{name}`) or specify a valid model name. Available local models: "
            f"{', '.join(names)}"
        )


def local_models(body: bytes) -> list[str]:
    """The model names of an `/api/tags` reply (`{"models": [{"model": ...}, ...]}`).

    >>> local_models(b'{"models": [{"model": "llama3.2:latest"}, {"name": "x"}]}')
    ['llama3.2:latest']
    """
    import json

    data = json.loads(body)
    models = data.get("models") if isinstance(data, dict) else None
    return [
        m["model"] for m in models or () if isinstance(m, dict) and isinstance(m.get("model"), str)
    ]


def _client_settings(
    owner: str, client_kwargs: Mapping[str, Any] | None
) -> tuple[dict[str, str] | None, float | None]:
    """(headers, timeout) from langchain-ollama's `client_kwargs`."""
    if not client_kwargs:
        return None, None
    if not isinstance(client_kwargs, Mapping):
        raise TypeError(f"client_kwargs must be a dict, got {client_kwargs!r}")
    headers = client_kwargs.get("headers")
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(f"client_kwargs['headers'] must be a dict, got {headers!r}")
    timeout = client_kwargs.get("timeout")
    if timeout is not None and not isinstance(timeout, (int, float)):
        raise TypeError(
            f"client_kwargs['timeout'] must be seconds (a number), got {timeout!r}; "
            "pass timeout=... for chatplex's timeouts"
        )
    return (dict(headers) if headers else None), timeout


def _clients_of_kwargs(
    owner: str,
    shared: Mapping[str, Any] | None,
    sync: Mapping[str, Any] | None,
    in_async: Mapping[str, Any] | None,
    params: dict[str, Any],
) -> None:
    """langchain-ollama's httpx settings beyond `client_kwargs`' headers and timeout
    (`verify`, `proxy`, `transport`, `event_hooks`..., and what `sync_client_kwargs` /
    `async_client_kwargs` add for one client) honoured as the ollama SDK honours them:
    chatplex's `http_client` and `http_async_client`, built with them (redirects
    followed, as the SDK's clients follow them)."""
    for setting, value in (("sync_client_kwargs", sync), ("async_client_kwargs", in_async)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(f"{setting} must be a dict, got {value!r}")
    shared_rest = {k: v for k, v in (shared or {}).items() if k not in _CLIENT_KWARGS}
    if not (shared_rest or sync or in_async):
        return
    built = {"follow_redirects": True, **shared_rest}
    partner_http_clients(
        owner,
        "client_kwargs / sync_client_kwargs / async_client_kwargs",
        {**built, **(sync or {})},
        {**built, **(in_async or {})},
        params,
    )
