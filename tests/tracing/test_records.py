"""The LangSmith tracer's records: chain runs noted in place (`ChainRecord`), the run
dicts made of them, the dotted order, and the bound on runs kept open.

(That a record's run dict is the handler protocol's, key for key, is
tests/tracing/test_langsmith_lane.py's.)"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

from chatplex.core.lambdas import RunnableLambda
from chatplex.tracing import records
from chatplex.tracing.records import ChainRecord
from chatplex.tracing.records import as_run
from chatplex.tracing.records import dotted_order


class Tracer:
    """What a `ChainRecord` uses of its tracer; keeps what it is given to send."""

    records_chain_runs = True
    chain_run_class = ChainRecord

    def __init__(self, project_name: str | None = "proj") -> None:
        self.project_name = project_name
        self._runs: dict[Any, Any] = {}
        self._lock = threading.Lock()
        self.queued: list[Any] = []

    def _queue(self, run: Any) -> None:
        self.queued.append(run)


def test_the_dotted_order_is_made_when_read_parent_first() -> None:
    """Made on the sender's thread (or when a LangChain object nests under the run):
    the parent's order, then the run's start time and id, whichever is asked first."""
    start = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    root = {"id": uuid.uuid4(), "start_time": start}
    child = {"id": uuid.uuid4(), "start_time": start, "_parent": root}
    grandchild = {"id": uuid.uuid4(), "start_time": start, "_parent": child}
    own = f"20260102T030405000006Z{root['id']}"
    assert dotted_order(grandchild) == f"{own}.20260102T030405000006Z{child['id']}." + (
        f"20260102T030405000006Z{grandchild['id']}"
    )
    assert root["dotted_order"] == own and child["dotted_order"].startswith(own + ".")
    assert dotted_order(root) == own


def test_a_chain_traced_alone_is_recorded_in_its_run_nodes() -> None:
    tracer = Tracer()
    inner = RunnableLambda(lambda x: x + 1, name="inc")
    chain = inner | RunnableLambda(lambda x: {"doubled": x * 2}, name="double")
    assert chain.invoke(1, {"callbacks": [tracer]}) == {"doubled": 4}
    assert [type(r) for r in tracer.queued] == [ChainRecord] * 3
    assert tracer._runs == {}  # every run ended: none kept open
    inc, double, root = (as_run(r) for r in tracer.queued)
    assert (root["name"], inc["name"], double["name"]) == ("RunnableSequence", "inc", "double")
    assert inc["inputs"] == {"input": 1} and inc["outputs"] == {"output": 2}
    assert double["outputs"] == {"doubled": 4}
    assert root["trace_id"] == inc["trace_id"] == root["id"] and "parent_run_id" not in root
    assert inc["parent_run_id"] == root["id"] and root["session_name"] == "proj"
    assert inc["dotted_order"].startswith(root["dotted_order"] + ".")
    assert inc["tags"] == ["seq:step:1"] and inc["serialized"] == {"name": "inc"}
    assert [e["name"] for e in inc["events"]] == ["start", "end"]
    assert inc["start_time"] <= inc["end_time"] and inc["events"][1]["time"] == inc["end_time"]
    assert inc["dotted_order"][-36:] == str(inc["id"])
    stamp = inc["start_time"].strftime("%Y%m%dT%H%M%S%fZ")
    assert inc["dotted_order"].split(".")[-1] == stamp + str(inc["id"])


def test_a_failing_step_is_recorded_with_its_error() -> None:
    tracer = Tracer()

    def broken(x: Any) -> Any:
        raise ValueError("no")

    with pytest.raises(ValueError):
        RunnableLambda(broken).invoke(1, {"callbacks": [tracer]})
    (run,) = (as_run(r) for r in tracer.queued)
    assert run["outputs"] == {} and run["error"].startswith("ValueError('no')")
    assert "Traceback" in run["error"] and run["events"][-1]["name"] == "error"


def test_the_input_is_recorded_as_it_was_at_the_start() -> None:
    tracer = Tracer()
    history = ["first"]
    RunnableLambda(lambda d: d["history"].append("added in the step")).invoke(
        {"history": history}, {"callbacks": [tracer]}
    )
    RunnableLambda(lambda h: h.append("added too")).invoke(history, {"callbacks": [tracer]})
    first, second = (as_run(r) for r in tracer.queued)
    assert first["inputs"] == {"history": ["first"]}
    assert second["inputs"] == {"input": ["first", "added in the step"]}


def test_runs_never_ended_are_forgotten_oldest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "MAX_OPEN_RUNS", 2)
    tracer = Tracer()
    started = []
    for name in ("a", "b", "c"):
        run = ChainRecord({}, name, "chain", [tracer], [])
        run.start("x")
        started.append(run)
    assert list(tracer._runs.values()) == started[1:]
    started[0].end("late", "x")  # forgotten: not sent
    started[2].end("done", "x")
    assert tracer.queued == [started[2]]


def test_a_child_finds_its_parents_trace_and_project_and_ids_when_asked() -> None:
    tracer = Tracer(project_name=None)
    root = ChainRecord({}, "root", "chain", [tracer], [])
    child = ChainRecord({"_parent_run": root}, "child", "prompt", [tracer], [])
    assert child.up is root and child.trace_id == root.run_id
    assert child.parent_ids == (str(root.run_id),) and root.parent_ids == ()
    stranger = ChainRecord({"_parent_run": root}, "other", "chain", [Tracer()], [])
    assert stranger.up is None and stranger.trace_id == stranger.run_id  # another tracer's


def test_a_queue_that_fails_does_not_break_the_call() -> None:
    class Broken(Tracer):
        def _queue(self, run: Any) -> None:
            raise RuntimeError("full")

    assert RunnableLambda(lambda x: x).invoke(3, {"callbacks": [Broken()]}) == 3


@pytest.mark.parametrize("project", ["proj", None])
def test_a_record_written_for_the_sender_is_the_same_bytes(project: str | None) -> None:
    """`as_wire` writes a record's parts without its run dict: the parts the sender
    writes are those of the plain run dict, byte for byte (chain runs, a failing one, a
    recorded chat-model call; a root with and without a project of its own)."""
    from chatplex import FakeChatModel
    from chatplex.tracing.records import as_wire
    from chatplex.tracing.sender import LangSmithSender
    from chatplex.tracing.sender import SenderSettings

    class Recording(Tracer):
        records_chat_runs = True

        def parent_record(self, parent: Any) -> Any:
            return records.record_of(self, parent)

        def record_chat_run(self, record: Any) -> None:
            self.queued.append(record)

    tracer = Recording(project_name=project)

    def broken(x: Any) -> Any:
        raise ValueError("no")

    model = FakeChatModel(responses=["fine"])
    chain = RunnableLambda(lambda x: str(x), name="same") | model | RunnableLambda(broken)
    with pytest.raises(ValueError):
        chain.invoke({"q": [1, "a"]}, {"callbacks": [tracer], "metadata": {"k": "v"}})
    model.invoke("alone", {"callbacks": [tracer], "tags": ["t"]})
    settings = SenderSettings(endpoint="http://127.0.0.1:9", api_key="k", project="p")
    sender = LangSmithSender(settings)
    assert [type(r).__name__ for r in tracer.queued] == [
        "ChainRecord",
        "RecordedChatRun",
        "ChainRecord",
        "ChainRecord",
        "RecordedChatRun",
    ]
    for record in tracer.queued:
        wire = as_wire(record, "p")
        assert type(wire) is tuple
        plain = sender._parts([as_run(record)], "b")
        assert sender._parts([wire], "b") == plain
        # (a boundary given to `encode` is the caller's: a `%` in it is written as it is)
        assert sender._parts([wire], "b%s%d") == plain.replace(b"--b\r\n", b"--b%s%d\r\n")
    written = sender._parts([as_wire(r, "p") for r in tracer.queued], "b")
    assert b'"k":"v"' in written and b'"name":"error"' in written and b'"usage_metadata"' in written
    assert (b'"session_name":"p"' in written) is (project is None)


def test_times_are_written_as_datetime_writes_them() -> None:
    """`_clock`: the ISO time and the dotted order's stamp of a `time.time()` float, as
    `datetime.fromtimestamp(..., UTC)` makes them: microseconds rounded half to even, a
    second's last microsecond rounded up into the next, none written when they are 0."""
    import random

    draw = random.Random(7)
    moments = [1_764_000_000.0, 1_764_000_000.9999996, 1_764_000_000.0000004, 1_764_000_000.5]
    moments += [1_764_000_000 + draw.random() * 1e6 for _ in range(5_000)]
    moments += [0.5e-6 + n * 1e-6 for n in range(5)]  # exact ties near the epoch
    for when in moments:
        moment = datetime.fromtimestamp(when, UTC)
        assert records._clock(when) == (moment.isoformat(), records.order_stamp(moment)), when
