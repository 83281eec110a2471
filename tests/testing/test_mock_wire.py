"""The MockWire contract: a value of pure functions with defaults for the common case."""

from __future__ import annotations

import dataclasses

import pytest

from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_wire import SSE
from chatplex.testing._mock_wire import MockWire
from chatplex.testing._mock_wire import chat_like_view
from chatplex.testing._mock_wire import no_auth_check


def _wire(**changes: object) -> MockWire:
    fields: dict[str, object] = dict(
        name="demo",
        match=lambda path: path.startswith("/demo/"),
        request_view=lambda path, body: {**body, "stream": path.endswith(":stream")},
        render_json=lambda reply, rid: rid.encode(),
        render_events=lambda reply, rid, view: [(rid.encode(), True)],
        error_body=lambda status, type_, message, code, request_id: message.encode(),
        stream_error=lambda type_, message, code: type_.encode(),
    )
    fields.update(changes)
    return MockWire(**fields)  # type: ignore[arg-type]


def test_defaults_are_sse_x_request_id_and_no_auth_check() -> None:
    wire = _wire()
    assert wire.stream_content_type == SSE
    assert wire.request_id_header == "x-request-id"
    assert wire.check_auth({}) is None
    assert no_auth_check({"authorization": "x"}) is None


def test_defaults_plan_as_chat_completions_and_announce_no_limits() -> None:
    wire = _wire()
    assert wire.dialect == "openai"
    assert wire.rate_limit_headers(1.0, 5.0, 2.0) == []
    assert wire.rate_limited_headers(0.5) == []
    assert wire.stream_failed is None


def test_the_functions_given_are_the_ones_called() -> None:
    wire = _wire(check_auth=lambda headers: None if "api-key" in headers else "api-key missing")
    assert wire.match("/demo/x") and not wire.match("/other")
    assert wire.request_view("/demo/m:stream", {"model": "m"}) == {"model": "m", "stream": True}
    assert wire.check_auth({}) == "api-key missing"
    assert wire.check_auth({"api-key": "k"}) is None


def test_a_wire_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _wire().name = "other"  # type: ignore[misc]


def test_a_chat_like_view_checks_model_and_messages_and_passes_tools_on() -> None:
    tools = [{"type": "function", "function": {"name": "f"}}]
    body = {"model": "m", "messages": [{"role": "user"}], "tools": tools}
    view = chat_like_view(body, "a demo body", lambda m, i: {**m, "i": i}, stream=True)
    assert view == {
        "model": "m",
        "messages": [{"role": "user", "i": 0}],
        "stream": True,
        "tools": tools,
    }
    no_tools = chat_like_view({**body, "tools": []}, "a demo body", lambda m, i: m, stream=False)
    assert "tools" not in no_tools and no_tools["stream"] is False
    with pytest.raises(MockUsageError, match="a demo body needs messages"):
        chat_like_view({"model": "m"}, "a demo body", lambda m, i: m, stream=False)
    with pytest.raises(MockUsageError, match="a demo body needs model"):
        chat_like_view({"messages": [], "model": ""}, "a demo body", lambda m, i: m, stream=False)
