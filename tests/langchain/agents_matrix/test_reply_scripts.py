"""A LangChain user's scripts over the details of a reply: how a reply stopped (a text
reply, a tool call, the output-token limit, a content filter; invoked, and on the
stream's last chunk), the message ids' shapes, usage with cached and reasoning tokens,
log probabilities asked for, several candidates (`n=2`) through `generate` and
`invoke`, `agenerate` under a handler, usage streamed on or off, `disable_streaming`,
the sampling settings that reach the server (set on the class and per call, a falsy
`temperature=0` included), token counting with tools and token ids, and the merged
stream turned back into a message, sync and async, on the wires a script most often
imports: the partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langchain_core import callbacks
from langchain_core import messages

from tests._tiktoken import offline_tiktoken

from ._cells import family_test
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import json_body
from ._kit import masked
from ._kit import merged_chunks
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from .test_graph_scripts import _id_shape
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_replies")


def _requests(run: Run, fault: str | None = None) -> AbstractContextManager[list[dict[str, Any]]]:
    """The JSON bodies of the requests the server gets meanwhile (in arrival order),
    each answered with `fault` when given."""
    return requests_seen(run, json_body, lambda _, __: fault)


def _ending(reply: Any) -> dict[str, Any]:
    """How a reply (or a stream's last chunk) says it ended: its response_metadata, its
    chunk position, its usage and its id's shape."""
    return {
        "metadata": masked(reply.response_metadata),
        "position": getattr(reply, "chunk_position", None),
        "usage": reply.usage_metadata,
        "id": _id_shape(reply.id),
    }


# ---- how a reply stopped ---------------------------------------------------------------------


def stop_reasons(run: Run) -> Any:
    """A text reply and a tool-call reply, invoked and streamed: how each ends (the
    invoked message, the stream's last chunk and the merged stream)."""
    model = run.make()
    bound = model.bind_tools([get_weather])
    out = {}
    for name, runnable, said in (("text", model, HELLO), ("called", bound, TURNS[0])):
        chunks = list(runnable.stream(said))
        out[name] = {
            "invoked": _ending(runnable.invoke(said)),
            "last": _ending(chunks[-1]),
            "merged": _ending(merged_chunks(chunks)),
            "ids": sorted({_id_shape(c.id) for c in chunks}),
        }
    return out


def stop_reasons_async(run: Run) -> Any:
    async def body() -> Any:
        bound = run.make().bind_tools([get_weather])
        chunks = [c async for c in bound.astream(TURNS[0])]
        return {
            "invoked": _ending(await bound.ainvoke(TURNS[0])),
            "last": _ending(chunks[-1]),
            "merged": _ending(merged_chunks(chunks)),
        }

    return arun(body)


def length_stop(run: Run) -> Any:
    """A reply cut at the output-token limit (`max_tokens=5`): how it says so, invoked,
    on the stream's last chunk and merged, and in `generate`'s generation_info; the
    async invoke too."""
    model = run.make(max_tokens=5)

    async def body() -> Any:
        return _ending(await model.ainvoke(HELLO))

    run.server.settings.stop_at_limit = True
    try:
        chunks = list(model.stream(HELLO))
        generated = model.generate([[messages.HumanMessage(HELLO)]])
        return {
            "invoked": _ending(model.invoke(HELLO)),
            "last": _ending(chunks[-1]),
            "merged": _ending(merged_chunks(chunks)),
            "info": masked(generated.generations[0][0].generation_info),
            "async": arun(body),
        }
    finally:
        run.server.settings.stop_at_limit = False


def content_filtered(run: Run) -> Any:
    """The provider's content filter stops a stream early (its content-filter finish
    reason, where the wire has one), and refuses an invoke (a 400): the merged stream
    and the error, sync and async."""
    model = run.make(max_retries=0)

    async def body() -> Any:
        with _requests(run, "content_filter"):
            return merged_chunks([c async for c in model.astream(HELLO)])

    with _requests(run, "content_filter"):
        streamed = merged_chunks(list(model.stream(HELLO)))
        refused = outcome_of(lambda: model.invoke(HELLO))
    return {"streamed": streamed, "refused": refused, "async": arun(body)}


# ---- usage details ------------------------------------------------------------------------------

#: The usage details the server reports in the `usage_details` scenario.
DETAILS = {"cached": 3, "reasoning": 2}


@contextmanager
def _detailed(run: Run) -> Iterator[None]:
    """Every reply reports `DETAILS` (cached input, reasoning output), meanwhile."""
    run.server.settings.usage_details = DETAILS
    try:
        yield
    finally:
        run.server.settings.usage_details = None


def usage_details(run: Run) -> Any:
    """A reply whose usage has cached input tokens and reasoning tokens: its
    `usage_metadata` (with `input_token_details` / `output_token_details`) and raw usage
    invoked, on the merged stream (chunks added up) and on the async invoke."""

    async def body() -> Any:
        return (await model.ainvoke(HELLO)).usage_metadata

    model = run.make()
    with _detailed(run):
        reply = model.invoke(HELLO)
        merged = merged_chunks(list(model.stream(HELLO)))
        return {
            "invoked": reply.usage_metadata,
            "raw": masked({k: v for k, v in reply.response_metadata.items() if "usage" in k}),
            "merged": merged.usage_metadata,
            "async": arun(body),
        }


# ---- log probabilities and candidates ---------------------------------------------------------


def _sent(bodies: list[dict[str, Any]], *words: str) -> list[dict[str, Any]]:
    """The members of each request body (top level, or one level down) whose name holds
    one of `words` (a word in quotes: the whole name), but those sent as null (a field
    sent as null is one not sent, as tests/partners/compatible reads requests)."""
    out = []
    for body in bodies:
        found: dict[str, Any] = {}
        for key, value in body.items():
            inner = value.items() if isinstance(value, dict) else ()
            for name, held in [(key, value), *((f"{key}.{k}", v) for k, v in inner)]:
                last = name.rsplit(".", 1)[-1].lower()
                named = (last == w.strip('"') if w.startswith('"') else w in last for w in words)
                if held is not None and any(named):
                    found[name] = held
        out.append(found)
    return out


def logprobs(run: Run) -> Any:
    """`logprobs=True, top_logprobs=2` on the class, and `logprobs=True` per call: the
    reply's `logprobs` metadata, invoked and on the merged stream, and what the requests
    carried."""

    def call() -> Any:
        model = run.make(logprobs=True, top_logprobs=2)
        with _requests(run) as seen:
            invoked = model.invoke(HELLO)
            merged = merged_chunks(list(model.stream(HELLO)))
            per_call = outcome_of(lambda: run.make().invoke(HELLO, logprobs=True))
        return {
            "invoked": invoked.response_metadata.get("logprobs", "<absent>"),
            "merged": merged.response_metadata.get("logprobs", "<absent>"),
            "per_call": per_call,
            "sent": _sent(seen, "logprob"),
        }

    return outcome_of(call)


def _generations(result: Any) -> Any:
    return [
        [{"info": masked(g.generation_info), "message": g.message} for g in row]
        for row in result.generations
    ]


def candidates(run: Run) -> Any:
    """`n=2` on the class: `generate` (each candidate a generation), `invoke` (the reply
    LangChain keeps), and what the requests carried."""

    def call() -> Any:
        model = run.make(n=2)
        with _requests(run) as seen:
            generated = model.generate([[messages.HumanMessage(HELLO)]])
            invoked = model.invoke(HELLO)
        return {
            "generations": _generations(generated),
            "llm_output": masked(generated.llm_output),
            "invoked": invoked,
            "sent": _sent(seen, '"n"', "candidate"),
        }

    return outcome_of(call)


class _Ends(callbacks.AsyncCallbackHandler):
    """What an async handler's on_llm_end gets of each run."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(
            {"llm_output": masked(response.llm_output), "generations": _generations(response)}
        )


def agenerate_handler(run: Run) -> Any:
    """`await model.agenerate([...], callbacks=[handler])` over two prompts: the result
    and what an async handler's on_llm_end got of each run."""

    async def body() -> Any:
        handler = _Ends()
        prompts = [[messages.HumanMessage(HELLO)], [messages.HumanMessage(TURNS[0])]]
        result = await run.make().agenerate(prompts, callbacks=[handler])
        return {
            "generations": _generations(result),
            "llm_output": masked(result.llm_output),
            "handler": handler.seen,
        }

    return arun(body)


# ---- what a stream yields ---------------------------------------------------------------------


def stream_usage_flags(run: Run) -> Any:
    """`stream_usage=False` and `stream_usage=True` on the class, and `stream_usage=True`
    per call: the usage on the merged stream (an error where the class takes no such
    field), and what each request carried about it."""

    def usage(per_call: dict[str, Any], **how: Any) -> Any:
        def call() -> Any:
            model = run.make(**how)
            with _requests(run) as seen:
                merged = merged_chunks(list(model.stream(HELLO, **per_call)))
            return {"usage": merged.usage_metadata, "sent": _sent(seen, "stream_", "usage")}

        return outcome_of(call)

    return {
        "off": usage({}, stream_usage=False),
        "on": usage({}, stream_usage=True),
        "per_call": usage({"stream_usage": True}),
    }


def streaming_disabled(run: Run) -> Any:
    """`disable_streaming=True` (stream() gives the invoked reply as one chunk) and
    `disable_streaming="tool_calling"` (only a call with tools is not streamed): the
    chunks of each, sync and async."""

    def chunks(stream: Any) -> Any:
        return [observe(c) for c in stream]

    off = run.make(disable_streaming=True)
    tools_off = run.make(disable_streaming="tool_calling")

    async def body() -> Any:
        return [observe(c) async for c in off.astream(HELLO)]

    return {
        "off": chunks(off.stream(HELLO)),
        "tools_off": chunks(tools_off.bind_tools([get_weather]).stream(TURNS[0])),
        "tools_off_text": len(list(tools_off.stream(HELLO))) > 1,
        "async": arun(body),
    }


def back_to_message(run: Run) -> Any:
    """The merged stream of a tool-call reply turned back into a message
    (`message_chunk_to_message`) and its tool-call chunks, beside the invoked reply."""
    bound = run.make().bind_tools([get_weather])
    merged = merged_chunks(list(bound.stream(TURNS[0])))
    return {
        "message": messages.message_chunk_to_message(merged),
        "chunks": masked(merged.tool_call_chunks),
        "same_calls": masked(merged.tool_calls) == masked(bound.invoke(TURNS[0]).tool_calls),
    }


# ---- what reaches the server ----------------------------------------------------------------

#: The names a wire gives the sampling settings in its request (at any of the two levels).
_SAMPLING = ("temperature", "seed", "top_p", "topp", "max", "num_predict", "stop", "random")


def sampling_sent(run: Run) -> Any:
    """`temperature=0` (falsy: easily dropped), `top_p` and `max_tokens` on the class,
    then `seed`, `stop` and `max_tokens` per call: the replies and what each request
    carried (an error where the partner has none)."""

    def call() -> Any:
        model = run.make(temperature=0, top_p=0.5, max_tokens=40)
        with _requests(run) as seen:
            first = model.invoke(HELLO)
            second = outcome_of(lambda: model.invoke(HELLO, seed=7, stop=["END"], max_tokens=9))
        return {"replies": [first, second], "sent": _sent(seen, *_SAMPLING)}

    return outcome_of(call)


def sampling_sent_async(run: Run) -> Any:
    async def body() -> Any:
        model = run.make(temperature=0, top_p=0.5, max_tokens=40)
        with _requests(run) as seen:
            first = await model.ainvoke(HELLO)
            try:
                second: Any = await model.ainvoke(HELLO, seed=7, stop=["END"], max_tokens=9)
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                second = exc
        return {"replies": [first, observe(second)], "sent": _sent(seen, *_SAMPLING)}

    return outcome_of(lambda: arun(body))


# ---- counting tokens ---------------------------------------------------------------------------


def token_numbers(run: Run) -> Any:
    """`get_num_tokens(text)`, `get_token_ids(text)` and
    `get_num_tokens_from_messages(messages, tools=[...])` (the partner's numbers or its
    error; tiktoken offline, tests/_tiktoken.py)."""
    model = run.make()
    said = [messages.HumanMessage(TURNS[0]), messages.AIMessage("It is sunny.")]
    with (
        tempfile.TemporaryDirectory() as cache,
        offline_tiktoken(Path(cache)),
        warnings.catch_warnings(),  # LangChain's GPT-2 fallback warns: not compared
    ):
        warnings.simplefilter("ignore")
        return {
            "num": outcome_of(lambda: model.get_num_tokens(HELLO)),
            "ids": outcome_of(lambda: model.get_token_ids(HELLO)),
            "with_tools": outcome_of(
                lambda: model.get_num_tokens_from_messages(said, tools=[get_weather])
            ),
        }


SCENARIOS = {
    "stop_reasons": stop_reasons,
    "stop_reasons_async": stop_reasons_async,
    "length_stop": length_stop,
    "filtered_reply": content_filtered,
    "usage_details": usage_details,
    "logprobs": logprobs,
    "candidates": candidates,
    "agenerate_handler": agenerate_handler,
    "stream_usage_flags": stream_usage_flags,
    "streaming_disabled": streaming_disabled,
    "back_to_message": back_to_message,
    "sampling_sent": sampling_sent,
    "sampling_sent_async": sampling_sent_async,
    "token_numbers": token_numbers,
}


test_reply_script = family_test(SCENARIOS, SCRIPT_WIRES)
