"""The adapter contract (`adapters/base.py`): endpoint URLs, header lookup, and the values
passed between a chat model, its adapter and the http layer."""

from __future__ import annotations

import dataclasses
import doctest

import httpx
import pytest

from chatplex.adapters import base
from chatplex.adapters.base import CallSettings
from chatplex.adapters.base import HTTPRequest
from chatplex.adapters.base import SSEEvent
from chatplex.adapters.base import endpoint_url
from chatplex.adapters.base import header_value
from chatplex.adapters.base import message_event


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.example.com/v1", "https://api.example.com/v1/chat/completions"),
        ("https://api.example.com/v1/", "https://api.example.com/v1/chat/completions"),
        ("https://api.example.com", "https://api.example.com/chat/completions"),
        ("http://127.0.0.1:8000/v1#frag", "http://127.0.0.1:8000/v1/chat/completions"),
        (
            "https://x.example/openai/deployments/d?api-version=1",
            "https://x.example/openai/deployments/d/chat/completions?api-version=1",
        ),
    ],
)
def test_endpoint_url_appends_the_path_and_keeps_the_query(base_url: str, expected: str) -> None:
    assert endpoint_url(base_url, "/chat/completions") == expected


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://proxy.example/v1", "https://proxy.example/v1/messages"),
        ("https://proxy.example/v1/", "https://proxy.example/v1/messages"),
        ("https://proxy.example", "https://proxy.example/v1/messages"),
        (
            "https://proxy.example/anthropic/v1?k=1",
            "https://proxy.example/anthropic/v1/messages?k=1",
        ),
        ("https://proxy.example/v10", "https://proxy.example/v10/v1/messages"),  # not /v1
    ],
)
def test_a_version_already_in_the_base_url_is_not_repeated(base_url: str, expected: str) -> None:
    assert endpoint_url(base_url, "/v1/messages") == expected


def test_an_anthropic_model_given_a_v1_base_url_posts_to_v1_messages() -> None:
    from chatplex.providers.anthropic.adapter import AnthropicAdapter

    adapter = AnthropicAdapter(api_key="sk-ant-x", base_url="http://127.0.0.1:9/v1")
    assert adapter._url == "http://127.0.0.1:9/v1/messages"


def test_endpoint_url_refuses_user_info_without_repeating_it() -> None:
    with pytest.raises(ValueError, match="must not contain user:password@") as info:
        endpoint_url("https://me:hunter2-pw@proxy.example.com/v1", "/messages")
    assert "hunter2" not in str(info.value)


def test_header_value_is_case_insensitive_for_plain_dicts_too() -> None:
    assert header_value({"request-id": "a"}, "request-id") == "a"
    assert header_value({"Request-Id": "b"}, "request-id") == "b"
    assert header_value(httpx.Headers({"Request-ID": "c"}), "request-id") == "c"
    assert header_value({"other": "x"}, "request-id") is None
    assert header_value({}, "request-id") is None
    assert header_value(None, "request-id") is None


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


def test_of_several_key_variables_the_first_set_goes_where_the_policy_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.delenv("FIRST_KEY", raising=False)
    monkeypatch.setenv("SECOND_KEY", "k-2")
    names = ("FIRST_KEY", "SECOND_KEY")
    official = {"host": "api.example", "official_host": "api.example"}
    found = base.environment_key(names, base_url_given=True, **official)
    assert found is not None and found.get() == "k-2"
    monkeypatch.setenv("FIRST_KEY", "k-1")
    found = base.environment_key(names, base_url_given=False, **official)
    assert found is not None and found.get() == "k-1"
    elsewhere = {"host": "gw.example", "official_host": "api.example"}
    assert base.environment_key(names, base_url_given=True, **elsewhere) is None
    monkeypatch.delenv("FIRST_KEY")
    monkeypatch.delenv("SECOND_KEY")
    assert base.environment_key(names, base_url_given=False, **official) is None


def test_sampling_settings_go_under_the_wires_names_in_its_order() -> None:
    settings = base.CallSettings(
        "m", temperature=0.0, max_tokens=0, top_p=0.5, stop=("a", "b"), tools=()
    )
    fields = settings.sampling(max_tokens="maxTokens", temperature="t", top_p="p", stop="s")
    assert list(fields.items()) == [("maxTokens", 0), ("t", 0.0), ("p", 0.5), ("s", ["a", "b"])]
    assert base.CallSettings("m", stop=()).sampling(top_p="p", stop="s") == {"s": []}
    with pytest.raises(AttributeError):
        settings.sampling(seed="seed")  # a name CallSettings does not have
