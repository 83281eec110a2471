"""ChatBedrock side by side: each script runs with langchain-aws's `ChatBedrock` (boto3
underneath, pointed at the server with `endpoint_url` and fake static credentials) and
with chatplex's, the same constructor call against the same scripted server: InvokeModel
for Anthropic models (`POST /model/{id}/invoke`, Anthropic's Messages reply with
Bedrock's usage headers; `invoke-with-response-stream`, AWS event-stream `chunk` events
whose `bytes` are base64 Anthropic stream events), and Converse where `ChatBedrock`
switches to it (Nova models, `beta_use_converse_api=True`). What each returns or raises
is compared field by field, with the requests the server got (method, path, body, and
how they are signed: not the signature itself, which holds a date).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import ANTHROPIC_KEPT
from tests.partners._sidebyside import CONVERSE_WORDS_AS_TOOL
from tests.partners._sidebyside import NAMED
from tests.partners._sidebyside import TOOL_NAMED_NONE
from tests.partners._sidebyside import TRUE_REFUSED
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import choices_kept
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import cut_in_half
from tests.partners._sidebyside import init_chat_model_for
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import sum_schema
from tests.partners._sidebyside import thirds
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock._scripts import BedrockScripts
from tests.partners.bedrock._scripts import exception_event
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL as CONVERSE_ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_request
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_result
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - the autouse fixture: no AWS setting of the machine leaks in

langchain_aws = pytest.importorskip("langchain_aws")
lc = pytest.importorskip("langchain_core.messages")
lc_callbacks = pytest.importorskip("langchain_core.callbacks")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402
from chatplex.testing._mock_aws import event_message  # noqa: E402

THINKING_MODEL = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
NOVA = "amazon.nova-lite-v1:0"
REQUEST_ID = "5f1c7a0e-0000-4000-8000-000000000002"

Block = dict[str, Any]
#: Bedrock's token counts: (input, output, cache read, cache write).
COUNTS = (12, 7, 0, 0)


def text(value: str) -> Block:
    return {"type": "text", "text": value}


def thinking(value: str, signature: str = "sig-1") -> Block:
    return {"type": "thinking", "thinking": value, "signature": signature}


def tool_use(name: str, args: dict[str, Any], tool_id: str = "toolu_abc123") -> Block:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": args}


def invoke(
    *blocks: Block,
    stop: str = "end_turn",
    counts: tuple[int, int, int, int] = COUNTS,
    status: int = 200,
    error: tuple[str, str] | None = None,
    stream_error: tuple[str, str] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted InvokeModel: Anthropic's JSON reply for `/invoke` (usage in Bedrock's
    headers), event-stream `chunk` events for `/invoke-with-response-stream` (text and
    thinking in pieces, a tool's input in two pieces, metrics on `message_stop`), an
    error `(exception name, message)` with `status`, or an exception message after the
    first event of a stream."""
    content = list(blocks) or [text("Hello there, friend.")]
    read, write = counts[2], counts[3]

    def answer(seen: Seen) -> Reply:
        headers = {"x-amzn-requestid": REQUEST_ID}
        if error is not None:
            name, message = error
            headers["x-amzn-errortype"] = f"{name}:http://internal.amazon.com/coral/"
            return Reply(status, [json.dumps({"message": message}).encode()], headers=headers)
        model = seen.path.split("/")[2]
        message = {
            "id": "msg_bdrk_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-3-5-haiku-20241022",
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": counts[0],
                "output_tokens": counts[1],
                "cache_read_input_tokens": read,
                "cache_creation_input_tokens": write,
            },
        }
        if not seen.path.endswith("/invoke-with-response-stream"):
            headers.update(
                {
                    "x-amzn-bedrock-input-token-count": str(counts[0]),
                    "x-amzn-bedrock-output-token-count": str(counts[1]),
                    "x-amzn-bedrock-cache-read-input-token-count": str(read),
                    "x-amzn-bedrock-cache-write-input-token-count": str(write),
                    "x-amzn-bedrock-invocation-latency": "321",
                }
            )
            return Reply(200, [json.dumps(message).encode()], headers=headers)
        assert model, "a model id in the path"
        start = {**message, "content": [], "stop_reason": None}
        events = [_chunk({"type": "message_start", "message": start})]
        if stream_error is not None:
            events.append(exception_event(*stream_error))
            return Reply(200, events, "application/vnd.amazon.eventstream", headers)
        for index, block in enumerate(content):
            events.extend(_block_events(index, block))
        delta = {"stop_reason": stop, "stop_sequence": None}
        events.append(
            _chunk({"type": "message_delta", "delta": delta, "usage": {"output_tokens": counts[1]}})
        )
        metrics = {
            "inputTokenCount": counts[0],
            "outputTokenCount": counts[1],
            "invocationLatency": 321,
            "firstByteLatency": 100,
            "cacheReadInputTokenCount": read,
            "cacheWriteInputTokenCount": write,
        }
        events.append(_chunk({"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics}))
        return Reply(200, events, "application/vnd.amazon.eventstream", headers)

    return answer


def _chunk(event: dict[str, Any]) -> bytes:
    """An InvokeModel stream's `chunk` message: `event` as JSON, base64 in its `bytes`."""
    return event_message("chunk", {"bytes": base64.b64encode(json.dumps(event).encode()).decode()})


def _block_events(index: int, block: Block) -> list[bytes]:
    kind = block["type"]
    if kind == "tool_use":
        opened = {**block, "input": {}}
    elif kind == "thinking":
        opened = {"type": "thinking", "thinking": "", "signature": ""}
    elif kind == "redacted_thinking":  # whole in its start, as Anthropic streams it
        opened = dict(block)
    else:
        opened = {"type": "text", "text": ""}
    out = [_chunk({"type": "content_block_start", "index": index, "content_block": opened})]
    if kind == "tool_use":
        raw = json.dumps(block["input"])
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in _halves(raw)]
    elif kind == "thinking":
        deltas = [{"type": "thinking_delta", "thinking": p} for p in thirds(block["thinking"])]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    elif kind == "redacted_thinking":
        deltas = []
    else:
        deltas = [{"type": "text_delta", "text": p} for p in thirds(block["text"])]
    out.extend(_chunk({"type": "content_block_delta", "index": index, "delta": d}) for d in deltas)
    out.append(_chunk({"type": "content_block_stop", "index": index}))
    return out


def _halves(value: str) -> list[str]:
    return [value[: len(value) // 2], value[len(value) // 2 :]]


ADD_CALL = tool_use("add", {"a": 1, "b": 2})


def make(cls: Any, url: str, model: str = MODEL, **settings: Any) -> Any:
    return cls(model=model, endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


#: The scripts this suite runs as the other Bedrock suite does (`_scripts.py`).
BEDROCK = BedrockScripts(make)


# ---- the scripts: (server reply, script(ChatBedrock, url) -> result) --------------------


def body_keywords_moved(cls: Any, url: str) -> Any:
    # Claude's body fields given as ChatBedrock keywords: langchain-aws moves them into
    # model_kwargs (with langchain-core's warning) and its InvokeModel body sends them.
    thinking = {"type": "enabled", "budget_tokens": 1024}
    model, said = constructed(lambda: make(cls, url, thinking=thinking, top_k=3, max_tokens=2048))
    return model.invoke("Hi"), model.model_kwargs, [w[1] for w in said["warned"]]


def top_p_moved(cls: Any, url: str) -> Any:
    # `top_p`, no field of ChatBedrock's: moved into model_kwargs (warned), held and
    # dumped there, sent from there; a call's own replaces it.
    from langchain_core.load import dumpd

    model, said = constructed(lambda: make(cls, url, top_p=0.5))
    dumped = dumpd(model)["kwargs"].get("model_kwargs")
    warned = [w[1] for w in said["warned"]]
    return model.invoke("Hi"), model.invoke("Hi", top_p=0.3), model.model_kwargs, dumped, warned


def invoke_messages(cls: Any, url: str) -> Any:
    model = make(cls, url, temperature=0, max_tokens=64)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def stream_chunks(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).stream("Say hello"))
    return {"chunks": chunks, "merged": merged(chunks)}


def astream_chunks(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in make(cls, url).astream("Say hello")]

    chunks = asyncio.run(run())
    return {"chunks": chunks, "merged": merged(chunks)}


def streaming_invoke(cls: Any, url: str) -> Any:
    return make(cls, url, streaming=True).invoke("Say hello")


def tool_call_stream(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).bind_tools([add]).stream("What is 1+2?"))
    return {"chunks": chunks, "merged": merged(chunks)}


def tool_choice_bound(cls: Any, url: str) -> Any:
    """What `bind_tools` binds for each tool choice on an Anthropic model over
    InvokeModel (what `bound.kwargs`, callbacks and tracers see), the tools aside: None,
    the words, a tool's name, True beside one tool and beside two, a choice object
    (OpenAI's, and Anthropic's own)."""
    objects = {"object": NAMED, "Anthropic's object": {"type": "tool", "name": "add"}}
    return bound_choices(make(cls, url), objects)


def tool_choice_bound_on_converse(cls: Any, url: str) -> Any:
    """The same on the Converse API (a Nova model's): ChatBedrockConverse's binding, True
    read as "any" first."""
    objects = {"Converse's object": {"tool": {"name": "add"}}}
    return bound_choices(make(cls, url, model=NOVA), objects)


#: Anthropic's object forcing the tool `add`.
NAMED_ADD = {"type": "tool", "name": "add"}


def tool_choice_without_tools(cls: Any, url: str) -> Any:
    """A tool choice given to one call of a model with no tools bound (each word, a
    tool's name, Anthropic's object), each attempted: what is sent, or what raised."""
    words = ("auto", "any", "none", "required")
    choices: dict[str, Any] = {**{w: w for w in words}, "named": "add", "object": NAMED_ADD}
    return {
        label: attempted(lambda c=choice: make(cls, url).invoke("What is 1+2?", tool_choice=c))
        for label, choice in choices.items()
    }


def tool_choice_any(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add], tool_choice="any").invoke("What is 1+2?")


def tool_error_round_trip(cls: Any, url: str) -> Any:
    """A failed tool's ToolMessage(status="error"): langchain-aws sends its content and
    no `is_error` (issue 47)."""
    model = make(cls, url).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    failed = lc.ToolMessage("Error: add is down", tool_call_id=call["id"], status="error")
    return model.invoke([lc.HumanMessage("What is 1+2?"), first, failed])


def thinking_invoke(cls: Any, url: str) -> Any:
    kwargs = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    return make(cls, url, model=THINKING_MODEL, model_kwargs=kwargs).invoke("How many r?")


def thinking_stream(cls: Any, url: str) -> Any:
    kwargs = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    model = make(cls, url, model=THINKING_MODEL, model_kwargs=kwargs)
    return merged(list(model.stream("How many r?")))


def model_kwargs_body(cls: Any, url: str) -> Any:
    return make(cls, url, model_kwargs={"top_k": 5, "max_tokens": 200}).invoke("Hi")


def stop_per_call(cls: Any, url: str) -> Any:
    return make(cls, url).invoke("Hi", stop=["STOP"])


def stop_per_call_stream(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).stream("Hi", stop=["STOP"])))


def cache_usage(cls: Any, url: str) -> Any:
    reply = make(cls, url).invoke("Hi")
    return {"usage": reply.usage_metadata, "llm_usage": reply.additional_kwargs["usage"]}


def cache_usage_stream(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).stream("Hi"))).usage_metadata


def _sent_to(model: Any, url: str) -> Any:
    """The model's reply if it sends to the scripted server, else where it would send
    (found before any request: a call would leave for a public AWS host)."""
    ours = isinstance(model, OurChatBedrock)
    endpoint = model.adapter.endpoint_url if ours else model.client.meta.endpoint_url
    if endpoint != url:
        return {"sent_to": endpoint}
    return {"reply": model.invoke("Hi")}


def base_url_alias(cls: Any, url: str) -> Any:
    return _sent_to(cls(model=MODEL, base_url=url, region_name="us-east-1", **KEYS), url)


def region_alias(cls: Any, url: str) -> Any:
    return cls(model=MODEL, endpoint_url=url, region="eu-west-1", **KEYS).invoke("Hi")


def init_chat_model_base_url(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChatBedrock)
    model = init_chat_model(f"bedrock:{MODEL}", base_url=url, region_name="us-east-1", **KEYS)
    return {"class": type(model).__name__, **_sent_to(model, url)}


def provider_given(cls: Any, url: str) -> Any:
    return make(cls, url, model="my-claude-profile", provider="anthropic").invoke("Hi")


def nova_speaks_converse(cls: Any, url: str) -> Any:
    model = make(cls, url, model=NOVA)
    return {"converse": model.beta_use_converse_api, "reply": model.invoke("Hi")}


def nova_tools_bound_on_converse(cls: Any, url: str) -> Any:
    """A Nova model's tools and structured output, as a callback handler and an event
    stream see their runs: langchain-aws's ChatBedrock hands both to a ChatBedrockConverse
    it builds (`_as_converse`), which has none of the constructor's callbacks."""
    seen: list[Any] = []

    class Handler(lc_callbacks.BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            params = kwargs.get("invocation_params") or {}
            seen.append((serialized.get("name"), params.get("_type"), sorted(params)))

    model = make(
        cls,
        url,
        model=NOVA,
        model_kwargs={"temperature": 0.2, "top_p": 0.9},  # (its temperature: a field)
        stop_sequences=["END"],
        callbacks=[Handler()],
    )
    bound = model.bind_tools([add], tool_choice=True)
    reply = bound.invoke("What is 1+2?", config={"callbacks": [Handler()]})
    structured = model.with_structured_output(sum_schema(), include_raw=True)
    raw = structured.invoke("Sum?", config={"callbacks": [Handler()]})["raw"]

    async def events() -> list[Any]:
        return [(e["event"], e["name"]) async for e in bound.astream_events("Hi", version="v2")]

    plain = model.invoke("Hi")
    return {
        "bound": type(bound.bound).__name__,
        "reply": reply,
        "raw": raw,
        "events": asyncio.run(events()),
        "plain": plain,
        "seen": seen,
    }


def converse_when_asked(cls: Any, url: str) -> Any:
    model = make(cls, url, beta_use_converse_api=True, max_tokens=64, temperature=0.5)
    return model.invoke("Hi")


def converse_stream_when_asked(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url, beta_use_converse_api=True).stream("Hi")))


def _generated(result: Any) -> Any:
    """What a script reads of `generate()`'s result: the combined `llm_output` (the
    rows' usage summed: a cost tracker's total) and each row's message."""
    return {
        "llm_output": result.llm_output,
        "messages": [[g.message for g in row] for row in result.generations],
    }


def generate_two_prompts(cls: Any, url: str, **settings: Any) -> Any:
    prompts = [[lc.HumanMessage("Say hello")], [lc.HumanMessage("Say hi")]]
    return _generated(make(cls, url, **settings).generate(prompts))


def agenerate_two_prompts(cls: Any, url: str) -> Any:
    prompts = [[lc.HumanMessage("Say hello")], [lc.HumanMessage("Say hi")]]
    return _generated(asyncio.run(make(cls, url).agenerate(prompts)))


def generate_on_converse(cls: Any, url: str) -> Any:
    return generate_two_prompts(cls, url, beta_use_converse_api=True)


def truncated_reply(cls: Any, url: str) -> Any:
    """A 200 whose JSON body is cut short: what a script catching it reads (langchain-aws
    lets its `json.loads` error through: botocore does not read an InvokeModel body)."""
    import botocore.exceptions

    def read(run: Callable[[], Any]) -> Any:
        err = raised(run)["error"]
        return {
            "JSONDecodeError": isinstance(err, json.JSONDecodeError),
            "ValueError": isinstance(err, ValueError),
            "ClientError": isinstance(err, botocore.exceptions.ClientError),
            "str": str(err),
            "fields": [getattr(err, n, None) for n in ("msg", "pos", "lineno", "colno")],
        }

    model = make(cls, url, max_retries=0)
    return {
        "invoke": read(lambda: model.invoke("Hi")),
        "ainvoke": read(lambda: asyncio.run(model.ainvoke("Hi"))),
    }


def error_payload(seen: Seen) -> Reply:
    """A 200 whose body is Anthropic's error payload (an overloaded model), as a proxy or
    a misrouted endpoint answers."""
    error = {"type": "overloaded_error", "message": "Overloaded"}
    return Reply(200, [json.dumps({"type": "error", "error": error}).encode()])


def error_payload_as_reply(cls: Any, url: str) -> Any:
    return attempted(lambda: make(cls, url, max_retries=0).invoke("Hi"))


def stream_cut_inside_event(cls: Any, url: str) -> Any:
    """A stream whose body ends inside an event-stream message: the texts it gave, then
    how it ended."""
    texts: list[Any] = []

    def run() -> Any:
        for chunk in make(cls, url, max_retries=0).stream("Say hello"):
            texts.append(chunk.content)
        return "ended"

    return {"ended": attempted(run), "texts": texts}


def tools_per_call(cls: Any, url: str) -> Any:
    """Tools given to one call in OpenAI's format (`invoke(..., tools=[...])`), not bound."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    return make(cls, url).invoke("What is 1+2?", tools=[convert_to_openai_tool(add)])


def stream_usage_off(cls: Any, url: str) -> Any:
    """`stream_usage=False` (LangChain's setting, which ChatBedrock has no field for):
    what its construction says, where it holds it, and a stream's usage."""
    built, said = constructed(lambda: make(cls, url, stream_usage=False))
    usage = merged(list(built.stream("Say hello"))).usage_metadata
    return {**said, "model_kwargs": built.model_kwargs, "usage": usage}


def generate_streaming(cls: Any, url: str) -> Any:
    """`streaming=True`: the rows have no `llm_output`, merged to an empty usage."""
    return generate_two_prompts(cls, url, streaming=True)


WRITER = "us.writer.palmyra-x5-v1:0"


def unsupported_family(cls: Any, url: str) -> Any:
    return raised(lambda: make(cls, url, model=WRITER).invoke("Hi"))


def cohere_refused(cls: Any, url: str) -> Any:
    """Cohere's Command models: langchain-aws's ChatBedrock has no chat prompt for them
    (NotImplementedError at the call), nor has chatplex's (at construction)."""
    return raised(lambda: make(cls, url, model="cohere.command-r-v1:0").invoke("Hi"))


def class_stop(cls: Any, url: str) -> Any:
    return make(cls, url, stop=["END"]).invoke("Hi")


def two_system_messages(cls: Any, url: str) -> Any:
    messages = [lc.SystemMessage("Be brief."), lc.SystemMessage("Be kind."), lc.HumanMessage("Hi")]
    return make(cls, url).invoke(messages)


def citations_document(cls: Any, url: str) -> Any:
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "The sky is blue."},
        "citations": {"enabled": True},
    }
    message = lc.HumanMessage(content=[document, {"type": "text", "text": "Colour?"}])
    return make(cls, url).invoke([message])


def std_file_block(cls: Any, url: str) -> Any:
    """A PDF as a standard (v1) file block of base64 data, beside a text."""
    pdf = {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"}
    message = lc.HumanMessage([{"type": "text", "text": "Summarise this."}, pdf])
    return attempted(lambda: make(cls, url).invoke([message]))


def v1_reasoning_history(cls: Any, url: str) -> Any:
    """A reply's standard (v1) reasoning block before its text, in the history sent
    back (a reply of another chat model's, or one read with output_version="v1")."""
    said = lc.AIMessage(
        [{"type": "reasoning", "reasoning": "She said."}, {"type": "text", "text": "Hello Ann."}]
    )
    return make(cls, url).invoke([lc.HumanMessage("Hi, I am Ann"), said, lc.HumanMessage("Who?")])


def error_in_async_stream(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in make(cls, url, max_retries=0).astream("Hi")]

    return raised(lambda: asyncio.run(run()))


async def _collected(pieces: Any) -> list[Any]:
    return [piece async for piece in pieces]


def error_reported(cls: Any, url: str) -> Any:
    """A refused call invoked, awaited and streamed (sync and async), with a callback:
    the error classes its `on_llm_error` is handed (langchain-aws's InvokeModel call
    hands it the error itself, then LangChain does: twice; once for a stream), and the
    records logged (its traceback, under its logger), beside the class of each call's
    error."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[str] = []

    class Errors(BaseCallbackHandler):
        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            seen.append(type(error).__name__)

    model = make(cls, url, max_retries=0)
    config: Any = {"callbacks": [Errors()]}
    calls = {
        "invoke": lambda: model.invoke("Hi", config=config),
        "ainvoke": lambda: asyncio.run(model.ainvoke("Hi", config=config)),
        "stream": lambda: list(model.stream("Hi", config=config)),
        "astream": lambda: asyncio.run(_collected(model.astream("Hi", config=config))),
    }
    found = {}
    for how, call in calls.items():
        seen.clear()
        error, said = constructed(lambda call=call: raised(call)["error"])
        raised_as = [type(error).__module__, type(error).__name__]
        found[how] = {"raised": raised_as, "on_llm_error": list(seen), "logged": said["logged"]}
    return found


def structured_streaming(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return make(cls, url, streaming=True).with_structured_output(Sum).invoke("1+2?")


def model_kwargs_temperature(cls: Any, url: str) -> Any:
    return make(cls, url, model_kwargs={"temperature": 0.1, "top_p": 0.9}).invoke("Hi")


def stream_usage_per_chunk(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).stream("Hi"))
    return [c.usage_metadata for c in chunks if c.usage_metadata]


def thinking_tool_round_trip(cls: Any, url: str) -> Any:
    kwargs = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    model = make(cls, url, model=THINKING_MODEL, model_kwargs=kwargs).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"])
    return [first, model.invoke([lc.HumanMessage("What is 1+2?"), first, result])]


def thinking_tool_stream(cls: Any, url: str) -> Any:
    kwargs = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    model = make(cls, url, model=THINKING_MODEL, model_kwargs=kwargs).bind_tools([add])
    chunks = list(model.stream("What is 1+2?"))
    return {"chunks": chunks, "merged": merged(chunks)}


FIELDS = (
    "model_id",
    "model",
    "model_kwargs",
    "beta_use_converse_api",
    "region_name",
    "streaming",
    "temperature",
    "max_tokens",
    "guardrails",
    "stop_sequences",
    "base_model_id",
    "endpoint_url",
    "credentials_profile_name",
)


def fields_as_kept(cls: Any, url: str) -> Any:
    plain = make(cls, url)
    given = make(
        cls,
        url,
        model_kwargs={"top_k": 2},
        temperature=0.3,
        max_tokens=9,
        stop=["END"],
        streaming=True,
        base_model_id="anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    nova = make(cls, url, model=NOVA)
    unguarded = make(cls, url, guardrails=None, model_kwargs=None)  # (held None, and {})
    models = (plain, given, nova, unguarded)
    return [{name: getattr(m, name) for name in FIELDS} for m in models]


def request_options(cls: Any, url: str) -> Any:
    model = make(
        cls,
        url,
        guardrails={"guardrailIdentifier": "g-1", "guardrailVersion": "2", "trace": True},
        service_tier="priority",
        request_metadata={"team": "search"},
    )
    return [model.invoke("Hi"), merged(list(model.stream("Hi")))]


def converse_model_kwargs(cls: Any, url: str) -> Any:
    kwargs = {"top_k": 5, "max_tokens": 64}
    return make(cls, url, beta_use_converse_api=True, model_kwargs=kwargs).invoke("Hi")


def nova_model_kwargs(cls: Any, url: str) -> Any:
    """Nova speaks Converse without being asked: its model_kwargs go the same way."""
    kwargs = {"top_k": 5, "max_tokens": 64}
    return make(cls, url, model=NOVA, model_kwargs=kwargs).invoke("Hi")


# ---- the families langchain-aws's ChatBedrock serves with a prompt -----------------------

LLAMA = "us.meta.llama3-1-70b-instruct-v1:0"
LLAMA2 = "meta.llama2-13b-chat-v1"
MISTRAL = "mistral.mistral-large-2402-v1:0"
TITAN = "amazon.titan-text-express-v1"
DEEPSEEK_R1 = "us.deepseek.r1-v1:0"
GPT_OSS = "openai.gpt-oss-20b-1:0"
QWEN = "qwen.qwen3-32b-v1:0"


def _meta_event(piece: str, first: bool, n: int, stop: str | None) -> dict[str, Any]:
    return {
        "generation": piece,
        "prompt_token_count": COUNTS[0] if first else None,
        "generation_token_count": n,
        "stop_reason": stop,
    }


def _mistral_event(piece: str, first: bool, n: int, stop: str | None) -> dict[str, Any]:
    return {"outputs": [{"text": piece, "stop_reason": stop}]}


def _titan_event(piece: str, first: bool, n: int, stop: str | None) -> dict[str, Any]:
    return {
        "outputText": piece,
        "index": 0,
        "totalOutputTextTokenCount": n,
        "completionReason": stop,
        "inputTextTokenCount": COUNTS[0] if first else None,
    }


def _meta_reply(text: str, stop: str) -> dict[str, Any]:
    return {
        "generation": text,
        "prompt_token_count": COUNTS[0],
        "generation_token_count": COUNTS[1],
        "stop_reason": stop,
    }


def _mistral_reply(text: str, stop: str) -> dict[str, Any]:
    return {"outputs": [{"text": text, "stop_reason": stop}]}


def _titan_reply(text: str, stop: str) -> dict[str, Any]:
    result = {"tokenCount": COUNTS[1], "outputText": text, "completionReason": stop}
    return {"inputTextTokenCount": COUNTS[0], "results": [result]}


def _deepseek_event(piece: str, first: bool, n: int, stop: str | None) -> dict[str, Any]:
    return {"choices": [{"text": piece, "stop_reason": stop}]}


def _deepseek_reply(text: str, stop: str) -> dict[str, Any]:
    return {"choices": [{"text": text, "stop_reason": stop}]}


def _chat_event(piece: str, first: bool, n: int, stop: str | None) -> dict[str, Any]:
    delta = {"role": "assistant", "content": piece} if first else {"content": piece}
    choice = {"index": 0, "delta": delta, "finish_reason": stop}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "choices": [choice],
    }


def _chat_reply(text: str, stop: str) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": stop}
    usage = {"prompt_tokens": COUNTS[0], "completion_tokens": COUNTS[1], "total_tokens": 19}
    return {"id": "chatcmpl-1", "object": "chat.completion", "choices": [choice], "usage": usage}


#: Family → (reply body, stream event, its usual stop reason), as Bedrock sends them.
FAMILY_WIRE: dict[str, tuple[Callable[..., Any], Callable[..., Any], str]] = {
    "meta": (_meta_reply, _meta_event, "stop"),
    "mistral": (_mistral_reply, _mistral_event, "stop"),
    "amazon": (_titan_reply, _titan_event, "FINISH"),
    "deepseek": (_deepseek_reply, _deepseek_event, "stop"),
    "openai": (_chat_reply, _chat_event, "stop"),
    "qwen": (_chat_reply, _chat_event, "stop"),
}


def prompt_invoke(
    family: str,
    reply_text: str = "Hello there, friend.",
    stop: str | None = None,
    stream_error: tuple[str, str] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted InvokeModel of a prompt family: its JSON reply (usage in Bedrock's
    headers), or its stream events, text in thirds, the last event with the stop reason
    and `amazon-bedrock-invocationMetrics` (or an exception message after the first)."""
    reply, event, usual = FAMILY_WIRE[family]
    reason = stop or usual

    def answer(seen: Seen) -> Reply:
        headers = {"x-amzn-requestid": REQUEST_ID}
        if not seen.path.endswith("/invoke-with-response-stream"):
            headers.update(
                {
                    "x-amzn-bedrock-input-token-count": str(COUNTS[0]),
                    "x-amzn-bedrock-output-token-count": str(COUNTS[1]),
                    "x-amzn-bedrock-invocation-latency": "321",
                }
            )
            return Reply(200, [json.dumps(reply(reply_text, reason)).encode()], headers=headers)
        pieces = thirds(reply_text)
        events = [event(p, i == 0, i + 1, None) for i, p in enumerate(pieces)]
        if stream_error is not None:
            frames = [_chunk(events[0]), exception_event(*stream_error)]
            return Reply(200, frames, "application/vnd.amazon.eventstream", headers)
        last = event("", False, len(pieces), reason)
        last["amazon-bedrock-invocationMetrics"] = {
            "inputTokenCount": COUNTS[0],
            "outputTokenCount": COUNTS[1],
            "invocationLatency": 321,
            "firstByteLatency": 100,
        }
        events.append(last)
        frames = [_chunk(e) for e in events]
        return Reply(200, frames, "application/vnd.amazon.eventstream", headers)

    return answer


def body_options_given(cls: Any, url: str) -> Any:
    """`extra_body=` and `default_headers=`, which ChatBedrock has no field for: what its
    construction warns and holds, and what is sent."""
    options = {"extra_body": {"top_k": 3}, "default_headers": {"x-team": "blue"}}
    model, said = constructed(lambda: make(cls, url, **options))
    return model.invoke("Hi"), model.model_kwargs, [w[1] for w in said["warned"]]


def family_top_p(model: str) -> Callable[[Any, str], Any]:
    """`top_p_moved` on a model of another family (or Converse's)."""

    def script(cls: Any, url: str) -> Any:
        return top_p_moved(lambda **kw: cls(**{**kw, "model": model}), url)

    return script


def family_invoke(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return make(cls, url, model=model).invoke("Say hello")

    return script


def family_stream(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        chunks = list(make(cls, url, model=model).stream("Say hello"))
        return {"chunks": chunks, "merged": merged(chunks)}

    return script


def family_conversation(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        messages = [
            lc.SystemMessage("Be brief."),
            lc.HumanMessage("Hi"),
            lc.AIMessage("Hello!"),
            lc.HumanMessage("Say it again"),
        ]
        return make(cls, url, model=model, temperature=0.2).invoke(messages)

    return script


def family_limits(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return make(cls, url, model=model, max_tokens=5).invoke("Tell a story", stop=["STOP"])

    return script


def family_astream(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        async def run() -> list[Any]:
            return [c async for c in make(cls, url, model=model).astream("Say hello")]

        return merged(asyncio.run(run()))

    return script


def family_model_kwargs(model: str, kwargs: dict[str, Any]) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return make(cls, url, model=model, model_kwargs=kwargs).invoke("Hi")

    return script


def family_streaming_invoke(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return make(cls, url, model=model, streaming=True).invoke("Say hello")

    return script


def family_stream_cut(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return merged(list(make(cls, url, model=model, max_tokens=5).stream("Tell a story")))

    return script


def meta_stream_with_stop(cls: Any, url: str) -> Any:
    return raised(lambda: list(make(cls, url, model=LLAMA).stream("Hi", stop=["STOP"])))


def family_stream_with_stop(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        try:
            return merged(list(make(cls, url, model=model).stream("Hi", stop=["STOP"])))
        except ValueError as exc:  # langchain-aws's refusal
            return {"error": exc}

    return script


def gpt_oss_tool_round(cls: Any, url: str) -> Any:
    ai = lc.AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "t1"}])
    messages = [lc.HumanMessage("1+2?"), ai, lc.ToolMessage("3", tool_call_id="t1")]
    return make(cls, url, model=GPT_OSS).invoke(messages)


def family_error(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return raised(lambda: make(cls, url, model=model, max_retries=0).invoke("Hi"))

    return script


def family_error_in_stream(model: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return raised(lambda: list(make(cls, url, model=model, max_retries=0).stream("Hi")))

    return script


def family_structured_output(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return raised(lambda: make(cls, url, model=LLAMA).with_structured_output(Sum).invoke("1+2?"))


def meta_profile_given(cls: Any, url: str) -> Any:
    base = "meta.llama3-1-70b-instruct-v1:0"
    model = make(cls, url, model="my-llama-profile", provider="meta", base_model_id=base)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Hi")])


def meta_fields_in_model_kwargs(cls: Any, url: str) -> Any:
    """`temperature` and `max_tokens` given in model_kwargs (langchain-aws's validator
    takes them as its fields), alone and beside the fields themselves: what each model
    holds, and its reply (the bodies compared: Meta's own `max_gen_len`)."""
    found = []
    for fields in ({}, {"temperature": 0.5, "max_tokens": 10}):
        kwargs = {"temperature": 0.2, "max_tokens": 64, "top_p": 0.9}
        model = make(cls, url, model=LLAMA, model_kwargs=kwargs, **fields)
        held = [model.temperature, model.max_tokens, model.model_kwargs]
        found.append({"held": held, "reply": model.invoke("Hi")})
    return found


def meta_text_blocks(cls: Any, url: str) -> Any:
    message = lc.HumanMessage([{"type": "text", "text": "Say "}, {"type": "text", "text": "hi"}])
    return make(cls, url, model=LLAMA).invoke([message])


def init_chat_model_llama(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChatBedrock)
    model = init_chat_model(f"bedrock:{LLAMA}", endpoint_url=url, region_name="us-east-1", **KEYS)
    return {"class": type(model).__name__, "reply": model.invoke("Hi")}


def mistral_request_options(cls: Any, url: str) -> Any:
    model = make(
        cls,
        url,
        model=MISTRAL,
        guardrails={"guardrailIdentifier": "g-1", "guardrailVersion": "2", "trace": True},
        service_tier="priority",
    )
    return [model.invoke("Hi"), merged(list(model.stream("Hi")))]


def meta_tool_message(cls: Any, url: str) -> Any:
    messages = [lc.HumanMessage("Hi"), lc.ToolMessage("3", tool_call_id="t1")]
    return raised(lambda: make(cls, url, model=LLAMA).invoke(messages))


STOPPED = "Once upon STOP a time"

FAMILY_SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {}
for _prefix, _model, _family in (
    ("meta", LLAMA, "meta"),
    ("mistral", MISTRAL, "mistral"),
    ("titan", TITAN, "amazon"),
    ("deepseek", DEEPSEEK_R1, "deepseek"),
    ("gpt_oss", GPT_OSS, "openai"),
    ("qwen", QWEN, "qwen"),
):
    FAMILY_SCRIPTS.update(
        {
            f"{_prefix}_invoke": (prompt_invoke(_family), family_invoke(_model)),
            f"{_prefix}_top_p": (prompt_invoke(_family), family_top_p(_model)),
            f"{_prefix}_stream": (prompt_invoke(_family), family_stream(_model)),
            f"{_prefix}_astream": (prompt_invoke(_family), family_astream(_model)),
            f"{_prefix}_conversation": (prompt_invoke(_family), family_conversation(_model)),
            f"{_prefix}_streaming_invoke": (
                prompt_invoke(_family),
                family_streaming_invoke(_model),
            ),
            f"{_prefix}_stream_cut": (
                prompt_invoke(_family, stop="length" if _family != "amazon" else "LENGTH"),
                family_stream_cut(_model),
            ),
            f"{_prefix}_limits": (
                prompt_invoke(_family, STOPPED, "length" if _family != "amazon" else "LENGTH"),
                family_limits(_model),
            ),
        }
    )
FAMILY_SCRIPTS.update(
    {
        "meta_llama2_conversation": (prompt_invoke("meta"), family_conversation(LLAMA2)),
        "meta_model_kwargs": (
            prompt_invoke("meta"),
            family_model_kwargs(LLAMA, {"top_p": 0.9, "max_gen_len": 64}),
        ),
        "meta_stream_with_stop": (prompt_invoke("meta"), meta_stream_with_stop),
        "meta_tool_message": (prompt_invoke("meta"), meta_tool_message),
        "meta_text_blocks": (prompt_invoke("meta"), meta_text_blocks),
        "meta_fields_in_model_kwargs": (prompt_invoke("meta"), meta_fields_in_model_kwargs),
        "init_chat_model_llama": (prompt_invoke("meta"), init_chat_model_llama),
        "mistral_request_options": (prompt_invoke("mistral"), mistral_request_options),
        "meta_structured_output": (prompt_invoke("meta"), family_structured_output),
        "meta_profile_given": (prompt_invoke("meta"), meta_profile_given),
        "meta_error_throttled": (
            invoke(status=429, error=("ThrottlingException", "Too many requests.")),
            family_error(LLAMA),
        ),
        "titan_error_validation": (
            invoke(status=400, error=("ValidationException", "Malformed input request.")),
            family_error(TITAN),
        ),
        "mistral_error_in_stream": (
            prompt_invoke("mistral", stream_error=("throttlingException", "Slow down.")),
            family_error_in_stream(MISTRAL),
        ),
        "qwen_error_in_stream": (
            prompt_invoke("qwen", stream_error=("modelStreamErrorException", "Broken.")),
            family_error_in_stream(QWEN),
        ),
        "deepseek_stream_with_stop": (
            prompt_invoke("deepseek"),
            family_stream_with_stop(DEEPSEEK_R1),
        ),
        "gpt_oss_stream_with_stop": (prompt_invoke("openai"), family_stream_with_stop(GPT_OSS)),
        "gpt_oss_tool_round": (prompt_invoke("openai"), gpt_oss_tool_round),
        "mistral_model_kwargs": (
            prompt_invoke("mistral"),
            family_model_kwargs(MISTRAL, {"top_k": 5, "max_tokens": 64}),
        ),
        "titan_model_kwargs": (
            prompt_invoke("amazon"),
            family_model_kwargs(TITAN, {"topP": 0.9, "maxTokenCount": 64}),
        ),
    }
)

# ---- langchain-aws's key maps by vendor, and its system_prompt_with_tools ------------------

#: langchain-aws's `provider_stop_sequence_key_name_map`, as it declares it.
STOP_KEYS = {
    "anthropic": "stop_sequences",
    "amazon": "stopSequences",
    "ai21": "stop_sequences",
    "cohere": "stop_sequences",
    "mistral": "stop_sequences",
}
KEY_FIELDS = (
    "provider_stop_sequence_key_name_map",
    "provider_stop_reason_key_map",
    "system_prompt_with_tools",
)


def stream_stop_keyed(model: str, **changed: str) -> Callable[[Any, str], Any]:
    """A stream with stop sequences, the stop key map given with `changed` entries
    (None: the entry dropped): the key langchain-aws sends them under in a stream."""
    keys = {k: v for k, v in {**STOP_KEYS, **changed}.items() if v is not None}

    def script(cls: Any, url: str) -> Any:
        model_ = make(cls, url, model=model, provider_stop_sequence_key_name_map=keys)
        return attempted(lambda: merged(list(model_.stream("Hi", stop=["STOP"]))))

    return script


def invoke_stop_keyed(cls: Any, url: str) -> Any:
    """An invoke does not read the map: Anthropic's `stop_sequences` whatever it says."""
    keys = {**STOP_KEYS, "anthropic": "stop"}
    return make(cls, url, provider_stop_sequence_key_name_map=keys).invoke("Hi", stop=["STOP"])


def key_fields_held(cls: Any, url: str) -> Any:
    """The three fields as each model holds and dumps them, at their defaults and given
    (the stop reason map changes nothing read: langchain-aws reads it only where its
    call then raises), and a call of the model given them."""
    given = {
        "provider_stop_sequence_key_name_map": {**STOP_KEYS, "deepseek": "stop"},
        "provider_stop_reason_key_map": {"anthropic": "stop_reason"},
        "system_prompt_with_tools": "",
    }
    models = (make(cls, url), make(cls, url, **given))
    held = [{n: (getattr(m, n), m.model_dump()[n]) for n in KEY_FIELDS} for m in models]
    return held, models[1].invoke("Hi"), merged(list(models[1].stream("Hi")))


def key_fields_refused(cls: Any, url: str) -> Any:
    """Values the fields do not take: each refused as the partner's pydantic refuses it."""
    values = [
        ("provider_stop_sequence_key_name_map", None),
        ("provider_stop_reason_key_map", {"anthropic": 1}),
        ("system_prompt_with_tools", None),
        ("system_prompt_with_tools", ["Tools."]),
    ]
    return [attempted(lambda n=n, v=v: make(cls, url, **{n: v})) for n, v in values]


TOOLS_PROMPT = "In this environment you have access to a set of tools: add(a, b)."


def tools_prompt(model: str = MODEL, system: Any = None) -> Callable[[Any, str], Any]:
    """`system_prompt_with_tools` on a model, with a system message (`system`: its
    content) or none: invoked, and streamed."""

    def script(cls: Any, url: str) -> Any:
        given = [lc.SystemMessage(system)] if system is not None else []
        messages = [*given, lc.HumanMessage("What is 1+2?")]
        model_ = make(cls, url, model=model, system_prompt_with_tools=TOOLS_PROMPT)
        return model_.invoke(messages), merged(list(model_.stream(messages)))

    return script


def tools_prompt_assigned(cls: Any, url: str) -> Any:
    model = make(cls, url)
    model.system_prompt_with_tools = TOOLS_PROMPT
    return model.system_prompt_with_tools, model.invoke("What is 1+2?")


def stream_stop_kept_after(cls: Any, url: str) -> Any:
    """A stream given stop sequences, by a model with model_kwargs, then an invoke
    without any: what each sends, and the model_kwargs the model then holds."""
    model = make(cls, url, model_kwargs={"top_k": 5})
    streamed = merged(list(model.stream("Hi", stop=["END"])))
    return streamed, model.invoke("Hi"), model.model_kwargs


def tools_bound_by_profile_name(cls: Any, url: str) -> Any:
    """Tools bound on an Anthropic model named without `claude-` (an inference profile's
    own name, no base model given), then a call of the model itself, unbound."""
    model = make(cls, url, model="my-team-profile", provider="anthropic")
    reply = model.bind_tools([add]).invoke("What is 1+2?")
    return reply, model.system_prompt_with_tools, model.invoke("Hi").content


#: A system message whose block is marked for the cache (its prompt is a list of blocks).
CACHED_SYSTEM = [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]

SUM_CALL = tool_use("Sum", {"total": 3})
CACHED = (12, 7, 100, 20)

SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "invoke_text": (invoke(), BEDROCK.invoke_text),
    "invoke_messages": (invoke(), invoke_messages),
    "body_keywords_moved": (invoke(), body_keywords_moved),
    "top_p_moved": (invoke(), top_p_moved),
    "body_options_given": (invoke(), body_options_given),
    "nova_top_p": (converse(), family_top_p(NOVA)),
    "invoke_tuples": (invoke(), BEDROCK.invoke_tuples),
    "stream_chunks": (invoke(), stream_chunks),
    "ainvoke_text": (invoke(), BEDROCK.ainvoke_text),
    "astream_chunks": (invoke(), astream_chunks),
    "batch_two": (invoke(), BEDROCK.batch_two),
    "streaming_invoke": (invoke(), streaming_invoke),
    "tool_call_invoke": (invoke(ADD_CALL, stop="tool_use"), BEDROCK.tool_call_invoke),
    "tool_call_stream": (invoke(text("Let me add."), ADD_CALL, stop="tool_use"), tool_call_stream),
    "tool_choice_forced": (invoke(ADD_CALL, stop="tool_use"), BEDROCK.tool_choice_forced),
    "tool_choice_any": (invoke(ADD_CALL, stop="tool_use"), tool_choice_any),
    "tool_choice_without_tools": (invoke(), tool_choice_without_tools),
    "tool_choice_bound": (invoke(), tool_choice_bound),
    "tool_choice_bound_on_converse": (invoke(), tool_choice_bound_on_converse),
    "tool_choice_invocation_params": (
        invoke(ADD_CALL, stop="tool_use"),
        BEDROCK.tool_choice_invocation_params,
    ),
    "tool_round_trip": (invoke(ADD_CALL, stop="tool_use"), BEDROCK.tool_round_trip),
    "tool_error_round_trip": (invoke(ADD_CALL, stop="tool_use"), tool_error_round_trip),
    "text_and_tool_call": (
        invoke(text("Let me add."), ADD_CALL, stop="tool_use"),
        BEDROCK.text_and_tool_call,
    ),
    "structured_pydantic": (invoke(SUM_CALL, stop="tool_use"), BEDROCK.structured_pydantic),
    "structured_raw": (invoke(SUM_CALL, stop="tool_use"), BEDROCK.structured_raw),
    "thinking_invoke": (invoke(thinking("Count: s-t-r..."), text("Three.")), thinking_invoke),
    "thinking_stream": (invoke(thinking("Count: s-t-r..."), text("Three.")), thinking_stream),
    "model_kwargs_body": (invoke(), model_kwargs_body),
    "stop_per_call": (invoke(stop="stop_sequence"), stop_per_call),
    "stop_per_call_stream": (invoke(stop="stop_sequence"), stop_per_call_stream),
    "max_tokens_stop": (invoke(text("Once"), stop="max_tokens"), BEDROCK.max_tokens_stop),
    "cache_usage": (invoke(counts=CACHED), cache_usage),
    "cache_usage_stream": (invoke(counts=CACHED), cache_usage_stream),
    "image_block": (invoke(text("A pixel.")), BEDROCK.image_data_url),
    "chain_with_prompt": (invoke(), BEDROCK.chain_with_prompt),
    "base_url_alias": (invoke(), base_url_alias),
    "region_alias": (invoke(), region_alias),
    "endpoint_from_environment": (invoke(), BEDROCK.endpoint_from_environment),
    "config_region": (invoke(), BEDROCK.config_region),
    "init_chat_model_base_url": (invoke(), init_chat_model_base_url),
    "provider_given": (invoke(), provider_given),
    "error_validation": (
        invoke(status=400, error=("ValidationException", "Malformed input request.")),
        BEDROCK.error_validation,
    ),
    "error_throttled": (
        invoke(status=429, error=("ThrottlingException", "Too many requests.")),
        BEDROCK.error_throttled,
    ),
    "error_model_timeout": (
        invoke(status=408, error=("ModelTimeoutException", "Model timed out.")),
        BEDROCK.error_model_timeout,
    ),
    "error_access_denied": (
        invoke(status=403, error=("AccessDeniedException", "You don't have access.")),
        BEDROCK.error_access_denied,
    ),
    "error_in_stream": (
        invoke(stream_error=("throttlingException", "Slow down.")),
        BEDROCK.error_in_stream,
    ),
    "error_async": (
        invoke(status=400, error=("ValidationException", "Malformed input request.")),
        BEDROCK.error_async,
    ),
    "nova_speaks_converse": (converse(), nova_speaks_converse),
    "nova_tools_bound_on_converse": (
        converse(CONVERSE_ADD_CALL, stop="tool_use"),
        nova_tools_bound_on_converse,
    ),
    "converse_when_asked": (converse(), converse_when_asked),
    "converse_stream_when_asked": (converse(), converse_stream_when_asked),
    "generate_two_prompts": (invoke(), generate_two_prompts),
    "agenerate_two_prompts": (invoke(), agenerate_two_prompts),
    "generate_on_converse": (converse(), generate_on_converse),
    "generate_streaming": (invoke(), generate_streaming),
    "truncated_reply": (cut_in_half(invoke()), truncated_reply),
    "tools_per_call": (invoke(), tools_per_call),
    "stream_usage_off": (invoke(), stream_usage_off),
    "error_payload_as_reply": (error_payload, error_payload_as_reply),
    "stream_cut_inside_event": (cut_in_half(invoke()), stream_cut_inside_event),
    "unsupported_family": (invoke(), unsupported_family),
    "cohere_refused": (invoke(), cohere_refused),
    "class_stop": (invoke(), class_stop),
    "two_system_messages": (invoke(), two_system_messages),
    "std_file_block": (invoke(), std_file_block),
    "v1_reasoning_history": (invoke(), v1_reasoning_history),
    "citations_document": (
        invoke({"type": "text", "text": "Blue.", "citations": [{"cited_text": "blue"}]}),
        citations_document,
    ),
    "error_in_async_stream": (
        invoke(stream_error=("throttlingException", "Slow down.")),
        error_in_async_stream,
    ),
    "error_reported": (
        invoke(status=429, error=("ThrottlingException", "Too many requests.")),
        error_reported,
    ),
    "structured_streaming": (invoke(SUM_CALL, stop="tool_use"), structured_streaming),
    "model_kwargs_temperature": (invoke(), model_kwargs_temperature),
    "stream_usage_per_chunk": (invoke(counts=CACHED), stream_usage_per_chunk),
    "fields_as_kept": (invoke(), fields_as_kept),
    "request_options": (invoke(), request_options),
    "converse_model_kwargs": (converse(), converse_model_kwargs),
    "nova_model_kwargs": (converse(), nova_model_kwargs),
    "thinking_tool_round_trip": (
        invoke(thinking("Add them."), ADD_CALL, stop="tool_use"),
        thinking_tool_round_trip,
    ),
    "thinking_tool_stream": (
        invoke(thinking("Add them."), ADD_CALL, stop="tool_use"),
        thinking_tool_stream,
    ),
    **FAMILY_SCRIPTS,
    "stream_stop_key_changed": (
        invoke(stop="stop_sequence"),
        stream_stop_keyed(MODEL, anthropic="stop"),
    ),
    "stream_stop_key_empty": (invoke(), stream_stop_keyed(MODEL, anthropic="")),
    "stream_stop_key_dropped": (invoke(), stream_stop_keyed(MODEL, anthropic=None)),
    "invoke_stop_key_map": (invoke(stop="stop_sequence"), invoke_stop_keyed),
    "mistral_stream_with_stop": (prompt_invoke("mistral"), stream_stop_keyed(MISTRAL)),
    "mistral_stream_stop_key": (
        prompt_invoke("mistral"),
        stream_stop_keyed(MISTRAL, mistral="stop"),
    ),
    "deepseek_stream_stop_key": (
        prompt_invoke("deepseek"),
        stream_stop_keyed(DEEPSEEK_R1, deepseek="stop"),
    ),
    "titan_stream_stop_key": (
        prompt_invoke("amazon"),
        stream_stop_keyed(TITAN, amazon="stop_sequences"),
    ),
    "meta_stream_stop_key": (prompt_invoke("meta"), stream_stop_keyed(LLAMA, meta="stop")),
    # (Converse reads no map: Nova's stream keeps Converse's stopSequences, dropped entry or not)
    "nova_stream_stop_key": (converse(), stream_stop_keyed(NOVA, amazon=None)),
    "key_fields_held": (invoke(), key_fields_held),
    "key_fields_refused": (invoke(), key_fields_refused),
    "tools_prompt_alone": (invoke(), tools_prompt()),
    "tools_prompt_before_system": (invoke(), tools_prompt(system="Be brief.")),
    "tools_prompt_before_cached_system": (invoke(), tools_prompt(system=CACHED_SYSTEM)),
    "tools_prompt_assigned": (invoke(), tools_prompt_assigned),
    "tools_prompt_meta": (prompt_invoke("meta"), tools_prompt(LLAMA, system="Be brief.")),
    "tools_prompt_nova": (converse(), tools_prompt(NOVA, system="Be brief.")),
    "stream_stop_kept_after": (invoke(), stream_stop_kept_after),
    "tools_bound_by_profile_name": (
        invoke(ADD_CALL, stop="tool_use"),
        tools_bound_by_profile_name,
    ),
}

# ---- what differs on purpose, and why --------------------------------------------------


def _their_stop_sent(outcome: Outcome) -> Outcome:
    """Their request read as ours: with the model's `stop` sent as `stop_sequences`."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        request["body"]["stop_sequences"] = ["END"]
    return theirs, ours, their_requests, our_requests


def _their_public_host(outcome: Outcome) -> Outcome:
    """Theirs read as ours once checked to be bound for the public AWS host (the script
    stops before the call: nothing may leave the machine)."""
    theirs, ours, their_requests, our_requests = outcome
    public = "https://bedrock-runtime.us-east-1.amazonaws.com"
    assert theirs.get("sent_to") == public and their_requests == []
    sent = {k: v for k, v in ours.items() if k != "reply"}
    assert sent == {k: v for k, v in theirs.items() if k != "sent_to"}
    return ours, ours, our_requests, our_requests


def _their_fields_sent(outcome: Outcome) -> Outcome:
    """Their request read as ours: with the model_kwargs they dropped sent as Converse's
    request fields."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        assert "additionalModelRequestFields" not in request["body"]
        request["body"]["additionalModelRequestFields"] = {"top_k": 5}
    return theirs, ours, their_requests, our_requests


_CONVERSE_KWARGS_DROPPED = Difference(
    Reason.LOSES_DATA,
    "on Converse (beta_use_converse_api=True, and Nova models, which use it unasked), "
    "model_kwargs keeps only its listed keys (max_tokens, temperature, top_p, stop...) "
    "and drops the rest (top_k, thinking...) silently: the model runs without them",
    "the keys that are not inference settings are sent as Converse's "
    "additionalModelRequestFields, as ChatBedrockConverse(model_kwargs=...) does",
)

_BASE_URL_DROPPED = Difference(
    Reason.LOSES_DATA,
    "ChatBedrock has no `base_url` field: it moves base_url into model_kwargs, sends it "
    "inside the request body, and signs the request for the public AWS host instead of "
    "the endpoint given: the VPC endpoint or proxy is bypassed, silently",
    "base_url= (langchain-aws's alias of endpoint_url on ChatBedrockConverse, and what "
    "init_chat_model passes) is honoured",
)


def _their_stop_as(key: str | None, inside: str | None = None) -> Callable[[Outcome], Outcome]:
    """Their request read as ours: the `stop_sequences` langchain-aws sends (a key the
    family's body refuses) under the family's own key (`None`: Llama has none)."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in their_requests:
            where = request["body"][inside] if inside else request["body"]
            stop = where.pop("stop_sequences")
            if key is not None:
                where[key] = stop
        return theirs, ours, their_requests, our_requests

    return read


def _their_options_applied(outcome: Outcome) -> Outcome:
    """Theirs warned and held both options in model_kwargs and sent them as body keys;
    ours sent `extra_body`'s fields in the body. Then both without them."""
    theirs, ours, their_requests, our_requests = outcome
    held = {"extra_body": {"top_k": 3}, "default_headers": {"x-team": "blue"}}
    assert theirs[1] == held and ours[1:] == [{}, []], (theirs, ours)
    assert [w.split("\n")[1].strip() for w in theirs[2]] == [
        f"{name} was transferred to model_kwargs." for name in held
    ]
    for request in their_requests:
        body = request["body"]
        assert {name: body.pop(name) for name in held} == held
        body.update(held["extra_body"])
    return [theirs[0], *ours[1:]], ours, their_requests, our_requests


def _their_top_p_as_titans(outcome: Outcome) -> Outcome:
    """Their request read as ours: the `top_p` they send in `textGenerationConfig` under
    Titan's own key."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        config = request["body"]["textGenerationConfig"]
        config["topP"] = config.pop("top_p")
    return theirs, ours, their_requests, our_requests


def _their_prompt_of_text(outcome: Outcome) -> Outcome:
    """Their request read as ours: the message's text where they put the repr of its
    list of blocks."""
    theirs, ours, their_requests, our_requests = outcome
    shown = "[{'type': 'text', 'text': 'Say '}, {'type': 'text', 'text': 'hi'}]"
    for request in their_requests:
        assert shown in request["body"]["prompt"]
        request["body"]["prompt"] = request["body"]["prompt"].replace(shown, "Say hi")
    return theirs, ours, their_requests, our_requests


def _their_closing_usage(outcome: Outcome) -> Outcome:
    """Their stream read as ours: with the closing chunk of the invocation's usage,
    which langchain-aws yields only for Llama's and Mistral's "stop" (never for Titan,
    nor after "length"). (Titan's running count totalOutputTextTokenCount is merged
    alike on both sides now that the drop-in's chunks merge as LangChain's.)"""
    theirs, ours, their_requests, our_requests = outcome
    merged_theirs, merged_ours = theirs.get("merged", theirs), ours.get("merged", ours)
    assert merged_theirs["usage_metadata"] is None
    merged_theirs["usage_metadata"] = merged_ours["usage_metadata"]
    if "chunks" in theirs:
        closing = [c for c in ours["chunks"] if c["usage_metadata"]]
        assert len(closing) == 1 and not any(c["usage_metadata"] for c in theirs["chunks"])
        theirs["chunks"].insert(len(theirs["chunks"]) - 1, closing[0])
    return theirs, ours, their_requests, our_requests


def _merged_once(outcome: Outcome) -> Outcome:
    """Their merged stream read as ours: Chat Completions' `object` (the same on every
    chunk) once, not LangChain's join of every chunk's copy; and their chunks read as
    ours, which carry the stream's `id` and `object` on the first chunk only (a string
    an earlier chunk carried is not sent again: LangChain's merging would join it)."""
    theirs, ours, their_requests, our_requests = outcome
    meta = theirs.get("merged", theirs)["response_metadata"]
    once = "chat.completion.chunk"
    assert meta["object"] == once * 5  # five events
    meta["object"] = once
    if "chunks" in theirs:
        first, *later = theirs["chunks"]
        for chunk in later:
            repeated = chunk["response_metadata"]
            for key in ("id", "object"):
                if key in repeated:
                    assert repeated[key] == first["response_metadata"][key]
                    del repeated[key]
        assert all("object" not in c["response_metadata"] for c in ours["chunks"][1:])
    return theirs, ours, their_requests, our_requests


def _their_refused_stop(outcome: Outcome) -> Outcome:
    """Theirs read as ours once checked to be langchain-aws's refusal, before any
    request (ValueError: "Stop sequence key name for ... is not supported")."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs.get("ClientError") is False and their_requests == []
    assert [r["body"]["stop"] for r in our_requests] == [["STOP"]]
    return ours, ours, our_requests, our_requests


_STOP_KEY_REFUSED = Difference(
    Reason.REJECTED,
    "sends `stop_sequences` in every model family's body, a key Bedrock refuses outside "
    "Anthropic's (`Malformed input request: extraneous key [stop_sequences] is not "
    "permitted`; langchain-aws issues 61 and 62)",
    "a per-call stop is sent under the family's own key: none for Llama (its body has "
    "no stop sequences: the reply is cut at them, as langchain-aws also cuts it), `stop` "
    "for Mistral, DeepSeek, OpenAI and Qwen, `textGenerationConfig.stopSequences` for "
    "Titan",
)
_STREAM_STOP_REFUSED = Difference(
    Reason.RAISES,
    "a stream with stop sequences raises ValueError before any request for DeepSeek, "
    "OpenAI and Qwen models (its table of stop keys has no entry for them), though their "
    "bodies take them",
    "a stream with stop sequences sends them under the family's own key (`stop`)",
)
_OBJECT_JOINED = Difference(
    Reason.LOSES_DATA,
    "a Chat Completions stream (OpenAI, Qwen) merges every chunk's copy of the `object` "
    "field into one long string (`chat.completion.chunkchat.completion.chunk...`)",
    "the merged stream's `object` field is the one every chunk repeats (the stream's "
    "`id` and `object` ride on its first chunk only, so that LangChain's merging keeps "
    "them whole)",
)
_STREAM_USAGE_LOST = Difference(
    Reason.LOSES_DATA,
    "the stream's usage (Bedrock's amazon-bedrock-invocationMetrics) is yielded for "
    'Llama\'s and Mistral\'s "stop" only: after "length", and on every Titan stream, the '
    "usage is lost (usage_metadata None)",
    "a stream ends with the invocation's usage as a closing chunk, whatever the stop reason",
)

#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "base_url_alias": (_BASE_URL_DROPPED, _their_public_host),
    "converse_model_kwargs": (_CONVERSE_KWARGS_DROPPED, _their_fields_sent),
    "nova_model_kwargs": (_CONVERSE_KWARGS_DROPPED, _their_fields_sent),
    "init_chat_model_base_url": (_BASE_URL_DROPPED, _their_public_host),
    "meta_limits": (_STOP_KEY_REFUSED, _their_stop_as(None)),
    "mistral_limits": (_STOP_KEY_REFUSED, _their_stop_as("stop")),
    "titan_limits": (
        _STOP_KEY_REFUSED,
        _their_stop_as("stopSequences", inside="textGenerationConfig"),
    ),
    "deepseek_limits": (_STOP_KEY_REFUSED, _their_stop_as("stop")),
    "gpt_oss_limits": (_STOP_KEY_REFUSED, _their_stop_as("stop")),
    "qwen_limits": (_STOP_KEY_REFUSED, _their_stop_as("stop")),
    "titan_top_p": (
        Difference(
            Reason.REJECTED,
            "moves ChatBedrock(top_p=...) into model_kwargs and sends it into Titan's "
            "`textGenerationConfig` as `top_p`, a key Titan's schema refuses (`extraneous "
            "key [top_p] is not permitted`; its own is `topP`), with a call's top_p too",
            "the same warning and model_kwargs; `top_p` is sent as Titan's `topP`, as "
            "every other family's is sent under its own key",
        ),
        _their_top_p_as_titans,
    ),
    "body_options_given": (
        Difference(
            Reason.REJECTED,
            "ChatBedrock has no `extra_body` or `default_headers` field: it warns that it "
            "moved each to model_kwargs and sends each in the InvokeModel body as a key of "
            "that name, which the model refuses as an extraneous key, on every call",
            "`extra_body`'s fields are merged into the body and `default_headers` sent as "
            "request headers, as ChatOpenAI sends them (no warning; held as the model's "
            "own settings)",
        ),
        _their_options_applied,
    ),
    "deepseek_stream_with_stop": (_STREAM_STOP_REFUSED, _their_refused_stop),
    "mistral_stream_with_stop": (_STOP_KEY_REFUSED, _their_stop_as("stop")),
    "meta_text_blocks": (
        Difference(
            Reason.LOSES_DATA,
            "formats a message whose content is a list of text blocks with an f-string: "
            "the prompt carries the Python repr of the list, and the model reads dict "
            "syntax",
            "the text blocks go into the prompt as their text (blocks other than text "
            "are refused before any request)",
        ),
        _their_prompt_of_text,
    ),
    "gpt_oss_stream_with_stop": (_STREAM_STOP_REFUSED, _their_refused_stop),
    **{
        name: (_OBJECT_JOINED, _merged_once)
        for name in (
            "gpt_oss_stream",
            "gpt_oss_astream",
            "gpt_oss_stream_cut",
            "gpt_oss_streaming_invoke",
            "qwen_stream",
            "qwen_astream",
            "qwen_stream_cut",
            "qwen_streaming_invoke",
        )
    },
    **{
        name: (_STREAM_USAGE_LOST, _their_closing_usage)
        for name in (
            "titan_stream",
            "titan_astream",
            "titan_streaming_invoke",
            "titan_stream_cut",
            "titan_stream_stop_key",
            "meta_stream_cut",
            "mistral_stream_cut",
        )
    },
    "class_stop": (
        Difference(
            Reason.LOSES_DATA,
            "keeps ChatBedrock(stop=[...]) but sends it only on the Converse path: on "
            "InvokeModel the stop sequences are silently dropped, and the model runs past "
            "them",
            "ChatBedrock(stop=[...]) is sent as the body's stop_sequences",
        ),
        _their_stop_sent,
    ),
}

DIFFERENCES["tool_choice_bound"] = ((TOOL_NAMED_NONE, TRUE_REFUSED), choices_kept(ANTHROPIC_KEPT))


def _error_raised(outcome: Outcome) -> Outcome:
    """Theirs an empty reply with no usage and no stop reason, ours botocore's
    ClientError (the same request): read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["type"] == "AIMessage" and theirs["content"] == "", theirs
    assert theirs["usage_metadata"]["total_tokens"] == 0, theirs
    assert theirs["response_metadata"]["stop_reason"] is None, theirs
    assert ours == {"refused": "ClientError"}, ours
    return theirs, theirs, their_requests, our_requests


DIFFERENCES["error_payload_as_reply"] = (
    Difference(
        Reason.LOSES_DATA,
        "reads a 200 whose InvokeModel body is Anthropic's error payload (`{'type': "
        "'error', ...}`, an overloaded model) as an empty reply: no content, zero usage, "
        "no stop reason; the error's type and message are lost and an agent carries on "
        "with an empty answer",
        "raises botocore's ClientError with the payload's error type and message",
    ),
    _error_raised,
)


def _tools_as_anthropic_reads_them(outcome: Outcome) -> Outcome:
    """Their body's tools in OpenAI's format as given, ours the same tool in Anthropic's
    (the rest of the request the same): read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    (given,) = their_request["body"]["tools"]
    function = given["function"]
    assert given["type"] == "function", given
    assert our_request["body"]["tools"] == [
        {
            "name": function["name"],
            "description": function["description"],
            "input_schema": function["parameters"],
        }
    ], our_request
    our_request["body"]["tools"] = their_request["body"]["tools"]
    return theirs, ours, their_requests, our_requests


def _tools_sent_as_tools(outcome: Outcome) -> Outcome:
    """Theirs sent the tools as an XML prompt on the model (no `tools`), in the bound
    call and the unbound one after it; ours sent Anthropic's tools, then none, the
    model's own prompt left empty: read as ours once each is seen."""
    theirs, ours, their_requests, our_requests = outcome
    prompt = theirs[1]
    assert prompt.startswith("In this environment you have access to a set of tools")
    assert "<tool_name>add</tool_name>" in prompt and ours[1] == ""
    assert [r["body"].get("system") for r in their_requests] == [prompt, prompt]
    assert not any("tools" in r["body"] for r in their_requests)
    sent = sorted([t["name"] for t in r["body"].get("tools", [])] for r in our_requests)
    assert sent == [[], ["add"]]  # (the bound call's tools; none in the unbound one)
    assert not any("system" in r["body"] for r in our_requests)
    return ours, ours, our_requests, our_requests


DIFFERENCES["tools_bound_by_profile_name"] = (
    Difference(
        Reason.LOSES_DATA,
        "for an Anthropic model named by an id without `claude-` (an inference profile's "
        'own name, given with provider="anthropic" and no base model), bind_tools sends '
        "no tools: it writes them as an XML prompt into the model's own "
        "system_prompt_with_tools, so the model can answer only with XML text, which is "
        "not read back as tool calls, and every later call of the model, unbound too, "
        "carries that prompt",
        "the tools are sent as Anthropic's tools, as for any Claude model, on the bound "
        "model only; the model's system_prompt_with_tools is left as it was",
    ),
    _tools_sent_as_tools,
)


def _stop_not_kept(outcome: Outcome) -> Outcome:
    """Theirs kept the stream's stop sequences in its model_kwargs and sent them with the
    invoke after it; ours sent them with the stream alone: read as ours once seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs[2] == {"top_k": 5, "stop_sequences": ["END"]} and ours[2] == {"top_k": 5}
    assert [r["body"].get("stop_sequences") for r in their_requests] == [["END"], ["END"]]
    sent = [r["body"].get("stop_sequences") for r in our_requests]  # (in either order)
    assert len(sent) == 2 and ["END"] in sent and None in sent
    return ours, ours, our_requests, our_requests


DIFFERENCES["stream_stop_kept_after"] = (
    Difference(
        Reason.LOSES_DATA,
        "a stream's stop sequences are written into the model's own model_kwargs (when "
        "it has any): every later call of the model, an invoke without stop sequences "
        "too, sends them, and the model is cut short where the script asked for no stop",
        "a call's stop sequences are sent with that call only; the model's model_kwargs "
        "are left as they were",
    ),
    _stop_not_kept,
)

DIFFERENCES["tools_per_call"] = (
    Difference(
        Reason.REJECTED,
        "sends tools given to one call (`invoke(..., tools=[...])`, OpenAI's format) into "
        "the InvokeModel body as they are: Anthropic's Messages API refuses a tool without "
        "`name` and `input_schema` (400)",
        "the tools are sent in Anthropic's format, as bind_tools sends them",
    ),
    _tools_as_anthropic_reads_them,
)


def _stream_usage_unsent(outcome: Outcome) -> Outcome:
    """Their body's `stream_usage` (from model_kwargs) taken out; ours sent none."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        assert request["body"].pop("stream_usage") is False, request
    assert not any("stream_usage" in r["body"] for r in our_requests), our_requests
    return theirs, ours, their_requests, our_requests


DIFFERENCES["stream_usage_off"] = (
    Difference(
        Reason.REJECTED,
        "ChatBedrock has no `stream_usage` field: it warns that it moved it to "
        "model_kwargs, then sends it in every InvokeModel body, which the model refuses "
        '("extraneous key [stream_usage] is not permitted")',
        "the same warning and model_kwargs, and `stream_usage` is not sent",
    ),
    _stream_usage_unsent,
)


def _cut_stream_raised(outcome: Outcome) -> Outcome:
    """Theirs ended quietly on a closing empty chunk after the texts the stream gave,
    ours raised botocore's EventStreamError after the same texts: read as theirs once
    both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["ended"] == "ended" and theirs["texts"][-1] == "", theirs
    assert ours["ended"] == {"refused": "EventStreamError"}, ours
    assert ours["texts"] == theirs["texts"][:-1], (ours, theirs)
    return theirs, theirs, their_requests, our_requests


DIFFERENCES["stream_cut_inside_event"] = (
    Difference(
        Reason.LOSES_DATA,
        "ends a stream whose body stops inside an event-stream message without an error "
        "(botocore drops the unfinished message): the reply is cut short and reads as "
        "complete",
        "raises botocore's EventStreamError after the chunks that came, naming the "
        "unfinished message",
    ),
    _cut_stream_raised,
)


def _unbound_choices_kept(outcome: Outcome) -> Outcome:
    """Theirs sent every choice as given; ours sent 'auto' and 'none' as Anthropic's
    objects (the rest of each request as theirs) and refused the others before sending:
    read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    sent = {json.dumps(r["body"]["tool_choice"]) for r in their_requests}
    assert sent == {json.dumps(c) for c in ("auto", "any", "none", "required", "add", NAMED_ADD)}
    words = ("auto", "none")
    assert all(ours[w] == theirs[w] for w in words), ours
    assert all(ours[k] == {"refused": "ValueError"} for k in ours if k not in words), ours
    ours_sent = sorted(json.dumps(r["body"]["tool_choice"]) for r in our_requests)
    assert ours_sent == [json.dumps({"type": w}) for w in words], ours_sent

    def rest(requests: list[Any]) -> list[str]:  # each request but its tool choice
        return sorted(
            json.dumps({**r, "body": {**r["body"], "tool_choice": None}}, sort_keys=True)
            for r in requests
        )

    assert rest(our_requests) == rest(
        [r for r in their_requests if r["body"]["tool_choice"] in words]
    )
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["tool_choice_without_tools"] = (
    Difference(
        Reason.REJECTED,
        "sends a tool choice given to one call of a model with no tools as given: a word "
        "or a tool's name as the bare string (`'tool_choice': 'auto'`), which Anthropic's "
        "Messages API refuses (it takes an object), Anthropic's object naming a tool "
        "nobody offered",
        "'auto' and 'none' are sent as Anthropic's objects (`{'type': 'auto'}`, "
        "`{'type': 'none'}`); a choice that needs a tool ('any', 'required', a tool's name "
        "or object) is refused before any request, naming the missing tools",
    ),
    _unbound_choices_kept,
)


def _document_sent(body: dict[str, Any]) -> bool:
    """Whether the PDF went as a base64 `document` block, before the text (where
    langchain-aws puts a turn's document blocks)."""
    document = {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"}
    return body["messages"][0]["content"][0] == {"type": "document", "source": document}


DIFFERENCES["std_file_block"] = (
    Difference(
        Reason.RAISES,
        "refuses a file given as a standard content block (`{'type': 'file', 'base64': "
        "...}`, a PDF) with a ValueError, before any request",
        "the file is sent as a base64 `document` block, as langchain-anthropic sends it",
    ),
    refused_before_sending("ValueError", _document_sent),
)


def _reasoning_left_out(outcome: Outcome) -> Outcome:
    """Their request's reasoning block (sent as it is, after the text) taken out, once
    seen; ours sends the text alone."""
    theirs, ours, their_requests, our_requests = outcome
    [body] = [r["body"] for r in their_requests]
    text, reasoning = body["messages"][1]["content"]
    assert reasoning == {"type": "reasoning", "reasoning": "She said."}, reasoning
    body["messages"][1]["content"] = [text]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["v1_reasoning_history"] = (
    Difference(
        Reason.REJECTED,
        "sends a standard (v1) reasoning block of the history as it is (`{'type': "
        "'reasoning', ...}`, moved after the text): a content block type Anthropic's "
        "Messages API does not take",
        "the reasoning block, which has no Anthropic signature to be sent back as "
        "thinking, is left out; the text is sent",
    ),
    _reasoning_left_out,
)

# On Converse it reads True as "any" first: only "none" and "required" differ.
DIFFERENCES["tool_choice_bound_on_converse"] = (
    CONVERSE_WORDS_AS_TOOL,
    choices_kept(
        {
            "none": ({"tool": {"name": "none"}}, "none"),
            "required": ({"tool": {"name": "required"}}, {"any": {}}),
        }
    ),
)


def _their_writer_prompt(outcome: Outcome) -> Outcome:
    """Theirs sent Llama 2's prompt text to the Writer model, ours nothing (refused when
    built): read as ours once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert [r["body"] for r in their_requests] == [{"prompt": "[INST] Hi [/INST]"}]
    assert our_requests == []
    return theirs, ours, our_requests, our_requests


# A body of chatplex's for Writer is left unbuilt: Palmyra's reply format is unchecked
# offline; Converse runs it (ChatBedrockConverse, or beta_use_converse_api=True).
DIFFERENCES["unsupported_family"] = (
    Difference(
        Reason.REJECTED,
        "a Writer model (Palmyra) is sent Llama 2's prompt text as its InvokeModel body "
        "(`{'prompt': '[INST] Hi [/INST]'}`), where Bedrock's documentation of Palmyra's "
        "body requires `messages`: a body the model's request schema does not take",
        "a Writer model raises NotImplementedError when it is built, before any request, "
        "naming `beta_use_converse_api=True` and ChatBedrockConverse (Converse runs "
        "Palmyra)",
    ),
    _their_writer_prompt,
)

#: Scripts whose outcome does not match yet (a strict xfail each: it fails the day it
#: matches, so the entry is removed).
NOT_YET: dict[str, str] = {}


def _request_with_options(seen: Seen) -> Any:
    """A request as the Converse suite compares it, and Bedrock's request options, which
    InvokeModel takes as `x-amzn-bedrock-*` headers (guardrail, trace, service tier...)."""
    options = {k: v for k, v in seen.headers.items() if k.startswith("x-amzn-bedrock-")}
    return {**_comparable_request(seen), "options": options}


def chatbedrock_suite(scripts: Any, differences: Any, **more: Any) -> Suite:
    """ChatBedrock's suite of `scripts`, its requests compared with their options."""
    return Suite(
        scripts,
        langchain_aws.ChatBedrock,
        OurChatBedrock,
        differences,
        result=_comparable_result,
        request=_request_with_options,
        **more,
    )


SUITE = chatbedrock_suite(SCRIPTS, DIFFERENCES, not_yet=NOT_YET)
test_same_as_langchain_aws = SUITE.same_test()


def test_unsupported_family_raises_before_any_request(server: ScriptedServer) -> None:
    server.seen.clear()
    with pytest.raises(NotImplementedError, match="'writer'.*beta_use_converse_api=True"):
        make(OurChatBedrock, server.url, model=WRITER)
    assert server.seen == []


test_at_least_25_scripts = SUITE.tables_test()
