"""`with_retry` and `with_fallbacks` on any Runnable: invoke, batch and stream, sync and
async (the cross-provider fallback over HTTP is in tests/reliability/)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex.core import Runnable
from chatplex.core import RunnableConfig
from chatplex.core.reliability import RunnableRetry
from chatplex.core.reliability import RunnableWithFallbacks
from chatplex.errors import DeadlineExceededError

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
NO_WAIT: dict[str, Any] = {"wait_exponential_jitter": False}


class Flaky(Runnable[str, str]):
    """Fails `failures[input]` times per input before answering; streams word by word,
    failing after `break_after` words when set. Counts calls per input (thread-safe)."""

    def __init__(
        self,
        failures: dict[str, int] | None = None,
        *,
        exc: type[Exception] = ConnectionError,
        break_after: int | None = None,
        reply: str = "re {}",
    ) -> None:
        self.failures = dict(failures or {})
        self.exc = exc
        self.break_after = break_after
        self.reply = reply
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def _answer(self, input: str) -> str:
        with self._lock:
            n = self.calls[input] = self.calls.get(input, 0) + 1
        if n <= self.failures.get(input, 0):
            raise self.exc(f"{input} failed (call {n})")
        return self.reply.format(input)

    def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return self._answer(input)

    async def _ainvoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return self._answer(input)

    def _words(self, input: str) -> list[str]:
        return [w + " " for w in self._answer(input).split()]

    def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
        for i, word in enumerate(self._words(input)):
            if self.break_after is not None and i == self.break_after:
                raise self.exc("broke mid-stream")
            yield word

    async def _astream(
        self, input: str, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[str]:
        for i, word in enumerate(self._words(input)):
            if self.break_after is not None and i == self.break_after:
                raise self.exc("broke mid-stream")
            yield word


async def invoke(r: Runnable[Any, Any], sync: bool, value: Any, **kw: Any) -> Any:
    return r.invoke(value, **kw) if sync else await r.ainvoke(value, **kw)


async def batch(r: Runnable[Any, Any], sync: bool, values: list[Any], **kw: Any) -> list[Any]:
    return r.batch(values, **kw) if sync else await r.abatch(values, **kw)


async def stream(r: Runnable[Any, Any], sync: bool, value: Any, **kw: Any) -> list[Any]:
    if sync:
        return list(r.stream(value, **kw))
    return [c async for c in r.astream(value, **kw)]


# ---- with_retry --------------------------------------------------------------------------


@parity
async def test_retry_until_it_works(sync: bool) -> None:
    flaky = Flaky({"a": 2})
    retried = flaky.with_retry(**NO_WAIT)
    assert isinstance(retried, RunnableRetry)
    assert await invoke(retried, sync, "a") == "re a"
    assert flaky.calls == {"a": 3}


@parity
async def test_retry_gives_up_after_stop_after_attempt_with_the_last_error(sync: bool) -> None:
    flaky = Flaky({"a": 10})
    with pytest.raises(ConnectionError, match=r"call 4"):
        await invoke(flaky.with_retry(stop_after_attempt=4, **NO_WAIT), sync, "a")
    assert flaky.calls == {"a": 4}


@parity
async def test_only_the_listed_exception_types_are_retried(sync: bool) -> None:
    flaky = Flaky({"a": 1}, exc=KeyError)
    retried = flaky.with_retry(retry_if_exception_type=(ConnectionError,), **NO_WAIT)
    with pytest.raises(KeyError):
        await invoke(retried, sync, "a")
    assert flaky.calls == {"a": 1}


def test_waits_are_exponential_with_jitter_as_in_tenacity() -> None:
    retried = Flaky().with_retry(stop_after_attempt=5)
    assert isinstance(retried, RunnableRetry)
    delays = [retried.policy.delay(ConnectionError(), n) for n in (1, 2, 3)]
    assert all(d is not None for d in delays)
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 3 and 4 <= delays[2] <= 5  # type: ignore[operator]
    fast = Flaky().with_retry(stop_after_attempt=5, exponential_jitter_params={"max": 0.01})
    assert isinstance(fast, RunnableRetry) and fast.policy.delay(ConnectionError(), 3) == 0.01


@parity
async def test_the_deadline_covers_every_attempt(sync: bool) -> None:
    flaky = Flaky({"a": 10})
    # A first wait of 30 s or more: past a 10 s deadline, so the call fails at once.
    # (`initial`, not `min`: tenacity < 9.2 has no `min`, and google-genai, a test
    # oracle, pins tenacity below 9.2.)
    retried = flaky.with_retry(exponential_jitter_params={"initial": 30, "max": 60})
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await invoke(retried, sync, "a", config={"timeout": 10})
    assert time.monotonic() - started < 5  # at once: not at the deadline
    assert isinstance(info.value.__cause__, ConnectionError) and flaky.calls == {"a": 1}


@parity
async def test_batch_retries_only_the_failed_inputs(sync: bool) -> None:
    flaky = Flaky({"b": 1, "d": 2})
    out = await batch(flaky.with_retry(**NO_WAIT), sync, ["a", "b", "c", "d"])
    assert out == ["re a", "re b", "re c", "re d"]
    assert flaky.calls == {"a": 1, "b": 2, "c": 1, "d": 3}


@parity
async def test_batch_keeps_what_never_worked_as_its_error(sync: bool) -> None:
    flaky = Flaky({"b": 9})
    retried = flaky.with_retry(stop_after_attempt=2, **NO_WAIT)
    out = await batch(retried, sync, ["a", "b"], return_exceptions=True)
    assert out[0] == "re a" and isinstance(out[1], ConnectionError)
    with pytest.raises(ConnectionError):
        await batch(retried, sync, ["a", "b"])


@parity
async def test_a_stream_is_retried_before_its_first_chunk(sync: bool) -> None:
    flaky = Flaky({"a b c": 2})
    assert await stream(flaky.with_retry(**NO_WAIT), sync, "a b c") == ["re ", "a ", "b ", "c "]
    assert flaky.calls == {"a b c": 3}


@parity
async def test_a_stream_is_not_retried_after_its_first_chunk(sync: bool) -> None:
    flaky = Flaky(break_after=2)
    seen: list[str] = []
    with pytest.raises(ConnectionError, match="mid-stream"):
        if sync:
            seen.extend(flaky.with_retry(**NO_WAIT).stream("a b c"))
        else:
            async for chunk in flaky.with_retry(**NO_WAIT).astream("a b c"):
                seen.append(chunk)
    assert seen == ["re ", "a "] and flaky.calls == {"a b c": 1}


@parity
async def test_retry_composes_in_a_chain_and_keeps_the_name(sync: bool) -> None:
    model = FakeChatModel(["fine"], errors=_fail_first_n(1))
    chain = RunnableLambda(lambda x: f"q: {x}") | model.with_retry(**NO_WAIT)
    assert (await invoke(chain, sync, "x")).text == "fine"
    assert model.with_retry().get_name() == model.get_name()


def test_with_retry_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="stop_after_attempt"):
        Flaky().with_retry(stop_after_attempt=0)
    with pytest.raises(TypeError, match="stop_after_attempt"):
        Flaky().with_retry(stop_after_attempt=2.5)  # type: ignore[arg-type]


def _fail_first_n(n: int) -> Any:
    state = {"calls": 0}

    def rule(messages: Any) -> Exception | None:
        state["calls"] += 1
        return ConnectionError("flaky model") if state["calls"] <= n else None

    return rule


# ---- with_fallbacks ----------------------------------------------------------------------


@parity
async def test_fallback_answers_when_the_primary_fails(sync: bool) -> None:
    primary, backup = Flaky({"a": 9}), Flaky(reply="backup {}")
    chain = primary.with_fallbacks([backup])
    assert isinstance(chain, RunnableWithFallbacks)
    assert await invoke(chain, sync, "a") == "backup a"
    assert await invoke(chain, sync, "b") == "re b"
    assert backup.calls == {"a": 1}


@parity
async def test_fallbacks_are_tried_in_order_and_the_first_error_is_raised(sync: bool) -> None:
    one, two, three = Flaky({"a": 9}), Flaky({"a": 9}, exc=TimeoutError), Flaky({"a": 9})
    with pytest.raises(ConnectionError, match="call 1") as info:
        await invoke(one.with_fallbacks([two, three]), sync, "a")
    assert one.calls == two.calls == three.calls == {"a": 1}
    assert any("TimeoutError" in note for note in info.value.__notes__)


@parity
async def test_unhandled_exceptions_do_not_fall_back(sync: bool) -> None:
    primary, backup = Flaky({"a": 9}, exc=KeyError), Flaky()
    chain = primary.with_fallbacks([backup], exceptions_to_handle=(ConnectionError,))
    with pytest.raises(KeyError):
        await invoke(chain, sync, "a")
    assert backup.calls == {}


@parity
async def test_batch_sends_only_the_failed_inputs_to_the_fallback(sync: bool) -> None:
    primary, backup = Flaky({"b": 9, "d": 9}), Flaky(reply="backup {}")
    out = await batch(primary.with_fallbacks([backup]), sync, ["a", "b", "c", "d"])
    assert out == ["re a", "backup b", "re c", "backup d"]
    assert backup.calls == {"b": 1, "d": 1}


@parity
async def test_batch_where_every_runnable_fails(sync: bool) -> None:
    primary, backup = Flaky({"b": 9}), Flaky({"b": 9}, exc=TimeoutError)
    chain = primary.with_fallbacks([backup])
    out = await batch(chain, sync, ["a", "b"], return_exceptions=True)
    # the last fallback's error, as LangChain's batch reports it
    assert out[0] == "re a" and isinstance(out[1], TimeoutError)
    with pytest.raises(TimeoutError):
        await batch(chain, sync, ["a", "b"])
    unhandled = Flaky({"b": 9}, exc=KeyError).with_fallbacks(
        [backup], exceptions_to_handle=(ConnectionError,)
    )
    with pytest.raises(KeyError):
        await batch(unhandled, sync, ["a", "b"])


@parity
async def test_batch_raises_an_unhandled_error_at_once_and_cancels_the_rest(sync: bool) -> None:
    lock = threading.Lock()
    counts = {"started": 0, "finished": 0}

    def enter() -> None:
        with lock:
            counts["started"] += 1

    def leave() -> None:
        with lock:
            counts["finished"] += 1

    def work(x: int) -> int:
        enter()
        try:
            if x == 0:
                raise KeyError("no fallback handles this")
            time.sleep(0.5)
            return x
        finally:
            leave()

    async def awork(x: int) -> int:
        enter()
        try:
            if x == 0:
                raise KeyError("no fallback handles this")
            await asyncio.sleep(0.5)
            return x
        finally:
            leave()

    backup = Flaky()
    chain = RunnableLambda(work, awork).with_fallbacks(
        [backup], exceptions_to_handle=(ConnectionError,)
    )
    with pytest.raises(KeyError):
        await batch(chain, sync, list(range(12)), config={"max_concurrency": 3})
    # Raised before the queued inputs ran: the count proves it, not a clock (a wall-time
    # bound failed on a busy machine) ...
    # (a sync worker thread may take the next input before the error is seen: one more).
    limit = 4 if sync else 3
    assert counts["started"] <= limit
    # ... with nothing in flight any more, and nothing starting later in the background.
    assert counts["started"] == counts["finished"]
    await asyncio.sleep(0.6)  # longer than one input: a background start would show
    assert counts["started"] <= limit
    assert backup.calls == {}


@parity
async def test_a_stream_falls_back_only_before_its_first_chunk(sync: bool) -> None:
    primary, backup = Flaky({"a b": 1}), Flaky(reply="backup {}")
    assert await stream(primary.with_fallbacks([backup]), sync, "a b") == ["backup ", "a ", "b "]
    broken = Flaky(break_after=1)
    with pytest.raises(ConnectionError, match="mid-stream"):
        await stream(broken.with_fallbacks([backup]), sync, "a b")
    assert backup.calls == {"a b": 1}


@parity
async def test_fallback_between_chat_models_inside_a_chain(sync: bool) -> None:
    down = FakeChatModel(["x"], errors=lambda messages: ConnectionError("provider down"))
    up = FakeChatModel(["from the backup"])
    chain = RunnableLambda(lambda x: f"Q: {x}") | down.with_fallbacks([up])
    assert (await invoke(chain, sync, "hi")).text == "from the backup"
    chunks = await stream(chain, sync, "hi")
    assert "".join(c.text for c in chunks) == "from the backup"


def test_with_fallbacks_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="list of runnables"):
        Flaky().with_fallbacks(Flaky())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        Flaky().with_fallbacks([])


@parity
async def test_a_named_fallbacks_runs_under_its_name_as_langchains(sync: bool) -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    lc_callbacks = pytest.importorskip("langchain_core.callbacks")
    from chatplex.core import BaseCallbackHandler

    def starts(base: type) -> tuple[Any, list[str]]:
        names: list[str] = []

        class Starts(base):  # type: ignore[misc,valid-type]
            def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
                names.append(kw["name"])

        return Starts(), names

    def broken(x: str) -> str:
        raise ConnectionError(x)

    ours = RunnableWithFallbacks(
        RunnableLambda(broken), [RunnableLambda(str.upper)], name="backed_up"
    )
    theirs = lc.RunnableWithFallbacks(
        runnable=lc.RunnableLambda(broken),
        fallbacks=[lc.RunnableLambda(str.upper)],
        name="backed_up",
    )
    handler, seen = starts(BaseCallbackHandler)
    lc_handler, lc_seen = starts(lc_callbacks.BaseCallbackHandler)
    assert await invoke(ours, sync, "a", config={"callbacks": [handler]}) == "A"
    assert theirs.invoke("a", config={"callbacks": [lc_handler]}) == "A"
    assert seen == lc_seen and seen[0] == "backed_up"
    assert ours.get_name() == theirs.get_name() == "backed_up"
    assert RunnableWithFallbacks(Flaky(), [Flaky()]).get_name() == "RunnableWithFallbacks"


@parity
async def test_retry_and_fallbacks_compose(sync: bool) -> None:
    primary, backup = Flaky({"a": 9}), Flaky({"a": 1}, reply="backup {}")
    chain = primary.with_retry(stop_after_attempt=2, **NO_WAIT).with_fallbacks(
        [backup.with_retry(**NO_WAIT)]
    )
    assert await invoke(chain, sync, "a") == "backup a"
    assert primary.calls == {"a": 2} and backup.calls == {"a": 2}


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import reliability

    failures, tried = doctest.testmod(reliability)
    assert failures == 0 and tried > 0


class Closes(Runnable[str, str]):
    """Streams two pieces and notes when its stream is closed."""

    def __init__(self) -> None:
        self.closed = False

    def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
        try:
            yield from ("one", "two")
        finally:
            self.closed = True

    async def _astream(
        self, input: str, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[str]:
        try:
            for piece in ("one", "two"):
                yield piece
        finally:
            self.closed = True


@parity
@pytest.mark.parametrize("wrap", ["retry", "fallbacks"])
async def test_leaving_a_stream_early_closes_the_wrapped_stream_at_once(
    sync: bool, wrap: str
) -> None:
    inner = Closes()
    wrapped = inner.with_retry(**NO_WAIT) if wrap == "retry" else inner.with_fallbacks([Flaky()])
    if sync:
        pieces = wrapped.stream("x")
        assert next(pieces) == "one"
        pieces.close()  # type: ignore[attr-defined]
    else:
        apieces = wrapped.astream("x")
        assert await anext(apieces) == "one"
        await apieces.aclose()  # type: ignore[attr-defined]
    assert inner.closed
