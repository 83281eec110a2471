"""The adapter interface's request types (`adapters/request_types.py`): what one call asks
for and what the adapter hands the http layer to send."""

from __future__ import annotations

import dataclasses
import doctest

import pytest

from chatplex.adapters import request_types
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import HTTPRequest


def test_a_request_never_shows_its_headers() -> None:
    request = HTTPRequest(
        "POST", "https://x.test/v1", {"authorization": "Bearer sk-SENTINEL"}, {"a": 1}
    )
    assert "sk-SENTINEL" not in repr(request)
    assert request.json == {"a": 1}
    assert HTTPRequest("POST", "https://x.test", {}).json == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.url = "https://elsewhere.test"  # type: ignore[misc]


def test_call_settings_defaults() -> None:
    settings = CallSettings(model="m")
    assert (settings.temperature, settings.stop, settings.tools, settings.tool_choice) == (
        None,
        None,
        (),
        None,
    )
    assert settings.extra_body == {}


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(request_types)
    assert failures == 0 and tried > 0


def test_sampling_settings_go_under_the_wires_names_in_its_order() -> None:
    settings = CallSettings(
        "m", temperature=0.0, max_tokens=0, top_p=0.5, stop=("a", "b"), tools=()
    )
    fields = settings.sampling(max_tokens="maxTokens", temperature="t", top_p="p", stop="s")
    assert list(fields.items()) == [("maxTokens", 0), ("t", 0.0), ("p", 0.5), ("s", ["a", "b"])]
    assert CallSettings("m", stop=()).sampling(top_p="p", stop="s") == {"s": []}
    with pytest.raises(AttributeError):
        settings.sampling(seed="seed")  # a name CallSettings does not have


def test_a_tool_no_request_can_carry_is_refused_as_a_type_and_a_value_error() -> None:
    # chatplex's own family raised TypeError here; LangChain's partners a ValueError:
    # the one class is both, so a script's `except` of either holds in both families.
    from chatplex import init_chat_model
    from chatplex.adapters.request_types import ToolDefinitionError

    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
    for bad in (lambda: model.bind_tools([5]), lambda: model.bind_tools(5)):
        with pytest.raises(ToolDefinitionError) as info:
            bad()
        assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)
