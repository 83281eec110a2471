"""`PureRunnable` (`core/_pure.py`): quick CPU-only steps run inline, one input after
another, on the caller's thread, for every entry point."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chatplex.core._pure import PureRunnable
from chatplex.core.run_config import RunnableConfig


class Upper(PureRunnable[str, str]):
    """Records the thread and config of each call; fails on "bad"."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, RunnableConfig]] = []

    def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        self.seen.append((input, threading.get_ident(), config))
        if input == "bad":
            raise ValueError("bad input")
        return input.upper() + kwargs.get("suffix", "")


async def batch(r: Upper, sync: bool, inputs: list[str], **kw: Any) -> list[Any]:
    return r.batch(inputs, **kw) if sync else await r.abatch(inputs, **kw)


def test_the_async_and_batch_hooks_are_overridden() -> None:
    assert {"_batch", "_abatch"} <= Upper._overrides
    assert "_stream" not in Upper._overrides


async def test_ainvoke_runs_inline_on_the_loop_thread() -> None:
    runnable = Upper()
    assert await runnable.ainvoke("a", suffix="!") == "A!"
    assert [thread for _, thread, _ in runnable.seen] == [threading.get_ident()]


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_runs_inline_in_input_order(sync: bool) -> None:
    runnable = Upper()
    assert await batch(runnable, sync, ["a", "b", "c"], suffix="?") == ["A?", "B?", "C?"]
    assert [item for item, _, _ in runnable.seen] == ["a", "b", "c"]  # one after another
    assert {thread for _, thread, _ in runnable.seen} == {threading.get_ident()}


@pytest.mark.parametrize("sync", [True, False])
async def test_the_first_error_stops_the_batch(sync: bool) -> None:
    runnable = Upper()
    with pytest.raises(ValueError, match="bad input"):
        await batch(runnable, sync, ["a", "bad", "c"])
    assert [item for item, _, _ in runnable.seen] == ["a", "bad"]  # "c" never ran


@pytest.mark.parametrize("sync", [True, False])
async def test_return_exceptions_fills_the_failed_slot(sync: bool) -> None:
    runnable = Upper()
    out = await batch(runnable, sync, ["a", "bad", "c"], return_exceptions=True)
    assert out[0] == "A" and out[2] == "C"
    assert isinstance(out[1], ValueError)


@pytest.mark.parametrize("sync", [True, False])
async def test_each_input_gets_a_prepared_config(sync: bool) -> None:
    runnable = Upper()
    await batch(runnable, sync, ["a", "b"], config={"timeout": 30, "tags": ["t"]})
    configs = [config for _, _, config in runnable.seen]
    assert all("timeout" not in c and "deadline" in c and c["tags"] == ["t"] for c in configs)
    assert configs[0] is not configs[1]
