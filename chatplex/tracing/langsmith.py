"""chatplex runs to LangSmith, as LangChain's `LangChainTracer` sends LangChain's.

`LangSmithTracer` is a callback handler (LangChain's method names). Registered as a
process-wide tracer (`chatplex.core.tracers`, done by `enable_from_env()` when
`LANGSMITH_TRACING` / `LANGCHAIN_TRACING_V2` is true), it hears every top-level call and
its children and sends each run, once, when it ends: the ended run (its inputs and
outputs still chatplex's objects, by reference) is appended to a bounded list
(`batching.RunBatcher`), and a thread of its own turns what has gathered into LangChain's
JSON forms and posts it in one `POST /runs/multipart` per batch through chatplex's own
sender (`sender.LangSmithSender`: endpoint, API key, project and the other settings from
the usual variables), so a call never waits for the network and the caller's event loop
does no serialization. The `langsmith` package is not imported; a `langsmith.Client`
given (or `use_langsmith_client=True`, the fallback for settings the sender lacks) sends
instead, through `Client.multipart_ingest`. The key is the sender's (or the client's)
business: this module never logs or shows it.

The runs have LangChain's shape: run types `chain` / `prompt` / `parser` / `llm` /
`tool`, the runnables' names, inputs and outputs serialized as LangChain's
(`serialize.py`), the chat model's `extra.invocation_params`, `extra.metadata` with
`ls_provider`, `ls_model_name`, `ls_model_type`, `ls_temperature` (and the reply's
`usage_metadata` at the end), tags, errors (repr and traceback), `dotted_order` /
`trace_id` / `parent_run_id` from the run tree.

A chatplex model inside a LangChain chain (`ChatChatplex`) is LangChain's tracer's to
report: `covered_by = "langchain"` keeps this tracer off that inner call.

A chat-model call this tracer alone listens to (no user handler, no event stream) does
not go through the handler protocol at all (`records_chat_runs`): the call records its
run itself (`chat/recorded_run.py`: ids, parent, times, the messages, the reply or the
error, retries, the first token) and hands the record over at its end; the run dict,
the `LLMResult`-shaped outputs and the JSON are made from it on the batcher's thread
(`records.recorded_run`), the same run as the handler path makes, key for key. With
chatplex's sender, the batcher's thread writes runs to multipart parts a few at a time as
they end (their objects die young) and posts what was written once per interval.

The chain runs of such a call (the sequence, the prompt, the parser: `records_chain_runs`)
skip the protocol too: their run nodes are `records.ChainRecord`s, which note their
times, input and output in place and are queued as they are when they end; the run
`on_chain_start` / `on_chain_end` / `on_chain_error` build is made from the node on the
batcher's thread (`records.chain_run`).

Each run is posted once, whole, when it ends; LangChain's tracer posts a run when it
starts and patches it when it ends, so LangSmith shows a chatplex run only once it ended.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from uuid import UUID

from ..core.runs import RunNode
from ..core.tracers import Tracer
from .batching import RunBatcher
from .records import ChainRecord
from .records import Later
from .records import as_run
from .records import as_wire
from .records import dotted_order
from .records import message_inputs
from .records import open_run
from .records import record_of
from .records import retry_detail
from .records import stacktrace
from .records import trace_of
from .serialize import chain_inputs
from .serialize import chain_outputs
from .serialize import llm_result
from .serialize import plain_data

if TYPE_CHECKING:
    from langsmith import Client

    from .sender import LangSmithSender

__all__ = ["LangSmithTracer", "wait_for_all_tracers"]

logger = logging.getLogger("chatplex.tracing")


class LangSmithTracer(Tracer):
    """Sends the runs it hears about to LangSmith (see the module docstring).

    `sender`: chatplex's own `LangSmithSender` (the default, configured from the
    environment; the `langsmith` package is not needed). `client`: a `langsmith.Client`
    to send through instead (`use_langsmith_client=True`: the package's shared one, for
    settings the sender does not implement). `project_name`: where root runs go
    (default: the environment's project)."""

    #: LangChain's own tracer reports calls made inside LangChain (`ChatChatplex`).
    covered_by = "langchain"

    def __init__(
        self,
        client: Client | None = None,
        project_name: str | None = None,
        *,
        sender: LangSmithSender | None = None,
        use_langsmith_client: bool = False,
    ) -> None:
        if sender is not None and (client is not None or use_langsmith_client):
            raise ValueError("LangSmithTracer: give a sender or a langsmith client, not both")
        self._client = client
        self._via_client = client is not None or use_langsmith_client
        if sender is None and not self._via_client:
            from .sender import LangSmithSender

            sender = LangSmithSender()
        self.sender = sender
        self.project_name = project_name
        #: The handlers of every run it alone hears (its records': one list, shared).
        self.alone_handlers = [self]
        #: Open runs by id: run dicts (the handler protocol's) and `ChainRecord`s.
        self._runs: dict[UUID, Any] = {}
        self._lock = threading.Lock()
        if sender is None:
            self._batcher = RunBatcher(self._send)
        else:  # runs written as they end (short-lived objects), posted once per interval
            # A post through httpx costs ~0.9 ms of CPU whatever its size (and ~0.3 ms a
            # MB): one per half second on a busy process, as LangSmith's own client sends
            # its compressed bodies (up to 2,000 runs, 8 MB; its client posts up to 20 MB).
            # Runs are written 64 at a time (16 traced chains of four runs): a chain's
            # queued records hold ~25 objects the garbage collector tracks, so 64 chains
            # waiting set off a young collection every ~28 chains, promoted the records
            # and with them a full collection (~14 ms) every few thousand; 16 waiting
            # stay under its threshold (700). Fewer wake-ups do not pay that back: 256
            # at a time cost ~35 us more a chain, 32 ~25 us more (bench/README.md).
            self._batcher = RunBatcher(
                self._post_prepared,
                prepare=self._prepare,
                prepare_every=64,
                interval=0.5,
                max_batch=2_000,
                weigh=_weight,
                max_weight=8 << 20,
            )

    def __repr__(self) -> str:
        return f"LangSmithTracer(project_name={self.project_name!r})"

    @property
    def client(self) -> Client:
        """The `langsmith` client: the one sending (fallback path), or, with chatplex's
        sender, one made for LangChain's own objects inside a chatplex chain (they report
        through LangChain's tracer), pointed where the sender posts."""
        if self._client is None:
            if self.sender is None:
                from langsmith.run_trees import get_cached_client

                self._client = get_cached_client()
            else:
                from langsmith import Client

                settings = self.sender.settings
                self._client = Client(
                    api_url=settings.endpoint,
                    api_key=settings.api_key,
                    workspace_id=settings.workspace_id,
                )
        return self._client

    def flush(self) -> None:
        """Wait until every run ended so far has been sent."""
        self._batcher.flush()
        if self._client is not None:  # the fallback's, or LangChain's objects'
            self._client.flush()

    def _prepare(self, runs: list[Any]) -> tuple[bytes, int]:
        """A few ended runs, from the batcher's thread: turned into LangChain's JSON forms
        and written as the sender's multipart parts."""
        sender = self.sender
        assert sender is not None
        project = sender.project
        return sender.prepare([as_wire(run, project) for run in runs]), len(runs)

    def _post_prepared(self, pieces: list[tuple[bytes, int]]) -> None:
        """What `_prepare` wrote since the last post, in one request."""
        assert self.sender is not None
        self.sender.post_prepared([body for body, _ in pieces], sum(n for _, n in pieces))

    def _send(self, runs: list[dict[str, Any]]) -> None:
        """One batch for the langsmith client, from the batcher's thread: the runs' inputs
        and outputs are turned into LangChain's JSON forms here (not on the caller's
        event loop), then handed to the client."""
        runs = [as_run(run) for run in runs]
        # The langsmith client: roots without a project get the environment's
        # (`LANGSMITH_PROJECT`), as `create_run` gives them.
        client = self.client
        default_project = None
        for run in runs:
            # Its JSON writer does not know chatplex's messages nested in `dumpd`'s output.
            for key in ("inputs", "outputs"):
                if key in run:
                    run[key] = plain_data(run[key])
            if run.get("session_name") is None:
                if default_project is None:
                    from langsmith.utils import get_tracer_project

                    default_project = get_tracer_project()
                run["session_name"] = default_project
        client.multipart_ingest(create=runs)

    def for_langchain(self, parent: Any) -> Any:
        """What LangChain's objects inside a chatplex chain (a tool, a retriever) get
        instead of this tracer (`core/foreign.py`): LangChain's own `LangChainTracer`,
        told where `parent` (the chatplex run around them) sits in the trace, so their
        runs nest under it. Given this tracer, LangChain would add its own from the
        environment too, and the same run would be sent twice, once as a new trace."""
        from langchain_core.tracers.langchain import LangChainTracer

        project = self.project_name or (self.sender.project if self.sender else None)
        tracer = LangChainTracer(client=self.client, project_name=project)
        run = record_of(self, parent) if parent is not None else None
        if run is not None:
            tracer.order_map[parent.run_id] = (trace_of(run)[0], dotted_order(run))
        return tracer

    # ---- building runs ------------------------------------------------------------------

    def _start(
        self,
        told: dict[str, Any],
        name: str,
        run_type: str,
        inputs: Any,
        extra: dict[str, Any],
        serialized: dict[str, Any] | None = None,
    ) -> None:
        """A run the handler protocol started: `told`, the keywords it passed (`run_id`,
        `parent_run_id`, `tags`); `name`: `_named`'s."""
        now = datetime.now(UTC)
        run_id, parent_run_id = told["run_id"], told.get("parent_run_id")
        parent = self._runs.get(parent_run_id) if parent_run_id is not None else None
        run: dict[str, Any] = {
            "id": run_id,
            "name": name,
            "run_type": run_type,
            "inputs": inputs,
            "start_time": now,
            "tags": list(told.get("tags") or ()),
            "extra": extra,
            "serialized": serialized or {"name": name},
            "events": [{"name": "start", "time": now}],
        }
        # `dotted_order` is written when first read (`dotted_order()`: on the sender's
        # thread, unless a LangChain object nests under this run first).
        if parent is not None:  # LangChain's order: the parent's, then this run's own
            run["parent_run_id"] = parent_run_id
            run["trace_id"], run["session_name"] = trace_of(parent)
            run["_parent"] = parent
        else:  # a root (or a child of a run this tracer never saw: LangChain's own)
            run["trace_id"] = run_id
            run["session_name"] = self.project_name
            if parent_run_id is not None:
                run["parent_run_id"] = parent_run_id
        open_run(self, run_id, run)

    def _end(
        self,
        run_id: UUID,
        outputs: Any = None,
        error: BaseException | None = None,
        usage_from: Any = None,
        inputs: Any = None,
    ) -> None:
        """The run is sent once, whole, when it ends (LangChain's tracer sends a start
        and an end: one operation per run instead of two halves the sending). Its
        children were sent before it, as they ended; LangSmith orders them by
        `dotted_order`."""
        run = self._runs.pop(run_id, None)
        if run is None or type(run) is not dict:
            return
        now = datetime.now(UTC)
        run["end_time"] = now
        run["outputs"] = {} if outputs is None else outputs
        if inputs is not None:  # a streamed step's input, known only once it ended
            run["inputs"] = inputs
        if error is not None:
            run["error"] = Later(stacktrace, error)
        run["events"].append({"name": "error" if error is not None else "end", "time": now})
        if usage_from is not None:
            run["_usage_from"] = usage_from
        self._batcher.put(run)  # a reference: serialized on the batcher's thread

    # ---- chains, prompts, parsers, lambdas ------------------------------------------------

    def on_chain_start(self, serialized: dict[str, Any] | None, inputs: Any, **told: Any) -> None:
        run_type = told.get("run_type") or "chain"
        extra = {"metadata": dict(told.get("metadata") or {})}
        name = _named(told, serialized, "Runnable")
        self._start(told, name, run_type, Later(chain_inputs, inputs), extra)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, inputs: Any = None, **_: Any) -> None:
        self._end(run_id, Later(chain_outputs, outputs), inputs=_chain_inputs(inputs))

    def on_chain_error(
        self, error: BaseException, *, run_id: UUID, inputs: Any = None, **_: Any
    ) -> None:
        self._end(run_id, error=error, inputs=_chain_inputs(inputs))

    #: A chain run this tracer alone listens to is a `records.ChainRecord`, made by
    #: `core/_traced.py`: the run node notes what happened in place and is queued when it
    #: ends; the same run as `on_chain_start` / `on_chain_end` / `on_chain_error` build.
    records_chain_runs = True
    chain_run_class = ChainRecord

    def _queue(self, run: Any) -> None:
        self._batcher.put(run)  # a reference: serialized on the batcher's thread

    # ---- chat models -------------------------------------------------------------------

    def on_chat_model_start(
        self, serialized: dict[str, Any] | None, messages: list[list[Any]], **told: Any
    ) -> None:
        params = dict(told.get("invocation_params") or {})
        extra = {
            "invocation_params": params,
            "options": {"stop": params.get("stop")},
            "batch_size": len(messages),
            "metadata": dict(told.get("metadata") or {}),
        }
        # The history as it is now (a chat loop appends to its list), a list per prompt.
        inputs = Later(message_inputs, [list(batch) for batch in messages], copied=True)
        self._start(told, _named(told, serialized, "ChatModel"), "llm", inputs, extra, serialized)

    #: Told the first token of a stream only (`ChatModelRun`), as LangChain's tracer
    #: records only the first: LangSmith reads the time to the first token from it, and
    #: an event per token would grow each run by the reply's length again (the reply is
    #: in the outputs) and cost the caller's event loop a call per chunk.
    first_token_only = True

    def on_llm_new_token(self, token: Any, *, run_id: UUID, **_: Any) -> None:
        """The first streamed token: a `new_token` event, as LangChain's tracer adds."""
        run = self._runs.get(run_id)
        if run is None or run.get("_had_token"):
            return
        run["_had_token"] = True  # a handler told of every token records only the first
        now = datetime.now(UTC)
        # LangChain's tracer sends the event without the token (its text is in the reply).
        run["events"].append({"name": "new_token", "time": now})

    def on_llm_end(self, response: Any, *, run_id: UUID, **_: Any) -> None:
        self._end(run_id, Later(llm_result, response), usage_from=response)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **_: Any) -> None:
        self._end(run_id, error=error)

    def on_retry(self, retry_state: Any, *, run_id: UUID, **_: Any) -> None:
        """A retry of the call, as LangChain's tracer records one: an event on the run."""
        run = self._runs.get(run_id)
        if run is None:
            return
        now = datetime.now(UTC)
        run["events"].append({"name": "retry", "time": now, "kwargs": retry_detail(retry_state)})

    # ---- chat-model calls recorded by the call itself (`chat/recorded_run.py`) -----------

    #: A call whose only listener is this tracer records its run itself
    #: (`RecordedChatRun`): no handler calls, no run dict on the caller's event loop; the
    #: record is turned into the same run dict on the batcher's thread (`records.recorded_run`).
    records_chat_runs = True

    def parent_record(self, parent: RunNode) -> Any:
        """The open run a recorded call nests under (None: one this tracer never saw)."""
        return record_of(self, parent)

    def record_chat_run(self, record: Any) -> None:
        """An ended `RecordedChatRun`: queued as it is, turned into a run on the
        batcher's thread."""
        self._batcher.put(record)

    # ---- tools (LangChain's tools inside chatplex chains report themselves) --------------

    def on_tool_start(self, serialized: dict[str, Any] | None, input_str: str, **told: Any) -> None:
        inputs = told.get("inputs")
        value = {"input": input_str} if inputs is None else Later(chain_inputs, inputs)
        extra = {"metadata": dict(told.get("metadata") or {})}
        self._start(told, _named(told, serialized, "tool"), "tool", value, extra)

    def on_tool_end(self, output: Any, *, run_id: UUID, **_: Any) -> None:
        self._end(run_id, Later(chain_outputs, output))

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **_: Any) -> None:
        self._end(run_id, error=error)


def _chain_inputs(inputs: Any) -> Later | None:
    """A chain's inputs told at its end (LangChain tells them there where a step's input
    was streamed to it: its start saw none), serialized later as its start's are."""
    return None if inputs is None else Later(chain_inputs, inputs)


def _named(told: dict[str, Any], serialized: dict[str, Any] | None, default: str) -> str:
    """A run's name: the one the handler protocol passed, else the serialized object's
    (LangChain's chat models pass only a run name; LangSmith's run tree then takes the
    serialized model's), else `default`."""
    return told.get("name") or (serialized or {}).get("name") or default


def _weight(piece: tuple[bytes, int]) -> int:
    return len(piece[0])


def wait_for_all_tracers() -> None:
    """Send every run queued so far (LangChain's function of the same name): for scripts
    that exit right after their last call, and for tests."""
    from ..core.tracers import tracers

    for tracer in tracers():
        flush = getattr(tracer, "flush", None)
        if callable(flush):
            flush()
