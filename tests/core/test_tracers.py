"""Process-wide tracers: added to top-level calls, inherited by their children, never
twice, skipped where an outer framework traces the call; nothing when none is set."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex import init_chat_model
from chatplex.core import tracers as hook
from chatplex.core.run_config import ensure_config
from chatplex.core.run_config import get_config_list
from chatplex.core.tracers import Tracer
from chatplex.core.tracers import add_tracer
from chatplex.core.tracers import remove_tracer
from chatplex.core.tracers import tracers
from chatplex.core.tracers import with_tracers


class Recorder(Tracer):
    """A tracer that records (run type, name, parent) per start, and ends; in place, as
    every `Tracer` does (`run_inline`)."""

    def __init__(self, covered_by: str | None = None) -> None:
        self.covered_by = covered_by
        self.starts: list[tuple[str, str, Any]] = []
        self.ends: list[Any] = []
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
        with self._lock:
            self.threads.add(threading.current_thread().name)
            # As LangChain's tracers: a chain's `run_type` is None or absent.
            run_type = kw.get("run_type") or "chain"
            self.starts.append((run_type, kw["name"], kw["parent_run_id"]))

    def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
        with self._lock:
            self.threads.add(threading.current_thread().name)
            # As LangChain's tracers: `name` is a run_name only, else the model's own.
            name = kw["name"] or serialized["name"]
            self.starts.append(("llm", name, kw["parent_run_id"]))

    def on_chain_end(self, outputs: Any, **kw: Any) -> None:
        self.ends.append(kw["run_id"])

    def on_llm_end(self, result: Any, **kw: Any) -> None:
        self.ends.append(kw["run_id"])


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    tracer = Recorder()
    add_tracer(tracer)
    yield tracer
    remove_tracer(tracer)


def test_none_registered_means_configs_are_untouched() -> None:
    # The first call of the process reads the environment (the probe), then leaves.
    assert "callbacks" not in ensure_config({"tags": ["x"]})
    assert tracers() == () and hook.ACTIVE == ()
    assert all("callbacks" not in c for c in get_config_list(None, 3))


def test_add_is_idempotent_and_remove_forgets() -> None:
    tracer = Recorder()
    add_tracer(tracer)
    add_tracer(tracer)
    try:
        assert tracers() == (tracer,)
    finally:
        remove_tracer(tracer)
    remove_tracer(tracer)  # not registered: no error
    assert tracers() == ()


def test_top_level_configs_get_it_once(recorder: Recorder) -> None:
    mine = object()
    config = ensure_config({"callbacks": [mine]})
    assert config["callbacks"] == [mine, recorder]
    again = ensure_config(config)  # a child of a run-less step: already there
    assert again["callbacks"] == [mine, recorder]
    assert ensure_config({"callbacks": mine})["callbacks"] == [mine, recorder]
    assert all(c["callbacks"] == [recorder] for c in get_config_list([{}, {}], 2))


def test_a_nested_call_inherits_it_from_the_parent_run(recorder: Recorder) -> None:
    config: dict[str, Any] = {"_parent_run": object(), "callbacks": []}
    assert with_tracers(config) is None


def test_covered_tracers_skip_calls_an_outer_framework_traces(recorder: Recorder) -> None:
    covered = Recorder(covered_by="langchain")
    add_tracer(covered)
    try:
        config = ensure_config({"_traced_by": "langchain"})  # type: ignore[typeddict-unknown-key]
        assert config["callbacks"] == [recorder]
        assert ensure_config({})["callbacks"] == [recorder, covered]
    finally:
        remove_tracer(covered)


def test_a_langchain_manager_keeps_its_handlers(recorder: Recorder) -> None:
    class Manager:
        def __init__(self, handlers: list[Any]) -> None:
            self.handlers = handlers

    manager = Manager([object()])
    assert ensure_config({"callbacks": manager})["callbacks"] == [manager, recorder]
    already = Manager([recorder])
    assert ensure_config({"callbacks": already})["callbacks"] is already


def test_a_chain_reports_its_whole_tree_without_callbacks_passed(recorder: Recorder) -> None:
    model = init_chat_model("fake:any", responses=["pong"])
    chain = RunnableLambda(lambda x: x, name="first") | model
    assert chain.invoke("ping").text == "pong"
    kinds = [(kind, name) for kind, name, _ in recorder.starts]
    assert kinds == [("chain", "RunnableSequence"), ("chain", "first"), ("llm", "FakeChatModel")]
    root_parent = recorder.starts[0][2]
    assert root_parent is None and all(p is not None for _, _, p in recorder.starts[1:])
    assert len(recorder.ends) == 3


def test_a_model_called_inside_a_lambda_nests_under_it(recorder: Recorder) -> None:
    model = init_chat_model("fake:any", responses=["pong"])
    outer = RunnableLambda(lambda x: model.invoke(x).text, name="outer")
    assert outer.invoke("ping") == "pong"
    assert [(k, n) for k, n, _ in recorder.starts] == [("chain", "outer"), ("llm", "FakeChatModel")]
    assert recorder.starts[1][2] is not None


def test_batch_and_async_calls_are_traced(recorder: Recorder) -> None:
    model = init_chat_model("fake:any", responses=["pong"])
    model.batch(["a", "b"])
    asyncio.run(model.ainvoke("c"))
    assert [k for k, _, _ in recorder.starts] == ["llm", "llm", "llm"]
    assert all(parent is None for _, _, parent in recorder.starts)


def test_inline_tracers_are_not_sent_to_a_thread_on_the_portal(recorder: Recorder) -> None:
    """A sync batch of a chat model runs on the portal loop; handlers there normally
    hop to a worker thread, a tracer that only records is called in place."""
    model = init_chat_model("fake:any", responses=["pong"])
    model.batch(["a", "b", "c"])
    assert len(recorder.starts) == 3
    assert not any(name.startswith("asyncio_") for name in recorder.threads)


@pytest.fixture()
def fresh_probe() -> Iterator[None]:
    """The hook as `import chatplex` leaves it when no switch was set, restored after."""
    saved = hook.ACTIVE
    hook.ACTIVE = ()
    yield
    hook.ACTIVE = saved
    hook._probe_callback = None


def test_the_probe_runs_once_at_the_first_top_level_call(fresh_probe: None) -> None:
    """The environment is read at the first call (as LangChain reads LANGSMITH_TRACING):
    a tracer the probe adds hears that very call."""
    recorder = Recorder()
    runs: list[int] = []

    def probe() -> None:
        runs.append(1)
        add_tracer(recorder)

    hook.probe_at_first_call(probe)
    assert tracers() == ()  # the stand-in is not a tracer
    try:
        assert RunnableLambda(lambda x: x + 1).invoke(1) == 2
        assert RunnableLambda(lambda x: x + 1).invoke(2) == 3
    finally:
        remove_tracer(recorder)
    assert runs == [1]
    assert [s[1] for s in recorder.starts] == ["RunnableLambda", "RunnableLambda"]


def test_a_probe_that_finds_nothing_leaves_calls_untouched(fresh_probe: None) -> None:
    hook.probe_at_first_call(lambda: None)
    assert hook.ACTIVE != ()
    assert "callbacks" not in ensure_config({"tags": ["x"]})
    assert hook.ACTIVE == () and all("callbacks" not in c for c in get_config_list(None, 2))


def test_a_failing_probe_is_logged_not_raised(
    fresh_probe: None, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("no tracing today")

    hook.probe_at_first_call(broken)
    assert RunnableLambda(lambda x: x).invoke(5) == 5
    assert "no tracing today" in caplog.text and hook.ACTIVE == ()


def test_threads_racing_to_the_first_call_run_the_probe_once(fresh_probe: None) -> None:
    runs: list[int] = []
    hook.probe_at_first_call(lambda: runs.append(1))
    threads = [threading.Thread(target=ensure_config, args=({},)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert runs == [1] and hook.ACTIVE == ()
