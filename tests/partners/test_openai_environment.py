"""The environment variables langchain-openai's classes read beyond their keys, read by
their drop-ins the same way: where a request goes and with what (`OPENAI_ORGANIZATION`,
the organization's older name, read for an empty one too; `OPENAI_PROJECT_ID`, which
their SDK reads; `OPENAI_API_BASE` / `OPENAI_BASE_URL` / `OPENAI_PROXY`, which decide
whether a stream asks for its usage), and the fields read back.

Each case sets the variables, builds the partner's class and the drop-in with the same
keywords, pointed at one local server, and compares the fields read and the request a
streamed call sends (path, body, the organization and project headers). The last cases:
the bound langchain-openai puts on the wait for each chunk of an async stream."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import comparable_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

langchain_openai = pytest.importorskip("langchain_openai")

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
#: Every variable a case may set, cleared first (a developer's shell may hold them).
_VARIABLES = (
    "OPENAI_API_BASE",
    "OPENAI_BASE_URL",
    "OPENAI_PROXY",
    "OPENAI_ORG_ID",
    "OPENAI_ORGANIZATION",
    "OPENAI_PROJECT_ID",
    "AZURE_OPENAI_ENDPOINT",
    "LANGSMITH_GATEWAY",
    "LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S",
)
_FIELDS = ("openai_organization", "openai_api_base", "openai_proxy", "stream_usage")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _keywords(name: str, url: str) -> dict[str, Any]:
    if name == "AzureChatOpenAI":
        return {"azure_deployment": "d", "azure_endpoint": url, "max_retries": 0}
    return {"model": "gpt-4o-mini", "base_url": url + "/v1", "max_retries": 0}


def _seen(name: str, keywords: dict[str, Any], server: ScriptedServer) -> list[Any]:
    """Per class (the partner's, the drop-in): the fields read back, and one streamed
    call's request as the suites compare it, with its organization and project headers."""
    out = []
    for cls in (getattr(langchain_openai, name), getattr(chatplex.langchain, name)):
        model = cls(**keywords)
        server.seen.clear()
        sent_once(model, "stream")
        (request,) = server.seen
        fields = {f: getattr(model, f) for f in _FIELDS}
        out.append((fields, comparable_request(request, _HEADERS)))
    return out


#: The account headers compared.
_HEADERS = ("openai-organization", "openai-project")


@pytest.mark.parametrize(
    ("variable", "value", "keywords", "sent"),
    [
        # the organization's older variable
        ("OPENAI_ORGANIZATION", "org-older", {}, {"openai-organization": "org-older"}),
        # an empty organization (a script's `os.environ.get("MY_ORG", "")`): its
        # validator reads OPENAI_ORG_ID, then OPENAI_ORGANIZATION, for any empty value
        ("OPENAI_ORG_ID", "org-env", {"organization": ""}, {"openai-organization": "org-env"}),
        (
            "OPENAI_ORG_ID",
            "org-env",
            {"openai_organization": ""},
            {"openai-organization": "org-env"},
        ),
        # The openai SDK reads OPENAI_PROJECT_ID where no project is given (neither class
        # has a field for one), and sends it: the project billed and limited.
        ("OPENAI_PROJECT_ID", "proj-env", {}, {"openai-project": "proj-env"}),
    ],
    ids=["older-organization", "empty-organization", "empty-openai_organization", "project"],
)
@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_the_account_variables_are_read_and_sent(
    name: str,
    variable: str,
    value: str,
    keywords: dict[str, Any],
    sent: dict[str, str],
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(variable, value)
    theirs, ours = _seen(name, {**_keywords(name, server.url), **keywords}, server)
    assert ours == theirs
    assert ours[1]["headers"] == sent


@pytest.mark.parametrize("variable", ["OPENAI_API_BASE", "OPENAI_BASE_URL", "OPENAI_PROXY"])
@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_a_base_url_or_proxy_in_the_environment_decides_stream_usage_as_on_the_partner(
    name: str, variable: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # langchain-openai asks a stream for its usage (`stream_options`) of OpenAI's own
    # host only: ChatOpenAI's test reads these variables, AzureChatOpenAI's only the
    # proxy's (through its field). ChatOpenAI is pointed at the server by the variable
    # itself; through the proxy (the server as a forward proxy, which gets the absolute
    # URL of a host that does not exist), by OPENAI_BASE_URL.
    keywords = _keywords(name, server.url)
    if name == "ChatOpenAI":
        del keywords["base_url"]
    if variable == "OPENAI_PROXY":
        monkeypatch.setenv(variable, server.url)
        if name == "ChatOpenAI":
            monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.example.invalid/v1")
    else:
        monkeypatch.setenv(variable, server.url + "/v1")
    theirs, ours = _seen(name, keywords, server)
    assert ours == theirs


def test_an_empty_base_url_reads_the_sdks_variable_as_on_the_partner(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # langchain-openai hands "" to the openai SDK, which reads its own variable for it
    # (else its default, api.openai.com), not OPENAI_API_BASE, which a base URL given as
    # None or not at all reads first.
    monkeypatch.setenv("OPENAI_API_BASE", server.url + "/langchain/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", server.url + "/sdk/v1")
    keywords = {**_keywords("ChatOpenAI", server.url), "base_url": ""}
    theirs, ours = _seen("ChatOpenAI", keywords, server)
    assert ours == theirs
    assert ours[1]["path"] == "/sdk/v1/chat/completions"


def test_an_empty_base_url_without_the_sdks_variable_goes_to_openai(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the partner's (its SDK's default), never to OPENAI_API_BASE's server: the
    # chatplex pytest plugin stops the call to api.openai.com and names it (the partner's
    # side is not run: it would go out).
    monkeypatch.setenv("OPENAI_API_BASE", server.url + "/langchain/v1")
    model = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", base_url="", max_retries=0)
    server.seen.clear()
    with pytest.raises(Exception, match="POST https://api.openai.com/v1/chat/completions"):
        model.invoke("hi")
    assert server.seen == []


# ---- the bound on an async stream's chunks (`stream_chunk_timeout`) ----------------------

#: How long the server pauses between the stream's two chunks: past the bounds below
#: (0.2 s), so whether a bound applies decides the outcome, not the machine's speed. Where
#: the bound cuts the stream, the pause is 5 times it and never waited in full (the client
#: gives up at the bound, the server's daemon thread ends the pause alone); where no bound
#: applies both streams wait it through, so it is 3 times the bound: a bound wrongly
#: applied still cuts it.
_CUT_PAUSE = 1.0
_WAITED_PAUSE = 0.6


def _chunk(content: str, finish: str | None = None) -> bytes:
    event = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(event).encode() + b"\n\n"


def _paused(pause: float) -> Iterator[bytes]:
    yield _chunk("Hel")
    time.sleep(pause)
    yield _chunk("lo", "stop")
    yield b"data: [DONE]\n\n"


def _streamed(model: Any, asynchronous: bool) -> str:
    """The text a stream gave, or the name of its error's class, a builtin TimeoutError
    (langchain-openai's `StreamChunkTimeoutError`, which LangGraph's default RetryPolicy
    does not retry, where the SDK's timeout it retries)."""

    async def collect() -> str:
        return "".join([chunk.text async for chunk in model.astream("hi")])

    try:
        if asynchronous:
            return asyncio.run(collect())
        return "".join(chunk.text for chunk in model.stream("hi"))
    except TimeoutError as err:
        return type(err).__name__


#: The classes on langchain-openai's BaseChatOpenAI (its streams): drop-in name ->
#: (partner module, the keyword naming its base URL).
_BASE_CHAT_OPENAI = {
    "ChatOpenAI": ("langchain_openai", "base_url"),
    "ChatDeepSeek": ("langchain_deepseek", "api_base"),
    "ChatXAI": ("langchain_xai", "xai_api_base"),
    "ChatTogether": ("langchain_together", "base_url"),
    "ChatNebius": ("langchain_nebius", "base_url"),
}


@pytest.mark.parametrize("name", sorted(_BASE_CHAT_OPENAI))
@pytest.mark.parametrize(
    ("given", "variable", "asynchronous", "expected"),
    [
        ({"stream_chunk_timeout": 0.2}, None, True, "StreamChunkTimeoutError"),
        ({"stream_chunk_timeout": 0.2}, None, False, "Hello"),  # (sync streams: unbounded)
        ({}, "0.2", True, "StreamChunkTimeoutError"),  # its variable, when not given
        ({"stream_chunk_timeout": 0}, "0.2", True, "Hello"),  # 0: off
        ({"stream_chunk_timeout": None}, "0.2", True, "Hello"),  # None: off
    ],
)
def test_an_async_streams_chunk_wait_is_bounded_as_on_the_partner(
    name: str,
    given: dict[str, Any],
    variable: str | None,
    asynchronous: bool,
    expected: str,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if variable is not None:
        monkeypatch.setenv("LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S", variable)
    pause = _CUT_PAUSE if expected == "StreamChunkTimeoutError" else _WAITED_PAUSE
    server.handler = lambda seen: Reply(200, _paused(pause), content_type="text/event-stream")
    module, base = _BASE_CHAT_OPENAI[name]
    keywords = {"model": "m-1", "api_key": "k-test", base: server.url + "/v1", "max_retries": 0}
    classes = (getattr(pytest.importorskip(module), name), getattr(chatplex.langchain, name))
    models = [cls(**keywords, **given) for cls in classes]
    # Both streams at once (the server answers each on a thread of its own): each waits
    # the pause, where one after the other waited it twice.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        texts = list(pool.map(lambda model: _streamed(model, asynchronous), models))
    theirs, ours = [
        (repr(model.stream_chunk_timeout), text) for model, text in zip(models, texts, strict=True)
    ]
    assert ours == theirs
    assert ours[1] == expected
