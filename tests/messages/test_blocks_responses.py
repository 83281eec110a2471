"""`content_blocks` of Responses API replies: the same standard blocks LangChain's own
OpenAI translator derives from the same message (langchain_core as the oracle)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.providers.openai.responses_response import parse_reply

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from _corpus import load_cases  # noqa: E402
from _responses_fixtures import RESPONSES  # noqa: E402
from _responses_fixtures import response  # noqa: E402

pytest.importorskip("langchain_core")
from chatplex.langchain.convert import to_langchain_message  # noqa: E402

RECORDED = [c for c in load_cases({"openai_responses"}) if c.kind == "json" and c.status < 400]
BODIES = [
    *[(name, json.dumps(r).encode()) for name, r in sorted(RESPONSES.items())],
    *[(c.name, c.body) for c in RECORDED],
]


@pytest.mark.parametrize(("name", "body"), BODIES, ids=[b[0] for b in BODIES])
def test_blocks_are_langchains(name: str, body: bytes) -> None:
    message = parse_reply(body, {})
    assert message.content_blocks == to_langchain_message(message).content_blocks


def test_reasoning_parts_web_search_and_calls_read_as_standard_blocks() -> None:
    message = parse_reply(json.dumps(RESPONSES["reasoning_then_text"]).encode(), {})
    assert message.content_blocks[:2] == [
        {
            "type": "reasoning",
            "id": "rs_1",
            "reasoning": "**Planning** first part.",
            "encrypted_content": "gAAA-final",
        },
        {"type": "reasoning", "id": "rs_1", "reasoning": "Second part."},
    ]
    calls = parse_reply(json.dumps(RESPONSES["tool_call"]).encode(), {}).content_blocks
    assert calls == [
        {
            "type": "tool_call",
            "name": "get_weather",
            "args": {"city": "Paris"},
            "id": "call_1",
            "extras": {"item_id": "fc_1", "status": "completed"},
        }
    ]
    search = parse_reply(json.dumps(RESPONSES["web_search"]).encode(), {}).content_blocks
    assert [b["type"] for b in search] == ["server_tool_call", "server_tool_result", "text"]
    assert search[2]["annotations"][0]["type"] == "citation"


def test_other_items_are_non_standard() -> None:
    item = {"type": "mcp_list_tools", "id": "mcpl_1", "server_label": "x", "tools": []}
    blocks = parse_reply(json.dumps(response([item])).encode(), {}).content_blocks
    assert blocks == [{"type": "non_standard", "value": item}]


RESPONSES_META = {"model_provider": "openai", "provider": "openai_responses"}
REFUSAL_PARTS = {
    "other keys as extras": {"type": "refusal", "refusal": "No.", "id": "msg_1", "logprobs": []},
    "extras merged": {"type": "refusal", "refusal": "No.", "extras": {"a": 1, "b": 1}, "b": 2},
    "index kept": {"type": "refusal", "refusal": "No.", "index": 3},
    "no words": {"type": "refusal"},
}


@pytest.mark.parametrize("part", REFUSAL_PARTS.values(), ids=list(REFUSAL_PARTS))
def test_a_refusal_part_is_langchains_refusal_block(part: dict[str, Any]) -> None:
    text = {"type": "text", "text": "Sorry.", "annotations": []}
    message = AIMessage([text, part], response_metadata=RESPONSES_META)
    blocks = message.content_blocks
    assert blocks == to_langchain_message(message).content_blocks
    assert blocks[1]["type"] == "refusal"


def test_a_refusal_part_keeps_its_id_index_and_extras_and_is_left_untouched() -> None:
    part = {"type": "refusal", "refusal": "No.", "id": "msg_1", "index": 0, "extras": {"a": 1}}
    message = AIMessage([part], response_metadata=RESPONSES_META)
    assert message.content_blocks == [
        {"type": "refusal", "refusal": "No.", "id": "msg_1", "index": 0, "extras": {"a": 1}}
    ]
    assert message.content == [part]
