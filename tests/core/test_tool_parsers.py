"""chatplex's tool-call parsers beside langchain-core's: the same values from the same
replies (whole and streamed, sync and async), and the same failures."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import output_parsers as lc_parsers
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCChunk
from langchain_core.output_parsers import openai_tools as lc_tools
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import core
from chatplex.core import OutputParserException
from tests.core._twins import transformed


class Add(BaseModel):
    a: int
    b: int = 0


class Search(BaseModel):
    """Search the web."""

    model_config = {"title": "web_search"}
    query: str


CALLS = [
    {"name": "Add", "args": {"a": 1, "b": 2}, "id": "c1"},
    {"name": "web_search", "args": {"query": "tea"}, "id": "c2"},
    {"name": "Add", "args": {"a": 3}, "id": "c3"},
]

#: (the parser's class name, its keywords)
PARSERS: list[tuple[str, dict[str, Any]]] = [
    ("JsonOutputToolsParser", {}),
    ("JsonOutputToolsParser", {"return_id": True}),
    ("JsonOutputToolsParser", {"first_tool_only": True}),
    ("JsonOutputKeyToolsParser", {"key_name": "Add"}),
    ("JsonOutputKeyToolsParser", {"key_name": "Add", "return_id": True}),
    ("JsonOutputKeyToolsParser", {"key_name": "Add", "first_tool_only": True}),
    ("JsonOutputKeyToolsParser", {"key_name": "web_search", "first_tool_only": True,
                                  "return_id": True}),
    ("JsonOutputKeyToolsParser", {"key_name": "nothing", "first_tool_only": True}),
    ("PydanticToolsParser", {"tools": [Add, Search]}),
    ("PydanticToolsParser", {"tools": [Add, Search], "first_tool_only": True}),
]  # fmt: skip


def _both(name: str, keywords: dict[str, Any]) -> tuple[Any, Any]:
    module = lc_tools if not hasattr(lc_parsers, name) else lc_parsers
    return getattr(module, name)(**keywords), getattr(core, name)(**keywords)


@pytest.mark.parametrize(("name", "keywords"), PARSERS)
@pytest.mark.parametrize("calls", [CALLS, CALLS[1:2], []])
def test_a_reply_gives_the_same_value(
    name: str, keywords: dict[str, Any], calls: list[dict[str, Any]]
) -> None:
    theirs, ours = _both(name, keywords)
    assert ours.invoke(AIMessage("", tool_calls=calls)) == theirs.invoke(
        LCAIMessage("", tool_calls=calls)
    )


def _pieces(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each call's arguments cut in three, as a stream sends them."""
    import json

    pieces = []
    for index, call in enumerate(calls):
        text = json.dumps(call["args"])
        cuts = [0, len(text) // 3, 2 * len(text) // 3, len(text)]
        for i in range(3):
            first = i == 0
            pieces.append(
                {
                    "name": call["name"] if first else None,
                    "id": call["id"] if first else None,
                    "args": text[cuts[i] : cuts[i + 1]],
                    "index": index,
                }
            )
    return pieces


@pytest.mark.parametrize(("name", "keywords"), PARSERS)
@pytest.mark.parametrize("sync", [True, False])
def test_a_stream_gives_the_same_values(name: str, keywords: dict[str, Any], sync: bool) -> None:
    pieces = [{}, *({"tool_call_chunks": [p]} for p in _pieces(CALLS))]
    theirs_parser, ours_parser = _both(name, keywords)
    theirs = list(theirs_parser.transform(iter([LCChunk("", **p) for p in pieces])))
    ours = transformed(ours_parser, sync, [AIMessageChunk("", **p) for p in pieces])
    assert ours == theirs


def _outcome(call: Callable[[], Any]) -> Any:
    from langchain_core.exceptions import OutputParserException as LCOutputParserException

    try:
        return call()
    except (OutputParserException, LCOutputParserException):
        return "OutputParserException"
    except ValidationError:
        return "ValidationError"


@pytest.mark.parametrize(
    ("given", "tools"),
    [
        ("text, not a message", []),
        ([{"name": "Nope", "args": {}, "id": "x"}], [Add]),
        ([{"name": "Add", "args": {"a": "x"}, "id": "x"}], [Add]),
    ],
)
def test_the_same_failures(given: Any, tools: list[type]) -> None:
    """A text is not a chat reply; an unknown tool and arguments that do not fit."""
    theirs, ours = _both("PydanticToolsParser", {"tools": tools})
    if isinstance(given, str):
        expected = _outcome(lambda: theirs.invoke(given))
        got = _outcome(lambda: ours.invoke(given))
    else:
        expected = _outcome(lambda: theirs.invoke(LCAIMessage("", tool_calls=given)))
        got = _outcome(lambda: ours.invoke(AIMessage("", tool_calls=given)))
    assert got == expected
    assert expected in {"OutputParserException", "ValidationError"}


def test_raw_openai_calls_in_additional_kwargs() -> None:
    raw = [{"id": "r1", "type": "function", "function": {"name": "Add", "arguments": '{"a": 5}'}}]
    theirs, ours = _both("JsonOutputToolsParser", {"return_id": True})
    lc_message = LCAIMessage("", additional_kwargs={"tool_calls": raw})
    lc_message.tool_calls = []  # LangChain reads the raw calls only when tool_calls is empty
    expected = theirs.invoke(lc_message)
    assert ours.invoke(AIMessage("", additional_kwargs={"tool_calls": raw})) == expected
    assert expected == [{"args": {"a": 5}, "id": "r1", "type": "Add"}]


@pytest.mark.parametrize(
    "make",
    [
        lambda: core.JsonOutputToolsParser(diff=True),
        lambda: core.JsonOutputKeyToolsParser(key_name="Add", diff=True),
    ],
)
def test_diff_without_jsonpatch_names_it(
    make: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jsonpatch", None)  # as if not installed
    with pytest.raises(ImportError, match="pip install jsonpatch"):
        make()
    assert core.JsonOutputToolsParser().diff is False  # made without it when no deltas
