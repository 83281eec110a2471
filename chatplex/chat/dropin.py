"""What `ChatOpenAI` and `ChatAnthropic` share: LangChain's aliases, its model-level
run config, and the LangChain settings chatplex refuses (each with its reason), all
resolved once, at construction.

>>> pick("ChatOpenAI", model="gpt-4o", model_name=None)
'gpt-4o'
>>> pick("ChatOpenAI", model="a", model_name="b")
Traceback (most recent call last):
...
TypeError: ChatOpenAI got model='a' and model_name='b': pass one of them
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..core.run_config import RunnableConfig
from ..secret import Secret

__all__ = [
    "LANGCHAIN_ALIASES",
    "REFUSED",
    "check_refused",
    "constructor_names",
    "pick",
    "run_config",
    "tool_call_body",
    "with_query",
]

_SDK_CLIENTS = "chatplex sends its own requests (no SDK client); pass http_client= instead"
_NO_TOKENIZER = "chatplex does not count tokens locally; usage comes from the provider"
_NO_PROXY = "pass http_client=httpx.Client(proxy=...) and http_async_client=... instead"

#: LangChain settings chatplex does not have, and why: passing one (other than its
#: "off" value) is a TypeError naming the reason, never a setting silently ignored.
REFUSED: dict[str, dict[str, str]] = {
    "common": {
        "custom_get_token_ids": _NO_TOKENIZER,
        "disable_streaming": "chatplex always streams when asked; disable_streaming=False only",
        "output_version": "chatplex messages keep LangChain's v0 content; 'v0' only",
        "profile": "chatplex has no model profiles of LangChain's kind",
    },
    "openai": {
        "async_client": _SDK_CLIENTS,
        "client": _SDK_CLIENTS,
        "root_async_client": _SDK_CLIENTS,
        "root_client": _SDK_CLIENTS,
        "include_response_headers": "response headers are not kept; response_metadata "
        "has request_id",
        "disabled_params": "chatplex sends only the parameters you set",
        "http_socket_options": _NO_PROXY,
        "openai_proxy": _NO_PROXY,
        "tiktoken_model_name": _NO_TOKENIZER,
    },
    "anthropic": {
        "anthropic_proxy": _NO_PROXY,
        "reuse_last_container": "chatplex does not track containers between calls; "
        "pass container=... per call",
    },
}

#: LangChain's other spellings of chatplex's settings, as `ChatOpenAI` / `ChatAnthropic`
#: take them (their constructors' `pick`s; tests/chat/test_dropin_models.py checks the
#: two agree): read by `configurable_fields(model_name=...)` and by
#: `chatplex.langchain.ChatChatplex`, so every door takes the same names.
LANGCHAIN_ALIASES: dict[str, str] = {
    "model_name": "model",
    "max_completion_tokens": "max_tokens",
    "max_tokens_to_sample": "max_tokens",
    "stop_sequences": "stop",
    "request_timeout": "timeout",
    "default_request_timeout": "timeout",
    "stream_chunk_timeout": "stream_idle_timeout",
    "openai_api_key": "api_key",
    "anthropic_api_key": "api_key",
    "openai_api_base": "base_url",
    "anthropic_api_url": "base_url",
    "openai_organization": "organization",
    "effort": "reasoning_effort",
}

#: The "off" value of each refused setting that has one (accepted, as it changes nothing).
_OFF: dict[str, tuple[Any, ...]] = {
    "disable_streaming": (False,),
    "output_version": (None, "v0"),
    "include_response_headers": (False,),
    "guard_last_turn_only": (False,),
}


_NAMES: dict[type, tuple[str, ...]] = {}


def constructor_names(cls: type) -> tuple[str, ...]:
    """The named parameters of `cls`'s constructor (for "did you mean" suggestions)."""
    names = _NAMES.get(cls)
    if names is None:
        import inspect

        params = inspect.signature(cls).parameters.values()
        names = _NAMES[cls] = tuple(p.name for p in params if p.kind is not p.VAR_KEYWORD)
    return names


def pick(owner: str, **candidates: Any) -> Any:
    """The one value given among a setting and its aliases (None if none); a TypeError
    when two different values are given."""
    given = {k: v for k, v in candidates.items() if v is not None}
    # A key held as a Secret compares by its value (its repr is always masked).
    if len({v if isinstance(v, Secret) else repr(v) for v in given.values()}) > 1:
        shown = " and ".join(f"{k}={v!r}" for k, v in given.items())
        raise TypeError(f"{owner} got {shown}: pass one of them")
    return next(iter(given.values()), None)


def check_refused(
    owner: str,
    provider: str,
    extras: Mapping[str, Any],
    *,
    own: Mapping[str, str] | None = None,
    own_off: Mapping[str, tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """`extras` without the refused settings at their "off" values; a refused setting
    at any other value is a TypeError with the reason. A drop-in in its provider's folder
    passes its own refusals (`own`: name → why) and their "off" values (`own_off`)."""
    refused = {**REFUSED["common"], **REFUSED.get(provider, {}), **(own or {})}
    off = {**_OFF, **(own_off or {})}
    kept: dict[str, Any] = {}
    for name, value in extras.items():
        if name not in refused:
            kept[name] = value
        elif value not in off.get(name, (None,)):
            raise TypeError(f"{owner}({name}=...) is not supported: {refused[name]}")
    return kept


def run_config(
    callbacks: Any, tags: Sequence[str] | None, metadata: Mapping[str, Any] | None
) -> RunnableConfig:
    """LangChain's model-level `callbacks`, `tags`, `metadata` as the config every call
    runs with (the call's own config is merged on top)."""
    config: dict[str, Any] = {}
    if callbacks:
        config["callbacks"] = (
            list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
        )
    if tags:
        if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
            raise TypeError(f"tags must be a list of str, got {tags!r}")
        config["tags"] = list(tags)
    if metadata:
        if not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a dict, got {metadata!r}")
        config["metadata"] = dict(metadata)
    return config  # type: ignore[return-value]


def with_query(base_url: str | None, query: Mapping[str, Any] | None) -> str | None:
    """`default_query`: parameters added to the base URL's query, which chatplex keeps
    on every request (Azure-style `?api-version=`)."""
    if not query:
        return base_url
    if base_url is None:
        raise ValueError("default_query needs base_url= (the server it is meant for)")
    parts = urlsplit(base_url)
    pairs = [
        *parse_qsl(parts.query, keep_blank_values=True),
        *((k, str(v)) for k, v in query.items()),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))


#: chatplex's tool_choice keywords as Anthropic's tool_choice types.
_ANTHROPIC_CHOICE = {None: "auto", "auto": "auto", "required": "any", "none": "none"}


def tool_call_body(provider: str, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
    """The body fields of `bind_tools(parallel_tool_calls=...)`, as LangChain sends them:
    OpenAI's `parallel_tool_calls`; for Anthropic, `disable_parallel_tool_use` inside the
    `tool_choice` object (`{"type": "auto"}` when no choice was bound).

    >>> tool_call_body("anthropic", False, None)
    {'tool_choice': {'type': 'auto', 'disable_parallel_tool_use': True}}
    """
    if not isinstance(parallel, bool):
        raise TypeError(f"parallel_tool_calls must be True or False, got {parallel!r}")
    if provider == "anthropic":
        kind = _ANTHROPIC_CHOICE.get(tool_choice)
        choice = {"type": kind} if kind else {"type": "tool", "name": tool_choice}
        return {"tool_choice": {**choice, "disable_parallel_tool_use": not parallel}}
    return {"parallel_tool_calls": parallel}
