"""`langchain/tool_parsers.py`: the parser of a forced tool call, LangChain's or (where
the wire's spec says so) langchain-aws's repairing ones, which read back an object or
array argument the model sent as a JSON string -- checked against langchain-aws's own
where it is installed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from langchain_core.output_parsers.openai_tools import JsonOutputKeyToolsParser
from langchain_core.output_parsers.openai_tools import PydanticToolsParser
from pydantic import BaseModel

import chatplex
from chatplex.langchain.tool_parsers import tools_parser


class Trip(BaseModel):
    """A trip."""

    city: str
    stops: list[str]
    hotel: dict[str, Any]


def _called(args: dict[str, Any]) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": "Trip", "args": args, "id": "c1"}])


#: Arguments as a model sends them: whole, stringified, wrapped in their own name, broken.
CASES = [
    {"city": "Paris", "stops": ["a"], "hotel": {"n": 1}},
    {"city": "Paris", "stops": '["a", "b"]', "hotel": '{"n": 1}'},
    {"city": "Paris", "stops": '{"stops": ["a"]}', "hotel": '{"hotel": {"n": 2}}'},
    {"city": '"Paris"', "stops": "[not json", "hotel": '["a list"]'},
]


@pytest.mark.parametrize("args", CASES)
def test_repairing_parsers_read_stringified_arguments_back(args: dict[str, Any]) -> None:
    pydantic = tools_parser(Trip, repairing=True)
    keyed = tools_parser(Trip.model_json_schema(), repairing=True)
    assert pydantic.get_name() == "_RepairingPydanticToolsParser"
    assert keyed.get_name() == "_RepairingJsonOutputKeyToolsParser"
    repaired = keyed.invoke(_called(args))
    if args is CASES[1]:
        assert repaired == {"city": "Paris", "stops": ["a", "b"], "hotel": {"n": 1}}
    if args is not CASES[3]:
        assert isinstance(pydantic.invoke(_called(args)), Trip)
    else:  # what is not JSON of the declared type stays as it came
        assert repaired == args
    aws = pytest.importorskip("langchain_aws.function_calling")
    properties = Trip.model_json_schema()["properties"]
    theirs = aws._RepairingJsonOutputKeyToolsParser(
        key_name="Trip", first_tool_only=True, schema_properties=properties
    )
    assert repaired == theirs.invoke(_called(args))


def test_a_streamed_call_is_repaired_once_whole() -> None:
    parser = tools_parser(Trip, repairing=True)
    text = json.dumps({"city": "Rome", "stops": '["x"]', "hotel": "{}"})
    pieces = [
        AIMessageChunk(
            "", tool_call_chunks=[{"name": "Trip", "args": text[:9], "id": "c1", "index": 0}]
        ),
        AIMessageChunk("", tool_call_chunks=[{"args": text[9:], "index": 0}]),
    ]
    assert list(parser.transform(iter(pieces)))[-1] == Trip(city="Rome", stops=["x"], hotel={})


def test_without_repairing_they_are_langchains() -> None:
    assert type(tools_parser(Trip, repairing=False)) is PydanticToolsParser
    keyed = tools_parser({"title": "Trip", "type": "object", "properties": {}}, repairing=False)
    assert type(keyed) is JsonOutputKeyToolsParser
    with pytest.raises(Exception, match="validation error"):
        tools_parser(Trip, repairing=False).invoke(_called(CASES[1]))


def test_the_drop_ins_use_them_where_their_spec_says() -> None:
    keys = {"aws_access_key_id": "AKID", "aws_secret_access_key": "s", "region_name": "us-east-1"}
    converse = chatplex.ChatBedrockConverse(model="anthropic.claude-3-5-haiku", **keys)
    assert converse.with_structured_output(Trip).last.get_name() == "_RepairingPydanticToolsParser"
    openai = chatplex.ChatOpenAI(model="gpt-4o-mini", api_key="sk-1")
    by_tool = openai.with_structured_output(Trip, method="function_calling")
    assert by_tool.last.get_name() == "PydanticToolsParser"
