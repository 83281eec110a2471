"""httpx clients a partner class builds for its calls, built alike for a drop-in's:
through a proxy it takes or reads from the environment (langchain-anthropic's
`anthropic_proxy`, `ANTHROPIC_PROXY`), and with the socket options langchain-openai's
`ChatOpenAI` takes (`http_socket_options`). The drop-in sends through them as
`http_client=` / `http_async_client=` (the shared pool mounts only `HTTP(S)_PROXY`, and
sets no socket options)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

__all__ = ["field_proxied", "proxied_clients"]

logger = logging.getLogger(__name__)

#: A socket option as `socket.setsockopt` takes it: (level, option, value).
SocketOption = tuple[int, int, int]

#: The variables httpx reads a proxy from, which a transport of its own leaves unread.
_PROXY_VARIABLES = (
    *("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"),
    *("http_proxy", "https_proxy", "all_proxy"),
)


def proxied_clients(
    proxy: str | None,
    variable: str,
    given: Mapping[str, Any],
    socket_options: Sequence[SocketOption] = (),
) -> dict[str, Any]:
    """`http_client` / `http_async_client`, those of `given` that are None: through
    `proxy` (None: the one `variable` names; unset or empty, as the partner reads it: no
    proxy) and with `socket_options` on their connections. {} where neither is wanted.

    >>> proxied_clients(None, "CHATPLEX_NO_SUCH_PROXY", {})
    {}
    """
    proxy = os.environ.get(variable) if proxy is None else proxy
    options = list(socket_options)
    if not proxy and not options:
        return {}
    import httpx  # (only a model with a proxy or socket options)

    kinds = {
        "http_client": (httpx.Client, httpx.HTTPTransport),
        "http_async_client": (httpx.AsyncClient, httpx.AsyncHTTPTransport),
    }
    if options and not proxy and any(os.environ.get(name) for name in _PROXY_VARIABLES):
        logger.warning(
            "http_socket_options: these connections are made by a transport of their own, "
            "which reads no proxy from the environment (%s); pass openai_proxy= to send "
            "through one",
            ", ".join(name for name in _PROXY_VARIABLES if os.environ.get(name)),
        )
    made = {}
    for name, (make, transport) in kinds.items():
        if given.get(name) is not None:
            continue
        if not options:
            made[name] = make(proxy=proxy)
            continue
        # (httpx reads no `limits=` beside `transport=`: the transport is given them)
        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
        if proxy:  # (mounted as httpx mounts `proxy=`, as langchain-openai builds it)
            through = transport(proxy=httpx.Proxy(proxy), socket_options=options, limits=limits)
            made[name] = make(mounts={"all://": through})
        else:
            made[name] = make(transport=transport(socket_options=options, limits=limits))
    return made


def field_proxied(
    name: str,
    variable: str,
    proxy: str | None,
    settings: Mapping[str, Any],
    socket_options: Sequence[SocketOption] | None = None,
) -> dict[str, Any]:
    """`proxied_clients` of a partner's proxy field `name` (else `variable`) and its
    socket options, as langchain-openai's classes build them: a ValueError in their words
    where the script gives an httpx client of its own as well as a proxy (`settings`: the
    constructor's). Socket options None or empty: none (its keepalive defaults are its
    own SDK clients')."""
    proxy = os.environ.get(variable) if proxy is None else proxy
    http_client, http_async_client = settings.get("http_client"), settings.get("http_async_client")
    if proxy and (http_client or http_async_client):
        raise ValueError(
            f"Cannot specify '{name}' if one of 'http_client'/'http_async_client' is already "
            f"specified. Received:\n{name}={proxy!r}\n{http_client=}\n{http_async_client=}"
        )
    return proxied_clients(proxy, variable, settings, socket_options or ())
