"""Mistral's reasoning (Magistral): `content` as a list of `thinking` and `text` parts,
kept as Mistral sent it, as langchain-mistralai keeps it (the `mistralai` profile's
`content_parts`): a reply's list as it is, a stream's blocks with langchain-mistralai's
`index`es, held to its own chunk reader. No profile reads the parts into reasoning
blocks any more (the OpenAI adapter's `thinking_parts` reader stays, tested below).

Each reply below is written twice, as a non-stream body and as the stream of the same
reply; through a ChatModel (sync and async, over httpx.MockTransport) the merged stream
must say what the non-stream message says: text, thinking text, tool calls, usage.
"""

from __future__ import annotations

import doctest
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.adapters import adapter_class
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.openai import response as openai_response
from chatplex.providers.openai.response import ThinkingParts
from chatplex.providers.openai.response import content_from_parts
from tests._merged_text import langchain_merge
from tests.core._twins import reply_and_chunks
from tests.messages._builders import thinking_text

ID = "9abe8b736bff46af8e979b52334a57cd"
MODEL = "magistral-medium-latest"
USAGE = {"prompt_tokens": 10, "completion_tokens": 232, "total_tokens": 242}


def thinking(*pieces: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": [{"type": "text", "text": p} for p in pieces]}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def reasoning(value: str) -> dict[str, Any]:
    return {"type": "reasoning", "reasoning": value}


@dataclass(frozen=True)
class Reply:
    """One reply: its non-stream `message`, its stream `deltas`, what chatplex gives."""

    name: str
    message: dict[str, Any]
    deltas: list[dict[str, Any]]
    content: Any  # the expected AIMessage.content (stream blocks compared without index)
    text: str
    finish: str = "stop"

    def body(self) -> dict[str, Any]:
        choice = {"index": 0, "message": self.message, "finish_reason": self.finish}
        return {"id": ID, "object": "chat.completion", "model": MODEL, "choices": [choice],
                "usage": USAGE}  # fmt: skip

    def sse(self) -> bytes:
        head = {"id": ID, "object": "chat.completion.chunk", "model": MODEL}
        deltas = [{"role": "assistant", "content": ""}, *self.deltas]
        events = [
            {**head, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas
        ]
        last = {"index": 0, "delta": {"content": ""}, "finish_reason": self.finish}
        events.append({**head, "choices": [last], "usage": USAGE})
        lines = [f"data: {json.dumps(e)}\n\n" for e in events] + ["data: [DONE]\n\n"]
        return "".join(lines).encode()


CALL = {"id": "pcZFHqej8", "type": "function", "index": 0,
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}  # fmt: skip

REPLIES = [
    Reply(
        "thinking_then_text",
        {
            "role": "assistant",
            "content": [thinking("Okay, the user asks."), text("Look both ways.")],
        },
        [
            {"content": [thinking("Okay")]},
            {"content": [thinking(", the user")]},
            {"content": [thinking(" asks.")]},
            {"content": [{"type": "thinking", "thinking": []}]},  # as Magistral ends it
            {"content": "Look both"},
            {"content": " ways."},
        ],
        [reasoning("Okay, the user asks."), text("Look both ways.")],
        "Look both ways.",
    ),
    Reply(
        "several_pieces_in_one_thinking_part",
        {"role": "assistant", "content": [thinking("First. ", "Second. ", "Third."), text("Done")]},
        [
            {"content": [thinking("First. ", "Second. ")]},
            {"content": [thinking("Third.")]},
            {"content": [text("Do")]},  # a text part in a list delta: text as a str is
            {"content": "ne"},
        ],
        [reasoning("First. Second. Third."), text("Done")],
        "Done",
    ),
    Reply(
        "thinking_only_empty_text",
        {"role": "assistant", "content": [thinking("Nothing to add."), text("")]},
        [{"content": [thinking("Nothing")]}, {"content": [thinking(" to add.")]}, {"content": ""}],
        [reasoning("Nothing to add.")],
        "",
        finish="length",
    ),
    Reply(
        "thinking_and_a_tool_call",
        {"role": "assistant", "content": [thinking("Need the weather.")], "tool_calls": [CALL]},
        [
            {"content": [thinking("Need the weather.")]},
            {"content": "", "tool_calls": [CALL]},
        ],
        [reasoning("Need the weather.")],
        "",
        finish="tool_calls",
    ),
    Reply(
        "thinking_text_thinking_text",
        {
            "role": "assistant",
            "content": [thinking("A"), text("one "), thinking("B", "C"), text("two")],
        },  # fmt: skip
        [
            {"content": [thinking("A")]},
            {"content": "one "},
            {"content": [thinking("B")]},
            {"content": [thinking("C")]},
            {"content": "two"},
        ],
        [reasoning("A"), text("one "), reasoning("BC"), text("two")],
        "one two",
    ),
    Reply(
        "text_parts_only",
        {"role": "assistant", "content": [text("plain "), text("answer")]},
        [{"content": [text("plain ")]}, {"content": "answer"}],
        "plain answer",
        "plain answer",
    ),
]


def mistral_model(reply: Reply) -> Any:
    def serve(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/chat/completions"
        if json.loads(request.content).get("stream"):
            headers = {"content-type": "text/event-stream"}
            return httpx.Response(200, content=reply.sse(), headers=headers)
        return httpx.Response(200, json=reply.body())

    transport = httpx.MockTransport(serve)
    return init_chat_model(
        f"mistralai:{MODEL}",
        api_key="test-key",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )


def check(reply: Reply, message: AIMessage) -> None:
    assert message.text == reply.text
    assert thinking_text(message.content) == thinking_text(reply.message["content"])
    assert message.response_metadata["finish_reason"] == reply.finish
    assert message.usage_metadata == {
        "input_tokens": 10,
        "output_tokens": 232,
        "total_tokens": 242,  # no details: langchain-mistralai reports none
    }
    calls = [(c["id"], c["name"], c["args"]) for c in message.tool_calls]
    wanted = reply.message.get("tool_calls") or []
    assert calls == [(c["id"], "get_weather", {"city": "Paris"}) for c in wanted]


@pytest.mark.parametrize("reply", REPLIES, ids=[r.name for r in REPLIES])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_mistral_reply_and_its_stream(reply: Reply, sync: bool) -> None:
    model = mistral_model(reply)
    whole, chunks = await reply_and_chunks(model, sync, "How do I cross the street?")
    check(reply, whole)
    assert whole.content == reply.message["content"]  # as Mistral sent it
    added = merge_chunks(chunks)
    merged = added.to_message()
    # Added up as langchain-core adds up the same chunks (a thinking part's pieces joined
    # by their index, the answer's pieces as str items), so the text reads as LangChain's.
    theirs = langchain_merge(chunks)
    if theirs is not None:
        from langchain_core.messages import AIMessage as LangChainAIMessage

        assert added.content == theirs
        assert merged.text == LangChainAIMessage(content=theirs).text
    assert merged.tool_calls == whole.tool_calls
    assert merged.usage_metadata == whole.usage_metadata
    # No part is read into chatplex's reasoning blocks, in the reply or in any chunk.
    for message in (whole, merged, *chunks):
        if isinstance(message.content, list):
            blocks = [b for b in message.content if isinstance(b, dict)]
            assert all(b.get("type") != "reasoning" for b in blocks)


@pytest.mark.parametrize("reply", REPLIES, ids=[r.name for r in REPLIES])
def test_each_chunk_is_langchain_mistralais(reply: Reply) -> None:
    """Every chunk's content, as langchain-mistralai's own reader makes it from the same
    events (its block `index`es included)."""
    partner = pytest.importorskip("langchain_mistralai.chat_models")
    core = pytest.importorskip("langchain_core.messages")
    parser = adapter_class("mistralai")(api_key="k").stream_parser({})
    index, index_type = -1, ""
    for event in iter_sse_events([reply.sse()]):
        if event.data.startswith("[DONE]"):
            break
        ours = parser.feed(event)
        theirs, index, index_type = partner._convert_chunk_to_message_chunk(
            json.loads(event.data), core.AIMessageChunk, index, index_type, None
        )
        assert (ours.content if ours is not None else "") == theirs.content


@pytest.mark.parametrize("preset", ["openai", "deepseek", "groq", "mistralai"])
def test_no_profile_reads_thinking_parts_into_reasoning(preset: str) -> None:
    """Every adapter keeps a reply's list content as sent (Mistral's as
    langchain-mistralai keeps it); only Mistral's profile indexes a stream's parts."""
    assert not any(p.thinking_parts for p in PROFILES.values())
    reply = REPLIES[0]
    adapter = adapter_class(preset)(api_key="k")
    message = adapter.parse_response(json.dumps(reply.body()).encode(), {})
    assert message.content == reply.message["content"]
    parser = adapter.stream_parser({})
    chunks = [c for e in iter_sse_events([reply.sse()]) if (c := parser.feed(e)) is not None]
    merged = merge_chunks(chunks).content
    raw = [b for b in merged if isinstance(b, dict) and b["type"] == "thinking"]
    indexed = all("index" in b for b in raw)
    assert len(raw) >= 1 and indexed == (preset == "mistralai")


def test_a_reference_part_is_text_with_its_reference() -> None:
    """Mistral's citations: a `reference` part is a text block (its answer text seen by
    `.text`) carrying the reference, as langchain-mistralai reads it."""
    part = {"type": "reference", "text": "Paris.", "reference_ids": [1]}
    body = {"id": ID, "model": MODEL, "choices": [{"index": 0, "message": {
        "role": "assistant", "content": [text("It is "), part]}}]}  # fmt: skip
    message = adapter_class("mistralai")(api_key="k").parse_response(json.dumps(body).encode(), {})
    assert message.content == [
        text("It is "),
        {"type": "text", "text": "Paris.", "reference": {"reference_ids": [1]}},
    ]
    assert message.text == "It is Paris."


def test_thinking_parts_reader() -> None:
    reader = ThinkingParts()
    assert reader.blocks([thinking("a", "b"), {"type": "reference", "ids": [1]}]) == [
        {"type": "reasoning", "reasoning": "ab", "index": 0},
        {"type": "reference", "ids": [1]},  # a part it does not know stays as sent
    ]
    assert reader.blocks([thinking("c")]) == [{"type": "reasoning", "reasoning": "c", "index": 1}]
    reader.text_seen()
    assert reader.blocks([thinking("d")])[0]["index"] == 2
    # Empty text neither shows nor ends a run of thinking.
    assert reader.blocks([text(""), thinking("e")]) == [
        {"type": "reasoning", "reasoning": "e", "index": 2}
    ]
    assert content_from_parts([]) == ""
    assert content_from_parts([thinking()]) == ""
    assert content_from_parts([thinking("x"), thinking("y"), "z"]) == [
        reasoning("xy"),
        text("z"),
    ]


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(openai_response)
    assert failures == 0 and tried >= 3
