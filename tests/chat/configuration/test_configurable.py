"""`ConfigurableChatModel`: one chain, the model chosen per call, over the mock server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import StrOutputParser
from chatplex import init_chat_model
from chatplex.chat.configuration.configurable import ConfigurableChatModel
from chatplex.chat.configuration.configurable import _split_budget
from chatplex.core import Runnable
from chatplex.core.run_config import RunnableConfig
from chatplex.messages import merge_chunks
from chatplex.testing import MockRequest
from chatplex.testing import MockServer

OPENAI = "openai:gpt-4o-mini"
ANTHROPIC = "anthropic:claude-sonnet-4-5"
SECRET = "sk-SENTINEL-configurable-0123456789"


pytestmark = pytest.mark.usefixtures("isolated")


@pytest.fixture
def mocked_providers(monkeypatch: pytest.MonkeyPatch, server: MockServer) -> MockServer:
    """Both providers' base URLs point at the mock server, the way a user's env would."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.anthropic_base_url)
    return server


@pytest.fixture
def bodies(server: MockServer) -> Iterator[list[dict[str, Any]]]:
    """The JSON bodies the server receives (recorded by a fault plan that injects none)."""
    seen: list[dict[str, Any]] = []

    def record(request: MockRequest) -> None:
        seen.append(request.json or {})

    server.settings.fault_plan = record
    yield seen
    server.settings.fault_plan = None


def on(model: str, **settings: Any) -> RunnableConfig:
    return {"configurable": {"model": model, **settings}}


async def invoke(runnable: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return runnable.invoke(value, config) if sync else await runnable.ainvoke(value, config)


async def batch(runnable: Runnable[Any, Any], sync: bool, values: list[Any], config: Any) -> Any:
    if sync:
        return runnable.batch(values, config)
    return await runnable.abatch(values, config)


# --- one chain, several providers ------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_one_chain_batches_the_same_inputs_on_two_providers(
    mocked_providers: MockServer, sync: bool
) -> None:
    prompt = ChatPromptTemplate.from_messages([("user", "Say {word}")])
    chain = prompt | init_chat_model(OPENAI, configurable=True)
    inputs = [{"word": "one"}, {"word": "one"}, {"word": "two"}, {"word": "two"}]
    configs = [on(OPENAI), on(ANTHROPIC), on(OPENAI), on(ANTHROPIC)]
    replies = await batch(chain, sync, inputs, configs)
    assert [r.text for r in replies] == ["Echo: Say one"] * 2 + ["Echo: Say two"] * 2
    assert [r.response_metadata["provider"] for r in replies] == ["openai", "anthropic"] * 2


@pytest.mark.parametrize("sync", [True, False])
async def test_with_config_switches_invoke_and_stream(
    mocked_providers: MockServer, sync: bool
) -> None:
    model = init_chat_model(OPENAI, configurable=True)
    chain = model | StrOutputParser()
    claude = model.with_config(configurable={"model": ANTHROPIC})
    assert (await invoke(model, sync, "hi")).response_metadata["provider"] == "openai"
    assert (await invoke(claude, sync, "hi")).response_metadata["provider"] == "anthropic"
    chunks: list[Any]
    if sync:
        chunks = list(claude.stream("a b c"))
        text = "".join(chain.stream("x y", on(ANTHROPIC)))
    else:
        chunks = [c async for c in claude.astream("a b c")]
        text = "".join([t async for t in chain.astream("x y", on(ANTHROPIC))])
    assert "".join(c.text for c in chunks) == "Echo: a b c"
    assert text == "Echo: x y"
    assert merge_chunks(chunks).response_metadata["provider"] == "anthropic"


@pytest.mark.parametrize("sync", [True, False])
async def test_settings_in_configurable_reach_the_request(
    server: MockServer, bodies: list[dict[str, Any]], sync: bool
) -> None:
    # No provider env at all: the call names the model, its server and its settings.
    model = ConfigurableChatModel()
    config = on(ANTHROPIC, base_url=server.anthropic_base_url, temperature=0.3, max_tokens=20)
    reply = await invoke(model, sync, "hi", config)
    assert reply.response_metadata["provider"] == "anthropic"
    assert (bodies[-1]["temperature"], bodies[-1]["max_tokens"]) == (0.3, 20)
    config = on(OPENAI, base_url=server.openai_base_url, top_p=0.5)
    assert (await invoke(model, sync, "hi", config)).response_metadata["provider"] == "openai"
    assert bodies[-1]["top_p"] == 0.5 and "temperature" not in bodies[-1]


def test_the_default_runs_when_no_model_is_named(mocked_providers: MockServer) -> None:
    model = ConfigurableChatModel(ANTHROPIC)
    assert model.invoke("hi").response_metadata["provider"] == "anthropic"
    assert model.invoke("hi", {"configurable": {}}).response_metadata["provider"] == "anthropic"
    with pytest.raises(ValueError, match="no model to run"):
        ConfigurableChatModel().invoke("hi")


def test_configured_default_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, mocked_providers: MockServer
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", ANTHROPIC)
    monkeypatch.setenv("CHATPLEX_MAX_TOKENS", "33")
    model = init_chat_model(configurable=True)
    assert isinstance(model, ConfigurableChatModel)
    default = model.resolve()
    assert isinstance(default, ChatModel) and default.max_tokens == 33
    assert model.invoke("hi").response_metadata["provider"] == "anthropic"
    # A model named per call is built from the call's settings, not the environment's.
    other = model.resolve(on(OPENAI))
    assert isinstance(other, ChatModel) and other.max_tokens is None
    assert model.invoke("hi", on(OPENAI)).response_metadata["provider"] == "openai"


@pytest.mark.parametrize("sync", [True, False])
async def test_alternatives_name_models_built_elsewhere(
    server: MockServer, bodies: list[dict[str, Any]], sync: bool
) -> None:
    claude = init_chat_model(ANTHROPIC, base_url=server.anthropic_base_url)
    model = ConfigurableChatModel(
        OPENAI,
        alternatives={"claude": claude, "mini": OPENAI},
        base_url=server.openai_base_url,
    )
    assert model.resolve(on("claude")) is claude
    assert (await invoke(model, sync, "hi", on("claude"))).response_metadata["provider"] == (
        "anthropic"
    )
    assert (await invoke(model, sync, "hi", on("mini"))).response_metadata["provider"] == "openai"
    # Settings a built model can bind are applied to a copy; others cannot change.
    reply = await invoke(model, sync, "hi", on("claude", temperature=0.7))
    assert reply.response_metadata["provider"] == "anthropic" and bodies[-1]["temperature"] == 0.7
    assert claude.temperature is None
    with pytest.raises(ValueError, match="cannot change base_url"):
        model.resolve(on("claude", base_url=server.openai_base_url))


def test_built_models_are_cached_by_settings_never_by_raw_key() -> None:
    model = ConfigurableChatModel("fake:a", api_key=SECRET)
    first = model.resolve(on("fake:b", temperature=0.1))
    assert model.resolve(on("fake:b", temperature=0.1)) is first
    assert model.resolve(on("fake:b", temperature=0.2)) is not first
    assert model.resolve({}) is model.resolve(on("fake:a"))
    assert SECRET not in repr(list(model._cache)) and SECRET not in repr(model)
    for i in range(100):
        model.resolve(on(f"fake:m{i}"))
    assert len(model._cache) == 64


def test_configurable_ignores_keys_it_does_not_know_and_never_takes_api_keys(
    server: MockServer, bodies: list[dict[str, Any]]
) -> None:
    model = ConfigurableChatModel(OPENAI, base_url=server.openai_base_url)
    model.invoke("hi", {"configurable": {"api_key": SECRET, "session_id": "s1"}})
    assert model.resolve({"configurable": {"api_key": SECRET}}) is model.resolve({})
    assert "api_key" not in bodies[-1] and "session_id" not in bodies[-1]


# --- batch: grouped by model ------------------------------------------------------------


class Spy:
    def __init__(self) -> None:
        self.batches: list[tuple[list[Any], list[int | None]]] = []

    def watch(self, model: FakeChatModel) -> FakeChatModel:
        batch_sync, batch_async = model.batch, model.abatch

        def batch(inputs: Any, configs: Any, **kwargs: Any) -> Any:
            self.batches.append((list(inputs), [c.get("max_concurrency") for c in configs]))
            return batch_sync(inputs, configs, **kwargs)

        async def abatch(inputs: Any, configs: Any, **kwargs: Any) -> Any:
            self.batches.append((list(inputs), [c.get("max_concurrency") for c in configs]))
            return await batch_async(inputs, configs, **kwargs)

        model.batch = batch  # type: ignore[method-assign, assignment]
        model.abatch = abatch  # type: ignore[method-assign, assignment]
        return model


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_groups_inputs_by_model_and_keeps_the_order(sync: bool) -> None:
    spy = Spy()
    a = spy.watch(FakeChatModel(["from a"], model="a"))
    b = spy.watch(FakeChatModel(["from b"], model="b"))
    model = ConfigurableChatModel(a, alternatives={"b": b})
    configs: list[RunnableConfig] = [
        {**on("b"), "max_concurrency": 4},
        {"max_concurrency": 4},
        {**on("b"), "max_concurrency": 4},
        {**on("b"), "max_concurrency": 4},
    ]
    replies = await batch(model, sync, ["0", "1", "2", "3"], configs)
    assert [r.text for r in replies] == ["from b", "from a", "from b", "from b"]
    # One batch per model, through that model's own batch path; max_concurrency is
    # shared between the two groups (3 + 1 = 4).
    assert sorted(spy.batches) == [(["0", "2", "3"], [3, 3, 3]), (["1"], [1])]
    assert [m[0].text for m in b.calls] == ["0", "2", "3"]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_single_model_batch_is_delegated_whole(sync: bool) -> None:
    spy = Spy()
    a = spy.watch(FakeChatModel(["x"], model="a"))
    replies = await batch(ConfigurableChatModel(a), sync, ["0", "1", "2"], None)
    assert [r.text for r in replies] == ["x"] * 3
    assert spy.batches == [(["0", "1", "2"], [3, 3, 3])]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_bad_model_name_in_a_batch(sync: bool) -> None:
    spy = Spy()
    a = spy.watch(FakeChatModel(["ok"], model="a"))
    model = ConfigurableChatModel(a)
    configs: list[RunnableConfig] = [{}, on("nope:model"), {}]
    with pytest.raises(ValueError, match="unknown provider 'nope'"):
        await batch(model, sync, ["0", "1", "2"], configs)
    assert spy.batches == []  # nothing started
    if sync:
        out = model.batch(["0", "1", "2"], configs, return_exceptions=True)
    else:
        out = await model.abatch(["0", "1", "2"], configs, return_exceptions=True)
    assert out[0].text == "ok" and out[2].text == "ok"
    assert isinstance(out[1], ValueError)


@pytest.mark.parametrize("sync", [True, False])
async def test_groups_run_side_by_side(mocked_providers: MockServer, sync: bool) -> None:
    # Each reply waits 2 s at the server. One after the other, the second request
    # arrives after the first reply, at least 2 s after the first request; side by side
    # it arrives with it: the gap says which, however loaded the machine (not a total
    # time, which a slow machine stretches).
    arrivals: list[float] = []
    mocked_providers.settings.latency = 2.0
    mocked_providers.settings.fault_plan = lambda request: arrivals.append(time.monotonic())
    try:
        model = init_chat_model(OPENAI, configurable=True)
        replies = await batch(model, sync, ["a", "b"], [on(OPENAI), on(ANTHROPIC)])
    finally:
        mocked_providers.settings.latency = 0.0
        mocked_providers.settings.fault_plan = None
    assert [r.response_metadata["provider"] for r in replies] == ["openai", "anthropic"]
    assert len(arrivals) == 2
    gap = abs(arrivals[1] - arrivals[0])
    assert gap < 2.0, f"the two providers ran one after the other ({gap:.2f}s apart)"


@pytest.mark.parametrize(
    ("total", "sizes", "expected"),
    [
        (4, [3, 1], [3, 1]),
        (32, [5, 5], [5, 5]),
        (10, [50, 50], [5, 5]),
        (10, [98, 2], [9, 1]),
        (2, [5, 5, 5], [1, 1, 1]),
        (7, [1, 100], [1, 6]),
        (5, [], []),
    ],
)
def test_split_budget(total: int, sizes: list[int], expected: list[int]) -> None:
    shares = _split_budget(total, sizes)
    assert shares == expected
    assert all(1 <= s <= n for s, n in zip(shares, sizes, strict=True))


# --- tools -----------------------------------------------------------------------------


def get_weather(city: str) -> str:
    """Weather in a city."""
    return f"sunny in {city}"


@pytest.mark.parametrize("sync", [True, False])
async def test_bind_tools_applies_to_whichever_model_runs(
    mocked_providers: MockServer, sync: bool
) -> None:
    model = init_chat_model(OPENAI, configurable=True).bind_tools([get_weather])  # type: ignore[attr-defined]
    for name in (OPENAI, ANTHROPIC):
        reply = await invoke(model, sync, "use the tool please", on(name))
        assert [c["name"] for c in reply.tool_calls] == ["get_weather"]


def test_repr_shows_names_not_settings() -> None:
    model = ConfigurableChatModel(OPENAI, alternatives={"b": "fake:b"}, api_key=SECRET)
    assert repr(model) == "ConfigurableChatModel(default='openai:gpt-4o-mini', alternatives=['b'])"


@pytest.mark.skipif(not hasattr(Runnable, "astream_events"), reason="events not merged yet")
async def test_events_show_the_chosen_model_only() -> None:
    switch = ConfigurableChatModel("fake:a", responses=["Hi there"])
    events = [e async for e in switch.astream_events("hello", on("fake:b"))]
    assert [e["event"] for e in events] == [
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_stream",
        "on_chat_model_end",
    ]
    assert events[-1]["data"]["output"].response_metadata["model_name"] == "b"


def test_a_configurable_model_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="'provider:model' string.*got int"):
        ConfigurableChatModel("fake:a").resolve({"configurable": {"model": 42}})


def test_a_built_model_can_be_passed_in_the_config() -> None:
    built = FakeChatModel(["direct"], model="direct")
    switch = ConfigurableChatModel("fake:a")
    assert switch.invoke("hi", on(built)).text == "direct"  # type: ignore[arg-type]
    bound = switch.resolve(on(built, temperature=0.5))  # type: ignore[arg-type]
    assert isinstance(bound, FakeChatModel) and bound.temperature == 0.5
    assert switch.resolve(on(built, temperature=0.5)) is bound  # type: ignore[arg-type]


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.configuration import configurable

    failures, tried = doctest.testmod(configurable)
    assert failures == 0 and tried > 0
