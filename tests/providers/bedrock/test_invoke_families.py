"""The prompt families of Bedrock's InvokeModel (Meta Llama, Mistral, Amazon Titan): their
prompts, bodies, replies and streams, as langchain-aws's ChatBedrock builds and reads them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chatplex.adapters.base import CallSettings
from chatplex.adapters.base import ToolSpec
from chatplex.adapters.reading import MalformedReply
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.invoke_families import CHUNK_END
from chatplex.providers.bedrock.invoke_families import DEEPSEEK
from chatplex.providers.bedrock.invoke_families import META
from chatplex.providers.bedrock.invoke_families import MISTRAL
from chatplex.providers.bedrock.invoke_families import OPENAI
from chatplex.providers.bedrock.invoke_families import PROMPT_FAMILIES
from chatplex.providers.bedrock.invoke_families import QWEN
from chatplex.providers.bedrock.invoke_families import TITAN
from chatplex.providers.bedrock.invoke_families import PromptStreamDecoder
from chatplex.providers.bedrock.invoke_families import PromptStreamParser
from chatplex.providers.bedrock.invoke_families import cut_at_stop
from chatplex.providers.bedrock.invoke_families import llama_prompt
from chatplex.providers.bedrock.invoke_families import parse_prompt_reply
from chatplex.providers.bedrock.invoke_families import prompt_body
from chatplex.testing._mock_wire_bedrock import encode_message

CONVERSATION = [
    SystemMessage("Be brief."),
    HumanMessage("Hi"),
    AIMessage("Hello!"),
    HumanMessage("Again"),
]
HEADERS = {
    "x-amzn-bedrock-input-token-count": "12",
    "x-amzn-bedrock-output-token-count": "7",
    "x-amzn-requestid": "rid-1",
}


def test_the_families_built() -> None:
    assert set(PROMPT_FAMILIES) == {"meta", "mistral", "amazon", "deepseek", "openai", "qwen"}


def test_llama_templates_by_model_id() -> None:
    three = llama_prompt(CONVERSATION, "llama3-1-70b-instruct-v1:0")
    assert three == (
        "<|begin_of_text|>\n"
        "<|start_header_id|>system<|end_header_id|>Be brief.<|eot_id|>\n"
        "<|start_header_id|>user<|end_header_id|>Hi<|eot_id|>\n"
        "<|start_header_id|>assistant<|end_header_id|>Hello!<|eot_id|>\n"
        "<|start_header_id|>user<|end_header_id|>Again<|eot_id|>\n"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    two = llama_prompt(CONVERSATION, "llama2-13b-chat-v1")
    assert two == "<<SYS>> Be brief. <</SYS>>\n[INST] Hi [/INST]\nHello!\n[INST] Again [/INST]"
    four = llama_prompt([HumanMessage("Hi"), ToolMessage("3", tool_call_id="t")], "llama4-scout")
    assert four == (
        "<|begin_of_text|>\n<|header_start|>user<|header_end|>Hi<|eot|>\n"
        "<|header_start|>ipython<|header_end|>3<|eom|>\n<|header_start|>assistant<|header_end|>"
    )
    with pytest.raises(ValueError, match="Meta prompts take system, human, ai messages"):
        llama_prompt([ToolMessage("3", tool_call_id="t")], "llama3-1-8b")


def test_a_prompt_carries_text_only() -> None:
    blocks = HumanMessage([{"type": "text", "text": "A "}, {"type": "text", "text": "b"}])
    assert MISTRAL.prompt([blocks], "") == "[INST] A b [/INST]"
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    with pytest.raises(ValueError, match="'image' block cannot be sent"):
        TITAN.prompt([HumanMessage([{"type": "text", "text": "What?"}, image])], "")


def test_bodies_as_langchain_aws_builds_them() -> None:
    settings = CallSettings(
        "m", temperature=0.2, max_tokens=64, stop=("END",), extra_body={"top_k": 5}
    )
    messages = [HumanMessage("Hi")]
    meta = prompt_body(META, messages, settings, "llama3-1-8b", stream=False)
    assert list(meta) == ["top_k", "prompt", "max_gen_len", "temperature"]  # no stop key
    mistral = prompt_body(MISTRAL, messages, settings, "mistral-large", stream=True)
    assert mistral == {
        "top_k": 5,
        "prompt": "[INST] Hi [/INST]",
        "max_tokens": 64,
        "temperature": 0.2,
        "stop": ["END"],
    }
    titan = prompt_body(TITAN, messages, settings, "titan-text-express-v1", stream=False)
    assert titan == {
        "inputText": "\n\nUser: Hi\n\nBot:",
        "textGenerationConfig": {
            "top_k": 5,
            "maxTokenCount": 64,
            "temperature": 0.2,
            "stopSequences": ["END"],
        },
    }


def test_what_a_family_cannot_take_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="Meta models over InvokeModel take no stop"):
        prompt_body(META, [HumanMessage("Hi")], CallSettings("m", stop=("X",)), "", stream=True)
    with_tools = CallSettings("m", tools=(ToolSpec("add", "Add.", {"type": "object"}),))
    with pytest.raises(ValueError, match="take no tools"):
        prompt_body(MISTRAL, [HumanMessage("Hi")], with_tools, "", stream=False)


def test_cut_at_stop_matches_text_not_patterns() -> None:
    assert cut_at_stop("a.b STOP c", ["STOP"]) == "a.b "
    assert cut_at_stop("a.b", ["."]) == "a"
    assert cut_at_stop("a(b", ["("]) == "a"  # a regex would fail on it
    assert cut_at_stop("abc", None) == "abc"


@pytest.mark.parametrize(
    ("family", "body", "text", "finish"),
    [
        (META, {"generation": "Hi STOP x", "stop_reason": "stop"}, "Hi ", "stop"),
        (MISTRAL, {"outputs": [{"text": "Hi", "stop_reason": "length"}]}, "Hi", "length"),
        (TITAN, {"results": [{"outputText": "Hi", "completionReason": "FINISH"}]}, "Hi", "stop"),
    ],
)
def test_replies(family: Any, body: dict[str, Any], text: str, finish: str) -> None:
    reply = parse_prompt_reply(family, json.dumps(body).encode(), HEADERS, "model-x", ("STOP",))
    assert reply.content == text
    assert reply.additional_kwargs == {
        "usage": {
            "prompt_tokens": 12,
            "completion_tokens": 7,
            "cache_read_input_tokens": 0,
            "cache_write_input_tokens": 0,
            "total_tokens": 19,
        },
        "stop_reason": body.get("stop_reason"),  # langchain-aws's: the top-level field
        "thinking": {},
        "model_id": "model-x",
    }
    assert reply.usage_metadata is not None and reply.usage_metadata["total_tokens"] == 19
    assert reply.response_metadata["finish_reason"] == finish
    assert reply.response_metadata["request_id"] == "rid-1"


def test_a_reply_without_the_familys_text_is_malformed_or_an_error() -> None:
    with pytest.raises(ValueError, match="has no text"):
        parse_prompt_reply(META, b'{"outputs": []}', HEADERS, "m")
    with pytest.raises(Exception, match="Throttled") as caught:
        parse_prompt_reply(META, b'{"message": "Throttled"}', HEADERS, "m")
    assert not isinstance(caught.value, ValueError)


def _message(event: dict[str, Any]) -> bytes:
    payload = {"bytes": base64.b64encode(json.dumps(event).encode()).decode()}
    headers = {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, json.dumps(payload).encode())


def _stream(family: Any, events: list[dict[str, Any]]) -> list[Any]:
    decoder = PromptStreamDecoder()
    parser = PromptStreamParser(family, "rid-1", "model-x")
    items = decoder.feed(b"".join(_message(e) for e in events))
    assert items[1::2] == [CHUNK_END] * len(events)  # a marker after each message
    chunks = [c for c in map(parser.feed, items) if c is not None]
    parser.finish()
    return chunks


METRICS = {"inputTokenCount": 12, "outputTokenCount": 7, "invocationLatency": 3}


def test_a_llama_stream() -> None:
    events = [
        {
            "generation": "Hel",
            "prompt_token_count": 12,
            "generation_token_count": 1,
            "stop_reason": None,
        },
        {
            "generation": "lo",
            "prompt_token_count": None,
            "generation_token_count": 2,
            "stop_reason": "stop",
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(META, events)
    assert first.content == "Hel"
    assert first.response_metadata == {
        "stop_reason": None,
        "model_name": "model-x",
        "model_provider": "bedrock",
    }
    assert last.response_metadata["amazon-bedrock-invocationMetrics"] == METRICS
    assert "model_name" not in last.response_metadata  # the first chunk only
    assert last.response_metadata["finish_reason"] == "stop"
    assert closing.content == "" and closing.usage_metadata["total_tokens"] == 19


def test_a_mistral_stream_names_the_model_on_its_first_metadata() -> None:
    events = [
        {"outputs": [{"text": "Hi", "stop_reason": None}]},
        {
            "outputs": [{"text": "", "stop_reason": "stop"}],
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(MISTRAL, events)
    assert first.response_metadata == {"model_provider": "bedrock"}  # nothing else to show
    assert last.response_metadata["model_name"] == "model-x"
    assert closing.usage_metadata is not None


def test_a_titan_stream_without_metrics_closes_with_an_empty_chunk() -> None:
    events = [{"outputText": "Hi", "index": 0, "completionReason": "FINISH"}]
    only, closing = _stream(TITAN, events)
    assert only.content == "Hi" and only.response_metadata["finish_reason"] == "stop"
    assert closing.content == "" and closing.usage_metadata is None


def test_a_stream_cut_before_its_stop_reason_raises() -> None:
    parser = PromptStreamParser(META, "rid-1", "m")
    for item in PromptStreamDecoder().feed(_message({"generation": "Hi", "stop_reason": None})):
        parser.feed(item)
    with pytest.raises(StreamError, match="before the model's stop reason"):
        parser.finish()


def test_nothing_is_read_after_the_stop_reason() -> None:
    events = [
        {"generation": "Hi", "stop_reason": "stop"},
        {"generation": "late", "stop_reason": None},
    ]
    chunks = _stream(META, events)
    assert [c.content for c in chunks] == ["Hi", ""]


def test_a_bad_chunk_is_a_stream_error() -> None:
    parser = PromptStreamParser(META, "rid-1", "m")
    bad = EventStreamMessage(
        {":event-type": "chunk", ":message-type": "event"}, b'{"bytes": "not base64!"}'
    )
    with pytest.raises(StreamError, match="not a base64 JSON event"):
        parser.feed(bad)


def test_deepseek_prompt_and_body() -> None:
    settings = CallSettings("m", max_tokens=9, stop=("END",))
    body = prompt_body(DEEPSEEK, CONVERSATION, settings, "r1-v1:0", stream=True)
    assert body == {
        "prompt": "\n<|begin_of_sentence|><|System|>Be brief.<|User|>Hi<|Assistant|>Hello!"
        "<|User|>Again<|Assistant|>\n\n",
        "max_tokens": 9,
        "stop": ["END"],
    }


def test_chat_completions_bodies_differ_by_their_token_limit() -> None:
    settings = CallSettings("m", max_tokens=9, temperature=0.0)
    gpt = prompt_body(OPENAI, [HumanMessage("Hi")], settings, "gpt-oss-20b-1:0", stream=False)
    assert gpt == {
        "messages": [{"role": "user", "content": "Hi"}],
        "max_completion_tokens": 9,
        "temperature": 0.0,
    }
    qwen = prompt_body(QWEN, [HumanMessage("Hi")], settings, "qwen3-32b-v1:0", stream=False)
    assert qwen["max_tokens"] == 9 and "max_completion_tokens" not in qwen


def test_a_chat_completions_reply_without_text_reads_as_empty() -> None:
    body = {
        "choices": [{"message": {"role": "assistant", "content": None}, "finish_reason": "length"}]
    }
    reply = parse_prompt_reply(QWEN, json.dumps(body).encode(), HEADERS, "m")
    assert reply.content == "" and reply.response_metadata["finish_reason"] == "length"
    with pytest.raises(ValueError, match="has no text"):
        parse_prompt_reply(OPENAI, b'{"choices": []}', HEADERS, "m")


def test_a_chat_completions_stream() -> None:
    events = [
        {
            "id": "c1",
            "created": 1,
            "choices": [{"delta": {"role": "assistant", "content": "Hi"}, "finish_reason": None}],
        },
        {
            "id": "c1",
            "created": 1,
            "choices": [{"delta": {}, "finish_reason": "stop"}],
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(OPENAI, events)
    assert first.content == "Hi" and first.response_metadata["id"] == "c1"
    assert "created" not in first.response_metadata  # langchain-aws leaves it out
    assert last.content == "" and last.response_metadata["finish_reason"] == "stop"
    assert closing.usage_metadata is not None and closing.usage_metadata["input_tokens"] == 12


#: A reply of each family with one field of the wrong type (langchain-aws raises on each).
WRONG_REPLIES = [
    pytest.param(META, {"generation": 5, "stop_reason": "stop"}, "text is a int", id="meta-text"),
    pytest.param(META, {"generation": "Hi", "stop_reason": 5}, "stop reason", id="meta-stop"),
    pytest.param(MISTRAL, {"outputs": {"text": "Hi"}}, "outputs is a dict", id="mistral-list"),
    pytest.param(MISTRAL, {"outputs": ["Hi"]}, r"outputs\[0\] is a str", id="mistral-item"),
    pytest.param(TITAN, {"results": [{"outputText": ["Hi"]}]}, "text is a list", id="titan"),
    pytest.param(DEEPSEEK, {"choices": "Hi"}, "choices is a str", id="deepseek"),
    pytest.param(
        OPENAI, {"choices": [{"message": "Hi"}]}, "choice's message is a str", id="openai"
    ),
    pytest.param(QWEN, {"choices": [{"message": {"content": 5}}]}, "text is a int", id="qwen"),
]


@pytest.mark.parametrize(("family", "body", "words"), WRONG_REPLIES)
def test_a_reply_field_of_the_wrong_type_is_refused(
    family: Any, body: dict[str, Any], words: str
) -> None:
    with pytest.raises(MalformedReply, match=words):
        parse_prompt_reply(family, json.dumps(body).encode(), HEADERS, "m")


def test_a_usage_header_that_is_not_a_count_is_refused_not_zero() -> None:
    body = json.dumps({"generation": "Hi", "stop_reason": "stop"}).encode()
    with pytest.raises(MalformedReply, match="output-token-count"):
        parse_prompt_reply(META, body, {**HEADERS, "x-amzn-bedrock-output-token-count": "7x"}, "m")


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({"generation": 5}, id="text-a-number"),
        pytest.param({"generation": "a", "stop_reason": ["stop"]}, id="stop-a-list"),
        pytest.param(
            {"generation": "", "stop_reason": "stop", "amazon-bedrock-invocationMetrics": "x"},
            id="metrics-a-string",
        ),
        pytest.param(
            {
                "generation": "",
                "stop_reason": "stop",
                "amazon-bedrock-invocationMetrics": {"inputTokenCount": "12"},
            },
            id="count-a-string",
        ),
    ],
)
def test_a_stream_event_field_of_the_wrong_type_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(MalformedReply):
        _stream(META, [event])
