"""Responses API fixtures written for the tests (not recordings: those are in the wire
corpus): Response objects, and the typed event stream a server sends for each, so that
every fixture can be checked both ways (reply and merged stream)."""

from __future__ import annotations

import json
from typing import Any

from chatplex.messages import AIMessage

__all__ = [
    "REFUSAL_ITEM",
    "RESPONSES",
    "as_streamed",
    "assert_streams_into",
    "call_item",
    "events_of",
    "message_item",
    "reasoning_item",
    "response",
    "sse_of",
    "web_search_item",
    "with_done_events",
    "without_index",
]


def response(output: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1_750_000_000,
        "status": "completed",
        "model": "gpt-4.1-2025-04-14",
        "output": output,
        "error": None,
        "incomplete_details": None,
        "metadata": {},
        "usage": {
            "input_tokens": 20,
            "input_tokens_details": {"cached_tokens": 8},
            "output_tokens": 30,
            "output_tokens_details": {"reasoning_tokens": 12},
            "total_tokens": 50,
        },
    }
    out.update(extra)
    return out


def message_item(text: str, annotations: Any = (), msg_id: str = "msg_1") -> dict[str, Any]:
    """An output message of one text part."""
    part = {"type": "output_text", "text": text, "annotations": list(annotations)}
    return {
        "type": "message",
        "id": msg_id,
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }


def call_item(name: Any, args: str, n: int = 1) -> dict[str, Any]:
    """An output function call, its arguments as sent (`args`, JSON text)."""
    return {
        "type": "function_call",
        "id": f"fc_{n}",
        "call_id": f"call_{n}",
        "name": name,
        "arguments": args,
        "status": "completed",
    }


def reasoning_item(*summaries: str, **more: Any) -> dict[str, Any]:
    """An output reasoning item of these summary parts (`more`: its other fields)."""
    summary = [{"type": "summary_text", "text": text} for text in summaries]
    return {"type": "reasoning", "id": "rs_1", "summary": summary, **more}


def web_search_item(query: str) -> dict[str, Any]:
    """An output web search call, done."""
    action = {"type": "search", "query": query}
    return {"type": "web_search_call", "id": "ws_1", "status": "completed", "action": action}


REFUSAL_ITEM = {
    "type": "message",
    "id": "msg_r",
    "role": "assistant",
    "status": "completed",
    "content": [{"type": "refusal", "refusal": "I can't help with that."}],
}
_REASONING = reasoning_item(
    "**Planning** first part.", "Second part.", encrypted_content="gAAA-final"
)
_WEB = web_search_item("weather")

#: name → a complete Response object.
RESPONSES: dict[str, dict[str, Any]] = {
    "text": response([message_item("Hello there!")]),
    "tool_call": response([call_item("get_weather", '{"city": "Paris"}')]),
    "two_tool_calls": response(
        [call_item("get_weather", '{"city": "Paris"}'), call_item("get_time", '{"tz": "CET"}', 2)]
    ),
    "reasoning_then_text": response([_REASONING, message_item("The answer is 4.")]),
    "web_search": response(
        [
            _WEB,
            message_item(
                "Sunny.",
                annotations=[
                    {
                        "type": "url_citation",
                        "url": "https://w.example",
                        "title": "W",
                        "start_index": 0,
                        "end_index": 6,
                    }
                ],
            ),
        ]
    ),
    "refusal": response([REFUSAL_ITEM]),
    "incomplete": response(
        [message_item("Partial ans")],
        status="incomplete",
        incomplete_details={"reason": "max_output_tokens"},
    ),
    "invalid_arguments": response([call_item("f", '{"a": ')]),
}


def events_of(resp: dict[str, Any], pieces: int = 3) -> list[dict[str, Any]]:
    """The typed events a server streams for `resp` (text and arguments in pieces)."""
    start = {**resp, "status": "in_progress", "output": [], "usage": None}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": start},
        {"type": "response.in_progress", "response": start},
    ]
    for i, item in enumerate(resp["output"]):
        added = {**item, "status": "in_progress"}
        if item["type"] == "message":
            added["content"] = []
        if item["type"] == "function_call":
            added["arguments"] = ""
        if item["type"] == "reasoning":
            added = {"type": "reasoning", "id": item["id"], "summary": []}
        events.append({"type": "response.output_item.added", "output_index": i, "item": added})
        if item["type"] == "message":
            for j, part in enumerate(item["content"]):
                key = "text" if part["type"] == "output_text" else "refusal"
                empty = {**part, key: ""}
                events.append(
                    {
                        "type": "response.content_part.added",
                        "output_index": i,
                        "content_index": j,
                        "item_id": item["id"],
                        "part": empty,
                    }
                )
                kind = "output_text" if key == "text" else "refusal"
                for piece in _split(part[key], pieces):
                    events.append(
                        {
                            "type": f"response.{kind}.delta",
                            "output_index": i,
                            "content_index": j,
                            "item_id": item["id"],
                            "delta": piece,
                        }
                    )
                events.append(
                    {
                        "type": "response.content_part.done",
                        "output_index": i,
                        "content_index": j,
                        "item_id": item["id"],
                        "part": part,
                    }
                )
        elif item["type"] == "function_call":
            for piece in _split(item["arguments"], pieces):
                events.append(
                    {
                        "type": "response.function_call_arguments.delta",
                        "output_index": i,
                        "item_id": item["id"],
                        "delta": piece,
                    }
                )
            events.append(
                {
                    "type": "response.function_call_arguments.done",
                    "output_index": i,
                    "item_id": item["id"],
                    "arguments": item["arguments"],
                }
            )
        elif item["type"] == "reasoning":
            for k, part in enumerate(item["summary"]):
                events.append(
                    {
                        "type": "response.reasoning_summary_part.added",
                        "output_index": i,
                        "summary_index": k,
                        "item_id": item["id"],
                        "part": {"type": "summary_text", "text": ""},
                    }
                )
                for piece in _split(part["text"], pieces):
                    events.append(
                        {
                            "type": "response.reasoning_summary_text.delta",
                            "output_index": i,
                            "summary_index": k,
                            "item_id": item["id"],
                            "delta": piece,
                        }
                    )
                events.append(
                    {
                        "type": "response.reasoning_summary_part.done",
                        "output_index": i,
                        "summary_index": k,
                        "item_id": item["id"],
                        "part": part,
                    }
                )
        events.append({"type": "response.output_item.done", "output_index": i, "item": item})
    final = "response.incomplete" if resp["status"] == "incomplete" else "response.completed"
    events.append({"type": final, "response": resp})
    return events


def sse_of(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def _split(text: str, pieces: int) -> list[str]:
    size = max(1, -(-len(text) // pieces))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def with_done_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`events` with what the API also sends for each message part before it is done:
    a text's annotations one by one and `response.output_text.done`, a refusal's
    `response.refusal.done`."""
    out: list[dict[str, Any]] = []
    for event in events:
        part = event.get("part") or {}
        if event["type"] == "response.content_part.done":
            where = {k: event[k] for k in ("output_index", "content_index", "item_id")}
            if part.get("type") == "output_text":
                for number, annotation in enumerate(part.get("annotations") or ()):
                    out.append(
                        {
                            "type": "response.output_text.annotation.added",
                            **where,
                            "annotation_index": number,
                            "annotation": annotation,
                        }
                    )
                out.append({"type": "response.output_text.done", **where, "text": part["text"]})
            elif part.get("type") == "refusal":
                out.append({"type": "response.refusal.done", **where, "refusal": part["refusal"]})
        out.append(event)
    return out


def as_streamed(block: Any) -> Any:
    """A reply's block as langchain-openai's merged stream has it: a function call
    without its `status`, a text without an empty `annotations` list, a refusal without
    its message's id, a reasoning item's `encrypted_content` (encrypted anew in the final
    response) only as there or not; a built-in item as it is (the stream's `index` keys
    are taken out of the other side)."""
    if not isinstance(block, dict):
        return block
    out = dict(block)
    if out.get("type") == "function_call":
        out.pop("status", None)
    if out.get("type") == "text" and out.get("annotations") == []:
        del out["annotations"]
    if out.get("type") == "refusal":
        out.pop("id", None)
    if "encrypted_content" in out:
        out["encrypted_content"] = ENCRYPTED
    return out


ENCRYPTED = "<encrypted>"


def without_index(block: Any) -> Any:
    if isinstance(block, dict):
        return {
            k: ENCRYPTED if k == "encrypted_content" else without_index(v)
            for k, v in block.items()
            if k != "index"
        }
    if isinstance(block, list):
        return [without_index(v) for v in block]
    return block


def assert_streams_into(message: AIMessage, whole: AIMessage) -> None:
    assert message.text == whole.text
    assert message.tool_calls == whole.tool_calls
    assert message.invalid_tool_calls == whole.invalid_tool_calls
    assert message.usage_metadata == whole.usage_metadata
    assert message.response_metadata == whole.response_metadata
    assert message.id == whole.id
    content = whole.content if isinstance(whole.content, list) else []
    assert [without_index(b) for b in message.content] == [as_streamed(b) for b in content]
