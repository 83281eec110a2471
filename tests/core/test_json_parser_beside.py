"""JSON parsers streaming `diff=True` beside langchain-core's: the JSON Patch deltas a
ported script streams, from JSON text and from a reply's tool calls."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import chatplex
from tests.core._families import langchain
from tests.core._families import same

REPLY = '```json\n{"name": "Ann", "langs": ["py", "rs"], "age": 30, "nick": null}\n```'


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("size", [1, 4, 11])
def test_json_deltas_stream_as_langchains(size: int) -> None:
    def scenario(m: Any) -> Any:
        parser = m.JsonOutputParser(diff=True)
        deltas = list(parser.transform(iter(_pieces(REPLY, size))))

        async def collect() -> list[Any]:
            async def given() -> Any:
                for piece in _pieces(REPLY, size):
                    yield piece

            return [d async for d in parser.atransform(given())]

        return deltas, asyncio.run(collect()), parser.invoke(REPLY)

    deltas, adeltas, whole = same(scenario)
    assert deltas == adeltas and deltas[0] == [{"op": "replace", "path": "", "value": {}}]
    assert whole["name"] == "Ann"


def test_tool_call_deltas_are_the_patches_between_langchains_values() -> None:
    # LangChain's tool parsers take diff=True and raise NotImplementedError when they
    # stream; chatplex's stream the patches between the values LangChain's stream.
    jsonpatch = pytest.importorskip("jsonpatch")
    args = '{"city": "Paris", "days": [1, 2]}'

    def chunks(m: Any) -> list[Any]:
        return [
            m.AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {"name": "weather" if i == 0 else None, "args": piece, "id": None, "index": 0}
                ],
            )
            for i, piece in enumerate(_pieces(args, 5))
        ]

    def values(m: Any) -> Any:
        every = m.JsonOutputToolsParser()
        keyed = m.JsonOutputKeyToolsParser(key_name="weather")
        return list(every.transform(iter(chunks(m)))), list(keyed.transform(iter(chunks(m))))

    def patches(stream: list[Any]) -> list[Any]:
        return [
            jsonpatch.make_patch(a, b).patch
            for a, b in zip([None, *stream[:-1]], stream, strict=True)
        ]

    every, keyed = same(values)
    lc = langchain()
    with pytest.raises(NotImplementedError):
        list(lc.JsonOutputToolsParser(diff=True).transform(iter(chunks(lc))))
    ours = [
        list(p.transform(iter(chunks(chatplex))))
        for p in (
            chatplex.JsonOutputToolsParser(diff=True),
            chatplex.JsonOutputKeyToolsParser(key_name="weather", diff=True),
        )
    ]
    assert ours == [patches(every), patches(keyed)]
