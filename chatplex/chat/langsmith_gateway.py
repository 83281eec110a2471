"""LangSmith's gateway, as the partner classes that follow it resolve it (langchain-core's
`utils/_gateway`, read here, never imported): where `LANGSMITH_GATEWAY` is on ("true", or
a gateway's URL) and no server is given, a model sends to `{gateway}/{path}` with a
LangSmith key. A partner record declares its `GatewayRoute`, which `chatplex.langchain`
reads when a drop-in is built (`resolve`), and its `GatewayReport`: where a reply's
gateway metadata (the engine's `response_metadata["gateway_metadata"]`) goes into its
`generation_info`, for LangChain's tracer.

A key it finds is a `Secret`, and the environment is read where it is used, never held
in a local: a frame's locals (what an error tracker shows of a traceback) show no key.

With `LANGSMITH_GATEWAY=true` and `LANGSMITH_API_KEY` set, a route resolves so:

>>> route = GatewayRoute("base", "key", "prov/v1", key_variables=("PROV_KEY",))
>>> resolve(route, None, None)[:2]  # doctest: +SKIP
('https://gateway.smith.langchain.com/prov/v1', Secret('**********'))
"""

from __future__ import annotations

import os
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import NamedTuple

from ..secret import Secret

__all__ = ["GATEWAY_INFO", "GatewayReport", "GatewayRoute", "Resolved", "resolve"]

#: Where a partner puts the gateway's metadata in a reply's `generation_info`, for
#: LangChain's tracer (langchain-core's `GATEWAY_METADATA_RESPONSE_KEY`).
GATEWAY_INFO = "lc_gateway_metadata"

_DEFAULT_GATEWAY = "https://gateway.smith.langchain.com"
_OFF = ("false", "0", "no")
_ON = ("true", "1", "yes")


def _everywhere(values: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class GatewayRoute:
    """How one partner class follows the gateway: the fields its validator writes the
    base URL and key to (given under either name), the gateway's path for its provider,
    the variables read before the gateway (a base URL) or beside it (a key), the base
    URL where nothing is set, and where the route applies at all (a class that speaks to
    two APIs may follow it on one)."""

    base_field: str
    key_field: str
    path: str
    base_variables: tuple[str, ...] = ()
    key_variables: tuple[str, ...] = ()
    default_base: str | None = None
    #: Fields its validator sets where the gateway gave the URL, unless a field of
    #: `routed_unless` is given or a variable of it set (`stream_usage`: the gateway
    #: passes usage on, unless the script's own clients are given).
    when_routed: Mapping[str, Any] = field(default_factory=dict)
    routed_unless: tuple[str, ...] = ()
    #: Whether the route applies to a constructor's keywords (before validation).
    applies: Callable[[Mapping[str, Any]], bool] = _everywhere


@dataclass(frozen=True)
class GatewayReport:
    """Where a partner class puts a reply's gateway metadata into its `generation_info`
    (LangChain's tracer reads it there; its message's metadata never has it): where its
    key (`key_field`) is a LangSmith one, `lsv2_` (its `_uses_gateway`); on every whole
    reply, with `whole_replies`, whatever the key; on a stream's first piece where the
    field `streams_with` is true (one that has it read the raw response). Not on a sync
    stream's where `sync_streams` is False (a sync `_stream` of its own)."""

    key_field: str
    whole_replies: bool = False
    streams_with: str | None = None
    sync_streams: bool = True


class Resolved(NamedTuple):
    """The base URL and key a model is built with, and whether the gateway gave the
    URL. `api_key`: the one given, unchanged; else the one found (a `Secret`), or None."""

    base_url: str | None
    api_key: Any
    from_gateway: bool


def resolve(route: GatewayRoute, base_url: str | None, api_key: Any) -> Resolved:
    """LangChain's precedence. The base URL: the one given, else the first of its
    variables, else the gateway's, else the route's default. The key: the one given;
    else, where the gateway gave the URL, the gateway's key (LANGSMITH_GATEWAY_API_KEY,
    else LANGSMITH_API_KEY) before the provider's; for any other URL, the provider's
    before the gateway's (LANGSMITH_GATEWAY_API_KEY, where the gateway is on): a gateway
    key is never sent to a provider that has its own."""
    gateway = _gateway_base(route.path)
    from_gateway = False
    if base_url is None:
        base_url = _first(route.base_variables)
        if base_url is None and gateway is not None:
            base_url, from_gateway = gateway, True
        elif base_url is None:
            base_url = route.default_base
    if api_key is not None:
        return Resolved(base_url, api_key, from_gateway)
    gateway_key = _secret("LANGSMITH_GATEWAY_API_KEY") if gateway is not None else None
    if gateway_key is None and from_gateway:
        gateway_key = _secret("LANGSMITH_API_KEY")
    provider_key = _secret(*route.key_variables)
    first, then = (gateway_key, provider_key) if from_gateway else (provider_key, gateway_key)
    return Resolved(base_url, first or then, from_gateway)


def _gateway_base(path: str) -> str | None:
    raw = os.environ.get("LANGSMITH_GATEWAY")
    if not raw or raw.lower() in _OFF:
        return None
    base = _DEFAULT_GATEWAY if raw.lower() in _ON else raw.rstrip("/")
    return f"{base}/{path}"


def _first(names: tuple[str, ...]) -> str | None:
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def _secret(*names: str) -> Secret | None:
    """The first of the variables set, as a `Secret` (its text never in a local)."""
    return next((Secret(os.environ[name]) for name in names if os.environ.get(name)), None)
