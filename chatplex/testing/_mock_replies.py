"""Reply planning for the mock server, shared by every wire (private).

Everything here is pure: a request body in, a `Reply` out, the same for every wire.
Replies are deterministic functions of the request, and the stream pieces are cached
because benchmarks send the same prompt thousands of times. Each wire renders a `Reply`
in its own shape (`_mock_wire_openai.py`, `_mock_wire_anthropic.py`, ...: the wires are
listed in `_mock_routes.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import cycle
from itertools import islice
from typing import Any

__all__ = [
    "ANTHROPIC",
    "OPENAI",
    "Event",
    "Reply",
    "ToolCall",
    "anthropic_format",
    "break_event",
    "cut_index",
    "dumps",
    "plan_reply",
    "request_tokens",
    "split_text",
    "sse",
    "tool_call",
    "tool_call_id",
    "tool_schemas",
]

OPENAI = "openai"
ANTHROPIC = "anthropic"

ECHO_PREFIX = "Echo: "
# Long prompts would otherwise produce long replies; the echo only has to be recognisable.
ECHO_MAX_WORDS = 100
# Default size of streamed tool-argument fragments (real APIs send a few characters).
ARG_FRAGMENT = 10
FINGERPRINT = "fp_mock"

_PIECE = re.compile(r"\s*\S+")
_TOOL_WORD = re.compile(r"\btools?\b", re.IGNORECASE)
_COUNTED_KEYS = frozenset({"content", "text", "tool_calls", "function", "arguments"})
_EXAMPLES: dict[str, Any] = {
    "string": "x",
    "integer": 1,
    "number": 1.5,
    "boolean": True,
    "null": None,
}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

Event = tuple[bytes, bool]
"""One SSE event (`event:`/`data:` lines and the blank line) and whether it is a content delta."""


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as the providers send it."""
    return _ENCODER.encode(obj).encode()


@dataclass(frozen=True)
class ToolCall:
    """One tool call of a reply; `"".join(pieces) == arguments`.

    `input` is what wires that carry arguments as an object send (a non-stream Messages
    reply, and others); `arguments` what wires that carry them as text
    send, which a script may make text that is not JSON.
    """

    name: str
    input: dict[str, Any]
    arguments: str
    pieces: tuple[str, ...]


@dataclass(frozen=True)
class Reply:
    """What the mock answers, before it is rendered for a provider."""

    model: str
    text: str
    pieces: tuple[str, ...]
    tool: ToolCall | None
    input_tokens: int
    output_tokens: int
    #: OpenAI's `n`: how many choices a non-stream reply carries (each the same reply).
    candidates: int = 1
    #: Stopped by a content filter (`x-mock-fault: content_filter` on a stream): wires
    #: that have one end with their content-filter finish reason.
    filtered: bool = False
    #: Of `input_tokens`, those read from the provider's prompt cache, and of
    #: `output_tokens`, those spent reasoning (`MockSettings.usage_details`): each wire
    #: reports them in its usage's own fields.
    cached_tokens: int = 0
    reasoning_tokens: int = 0
    #: Stopped at the output-token limit (`MockSettings.stop_at_limit`): each wire ends
    #: with its own length finish reason.
    cut: bool = False
    #: Further calls in the same turn, after `tool` (parallel tool calls); some wires
    #: (the Responses API's, others) render `tool` alone.
    more_tools: tuple[ToolCall, ...] = ()

    @property
    def tools(self) -> tuple[ToolCall, ...]:
        """Every tool call of the reply, in order (none for a text reply)."""
        return () if self.tool is None else (self.tool, *self.more_tools)


def tool_call_id(prefix: str, rid: str, index: int) -> str:
    """The id of a reply's `index`-th tool call: `prefix + rid` for the first (as a reply
    of one call has always had it), `prefix + rid + "_<index>"` for the next ones."""
    return prefix + rid if index == 0 else f"{prefix}{rid}_{index}"


def prompt_tokens(body: dict[str, Any]) -> int:
    """The input tokens a reply to `body` (a request's view) reports: a count endpoint's
    answer for the same body agrees with it."""
    messages = body.get("messages")
    return _count_words(messages if isinstance(messages, list) else []) + (
        _count_words(body.get("system")) + 3
    )


def plan_reply(
    provider: str,
    body: dict[str, Any],
    *,
    text: str | None,
    chunks: int | None,
    tool_name: str | None,
    obey_tool_choice: bool = True,
    answer_schema: bool = True,
) -> Reply:
    """Decide the reply to `body`: a tool call when asked for one, else `text` (or an echo).

    `obey_tool_choice` / `answer_schema` off (a script's switches): a forced `tool_choice`
    or a response schema does not change the reply.

    >>> plan_reply("openai", {"messages": [{"role": "user", "content": "hi there"}]},
    ...            text=None, chunks=None, tool_name=None).pieces
    ('Echo:', ' hi', ' there')
    """
    messages = body.get("messages")
    messages = messages if isinstance(messages, list) else []
    model = body.get("model")
    model = model if isinstance(model, str) else "mock-model"
    input_tokens = prompt_tokens(body)
    if tool_name is None and obey_tool_choice:
        tool_name = forced_tool(body.get("tool_choice"))
    tool = _plan_tool(provider, body.get("tools"), messages, chunks, tool_name)
    n = body.get("n") if provider == OPENAI else None
    candidates = n if isinstance(n, int) and not isinstance(n, bool) and n > 1 else 1
    if tool is not None:
        output_tokens = max(1, len(re.findall(r"\w+", tool.arguments)))
        return Reply(model, "", (), tool, input_tokens, output_tokens, candidates)
    schema = response_schema(provider, body) if answer_schema else None
    if text is None and schema is not None:
        # A structured-output request: JSON that fits the schema, streamed in fragments.
        text = _ENCODER.encode(example_object(schema, schema, 0))
        pieces = _split_arguments(text, chunks, False)
    else:
        if text is None:
            words = last_user_text(messages).split()
            text = ECHO_PREFIX + " ".join(words[:ECHO_MAX_WORDS])
        pieces = split_text(text, chunks)
    # Padding for `chunks` changes the text; the non-stream body must match the stream.
    joined = "".join(pieces)
    return Reply(model, joined, pieces, None, input_tokens, len(joined.split()), candidates)


def forced_tool(choice: Any) -> str | None:
    """The tool a request's `tool_choice` forces: its name, "" for any tool (OpenAI
    "required", Anthropic {"type": "any"}), None when the model may answer in text."""
    if choice == "required":
        return ""
    if not isinstance(choice, dict):
        return None
    if choice.get("type") == "any":
        return ""
    function = choice.get("function")
    name = function.get("name") if isinstance(function, dict) else choice.get("name")
    return name if isinstance(name, str) and choice.get("type") in ("function", "tool") else None


def response_schema(provider: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a request asks the reply to follow: OpenAI's `response_format`
    `{"type": "json_schema", "json_schema": {"schema": ...}}`, Anthropic's
    `output_config.format` `{"type": "json_schema", "schema": ...}` (what the SDK sends;
    the structured-outputs beta had it as a top-level `output_format`); else None."""
    if provider == OPENAI:
        fmt = body.get("response_format")
        inner = fmt.get("json_schema") if isinstance(fmt, dict) else None
        schema = inner.get("schema") if isinstance(inner, dict) else None
    else:
        fmt = anthropic_format(body)
        schema = fmt.get("schema") if isinstance(fmt, dict) else None
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    return schema if isinstance(schema, dict) else None


def anthropic_format(body: Mapping[str, Any]) -> Any:
    """Anthropic's structured-output format: `output_config.format` (what the SDK sends),
    else the structured-outputs beta's top-level `output_format`."""
    config = body.get("output_config")
    fmt = config.get("format") if isinstance(config, dict) else None
    return body.get("output_format") if fmt is None else fmt


def request_tokens(body: Mapping[str, Any]) -> int:
    """The input tokens the mock reports for `body`: the words of its messages and its
    system prompt, and 3."""
    return _count_words(body.get("messages")) + _count_words(body.get("system")) + 3


def _count_words(value: Any) -> int:
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, list):
        return sum(_count_words(item) for item in value)
    if isinstance(value, dict):
        return sum(_count_words(v) for k, v in value.items() if k in _COUNTED_KEYS)
    return 0


def content_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a block list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            block["text"]
            for block in content
            if isinstance(block, dict)
            and block.get("type") in ("text", "input_text")
            and isinstance(block.get("text"), str)
        )
    return ""


def last_user_text(messages: list[Any]) -> str:
    """The text of the last user message that has any (tool results carry none)."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            text = content_text(message.get("content"))
            if text:
                return text
    return ""


def _ends_with_user_turn(messages: list[Any]) -> bool:
    # A tool call answers a user; answering a tool result with another call would loop.
    last = messages[-1] if messages else None
    if not isinstance(last, dict) or last.get("role") != "user":
        return False
    content = last.get("content")
    return not (
        isinstance(content, list)
        and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
    )


def tool_schemas(provider: str, tools: Any) -> list[tuple[str, dict[str, Any]]]:
    """(name, JSON schema) of each tool a request declares, in its provider's shape."""
    found: list[tuple[str, dict[str, Any]]] = []
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        if provider == OPENAI:
            spec = tool.get("function")
            spec = spec if isinstance(spec, dict) else tool
            name, schema = spec.get("name"), spec.get("parameters")
        else:
            name, schema = tool.get("name"), tool.get("input_schema")
        if isinstance(name, str):
            found.append((name, schema if isinstance(schema, dict) else {}))
    return found


def _plan_tool(
    provider: str, tools: Any, messages: list[Any], chunks: int | None, forced: str | None
) -> ToolCall | None:
    schemas = tool_schemas(provider, tools)
    if not schemas or not _ends_with_user_turn(messages):
        return None
    if forced is None and not _TOOL_WORD.search(last_user_text(messages)):
        return None
    name, schema = next(((n, s) for n, s in schemas if n == forced), schemas[0])
    return tool_call(provider, name, example_object(schema, schema, 0), chunks)


def tool_call(
    provider: str,
    name: str,
    arguments: dict[str, Any],
    chunks: int | None,
    raw: str | None = None,
) -> ToolCall:
    """A call of tool `name` with `arguments`, their JSON streamed in `chunks` fragments
    (None: ARG_FRAGMENT characters each, Anthropic's after an empty one, as it sends them).

    `raw`: the arguments' text as wires that carry text send it (JSON or not); wires that
    carry an object send `arguments`.
    """
    text = _ENCODER.encode(arguments) if raw is None else raw
    leading_empty = provider == ANTHROPIC and chunks is None
    return ToolCall(name, arguments, text, _split_arguments(text, chunks, leading_empty))


def example_object(schema: dict[str, Any], root: dict[str, Any], depth: int) -> dict[str, Any]:
    """Example arguments for an object schema: one value per *required* property.

    >>> example_object({"properties": {"n": {"type": "integer"}}, "required": ["n"]}, {}, 0)
    {'n': 1}
    """
    properties = schema.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    required = schema.get("required")
    names = [n for n in required if isinstance(n, str)] if isinstance(required, list) else []
    return {name: _example_value(properties.get(name), root, depth + 1) for name in names}


def _example_value(schema: Any, root: dict[str, Any], depth: int) -> Any:
    if not isinstance(schema, dict) or depth > 8:
        return "x"
    if isinstance(schema.get("$ref"), str):
        return _example_value(_resolve_ref(schema["$ref"], root), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            return _example_value(options[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        # A schema in the OpenAPI subset may name its types in capitals: "INTEGER".
        kind = kind.lower()
    if kind == "object" or (kind is None and "properties" in schema):
        return example_object(schema, root, depth)
    if kind == "array":
        items = schema.get("items")
        return [_example_value(items, root, depth + 1)] if isinstance(items, dict) else []
    return _EXAMPLES.get(kind, "x") if isinstance(kind, str) else "x"


def _resolve_ref(ref: str, root: dict[str, Any]) -> Any:
    if not ref.startswith("#/"):
        return {}
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return {}
        node = node[part]
    return node


def _group(items: Sequence[str], n: int) -> tuple[str, ...]:
    """Join `items` into exactly `n` consecutive groups whose sizes differ by at most one."""
    size, extra = divmod(len(items), n)
    groups: list[str] = []
    start = 0
    for k in range(n):
        end = start + size + (1 if k < extra else 0)
        groups.append("".join(items[start:end]))
        start = end
    return tuple(groups)


@lru_cache(maxsize=1024)
def split_text(text: str, n: int | None) -> tuple[str, ...]:
    """Stream pieces of `text`: word by word, or exactly `n` pieces.

    With `n` larger than the word count the words are repeated, so the streamed
    text is longer than `text`; callers use `"".join(pieces)` as the reply text.

    >>> split_text("Echo: hi", None)
    ('Echo:', ' hi')
    >>> split_text("Echo: hi", 4)
    ('Echo:', ' hi', ' Echo:', ' hi')
    """
    pieces: list[str] = _PIECE.findall(text)
    if not pieces:
        return (text,) if n is None else (text,) + ("",) * (n - 1)
    tail = text[sum(map(len, pieces)) :]
    if tail:  # trailing whitespace the pattern leaves behind
        pieces[-1] += tail
    if n is None:
        return tuple(pieces)
    if len(pieces) < n:
        repeats = cycle([" " + p.lstrip() for p in pieces])
        pieces.extend(islice(repeats, n - len(pieces)))
    return _group(pieces, n)


@lru_cache(maxsize=256)
def _split_arguments(arguments: str, n: int | None, leading_empty: bool) -> tuple[str, ...]:
    if n is not None:
        return _group(arguments, n)
    pieces = tuple(arguments[i : i + ARG_FRAGMENT] for i in range(0, len(arguments), ARG_FRAGMENT))
    # Anthropic opens every tool_use input with an empty partial_json fragment.
    return ("",) + pieces if leading_empty else pieces or ("",)


def cut_index(flags: Sequence[bool], after: int) -> int:
    """Where to cut a stream so that exactly `after` content deltas are kept.

    Every event before the next delta is kept too; when `after` covers all deltas the
    cut falls just before the terminal event (`[DONE]` / `message_stop`).

    >>> cut_index([False, True, True, False, False], 1)
    2
    """
    last = len(flags) - 1
    seen = 0
    for index, is_delta in enumerate(flags):
        if is_delta:
            if seen == after:
                return index
            seen += 1
    return last


def break_event(event: bytes) -> bytes:
    """The same SSE event with its JSON data cut in half (for the malformed_json fault)."""
    start = event.find(b"data: ") + len(b"data: ")
    data = event[start:].rstrip(b"\n")
    return event[:start] + data[: max(1, len(data) // 2)] + b"\n\n"


def sse(event: str, data: bytes) -> bytes:
    """One server-sent event with a name: `event: NAME`, `data: DATA`, a blank line."""
    return b"event: %b\ndata: %b\n\n" % (event.encode(), data)
