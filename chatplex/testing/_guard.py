"""The no-network guard and the recorder's tap on chatplex's shared HTTP clients (private).

The chatplex pytest plugin calls `activate()` at the start of a session. From then on every
shared client (see `chatplex.http.add_client_hook`) gets two httpx *event hooks*: hooked
when chatplex's HTTP layer is loaded (`chatplex.http._pool`, which brings httpx, asyncio
and chatplex's core), not before, so a pytest session that makes no chatplex client never
pays for it.
httpx runs them before a request reaches the transport and once the response head is in,
so they see every request chatplex sends through its shared clients, whatever transport
those clients use, and nothing else: clients a user passes in (`http_client=`) and the
user's own httpx code are untouched.

A request is allowed when any of these holds:

* `CHATPLEX_ALLOW_NETWORK=1` (read per request, so `monkeypatch.setenv` works);
* it goes to a loopback host (the embedded `MockServer`, a local model server);
* HTTP is mocked: respx (or another mocking library) has patched httpx's or httpcore's
  send path, so the request never leaves the process unless that mock passes it through;
* a cassette is recording (`chatplex.testing._recorder`), which needs the real provider.

Otherwise it raises `NetworkBlockedError`, naming the URL and how to mock it.

Importing this module costs nothing: it imports the standard library only (and
`chatplex.postimport`, which `import chatplex` has already loaded).
"""

from __future__ import annotations

import ipaddress
import os
import threading
from typing import TYPE_CHECKING
from typing import Protocol

from ..postimport import when_imported

if TYPE_CHECKING:
    from types import ModuleType

    import httpx

__all__ = [
    "ALLOW_ENV",
    "NetworkBlockedError",
    "Tap",
    "activate",
    "check",
    "deactivate",
    "hook_shared_clients",
    "http_is_mocked",
    "install",
    "is_loopback",
    "network_allowed",
    "set_tap",
    "shown_url",
]

ALLOW_ENV = "CHATPLEX_ALLOW_NETWORK"
_TRUE = frozenset({"1", "true", "yes", "on"})


class NetworkBlockedError(RuntimeError):
    """chatplex tried to reach the network in a test session and no mock answered.

    Not retryable, and not a chatplex `APIError`: it is a mistake in the test, not a
    provider failure.
    """


class Tap(Protocol):
    """What the recorder plugs in while a cassette records (see `set_tap`)."""

    def on_request(self, request: httpx.Request) -> None: ...

    def on_response(self, response: httpx.Response) -> None: ...


_lock = threading.Lock()
_active = 0  # activate() calls minus deactivate() calls (pytester nests sessions)
_tap: Tap | None = None


#: The module that makes chatplex's shared clients: its import is when they get hooked.
POOL_MODULE = "chatplex.http._pool"


def activate() -> None:
    """Turn the guard on; every shared client (open or future) gets the hooks once
    chatplex's HTTP layer is loaded (now, if it already is)."""
    global _active
    with _lock:
        _active += 1
    when_imported(POOL_MODULE, _hook_when_loaded)


def _hook_when_loaded(pool: ModuleType) -> None:
    hook_shared_clients()


def hook_shared_clients() -> None:
    """Install the event hooks on every shared client, open or future (idempotent)."""
    from ..http import add_client_hook  # stdlib-only at import; httpx comes with a client

    add_client_hook(install)


def deactivate() -> None:
    """Undo one `activate()`; the hooks stay on the clients but let everything through."""
    global _active
    with _lock:
        _active = max(0, _active - 1)


def set_tap(tap: Tap | None) -> Tap | None:
    """Route the shared clients' traffic through `tap` (None: stop); returns the old one."""
    global _tap
    with _lock:
        old, _tap = _tap, tap
    return old


def install(client: httpx.Client | httpx.AsyncClient) -> None:
    """Add the guard's event hooks to one client (idempotent)."""
    hooks = client.event_hooks
    is_async = hasattr(client, "aclose")
    on_request = _aon_request if is_async else _on_request
    on_response = _aon_response if is_async else _on_response
    requests, responses = hooks.get("request", []), hooks.get("response", [])
    if on_request in requests:
        return
    client.event_hooks = {
        "request": [*requests, on_request],
        "response": [*responses, on_response],
    }


def is_loopback(host: str) -> bool:
    """localhost or a loopback address (127.0.0.0/8, ::1).

    >>> is_loopback("127.0.0.1"), is_loopback("127.0.1.1"), is_loopback("api.openai.com")
    (True, True, False)
    """
    host = host.lower().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shown_url(url: httpx.URL) -> httpx.URL:
    """`url` as an error may show it: without query or user info (either may hold a key).

    >>> import httpx
    >>> str(shown_url(httpx.URL("https://u:pw@h.test/v1?key=k")))
    'https://h.test/v1'
    """
    return url.copy_with(query=None, userinfo=b"")


def network_allowed() -> bool:
    """Whether `CHATPLEX_ALLOW_NETWORK` opts this test out of the guard."""
    return os.environ.get(ALLOW_ENV, "").strip().lower() in _TRUE


def http_is_mocked(is_async: bool | None = None) -> bool:
    """Whether a mocking library currently patches httpx's or httpcore's send path: the
    async one (`is_async=True`), the sync one (False), or either (None).

    The same check the async transport makes before sending (`chatplex.http._mocking`),
    so the guard and the transport never disagree about a mock.
    """
    from ..http import http_is_mocked as mocked  # stdlib-only

    if is_async is None:
        return mocked(is_async=False) or mocked(is_async=True)
    return mocked(is_async=is_async)


def check(request: httpx.Request, *, is_async: bool | None = None) -> None:
    """Raise `NetworkBlockedError` unless the request may go out (see the module doc).

    `is_async` says which client sends it, so only a mock of that send path counts.
    """
    tap = _tap
    if tap is not None:
        tap.on_request(request)
        return
    if not _active or is_loopback(request.url.host) or network_allowed():
        return
    if http_is_mocked(is_async):
        return
    raise NetworkBlockedError(_message(request))


def _message(request: httpx.Request) -> str:
    return (
        f"chatplex tried to send {request.method} {shown_url(request.url)} during a test, "
        "and no mock handled it (the chatplex pytest plugin blocks real network calls).\n"
        "Mock it with the `chat_mock` fixture (chat_mock.openai.reply_text('...'), "
        "chat_mock.anthropic...), respx, a cassette "
        "(@pytest.mark.chatplex_cassette('name'), recorded once with CHATPLEX_RECORD=1), "
        "or point base_url at chatplex.testing.MockServer; "
        f"set {ALLOW_ENV}=1 to allow real calls."
    )


def _on_request(request: httpx.Request) -> None:
    check(request, is_async=False)


def _on_response(response: httpx.Response) -> None:
    tap = _tap
    if tap is not None:
        tap.on_response(response)


async def _aon_request(request: httpx.Request) -> None:
    check(request, is_async=True)


async def _aon_response(response: httpx.Response) -> None:
    tap = _tap
    if tap is not None:
        tap.on_response(response)
