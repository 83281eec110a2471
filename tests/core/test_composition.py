"""Composition (`core/composition.py`): sequences, parallel maps, coercion of callables and
dicts, streaming and batching through chains."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import RunnableParallel
from chatplex import RunnablePassthrough
from chatplex import StrOutputParser
from chatplex import core
from chatplex.core import Runnable
from chatplex.core import RunnableSequence
from chatplex.core.batching import Batch
from chatplex.core.run_config import RunnableConfig
from tests.core._twins import call
from tests.core._twins import stream


@pytest.mark.parametrize("sync", [True, False])
async def test_pipe_of_callables_and_dicts(sync: bool) -> None:
    chain = RunnableLambda(lambda x: x + 1) | {
        "double": lambda x: x * 2,
        "same": RunnablePassthrough(),
    }
    assert isinstance(chain, RunnableSequence)
    assert await call(chain, sync, 2) == {"double": 6, "same": 3}


@pytest.mark.parametrize("sync", [True, False])
async def test_callable_on_the_left_of_a_runnable(sync: bool) -> None:
    chain = (lambda x: x * 3) | RunnableLambda(str)  # type: ignore[operator]
    assert await call(chain, sync, 2) == "6"


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_map_runs_every_branch(sync: bool) -> None:
    par = RunnableParallel(joke=lambda t: f"joke about {t}", poem=lambda t: f"poem about {t}")
    assert await call(par, sync, "cats") == {"joke": "joke about cats", "poem": "poem about cats"}


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_stream_yields_keyed_pieces(sync: bool) -> None:
    par = RunnableParallel(
        a=FakeChatModel(responses=["x y"]) | StrOutputParser(),
        b=FakeChatModel(responses=["p q r"]) | StrOutputParser(),
    )
    pieces = await stream(par, sync, "go")
    assert all(len(p) == 1 for p in pieces)
    assert "".join(p["a"] for p in pieces if "a" in p) == "x y"
    assert "".join(p["b"] for p in pieces if "b" in p) == "p q r"


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_branch_error_propagates(sync: bool) -> None:
    def boom(_: Any) -> None:
        raise RuntimeError("branch failed")

    par = RunnableParallel(ok=lambda x: x, bad=boom)
    with pytest.raises(RuntimeError, match="branch failed"):
        await call(par, sync, 1)


@pytest.mark.parametrize("sync", [True, False])
async def test_chain_streams_text_as_the_model_yields_it(sync: bool) -> None:
    """Each piece reaches the consumer before the model produces the next one."""
    produced: list[str] = []

    class Tracker:
        def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            produced.append(token)

    model = FakeChatModel(responses=["alpha beta gamma delta"])
    chain = ChatPromptTemplate.from_template("{q}") | model | StrOutputParser()
    config: RunnableConfig = {"callbacks": [Tracker()]}
    received: list[tuple[str, int]] = []
    if sync:
        for piece in chain.stream({"q": "go"}, config):
            received.append((piece, len(produced)))
    else:
        async for piece in chain.astream({"q": "go"}, config):
            received.append((piece, len(produced)))
    assert [p for p, _ in received] == ["alpha ", "beta ", "gamma ", "delta"]
    # When piece k arrived, the model had produced exactly k tokens: no buffering.
    assert [n for _, n in received] == [1, 2, 3, 4]


class BatchRecorder(Runnable[Any, Any]):
    """Records how it was called, to prove a sequence batches each step."""

    def __init__(self) -> None:
        self.batch_sizes: list[int] = []
        self.invokes = 0

    def _invoke(self, input: Any, config: RunnableConfig, **kw: Any) -> Any:
        self.invokes += 1
        return input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kw: Any) -> Any:
        self.invokes += 1
        return input

    def _batch(self, batch: Batch) -> list[Any]:
        self.batch_sizes.append(len(batch.inputs))
        return list(batch.inputs)

    async def _abatch(self, batch: Batch) -> list[Any]:
        return self._batch(batch)


@pytest.mark.parametrize("sync", [True, False])
async def test_sequence_batch_batches_each_step(sync: bool) -> None:
    first, second = BatchRecorder(), BatchRecorder()
    chain = first | RunnableLambda(lambda x: x + 1) | second
    out = chain.batch([1, 2, 3]) if sync else await chain.abatch([1, 2, 3])
    assert out == [2, 3, 4]
    assert first.batch_sizes == [3] and second.batch_sizes == [3]
    assert first.invokes == second.invokes == 0


@pytest.mark.parametrize("sync", [True, False])
async def test_sequence_batch_with_exceptions_skips_later_steps_for_failed_inputs(
    sync: bool,
) -> None:
    later = BatchRecorder()

    def maybe_fail(x: int) -> int:
        if x == 2:
            raise ValueError("two")
        return x

    chain = RunnableLambda(maybe_fail) | later
    out = (
        chain.batch([1, 2, 3], return_exceptions=True)
        if sync
        else await chain.abatch([1, 2, 3], return_exceptions=True)
    )
    assert out[0] == 1 and out[2] == 3 and isinstance(out[1], ValueError)
    assert later.batch_sizes == [2]


def test_cannot_compose_non_runnables() -> None:
    with pytest.raises(TypeError, match="cannot compose int"):
        RunnableLambda(lambda x: x) | 3  # type: ignore[operator]


async def test_parallel_astream_reports_a_branch_base_exception() -> None:
    class Stop(BaseException):
        pass

    async def fails(chunks: AsyncIterator[Any]) -> AsyncIterator[str]:
        async for _ in chunks:
            raise Stop("branch stopped")
        yield "never"

    par = RunnableParallel(ok=lambda x: x, bad=fails)
    with pytest.raises(Stop, match="branch stopped"):
        async for _ in par.astream(1):
            pass


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import composition

    failures, tried = doctest.testmod(composition)
    assert failures == 0 and tried > 0


def _pieces_by_key(pieces: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """A map's streamed pieces per branch (branches interleave in any order)."""
    by_key: dict[str, list[Any]] = {}
    for piece in pieces:
        for key, value in piece.items():
            by_key.setdefault(key, []).append(value)
    return by_key


@pytest.mark.parametrize("sync", [True, False])
async def test_a_map_after_a_streaming_step_streams_its_input_through_as_langchains(
    sync: bool,
) -> None:
    # Each branch transforms the input stream as it comes: a passthrough branch yields
    # every upstream piece, one that needs the whole input gets it collected.
    lc = pytest.importorskip("langchain_core.runnables")

    def twice(pieces: Any) -> Any:
        for piece in pieces:
            yield piece
            yield piece

    async def atwice(pieces: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for piece in pieces:
            yield piece
            yield piece

    def chain(kit: Any) -> Any:
        upstream = kit.RunnableGenerator(twice, atwice)
        return upstream | kit.RunnableParallel(same=kit.RunnablePassthrough(), size=len)

    ours = _pieces_by_key(await stream(chain(core), sync, "ab"))
    theirs = _pieces_by_key(await stream(chain(lc), sync, "ab"))
    assert ours == theirs == {"same": ["ab", "ab"], "size": [4]}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_streamed_input_that_fails_fails_the_map(sync: bool) -> None:
    def broken(pieces: Any) -> Any:
        yield from ("a", "b")
        raise ValueError("upstream broke")

    async def abroken(pieces: AsyncIterator[Any]) -> AsyncIterator[Any]:
        for piece in ("a", "b"):
            yield piece
        raise ValueError("upstream broke")

    chain = core.RunnableGenerator(broken, abroken) | RunnableParallel(
        same=RunnablePassthrough(), size=len
    )
    with pytest.raises(ValueError, match="upstream broke"):
        await stream(chain, sync, "x")


@pytest.mark.parametrize(
    ("run", "calls"),
    [
        pytest.param(lambda r, c: r.invoke(1, c), 4, id="invoke"),
        pytest.param(lambda r, c: list(r.stream(1, c)), 4, id="stream"),
        pytest.param(lambda r, c: r.batch([1, 2], c), 8, id="batch"),
    ],
)
@pytest.mark.parametrize("nested", [False, True])
def test_max_concurrency_bounds_a_maps_branches_as_in_langchain(
    run: Any, calls: int, nested: bool
) -> None:
    # A map ran every branch at once whatever `max_concurrency` said (a chain's child
    # map did not even see it); LangChain's sync map runs at most that many.
    import threading
    import time

    lc = pytest.importorskip("langchain_core.runnables")
    lock = threading.Lock()
    running, peaks = [0], []

    def slow(x: Any) -> Any:
        with lock:
            running[0] += 1
            peaks.append(running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return x

    for kit in (lc, core):
        branches = kit.RunnableParallel({str(i): kit.RunnableLambda(slow) for i in range(4)})
        runnable = kit.RunnableLambda(lambda x: x) | branches if nested else branches
        peaks.clear()
        run(runnable, {"max_concurrency": 1})
        assert len(peaks) == calls and max(peaks) == 1, kit.__name__


def test_a_maps_branches_read_under_langchains_field_name() -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    maps = [kit.RunnableParallel(b=lambda x: x, a={"c": lambda x: x}) for kit in (lc, core)]
    theirs, ours = ([(k, type(v).__name__) for k, v in m.steps__.items()] for m in maps)
    assert ours == theirs == [("b", "RunnableLambda"), ("a", "RunnableParallel")]


class _Piece:
    """A piece of an input stream, counted while alive."""


@pytest.mark.parametrize("sync", [True, False])
async def test_a_streamed_map_keeps_only_the_input_its_branches_have_not_read(sync: bool) -> None:
    """Two branches read one input stream; each piece is let go once both have read it.
    So at every output, what is alive is at most the pieces made that the consumer has
    not yet had from both branches (and the one or two the branches hold), whatever the
    stream's length."""
    import weakref

    alive: weakref.WeakSet[_Piece] = weakref.WeakSet()
    made: list[int] = []
    had = {"a": 0, "b": 0}
    excess: list[int] = []

    def make(i: int) -> _Piece:
        piece = _Piece()
        alive.add(piece)
        made.append(i)
        return piece

    def got(output: dict[str, Any]) -> None:
        for key in output:
            had[key] += 1
        excess.append(len(alive) - (len(made) - min(had.values())))

    parallel = RunnableParallel(a=RunnablePassthrough(), b=RunnablePassthrough())
    if sync:
        for output in parallel.transform(make(i) for i in range(200)):
            got(output)
    else:

        async def produced() -> Any:
            for i in range(200):
                await asyncio.sleep(0)
                yield make(i)

        async for output in parallel.atransform(produced()):
            got(output)
    assert had == {"a": 200, "b": 200}
    assert max(excess) <= 3, max(excess)


@pytest.mark.parametrize("sync", [True, False])
async def test_a_streamed_map_waits_for_a_slow_consumer(sync: bool) -> None:
    """A branch makes at most a bounded number of pieces the consumer has not taken:
    while the consumer holds its first piece, the branch does not run ahead to the
    end of its stream (it would under an unbounded queue); every piece still arrives."""
    import threading

    from chatplex.core.composition import _AHEAD

    total, far = 500, _AHEAD + 10
    made = 0
    ran_ahead = threading.Event()

    def count() -> int:
        nonlocal made
        made += 1
        if made >= far:
            ran_ahead.set()
        return made

    if sync:

        def pieces(_: Any) -> Any:
            for _ in range(total):
                yield count()

        stream = RunnableParallel(a=core.RunnableGenerator(pieces)).stream("go")
        first = next(stream)
        assert not ran_ahead.wait(1.0), made  # the branch waits for room
        rest = list(stream)
    else:

        async def apieces(_: Any) -> Any:
            for _ in range(total):
                yield count()
                await asyncio.sleep(0)

        astream = RunnableParallel(a=core.RunnableGenerator(apieces)).astream("go")
        first = await anext(astream)
        await asyncio.sleep(0.2)  # the branch's task runs meanwhile, until it must wait
        assert not ran_ahead.is_set(), made
        rest = [piece async for piece in astream]
    assert [first["a"], *(piece["a"] for piece in rest)] == list(range(1, total + 1))


def test_a_sequence_is_built_from_langchains_fields_as_from_its_steps() -> None:
    # LangChain's RunnableSequence(first=, middle=, last=), where no step is given.
    add, double, text = RunnableLambda(lambda x: x + 1), RunnableLambda(lambda x: x * 2), str
    chain = RunnableSequence(first=add, middle=[double], last=RunnableLambda(text))
    assert chain.invoke(1) == "4"
    assert (chain.first, chain.middle) == (add, [double])
    assert RunnableSequence(first=add, last=double).steps == [add, double]
    with pytest.raises(ValueError, match="at least two steps"):
        RunnableSequence(first=add)
