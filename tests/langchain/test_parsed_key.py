"""langchain-openai's `parsed` key on a drop-in's replies (`chatplex/langchain/parsed_key.py`):
a class bound as the `response_format` read into its object as the openai SDK's parse()
reads it, a dict schema's reply read as JSON on the Responses path, and the partner's
parser of the key; a reply cut short (a content filter's stop) of a `response_format`
call raising the SDK's error. End to end (the key on real calls, streams, agents):
`test_structured.py`; the partner side by side: tests/partners/compatible/
test_openai_refusal_sidebyside.py."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage as LCAIMessage
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex.langchain import AzureChatOpenAI
from chatplex.langchain import ChatOpenAI
from chatplex.langchain.parsed_key import ClassFormat
from chatplex.langchain.parsed_key import cut_error
from chatplex.langchain.parsed_key import parsed_key_parser
from chatplex.langchain.parsed_key import parsed_value
from chatplex.langchain.parsed_key import schema_json
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter
from tests._local_server import Answering
from tests._local_server import serving
from tests.langchain._lckit import openai_or_azure


class Joke(BaseModel):
    setup: str
    punchline: str


class _City(BaseModel):
    city: str
    degrees: int


def test_parsed_value_reads_a_responses_replys_text_blocks() -> None:
    # The Responses API's reply is a list of blocks: its text is what the SDK parses.
    fmt = ClassFormat({"type": "json_schema"}, Joke)
    text = '{"setup": "a", "punchline": "b"}'
    blocks = [{"type": "reasoning", "summary": []}, {"type": "text", "text": text, "id": "m"}]
    assert parsed_value(fmt, blocks, None) == Joke(setup="a", punchline="b")
    assert parsed_value(fmt, [{"type": "reasoning", "summary": []}], None) is None
    assert parsed_value({"type": "json_schema"}, blocks, None) is None  # a dict: no object


def test_schema_json_reads_a_dict_schemas_reply_only() -> None:
    # langchain-openai's Responses path: a dict JSON schema's reply text read as JSON;
    # none for JSON mode, a class's format (the SDK's parse() has it), or text not JSON.
    schema = {"type": "json_schema", "json_schema": {"name": "Joke", "schema": {}}}
    blocks = [{"type": "text", "text": '{"setup": "a"}', "id": "m"}]
    assert schema_json(schema, blocks) == {"setup": "a"}
    assert schema_json(schema, '{"setup": "a"}') == {"setup": "a"}
    assert schema_json(schema, "not JSON") is None
    assert schema_json(schema, []) is None
    assert schema_json({"type": "json_object"}, blocks) is None
    assert schema_json(ClassFormat(schema, Joke), blocks) is None


def test_a_class_format_reads_the_reply_into_its_class() -> None:
    sent = {"type": "json_schema", "json_schema": {"name": "_City", "schema": {}}}
    given = ClassFormat(sent, _City)
    assert dict(given) == sent and json.loads(json.dumps(given)) == sent  # sent as the dict
    assert parsed_value(given, '{"city": "x", "degrees": 1}', None) == _City(city="x", degrees=1)
    # As the SDK's parse(): None for a refusal, an empty text or a format given as a dict.
    assert parsed_value(given, '{"city": "x", "degrees": 1}', "I can't") is None
    assert parsed_value(given, "", None) is None
    assert parsed_value(sent, '{"city": "x", "degrees": 1}', None) is None
    with pytest.raises(ValidationError):  # a reply not of the schema fails, as the SDK's
        parsed_value(given, '{"city": "x"}', None)


def test_the_lambda_reads_parsed_then_falls_back_to_the_text() -> None:
    read = parsed_key_parser(Joke, partner=False)
    joke = {"setup": "a", "punchline": "b"}
    assert read.invoke(LCAIMessage("", additional_kwargs={"parsed": joke})) == Joke(**joke)
    called = LCAIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}])
    assert read.invoke(called) is None  # a reply calling a tool: None, as langchain-openai's
    assert read.invoke(LCAIMessage(json.dumps(joke))) == Joke(**joke)
    with pytest.raises(OutputParserException):
        read.invoke(LCAIMessage("not json"))


def test_the_partners_lambda_raises_its_value_error_without_parsed() -> None:
    """Under a partner's name, a reply with neither `parsed` nor a refusal raises
    langchain-openai's ValueError (not LangChain's OutputParserException), as its
    `_oai_structured_outputs_parser` does."""
    read = parsed_key_parser(Joke, partner=True)
    with pytest.raises(ValueError, match="does not have a 'parsed' field") as raised:
        read.invoke(LCAIMessage(""))
    assert not isinstance(raised.value, OutputParserException)


# ---- a reply a content filter stopped ------------------------------------------------------

openai = pytest.importorskip("openai")
pytest.importorskip("langchain_openai")
REFUSAL = "langchain_openai.chat_models.base.OpenAIRefusalError"
FILTERED = "openai.ContentFilterFinishReasonError"
FILTER_WORDS = "Could not parse response content as the request was rejected by the content filter"


def test_the_cut_error_is_the_sdks_for_each_finish_reason_it_raises_for() -> None:
    make = cut_error(OpenAIAdapter(api_key="sk-k"))
    assert make is not None
    metadata = {"finish_reason": "content_filter", "token_usage": {"total_tokens": 5}}
    read = LCAIMessage("", id="chatcmpl-9", response_metadata=metadata)
    filtered = make(None, metadata, lambda: read)
    assert isinstance(filtered, openai.ContentFilterFinishReasonError)
    assert str(filtered) == FILTER_WORDS and filtered.completion.usage.total_tokens == 5
    assert filtered.completion.id == "chatcmpl-9"  # the reply as read (a stream's)
    assert isinstance(make(None, {"finish_reason": "length"}), openai.LengthFinishReasonError)
    # The reply read only for an error made.
    assert make(None, {"finish_reason": "stop"}, lambda: pytest.fail("read")) is None
    # A wire whose partner raises neither has none.
    assert cut_error(AnthropicAdapter(api_key="sk-ant-k")) is None


class _Filtered(Answering):
    """A Chat Completions server whose content filter stopped the reply: no text, the
    finish reason "content_filter" (whole, or streamed: the role's chunk, then the finish)."""

    def do_POST(self) -> None:
        body = json.loads(self.read_body())
        head = {"id": "chatcmpl-1", "created": 1, "model": "gpt-4o-mini"}
        if not body.get("stream"):
            message = {"role": "assistant", "content": None}
            choice = {"index": 0, "message": message, "finish_reason": "content_filter"}
            usage = {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}
            whole = {**head, "object": "chat.completion", "choices": [choice], "usage": usage}
            self.answer(200, json.dumps(whole).encode())
            return
        head["object"] = "chat.completion.chunk"
        deltas = [({"role": "assistant", "content": ""}, None), ({}, "content_filter")]
        events = [
            {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            for delta, finish in deltas
        ]
        sent = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events)
        self.answer(200, sent + b"data: [DONE]\n\n", "text/event-stream")


class Answer(BaseModel):
    """An answer."""

    text: str


#: How a script asks for structured output, the model as built -> the runnable.
WAYS: dict[str, Callable[[Any], Any]] = {
    "json_schema": lambda m: m.with_structured_output(Answer, method="json_schema"),
    "json_schema_raw": lambda m: m.with_structured_output(
        Answer, method="json_schema", include_raw=True
    ),
    "json_mode": lambda m: m.with_structured_output(Answer, method="json_mode"),
    "json_mode_raw": lambda m: m.with_structured_output(
        Answer, method="json_mode", include_raw=True
    ),
    "dict_schema": lambda m: m.with_structured_output(
        {**Answer.model_json_schema(), "title": "Answer"}, method="json_schema"
    ),
    "class_format": lambda m: m.bind(response_format=Answer),
    "json_object": lambda m: m.bind(response_format={"type": "json_object"}),
    "function_calling": lambda m: m.with_structured_output(Answer, method="function_calling"),
}

#: (way, invoked or streamed) -> what langchain-openai raises, where the SDK's parse()
#: (and its stream helper) raises its error before the refusal check reads the stop:
#: a call with a `response_format`, but a stream of JSON mode or a dict schema without
#: `include_raw` (the helper raises only at the end, after the refusal check read the
#: finishing piece), and function calling (no format).
EXPECTED = {
    **{(way, how): FILTERED for way in WAYS for how in ("invoke", "stream")},
    ("json_mode", "stream"): REFUSAL,
    ("dict_schema", "stream"): REFUSAL,
    ("function_calling", "invoke"): REFUSAL,
    ("function_calling", "stream"): REFUSAL,
}
#: AzureChatOpenAI's own check of a whole reply (no format) raises its plain ValueError.
AZURE_FUNCTIONS = {("function_calling", "invoke"): "builtins.ValueError"}


def _expected(wire: str, way: str, how: str) -> str:
    found = AZURE_FUNCTIONS.get((way, how)) if wire == "azure" else None
    return found or EXPECTED[(way, how)]


def _checked(err: BaseException, wire: str, way: str, how: str) -> None:
    expected = _expected(wire, way, how)
    if expected == FILTERED:
        # The SDK's error, as a script catches it: its words, the completion, and (for a
        # whole reply) the call's HTTP response.
        assert isinstance(err, openai.ContentFilterFinishReasonError), repr(err)
        assert str(err) == FILTER_WORDS
        assert [c.finish_reason for c in err.completion.choices] == ["content_filter"]
        if how == "invoke":
            assert err.completion.usage.total_tokens == 3
            assert err.response.status_code == 200  # type: ignore[attr-defined]
        return
    # langchain-openai's refusal (its check read the stop), or Azure's ValueError.
    refused = importlib.import_module("langchain_openai.chat_models.base").OpenAIRefusalError
    assert isinstance(err, refused if expected == REFUSAL else ValueError), repr(err)
    assert not isinstance(err, openai.OpenAIError), repr(err)


@pytest.mark.parametrize("how", ["invoke", "stream"])
@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("wire", ["openai", "azure"])
def test_a_filtered_reply_to_a_format_raises_the_sdks_error(wire: str, way: str, how: str) -> None:
    cls = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    with serving(_Filtered) as url:
        runnable = WAYS[way](cls(**openai_or_azure(wire, url), max_retries=0))
        with pytest.raises(Exception) as raised:
            runnable.invoke("Something bad") if how == "invoke" else list(
                runnable.stream("Something bad")
            )
    _checked(raised.value, wire, way, how)


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["invoke", "stream"])
@pytest.mark.parametrize("way", ["json_schema", "json_mode", "json_object", "function_calling"])
@pytest.mark.parametrize("wire", ["openai", "azure"])
async def test_a_filtered_reply_to_a_format_raises_the_sdks_error_async(
    wire: str, way: str, how: str
) -> None:
    cls = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    with serving(_Filtered) as url:
        runnable = WAYS[way](cls(**openai_or_azure(wire, url), max_retries=0))
        with pytest.raises(Exception) as raised:
            if how == "invoke":
                await runnable.ainvoke("Something bad")
            else:
                [piece async for piece in runnable.astream("Something bad")]
    _checked(raised.value, wire, way, how)


@pytest.mark.parametrize("wire", ["openai", "azure"])
def test_a_filtered_reply_without_a_format_is_left_as_it_was(wire: str) -> None:
    # No parse() reads it: ChatOpenAI returns it, AzureChatOpenAI raises its ValueError.
    cls = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    with serving(_Filtered) as url:
        model = cls(**openai_or_azure(wire, url), max_retries=0)
        if wire == "azure":
            with pytest.raises(ValueError, match="content filter being triggered") as raised:
                model.invoke("Something bad")
            assert not isinstance(raised.value, openai.OpenAIError)
        else:
            assert model.invoke("Something bad").response_metadata["finish_reason"] == (
                "content_filter"
            )
        streamed = list(model.stream("Something bad"))
    assert any(p.response_metadata.get("finish_reason") == "content_filter" for p in streamed)
