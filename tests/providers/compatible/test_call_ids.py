"""Tool call ids as Mistral takes them (`providers/compatible/call_ids.py`): a foreign id
replaced by langchain-mistralai's nine-character derivation, in the assistant's calls and
the tool results alike; another preset's ids sent as they are."""

from __future__ import annotations

from chatplex.adapters import adapter_class
from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import ToolMessage
from chatplex.providers.compatible.call_ids import nine_char_id


def test_mistral_gets_nine_character_tool_call_ids_for_foreign_ones() -> None:
    call = {"name": "f", "args": {}, "id": "call_abc123XYZ", "type": "tool_call"}
    kept = {"name": "f", "args": {}, "id": "Ab3dE6gH9", "type": "tool_call"}
    history = [
        HumanMessage("hi"),
        AIMessage("", tool_calls=[call, kept]),
        ToolMessage("1", tool_call_id="call_abc123XYZ"),
        ToolMessage("2", tool_call_id="Ab3dE6gH9"),
    ]
    for name, wanted in (("mistralai", nine_char_id("call_abc123XYZ")), ("groq", "call_abc123XYZ")):
        adapter = adapter_class(name)(api_key="k")
        body = adapter.build_request(history, CallSettings(model="m"), stream=False).json
        messages = body["messages"]
        assert [c["id"] for c in messages[1]["tool_calls"]] == [wanted, "Ab3dE6gH9"]
        assert [m["tool_call_id"] for m in messages[2:]] == [wanted, "Ab3dE6gH9"]
    # langchain-mistralai's derivation: SHA-256 in base 62, nine characters.
    assert nine_char_id("call_1") == "rwU906w5h"
