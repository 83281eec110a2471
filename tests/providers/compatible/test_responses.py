"""A preset's Responses API adapter (providers/compatible/responses.py): OpenAI's
translation over the preset's connection, under its own class (its own partner record)."""

from __future__ import annotations

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.structured_profile import with_disabled_params
from chatplex.messages import HumanMessage
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.responses import PresetResponsesAdapter
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter


def test_it_sends_as_the_responses_adapter_over_the_presets_connection() -> None:
    xai = preset_adapter_class("xai")(api_key="xai-k")
    adapter = PresetResponsesAdapter(connection=xai)
    assert isinstance(adapter, OpenAIResponsesAdapter) and adapter.preset == "xai"
    request = adapter.build_request([HumanMessage("hi")], CallSettings("grok-4"), stream=False)
    assert request.url == "https://api.x.ai/v1/responses"
    plain = OpenAIResponsesAdapter(connection=xai)
    same = plain.build_request([HumanMessage("hi")], CallSettings("grok-4"), stream=False)
    assert (request.json, dict(request.headers)) == (same.json, dict(same.headers))
    assert repr(adapter) == repr(plain) and "xai-k" not in repr(adapter)


def test_its_structured_output_leaves_out_what_the_presets_disabled_params_disable() -> None:
    xai = preset_adapter_class("xai")(api_key="xai-k")
    assert PresetResponsesAdapter(connection=xai).structured == OpenAIResponsesAdapter.structured
    xai.disabled_params = {"tool_choice": None, "parallel_tool_calls": [False]}
    profile = PresetResponsesAdapter(connection=xai).structured
    assert profile == with_disabled_params(OpenAIResponsesAdapter.structured, xai.disabled_params)
    assert dict(profile.disabled) == {"tool_choice": None, "parallel_tool_calls": (False,)}
