"""The adapter contract (`adapters/base.py`): the values passed between a chat model, its
adapter and the http layer."""

from __future__ import annotations

import dataclasses
import doctest

import pytest

from chatplex.adapters import base
from chatplex.adapters.base import CallSettings
from chatplex.adapters.base import HTTPRequest
from chatplex.adapters.base import SSEEvent
from chatplex.adapters.base import message_event


def test_a_request_never_shows_its_headers() -> None:
    request = HTTPRequest(
        "POST", "https://x.test/v1", {"authorization": "Bearer sk-SENTINEL"}, {"a": 1}
    )
    assert "sk-SENTINEL" not in repr(request)
    assert request.json == {"a": 1}
    assert HTTPRequest("POST", "https://x.test", {}).json == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.url = "https://elsewhere.test"  # type: ignore[misc]


def test_call_settings_and_sse_event_defaults() -> None:
    settings = CallSettings(model="m")
    assert (settings.temperature, settings.stop, settings.tools, settings.tool_choice) == (
        None,
        None,
        (),
        None,
    )
    assert settings.extra_body == {}
    assert SSEEvent() == SSEEvent(event="message", data="", id=None, retry=None)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(base)
    assert failures == 0 and tried > 0


@pytest.mark.parametrize(("data", "id", "retry"), [("d", None, None), ("{}", "7", 3000)])
def test_message_event_is_the_event_init_builds(
    data: str, id: str | None, retry: int | None
) -> None:
    fast, built = message_event(data, id, retry), SSEEvent("message", data, id, retry)
    assert fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.data = "other"  # type: ignore[misc]


def test_sampling_settings_go_under_the_wires_names_in_its_order() -> None:
    settings = base.CallSettings(
        "m", temperature=0.0, max_tokens=0, top_p=0.5, stop=("a", "b"), tools=()
    )
    fields = settings.sampling(max_tokens="maxTokens", temperature="t", top_p="p", stop="s")
    assert list(fields.items()) == [("maxTokens", 0), ("t", 0.0), ("p", 0.5), ("s", ["a", "b"])]
    assert base.CallSettings("m", stop=()).sampling(top_p="p", stop="s") == {"s": []}
    with pytest.raises(AttributeError):
        settings.sampling(seed="seed")  # a name CallSettings does not have
