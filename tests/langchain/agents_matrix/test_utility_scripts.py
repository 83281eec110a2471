"""A further set of LangChain scripts (issue 47) handing the chat model, or its replies,
to langchain-core's own helpers, of the kind a hidden suite runs (a script whose import
line alone changed), on the wires a script most often imports: the partner package's
class and chatplex's, compared (`_kit.py`): what each helper returns or prints, and what
reached the server when the helper's output is sent.

- Trimming and counting: `trim_messages(token_counter=model)` with each strategy and
  `start_on` / `end_on` / `include_system` / `allow_partial` (and `"approximate"`) over a
  history of replies; `count_tokens_approximately` of each reply, with the usage scaling
  and with tools.
- Editing a history before a call: `filter_messages` (by type, `exclude_tool_calls`),
  `merge_message_runs` (as a function and as the runnable before the model), sync and
  async: the kept messages and what was sent.
- Replies converted: `convert_to_openai_messages` (`text_format="block"`,
  `include_id=True`) of a reply, a tool call and a merged streamed call, then
  `convert_to_messages` back and sent; a developer-role turn as dicts and converted;
  `message_to_dict` / `messages_from_dict` of streamed chunks, `dumpd` / `load` of a
  merged call and of `message_chunk_to_message`; `get_buffer_string` with its prefixes
  and as XML; `pretty_repr()` / `pretty_print()` of a streamed call.
- Runnables around the model: `RunnableWithMessageHistory` over two interleaved sessions
  (and a third async); a `ChatPromptTemplate` with partial variables (a value and a
  function) and optional `MessagesPlaceholder`s; `configurable_alternatives` and
  `RunnableParallel` between this wire's model and another wire's; another wire's
  replies (a tool call answered) handed to this wire, and this wire's to the other;
  `JsonOutputToolsParser` / `JsonOutputKeyToolsParser(return_id=True)` /
  `PydanticToolsParser` over two calls in one reply, invoked and batched; a chain of
  `bind(stop=...)`, `with_types` and `with_listeners` batched with a bad input among good
  ones (`return_exceptions=True`); `astream_log(include_names=[...])` of a chain: the
  model's log entry (its pieces and final output); a script's subclass of the class with
  a field of its own and `_generate` overridden.
What test_chain_scripts.py, test_scripts.py, test_persist_scripts.py and
test_model_api.py run already is left out.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from langchain_core import load
from langchain_core import messages
from langchain_core import output_parsers
from langchain_core import outputs
from langchain_core import prompt_values
from langchain_core import prompts
from langchain_core import runnables
from langchain_core.messages import utils as message_utils
from langchain_core.output_parsers import openai_tools
from pydantic import create_model

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests._tiktoken import offline_tiktoken

from ._cells import Difference
from ._cells import _call_split
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import compare
from ._cells import known_cells
from ._cells import ollama_unnamed_results
from ._kit import SCRIPT
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import chatplex_class
from ._kit import get_weather
from ._kit import masked
from ._kit import merged_chunks
from ._kit import observe
from ._kit import outcome_of
from ._kit import scripted
from ._kit import text_of
from ._kit import with_history
from .test_config_scripts import FALLBACK_WIRE
from .test_config_scripts import _deprecated_alike
from .test_config_scripts import _requests
from .test_model_api import _ids_masked
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_utility_scripts")

#: A user turn the server answers with two calls of the weather tool in one reply.
TWO_CITIES = "Compare the weather of two cities"

_utility_script = scripted(
    MockScript(
        rules=[
            ScriptRule(
                user_text=TWO_CITIES,
                call="get_weather",
                args={"location": "Paris"},
                also=[{"call": "get_weather", "args": {"location": "Rome"}}],
            ),
            *SCRIPT.rules,
        ]
    )
)


def _history(run: Run, model: Any | None = None) -> list[Any]:
    """A conversation a script keeps: a system prompt, a text reply, a tool-call reply
    answered by its tool, and the reply after it (each the wire's own)."""
    model = model or run.make()
    text = model.invoke(HELLO)
    called = model.bind_tools([get_weather]).invoke(TURNS[0])
    result = messages.ToolMessage(
        "It is sunny in Paris.", tool_call_id=called.tool_calls[0]["id"], name="get_weather"
    )
    said = [
        messages.SystemMessage("You are brief."),
        messages.HumanMessage(HELLO),
        text,
        messages.HumanMessage(TURNS[0]),
        called,
        result,
    ]
    return [*said, model.invoke(said), messages.HumanMessage(TURNS[1])]


#: A request body's members holding the conversation, on every wire.
_CONVERSATION = ("messages", "contents", "system", "systemInstruction", "system_instruction")


def _conversation(body: dict[str, Any]) -> Any:
    """The conversation a request body carries (ids masked)."""
    return masked({k: v for k, v in body.items() if k in _CONVERSATION})


# ---- trimming and counting ----------------------------------------------------------------------


@contextmanager
def _offline_counting() -> Iterator[None]:
    """tiktoken reads cl100k_base offline (tests/_tiktoken.py); LangChain's GPT-2
    fallback's warning is not compared."""
    with (
        tempfile.TemporaryDirectory() as cache,
        offline_tiktoken(Path(cache)),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield


#: The model a wire is made with to count tokens offline, where its default cannot.
COUNTED_MODEL = {"openai": {"model": "gpt-4"}}


def trim_strategies(run: Run) -> Any:
    """`trim_messages(history, token_counter=model, ...)` with half the history's count:
    `strategy="last"` with `start_on="human"` and `include_system=True`, with
    `end_on=("human", "tool")`, `strategy="first"` with `allow_partial=True`; and the
    same with `token_counter="approximate"` (the partner's error where it counts no
    tokens offline)."""
    # OpenAI's wire counts offline with a model of cl100k_base (tests/_tiktoken.py).
    model = run.make(**COUNTED_MODEL.get(run.wire.name, {}))
    said = _history(run, model)
    ways: dict[str, dict[str, Any]] = {
        "last": {"strategy": "last", "start_on": "human", "include_system": True},
        "end_on": {"strategy": "last", "end_on": ("human", "tool")},
        "first": {"strategy": "first", "allow_partial": True},
    }

    def trimmed(counter: Any, budget: int) -> Any:
        def trim(how: dict[str, Any]) -> Any:
            return messages.trim_messages(said, max_tokens=budget, token_counter=counter, **how)

        return {name: outcome_of(partial(trim, how)) for name, how in ways.items()}

    with _offline_counting(), _requests(run) as seen:
        count = outcome_of(lambda: model.get_num_tokens_from_messages(said))
        by_model = trimmed(model, count // 2) if isinstance(count, int) else count
    rough = message_utils.count_tokens_approximately(said)
    return {
        "count": count,
        "model": by_model,
        "approximate": trimmed("approximate", rough // 2),
        # Where the wire counts on the server: which counted histories had a tool
        # result before the call it answers ("last" counts the history reversed).
        "results_first": [_result_before_call(b) for b in seen.bodies],
    }


def _result_before_call(body: dict[str, Any]) -> bool:
    """Whether a request's conversation has a tool result before the call it answers
    (by the call's id: Anthropic's `tool_use` / `tool_result`, Converse's `toolUse` /
    `toolResult`, the OpenAI family's `tool_calls` / role `tool`)."""
    called: set[str] = set()
    for message in body.get("messages") or ():
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        answered = [b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"]
        answered += [b["toolResult"]["toolUseId"] for b in blocks if "toolResult" in b]
        if message.get("role") == "tool":
            answered.append(message.get("tool_call_id"))
        if any(i not in called for i in answered):
            return True
        called |= {b.get("id") for b in blocks if b.get("type") == "tool_use"}
        called |= {b["toolUse"]["toolUseId"] for b in blocks if "toolUse" in b}
        called |= {c.get("id") for c in message.get("tool_calls") or ()}
    return False


def approximate_counts(run: Run) -> Any:
    """`count_tokens_approximately` of each reply (a text reply, a tool call, a merged
    streamed call), of the history with the usage scaling on, and with tools."""
    model = run.make()
    bound = model.bind_tools([get_weather])
    replies = {
        "text": model.invoke(HELLO),
        "called": bound.invoke(TURNS[0]),
        "merged": merged_chunks(list(bound.stream(TURNS[0]))),
    }
    said = _history(run, model)
    count = message_utils.count_tokens_approximately
    return {
        "each": {name: count([reply]) for name, reply in replies.items()},
        "history": count(said),
        "scaled": count(said, use_usage_metadata_scaling=True),
        "tools": count(said, tools=[get_weather]),
    }


# ---- editing a history before a call ---------------------------------------------------------


def filtered_history(run: Run) -> Any:
    """`filter_messages` over a history of replies: by type, with every tool call cut
    (`exclude_tool_calls=True`), with the one call cut by id; the cut history sent
    (what the server got, and the reply), sync and async."""
    model = run.make()
    said = _history(run, model)
    call_id = said[4].tool_calls[0]["id"]
    cut = messages.filter_messages(said, exclude_tool_calls=True)

    async def body() -> Any:
        return await model.ainvoke(cut)

    with _requests(run) as seen:
        replies = [model.invoke(cut), arun(body)]
    return {
        "ai": messages.filter_messages(said, include_types=["ai"]),
        "no_system": messages.filter_messages(said, exclude_types=[messages.SystemMessage]),
        "cut": cut,
        "cut_by_id": messages.filter_messages(said, exclude_tool_calls=[call_id]),
        "replies": replies,
        "sent": [_conversation(b) for b in seen.bodies],
    }


def merged_runs_sent(run: Run) -> Any:
    """`merge_message_runs` over a history with two user turns in a row and two replies
    in a row (a text reply, then a tool call), and `merge_message_runs() | model`
    invoked and ainvoked: the merged messages, the replies and what was sent."""
    model = run.make()
    said = _history(run, model)
    runs = [said[0], said[1], messages.HumanMessage("Please."), said[2], *said[4:]]
    chain = messages.merge_message_runs() | model

    async def body() -> Any:
        return await chain.ainvoke(runs)

    with _requests(run) as seen:
        replies = [chain.invoke(runs), arun(body)]
    return {
        "merged": messages.merge_message_runs(runs, chunk_separator=" "),
        "replies": replies,
        "sent": [_conversation(b) for b in seen.bodies],
    }


# ---- replies converted ----------------------------------------------------------------------


def openai_format_replies(run: Run) -> Any:
    """`convert_to_openai_messages` of a text reply, a tool call and a merged streamed
    call (as strings, and as blocks with ids), `convert_to_messages` of the dicts back,
    and the dicts sent to the model as its input."""
    model = run.make()
    bound = model.bind_tools([get_weather])
    called = bound.invoke(TURNS[0])
    replies = [
        model.invoke(HELLO),
        called,
        merged_chunks(list(bound.stream(TURNS[0]))),
    ]
    replies.append(messages.ToolMessage("sunny", tool_call_id=replies[2].tool_calls[0]["id"]))
    plain = messages.convert_to_openai_messages(replies)
    blocks = messages.convert_to_openai_messages(replies, text_format="block", include_id=True)
    # The streamed call (as a dict) and its result, then a user turn.
    sent = [messages.HumanMessage(TURNS[0]), *plain[2:], {"role": "user", "content": HELLO}]
    with _requests(run) as seen:
        reply = outcome_of(lambda: model.invoke(sent))
    return {
        "plain": masked(plain),
        "blocks": masked(blocks),
        "back": messages.convert_to_messages(plain),
        "reply": reply,
        "sent": [_conversation(b) for b in seen.bodies],
    }


def developer_turns(run: Run) -> Any:
    """A developer message (OpenAI's role for system rules) as a script writes it: role
    dicts handed to `invoke`, and `convert_to_messages([("developer", ...), ...])` (a
    SystemMessage marked `__openai_role__`): the replies and what each request carried."""
    model = run.make()
    converted = messages.convert_to_messages([("developer", "Be brief."), ("user", HELLO)])
    dicts = [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": HELLO}]
    with _requests(run) as seen:
        replies = [model.invoke(dicts), model.invoke(converted)]
    return {
        "converted": converted,
        "replies": replies,
        "sent": [_conversation(b) for b in seen.bodies],
    }


def chunk_dicts(run: Run) -> Any:
    """`message_to_dict` of a stream's first and last chunks and of the merged streamed
    call, `messages_from_dict` back (whole or not); `dumpd` / `load` of the merged call
    and of `message_chunk_to_message(merged)` (the class and whether it equals)."""
    bound = run.make().bind_tools([get_weather])
    chunks = list(bound.stream(TURNS[0]))
    merged = merged_chunks(chunks)
    whole = messages.message_chunk_to_message(merged)
    picked = [chunks[0], chunks[-1], merged]
    dicts = [messages.message_to_dict(m) for m in picked]
    back = messages.messages_from_dict(dicts)
    loaded = {}
    for name, message in (("merged", merged), ("whole", whole)):
        dumped = load.dumpd(message)
        again = load.load(dumped, allowed_objects="all")
        loaded[name] = {"dumped": masked(dumped), "class": type(again).__name__}
        loaded[name]["equal"] = again == message
    return {"dicts": masked(dicts), "round_trip": back == picked, "loaded": loaded}


#: A tool call's id in `get_buffer_string(..., format="xml")`: its shape kept (`call_`).
_XML_ID = re.compile(r'(<tool_call id="(?:[a-z]+_)?)[\w-]+"')


def buffer_formats(run: Run) -> Any:
    """`get_buffer_string` of a history of replies with a script's prefixes, and as
    XML (each tool call's id masked, its shape kept)."""
    said = _history(run)
    return {
        "prefixed": _ids_masked(
            messages.get_buffer_string(said, human_prefix="User", ai_prefix="Bot")
        ),
        "xml": _XML_ID.sub(r'\1<random>"', messages.get_buffer_string(said, format="xml")),
    }


def pretty_streams(run: Run) -> Any:
    """What printing a streamed call shows: `pretty_repr()` of the merged stream and of
    `message_chunk_to_message(merged)`, and `pretty_print()` of the invoked call and of
    the reply after its result (captured)."""
    model = run.make()
    said = _history(run, model)
    merged = merged_chunks(list(model.bind_tools([get_weather]).stream(TURNS[0])))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        said[4].pretty_print()
        said[6].pretty_print()
    return [
        _ids_masked(merged.pretty_repr()),
        _ids_masked(messages.message_chunk_to_message(merged).pretty_repr()),
        _ids_masked(printed.getvalue()),
    ]


# ---- runnables around the model ----------------------------------------------------------------


def two_sessions(run: Run) -> Any:
    """`RunnableWithMessageHistory(model, ...)` over sessions "a" and "b" taking turns,
    then a third session async: each store's messages and how many messages each
    request carried."""
    chain, stores = with_history(run.make())

    def config(name: str) -> Any:
        return {"configurable": {"session_id": name}}

    async def body() -> Any:
        await chain.ainvoke(HELLO, config("c"))
        return await chain.ainvoke(TURNS[0], config("c"))

    with _requests(run) as seen:
        for name, said in (("a", HELLO), ("b", TURNS[0]), ("a", TURNS[1]), ("b", HELLO)):
            chain.invoke(said, config(name))
        last = arun(body)
    return {
        "stores": {name: store.messages for name, store in sorted(stores.items())},
        "last": last,
        "sent": [_conversation(b) for b in seen.bodies],
    }


def placeholder_partials(run: Run) -> Any:
    """A `ChatPromptTemplate` with partial variables (a value and a function) and two
    optional `MessagesPlaceholder`s, one keeping its last two messages: `prompt | model`
    invoked with no history, with a history of replies, and streamed: the replies and
    what was sent."""
    template = prompts.ChatPromptTemplate.from_messages(
        [
            ("system", "You are {persona}. Answer in {language}."),
            prompts.MessagesPlaceholder("history", optional=True),
            prompts.MessagesPlaceholder("recent", optional=True, n_messages=2),
            ("human", "{question}"),
        ]
    ).partial(persona="a weather bot", language=lambda: "English")
    model = run.make()
    chain = template | model
    said = _history(run, model)
    with _requests(run) as seen:
        bare = chain.invoke({"question": HELLO})
        held = chain.invoke({"question": HELLO, "history": said[1:3], "recent": said[5:]})
        streamed = merged_chunks(list(chain.stream({"question": TURNS[1], "history": said[1:7]})))
    return {
        "replies": [bare, held, streamed],
        "variables": template.input_variables,
        "sent": [_conversation(b) for b in seen.bodies],
    }


def _other(run: Run) -> Run:
    """The same side's run on another wire (Anthropic's for OpenAI's, else OpenAI's)."""
    return Run(WIRES[FALLBACK_WIRE[run.wire.name]], run.side, run.server)


def two_wire_choices(run: Run) -> Any:
    """`configurable_alternatives` between this wire's model and another wire's (each
    key chosen per call), and `RunnableParallel` of the two, invoked and batched: the
    replies and the paths the server saw."""
    model, other = run.make(), _other(run).make()
    chosen = model.configurable_alternatives(
        runnables.ConfigurableField(id="provider"), default_key="this", other=other
    )
    both = runnables.RunnableParallel(this=model, other=other)
    with _requests(run) as seen:
        out = {
            "chosen": [
                chosen.invoke(HELLO, {"configurable": {"provider": key}})
                for key in ("this", "other")
            ],
            "default": chosen.invoke(HELLO),
            "parallel": both.invoke(HELLO),
            "batched": both.batch([HELLO, TURNS[1]]),
        }
    return {**out, "paths": sorted(r.path.split("?")[0] for r in seen.requests)}


def foreign_replies(run: Run) -> Any:
    """Another wire's replies (a tool call answered by its result) handed to this
    wire's model, and this wire's handed to the other: each reply and what each
    request carried."""
    this, there = run.make(), _other(run).make()
    out = {}
    with _requests(run) as seen:
        for name, maker, taker in (("in", there, this), ("out", this, there)):
            said = _history(run, maker)
            out[name] = outcome_of(partial(taker.invoke, said))
    return {**out, "sent": [_conversation(b) for b in seen.bodies]}


#: A pydantic tool whose name is the scripted server's weather tool's.
GetWeather = create_model("get_weather", location=(str, ...))


def tool_parsers_two_calls(run: Run) -> Any:
    """`JsonOutputToolsParser(return_id=True)`, `JsonOutputKeyToolsParser(key_name=...,
    return_id=True)` and `PydanticToolsParser` over a reply with two calls, invoked,
    batched and ainvoked."""
    model = run.make()
    json_chain = model.bind_tools([get_weather]) | openai_tools.JsonOutputToolsParser(
        return_id=True
    )
    key_chain = model.bind_tools([get_weather]) | openai_tools.JsonOutputKeyToolsParser(
        key_name="get_weather", return_id=True
    )
    pydantic_chain = model.bind_tools([GetWeather]) | openai_tools.PydanticToolsParser(
        tools=[GetWeather]
    )

    async def body() -> Any:
        return observe(await pydantic_chain.ainvoke(TWO_CITIES))

    return {
        "json": masked(json_chain.invoke(TWO_CITIES)),
        "key": masked(key_chain.invoke(TWO_CITIES)),
        "pydantic": observe(pydantic_chain.batch([TWO_CITIES, TURNS[0]])),
        "async": arun(body),
    }


def typed_batch_listeners(run: Run) -> Any:
    """`prompt | model.bind(stop=["END"]).with_types(...).with_listeners(...) | parser`
    batched over three inputs, the middle one missing the prompt's variable, with
    `return_exceptions=True`: each output, the runs the listeners heard, the chain's
    input schema's title and the stop each request carried."""
    heard: list[Any] = []

    def note(when: str) -> Callable[[Any], None]:
        return lambda run_: heard.append({"when": when, "name": run_.name, "error": run_.error})

    model = (
        run.make(max_retries=0)
        .bind(stop=["END"])
        .with_types(input_type=prompt_values.ChatPromptValue)
        .with_listeners(on_start=note("start"), on_end=note("end"))
    )
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "{q}")])
    chain = prompt | model | output_parsers.StrOutputParser()
    inputs: list[Any] = [{"q": HELLO}, {"other": 1}, {"q": TURNS[1]}]
    with _requests(run) as seen:
        outputs = chain.batch(inputs, return_exceptions=True)
    return {
        "outputs": observe(outputs),
        "heard": sorted(heard, key=str),
        "input": model.get_input_schema().model_json_schema().get("title"),
        "stops": [_stop_sent(b) for b in seen.bodies],
    }


def chain_log_model(run: Run) -> Any:
    """`(prompt | model.with_config(run_name="talker") | StrOutputParser()).astream_log(
    include_names=["talker"])`: the model's log entry as the final state holds it (its
    type, tags, streamed pieces and final output, `llm_output` included) and the
    chain's streamed and final output."""
    model = run.make().with_config(run_name="talker", tags=["model"])
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "{q}")])
    chain = prompt | model | output_parsers.StrOutputParser()

    async def body() -> Any:
        final: Any = None
        with _deprecated_alike():
            async for patch in chain.astream_log({"q": HELLO}, include_names=["talker"]):
                final = patch if final is None else final + patch
        log = final.state["logs"]["talker"]
        return {
            "log": {
                "type": log["type"],
                "tags": sorted(log["tags"]),
                "streamed": [observe(c) for c in log["streamed_output"]],
                "final": masked(observe(log["final_output"])),
            },
            "streamed_output": final.state["streamed_output"],
            "final_output": final.state["final_output"],
        }

    return arun(body)


def subclassed_model(run: Run) -> Any:
    """A script's subclass of the class (`class Suffixed(ChatOpenAI)`) with a field of
    its own, `_generate` and `_stream` adding it to the reply and `_llm_type` overridden:
    the field, the reply invoked and ainvoked, the text streamed and astreamed (LangChain
    runs `_generate` / `_stream` for the async calls where the partner has no async path
    of its own) and the type."""
    base = run.wire.partner() if run.side == "langchain" else chatplex_class(run.wire.cls)

    class Suffixed(base):  # type: ignore[misc,valid-type]
        suffix: str = "!"

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            result = super()._generate(*args, **kwargs)
            message = result.generations[0].message
            message.content = text_of(message.content) + self.suffix
            return result

        def _stream(self, *args: Any, **kwargs: Any) -> Any:
            yield from super()._stream(*args, **kwargs)
            yield outputs.ChatGenerationChunk(message=messages.AIMessageChunk(self.suffix))

        @property
        def _llm_type(self) -> str:
            return "suffixed"

    with warnings.catch_warnings():  # construction's deprecation warnings, as `Run.make`
        warnings.simplefilter("ignore")
        model = Suffixed(suffix="!!", **run.wire.settings(run.server.url))

    async def body() -> Any:
        streamed = "".join([text_of(c.content) async for c in model.astream(HELLO)])
        return {"ainvoke": await model.ainvoke(HELLO), "astream": streamed}

    return {
        "suffix": model.suffix,
        "invoke": model.invoke(HELLO),
        "stream": "".join(text_of(c.content) for c in model.stream(HELLO)),
        "async": arun(body),
        "type": model._llm_type,
    }


def _stop_sent(body: dict[str, Any]) -> Any:
    """The stop words a request body carries (at its top level or one level down)."""
    for key, value in body.items():
        if "stop" in key.lower():
            return value
        if isinstance(value, dict):
            found = _stop_sent(value)
            if found is not None:
                return found
    return None


#: The warning a Converse history with tool turns gives when sent without tools.
TOOLS_AS_TEXT = "Tool messages were passed without toolConfig, converting to text format"

SCENARIOS = {
    "trim_strategies": trim_strategies,
    "approximate_counts": approximate_counts,
    "filtered_history": filtered_history,
    "merged_runs_sent": merged_runs_sent,
    "openai_format_replies": openai_format_replies,
    "developer_turns": developer_turns,
    "chunk_dicts": chunk_dicts,
    "buffer_formats": buffer_formats,
    "pretty_streams": pretty_streams,
    "two_sessions": two_sessions,
    "placeholder_partials": placeholder_partials,
    "two_wire_choices": two_wire_choices,
    "foreign_replies": foreign_replies,
    "tool_parsers_two_calls": tool_parsers_two_calls,
    "typed_batch_listeners": typed_batch_listeners,
    "chain_log_model": chain_log_model,
    "subclassed_model": subclassed_model,
}


def _merged_counted_more(outcome: Any) -> bool:
    """The merged streamed call counts more tokens than the invoked one (its call split
    into pieces, each counted)."""
    each = outcome.get("each") if isinstance(outcome, dict) else None
    return isinstance(each, dict) and each.get("merged", 0) > each.get("called", 0)


def _converted_call_split(outcome: Any) -> bool:
    """The merged streamed call (the third message) came back from its OpenAI dict split
    apart."""
    back = outcome.get("back") if isinstance(outcome, dict) else None
    return isinstance(back, list) and len(back) > 2 and _call_split(back[2])


def _dumped_call_split(outcome: Any) -> bool:
    """`message_chunk_to_message(merged)` as dumped has its call split apart."""
    try:
        kwargs = outcome["loaded"]["whole"]["dumped"]["kwargs"]
    except (KeyError, TypeError):
        return False
    return _call_split(kwargs)


def _printed_call_split(outcome: Any) -> bool:
    """The merged streamed call printed with invalid tool calls."""
    return isinstance(outcome, list) and "Invalid Tool Calls:" in str(outcome[0])


def _stream_split(shows: str, check: Callable[[Any], bool]) -> Difference:
    return Difference(
        "loses data",
        "langchain-mistralai's streamed tool call splits apart (see back_to_message): the "
        "merged stream holds a call without arguments, a nameless one and an invalid one; "
        f"{shows}; chatplex keeps the call whole",
        check,
    )


def _results_counted_first(outcome: Any) -> bool:
    """A history counted on the server had a tool result before its call."""
    return isinstance(outcome, dict) and any(outcome.get("results_first") or ())


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
UTILITY_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("trim_strategies", "anthropic"): Difference(
        "rejected by provider",
        "trim_messages(strategy='last', token_counter=model) counts the history reversed; "
        "langchain-anthropic sends each reversed piece to /v1/messages/count_tokens, a "
        "tool_result before the tool_use it answers, which the API refuses (400: each "
        "tool_result needs its tool_use in the previous message); chatplex raises "
        "ValueError before sending",
        _results_counted_first,
    ),
    ("approximate_counts", "mistralai"): _stream_split(
        "count_tokens_approximately counts its pieces", _merged_counted_more
    ),
    ("openai_format_replies", "mistralai"): _stream_split(
        "convert_to_openai_messages writes the pieces, sent as such", _converted_call_split
    ),
    ("chunk_dicts", "mistralai"): _stream_split(
        "dumpd of message_chunk_to_message(merged) keeps the pieces", _dumped_call_split
    ),
    ("pretty_streams", "mistralai"): _stream_split("pretty_repr prints them", _printed_call_split),
    **ollama_unnamed_results(
        "merged_runs_sent", "openai_format_replies", "placeholder_partials", "foreign_replies"
    ),
}


@pytest.mark.parametrize(
    ("scenario", "wire"),
    cells(SCENARIOS, SCRIPT_WIRES, differences=UTILITY_DIFFERENCES),
)
def test_utility_script(server: MockServer, scenario: str, wire: str) -> None:
    with warnings.catch_warnings():
        # langchain-aws's warning, in its words, for a history with tool turns sent
        # without tools (ignored on its side by `_kit`; chatplex gives the same).
        warnings.filterwarnings("ignore", TOOLS_AS_TEXT, RuntimeWarning)
        compare(SCENARIOS, scenario, wire, server, UTILITY_DIFFERENCES)


def test_every_row_names_a_cell_of_this_family() -> None:
    assert_rows_name_cells(known_cells(SCENARIOS, SCRIPT_WIRES), UTILITY_DIFFERENCES)
