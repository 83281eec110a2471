"""Token counts of chatplex's own chat models (`ChatModel.get_token_ids`,
`get_num_tokens`, `get_num_tokens_from_messages`, and so
`trim_messages(token_counter=model)`), as the wire's LangChain class counts them.

A wire whose LangChain class counts locally holds its counter as
`Adapter.token_counts` (a `TokenCounts`, tiktoken's where that class counts with it), the
one its drop-in counts with too. Elsewhere the LangChain class asks its provider or a
tokenizer it downloads (langchain-core's default): chatplex's own model raises a
NotImplementedError naming the wire there, never a call, never a guessed number.

>>> from chatplex import FakeChatModel
>>> try:
...     FakeChatModel(responses=["hi"]).get_num_tokens("hello")
... except NotImplementedError as error:
...     print(str(error)[:46])
chatplex counts no tokens on the 'fake' wire:
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import Protocol

from ..adapters.base import Adapter
from ..adapters.base import TokenCounts
from ..adapters.partner_calls import PartnerCalls
from ..messages import BaseMessage
from ..messages import coerce_messages
from ..messages import message_list
from .call import OnWire

__all__ = ["from_messages", "token_ids", "wire_counts"]


class Counted(OnWire, Protocol):
    """What the counts read of a model (a `ChatModel`): its wire, model, label and its
    partner's count."""

    partner_calls: PartnerCalls

    @property
    def provider_label(self) -> str: ...


def wire_counts(adapter: Adapter | None) -> TokenCounts | None:
    """The adapter's counter where its wire counts locally, else None."""
    return None if adapter is None else adapter.token_counts


def token_ids(model: Counted, text: str) -> list[int]:
    """`model.get_token_ids(text)`."""
    return _counts(model).token_ids(model.model, text)


def from_messages(
    model: Counted,
    messages: Sequence[Any],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int:
    """`model.get_num_tokens_from_messages(messages, tools, **keywords)`: the messages
    as a call takes them (messages, tuples, dicts); a keyword the wire's counter does not
    take is its TypeError, as in LangChain."""
    own = model.partner_calls.messages_count  # (as its partner class counts them)
    if own is not None:
        checked = message_list(messages, BaseMessage, "get_num_tokens_from_messages")
        return int(own(model, checked, tools, keywords))
    counts = _counts(model)
    return counts.count_messages(model.model, coerce_messages(list(messages)), tools, **keywords)


def _counts(model: Counted) -> TokenCounts:
    counts = wire_counts(model.adapter)
    if counts is None:
        label = model.provider_label
        raise NotImplementedError(
            f"chatplex counts no tokens on the {label!r} wire: its LangChain class asks "
            "the provider or loads a tokenizer, and chatplex's own model sends no request "
            "to count. Pass token_counter='approximate' (or a function of the messages) "
            f"to trim_messages, or use chatplex.langchain's class for {label!r}, which "
            "counts as its partner package does."
        )
    return counts
