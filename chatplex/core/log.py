"""`astream_log`: a run as a stream of JSON-Patch operations, in LangChain's RunLog shape.

Applying every patch in order to `None` builds this state::

    {"id": "<root run id>", "name": "RunnableSequence", "type": "chain",
     "streamed_output": [<each piece the root yields>],
     "final_output": <the root's pieces added up>,
     "logs": {"ChatPromptTemplate": <entry>, "ChatModel": <entry>, "StrOutputParser": ...}}

with one `logs` entry per step below the root (a repeated name gets `:2`, `:3`...)::

    {"id", "name", "type", "tags", "metadata", "start_time", "streamed_output",
     "streamed_output_str", "final_output", "end_time"}

As in LangChain: a chat model's type is `"llm"`, its tokens go to `streamed_output_str`
too and its `final_output` is an LLMResult-shaped dict; a prompt's `final_output` is the
prompt value; any other step's is its output if that is a dict, else `{"output": ...}`.
Times are ISO-8601 UTC strings. Filters (`include_names`, ...) choose the `logs` entries,
with the same rule as `astream_events` (types as above).

`RunLogPatch + RunLogPatch` (and `RunLog + RunLogPatch`) apply the operations to give a
`RunLog`, whose `state` is the accumulated state; `diff=False` yields those directly.

>>> import asyncio
>>> from chatplex import FakeChatModel, StrOutputParser
>>> async def final_state():
...     chain = FakeChatModel(responses=["Hi there"]) | StrOutputParser()
...     log = None
...     async for patch in chain.astream_log("x"):
...         log = patch if log is None else log + patch
...     return log.state["final_output"], sorted(log.state["logs"])
>>> asyncio.run(final_state())
('Hi there', ['FakeChatModel', 'StrOutputParser'])
"""

from __future__ import annotations

import asyncio
import copy
import pprint
import threading
import uuid
from collections.abc import AsyncIterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import TypedDict

from ._watch import DONE
from ._watch import AsyncChannel
from ._watch import EventFilter
from ._watch import Failed
from ._watch import WatchedCall
from ._watch import drain
from ._watch import watch_config
from .chunks import add_chunks
from .runs import RunListener
from .runs import RunNode

_NOTHING: Any = object()

__all__ = ["LogEntry", "RunLog", "RunLogPatch", "RunState", "apply_patch", "astream_log"]


class LogEntry(TypedDict):
    """One step's entry under `logs`."""

    id: str
    name: str
    type: str
    tags: list[str]
    metadata: dict[str, Any]
    start_time: str
    streamed_output: list[Any]
    streamed_output_str: list[str]
    final_output: Any
    end_time: str | None


class RunState(TypedDict):
    """The state the patches build."""

    id: str
    streamed_output: list[Any]
    final_output: Any
    logs: dict[str, LogEntry]
    name: str
    type: str


class RunLogPatch:
    """A list of JSON-Patch operations (RFC 6902 dicts: `op`, `path`, `value`)."""

    ops: list[dict[str, Any]]

    def __init__(self, *ops: dict[str, Any]) -> None:
        self.ops = list(ops)

    def __add__(self, other: RunLogPatch) -> RunLog:
        if not isinstance(other, RunLogPatch):
            return NotImplemented
        ops = self.ops + other.ops
        return RunLog(*ops, state=apply_patch(None, ops))

    def __repr__(self) -> str:
        return f"RunLogPatch({pprint.pformat(self.ops)[1:-1]})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RunLogPatch) and type(other) is type(self) and self.ops == other.ops
        )


class RunLog(RunLogPatch):
    """Operations so far and the `state` they build."""

    state: RunState

    def __init__(self, *ops: dict[str, Any], state: RunState) -> None:
        super().__init__(*ops)
        self.state = state

    def __add__(self, other: RunLogPatch) -> RunLog:
        if not isinstance(other, RunLogPatch):
            return NotImplemented
        state = apply_patch(copy.deepcopy(self.state), other.ops)
        return RunLog(*self.ops, *other.ops, state=state)

    def __repr__(self) -> str:
        return f"RunLog({pprint.pformat(self.state)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunLog) and self.state == other.state


def apply_patch(document: Any, ops: Sequence[dict[str, Any]]) -> Any:
    """Apply JSON-Patch `add` / `replace` / `remove` operations; returns the document.

    Containers are changed in place and values copied in, so a state never shares
    objects with the patches that built it."""
    for op in ops:
        kind, path = op["op"], op["path"]
        if path == "":
            if kind not in ("add", "replace"):
                raise ValueError(f"cannot {kind} the whole document")
            document = copy.deepcopy(op["value"])
            continue
        *parents, last = (_unescape(p) for p in path.split("/")[1:])
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            if kind == "add":
                target.insert(len(target) if last == "-" else int(last), copy.deepcopy(op["value"]))
            elif kind == "replace":
                target[int(last)] = copy.deepcopy(op["value"])
            elif kind == "remove":
                del target[int(last)]
            else:
                raise ValueError(f"unsupported JSON-Patch op {kind!r}")
        elif kind == "add" or (kind == "replace" and last in target):
            target[last] = copy.deepcopy(op["value"])
        elif kind == "remove":
            del target[last]
        else:
            raise ValueError(f"cannot {kind} {path!r}")
    return document


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _log_type(run_type: str) -> str:
    return "llm" if run_type == "chat_model" else run_type


def _final_output(run: RunNode, output: Any) -> Any:
    if run.run_type == "chat_model":
        text = getattr(output, "text", "")
        generation = {"text": text, "generation_info": None, "type": "ChatGeneration"}
        return {"generations": [[{**generation, "message": output}]], "llm_output": None}
    if run.run_type == "prompt" or isinstance(output, dict):
        return output
    if run.run_type == "retriever":  # as LangChain logs a retriever: its documents
        return {"documents": output}
    return {"output": output}


@dataclass(eq=False, repr=False)  # a listener is itself, not its fields
class LogListener(RunListener):
    """Turns run-tree notifications into `RunLogPatch`es for `push`."""

    push: Any
    filter: EventFilter
    outer: RunNode | None
    root_name: str

    def __post_init__(self) -> None:
        self.root_seen = False
        self.keys: dict[RunNode, str] = {}
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()  # steps may start in several threads at once

    def ensure_root(self, run: RunNode | None = None) -> None:
        """The initial state: from the root run, or made up if the root has no run."""
        if self.root_seen:
            return
        self.root_seen = True
        state: RunState = {
            "id": run.id if run is not None else str(uuid.uuid4()),
            "streamed_output": [],
            "final_output": None,
            "logs": {},
            "name": run.name if run is not None else self.root_name,
            "type": _log_type(run.run_type) if run is not None else "chain",
        }
        self.push(RunLogPatch({"op": "replace", "path": "", "value": state}))

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        if run.parent is self.outer and not self.root_seen:
            self.ensure_root(run)
            return
        run_type = _log_type(run.run_type)
        if not self.filter.keep(run.name, run_type, run.tags):
            return
        with self.lock:
            count = self.counts[run.name] = self.counts.get(run.name, 0) + 1
            key = self.keys[run] = run.name if count == 1 else f"{run.name}:{count}"
        entry: LogEntry = {
            "id": run.id,
            "name": run.name,
            "type": run_type,
            "tags": list(run.tags),
            "metadata": dict(run.metadata),
            "start_time": _now(),
            "streamed_output": [],
            "streamed_output_str": [],
            "final_output": None,
            "end_time": None,
        }
        self.push(RunLogPatch({"op": "add", "path": f"/logs/{_escape(key)}", "value": entry}))

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        key = self.keys.get(run)
        if key is None:
            return
        path = f"/logs/{_escape(key)}"
        ops = [{"op": "add", "path": f"{path}/streamed_output/-", "value": chunk}]
        if run.run_type == "chat_model":
            text = {"op": "add", "path": f"{path}/streamed_output_str/-", "value": chunk.text}
            ops.insert(0, text)
        self.push(RunLogPatch(*ops))

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        key = self.keys.pop(run, None)
        if key is not None:
            path = f"/logs/{_escape(key)}"
            self.push(
                RunLogPatch(
                    {
                        "op": "add",
                        "path": f"{path}/final_output",
                        "value": _final_output(run, data["output"]),
                    },
                    {"op": "add", "path": f"{path}/end_time", "value": _now()},
                )
            )

    def on_error(self, run: RunNode, error: BaseException) -> None:
        key = self.keys.pop(run, None)
        if key is not None:  # failed: it ends with no output
            self.push(
                RunLogPatch(
                    {"op": "add", "path": f"/logs/{_escape(key)}/end_time", "value": _now()}
                )
            )


def astream_log(
    call: WatchedCall, diff: bool, with_streamed_output_list: bool
) -> AsyncIterator[Any]:
    """`runnable.astream(input, config)`, logged: yields `RunLogPatch`es (or, with
    `diff=False`, the `RunLog` after each). If the call fails, the patches so far are
    yielded, then its exception raised."""
    patches = _patches(call, with_streamed_output_list, EventFilter(call.filters))
    return patches if diff else _accumulated(patches)


def _patches(
    call: WatchedCall, with_streamed_output_list: bool, event_filter: EventFilter
) -> AsyncIterator[RunLogPatch]:
    channel = AsyncChannel()
    root_name = (call.config or {}).get("run_name") or call.runnable._run_name()
    cfg, listener = watch_config(
        call.config, lambda outer: LogListener(channel.push, event_filter, outer, root_name)
    )

    async def produce() -> None:
        total: Any = _NOTHING
        try:
            # The root's pieces come from its output, not its stream events: a root that
            # does not stream natively (a prompt) still yields its one piece.
            async for piece in call.astream(cfg):
                listener.ensure_root()
                before, total = total, piece if total is _NOTHING else add_chunks(total, piece)
                # As LangChain's (a diff of the totals): a piece that changes nothing (a
                # parser's "" for a text-less chunk) replaces nothing.
                ops = (
                    []
                    if total == before
                    else [{"op": "replace", "path": "/final_output", "value": total}]
                )
                if with_streamed_output_list:
                    ops.insert(0, {"op": "add", "path": "/streamed_output/-", "value": piece})
                channel.push(RunLogPatch(*ops))
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised by the consumer
            channel.push(Failed(exc))
        else:
            listener.ensure_root()
            channel.push(DONE)

    return drain(channel, produce, listener)


async def _accumulated(patches: AsyncIterator[RunLogPatch]) -> AsyncIterator[RunLog]:
    log: RunLog | None = None
    try:
        async for patch in patches:
            log = (
                RunLog(*patch.ops, state=apply_patch(None, patch.ops))
                if log is None
                else log + patch
            )
            yield log
    finally:
        await patches.aclose()  # type: ignore[attr-defined]
