"""`FakeChatModel` (`chat/fake.py`): scripted replies, streaming, usage, scripted errors and
the calls it records (no network anywhere)."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import FakeChatModel
from chatplex import HumanMessage
from chatplex import SystemMessage
from chatplex.messages import BaseMessage
from chatplex.messages import merge_chunks
from tests.chat._model_wire import batch
from tests.chat._model_wire import invoke
from tests.chat._model_wire import stream
from tests.chat._model_wire import without_provider_env


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_provider_env(monkeypatch)


# --- replies ----------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_replies_in_turn_and_cycles(sync: bool) -> None:
    model = FakeChatModel(responses=["a", "b", "c"])
    replies = [(await invoke(model, "hi", sync)).text for _ in range(7)]
    assert replies == ["a", "b", "c", "a", "b", "c", "a"]


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_and_invoke_share_the_turn(sync: bool) -> None:
    model = FakeChatModel(responses=["first reply", "second reply"])
    streamed = await stream(model, "hi", sync)
    invoked = await invoke(model, "hi", sync)
    assert "".join(c.text for c in streamed) == "first reply"
    assert invoked.text == "second reply"


@pytest.mark.parametrize("sync", [True, False])
async def test_reply_is_an_ai_message_with_metadata(sync: bool) -> None:
    model = FakeChatModel(responses=["pong"], model="fake-x")
    reply = await invoke(model, "ping", sync)
    assert type(reply) is AIMessage
    assert reply.content == "pong"
    assert reply.response_metadata["provider"] == "fake"
    assert reply.response_metadata["model_name"] == "fake-x"
    assert reply.response_metadata["finish_reason"] == "stop"


def test_default_response() -> None:
    assert FakeChatModel().invoke("hi").text == "Hello from FakeChatModel."


@pytest.mark.parametrize("sync", [True, False])
async def test_ai_message_responses_are_returned_with_their_tool_calls(sync: bool) -> None:
    scripted = AIMessage(
        "Looking it up.",
        tool_calls=[{"name": "weather", "args": {"city": "Oslo"}, "id": "call_1"}],
    )
    model = FakeChatModel(responses=[scripted])
    reply = await invoke(model, "weather?", sync)
    assert reply.text == "Looking it up."
    assert reply.tool_calls == scripted.tool_calls
    chunks = await stream(model, "weather?", sync)
    merged = merge_chunks(chunks).to_message()
    assert merged.text == "Looking it up."
    assert [(t["name"], t["args"], t["id"]) for t in merged.tool_calls] == [
        ("weather", {"city": "Oslo"}, "call_1")
    ]
    # The last piece carries the call's fragments, and its own tool_calls are live from
    # them, as on any streamed chunk (LangChain's chunk derives them the same way).
    last = chunks[-1]
    assert [c["args"] for c in last.tool_call_chunks] == ['{"city": "Oslo"}']
    assert [(t["name"], t["args"], t["id"]) for t in last.tool_calls] == [
        ("weather", {"city": "Oslo"}, "call_1")
    ]
    assert all(c.tool_calls == [] for c in chunks[:-1])


@pytest.mark.parametrize("responses", [[], ()])
def test_needs_at_least_one_response(responses: Any) -> None:
    with pytest.raises(ValueError, match="at least one response"):
        FakeChatModel(responses=responses)


@pytest.mark.parametrize("kwargs", [{"chunk_delay": -0.1}, {"latency": -1}])
def test_negative_delays_are_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=">= 0"):
        FakeChatModel(**kwargs)


# --- streaming --------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_streams_word_by_word(sync: bool) -> None:
    model = FakeChatModel(responses=["The quick  brown fox.\nDone"])
    chunks = await stream(model, "go", sync)
    assert all(type(c) is AIMessageChunk for c in chunks)
    assert [c.content for c in chunks] == ["The ", "quick  ", "brown ", "fox.\n", "Done"]
    assert "".join(c.text for c in chunks) == "The quick  brown fox.\nDone"


@pytest.mark.parametrize("sync", [True, False])
async def test_usage_and_metadata_arrive_on_the_last_chunk(sync: bool) -> None:
    model = FakeChatModel(responses=["a b c"])
    chunks = await stream(model, "go", sync)
    assert [c.usage_metadata is not None for c in chunks] == [False, False, True]
    assert chunks[-1].response_metadata["finish_reason"] == "stop"
    assert all(c.response_metadata == {} for c in chunks[:-1])


@pytest.mark.parametrize("sync", [True, False])
async def test_empty_reply_streams_one_empty_chunk(sync: bool) -> None:
    model = FakeChatModel(responses=[""])
    chunks = await stream(model, "go", sync)
    assert [c.content for c in chunks] == [""]
    assert chunks[0].usage_metadata is not None


@pytest.mark.parametrize("sync", [True, False])
async def test_merged_stream_equals_invoke(sync: bool) -> None:
    script = ["Hello there, how are you today?"]
    prompt = [("system", "Be kind to people"), ("human", "hi friend")]
    invoked = await invoke(FakeChatModel(responses=script), prompt, sync)
    chunks = await stream(FakeChatModel(responses=script), prompt, sync)
    merged = merge_chunks(chunks).to_message()
    assert merged.content == invoked.content
    assert merged.usage_metadata == invoked.usage_metadata
    assert merged.response_metadata == invoked.response_metadata


@pytest.mark.parametrize("sync", [True, False])
async def test_chunk_delay_spaces_the_chunks(sync: bool) -> None:
    delay = 0.03
    model = FakeChatModel(responses=["w1 w2 w3 w4"], chunk_delay=delay)
    arrivals: list[float] = []
    texts: list[str] = []
    if sync:
        for chunk in model.stream("go"):
            arrivals.append(time.monotonic())
            texts.append(chunk.text)
    else:
        async for chunk in model.astream("go"):
            arrivals.append(time.monotonic())
            texts.append(chunk.text)
    assert texts == ["w1 ", "w2 ", "w3 ", "w4"]
    gaps = [b - a for a, b in pairwise(arrivals)]
    assert len(gaps) == 3
    assert all(gap >= delay / 2 for gap in gaps), gaps  # a lower bound only


@pytest.mark.parametrize("sync", [True, False])
async def test_chunk_delay_sleeps_between_chunks_only(
    sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ordering: chunk, wait, chunk, wait, chunk; no wait before the first or after the last."""
    events: list[str] = []
    model = FakeChatModel(responses=["a b c"], chunk_delay=5.0)

    def fake_sleep(seconds: float, config: Any) -> None:
        if seconds > 0:
            events.append(f"sleep {seconds}")

    async def fake_asleep(seconds: float, config: Any) -> None:
        fake_sleep(seconds, config)

    monkeypatch.setattr(model, "_sleep", fake_sleep)
    monkeypatch.setattr(model, "_asleep", fake_asleep)
    if sync:
        for chunk in model.stream("go"):
            events.append(f"chunk {chunk.text.strip()}")
    else:
        async for chunk in model.astream("go"):
            events.append(f"chunk {chunk.text.strip()}")
    assert events == ["chunk a", "sleep 5.0", "chunk b", "sleep 5.0", "chunk c"]


# --- usage ------------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_reports_usage(sync: bool) -> None:
    model = FakeChatModel(responses=["one two three"])
    reply = await invoke(model, [("system", "be brief"), ("human", "hello there friend")], sync)
    assert reply.usage_metadata == {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}


@pytest.mark.parametrize("sync", [True, False])
async def test_streamed_usage_equals_invoked_usage(sync: bool) -> None:
    model = FakeChatModel(responses=["alpha beta gamma delta"])
    prompt = "count these four words please"
    invoked = await invoke(model, prompt, sync)
    chunks = await stream(model, prompt, sync)
    summed = chunks[0]
    for chunk in chunks[1:]:
        summed = summed + chunk
    assert invoked.usage_metadata is not None
    assert summed.usage_metadata == invoked.usage_metadata
    assert invoked.usage_metadata["output_tokens"] == 4


# --- scripted errors --------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_errors_mapping_raises_for_that_input_only(sync: bool) -> None:
    boom = ConnectionResetError("scripted failure")
    model = FakeChatModel(responses=["ok"], errors={"fail please": boom})
    assert (await invoke(model, "fine", sync)).text == "ok"
    with pytest.raises(ConnectionResetError, match="scripted failure") as info:
        await invoke(model, "fail please", sync)
    assert info.value is boom
    with pytest.raises(ConnectionResetError):
        await stream(model, "fail please", sync)
    assert (await invoke(model, "fine again", sync)).text == "ok"


@pytest.mark.parametrize("sync", [True, False])
async def test_errors_mapping_matches_the_last_message(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"], errors={"boom": ValueError("x")})
    conversation = [("human", "boom"), ("ai", "earlier"), ("human", "fine")]
    assert (await invoke(model, conversation, sync)).text == "ok"
    with pytest.raises(ValueError):
        await invoke(model, [("system", "s"), ("human", "boom")], sync)


@pytest.mark.parametrize("sync", [True, False])
async def test_callable_errors(sync: bool) -> None:
    seen: list[list[BaseMessage]] = []

    def rule(messages: list[BaseMessage]) -> BaseException | None:
        seen.append(messages)
        return PermissionError("denied") if "secret" in messages[-1].text else None

    model = FakeChatModel(responses=["ok"], errors=rule)
    assert (await invoke(model, "hello", sync)).text == "ok"
    with pytest.raises(PermissionError, match="denied"):
        await invoke(model, "tell me the secret", sync)
    with pytest.raises(PermissionError):
        await stream(model, "another secret", sync)
    assert [m[-1].text for m in seen] == ["hello", "tell me the secret", "another secret"]


@pytest.mark.parametrize("sync", [True, False])
async def test_errors_in_a_batch_fill_their_slot(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"], errors={"bad": KeyError("bad input")})
    results = await batch(model, ["x", "bad", "y"], sync, return_exceptions=True)
    assert isinstance(results[1], KeyError)
    assert [r.text for r in (results[0], results[2])] == ["ok", "ok"]
    with pytest.raises(KeyError):
        await batch(model, ["x", "bad", "y"], sync)


# --- calls ------------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_calls_records_inputs_in_order(sync: bool) -> None:
    model = FakeChatModel(responses=["r"], errors={"bad": RuntimeError("no")})
    await invoke(model, "hi", sync)
    await stream(model, [("system", "s"), ("user", "u")], sync)
    with pytest.raises(RuntimeError):
        await invoke(model, [{"role": "user", "content": "bad"}], sync)
    assert model.calls == [
        [HumanMessage("hi")],
        [SystemMessage("s"), HumanMessage("u")],
        [HumanMessage("bad")],
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_records_every_call(sync: bool) -> None:
    model = FakeChatModel(responses=["r"])
    results = await batch(model, ["a", "b", "c", "d"], sync, config={"max_concurrency": 2})
    assert [r.text for r in results] == ["r"] * 4
    assert sorted(m[0].text for m in model.calls) == ["a", "b", "c", "d"]


def test_bound_copy_continues_the_same_script() -> None:
    model = FakeChatModel(responses=["a", "b", "c"])
    bound = model.bind(temperature=0)
    replies = [model.invoke("1").text, bound.invoke("2").text, model.invoke("3").text]
    assert [m[0].text for m in model.calls] == ["1", "2", "3"]
    assert replies == ["a", "b", "c"]


# --- stream and invoke agree ------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_model_stream_yields_chunks_that_sum_to_invoke(sync: bool) -> None:
    model = FakeChatModel(responses=["the quick brown fox"])
    chunks = await stream(model, "hi", sync)
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    merged = chunks[0]
    for c in chunks[1:]:
        merged = merged + c
    full = await invoke(model, "hi", sync)
    assert merged.to_message().text == full.text
    assert merged.usage_metadata == full.usage_metadata


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat import fake

    failures, tried = doctest.testmod(fake)
    assert failures == 0 and tried > 0
