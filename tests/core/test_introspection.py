"""`Introspection` (`core/_introspection.py`): the event, log, schema, config-spec and
graph accessors every runnable has, each a thin door to its implementation, loaded on
first use."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex import RunnableLambda
from chatplex.core import events
from chatplex.core import log
from chatplex.core._late import LATE
from chatplex.core._watch import WatchedCall

FILTERS = {
    "include_names": ["a"],
    "include_types": ["chain"],
    "include_tags": ["t"],
    "exclude_names": ["b"],
    "exclude_types": ["prompt"],
    "exclude_tags": ["u"],
}


def recorder(calls: list[tuple[Any, ...]]) -> Any:
    def record(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return "delegated"

    return record


@pytest.mark.parametrize(
    ("method", "module", "name", "defaults"),
    [
        ("astream_events", events, "astream_events", ("v2",)),  # version
        ("stream_events", events, "stream_events", ("v2",)),
        ("astream_log", log, "astream_log", (True, True)),  # diff, with_streamed_output_list
    ],
)
def test_each_stream_is_handed_to_its_module_with_every_argument(
    monkeypatch: pytest.MonkeyPatch, method: str, module: Any, name: str, defaults: tuple[Any, ...]
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(module, name, recorder(calls))
    runnable = RunnableLambda(lambda x: x)
    config = {"tags": ["c"]}
    assert getattr(runnable, method)("input", config, **FILTERS, extra=1) == "delegated"
    [(args, kwargs)] = calls
    # The six filters go as one tuple, in EventFilter's order; the call's own keywords
    # as a dict.
    filters = tuple(FILTERS.values())
    call = WatchedCall(runnable, "input", config, filters, {"extra": 1})
    assert args == (call, *defaults)
    assert kwargs == {}


def test_schemas_come_through_the_late_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    class In(BaseModel):
        question: str

    class Out(BaseModel):
        answer: int

    monkeypatch.setattr(LATE, "input_schema", lambda runnable: In)
    monkeypatch.setattr(LATE, "output_schema", lambda runnable: Out)
    runnable = RunnableLambda(lambda x: x)
    assert runnable.input_schema is In and runnable.get_input_schema() is In
    assert runnable.output_schema is Out and runnable.get_output_schema() is Out
    assert runnable.get_input_jsonschema() == In.model_json_schema()
    assert runnable.get_output_jsonschema() == Out.model_json_schema()


def test_config_specs_and_graph_come_through_the_late_slots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(LATE, "config_specs", lambda runnable: ["spec of", runnable])
    monkeypatch.setattr(LATE, "graph", recorder(calls))
    runnable = RunnableLambda(lambda x: x)
    assert runnable.config_specs == ["spec of", runnable]
    config = {"tags": ["c"]}
    assert runnable.get_graph(config) == "delegated"
    assert calls == [((runnable, config), {})]


def test_logs_and_schemas_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "import chatplex\n"
        "r = chatplex.RunnableLambda(lambda x: x)\n"
        "lazy = ('chatplex.core.log', 'chatplex.core.schemas', 'pydantic')\n"
        "print([m for m in lazy if m in sys.modules])\n"
        "r.astream_log(1)\n"  # an async generator: made, not run
        "r.get_input_schema()\n"
        "print([m for m in lazy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    before, after = out.stdout.strip().splitlines()
    assert before == "[]"
    assert after == "['chatplex.core.log', 'chatplex.core.schemas', 'pydantic']"


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import _introspection

    failures, _ = doctest.testmod(_introspection, optionflags=doctest.ELLIPSIS)
    assert failures == 0
