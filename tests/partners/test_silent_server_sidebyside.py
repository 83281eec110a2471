"""A server that accepts the request and then says nothing (no headers), side by side:
the request timeout a script set ends the call in the class and words its partner
raises, sync and async, whole and streamed. These partners' SDKs let httpx's
`ReadTimeout` through: the sync client's words ("timed out"), the async client's none.
chatplex's async client cuts that wait with its own timer (`http/_watch.py`), with no
httpx error under it; the drop-in's error is still httpx's `ReadTimeout`, so a script's
`except httpx.ReadTimeout` meets it on every path."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests._silent import SilentServer

#: Partner class -> its package and its keywords against `url` with a short request
#: timeout and no retries (langchain-mistralai's timeout is a whole number of seconds;
#: langchain-ollama retries nothing and takes its timeout through `client_kwargs`).
CASES: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "ChatCohere": (
        "langchain_cohere",
        lambda url: {
            "model": "command-r",
            "base_url": url,
            "cohere_api_key": "test-key",
            "timeout_seconds": 0.1,
            "max_retries": 0,
        },
    ),
    "ChatMistralAI": (
        "langchain_mistralai",
        lambda url: {
            "model": "m",
            "endpoint": url,
            "api_key": "test-key",
            "timeout": 1,
            "max_retries": 0,
        },
    ),
    "ChatOllama": (
        "langchain_ollama",
        lambda url: {"model": "m", "base_url": url, "client_kwargs": {"timeout": 0.1}},
    ),
}

PATHS = ("invoke", "ainvoke", "stream", "astream")

#: Its 1 s timeout makes each case a second a side: the async paths only, the ones
#: chatplex's own client bounds (the sync ones are httpx's, as Cohere's and Ollama's).
ASYNC_ONLY = {"ChatMistralAI"}

RUNS = [
    (name, path)
    for name in sorted(CASES)
    for path in PATHS
    if name not in ASYNC_ONLY or path.startswith("a")
]


def _raised(model: Any, path: str) -> BaseException:
    async def drained() -> None:
        async for _ in model.astream("Hi"):
            pass

    calls: dict[str, Callable[[], Any]] = {
        "invoke": lambda: model.invoke("Hi"),
        "ainvoke": lambda: asyncio.run(model.ainvoke("Hi")),
        "stream": lambda: list(model.stream("Hi")),
        "astream": lambda: asyncio.run(drained()),
    }
    try:
        calls[path]()
    except Exception as exc:  # noqa: BLE001 - what was raised is compared
        return exc
    raise AssertionError(f"{path} against a silent server ended without an error")


@pytest.mark.parametrize(("name", "path"), RUNS)
def test_a_silent_servers_timeout_is_raised_as_by_the_partner(
    silent: SilentServer, name: str, path: str
) -> None:
    module, keywords = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _raised(partner(**keywords(silent.url)), path)
    ours = _raised(getattr(chatplex.langchain, name)(**keywords(silent.url)), path)
    assert type(theirs).__name__ == "ReadTimeout"  # (what this side by side is about)
    assert isinstance(ours, type(theirs)), (type(theirs).__mro__, type(ours).__mro__)
    assert (type(ours).__name__, type(ours).__module__) == ("ReadTimeout", "httpx")
    assert (str(ours), ours.args) == (str(theirs), theirs.args)
