"""Tools bound on a copy of a model (`chat/tool_binding.py`, `ChatModel.bind_tools`):
the tools and choice read, a wire's built-in tools sent in their place."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.chat._model_wire import Wire
from tests.chat._model_wire import model_over


def test_bind_tools_gives_a_copy_offering_the_tools() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return city

    model = model_over(Wire())
    with_tools = model.bind_tools([get_weather], tool_choice="get_weather")
    assert [t.name for t in with_tools.tools] == ["get_weather"]
    assert with_tools.tool_choice == "get_weather"
    assert model.tools == () and model.tool_choice is None
    with pytest.raises(ValueError, match="nope"):
        model.bind_tools([get_weather], tool_choice="nope")


_ANTHROPIC_REPLY = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "ok"}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
_GEMINI_REPLY = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
}


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("model", "reply", "builtin", "sent"),
    [
        (
            "anthropic:claude-sonnet-4-5",
            _ANTHROPIC_REPLY,
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        ),
        (
            "google_genai:gemini-2.5-flash",
            _GEMINI_REPLY,
            {"google_search": {}},
            {"googleSearch": {}},
        ),
    ],
)
async def test_bind_tools_sends_a_wires_builtin_tool_in_its_place(
    model: str, reply: dict[str, Any], builtin: dict[str, Any], sent: dict[str, Any], sync: bool
) -> None:
    import respx

    from chatplex.lean import init_chat_model

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    chat = init_chat_model(model, api_key="k", base_url="https://gw.example")
    bound = chat.bind_tools([builtin, get_weather])
    with respx.mock:
        route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
        answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert answer.text == "ok"
    tools = json.loads(route.calls.last.request.content)["tools"]
    assert tools[0] == sent
    assert "get_weather" in json.dumps(tools[1])  # the function, after it
