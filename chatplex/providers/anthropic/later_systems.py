"""langchain-anthropic's reading of a system message after the conversation started (a
"later" one): on a model whose profile takes mid-conversation system messages
(`PLACED_SYSTEM_MODELS`) it goes in place, a `system` turn, where it follows a user turn
(or a server tool's result) and comes last or before an assistant turn; elsewhere it is
hoisted into the top-level `system` with a warning, and a second system prompt is a
ValueError ("Received multiple non-consecutive system messages."). A run of system
messages in a row is one. chatplex's own family refuses a later system message.

>>> from chatplex.messages import AIMessage, HumanMessage, SystemMessage
>>> later = Later("placed")
>>> later.allowed([{"role": "user", "content": "hi"}])
True
>>> later.allowed([{"role": "assistant", "content": "hello"}])
False
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

from ...core.frames import user_stacklevel
from ...messages import BaseMessage

__all__ = [
    "PLACED_SYSTEM_MODELS",
    "TOOL_CHANGES",
    "Later",
    "dropped_system_block",
    "later_mode",
    "unwrapped",
]

#: The system blocks that change the tool set, sent only by a system message in place
#: (or the leading one).
TOOL_CHANGES = ("tool_addition", "tool_removal")

#: The models whose langchain-anthropic profile sets `mid_conversation_system_messages`
#: (its profiles are read by the exact model name).
PLACED_SYSTEM_MODELS = frozenset(
    {
        "claude-fable-5",
        "claude-fable-5-1",
        "claude-haiku-5-5",
        "claude-mythos-5",
        "claude-mythos-5-1",
        "claude-opus-4-8",
        "claude-opus-5",
        "claude-opus-5-5",
        "claude-sonnet-5",
        "claude-sonnet-5-5",
    }
)

_HOISTED = (
    "A non-leading `SystemMessage` was moved to the top-level `system` field and now "
    "applies to the entire conversation. To send it in place, use a model whose profile "
    "sets `mid_conversation_system_messages` and place it after a human or tool message, "
    "either last or before an AI message (model: {model!r})."
)

_Block = dict[str, Any]
#: A run of system messages as sent, its tool changes kept or not (`request._system`).
SystemContent = Callable[[Sequence[BaseMessage], bool], "str | list[_Block] | None"]


def unwrapped(block: _Block) -> _Block:
    """A block given in LangChain's `non_standard` wrapper, as its value."""
    value = block.get("value")
    return value if block.get("type") == "non_standard" and isinstance(value, dict) else block


def dropped_system_block(kind: Any) -> None:
    """langchain-anthropic's warning for a system block it drops (a tool change in a
    hoisted message, or a type Anthropic's system prompts do not take)."""
    if kind in TOOL_CHANGES:
        said = (
            f"Tool-change block {kind!r} was dropped: it is only valid on a `SystemMessage` "
            "sent in place, and this one was hoisted into the top-level `system` field."
        )
    else:
        said = (
            f"Unrecognized system content block {kind!r} was dropped. Anthropic accepts "
            "`text` in any system message, plus `tool_addition` and `tool_removal` on a "
            "mid-conversation one."
        )
    warnings.warn(said, UserWarning, stacklevel=user_stacklevel())


def later_mode(placed: bool, model: str | None) -> str:
    """How a later system message is read: "refused" (chatplex's own family), "placed"
    (langchain-anthropic's, on a model that takes one in place) or "hoisted"."""
    if not placed:
        return "refused"
    return "placed" if model in PLACED_SYSTEM_MODELS else "hoisted"


class Later:
    """The later system messages of one request being translated: those waiting for the
    next turn (`pending`), and the system prompt they may be hoisted into."""

    def __init__(self, mode: str, model: str | None = None, *, warned: bool = True) -> None:
        self.mode = mode
        self.model = model
        #: Whether a hoisted message is warned of (langchain-anthropic's; langchain-aws's
        #: ChatBedrock hoists it silently).
        self.warned = warned
        self.pending: list[Sequence[BaseMessage]] = []

    def allowed(self, turns: list[_Block]) -> bool:
        """Whether a system message may stay in place after `turns` (a user turn, or an
        assistant one ending with a server tool's result)."""
        if not turns:
            return False
        role, content = turns[-1]["role"], turns[-1]["content"]
        if role == "user":
            return True
        return (
            role == "assistant"
            and isinstance(content, list)
            and bool(content)
            and str(content[-1].get("type", "")).endswith("_tool_result")
        )

    def take(
        self, run: Sequence[BaseMessage], turns: list[_Block], system: Any, content: SystemContent
    ) -> Any:
        """A run of later system messages met: kept for the next turn where it may stay
        in place, else hoisted into `system` (returned)."""
        if self.mode == "placed" and (self.pending or self.allowed(turns)):
            self.pending.append(run)
            return system
        return self._hoisted(run, system, content)

    def before(self, role: str, turns: list[_Block], system: Any, content: SystemContent) -> Any:
        """The pending runs, as a turn of `role` follows them: in place before an
        assistant turn, else hoisted (the system prompt returned)."""
        pending, self.pending = self.pending, []
        for run in pending:
            if role == "assistant":
                self._placed(run, turns, content)
            else:
                system = self._hoisted(run, system, content)
        return system

    def end(self, turns: list[_Block], content: SystemContent) -> None:
        """The runs still pending at the end, in place."""
        for run in self.pending:
            self._placed(run, turns, content)
        self.pending = []

    def _placed(
        self, run: Sequence[BaseMessage], turns: list[_Block], content: SystemContent
    ) -> None:
        sent = content(run, True)
        if sent:
            turns.append({"role": "system", "content": sent})

    def _hoisted(self, run: Sequence[BaseMessage], system: Any, content: SystemContent) -> Any:
        if system is not None:
            raise ValueError("Received multiple non-consecutive system messages.")
        hoisted = content(run, False)
        if self.warned:
            warnings.warn(
                _HOISTED.format(model=self.model), UserWarning, stacklevel=user_stacklevel()
            )
        return hoisted
