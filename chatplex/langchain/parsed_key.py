"""The `parsed` key of langchain-openai's replies, on a drop-in's: where a call binds a
pydantic class as its `response_format` (the partner's `with_structured_output(method=
"json_schema")`, an agent's `ProviderStrategy`, a script's `bind`), the partner's reply
carries `additional_kwargs["parsed"]`, the object the openai SDK's parse() read from the
text. `ClassFormat` is such a format as sent (the class kept beside it); `mark_parsed`
and `parsed_at_end` add the key to a reply and to a stream's last piece, as the partner
does; `parsed_key_parser` is the partner's parser of it. Which wires' partners carry it
is their `StructuredProfile.parsed_key`."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from functools import partial
from typing import Any

from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableLambda
from pydantic import BaseModel

from ..adapters.base import Adapter
from ..adapters.partner_traits import CutError
from ..adapters.tools import to_tool_specs
from ..chat import ChatModel
from .refusal_check import raise_on_refusal
from .traits import partner_error
from .traits import partner_traits

__all__ = [
    "ClassFormat",
    "MakeCut",
    "aparsed_at_end",
    "cut_error",
    "mark_parsed",
    "parsed_at_end",
    "parsed_key_parser",
    "parsed_value",
    "schema_json",
]


class ClassFormat(dict[str, Any]):
    """A `response_format` given as a pydantic class (v2's or v1's), as langchain-openai
    binds it (its `with_structured_output(method="json_schema")`, or a script's `bind`):
    the format the wire is sent (the SDK sends the class's JSON schema), holding the
    class the SDK's parse() reads the reply into, its `parsed`."""

    def __init__(self, sent: Mapping[str, Any], schema: type[Any]) -> None:
        super().__init__(sent)
        self.schema = schema

    def __repr__(self) -> str:
        # The class, as the partner's bound `response_format` reads: LangChain's cache
        # key of the call is written with it, so the partner's cached replies are found.
        return repr(self.schema)


def parsed_value(
    response_format: Any, content: Any, refusal: Any, *, each_text: bool = False
) -> Any:
    """A reply's `additional_kwargs["parsed"]` as the openai SDK's parse() gives it: its
    text (a Responses reply's: its text blocks) read into the class of a `ClassFormat`
    (a validation error raised, as the SDK raises it), None for a refusal, an empty text
    or a format given as a dict. `each_text` (`StructuredProfile.parsed_each_text`): each
    text block of a final answer read, an empty one too, the last kept."""
    if not isinstance(response_format, ClassFormat) or refusal:
        return None
    schema = response_format.schema
    read = getattr(schema, "model_validate_json", None) or schema.parse_raw  # (pydantic v1's)
    if each_text and isinstance(content, list):
        value = None
        for block in content:
            if _answer_text(block):
                value = read(block.get("text"))
        return value
    text = _reply_text(content)
    if not text:
        return None
    return read(text)


def _answer_text(block: Any) -> bool:
    """Whether `block` is the text of a final answer (of no phase, or "final_answer"), which
    the Responses `parse()` reads; another phase's (commentary) it leaves unread."""
    return (
        isinstance(block, dict)
        and block.get("type") == "text"
        and isinstance(block.get("text"), str)
        and block.get("phase") in (None, "final_answer")
    )


def schema_json(response_format: Any, content: Any) -> Any:
    """langchain-openai's Responses path's `additional_kwargs["parsed"]` for a JSON
    schema given as a dict (which it sends without the SDK's parse()): the reply's text
    read as JSON, since the finished response echoes the schema format; None for another
    format, an empty text or text that is not JSON (left unparsed, as it leaves it)."""
    if not _dict_schema(response_format):
        return None
    text = _reply_text(content)
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def _dict_schema(response_format: Any) -> bool:
    """Whether a call's `response_format` is a JSON schema given as a dict."""
    if isinstance(response_format, ClassFormat) or not isinstance(response_format, Mapping):
        return False
    return response_format.get("type") == "json_schema"


def _reply_text(content: Any) -> str:
    """A reply's text: its string, or (the Responses API's reply) its text blocks."""
    if isinstance(content, str):
        return content
    texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
    return "".join(t for t in texts if isinstance(t, str))


def parsed_key_parser(
    schema: type[BaseModel], refusal_error: tuple[str, str] | None = None, *, partner: bool
) -> LCRunnable[Any, Any]:
    """langchain-openai's parser of a reply to a pydantic class bound as its
    `response_format`: a `RunnableLambda` reading the whole reply's
    `additional_kwargs["parsed"]` (so a stream yields the object once, after the reply,
    and its events are a lambda's, not a parser's); None for a reply that calls a tool.
    A refusal raises the partner's `refusal_error` (`PartnerTraits.refusal_error`),
    read as `refusal_check.raise_on_refusal` reads it. A reply with neither raises,
    under a `partner`'s name, its ValueError (an empty text, a Responses stream's text
    that is no JSON); chatplex's own model, whose stream carries no `parsed`, leaves it
    to LangChain's pydantic parser."""
    fallback = None if partner else PydanticOutputParser(pydantic_object=schema)
    # A partial of a module function, not a closure: the structured model pickles and
    # deep-copies; a partial's name keeps the lambda's runs "RunnableLambda", as
    # langchain-openai's are.
    read = partial(_read_parsed, schema, refusal_error, fallback)
    return RunnableLambda(read).with_types(output_type=schema)


def _read_parsed(
    schema: type[BaseModel],
    refusal_error: tuple[str, str] | None,
    fallback: PydanticOutputParser[Any] | None,
    message: Any,
) -> Any:
    found = message.additional_kwargs.get("parsed")
    if found is not None:
        return schema(**found) if isinstance(found, dict) else found
    if refusal_error is not None:
        raise_on_refusal(message, refusal_error, any_provider=fallback is not None)
    if message.tool_calls:
        return None
    if fallback is not None:
        return fallback.invoke(message)
    raise ValueError(
        "Structured Output response does not have a 'parsed' field nor a 'refusal' "
        f"field. Received message:\n\n{message}"
    )


def mark_parsed(result: ChatResult, inner: Any, settings: Mapping[str, Any]) -> ChatResult:
    """`result` with `additional_kwargs["parsed"]` None on its first message when the call
    asked for a `response_format` and its wire's partner package's reply carries the key
    (langchain-openai's, through the SDK's parse(): `parsed_value`)."""
    adapter = _adapter(inner)
    # (or one sent on every call: model_kwargs', in each of langchain-openai's payloads)
    given = settings.get(
        "response_format", (getattr(inner, "extra_body", {}) or {}).get("response_format")
    )
    if given is None or adapter is None or not adapter.structured.parsed_key:
        return result
    message = result.generations[0].message
    _raise_if_cut(message, adapter)
    if "parsed" not in message.additional_kwargs:
        kwargs = message.additional_kwargs
        try:
            each = adapter.structured.parsed_each_text
            value = parsed_value(given, message.content, kwargs.get("refusal"), each_text=each)
        except ValueError as err:  # (pydantic's ValidationError, as the SDK's parse() raises)
            _with_response(err, adapter)
            raise
        if isinstance(given, ClassFormat) and adapter.structured.parsed_arguments:
            message.content = _with_parsed_arguments(message.content, inner, adapter, settings)
        if value is None and not adapter.structured.parsed_none:
            # The Responses API's: the key only for a parsed object (a dict schema's JSON).
            value = schema_json(given, message.content)
            if value is None:
                return result
        message.additional_kwargs = _with_parsed(kwargs, value)
    return result


def _with_parsed(kwargs: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """`kwargs` with `parsed` where langchain-openai's reader puts it: after a refusal
    (which it reads with the message's other fields), else first."""
    if not kwargs.get("refusal"):
        return {"parsed": value, **kwargs}
    items = list(kwargs.items())
    after = [key for key, _ in items].index("refusal") + 1
    return {**dict(items[:after]), "parsed": value, **dict(items[after:])}


def _raise_if_cut(message: Any, adapter: Adapter) -> None:
    """Raise its partner's error for a reply cut short (at the output-token limit, by a
    content filter), where its partner's SDK raises one reading a reply to a
    `response_format` call (`cut_error`), with the kept reply's HTTP response as
    `.response`."""
    make = cut_error(adapter)
    if make is None:
        return
    read = partner_traits(adapter).kept_reply
    reply = None if read is None else read(adapter)
    err = make(None if reply is None else reply[1], message.response_metadata, lambda: message)
    if err is not None:
        _with_response(err, adapter)
        raise err


#: How a cut reply's error is made (`cut_error`): `(body, response_metadata, read)`, the
#: reply's body (None: not kept, a stream's), its metadata (the finish reason) and what
#: gives the reply as read so far (called only where an error is made; None: unknown).
MakeCut = Callable[
    [bytes | None, Mapping[str, Any], Callable[[], Any] | None], BaseException | None
]


def cut_error(adapter: Adapter | None) -> MakeCut | None:
    """How its partner's error for a reply of a `response_format` call cut short is made
    (`MakeCut`): for the finish reason "length" `PartnerTraits.length_error`, for
    "content_filter" `PartnerTraits.content_filter_error`; None from it where its partner
    raises none for the reply, and None for a partner that raises neither."""
    traits = partner_traits(adapter)
    errors = {"length": traits.length_error, "content_filter": traits.content_filter_error}
    declared: dict[Any, CutError] = {r: made for r, made in errors.items() if made is not None}
    if not declared:
        return None

    def make(
        body: bytes | None,
        metadata: Mapping[str, Any],
        read: Callable[[], Any] | None = None,
    ) -> BaseException | None:
        made = declared.get(metadata.get("finish_reason"))
        if made is None:
            return None
        named, words_of = made
        words, fields = words_of(body, None if read is None else read())
        return partner_error(named, words, fields=fields)

    return make


def _with_parsed_arguments(
    content: Any, inner: Any, adapter: Adapter, settings: Mapping[str, Any]
) -> Any:
    """`content` with each function-call block of a strict tool (the call's, else the
    model's) carrying its arguments read as JSON, `parsed_arguments`
    (`StructuredProfile.parsed_arguments`); a block whose arguments are no JSON as it is."""
    if not isinstance(content, list):
        return content
    given = settings.get("tools")
    tools = to_tool_specs(given, builtin=adapter.builtin_tool) if given else inner.tools
    strict = {tool.name for tool in tools if tool.strict and tool.builtin is None}
    blocks = []
    for block in content:
        called = isinstance(block, dict) and block.get("type") == "function_call"
        if called and block.get("name") in strict and "parsed_arguments" not in block:
            with contextlib.suppress(TypeError, ValueError):
                block = {**block, "parsed_arguments": json.loads(block["arguments"])}
        blocks.append(block)
    return blocks


def _with_response(err: BaseException, adapter: Adapter) -> None:
    """`err` carrying the call's HTTP response as `.response`, where its partner's does
    and the call's adapter kept the reply (`PartnerTraits.kept_reply`)."""
    read = partner_traits(adapter).kept_reply
    reply = None if read is None else read(adapter)
    if reply is None:
        return
    import httpx  # (only for a reply that failed its schema)

    url, body, headers = reply
    request = httpx.Request("POST", url)
    err.response = httpx.Response(200, headers=headers, content=body, request=request)  # type: ignore[attr-defined]


class _StreamParsed:
    """What `parsed_at_end` reads of a stream: the text of its pieces so far, and
    whether its last piece (`chunk_position="last"`, the finished response's) gets the
    object parsed from it."""

    __slots__ = ("format", "texts")

    def __init__(self, inner: Any, settings: Mapping[str, Any]) -> None:
        adapter = _adapter(inner)
        given = settings.get("response_format")
        # langchain-openai's Responses stream (the key only with a parsed object) reads
        # the object from the finished response; its Chat Completions stream is the
        # SDK helper's (`helper_stream.py`).
        profile = adapter.structured if adapter is not None else None
        wanted = profile is not None and profile.parsed_key and not profile.parsed_none
        keyed = isinstance(given, ClassFormat) or _dict_schema(given)
        self.format = given if wanted and keyed else None
        self.texts: list[Any] = []

    def passed(self, piece: ChatGenerationChunk) -> ChatGenerationChunk:
        message = piece.message
        content = message.content
        self.texts.extend(
            content if isinstance(content, list) else [{"type": "text", "text": content}]
        )
        if (
            getattr(message, "chunk_position", None) == "last"
            and "parsed" not in message.additional_kwargs
        ):
            value = _streamed_value(self.format, self.texts)
            if value:  # (a falsy object is left out, as langchain-openai's stream leaves it)
                message.additional_kwargs = {**message.additional_kwargs, "parsed": value}
        return piece


def _streamed_value(response_format: Any, content: Any) -> Any:
    """A Responses stream's object, as langchain-openai reads it from the finished
    response: text that is no JSON left unparsed (None), JSON read into the class of a
    `ClassFormat` by its constructor (its error raised), a dict schema's JSON as it is."""
    text = _reply_text(content)
    try:
        loaded = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    if loaded is not None and isinstance(response_format, ClassFormat):
        return response_format.schema(**loaded)
    return loaded


def parsed_at_end(
    pieces: Iterator[ChatGenerationChunk], inner: Any, settings: Mapping[str, Any]
) -> Iterator[ChatGenerationChunk]:
    """A drop-in's stream, its last piece carrying `additional_kwargs["parsed"]` where
    the call asked for a pydantic class's `response_format` (or a JSON schema as a dict:
    the JSON read) and the wire's partner reads the object into its stream's last chunk
    (langchain-openai's Responses stream, which its structured-output lambda reads
    there). A stream with nothing to parse is `pieces` itself (no layer each piece
    passes through)."""
    reading = _StreamParsed(inner, settings)
    if reading.format is None:
        return pieces
    return (reading.passed(piece) for piece in pieces)


def aparsed_at_end(
    pieces: AsyncIterator[ChatGenerationChunk], inner: Any, settings: Mapping[str, Any]
) -> AsyncIterator[ChatGenerationChunk]:
    """`parsed_at_end` of an async stream."""
    reading = _StreamParsed(inner, settings)
    if reading.format is None:
        return pieces
    return (reading.passed(piece) async for piece in pieces)


def _adapter(inner: Any) -> Adapter | None:
    """The wire of the chatplex model underneath (None for another runnable)."""
    return inner.adapter if isinstance(inner, ChatModel) else None
