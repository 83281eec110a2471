"""ChatVertexAI's `wait_exponential_kwargs`: its retries wait as langchain-google-vertexai's
(tenacity's `wait_exponential` of multiplier 1, min 4 s, max 10 s, base 2, updated with
the keys given), over an httpx MockTransport answering error statuses first, on calls and
streams, sync and async. Nothing sleeps: the waits chosen are recorded by the sleeps the
retry policy is made with (`retrying._retry_policy`, as tests/chat/test_retrying.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from chatplex.core.retry import retry_policy
from chatplex.errors import ServerError
from tests.providers.google._gemini_fake import ChatVertexAI
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google._gemini_fake import vertex
from tests.providers.google._gemini_fake import vertex_dropin_model as dropin

#: Waits each unlike the others and LangChain's defaults: 0.5, 1.5, then 3 (the cap).
GIVEN = {"multiplier": 0.5, "min": 0.25, "max": 3.0, "exp_base": 3.0}


class Busy(Gemini):
    """Gemini answering each of `statuses` in turn (a RetryInfo delay in each error where
    `delay` is given), then its reply."""

    def __init__(self, *statuses: int, delay: str | None = None) -> None:
        super().__init__()
        self.fails, self.delay = list(statuses), delay

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.status = self.fails.pop(0) if self.fails else 200
        if self.status == 200 or self.delay is None:
            return super().handler(request)
        self.requests.append(request)
        info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": self.delay}
        error = {"code": self.status, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}
        return httpx.Response(self.status, json={"error": {**error, "details": [info]}})


async def _streamed(model: Any) -> str:
    return "".join([chunk.text async for chunk in model.astream("Hi")])


#: A call each way, its reply's text.
CALLS: dict[str, Callable[[Any], str]] = {
    "invoke": lambda model: model.invoke("Hi").text,
    "ainvoke": lambda model: asyncio.run(model.ainvoke("Hi")).text,
    "stream": lambda model: "".join(chunk.text for chunk in model.stream("Hi")),
    "astream": lambda model: asyncio.run(_streamed(model)),
}


@pytest.mark.parametrize("call", CALLS)
def test_retries_wait_as_the_wait_exponential_kwargs_given(call: str, slept: list[float]) -> None:
    server = Busy(429, 503, 503)
    text = CALLS[call](dropin(server, wait_exponential_kwargs=GIVEN))
    assert text == "Hello from Gemini" and len(server.requests) == 4
    assert slept == [0.5, 1.5, 3.0]


def test_an_empty_dict_waits_langchains_defaults(slept: list[float]) -> None:
    """Its defaults updated with nothing: 4, 4, 4, 8, 10 s over its 6 attempts. Without
    the setting, the waits are chatplex's own backoff (0.5 s doubling to 8 s, up to a
    quarter shorter at random), as before."""
    server = Busy(*[503] * 5)
    assert vertex(server, wait_exponential_kwargs={}).invoke("Hi").text == "Hello from Gemini"
    assert slept == [4.0, 4.0, 4.0, 8.0, 10.0] and len(server.requests) == 6
    slept.clear()
    vertex(Busy(*[503] * 5)).invoke("Hi")
    backoff = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(slept) == 5
    assert all(0.75 * b <= s <= b for s, b in zip(slept, backoff, strict=True)), slept


def test_max_retries_still_counts_the_attempts(slept: list[float]) -> None:
    server = Busy(*[503] * 5)
    model = vertex(server, max_retries=3, wait_exponential_kwargs={"min": 1.0})
    with pytest.raises(ServerError):
        model.invoke("Hi")
    assert len(server.requests) == 3 and slept == [1.0, 2.0]


def test_a_servers_delay_is_waited_up_to_max_retry_after(slept: list[float]) -> None:
    """Google's RetryInfo delay is waited, as by chatplex's other drop-ins waiting as
    LangChain's base retry decorator (the partner's tenacity waits read none), capped at
    `max_retry_after`."""
    vertex(Busy(429, delay="2s"), wait_exponential_kwargs={"max": 1.0}).invoke("Hi")
    vertex(Busy(429, delay="2s"), wait_exponential_kwargs={}, max_retry_after=1.5).invoke("Hi")
    assert slept == [2.0, 1.5]


def test_a_key_wait_exponential_does_not_take_is_its_type_error_before_any_request() -> None:
    """tenacity's TypeError, in its words, which langchain-google-vertexai raises at each
    call: here at construction, before credentials are looked up (none are given)."""
    words = "wait_exponential.__init__() got an unexpected keyword argument 'jitter'"
    with pytest.raises(TypeError) as raised:
        ChatVertexAI(model="m", wait_exponential_kwargs={"jitter": 1.0})
    assert str(raised.value) == words
    server = Busy()
    with pytest.raises(TypeError) as raised:
        dropin(server, wait_exponential_kwargs={"min": 1.0, "jitter": 1.0})
    assert str(raised.value) == words and not isinstance(raised.value, ValidationError)
    assert server.requests == []


def test_its_values_are_held_as_floats_and_others_refused_as_its_field_refuses() -> None:
    model = dropin(Gemini(), wait_exponential_kwargs={"min": 1, "max": 2.5, "exp_base": True})
    assert model.wait_exponential_kwargs == {"min": 1.0, "max": 2.5, "exp_base": 1.0}
    assert model.model_dump()["wait_exponential_kwargs"] == model.wait_exponential_kwargs
    # All strings, as headers are: still read as the floats the field takes.
    assert dropin(Gemini(), wait_exponential_kwargs={"min": "3"}).wait_exponential_kwargs == {
        "min": 3.0
    }
    for given in ({"max": "soon"}, {"min": 1, "max": "soon"}):
        with pytest.raises(ValidationError) as refused:
            dropin(Gemini(), wait_exponential_kwargs=given)
        assert refused.value.errors()[0]["loc"] == ("wait_exponential_kwargs", "max")


def test_a_retry_policy_given_replaces_its_waits(slept: list[float]) -> None:
    own = retry_policy(1, initial_delay=0.125, jitter=0.0, sleep=slept.append)
    server = Busy(503)
    vertex(server, retry_policy=own, wait_exponential_kwargs=GIVEN).invoke("Hi")
    assert slept == [0.125] and len(server.requests) == 2


def test_an_assigned_setting_is_waited_from_then_on(slept: list[float]) -> None:
    """Its class reads the field at each call: assigned, the next retries wait so."""
    server = Busy(503)
    model = dropin(server)
    model.wait_exponential_kwargs = {"min": 0.5, "max": 0.5}
    assert model.invoke("Hi").text == "Hello from Gemini"
    assert slept == [0.5]
    assert json.loads(server.requests[0].content) == json.loads(server.requests[1].content)
