"""Tool-call output parsers: a model's tool calls → plain values, as LangChain's
`openai_tools` parsers give them. Streamed, the calls parsed so far, each time they
change (cumulative, not deltas).

>>> from chatplex import AIMessage
>>> reply = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}])
>>> JsonOutputToolsParser().invoke(reply)
[{'args': {'a': 1}, 'type': 'add'}]
>>> JsonOutputKeyToolsParser(key_name="add", first_tool_only=True).invoke(reply)
{'a': 1}
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from ..messages import AIMessage
from ..messages import BaseMessage
from ._partial_json import checked_diff
from ._partial_json import json_delta
from ._partial_json import parse_json_markdown
from ._pure import PureRunnable
from .parsers import OutputParserException
from .parsers import ParserMethods
from .run_config import RunnableConfig

__all__ = ["JsonOutputKeyToolsParser", "JsonOutputToolsParser", "PydanticToolsParser"]

_NOT_CHAT = "This output parser can only be used with a chat generation."


class _Generation:
    """What `parse_result` reads of a reply: its message (LangChain's ChatGeneration)."""

    __slots__ = ("message",)

    def __init__(self, message: BaseMessage) -> None:
        self.message = message


def _raw_call(raw: dict[str, Any], *, partial: bool, strict: bool, return_id: bool) -> Any:
    """One OpenAI-format call of `additional_kwargs["tool_calls"]`, as LangChain parses it."""
    if "function" not in raw:
        return None
    function = raw["function"]
    arguments = function["arguments"]
    if partial:
        try:
            args = parse_json_markdown(arguments)
        except (json.JSONDecodeError, TypeError):
            return None
    elif not arguments:
        args = {}
    else:
        try:
            args = json.loads(arguments, strict=strict)
        except json.JSONDecodeError as exc:
            raise OutputParserException(
                f"Function {function['name']} arguments:\n\n{arguments}\n\nare not valid "
                f"JSON. Received JSONDecodeError {exc}"
            ) from exc
    parsed = {"name": function["name"] or "", "args": args or {}}
    if return_id:
        parsed.update(id=raw.get("id"), type="tool_call")
    return parsed


def _raw_calls(raws: list[Any], *, partial: bool, strict: bool, return_id: bool) -> list[Any]:
    calls, errors = [], []
    for raw in raws:
        try:
            if call := _raw_call(raw, partial=partial, strict=strict, return_id=return_id):
                calls.append(call)
        except OutputParserException as exc:
            errors.append(str(exc))
    if errors:
        raise OutputParserException("\n\n".join(errors))
    return calls


class JsonOutputToolsParser(ParserMethods, PureRunnable[Any, Any]):
    """A reply's tool calls → `[{"type": name, "args": {...}}, ...]` (with `"id"` when
    `return_id`); `first_tool_only`: the first call alone, or None."""

    _run_type = "parser"

    def __init__(
        self,
        *,
        strict: bool = False,
        return_id: bool = False,
        first_tool_only: bool = False,
        diff: bool = False,
        name: str | None = None,
    ) -> None:
        self._named(name)
        self.strict = strict
        self.return_id = return_id
        self.first_tool_only = first_tool_only
        self.diff = checked_diff(diff)

    def parse(self, text: str) -> Any:
        raise NotImplementedError("a tools parser reads a message's tool calls, not text")

    def _calls(self, result: list[Any], *, partial: bool) -> list[dict[str, Any]] | None:
        """The reply's calls, or None when it has none of either kind (LangChain then
        answers `[]`, even to `first_tool_only`)."""
        message = getattr(result[0], "message", None)
        if message is None:
            raise OutputParserException(_NOT_CHAT)
        if isinstance(message, AIMessage) and message.tool_calls:
            calls = [dict(call) for call in message.tool_calls]
            if not self.return_id:
                for call in calls:
                    call.pop("id")
        else:
            raws = message.additional_kwargs.get("tool_calls")
            if raws is None:
                return None
            calls = _raw_calls(
                copy.deepcopy(raws), partial=partial, strict=self.strict, return_id=self.return_id
            )
        for call in calls:
            call["type"] = call.pop("name")
        return calls

    def parse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        calls = self._calls(result, partial=partial)
        if calls is None:
            return []
        if self.first_tool_only:
            return calls[0] if calls else None
        return calls

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        if not isinstance(input, BaseMessage):
            raise OutputParserException(_NOT_CHAT)
        return self.parse_result([_Generation(input)])

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        so_far = _SoFar(self)
        for chunk in chunks:
            if (value := so_far.add(chunk)) is not _SAME:
                yield value

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        so_far = _SoFar(self)
        async for chunk in chunks:
            if (value := so_far.add(chunk)) is not _SAME:
                yield value


_SAME = object()


class _SoFar:
    """A stream's message so far and what it parses to (the plan both `transform`s
    share): `add` returns the new value, or `_SAME` when there is none or it did not
    change."""

    def __init__(self, parser: JsonOutputToolsParser) -> None:
        self._parser = parser
        self._message: Any = None
        self._value: Any = None

    def add(self, chunk: Any) -> Any:
        if not isinstance(chunk, BaseMessage):
            raise OutputParserException(_NOT_CHAT)
        self._message = chunk if self._message is None else self._message + chunk
        value = self._parser.parse_result([_Generation(self._message)], partial=True)
        if value is None or value == self._value:
            return _SAME
        previous, self._value = self._value, value
        return json_delta(previous, value) if self._parser.diff else value


class JsonOutputKeyToolsParser(JsonOutputToolsParser):
    """The arguments of the calls to the tool named `key_name` (whole calls with
    `return_id`); `first_tool_only`: the first such call alone, or None."""

    def __init__(
        self,
        *,
        key_name: str,
        strict: bool = False,
        return_id: bool = False,
        first_tool_only: bool = False,
        diff: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(
            strict=strict,
            return_id=return_id,
            first_tool_only=first_tool_only,
            diff=diff,
            name=name,
        )
        self.key_name = key_name

    def parse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        named = [
            c for c in self._calls(result, partial=partial) or () if c["type"] == self.key_name
        ]
        if self.first_tool_only:
            if not named:
                return None
            return named[0] if self.return_id else named[0]["args"]
        return named if self.return_id else [call["args"] for call in named]


class PydanticToolsParser(JsonOutputToolsParser):
    """The calls as instances of the pydantic classes in `tools`, matched by the class's
    title (or name). Streamed, the calls whose arguments so far validate."""

    def __init__(
        self,
        *,
        tools: Sequence[type],
        strict: bool = False,
        return_id: bool = False,
        first_tool_only: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(
            strict=strict, return_id=return_id, first_tool_only=first_tool_only, name=name
        )
        self.tools = list(tools)

    def parse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        from pydantic import ValidationError  # the user's tools already loaded pydantic

        calls = self._calls(result, partial=partial) or []
        if self.first_tool_only:
            calls = calls[:1]
        by_name = {
            getattr(tool, "model_config", {}).get("title") or tool.__name__: tool
            for tool in self.tools
        }
        made = []
        for call in calls:
            if not isinstance(call["args"], dict):
                if partial:
                    continue
                raise ValueError(
                    f"Tool arguments must be specified as a dict, received: {call['args']}"
                )
            tool = by_name.get(call["type"])
            if tool is None:
                available = ", ".join(by_name) or "<no_tools>"
                raise OutputParserException(
                    f"Unknown tool type: {call['type']!r}. Available tools: {available}"
                )
            try:
                made.append(tool(**call["args"]))
            except (ValidationError, ValueError):
                if partial:
                    continue
                raise
        if self.first_tool_only:
            return made[0] if made else None
        return made
