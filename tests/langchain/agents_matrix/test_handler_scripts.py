"""A LangChain user's scripts over callback handlers and what a script prints: the
console under `set_debug(True)` (an invoke in a chain, a stream, a tool call, the async
path) and under `set_verbose(True)` with `verbose=True` and `StdOutCallbackHandler`,
tokens printed by `StreamingStdOutCallbackHandler` and read from an
`AsyncIteratorCallbackHandler`-like queue, `get_usage_metadata_callback()` summing several calls
and models (sync and async), handlers given at construction, per call and by
`with_config` with the model's own tags and metadata, a handler that raises
(`raise_error=True` or not), a legacy handler with `on_llm_start` only and the
`LLMResult` its `on_llm_end` gets, the run tree `collect_runs()` records, and
`streaming=True` / `disable_streaming=True` at construction, on the wires a script most
often imports: the partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import redirect_stdout
from typing import Any

import pytest
from langchain_core import callbacks
from langchain_core import globals as globals_module
from langchain_core import output_parsers
from langchain_core import prompts
from langchain_core.tracers import context as tracer_context

from ._cells import family_test
from ._kit import RANDOM
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_handler_scripts")

# ---- what a script prints ----------------------------------------------------------------

#: Printed JSON members whose values are drawn per reply or per run (ids, times).
_PRINTED_RANDOM = re.compile(
    r'"(id|run_id|tool_call_id|toolUseId|created|created_at|system_fingerprint|RequestId'
    r'|x-amzn-requestid|date|signature|item_id)": ("[^"]*"|\d+)'
)
#: A run's elapsed time, as the console handler prints it (`[68ms]`, `[1.02s]`).
_ELAPSED = re.compile(r"\[\d+(?:\.\d+)?m?s\]")


def _printed_masked(text: str) -> str:
    """Printed text with what is drawn per run masked, the rest as printed."""
    text = _PRINTED_RANDOM.sub(lambda m: f'"{m[1]}": "{RANDOM}"', text)
    return _ELAPSED.sub("[<elapsed>]", text)


@contextmanager
def _printed() -> Iterator[io.StringIO]:
    """What is printed meanwhile (read it after the block)."""
    out = io.StringIO()
    with redirect_stdout(out):
        yield out


@contextmanager
def _global(setter: Callable[[bool], None]) -> Iterator[None]:
    """`set_debug` / `set_verbose` on for the block, off after."""
    setter(True)
    try:
        yield
    finally:
        setter(False)


def _chain(model: Any) -> Any:
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "Say hello to {who}")])
    return prompt | model | output_parsers.StrOutputParser()


def _lines(out: io.StringIO) -> list[str]:
    return _printed_masked(out.getvalue()).splitlines()


def debug_chain(run: Run) -> Any:
    """`set_debug(True)` around `prompt | model | StrOutputParser()` invoked and around
    a bound model whose reply calls a tool: every printed line (the inputs, the
    LLMResult's JSON: generations, message, llm_output), ids and timings masked."""
    model = run.make()
    with _global(globals_module.set_debug), _printed() as out:
        _chain(model).invoke({"who": "my friend"})
        model.bind_tools([get_weather]).invoke(TURNS[0])
    return _lines(out)


def debug_stream(run: Run) -> Any:
    """`set_debug(True)` around a stream of the model: what is printed once the stream
    ends (the merged chunk's JSON)."""
    model = run.make()
    with _global(globals_module.set_debug), _printed() as out:
        for _ in model.stream(HELLO):
            pass
    return _lines(out)


def debug_async(run: Run) -> Any:
    """`set_debug(True)` around `ainvoke` and `astream`."""
    model = run.make()

    async def body() -> None:
        await model.ainvoke(HELLO)
        async for _ in model.astream(HELLO):
            pass

    with _global(globals_module.set_debug), _printed() as out:
        arun(body)
    return _lines(out)


def verbose(run: Run) -> Any:
    """`verbose=True` at construction and `set_verbose(True)`: the model's `verbose`,
    and what a chain prints with a `StdOutCallbackHandler` given per call."""
    model = run.make(verbose=True)
    with _global(globals_module.set_verbose), _printed() as out:
        reply = _chain(model).invoke(
            {"who": "my friend"}, {"callbacks": [callbacks.StdOutCallbackHandler()]}
        )
    return {"verbose": model.verbose, "reply": reply, "printed": _lines(out)}


# ---- tokens as they come -------------------------------------------------------------------


def streaming_stdout(run: Run) -> Any:
    """`streaming=True, callbacks=[StreamingStdOutCallbackHandler()]` at construction
    and a plain invoke: the tokens printed, and the reply."""
    model = run.make(streaming=True, callbacks=[callbacks.StreamingStdOutCallbackHandler()])
    with _printed() as out:
        reply = model.invoke(HELLO)
    return {"printed": out.getvalue(), "reply": reply}


class _TokenQueue(callbacks.AsyncCallbackHandler):
    """LangChain's `AsyncIteratorCallbackHandler` (langchain-classic's, not installed
    here), as a script copies it: tokens queued as they come, done at the run's end."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        if token:
            self.queue.put_nowait(token)

    async def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.queue.put_nowait(None)

    async def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.queue.put_nowait(None)

    async def tokens(self) -> list[str]:
        out = []
        while (token := await self.queue.get()) is not None:
            out.append(token)
        return out


def async_iterator(run: Run) -> Any:
    """An async token queue read while `ainvoke` runs beside it (the classic
    token-streaming endpoint of `AsyncIteratorCallbackHandler`): the tokens and the
    reply."""

    async def body() -> Any:
        handler = _TokenQueue()
        model = run.make(streaming=True)
        task = asyncio.ensure_future(model.ainvoke(HELLO, {"callbacks": [handler]}))
        return {"tokens": await handler.tokens(), "reply": await task}

    return arun(body)


class _Tokens(callbacks.BaseCallbackHandler):
    """The tokens a handler is given, each with its chunk's kind."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_llm_new_token(self, token: Any, *, chunk: Any = None, **kwargs: Any) -> None:
        self.seen.append([token, type(chunk).__name__])


def streaming_flags(run: Run) -> Any:
    """`streaming=True` at construction with a plain invoke (the handler sees tokens),
    `disable_streaming=True` with `stream()` (one chunk, no token), and
    `disable_streaming="tool_calling"` streamed with and without tools bound."""
    flagged, flagged_seen = run.make(streaming=True), _Tokens()
    invoked = flagged.invoke(HELLO, {"callbacks": [flagged_seen]})
    off, off_seen = run.make(disable_streaming=True), _Tokens()
    off_chunks = list(off.stream(HELLO, {"callbacks": [off_seen]}))
    tooling = run.make(disable_streaming="tool_calling")
    return {
        "invoked": invoked,
        "invoked_tokens": flagged_seen.seen,
        "off_chunks": off_chunks,
        "off_tokens": off_seen.seen,
        "tooling_plain": len(list(tooling.stream(HELLO))),
        "tooling_tools": len(list(tooling.bind_tools([get_weather]).stream(TURNS[0]))),
    }


def streaming_flags_async(run: Run) -> Any:
    async def body() -> Any:
        flagged, flagged_seen = run.make(streaming=True), _Tokens()
        invoked = await flagged.ainvoke(HELLO, {"callbacks": [flagged_seen]})
        off, off_seen = run.make(disable_streaming=True), _Tokens()
        off_chunks = [c async for c in off.astream(HELLO, {"callbacks": [off_seen]})]
        return {
            "invoked": invoked,
            "invoked_tokens": flagged_seen.seen,
            "off_chunks": off_chunks,
            "off_tokens": off_seen.seen,
        }

    return arun(body)


# ---- usage -----------------------------------------------------------------------------------


def usage_totals(run: Run) -> Any:
    """One `get_usage_metadata_callback()` over an invoke, a tool-call reply, a stream
    and a batch of the same model: the totals per model name."""
    model = run.make()
    with callbacks.get_usage_metadata_callback() as totals:
        model.invoke(HELLO)
        model.bind_tools([get_weather]).invoke(TURNS[0])
        for _ in model.stream(HELLO):
            pass
        model.batch([HELLO, "Say hello to my neighbour"])
    return totals.usage_metadata


def usage_totals_async(run: Run) -> Any:
    """The same over `ainvoke`, `astream` and `abatch`."""

    async def body() -> Any:
        model = run.make()
        with callbacks.get_usage_metadata_callback() as totals:
            await model.ainvoke(HELLO)
            await model.bind_tools([get_weather]).ainvoke(TURNS[0])
            async for _ in model.astream(HELLO):
                pass
            await model.abatch([HELLO, "Say hello to my neighbour"])
        return totals.usage_metadata

    return arun(body)


# ---- handlers: where given, what they get ----------------------------------------------------


class _Where(callbacks.BaseCallbackHandler):
    """Which handler saw which run: its name, tags, metadata (no `lc_versions`:
    test_scripts.py's model_metadata compares it) and how many tokens."""

    def __init__(self, label: str, seen: list[Any]) -> None:
        self.label = label
        self.seen = seen

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        metadata = kwargs.get("metadata") or {}
        self.seen.append(
            {
                "handler": self.label,
                "hook": "start",
                "name": kwargs.get("name"),
                "tags": kwargs.get("tags"),
                "metadata": masked({k: v for k, v in metadata.items() if k != "lc_versions"}),
            }
        )

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append({"handler": self.label, "hook": "end", "tags": kwargs.get("tags")})


def handlers_where(run: Run) -> Any:
    """Handlers given at construction (with `tags=` and `metadata=` there too), per call
    and by `with_config`, over an invoke and a stream: which saw what, in order."""
    seen: list[Any] = []
    model = run.make(
        callbacks=[_Where("built", seen)], tags=["built"], metadata={"owner": "script"}
    )
    configured = model.with_config(callbacks=[_Where("configured", seen)], tags=["configured"])
    model.invoke(HELLO, {"callbacks": [_Where("call", seen)], "tags": ["call"]})
    for _ in configured.stream(HELLO, {"metadata": {"turn": 2}}):
        pass
    return {"tags": model.tags, "metadata": model.metadata, "seen": seen}


class _Raising(callbacks.BaseCallbackHandler):
    """A handler whose `hook` raises (a ValueError), propagated when `raise_error`."""

    def __init__(self, hook: str, raise_error: bool) -> None:
        self.hook = hook
        self.raise_error = raise_error

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self._maybe("start")

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        self._maybe("token")

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self._maybe("end")

    def _maybe(self, hook: str) -> None:
        if hook == self.hook:
            raise ValueError(f"handler failed at {hook}")


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return observe(call())
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return {"raised": observe(exc), "message": str(exc)}


def raising_handler(run: Run) -> Any:
    """A handler raising at the run's start, at a token and at its end: with
    `raise_error=True` the call raises (which error, its message); without, the reply
    comes back."""
    model = run.make()
    out: dict[str, Any] = {}
    for hook in ("start", "token", "end"):
        for loud in (True, False):
            handler = _Raising(hook, loud)
            config: Any = {"callbacks": [handler]}
            call = (
                (lambda c=config: list(model.stream(HELLO, c)))
                if hook == "token"
                else (lambda c=config: model.invoke(HELLO, c))
            )
            out[f"{hook}-{'raise' if loud else 'quiet'}"] = _outcome(call)
    return out


class _Legacy(callbacks.BaseCallbackHandler):
    """A handler written for LLMs: `on_llm_start` (no `on_chat_model_start`: LangChain
    gives it the messages as prompt strings) and `on_llm_end`'s whole `LLMResult`."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_llm_start(self, serialized: Any, prompts: list[str], **kwargs: Any) -> None:
        self.seen.append(
            {
                "hook": "start",
                "prompts": prompts,
                "serialized_name": (serialized or {}).get("name"),
                "invocation_params": masked(kwargs.get("invocation_params")),
            }
        )

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(
            {
                "hook": "end",
                "result": type(response).__name__,
                "generations": [
                    [
                        {
                            "type": type(g).__name__,
                            "text": g.text,
                            "info": masked(g.generation_info),
                            "message": observe(g.message),
                        }
                        for g in per_prompt
                    ]
                    for per_prompt in response.generations
                ],
                "llm_output": masked(response.llm_output),
                "run": None if response.run is None else [RANDOM for _ in response.run],
            }
        )


def legacy_handler(run: Run) -> Any:
    """A legacy `on_llm_start` handler over an invoke with a system message, a tool-call
    reply and a batch of two (one at a time)."""
    model = run.make()
    handler = _Legacy()
    config: Any = {"callbacks": [handler]}
    model.invoke([("system", "Be brief."), ("user", HELLO)], config)
    model.bind_tools([get_weather]).invoke(TURNS[0], config)
    model.batch([HELLO, "Say hello to my neighbour"], {**config, "max_concurrency": 1})
    return handler.seen


# ---- the run tree ------------------------------------------------------------------------------


def _run_tree(traced: Any) -> Any:
    extra = traced.extra or {}
    metadata = extra.get("metadata") or {}
    return {
        "name": traced.name,
        "run_type": traced.run_type,
        "tags": traced.tags,
        "inputs": sorted(traced.inputs or {}),
        "outputs": sorted(traced.outputs or {}),
        "llm_output": masked((traced.outputs or {}).get("llm_output")),
        "invocation_params": masked(extra.get("invocation_params")),
        "options": masked(extra.get("options")),
        "ls": {k: v for k, v in metadata.items() if k.startswith("ls_")},
        "events": [e.get("name") for e in traced.events or ()],
        "error": traced.error,
        "children": [_run_tree(c) for c in traced.child_runs],
    }


def collected_runs(run: Run) -> Any:
    """`collect_runs()` around an invoke, a stream and a chain: each root run's tree
    (names, run_type, inputs/outputs keys, invocation params, ls_* metadata, events)."""
    model = run.make()
    with tracer_context.collect_runs() as collector:
        model.invoke(HELLO)
        for _ in model.stream(HELLO):
            pass
        _chain(model).invoke({"who": "my friend"})
    return [_run_tree(r) for r in collector.traced_runs]


def collected_runs_async(run: Run) -> Any:
    """The same over `ainvoke`, `astream` and the chain's `ainvoke`."""

    async def body() -> Any:
        model = run.make()
        with tracer_context.collect_runs() as collector:
            await model.ainvoke(HELLO)
            async for _ in model.astream(HELLO):
                pass
            await _chain(model).ainvoke({"who": "my friend"})
        return [_run_tree(r) for r in collector.traced_runs]

    return arun(body)


SCENARIOS = {
    "debug_chain": debug_chain,
    "debug_stream": debug_stream,
    "debug_async": debug_async,
    "verbose": verbose,
    "streaming_stdout": streaming_stdout,
    "async_iterator": async_iterator,
    "streaming_flags": streaming_flags,
    "streaming_flags_async": streaming_flags_async,
    "usage_totals": usage_totals,
    "usage_totals_async": usage_totals_async,
    "handlers_where": handlers_where,
    "raising_handler": raising_handler,
    "legacy_handler": legacy_handler,
    "collected_runs": collected_runs,
    "collected_runs_async": collected_runs_async,
}


test_handler_script = family_test(SCENARIOS, SCRIPT_WIRES)
