"""Hosts that resolve to nothing, as on a machine with no network: a side-by-side test
stubs the resolver for a provider's production hosts, so a partner's call that would go
there fails to connect instead of leaving the machine (chatplex's own calls are stopped
before that by the pytest plugin's network guard)."""

from __future__ import annotations

import socket
from collections.abc import Collection
from typing import Any

import pytest


def unresolvable(monkeypatch: pytest.MonkeyPatch, hosts: Collection[str]) -> None:
    """`hosts` resolving to nothing for the rest of the test (others as before)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if (host.decode() if isinstance(host, bytes) else host) in hosts:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
