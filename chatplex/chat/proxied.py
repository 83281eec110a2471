"""httpx clients through a proxy a partner class takes, or reads from the environment
(langchain-anthropic's `anthropic_proxy`, `ANTHROPIC_PROXY`), for a drop-in's calls:
its partner sends through its own httpx clients built with `proxy=`, and so does the
drop-in, through `http_client=` / `http_async_client=` (the shared pool mounts only
`HTTP(S)_PROXY`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["field_proxied", "proxied_clients"]


def proxied_clients(proxy: str | None, variable: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """`http_client` / `http_async_client` through `proxy` (None: the one `variable`
    names), those of `given` that are None; {} where it is unset or empty (as the
    partner reads it: no proxy).

    >>> proxied_clients(None, "CHATPLEX_NO_SUCH_PROXY", {})
    {}
    """
    proxy = os.environ.get(variable) if proxy is None else proxy
    if not proxy:
        return {}
    import httpx  # a proxied model's only

    made = {"http_client": httpx.Client, "http_async_client": httpx.AsyncClient}
    return {name: make(proxy=proxy) for name, make in made.items() if given.get(name) is None}


def field_proxied(
    name: str, variable: str, proxy: str | None, settings: Mapping[str, Any]
) -> dict[str, Any]:
    """`proxied_clients` of a partner's proxy field `name` (else `variable`), as
    langchain-openai's classes build them: a ValueError in their words where the script
    gives an httpx client of its own as well (`settings`: the constructor's)."""
    proxy = os.environ.get(variable) if proxy is None else proxy
    http_client, http_async_client = settings.get("http_client"), settings.get("http_async_client")
    if proxy and (http_client or http_async_client):
        raise ValueError(
            f"Cannot specify '{name}' if one of 'http_client'/'http_async_client' is already "
            f"specified. Received:\n{name}={proxy!r}\n{http_client=}\n{http_async_client=}"
        )
    return proxied_clients(proxy, variable, settings)
