"""LangChain's reply objects (`AIMessage`, `ChatGeneration`, `ChatResult`) for a reply
made here, written as pydantic's construction and validation write them, without their
walks over each field: a text reply's three objects were about half of its conversion
on every request.

Each writer checks once, at import, that LangChain's class is still what it writes (its
fields in order, no private attributes, nothing run after construction), and builds
through pydantic otherwise. `tests/langchain/test_replies.py` compares every object with
what LangChain's own constructors make.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages.ai import UsageMetadata as LCUsageMetadata
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import ChatResult

__all__ = ["ai_message", "chat_generation", "chat_result_of"]

_object_setattr = object.__setattr__

#: LangChain's AIMessage fields, in its order (`type` aside: its default).
_AI_FIELDS = (
    "content",
    "additional_kwargs",
    "response_metadata",
    "type",
    "name",
    "id",
    "tool_calls",
    "invalid_tool_calls",
    "usage_metadata",
)
#: Whether LangChain's AIMessage is still what `ai_message` writes: those fields, extra
#: keys allowed, no private attributes, nothing run after construction.
_AI_WRITTEN = (
    tuple(LCAIMessage.model_fields) == _AI_FIELDS
    and LCAIMessage.model_fields["type"].default == "ai"
    and LCAIMessage.model_config.get("extra") == "allow"
    and not LCAIMessage.__private_attributes__
    and LCAIMessage.__pydantic_post_init__ is None
)
#: Whether LangChain's ChatGeneration and ChatResult are still what `chat_generation`
#: and `chat_result_of` write: these fields in this order, no extras kept, no private
#: attributes, nothing run after construction.
_RESULTS_WRITTEN = (
    tuple(ChatGeneration.model_fields) == ("text", "generation_info", "type", "message")
    and tuple(ChatResult.model_fields) == ("generations", "llm_output")
    and all(
        cls.model_config.get("extra") in (None, "ignore")
        and not cls.__private_attributes__
        and cls.__pydantic_post_init__ is None
        for cls in (ChatGeneration, ChatResult)
    )
)


def ai_message(fields: dict[str, Any], usage: LCUsageMetadata | None) -> LCAIMessage:
    """`LCAIMessage.model_construct(**fields, usage_metadata=usage)`, written as it writes
    it: the same instance dict, fields set and extras, without its walk over each field's
    default."""
    if not _AI_WRITTEN:
        return LCAIMessage.model_construct(**fields, usage_metadata=usage)
    message = LCAIMessage.__new__(LCAIMessage)
    held = {**fields, "type": "ai", "usage_metadata": usage}
    _object_setattr(message, "__dict__", {name: held[name] for name in _AI_FIELDS})
    _object_setattr(message, "__pydantic_fields_set__", {*fields, "usage_metadata"})
    _object_setattr(message, "__pydantic_extra__", {})
    _object_setattr(message, "__pydantic_private__", None)
    return message


def chat_generation(message: Any, info: dict[str, Any] | None) -> ChatGeneration:
    """`ChatGeneration(message=message, generation_info=info)`; with text content,
    written as its validation writes it (its `text` the message's, as its `set_text`
    reads it)."""
    if not _RESULTS_WRITTEN or type(message.content) is not str:
        return ChatGeneration(message=message, generation_info=info)
    generation = ChatGeneration.__new__(ChatGeneration)
    held = {
        "text": message.text,
        "generation_info": None if info is None else dict(info),
        "type": "ChatGeneration",
        "message": message,
    }
    _object_setattr(generation, "__dict__", held)
    _object_setattr(generation, "__pydantic_fields_set__", {"text", "generation_info", "message"})
    _object_setattr(generation, "__pydantic_extra__", None)
    _object_setattr(generation, "__pydantic_private__", None)
    return generation


def chat_result_of(
    generations: list[ChatGeneration], llm_output: dict[str, Any] | None
) -> ChatResult:
    """`ChatResult(generations=generations, llm_output=llm_output)`, written as its
    validation writes it (a copy of each container)."""
    if not _RESULTS_WRITTEN:
        return ChatResult(generations=generations, llm_output=llm_output)
    result = ChatResult.__new__(ChatResult)
    held = {
        "generations": list(generations),
        "llm_output": None if llm_output is None else dict(llm_output),
    }
    _object_setattr(result, "__dict__", held)
    _object_setattr(result, "__pydantic_fields_set__", {"generations", "llm_output"})
    _object_setattr(result, "__pydantic_extra__", None)
    _object_setattr(result, "__pydantic_private__", None)
    return result
