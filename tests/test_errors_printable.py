"""Every error chatplex raises can be printed (issue 65): `str()`, `repr()` and a
traceback of each error a garbage reply gives, on every wire, once it joined the classes
of every SDK family the wire declares (`chatplex.sdk_errors.sdk_compatible`), under a
drop-in's words and under chatplex's own. A joined SDK class's `__init__` never ran, so
its own `__str__` would read fields the error lacks (aiohttp's `request_info`, which
made a Gemini `astream` error against a server sending garbage unprintable)."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import traceback
from collections.abc import Callable
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest

from chatplex import errors
from chatplex.adapters import adapter_class
from chatplex.adapters import builtin_adapters
from chatplex.sdk_errors import sdk_compatible

#: A reply no provider sends: binary, a broken HTML page, a stray JSON start.
GARBAGE = b'\x00\xff\xfe<html><body>502 {"error": \xc3\x28'
URL = "https://garbage.invalid/v1/chat"
STATUSES = (400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504, 529)


def _families(provider: str) -> tuple[Any, ...]:
    cls: Any = adapter_class(provider)
    families: tuple[Any, ...] = cls.__new__(cls).error_families
    return families


def _imported(families: tuple[Any, ...]) -> None:
    """The families' modules imported where installed: a family joins only an imported one."""
    for family in families:
        with contextlib.suppress(ImportError):  # (not installed: it joins nothing)
            importlib.import_module(family.module)


def _aiohttp_classes() -> list[type[BaseException]]:
    try:
        client_exceptions = importlib.import_module("aiohttp.client_exceptions")
    except ImportError:
        return []
    found = inspect.getmembers(client_exceptions, inspect.isclass)
    return [c for _, c in found if issubclass(c, BaseException)] + [TimeoutError]


def _from_garbage(provider: str) -> Iterator[tuple[str, Callable[[], BaseException]]]:
    """(what, a maker of the fresh error) for each error a garbage reply gives."""
    cls: Any = adapter_class(provider)

    def mapped(status: int) -> BaseException:
        adapter = cls.__new__(cls)
        try:
            made: BaseException = adapter.map_error(status, GARBAGE, {"content-type": "x/y"})
        except AttributeError:  # an adapter whose mapping reads its settings
            made = errors.status_error(provider=provider, status=status, message=repr(GARBAGE))
        return made

    for status in STATUSES:
        yield f"status {status}", partial(mapped, status)

    def failed(kind: type[errors.APIError], marked: Any = None, **fields: Any) -> BaseException:
        err = kind(repr(GARBAGE), provider=provider, **fields)
        cause = httpx.RemoteProtocolError("illegal status line: " + repr(GARBAGE))
        if marked is not None:  # as chatplex's async client marks what aiohttp raised
            cause.aiohttp_class = marked  # type: ignore[attr-defined]
        err.__cause__ = cause
        return err

    yield "connection", partial(failed, errors.APIConnectionError)
    yield "timeout", partial(failed, errors.APITimeoutError)
    yield "stream cut", partial(failed, errors.StreamError)
    yield "error event", partial(failed, errors.StreamError, error_type="x\x00", code=500)
    yield "unexpected type", partial(failed, errors.UnexpectedContentTypeError, status=200)
    yield "too large", partial(failed, errors.ResponseTooLargeError)
    for marked in _aiohttp_classes():
        name = marked.__name__
        yield f"connection as {name}", partial(failed, errors.APIConnectionError, marked)
        yield f"stream cut as {name}", partial(failed, errors.StreamError, marked)

    def undecoded() -> BaseException:
        err = errors.APIError(repr(GARBAGE), provider=provider, status=200)
        try:
            json.loads(GARBAGE)
        except ValueError as exc:
            err.__cause__ = exc
        return err

    yield "not json", undecoded

    def deadline(marked: Any) -> BaseException:
        err = errors.DeadlineExceededError("deadline passed")
        err.aiohttp_class = marked  # type: ignore[attr-defined]
        return err

    for marked in _aiohttp_classes():
        yield f"deadline as {marked.__name__}", partial(deadline, marked)


def _unprintable(err: BaseException) -> str | None:
    try:
        assert isinstance(str(err), str)
        assert isinstance(repr(err), str)
        "".join(traceback.format_exception(err))
    except Exception as exc:  # noqa: BLE001 - what fails is the finding
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.mark.parametrize("provider", sorted(builtin_adapters()))
def test_every_error_a_garbage_reply_gives_prints_in_every_family(provider: str) -> None:
    families = _families(provider)
    _imported(families)
    request = httpx.Request("POST", URL)
    found = []
    for what, make in _from_garbage(provider):
        for words in (True, False):
            err = sdk_compatible(make(), families, lambda: request, words=words)
            problem = _unprintable(err)
            if problem is not None:
                mro = [c.__name__ for c in type(err).__mro__]
                found.append(f"{what} (words={words}, {mro}): {problem}")
    assert not found, "unprintable errors:\n" + "\n".join(found)
