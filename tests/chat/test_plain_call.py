"""A drop-in's request that is not a chat call (`chat/plain_call.py`): sent with the
model's client, retries and typed errors, read by the wire's function; messages checked
before any request."""

from __future__ import annotations

import json

import httpx
import pytest

from chatplex.adapters.base import HTTPRequest
from chatplex.chat.plain_call import message_list
from chatplex.chat.plain_call import post_plain
from chatplex.core.run_config import current_config
from chatplex.errors import APIError
from chatplex.errors import BadRequestError
from chatplex.errors import DeadlineExceededError
from chatplex.lean import ChatOpenAI
from chatplex.messages import HumanMessage

URL = "http://plain.test/v1/count"


def model_answering(*replies: httpx.Response, max_retries: int = 2) -> tuple[ChatOpenAI, list[str]]:
    """A model whose client answers `replies` in turn, and the bodies it was sent."""
    sent: list[str] = []
    answers = iter(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.content.decode())
        return next(answers)

    model = ChatOpenAI(
        model="gpt-4o-mini",
        api_key="sk-test",
        max_retries=max_retries,
        max_retry_after=0.01,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    return model, sent


def request() -> HTTPRequest:
    return HTTPRequest("POST", URL, {"content-type": "application/json"}, {"text": "hi"})


def read_n(body: bytes) -> int:
    return int(json.loads(body)["n"])


def test_the_reply_is_read_by_the_wires_function() -> None:
    model, sent = model_answering(httpx.Response(200, json={"n": 4}))
    assert post_plain(model, request(), read_n) == 4
    assert [json.loads(body) for body in sent] == [{"text": "hi"}]


def test_a_retryable_status_is_retried_with_the_models_policy() -> None:
    model, sent = model_answering(
        httpx.Response(503, json={"error": {"message": "busy"}}), httpx.Response(200, json={"n": 2})
    )
    assert post_plain(model, request(), read_n) == 2
    assert len(sent) == 2


def test_an_error_status_is_the_models_typed_error() -> None:
    model, sent = model_answering(httpx.Response(400, json={"error": {"message": "no such"}}))
    with pytest.raises(BadRequestError, match="no such"):
        post_plain(model, request(), read_n)
    assert len(sent) == 1


def test_a_body_the_wire_cannot_read_is_the_malformed_reply_error() -> None:
    model, _ = model_answering(httpx.Response(200, json={"m": 1}))
    with pytest.raises(APIError, match="'n'"):
        post_plain(model, request(), read_n)


def test_the_ambient_deadline_bounds_it() -> None:
    model, sent = model_answering(httpx.Response(200, json={"n": 1}))
    token = current_config().set({"deadline": 0.0})  # long past
    try:
        with pytest.raises(DeadlineExceededError):
            post_plain(model, request(), read_n)
    finally:
        current_config().reset(token)
    assert sent == []


def test_message_list_names_the_first_item_that_is_not_a_message() -> None:
    said = [HumanMessage("a"), HumanMessage("b")]
    assert message_list(said, HumanMessage, "count") == said
    with pytest.raises(TypeError, match=r"count takes a list of messages; item 1 is a tuple"):
        message_list([HumanMessage("a"), ("user", "b")], HumanMessage, "count")
    with pytest.raises(TypeError, match="count takes a list of messages, got str"):
        message_list("hi", HumanMessage, "count")


def test_a_timeout_given_bounds_this_request_over_the_models() -> None:
    seen: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions.get("timeout"))
        return httpx.Response(200, json={"n": 1})

    model = ChatOpenAI(
        model="gpt-4o-mini",
        api_key="sk-test",
        timeout=30,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    post_plain(model, request(), read_n)
    post_plain(model, request(), read_n, timeout=2.5)
    assert [t["read"] for t in seen] == [30, 2.5]  # type: ignore[index]
