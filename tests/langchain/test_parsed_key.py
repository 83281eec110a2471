"""langchain-openai's `parsed` key on a drop-in's replies (`chatplex/langchain/parsed_key.py`):
a class bound as the `response_format` read into its object as the openai SDK's parse()
reads it, a dict schema's reply read as JSON on the Responses path, and the partner's
parser of the key. End to end (the key on real calls, streams, agents): `test_structured.py`."""

from __future__ import annotations

import json

import pytest
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage as LCAIMessage
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex.langchain.parsed_key import ClassFormat
from chatplex.langchain.parsed_key import parsed_key_parser
from chatplex.langchain.parsed_key import parsed_value
from chatplex.langchain.parsed_key import schema_json


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
