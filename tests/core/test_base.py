"""`Runnable`'s public methods (`core/base.py`): one implementation over the hooks and the
deadline they apply. Batches are tested in `test_batching.py`, streams in
`test_streaming.py`, bindings in `test_binding.py`, what a failed call keeps in
`test_partial_results.py`."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import Runnable
from chatplex.core import RunnableRetry
from chatplex.core import RunnableSequence
from chatplex.core import RunnableWithFallbacks
from chatplex.core.binding import RunnableBinding
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from tests.core._echo import Echo
from tests.core._twins import call

# ---- deadlines --------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_raises_a_timeout_error_subclass(sync: bool) -> None:
    model = FakeChatModel(responses=["slow"], latency=60.0)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await call(model, sync, "x", {"timeout": 0.1})
    assert isinstance(info.value, TimeoutError)
    assert time.monotonic() - start < 15  # the deadline, not the minute-long reply


@pytest.mark.parametrize("sync", [True, False])
async def test_deadline_covers_the_whole_chain(sync: bool) -> None:
    # Each step fits in the timeout; together they do not.
    model = FakeChatModel(responses=["ok"], latency=0.15)
    chain = model | StrOutputParser() | RunnableLambda(lambda s: [s]) | (lambda x: x[0]) | model
    with pytest.raises(DeadlineExceededError):
        await call(chain, sync, "x", {"timeout": 0.25})


async def test_with_config_timeout_bounds_ainvoke_and_astream() -> None:
    # A bound timeout is the bound call's own budget, enforced like a caller's timeout,
    # even for a step that never looks at the deadline itself.
    async def slow(x: str) -> str:
        await asyncio.sleep(60)
        return x

    bounded = RunnableLambda(slow).with_config(timeout=0.05)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await bounded.ainvoke("x")
    with pytest.raises(DeadlineExceededError):
        async for _ in bounded.astream("x"):
            pass
    assert time.monotonic() - start < 15  # the bound, not the minute-long step


# ---- the public methods over the hooks ----------------------------------------------------


def test_overrides_are_computed_per_subclass() -> None:
    class Streams(Echo):
        def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
            yield input

    class Batches(Streams):
        async def _abatch(self, *args: Any, **kwargs: Any) -> Any:
            return []

    assert Runnable._overrides == frozenset() and Echo._overrides == frozenset()
    assert Streams._overrides == {"_stream"}
    assert Batches._overrides == {"_stream", "_abatch"}  # inherited ones count too
    assert RunnableBinding._overrides == {
        "_stream",
        "_astream",
        "_transform",
        "_atransform",
        "_batch",
        "_abatch",
    }


def test_missing_required_hooks_say_so() -> None:
    class Nothing(Runnable[Any, Any]):
        pass

    with pytest.raises(NotImplementedError, match="Nothing does not implement invoke"):
        Nothing().invoke(1)
    with pytest.raises(NotImplementedError, match="Nothing does not implement ainvoke"):
        asyncio.run(Nothing().ainvoke(1))


def test_keyword_arguments_reach_the_hook() -> None:
    assert Echo().invoke("x", None, flag=True) == ("x", {"flag": True})
    assert Echo().batch(["x"], flag=1) == [("x", {"flag": 1})]


def test_a_passed_deadline_calls_no_hook() -> None:
    echo = Echo()
    with pytest.raises(DeadlineExceededError):
        echo.invoke(1, {"deadline": time.monotonic() - 1})
    with pytest.raises(DeadlineExceededError):
        next(echo.stream(1, {"deadline": time.monotonic() - 1}))
    with pytest.raises(DeadlineExceededError):
        asyncio.run(echo.ainvoke(1, {"deadline": time.monotonic() - 1}))
    assert echo.threads == []


def test_names() -> None:
    echo = Echo()
    assert echo.get_name() == "Echo"
    echo.name = "mine"
    assert echo.get_name() == "mine"


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import base

    failures, tried = doctest.testmod(base)
    assert failures == 0 and tried > 0


def test_the_methods_that_build_a_runnable_from_this_one() -> None:
    echo = Echo()
    assert echo.with_config(run_name="renamed").get_name() == "Echo"  # run_name names runs
    assert isinstance(echo | (lambda x: x), RunnableSequence)
    assert isinstance((lambda x: x) | echo, RunnableSequence)
    piped = echo.pipe(lambda x: x, lambda x: x)
    assert isinstance(piped, RunnableSequence) and len(piped.steps) == 3
    retry = echo.with_retry(stop_after_attempt=4, retry_if_exception_type=(KeyError,))
    assert isinstance(retry, RunnableRetry) and retry.bound is echo
    fallbacks = echo.with_fallbacks([Echo()], exceptions_to_handle=(KeyError,))
    assert isinstance(fallbacks, RunnableWithFallbacks) and fallbacks.runnable is echo


def test_to_json_is_not_built_and_says_so() -> None:
    # LangChain's serialized form has no loader in chatplex's family: a ported
    # `prompt.to_json()` gets a NotImplementedError naming it, not an AttributeError.
    from chatplex import ChatPromptTemplate

    for runnable in (
        ChatPromptTemplate.from_template("{a}"),
        StrOutputParser(),
        RunnableLambda(str),
    ):
        with pytest.raises(NotImplementedError, match=r"to_json\(\) is not built"):
            runnable.to_json()
