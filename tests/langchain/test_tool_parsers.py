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
import chatplex.langchain
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
    converse = chatplex.langchain.ChatBedrockConverse(model="anthropic.claude-3-5-haiku", **keys)
    assert converse.with_structured_output(Trip).last.get_name() == "_RepairingPydanticToolsParser"
    openai = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="sk-1")
    by_tool = openai.with_structured_output(Trip, method="function_calling")
    assert by_tool.last.get_name() == "PydanticToolsParser"


@pytest.mark.parametrize("args", CASES[:3])
@pytest.mark.parametrize("schema", [Trip, Trip.model_json_schema()])
async def test_a_whole_reply_is_read_as_langchain_aws_tools_output_parser_reads_it(
    args: dict[str, Any], schema: Any
) -> None:
    parser = tools_parser(schema, repairing=True, whole=True)
    assert parser.get_name() == "ToolsOutputParser"
    ours = [parser.invoke(_called(args)), await parser.ainvoke(_called(args))]
    aws = pytest.importorskip("langchain_aws.function_calling")
    pydantic = schema is Trip
    theirs = aws.ToolsOutputParser(
        first_tool_only=True,
        args_only=not pydantic,
        pydantic_schemas=[Trip] if pydantic else None,
        schema_properties=Trip.model_json_schema()["properties"],
    ).invoke(_called(args))
    assert ours == [theirs, theirs]
    assert isinstance(theirs, Trip if pydantic else dict)
    assert parser.invoke(AIMessage("no call")) is None


def test_converse_reads_a_whole_reply_where_it_does_not_stream_the_model() -> None:
    keys = {"aws_access_key_id": "AKID", "aws_secret_access_key": "s", "region_name": "us-east-1"}
    llama = chatplex.langchain.ChatBedrockConverse(
        model="us.meta.llama3-1-70b-instruct-v1:0", **keys
    )
    assert llama.disable_streaming == "tool_calling"
    assert llama.with_structured_output(Trip).last.get_name() == "ToolsOutputParser"
    forced = chatplex.langchain.ChatBedrockConverse(
        model="us.meta.llama3-1-70b-instruct-v1:0", disable_streaming=False, **keys
    )
    assert forced.with_structured_output(Trip).last.get_name() == "_RepairingPydanticToolsParser"


def test_chatbedrock_reads_a_whole_reply_unless_streaming_is_on() -> None:
    # langchain-aws' ChatBedrock parses a forced call with its ToolsOutputParser (no
    # streamed pieces: `astream_events` shows that run), its repairing parsers only with
    # `streaming=True`; the drop-in streamed LangChain's PydanticToolsParser.
    keys = {"aws_access_key_id": "AKID", "aws_secret_access_key": "s", "region_name": "us-east-1"}
    model = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    plain = chatplex.langchain.ChatBedrock(model=model, **keys)
    assert plain.with_structured_output(Trip).last.get_name() == "ToolsOutputParser"
    streaming = chatplex.langchain.ChatBedrock(model=model, streaming=True, **keys)
    parser = streaming.with_structured_output(Trip).last
    assert parser.get_name() == "_RepairingPydanticToolsParser"
