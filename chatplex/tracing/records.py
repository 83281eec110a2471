"""The LangSmith tracer's runs as they are kept until sent, and the run dicts made of them.

Three kinds of ended run reach the batcher's thread (`as_run`):

- a run dict, built by the handler protocol's methods (`LangSmithTracer._start` /
  `_end`), its inputs and outputs still chatplex's objects (`Later`): `materialized`
  turns it into JSON data in place;
- a `ChainRecord`, a chain run the tracer alone hears: the run node itself, which notes
  its times, input and output where they happen (no handler call, no dict on the
  caller's side): `chain_run` makes the run dict `on_chain_start` / `on_chain_end` (or
  `on_chain_error`) would have made;
- a `RecordedChatRun` (`chat/recorded_run.py`), a chat-model call the tracer alone hears:
  `recorded_run` makes the run dict `on_chat_model_start` ... `on_llm_end` (or
  `on_llm_error`) would have made.

The same run, key for key, whichever way it came (tests/tracing/test_langsmith_lane.py).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import traceback
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Protocol

from ..chat.callbacks import ls_params
from ..chat.llm_results import reply_result
from ..chat.llm_results import result_of
from ..chat.recorded_run import NO_LISTENERS
from ..chat.recorded_run import shared_tags
from ..core.runs import FOLLOWED_PARENT_IDS
from ..core.runs import UNKNOWN
from ..core.runs import RecordedChainRun
from ..messages import AIMessage
from .sender import SERIALIZED_RUN_TYPES
from .serialize import chain_inputs
from .serialize import chain_outputs
from .serialize import dumpd
from .serialize import llm_result
from .serialize import llm_result_of
from .serialize import usage_of
from .serialize import with_gateway
from .writer import dumps

__all__ = [
    "ChainRecord",
    "Later",
    "Recorder",
    "WireRun",
    "as_run",
    "as_wire",
    "chain_run",
    "chain_wire",
    "chat_wire",
    "dotted_order",
    "materialized",
    "recorded_run",
    "stacktrace",
    "trace_of",
]

logger = logging.getLogger("chatplex.tracing")

#: Runs kept open at most. A stream its consumer stopped reading ends without an end or
#: an error (it was not a failure); its run is never sent, and is dropped, oldest first,
#: once this many are open, so a long-lived process does not accumulate them.
MAX_OPEN_RUNS = 10_000


class Recorder(Protocol):
    """What a `ChainRecord` uses of its tracer."""

    project_name: str | None
    _runs: dict[Any, Any]
    _lock: threading.Lock

    def _queue(self, run: Any) -> None: ...


def open_run(tracer: Recorder, run_id: Any, run: Any) -> None:
    """Keep `run` open (its children and LangChain's objects find it by id), within
    `MAX_OPEN_RUNS`: runs that never ended are forgotten, oldest first."""
    runs = tracer._runs
    runs[run_id] = run
    if len(runs) > MAX_OPEN_RUNS:
        with tracer._lock:
            while len(runs) > MAX_OPEN_RUNS:
                runs.pop(next(iter(runs)), None)


#: A transform's input at its start: LangChain's placeholder until its end tells it.
_DEFERRED: dict[str, Any] = {"input": ""}


class ChainRecord(RecordedChainRun):
    """A chain run (sequence, prompt, parser, lambda) that one LangSmith tracer alone
    hears: the run node notes its start and end times, its input and its output (their
    containers copied, `snapshot`) in place, and is queued as it is when it ends; the
    run dict is made on the batcher's thread (`chain_run`). The tracer names this class
    (`chain_run_class`), `core/_traced.py` makes it."""

    __slots__ = (
        "end_time",
        "failure",
        "input",
        "output",
        "session_name",
        "start_time",
        "trace_id",
        "tracer",
        "up",
        "dotted",
    )

    def _place(self, parent: Any) -> None:
        # Its tracer's (the one handler), and the trace it is in; `parent_ids` made when read.
        self.tracer = tracer = self.handlers[0]
        # Lists shared by every record, never changed in place, instead of the two made
        # for it: a record waits queued, and each container it keeps counts towards the
        # next garbage collection (`recorded_run.NO_LISTENERS`).
        self.handlers = getattr(tracer, "alone_handlers", None) or self.handlers
        self.listeners = NO_LISTENERS
        self.tags = shared_tags(self.tags)
        self.dotted: str | None = None
        self.failure: BaseException | None = None
        self.output: Any = None
        # The parent's record (None: a root, or a child of a run this tracer never saw).
        up = None if parent is None else record_of(tracer, parent)
        self.up = up
        if up is None:
            self.trace_id = self.run_id
            self.session_name = tracer.project_name
        else:
            self.trace_id, self.session_name = trace_of(up)

    parent_ids = FOLLOWED_PARENT_IDS  # RunNode's slot, made when read

    def start(self, input: Any = UNKNOWN) -> None:
        self.started = True
        self.start_time = time.time()
        if input is UNKNOWN:  # a transform's: told at its end or error, as LangChain's
            self.input = _DEFERRED
            self.given = None  # (the pieces it read before an error: `_traced._note_read`)
        else:  # (a call to `snapshot` only for what it copies)
            self.input = snapshot(input) if type(input) in _COPIED else input
        open_run(self.tracer, self.run_id, self)

    def end(self, output: Any, input: Any) -> None:
        self.end_time = time.time()
        self.output = snapshot(output) if type(output) in _COPIED else output
        if self.input is _DEFERRED and input is not UNKNOWN:
            self.input = snapshot(input) if type(input) in _COPIED else input
        self._close()

    def error(self, exc: BaseException) -> None:
        self.end_time = time.time()
        self.failure = exc
        if self.input is _DEFERRED and getattr(self, "given", None) is not None:
            self.input = self.given
        self._close()

    def _close(self) -> None:
        tracer = self.tracer
        try:
            if tracer._runs.pop(self.run_id, None) is not None:  # else: forgotten
                tracer._queue(self)
        except Exception as exc:  # tracing never breaks the program it watches
            logger.warning("LangSmith: a run not recorded: %r", exc)


def record_of(tracer: Recorder, parent: Any) -> Any:
    """The record of `parent` (a run node) in `tracer`: itself when it is one of its
    `ChainRecord`s, else the open run of that id (a dict), or None."""
    if type(parent) is ChainRecord and parent.tracer is tracer:
        return parent
    return tracer._runs.get(parent.run_id)


def trace_of(record: Any) -> tuple[Any, str | None]:
    """A run's trace id and project: what its children take."""
    if type(record) is dict:
        return record["trace_id"], record.get("session_name")
    return record.trace_id, record.session_name


class Later:
    """A value to convert on the batcher's thread: the function and its argument as they
    were when the run started or ended (`snapshot`)."""

    __slots__ = ("convert", "value")

    def __init__(self, convert: Callable[[Any], Any], value: Any, copied: bool = False) -> None:
        self.convert = convert
        self.value = value if copied else snapshot(value)


def snapshot(value: Any, depth: int = 0) -> Any:
    """`value` with its lists, tuples and dicts copied (a few levels deep), the rest by
    reference: a chat loop appends to the history list it just passed before the
    batcher's thread gets to it; the objects in them (messages, replies) are not changed
    in use."""
    if depth > 8:
        return value
    kind = type(value)
    if kind is dict:
        return {
            key: snapshot(item, depth + 1) if type(item) in _COPIED else item
            for key, item in value.items()
        }
    if kind is list or kind is tuple:
        return kind(snapshot(item, depth + 1) for item in value)
    return value


#: The containers `snapshot` copies.
_COPIED = frozenset({list, tuple, dict})


def dotted_order(run: Any) -> str:
    """The run's `dotted_order` (LangSmith sorts a trace by it): its parent's, then its
    start time and id. Made when first asked for, not when the run starts: most runs
    are only asked on the sender's thread. The same string whichever thread asks."""
    order: str | None
    if type(run) is not dict:
        order = run.dotted
        if order is None:
            order = _record_order(run, _clock(run.start_time)[1], str(run.run_id))
        return order
    order = run.get("dotted_order")
    if order is None:
        own = order_stamp(run["start_time"]) + str(run["id"])
        parent = run.get("_parent")
        order = own if parent is None else f"{dotted_order(parent)}.{own}"
        run["dotted_order"] = order
    return order


def _record_order(record: ChainRecord, stamp: str, run_id: str) -> str:
    """A `ChainRecord`'s dotted order, from its start's `order_stamp` and its id's text,
    kept on it."""
    up = record.up
    own = stamp + run_id
    order = record.dotted = own if up is None else f"{dotted_order(up)}.{own}"
    return order


def order_stamp(moment: datetime) -> str:
    """`moment.strftime("%Y%m%dT%H%M%S%fZ")` (a dotted order's time), at a third of its cost."""
    return "%04d%02d%02dT%02d%02d%02d%06dZ" % (  # noqa: UP031 (the fastest form here)
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
        moment.microsecond,
    )


def _moment(when: float) -> datetime:
    return datetime.fromtimestamp(when, UTC)


def _clock(when: float) -> tuple[str, str]:
    """`_moment(when).isoformat()` and `order_stamp(_moment(when))` at a fifth of their
    cost: the date and time of day are formatted once a second (`time.time()` floats,
    rounded to the microsecond half to even, as `datetime.fromtimestamp` rounds them)."""
    global _SECOND
    fraction, whole = math.modf(when)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        whole += 1
        micro -= 1_000_000
    second = int(whole)
    known = _SECOND
    if known[0] != second:
        moment = datetime.fromtimestamp(second, UTC)
        known = _SECOND = (second, moment.isoformat()[:19], order_stamp(moment)[:15])
    if micro:
        digits = "%06d" % micro  # noqa: UP031 (formatted once for both)
        return f"{known[1]}.{digits}+00:00", f"{known[2]}{digits}Z"
    return known[1] + "+00:00", known[2] + "000000Z"


#: The second `_clock` last formatted: (its time stamp, its ISO form, its dotted form).
_SECOND: tuple[int, str, str] = (-1, "", "")


def materialized(run: dict[str, Any]) -> dict[str, Any]:
    """Turn a run dict's deferred fields into JSON data (in place), on the batcher's
    thread."""
    dotted_order(run)
    run.pop("_parent", None)
    for key in ("inputs", "outputs", "error"):
        value = run.get(key)
        if isinstance(value, Later):
            run[key] = value.convert(value.value)
    run.pop("_had_token", None)
    response = run.pop("_usage_from", None)
    if response is not None:
        metadata = run["extra"].setdefault("metadata", {})
        usage = usage_of(response)
        if usage is not None:
            metadata["usage_metadata"] = usage
        with_gateway(metadata, response)
    return run


def chain_run(record: ChainRecord) -> dict[str, Any]:
    """The run dict `on_chain_start` and `on_chain_end` (or `on_chain_error`) would have
    built for `record`, then `materialized`."""
    started = _moment(record.start_time)
    ended = _moment(record.end_time)
    run = _chain_fields(record, started, ended)
    failure = record.failure
    run["inputs"] = chain_inputs(record.input)
    run["extra"] = {"metadata": dict(record.metadata)}
    run["serialized"] = {"name": run["name"]}
    end = "end" if failure is None else "error"
    run["events"] = [{"name": "start", "time": started}, {"name": end, "time": ended}]
    if failure is None:
        run["outputs"] = chain_outputs(record.output)
    else:
        run["outputs"] = {}
        run["error"] = stacktrace(failure)
    return run


def chain_wire(record: ChainRecord, project: str) -> WireRun:
    """`chain_run(record)` as chatplex's sender writes it (`WireRun`), without the dict:
    the parts a chain run writes the same every time (its `serialized`, an `extra`
    without metadata) are written once. Its `serialized` goes as the langsmith client
    sends it: a prompt's only (`sender.kept_serialized`)."""
    start_text, stamp = _clock(record.start_time)
    end_text = _clock(record.end_time)[0]
    run_id = dumps(record.run_id)[1:-1]  # its JSON string's text
    if record.dotted is None:  # from the stamp made here (`dotted_order` would again)
        _record_order(record, stamp, run_id.decode())
    main = _chain_fields(record, start_text, end_text)
    failure = record.failure
    end = b"end" if failure is None else b"error"
    metadata = record.metadata
    return (
        record.trace_id,
        run_id,
        _main_json(main, project),
        dumps(chain_inputs(record.input)),
        dumps(chain_outputs(record.output)) if failure is None else b"{}",
        _EVENTS % (start_text.encode(), end, end_text.encode()),
        dumps({"metadata": metadata}) if metadata else _NO_METADATA,
        None if failure is None else dumps(stacktrace(failure)),
        _serialized(main["name"]) if main["run_type"] in SERIALIZED_RUN_TYPES else None,
    )


def _chain_fields(record: ChainRecord, start: Any, end: Any) -> dict[str, Any]:
    """A chain run's fields but the big ones (`sender.BIG_FIELDS`), its times `start` and
    `end` as given."""
    run: dict[str, Any] = {
        "id": record.run_id,
        "name": record.name or "Runnable",
        "run_type": record.run_type or "chain",
        "start_time": start,
        "tags": list(record.tags),
    }
    parent = record.parent
    if parent is not None:
        run["parent_run_id"] = parent.run_id
    run["trace_id"] = record.trace_id
    run["session_name"] = record.session_name
    run["end_time"] = end
    run["dotted_order"] = dotted_order(record)
    return run


def _main_json(fields: dict[str, Any], project: str) -> bytes:
    """The `post.<id>` part of a run whose `fields` are all but its big ones: a root
    without a project gets the sender's `project`, last, as the sender writes a run dict."""
    if fields["session_name"] is None:
        del fields["session_name"]
        fields["session_name"] = project
    return dumps(fields)


#: A run as chatplex's sender writes it: its trace id (for sampling), its id's text, then
#: JSON bytes: the `post.<id>` part's fields, `inputs`, `outputs`, `events`, `extra`
#: (without `runtime`: the sender adds it), `error` and `serialized` (None: none).
WireRun = tuple[Any, bytes, bytes, bytes, bytes, bytes, bytes, bytes | None, bytes | None]

#: A run's `events` as JSON when it has only its start, then its end or error.
_EVENTS = b'[{"name":"start","time":"%s"},{"name":"%s","time":"%s"}]'
_NO_METADATA = b'{"metadata":{}}'
#: `dumps({"name": name})` per runnable name (a chain run's `serialized`).
_SERIALIZED: dict[str, bytes] = {}


def _serialized(name: str) -> bytes:
    written = _SERIALIZED.get(name)
    if written is None:
        written = dumps({"name": name})
        if len(_SERIALIZED) < 1_000:  # (names made on the fly: written every time)
            _SERIALIZED[name] = written
    return written


def retry_detail(retry_state: Any) -> dict[str, Any]:
    """A retry event's `kwargs`, as LangChain's tracer writes them."""
    detail: dict[str, Any] = {
        "slept": retry_state.idle_for,
        "attempt": retry_state.attempt_number,
    }
    outcome = retry_state.outcome
    if outcome is not None and outcome.failed:
        error = outcome.exception()
        detail.update(outcome="failed", exception=str(error))
        detail["exception_type"] = type(error).__name__
    return detail


def recorded_run(record: Any) -> dict[str, Any]:
    """The run dict `on_chat_model_start` ... `on_llm_end` (or `on_llm_error`) would have
    built for a `RecordedChatRun`, then `materialized`: key for key; built whole on the
    batcher's thread."""
    started = _moment(record.start_time)
    ended = _moment(record.end_time)
    run = _chat_fields(record, started, ended, order_stamp(started), str(record.run_id))
    outputs, error, extra = _chat_ending(record)
    run["inputs"] = message_inputs([record.messages])
    run["extra"] = extra
    run["serialized"] = record.serialized or {"name": run["name"]}
    run["events"] = _chat_events(record, started, ended)
    run["outputs"] = outputs
    if error is not None:
        run["error"] = error
    return run


def chat_wire(record: Any, project: str) -> WireRun:
    """`recorded_run(record)` as chatplex's sender writes it (`WireRun`), without the
    dict."""
    start_text, stamp = _clock(record.start_time)
    end_text = _clock(record.end_time)[0]
    run_id = dumps(record.run_id)[1:-1]  # its JSON string's text
    main = _chat_fields(record, start_text, end_text, stamp, run_id.decode())
    outputs, error, extra = _chat_ending(record)
    if record.token_time is None and not record.retries:
        end = b"end" if error is None else b"error"
        events = _EVENTS % (start_text.encode(), end, end_text.encode())
    else:
        started, ended = _moment(record.start_time), _moment(record.end_time)
        events = dumps(_chat_events(record, started, ended))
    return (
        main["trace_id"],
        run_id,
        _main_json(main, project),
        dumps(message_inputs([record.messages])),
        dumps(outputs),
        events,
        dumps(extra),
        None if error is None else dumps(error),
        dumps(record.serialized) if record.serialized else _serialized(main["name"]),
    )


def _chat_fields(record: Any, start: Any, end: Any, stamp: str, run_id: str) -> dict[str, Any]:
    """A recorded call's run fields but the big ones, its times `start` and `end` as
    given (`stamp`: its start's `order_stamp`, `run_id`: its id's text)."""
    run: dict[str, Any] = {
        "id": record.run_id,
        "name": record.name or "ChatModel",
        "run_type": "llm",
        "start_time": start,
        "tags": list(record.tags),
    }
    own_order = stamp + run_id
    parent = record.parent_record
    if parent is not None:
        run["parent_run_id"] = record.parent_run_id
        run["trace_id"], run["session_name"] = trace_of(parent)
        order = f"{dotted_order(parent)}.{own_order}"
    else:
        run["trace_id"] = record.run_id
        run["session_name"] = record.tracer.project_name
        if record.parent_run_id is not None:
            run["parent_run_id"] = record.parent_run_id
        order = own_order
    run["end_time"] = end
    run["dotted_order"] = order
    return run


def _chat_ending(record: Any) -> tuple[dict[str, Any], str | None, dict[str, Any]]:
    """A recorded call's `outputs` (the `LLMResult` form), `error` text, and `extra`
    (with the reply's usage in its metadata)."""
    params = dict(record.params)
    metadata = {**record.metadata, **ls_params(params)}
    extra = {
        "invocation_params": params,
        "options": {"stop": params.get("stop")},
        "batch_size": 1,
        "metadata": metadata,
    }
    error = record.failure
    if error is not None:
        return {}, stacktrace(error), extra
    reply = record.reply
    if type(reply) is AIMessage and not reply.response_metadata.get("other_candidates"):
        # A whole reply, one candidate: `llm_result(result_of(reply))` and its usage
        # written without the `LLMResult` and `ChatGeneration` read back here.
        infos, llm_output = reply_result(reply)
        generation = {
            "text": reply.text,
            "generation_info": infos[0],
            "type": "ChatGeneration",
            "message": dumpd(reply),
        }
        own_usage = reply.usage_metadata
        if own_usage:
            metadata["usage_metadata"] = dict(own_usage)
        with_gateway(metadata, reply)
        return llm_result_of([[generation]], llm_output), None, extra
    result = result_of(reply)
    usage = usage_of(result)
    if usage is not None:
        metadata["usage_metadata"] = usage
    with_gateway(metadata, result)
    return llm_result(result), None, extra


def _chat_events(record: Any, started: datetime, ended: datetime) -> list[dict[str, Any]]:
    """A recorded call's events: its start, first token and retries in time order, then
    its end or error."""
    events: list[dict[str, Any]] = [{"name": "start", "time": started}]
    if record.token_time is not None or record.retries:
        happened: list[tuple[float, str, Any]] = []
        if record.token_time is not None:
            happened.append((record.token_time, "new_token", None))
        for when, state in record.retries or ():
            happened.append((when, "retry", state))
        for when, kind, state in sorted(happened, key=lambda item: item[0]):
            moment = _moment(when)
            if kind == "new_token":
                events.append({"name": "new_token", "time": moment})
            else:
                events.append({"name": "retry", "time": moment, "kwargs": retry_detail(state)})
    events.append({"name": "end" if record.failure is None else "error", "time": ended})
    return events


def message_inputs(messages: list[list[Any]]) -> dict[str, Any]:
    return {"messages": [[dumpd(m) for m in batch] for batch in messages]}


def stacktrace(error: BaseException) -> str:
    """LangChain's tracer's error text: the repr, then the traceback."""
    message = repr(error)
    try:
        return (message + "\n\n".join(traceback.format_exception(error))).strip()
    except Exception:  # a broken __str__ in a third-party error: the repr is enough
        return message


def as_run(item: Any) -> dict[str, Any]:
    """Whatever was queued, as its run dict of JSON data (on the batcher's thread)."""
    kind = type(item)
    if kind is dict:
        return materialized(item)
    if kind is ChainRecord:
        return chain_run(item)
    return recorded_run(item)


def as_wire(item: Any, project: str) -> dict[str, Any] | WireRun:
    """Whatever was queued, for chatplex's sender: a record as its `WireRun`, a run
    dict (the handler protocol's) `materialized`. `project`: the sender's."""
    kind = type(item)
    if kind is dict:
        return materialized(item)
    if kind is ChainRecord:
        return chain_wire(item, project)
    return chat_wire(item, project)
