"""`JsonOutputParser` and `PydanticOutputParser`: a model's JSON reply as a value, or
as a pydantic object; streamed, the value so far, as LangChain's parsers stream it.

>>> JsonOutputParser().invoke('```json\\n{"name": "tea", "tags": ["hot"]}\\n```')
{'name': 'tea', 'tags': ['hot']}
>>> list(JsonOutputParser().transform(iter(['{"name": "te', 'a", "n": 1', "}"])))
[{'name': 'te'}, {'name': 'tea'}, {'name': 'tea', 'n': 1}]

Streaming yields the whole value parsed so far each time it changes (cumulative dicts);
with `diff=True`, the JSON Patch operations from the last value to this one, as
LangChain's (the jsonpatch package makes them, imported on first use).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from ._partial_json import checked_diff
from ._partial_json import json_delta
from ._partial_json import parse_json_markdown
from ._pure import PureRunnable
from .parsers import OutputParserException
from .parsers import ParserMethods
from .parsers import parser_text
from .run_config import RunnableConfig

__all__ = ["JsonOutputParser", "PydanticOutputParser", "SimpleJsonOutputParser"]

# LangChain's wording, kept word for word: a ported prompt asks the model the same thing.
_JSON_FORMAT_INSTRUCTIONS = """STRICT OUTPUT FORMAT:
- Return only the JSON value that conforms to the schema. Do not include any additional text, explanations, headings, or separators.
- Do not wrap the JSON in Markdown or code fences (no ``` or ```json).
- Do not prepend or append any text (e.g., do not write "Here is the JSON:").
- The response must be a single top-level JSON value exactly as required by the schema (object/array/etc.), with no trailing commas or comments.

The output should be formatted as a JSON instance that conforms to the JSON schema below.

As an example, for the schema {{"properties": {{"foo": {{"title": "Foo", "description": "a list of strings", "type": "array", "items": {{"type": "string"}}}}}}, "required": ["foo"]}} the object {{"foo": ["bar", "baz"]}} is a well-formatted instance of the schema. The object {{"properties": {{"foo": ["bar", "baz"]}}}} is not well-formatted.

Here is the output schema (shown in a code block for readability only — do not include any backticks or Markdown in your output):
```
{schema}
```"""  # noqa: E501

_PYDANTIC_FORMAT_INSTRUCTIONS = """The output should be formatted as a JSON instance that conforms to the JSON schema below.

As an example, for the schema {{"properties": {{"foo": {{"title": "Foo", "description": "a list of strings", "type": "array", "items": {{"type": "string"}}}}}}, "required": ["foo"]}}
the object {{"foo": ["bar", "baz"]}} is a well-formatted instance of the schema. The object {{"properties": {{"foo": ["bar", "baz"]}}}} is not well-formatted.

Here is the output schema:
```
{schema}
```"""  # noqa: E501


def _schema_text(model: Any) -> str:
    schema = dict(model.model_json_schema())
    schema.pop("title", None)
    schema.pop("type", None)
    return json.dumps(schema, ensure_ascii=False)


class JsonOutputParser(ParserMethods, PureRunnable[Any, Any]):
    """A message or str holding JSON (bare, or in a ```json fence) → its value.

    Invalid JSON raises `OutputParserException` (a `ValueError`) with the text as
    `llm_output`. `pydantic_object` (a pydantic model class) only shapes
    `get_format_instructions()`; the value is not validated (see `PydanticOutputParser`).
    """

    _run_type = "parser"

    def __init__(
        self, *, pydantic_object: Any = None, diff: bool = False, name: str | None = None
    ) -> None:
        self._named(name)
        self.pydantic_object = pydantic_object
        self.diff = checked_diff(diff)

    def get_format_instructions(self) -> str:
        """What to tell the model (LangChain's wording)."""
        if self.pydantic_object is None:
            return "Return a JSON object."
        return _JSON_FORMAT_INSTRUCTIONS.format(schema=_schema_text(self.pydantic_object))

    def _value(self, text: str, *, partial: bool) -> Any:
        text = text.strip()
        try:
            return parse_json_markdown(text)
        except json.JSONDecodeError as exc:
            if partial:
                return None
            raise OutputParserException(f"Invalid json output: {text}", llm_output=text) from exc

    def _final(self, value: Any, *, partial: bool) -> Any:
        """What a parsed value becomes (a subclass validates it)."""
        return value

    def parse(self, text: str) -> Any:
        """The value of a complete reply's text."""
        return self._final(self._value(text, partial=False), partial=False)

    def parse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        """The first generation's JSON; with `partial`, the value so far (None if there
        is none yet), as a stream sees it."""
        text = result[0].text
        return self._step(text, None) if partial else self.parse(text)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self.parse(parser_text(input, type(self).__name__))

    def _step(self, text: str, previous: Any) -> Any:
        value = self._value(text, partial=True)
        return None if value is None else self._final(value, partial=True)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        so_far = _SoFar(self)
        for chunk in chunks:
            piece = so_far.add(chunk)
            if piece is not _SAME:
                yield piece

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        so_far = _SoFar(self)
        async for chunk in chunks:
            piece = so_far.add(chunk)
            if piece is not _SAME:
                yield piece


_SAME = object()


class _SoFar:
    """A stream's text so far and the value it parses to (the plan both `transform`s
    share): `add` returns what to yield, or `_SAME` when there is no value yet or it
    did not change."""

    def __init__(self, parser: JsonOutputParser) -> None:
        self._parser = parser
        self._text = ""
        self._value: Any = None

    def add(self, chunk: Any) -> Any:
        self._text += parser_text(chunk, type(self._parser).__name__)
        value = self._parser._step(self._text, self._value)
        if value is None or value == self._value:
            return _SAME
        previous, self._value = self._value, value
        return json_delta(previous, value) if self._parser.diff else value


#: LangChain's older name for the same parser.
SimpleJsonOutputParser = JsonOutputParser


class PydanticOutputParser(JsonOutputParser):
    """A JSON reply → an instance of `pydantic_object` (a pydantic model class).

    A reply that is not JSON, or does not fit the model, raises `OutputParserException`
    naming the model, the JSON and pydantic's error. Streamed, it yields a model instance
    each time the value so far validates and differs from the last one.

    Examples:
        >>> from pydantic import BaseModel
        >>> class Joke(BaseModel):
        ...     setup: str
        ...     punchline: str
        >>> PydanticOutputParser(pydantic_object=Joke).invoke('{"setup": "a", "punchline": "b"}')
        Joke(setup='a', punchline='b')
    """

    def __init__(self, *, pydantic_object: Any, name: str | None = None) -> None:
        if not callable(getattr(pydantic_object, "model_validate", None)):
            raise TypeError(
                "PydanticOutputParser needs a pydantic model class (pydantic v2) as "
                f"pydantic_object, got {pydantic_object!r}"
            )
        super().__init__(pydantic_object=pydantic_object, name=name)

    def _base_name(self) -> str:
        return self.name or "PydanticOutputParser"

    @property
    def OutputType(self) -> Any:  # noqa: N802 - LangChain's name, read by schemas
        return self.pydantic_object

    def get_format_instructions(self) -> str:
        return _PYDANTIC_FORMAT_INSTRUCTIONS.format(schema=_schema_text(self.pydantic_object))

    def _final(self, value: Any, *, partial: bool) -> Any:
        from pydantic import ValidationError  # the user's model already loaded pydantic

        try:
            return self.pydantic_object.model_validate(value)
        except ValidationError as exc:
            if partial:
                return None
            text = json.dumps(value, ensure_ascii=False)
            name = self.pydantic_object.__name__
            raise OutputParserException(
                f"Failed to parse {name} from completion {text}. Got: {exc}", llm_output=text
            ) from exc
