"""Whether a mocking library has patched httpx's or httpcore's send path (private).

The one answer both users of the question share: the async transport, which sends through
httpx's own transport while a mock is active (so the mock sees the request), and the test
plugin's no-network guard, which lets a mocked request through. Two copies of the check
once disagreed about the same mock.

Where mocking libraries patch: respx's default mocker replaces the httpcore pools'
`handle_request` / `handle_async_request`, respx `using="httpx"` replaces the clients'
`_transport_for_url`, pytest-httpx replaces httpx's transports' `handle_(async_)request`.
A method counts as genuine when it still comes from its library (`__module__`) and its own
class body (`__qualname__`); anything else -- a function from another module, a Mock, an
autospec copy -- was put there by someone who then answers the request. Transparent
proxies (wrapt, `functools.wraps`) pass as genuine: they forward to the real method.

It runs on every async request, so a method once found genuine is remembered and later
calls only compare identities. Standard library only: modules are looked up in
`sys.modules`, never imported (an unimported library cannot be patched).
"""

from __future__ import annotations

import sys

__all__ = ["http_is_mocked"]


class _PatchPoint:
    __slots__ = ("attribute", "class_name", "genuine", "module", "qualname")

    def __init__(self, module: str, class_name: str, attribute: str) -> None:
        self.module = module
        self.class_name = class_name
        self.attribute = attribute
        self.qualname = f"{class_name}.{attribute}"
        self.genuine: object = None  # the method last found genuine: the fast path

    def replaced(self, method: object) -> bool:
        owner = str(getattr(method, "__module__", None) or "").partition(".")[0]
        return owner != self.module or getattr(method, "__qualname__", None) != self.qualname


# Sync and async apart: a mock of the sync path does not answer an async client.
_SYNC = (
    _PatchPoint("httpcore", "ConnectionPool", "handle_request"),
    _PatchPoint("httpx", "HTTPTransport", "handle_request"),
    _PatchPoint("httpx", "Client", "_transport_for_url"),
)
_ASYNC = (
    _PatchPoint("httpcore", "AsyncConnectionPool", "handle_async_request"),
    _PatchPoint("httpx", "AsyncHTTPTransport", "handle_async_request"),
    _PatchPoint("httpx", "AsyncClient", "_transport_for_url"),
)


def http_is_mocked(*, is_async: bool) -> bool:
    """Whether the async (or sync) send path of httpx/httpcore is patched by a mock.

    >>> http_is_mocked(is_async=True)
    False
    """
    modules = sys.modules
    for point in _ASYNC if is_async else _SYNC:
        cls = getattr(modules.get(point.module), point.class_name, None)
        method = getattr(cls, point.attribute, None)
        if method is point.genuine or method is None:
            continue
        if point.replaced(method):
            return True
        point.genuine = method
    return False
