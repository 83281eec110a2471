"""`content_blocks` of Responses API replies: the same standard blocks LangChain's own
OpenAI translator derives from the same message (langchain_core as the oracle)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

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
