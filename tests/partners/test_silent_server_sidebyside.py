"""A server that accepts the request and then says nothing (no headers), side by side:
the request timeout a script set ends the call in the class and words its partner
raises, sync and async, whole and streamed. These partners' SDKs let httpx's
`ReadTimeout` through: the sync client's words ("timed out"), the async client's none.
chatplex's async client cuts that wait with its own timer (`http/_watch.py`), with no
httpx error under it; the drop-in's error is still httpx's `ReadTimeout`, so a script's
`except httpx.ReadTimeout` meets it on every path. boto3's client raises botocore's
`ReadTimeoutError` instead, naming the URL, and langchain-aws lets it through."""

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


def _bedrock(url: str) -> dict[str, Any]:
    from botocore.config import Config

    quick = Config(read_timeout=0.1, connect_timeout=0.1, retries={"total_max_attempts": 1})
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    return {"model": model, "endpoint_url": url, "region_name": "us-east-1", "config": quick}


#: boto3's client raises botocore's ReadTimeoutError naming the URL it sent to, which
#: langchain-aws lets through, sync and async (its async calls run the sync client).
BOTOCORE: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "ChatBedrockConverse": ("langchain_aws", _bedrock),
    "ChatBedrock": ("langchain_aws", _bedrock),
}

PATHS = ("invoke", "ainvoke", "stream", "astream")

#: Credentials of the right shape (boto3 signs with them; nothing checks them here).
AWS_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "x" * 40}

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


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", sorted(BOTOCORE))
def test_a_silent_servers_timeout_is_botocores_as_by_langchain_aws(
    silent: SilentServer, name: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, keywords = BOTOCORE[name]
    partner = getattr(pytest.importorskip(module), name)
    for variable, value in AWS_KEYS.items():
        monkeypatch.setenv(variable, value)
    theirs = _raised(partner(**keywords(silent.url)), path)
    ours = _raised(getattr(chatplex.langchain, name)(**keywords(silent.url)), path)
    assert type(theirs).__name__ == "ReadTimeoutError"  # (what this side by side is about)
    assert isinstance(ours, type(theirs)), (type(theirs).__mro__, type(ours).__mro__)
    assert (str(ours), ours.kwargs["endpoint_url"]) == (str(theirs), theirs.kwargs["endpoint_url"])
