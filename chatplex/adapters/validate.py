"""Checks every adapter runs on the messages before translating them: bad input is a
ValueError/TypeError naming the message (and block, and character) before any HTTP call,
instead of a provider's 400 about the JSON body, or something silently sent.

- content must be a str or a list of blocks (None only for an assistant turn that makes
  tool calls, as OpenAI's wire format has it);
- a block's `type` must be one the adapter declares (`BlockTypes`): an unknown one (a
  typo, another provider's block) is refused rather than forwarded;
- all text must be encodable as UTF-8: a lone surrogate (a JSON `\\ud83d` escape cut in
  half, bytes decoded with `surrogateescape`) is named by message and character position.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..messages import AIMessage, BaseMessage

__all__ = ["BlockTypes", "check_messages", "check_text"]


@dataclass(frozen=True, slots=True)
class BlockTypes:
    """The content-block types an adapter sends: exact names, plus name suffixes for
    families that keep growing (Anthropic's server-tool results: `*_tool_result`)."""

    names: frozenset[str]
    suffixes: tuple[str, ...] = ()

    def allows(self, kind: str) -> bool:
        return kind in self.names or (bool(self.suffixes) and kind.endswith(self.suffixes))

    def plus(self, extra: Iterable[str]) -> BlockTypes:
        """These types and `extra` (an adapter's `extra_block_types=` setting)."""
        extra = [extra] if isinstance(extra, str) else list(extra)
        for name in extra:
            if not isinstance(name, str) or not name:
                raise TypeError(f"extra_block_types must be block type names, got {name!r}")
        return BlockTypes(self.names | frozenset(extra), self.suffixes) if extra else self

    def describe(self) -> str:
        known = sorted(self.names) + [f"*{suffix}" for suffix in self.suffixes]
        return ", ".join(known)


def check_messages(
    messages: Sequence[BaseMessage], *, provider: str, block_types: BlockTypes
) -> None:
    """Raise ValueError/TypeError for the first message an adapter must not send."""
    for i, message in enumerate(messages):
        if not isinstance(message, BaseMessage):
            raise TypeError(f"message {i}: expected a message, got {type(message).__name__}")
        content: Any = message.content
        if isinstance(content, str):
            check_text(content, i, "its text")
        elif isinstance(content, list):
            for j, block in enumerate(content):
                _check_block(block, i, j, provider, block_types)
        elif content is None:
            if not (isinstance(message, AIMessage) and message.tool_calls):
                raise ValueError(
                    f"message {i}: content is None; a {message.type} message needs text "
                    "(a str) or a list of content blocks"
                )
        else:
            raise TypeError(
                f"message {i}: content must be a str or a list of content blocks, "
                f"got {type(content).__name__}"
            )
        if message.name is not None:
            check_text(message.name, i, "its name")
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                _check_strings(call, i, f"tool call {call.get('name')!r}")


def check_text(text: str, index: int, where: str) -> None:
    """ValueError naming message `index` and the character position if `text` holds a
    character UTF-8 cannot encode. ASCII text (most of it) costs one C-speed scan."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise ValueError(
            f"message {index}: {where} has a character that cannot be sent as UTF-8 at "
            f"position {exc.start} ({char!r}, a lone surrogate: text decoded with "
            "'surrogateescape', or a JSON \\u escape cut in half); fix or drop it"
        ) from None


def _check_block(block: Any, i: int, j: int, provider: str, block_types: BlockTypes) -> None:
    if isinstance(block, str):  # a bare string is a text block
        check_text(block, i, f"content block {j}")
        return
    if not isinstance(block, dict):
        raise TypeError(
            f"message {i}: a content block must be a dict or a str; block {j} is a "
            f"{type(block).__name__}"
        )
    kind = block.get("type")
    if not isinstance(kind, str) or not block_types.allows(kind):
        what = "has no 'type'" if kind is None else f"has type {kind!r}"
        raise ValueError(
            f"message {i}: content block {j} {what}, which the {provider} adapter does not "
            f"send. Known types: {block_types.describe()}. If the server takes it, "
            "declare it with the adapter setting extra_block_types=[...]"
        )
    _check_strings(block, i, f"content block {j}")


def _check_strings(value: Any, i: int, where: str) -> None:
    """Every str inside `value` (dicts, lists), checked by `check_text`."""
    if isinstance(value, str):
        check_text(value, i, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_text(key, i, where)
            _check_strings(item, i, f"{where}, field {key!r}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_strings(item, i, where)
