"""History turns as a preset's partner package writes them (`Profile.turns`, a
`TurnStyle`), applied to the OpenAI adapter's wire messages (one per chatplex message,
in order).

langchain-mistralai, for one, writes an assistant turn with tool calls with
`content: ""` (`[]` where the message's content is an empty list) and calls without
`type`; a tool result with its `name` (null when unset); no `name` on other turns; an
assistant's list content (Magistral's `thinking` parts) sent back as its blocks.

>>> from chatplex.messages import AIMessage
>>> call = {"name": "add", "args": {"a": "é"}, "id": "Ab3dE6gH9"}
>>> style = TurnStyle(empty_call_content=True, call_type=False)
>>> turn = styled_turns([AIMessage("", tool_calls=[call])], [{"role": "assistant"}], style)[0]
>>> turn["content"], turn["tool_calls"][0]
('', {'id': 'Ab3dE6gH9', 'function': {'name': 'add', 'arguments': '{"a": "é"}'}})
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from typing import cast

from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import ToolMessage
from .profile import TurnStyle

__all__ = ["reasoning_details", "styled_turns", "unsendable_dropped"]

#: Assistant blocks no Chat Completions server takes back (chatplex's reasoning blocks,
#: another provider's own); a provider's `thinking` part (its text pieces a list) is
#: kept by `assistant_parts`.
_NOT_SENT_BACK = frozenset({"reasoning", "redacted_thinking", "tool_use", "server_tool_use"})


def unsendable_dropped(
    messages: list[BaseMessage], sendable: Callable[[str], bool], style: TurnStyle
) -> list[BaseMessage]:
    """`messages` with each assistant turn's blocks of a type not `sendable` left out
    (an empty string where none is left, an empty text for each where the text is
    joined), for a style whose partner sends an assistant's
    text blocks alone (`TurnStyle.joined_text`, `text_parts_only`): langchain-deepseek
    and -groq drop every other block of a replayed reply (Anthropic's
    `redacted_thinking`), where the check would refuse it."""
    out: list[BaseMessage] = []
    for message in messages:
        content = message.content
        if isinstance(message, AIMessage) and isinstance(content, list):
            # langchain-deepseek joins the text of a turn its other blocks left (""
            # beside calls too): an empty text stands for each dropped block
            blank = {"type": "text", "text": ""}
            kept = [
                block
                if not isinstance(block, dict)
                or not isinstance(block.get("type"), str)
                or sendable(block["type"])
                else blank
                for block in content
            ]
            if not style.joined_text:
                kept = [block for block in kept if block is not blank]
            if kept != content:
                message = message.model_copy(update={"content": kept or ""})
        out.append(message)
    return out


def styled_turns(
    messages: list[BaseMessage], wire: list[dict[str, Any]], style: TurnStyle
) -> list[dict[str, Any]]:
    """`wire` (the OpenAI adapter's message for each of `messages`) as `style` writes
    them; new dicts where a turn changes."""
    out = []
    for message, turn in zip(messages, wire, strict=True):
        turn = dict(turn)
        if not style.turn_names and not isinstance(message, ToolMessage):
            turn.pop("name", None)
        if isinstance(message, AIMessage):
            turn = _assistant(message, turn, style)
        elif isinstance(message, ToolMessage) and style.tool_name:
            turn["name"] = message.name
        content = turn.get("content")
        if turn["role"] == "assistant" and style.joined_text:
            if isinstance(content, list):
                turn["content"] = "".join(_text_pieces(content))
            if turn.get("tool_calls") and not turn.get("content"):
                kept = style.empty_beside_kept and _kept_by_openai(message.content)
                turn["content"] = "" if kept else None
        elif isinstance(content, list) and turn["role"] == "assistant" and style.text_parts_only:
            # none left: "", or null beside tool calls, as langchain-groq sends it
            turn["content"] = [p for p in content if _is_text(p)] or (
                None if turn.get("tool_calls") else ""
            )
        elif isinstance(content, list) and turn["role"] == "tool" and style.tool_list_json:
            turn["content"] = json.dumps(content)  # as the partner writes it: ASCII, spaced
        out.append(turn)
    return out


#: Blocks langchain-openai leaves out of an assistant's content (its reading of v1
#: blocks, then its payload's): a block of another type is kept.
_LEFT_OUT_BY_OPENAI = frozenset(
    {"reasoning", "tool_call", "invalid_tool_call", "tool_use", "thinking"}
    | {"reasoning_content", "function_call", "code_interpreter_call"}
)


def _kept_by_openai(content: Any) -> bool:
    """Whether langchain-openai's payload keeps any of an assistant's list `content`."""
    return isinstance(content, list) and not all(map(_left_out_by_openai, content))


def _left_out_by_openai(block: Any) -> bool:
    kind = block.get("type") if isinstance(block, dict) else None
    return kind in _LEFT_OUT_BY_OPENAI or (kind == "refusal" and not block.get("refusal"))


def _assistant(message: AIMessage, turn: dict[str, Any], style: TurnStyle) -> dict[str, Any]:
    if isinstance(message, AIMessageChunk):
        message = message.to_message()
    if style.v1_server_calls_dropped and _own_v1(message, style.v1_provider):
        content = turn.get("content")
        if isinstance(content, list):
            turn["content"] = [b for b in content if not _typed(b, "server_tool_call")]
    if style.v1_lone_text and _v1_lone_text(message, style.v1_provider):
        content = turn.get("content")
        block = content[0] if isinstance(content, list) and len(content) == 1 else None
        if isinstance(block, dict) and block.get("type") == "text":
            text = block.get("text")
            if isinstance(text, str) and text:
                turn["content"] = text
    calls = message.tool_calls or message.invalid_tool_calls
    if calls and style.empty_call_content:
        # Its text dropped; an empty list (a call written by hand) goes as it is.
        turn["content"] = message.content if message.content == [] else ""
    elif calls and style.empty_list_kept and message.content == []:
        turn["content"] = []
    elif not calls and style.assistant_parts and isinstance(message.content, list):
        turn["content"] = _parts(_own_v1_thinking(message, style.v1_provider))
    if calls and not style.call_type:
        turn["tool_calls"] = _calls(message, style)
    if calls and style.wrapped_arguments:
        turn["tool_calls"] = _wrapped_arguments(message, turn["tool_calls"])
    elif message.invalid_tool_calls and style.null_arguments:
        turn["tool_calls"] = _null_arguments(message, turn["tool_calls"])
    if style.reasoning_key is not None and _reasoning_sent(message, style):
        turn[style.reasoning_key] = message.additional_kwargs["reasoning_content"]
    if style.reasoning_details and "reasoning_details" in message.additional_kwargs:
        details = message.additional_kwargs["reasoning_details"]
        turn["reasoning_details"] = _without_ephemeral_ids(reasoning_details(details))
    return turn


def reasoning_details(details: Any) -> Any:
    """A reply's `reasoning_details` as one list again: a stream's fragments (merged
    chunks concatenate their lists) joined where consecutive entries share a `type` and
    an `index`, their texts in order and their other fields the last set, as
    langchain-openrouter merges them; an entry without an index kept as it is.

    >>> reasoning_details([{"type": "t", "text": "a", "index": 0},
    ...                    {"type": "t", "text": "b", "signature": "s", "index": 0}])
    [{'type': 't', 'index': 0, 'signature': 's', 'text': 'ab'}]
    """
    if not isinstance(details, list) or len(details) <= 1:
        return details
    merged: list[Any] = []
    i = 0
    while i < len(details):
        entry, key = details[i], _run_key(details[i])
        i += 1
        if key is None:
            merged.append(entry)
            continue
        run = [entry]
        while i < len(details) and _run_key(details[i]) == key:
            run.append(details[i])
            i += 1
        merged.append(entry if len(run) == 1 else _joined(run))
    return merged


def _run_key(entry: Any) -> tuple[Any, Any] | None:
    """The `(type, index)` whose consecutive fragments are one entry; None: no index."""
    if isinstance(entry, dict) and entry.get("index") is not None:
        return entry.get("type", ""), entry["index"]
    return None


def _joined(run: list[dict[str, Any]]) -> dict[str, Any]:
    """One entry of a run of fragments: texts joined, each other field's last value set."""
    entry: dict[str, Any] = {}
    texts: list[str] = []
    for fragment in run:
        for key, value in fragment.items():
            if key == "text":
                texts.append(value or "")
            elif value is not None:
                entry[key] = value
    if any("text" in fragment for fragment in run):
        entry["text"] = "".join(texts)
    return entry


def _without_ephemeral_ids(value: Any) -> Any:
    """`value` without OpenAI's Responses reasoning item ids (`rs_...`), which the
    next request may not carry."""
    if isinstance(value, list):
        return [_without_ephemeral_ids(item) for item in value]
    if isinstance(value, dict):
        return {
            k: _without_ephemeral_ids(v)
            for k, v in value.items()
            if not (k == "id" and isinstance(v, str) and v.startswith("rs_"))
        }
    return value


def _reasoning_sent(message: AIMessage, style: TurnStyle) -> bool:
    """Whether the turn's `reasoning_content` goes back, as its partner decides."""
    if "reasoning_content" not in message.additional_kwargs:
        return False
    if style.reasoning_beside_calls and not (message.tool_calls or message.invalid_tool_calls):
        return False
    if style.reasoning_from is None:
        return True
    provider = message.response_metadata.get("model_provider")
    return isinstance(message.additional_kwargs["reasoning_content"], str) and provider in (
        None,
        style.reasoning_from,
    )


def _own_v1(message: AIMessage, own: str | None) -> bool:
    """Whether `message` is a v1 turn of the provider `own`."""
    meta = message.response_metadata
    return meta.get("output_version") == "v1" and meta.get("model_provider") == own


def _typed(block: Any, kind: str) -> bool:
    return isinstance(block, dict) and block.get("type") == kind


def _v1_lone_text(message: AIMessage, own: str | None) -> bool:
    """Whether `message` is a v1 turn its partner may send as one text: no tool call
    (a v1 turn's calls are blocks too) and no reasoning but `own` provider's."""
    meta = message.response_metadata
    if meta.get("output_version") != "v1" or message.tool_calls or message.invalid_tool_calls:
        return False
    content = message.content if isinstance(message.content, list) else []
    reasoning = any(isinstance(b, dict) and b.get("type") == "reasoning" for b in content)
    return not reasoning or meta.get("model_provider") == own


def _calls(message: AIMessage, style: TurnStyle) -> list[dict[str, Any]]:
    """The message's calls (valid, then invalid with their raw arguments), styled."""
    dumped = [
        (c["id"], c["name"], json.dumps(c["args"], ensure_ascii=False)) for c in message.tool_calls
    ]
    raw = [(c["id"], c["name"] or "", c["args"] or "") for c in message.invalid_tool_calls]
    out = []
    for call_id, name, arguments in dumped + raw:
        call: dict[str, Any] = {"id": call_id}
        if style.call_type:
            call["type"] = "function"
        call["function"] = {"name": name, "arguments": arguments}
        out.append(call)
    return out


def _wrapped_arguments(message: AIMessage, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`calls` (the message's valid calls, then its invalid ones) with each one's
    arguments that are no JSON object (or hold a NaN) wrapped in one, as
    langchain-fireworks wraps them (an invalid call's as the model wrote them, None too)."""
    valid = len(message.tool_calls)
    sent = [c["function"]["arguments"] for c in calls[:valid]]
    raw = sent + [c["args"] for c in message.invalid_tool_calls]
    return [
        {**call, "function": {**call["function"], "arguments": _object_arguments(arguments)}}
        for call, arguments in zip(calls, raw, strict=True)
    ]


def _null_arguments(message: AIMessage, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`calls` (the message's valid calls, then its invalid ones) with each invalid
    call's arguments null where it has none, as langchain-openai writes them."""
    valid = len(message.tool_calls)
    return calls[:valid] + [
        {**call, "function": {**call["function"], "arguments": None}} if c["args"] is None else call
        for call, c in zip(calls[valid:], message.invalid_tool_calls, strict=True)
    ]


def _object_arguments(arguments: str | None) -> str:
    try:
        parsed = json.loads(arguments) if arguments is not None else None
        if isinstance(parsed, dict) and arguments is not None:
            json.dumps(parsed, allow_nan=False)
            return arguments
    except ValueError:
        pass
    return json.dumps({"__invalid_tool_call_arguments": arguments}, ensure_ascii=False)


def _is_text(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "text"


def _text_pieces(content: list[Any]) -> list[str]:
    return [str(b.get("text", "")) for b in content if _is_text(b)]


def _own_v1_thinking(message: AIMessage, own: str | None) -> list[Any]:
    """The message's list content, where it is a v1 turn of the `own` provider its
    reasoning blocks as that provider's thinking parts (langchain-mistralai's
    `_convert_from_v1_to_mistral`)."""
    content = cast("list[Any]", message.content)
    meta = message.response_metadata
    if own is None or meta.get("output_version") != "v1" or meta.get("model_provider") != own:
        return content
    return [
        {"type": "thinking", "thinking": [{"type": "text", "text": b["reasoning"]}]}
        if isinstance(b, dict)
        and b.get("type") == "reasoning"
        and isinstance(b.get("reasoning"), str)
        and b["reasoning"]
        else b
        for b in content
    ]


def _parts(content: list[Any]) -> Any:
    """An assistant's list content sent back as its blocks: text as type and text, the
    others (the provider's thinking parts) without `index`; a str piece as a text block
    once any block is a dict. Blocks no server takes back are left out."""
    kept: list[Any] = []
    for block in content:
        if not isinstance(block, dict):
            kept.append(block)
        elif block.get("type") == "text" and "text" in block:
            kept.append({"type": "text", "text": block["text"]})
        elif _sent_back(block):
            kept.append(_without_index(block))
    if not any(isinstance(block, dict) for block in kept):
        return "".join(str(block) for block in kept)
    return [b if isinstance(b, dict) else {"type": "text", "text": b} for b in kept]


def _sent_back(block: dict[str, Any]) -> bool:
    kind = block.get("type")
    if kind == "thinking":
        return isinstance(block.get("thinking"), list)  # the provider's own shape
    return kind not in _NOT_SENT_BACK and not str(kind).endswith("_tool_result")


def _without_index(block: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in block.items() if k != "index"}
    if isinstance(out.get("thinking"), list):
        out["thinking"] = [
            {k: v for k, v in piece.items() if k != "index"} if isinstance(piece, dict) else piece
            for piece in out["thinking"]
        ]
    return out
