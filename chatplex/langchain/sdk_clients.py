"""The partner class's SDK client attributes on a drop-in (`llm.client`,
`llm.root_client`, `llm.async_client`...): real SDK objects, as the partner's, for the
script's own use (`llm.root_client.models.list()`); chatplex's calls still go through
its own engine.

The partner builds them in its validator; the drop-in builds each on first read, from
the partner's fields as the drop-in holds them (`PartnerFields.client_arguments`: the
same keywords), and keeps it: construction stays cheap and `import chatplex` imports no
SDK. Where each attribute comes from is declared per wire (`PartnerFields.clients`);
this module names no partner.

The built clients live in a `ClientCache`, a private attribute of the model: a shallow
copy (`model_copy`) shares them, as the partner's copy shares its client fields; a deep
copy or a pickle starts with none (an SDK client holds locks and sockets: a pickle that
works without them keeps working), and two models compare equal whatever they built.

>>> import copy
>>> cache = ClientCache()
>>> cache == ClientCache(), copy.deepcopy(cache) is cache
(True, False)
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import threading
from collections.abc import Callable
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from pydantic import SecretStr

from ..chat.partner_form import Fallback
from ..chat.partner_form import PartnerFields
from ..chat.partner_form import SdkClient
from ..chat.partner_form import SharedHttpClient
from ..secret import Secret
from .remembered import Remembered

__all__ = ["ClientCache", "client_arguments", "client_closer", "sdk_client"]


class ClientCache(Remembered):
    """The SDK clients one model built, by attribute (see the module doc)."""

    __slots__ = ("_built", "_lock")

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        # (reentrant: a client read on another builds that one first)
        self._lock = threading.RLock()

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        """The client `name`, built by `build()` on the first read (once, across threads)."""
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return self._built[name]

    def built(self, names: tuple[str, ...]) -> list[Any]:
        """The clients of `names` built so far, in that order (none is built here)."""
        with self._lock:
            return [self._built[name] for name in names if name in self._built]

    def __repr__(self) -> str:
        return f"ClientCache({sorted(self._built)})"


def client_closer(method: str, names: tuple[str, ...]) -> Callable[..., Any]:
    """The partner's `method` that closes its SDK clients `names`
    (`PartnerFields.closers`): each one the drop-in built is closed, and none is built
    for it. chatplex's own calls go through the process's shared pool, which stays open.
    A method named `a...` is a coroutine that awaits a client's async close (its
    `aclose()`, or a `close()` that is a coroutine)."""

    def close(self: Any) -> None:
        for client in self._sdk_clients.built(names):
            client.close()

    async def aclose(self: Any) -> None:
        for client in self._sdk_clients.built(names):
            closing = getattr(client, "aclose", None) or client.close
            done = closing()
            if inspect.isawaitable(done):
                await done

    closer = aclose if method.startswith("a") else close
    closer.__name__ = closer.__qualname__ = method
    return closer


def sdk_client(
    form: PartnerFields,
    cache: ClientCache,
    name: str,
    field: Callable[[str], Any],
    version: str = "",
) -> Any:
    """The partner's SDK client attribute `name` (one of `form.clients`), built on its
    first read from the partner's fields (`field(name)`: a field's value; `version`, the
    partner package's, as its User-Agent names it), then kept in `cache`. ImportError,
    naming the package, where the SDK is not installed."""
    spec = form.clients[name]

    def build() -> Any:
        if spec.module is None:  # read on another of its clients
            base = sdk_client(form, cache, spec.factory, field, version)
        else:
            arguments = client_arguments(form, field, spec.asynchronous, version, spec.factory)
            base = _factory(spec)(**arguments)
        return attrgetter(spec.path)(base) if spec.path else base

    return cache.get(name, build)


def client_arguments(
    form: PartnerFields,
    field: Callable[[str], Any],
    asynchronous: bool = False,
    version: str = "",
    client: str = "",
) -> dict[str, Any]:
    """The keywords the partner builds its SDK clients with: each field's value, a key
    revealed, headers as a plain dict; those `client_optional` left out when None; its
    `client_fixed` values; its `client_headers` under the script's (`{partner_version}`
    in one: `version`; `{client_class}` and `{client_version}`: the name of the SDK
    class built, "module:Class" `client`, and its distribution's version); an httpx
    client (async for an `asynchronous` SDK client): the script's (`client_given`), else
    the one shared by every model of the same settings where the partner shares one
    (`client_shared`), else through its `client_proxy` where one is set.

    >>> form = PartnerFields(
    ...     client_arguments={"api_key": "x_api_key", "timeout": "request_timeout"},
    ...     client_optional=frozenset({"timeout"}),
    ...     client_fixed={"max_retries": 0},
    ...     client_headers={"Authorization": "Bearer {x_api_key}"},
    ... )
    >>> client_arguments(form, {"x_api_key": SecretStr("k"), "request_timeout": None}.get)
    {'api_key': 'k', 'max_retries': 0, 'default_headers': {'Authorization': 'Bearer k'}}
    """
    out = {}
    for keyword, name in form.client_arguments.items():
        value = field(name)
        if value is None and keyword in form.client_optional:
            continue
        out[keyword] = _revealed(value)
    out.update(form.client_fixed)
    if form.client_headers:
        fields = _RevealedFields(field, client, partner_version=version)
        own = {header: value.format_map(fields) for header, value in form.client_headers.items()}
        keyword = form.client_headers_keyword
        out[keyword] = {**own, **(out.get(keyword) or {})}
    given = form.client_given[1 if asynchronous else 0]
    if given and out.get("http_client") is None and (script := field(given)) is not None:
        out["http_client"] = script
    proxy = field(form.client_proxy) if form.client_proxy else None
    shared = form.client_shared
    if out.get("http_client") is None and shared and (shared.proxied or not proxy):
        out["http_client"] = _shared_http_client(shared, out, proxy, asynchronous)
    elif proxy and out.get("http_client") is None:
        made = form.client_proxy_classes[1 if asynchronous else 0]
        out["http_client"] = _factory(SdkClient(made))(proxy=proxy)
    return out


def _shared_http_client(
    shared: SharedHttpClient, arguments: Mapping[str, Any], proxy: Any, asynchronous: bool
) -> Any:
    """The httpx client the partner would give an SDK client built with `arguments`:
    the one already built for the same settings, else a new one kept (a new one each
    time where a setting is not hashable: an `httpx.Timeout`, as the partner's)."""
    made = shared.classes[1 if asynchronous else 0]
    keywords = {k: arguments[k] for k in shared.keywords if k in arguments}
    if shared.proxied and proxy:
        keywords["proxy"] = proxy
    settings = tuple(keywords.items())
    try:
        hash(settings)
    except TypeError:
        return _new_http_client(made, settings, shared.base_url)
    return _kept_http_client(made, settings, shared.base_url)


def _new_http_client(made: str, settings: tuple[tuple[str, Any], ...], url: Fallback) -> Any:
    """An httpx client of the class `made`, built with `settings`: a base URL left
    empty is `url`'s (its variables read now, else its value)."""
    keywords = dict(settings)
    if not keywords.get("base_url"):
        found = next((os.environ[v] for v in url.variables if os.environ.get(v)), None)
        keywords["base_url"] = found or url.value
    return _factory(SdkClient(made))(**keywords)


#: Kept for the process by class and settings, as the partner's (its `lru_cache`'s
#: default size).
_kept_http_client = functools.lru_cache(maxsize=128)(_new_http_client)


class _RevealedFields(dict[str, Any]):
    """The fields a header template reads (`str.format_map`), each read when named."""

    def __init__(self, field: Callable[[str], Any], client: str = "", **known: Any) -> None:
        super().__init__(known)
        self._field, self._client = field, client

    def __missing__(self, name: str) -> Any:
        module, _, cls = self._client.partition(":")
        if name == "client_class":
            return cls
        if name == "client_version":  # (its package's, as the SDK's own User-Agent says)
            return importlib.import_module(module.partition(".")[0]).__version__
        return _revealed(self._field(name))


def _revealed(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, Secret):
        return value.get()
    if isinstance(value, Mapping):
        return {k: _revealed(v) for k, v in value.items()}
    return value


def _factory(spec: SdkClient) -> Callable[..., Any]:
    """The SDK class `spec` names, imported now (the first read)."""
    module, _, name = spec.factory.partition(":")
    try:
        imported = importlib.import_module(module)
    except ModuleNotFoundError as err:
        package = spec.package or module.partition(".")[0]
        raise ImportError(
            f"the partner class's SDK client ({spec.factory}) needs the {package!r} "
            f"package: pip install {package}"
        ) from err
    factory: Callable[..., Any] = getattr(imported, name)
    return factory
