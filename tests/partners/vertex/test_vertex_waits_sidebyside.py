"""ChatVertexAI's `wait_exponential_kwargs` side by side with langchain-google-vertexai:
the same constructor taken, the same field held, and the same waits between the retries
of a call and a stream (sync and async) refused four times with a 503, then answered. Its
class runs its own retry decorator over a stand-in for its prediction client (its SDK's
ServiceUnavailable, then a reply), its tenacity sleep recording the waits; the drop-in
runs over an httpx MockTransport, its retry policy's sleeps recording them. Nothing
sleeps. A key tenacity's `wait_exponential` does not take is its TypeError on both
sides, in its words: at each call there, at construction here."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google.test_vertex_waits import CALLS
from tests.providers.google.test_vertex_waits import GIVEN
from tests.providers.google.test_vertex_waits import Busy
from tests.providers.google.test_vertex_waits import dropin

vertex_models = pytest.importorskip("langchain_google_vertexai.chat_models")
api_errors = pytest.importorskip("google.api_core.exceptions")
gapic = pytest.importorskip("google.cloud.aiplatform_v1beta1.types")

#: The settings compared: its defaults updated with nothing, with each key, with all.
SETTINGS = {
    "empty": {},
    "min": {"min": 0.0},
    "max": {"max": 5.0},
    "multiplier_and_base": {"multiplier": 2.0, "exp_base": 1.5},
    "all": GIVEN,
}


def partner(**settings: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (its class's deprecation)
        return vertex_models.ChatVertexAI(model="gemini-2.5-flash", project="p", **settings)


def _reply() -> Any:
    text = gapic.Part(text="Hello from Gemini")
    content = gapic.Content(role="model", parts=[text])
    return gapic.GenerateContentResponse(
        candidates=[
            gapic.Candidate(content=content, finish_reason=gapic.Candidate.FinishReason.STOP)
        ]
    )


class Client:
    """Its prediction client's methods, sync and async: `fails` ServiceUnavailable
    errors, then a reply (a stream's as one chunk). Counts the requests."""

    def __init__(self, fails: int) -> None:
        self.fails, self.requests = fails, 0

    def _answer(self) -> Any:
        self.requests += 1
        if self.requests <= self.fails:
            raise api_errors.ServiceUnavailable("down")
        return _reply()

    def generate_content(self, **request: Any) -> Any:
        return self._answer()

    def stream_generate_content(self, **request: Any) -> Iterator[Any]:
        return iter([self._answer()])

    async def agenerate_content(self, **request: Any) -> Any:
        return self._answer()

    async def astream_generate_content(self, **request: Any) -> AsyncIterator[Any]:
        reply = self._answer()

        async def chunks() -> AsyncIterator[Any]:
            yield reply

        return chunks()


class AsyncClient:
    def __init__(self, client: Client) -> None:
        self.generate_content = client.agenerate_content
        self.stream_generate_content = client.astream_generate_content


@pytest.fixture
def partner_slept(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], tuple[Client, list[float]]]:
    """Its retry decorator (`create_retry_decorator`, as it builds it from its fields),
    sleeping into a list; its clients answering as `Client`."""
    made = vertex_models.create_retry_decorator

    def serving(fails: int) -> tuple[Client, list[float]]:
        waits: list[float] = []

        async def asleep(seconds: float) -> None:
            waits.append(seconds)

        def recording(**settings: Any) -> Callable[[Any], Any]:
            decorator = made(**settings)

            def wrap(function: Any) -> Any:
                sleep = asleep if asyncio.iscoroutinefunction(function) else waits.append
                return decorator(function).retry_with(sleep=sleep)

            return wrap

        client = Client(fails)
        monkeypatch.setattr(vertex_models, "create_retry_decorator", recording)
        cls = vertex_models.ChatVertexAI
        monkeypatch.setattr(cls, "prediction_client", client)
        monkeypatch.setattr(cls, "async_prediction_client", AsyncClient(client))
        return client, waits

    return serving


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("name", SETTINGS)
def test_the_waits_are_the_partners(
    name: str,
    call: str,
    slept: list[float],
    partner_slept: Callable[[int], tuple[Client, list[float]]],
) -> None:
    settings = {"wait_exponential_kwargs": SETTINGS[name]}
    client, theirs = partner_slept(4)
    assert CALLS[call](partner(**settings)) == "Hello from Gemini"
    server = Busy(*[503] * 4)
    assert CALLS[call](dropin(server, **settings)) == "Hello from Gemini"
    assert client.requests == len(server.requests) == 5
    assert slept == theirs and len(theirs) == 4, (slept, theirs)


def test_the_field_is_held_alike() -> None:
    given = {"min": 1, "max": 2.5, "exp_base": True}
    theirs, ours = (
        partner(wait_exponential_kwargs=given),
        dropin(Busy(), wait_exponential_kwargs=given),
    )
    assert (
        ours.wait_exponential_kwargs
        == theirs.wait_exponential_kwargs
        == {
            "min": 1.0,
            "max": 2.5,
            "exp_base": 1.0,
        }
    )
    dumped = "wait_exponential_kwargs"
    assert ours.model_dump()[dumped] == theirs.model_dump()[dumped]


def test_a_value_its_field_refuses_is_refused_alike() -> None:
    """pydantic's ValidationError at the same place, of the same type: a value no float,
    in a dict of numbers or of words alone, and a value no dict."""
    for given in ({"max": "soon"}, {"min": 1, "max": "soon"}, "soon", [("min", 1.0)]):
        with pytest.raises(ValidationError) as theirs:
            partner(wait_exponential_kwargs=given)
        with pytest.raises(ValidationError) as ours:
            dropin(Busy(), wait_exponential_kwargs=given)
        located = [(e["loc"], e["type"]) for e in theirs.value.errors()]
        assert [(e["loc"], e["type"]) for e in ours.value.errors()] == located, given


def test_a_key_wait_exponential_does_not_take_is_tenacitys_type_error_on_both_sides(
    partner_slept: Callable[[int], tuple[Client, list[float]]],
) -> None:
    client, _ = partner_slept(0)
    theirs = partner(wait_exponential_kwargs={"jitter": 1.0})  # (taken: raised at each call)
    with pytest.raises(TypeError) as raised:
        theirs.invoke("Hi")
    assert client.requests == 0
    server = Busy()
    with pytest.raises(TypeError) as refused:
        dropin(server, wait_exponential_kwargs={"jitter": 1.0})
    assert str(refused.value) == str(raised.value) and server.requests == []
