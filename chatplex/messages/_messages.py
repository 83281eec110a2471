"""Message classes: small typed values with a `type` discriminator.

Dataclasses with slots rather than pydantic models: a streamed reply builds one chunk per
token, so construction cost matters, and `import chatplex` stays cheap. A reply's
metadata and usage may be built on first read (`_lazy.py`); chunks built from a text
delta or a whole reply: `_chunk_builders.py`.
"""

from __future__ import annotations

import builtins
import json
import sys
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import KW_ONLY
from dataclasses import InitVar
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Literal
from typing import TypeGuard

from ._lazy import PENDING
from ._lazy import BuiltOnRead
from ._lazy import DerivedOnRead
from ._lazy import LazyMetadata
from ._lazy import LazyValue
from ._lazy import keep_first
from ._merge import merged_fields
from ._pretty import message_repr
from ._pretty import message_str
from ._types import Content
from ._types import InvalidToolCall
from ._types import TextAccessor
from ._types import ToolCall
from ._types import ToolCallChunk
from ._types import UsageMetadata
from ._types import content_text

if TYPE_CHECKING:  # annotations only: at run time typing_extensions costs ~2-4 ms of imports
    from typing import Self

__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "BaseMessage",
    "CALL_PLACE_KEY",
    "CHAT_ROLE_KEY",
    "FUNCTION_RESULT_KEY",
    "HumanMessage",
    "PydanticMarks",
    "SystemMessage",
    "ToolMessage",
    "answers_by_name",
    "content_text",
    "has_metadata",
    "merge_chunks",
    "metadata_value",
    "peek_usage",
    "set_metadata",
]


_COMMON_FIELDS = ("content", "additional_kwargs", "response_metadata", "type", "name", "id")

#: chatplex message class -> LangChain's matching class, filled by `_border.py` when
#: LangChain's message modules are imported (empty while they are not).
AS_LANGCHAIN: dict[type, type] = {}


def _langchain_class_of(own: type) -> type:
    """LangChain's class for a subclass of a chatplex message (a user's own)."""
    for klass in own.__mro__[1:]:
        found = AS_LANGCHAIN.get(klass)
        if found is not None:
            return found
    return own


class PydanticMarks:
    """A base of what stands in for LangChain's pydantic models (the messages, core's
    prompt values), and no dataclass: where `_border.answer_older_pydantic` puts what an
    older pydantic looks for before it answers `isinstance` (nothing until then)."""

    __slots__ = ()


class _FieldDict(PydanticMarks):
    """`__dict__` as a pydantic model has it: the fields, in LangChain's order (`type`
    included). LangChain's code reads it (`message_chunk_to_message` rebuilds a message
    from it; LangGraph calls that), as does pydantic's `__eq__`. A property of this base
    class because `dataclass(slots=True)` drops one defined in the dataclass itself."""

    __slots__ = ()
    type: ClassVar[str]
    _field_order: ClassVar[tuple[str, ...]]

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        return {
            name: self.type if name == "type" else getattr(self, name)
            for name in type(self)._field_order
        }


#: `(message) -> prompt`: a chatplex.core `ChatPromptTemplate` of that message, for
#: `message + other` (core is a layer above: the package root sets it).
prompt_factory: Callable[[BaseMessage], Any] | None = None


#: `content` not given: `content_blocks=` in its place (LangChain 1.x's keyword).
_NO_CONTENT: Any = object()


@dataclass(slots=True)
class BaseMessage(_FieldDict):
    """Common fields of every message. Use a concrete subclass."""

    content: Content = _NO_CONTENT
    _: KW_ONLY
    id: str | None = None
    name: str | None = None
    additional_kwargs: dict[str, Any] = field(default_factory=dict)
    response_metadata: dict[str, Any] = field(default_factory=dict)
    if TYPE_CHECKING:

        @property
        def content_blocks(self) -> list[dict[str, Any]]: ...
    else:  # the constructor's keyword; read, the property set below the class
        content_blocks: InitVar[list[Any] | None] = None

    type: ClassVar[str] = "base"
    #: The fields in LangChain's `model_dump` order (`_pydantic.py`, `_dicts.py`).
    _field_order: ClassVar[tuple[str, ...]] = _COMMON_FIELDS

    def __post_init__(self, content_blocks: list[Any] | None) -> None:  # type: ignore[override]
        _take_blocks(self, content_blocks)

    @property
    def text(self) -> TextAccessor:
        """The message's text, whether `content` is a string or a list of blocks (a str,
        which LangChain's `.text()` of before 1.0 also calls, warning, as LangChain's)."""
        return TextAccessor(content_text(self.content))

    def pretty_repr(self, html: bool = False) -> str:
        """The text LangChain prints for this message (`html=True` bolds the title)."""
        from ._pretty import pretty_repr

        return pretty_repr(self, html=html)

    def pretty_print(self) -> None:
        """Print `pretty_repr()`, the title bold in an interactive session (as LangChain)."""
        from ._pretty import is_interactive

        print(self.pretty_repr(html=is_interactive()))

    def __add__(self, other: Any) -> Any:
        """LangChain's `message + other`: a `ChatPromptTemplate` of this message with
        `other` added as a prompt adds it (a message, a template string, a tuple...)."""
        if prompt_factory is None:  # cannot happen after `import chatplex`
            return NotImplemented
        return prompt_factory(self) + other

    # LangChain's view of this message (see `_border.py` and ARCHITECTURE.md, "LangChain
    # objects meet chatplex"): once LangChain's message classes are loaded, `__class__`
    # names the matching one, so LangChain's `isinstance` checks (pydantic's included)
    # accept chatplex messages; `type(message)` stays the chatplex class.
    @property  # type: ignore[misc]
    def __class__(self) -> builtins.type:
        own = type(self)
        if not AS_LANGCHAIN:
            return own
        return AS_LANGCHAIN.get(own) or _langchain_class_of(own)

    def __reduce__(self) -> Any:
        # Pickle and copy by the real class (pickle compares it with `__class__`).
        from ._pydantic import reduce_message

        return reduce_message(self)

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        exclude_none: bool = False,
        by_alias: bool = False,
    ) -> dict[str, Any]:
        """The fields as a dict, as LangChain's (pydantic) `model_dump` gives them:
        `content`, `additional_kwargs`, `response_metadata`, `type`, `name`, `id`, then
        the type's own fields. `by_alias` changes nothing (no field has an alias)."""
        from ._pydantic import dump_message

        return dump_message(self, mode, include, exclude, exclude_none)

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        exclude_none: bool = False,
        by_alias: bool = False,
    ) -> str:
        """`model_dump(mode="json")` as a JSON string (compact unless `indent`)."""
        from ._pydantic import dump_message_json

        return dump_message_json(self, indent, include, exclude, exclude_none)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy of the same class, with `update`'s fields set (not validated, as in
        pydantic); `deep=True` copies the field values too."""
        from ._pydantic import copy_message

        return copy_message(self, update, deep)  # type: ignore[no-any-return]

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """A message of this class from a dict of its fields (a `type` key may pick a
        subclass), a LangChain message, or a message (returned as it is)."""
        from ._pydantic import validate_message

        return validate_message(cls, obj)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        """`model_validate` of a JSON object."""
        return cls.model_validate(json.loads(data))

    #: What LangChain's serialiser (`dumpd`) reads besides `to_json`: no field has an
    #: alias, none is a secret.
    model_fields: ClassVar[dict[str, Any]] = {}
    lc_secrets: ClassVar[dict[str, str]] = {}

    # What pydantic's `__eq__` reads besides `__dict__` (`_FieldDict`), so that
    # `langchain_message == chatplex_message` compares the fields. The extras are a
    # LangChain message's (`extra="allow"`: `{}`, none given; never written, as a
    # message takes no extra field): pydantic before 2.13 compares them as they are,
    # where None is not `{}`.
    __pydantic_generic_metadata__: ClassVar[dict[str, Any]] = {
        "origin": None,
        "args": (),
        "parameters": (),
    }
    __pydantic_private__: ClassVar[None] = None
    __pydantic_extra__: ClassVar[dict[str, Any]] = {}

    def to_json(self) -> dict[str, Any]:
        """LangChain's serialised form (`dumpd`, its tracers call it); needs langchain-core."""
        from ._pydantic import langchain_json

        return langchain_json(self)  # type: ignore[no-any-return]


def _standard_blocks(message: BaseMessage) -> list[dict[str, Any]]:
    """The content as LangChain 1.x's standard blocks (`text`, `reasoning`, `tool_call`,
    `image`, ..., `non_standard`); see `_blocks.py`."""
    from ._blocks import content_blocks

    return content_blocks(message)


# Set after the class is made: in its body it would be `content_blocks=`'s default.
BaseMessage.content_blocks = property(_standard_blocks)  # type: ignore[method-assign,assignment]


def _take_blocks(message: BaseMessage, content_blocks: list[Any] | None) -> None:
    """`content_blocks=` as the content (over `content`), and an AI message's tool_call
    blocks as its calls where none were given, as LangChain takes them."""
    if content_blocks is not None:
        message.content = list(content_blocks)
        if isinstance(message, AIMessage) and not message.tool_calls:
            message.tool_calls = [b for b in content_blocks if b.get("type") == "tool_call"]
    elif message.content is _NO_CONTENT:
        raise TypeError(f"{type(message).__name__} needs content (or content_blocks=)")


@dataclass(slots=True)
class SystemMessage(BaseMessage):
    """Instructions for the model (OpenAI `system`/`developer`, Anthropic `system`)."""

    type: ClassVar[str] = "system"


@dataclass(slots=True)
class HumanMessage(BaseMessage):
    """A user turn. `HumanMessage("hi")`."""

    type: ClassVar[str] = "human"


@dataclass(slots=True, kw_only=True)
class AIMessage(BaseMessage):
    """A model reply: text and/or tool calls, with token usage when the provider reports it."""

    tool_calls: list[ToolCall] = field(default_factory=list)
    invalid_tool_calls: list[InvalidToolCall] = field(default_factory=list)
    usage_metadata: UsageMetadata | None = None

    type: ClassVar[str] = "ai"
    _field_order: ClassVar[tuple[str, ...]] = (
        *_COMMON_FIELDS,
        "tool_calls",
        "invalid_tool_calls",
        "usage_metadata",
    )

    def __post_init__(self, content_blocks: list[Any] | None) -> None:  # type: ignore[override]
        if content_blocks is not None or self.content is _NO_CONTENT:
            _take_blocks(self, content_blocks)
        if not self.tool_calls and not self.invalid_tool_calls:
            raw = self.additional_kwargs.get("tool_calls")
            if raw:  # OpenAI's raw calls alone (an older LangChain's history), read as there
                from ._tool_calls import raw_tool_calls  # (not at import: `import chatplex`)

                self.tool_calls, self.invalid_tool_calls = raw_tool_calls(raw)
        # LangChain marks every call with its type; code written for it may read it.
        if any("type" not in c for c in self.tool_calls):
            self.tool_calls = [
                c if "type" in c else {**c, "type": "tool_call"} for c in self.tool_calls
            ]
        if any("type" not in c for c in self.invalid_tool_calls):
            self.invalid_tool_calls = [
                c if "type" in c else {**c, "type": "invalid_tool_call"}
                for c in self.invalid_tool_calls
            ]


@dataclass(slots=True, kw_only=True)
class AIMessageChunk(AIMessage):
    """One piece of a streamed reply. `chunk_a + chunk_b` merges two pieces.

    Tool calls arrive as `tool_call_chunks` (string fragments of arguments, joined by
    `index`, or by `id` when a server sends no index). `tool_calls` and
    `invalid_tool_calls` are derived from them, on every chunk, merged ones included, as
    in LangChain: best-effort while the reply streams, exact once it is complete (a
    `finish_reason` in `response_metadata`, or `chunk_position="last"`); see
    `_tool_calls.py`. They are derived when first read (`DerivedOnRead`), so a stream
    whose pieces nobody inspects pays no parsing per piece, and `merge_chunks` over a
    whole stream parses the joined arguments once. A chunk built with `tool_calls=` and
    no fragments gets one fragment per call. `to_message()` gives the `AIMessage`,
    always parsed exactly.
    """

    tool_call_chunks: list[ToolCallChunk] = field(default_factory=list)
    #: "last" on the chunk that ends a stream (LangChain 1.x); merging keeps it.
    chunk_position: Literal["last"] | None = None
    # Whether the fragments were made from `tool_calls=` (then those are kept as given).
    _from_calls: bool = field(default=False, init=False, repr=False, compare=False)

    type: ClassVar[str] = "AIMessageChunk"
    _field_order: ClassVar[tuple[str, ...]] = (
        *AIMessage._field_order,
        "tool_call_chunks",
        "chunk_position",
    )

    def __post_init__(self, content_blocks: list[Any] | None) -> None:  # type: ignore[override]
        if content_blocks is not None or self.content is _NO_CONTENT:
            _take_blocks(self, content_blocks)
        if self.tool_call_chunks:
            if any("type" not in c for c in self.tool_call_chunks):  # LangChain marks them
                self.tool_call_chunks = [
                    c if "type" in c else {**c, "type": "tool_call_chunk"}
                    for c in self.tool_call_chunks
                ]
            _TOOL_CALLS.__set__(self, PENDING)
            _INVALID_TOOL_CALLS.__set__(self, PENDING)
        # The slots as `__init__` set them: not through `DerivedOnRead` (a Python-level
        # `__get__` twice for every streamed chunk, the most common case: no tool calls).
        elif _TOOL_CALLS.__get__(self) or _INVALID_TOOL_CALLS.__get__(self):
            from ._tool_calls import chunks_from_calls  # (not at import: `import chatplex`)

            AIMessage.__post_init__(self, None)  # (zero-argument super() fails in slots classes)
            self.tool_call_chunks = chunks_from_calls(self.tool_calls, self.invalid_tool_calls)
            self._from_calls = True

    def _derive_tool_calls(self) -> None:
        from ._tool_calls import parse_tool_call_chunks

        calls, invalid = parse_tool_call_chunks(self.tool_call_chunks, complete=self.is_complete)
        # Each slot only if still pending: calls a user assigned, or another thread
        # derived first (the tracer's sender reads a traced stream's chunk), are kept.
        keep_first(_TOOL_CALLS, self, PENDING, calls)
        keep_first(_INVALID_TOOL_CALLS, self, PENDING, invalid)

    @property
    def is_complete(self) -> bool:
        """Whether this chunk holds the end of its reply (so arguments are final)."""
        return self.chunk_position == "last" or metadata_value(self, "finish_reason") is not None

    def __add__(self, other: object) -> AIMessageChunk:
        if isinstance(other, AIMessageChunk):
            return merge_chunks([self, other])
        if isinstance(other, (list, tuple)) and all(isinstance(o, AIMessageChunk) for o in other):
            return merge_chunks([self, *other])  # LangChain's `chunk + [c1, c2]`
        if getattr(other, "type", None) == "AIMessageChunk" and hasattr(other, "model_dump"):
            return merge_chunks([self, AIMessageChunk.model_validate(other)])  # LangChain's
        return NotImplemented

    def to_message(self) -> AIMessage:
        """The complete `AIMessage`: tool-call fragments parsed exactly into `tool_calls`.

        Arguments that are not a JSON object land in `invalid_tool_calls` with the raw
        string and the reason; this never raises.
        """
        if self._from_calls or self.is_complete:
            tool_calls, invalid = list(self.tool_calls), list(self.invalid_tool_calls)
        else:  # a stream cut short: what arrived, parsed as strictly as a whole reply
            from ._tool_calls import parse_tool_call_chunks

            tool_calls, invalid = parse_tool_call_chunks(self.tool_call_chunks, complete=True)
        return AIMessage(
            content=_strip_block_indexes(self.content),
            id=self.id,
            name=self.name,
            additional_kwargs=dict(self.additional_kwargs),
            response_metadata=_metadata_copy(self),
            tool_calls=tool_calls,
            invalid_tool_calls=invalid,
            usage_metadata=_USAGE_METADATA.__get__(self),  # (a `LazyValue` passed on unbuilt)
        )


#: The slots holding AIMessage's tool_calls / invalid_tool_calls (slots dataclass fields).
_TOOL_CALLS: Any = vars(AIMessage)["tool_calls"]
_INVALID_TOOL_CALLS: Any = vars(AIMessage)["invalid_tool_calls"]


# Set after the class is made: in the class body the dataclass would take them for defaults.
_derive = AIMessageChunk._derive_tool_calls
AIMessageChunk.tool_calls = DerivedOnRead(_TOOL_CALLS, _derive)  # type: ignore[assignment,misc]
AIMessageChunk.invalid_tool_calls = DerivedOnRead(_INVALID_TOOL_CALLS, _derive)  # type: ignore[assignment,misc]


#: The slot holding a message's response_metadata (a dict, or a `LazyMetadata`).
_RESPONSE_METADATA: Any = vars(BaseMessage)["response_metadata"]
#: The slot holding an AI message's usage_metadata (a dict, None, or a `LazyValue`).
_USAGE_METADATA: Any = vars(AIMessage)["usage_metadata"]


def metadata_value(message: BaseMessage, key: str) -> Any:
    """`message.response_metadata.get(key)`, leaving lazy metadata unbuilt."""
    return _RESPONSE_METADATA.__get__(message).get(key)


def has_metadata(message: BaseMessage, key: str) -> bool:
    """`key in message.response_metadata`, leaving lazy metadata unbuilt."""
    meta = _RESPONSE_METADATA.__get__(message)
    if type(meta) is LazyMetadata:
        return key in meta.keys or key in meta.head
    return key in meta


def set_metadata(message: BaseMessage, key: str, value: Any) -> None:
    """`message.response_metadata[key] = value`, leaving lazy metadata unbuilt when `key`
    is new to it (the value joins the reply's own entries, after the others)."""
    meta = _RESPONSE_METADATA.__get__(message)
    if type(meta) is LazyMetadata and key not in meta.keys and key not in meta.head:
        grown = LazyMetadata(meta.head, (*meta.keys, key), (*meta.values, value))
        _RESPONSE_METADATA.__set__(message, grown)
    else:
        message.response_metadata[key] = value


def peek_usage(message: AIMessage) -> UsageMetadata | None:
    """`message.usage_metadata`, without keeping a built copy in the message when it is
    lazy (a `LazyValue`): for code that reads the counts once and moves on."""
    usage = _USAGE_METADATA.__get__(message)
    return usage.build() if type(usage) is LazyValue else usage  # type: ignore[no-any-return]


def _metadata_copy(message: BaseMessage) -> Any:
    """Metadata for another message: a built dict copied, an immutable `LazyMetadata` shared."""
    meta = _RESPONSE_METADATA.__get__(message)
    return meta if type(meta) is LazyMetadata else dict(meta)


BaseMessage.response_metadata = BuiltOnRead(_RESPONSE_METADATA)  # type: ignore[assignment,misc]
AIMessage.usage_metadata = BuiltOnRead(_USAGE_METADATA)  # type: ignore[assignment,misc]


def _strip_block_indexes(content: Content) -> Content:
    """Drop the stream-only keys merging uses: `index`, `partial_json` once parsed."""
    return content if isinstance(content, str) else [_stream_keys_out(b) for b in content]


def _stream_keys_out(block: Any) -> Any:
    if not isinstance(block, dict):
        return block
    drop = ("index", "partial_json") if "input" in block else ("index",)
    return {k: v for k, v in block.items() if k not in drop}


@dataclass(slots=True, kw_only=True)
class ToolMessage(BaseMessage):
    """The result of running a tool, answering the tool call with `tool_call_id`."""

    tool_call_id: str
    status: Literal["success", "error"] = "success"
    #: What the tool produced that is not for the model (LangChain's `artifact`).
    artifact: Any = None

    type: ClassVar[str] = "tool"
    _field_order: ClassVar[tuple[str, ...]] = (
        *_COMMON_FIELDS,
        "tool_call_id",
        "artifact",
        "status",
    )

    def __post_init__(self, content_blocks: list[Any] | None) -> None:  # type: ignore[override]
        _take_blocks(self, content_blocks)
        # LangChain's coercion (its `coerce_args`): a tool's number or dict result is its
        # str, a tuple a list, and an id given as a number or UUID its str.
        content: Any = self.content
        if isinstance(content, tuple):
            content = self.content = list(content)
        if not isinstance(content, (str, list)):
            self.content = str(content)
        elif any(not isinstance(item, (str, dict)) for item in content):
            items: list[Any] = [i if isinstance(i, (str, dict)) else str(i) for i in content]
            self.content = items
        call_id: Any = self.tool_call_id
        uuid = sys.modules.get("uuid")  # (a UUID exists only once uuid is imported)
        if isinstance(call_id, (int, float)) or (
            uuid is not None and isinstance(call_id, uuid.UUID)
        ):
            self.tool_call_id = str(call_id)
        if not isinstance(self.tool_call_id, str) or not self.tool_call_id:
            raise ValueError("ToolMessage needs a non-empty tool_call_id")
        if self.status not in ("success", "error"):
            raise ValueError(
                f"ToolMessage status must be 'success' or 'error', not {self.status!r}"
            )


#: `ToolMessage.additional_kwargs` key marking a result that answers a function call made
#: by name (legacy function calling: an assistant turn's `additional_kwargs["function_call"]`,
#: with no call id; LangChain's `FunctionMessage`). Its `name` is the function's, and so is
#: its `tool_call_id`, which no call carries. A wire that takes such results sends it by
#: name; every other refuses it before any request (`check_messages`' `function_results`).
FUNCTION_RESULT_KEY = "__function_result"


#: A message's `additional_kwargs` key holding the role of the LangChain `ChatMessage` it
#: was given as, any role name: a role chatplex knows is that role's message type, any
#: other a `HumanMessage`. A wire whose partner writes the role as given (Bedrock's
#: prompt templates over InvokeModel) writes it; every other sends a known role as its
#: type and refuses another before any request (`check_messages`' `chat_roles`).
CHAT_ROLE_KEY = "__chat_role"


#: A tool call's `extras` key: where its v1 `tool_call` block stood in the turn's content
#: (its index there, counting the blocks kept in content and the calls placed so), for a
#: wire that writes a turn's calls among its content items, where the block stood.
CALL_PLACE_KEY = "__content_place"


def answers_by_name(message: BaseMessage) -> TypeGuard[ToolMessage]:
    """Whether `message` is a result answering a function call by name
    (`FUNCTION_RESULT_KEY`)."""
    return isinstance(message, ToolMessage) and bool(
        message.additional_kwargs.get(FUNCTION_RESULT_KEY)
    )


def _taking_type(cls: builtins.type[BaseMessage]) -> None:
    """`cls(..., type=...)`, its one value, as LangChain's messages take their `type`
    field: what `model_dump()` gives back (`AIMessage(**message.model_dump())`)."""
    init = cls.__init__

    def __init__(self: BaseMessage, *args: Any, type: str | None = None, **fields: Any) -> None:
        if type is not None and type != cls.type:
            raise ValueError(f"{cls.__name__}'s type is {cls.type!r}, got type={type!r}")
        init(self, *args, **fields)

    __init__.__wrapped__ = init  # type: ignore[attr-defined]  # (its signature: `inspect`)
    cls.__init__ = __init__  # type: ignore[method-assign]


for _klass in (BaseMessage, SystemMessage, HumanMessage, AIMessage, AIMessageChunk, ToolMessage):
    # Set after the classes are made: a slots dataclass writes its own `__repr__`.
    _klass.__repr__ = message_repr  # type: ignore[method-assign]
    _klass.__str__ = message_str  # type: ignore[method-assign]
    if _klass is not BaseMessage:
        _taking_type(_klass)

AnyMessage = SystemMessage | HumanMessage | AIMessage | AIMessageChunk | ToolMessage


def merge_chunks(chunks: Iterable[AIMessageChunk]) -> AIMessageChunk:
    """Merge stream pieces in order into one chunk (see `_merge.merged_fields`): linear
    in the number of pieces, so summing a stream of n tokens copies its text once."""
    return AIMessageChunk(**merged_fields(chunks))
