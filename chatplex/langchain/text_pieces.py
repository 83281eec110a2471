"""LangChain's `AIMessageChunk` and `ChatGenerationChunk` of a stream's text delta, built
as pydantic's validation builds them, without it.

A stream's middle chunks are text deltas alone (`StreamTranslator`'s plain chunks), one
per token; validating each (its fields, then `AIMessageChunk`'s and
`ChatGenerationChunk`'s validators, which leave such a chunk as it is) cost a drop-in's
stream more than parsing the event. Each piece here is a copy of the state validation
gave a template built once with the same keywords (its field values, fields set and
extras), so a field a later langchain-core adds comes with its default; its containers
are fresh, its own values put in. Equal to the validated piece, fields set included
(tests); a value validation would change (an id or name that is not a string) takes the
validated path.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

__all__ = ["text_message_chunk", "text_piece"]

_new = object.__new__
_set = object.__setattr__


class _Template:
    """The state validation gives a model built with `fields`: what each copy starts from."""

    __slots__ = ("containers", "extra", "fields_set", "private", "values")

    def __init__(self, model: Any) -> None:
        self.values: dict[str, Any] = dict(model.__dict__)
        # Empty lists and dicts (defaults, or given empty): each copy gets fresh ones.
        self.containers = tuple(k for k, v in self.values.items() if type(v) in (list, dict))
        self.fields_set = frozenset(model.__pydantic_fields_set__)
        self.extra = model.__pydantic_extra__
        self.private = model.__pydantic_private__

    def copy(self, cls: type[Any], values: dict[str, Any]) -> Any:
        state = self.values.copy()
        for key in self.containers:
            state[key] = state[key].__class__()
        state.update(values)
        made = _new(cls)
        _set(made, "__dict__", state)
        _set(made, "__pydantic_fields_set__", set(self.fields_set))
        _set(made, "__pydantic_extra__", None if self.extra is None else dict(self.extra))
        _set(made, "__pydantic_private__", None if self.private is None else dict(self.private))
        return made


# The keywords StreamTranslator's chunks are built with (their fields set).
_MESSAGE = _Template(
    LCAIMessageChunk(
        content="",
        id=None,
        name=None,
        additional_kwargs={},
        response_metadata={},
        tool_call_chunks=[],
        usage_metadata=None,
        chunk_position=None,
    )
)
_PIECE = _Template(ChatGenerationChunk(message=LCAIMessageChunk(content=""), generation_info=None))


def text_message_chunk(
    content: str, id: str | None, name: str | None, metadata: dict[str, Any]
) -> LCAIMessageChunk:
    """`LCAIMessageChunk(content=content, id=id, name=name, additional_kwargs={},
    response_metadata=metadata, tool_call_chunks=[], usage_metadata=None,
    chunk_position=None)` (`metadata` taken as it is: pass a copy you own)."""
    if not (
        content.__class__ is str
        and (id is None or id.__class__ is str)
        and (name is None or name.__class__ is str)
    ):
        return LCAIMessageChunk(
            content=content,
            id=id,
            name=name,
            additional_kwargs={},
            response_metadata=metadata,
            tool_call_chunks=[],
            usage_metadata=None,
            chunk_position=None,
        )
    values = {"content": content, "id": id, "name": name, "response_metadata": metadata}
    chunk: LCAIMessageChunk = _MESSAGE.copy(LCAIMessageChunk, values)
    return chunk


def text_piece(message: LCAIMessageChunk) -> ChatGenerationChunk:
    """`ChatGenerationChunk(message=message, generation_info=None)` of a message with
    string content (its validator's `text` is then the message's)."""
    if message.content.__class__ is not str:
        return ChatGenerationChunk(message=message, generation_info=None)
    piece: ChatGenerationChunk = _PIECE.copy(
        ChatGenerationChunk, {"message": message, "text": message.text}
    )
    return piece
