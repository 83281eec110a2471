"""ChatBedrockConverse side by side: each script runs with langchain-aws's
`ChatBedrockConverse` (boto3 underneath, pointed at the server with `endpoint_url` and
fake static credentials) and with chatplex's, the same constructor call against the same
scripted Converse server (`POST /model/{id}/converse`, and `converse-stream` in AWS's
event-stream framing), and what it returns or raises is compared field by field, with
the requests the server got (method, path, body; not the signature, which holds a date).
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from tests._aws import every_aws_variable
from tests._aws import isolate_aws
from tests.partners._sidebyside import CONVERSE_OBJECT_REFUSED
from tests.partners._sidebyside import CONVERSE_WORDS_AS_TOOL
from tests.partners._sidebyside import NAMED
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import choices_kept
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import each_dict
from tests.partners._sidebyside import init_chat_model_for
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import with_content_or_last
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock._scripts import BedrockScripts
from tests.partners.bedrock._scripts import exception_event

langchain_aws = pytest.importorskip("langchain_aws")
botocore_exceptions = pytest.importorskip("botocore.exceptions")
lc = pytest.importorskip("langchain_core.messages")
load = pytest.importorskip("langchain_core.load")

from chatplex.langchain import ChatBedrockConverse as OurChatBedrockConverse  # noqa: E402
from chatplex.testing._mock_aws import encode_message  # noqa: E402

REQUEST_ID = "5f1c7a0e-0000-4000-8000-000000000001"

Block = dict[str, Any]


def text(value: str) -> Block:
    return {"text": value}


def reasoning(value: str, signature: str = "sig-1") -> Block:
    return {"reasoningContent": {"reasoningText": {"text": value, "signature": signature}}}


def redacted(data: str) -> Block:
    """A redacted thought: its encrypted bytes (base64 in JSON)."""
    return {"reasoningContent": {"redactedContent": data}}


def tool_use(name: str, args: dict[str, Any], tool_id: str = "tooluse_abc123") -> Block:
    return {"toolUse": {"toolUseId": tool_id, "name": name, "input": args}}


USAGE = {"inputTokens": 12, "outputTokens": 7, "totalTokens": 19}


def converse(
    *blocks: Block,
    stop: str = "end_turn",
    usage: dict[str, int] | None = None,
    status: int = 200,
    error: tuple[str, str] | None = None,
    stream_error: tuple[str, str] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Converse: JSON for `/converse`, event-stream messages for
    `/converse-stream` (text and reasoning in pieces, its signature and a redacted
    thought in one delta each, a tool's input in two pieces),
    an error `(exception name, message)` with `status`, or an exception message after
    the first event of a stream."""
    content = list(blocks) or [text("Hello there, friend.")]
    counts = usage or USAGE

    def answer(seen: Seen) -> Reply:
        headers = {"x-amzn-requestid": REQUEST_ID}
        if error is not None:
            name, message = error
            body = {"message": message}
            headers["x-amzn-errortype"] = f"{name}:http://internal.amazon.com/coral/"
            return Reply(status, [json.dumps(body).encode()], headers=headers)
        if not seen.path.endswith("/converse-stream"):
            reply = {
                "output": {"message": {"role": "assistant", "content": content}},
                "stopReason": stop,
                "usage": counts,
                "metrics": {"latencyMs": 321},
            }
            return Reply(200, [json.dumps(reply).encode()], headers=headers)
        events = [_event("messageStart", {"role": "assistant"})]
        if stream_error is not None:
            events.append(exception_event(*stream_error))
        else:
            for index, block in enumerate(content):
                events.extend(_block_events(index, block))
            events.append(_event("messageStop", {"stopReason": stop}))
            events.append(_event("metadata", {"usage": counts, "metrics": {"latencyMs": 321}}))
        return Reply(200, events, "application/vnd.amazon.eventstream", headers)

    return answer


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload).encode())


def _block_events(index: int, block: Block) -> list[bytes]:
    out = []
    if "toolUse" in block:
        use = block["toolUse"]
        start = {"toolUse": {"toolUseId": use["toolUseId"], "name": use["name"]}}
        out.append(_event("contentBlockStart", {"contentBlockIndex": index, "start": start}))
        raw = json.dumps(use["input"])
        for part in (raw[: len(raw) // 2], raw[len(raw) // 2 :]):
            delta = {"toolUse": {"input": part}}
            out.append(_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
    elif "redactedContent" in block.get("reasoningContent", {}):
        delta = {"reasoningContent": block["reasoningContent"]}  # one delta, as Bedrock's
        out.append(_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
    elif "reasoningContent" in block:
        said = block["reasoningContent"]["reasoningText"]
        for part in thirds(said["text"]):
            delta = {"reasoningContent": {"text": part}}
            out.append(_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
        delta = {"reasoningContent": {"signature": said["signature"]}}
        out.append(_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
    else:
        for part in thirds(block["text"]):
            delta = {"text": part}
            out.append(_event("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}))
    out.append(_event("contentBlockStop", {"contentBlockIndex": index}))
    return out


ADD_CALL = tool_use("add", {"a": 1, "b": 2})


def make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


#: The scripts this suite runs as the other Bedrock suite does (`_scripts.py`).
BEDROCK = BedrockScripts(make)


# ---- the scripts: (server reply, script(ChatBedrockConverse, url) -> result) -----------


def invoke_messages(cls: Any, url: str) -> Any:
    model = make(cls, url, temperature=0, max_tokens=64, top_p=0.5)
    return model.invoke([lc.SystemMessage("Be brief."), lc.HumanMessage("Say hello")])


def stream_chunks(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).stream("Say hello"))
    return {
        "texts": [c.content for c in with_content_or_last(chunks)],
        "positions": [c.chunk_position for c in with_content_or_last(chunks)],
        "merged": merged(chunks),
    }


def stream_usage_given(cls: Any, url: str) -> Any:
    """`stream_usage=False`, which the class has no field for: what its construction
    says, where it holds it, and a stream's usage."""
    built, said = constructed(lambda: make(cls, url, stream_usage=False))
    usage = merged(list(built.stream("Say hello"))).usage_metadata
    return {**said, "held": built.additional_model_request_fields, "usage": usage}


def astream_chunks(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in make(cls, url).astream("Say hello")]

    chunks = asyncio.run(run())
    return {
        "texts": [c.content for c in with_content_or_last(chunks)],
        "positions": [c.chunk_position for c in with_content_or_last(chunks)],
        "merged": merged(chunks),
    }


def tool_call_stream(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).bind_tools([add]).stream("What is 1+2?")))


def tool_choice_bound(cls: Any, url: str) -> Any:
    """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
    tracers see), the tools aside: None, the words, a tool's name, True beside one tool
    and beside two, a choice object (OpenAI's, and Converse's own)."""
    return bound_choices(make(cls, url), {"object": NAMED, "Converse's object": _CONVERSE})


#: Converse's own choice object naming the tool `add`.
_CONVERSE = {"tool": {"name": "add"}}


def tool_choice_openai_object_per_call(cls: Any, url: str) -> Any:
    """OpenAI's choice object given to one call, over two tools bound without one."""
    bound = make(cls, url).bind_tools([add, mul])
    return attempted(lambda: bound.invoke("What is 1+2?", tool_choice=NAMED))


def reasoning_invoke(cls: Any, url: str) -> Any:
    fields = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    return make(cls, url, additional_model_request_fields=fields).invoke("How many r?")


def reasoning_stream(cls: Any, url: str) -> Any:
    fields = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    model = make(cls, url, additional_model_request_fields=fields)
    return merged(list(model.stream("How many r?")))


def reasoning_sent_back(cls: Any, url: str) -> Any:
    fields = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    model = make(cls, url, additional_model_request_fields=fields)
    first = model.invoke("How many r?")
    return model.invoke([lc.HumanMessage("How many r?"), first, lc.HumanMessage("Sure?")])


def cache_usage(cls: Any, url: str) -> Any:
    return make(cls, url).invoke("Hi").usage_metadata


def cache_point_sent(cls: Any, url: str) -> Any:
    point = cls.create_cache_point()
    message = lc.HumanMessage(content=[{"type": "text", "text": "Long context"}, point])
    return make(cls, url, system=["You are terse.", point]).invoke([message])


def stop_sequences(cls: Any, url: str) -> Any:
    mine = make(cls, url, stop=["END"]).invoke("Hi")
    per_call = make(cls, url).invoke("Hi", stop=["STOP"])
    return [mine, per_call]


def request_fields(cls: Any, url: str) -> Any:
    model = make(
        cls,
        url,
        additional_model_request_fields={"top_k": 5},
        performance_config={"latency": "optimized"},
        request_metadata={"team": "search"},
        guardrail_config={"guardrailIdentifier": "g-1", "guardrailVersion": "1"},
        additional_model_response_field_paths=["/stop_sequence"],
    )
    return model.invoke("Hi")


def base_url_alias(cls: Any, url: str) -> Any:
    return cls(model=MODEL, base_url=url, region_name="us-east-1", **KEYS).invoke("Hi")


def init_chat_model_base_url(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChatBedrockConverse)
    model = init_chat_model(
        f"bedrock_converse:{MODEL}", base_url=url, region_name="us-east-1", **KEYS
    )
    return model.invoke("Hi")


def error_server_retried(cls: Any, url: str) -> Any:
    return raised(lambda: make(cls, url, max_retries=1).invoke("Hi"))


def retries_from_environment(cls: Any, url: str) -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_MAX_ATTEMPTS", "2")  # attempts in all: one retry
        return raised(lambda: make(cls, url).invoke("Hi"))


def api_key_from_environment(cls: Any, url: str) -> Any:
    # A Bedrock API key wins over AWS keys, and goes only over https (botocore refuses
    # the scripted http:// server before sending): refused, nothing sent.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-test")
        failed = raised(lambda: make(cls, url).invoke("Hi"))["error"]
        return {"refused": "https" in str(failed).lower()}


def base_model_named(cls: Any, url: str) -> Any:
    base = "anthropic.claude-3-5-haiku-20241022-v1:0"
    return make(cls, url, base_model_id=base).invoke("Hi")


def structured_json_schema(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return make(cls, url).with_structured_output(Sum, method="json_schema").invoke("1+2?")


def structured_typeddict(cls: Any, url: str) -> Any:
    """A TypedDict schema with method="json_schema": parsed, or what refused it."""
    from typing_extensions import TypedDict

    class Sum(TypedDict):
        """A sum."""

        total: int

    try:
        return {
            "parsed": make(cls, url)
            .with_structured_output(Sum, method="json_schema")
            .invoke("1+2?")
        }
    except ValueError as exc:
        return {"refused": type(exc).__name__}


def guard_content_block(cls: Any, url: str) -> Any:
    message = lc.HumanMessage(
        content=[{"type": "text", "text": "Hi"}, {"guardContent": {"text": {"text": "Hi"}}}]
    )
    return make(
        cls, url, guardrail_config={"guardrailIdentifier": "g", "guardrailVersion": "1"}
    ).invoke([message])


#: A model langchain-aws streams only without tools (`disable_streaming="tool_calling"`).
LLAMA = "us.meta.llama3-1-70b-instruct-v1:0"


def _llama(cls: Any, url: str, model: str = LLAMA) -> Any:
    return cls(model=model, endpoint_url=url, region_name="us-east-1", **KEYS)


def _pieces(chunks: list[Any]) -> dict[str, Any]:
    return {"count": len(chunks), "merged": merged(chunks)}


def llama_tool_call_stream(cls: Any, url: str) -> Any:
    """With tools, one whole call (`/converse`), the stream one chunk."""
    return _pieces(list(_llama(cls, url).bind_tools([add]).stream("What is 1+2?")))


def llama_tool_call_astream(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in _llama(cls, url).bind_tools([add]).astream("What is 1+2?")]

    return _pieces(asyncio.run(run()))


def llama_text_stream(cls: Any, url: str) -> Any:
    """Without tools, streamed (`/converse-stream`)."""
    return _pieces(list(_llama(cls, url).stream("Say hello")))


#: The forced tool of the structured-output scripts on Llama.
ADD_SCHEMA = {
    "title": "add",
    "description": "Add.",
    "type": "object",
    "properties": {"a": {"type": "integer"}, "b": {"type": "array"}},
}


def llama_structured_stream(cls: Any, url: str) -> Any:
    """`with_structured_output`: one whole call (its forced tool is a tool), read by
    langchain-aws's ToolsOutputParser (a stringified array argument repaired)."""
    return list(_llama(cls, url).with_structured_output(ADD_SCHEMA).stream("1+2?"))


def llama_structured_astream(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        structured = _llama(cls, url).with_structured_output(ADD_SCHEMA)
        return [c async for c in structured.astream("1+2?")]

    return asyncio.run(run())


def unverified_model_stream(cls: Any, url: str) -> Any:
    """A model langchain-aws has not verified streams: one whole call, with its warning."""
    built, said = constructed(lambda: _llama(cls, url, "twelvelabs.pegasus-1-2-v1:0"))
    return {**said, **_pieces(list(built.stream("Say hello")))}


def refused(run: Callable[[], Any]) -> dict[str, str]:
    """The class and words of what `run` raised (an error raised before any request)."""
    err = raised(run)["error"]
    return {"class": type(err).__name__, "words": str(err)}


def unknown_keyword_per_call(cls: Any, url: str) -> Any:
    # Not one of Converse's fields: its `_converse_params()` refuses it, named respelt.
    model = make(cls, url)
    return [
        refused(lambda: model.invoke("Hi", foo=1)),
        refused(lambda: list(model.stream("Hi", top_k=5))),
        refused(lambda: asyncio.run(model.ainvoke("Hi", thinking={"type": "enabled"}))),
        refused(lambda: model.invoke("Hi", additionalModelRequestFields={"top_k": 5})),
    ]


def configurable_temperature(cls: Any, url: str) -> Any:
    """`configurable_fields(temperature=ConfigurableField(id="temp"))`, invoked with the
    default and with `configurable={"temp": 0.9}` (each attempted)."""
    from langchain_core.runnables import ConfigurableField

    chat = make(cls, url, temperature=0.1)
    switch = chat.configurable_fields(temperature=ConfigurableField(id="temp"))
    return {
        "default": attempted(lambda: switch.invoke("Hi")),
        "configured": attempted(
            lambda: switch.with_config(configurable={"temp": 0.9}).invoke("Hi")
        ),
    }


def unknown_keyword_bound(cls: Any, url: str) -> Any:
    bound = make(cls, url).bind(max_tokens=9, cache=False)
    return [refused(lambda: bound.invoke("Hi")), refused(lambda: list(bound.stream("Hi")))]


def model_kwargs_sent(cls: Any, url: str) -> Any:
    """`model_kwargs`, which the class has no field for: what its construction warns and
    holds (`additional_model_request_fields`, where it moves them), and what is sent."""
    model, said = constructed(lambda: make(cls, url, model_kwargs={"top_k": 5, "temperature": 0.1}))
    warned = [w for w in said["warned"] if "model_kwargs" in w[1]]
    return model.invoke("Hi"), warned, model.additional_model_request_fields, model.temperature


def extra_body_given(cls: Any, url: str) -> Any:
    """`extra_body=`, which the class has no field for: what its construction warns and
    holds, and what is sent."""
    model, said = constructed(lambda: make(cls, url, extra_body={"promptVariables": {}}))
    warned = [w for w in said["warned"] if "model_kwargs" in w[1]]
    return model.invoke("Hi"), warned, model.additional_model_request_fields


def converse_keywords_per_call(cls: Any, url: str) -> Any:
    # Converse's own fields per call, in LangChain's spelling, are taken.
    return make(cls, url).invoke(
        "Hi",
        max_tokens=9,
        temperature=0.2,
        additional_model_request_fields={"top_k": 5},
        request_metadata={"team": "search"},
        service_tier="flex",
    )


def stop_sequences_per_call(cls: Any, url: str) -> Any:
    # A call's stop sequences in langchain-aws's spellings: inferenceConfig's, over the
    # model's own, streamed and async alike.
    model = make(cls, url, stop_sequences=["model"])
    return [
        model.invoke("Hi", stop_sequences=["call"]),
        list(model.stream("Hi", stopSequences=["camel"])),
        asyncio.run(model.ainvoke("Hi", stop_sequences=["async"])),
    ]


def guard_last_turn_only(cls: Any, url: str) -> Any:
    # The last user turn alone under the guardrail: its text as guardContent, and a
    # "[tool_result]" one for a turn of tool results; earlier turns as they are.
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    guard = {"guardrailIdentifier": "g-1", "guardrailVersion": "1"}
    model = make(cls, url, guard_last_turn_only=True, guardrail_config=guard)
    called = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "t-1"}])
    return [
        model.invoke([HumanMessage("a"), AIMessage("b"), HumanMessage("c")]),
        model.bind_tools([add]).invoke(
            [HumanMessage("a"), called, ToolMessage("3", tool_call_id="t-1")]
        ),
        asyncio.run(model.ainvoke("Hi")),
    ]


def raw_blocks(cls: Any, url: str) -> Any:
    # Converse turns relayed as given in place of the messages, with no system prompt
    # (its `system=` too), streamed and async alike; the field shows them.
    from langchain_core.messages import HumanMessage

    raw = [
        {"role": "user", "content": [{"text": "a"}]},
        {"role": "assistant", "content": [{"text": "b"}]},
        {"role": "user", "content": [{"guardContent": {"text": {"text": "c"}}}]},
    ]
    model = make(cls, url, raw_blocks=raw, system=["Be brief."])
    return [
        model.raw_blocks,
        model.invoke("ignored"),
        list(model.stream([HumanMessage("ignored")])),
        asyncio.run(model.ainvoke("ignored")),
    ]


def model_id_per_call(cls: Any, url: str) -> Any:
    # langchain-aws takes `model_id=` per call as Converse's `modelId`: the URL's model
    # (the reply still names the model's own), streamed and async alike.
    model, other = make(cls, url), "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    return [
        model.invoke("Hi", model_id=other),
        list(model.stream("Hi", model_id=other)),
        asyncio.run(model.ainvoke("Hi", model_id=other)),
    ]


def camel_case_inference_per_call(cls: Any, url: str) -> Any:
    # Converse's own spelling per call: inferenceConfig's fields, over the model's own.
    model = make(cls, url, max_tokens=50)
    return [model.invoke("Hi", topP=0.5, maxTokens=7), model.invoke("Hi", maxTokens=None)]


def reasoning_effort_none_per_call(cls: Any, url: str) -> Any:
    # None is no effort: langchain-aws takes it out and sends nothing.
    return make(cls, url).invoke("Hi", reasoning_effort=None)


#: Models whose profile lists effort levels (Claude, Nova 2, gpt-oss), and one without.
OPUS = "global.anthropic.claude-opus-4-7"
NOVA = "us.amazon.nova-2-lite-v1:0"
GPT_OSS = "openai.gpt-oss-120b-1:0"
SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def _said(run: Callable[[], Any]) -> dict[str, Any]:
    """What `run` returned or raised (its class and words), and each warning's class
    and words (where it points differs by nature: their module, or ours)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            out: Any = run()
        except Exception as exc:  # noqa: BLE001 - the error is what is observed
            # (pydantic's input and link: chatplex's LangChain models hide the input,
            # which holds the keys)
            words = [line.split(" [type=")[0] for line in str(exc).splitlines()[:2]]
            out = {"raised": type(exc).__name__, "words": words}
    return {"out": out, "warned": [(w.category.__name__, str(w.message)) for w in seen]}


def _effort_model(cls: Any, url: str, model: str, **settings: Any) -> Any:
    return cls(model=model, endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


def reasoning_effort_by_model(cls: Any, url: str) -> Any:
    # The class's `reasoning_effort`: translated by the model's profile and vendor, the
    # explicit request fields winning; warned and not sent where the profile has no
    # levels; a level the profile does not list refused at construction.
    built = {
        "opus": {"reasoning_effort": "max"},
        "opus_thinking_given": {
            "reasoning_effort": "low",
            "additional_model_request_fields": {"thinking": {"type": "disabled"}, "top_k": 5},
        },
        "nova": {"reasoning_effort": "medium"},
        "nova_high": {"reasoning_effort": "high", "max_tokens": 100},
        "gpt_oss": {"reasoning_effort": "low"},
        "sonnet_4_5": {"reasoning_effort": "low"},
    }
    models = {"opus": OPUS, "opus_thinking_given": OPUS, "gpt_oss": GPT_OSS}
    models |= {"nova": NOVA, "nova_high": NOVA}
    said = {
        name: _said(
            lambda name=name, settings=settings: _effort_model(
                cls, url, models.get(name, SONNET), **settings
            ).invoke("Hi")
        )
        for name, settings in built.items()
    }
    said["nova_max"] = _said(lambda: _effort_model(cls, url, NOVA, reasoning_effort="max"))
    # A value its field's type does not take, on a model without levels: refused.
    # (The words are pydantic's own there; ours name the same values.)
    said["not_a_level"] = _said(
        lambda: _effort_model(cls, url, SONNET, reasoning_effort="minimal")
    )["out"]["raised"]
    # The fields it holds then (read, dumped, serialized): those given over the effort's.
    held = _effort_model(cls, url, OPUS, **built["opus_thinking_given"])
    said["held"] = [
        held.additional_model_request_fields,
        held.model_dump(exclude_unset=True)["additional_model_request_fields"],
        load.dumpd(held)["kwargs"]["additional_model_request_fields"],
        held.supports_tool_choice_values,
    ]
    return said


def reasoning_effort_per_call(cls: Any, url: str) -> Any:
    # Per call and bound: the call's effort over the class's fields, under the call's own
    # request fields; streamed and async alike; warned per call where the model has none.
    model = _effort_model(
        cls, url, OPUS, additional_model_request_fields={"thinking": {"type": "enabled"}}
    )

    async def both() -> Any:
        return [
            await model.ainvoke("Hi", reasoning_effort="xhigh"),
            merged([c async for c in model.astream("Hi", reasoning_effort="low")]),
        ]

    given = {"output_config": {"effort": "medium"}, "top_k": 3}
    return {
        "invoked": _said(lambda: model.invoke("Hi", reasoning_effort="high")),
        "under_fields": _said(
            lambda: model.invoke(
                "Hi", reasoning_effort="high", additional_model_request_fields=given
            )
        ),
        "bound": _said(lambda: model.bind(reasoning_effort="medium").invoke("Hi")),
        "streamed": _said(lambda: merged(list(model.stream("Hi", reasoning_effort="max")))),
        "async": _said(lambda: asyncio.run(both())),
        "not_listed": _said(lambda: model.invoke("Hi", reasoning_effort="none")),
        "no_levels": _said(
            lambda: _effort_model(cls, url, SONNET).invoke("Hi", reasoning_effort="high")
        ),
    }


THINKING = (reasoning("Count: s-t-r-a-w..."), text("Three."))
#: As Bedrock counts them: `totalTokens` is input + output without the cached tokens.
CACHED = {**USAGE, "cacheReadInputTokens": 100, "cacheWriteInputTokens": 20}

SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "invoke_text": (converse(), BEDROCK.invoke_text),
    "invoke_messages": (converse(), invoke_messages),
    "invoke_tuples": (converse(), BEDROCK.invoke_tuples),
    "stream_chunks": (converse(), stream_chunks),
    "stream_usage_given": (converse(), stream_usage_given),
    "ainvoke_text": (converse(), BEDROCK.ainvoke_text),
    "astream_chunks": (converse(), astream_chunks),
    "batch_two": (converse(), BEDROCK.batch_two),
    "tool_call_invoke": (converse(ADD_CALL, stop="tool_use"), BEDROCK.tool_call_invoke),
    "tool_call_stream": (converse(ADD_CALL, stop="tool_use"), tool_call_stream),
    "llama_tool_call_stream": (converse(ADD_CALL, stop="tool_use"), llama_tool_call_stream),
    "llama_tool_call_astream": (converse(ADD_CALL, stop="tool_use"), llama_tool_call_astream),
    "llama_text_stream": (converse(), llama_text_stream),
    "llama_structured_stream": (
        converse(tool_use("add", {"a": 1, "b": "[2]"}), stop="tool_use"),
        llama_structured_stream,
    ),
    "llama_structured_astream": (
        converse(tool_use("add", {"a": 1, "b": "[2]"}), stop="tool_use"),
        llama_structured_astream,
    ),
    "unverified_model_stream": (converse(), unverified_model_stream),
    "tool_choice_forced": (converse(ADD_CALL, stop="tool_use"), BEDROCK.tool_choice_forced),
    "tool_choice_bound": (converse(), tool_choice_bound),
    "stop_text": (converse(), BEDROCK.stop_text),
    "tool_choice_openai_object_per_call": (
        converse(ADD_CALL, stop="tool_use"),
        tool_choice_openai_object_per_call,
    ),
    "tool_choice_invocation_params": (
        converse(ADD_CALL, stop="tool_use"),
        BEDROCK.tool_choice_invocation_params,
    ),
    "tool_round_trip": (converse(ADD_CALL, stop="tool_use"), BEDROCK.tool_round_trip),
    "reasoning_invoke": (converse(*THINKING), reasoning_invoke),
    "reasoning_stream": (converse(*THINKING), reasoning_stream),
    "reasoning_sent_back": (converse(*THINKING), reasoning_sent_back),
    "cache_usage": (converse(usage=CACHED), cache_usage),
    "cache_point_sent": (converse(usage=CACHED), cache_point_sent),
    "stop_sequences": (converse(), stop_sequences),
    "request_fields": (converse(), request_fields),
    "structured_pydantic": (
        converse(tool_use("Sum", {"total": 3}), stop="tool_use"),
        BEDROCK.structured_pydantic,
    ),
    "structured_raw": (
        converse(tool_use("Sum", {"total": 3}), stop="tool_use"),
        BEDROCK.structured_raw,
    ),
    "max_tokens_stop": (converse(text("Once"), stop="max_tokens"), BEDROCK.max_tokens_stop),
    "image_block": (converse(text("A pixel.")), BEDROCK.image_data_url),
    "base_url_alias": (converse(), base_url_alias),
    "endpoint_from_environment": (converse(), BEDROCK.endpoint_from_environment),
    "init_chat_model_base_url": (converse(), init_chat_model_base_url),
    "error_validation": (
        converse(status=400, error=("ValidationException", "The model returned an error.")),
        BEDROCK.error_validation,
    ),
    "error_throttled": (
        converse(status=429, error=("ThrottlingException", "Too many requests.")),
        BEDROCK.error_throttled,
    ),
    "error_access_denied": (
        converse(status=403, error=("AccessDeniedException", "You don't have access.")),
        BEDROCK.error_access_denied,
    ),
    "error_in_stream": (
        converse(stream_error=("throttlingException", "Slow down.")),
        BEDROCK.error_in_stream,
    ),
    "error_async": (
        converse(status=400, error=("ValidationException", "Malformed input request.")),
        BEDROCK.error_async,
    ),
    "chain_with_prompt": (converse(), BEDROCK.chain_with_prompt),
    "error_server_retried": (
        converse(status=500, error=("InternalServerException", "Internal error.")),
        error_server_retried,
    ),
    "error_model_timeout": (
        converse(status=408, error=("ModelTimeoutException", "Model timed out.")),
        BEDROCK.error_model_timeout,
    ),
    "retries_from_environment": (
        converse(status=503, error=("ServiceUnavailableException", "Try again.")),
        retries_from_environment,
    ),
    # a gateway's replies in front of the endpoint: no JSON, no request id
    "error_plain_text_503": (
        lambda seen: Reply(503, [b"upstream connect error or disconnect/reset"], "text/plain"),
        BEDROCK.error_throttled,
    ),
    "error_empty_404": (lambda seen: Reply(404, [], "text/plain"), BEDROCK.error_throttled),
    "api_key_from_environment": (converse(), api_key_from_environment),
    "config_region": (converse(), BEDROCK.config_region),
    "base_model_named": (converse(), base_model_named),
    "structured_json_schema": (converse(text('{"total": 3}')), structured_json_schema),
    "structured_typeddict": (converse(text('{"total": 3}')), structured_typeddict),
    "guard_content_block": (converse(), guard_content_block),
    "unknown_keyword_per_call": (converse(), unknown_keyword_per_call),
    "unknown_keyword_bound": (converse(), unknown_keyword_bound),
    "converse_keywords_per_call": (converse(), converse_keywords_per_call),
    "stop_sequences_per_call": (converse(), stop_sequences_per_call),
    "guard_last_turn_only": (converse(), guard_last_turn_only),
    "model_kwargs_sent": (converse(), model_kwargs_sent),
    "extra_body_given": (converse(), extra_body_given),
    "raw_blocks": (converse(), raw_blocks),
    "model_id_per_call": (converse(), model_id_per_call),
    "camel_case_inference_per_call": (converse(), camel_case_inference_per_call),
    "reasoning_effort_none_per_call": (converse(), reasoning_effort_none_per_call),
    "reasoning_effort_by_model": (converse(), reasoning_effort_by_model),
    "reasoning_effort_per_call": (converse(), reasoning_effort_per_call),
    "configurable_temperature": (converse(), configurable_temperature),
    "text_and_tool_call": (
        converse(text("Let me add."), ADD_CALL, stop="tool_use"),
        BEDROCK.text_and_tool_call,
    ),
}

# ---- what differs on purpose, and why --------------------------------------------------


def _bedrocks_total(outcome: Outcome) -> Outcome:
    """Their `total_tokens` read as ours: input + output."""
    theirs, ours, their_requests, our_requests = outcome
    usage = theirs.get("usage_metadata", theirs)
    usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
    return theirs, ours, their_requests, our_requests


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    name: (
        Difference(
            Reason.LOSES_DATA,
            "counts cached tokens in input_tokens but copies Bedrock's totalTokens, which "
            "leaves them out: its total is less than its own input count, and totals "
            "summed for budgets and cost undercount every cached call",
            "usage_metadata's total_tokens is input_tokens + output_tokens",
        ),
        _bedrocks_total,
    )
    for name in ("cache_usage", "cache_point_sent")
}


def _stream_usage_unsent(outcome: Outcome) -> Outcome:
    """Theirs sent `stream_usage` as a model request field; ours sent none."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        assert request["body"].pop("additionalModelRequestFields") == {"stream_usage": False}
    assert not any("additionalModelRequestFields" in r["body"] for r in our_requests)
    return theirs, ours, their_requests, our_requests


DIFFERENCES["stream_usage_given"] = (
    Difference(
        Reason.REJECTED,
        "ChatBedrockConverse has no `stream_usage` field: it warns that it moved it to "
        "model_kwargs, then sends it to the model as an additional request field, which "
        'the model refuses ("stream_usage: Extra inputs are not permitted"), on every call',
        "the same warning, and `stream_usage` is not sent",
    ),
    _stream_usage_unsent,
)


def _extra_body_merged(outcome: Outcome) -> Outcome:
    """Theirs warned, held `extra_body` as a model request field and sent it so; ours
    merged its fields into the request. Then both without it."""
    theirs, ours, their_requests, our_requests = outcome
    [[(category, words, *_)], held] = theirs[1:]
    assert category == "UserWarning" and "extra_body was transferred" in words
    assert held == {"extra_body": {"promptVariables": {}}} and ours[1:] == [[], None]
    for request in their_requests:
        assert request["body"].pop("additionalModelRequestFields") == held
    for request in our_requests:
        assert request["body"].pop("promptVariables") == {}
    return [theirs[0], *ours[1:]], ours, their_requests, our_requests


DIFFERENCES["extra_body_given"] = (
    Difference(
        Reason.REJECTED,
        "ChatBedrockConverse has no `extra_body` field: it warns that it moved it to "
        "model_kwargs, holds it in `additional_model_request_fields` and sends it to the "
        "model as an additional request field named `extra_body`, which the model "
        "refuses as an extraneous key, on every call",
        "its fields are merged into the Converse request, as `ChatOpenAI` merges them "
        "into its body (no warning; held as the model's own setting)",
    ),
    _extra_body_merged,
)


def _typeddict_parsed(outcome: Outcome) -> Outcome:
    """Our parsed TypedDict and its request read as their refusal, once seen to be so."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "ValueError"} and not their_requests
    assert ours == {"parsed": {"total": 3}} and len(our_requests) == 1
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["structured_typeddict"] = (
    Difference(
        Reason.RAISES,
        'with_structured_output(method="json_schema") refuses a TypedDict schema with a '
        "ValueError (it takes only a pydantic class or a dict)",
        "the TypedDict's JSON schema is sent as the output format and the reply parsed "
        "into a dict, as a dict schema is",
    ),
    _typeddict_parsed,
)

#: What langchain-aws's ChatBedrockConverse binds where it differs, and what chatplex
#: binds and sends.
CONVERSE_KEPT: dict[str, tuple[Any, Any]] = {
    "none": ({"tool": {"name": "none"}}, "none"),
    "required": ({"tool": {"name": "required"}}, {"any": {}}),
    "True, one tool": ({"tool": {"name": True}}, {"any": {}}),
    "True, two tools": ({"tool": {"name": True}}, {"any": {}}),
    "object": ("ValueError", {"tool": {"name": "add"}}),
}
DIFFERENCES["tool_choice_bound"] = (
    (CONVERSE_WORDS_AS_TOOL, CONVERSE_OBJECT_REFUSED),
    choices_kept(CONVERSE_KEPT),
)
DIFFERENCES["tool_choice_openai_object_per_call"] = (
    Difference(
        Reason.RAISES,
        "hands OpenAI's tool_choice object given to a call (`{'type': 'function', "
        "'function': {'name': ...}}`) to boto3 as Converse's `toolChoice`, which refuses "
        "it (a ParamValidationError) before sending",
        "the object is read, and sent as Converse's object of the same choice "
        "(`{'tool': {'name': ...}}`), as when it is bound",
    ),
    refused_before_sending(
        "ParamValidationError",
        lambda body: body["toolConfig"]["toolChoice"] == {"tool": {"name": "add"}},
    ),
)

DIFFERENCES["stop_text"] = (
    text_stop_refused(
        "stopSequences", "; to a call, boto3 refuses it (a ParamValidationError) before sending"
    ),
    text_stop_kept("ParamValidationError", lambda body: body["inferenceConfig"]["stopSequences"]),
)

#: Scripts whose outcome does not match yet (a strict xfail each: it fails the day it
#: matches, so the entry is removed).


def _configured_built(outcome: Outcome) -> Outcome:
    """Their configured model refused (pydantic's ValidationError, before any request);
    ours answered at the configured temperature. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["configured"] == {"refused": "ValidationError"}, theirs
    assert ours["configured"] == ours["default"] == theirs["default"]
    temperatures = [r["body"]["inferenceConfig"]["temperature"] for r in our_requests]
    assert sorted(temperatures) == [0.1, 0.9] and len(their_requests) == 1
    return theirs, theirs, their_requests, [r for r in our_requests if r in their_requests]


DIFFERENCES["configurable_temperature"] = (
    Difference(
        Reason.RAISES,
        "a model made configurable (`configurable_fields(temperature=...)`) raises a "
        "pydantic ValidationError (`base_model_id, base_model, or model_id must be "
        "specified`) at any call that configures it: LangChain rebuilds it from its "
        "fields, and its validator reads the `base_model_id` it holds as None as given",
        "the configured model is built and called with the configured value",
    ),
    _configured_built,
)


NOT_YET: dict[str, str] = {}


def _comparable_request(seen: Seen) -> Any:
    """A request as the comparison reads it: method, path, body, and how it is
    authorized (a Bearer key as it is; SigV4 by its scope: key id, region, service) --
    the signature and its date, the user agent and boto3's invocation id differ by
    nature."""
    auth = seen.headers.get("authorization", "")
    if auth.startswith("AWS4-HMAC-SHA256"):
        scope = auth.split("Credential=")[1].split(",")[0].split("/")
        auth = f"sigv4 {scope[0]} {scope[2]} {scope[3]}"
    return {"method": seen.method, "path": seen.path, "body": seen.body, "auth": auth}


def _comparable_result(value: Any) -> Any:
    """The observed result, with an error read as a script reads it: botocore's
    `ClientError`, its class name (`ThrottlingException`...), `e.response`'s error code
    and message, and the HTTP status in its `ResponseMetadata`."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        response = getattr(err, "response", None) or {}
        return {
            "ClientError": isinstance(err, botocore_exceptions.ClientError),
            # boto3's class for the code; chatplex's error is also its own class.
            "class": next(
                (c.__name__ for c in type(err).__mro__ if c.__module__.startswith("botocore")),
                None,
            ),
            "Code": response.get("Error", {}).get("Code"),
            "Message": response.get("Error", {}).get("Message"),
            "HTTPStatusCode": response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
            "RequestId": response.get("ResponseMetadata", {}).get("RequestId", "<absent>"),
            "operation_name": getattr(err, "operation_name", None),
        }
    return each_dict(observe(value), _without_reply_date)


def _without_reply_date(out: dict[str, Any]) -> None:
    meta = out.get("response_metadata")
    if "type" in out and isinstance(meta, dict):
        _botocores_metadata(meta)


def _botocores_metadata(meta: dict[str, Any]) -> None:
    """`ResponseMetadata` without what differs by nature: the `date` header (the second
    each reply was sent)."""
    shown = meta.get("ResponseMetadata")
    if isinstance(shown, dict) and isinstance(shown.get("HTTPHeaders"), dict):
        shown["HTTPHeaders"].pop("date", None)


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    isolate_aws(monkeypatch, tmp_path, every_aws_variable())
    yield


SUITE = Suite(
    SCRIPTS,
    langchain_aws.ChatBedrockConverse,
    OurChatBedrockConverse,
    DIFFERENCES,
    result=_comparable_result,
    request=_comparable_request,
    not_yet=NOT_YET,
)
test_same_as_langchain_aws = SUITE.same_test()


test_at_least_25_scripts = SUITE.tables_test()
