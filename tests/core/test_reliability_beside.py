"""`with_retry` and `with_fallbacks` beside langchain-core's: how many calls, which
error surfaces, what a batch returns, what a failing stream falls back to."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex
from tests.core._families import langchain
from tests.core._families import same

pytest.importorskip("langchain_core")


def _failing(errors: list[BaseException]) -> tuple[Any, list[Any]]:
    """A function raising `errors` in turn, then answering "ok"; and its calls."""
    calls: list[Any] = []

    def step(x: Any) -> str:
        calls.append(x)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "ok"

    return step, calls


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("errors", "options"),
    [
        ([ValueError("a"), ValueError("b")], {}),
        ([ValueError("a"), ValueError("b"), ValueError("c")], {"stop_after_attempt": 2}),
        ([KeyError("a")], {"retry_if_exception_type": (ValueError,)}),
        ([KeyError("a"), IndexError("b")], {"retry_if_exception_type": (LookupError,)}),
        ([ValueError("a"), TypeError("b")], {"retry_if_exception_type": (ValueError,)}),
    ],
)
def test_a_retry_calls_and_raises_as_langchains(
    sync: bool, errors: list[BaseException], options: dict[str, Any]
) -> None:
    def scenario(m: Any) -> Any:
        step, calls = _failing(errors)
        retried = m.RunnableLambda(step).with_retry(wait_exponential_jitter=False, **options)
        try:
            out = retried.invoke(1) if sync else asyncio.run(retried.ainvoke(1))
        except Exception as error:  # which one surfaces is compared
            out = (type(error), str(error))
        return out, len(calls)

    same(scenario)


def _two_fails(x: int) -> int:
    if x == 2:
        raise ValueError("primary")
    return x


def _two_fails_again(x: int) -> int:
    if x == 2:
        raise TypeError("fallback")
    return -x


@pytest.mark.parametrize("sync", [True, False])
def test_a_fallback_batch_reports_the_last_runnables_error(sync: bool) -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnableLambda(_two_fails).with_fallbacks([m.RunnableLambda(_two_fails_again)])
        run = chain.batch if sync else (lambda *a, **kw: asyncio.run(chain.abatch(*a, **kw)))
        kept = [repr(out) for out in run([1, 2, 3], return_exceptions=True)]
        try:
            run([1, 2, 3])
        except Exception as error:  # its class is compared
            raised: Any = type(error)
        try:
            chain.invoke(2)
        except Exception as error:  # invoke raises the primary's
            alone: Any = type(error)
        return kept, raised, alone

    assert same(scenario) == (["1", "TypeError('fallback')", "3"], TypeError, ValueError)


def test_a_fallback_gets_the_error_under_its_key_and_unhandled_errors_pass() -> None:
    def scenario(m: Any) -> Any:
        def bad(d: Any) -> Any:
            raise ValueError("x")

        def looks(d: Any) -> Any:
            return sorted(d), repr(d.get("error"))

        keyed = m.RunnableLambda(bad).with_fallbacks(
            [m.RunnableLambda(looks)], exception_key="error"
        )
        narrow = m.RunnableLambda(bad).with_fallbacks(
            [m.RunnableLambda(looks)], exceptions_to_handle=(KeyError,)
        )
        try:
            narrow.invoke({"q": 1})
        except ValueError:
            passed = True
        return keyed.invoke({"q": 1}), passed

    assert same(scenario) == ((["error", "q"], "ValueError('x')"), True)


def _pieces_failing_at(at: int) -> Any:
    def pieces(chunks: Iterator[Any]) -> Iterator[str]:
        for _ in chunks:
            for i in range(3):
                if i == at:
                    raise ValueError("mid-stream")
                yield f"p{i}"

    return pieces


def _fallback_pieces(chunks: Iterator[Any]) -> Iterator[str]:
    for _ in chunks:
        yield "f0"
        yield "f1"


@pytest.mark.parametrize("at", [0, 1])
def test_a_stream_falls_back_only_before_its_first_piece(at: int) -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnableGenerator(_pieces_failing_at(at)).with_fallbacks(
            [m.RunnableGenerator(_fallback_pieces)]
        )
        got: list[Any] = []
        try:
            got.extend(chain.stream(1))
        except ValueError:
            got.append("raised")
        return got

    assert same(scenario) == (["f0", "f1"] if at == 0 else ["p0", "raised"])


def _flaky_rows(calls: list[int]) -> Any:
    def step(x: int) -> int:
        calls.append(x)
        if x == 2 and calls.count(2) < 3:
            raise ValueError("twice")
        if x == 3:
            raise ValueError("always")
        return x

    return step


def test_a_retried_batch_keeps_each_rows_own_result() -> None:
    """Kept difference: langchain-core's retried batch loses data. A row that failed
    every attempt comes back holding another row's result (here row 3 gets row 2's
    `2`); chatplex keeps its error."""

    def outcomes(m: Any) -> Any:
        calls: list[int] = []
        retried = m.RunnableLambda(_flaky_rows(calls)).with_retry(
            wait_exponential_jitter=False, stop_after_attempt=3
        )
        return [repr(o) for o in retried.batch([1, 2, 3], return_exceptions=True)], sorted(calls)

    theirs, ours = outcomes(langchain()), outcomes(chatplex)
    assert ours[1] == theirs[1] == [1, 2, 2, 2, 3, 3, 3]  # the same attempts
    assert theirs[0] == ["1", "2", "2"]  # row 3's error lost
    assert ours[0] == ["1", "2", "ValueError('always')"]


def test_exception_key_leaves_the_callers_dict_alone() -> None:
    """Kept difference: langchain-core writes the error into the caller's own input dict
    (after the call it holds `err`, and a retry with the same dict hands the primary a
    stale error); chatplex gives the fallback a copy. The fallback sees the same keys."""

    def outcome(m: Any) -> Any:
        def bad(d: Any) -> Any:
            raise ValueError("x")

        given = {"q": 1}
        chain = m.RunnableLambda(bad).with_fallbacks(
            [m.RunnableLambda(lambda d: sorted(d))], exception_key="err"
        )
        return chain.invoke(given), chain.batch([{"q": 2}]), sorted(given)

    theirs, ours = outcome(langchain()), outcome(chatplex)
    assert ours[:2] == theirs[:2] == (["err", "q"], [["err", "q"]])
    assert theirs[2] == ["err", "q"]
    assert ours[2] == ["q"]
