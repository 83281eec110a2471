"""Scripts the wires' probe_w modules share (tests/partners/<wire>/test_*_probe_w_scripts.py):
each factory takes a suite's constructor `make(cls, url, **settings)` and gives a
`script(cls, url)` that its suite runs with the partner's class and with chatplex's."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import sum_schema

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]

#: A PDF of no page, base64: a file block's data.
PDF = base64.b64encode(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
).decode()


#: A Chat Completions reply's usage, 8 of its prompt tokens read from the cache.
CACHED_USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "prompt_tokens_details": {"cached_tokens": 8},
}


def _recorder() -> tuple[Any, list[Any]]:
    """A callback handler, and what it saw: each chat model start (the run's name, tags,
    metadata and the serialized model's id) and each end (the generation's message and
    the result's `llm_output`)."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[Any] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            seen.append(
                {
                    "start": kw.get("name"),
                    "tags": sorted(kw.get("tags") or []),
                    "metadata": kw.get("metadata"),
                    "serialized": (serialized or {}).get("id"),
                }
            )

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            (generation,) = response.generations[0]
            seen.append({"end": generation.message, "llm_output": response.llm_output})

    return Recorder(), seen


def callbacks_see_config(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_config(run_name=..., tags=..., metadata=...)` invoked with a callback
        handler, then `batch` of two prompts with a config per prompt: what the handler
        saw of each run, and the replies."""
        handler, seen = _recorder()
        named = make(cls, url).with_config(
            run_name="summariser", tags=["nightly"], metadata={"team": "docs"}
        )
        reply = named.invoke("Hi", config={"callbacks": [handler]})
        configs = [
            {"callbacks": [handler], "tags": ["first"], "max_concurrency": 1},
            {"callbacks": [handler], "tags": ["second"], "run_name": "other"},
        ]
        replies = make(cls, url).batch(["One", "Two"], config=configs)
        return {"reply": reply, "batch": replies, "seen": seen}

    return script


def history_replayed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A conversation read back from a store: the assistant's turn keeps its id,
        usage and response_metadata, the tool's result its `artifact`; then answered."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_01"}
        usage = {"input_tokens": 9, "output_tokens": 4, "total_tokens": 13}
        history = [
            HumanMessage("1+2?", id="h1"),
            AIMessage(
                "Adding.",
                tool_calls=[call],
                id="run-01",
                usage_metadata=usage,  # type: ignore[arg-type]
                response_metadata={"model_name": "m", "finish_reason": "tool_calls"},
            ),
            ToolMessage("3", tool_call_id="call_01", artifact={"rows": [1, 2]}, name="add"),
        ]
        return make(cls, url).bind_tools([add]).invoke(history)

    return script


def function_tool_named(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A plain function and a `@tool(parse_docstring=True)` bound as tools, the first
        forced by its name: invoked, and what was bound."""
        from langchain_core.tools import tool

        def add(a: int, b: int) -> int:
            """Add two integers.

            Args:
                a: The first addend.
                b: The second addend.
            """
            return a + b

        @tool(parse_docstring=True)
        def scale(value: float, factor: float = 2.0) -> float:
            """Scale a value.

            Args:
                value: The value to scale.
                factor: How many times larger.
            """
            return value * factor

        bound = make(cls, url).bind_tools([add, scale], tool_choice="add")
        return {"reply": bound.invoke("1+2?"), "bound": bound.kwargs}

    return script


def v0_base64_blocks(make: Make, pdf: bool = True) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A question with LangChain's v0 standard blocks (`source_type: "base64"`): an
        image, and a PDF where `pdf`: the reply, or the class of what refused it."""
        from langchain_core.messages import HumanMessage

        blocks: list[Any] = [
            {"type": "text", "text": "What is in these?"},
            {"type": "image", "source_type": "base64", "mime_type": "image/png", "data": PNG},
        ]
        if pdf:
            blocks.append(
                {
                    "type": "file",
                    "source_type": "base64",
                    "mime_type": "application/pdf",
                    "data": PDF,
                    "filename": "page.pdf",
                }
            )
        return attempted(lambda: make(cls, url).invoke([HumanMessage(blocks)]))

    return script


def dict_messages(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A conversation given as OpenAI-style dicts (a system turn, an assistant's tool
        call, the tool's result): invoked and streamed."""
        call = {"id": "call_01", "type": "function"}
        call["function"] = {"name": "add", "arguments": '{"a": 1, "b": 2}'}
        history = [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "1+2?"},
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "content": "3", "tool_call_id": "call_01"},
        ]
        bound = make(cls, url).bind_tools([add])
        return [bound.invoke(history), merged(list(bound.stream(history)))]

    return script


def usage_tracked(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`get_usage_metadata_callback()` around an invoke, a stream and a batch of two:
        the totals it kept, by model name."""
        from langchain_core.callbacks import get_usage_metadata_callback

        model = make(cls, url)
        with get_usage_metadata_callback() as tracked:
            model.invoke("Hi")
            list(model.stream("Hi"))
            model.batch(["One", "Two"])
        return tracked.usage_metadata

    return script


def ids_of_a_run(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The ids a script reads to tie a reply to its run (`config={"run_id": ...}`):
        the reply's, each streamed chunk's, and the run id a callback saw."""
        import uuid

        handler, seen = _recorder()
        run_id = uuid.UUID("00000000-0000-4000-8000-000000000001")
        model = make(cls, url)
        reply = model.invoke("Hi", config={"run_id": run_id, "callbacks": [handler]})
        chunks = list(model.stream("Hi", config={"run_id": run_id}))
        return {"reply": reply.id, "chunks": sorted({c.id for c in chunks}), "seen": seen}

    return script


def prompt_cache_marked(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """OpenAI's explicit prompt caching: `prompt_cache_options` given to the
        constructor, a system block marked `prompt_cache_breakpoint`, a call's
        `prompt_cache_key`, a stream's `prompt_cache_retention`: the replies and usage."""
        model = make(cls, url, prompt_cache_options={"mode": "explicit", "ttl": "30m"})
        marked = {"type": "text", "text": "Stable instructions."}
        marked["prompt_cache_breakpoint"] = {"mode": "explicit"}
        messages = [
            {"role": "system", "content": [marked]},
            {"role": "user", "content": "Current request"},
        ]
        reply = model.invoke(messages, prompt_cache_key="tenant:acme:support-v1")
        whole = merged(list(model.stream(messages, prompt_cache_retention="24h")))
        return [reply, whole, reply.usage_metadata]

    return script


def structured_streamed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output` of a JSON schema, by the class's default method:
        streamed (each partial object), and invoked."""
        structured = make(cls, url).with_structured_output(sum_schema())
        return {"partials": list(structured.stream("1+2?")), "whole": structured.invoke("1+2?")}

    return script


def two_calls_run(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """An agent's loop over a reply of two tool calls: each call run by its `@tool`
        (a ToolMessage each), the history sent back; and the two calls streamed (their
        chunks' pieces, and merged)."""
        from langchain_core.messages import HumanMessage
        from langchain_core.tools import tool

        tools = {t.name: t for t in (tool(add), tool(mul))}
        bound = make(cls, url).bind_tools(list(tools.values()))
        history: list[Any] = [HumanMessage("1+2 and 2*3?")]
        reply = bound.invoke(history)
        history += [reply, *(tools[call["name"]].invoke(call) for call in reply.tool_calls)]
        chunks = list(bound.stream("1+2 and 2*3?"))
        pieces = [[{**c, "id": bool(c["id"])} for c in k.tool_call_chunks] for k in chunks]
        return {"results": history[2:], "answer": bound.invoke(history), "pieces": pieces}

    return script


def temperature_by_model(make_on: Callable[..., Any]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A temperature given to OpenAI's reasoning models and their chat and
        no-effort variants, to the constructor and to a call, and o1 given none: each
        reply attempted (`make_on(cls, url, model, **settings)` builds the model)."""
        cases = {
            "gpt-5": ("gpt-5", {"temperature": 0.2}),
            "gpt-5 no effort": ("gpt-5", {"temperature": 0.2, "reasoning_effort": "none"}),
            "gpt-5.1 no effort": ("gpt-5.1", {"temperature": 0.3, "reasoning_effort": "none"}),
            "gpt-5 chat": ("gpt-5-chat-latest", {"temperature": 0.2}),
            "o1": ("o1", {}),
        }
        out = {
            name: attempted(lambda m=model, s=settings: make_on(cls, url, m, **s).invoke("Hi"))
            for name, (model, settings) in cases.items()
        }
        out["gpt-5 per call"] = attempted(
            lambda: make_on(cls, url, "gpt-5").invoke("Hi", temperature=0.2)
        )
        return out

    return script


#: The scripts every wire runs.
EVERY_WIRE = (
    "callbacks_see_config",
    "history_replayed",
    "function_tool_named",
    "dict_messages",
    "usage_tracked",
    "ids_of_a_run",
)
#: The shared scripts by name.
FACTORIES: dict[str, Callable[[Make], Script]] = {
    f.__name__: f
    for f in (callbacks_see_config, history_replayed, function_tool_named, v0_base64_blocks)
}
FACTORIES |= {
    f.__name__: f
    for f in (dict_messages, usage_tracked, ids_of_a_run, prompt_cache_marked, structured_streamed)
}
FACTORIES["two_calls_run"] = two_calls_run


def rows(make: Make, reply: Any, names: tuple[str, ...] = EVERY_WIRE) -> dict[str, Any]:
    """A suite's rows (name -> (reply, script)) of the shared scripts `names` over its
    constructor `make`, the server answering each with `reply`."""
    return {name: (reply, FACTORIES[name](make)) for name in names}


def bodies(outcome: Outcome) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one request's body each side sent (theirs, ours) of a one-request script."""
    [theirs], [ours] = outcome[2], outcome[3]
    return theirs["body"], ours["body"]
