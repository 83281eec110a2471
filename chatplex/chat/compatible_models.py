"""The drop-ins for LangChain's OpenAI-compatible chat models: `ChatGroq`,
`ChatDeepSeek`, `ChatXAI`, `ChatMistralAI`, `ChatFireworks`, `ChatTogether`,
`ChatPerplexity`, `ChatCerebras`, `ChatOpenRouter` (each a class of its
langchain-<provider> package), over the presets of `adapters/compatible.py`.

One constructor (`PresetChatModel`) takes the parameters they share (`model` /
`model_name`, `temperature`, `max_tokens`, `stop` / `stop_sequences`, `timeout` /
`request_timeout`, `api_key`, `base_url`, ...); each class declares the rest
(`DropIn`): its own spellings of the key and base URL (`groq_api_key`,
`mistral_api_key`, `endpoint`, ...), the body parameters LangChain names as fields
(`reasoning_format`, `random_seed`, `search_mode`, ...), LangChain's defaults, and the
settings chatplex refuses, with the reason. Any other keyword must be a Chat Completions
parameter, else a TypeError naming the closest known name.

>>> model = ChatGroq(model="llama-3.3-70b-versatile", groq_api_key="gsk-example")
>>> model.get_name(), model.model, model.temperature
('ChatGroq', 'llama-3.3-70b-versatile', 0.7)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .dropin import check_refused, pick, run_config, with_query
from .model import ChatModel
from .params import api_parameters, unknown_keyword

if TYPE_CHECKING:
    import httpx

    from ..core.retry import RetryPolicy
    from ..http import RateLimit
    from ..secret import Secret

__all__ = [
    "DROP_INS",
    "ChatCerebras",
    "ChatDeepSeek",
    "ChatFireworks",
    "ChatGroq",
    "ChatMistralAI",
    "ChatOpenRouter",
    "ChatPerplexity",
    "ChatTogether",
    "ChatXAI",
    "DropIn",
    "PresetChatModel",
    "take_body_parameters",
]

_PROXY = "pass http_client=httpx.Client(proxy=...) and http_async_client=... instead"
_SDK = "chatplex sends its own requests (no SDK client); pass http_client= instead"
_UNSET: Any = object()  # a LangChain default that is sent (temperature 0.7...)


@dataclass(frozen=True)
class DropIn:
    """What one LangChain class takes beyond the shared parameters."""

    #: The preset (`adapters.compatible.PROFILES`) it speaks to.
    provider: str
    #: Its other names for shared parameters: LangChain name → shared name.
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: Parameters LangChain names as fields, sent in the body when set (not None, not
    #: False): LangChain name → body name.
    body: Mapping[str, str] = field(default_factory=dict)
    #: Settings of the preset's adapter it takes (OpenRouter's attribution).
    adapter_settings: tuple[str, ...] = ()
    #: LangChain's defaults that change the request: the model, the temperature sent
    #: when none is given, the retries and timeout.
    default_model: str | None = None
    temperature: float | None = None
    max_retries: int = 2
    timeout: float | None = None
    #: LangChain settings chatplex does not have, and why.
    refused: Mapping[str, str] = field(default_factory=dict)


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


class PresetChatModel(ChatModel):
    """The shared constructor of the OpenAI-compatible drop-ins (see the module doc).
    A subclass sets `dropin`; chatplex's own settings (`rate_limit`, `retry_policy`,
    `max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
    `name`) are taken by every one."""

    dropin: ClassVar[DropIn]

    def __init__(
        self,
        model: str | None = None,
        *,
        model_name: str | None = None,
        temperature: float | None = _UNSET,
        max_tokens: int | None = None,
        top_p: float | None = None,
        stop: str | Sequence[str] | None = None,
        stop_sequences: str | Sequence[str] | None = None,
        n: int | None = None,
        timeout: float | None = None,
        request_timeout: float | None = None,
        max_retries: int | None = None,
        api_key: str | Secret | None = None,
        base_url: str | None = None,
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
        stream_idle_timeout: float | None = None,
        max_response_bytes: int | None = None,
        max_retry_after: float = 60.0,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimit | Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> None:
        from ..adapters import adapter_class
        from ..adapters.compatible import PROFILES

        spec = self.dropin
        owner = type(self).__name__
        profile = PROFILES[spec.provider]
        shared: dict[str, Any] = {
            "model": model,
            "model_name": model_name,
            "stop": stop,
            "stop_sequences": stop_sequences,
            "timeout": timeout,
            "request_timeout": request_timeout,
            "api_key": api_key,
            "base_url": base_url,
            "max_tokens": max_tokens,
        }
        body: dict[str, Any] = {}
        adapter_settings: dict[str, Any] = {}
        api_params: dict[str, Any] = {}
        known = api_parameters("openai") or frozenset()
        aliases = {**_COMMON_ALIASES, **spec.aliases}
        for key, value in check_refused(owner, "common", params).items():
            if key in aliases:
                target = aliases[key]
                shared[target] = pick(owner, **{target: shared[target], key: value})
            elif key in spec.body:
                if value is not None and value is not False:
                    body[spec.body[key]] = value
            elif key in spec.adapter_settings:
                adapter_settings[key] = value
            elif key in spec.refused:
                if value is not None:
                    raise TypeError(f"{owner}({key}=...) is not supported: {spec.refused[key]}")
            elif key in known:
                if value is not None:  # LangChain's "unset"
                    api_params[key] = value
            else:
                names = [*_SHARED_NAMES, *aliases, *spec.body, *spec.adapter_settings]
                hint = (
                    f"; it is neither a parameter of {owner} nor of the Chat Completions API. "
                    "Send parameters newer than chatplex with model_kwargs={...}"
                )
                raise unknown_keyword(owner, key, [*names, *known], hint)
        for key in (*body, *api_params):
            if key in profile.rejects:
                raise ValueError(
                    f"{owner}: {profile.title} does not accept {key!r}: {profile.rejects[key]}"
                )
        name_of_model = pick(owner, model=shared["model"], model_name=shared["model_name"])
        name_of_model = name_of_model or spec.default_model
        if not name_of_model:
            raise TypeError(f"{owner} needs model=...")
        adapter = adapter_class(spec.provider)(
            api_key=shared["api_key"],
            base_url=with_query(shared["base_url"], default_query),
            default_headers=default_headers,
            include_usage=stream_usage is not False,
            **adapter_settings,
        )
        if n is not None and n != 1:
            api_params["n"] = n
        super().__init__(
            adapter,
            name_of_model,
            temperature=spec.temperature if temperature is _UNSET else temperature,
            max_tokens=shared["max_tokens"],
            top_p=top_p,
            stop=pick(owner, stop=shared["stop"], stop_sequences=shared["stop_sequences"]),
            timeout=pick(
                owner, timeout=shared["timeout"], request_timeout=shared["request_timeout"]
            )
            or spec.timeout,
            max_retries=spec.max_retries if max_retries is None else max_retries,
            max_retry_after=max_retry_after,
            retry_policy=retry_policy,
            rate_limit=rate_limit,
            extra_headers=extra_headers,
            stream_idle_timeout=stream_idle_timeout,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            http_async_client=http_async_client,
            name=name,
            model_kwargs=model_kwargs,
            extra_body={**body, **(extra_body or {})},
            streaming=streaming,
            stream_usage=stream_usage is not False,
            rate_limiter=rate_limiter,
            cache=cache,
            **api_params,
        )
        self.run_defaults = run_config(callbacks, tags, metadata)
        self.verbose = bool(verbose)  # as in LangChain's chat models: prints nothing

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model


_SHARED_NAMES = (
    "model",
    "model_name",
    "temperature",
    "max_tokens",
    "top_p",
    "stop",
    "stop_sequences",
    "n",
    "timeout",
    "request_timeout",
    "max_retries",
    "api_key",
    "base_url",
    "default_headers",
    "default_query",
    "streaming",
    "stream_usage",
    "model_kwargs",
    "extra_body",
)

_CLIENTS = {"client": _SDK, "async_client": _SDK}
#: Every class's other name for a shared parameter (langchain-openai's BaseChatOpenAI,
#: which ChatDeepSeek, ChatXAI, ChatTogether and ChatCerebras extend, and ChatOpenRouter).
_COMMON_ALIASES = {"max_completion_tokens": "max_tokens"}


class ChatGroq(PresetChatModel):
    """langchain-groq's `ChatGroq` (temperature 0.7 unless given, as there)."""

    dropin = DropIn(
        "groq",
        aliases={"groq_api_key": "api_key", "groq_api_base": "base_url"},
        body=_same("reasoning_format"),
        temperature=0.7,
        refused={**_CLIENTS, "groq_proxy": _PROXY},
    )


class ChatDeepSeek(PresetChatModel):
    """langchain-deepseek's `ChatDeepSeek` (`api_base` is its base URL)."""

    dropin = DropIn("deepseek", aliases={"api_base": "base_url"}, refused=_CLIENTS)


class ChatXAI(PresetChatModel):
    """langchain-xai's `ChatXAI` (model grok-4 unless given, as there)."""

    dropin = DropIn(
        "xai",
        aliases={"xai_api_key": "api_key", "xai_api_base": "base_url"},
        default_model="grok-4",
        refused={
            **_CLIENTS,
            "search_parameters": "xAI retired Live Search (LangChain ignores it with a warning)",
        },
    )


class ChatMistralAI(PresetChatModel):
    """langchain-mistralai's `ChatMistralAI`: `endpoint` is its base URL, `random_seed`
    its seed, `safe_mode` its `safe_prompt`; temperature 0.7, top_p 1, 5 retries and a
    120 s timeout unless given, as there."""

    dropin = DropIn(
        "mistralai",
        aliases={"mistral_api_key": "api_key", "endpoint": "base_url"},
        body={"random_seed": "random_seed", "safe_mode": "safe_prompt"},
        default_model="mistral-small",
        temperature=0.7,
        max_retries=5,
        timeout=120.0,
        refused={
            **_CLIENTS,
            "max_concurrent_requests": "pass rate_limit={'max_in_flight': ...} instead",
        },
    )


class ChatFireworks(PresetChatModel):
    """langchain-fireworks' `ChatFireworks`."""

    dropin = DropIn(
        "fireworks",
        aliases={"fireworks_api_key": "api_key", "fireworks_api_base": "base_url"},
        refused=_CLIENTS,
    )


class ChatTogether(PresetChatModel):
    """langchain-together's `ChatTogether` (its default model unless given, as there)."""

    dropin = DropIn(
        "together",
        aliases={"together_api_key": "api_key", "together_api_base": "base_url"},
        default_model="Qwen/Qwen2.5-7B-Instruct-Turbo",
        refused=_CLIENTS,
    )


class ChatPerplexity(PresetChatModel):
    """langchain-perplexity's `ChatPerplexity` over Chat Completions: its search
    parameters are sent when set; citations and search results come back in
    `response_metadata`; structured output uses `response_format` (no tools)."""

    dropin = DropIn(
        "perplexity",
        aliases={"pplx_api_key": "api_key"},
        body=_same(
            "search_mode",
            "language_preference",
            "search_domain_filter",
            "return_images",
            "return_related_questions",
            "search_recency_filter",
            "search_after_date_filter",
            "search_before_date_filter",
            "last_updated_after_filter",
            "last_updated_before_filter",
            "disable_search",
            "enable_search_classifier",
            "media_response",
        ),
        default_model="sonar",
        temperature=0.7,
        max_retries=6,
        refused={
            **_CLIENTS,
            "use_responses_api": "chatplex speaks Perplexity's Chat Completions API only",
        },
    )


class ChatCerebras(PresetChatModel):
    """langchain-cerebras' `ChatCerebras`."""

    dropin = DropIn(
        "cerebras",
        aliases={"cerebras_api_key": "api_key", "cerebras_api_base": "base_url"},
        body=_same("disable_reasoning"),
        refused={**_CLIENTS, "cerebras_proxy": _PROXY},
    )


class ChatOpenRouter(PresetChatModel):
    """langchain-openrouter's `ChatOpenRouter`: `openrouter_provider` goes as the body's
    `provider`; `app_url` / `app_title` / `app_categories` as attribution headers (sent
    only when set here or in `OPENROUTER_APP_URL` / `OPENROUTER_APP_TITLE`: LangChain
    attributes to itself by default)."""

    dropin = DropIn(
        "openrouter",
        aliases={"openrouter_api_key": "api_key", "openrouter_api_base": "base_url"},
        body={
            "reasoning": "reasoning",
            "openrouter_provider": "provider",
            "route": "route",
            "plugins": "plugins",
            "session_id": "session_id",
            "trace": "trace",
        },
        adapter_settings=("app_url", "app_title", "app_categories"),
        refused=_CLIENTS,
    )


#: Provider name → its drop-in class.
DROP_INS: dict[str, type[PresetChatModel]] = {
    cls.dropin.provider: cls
    for cls in (
        ChatGroq,
        ChatDeepSeek,
        ChatXAI,
        ChatMistralAI,
        ChatFireworks,
        ChatTogether,
        ChatPerplexity,
        ChatCerebras,
        ChatOpenRouter,
    )
}


def take_body_parameters(provider: str, settings: dict[str, Any]) -> dict[str, Any]:
    """What `init_chat_model("groq:...", ...)` takes as `ChatGroq(...)` does: the class's
    other names for shared settings (`groq_api_key`, `endpoint`...) are renamed in
    `settings`, and the body parameters it names as fields (`reasoning_format`,
    `random_seed`, `search_mode`, ...) are taken out and returned under their wire names
    (for `extra_body`); {} and nothing renamed for providers without a drop-in.

    >>> settings = {"groq_api_key": "k", "reasoning_format": "parsed"}
    >>> take_body_parameters("groq", settings), settings
    ({'reasoning_format': 'parsed'}, {'api_key': 'k'})
    """
    cls = DROP_INS.get(provider)
    if cls is None:
        return {}
    spec = cls.dropin
    for alias in [k for k in settings if k in spec.aliases]:
        target = spec.aliases[alias]
        value = pick(
            f"init_chat_model({provider!r})",
            **{target: settings.get(target), alias: settings[alias]},
        )
        del settings[alias]
        settings[target] = value
    return {spec.body[k]: settings.pop(k) for k in list(settings) if k in spec.body}
