"""`RunnableConfig` (`core/run_config.py`): preparing, merging and splitting configs per
batch input, validation, and the deadline helpers."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex.core import run_config
from chatplex.core.run_config import RunnableConfig
from chatplex.core.run_config import check_deadline
from chatplex.core.run_config import child_config
from chatplex.core.run_config import current_config
from chatplex.core.run_config import deadline_cut
from chatplex.core.run_config import ensure_config
from chatplex.core.run_config import get_config_list
from chatplex.core.run_config import merge_configs
from chatplex.core.run_config import remaining_time
from chatplex.core.run_config import within_deadline
from chatplex.errors import APITimeoutError
from chatplex.errors import DeadlineExceededError
from tests.core._twins import batch as run_batch


@pytest.mark.parametrize("sync", [True, False])
async def test_one_config_per_input(sync: bool) -> None:
    seen: list[str] = []

    def record(x: int, config: RunnableConfig) -> int:
        seen.append(config["metadata"]["who"])
        return x

    configs: list[RunnableConfig] = [{"metadata": {"who": f"n{i}"}} for i in range(3)]
    await run_batch(RunnableLambda(record), sync, [0, 1, 2], config=configs)
    assert sorted(seen) == ["n0", "n1", "n2"]


def test_config_list_must_match_inputs() -> None:
    with pytest.raises(ValueError, match="3 inputs but 2 configs"):
        RunnableLambda(lambda x: x).batch([1, 2, 3], config=[{}, {}])


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3"])
def test_bad_max_concurrency_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        RunnableLambda(lambda x: x).batch([1], config={"max_concurrency": bad})


@pytest.mark.parametrize("bad", [0, -2, "5"])
def test_bad_timeout_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        FakeChatModel().invoke("x", {"timeout": bad})


# ---- preparing a config -----------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """run_config's clock, set by hand: `clock[0]` is `time.monotonic()`."""
    now = [100.0]
    monkeypatch.setattr(run_config, "time", SimpleNamespace(monotonic=lambda: now[0]))
    return now


def test_ensure_config_turns_the_timeout_into_a_deadline(clock: list[float]) -> None:
    given: RunnableConfig = {"timeout": 5, "tags": ["t"]}
    prepared = ensure_config(given)
    assert prepared == {"deadline": 105.0, "tags": ["t"]}
    assert given == {"timeout": 5, "tags": ["t"]}  # the caller's dict is left alone
    assert ensure_config(None) == {} and ensure_config() is not ensure_config()


def test_a_timeout_never_extends_an_inherited_deadline(clock: list[float]) -> None:
    assert ensure_config({"timeout": 5, "deadline": 102.0})["deadline"] == 102.0
    assert ensure_config({"timeout": 5, "deadline": 200.0})["deadline"] == 105.0


def test_a_config_must_be_a_dict() -> None:
    with pytest.raises(TypeError, match="config must be a dict"):
        ensure_config([{"tags": []}])  # type: ignore[arg-type]


def test_the_ambient_config_lies_under_the_given_one() -> None:
    token = current_config().set({"tags": ["outer"], "metadata": {"a": 1}, "run_name": "x"})
    try:
        assert ensure_config(None) == {"tags": ["outer"], "metadata": {"a": 1}, "run_name": "x"}
        merged = ensure_config({"tags": ["inner"], "metadata": {"b": 2}})
        assert merged == {"tags": ["outer", "inner"], "metadata": {"a": 1, "b": 2}, "run_name": "x"}
    finally:
        current_config().reset(token)
    assert current_config().get() is None


def test_merge_configs() -> None:
    first, second = object(), object()
    base: RunnableConfig = {
        "tags": ["a", "b"],
        "metadata": {"x": 1, "y": 1},
        "callbacks": [first],
        "deadline": 10.0,
        "run_name": "base",
        "max_concurrency": 4,
    }
    override: RunnableConfig = {
        "tags": ["b", "c"],
        "metadata": {"y": 2},
        "callbacks": [first, second],  # `first` again: registered once
        "deadline": 20.0,  # later than the base's: the earlier one stays
        "run_name": "override",
        "max_concurrency": None,  # None never overrides
    }
    assert merge_configs(base, override) == {
        "tags": ["a", "b", "c"],
        "metadata": {"x": 1, "y": 2},
        "callbacks": [first, second],
        "deadline": 10.0,
        "run_name": "override",
        "max_concurrency": 4,
    }
    assert base["tags"] == ["a", "b"] and base["metadata"] == {"x": 1, "y": 1}
    assert merge_configs(None, {"callbacks": first}) == {"callbacks": [first]}
    assert merge_configs({"deadline": 5.0}, {"deadline": 1.0})["deadline"] == 1.0


def test_child_config_drops_the_parents_own_fields_and_adds_a_position() -> None:
    parent: RunnableConfig = {
        "tags": ["t"],
        "run_name": "parent",
        "max_concurrency": 2,  # kept: it bounds everything under the call, as in LangChain
        "_position_tag": "seq:step:1",
        "metadata": {"m": 1},
    }
    child = child_config(parent, tag="map:key:a")
    kept = {"max_concurrency": 2, "metadata": {"m": 1}}
    assert child == {"tags": ["t", "map:key:a"], "_position_tag": "map:key:a", **kept}
    assert child_config(parent) == {"tags": ["t"], **kept}
    assert parent["tags"] == ["t"] and parent["run_name"] == "parent"


def test_get_config_list_gives_each_input_its_own_dict() -> None:
    shared: RunnableConfig = {"tags": ["x"]}
    configs = get_config_list(shared, 3)
    assert configs == [{"tags": ["x"]}] * 3
    assert len({id(c) for c in configs}) == 3 and all(c is not shared for c in configs)
    given: list[RunnableConfig] = [{"run_name": "a"}, {"run_name": "b"}]
    assert get_config_list(given, 2) == given and get_config_list(given, 2)[0] is not given[0]
    assert get_config_list(None, 2) == [{}, {}]
    with pytest.raises(ValueError, match="timeout"):
        get_config_list([{}, {"timeout": -1}], 2)


# ---- deadlines --------------------------------------------------------------------------


def test_remaining_time_and_check_deadline(clock: list[float]) -> None:
    assert remaining_time({}) is None
    assert remaining_time({"deadline": 104.5}) == 4.5
    check_deadline({})
    check_deadline({"deadline": 100.5})
    clock[0] = 100.5  # the deadline itself has passed
    with pytest.raises(DeadlineExceededError, match="deadline"):
        check_deadline({"deadline": 100.5})


async def test_within_deadline_returns_in_time() -> None:
    async def quick() -> str:
        return "done"

    assert await within_deadline(quick(), time.monotonic() + 60) == "done"


async def test_within_deadline_cuts_a_call_off_at_the_deadline() -> None:
    cancelled = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(DeadlineExceededError):
        await within_deadline(forever(), time.monotonic() + 0.05)
    assert cancelled.is_set()


async def test_a_passed_deadline_starts_nothing() -> None:
    started: list[bool] = []

    async def work() -> None:
        started.append(True)

    with pytest.raises(DeadlineExceededError):
        await within_deadline(work(), time.monotonic() - 1)
    assert started == []  # and the coroutine was closed: no "never awaited" warning


async def test_a_timeout_from_inside_is_not_the_deadline() -> None:
    async def provider_timeout() -> None:
        raise APITimeoutError("read timeout")

    with pytest.raises(APITimeoutError):
        await within_deadline(provider_timeout(), time.monotonic() + 60)


def test_a_cancellation_once_the_deadline_passed_is_heard_as_the_deadline() -> None:
    """`deadline_cut`: what a run inside an async call hears of the cancellation by which
    the deadline's watch cut the call: the deadline's error once it has passed, nothing
    before it, without one, or for any other error."""
    passed: RunnableConfig = {"deadline": time.monotonic() - 1}
    ahead: RunnableConfig = {"deadline": time.monotonic() + 3600}
    cut = deadline_cut(asyncio.CancelledError(), passed)
    assert type(cut) is DeadlineExceededError
    assert deadline_cut(asyncio.CancelledError(), ahead) is None
    assert deadline_cut(asyncio.CancelledError(), {}) is None
    assert deadline_cut(ValueError("x"), passed) is None
