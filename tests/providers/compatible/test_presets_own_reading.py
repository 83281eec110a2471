"""The presets whose partner package reads the provider's replies itself."""

from __future__ import annotations

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.preset import Preset
from chatplex.providers.compatible.presets_own_reading import FIREWORKS
from chatplex.providers.compatible.presets_own_reading import FIREWORKS_USAGE
from chatplex.providers.compatible.presets_own_reading import GROQ
from chatplex.providers.compatible.presets_own_reading import MISTRALAI
from chatplex.providers.compatible.presets_own_reading import PERPLEXITY
from chatplex.providers.compatible.presets_own_reading import SAMBANOVA
from chatplex.providers.compatible.presets_own_reading import SAMBANOVA_USAGE

ROWS = (GROQ, MISTRALAI, FIREWORKS, PERPLEXITY, SAMBANOVA)


def _name(row: Preset) -> str:
    return row.profile.name


@pytest.mark.parametrize("row", ROWS, ids=_name)
def test_each_row_reads_replies_as_its_partner_does_not_as_langchain_openai(row: Preset) -> None:
    style = row.profile.style
    assert style is not None  # own_reading's: the raw calls kept, no refusal or parsed key
    assert style.raw_tool_calls and not style.refusal_key and not style.parsed_key


def test_the_usage_orders_are_their_sdks_declared_fields() -> None:
    usage_info = pytest.importorskip("fireworks.types.shared.usage_info").UsageInfo
    assert tuple(usage_info.model_fields) == FIREWORKS_USAGE
    usage = pytest.importorskip("sambanova.types.chat.chat_completion_response").Usage
    assert tuple(usage.model_fields) == SAMBANOVA_USAGE
    styles = [row.profile.style for row in (FIREWORKS, SAMBANOVA)]
    assert [s.usage_order if s else None for s in styles] == [FIREWORKS_USAGE, SAMBANOVA_USAGE]


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
