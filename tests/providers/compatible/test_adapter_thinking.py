"""Mistral's reasoning (Magistral): `content` as a list of `thinking` and `text` parts,
read as reasoning blocks before the answer by the `mistralai` profile (its declared
`thinking_parts`), and by no other adapter.

Each reply below is written twice, as a non-stream body and as the stream of the same
reply; through a ChatModel (sync and async, over httpx.MockTransport) the merged stream
must be exactly the non-stream message: content blocks, text, tool calls, usage.
"""

from __future__ import annotations

import doctest
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.adapters import _openai_response, adapter_class
from chatplex.adapters._openai_response import ThinkingParts, content_from_parts
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage, merge_chunks
from chatplex.providers.compatible.adapter import PROFILES
from tests._merged_text import text_as_blocks

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


def without_index(content: Any) -> Any:
    """Blocks without their stream `index`, a merged stream's str text as text blocks."""
    if isinstance(content, str):
        return content
    return [{k: v for k, v in b.items() if k != "index"} for b in text_as_blocks(content)]


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
    assert without_index(message.content) == reply.content
    assert message.text == reply.text
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
    if sync:
        whole = model.invoke("How do I cross the street?")
        chunks = list(model.stream("How do I cross the street?"))
    else:
        whole = await model.ainvoke("How do I cross the street?")
        chunks = [c async for c in model.astream("How do I cross the street?")]
    check(reply, whole)
    merged = merge_chunks(chunks).to_message()
    check(reply, merged)
    assert without_index(merged.content) == without_index(whole.content)
    assert merged.tool_calls == whole.tool_calls
    assert merged.usage_metadata == whole.usage_metadata
    # No raw Mistral part is left anywhere, in the reply or in any chunk.
    for message in (whole, merged, *chunks):
        if isinstance(message.content, list):
            assert {b["type"] for b in text_as_blocks(message.content)} <= {"reasoning", "text"}


def test_a_stream_gives_one_reasoning_block_not_one_per_delta() -> None:
    reply = REPLIES[0]
    parser = adapter_class("mistralai")(api_key="k").stream_parser({})
    chunks = [c for e in iter_sse_events([reply.sse()]) if (c := parser.feed(e)) is not None]
    parser.finish()
    pieces = [c.content for c in chunks if isinstance(c.content, list)]
    assert pieces == [[{"type": "reasoning", "reasoning": p, "index": 0}] for p in
                      ("Okay", ", the user", " asks.")]  # fmt: skip
    blocks = text_as_blocks(merge_chunks(chunks).content)
    assert [b["type"] for b in blocks] == ["reasoning", "text"]


@pytest.mark.parametrize("preset", ["openai", "deepseek", "groq"])
def test_only_the_declaring_profile_reads_thinking_parts(preset: str) -> None:
    """Other adapters pass list content through as sent: the reading is Mistral's own."""
    assert PROFILES["mistralai"].thinking_parts
    assert not any(p.thinking_parts for name, p in PROFILES.items() if name != "mistralai")
    reply = REPLIES[0]
    adapter = adapter_class(preset)(api_key="k")
    message = adapter.parse_response(json.dumps(reply.body()).encode(), {})
    assert message.content == reply.message["content"]
    parser = adapter.stream_parser({})
    chunks = [c for e in iter_sse_events([reply.sse()]) if (c := parser.feed(e)) is not None]
    raw = [b for b in text_as_blocks(merge_chunks(chunks).content) if b["type"] == "thinking"]
    assert len(raw) == 4  # one raw block per thinking delta, unread


def test_reasoning_beside_thinking_parts_keeps_both_in_order() -> None:
    """A reasoning string field and a thinking list in one delta (no known server sends
    both): the field's block first, then the parts, nothing nested."""
    parser = adapter_class("mistralai")(api_key="k").stream_parser({})
    delta = {"reasoning_content": "R", "content": [thinking("T"), text("x")]}
    event = {"id": ID, "model": MODEL, "choices": [{"index": 0, "delta": delta}]}
    chunk = parser.feed(next(iter_sse_events([f"data: {json.dumps(event)}\n\n".encode()])))
    assert chunk is not None
    assert chunk.content == [
        {"type": "reasoning", "reasoning": "R", "index": 0},
        {"type": "reasoning", "reasoning": "T", "index": 0},
        text("x"),
    ]
    body = {"id": ID, "model": MODEL, "choices": [{"index": 0, "message": delta}]}
    message = adapter_class("mistralai")(api_key="k").parse_response(json.dumps(body).encode(), {})
    assert message.content == [reasoning("R"), reasoning("T"), text("x")]


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
    failures, tried = doctest.testmod(_openai_response)
    assert failures == 0 and tried >= 3
