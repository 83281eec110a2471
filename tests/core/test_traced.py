"""The traced public methods (`core/_traced.py`): a run per step for handlers, parent ids,
batches, and no run tree at all when no callbacks watch."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.chat.llm_results import LLMResult
from chatplex.core import Runnable
from chatplex.core import _traced
from chatplex.core.batching import Batch
from chatplex.core.run_config import RunnableConfig
from chatplex.core.run_config import current_config
from chatplex.core.runs import RunListener
from chatplex.core.runs import RunNode


class Tracer:
    """A LangChain-style tracer: records every run with its parent."""

    def __init__(self) -> None:
        self.starts: list[dict[str, Any]] = []
        self.ends: list[tuple[uuid.UUID, Any]] = []
        self.errors: list[tuple[uuid.UUID, BaseException]] = []

    def on_chain_start(
        self,
        serialized: dict[str, Any],
        inputs: Any,
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        tags: list[str] | None = None,
        name: str | None = None,
        run_type: str | None = None,
        **kw: Any,
    ) -> None:
        self.starts.append(
            # As LangChain's tracers: a chain's `run_type` is None or absent.
            {"run_id": run_id, "parent": parent_run_id, "name": name, "type": run_type or "chain",
             "inputs": inputs, "tags": tags}
        )  # fmt: skip

    def on_chain_end(self, outputs: Any, *, run_id: uuid.UUID, **kw: Any) -> None:
        self.ends.append((run_id, outputs))

    def on_chain_error(self, error: BaseException, *, run_id: uuid.UUID, **kw: Any) -> None:
        self.errors.append((run_id, error))

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: uuid.UUID,
        parent_run_id: uuid.UUID | None = None,
        name: str | None = None,
        **kw: Any,
    ) -> None:
        self.starts.append(
            # As LangChain's tracers: `name` is a run_name only, else the model's own.
            {"run_id": run_id, "parent": parent_run_id, "name": name or serialized["name"],
             "type": "chat_model",
             "inputs": messages, "tags": kw.get("tags")}
        )  # fmt: skip

    def on_llm_end(self, response: LLMResult, *, run_id: uuid.UUID, **kw: Any) -> None:
        self.ends.append((run_id, response.generations[0][0].message.text))

    def by_name(self, name: str) -> list[dict[str, Any]]:
        return [s for s in self.starts if s["name"] == name]


def chain() -> Runnable[Any, str]:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    return prompt | FakeChatModel(responses=["fine"]) | StrOutputParser()


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


@pytest.mark.parametrize("sync", [True, False])
async def test_handlers_get_a_run_per_step_with_parent_ids(sync: bool) -> None:
    tracer = Tracer()
    assert await call(chain(), sync, {"topic": "t"}, {"callbacks": [tracer]}) == "fine"
    [seq] = tracer.by_name("RunnableSequence")
    [prompt] = tracer.by_name("ChatPromptTemplate")
    [model] = tracer.by_name("FakeChatModel")
    [parser] = tracer.by_name("StrOutputParser")
    assert seq["parent"] is None and seq["type"] == "chain"
    assert seq["inputs"] == {"topic": "t"}
    assert (prompt["type"], parser["type"]) == ("prompt", "parser")
    for step in (prompt, model, parser):
        assert step["parent"] == seq["run_id"]  # the model's parent comes from the tree
    assert model["tags"] == ["seq:step:2"]
    ended = dict(tracer.ends)
    assert set(ended) == {s["run_id"] for s in tracer.starts}
    assert ended[seq["run_id"]] == "fine" and ended[model["run_id"]] == "fine"


@pytest.mark.parametrize("sync", [True, False])
async def test_streaming_reports_the_same_tree(sync: bool) -> None:
    tracer = Tracer()
    runnable = chain()
    if sync:
        pieces = list(runnable.stream({"topic": "t"}, {"callbacks": [tracer]}))
    else:
        pieces = [p async for p in runnable.astream({"topic": "t"}, {"callbacks": [tracer]})]
    assert "".join(pieces) == "fine"
    [seq] = tracer.by_name("RunnableSequence")
    assert {s["parent"] for s in tracer.starts if s is not seq} == {seq["run_id"]}
    [parser] = tracer.by_name("StrOutputParser")
    assert parser["inputs"] == {"input": ""}  # LangChain's placeholder for a streamed input
    assert dict(tracer.ends)[parser["run_id"]] == "fine"


@pytest.mark.parametrize("sync", [True, False])
async def test_model_in_a_lambda_has_the_lambda_as_parent(sync: bool) -> None:
    tracer = Tracer()
    model = FakeChatModel(responses=["in"])

    def ask(x: str) -> str:
        return model.invoke(x).text

    async def aask(x: str) -> str:
        return (await model.ainvoke(x)).text

    await call(RunnableLambda(ask, aask, name="ask"), sync, "q", {"callbacks": [tracer]})
    [lam] = tracer.by_name("ask")
    [inner] = tracer.by_name("FakeChatModel")
    assert inner["parent"] == lam["run_id"]


@pytest.mark.parametrize("sync", [True, False])
async def test_errors_reach_every_enclosing_run(sync: bool) -> None:
    tracer = Tracer()

    def fail(x: Any) -> Any:
        raise ValueError("no")

    failing = RunnableLambda(lambda x: x) | RunnableLambda(fail)
    with pytest.raises(ValueError):
        await call(failing, sync, 1, {"callbacks": [tracer]})
    [seq] = tracer.by_name("RunnableSequence")
    [bad] = tracer.by_name("fail")
    assert [run_id for run_id, _ in tracer.errors] == [bad["run_id"], seq["run_id"]]
    assert seq["run_id"] not in dict(tracer.ends)


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_makes_one_tree_per_input(sync: bool) -> None:
    tracer = Tracer()
    inputs = [{"topic": str(i)} for i in range(4)]
    config: Any = {"callbacks": [tracer], "max_concurrency": 2}
    runnable = chain()
    out = runnable.batch(inputs, config) if sync else await runnable.abatch(inputs, config)
    assert out == ["fine"] * 4
    seqs = tracer.by_name("RunnableSequence")
    assert len(seqs) == 4 and all(s["parent"] is None for s in seqs)
    seq_ids = {s["run_id"] for s in seqs}
    for name in ("ChatPromptTemplate", "FakeChatModel", "StrOutputParser"):
        runs = tracer.by_name(name)
        assert len(runs) == 4
        assert {r["parent"] for r in runs} == seq_ids  # one per input's tree
    assert len(tracer.ends) == 16


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_with_return_exceptions_ends_or_fails_each_input(sync: bool) -> None:
    tracer = Tracer()

    def maybe(x: int) -> int:
        if x == 2:
            raise ValueError("two")
        return x

    runnable = RunnableLambda(lambda x: x) | RunnableLambda(maybe)
    config: Any = {"callbacks": [tracer]}
    if sync:
        out = runnable.batch([1, 2, 3], config, return_exceptions=True)
    else:
        out = await runnable.abatch([1, 2, 3], config, return_exceptions=True)
    assert out[0] == 1 and isinstance(out[1], ValueError) and out[2] == 3
    seqs = {s["run_id"] for s in tracer.by_name("RunnableSequence")}
    assert len(seqs) == 3
    failed = {run_id for run_id, _ in tracer.errors} & seqs
    ended = set(dict(tracer.ends)) & seqs
    assert len(failed) == 1 and len(ended) == 2


def test_handler_given_twice_through_the_ambient_config_is_called_once() -> None:
    tracer = Tracer()
    model = FakeChatModel(responses=["x"])

    def ask(x: str, config: Any) -> str:
        return model.invoke(x, config).text  # the ambient config plus the same, by hand

    RunnableLambda(ask).invoke("q", {"callbacks": [tracer]})
    assert len(tracer.by_name("FakeChatModel")) == 1


# ---- zero cost -------------------------------------------------------------------------


@pytest.fixture
def no_run_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if any call reaches the run tree."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the run tree was used with no callbacks configured")

    for name in ("invoke", "ainvoke", "stream", "astream", "transform", "atransform"):
        monkeypatch.setattr(_traced, name, forbidden)
    for name in ("batch", "abatch"):
        monkeypatch.setattr(_traced, name, forbidden)


@pytest.mark.usefixtures("no_run_tree")
@pytest.mark.parametrize("sync", [True, False])
async def test_no_callbacks_no_run_tree(sync: bool) -> None:
    seen: list[Any] = []

    def look(x: str, config: Any) -> str:
        seen.append(dict(config))
        return x

    runnable = chain() | RunnableLambda(look)
    if sync:
        assert runnable.invoke({"topic": "t"}) == "fine"
        assert "".join(runnable.stream({"topic": "t"})) == "fine"
        assert runnable.batch([{"topic": "t"}] * 2) == ["fine"] * 2
    else:
        assert await runnable.ainvoke({"topic": "t"}) == "fine"
        assert "".join([p async for p in runnable.astream({"topic": "t"})]) == "fine"
        assert await runnable.abatch([{"topic": "t"}] * 2) == ["fine"] * 2
    assert all("_parent_run" not in config for config in seen)


# ---- runs, created only when someone watches ---------------------------------------------


class Listener(RunListener):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, Any]] = []

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("start", run.name, data.get("input", "<streaming>")))

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        self.seen.append(("stream", run.name, chunk))

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("end", run.name, data["output"]))

    def on_error(self, run: RunNode, error: BaseException) -> None:
        self.seen.append(("error", run.name, type(error).__name__))


class Single(Runnable[str, str]):
    """Only invokes: its stream is its one result."""

    def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return input.upper()

    async def _ainvoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return input.upper()


class Native(Single):
    """Streams for real, one letter at a time, and transforms its input as it comes."""

    def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
        yield from input.upper()

    async def _astream(
        self, input: str, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[str]:
        for letter in input.upper():
            yield letter

    def _transform(
        self, chunks: Iterator[str], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[str]:
        for chunk in chunks:
            yield chunk.upper()


async def pieces(r: Runnable[Any, Any], sync: bool, value: Any, config: Any) -> list[Any]:
    if sync:
        return list(r.stream(value, config))
    return [p async for p in r.astream(value, config)]


def test_a_run_is_made_only_for_a_step_of_its_own_with_someone_listening() -> None:
    listener = Listener()
    config: RunnableConfig = {"callbacks": [listener]}
    assert _traced.invoke(Single(), "a", config, {}) == "A"
    assert isinstance(config.get("_parent_run"), RunNode)  # the hooks nest under it
    assert listener.seen == [("start", "Single", "a"), ("end", "Single", "A")]

    bound = Single().with_config(tags=["x"])  # a binding is transparent: no run of its own
    config = {"callbacks": [listener]}
    _traced.invoke(bound, "b", config, {})
    assert "_parent_run" not in config

    class Manager:  # a callback manager with nobody in it: nobody to tell
        handlers: list[Any] = []

    config = {"callbacks": [Manager()]}
    assert _traced.invoke(Single(), "c", config, {}) == "C"
    assert "_parent_run" not in config


@pytest.mark.parametrize("sync", [True, False])
async def test_only_native_streams_report_stream_events(sync: bool) -> None:
    single, native = Listener(), Listener()
    assert await pieces(Single(), sync, "ab", {"callbacks": [single]}) == ["AB"]
    assert await pieces(Native(), sync, "ab", {"callbacks": [native]}) == ["A", "B"]
    assert single.seen == [("start", "Single", "ab"), ("end", "Single", "AB")]
    assert native.seen == [
        ("start", "Native", "ab"),
        ("stream", "Native", "A"),
        ("stream", "Native", "B"),
        ("end", "Native", "AB"),
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_an_error_in_a_stream_is_reported_and_raised(sync: bool) -> None:
    class Failing(Native):
        def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
            yield "A"
            raise KeyError("midway")

        async def _astream(
            self, input: str, config: RunnableConfig, **kwargs: Any
        ) -> AsyncIterator[str]:
            yield "A"
            raise KeyError("midway")

    listener = Listener()
    with pytest.raises(KeyError):
        await pieces(Failing(), sync, "ab", {"callbacks": [listener]})
    assert listener.seen[-1] == ("error", "Failing", "KeyError")


def test_a_consumer_that_stops_early_is_no_error_and_no_end() -> None:
    listener = Listener()
    stream = Native().stream("abc", {"callbacks": [listener]})
    assert next(stream) == "A"
    stream.close()  # type: ignore[attr-defined]
    assert [event for event, _, _ in listener.seen] == ["start", "stream"]


def test_transform_starts_a_native_transformer_with_its_first_piece() -> None:
    native, single = Listener(), Listener()
    out = list(Native().transform(iter(["ab", "c"]), {"callbacks": [native]}))
    assert out == ["AB", "C"]
    assert native.seen[0] == ("start", "Native", "<streaming>")  # input still coming in
    assert native.seen[-1] == ("end", "Native", "ABC")
    # Without its own _transform, the input is collected first, then streamed.
    assert list(Single().transform(iter(["ab", "c"]), {"callbacks": [single]})) == ["ABC"]
    assert single.seen == [("start", "Single", "abc"), ("end", "Single", "ABC")]


def test_batch_makes_one_run_per_input_for_a_runnable_with_its_own_batch() -> None:
    class OwnBatch(Single):
        def _batch(self, batch: Batch) -> list[Any]:
            return [i.upper() for i in batch.inputs]

    own, default = Listener(), Listener()
    assert OwnBatch().batch(["a", "b"], {"callbacks": [own]}) == ["A", "B"]
    assert Single().batch(["a", "b"], {"callbacks": [default]}) == ["A", "B"]
    for listener in (own, default):  # one start and one end per input, never two
        assert sorted(s for s in listener.seen if s[0] == "start") == [
            ("start", "Single" if listener is default else "OwnBatch", "a"),
            ("start", "Single" if listener is default else "OwnBatch", "b"),
        ]
        assert len([s for s in listener.seen if s[0] == "end"]) == 2


def test_watched_looks_at_every_config_and_the_ambient_one() -> None:
    handler = object()
    assert not _traced.watched(None)
    assert not _traced.watched({"tags": ["x"]})
    assert _traced.watched({"callbacks": [handler]})
    assert _traced.watched([{}, {"callbacks": [handler]}])
    assert not _traced.watched([{}, {}])
    token = current_config().set({"callbacks": [handler]})
    try:
        assert _traced.watched(None)
    finally:
        current_config().reset(token)
