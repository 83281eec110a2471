"""The Perplexity preset (chatplex/providers/compatible/presets_own_reading/perplexity.py)."""

from __future__ import annotations

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.compatible.adapter import preset_adapter_class


def test_perplexity_sends_no_turn_name_its_sdk_message_has_none() -> None:
    """langchain-perplexity sends HumanMessage(name='ada') without its name: the
    perplexity SDK's ChatMessageInput has no such field."""
    message = pytest.importorskip("perplexity.types.shared.chat_message_input")
    assert "name" not in message.ChatMessageInput.model_fields
    adapter = preset_adapter_class("perplexity")(api_key="k", base_url="http://127.0.0.1:9")
    history = [HumanMessage("Hi", name="ada"), AIMessage("Hello", name="bot")]
    body = adapter.build_request(history, CallSettings(model="sonar"), stream=False).json
    assert body["messages"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ]
