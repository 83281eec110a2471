"""The structured-output parsers of a partner package that strips a reasoning model's
`<think>` blocks (and a Markdown code fence) from the reply's text before parsing it
(`PartnerTraits.think_stripped`: langchain-perplexity's `ReasoningStructuredOutputParser` and
`ReasoningJsonOutputParser`): named as the partner's, so their runs (`astream_events`,
tracers) read the same, and reading a reply as the partner's do."""

from __future__ import annotations

import re
from typing import Any
from typing import Generic

from langchain_core.output_parsers import JsonOutputParser
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.outputs import Generation
from langchain_core.runnables import Runnable
from langchain_core.utils.pydantic import TBaseModel

__all__ = [
    "ReasoningJsonOutputParser",
    "ReasoningStructuredOutputParser",
    "reasoning_parser",
    "strip_think_tags",
]

_THINK = re.compile(r"<think>.*?</think>", flags=re.DOTALL)


def strip_think_tags(text: str) -> str:
    """`text` without its `<think>...</think>` blocks and an enclosing code fence.

    >>> strip_think_tags('<think>hmm</think>\\n```json\\n{"a": 1}\\n```')
    '{"a": 1}'
    """
    result = _THINK.sub("", text).strip()
    if result.startswith("```json"):
        result = result[len("```json") :].strip()
    elif result.startswith("```"):
        result = result[3:].strip()
    if result.endswith("```"):
        result = result[:-3].strip()
    return result


class ReasoningJsonOutputParser(JsonOutputParser):
    """LangChain's JSON parser over the reply's text with its reasoning stripped."""

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        text = strip_think_tags(result[0].text)
        return super().parse_result([Generation(text=text)], partial=partial)


class ReasoningStructuredOutputParser(PydanticOutputParser[TBaseModel], Generic[TBaseModel]):
    """LangChain's pydantic parser over the reply's text with its reasoning stripped."""

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        text = strip_think_tags(result[0].text)
        return super().parse_result([Generation(text=text)], partial=partial)


def reasoning_parser(schema: type[Any] | None) -> Runnable[Any, Any]:
    """The parser of a pydantic class `schema`'s object, or (None) of a JSON value."""
    if schema is None:
        return ReasoningJsonOutputParser()
    return ReasoningStructuredOutputParser(pydantic_object=schema)
