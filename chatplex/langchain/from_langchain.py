"""LangChain's messages as chatplex's (`to_chatplex_messages`), for a chat model of
the LangChain layer to send; the other way, and streams, are `convert.py`'s.

What differs from a copy: LangChain's v1 standard blocks (`output_version="v1"`,
LangGraph state written by any provider) carry stream bookkeeping (`index`, `id`) and
repeat tool calls inside `content` (`{"type": "tool_call"}`); chatplex keeps tool calls
in `tool_calls` only, so those blocks are dropped (a `tool_call` block's `extras` kept
on its call, as `extras`: a wire may send the call back as written), as are Anthropic
`tool_use` blocks (their call is kept in `tool_calls`, from which the Anthropic adapter
writes `tool_use` again); a call block with no entry in `tool_calls` becomes one.
Standard blocks (an image by `base64`, `url` or `file_id`, or in the v0 `source_type`
form) go as given, wherever they are: each wire's writer reads them, as it reads
chatplex's own. A provider block LangChain wrapped as `non_standard` is unwrapped. A
`FunctionMessage` (legacy function calling, whose call stays in the assistant turn's
`additional_kwargs`) becomes a `ToolMessage` marked as a result by name
(`messages.FUNCTION_RESULT_KEY`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any
from typing import cast

from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import BaseMessage as LCBaseMessage
from langchain_core.messages import ChatMessage
from langchain_core.messages import FunctionMessage
from langchain_core.messages import HumanMessage as LCHumanMessage
from langchain_core.messages import SystemMessage as LCSystemMessage
from langchain_core.messages import ToolMessage as LCToolMessage

from ..messages import CALL_PLACE_KEY
from ..messages import CHAT_ROLE_KEY
from ..messages import FUNCTION_RESULT_KEY
from ..messages import ROLE_ALIASES
from ..messages import AIMessage
from ..messages import BaseMessage
from ..messages import Content
from ..messages import HumanMessage
from ..messages import SystemMessage
from ..messages import ToolMessage
from ..messages import message_from_role
from ..messages import message_list
from ..providers.openai.request import OPENAI_ROLE_KEY
from ..specs import specs

__all__ = [
    "counted_as_given",
    "foreign_replies_as_blocks",
    "to_chatplex_message",
    "to_chatplex_messages",
]

#: LangChain's (langchain-openai's) key for the `developer` role of a SystemMessage.
_LC_OPENAI_ROLE = "__openai_role__"
#: The `additional_kwargs` key several partners send as a turn's name: kept as it is
#: (not as the message's `name`), for the wire whose partner reads it.
_LC_NAME = "name"
#: LangChain's standard text block's keys a text block keeps (its `index` aside).
_STANDARD_TEXT_KEYS = ("type", "text", "id", "annotations", "extras")
#: Tool calls repeated inside content (LangChain v1 blocks); `tool_calls` has them.
_CALL_BLOCKS = frozenset({"tool_call", "tool_call_chunk", "invalid_tool_call"})


def to_chatplex_messages(messages: Iterable[LCBaseMessage]) -> list[BaseMessage]:
    """LangChain messages as chatplex messages, in order."""
    return [to_chatplex_message(m, i) for i, m in enumerate(messages)]


def foreign_replies_as_blocks(
    messages: list[LCBaseMessage], own: frozenset[str] | None
) -> list[LCBaseMessage]:
    """`messages` with each reply of another provider (its `model_provider` named and not
    one of `own`) whose content is blocks read as LangChain's v1 `content_blocks` (its
    provider's blocks translated by langchain-core: a web search's as `server_tool_call`
    and `server_tool_result`, citations as `annotations`) and so marked
    (`output_version="v1"`), as a partner that reads them so reads them
    (`PartnerTraits.own_reply_providers`); `own` None: `messages` as given."""
    if own is None:
        return messages
    return [
        m.model_copy(
            update={
                "content": m.content_blocks,
                "response_metadata": {**m.response_metadata, "output_version": "v1"},
            }
        )
        if isinstance(m, LCAIMessage)
        and isinstance(m.content, list)
        and m.response_metadata.get("model_provider") not in (None, *own)
        else m
        for m in messages
    ]


def counted_as_given(messages: object) -> list[BaseMessage]:
    """LangChain messages as chatplex's, each with the `additional_kwargs` it was given:
    the conversion for a request keeps those the request sends, and a partner may count
    more of them (a `name` there). Anything but a list of LangChain messages is a
    TypeError naming the first item that is not one, before anything is counted."""
    checked = message_list(messages, LCBaseMessage, "get_num_tokens_from_messages")
    converted = to_chatplex_messages(checked)
    return [
        ours.model_copy(
            update={"additional_kwargs": {**given.additional_kwargs, **ours.additional_kwargs}}
        )
        if given.additional_kwargs
        else ours
        for given, ours in zip(checked, converted, strict=True)
    ]


def to_chatplex_message(message: LCBaseMessage, index: int = 0) -> BaseMessage:
    """One LangChain message as a chatplex message (TypeError for kinds no API takes)."""
    name = message.name
    if isinstance(message, LCAIMessage):
        return _ai_message(message)
    if isinstance(message, LCHumanMessage):
        return HumanMessage(
            _content(message.content), id=message.id, name=name, additional_kwargs=_named(message)
        )
    if isinstance(message, LCSystemMessage):
        extra = _named(message)
        role = message.additional_kwargs.get(_LC_OPENAI_ROLE)
        if role:
            extra[OPENAI_ROLE_KEY] = role
        return SystemMessage(
            _content(message.content), id=message.id, name=name, additional_kwargs=extra
        )
    if isinstance(message, LCToolMessage):
        # Its additional_kwargs kept for the wire that reads them (a computer-use
        # result's `type`), save chatplex's own mark of a result by name.
        extra = {k: v for k, v in message.additional_kwargs.items() if k != FUNCTION_RESULT_KEY}
        return ToolMessage(
            content=_content(message.content),
            tool_call_id=message.tool_call_id,
            status=message.status,
            id=message.id,
            name=name,
            additional_kwargs=extra,
        )
    if isinstance(message, ChatMessage):
        return _chat_message(message, index)
    if isinstance(message, FunctionMessage):
        return _function_result(message, index)
    raise TypeError(f"message {index}: unsupported LangChain message {type(message).__name__}")


def _chat_message(message: ChatMessage, index: int) -> BaseMessage:
    """A `ChatMessage` as its role's message, or a user message where chatplex knows no
    such role, marked with the role given (`CHAT_ROLE_KEY`): a wire whose partner
    writes any role into its prompt writes it, every other refuses a role it has no
    turn for before any request (`check_messages`)."""
    content = _content(message.content)
    given = {CHAT_ROLE_KEY: message.role}
    if message.role not in ROLE_ALIASES:
        return HumanMessage(content, additional_kwargs=given)
    return message_from_role(message.role, content, index=index, additional_kwargs=given)


def _named(message: LCBaseMessage) -> dict[str, Any]:
    """The name `message.additional_kwargs` holds, as chatplex's `additional_kwargs`."""
    kept = message.additional_kwargs.get(_LC_NAME)
    return {} if kept is None else {_LC_NAME: kept}


def _function_result(message: FunctionMessage, index: int) -> ToolMessage:
    """A legacy function call's answer (it answers the assistant turn's
    `additional_kwargs["function_call"]`, by name) as a tool result marked so: a wire
    that takes it sends it by name, every other refuses it before any request."""
    if not message.name:
        raise ValueError(f"message {index}: a FunctionMessage needs the function's name")
    return ToolMessage(
        content=_content(message.content),
        tool_call_id=message.name,
        id=message.id,
        name=message.name,
        additional_kwargs={FUNCTION_RESULT_KEY: True},
    )


def _ai_message(message: LCAIMessage) -> AIMessage:
    calls: list[dict[str, Any]] = [
        {"name": c["name"], "args": dict(c["args"]), "id": c.get("id"), "type": "tool_call"}
        for c in message.tool_calls
    ]
    known: set[Any] = {c["id"] for c in calls if c["id"]}
    content = message.content
    if isinstance(content, list):
        kept: list[Any] = []
        placed = 0  # the tool_call blocks kept as calls so far
        for block in content:
            if not isinstance(block, dict):
                kept.append(block)
                continue
            kind = block.get("type")
            # A call written only in content (a history built by hand, or dumped without
            # its `tool_calls`) is still a call: sent as one, never dropped.
            if kind in ("tool_call", "tool_use") and block.get("id") not in known:
                args = block.get("args" if kind == "tool_call" else "input")
                calls.append(
                    {
                        "name": block.get("name") or "",
                        "args": dict(args or {}),
                        "id": block.get("id"),
                        "type": "tool_call",
                    }
                )
                known.add(block.get("id"))
            if kind in _CALL_BLOCKS:
                placed += _keep_extras(calls, block, len(kept) + placed)
            elif kind != "tool_use":
                kept.append(block)
        content = kept
    invalid = [
        {
            "name": c.get("name"),
            "args": c.get("args"),
            "id": c.get("id"),
            "error": c.get("error"),
            "type": "invalid_tool_call",
        }
        for c in message.invalid_tool_calls
    ]
    # What the reply carried beside its content goes back as it came: a wire reads it
    # when the history is replayed (reasoning in `reasoning_content`, the Responses
    # API's item ids in `response_metadata`), as it does for its own replies.
    return AIMessage(
        content=_content(content),
        id=message.id,
        name=message.name,
        additional_kwargs=dict(message.additional_kwargs),
        response_metadata=dict(message.response_metadata),
        tool_calls=calls,  # type: ignore[arg-type]
        invalid_tool_calls=invalid,  # type: ignore[arg-type]
        usage_metadata=cast("Any", message.usage_metadata),
    )


def _keep_extras(calls: list[dict[str, Any]], block: dict[str, Any], place: int) -> int:
    """A v1 `tool_call` block's `extras` (the wire's own facts about the call: its item
    id, its arguments as written) on its call, as `extras`, with the block's `place` in
    the turn's content (`CALL_PLACE_KEY`), for a wire that sends the call back as the
    block was, where it was (the block itself is dropped: `tool_calls` has the call).
    1 where the block was kept so, else 0."""
    if block.get("type") != "tool_call":
        return 0
    for call in calls:
        if call["id"] is not None and call["id"] == block.get("id"):
            call["extras"] = {**(block.get("extras") or {}), CALL_PLACE_KEY: place}
            return 1
    return 0


def _content(content: str | Sequence[str | dict[str, Any]]) -> Content:
    """Text stays text; in a block list, strings become text blocks and blocks lose
    LangChain's bookkeeping."""
    if isinstance(content, str):
        return content
    blocks: list[dict[str, Any]] = []
    for item in content:
        if isinstance(item, str):
            blocks.append({"type": "text", "text": item})
        elif isinstance(item, dict):
            blocks.append(_block(item))
        else:
            raise TypeError(f"a content block must be a str or a dict, got {type(item).__name__}")
    return blocks


@functools.cache
def _text_keys() -> frozenset[str]:
    """What a text block keeps: LangChain's standard keys, and those each wire's spec
    declares its partner's text blocks carry and its wire sends back
    (`ProviderSpec.text_block_keys`: cache marks, citations, a thought signature)."""
    declared = (key for s in specs().values() for key in s.text_block_keys)
    return frozenset((*_STANDARD_TEXT_KEYS, *declared))


def _block(block: dict[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    if kind == "non_standard" and isinstance(block.get("value"), dict):
        return _block(block["value"])  # a provider block LangChain's v1 format wrapped
    if kind == "text":
        # v1 text blocks carry index/id/annotations; keep what a provider takes back.
        kept = _text_keys()
        return {k: v for k, v in block.items() if k in kept}
    # A reasoning block goes as it came: the Responses API replays its item (id, summary,
    # encrypted content), the other wires' adapters leave it out of requests.
    return block
