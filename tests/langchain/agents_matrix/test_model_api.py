"""A LangChain user's scripts over the chat model's own API: `output_version="v1"` and
`content_blocks`, a rate limiter, the model's identity (profile, `_llm_type`,
identifying params, name, `lc_id`, fields), `astream_events` on the model, stop words,
batches with a refused input, structured output by each method with the raw reply,
`bind_tools` with each tool choice (and what reached the server), output parsers over a
stream, `with_retry`, `RunnableParallel` under a callback handler, the usage-metadata
callback, the message utilities over a reply, structured output streamed (with the raw
reply too), a pydantic class bound as `response_format`, a printed reply, call-time
settings and listeners, sync and async, on the wires a script most often imports: the
partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import gc
import json
import re
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from contextlib import contextmanager
from typing import Any

import pytest
from langchain_core import callbacks
from langchain_core import messages
from langchain_core import output_parsers
from langchain_core import prompts
from langchain_core import rate_limiters
from langchain_core import runnables

from ._cells import family_test
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import json_body
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from ._kit import settled
from .test_agents import token
from .test_scripts import FORECAST
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES
from .test_scripts import Forecast

pytestmark = pytest.mark.xdist_group("agents_matrix_model_api")

#: The input the server refuses (400) in the batch scenarios.
REFUSED = "Refuse this one"


def _requests(run: Run, refuse: str | None = None) -> AbstractContextManager[list[dict[str, Any]]]:
    """The JSON bodies of the requests the server gets meanwhile (in arrival order);
    those whose body mentions `refuse` answered with a 400."""
    return requests_seen(
        run,
        json_body,
        lambda request, _: "status=400" if refuse and refuse in str(request.json) else None,
    )


@contextmanager
def _replying(run: Run, text: str) -> Iterator[None]:
    """The server answers `text` to what its script does not decide, meanwhile."""
    run.server.settings.reply_text = text
    try:
        yield
    finally:
        run.server.settings.reply_text = None


def _tool_keys(body: dict[str, Any]) -> dict[str, Any]:
    """A request body's members about the choice of tool (their names say so on every
    wire: tool_choice, toolConfig's toolChoice, parallel_tool_calls...) and the names of
    the tools offered; how each wire declares a tool's parameters is compared elsewhere
    (tests/partners/)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if "tool" not in key.lower():
            continue
        if isinstance(value, dict):  # a config holding the declarations and the choice
            value = {k: _names(v) if k == "tools" else v for k, v in value.items()}
        out[key] = _names(value) if key == "tools" else masked(value)
    return out


def _names(tools: Any) -> Any:
    """The names in a `tools` member (at any depth: a wire may nest its declarations)."""
    if isinstance(tools, dict):
        own = [tools["name"]] if isinstance(tools.get("name"), str) else []
        return own + [n for k, v in tools.items() if k != "name" for n in _names(v)]
    if isinstance(tools, list):
        return [n for t in tools for n in _names(t)]
    return []


def _stop_keys(body: dict[str, Any]) -> Any:
    """Where a request body carries stop words (top level, or the generation/inference
    config a wire nests them in)."""
    found = {k: v for k, v in body.items() if "stop" in k.lower()}
    for key in ("generationConfig", "inferenceConfig", "options"):
        nested = body.get(key)
        if isinstance(nested, dict):
            found |= {f"{key}.{k}": v for k, v in nested.items() if "stop" in k.lower()}
    return found


# ---- output_version="v1" ---------------------------------------------------------------------


def _v1(reply: Any) -> dict[str, Any]:
    return {"content": masked(reply.content), "blocks": masked(reply.content_blocks)}


def v1_replies(run: Run, view: Callable[[Any], Any]) -> dict[str, Any]:
    """`view` of a text reply, a tool-call reply and a merged stream of the model made
    with `output_version="v1"`."""
    model = run.make(output_version="v1")
    text = model.invoke(HELLO)
    called = model.bind_tools([get_weather]).invoke(TURNS[0])
    merged = None
    for chunk in model.stream(HELLO):
        merged = chunk if merged is None else merged + chunk
    return {"text": view(text), "called": view(called), "streamed": view(merged)}


def output_v1(run: Run) -> Any:
    """`output_version="v1"`: the text reply's, the tool-call reply's and the merged
    stream's `content` and `content_blocks`."""
    return v1_replies(run, _v1)


def output_v1_async(run: Run) -> Any:
    async def body() -> Any:
        model = run.make(output_version="v1")
        text = await model.ainvoke(HELLO)
        called = await model.bind_tools([get_weather]).ainvoke(TURNS[0])
        merged = None
        async for chunk in model.astream(HELLO):
            merged = chunk if merged is None else merged + chunk
        return {"text": _v1(text), "called": _v1(called), "streamed": _v1(merged)}

    return arun(body)


def content_blocks_v0(run: Run) -> Any:
    """The default output version: `content_blocks` read from a tool-call reply and from
    a streamed text reply's chunks."""
    model = run.make()
    called = model.bind_tools([get_weather]).invoke(TURNS[0])
    pieces = [masked(c.content_blocks) for c in model.stream(HELLO)]
    return {"called": _v1(called), "pieces": pieces}


# ---- the model's settings and identity ----------------------------------------------------------


def rate_limited(run: Run) -> Any:
    """`rate_limiter=InMemoryRateLimiter(...)` given to the class: invoke and batch."""
    limiter = rate_limiters.InMemoryRateLimiter(
        requests_per_second=1000, check_every_n_seconds=0.001
    )
    model = run.make(rate_limiter=limiter)
    return {
        "limiter": type(model.rate_limiter).__name__,
        "invoke": model.invoke(HELLO),
        "batch": model.batch([HELLO, "Say hello to my neighbour"]),
    }


def identity(run: Run) -> Any:
    """What a script or a tracer reads off the model: `_llm_type`, its name, `lc_id()`,
    the identifying params and the whole profile."""
    model = run.make()
    return {
        "llm_type": model._llm_type,
        "name": model.get_name(),
        "lc_id": type(model).lc_id(),
        "identifying": masked(model._identifying_params),
        "profile": outcome_of(lambda: model.profile),
    }


def default_params(run: Run) -> Any:
    """`model._default_params`, the default request parameters some partner classes
    have (read by their identifying params and by callback and tracing code): their
    values, or the AttributeError of a class that has none."""
    model = run.make()
    return outcome_of(lambda: masked(model._default_params))


def fields(run: Run) -> Any:
    """`model.model_dump()` (what a script copying a model's settings reads): its keys in
    their order, and its values as `model_dump_json()` writes them (keys masked)."""
    model = run.make()
    return {"keys": list(model.model_dump()), "json": json.loads(model.model_dump_json())}


# ---- streams of events ----------------------------------------------------------------------


def _event(event: Any) -> dict[str, Any]:
    data = event.get("data") or {}
    chunk = data.get("chunk")
    output = data.get("output")
    return {
        "event": event["event"],
        "name": event["name"],
        "tags": event.get("tags"),
        "metadata": {k: v for k, v in (event.get("metadata") or {}).items() if k.startswith("ls_")},
        "chunk": None if chunk is None else token(chunk, {}),
        "output": None if output is None else observe(output),
    }


def stream_events(run: Run) -> Any:
    """`model.astream_events(..., version="v2")` on the model itself."""

    async def body() -> Any:
        model = run.make()
        return [_event(e) async for e in model.astream_events(HELLO, version="v2")]

    return arun(body)


def stream_events_tools(run: Run) -> Any:
    """The same over a bound model whose reply calls a tool, with tags and metadata."""

    async def body() -> Any:
        bound = run.make().bind_tools([get_weather])
        config = {"tags": ["t"], "metadata": {"user": "u"}, "run_name": "weather"}
        return [_event(e) async for e in bound.astream_events(TURNS[0], config, version="v2")]

    return arun(body)


# ---- stop words ---------------------------------------------------------------------------


def stop_words(run: Run) -> Any:
    """`invoke(..., stop=[...])` and `.bind(stop=[...])`: the replies, and where the stop
    words went in each request."""
    model = run.make()
    with _requests(run) as seen:
        given = model.invoke(HELLO, stop=["friend"])
        bound = model.bind(stop=["neighbour"]).invoke(HELLO)
    return {"given": given, "bound": bound, "sent": [_stop_keys(b) for b in seen]}


def stop_words_async(run: Run) -> Any:
    async def body() -> Any:
        model = run.make()
        with _requests(run) as seen:
            given = await model.ainvoke(HELLO, stop=["friend"])
            bound = await model.bind(stop=["neighbour"]).ainvoke(HELLO)
        return {"given": given, "bound": bound, "sent": [_stop_keys(b) for b in seen]}

    return arun(body)


# ---- batches ------------------------------------------------------------------------------


def batch_refused(run: Run) -> Any:
    """`batch([...], return_exceptions=True)` where the server refuses one input."""
    model = run.make(max_retries=0)
    with _requests(run, refuse=REFUSED):
        return model.batch([HELLO, REFUSED, "Say hello to my neighbour"], return_exceptions=True)


def batch_refused_async(run: Run) -> Any:
    async def body() -> Any:
        model = run.make(max_retries=0)
        with _requests(run, refuse=REFUSED):
            return await model.abatch(
                [HELLO, REFUSED, "Say hello to my neighbour"], return_exceptions=True
            )

    return arun(body)


# ---- structured output --------------------------------------------------------------------

#: The schema as a JSON-schema dict (a script without pydantic).
FORECAST_DICT = {
    "title": "Forecast",
    "description": "A forecast for a city.",
    "type": "object",
    "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
    "required": ["city", "degrees"],
}


def _structured(run: Run, schema: Any, **how: Any) -> Any:
    def call() -> Any:
        structured = run.make().with_structured_output(schema, include_raw=True, **how)
        out = structured.invoke(FORECAST + " Answer in JSON.")
        return {
            "raw": observe(out["raw"]),
            "parsed": observe(out["parsed"]),
            "error": observe(out["parsing_error"]),
        }

    return outcome_of(call)


def structured_methods(run: Run) -> Any:
    """`with_structured_output(Forecast, method=..., include_raw=True)` by every method
    (an error where the partner has none), and `strict=True`."""
    return {
        "function_calling": _structured(run, Forecast, method="function_calling"),
        "json_schema": _structured(run, Forecast, method="json_schema"),
        "json_mode": _structured(run, Forecast, method="json_mode"),
        "strict": _structured(run, Forecast, method="json_schema", strict=True),
    }


def structured_dict(run: Run) -> Any:
    """A JSON-schema dict as the schema (the parsed value a dict), by the default method
    and by function calling."""
    return {
        "default": _structured(run, FORECAST_DICT),
        "function_calling": _structured(run, FORECAST_DICT, method="function_calling"),
    }


# ---- tools ---------------------------------------------------------------------------------


def _choice(run: Run, **how: Any) -> Any:
    def call() -> Any:
        with _requests(run) as seen:
            reply = run.make().bind_tools([get_weather], **how).invoke(HELLO)
        return {"reply": observe(reply), "sent": [_tool_keys(b) for b in seen]}

    return outcome_of(call)


def tool_choices(run: Run) -> Any:
    """`bind_tools([...], tool_choice=...)` by "auto", "any", "required" and the tool's
    name (the user text asks for no tool): the reply and the request's tool members."""
    return {
        choice: _choice(run, tool_choice=choice)
        for choice in ("auto", "any", "required", "get_weather")
    }


def parallel_calls_off(run: Run) -> Any:
    """`bind_tools([...], parallel_tool_calls=False)` (an error where the partner takes
    no such argument)."""
    return _choice(run, parallel_tool_calls=False)


# ---- parsers and runnables around the model --------------------------------------------------

JSON_REPLY = '{"city": "Paris", "degrees": 21, "tags": ["sunny", "warm"]}'


def json_parser_stream(run: Run) -> Any:
    """`prompt | model | JsonOutputParser()` streamed: the partial objects."""
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "Describe {city} as JSON")])
    chain = prompt | run.make() | output_parsers.JsonOutputParser()
    with _replying(run, JSON_REPLY):
        return list(chain.stream({"city": "Paris"}))


def str_parser_stream(run: Run) -> Any:
    """`model | StrOutputParser()` streamed: every piece, "" pieces included; then the
    async stream."""
    chain = run.make() | output_parsers.StrOutputParser()

    async def body() -> Any:
        return [piece async for piece in chain.astream(HELLO)]

    return {"sync": list(chain.stream(HELLO)), "async": arun(body)}


def retried(run: Run) -> Any:
    """`with_retry(stop_after_attempt=2)` over a 500 then a reply (the SDK's own retries
    off), sync and async."""
    model = run.make(max_retries=0).with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    run.fail_first(1, "status=500")
    first = model.invoke(HELLO)

    async def body() -> Any:
        run.fail_first(1, "status=500")
        return await model.ainvoke(HELLO)

    second = arun(body)
    # google-genai's async client leaves a coroutine unawaited on a 500 (its own bug):
    # collected now, its warning falls in this cell (ignored below), not in a later test.
    gc.collect()
    return {"sync": first, "async": second}


class _Runs(callbacks.BaseCallbackHandler):
    """The chat-model runs a handler sees: name, tags and the ls_* metadata."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        metadata = kwargs.get("metadata") or {}
        self.seen.append(
            {
                "name": kwargs.get("name"),
                "tags": sorted(kwargs.get("tags") or ()),
                "metadata": {k: v for k, v in metadata.items() if k.startswith("ls_")},
            }
        )


def parallel_runs(run: Run) -> Any:
    """`RunnableParallel(a=model, b=model.with_config(run_name=..., tags=...))` under a
    handler: the two replies and what the handler saw of each run."""
    model = run.make()
    both = runnables.RunnableParallel(a=model, b=model.with_config(run_name="b", tags=["t"]))
    handler = _Runs()
    out = both.invoke(HELLO, {"callbacks": [handler]})
    return {"out": out, "runs": sorted(handler.seen, key=lambda r: str(r["name"]))}


def usage_callback_calls(run: Run) -> Any:
    """`get_usage_metadata_callback()` around an invoke, a stream and a batch."""
    model = run.make()
    with callbacks.get_usage_metadata_callback() as invoked:
        model.invoke(HELLO)
    with callbacks.get_usage_metadata_callback() as streamed:
        for _ in model.stream(HELLO):
            pass
    with callbacks.get_usage_metadata_callback() as batched:
        model.batch([HELLO, "Say hello to my neighbour"])
    return {
        "invoke": invoked.usage_metadata,
        "stream": streamed.usage_metadata,
        "batch": batched.usage_metadata,
    }


def message_utilities(run: Run) -> Any:
    """`convert_to_openai_messages` and `get_buffer_string` of a text reply and of a
    tool-call reply."""
    model = run.make()
    text = model.invoke(HELLO)
    called = model.bind_tools([get_weather]).invoke(TURNS[0])
    said = [messages.HumanMessage(TURNS[0]), called]
    buffer = messages.get_buffer_string([messages.HumanMessage(HELLO), text, *said])
    return {
        "openai": masked(messages.convert_to_openai_messages([text, called])),
        "buffer": _ids_masked(buffer),
    }


#: A tool call's id as printed: a quoted `'id'`, a `Call ID:` line, `name (id)`.
_PRINTED_ID = re.compile(r"('id': '|Call ID: |\w \()([a-z]+_)?[\w-]+")


def _ids_masked(text: str) -> str:
    """`text` with each tool call's id masked, its shape kept (a prefix such as `call_`;
    none for a uuid): ids are drawn per reply, their shape is the partner's."""
    return _PRINTED_ID.sub(lambda m: f"{m[1]}{m[2] or ''}<random>", text)


def structured_stream(run: Run) -> Any:
    """`with_structured_output(...)` streamed: the partial objects, by the partner's
    default method and by function calling."""

    def pieces(**how: Any) -> Any:
        structured = run.make().with_structured_output(Forecast, **how)
        return outcome_of(lambda: [observe(p) for p in structured.stream(FORECAST)])

    return {"default": pieces(), "function_calling": pieces(method="function_calling")}


def response_format_class(run: Run) -> Any:
    """`model.bind(response_format=Forecast)` (a pydantic class, as langchain-openai's
    own structured output binds it): the reply invoked, and the streamed pieces'
    `additional_kwargs` (where the partner reads the class, `parsed` holds the object:
    on the stream's final completion piece), sync and async; the warnings each call
    gave (langchain-ollama's: it reads only a dict there)."""
    bound = run.make().bind(response_format=Forecast)
    asked = FORECAST + " Answer in JSON."

    def kwargs(pieces: list[Any]) -> Any:
        return observe([p.additional_kwargs for p in pieces if p.additional_kwargs])

    async def abody() -> Any:
        pieces = [p async for p in bound.astream(asked)]
        return {"invoke": observe(await bound.ainvoke(asked)), "last": kwargs(pieces)}

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", UserWarning)  # what the class read says, each call
        out = {
            "invoke": outcome_of(lambda: observe(bound.invoke(asked))),
            "last": outcome_of(lambda: kwargs(list(bound.stream(asked)))),
            "async": outcome_of(lambda: arun(abody)),
        }
    # (not pydantic's serializer warnings from inside the openai SDK's parsed replies)
    said = [w for w in seen if w.category is UserWarning and "pydantic" not in w.filename]
    return {**out, "warned": [str(w.message) for w in said]}


def structured_stream_raw(run: Run) -> Any:
    """`with_structured_output(Forecast, include_raw=True)` streamed and astreamed: the
    dict pieces (the raw reply, then what was parsed and the parsing error)."""
    structured = run.make().with_structured_output(Forecast, include_raw=True)

    async def apieces() -> Any:
        return settled([observe(p) async for p in structured.astream(FORECAST)])

    return {
        "sync": outcome_of(lambda: settled([observe(p) for p in structured.stream(FORECAST)])),
        "async": outcome_of(lambda: arun(apieces)),
    }


def pretty(run: Run) -> Any:
    """What printing a reply shows: `.text` and `pretty_repr()` of a text reply and of a
    tool-call reply (the call's id drawn per reply)."""
    model = run.make()
    text = model.invoke(HELLO)
    called = model.bind_tools([get_weather]).invoke(TURNS[0])
    shown = [m.pretty_repr() for m in (text, called)]
    return {
        "text": [text.text, called.text],
        "pretty": [_ids_masked(p) for p in shown],
    }


def metadata_order(run: Run) -> Any:
    """The order of a reply's response_metadata keys, invoked, merged from a stream and
    on each chunk, and of its usage details: what `print(reply)` shows (`==` does not
    see it); the merged stream's and the invoked reply's over the async path too."""
    model = run.make()
    reply = model.invoke(HELLO)
    merged = None
    chunks = []
    for chunk in model.stream(HELLO):
        merged = chunk if merged is None else merged + chunk
        chunks.append(list(chunk.response_metadata))
    usage = reply.usage_metadata or {}

    async def body() -> Any:
        areply = await model.ainvoke(HELLO)
        amerged = None
        async for chunk in model.astream(HELLO):
            amerged = chunk if amerged is None else amerged + chunk
        return [list(areply.response_metadata), list(amerged.response_metadata)]

    return {
        "invoke": list(reply.response_metadata),
        "stream": list(merged.response_metadata),
        "chunks": chunks,
        "usage": [list(usage), *(list(usage.get(k) or ()) for k in _DETAILS)],
        "async": arun(body),
    }


_DETAILS = ("input_token_details", "output_token_details")


#: Call-time settings a script passes to invoke (LangChain hands them to the request).
PER_CALL = {"temperature": 0.2, "max_tokens": 50}


def per_call_settings(run: Run) -> Any:
    """`invoke(..., temperature=..., max_tokens=...)`: the reply and where each value
    went in the request (a key naming it, at the top level or one level down)."""
    with _requests(run) as seen:
        reply = outcome_of(lambda: run.make().invoke(HELLO, **PER_CALL))
    return {"reply": reply, "sent": [_settings_sent(b) for b in seen]}


def _settings_sent(body: dict[str, Any]) -> dict[str, Any]:
    """The members of a request body (top level, or one level down) holding `PER_CALL`'s
    values."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        inner = value.items() if isinstance(value, dict) else ()
        for name, held in [(key, value), *((f"{key}.{k}", v) for k, v in inner)]:
            if not isinstance(held, bool) and held in PER_CALL.values():
                found[name] = held
    return found


def listeners(run: Run) -> Any:
    """`with_listeners(on_start=..., on_end=...)`: the run each listener is given (its
    name, type and output's type)."""
    seen: list[Any] = []

    def note(when: str) -> Callable[[Any], None]:
        def listener(run_: Any) -> None:
            output = (run_.outputs or {}).get("generations")
            seen.append(
                {
                    "when": when,
                    "name": run_.name,
                    "run_type": run_.run_type,
                    "output": None if output is None else len(output),
                }
            )

        return listener

    run.make().with_listeners(on_start=note("start"), on_end=note("end")).invoke(HELLO)
    return seen


SCENARIOS = {
    "output_v1": output_v1,
    "output_v1_async": output_v1_async,
    "content_blocks_v0": content_blocks_v0,
    "rate_limited": rate_limited,
    "identity": identity,
    "default_params": default_params,
    "fields": fields,
    "stream_events": stream_events,
    "stream_events_tools": stream_events_tools,
    "stop_words": stop_words,
    "stop_words_async": stop_words_async,
    "batch_refused": batch_refused,
    "batch_refused_async": batch_refused_async,
    "structured_methods": structured_methods,
    "structured_dict": structured_dict,
    "tool_choices": tool_choices,
    "parallel_calls_off": parallel_calls_off,
    "json_parser_stream": json_parser_stream,
    "str_parser_stream": str_parser_stream,
    "retried": retried,
    "parallel_runs": parallel_runs,
    "usage_callback_calls": usage_callback_calls,
    "message_utilities": message_utilities,
    "structured_stream": structured_stream,
    "structured_stream_raw": structured_stream_raw,
    "response_format_class": response_format_class,
    "pretty": pretty,
    "per_call_settings": per_call_settings,
    "listeners": listeners,
    "metadata_order": metadata_order,
}


test_model_api = family_test(
    SCENARIOS,
    SCRIPT_WIRES,
    marks=[
        pytest.mark.filterwarnings(
            "ignore:Exception ignored in. <coroutine object ClientResponse.json"
            ":pytest.PytestUnraisableExceptionWarning"
        )
    ],
)
