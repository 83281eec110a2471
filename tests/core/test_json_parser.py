from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex.core import JsonOutputParser
from chatplex.core import OutputParserException
from chatplex.core import PydanticOutputParser
from chatplex.core import RunnableLambda
from chatplex.core._partial_json import parse_json_markdown
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import parse_partial_json


class Joke(BaseModel):
    setup: str
    punchline: str


def _pieces(*texts: str) -> Any:
    def gen(_: Any) -> Any:
        for text in texts:
            yield AIMessageChunk(content=text)

    return RunnableLambda(gen)


def test_partial_documents_are_closed() -> None:
    assert parse_partial_json('{"a": [1, 2') == {"a": [1, 2]}
    assert parse_partial_json('{"a": "x\\') == {"a": "x"}
    assert parse_partial_json('{"na') == {}
    assert parse_partial_json('{"a": 1]') is None  # a closer that closes nothing
    with pytest.raises(json.JSONDecodeError):
        parse_partial_json("nope")
    assert parse_json_markdown('text\n```json\n{"a": 1}\n```') == {"a": 1}
    assert parse_json_markdown('{"action_input": "a\nb"}') == {"action_input": "a\nb"}


@pytest.mark.parametrize("sync", [True, False])
def test_streams_the_value_so_far_when_it_changes(sync: bool) -> None:
    chain = _pieces('{"a', '": "x', "y", '", "b": [1', "", "]}") | JsonOutputParser()
    if sync:
        got = list(chain.stream(0))
    else:
        parser = JsonOutputParser()

        async def run() -> list[Any]:
            async def source() -> Any:
                for t in ('{"a', '": "x', "y", '", "b": [1', "", "]}"):
                    yield AIMessageChunk(content=t)

            return [v async for v in parser.atransform(source())]

        got = asyncio.run(run())
    assert got == [{}, {"a": "x"}, {"a": "xy"}, {"a": "xy", "b": [1]}]


def test_invoke_reads_messages_fences_and_refuses_garbage() -> None:
    parser = JsonOutputParser()
    assert parser.invoke(AIMessage(content='```json\n{"a": 1}\n```')) == {"a": 1}
    assert parser.parse("[1, 2]") == [1, 2]
    with pytest.raises(OutputParserException, match="Invalid json output: nope") as info:
        parser.invoke("nope")
    assert info.value.llm_output == "nope" and isinstance(info.value, ValueError)


def test_diff_without_jsonpatch_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonpatch", None)  # as if not installed
    with pytest.raises(ImportError, match="pip install jsonpatch"):
        JsonOutputParser(diff=True)
    assert JsonOutputParser().diff is False  # made without it when no deltas are asked


def test_format_instructions() -> None:
    assert JsonOutputParser().get_format_instructions() == "Return a JSON object."
    text = JsonOutputParser(pydantic_object=Joke).get_format_instructions()
    assert '"setup"' in text and '"title": "Joke"' not in text
    assert (
        "Here is the output schema:"
        in PydanticOutputParser(pydantic_object=Joke).get_format_instructions()
    )


@pytest.mark.parametrize("sync", [True, False])
def test_pydantic_parser(sync: bool) -> None:
    parser = PydanticOutputParser(pydantic_object=Joke)
    text = '{"setup": "Why?", "punchline": "Because."}'
    got = parser.invoke(text) if sync else asyncio.run(parser.ainvoke(text))
    assert got == Joke(setup="Why?", punchline="Because.")
    streamed = list((_pieces('{"setup": "a", ', '"punchline": "b', '"}') | parser).stream(0))
    assert streamed == [Joke(setup="a", punchline="b")]
    with pytest.raises(OutputParserException, match="Failed to parse Joke from completion"):
        parser.invoke('{"setup": "only"}')
    with pytest.raises(TypeError, match="pydantic model class"):
        PydanticOutputParser(pydantic_object=dict)
