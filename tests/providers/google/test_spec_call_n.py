"""The specs' `n` (their alias of `candidate_count`) on a call: chatplex's own Gemini
models (`init_chat_model("google_genai:...")`, and Vertex AI's) take a call's `n` as
their constructor takes it, the replies asked for, sent as `candidateCount`, on every
path (invoke, ainvoke, stream, astream, `bind`). A call's refusals name chatplex's own
class, not LangChain's (`ChatGoogleGenerativeAI` is the drop-in's name, in
`chatplex.langchain`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex
from chatplex.chat import ChatModel
from tests.providers.google._gemini_fake import KEY
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 - autouse


def _gemini(server: Gemini) -> ChatModel:
    return chatplex.init_chat_model(
        "google_genai:gemini-2.5-flash",
        api_key=KEY,
        http_client=server.client(),
        http_async_client=server.async_client(),
    )


def _vertex(server: Gemini) -> ChatModel:
    return chatplex.init_chat_model(
        "google_vertexai:gemini-2.5-flash",
        project="p",
        location="us-central1",
        credentials=FakeCredentials(),
        http_client=server.client(),
        http_async_client=server.async_client(),
    )


BUILDS = pytest.mark.parametrize("build", [_gemini, _vertex], ids=["genai", "vertex"])


async def _collected(chunks: Any) -> list[Any]:
    return [chunk async for chunk in chunks]


#: Each way a call is given `n=2`: the call's keyword on each path, and `bind`'s.
CALLS: dict[str, Callable[[ChatModel], Any]] = {
    "invoke": lambda model: model.invoke("Hi", n=2),
    "ainvoke": lambda model: asyncio.run(model.ainvoke("Hi", n=2)),
    "stream": lambda model: list(model.stream("Hi", n=2)),
    "astream": lambda model: asyncio.run(_collected(model.astream("Hi", n=2))),
    "bind": lambda model: model.bind(n=2).invoke("Hi"),
    "bind_async": lambda model: asyncio.run(model.bind(n=2).ainvoke("Hi")),
}


@BUILDS
@pytest.mark.parametrize("call", CALLS)
def test_a_calls_n_is_sent_as_candidate_count(
    build: Callable[[Gemini], ChatModel], call: str
) -> None:
    server = Gemini()
    model = build(server)
    CALLS[call](model)
    assert server.body()["generationConfig"]["candidateCount"] == 2
    model.invoke("Hi")  # (the model's own count again: the call's was its own)
    assert server.body().get("generationConfig", {}).get("candidateCount") in (None, 1)


@BUILDS
def test_a_calls_n_is_checked_as_the_constructors(build: Callable[[Gemini], ChatModel]) -> None:
    server = Gemini()
    model = build(server)
    with pytest.raises(ValueError, match="must be a positive int, got 0"):
        model.invoke("Hi", n=0)
    with pytest.raises(TypeError, match="got candidate_count=3 and n=2: pass one of them"):
        asyncio.run(model.ainvoke("Hi", n=2, candidate_count=3))
    model.invoke("Hi", n=2, candidate_count=2)  # (one value under both names)
    assert [r.url.path for r in server.requests] == [server.requests[0].url.path]


@BUILDS
def test_a_calls_refusal_names_chatplexs_class(build: Callable[[Gemini], ChatModel]) -> None:
    server = Gemini()
    model = build(server)
    refused = [
        lambda: model.invoke("Hi", temprature=0.2),
        lambda: asyncio.run(model.ainvoke("Hi", temprature=0.2)),
        lambda: model.bind(temprature=0.2),
        lambda: model.invoke("Hi", model_kwargs={"max_tokens": 5}),
    ]
    for attempt in refused:
        with pytest.raises((TypeError, ValueError)) as info:
            attempt()
        assert str(info.value).startswith("ChatModel"), str(info.value)
        assert "ChatGoogleGenerativeAI" not in str(info.value)
        assert "ChatVertexAI" not in str(info.value)
    assert not server.requests
