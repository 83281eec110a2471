"""OpenAI request side: chatplex messages, tools and tool choice → Chat Completions wire.

System messages go as `system` (or `developer`, see `OPENAI_ROLE_KEY`); AI messages carry
their tool calls (invalid ones with their raw arguments, so the matching tool results stay
valid); reasoning blocks are not sent back and cited text goes back as plain text. A
function call made the legacy way (`additional_kwargs["function_call"]`) goes as the
assistant's `function_call`, and its result by name (`messages.answers_by_name`) as a
`function` turn, as langchain-openai sends them.
"""

from __future__ import annotations

import json
from typing import Any

from ...adapters.request_types import ToolSpec
from ...adapters.validate import not_sendable
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from ...messages import answers_by_name
from .blocks import to_parts

__all__ = [
    "LANGCHAIN_OPENAI_REBUILT_TEXT",
    "LANGCHAIN_OPENAI_TEXT_EXTRAS",
    "LANGCHAIN_ROLE_KEY",
    "OPENAI_ROLE_KEY",
    "STANDARD_TOOL_CHOICES",
    "standard_tool_choice",
    "system_role",
    "tool_result_text",
    "wire_message",
    "wire_tool",
    "wire_tool_choice",
]

#: `SystemMessage.additional_kwargs` key choosing the wire role ("system" or "developer").
OPENAI_ROLE_KEY = "__openai_role"
#: LangChain's spelling of the same key.
LANGCHAIN_ROLE_KEY = "__openai_role__"
#: Assistant content blocks Chat Completions does not take back: reasoning, and the
#: blocks of an Anthropic reply (its tool_use goes as `tool_calls`; `*_tool_result` too).
_NOT_SENT_BACK = frozenset(
    {"reasoning", "thinking", "redacted_thinking", "tool_use", "server_tool_use"}
)
#: The roles whose text blocks go with their `extras` and `thought_signature` (a Gemini
#: text part's signature, as langchain-google-genai and -vertexai write it) as
#: langchain-openai sends them: a user's or system's blocks as given; an assistant turn's
#: text rebuilt as `{"type", "text"}`, a tool result's sanitized to it.
LANGCHAIN_OPENAI_TEXT_EXTRAS = frozenset({"user", "system"})
#: The roles whose text blocks langchain-openai rebuilds, and the keys each keeps: an
#: assistant turn's as `{"type", "text"}` (`_convert_from_v1_to_chat_completions`: a
#: reply's `id`, `annotations`, `cache_control` do not go back), a tool result's with its
#: `prompt_cache_breakpoint` (`_sanitize_chat_completions_content`).
_REBUILT_TEXT_KEYS = {
    "assistant": frozenset({"type", "text"}),
    "tool": frozenset({"type", "text", "prompt_cache_breakpoint"}),
}
#: The roles langchain-openai rebuilds text blocks of (`wire_message`'s `rebuilt_text`).
LANGCHAIN_OPENAI_REBUILT_TEXT = frozenset(_REBUILT_TEXT_KEYS)
#: The keys langchain-openai keeps on a tool result's text block (`wire_message`'s
#: `tool_text_keys`).
LANGCHAIN_OPENAI_TOOL_TEXT_KEYS = _REBUILT_TEXT_KEYS["tool"]


def system_role(message: SystemMessage) -> str:
    """The wire role of a system message: "system", or "developer" when marked so
    (`OPENAI_ROLE_KEY`; LangChain marks a developer message with "__openai_role__", as
    its convert_to_messages does: the same thing, spelled its way)."""
    extra = message.additional_kwargs
    role = extra.get(OPENAI_ROLE_KEY) or extra.get(LANGCHAIN_ROLE_KEY) or "system"
    if role not in ("system", "developer"):
        raise ValueError(f"{OPENAI_ROLE_KEY} must be 'system' or 'developer', not {role!r}")
    return str(role)


def wire_message(
    message: BaseMessage,
    dropped: frozenset[str] = frozenset(),
    *,
    text_blocks: bool = False,
    lone_text: bool = False,
    text_extras: frozenset[str] = LANGCHAIN_OPENAI_TEXT_EXTRAS,
    part_keys: frozenset[str] | None = None,
    rebuilt_text: frozenset[str] = LANGCHAIN_OPENAI_REBUILT_TEXT,
    tool_text_keys: frozenset[str] = LANGCHAIN_OPENAI_TOOL_TEXT_KEYS,
    developer_role: bool = True,
    function_calls: bool = True,
    idless_calls: bool = False,
) -> dict[str, Any]:
    """One message on the wire; `dropped`, block types left out of a user, system or
    tool message's content (as its partner package leaves them out); `text_blocks`,
    whether an assistant turn's text left after blocks not sent back goes as its text
    blocks (as langchain-openai sends it) rather than joined into one string;
    `lone_text`, whether content of one text block goes as its text (as
    langchain-fireworks sends it); `text_extras`, the roles ("user", "system",
    "assistant", "tool") whose text blocks keep their `extras` and `thought_signature`,
    as the partner sends them (the others' go without); `part_keys`, the keys each
    content part keeps (as langchain-fireworks filters them), None: all;
    `rebuilt_text`, the roles ("assistant", "tool") whose text blocks go with
    langchain-openai's keys only (`_REBUILT_TEXT_KEYS`), as a partner built on its
    conversion sends them (the others' go as given); `tool_text_keys`, the keys a
    rebuilt tool result's text block keeps (langchain-openai's keep its
    `prompt_cache_breakpoint`; a preset's may keep type and text only);
    `developer_role`, whether a system message marked for the developer role goes
    with it (else as "system", as a partner that writes every system message so
    sends it); `function_calls`, whether an assistant turn's legacy `function_call`
    goes with it (else left out, as a partner that writes none leaves it);
    `idless_calls`, whether a tool call without an id goes with `"id": null` (else a
    ValueError), as a partner whose API takes that sends it."""
    out = (
        _wire_ai(message, dropped, text_blocks, function_calls, idless_calls)
        if isinstance(message, AIMessage)
        else _wire_input(message, dropped)
    )
    if out["role"] == "function":
        return out  # its blocks as given: no partner that sends one rebuilds them
    if out["role"] == "developer" and not developer_role:
        out["role"] = "system"
    role = "system" if out["role"] == "developer" else out["role"]
    if role not in text_extras and isinstance(out.get("content"), list):
        out["content"] = [_without_extras(b) for b in out["content"]]
    if role in rebuilt_text and isinstance(out.get("content"), list):
        keys = tool_text_keys if role == "tool" else _REBUILT_TEXT_KEYS[role]
        out["content"] = [_rebuilt_text(b, keys) for b in out["content"]]
    content = out.get("content")
    if part_keys is not None and isinstance(content, list):
        content = out["content"] = [
            {k: v for k, v in b.items() if k in part_keys} if isinstance(b, dict) else b
            for b in content
        ]
    if lone_text and isinstance(content, list) and len(content) == 1:
        [block] = content
        if isinstance(block, dict) and block.keys() == {"type", "text"} and block["type"] == "text":
            out["content"] = block["text"]
    return out


def _wire_input(message: BaseMessage, dropped: frozenset[str]) -> dict[str, Any]:
    """A user, system, tool or function message on the wire (`dropped`: as
    `wire_message`'s)."""
    content = message.content
    if dropped and isinstance(content, list):
        content = [b for b in content if not (isinstance(b, dict) and b.get("type") in dropped)]
    if isinstance(message, HumanMessage):
        out: dict[str, Any] = {"role": "user", "content": to_parts(content)}
    elif isinstance(message, SystemMessage):
        out = {"role": system_role(message), "content": to_parts(content)}
    elif answers_by_name(message):
        # Refused before translation where the wire does not send it (`check_messages`).
        return {"role": "function", "content": to_parts(content), "name": message.name}
    elif isinstance(message, ToolMessage):
        content = to_parts(content)
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": content}
    else:
        raise not_sendable(message, "the OpenAI adapter")
    if message.name:
        out["name"] = message.name
    return out


def _wire_ai(
    message: AIMessage,
    dropped: frozenset[str],
    text_blocks: bool,
    function_calls: bool,
    idless_calls: bool,
) -> dict[str, Any]:
    if isinstance(message, AIMessageChunk):
        message = message.to_message()
    # Non-ASCII kept as is, as langchain-openai (and every preset's partner) writes it.
    calls = [
        _wire_call(c["id"], c["name"], json.dumps(c["args"], ensure_ascii=False), idless_calls)
        for c in message.tool_calls
    ] + [
        _wire_call(c["id"], c["name"] or "", c["args"] or "", idless_calls)
        for c in message.invalid_tool_calls
    ]
    content = message.content
    if not isinstance(content, str):  # a merged stream's str elements are text, as in LangChain
        content = [{"type": "text", "text": b} if isinstance(b, str) else b for b in content]
        # A standard data block replayed (an image) goes as a Chat Completions part, as
        # in every other turn and as langchain-openai writes an assistant's.
        content = to_parts(content)
    if not isinstance(content, str) and any(
        _not_sent_back(b, dropped) or "citations" in b for b in content
    ):
        # The API takes no reasoning back, and none of Anthropic's own blocks (after a
        # provider switch; tool_use travels as `tool_calls`), and no citations: the answer
        # goes as the text it would have been without them: its text blocks, or (where
        # the partner joins them, or none is left) one string.
        kept = [
            {"type": "text", "text": b.get("text") or ""} if b.get("type") == "text" else b
            for b in content
            if not _not_sent_back(b, dropped)
        ]
        plain = all(b["type"] == "text" for b in kept)
        joined = plain and not (text_blocks and kept)
        content = "".join(b["text"] for b in kept) if joined else kept
    # A legacy call goes only where no tool call does: OpenAI refuses a turn with both.
    legacy = message.additional_kwargs.get("function_call") if function_calls else None
    legacy = None if calls else legacy
    # OpenAI requires content unless a call is present; then empty text goes as null.
    out: dict[str, Any] = {
        "role": "assistant",
        "content": None if (calls or legacy) and not content else content,
    }
    if calls:
        out["tool_calls"] = calls
    elif legacy:
        out["function_call"] = legacy
    if message.name:
        out["name"] = message.name
    audio = message.additional_kwargs.get("audio")
    if isinstance(audio, dict) and audio:
        # A spoken reply goes back by its id alone, as langchain-openai sends it (OpenAI
        # takes no audio data back).
        out["audio"] = {"id": audio["id"]} if "id" in audio else audio
    return out


#: A text block's keys a Gemini reply puts there (its signature), sent per role.
_GEMINI_TEXT_KEYS = frozenset({"extras", "thought_signature"})


def _without_extras(block: Any) -> Any:
    if isinstance(block, dict) and block.get("type") == "text" and _GEMINI_TEXT_KEYS & set(block):
        return {k: v for k, v in block.items() if k not in _GEMINI_TEXT_KEYS}
    return block


def tool_result_text(block: Any) -> Any:
    """A tool result's block as langchain-openai sanitizes it: a text block cut to its
    text and cache breakpoint, another as it is."""
    return _rebuilt_text(block, _REBUILT_TEXT_KEYS["tool"])


def _rebuilt_text(block: Any, keys: frozenset[str]) -> Any:
    if isinstance(block, dict) and block.get("type") == "text" and "text" in block:
        # In langchain-openai's key order: type, text, then the breakpoint.
        rebuilt = {"type": "text", "text": block["text"]}
        return rebuilt | {k: v for k, v in block.items() if k in keys - rebuilt.keys()}
    return block


def _not_sent_back(block: dict[str, Any], dropped: frozenset[str]) -> bool:
    kind = block.get("type")
    return (
        kind in _NOT_SENT_BACK
        or kind in dropped
        or (isinstance(kind, str) and kind.endswith("_tool_result"))
    )


def _wire_call(call_id: str | None, name: str, arguments: str, idless: bool) -> dict[str, Any]:
    if not call_id and not idless:
        raise ValueError(
            f"tool call {name!r} has no id; the provider's API needs one to match its result"
        )
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def wire_tool(tool: ToolSpec, beside: tuple[str, ...] = ()) -> dict[str, Any]:
    """A function tool in the Chat Completions shape, with the `beside` keys of its
    `ToolSpec.beside` next to the function (`OpenAIAdapter.sent_tool_extras`)."""
    function: dict[str, Any] = {
        "name": tool.name,
        **tool.description_field(),
        **tool.parameters_field(),
    }
    if tool.strict is not None:  # as LangChain: sent only when set, True or False
        function["strict"] = tool.strict
    given = {key: tool.beside[key] for key in beside if key in tool.beside}
    return {"type": "function", "function": function, **given}


#: The tool choices OpenAI's wires take as words (`standard_tool_choice`'s results).
STANDARD_TOOL_CHOICES = ("auto", "none", "required")


def standard_tool_choice(choice: str | None, has_tools: bool) -> str | None:
    """What the Chat Completions and Responses wires send for a `tool_choice` word: None
    (nothing) for no choice; "auto" and "none" as they are, or nothing without tools
    (OpenAI rejects tool_choice without tools; nothing means the same); "required" for
    "required" and "any". Any other choice, a tool's name, needs tools (a ValueError
    without) and comes back as it is, for the wire to resolve."""
    if choice is None:
        return None
    if choice in ("auto", "none"):
        return choice if has_tools else None
    if not has_tools:
        raise ValueError(f"tool_choice={choice!r} needs tools, but none were given")
    return "required" if choice in ("required", "any") else choice


def wire_tool_choice(
    choice: str | None, tools: tuple[ToolSpec, ...], *, listed: bool = False
) -> Any:
    """`choice` as the body's `tool_choice` (None: not sent); `listed`: the tools go as a
    list even when empty (`tools: []`), the choice beside it."""
    choice = standard_tool_choice(choice, bool(tools) or listed)
    if choice is None or choice in STANDARD_TOOL_CHOICES:
        return choice
    if choice not in {t.name for t in tools}:
        names = ", ".join(t.name for t in tools)
        raise ValueError(f"tool_choice names {choice!r}, which is not among the tools: {names}")
    return {"type": "function", "function": {"name": choice}}
