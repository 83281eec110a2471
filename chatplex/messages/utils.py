"""LangChain's message utilities over chatplex messages, without LangChain:
`trim_messages`, `filter_messages`, `merge_message_runs`, `get_buffer_string`,
`count_tokens_approximately`, `message_chunk_to_message`, `convert_to_openai_messages`.

They take what `convert_to_messages` takes (messages of either library, tuples, dicts,
a prompt value) and give what LangChain's give (compared in the tests). As in LangChain,
`trim_messages`, `filter_messages` and `merge_message_runs` called without messages
return a runnable, for a chain: `itemgetter("messages") | trim_messages(max_tokens=...)`.
That runnable is a `RunnableLambda` of chatplex.core, a layer above: the package root sets
`runnable_factory` as this module is imported (`chatplex.postimport`), and the factory
loads the core on its first call, one of the inversions ARCHITECTURE.md lists.

>>> from chatplex import AIMessage, HumanMessage
>>> [m.text for m in trim_messages(
...     [HumanMessage("a"), AIMessage(content="b"), HumanMessage("c")],
...     max_tokens=2, token_counter=len,
... )]
['b', 'c']
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable
from collections.abc import Sequence
from functools import partial
from functools import wraps
from typing import Any
from typing import Literal
from typing import TypeVar
from typing import cast

from ._dicts import convert_to_messages as _to_messages
from ._messages import AIMessage
from ._messages import AIMessageChunk
from ._messages import BaseMessage
from ._messages import SystemMessage
from ._messages import ToolMessage
from ._messages import answers_by_name
from ._openai_dicts import openai_role
from ._types import add_usage

__all__ = [
    "count_tokens_approximately",
    "filter_messages",
    "get_buffer_string",
    "merge_message_runs",
    "message_chunk_to_message",
    "trim_messages",
]

TypeSpec = str | type | Sequence[str | type]
TokenCounter = Any  # a function of messages or of one message, a model, "approximate"


def _is_type(message: BaseMessage, spec: TypeSpec) -> bool:
    """LangChain's `_is_message_type`: by `type` string or by class (either library's)."""
    kinds = [spec] if isinstance(spec, (str, type)) else list(spec)
    names = [k for k in kinds if isinstance(k, str)]
    classes = tuple(k for k in kinds if isinstance(k, type))
    return message.type in names or isinstance(message, classes)


#: `(function, name) -> runnable`: chatplex.core's RunnableLambda, set by the package root.
runnable_factory: Callable[[Callable[..., Any], str], Any] | None = None


_Utility = TypeVar("_Utility", bound=Callable[..., Any])


def _runnable_without_messages(function: _Utility) -> _Utility:
    """`function` as it is, except called without messages: then a runnable applying it,
    with the options given, to its input (LangChain's `_runnable_support`)."""

    @wraps(function)
    def utility(messages: Any = None, **options: Any) -> Any:
        if messages is not None:
            return function(messages, **options)
        # A wrong or missing option fails here, as in a call with messages.
        inspect.signature(function).bind(None, **options)
        if runnable_factory is None:  # cannot happen after `import chatplex`
            raise RuntimeError("chatplex.core is not loaded: import chatplex first")
        return runnable_factory(partial(function, **options), function.__name__)

    return cast("_Utility", utility)


# --- filter_messages ---------------------------------------------------------------------


@_runnable_without_messages
def filter_messages(
    messages: Any = None,
    *,
    include_names: Sequence[str] | None = None,
    exclude_names: Sequence[str] | None = None,
    include_types: Sequence[str | type] | None = None,
    exclude_types: Sequence[str | type] | None = None,
    include_ids: Sequence[str] | None = None,
    exclude_ids: Sequence[str] | None = None,
    exclude_tool_calls: Sequence[str] | bool | None = None,
) -> Any:
    """The messages that pass the filters (LangChain's `filter_messages`): excluded by
    name, type or id; then kept if no include filter is given or one matches.
    `exclude_tool_calls=True` drops AI messages with tool calls and tool messages; a list
    of ids drops those calls (and their results) only."""
    kept: list[BaseMessage] = []
    for message in _to_messages(messages):
        if (
            (exclude_names and message.name in exclude_names)
            or (exclude_types and _is_type(message, exclude_types))
            or (exclude_ids and message.id in exclude_ids)
        ):
            continue
        is_call = isinstance(message, AIMessage) and bool(message.tool_calls)
        if exclude_tool_calls is True and (is_call or isinstance(message, ToolMessage)):
            continue
        if isinstance(exclude_tool_calls, (list, tuple, set)):
            if isinstance(message, AIMessage) and is_call:
                calls = [c for c in message.tool_calls if c["id"] not in exclude_tool_calls]
                if not calls:
                    continue
                content = message.content
                if isinstance(content, list):
                    content = [
                        b
                        for b in content
                        if not isinstance(b, dict)
                        or b.get("type") != "tool_use"
                        or b.get("id") not in exclude_tool_calls
                    ]
                message = message.model_copy(update={"tool_calls": calls, "content": content})
            elif isinstance(message, ToolMessage) and message.tool_call_id in exclude_tool_calls:
                continue
        if (
            not (include_types or include_ids or include_names)
            or (include_names and message.name in include_names)
            or (include_types and _is_type(message, include_types))
            or (include_ids and message.id in include_ids)
        ):
            kept.append(message)
    return kept


# --- merge_message_runs ------------------------------------------------------------------


@_runnable_without_messages
def merge_message_runs(messages: Any = None, *, chunk_separator: str = "\n") -> Any:
    """Consecutive messages of the same type merged into one (tool messages never):
    string contents joined by `chunk_separator`, AI tool calls and usage combined, the
    later message's `response_metadata` dropped (LangChain's `merge_message_runs`)."""
    merged: list[BaseMessage] = []
    for message in _to_messages(messages) if messages else []:
        last = merged[-1] if merged else None
        if last is None or isinstance(message, ToolMessage) or not isinstance(message, type(last)):
            merged.append(message)
        else:
            merged[-1] = _merge_two(last, message, chunk_separator)
    return merged


def _merge_two(first: BaseMessage, second: BaseMessage, separator: str) -> BaseMessage:
    head = first.content
    if isinstance(head, str) and isinstance(second.content, str) and head and second.content:
        head = head + separator
    update: dict[str, Any] = {
        "content": _join_contents(head, second.content),
        "additional_kwargs": {**first.additional_kwargs, **second.additional_kwargs},
    }
    if not isinstance(first, AIMessage) or not isinstance(second, AIMessage):
        return first.model_copy(update=update)
    if isinstance(first, AIMessageChunk):
        first = first.to_message()
    if isinstance(second, AIMessageChunk):
        second = second.to_message()
    return first.model_copy(
        update={
            **update,
            "id": first.id or second.id,
            "tool_calls": [*first.tool_calls, *second.tool_calls],
            "invalid_tool_calls": [*first.invalid_tool_calls, *second.invalid_tool_calls],
            "usage_metadata": add_usage(first.usage_metadata, second.usage_metadata),
        }
    )


def _join_contents(first: Any, second: Any) -> Any:
    """LangChain's `merge_content` for whole messages: strs concatenated, a str before a
    list becomes its first item, lists concatenated, a str after a list joins its last
    str item (or is appended)."""
    if isinstance(first, str):
        return first + second if isinstance(second, str) else [first, *second]
    if isinstance(second, list):
        return [*first, *second]
    joined = list(first)
    if joined and isinstance(joined[-1], str):
        joined[-1] += second
    elif joined and second != "":
        joined.append(second)
    return joined


# --- trim_messages -----------------------------------------------------------------------


@_runnable_without_messages
def trim_messages(
    messages: Any = None,
    *,
    max_tokens: int,
    token_counter: TokenCounter,
    strategy: Literal["first", "last"] = "last",
    allow_partial: bool = False,
    end_on: TypeSpec | None = None,
    start_on: TypeSpec | None = None,
    include_system: bool = False,
    text_splitter: Callable[[str], list[str]] | Any | None = None,
) -> Any:
    """The messages that fit in `max_tokens` (LangChain's `trim_messages`).

    `token_counter`: a function of a list of messages, a function of one message (its
    first parameter annotated `BaseMessage`), an object with
    `get_num_tokens_from_messages`, or `"approximate"` (`count_tokens_approximately`).
    `strategy="last"` keeps the most recent messages (with `include_system`, a leading
    system message too; `start_on` drops leading messages until one of that type);
    `"first"` the earliest. `end_on` drops trailing messages until one of that type.
    `allow_partial` keeps part of the message that does not fit whole (its last content
    blocks, or lines cut by `text_splitter`)."""
    if strategy not in ("first", "last"):
        raise ValueError(f"trim_messages strategy must be 'first' or 'last', not {strategy!r}")
    if start_on and strategy == "first":
        raise ValueError("start_on parameter is only valid with strategy='last'")
    if include_system and strategy == "first":
        raise ValueError("include_system parameter is only valid with strategy='last'")
    count = _list_counter(token_counter)
    split_text = getattr(text_splitter, "split_text", None) or text_splitter or _split_lines
    found = _to_messages(messages)
    if strategy == "first":
        partial_from: Literal["first"] | None = "first" if allow_partial else None
        return _first(found, max_tokens, count, split_text, partial_from, end_on)
    return _last(
        found, max_tokens, count, split_text, allow_partial, include_system, start_on, end_on
    )


def _list_counter(token_counter: TokenCounter) -> Callable[[list[BaseMessage]], int]:
    if isinstance(token_counter, str):
        if token_counter != "approximate":
            raise ValueError(
                f"Invalid token_counter shortcut '{token_counter}'. "
                "Available shortcuts: 'approximate'."
            )
        return count_tokens_approximately
    by_model = getattr(token_counter, "get_num_tokens_from_messages", None)
    if callable(by_model):
        return by_model  # type: ignore[no-any-return]
    # A runnable is callable (its `invoke`) but no counter: a chatplex chat model
    # would be sent the messages, a paid call, and its reply read as a count.
    runnable = callable(getattr(token_counter, "invoke", None))
    if not callable(token_counter) or runnable:
        why = (
            " A runnable is no counter: pass 'approximate', a function of the messages, "
            "or a chat model (its get_num_tokens_from_messages)."
            if runnable
            else ""
        )
        raise ValueError(
            "'token_counter' expected to be a model that implements "
            "'get_num_tokens_from_messages()' or a function. Received object of type "
            f"{type(token_counter)}.{why}"
        )
    parameters = list(inspect.signature(token_counter).parameters.values())
    if parameters and _names_a_message(parameters[0].annotation):
        one = token_counter
        return lambda messages: sum(one(m) for m in messages)
    return token_counter  # type: ignore[no-any-return]


def _names_a_message(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.rpartition(".")[2] == "BaseMessage"
    return isinstance(annotation, type) and annotation.__name__ == "BaseMessage"


def _split_lines(text: str) -> list[str]:
    pieces = text.split("\n")
    return [p + "\n" for p in pieces[:-1]] + pieces[-1:]


def _first(
    messages: list[BaseMessage],
    max_tokens: int,
    count: Callable[[list[BaseMessage]], int],
    split_text: Callable[[str], list[str]],
    partial_from: Literal["first", "last"] | None,
    end_on: TypeSpec | None,
) -> list[BaseMessage]:
    messages = list(messages)
    if not messages:
        return messages
    if count(messages) <= max_tokens:
        while end_on and messages and not _is_type(messages[-1], end_on):
            messages.pop()
        return messages
    left, right = 0, len(messages)  # the longest prefix that fits, by bisection
    for _ in range(len(messages).bit_length()):
        if left >= right:
            break
        middle = (left + right + 1) // 2
        if count(messages[:middle]) <= max_tokens:
            left = middle
        else:
            right = middle - 1
    index = left
    if partial_from and index < len(messages):
        messages, index = _with_part(messages, index, max_tokens, count, split_text, partial_from)
    if end_on:
        while index > 0 and not _is_type(messages[index - 1], end_on):
            index -= 1
    return messages[:index]


def _with_part(
    messages: list[BaseMessage],
    index: int,
    max_tokens: int,
    count: Callable[[list[BaseMessage]], int],
    split_text: Callable[[str], list[str]],
    partial_from: Literal["first", "last"],
) -> tuple[list[BaseMessage], int]:
    """Part of `messages[index]` added when it fits: whole content blocks first, else a
    text cut into pieces (LangChain's partial strategy)."""
    cut = messages[index].model_copy(deep=True)
    if isinstance(cut.content, list):
        blocks = list(cut.content)
        if partial_from == "last":
            blocks.reverse()
        cut.content = blocks
        for keep in range(len(blocks) - 1, 0, -1):
            cut.content = blocks[:keep]
            if count([*messages[:index], cut]) <= max_tokens:
                if partial_from == "last":
                    cut.content = list(reversed(cut.content))
                return [*messages[:index], cut], index + 1
    # (as LangChain: the text cut next is the first text of what the block loop left)
    text = _first_text(cut.content)
    if not text:
        return messages, index
    pieces = split_text(text)
    if partial_from == "last":
        pieces = list(reversed(pieces))
    base = count(messages[:index])
    left, right = 0, len(pieces)
    for _ in range(len(pieces).bit_length()):
        if left >= right:
            break
        middle = (left + right + 1) // 2
        cut.content = "".join(pieces[:middle])
        if base + count([cut]) <= max_tokens:
            left = middle
        else:
            right = middle - 1
    if left == 0:
        return messages, index
    kept = pieces[:left]
    if partial_from == "last":
        kept.reverse()
    cut.content = "".join(kept)
    return [*messages[:index], cut], index + 1


def _first_text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    for block in content or []:
        if isinstance(block, str):
            return block
        if isinstance(block, dict) and block.get("type") == "text":
            text = block.get("text")
            return text if isinstance(text, str) else None
    return None


def _last(
    messages: list[BaseMessage],
    max_tokens: int,
    count: Callable[[list[BaseMessage]], int],
    split_text: Callable[[str], list[str]],
    allow_partial: bool,
    include_system: bool,
    start_on: TypeSpec | None,
    end_on: TypeSpec | None,
) -> list[BaseMessage]:
    messages = list(messages)
    while end_on and messages and not _is_type(messages[-1], end_on):
        messages.pop()
    system = None
    if include_system and messages and isinstance(messages[0], SystemMessage):
        system, messages = messages[0], messages[1:]
    remaining = max_tokens if system is None else max(0, max_tokens - count([system]))
    partial_from: Literal["last"] | None = "last" if allow_partial else None
    kept = _first(messages[::-1], remaining, count, split_text, partial_from, start_on)[::-1]
    return kept if system is None else [system, *kept]


# --- counting and text -------------------------------------------------------------------


def count_tokens_approximately(
    messages: Any,
    *,
    chars_per_token: float = 4.0,
    extra_tokens_per_message: float = 3.0,
    count_name: bool = True,
    tokens_per_image: int = 85,
    use_usage_metadata_scaling: bool = False,
    tools: Sequence[Any] | None = None,
) -> int:
    """LangChain's estimate: characters / `chars_per_token` per message (content, tool
    calls, tool call id, role, name), plus `extra_tokens_per_message`, plus
    `tokens_per_image` per image block, plus the `tools`' schemas as JSON text.
    `use_usage_metadata_scaling`: scaled up (at most 1.25x) by the last AI reply's own
    `total_tokens` over the estimate up to it, where every AI reply came from one
    provider."""
    total = 0.0
    if tools:
        total += math.ceil(sum(len(json.dumps(_tool_schema(t))) for t in tools) / chars_per_token)
    provider: Any = None  # (the AI replies' provider; None until one names it)
    mixed = False
    reported: int | None = None
    estimated_then = 0.0
    converted = _to_messages(messages)
    for message in converted:
        chars, images = _weighed(message, count_name)
        total += math.ceil(chars / chars_per_token)
        total += extra_tokens_per_message + images * tokens_per_image
        if use_usage_metadata_scaling and isinstance(message, AIMessage):
            named = message.response_metadata.get("model_provider")
            mixed = mixed or (provider is not None and named != provider)
            provider = named if provider is None else provider
            usage = message.usage_metadata
            if usage and isinstance(usage.get("total_tokens"), int):
                reported, estimated_then = usage["total_tokens"], total
    scaled = len(converted) > 1 and not mixed and provider is not None
    if scaled and reported is not None and estimated_then > 0:
        total *= min(1.25, max(1.0, reported / estimated_then))
    return math.ceil(total)


def _weighed(message: BaseMessage, count_name: bool) -> tuple[int, int]:
    """The characters `count_tokens_approximately` counts for `message`, and its image
    blocks (counted apart)."""
    chars = images = 0
    content = message.content
    if isinstance(content, str):
        chars += len(content)
    else:
        for block in content:
            kind = block.get("type", "") if isinstance(block, dict) else None
            if isinstance(block, str):
                chars += len(block)
            elif kind in ("image", "image_url"):
                images += 1
            elif kind == "text":
                chars += len(block.get("text", ""))
            else:
                chars += len(repr(block))
    if isinstance(message, AIMessage) and isinstance(content, str) and message.tool_calls:
        chars += len(repr(message.tool_calls))
    if isinstance(message, ToolMessage):
        chars += len(message.tool_call_id)
    chars += len(openai_role(message))
    if message.name and count_name:
        chars += len(message.name)
    return chars, images


def _tool_schema(tool: Any) -> Any:
    """A tool as `count_tokens_approximately` writes it: a dict as given, else its name,
    description and call schema (without the schema's own title and description)."""
    if isinstance(tool, dict):
        return tool
    schema = tool.tool_call_schema
    if isinstance(schema, dict):
        parameters = dict(schema)
    elif hasattr(schema, "model_json_schema"):
        parameters = dict(schema.model_json_schema())
    else:  # a pydantic v1 model, as LangChain reads one
        parameters = dict(schema.schema())
    parameters.pop("title", None)
    parameters.pop("description", None)
    return {"name": tool.name, "description": tool.description, "parameters": parameters}


_PREFIXES = {
    "human": "Human",
    "ai": "AI",
    "AIMessageChunk": "AI",
    "system": "System",
    "tool": "Tool",
}


def get_buffer_string(
    messages: Sequence[BaseMessage],
    human_prefix: str = "Human",
    ai_prefix: str = "AI",
    *,
    system_prefix: str = "System",
    function_prefix: str = "Function",
    tool_prefix: str = "Tool",
    message_separator: str = "\n",
    format: Literal["prefix", "xml"] = "prefix",
) -> str:
    """The messages as one text, `"Role: text"` a line (LangChain's `get_buffer_string`;
    an AI message's tool calls follow its text; a result answering a function call by
    name, LangChain's `FunctionMessage`, under `function_prefix`). `format="xml"` is not
    built."""
    if format != "prefix":
        raise NotImplementedError("get_buffer_string: only format='prefix' is built in chatplex")
    prefixes = {
        "human": human_prefix,
        "ai": ai_prefix,
        "AIMessageChunk": ai_prefix,
        "system": system_prefix,
        "tool": tool_prefix,
    }
    lines = []
    for message in _to_messages(messages):
        prefix = function_prefix if answers_by_name(message) else prefixes.get(message.type)
        line = f"{prefix or message.type}: {message.text}"
        if isinstance(message, AIMessage):
            if message.tool_calls:
                line += str(message.tool_calls)
            elif "function_call" in message.additional_kwargs:
                line += str(message.additional_kwargs["function_call"])
        lines.append(line)
    return message_separator.join(lines)


def message_chunk_to_message(chunk: BaseMessage) -> BaseMessage:
    """A stream chunk as the complete message (other messages are returned as given)."""
    return chunk.to_message() if isinstance(chunk, AIMessageChunk) else chunk
