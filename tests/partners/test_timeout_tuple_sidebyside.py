"""A timeout given as httpx's tuple, `(connect, read)`, side by side against a server that
accepts and says nothing: langchain-openai's and langchain-groq's `request_timeout` is
typed to take one (`float | tuple[float, float] | Any | None`), and their SDKs, as
langchain-anthropic's, take one per call (`invoke(..., timeout=(5, 0.2))`), handing it to
httpx, whose wait for the reply is its read part. The drop-in's call ends after that wait
in the partner's class, where it refused the tuple before any request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests._silent import SilentServer
from tests.partners._sidebyside import raised

#: Partner class -> its package and its keywords against `url`, with no retries.
CLASSES: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "ChatOpenAI": (
        "langchain_openai",
        lambda url: {"model": "gpt-4o", "api_key": "k", "base_url": url, "max_retries": 0},
    ),
    "ChatGroq": (
        "langchain_groq",
        lambda url: {"model": "m", "api_key": "k", "base_url": url, "max_retries": 0},
    ),
    "ChatAnthropic": (
        "langchain_anthropic",
        lambda url: {"model": "claude-x", "api_key": "k", "base_url": url, "max_retries": 0},
    ),
}

#: (connect, read): a read timeout far below the connect one, the part that ends the call.
TUPLE = (5, 0.2)


def _calls(model: Any, **keywords: Any) -> dict[str, Callable[[], Any]]:
    return {
        "invoke": lambda: model.invoke("Hi", **keywords),
        "ainvoke": lambda: asyncio.run(model.ainvoke("Hi", **keywords)),
    }


def _same_error(theirs: BaseException, ours: BaseException) -> None:
    assert "Timeout" in type(theirs).__name__  # (what this side by side is about)
    assert isinstance(ours, type(theirs)), (type(theirs).__mro__, type(ours).__mro__)


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatGroq"])
def test_a_constructors_tuple_timeout_is_its_read_timeout(
    silent: SilentServer, name: str, how: str
) -> None:
    module, keywords = CLASSES[name]
    classes = getattr(pytest.importorskip(module), name), getattr(chatplex.langchain, name)
    theirs, ours = (cls(**keywords(silent.url), timeout=TUPLE) for cls in classes)
    assert ours.request_timeout == theirs.request_timeout == (5.0, 0.2)
    _same_error(raised(_calls(theirs)[how])["error"], raised(_calls(ours)[how])["error"])


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_calls_tuple_timeout_is_its_read_timeout(
    silent: SilentServer, name: str, how: str
) -> None:
    module, keywords = CLASSES[name]
    classes = getattr(pytest.importorskip(module), name), getattr(chatplex.langchain, name)
    theirs, ours = (cls(**keywords(silent.url)) for cls in classes)
    their_error = raised(_calls(theirs, timeout=TUPLE)[how])["error"]
    _same_error(their_error, raised(_calls(ours, timeout=TUPLE)[how])["error"])
