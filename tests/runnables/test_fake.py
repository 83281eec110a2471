"""`FakeChatModel`, `init_chat_model` and settings validation (no network anywhere)."""

from __future__ import annotations

import math
import time
from itertools import pairwise
from typing import Any

import pytest

from chatplex import (
    AIMessage,
    AIMessageChunk,
    ChatModel,
    FakeChatModel,
    HumanMessage,
    SystemMessage,
    init_chat_model,
)
from chatplex.chat.providers import PROVIDERS, split_model_name
from chatplex.messages import BaseMessage, merge_chunks


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


async def invoke(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> AIMessage:
    if sync:
        return model.invoke(input, **kwargs)
    return await model.ainvoke(input, **kwargs)


async def stream(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> list[AIMessageChunk]:
    # ChatModel.stream is typed as yielding AIMessage; it yields AIMessageChunk.
    chunks: list[Any]
    if sync:
        chunks = list(model.stream(input, **kwargs))
    else:
        chunks = [chunk async for chunk in model.astream(input, **kwargs)]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    return chunks


async def batch(model: ChatModel, inputs: list[Any], sync: bool, **kwargs: Any) -> list[Any]:
    if sync:
        return model.batch(inputs, **kwargs)
    return await model.abatch(inputs, **kwargs)


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


# --- init_chat_model --------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_init_chat_model_fake(sync: bool) -> None:
    model = init_chat_model("fake:any", responses=["pong", "pong again"], temperature=0.2)
    assert isinstance(model, FakeChatModel)
    assert isinstance(model, ChatModel)
    assert (model.provider, model.model, model.temperature) == ("fake", "any", 0.2)
    reply = await invoke(model, "ping", sync)
    assert reply.text == "pong"
    assert reply.response_metadata["model_name"] == "any"
    assert [c.text for c in await stream(model, "ping", sync)] == ["pong ", "again"]


def test_init_chat_model_unknown_provider_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="'nope'") as info:
        init_chat_model("nope:some-model")
    text = str(info.value)
    for name in ("openai", "anthropic", "fake"):
        assert name in text
    assert ", ".join(sorted(PROVIDERS)) in text


@pytest.mark.parametrize("name", ["openai:", ":gpt-4o", ":"])
def test_malformed_provider_model_string(name: str) -> None:
    with pytest.raises(ValueError, match="provider:model"):
        init_chat_model(name)


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("gpt-4o-mini", "openai"),
        ("gpt-4.1", "openai"),
        ("o1", "openai"),
        ("o1-mini", "openai"),
        ("o3-mini", "openai"),
        ("o4-mini", "openai"),
        ("chatgpt-4o-latest", "openai"),
        ("claude-sonnet-4-5", "anthropic"),
        ("claude-3-5-haiku-latest", "anthropic"),
    ],
)
def test_bare_name_inference(name: str, provider: str) -> None:
    assert split_model_name(name) == (provider, name)


@pytest.mark.parametrize("name", ["llama3", "mistral-large", "gemini-2.0-flash", "GPT-4o", ""])
def test_ambiguous_bare_name_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="provider:model") as info:
        init_chat_model(name, responses=["x"])
    assert "fake" in str(info.value) and "openai" in str(info.value)


def test_explicit_provider_keeps_the_rest_of_the_name() -> None:
    assert split_model_name("openai:ft:gpt-4o-mini:org::id") == (
        "openai",
        "ft:gpt-4o-mini:org::id",
    )


@pytest.mark.parametrize(
    ("name", "provider"),
    [("gpt-4o-mini", "openai"), ("o3-mini", "openai"), ("claude-sonnet-4-5", "anthropic")],
)
def test_init_chat_model_bare_name_builds_the_provider(name: str, provider: str) -> None:
    model = init_chat_model(name, api_key="sk-test-not-real", temperature=0)
    assert type(model) is ChatModel
    assert (model.provider, model.model, model.temperature) == (provider, name, 0)
    assert "sk-test-not-real" not in repr(model)


def test_init_chat_model_validates_settings() -> None:
    with pytest.raises(ValueError, match="temperature"):
        init_chat_model("fake:any", temperature=5)


# --- settings validation ----------------------------------------------------------------

BAD_SETTINGS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"temperature": -0.1}, ValueError, "temperature"),
    ({"temperature": 2.01}, ValueError, "temperature"),
    ({"temperature": math.nan}, ValueError, "temperature"),
    ({"temperature": math.inf}, ValueError, "temperature"),
    ({"temperature": "0.5"}, ValueError, "temperature"),
    ({"temperature": True}, ValueError, "temperature"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": -5}, ValueError, "max_tokens"),
    ({"max_tokens": 10.0}, ValueError, "max_tokens"),
    ({"max_tokens": "100"}, ValueError, "max_tokens"),
    ({"max_tokens": True}, ValueError, "max_tokens"),
    ({"top_p": -0.01}, ValueError, "top_p"),
    ({"top_p": 1.01}, ValueError, "top_p"),
    ({"top_p": math.nan}, ValueError, "top_p"),
    ({"top_p": False}, ValueError, "top_p"),
    ({"stop": 5}, TypeError, "stop"),
    ({"stop": [1, 2]}, TypeError, "stop"),
    ({"stop": ["ok", None]}, TypeError, "stop"),
    ({"stop": b"\n"}, TypeError, "stop"),
    ({"stop": {"a": 1}}, TypeError, "stop"),
]

GOOD_SETTINGS: list[dict[str, Any]] = [
    {"temperature": 0},
    {"temperature": 2},
    {"temperature": 0.7},
    {"top_p": 0},
    {"top_p": 1},
    {"max_tokens": 1},
    {"stop": "\n"},
    {"stop": ["\n", "END"]},
    {"stop": ("x",)},
    {"stop": []},
]


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bad_settings_fail_at_construction(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    with pytest.raises(exc, match=name):
        FakeChatModel(**settings)


@pytest.mark.parametrize("settings", GOOD_SETTINGS)
def test_good_settings_are_accepted(settings: dict[str, Any]) -> None:
    model = FakeChatModel(responses=["ok"], **settings)
    for key, value in settings.items():
        assert getattr(model, key) == value
    assert model.invoke("hi").text == "ok"


@pytest.mark.parametrize(
    ("settings", "name"),
    [({"timeout": 0}, "timeout"), ({"timeout": -1}, "timeout"), ({"max_retries": -1}, "retries")],
)
def test_bad_client_settings_fail_at_construction(settings: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FakeChatModel(**settings)


def test_empty_model_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="model"):
        FakeChatModel(model="")


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
@pytest.mark.parametrize("sync", [True, False])
async def test_bad_call_overrides_raise_before_anything_runs(
    sync: bool, settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        await invoke(model, "hi", sync, **settings)
    received: list[AIMessage] = []
    with pytest.raises(exc, match=name):
        if sync:
            for chunk in model.stream("hi", **settings):
                received.append(chunk)
        else:
            async for chunk in model.astream("hi", **settings):
                received.append(chunk)
    assert received == []
    assert model.calls == []  # nothing reached the "provider"


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bind_validates_at_bind_time(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        model.bind(**settings)
    assert model.calls == []


def test_bind_returns_a_configured_copy() -> None:
    model = FakeChatModel(responses=["ok"], temperature=0.1)
    bound = model.bind(temperature=0.9, max_tokens=50, stop=["\n"], seed=7)
    assert isinstance(bound, FakeChatModel)
    assert bound is not model
    assert (bound.temperature, bound.max_tokens, bound.stop) == (0.9, 50, ["\n"])
    assert bound.extra_body == {"seed": 7}
    assert (model.temperature, model.max_tokens, model.stop) == (0.1, None, None)
    assert model.extra_body == {}
    assert bound.invoke("hi").text == "ok"


@pytest.mark.parametrize("sync", [True, False])
async def test_valid_call_overrides_do_not_change_the_model(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"])
    reply = await invoke(model, "hi", sync, temperature=1.5, max_tokens=3, stop="x")
    assert reply.text == "ok"
    assert (model.temperature, model.max_tokens, model.stop) == (None, None, None)
