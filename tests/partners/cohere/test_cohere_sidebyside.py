"""ChatCohere side by side: each script runs with langchain-cohere's `ChatCohere` and with
chatplex's, the same constructor call against the same scripted `/v2/chat` server, and
what it returns or raises is compared field by field, with the requests the server got.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import called_choice
from tests.partners._sidebyside import cut_in_half
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import sum_schema
from tests.partners._sidebyside import text_stop_bare
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import unknown_ignored
from tests.partners._sidebyside import unknown_refused

langchain_cohere = pytest.importorskip("langchain_cohere")
cohere_sdk = pytest.importorskip("cohere")
httpx = pytest.importorskip("httpx")
lc = pytest.importorskip("langchain_core.messages")
cohere_cache = pytest.importorskip("cohere.manually_maintained.cache")

from chatplex.langchain import ChatCohere as OurChatCohere  # noqa: E402
from chatplex.providers.cohere import tokenizer as our_tokenizers  # noqa: E402

MODEL = "command-a-03-2025"
KEY = "co-test-key"
USAGE = {
    "billed_units": {"input_tokens": 5, "output_tokens": 4},
    "tokens": {"input_tokens": 12, "output_tokens": 4},
}
ADD_CALL = {
    "id": "add_8d3f",
    "type": "function",
    "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
}

#: A call whose arguments were cut short: no JSON.
BAD_CALL = {**ADD_CALL, "function": {"name": "add", "arguments": '{"a": 1, "b": '}}


def cohere_replies(
    text: str = "Hello there, friend.",
    *,
    tool_call: dict[str, Any] | None = None,
    tool_plan: str = "I will add them.",
    finish_reason: str | None = None,
    thinking: str | None = None,
    citations: list[Any] | None = None,
    status: int = 200,
    error: str | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Cohere: JSON for `stream: false`, SSE events otherwise (the text in
    three pieces, a tool call's arguments in two, usage on `message-end`)."""

    def answer(seen: Seen) -> Reply:
        if error is not None:
            body = json.dumps({"id": "err-1", "message": error}).encode()
            return Reply(status, [body])
        reason = finish_reason or ("TOOL_CALL" if tool_call else "COMPLETE")
        if not (seen.body or {}).get("stream"):
            message: dict[str, Any] = {"role": "assistant"}
            if tool_call:
                message.update(tool_plan=tool_plan, tool_calls=[tool_call])
            else:
                parts = [{"type": "thinking", "thinking": thinking}] if thinking else []
                message["content"] = [*parts, {"type": "text", "text": text}]
            if citations:
                message["citations"] = citations
            reply = {"id": "r-1", "finish_reason": reason, "message": message, "usage": USAGE}
            return Reply(200, [json.dumps(reply).encode()])
        events: list[dict[str, Any]] = [
            {"id": "r-1", "type": "message-start", "delta": {"message": {"role": "assistant"}}}
        ]
        if tool_call:
            events.append(
                {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": tool_plan}}}
            )
            head = {**tool_call, "function": {"name": "add", "arguments": ""}}
            events.append(
                {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": head}}}
            )
            arguments = tool_call["function"]["arguments"]
            for part in (arguments[:6], arguments[6:]):
                delta = {"tool_calls": {"function": {"arguments": part}}}
                events.append({"type": "tool-call-delta", "index": 0, "delta": {"message": delta}})
            events.append({"type": "tool-call-end", "index": 0})
        else:
            start = {"message": {"content": {"type": "text", "text": ""}}}
            events.append({"type": "content-start", "index": 0, "delta": start})
            for part in thirds(text):
                delta = {"message": {"content": {"text": part}}}
                events.append({"type": "content-delta", "index": 0, "delta": delta})
            events.append({"type": "content-end", "index": 0})
        events.append({"type": "message-end", "delta": {"finish_reason": reason, "usage": USAGE}})
        pieces = [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]
        return Reply(200, pieces, "text/event-stream")

    return answer


def tokenizer_file() -> str:
    """A tokenizer in the Hugging Face format the cohere SDK reads: a token per word."""
    tokenizers = pytest.importorskip("tokenizers")
    words = tokenizers.Tokenizer(tokenizers.models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    words.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    return str(words.to_str())


def cohere_counts(
    status: int = 200, error: str | None = None, *, tokenizer: bool = True
) -> Callable[[Seen], Reply]:
    """A scripted Cohere counting a token per word: the model's record naming its
    tokenizer file (`tokenizer=False`: naming none), the file, and `/v1/tokenize`."""

    def answer(seen: Seen) -> Reply:
        if error is not None:
            return Reply(status, [json.dumps({"id": "err-1", "message": error}).encode()])
        if seen.path.startswith("/v1/models/"):
            url = f"http://{seen.headers['host']}/tokenizer.json" if tokenizer else None
            model = {"name": MODEL, "endpoints": ["chat"], "tokenizer_url": url}
            return Reply(200, [json.dumps(model).encode()])
        if seen.path == "/tokenizer.json":
            return Reply(200, [tokenizer_file().encode()])
        words = seen.body["text"].split()
        tokens = {"tokens": list(range(len(words))), "token_strings": words}
        return Reply(200, [json.dumps(tokens).encode()])

    return answer


def _model(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, cohere_api_key=KEY, base_url=url, **settings)


#: The scripts this suite runs as every wire's does (`_sidebyside.ScriptsOver`).
COMMON = ScriptsOver(_model)


# ---- the scripts: (server reply, script(ChatCohere, url) -> result) ------------------


def invoke_text(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Say hello")


def invoke_messages(cls: Any, url: str) -> Any:
    model = _model(cls, url, temperature=0)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def invoke_tuples(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke([("system", "Be brief."), ("human", "Hi")])


def multi_turn(cls: Any, url: str) -> Any:
    history = [
        lc.HumanMessage("My name is Ada."),
        lc.AIMessage("Nice to meet you, Ada."),
        lc.HumanMessage("What is my name?"),
    ]
    return _model(cls, url).invoke(history)


def ainvoke_text(cls: Any, url: str) -> Any:
    return asyncio.run(_model(cls, url).ainvoke("Say hello"))


#: The model a call names in `model_per_call` (a fallback, an A/B test).
CALLED_MODEL = "command-r-plus-08-2024"


def model_per_call(cls: Any, url: str) -> Any:
    return attempted(lambda: _model(cls, url).invoke("Say hello", model=CALLED_MODEL))


def model_per_call_async(cls: Any, url: str) -> Any:
    model = _model(cls, url)
    return attempted(lambda: asyncio.run(model.ainvoke("Say hello", model=CALLED_MODEL)))


def stop_sequences_per_call(cls: Any, url: str) -> Any:
    """Cohere's own name for a call's stop sequences, as its API and SDK spell it."""
    return attempted(lambda: _model(cls, url).invoke("Say hello", stop_sequences=["END"]))


def batch_two(cls: Any, url: str) -> Any:
    return _model(cls, url).batch(["One", "Two"])


def abatch_two(cls: Any, url: str) -> Any:
    return asyncio.run(_model(cls, url).abatch(["One", "Two"]))


def tool_call_invoke(cls: Any, url: str) -> Any:
    return _model(cls, url).bind_tools([add]).invoke("What is 1 + 2?")


def tool_call_stream(cls: Any, url: str) -> Any:
    chunks = list(_model(cls, url).bind_tools([add]).stream("What is 1 + 2?"))
    return merged(chunks)


def tool_call_astream(cls: Any, url: str) -> Any:
    """An async stream of a call with a tool plan: every chunk as yielded (langchain-cohere's
    `_astream` yields the plan and the call on its last chunk only, unlike its `_stream`)."""

    async def run() -> list[Any]:
        return [c async for c in _model(cls, url).bind_tools([add]).astream("What is 1 + 2?")]

    chunks = asyncio.run(run())
    return {"chunks": chunks, "merged": merged(chunks)}


def invalid_tool_arguments(cls: Any, url: str) -> Any:
    try:
        return _model(cls, url).bind_tools([add]).invoke("What is 1 + 2?")
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"error": exc}


def tool_choice_bound(cls: Any, url: str) -> Any:
    """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
    tracers see), the tools aside: None, the words, a tool's name, True beside one tool
    and beside two, a choice object."""
    return bound_choices(_model(cls, url))


def tool_choice_none_given(cls: Any, url: str) -> Any:
    """`bind_tools(tools, tool_choice=None)`: what is bound beside the tools."""
    kwargs = _model(cls, url).bind_tools([add], tool_choice=None).kwargs
    return {k: v for k, v in kwargs.items() if k != "tools"}


def tool_choice_empty_sent(cls: Any, url: str) -> Any:
    """`bind_tools(tools, tool_choice="")` (a script passing on a setting left unset),
    invoked: the request compared."""
    return _model(cls, url).bind_tools([add], tool_choice="").invoke("What is 1 + 2?")


def tool_choice_invocation_params(cls: Any, url: str) -> Any:
    """The tool choice a callback's `on_chat_model_start` receives among the invocation
    params for a call forcing a tool by its name, and the reply (the request compared)."""
    return called_choice(_model(cls, url))


def tool_choice_required(cls: Any, url: str) -> Any:
    return _model(cls, url).bind_tools([add], tool_choice="REQUIRED").invoke("1 + 2?")


def tool_round_trip(cls: Any, url: str) -> Any:
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "add_8d3f"}
    history = [
        lc.HumanMessage("What is 1 + 2?"),
        lc.AIMessage("", tool_calls=[call]),
        lc.ToolMessage("3", tool_call_id="add_8d3f"),
    ]
    return _model(cls, url).bind_tools([add]).invoke(history)


def tool_round_trip_with_plan(cls: Any, url: str) -> Any:
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "add_8d3f"}
    history = [
        lc.HumanMessage("What is 1 + 2?"),
        lc.AIMessage("Adding.", tool_calls=[call]),
        lc.ToolMessage(json.dumps({"sum": 3}), tool_call_id="add_8d3f"),
    ]
    return _model(cls, url).bind_tools([add]).invoke(history)


def call_settings(cls: Any, url: str) -> Any:
    return _model(cls, url, temperature=0.3).invoke("Hi", max_tokens=5, stop=["END"], seed=7)


def preamble_setting(cls: Any, url: str) -> Any:
    return _model(cls, url, preamble="You are terse.").invoke("Hi")


def max_tokens_finish(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Tell a story", max_tokens=2)


def stop_sequence_finish(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Count", stop=["3"])


def thinking_reply(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Think first")


def citations_reply(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Cite")


def json_mode(cls: Any, url: str) -> Any:
    return _model(cls, url).with_structured_output(None, method="json_mode").invoke("Sum?")


def structured_schema(cls: Any, url: str) -> Any:
    schema = sum_schema()
    return _model(cls, url).with_structured_output(schema).invoke("1+2?")


def structured_tool(cls: Any, url: str) -> Any:
    return _model(cls, url).with_structured_output(add, method="function_calling").invoke("1+2?")


def structured_traced(cls: Any, url: str) -> Any:
    """What a callback's `on_chat_model_start` gets among a structured run's options
    (`ls_structured_output_format`, which LangSmith and tracers record)."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[Any] = []

    class Started(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(kwargs["options"].get("ls_structured_output_format"))

    structured = _model(cls, url).with_structured_output(add, method="function_calling")
    structured.invoke("1+2?", config={"callbacks": [Started()]})
    return seen


def structured_include_raw(cls: Any, url: str) -> Any:
    """`include_raw=True` (the default method, a JSON schema): the raw reply beside the
    parsed one."""
    schema = sum_schema()
    return _model(cls, url).with_structured_output(schema, include_raw=True).invoke("1+2?")


def structured_include_raw_failure(cls: Any, url: str) -> Any:
    """`include_raw=True` where the reply is no JSON: what the script gets, or raises."""
    model = _model(cls, url).with_structured_output(sum_schema(), include_raw=True)
    try:
        return model.invoke("1+2?")
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"error": exc}


def structured_include_raw_tool(cls: Any, url: str) -> Any:
    """`include_raw=True` by function calling (a tool's call to parse)."""
    model = _model(cls, url).with_structured_output(
        add, method="function_calling", include_raw=True
    )
    return attempted(lambda: model.invoke("1+2?"))


def std_image_base64_block(cls: Any, url: str) -> Any:
    """An image as a standard (v1) content block of base64 data, beside a text."""
    image = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    message = lc.HumanMessage([{"type": "text", "text": "What is this?"}, image])
    return _model(cls, url).invoke([message])


def std_image_url_block(cls: Any, url: str) -> Any:
    """An image as a standard (v1) content block naming its URL, beside a text."""
    image = {"type": "image", "url": "https://example.com/pixel.png"}
    message = lc.HumanMessage([{"type": "text", "text": "What is this?"}, image])
    return _model(cls, url).invoke([message])


def thinking_history(cls: Any, url: str) -> Any:
    """A reply's thinking block (as langchain-anthropic writes one, with its signature)
    before its text, in the history sent back."""
    said = lc.AIMessage(
        [
            {"type": "thinking", "thinking": "She said her name.", "signature": "c2ln"},
            {"type": "text", "text": "Hello Ann."},
        ]
    )
    return _model(cls, url).invoke([lc.HumanMessage("Hi, I am Ann"), said, lc.HumanMessage("Who?")])


def foreign_tool_history(cls: Any, url: str) -> Any:
    """A tool call made by another chat model (langchain-anthropic's reply: a text block
    and a `tool_use` block beside its tool_calls), answered and sent on here."""
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_1", "type": "tool_call"}
    use = {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 1, "b": 2}}
    said = lc.AIMessage([{"type": "text", "text": "Adding."}, use], tool_calls=[call])
    history = [
        lc.HumanMessage("What is 1 + 2?"),
        said,
        lc.ToolMessage("3", tool_call_id="toolu_1"),
    ]
    return attempted(lambda: _model(cls, url).bind_tools([add]).invoke(history))


def std_file_block(cls: Any, url: str) -> Any:
    """A PDF as a standard (v1) file block of base64 data, beside a text."""
    pdf = {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"}
    message = lc.HumanMessage([{"type": "text", "text": "Summarise this."}, pdf])
    return attempted(lambda: _model(cls, url).invoke([message]))


def image_block(cls: Any, url: str) -> Any:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    message = lc.HumanMessage([{"type": "text", "text": "What is this?"}, image])
    return _model(cls, url).invoke([message])


def constructor_max_tokens(cls: Any, url: str) -> Any:
    return _model(cls, url, max_tokens=5).invoke("Hi")


#: Cohere's sampling settings given to the constructor, as the API names them.
SAMPLING = {"p": 0.9, "k": 3, "seed": 7, "frequency_penalty": 0.1, "presence_penalty": 0.2}


def constructor_sampling(cls: Any, url: str) -> Any:
    return _model(cls, url, **SAMPLING).invoke("Hi")


#: Cohere's other v2 Chat parameters, each a keyword ChatCohere has no field for.
V2_PARAMETERS = {
    "max_tokens": 50,
    "citation_options": {"mode": "FAST"},
    "safety_mode": "OFF",
    "strict_tools": True,
    "thinking": {"type": "enabled", "token_budget": 100},
    "logprobs": True,
    "priority": 1,
    "response_format": {"type": "json_object"},
    "documents": [{"data": {"text": "Ada was born in 1815."}}],
}


def constructor_v2_parameters(cls: Any, url: str) -> Any:
    return _model(cls, url, **V2_PARAMETERS).invoke("Hi")


def constructor_stop(cls: Any, url: str) -> Any:
    return _model(cls, url, stop=["END"]).invoke("Hi")


def error_unauthorized(cls: Any, url: str) -> Any:
    return raised(lambda: _model(cls, url).invoke("Hi"))


def error_bad_request(cls: Any, url: str) -> Any:
    return raised(lambda: _model(cls, url).invoke("Hi"))


def error_async(cls: Any, url: str) -> Any:
    return raised(lambda: asyncio.run(_model(cls, url).ainvoke("Hi")))


def error_in_stream_request(cls: Any, url: str) -> Any:
    return raised(lambda: list(_model(cls, url).stream("Hi")))


UNAVAILABLE = cohere_replies(status=503, error="service unavailable")


def truncated_reply(cls: Any, url: str) -> Any:
    """A 200 whose JSON body is cut short, invoked and awaited: the cohere SDK raises its
    ApiError with the reply's status and text. (`max_retries=0`, chatplex's own setting
    there, which langchain-cohere drops: a cut-off body is retried by chatplex.)"""
    model = _model(cls, url, max_retries=0)
    return {
        "invoke": _comparable_result(raised(lambda: model.invoke("Hi"))),
        "ainvoke": _comparable_result(raised(lambda: asyncio.run(model.ainvoke("Hi")))),
    }


def stream_generation_info(cls: Any, url: str, tools: tuple[Any, ...] = ()) -> Any:
    """A stream's generation as a callback's `on_llm_end` gets it: its `generation_info`
    (the finish, billed counts, tool calls of the stream's last piece) and text."""
    from langchain_core.callbacks import BaseCallbackHandler

    ended: list[Any] = []

    class Ended(BaseCallbackHandler):
        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            ended.extend((g.generation_info, g.text) for g in response.generations[0])

    model = _model(cls, url).bind_tools(list(tools)) if tools else _model(cls, url)
    list(model.stream("What is 1+2?", config={"callbacks": [Ended()]}))
    return ended


def tool_stream_generation_info(cls: Any, url: str) -> Any:
    return stream_generation_info(cls, url, (add,))


def server_error_in_astream(cls: Any, url: str) -> Any:
    """A 503 to a stream's request, async: raised at once, its request sent once (the
    cohere SDK retries a call's, never a stream's)."""

    async def run() -> list[Any]:
        return [c async for c in _model(cls, url).astream("Hi")]

    return raised(lambda: asyncio.run(run()))


CONVERSATION = [
    lc.SystemMessage("Be brief."),
    lc.HumanMessage("Say hello to Ann"),
    lc.AIMessage("Hello there, Ann!"),
]


def _forget_tokenizers() -> None:
    """Both libraries keep a fetched tokenizer for the process: each run starts without."""
    cohere_cache.CacheMixin._cache.clear()
    our_tokenizers.forget()


def count_tokens(cls: Any, url: str) -> Any:
    """`get_num_tokens` and `get_num_tokens_from_messages` (each message counted apart,
    as text) with the model's tokenizer, fetched once for every model object, and
    `trim_messages` counting with the model."""
    _forget_tokenizers()
    llm = _model(cls, url)
    count = llm.get_num_tokens_from_messages(CONVERSATION)
    kept = lc.trim_messages(CONVERSATION, max_tokens=count - 1, token_counter=llm)
    return [_model(cls, url).get_num_tokens("Say hello to Ann"), count, kept]


def count_tokens_by_the_endpoint(cls: Any, url: str) -> Any:
    """Without a tokenizer file, each count is the tokenize endpoint's."""
    _forget_tokenizers()
    llm = _model(cls, url)
    return [llm.get_num_tokens("Say hello to Ann"), llm.get_num_tokens_from_messages(CONVERSATION)]


def count_tokens_error(cls: Any, url: str) -> Any:
    _forget_tokenizers()
    return raised(lambda: _model(cls, url).get_num_tokens("Say hello"))


def last_message_not_users(cls: Any, url: str) -> Any:
    return raised(lambda: _model(cls, url).invoke([lc.HumanMessage("Hi"), lc.AIMessage("Hey")]))


THINKING = "The user wants a greeting."
CITATIONS = [{"start": 0, "end": 5, "text": "Hello", "sources": [], "type": "TEXT_CONTENT"}]


def tool_choice_without_tools(cls: Any, url: str) -> Any:
    """`tool_choice=` given to one call of a model with no tool bound, in chatplex's
    words and in Cohere's: each attempted."""
    model = _model(cls, url)
    return [
        attempted(lambda choice=choice: model.invoke("Hi", tool_choice=choice))
        for choice in ("none", "NONE", "auto")
    ]


def bind_tools_strict(cls: Any, url: str) -> Any:
    """`bind_tools([add], strict=True)`, invoked."""
    bound = _model(cls, url).bind_tools([add], strict=True)
    return attempted(lambda: bound.invoke("What is 1+2?"))


def tool_objects_seen(cls: Any, url: str) -> Any:
    """The tools a callback's `on_chat_model_start` receives among the invocation params
    (and the bound runnable holds), read as a handler logging them reads them: each
    one's class and its function's name and description as attributes; and the reply."""
    from langchain_core.callbacks import BaseCallbackHandler

    def read(tool: Any) -> Any:
        kind = type(tool)
        function = getattr(tool, "function", None)
        named = (getattr(function, "name", None), getattr(function, "description", None))
        return (kind.__module__.split(".")[0], kind.__name__, getattr(tool, "type", None), named)

    seen: list[Any] = []

    class Started(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append([read(t) for t in kwargs["invocation_params"]["tools"]])

    bound = _model(cls, url).bind_tools([add, mul])
    reply = bound.invoke("What is 1 + 2?", config={"callbacks": [Started()]})
    return {"seen": seen, "bound": [read(t) for t in bound.kwargs["tools"]], "reply": reply}


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "tool_objects_seen": (cohere_replies(tool_call=ADD_CALL), tool_objects_seen),
    "bind_tools_strict": (cohere_replies(tool_call=ADD_CALL), bind_tools_strict),
    "stop_text": (cohere_replies(), COMMON.stop_text),
    "unknown_keyword": (cohere_replies(), COMMON.unknown_keyword),
    "tool_choice_without_tools": (cohere_replies(), tool_choice_without_tools),
    "invoke_text": (cohere_replies(), invoke_text),
    "model_per_call": (cohere_replies(), model_per_call),
    "model_per_call_async": (cohere_replies(), model_per_call_async),
    "stop_sequences_per_call": (cohere_replies(), stop_sequences_per_call),
    "invoke_messages": (cohere_replies(), invoke_messages),
    "invoke_tuples": (cohere_replies(), invoke_tuples),
    "multi_turn": (cohere_replies("Your name is Ada."), multi_turn),
    "stream_chunks": (cohere_replies(), COMMON.stream_chunks),
    "ainvoke_text": (cohere_replies(), ainvoke_text),
    "astream_chunks": (cohere_replies(), COMMON.astream_chunks),
    "batch_two": (cohere_replies(), batch_two),
    "abatch_two": (cohere_replies(), abatch_two),
    "tool_call_invoke": (cohere_replies(tool_call=ADD_CALL), tool_call_invoke),
    "tool_call_stream": (cohere_replies(tool_call=ADD_CALL), tool_call_stream),
    "tool_call_astream": (cohere_replies(tool_call=ADD_CALL), tool_call_astream),
    "tool_choice_required": (cohere_replies(tool_call=ADD_CALL), tool_choice_required),
    "tool_choice_bound": (cohere_replies(), tool_choice_bound),
    "tool_choice_none_given": (cohere_replies(), tool_choice_none_given),
    "tool_choice_empty_sent": (cohere_replies(), tool_choice_empty_sent),
    "tool_choice_invocation_params": (
        cohere_replies(tool_call=ADD_CALL),
        tool_choice_invocation_params,
    ),
    "invalid_tool_arguments": (cohere_replies(tool_call=BAD_CALL), invalid_tool_arguments),
    "tool_round_trip": (cohere_replies("It is 3."), tool_round_trip),
    "tool_round_trip_with_plan": (cohere_replies("It is 3."), tool_round_trip_with_plan),
    "call_settings": (cohere_replies(), call_settings),
    "preamble_setting": (cohere_replies(), preamble_setting),
    "max_tokens_finish": (cohere_replies("Once", finish_reason="MAX_TOKENS"), max_tokens_finish),
    "stop_sequence_finish": (
        cohere_replies("1, 2, ", finish_reason="STOP_SEQUENCE"),
        stop_sequence_finish,
    ),
    "thinking_reply": (cohere_replies("Hello!", thinking=THINKING), thinking_reply),
    "citations_reply": (cohere_replies("Hello world", citations=CITATIONS), citations_reply),
    "json_mode": (cohere_replies('{"total": 3}'), json_mode),
    "structured_schema": (cohere_replies('{"total": 3}'), structured_schema),
    "structured_tool": (cohere_replies(tool_call=ADD_CALL), structured_tool),
    "structured_traced": (cohere_replies(tool_call=ADD_CALL), structured_traced),
    "image_block": (cohere_replies("A pixel."), image_block),
    "structured_include_raw_failure": (
        cohere_replies("Three, I think."),
        structured_include_raw_failure,
    ),
    "thinking_history": (cohere_replies("You are Ann."), thinking_history),
    "foreign_tool_history": (cohere_replies("It is 3."), foreign_tool_history),
    "std_file_block": (cohere_replies("A summary."), std_file_block),
    "structured_include_raw": (cohere_replies('{"total": 3}'), structured_include_raw),
    "structured_include_raw_tool": (
        cohere_replies(tool_call=ADD_CALL),
        structured_include_raw_tool,
    ),
    "std_image_base64_block": (cohere_replies("A pixel."), std_image_base64_block),
    "std_image_url_block": (cohere_replies("A pixel."), std_image_url_block),
    "constructor_max_tokens": (cohere_replies(), constructor_max_tokens),
    "constructor_sampling": (cohere_replies(), constructor_sampling),
    "constructor_v2_parameters": (cohere_replies(), constructor_v2_parameters),
    "constructor_stop": (cohere_replies(), constructor_stop),
    "chain_with_prompt": (cohere_replies(), COMMON.chain_with_prompt),
    "error_unauthorized": (
        cohere_replies(status=401, error="invalid api token"),
        error_unauthorized,
    ),
    "error_bad_request": (cohere_replies(status=400, error="invalid model"), error_bad_request),
    "truncated_reply": (cut_in_half(cohere_replies()), truncated_reply),
    "error_async": (cohere_replies(status=404, error="model not found"), error_async),
    "error_in_stream_request": (
        cohere_replies(status=422, error="too many tokens"),
        error_in_stream_request,
    ),
    "stream_generation_info": (cohere_replies(), stream_generation_info),
    "tool_stream_generation_info": (
        cohere_replies(tool_call=ADD_CALL),
        tool_stream_generation_info,
    ),
    # (a stream's request the cohere SDK sends once, whatever its status)
    "server_error_in_stream": (UNAVAILABLE, error_in_stream_request),
    "server_error_in_astream": (UNAVAILABLE, server_error_in_astream),
    "rate_limited_stream": (cohere_replies(status=429, error="busy"), error_in_stream_request),
    "last_message_not_users": (cohere_replies(), last_message_not_users),
    "count_tokens": (cohere_counts(), count_tokens),
    "count_tokens_by_the_endpoint": (
        cohere_counts(tokenizer=False),
        count_tokens_by_the_endpoint,
    ),
    "count_tokens_error": (
        cohere_counts(status=401, error="invalid api token"),
        count_tokens_error,
    ),
}

# ---- what differs on purpose, and why --------------------------------------------------


def _stream_usage(outcome: Outcome) -> Outcome:
    """Our stream's usage_metadata taken out (theirs has none)."""
    theirs, ours, their_requests, our_requests = outcome
    return theirs, _without_usage(ours), their_requests, our_requests


def _without_usage(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (None if k == "usage_metadata" else _without_usage(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_usage(v) for v in value]
    return value


def _schema_field(outcome: Outcome) -> Outcome:
    """Our `response_format.json_schema` read under their `schema` key."""
    theirs, ours, their_requests, our_requests = outcome
    for request in our_requests:
        fmt = request["body"].get("response_format")
        if isinstance(fmt, dict) and "json_schema" in fmt:
            fmt["schema"] = fmt.pop("json_schema")
    return theirs, ours, their_requests, our_requests


def _forced_tool(outcome: Outcome) -> Outcome:
    """Our `tool_choice: REQUIRED` taken out."""
    theirs, ours, their_requests, our_requests = outcome
    for request in our_requests:
        request["body"].pop("tool_choice", None)
    return theirs, ours, their_requests, our_requests


def _sent_alone(fields: dict[str, Any]) -> Callable[[Outcome], Outcome]:
    """Our `fields`, given to the constructor (which theirs drops), taken out once seen:
    none of them in their request, each as given in our one request."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert not any(set(fields) & set(r["body"]) for r in their_requests), their_requests
        sent = [{k: r["body"].pop(k, None) for k in fields} for r in our_requests]
        assert sent == [fields], sent
        return theirs, ours, their_requests, our_requests

    return read


def _flat_tools(outcome: Outcome) -> Outcome:
    """Our tools' parameters read as langchain-cohere flattens them: each property its
    `type` and `description` ("" when none), nothing else."""
    theirs, ours, their_requests, our_requests = outcome
    for request in our_requests:
        for tool in request["body"].get("tools") or []:
            parameters = tool["function"]["parameters"]
            parameters["properties"] = {
                name: {"type": spec.get("type"), "description": spec.get("description", "")}
                for name, spec in parameters.get("properties", {}).items()
            }
    return theirs, ours, their_requests, our_requests


def _astream_usage(outcome: Outcome) -> Outcome:
    """usage_metadata taken out of both (theirs: billed units; ours: tokens)."""
    theirs, ours, their_requests, our_requests = outcome
    return _without_usage(theirs), _without_usage(ours), their_requests, our_requests


def _streamed_calls(outcome: Outcome) -> Outcome:
    """The merged stream's parsed calls taken out of both: theirs are broken (see why);
    both keep the same call in `additional_kwargs["tool_calls"]`, which is compared."""
    theirs, ours, their_requests, our_requests = outcome
    for merged_message in (theirs, ours):
        merged_message.pop("tool_calls", None)
        merged_message.pop("invalid_tool_calls", None)
    return theirs, ours, their_requests, our_requests


def _plain_citations(outcome: Outcome) -> Outcome:
    """Their Citation objects read as the JSON Cohere sent (no class name, no unset
    fields)."""
    theirs, ours, their_requests, our_requests = outcome
    for key in ("additional_kwargs", "response_metadata"):
        theirs[key]["citations"] = [
            {k: v for k, v in c.items() if k != "model" and v is not None}
            for c in theirs[key]["citations"]
        ]
    return theirs, ours, their_requests, our_requests


def _reply_kept(outcome: Outcome) -> Outcome:
    """Their error (json's, a ValueError) read as our reply, once ours is seen to hold
    the call as an invalid one with the arguments as sent."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["ValueError"] and not theirs["ApiError"] and theirs["status_code"] is None
    [bad] = ours["invalid_tool_calls"]
    assert bad["args"] == BAD_CALL["function"]["arguments"] and bad["error"]
    assert ours["tool_calls"] == []
    return ours, ours, their_requests, our_requests


def _all(*steps: Callable[[Outcome], Outcome]) -> Callable[[Outcome], Outcome]:
    def run(outcome: Outcome) -> Outcome:
        for step in steps:
            outcome = step(outcome)
        return outcome

    return run


STREAM_USAGE = Difference(
    Reason.LOSES_DATA,
    "a sync stream has no usage_metadata: token tracking "
    "(get_usage_metadata_callback, cost budgets) loses every streamed call",
    "a stream's last chunk carries usage_metadata (Cohere's `usage.tokens`, as the "
    "non-stream reply has it)",
)
ASTREAM_USAGE = Difference(
    Reason.LOSES_DATA,
    "an async stream counts `billed_units` instead of `usage.tokens`: the same reply "
    "reports other token counts depending on how it was called",
    "an async stream's usage_metadata counts `usage.tokens`, as the non-stream reply "
    "and the sync stream do",
)
FLAT_TOOLS = Difference(
    Reason.LOSES_DATA,
    "flattens each tool property to its type and a description, dropping items, enums, "
    "nested objects and formats: the model never sees them (a list[str] argument loses "
    "its item type)",
    "tool parameters go as their whole JSON schema",
)
STREAMED_CALLS = Difference(
    Reason.LOSES_DATA,
    "gives every streamed tool-call chunk a new random id: its merged stream has three "
    "calls (one nameless, one with no arguments) and an invalid call with the arguments "
    "twice, and the call's id matches nothing the server issued",
    "streamed tool-call chunks keep Cohere's call id (on every chunk of the call)",
)
CITATIONS = Difference(
    Reason.RAISES,
    "keeps the SDK's Citation objects in additional_kwargs: json.dumps of a message "
    "(chat histories, caches, logs) raises a TypeError",
    "citations are the JSON Cohere sent (plain dicts)",
)

#: Script → (why it may differ, how the outcome is read before comparing).
FORCED_TOOL = Difference(
    Reason.LOSES_DATA,
    "with_structured_output(method='function_calling') only offers the tool: "
    "a reply in text leaves nothing to parse, and the script gets None",
    "with_structured_output(method='function_calling') requires the tool "
    "call (`tool_choice: REQUIRED`)",
)

DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "stream_chunks": (STREAM_USAGE, _stream_usage),
    "astream_chunks": (ASTREAM_USAGE, _astream_usage),
    "tool_call_stream": (
        (STREAM_USAGE, FLAT_TOOLS, STREAMED_CALLS),
        _all(_stream_usage, _flat_tools, _streamed_calls),
    ),
    "tool_call_astream": ((ASTREAM_USAGE, FLAT_TOOLS), _all(_astream_usage, _flat_tools)),
    "citations_reply": (CITATIONS, _plain_citations),
    "structured_tool": ((FORCED_TOOL, FLAT_TOOLS), _all(_forced_tool, _flat_tools)),
}
for _name in (
    "tool_call_invoke",
    "tool_choice_required",
    "tool_objects_seen",
    "tool_round_trip",
    "tool_stream_generation_info",
):
    DIFFERENCES[_name] = (FLAT_TOOLS, _flat_tools)


def _named_tool_alone(outcome: Outcome) -> Outcome:
    """Our request's named tool, sent alone with `REQUIRED`, read as theirs: both tools
    and the tool's name as the choice."""
    theirs, ours, their_requests, our_requests = outcome
    for their_request, our_request in zip(their_requests, our_requests, strict=True):
        their_body, our_body = their_request["body"], our_request["body"]
        assert their_body["tool_choice"] == "add" and our_body["tool_choice"] == "REQUIRED"
        assert our_body["tools"] == their_body["tools"][:1]
        our_body["tool_choice"], our_body["tools"] = "add", their_body["tools"]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["tool_choice_invocation_params"] = (
    (
        Difference(
            Reason.REJECTED,
            "sends a tool's name as the request's `tool_choice` (`'add'`), which Cohere's "
            "API refuses: it takes REQUIRED or NONE",
            "the named tool is sent alone, with `tool_choice: REQUIRED`: the model calls it",
        ),
        FLAT_TOOLS,
    ),
    _all(_flat_tools, _named_tool_alone),
)
DIFFERENCES["tool_round_trip_with_plan"] = (FLAT_TOOLS, _flat_tools)


def _closed_parameters(body: dict[str, Any]) -> bool:
    [tool] = body["tools"]
    closed = tool["function"]["parameters"]["additionalProperties"] is False
    return closed and body.get("strict_tools") is True


def _choices_in_coheres_words(outcome: Outcome) -> Outcome:
    """Their calls' tool_choice as given ("none", "NONE", "auto"), ours in Cohere's words
    ("NONE", "NONE", and none for its default); then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    given = ("none", "NONE", "auto")
    assert sorted(r["body"]["tool_choice"] for r in their_requests) == sorted(given)
    sent = sorted(str(r["body"].get("tool_choice")) for r in our_requests)
    assert sent == ["NONE", "NONE", "None"], sent
    return theirs, ours, their_requests, their_requests


DIFFERENCES["tool_choice_without_tools"] = (
    Difference(
        Reason.REJECTED,
        "a call's tool choice with no tool bound is sent as written (`none`, `auto`), "
        "which Cohere's API does not take: it takes REQUIRED or NONE",
        "it is sent in Cohere's words (`NONE`, `REQUIRED`); `auto`, Cohere's default, "
        "which it has no word for, is left to it",
    ),
    _choices_in_coheres_words,
)
DIFFERENCES["unknown_keyword"] = (unknown_ignored("langchain-cohere"), unknown_refused)
DIFFERENCES["stop_text"] = (
    (
        text_stop_refused("stop_sequences"),
        text_stop_bare("stop_sequences", "where Cohere's API takes a list of strings"),
    ),
    text_stop_kept(None, lambda body: body["stop_sequences"]),
)
_MODEL_PER_CALL = Difference(
    Reason.RAISES,
    "a call naming another model (`invoke(..., model=...)`) passes `model` twice to its "
    "request builder: TypeError (got multiple values for keyword argument 'model'), "
    "nothing sent",
    "the call's model is sent, as the OpenAI-style classes send it",
)
for _script in ("model_per_call", "model_per_call_async"):
    DIFFERENCES[_script] = (
        _MODEL_PER_CALL,
        refused_before_sending("TypeError", lambda body: body["model"] == CALLED_MODEL),
    )
DIFFERENCES["stop_sequences_per_call"] = (
    Difference(
        Reason.RAISES,
        "a call given `stop_sequences=[...]` (Cohere's own name for them) passes them "
        "twice to its request builder: TypeError (got multiple values for keyword "
        "argument 'stop_sequences'), nothing sent",
        "the call's stop sequences are sent, as a call's `stop` is",
    ),
    refused_before_sending("TypeError", lambda body: body["stop_sequences"] == ["END"]),
)
DIFFERENCES["bind_tools_strict"] = (
    Difference(
        Reason.RAISES,
        "binds `strict=True` and hands it to the cohere SDK's chat(), whose TypeError "
        "every call of the bound model raises",
        "the tools are sent with their parameters closed (`additionalProperties: false`), "
        "as `strict=True` binds them on the OpenAI-style classes, and with Cohere's "
        "`strict_tools: true` (its switch holding every tool call to its schema)",
    ),
    refused_before_sending("TypeError", _closed_parameters),
)

#: langchain-cohere binds any tool choice as given and its SDK sends it.
EMPTY_CHOICE = Difference(
    Reason.REJECTED,
    'binds `tool_choice=""` as given and sends it as the request\'s `tool_choice` (`""`), '
    "which Cohere's API does not take: it takes REQUIRED or NONE",
    "an empty tool choice is no choice, as the other LangChain packages read it: the "
    "tools are sent without one",
)


def _empty_choice_bound(outcome: Outcome) -> Outcome:
    """Our binding of "" (nothing) read as theirs ("" bound), once seen to be so."""
    theirs, ours, their_requests, our_requests = outcome
    assert (theirs["empty"], ours["empty"]) == ({"tool_choice": ""}, {})
    return theirs, {**ours, "empty": theirs["empty"]}, their_requests, our_requests


def _empty_choice_sent(outcome: Outcome) -> Outcome:
    """Their request's `tool_choice: ""` taken out, once seen; ours sent none."""
    theirs, ours, their_requests, our_requests = outcome
    assert [r["body"].pop("tool_choice") for r in their_requests] == [""]
    assert not any("tool_choice" in r["body"] for r in our_requests)
    return theirs, ours, their_requests, our_requests


def _untraced_format(outcome: Outcome) -> Outcome:
    """Our run's `ls_structured_output_format` taken out, once seen to name the method
    and the tool's schema where theirs names nothing."""
    theirs, ours, their_requests, our_requests = outcome
    [traced] = ours
    assert theirs == [None] and traced["kwargs"] == {"method": "function_calling"}
    assert traced["schema"]["title"] == "add"
    return theirs, [None], their_requests, our_requests


DIFFERENCES["structured_traced"] = (
    (
        Difference(
            Reason.LOSES_DATA,
            "a with_structured_output run carries no `ls_structured_output_format`: "
            "LangSmith and any tracer lose its method and schema (LangChain's standard "
            "chat-model tests ask every model for it)",
            "the run names the method and the schema, as the other LangChain packages' do",
        ),
        FORCED_TOOL,
        FLAT_TOOLS,
    ),
    _all(_forced_tool, _flat_tools, _untraced_format),
)
DIFFERENCES["tool_choice_bound"] = (EMPTY_CHOICE, _empty_choice_bound)
DIFFERENCES["tool_choice_empty_sent"] = (
    (EMPTY_CHOICE, FLAT_TOOLS),
    _all(_flat_tools, _empty_choice_sent),
)
DIFFERENCES["invalid_tool_arguments"] = (
    (
        Difference(
            Reason.RAISES,
            "invoke raises json's JSONDecodeError on a reply whose tool-call arguments are "
            "no JSON (cut short): the reply is lost",
            "such a reply has an invalid tool call (the raw arguments and why), as on "
            "every wire and in LangChain's other packages",
        ),
        FLAT_TOOLS,
    ),
    _all(_flat_tools, _reply_kept),
)
DIFFERENCES["structured_schema"] = (
    Difference(
        Reason.LOSES_DATA,
        "sends v1's `schema` key to /v2/chat, which the v2 API does not read: the schema "
        "is not enforced",
        "the schema goes as v2's `response_format.json_schema` (the cohere SDK's "
        "JsonResponseFormatV2 field)",
    ),
    _schema_field,
)
DIFFERENCES["constructor_max_tokens"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatCohere has no `max_tokens` field and drops ChatCohere(max_tokens=5) without "
        "a word: replies are not bounded as the script asked",
        "ChatCohere(max_tokens=5) is sent",
    ),
    _sent_alone({"max_tokens": 5}),
)


DIFFERENCES["constructor_sampling"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatCohere has no `p`, `k`, `seed`, `frequency_penalty` or `presence_penalty` "
        "field and drops them given to the constructor without a word: the model samples "
        "at the server's defaults, a seeded run is not reproducible",
        "each is sent as Cohere's chat API names it",
    ),
    _sent_alone(SAMPLING),
)


DIFFERENCES["constructor_v2_parameters"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatCohere has no field for Cohere's other chat parameters (`max_tokens`, "
        "`citation_options`, `safety_mode`, `strict_tools`, `thinking`, `logprobs`, "
        "`priority`, `response_format`, `documents`) and drops them given to the "
        "constructor without a word: the reply is not bounded, grounded or shaped as asked",
        "each is sent as Cohere's chat API names it",
    ),
    _sent_alone(V2_PARAMETERS),
)


DIFFERENCES["constructor_stop"] = (
    Difference(
        Reason.LOSES_DATA,
        "drops the constructor's `stop` (ChatCohere(stop=[...])) without a word: only a "
        "call's own stop sequences are sent",
        "the constructor's stop sequences are sent, a call's over them",
    ),
    _sent_alone({"stop_sequences": ["END"]}),
)


INCLUDE_RAW_IGNORED = Difference(
    Reason.LOSES_DATA,
    "ignores with_structured_output's `include_raw=True` (by a JSON schema or JSON "
    "mode): the script gets the parsed object alone, and the raw reply (its usage, id, "
    "finish reason) is lost",
    "`{'raw': ..., 'parsed': ..., 'parsing_error': None}`, as every other chat model returns it",
)
INCLUDE_RAW_FAILURE_RAISES = Difference(
    Reason.RAISES,
    "with_structured_output(..., include_raw=True) raises OutputParserException on a "
    "reply that does not parse, where `include_raw=True` hands the error back",
    "the raw reply is handed back with `parsed: None` and the error as `parsing_error`",
)


def _raw_beside(outcome: Outcome) -> Outcome:
    """Our `{'raw', 'parsed', 'parsing_error'}` read as their parsed object alone, once
    its parsed object is seen to be theirs and its raw reply the server's text."""
    theirs, ours, their_requests, our_requests = outcome
    assert set(ours) == {"raw", "parsed", "parsing_error"}, ours
    assert ours["parsed"] == theirs and ours["parsing_error"] is None
    assert ours["raw"]["content"] == '{"total": 3}'
    return theirs, theirs, their_requests, our_requests


def _parse_error_handed_back(outcome: Outcome) -> Outcome:
    """Their OutputParserException (a ValueError of no status) read as our reply's, once
    ours is seen to hand back the raw reply, no parsed object and that error."""
    from langchain_core.exceptions import OutputParserException

    theirs, ours, their_requests, our_requests = outcome
    assert theirs["ValueError"] and not theirs["ApiError"] and theirs["status_code"] is None
    assert ours["parsed"] is None and ours["raw"]["content"] == "Three, I think."
    assert isinstance(ours["parsing_error"], OutputParserException)
    return theirs, theirs, their_requests, our_requests


def _raw_kept(outcome: Outcome) -> Outcome:
    return _schema_field(_raw_beside(outcome))


def _failure_kept(outcome: Outcome) -> Outcome:
    return _schema_field(_parse_error_handed_back(outcome))


DIFFERENCES["structured_include_raw"] = (
    (INCLUDE_RAW_IGNORED, DIFFERENCES["structured_schema"][0]),
    _raw_kept,
)
DIFFERENCES["structured_include_raw_failure"] = (
    (INCLUDE_RAW_FAILURE_RAISES, DIFFERENCES["structured_schema"][0]),
    _failure_kept,
)


def _raw_tool_kept(outcome: Outcome) -> Outcome:
    """Theirs refused (TypeError) before any request; ours sent the forced tool and gave
    the call parsed beside the raw reply. Read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "TypeError"} and not their_requests, (theirs, their_requests)
    assert ours["parsed"] == {"a": 1, "b": 2} and ours["parsing_error"] is None, ours
    assert [r["body"]["tool_choice"] for r in our_requests] == ["REQUIRED"], our_requests
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["structured_include_raw_tool"] = (
    Difference(
        Reason.RAISES,
        "with_structured_output(method='function_calling', include_raw=True) passes "
        "`include_raw` on to the cohere SDK's chat call, which refuses it with a "
        "TypeError (an unexpected keyword argument): no request is sent",
        "the forced tool is sent and the call comes back parsed beside the raw reply",
    ),
    _raw_tool_kept,
)


def _image_dropped(sent_url: str) -> Callable[[Outcome], Outcome]:
    """Our request's image (an `image_url` block of `sent_url`) taken out, once their
    request is seen to hold the text alone."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        [their_body] = [r["body"] for r in their_requests]
        [our_body] = [r["body"] for r in our_requests]
        text = {"type": "text", "text": "What is this?"}
        assert their_body["messages"][0]["content"] == [text], their_body
        image = {"type": "image_url", "image_url": {"url": sent_url}}
        assert our_body["messages"][0]["content"] == [text, image], our_body
        our_body["messages"][0]["content"] = [text]
        return theirs, ours, their_requests, our_requests

    return normalise


STD_IMAGE_DROPPED = Difference(
    Reason.LOSES_DATA,
    "drops an image given as a standard content block (`{'type': 'image', 'base64': ...}` "
    "or `{'type': 'image', 'url': ...}`) without a word: the request holds the text "
    "alone and the model never sees the image",
    "the image is sent as Cohere's `image_url` block (base64 data as a data URL)",
)
DIFFERENCES["std_image_base64_block"] = (
    STD_IMAGE_DROPPED,
    _image_dropped(f"data:image/png;base64,{PNG}"),
)
DIFFERENCES["std_image_url_block"] = (
    STD_IMAGE_DROPPED,
    _image_dropped("https://example.com/pixel.png"),
)


def _file_refused(outcome: Outcome) -> Outcome:
    """Ours refused the file (ValueError, before any request); theirs sent the text
    alone. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValueError"} and not our_requests, (ours, our_requests)
    [body] = [r["body"] for r in their_requests]
    assert body["messages"][0]["content"] == [{"type": "text", "text": "Summarise this."}]
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["std_file_block"] = (
    Difference(
        Reason.LOSES_DATA,
        "drops a file given as a standard content block (`{'type': 'file', 'base64': "
        "...}`, a PDF) without a word: the request holds the text alone and the model "
        "answers without the document",
        "a ValueError before any request, naming the block's type, which Cohere's chat "
        "content has no part for",
    ),
    _file_refused,
)


def _plan_and_call(body: dict[str, Any]) -> bool:
    """Whether the tool-calling turn went with its text as the plan and its one call."""
    turn = body["messages"][1]
    return turn["tool_plan"] == "Adding." and len(turn["tool_calls"]) == 1


DIFFERENCES["foreign_tool_history"] = (
    (
        Difference(
            Reason.RAISES,
            "refuses a history whose tool-calling turn has list content (another chat "
            "model's reply: a text block and its `tool_use` block) with a pydantic "
            "ValidationError, before any request",
            "the turn is sent as Cohere's: its text as the tool plan, its calls as `tool_calls`",
        ),
        FLAT_TOOLS,
    ),
    _all(_flat_tools, refused_before_sending("ValidationError", _plan_and_call)),
)


def _comparable_result(value: Any) -> Any:
    """The observed result, with an error read as a script reads it: the classes users
    catch and the attributes they read."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        return {
            "ApiError": isinstance(err, cohere_sdk.core.ApiError),
            "classes": sorted(
                name
                for name in (
                    "BadRequestError",
                    "UnauthorizedError",
                    "NotFoundError",
                    "UnprocessableEntityError",
                    "TooManyRequestsError",
                )
                if isinstance(err, getattr(cohere_sdk, name))
            ),
            "ValueError": isinstance(err, ValueError),
            "status_code": getattr(err, "status_code", None),
            "body": getattr(err, "body", None),
        }
    return observe(value)


#: Scripts whose outcome does not match yet (a strict xfail each: it fails the day it
#: matches, so the entry is removed).
NOT_YET: dict[str, str] = {}


SUITE = Suite(
    SCRIPTS,
    langchain_cohere.ChatCohere,
    OurChatCohere,
    DIFFERENCES,
    result=_comparable_result,
    request=plain_request,
    collect=True,
    not_yet=NOT_YET,
)
test_same_as_langchain_cohere = SUITE.same_test()


test_at_least_25_scripts = SUITE.tables_test()
