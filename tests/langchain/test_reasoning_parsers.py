"""The parsers that strip a reasoning model's `<think>` blocks before parsing
(`chatplex.langchain.reasoning_parsers`), read as langchain-perplexity's."""

from __future__ import annotations

import doctest
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from pydantic import BaseModel

import chatplex
import chatplex.langchain
from chatplex.langchain import reasoning_parsers
from chatplex.langchain.reasoning_parsers import reasoning_parser


class Forecast(BaseModel):
    city: str
    degrees: int


REPLIES = [
    '{"city": "x", "degrees": 1}',
    '<think>the user wants\na forecast</think>\n{"city": "x", "degrees": 1}',
    '<think>a</think>```json\n{"city": "x", "degrees": 1}\n```',
]


@pytest.mark.parametrize("text", REPLIES)
@pytest.mark.parametrize("schema", [Forecast, None])
async def test_they_read_a_reply_as_langchain_perplexitys_parsers(
    text: str, schema: type[Any] | None
) -> None:
    theirs_module = pytest.importorskip("langchain_perplexity.output_parsers")
    parser = reasoning_parser(schema)
    theirs = (
        theirs_module.ReasoningStructuredOutputParser(pydantic_object=schema)
        if schema is not None
        else theirs_module.ReasoningJsonOutputParser()
    )
    assert parser.get_name() == theirs.get_name()
    message = AIMessage(text)
    expected = theirs.invoke(message)
    assert parser.invoke(message) == expected
    assert await parser.ainvoke(message) == expected


def test_the_perplexity_drop_in_parses_with_them_and_others_do_not() -> None:
    perplexity = chatplex.langchain.ChatPerplexity(model="sonar", api_key="pplx-1")
    parser = perplexity.with_structured_output(Forecast).last
    assert parser.get_name() == "ReasoningStructuredOutputParser"
    assert perplexity.with_structured_output(Forecast.model_json_schema()).last.get_name() == (
        "ReasoningJsonOutputParser"
    )
    groq = chatplex.langchain.ChatGroq(model="llama-3.3-70b-versatile", api_key="gsk-1")
    by_schema = groq.with_structured_output(Forecast, method="json_schema").last
    assert by_schema.get_name() == "PydanticOutputParser"


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(reasoning_parsers)
    assert failures == 0 and tried > 0
