"""What every drop-in's build shares (`providers/<wire>/dropin.py`, a record's `build`):
chatplex's own settings every drop-in takes (`TAIL`), the LangChain settings chatplex
refuses (each with its reason), a setting given under two names (`pick`), a `Timeout`
object read in seconds, and LangChain's model-level run config.

>>> pick("ChatOpenAI", model="gpt-4o", model_name=None)
'gpt-4o'
>>> pick("ChatOpenAI", model="a", model_name="b")
Traceback (most recent call last):
...
TypeError: ChatOpenAI got model='a' and model_name='b': pass one of them
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ..core.run_config import RunnableConfig
from ..secret import Secret
from ..specs import spec
from .params import SettingRefused

if TYPE_CHECKING:
    from ..adapters.base import Adapter

__all__ = [
    "REFUSED",
    "TAIL",
    "UNSET",
    "check_refused",
    "partner_http_clients",
    "pick",
    "run_config",
    "timeout_in_seconds",
    "tool_call_body",
]

_NO_TOKENIZER = "chatplex does not count tokens locally; usage comes from the provider"

#: LangChain settings chatplex does not have, and why: passing one (other than its
#: "off" value) is a TypeError naming the reason, never a setting silently ignored.
#: Those of every class here; a provider's own, in its spec (`refused_settings`).
REFUSED: dict[str, dict[str, str]] = {
    "common": {
        "custom_get_token_ids": _NO_TOKENIZER,
        "disable_streaming": "chatplex always streams when asked; disable_streaming=False only",
        "output_version": "chatplex messages keep LangChain's v0 content; 'v0' only",
        "profile": "chatplex has no model profiles of LangChain's kind",
    },
}

#: The "off" value of each refused setting that has one (accepted, as it changes nothing).
_OFF: dict[str, tuple[Any, ...]] = {
    "disable_streaming": (False,),
    "output_version": (None, "v0"),
}


#: chatplex's own settings every drop-in takes (after its partner's fields), in the order
#: its signature shows them (`langchain/dropin.py`), with `ChatModel.__init__`'s types
#: and defaults; LangChain's model-level run settings (`callbacks`, `tags`, `metadata`,
#: `verbose`) become the config every call runs with. A partner field of the same name
#: (a preset's `max_retries`) is shown as that field.
TAIL = (
    "rate_limiter",
    "cache",
    "callbacks",
    "tags",
    "metadata",
    "verbose",
    "name",
    "timeout",
    "max_retries",
    "http_client",
    "http_async_client",
    "stream_idle_timeout",
    "max_response_bytes",
    "max_retry_after",
    "retry_policy",
    "rate_limit",
    "extra_headers",
)


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:  # as help() and inspect.signature show the default
        return "<its LangChain default>"


#: A parameter's default when LangChain tells "not given" from an explicit None (a
#: preset's temperature 0.7, a per-model default temperature): the drop-in then applies
#: its partner class's default.
UNSET: Any = _Unset()


def pick(owner: str, **candidates: Any) -> Any:
    """The one value given among a setting and its aliases (None if none); a TypeError
    when two different values are given."""
    given = {k: v for k, v in candidates.items() if v is not None}
    # A key held as a Secret compares by its value (its repr is always masked).
    if len({v if isinstance(v, Secret) else repr(v) for v in given.values()}) > 1:
        shown = " and ".join(f"{k}={v!r}" for k, v in given.items())
        raise SettingRefused(f"{owner} got {shown}: pass one of them")
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
    declared = spec(provider)
    of_provider = dict(declared.refused_settings) if declared is not None else {}
    refused = {**REFUSED["common"], **of_provider, **(own or {})}
    off = {**_OFF, **(own_off or {})}
    kept: dict[str, Any] = {}
    for name, value in extras.items():
        if name not in refused:
            kept[name] = value
        elif value not in off.get(name, (None,)):
            raise SettingRefused(f"{owner}({name}=...) is not supported: {refused[name]}")
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


def tool_call_body(
    adapter: Adapter | None, parallel: bool, tool_choice: str | None
) -> dict[str, Any]:
    """The body fields of `bind_tools(parallel_tool_calls=...)`, as LangChain sends them
    on the adapter's wire (`Adapter.parallel_tool_calls_body`; without an adapter,
    `parallel_tool_calls`).

    >>> tool_call_body(None, False, None)
    {'parallel_tool_calls': False}
    """
    if not isinstance(parallel, bool):
        raise TypeError(f"parallel_tool_calls must be True or False, got {parallel!r}")
    if adapter is None:
        return {"parallel_tool_calls": parallel}
    return adapter.parallel_tool_calls_body(parallel, tool_choice)


#: What an HTTP client's `Timeout` object has (httpx's, and the SDKs' own on httpx2).
_TIMEOUT_PARTS = ("connect", "read", "write", "pool")


def timeout_in_seconds(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """Settings (a call's, or a constructor's) with a `Timeout` object given as their
    `timeout` (what a partner hands its SDK's create() or client, as
    `timeout=httpx.Timeout(5)`) taken in seconds: its read timeout, the wait for the
    reply, which then bounds the attempt as any timeout does; httpx's tuple
    `(connect, read[, write, pool])` (langchain-openai's `request_timeout=(3, 60)`) too.
    Other settings, and a timeout in seconds, as they are.

    >>> import httpx
    >>> timeout_in_seconds({"timeout": httpx.Timeout(5, connect=2), "stop": ["x"]})
    {'timeout': 5.0, 'stop': ['x']}
    >>> timeout_in_seconds({"timeout": (3, 60)})
    {'timeout': 60}
    """
    given = settings.get("timeout")
    if given is None or isinstance(given, (int, float, str)):
        return settings
    if isinstance(given, tuple) and 2 <= len(given) <= len(_TIMEOUT_PARTS):
        # httpx's own form, (connect, read[, write, pool]), which the SDKs hand it
        return {**settings, "timeout": given[1]}
    if not all(hasattr(given, part) for part in _TIMEOUT_PARTS):
        return settings  # refused as any other value that is not seconds
    return {**settings, "timeout": given.read}


def partner_http_clients(
    owner: str,
    given: str,
    sync: Mapping[str, Any],
    in_async: Mapping[str, Any],
    params: dict[str, Any],
) -> None:
    """chatplex's `http_client` and `http_async_client` in `params`, built from the httpx
    keywords a partner class takes for its SDK's two clients (`given`: the setting that
    passed them), as that SDK builds its own; a TypeError if a client was given too."""
    if "http_client" in params or "http_async_client" in params:
        raise TypeError(
            f"{owner}({given}=...) builds the HTTP clients; with http_client= or "
            "http_async_client= as well, give the clients those settings instead"
        )
    import httpx

    params["http_client"] = httpx.Client(**sync)
    params["http_async_client"] = httpx.AsyncClient(**in_async)
