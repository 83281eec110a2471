"""ChatOllama side by side: each script runs with langchain-ollama's `ChatOllama` and with
chatplex's, the same constructor call against the same scripted `/api/chat` server, and
what it returns or raises is compared field by field, with the requests the server got.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

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
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import sum_schema
from tests.partners._sidebyside import text_stop_bare
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import unknown_ignored
from tests.partners._sidebyside import unknown_refused

langchain_ollama = pytest.importorskip("langchain_ollama")
ollama_sdk = pytest.importorskip("ollama")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatOllama as OurChatOllama  # noqa: E402

MODEL = "llama3.2"


def ollama_replies(
    content: str = "Hello there, friend.",
    *,
    thinking: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
    done_reason: str = "stop",
    status: int = 200,
    error: str | None = None,
    mid_stream_error: str | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Ollama: JSON for `stream: false`, NDJSON lines otherwise (the content
    and thinking in three pieces, the tool calls on the last content line, the counts
    on the `done` line)."""

    def answer(seen: Seen) -> Reply:
        if error is not None:
            return Reply(status, [json.dumps({"error": error}).encode()])
        final = {
            "model": MODEL,
            "created_at": "2026-11-25T10:00:00Z",
            "done": True,
            "done_reason": done_reason,
            "total_duration": 50,
            "load_duration": 5,
            "prompt_eval_count": 12,
            "prompt_eval_duration": 20,
            "eval_count": 7,
            "eval_duration": 25,
        }
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if thinking is not None:
            message["thinking"] = thinking
        if tool_calls:
            message["tool_calls"] = tool_calls
        if not (seen.body or {}).get("stream", True):
            return Reply(200, [json.dumps({**final, "message": message}).encode()])
        lines = []
        for part in thirds(thinking or ""):
            lines.append({"role": "assistant", "content": "", "thinking": part})
        for part in thirds(content):
            lines.append({"role": "assistant", "content": part})
        if tool_calls:
            lines.append({"role": "assistant", "content": "", "tool_calls": tool_calls})
        out = [
            {"model": MODEL, "created_at": "2026-11-25T10:00:00Z", "message": m, "done": False}
            for m in lines
        ]
        if mid_stream_error is not None:
            out.append({"error": mid_stream_error})
        else:
            out.append({**final, "message": {"role": "assistant", "content": ""}})
        pieces = [json.dumps(line).encode() + b"\n" for line in out]
        return Reply(200, pieces, "application/x-ndjson")

    return answer


ADD_CALL = [{"function": {"name": "add", "arguments": {"a": 1, "b": 2}}}]


# ---- the scripts: (server reply, script(ChatOllama, url) -> result) ------------------


def invoke_text(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url).invoke("Say hello")


def invoke_messages(cls: Any, url: str) -> Any:
    model = cls(model=MODEL, base_url=url, temperature=0)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def invoke_tuples(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url).invoke([("system", "Be brief."), ("human", "Hi")])


def ainvoke_text(cls: Any, url: str) -> Any:
    return asyncio.run(cls(model=MODEL, base_url=url).ainvoke("Say hello"))


def batch_two(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url).batch(["One", "Two"])


def abatch_two(cls: Any, url: str) -> Any:
    return asyncio.run(cls(model=MODEL, base_url=url).abatch(["One", "Two"]))


def tool_call_invoke(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url).bind_tools([add]).invoke("What is 1+2?")


def tool_call_stream(cls: Any, url: str) -> Any:
    chunks = list(cls(model=MODEL, base_url=url).bind_tools([add]).stream("What is 1+2?"))
    return merged(chunks)


def tool_round_trip(cls: Any, url: str) -> Any:
    model = cls(model=MODEL, base_url=url).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage(str(add.__call__(**call["args"])), tool_call_id=call["id"])
    return model.invoke([lc.HumanMessage("What is 1+2?"), first, result]).content


def tool_call_ids_across_turns(cls: Any, url: str) -> Any:
    """A hand-written agent loop that runs each call once, keyed by its id: the model
    asks for the same call on two turns (a polling tool), invoked and streamed; each
    turn's call is a call of its own (langchain-ollama draws every id)."""
    model = cls(model=MODEL, base_url=url).bind_tools([add])
    history: list[Any] = [lc.HumanMessage("What is 1+2? Check twice.")]
    ran: dict[str, Any] = {}
    for turn in range(4):
        reply = model.invoke(history) if turn % 2 else merged(list(model.stream(history)))
        history.append(reply)
        for call in reply.tool_calls:
            if call["id"] not in ran:
                ran[call["id"]] = add(**call["args"])
            history.append(lc.ToolMessage(str(ran[call["id"]]), tool_call_id=call["id"]))
    ids = [c["id"] for m in history for c in getattr(m, "tool_calls", None) or []]
    return {"calls": len(ids), "distinct_ids": len(set(ids)), "ran": len(ran)}


def tool_choice_bound(cls: Any, url: str) -> Any:
    """`bind_tools(tool_choice=...)`: what is bound and sent ("none" too)."""
    got = {}
    for choice in ("none", "any", "add"):
        bound = cls(model=MODEL, base_url=url).bind_tools([add], tool_choice=choice)
        got[choice] = {"bound": sorted(bound.kwargs), "reply": bound.invoke("What is 1+2?")}
    return got


def tool_choice_bound_each_choice(cls: Any, url: str) -> Any:
    """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
    tracers see), the tools aside: None, the words, a tool's name, True beside one tool
    and beside two, a choice object."""
    return bound_choices(cls(model=MODEL, base_url=url))


def tool_choice_invocation_params(cls: Any, url: str) -> Any:
    """The tool choice a callback's `on_chat_model_start` receives among the invocation
    params for a call forcing a tool by its name, and the reply (the request compared)."""
    return called_choice(cls(model=MODEL, base_url=url))


def tool_choice_per_call(cls: Any, url: str) -> Any:
    """A call's own `tool_choice=` (given to invoke, or bound with `bind`)."""
    model = cls(model=MODEL, base_url=url)
    errors = [
        raised(lambda: model.bind_tools([add]).invoke("Hi", tool_choice="any")),
        raised(lambda: asyncio.run(model.ainvoke("Hi", tool_choice="add"))),
        raised(lambda: model.bind(tool_choice="none").invoke("Hi")),
    ]
    return [(type(e["error"]).__name__, str(e["error"])) for e in errors]


def reasoning_invoke(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, reasoning=True).invoke("How many r in strawberry?")


def reasoning_stream(cls: Any, url: str) -> Any:
    chunks = list(cls(model=MODEL, base_url=url, reasoning=True).stream("How many r?"))
    return merged(chunks)


def reasoning_per_call(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url).invoke("How many r?", reasoning=True)


def reasoning_level(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, reasoning="high").invoke("How many r?")


def reasoning_off(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, reasoning=False).invoke("How many r?")


def reasoning_sent_back(cls: Any, url: str) -> Any:
    model = cls(model=MODEL, base_url=url, reasoning=True)
    first = model.invoke("How many r?")
    return model.invoke([lc.HumanMessage("How many r?"), first, lc.HumanMessage("Sure?")])


def reasoning_sent_back_v1(cls: Any, url: str) -> Any:
    """A reasoning reply in LangChain's v1 blocks, whole and streamed, sent back."""
    model = cls(model=MODEL, base_url=url, reasoning=True, output_version="v1")
    first = model.invoke("How many r?")
    streamed = merged(list(model.stream("How many r?")))
    history = [lc.HumanMessage("How many r?"), first, lc.HumanMessage("Sure?"), streamed]
    return model.invoke([*history, lc.HumanMessage("Really?")])


def foreign_v1_reasoning_sent(cls: Any, url: str) -> Any:
    """Another provider's v1 reply (reasoning, text, a call) continued on Ollama."""
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
    blocks: list[Any] = [
        {"type": "reasoning", "reasoning": "Add them."},
        {"type": "text", "text": "Adding."},
        {"type": "tool_call", "id": "call_1", "name": "add", "args": {"a": 1, "b": 2}},
    ]
    reply = lc.AIMessage(
        content=blocks,
        tool_calls=[call],
        response_metadata={"output_version": "v1", "model_provider": "openai"},
    )
    history = [lc.HumanMessage("1+2?"), reply, lc.ToolMessage("3", tool_call_id="call_1")]
    return cls(model=MODEL, base_url=url).invoke(history)


def anthropic_thinking_sent(cls: Any, url: str) -> Any:
    """Anthropic's reply (a thinking block, a text, a tool call) continued on Ollama."""
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_01", "type": "tool_call"}
    blocks: list[Any] = [
        {"type": "thinking", "thinking": "Add them.", "signature": "sig-01"},
        {"type": "text", "text": "Adding."},
        {"type": "tool_use", "id": "toolu_01", "name": "add", "input": {"a": 1, "b": 2}},
    ]
    reply = lc.AIMessage(
        content=blocks, tool_calls=[call], response_metadata={"model_provider": "anthropic"}
    )
    history = [lc.HumanMessage("1+2?"), reply, lc.ToolMessage("3", tool_call_id="toolu_01")]
    return attempted(lambda: cls(model=MODEL, base_url=url).invoke(history))


def max_tokens_given(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, max_tokens=5).invoke("Hi")


#: Ollama's runtime options ChatOllama has no field for (the ollama SDK's `Options`).
UNFIELDED_OPTIONS = {
    "num_batch": 8,
    "num_keep": 2,
    "typical_p": 0.5,
    "presence_penalty": 0.1,
    "frequency_penalty": 0.2,
    "penalize_newline": True,
    "min_p": 0.1,
    "use_mmap": False,
    "low_vram": True,
    "numa": True,
}


def unfielded_options_given(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, **UNFIELDED_OPTIONS).invoke("Hi")


def think_and_options_given(cls: Any, url: str) -> Any:
    """The ollama SDK's own `chat()` keywords, `think` and an `options` dict, given to the
    constructor (ChatOllama names them `reasoning` and one field per option)."""
    return cls(model=MODEL, base_url=url, think=True, options={"num_ctx": 100}).invoke("Hi")


def options_sent(cls: Any, url: str) -> Any:
    model = cls(
        model=MODEL,
        base_url=url,
        temperature=0.2,
        num_ctx=4096,
        num_predict=64,
        top_k=20,
        top_p=0.8,
        seed=3,
        repeat_penalty=1.2,
        keep_alive="5m",
    )
    return model.invoke("Hi")


def num_predict_without_limit(cls: Any, url: str) -> Any:
    # Ollama's own limits below 1: -1 (none), -2 (the context's), sent and read back.
    replies = []
    for limit in (-1, -2, 0):
        model = cls(model=MODEL, base_url=url, num_predict=limit)
        replies.append((model.invoke("Hi"), model.num_predict))
    return replies


def stop_sequences(cls: Any, url: str) -> Any:
    mine = cls(model=MODEL, base_url=url, stop=["\n"]).invoke("Hi")
    per_call = cls(model=MODEL, base_url=url).invoke("Hi", stop=["END"])
    both = raised(lambda: cls(model=MODEL, base_url=url, stop=["\n"]).invoke("Hi", stop=["X"]))
    return [mine, per_call, {"both": (type(both["error"]).__name__, str(both["error"]))}]


def json_format(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, format="json").invoke("Give JSON")


def structured_pydantic(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    return cls(model=MODEL, base_url=url).with_structured_output(Sum).invoke("1+2?")


def structured_raw(cls: Any, url: str) -> Any:
    schema = sum_schema()
    got = cls(model=MODEL, base_url=url).with_structured_output(schema, include_raw=True)
    return got.invoke("1+2?")


def structured_strict_each_method(cls: Any, url: str) -> Any:
    """`strict=` with each method: langchain-ollama pops it before reading the method
    (JSON mode with it works)."""
    model = cls(model=MODEL, base_url=url)
    return {
        method: model.with_structured_output(sum_schema(), method=method, strict=True).invoke(
            "1+2?"
        )
        for method in ("json_schema", "json_mode")
    }


def response_format_ignored(cls: Any, url: str) -> Any:
    """A call's `response_format` langchain-ollama cannot read (a pydantic class, a
    string, another type, a schema envelope without its schema; or beside `format`):
    each call's warnings (class and words) and reply."""
    import warnings

    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    given: list[dict[str, Any]] = [
        {"response_format": Sum},
        {"response_format": "json"},
        {"response_format": {"type": "text"}},
        {"response_format": {"type": "json_schema", "json_schema": "Sum"}},
        {"response_format": {"type": "json_schema", "json_schema": {"name": "Sum"}}},
        {"response_format": {"type": "json_object"}, "format": "json"},
    ]
    out = []
    for settings in given:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            reply = cls(model=MODEL, base_url=url).bind(**settings).invoke("1+2?")
        said = [(w.category.__name__, str(w.message)) for w in seen]
        out.append({"warned": [w for w in said if w[0] == "UserWarning"], "reply": reply})
    return out


def length_stop(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, num_predict=2).invoke("Tell a story")


#: The scripts every chat wire runs alike, over this suite's constructor call.
SHARED = ScriptsOver(lambda cls, url, **more: cls(model=MODEL, base_url=url, **more))


def host_from_environment(cls: Any, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OLLAMA_HOST", url)
        return cls(model=MODEL).invoke("Hi")


def host_port_alone(cls: Any, url: str) -> Any:
    """`OLLAMA_HOST=:PORT` (Ollama's form for a port of this machine)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OLLAMA_HOST", ":" + url.rpartition(":")[2])
        return cls(model=MODEL).invoke("Hi")


def error_not_found(cls: Any, url: str) -> Any:
    return raised(lambda: cls(model="nope", base_url=url).invoke("Hi"))


def error_server(cls: Any, url: str) -> Any:
    return raised(lambda: cls(model=MODEL, base_url=url).invoke("Hi"))


def error_in_stream(cls: Any, url: str) -> Any:
    return raised(lambda: list(cls(model=MODEL, base_url=url).stream("Hi")))


def error_async(cls: Any, url: str) -> Any:
    return raised(lambda: asyncio.run(cls(model="nope", base_url=url).ainvoke("Hi")))


def connection_refused(cls: Any, url: str) -> Any:
    return raised(lambda: cls(model=MODEL, base_url="http://127.0.0.1:9").invoke("Hi"))


def with_local_models(answer: Callable[[Seen], Reply], *names: str) -> Callable[[Seen], Reply]:
    """`answer`, and the server's local models for `GET /api/tags` (`names`, or an error
    where none: a server too old to list them)."""

    def listing(seen: Seen) -> Reply:
        if seen.method == "GET" and seen.path == "/api/tags":
            if not names:
                return Reply(404, [b'{"error": "not found"}'])
            models = [{"name": n, "model": n, "size": 1} for n in names]
            return Reply(200, [json.dumps({"models": models}).encode()])
        return answer(seen)

    return listing


def validated_on_init(cls: Any, url: str) -> Any:
    """`validate_model_on_init=True`: the model's own name, a name the server lacks, and a
    server that cannot be reached (each the class of what construction raises, and its
    message), then a call of the one built."""

    def built(name: str, where: str = url) -> Any:
        try:
            return cls(model=name, base_url=where, validate_model_on_init=True)
        except Exception as exc:  # noqa: BLE001 - the error is what is observed
            return _refusal(exc)

    return {
        "found": built(f"{MODEL}:latest").invoke("Hi"),
        "tagged": built(MODEL).invoke("Hi"),  # a tag of the name listed
        "missing": built("qwen3"),
        "unreachable": built(MODEL, "http://127.0.0.1:9"),
    }


def validated_without_a_listing(cls: Any, url: str) -> Any:
    """`validate_model_on_init=True` against a server that answers the listing with an
    error."""
    try:
        cls(model=MODEL, base_url=url, validate_model_on_init=True)
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return _refusal(exc)
    raise AssertionError("expected a refusal")


def _refusal(exc: BaseException) -> Any:
    """A construction's error as a script catches it (pydantic's ValidationError, a
    ValueError, the ollama client's ConnectionError), and for a refusal the sentence
    langchain-ollama says (pydantic's words around it aside: its input's repr)."""
    from pydantic import ValidationError

    said = ("Received an error", "not found in Ollama")
    return {
        **instance_of(exc, ValidationError, ValueError, ConnectionError),
        "says": [w for w in said if isinstance(exc, ValueError) and w in str(exc)],
    }


def traced_model_override(cls: Any, url: str) -> Any:
    """The model a run's LangSmith metadata names, for a call that asks for another."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Starts(BaseCallbackHandler):
        models: list[str] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            self.models.append(kw["metadata"]["ls_model_name"])

    handler = Starts()
    reply = cls(model=MODEL, base_url=url).invoke(
        "Say hello", {"callbacks": [handler]}, model="qwen3"
    )
    return {"traced": handler.models, "reply": reply}


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "anthropic_thinking_sent": (ollama_replies(), anthropic_thinking_sent),
    "stop_text": (ollama_replies(), SHARED.stop_text),
    "unknown_keyword": (ollama_replies(), SHARED.unknown_keyword),
    "invoke_text": (ollama_replies(), invoke_text),
    "invoke_messages": (ollama_replies(), invoke_messages),
    "invoke_tuples": (ollama_replies(), invoke_tuples),
    "stream_chunks": (ollama_replies(), SHARED.stream_chunks),
    "ainvoke_text": (ollama_replies(), ainvoke_text),
    "astream_chunks": (ollama_replies(), SHARED.astream_chunks),
    "batch_two": (ollama_replies(), batch_two),
    "abatch_two": (ollama_replies(), abatch_two),
    "tool_call_invoke": (ollama_replies("", tool_calls=ADD_CALL), tool_call_invoke),
    "tool_call_stream": (ollama_replies("", tool_calls=ADD_CALL), tool_call_stream),
    "tool_round_trip": (ollama_replies("", tool_calls=ADD_CALL), tool_round_trip),
    "tool_call_ids_across_turns": (
        ollama_replies("", tool_calls=ADD_CALL),
        tool_call_ids_across_turns,
    ),
    "tool_choice_bound": (ollama_replies("", tool_calls=ADD_CALL), tool_choice_bound),
    "tool_choice_per_call": (ollama_replies(), tool_choice_per_call),
    "tool_choice_bound_each_choice": (ollama_replies(), tool_choice_bound_each_choice),
    "tool_choice_invocation_params": (
        ollama_replies("", tool_calls=ADD_CALL),
        tool_choice_invocation_params,
    ),
    "reasoning_invoke": (ollama_replies("Three.", thinking="Count: s-t-r..."), reasoning_invoke),
    "reasoning_stream": (ollama_replies("Three.", thinking="Count: s-t-r..."), reasoning_stream),
    "reasoning_per_call": (
        ollama_replies("Three.", thinking="Count them."),
        reasoning_per_call,
    ),
    "reasoning_level": (ollama_replies("Three.", thinking="Count them."), reasoning_level),
    "reasoning_off": (ollama_replies("Three."), reasoning_off),
    "reasoning_sent_back": (
        ollama_replies("Three.", thinking="Count them."),
        reasoning_sent_back,
    ),
    "reasoning_sent_back_v1": (
        ollama_replies("Three.", thinking="Count them."),
        reasoning_sent_back_v1,
    ),
    "foreign_v1_reasoning_sent": (ollama_replies(), foreign_v1_reasoning_sent),
    "options_sent": (ollama_replies(), options_sent),
    "num_predict_without_limit": (ollama_replies(), num_predict_without_limit),
    "max_tokens_given": (ollama_replies(), max_tokens_given),
    "unfielded_options_given": (ollama_replies(), unfielded_options_given),
    "think_and_options_given": (ollama_replies(), think_and_options_given),
    "stop_sequences": (ollama_replies(), stop_sequences),
    "json_format": (ollama_replies('{"a": 1}'), json_format),
    "structured_pydantic": (ollama_replies('{"total": 3}'), structured_pydantic),
    "structured_raw": (ollama_replies('{"total": 3}'), structured_raw),
    "structured_strict_each_method": (
        ollama_replies('{"total": 3}'),
        structured_strict_each_method,
    ),
    "response_format_ignored": (ollama_replies('{"total": 3}'), response_format_ignored),
    "length_stop": (ollama_replies("Once", done_reason="length"), length_stop),
    "image_block": (ollama_replies("A pixel."), SHARED.image_data_url),
    "host_from_environment": (ollama_replies(), host_from_environment),
    "host_port_alone": (ollama_replies(), host_port_alone),
    "error_not_found": (
        ollama_replies(status=404, error="model 'nope' not found"),
        error_not_found,
    ),
    "error_server": (ollama_replies(status=500, error="out of memory"), error_server),
    "error_in_stream": (ollama_replies(mid_stream_error="model crashed"), error_in_stream),
    "error_async": (ollama_replies(status=404, error="model 'nope' not found"), error_async),
    "connection_refused": (ollama_replies(), connection_refused),
    "validated_on_init": (
        with_local_models(ollama_replies(), f"{MODEL}:latest"),
        validated_on_init,
    ),
    "validated_without_a_listing": (
        with_local_models(ollama_replies()),
        validated_without_a_listing,
    ),
    "chain_with_prompt": (ollama_replies(), SHARED.chain_with_prompt),
    "traced_model_override": (ollama_replies(), traced_model_override),
}

# ---- what differs on purpose, and why --------------------------------------------------


def _named_tool_results(outcome: Outcome) -> Outcome:
    """Our tool results without the `tool_name` langchain-ollama does not send."""
    theirs, ours, their_requests, our_requests = outcome
    for request in our_requests:
        for message in request["body"].get("messages", []):
            message.pop("tool_name", None)
    return theirs, ours, their_requests, our_requests


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {}


def _thinking_sent(body: dict[str, Any]) -> bool:
    turn = body["messages"][1]
    return bool(turn["thinking"] == "Add them." and turn["content"] == "\nAdding.")


DIFFERENCES["unknown_keyword"] = (unknown_ignored("langchain-ollama"), unknown_refused)
DIFFERENCES["stop_text"] = (
    (
        text_stop_refused("options.stop"),
        text_stop_bare(
            "options.stop", "which Ollama's server refuses (its `stop` option is a list)"
        ),
    ),
    text_stop_kept(None, lambda body: body["options"]["stop"]),
)
DIFFERENCES["anthropic_thinking_sent"] = (
    Difference(
        Reason.RAISES,
        "refuses a history holding Anthropic's reply with a thinking block (an "
        "unsupported content type, a ValueError): a conversation cannot move from "
        "Claude to Ollama",
        "the thinking is sent as the assistant turn's Ollama `thinking`, beside its "
        "text and tool call",
    ),
    refused_before_sending("ValueError", _thinking_sent),
)
DIFFERENCES["tool_round_trip"] = (
    Difference(
        Reason.LOSES_DATA,
        "sends a tool result with only `tool_call_id`, which Ollama ignores: with two "
        "calls to different tools, the model can match their results wrongly",
        "a tool result names the tool it answers (`tool_name`), which Ollama reads to "
        "match results to calls",
    ),
    _named_tool_results,
)


DIFFERENCES["foreign_v1_reasoning_sent"] = DIFFERENCES["tool_round_trip"]
DIFFERENCES["tool_call_ids_across_turns"] = DIFFERENCES["tool_round_trip"]


def _limit_sent(outcome: Outcome) -> Outcome:
    """Theirs sent no limit; ours sent max_tokens as `options.num_predict`."""
    theirs, ours, their_requests, our_requests = outcome
    assert "num_predict" not in their_requests[0]["body"].get("options", {})
    assert our_requests[0]["body"]["options"].pop("num_predict") == 5
    if not our_requests[0]["body"]["options"]:
        our_requests[0]["body"]["options"] = their_requests[0]["body"].get("options")
    return theirs, ours, their_requests, our_requests


DIFFERENCES["max_tokens_given"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatOllama has no `max_tokens` field and drops ChatOllama(max_tokens=5) without "
        "a word: replies are not bounded as the script asked",
        "ChatOllama(max_tokens=5) is sent as Ollama's `num_predict`",
    ),
    _limit_sent,
)


def _unsent_there(options: dict[str, Any], top: dict[str, Any]) -> Callable[[Outcome], Outcome]:
    """Theirs sent none of `options` (in `options`) nor `top` (body fields); ours sent
    each as given, taken out once seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in their_requests:
            body = request["body"]
            assert not set(options) & set(body.get("options") or {}), request
            assert not set(top) & set(body), request
        for request in our_requests:
            body = request["body"]
            assert {k: body["options"].pop(k) for k in options} == options, request
            assert {k: body.pop(k) for k in top} == top, request
        return theirs, ours, their_requests, our_requests

    return read


_DROPPED_UNSAID = (
    "and drops them given to the constructor without a word (its pydantic config ignores "
    "a name it has no field for): the model runs at the server's defaults"
)
DIFFERENCES["unfielded_options_given"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatOllama has no field for Ollama's other runtime options (`num_batch`, "
        "`num_keep`, `typical_p`, `presence_penalty`, `frequency_penalty`, `min_p`, "
        "`penalize_newline`, `use_mmap`, `low_vram`, `numa`) " + _DROPPED_UNSAID,
        "each is sent in the request's `options`, as Ollama names it",
    ),
    _unsent_there(UNFIELDED_OPTIONS, {}),
)
DIFFERENCES["think_and_options_given"] = (
    Difference(
        Reason.LOSES_DATA,
        "ChatOllama has no `think` or `options` field (the ollama SDK's own chat() "
        "keywords) " + _DROPPED_UNSAID,
        "`think` is sent as Ollama's `think`, and the `options` dict's entries in the "
        "request's `options`",
    ),
    _unsent_there({"num_ctx": 100}, {"think": True}),
)


def _traced_as_sent(outcome: Outcome) -> Outcome:
    """Theirs traced its own model for a request that asked for another; ours traced the
    model asked for: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert their_requests[0]["body"]["model"] == "qwen3" and theirs["traced"] == [MODEL]
    assert ours["traced"] == ["qwen3"]
    return theirs, {**ours, "traced": theirs["traced"]}, their_requests, our_requests


DIFFERENCES["traced_model_override"] = (
    Difference(
        Reason.LOSES_DATA,
        "a call that asks for another model (`invoke(..., model=...)`) is traced under the "
        "class's own model (LangSmith's `ls_model_name`): the trace names a model that "
        "did not answer",
        "the trace names the model the call asked for, as LangChain's standard tests "
        "require of every chat model",
    ),
    _traced_as_sent,
)


def _comparable_request(seen: Seen) -> Any:
    """A request as the comparison reads it: its method, path and body, without the
    keys that differ by design in every script:
    - `stream`: langchain-ollama streams every call (its invoke merges the stream), as
      chatplex's drop-in does; chatplex's own model asks `stream: false` for invoke and
      reads the same reply: not observable but in speed.
    - empty `images` lists langchain-ollama sends, which Ollama ignores.
    - a tool call's `id` and `type` and a tool result's `tool_call_id`: Ollama matches
      results by `tool_name`, which both send.
    """
    body = dict(seen.body or {})
    body.pop("stream", None)
    messages = []
    for message in body.get("messages") or []:
        message = {k: v for k, v in message.items() if not (k == "images" and not v)}
        message.pop("tool_call_id", None)
        message["tool_calls"] = [
            {k: v for k, v in call.items() if k not in ("id", "type")}
            for call in message.get("tool_calls") or []
        ]
        if not message["tool_calls"]:
            del message["tool_calls"]
        messages.append(message)
    if messages:
        body["messages"] = messages
    return {"method": seen.method, "path": seen.path, "body": body}


def _comparable_result(value: Any) -> Any:
    """The observed result, with an error read as a script reads it: its classes users
    catch and the attributes they read."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        return {
            "ResponseError": isinstance(err, ollama_sdk.ResponseError),
            "ConnectionError": isinstance(err, ConnectionError),
            "error": getattr(err, "error", None),
            "status_code": getattr(err, "status_code", None),
        }
    return observe(value)


SUITE = Suite(
    SCRIPTS,
    langchain_ollama.ChatOllama,
    OurChatOllama,
    DIFFERENCES,
    result=_comparable_result,
    request=_comparable_request,
    collect=True,
)
test_same_as_langchain_ollama = SUITE.same_test()


test_at_least_25_scripts = SUITE.tables_test()
