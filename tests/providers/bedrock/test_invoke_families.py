"""The prompt families of Bedrock's InvokeModel (Meta Llama, Mistral, Amazon Titan,
DeepSeek, gpt-oss, Qwen): their bodies and replies, as langchain-aws's ChatBedrock builds
and reads them. Prompt templates: test_invoke_prompts.py; streams:
test_invoke_prompt_stream.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.bedrock.invoke_families import DEEPSEEK
from chatplex.providers.bedrock.invoke_families import META
from chatplex.providers.bedrock.invoke_families import MISTRAL
from chatplex.providers.bedrock.invoke_families import OPENAI
from chatplex.providers.bedrock.invoke_families import PROMPT_FAMILIES
from chatplex.providers.bedrock.invoke_families import QWEN
from chatplex.providers.bedrock.invoke_families import TITAN
from chatplex.providers.bedrock.invoke_families import cut_at_stop
from chatplex.providers.bedrock.invoke_families import parse_prompt_reply
from chatplex.providers.bedrock.invoke_families import prompt_body

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
