"""The mock server's Claude on Vertex AI wire: its paths, the body it takes (no model,
an `anthropic_version`), and Messages replies and streams served at them, to chatplex's
own family and to the drop-in."""

from __future__ import annotations

import asyncio

import pytest

import chatplex
from chatplex.testing import MockServer
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_routes import wire_for
from chatplex.testing._mock_wire_anthropic_vertex import vertex_view

PATH = "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-x:{}"
BODY = {
    "anthropic_version": "2026-10-21",
    "max_tokens": 8,
    "messages": [{"role": "user", "content": "hi"}],
}


def test_its_paths_are_its_own() -> None:
    assert wire_for(PATH.format("rawPredict")).name == "anthropic_vertex"  # type: ignore[union-attr]
    assert wire_for(PATH.format("streamRawPredict")).name == "anthropic_vertex"  # type: ignore[union-attr]
    gemini = "/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:generateContent"
    assert wire_for(gemini).name != "anthropic_vertex"  # type: ignore[union-attr]


def test_the_model_and_the_stream_come_from_the_path() -> None:
    assert vertex_view(PATH.format("streamRawPredict"), BODY)["stream"] is True
    assert vertex_view(PATH.format("rawPredict"), {**BODY, "stream": True})["stream"] is False
    assert vertex_view(PATH.format("rawPredict"), BODY)["model"] == "claude-x"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({**BODY, "model": "claude-x"}, "names no model"),
        ({k: v for k, v in BODY.items() if k != "anthropic_version"}, "anthropic_version"),
        ({"anthropic_version": "2026-10-21"}, "messages"),
    ],
)
def test_a_body_the_sdk_would_not_send_is_refused(body: dict, words: str) -> None:
    with pytest.raises(MockUsageError, match=words):
        vertex_view(PATH.format("rawPredict"), body)


def _model(server: MockServer) -> chatplex.ChatModel:
    return chatplex.init_chat_model(
        "google_anthropic_vertex:claude-sonnet-4-5",
        project="p",
        location="us-east5",
        access_token="tok",
        base_url=server.url + "/v1",
    )


def test_served_to_chatplexs_own_family_sync_and_async() -> None:
    with MockServer() as server:
        model = _model(server)
        assert model.invoke("Hello").content == "Echo: Hello"
        assert "".join(piece.text for piece in model.stream("Hello")) == "Echo: Hello"

        async def awaited() -> tuple[str, str]:
            reply = await model.ainvoke("Hi")
            pieces = [piece.text async for piece in model.astream("Hi")]
            return reply.text, "".join(pieces)

        assert asyncio.run(awaited()) == ("Echo: Hi", "Echo: Hi")
        paths = server.stats.by_path
    where = "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5"
    assert paths == {f"{where}:rawPredict": 2, f"{where}:streamRawPredict": 2}


def test_served_to_the_drop_in() -> None:
    pytest.importorskip("langchain_core")
    from chatplex.langchain import ChatAnthropicVertex

    with MockServer() as server:
        model = ChatAnthropicVertex(
            model_name="claude-sonnet-4-5",
            project="p",
            location="us-east5",
            access_token="tok",
            base_url=server.url + "/v1",
        )
        assert model.invoke("Hello").text == "Echo: Hello"
