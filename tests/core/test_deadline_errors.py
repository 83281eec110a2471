"""`core/deadline_errors.py` and the `_deadline_error` hook of the runnables that run
others: which class a deadline's error takes when the watch of a wrapper or chain fires,
with runnables whose own class is known (no HTTP: chatplex's chat models are
tests/chat/test_model_deadline.py's)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.core import ConfigurableField
from chatplex.core import RunnableConfig
from chatplex.core import RunnableLambda
from chatplex.core import RunnableParallel
from chatplex.core.deadline_errors import deadline_error_of_all
from chatplex.core.deadline_errors import deadline_error_of_one
from chatplex.errors import DeadlineExceededError


class WireA(DeadlineExceededError): ...


class WireB(DeadlineExceededError): ...


class Waits(RunnableLambda):
    """Waits for ever; its deadline's error is `kind` (a chat model's of one wire)."""

    def __init__(self, kind: type[DeadlineExceededError]) -> None:
        super().__init__(self._forever)
        self.kind = kind
        self.temperature = 0.0

    async def _forever(self, _: Any) -> None:
        await asyncio.sleep(3600)

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        return self.kind(str(err))


_CONFIG: RunnableConfig = {"timeout": 0.05}


def _raised(runnable: Any) -> type[BaseException]:
    with pytest.raises(DeadlineExceededError) as caught:
        asyncio.run(runnable.ainvoke("x", config=_CONFIG))
    return type(caught.value)


def test_the_watch_of_an_async_call_gives_its_error_the_runnables_class() -> None:
    # The call waits for ever, so the watch always fires first: no race with a timer.
    assert _raised(Waits(WireA)) is WireA
    with pytest.raises(WireA):  # its batch calls `ainvoke` for each input
        asyncio.run(Waits(WireA).abatch(["x"], config=_CONFIG))
    # A plain runnable's stays chatplex's own class.
    assert _raised(RunnableLambda(Waits(WireA)._forever)) is DeadlineExceededError


def test_a_wrapper_of_one_runnable_raises_its_class() -> None:
    a = Waits(WireA)
    wrappers = {
        "bind": a.bind(),
        "with_config": a.with_config(tags=["t"]),
        "with_retry": a.with_retry(stop_after_attempt=1),
        "configurable_fields": a.configurable_fields(temperature=ConfigurableField(id="t")),
        "chain of one model": RunnableLambda(lambda x: x) | a | RunnableLambda(lambda x: x),
        "map of one model": RunnableParallel(reply=a, echo=RunnableLambda(lambda x: x)),
        "fallbacks of one wire": a.with_fallbacks([Waits(WireA)]),
    }
    assert {name: _raised(w) for name, w in wrappers.items()} == dict.fromkeys(wrappers, WireA)


def test_where_several_wires_may_have_run_the_class_stays_chatplexs() -> None:
    a, b = Waits(WireA), Waits(WireB)
    maps = RunnableParallel(a=a, b=b)
    for mixed in (a.with_fallbacks([b]), RunnableLambda(lambda x: x) | a | b, maps):
        assert _raised(mixed) is DeadlineExceededError


def test_the_helpers() -> None:
    a, b, plain = Waits(WireA), Waits(WireB), RunnableLambda(lambda x: x)
    err = DeadlineExceededError("x")
    assert deadline_error_of_all([a, b], err, {}) is err
    assert deadline_error_of_all([a, plain], err, {}) is err
    assert type(deadline_error_of_all([a, Waits(WireA)], err, {})) is WireA
    assert deadline_error_of_one([plain, a, b], err, {}) is err
    assert deadline_error_of_one([plain, plain], err, {}) is err
    assert type(deadline_error_of_one([plain, b, plain], err, {})) is WireB
    # A chain without a model among its steps (a named one, kept whole) gives no class.
    inner = (plain | plain).with_config(run_name="inner")
    assert type(deadline_error_of_one([inner, a], err, {})) is WireA
