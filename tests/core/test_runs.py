"""The run tree's nodes (`core/runs.py`): how handlers are called (keywords their signature
accepts, failures logged or raised, sync handlers kept off the portal loop), callbacks
split into handlers and listeners, run tags, abandoned runs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex.core.run_config import RunnableConfig
from chatplex.core.runs import UNKNOWN
from chatplex.core.runs import ChainRun
from chatplex.core.runs import RunListener
from chatplex.core.runs import RunNode
from chatplex.core.runs import run_tags
from chatplex.core.runs import split_callbacks


def test_failing_handler_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("handler bug")

    out = FakeChatModel(responses=["fine"]).invoke("x", {"callbacks": [Broken()]})
    assert out.text == "fine"
    assert "handler bug" in caplog.text


def test_handler_with_raise_error_propagates() -> None:
    class Strict:
        raise_error = True

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("strict handler")

    with pytest.raises(ValueError, match="strict handler"):
        FakeChatModel(responses=["x"]).invoke("x", {"callbacks": [Strict()]})


def test_sync_handlers_of_a_sync_batch_stay_off_the_portal_loop() -> None:
    # Sync `batch` of a chat model runs on the shared portal loop; a sync handler run
    # there would block every request in flight (the batch would run one at a time).

    class Where:
        def __init__(self) -> None:
            self.on_loop: list[bool] = []


# ---- the nodes themselves ---------------------------------------------------------------


class Listener(RunListener):
    def __init__(self) -> None:
        self.seen: list[tuple[str, str, Any]] = []

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("start", run.name, data))

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        self.seen.append(("stream", run.name, chunk))

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("end", run.name, data))

    def on_error(self, run: RunNode, error: BaseException) -> None:
        self.seen.append(("error", run.name, error))

    def on_custom(self, run: RunNode, name: str, data: Any) -> None:
        self.seen.append(("custom", name, data))


class Recorder:
    """A handler taking every keyword."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def on_chain_start(self, *args: Any, **kw: Any) -> None:
        self.calls.append(("on_chain_start", args, kw))

    def on_chain_end(self, *args: Any, **kw: Any) -> None:
        self.calls.append(("on_chain_end", args, kw))

    def on_chain_error(self, *args: Any, **kw: Any) -> None:
        self.calls.append(("on_chain_error", args, kw))

    def on_custom_event(self, *args: Any, **kw: Any) -> None:
        self.calls.append(("on_custom_event", args, kw))


def test_split_callbacks_unwraps_managers_and_sets_listeners_apart() -> None:
    listener, handler, inner = Listener(), Recorder(), Recorder()

    class Manager:  # LangChain's CallbackManager keeps its handlers in `.handlers`
        handlers = [inner]

    assert split_callbacks([handler, listener, Manager()]) == ([handler, inner], [listener])
    assert split_callbacks(handler) == ([handler], [])
    assert split_callbacks([]) == ([], [])


def test_run_tags_put_the_runs_own_position_first_and_drop_its_ancestors() -> None:
    assert run_tags({}) == []
    config: RunnableConfig = {
        "tags": ["user", "seq:step:1", "map:key:a", "other"],
        "_position_tag": "map:key:a",
    }
    assert run_tags(config) == ["map:key:a", "user", "other"]
    assert run_tags({"tags": ["seq:step:3", "user"]}) == ["user"]


def _step_tags(make_step: Any, sync: bool) -> list[tuple[str, list[str]]]:
    """(name, tags) of each run's start in `prompt | step | parser` (LangChain's
    sequence, tagged "x"), chat models named "model": through a sync handler, or
    astream_events."""
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | make_step() | StrOutputParser()
    seen: list[tuple[str, list[str]]] = []

    class Tags(BaseCallbackHandler):
        def on_chain_start(self, *args: Any, **kwargs: Any) -> None:
            seen.append((kwargs["name"], kwargs["tags"]))

        def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
            seen.append(("model", kwargs["tags"]))

    async def events() -> None:
        async for event in chain.astream_events({"q": "hi"}, {"tags": ["x"]}, version="v2"):
            if event["event"].endswith("_start"):
                key = "model" if event["event"] == "on_chat_model_start" else event["name"]
                seen.append((key, event["tags"]))

    if sync:
        chain.invoke({"q": "hi"}, {"tags": ["x"], "callbacks": [Tags()]})
    else:
        asyncio.run(events())
    return seen


@pytest.mark.parametrize("sync", [True, False])
def test_a_step_of_a_langchain_sequence_has_its_position_tag(sync: bool) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from chatplex.core.lambdas import RunnableLambda

    theirs = _step_tags(lambda: FakeListChatModel(responses=["a"]), sync)
    ours = _step_tags(lambda: FakeChatModel(["a"]), sync)
    assert ours == theirs
    assert ("model", ["seq:step:2", "x"]) in ours
    # A chatplex sequence as the step (LangChain would flatten its own into the outer
    # one): its position; its children their own positions only.
    ours = _step_tags(lambda: RunnableLambda(str) | FakeChatModel(["a"]), sync)
    assert ours == [
        ("RunnableSequence", ["x"]),
        ("ChatPromptTemplate", ["seq:step:1", "x"]),
        ("RunnableSequence", ["seq:step:2", "x"]),
        ("str", ["seq:step:1", "x"]),
        ("model", ["seq:step:2", "x"]),
        ("StrOutputParser", ["seq:step:3", "x"]),
    ]


def test_a_run_knows_its_ancestors_and_labels() -> None:
    root = ChainRun({}, "root", "chain", [], [])
    child = ChainRun(
        {"_parent_run": root, "run_name": "named", "metadata": {"k": 1}}, "Child", "parser", [], []
    )
    grandchild = ChainRun({"_parent_run": child}, "leaf", "chain", [], [])
    assert root.parent_run_id is None and root.parent_ids == ()
    assert child.parent_run_id == root.run_id and child.id == str(child.run_id)
    assert grandchild.parent_ids == (root.id, child.id)
    assert (child.name, child.run_type, child.metadata) == ("named", "parser", {"k": 1})


def test_handlers_get_langchains_arguments() -> None:
    handler, listener = Recorder(), Listener()
    parent = ChainRun({}, "parent", "chain", [], [])
    config: RunnableConfig = {"_parent_run": parent, "tags": ["t"], "metadata": {"m": 1}}
    run = ChainRun(config, "step", "prompt", [handler], [listener])
    run.start({"topic": "x"})
    run.end("out", {"topic": "x"})
    (start, args, kw), (end, end_args, end_kw) = handler.calls
    assert start == "on_chain_start" and args == ({"name": "step"}, {"topic": "x"})
    assert kw == {
        "run_id": run.run_id,
        "parent_run_id": parent.run_id,
        "tags": ["t"],
        "metadata": {"m": 1},
        "name": "step",
        "run_type": "prompt",
    }
    # An end is told the run's ids and tags alone (its start had the input), as LangChain's.
    assert end == "on_chain_end" and end_args == ("out",)
    assert end_kw == {"run_id": run.run_id, "parent_run_id": parent.run_id, "tags": ["t"]}
    assert listener.seen == [
        ("start", "step", {"input": {"topic": "x"}}),
        ("end", "step", {"output": "out", "input": {"topic": "x"}}),
    ]
    assert run.started


def test_an_input_still_streaming_in_is_reported_as_langchain_does() -> None:
    handler, listener = Recorder(), Listener()
    run = ChainRun({}, "step", "chain", [handler], [listener])
    run.start()  # the input is not known yet
    run.end("out", UNKNOWN)
    # LangChain's chains pass no serialized form, and `run_type` None for a chain.
    assert handler.calls[0][1] == (None, {"input": ""})
    assert handler.calls[0][2]["run_type"] is None
    assert handler.calls[0][2]["defers_inputs"] is False
    assert handler.calls[1][2]["inputs"] is None
    assert listener.seen == [("start", "step", {}), ("end", "step", {"output": "out"})]


def test_a_handler_gets_only_the_keywords_its_signature_takes() -> None:
    got: list[dict[str, Any]] = []

    class Narrow:
        def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: Any, name: str) -> None:
            got.append({"run_id": run_id, "name": name})

    run = ChainRun({"tags": ["t"]}, "step", "chain", [Narrow()], [])
    run.start(1)
    assert got == [{"run_id": run.run_id, "name": "step"}]


def test_custom_events_get_langchains_keywords() -> None:
    handler, listener = Recorder(), Listener()
    run = ChainRun({"tags": ["t"]}, "step", "chain", [handler], [listener])
    run.custom("progress", {"done": 1})
    [(method, args, kw)] = handler.calls
    assert (method, args) == ("on_custom_event", ("progress", {"done": 1}))
    assert kw == {"run_id": run.run_id, "tags": ["t"], "metadata": {}}  # no parent, no name
    assert listener.seen == [("custom", "progress", {"done": 1})]


async def test_async_handler_methods_are_awaited_from_sync_and_async_code() -> None:
    done: list[str] = []

    class Async:
        async def on_chain_start(self, *args: Any, **kw: Any) -> None:
            await asyncio.sleep(0)
            done.append("start")

        async def on_chain_end(self, *args: Any, **kw: Any) -> None:
            done.append("end")

    run = ChainRun({}, "step", "chain", [Async()], [])
    await asyncio.to_thread(run.start, 1)  # sync code: run to completion on the portal
    await run.aend("out", 1)
    assert done == ["start", "end"]


def test_an_abandoned_run_reports_no_error() -> None:
    handler, listener = Recorder(), Listener()
    run = ChainRun({}, "step", "chain", [handler], [listener])
    run.error(ValueError("real"))
    listener.abandoned = True  # the event stream's consumer left
    run.error(ValueError("the stop signal"))
    assert [c[0] for c in handler.calls] == ["on_chain_error"]
    assert [s[0] for s in listener.seen] == ["error"]


def test_run_ids_are_version_4_uuids_no_script_seed_repeats() -> None:
    import random
    import uuid

    from chatplex.core.runs import new_run_id

    ids = [new_run_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert all(i == uuid.UUID(str(i)) for i in ids[:50])  # well-formed, round-trips
    random.seed(7)  # a script's seed does not reach the run ids
    first = new_run_id()
    random.seed(7)
    assert new_run_id() != first


def test_a_run_id_is_the_uuid_its_int_makes() -> None:
    # made without `UUID.__init__`: every slot set as it sets them
    import copy
    import pickle
    import uuid

    from chatplex.core.runs import new_run_id

    for run_id in [new_run_id() for _ in range(200)]:
        same = uuid.UUID(int=run_id.int)
        assert type(run_id) is uuid.UUID and run_id == same and hash(run_id) == hash(same)
        assert (str(run_id), repr(run_id), run_id.variant) == (str(same), repr(same), uuid.RFC_4122)
        assert run_id.is_safe is same.is_safe is uuid.SafeUUID.unknown
        assert pickle.loads(pickle.dumps(run_id)) == run_id == copy.deepcopy(run_id)


def test_a_forked_child_makes_other_run_ids_than_its_parent() -> None:
    import os

    from chatplex.core.runs import new_run_id

    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    new_run_id()  # the generator exists before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, to the parent
        os.write(write, new_run_id().bytes)
        os._exit(0)
    os.close(write)
    child = os.read(read, 16)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == 16 and child != new_run_id().bytes


class _Recorder:
    """A tracer that records chain runs itself (`records_chain_runs`)."""

    records_chain_runs = True
    raise_error = False

    def __init__(self, broken: bool = False) -> None:
        self.told: list[tuple[str, str, Any]] = []
        self.broken = broken

    def chain_started(self, run: RunNode, input: Any) -> None:
        self.told.append(("start", run.name, input))

    def chain_ended(self, run: RunNode, output: Any) -> None:
        if self.broken:
            raise ValueError("recorder bug")
        self.told.append(("end", run.name, output))

    def chain_failed(self, run: RunNode, error: BaseException) -> None:
        self.told.append(("error", run.name, type(error).__name__))


def test_a_recorder_alone_is_told_of_chain_runs_in_place() -> None:
    from chatplex.core.lambdas import RunnableLambda

    recorder = _Recorder()
    chain = RunnableLambda(lambda x: x + 1, name="inc") | RunnableLambda(lambda x: x * 2)
    assert chain.invoke(1, {"callbacks": [recorder]}) == 4
    assert [(kind, name) for kind, name, _ in recorder.told] == [
        ("start", "RunnableSequence"),
        ("start", "inc"),
        ("end", "inc"),
        ("start", "RunnableLambda"),
        ("end", "RunnableLambda"),
        ("end", "RunnableSequence"),
    ]
    assert recorder.told[0][2] == 1 and recorder.told[-1][2] == 4

    failing = _Recorder()

    def boom(x: int) -> int:
        raise KeyError(x)

    with pytest.raises(KeyError):
        asyncio.run(RunnableLambda(boom).ainvoke(1, {"callbacks": [failing]}))
    assert [kind for kind, _, _ in failing.told] == ["start", "error"]


def test_a_recorder_beside_another_handler_goes_through_the_protocol(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from chatplex.core.lambdas import RunnableLambda

    class Plain:
        def __init__(self) -> None:
            self.ends = 0

        def on_chain_end(self, outputs: Any, **_: Any) -> None:
            self.ends += 1

    recorder, plain = _Recorder(), Plain()
    RunnableLambda(lambda x: x).invoke(1, {"callbacks": [recorder, plain]})
    assert recorder.told == [] and plain.ends == 1  # the protocol's names, not the lane's

    broken = _Recorder(broken=True)
    assert RunnableLambda(lambda x: x).invoke(1, {"callbacks": [broken]}) == 1
    assert "recorder bug" in caplog.text  # logged, the call unharmed
