"""Fallbacks across providers over real HTTP: an OpenAI model that fails falls back to an
Anthropic one for invoke, batch and stream (a stream only before its first chunk)."""

from __future__ import annotations

from typing import Any

import pytest
from _faultkit import ask_batch
from _faultkit import make_model
from _faultkit import own_key
from _faultkit import parity

from chatplex.errors import AuthenticationError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream

Keys = dict[str, str]


@pytest.fixture
def keys() -> Keys:
    """Each provider's requests in this test carry a key of their own: `sent` counts them
    apart from any request an earlier test left on its way to the shared server."""
    return {"openai": own_key(), "anthropic": own_key()}


def model(mock: MockServer, provider: str, keys: Keys, **settings: Any) -> Any:
    headers = {**settings.pop("default_headers", {}), "x-request-key": keys[provider]}
    return make_model(mock, provider, default_headers=headers, **settings)


def sent(mock: MockServer, keys: Keys) -> dict[str, int]:
    """The requests each provider received in this test (those that received any)."""
    attempts = mock.stats.attempts
    return {provider: attempts[key] for provider, key in keys.items() if key in attempts}


def pair(mock: MockServer, keys: Keys, **openai_settings: Any) -> tuple[Any, Any]:
    primary = model(mock, "openai", keys, **openai_settings)
    return primary, primary.with_fallbacks([model(mock, "anthropic", keys)])


# Each test starts from a fresh fault plan and zeroed counters (conftest `plan`).
pytestmark = pytest.mark.usefixtures("plan")


@parity
async def test_invoke_falls_back_from_openai_to_anthropic(
    mock: MockServer, keys: Keys, sync: bool
) -> None:
    _, chain = pair(mock, keys, default_headers={"x-mock-fault": "status=401"})
    reply = await ask(chain, sync, "hello")
    assert reply.text == "Echo: hello" and reply.response_metadata["provider"] == "anthropic"
    assert sent(mock, keys) == {"openai": 1, "anthropic": 1}


@parity
async def test_the_primary_retries_before_falling_back(
    mock: MockServer, keys: Keys, sync: bool
) -> None:
    _, chain = pair(mock, keys, default_headers={"x-mock-fault": "status=503"})
    reply = await ask(chain, sync, "hello")
    assert reply.response_metadata["provider"] == "anthropic"
    assert sent(mock, keys) == {"openai": 3, "anthropic": 1}  # max_retries=2 first


@parity
async def test_only_handled_errors_fall_back(mock: MockServer, keys: Keys, sync: bool) -> None:
    primary, _ = pair(mock, keys, default_headers={"x-mock-fault": "status=401"})
    chain = primary.with_fallbacks(
        [model(mock, "anthropic", keys)], exceptions_to_handle=(ServerError,)
    )
    with pytest.raises(AuthenticationError):
        await ask(chain, sync, "hello")
    assert "anthropic" not in sent(mock, keys)


@parity
async def test_a_batch_sends_only_the_failed_inputs_to_the_fallback(
    mock: MockServer, keys: Keys, sync: bool
) -> None:
    inputs = [f"q{i}" for i in range(12)]
    failing = {"q2", "q5", "q11"}

    def openai_down_for_some(request: Any) -> str | None:
        text = request.json["messages"][-1]["content"]
        if request.key == keys["openai"] and text in failing:
            return "status=403"
        return None

    mock.settings.fault_plan = openai_down_for_some
    _, chain = pair(mock, keys)
    replies = await ask_batch(chain, sync, inputs)
    assert [r.text for r in replies] == [f"Echo: {x}" for x in inputs]
    providers = [r.response_metadata["provider"] for r in replies]
    assert providers == ["anthropic" if x in failing else "openai" for x in inputs]
    assert sent(mock, keys) == {"openai": 12, "anthropic": 3}


@parity
async def test_a_stream_falls_back_before_its_first_chunk(
    mock: MockServer, keys: Keys, sync: bool
) -> None:
    _, chain = pair(mock, keys, default_headers={"x-mock-fault": "status=401"})
    chunks = await ask_stream(chain, sync, "stream me")
    assert merge_chunks(chunks).text == "Echo: stream me"
    assert chunks[0].response_metadata["provider"] == "anthropic"


@parity
async def test_a_stream_that_broke_after_a_chunk_does_not_fall_back(
    mock: MockServer, keys: Keys, sync: bool
) -> None:
    _, chain = pair(mock, keys, default_headers={"x-mock-fault": "midstream_close;after=2"})
    seen: list[Any] = []
    with pytest.raises(StreamError) as info:
        if sync:
            seen.extend(chain.stream("one two three four"))
        else:
            async for chunk in chain.astream("one two three four"):
                seen.append(chunk)
    assert seen and info.value.partial is not None
    assert "anthropic" not in sent(mock, keys)
