"""Calling a wire's partner record (`providers/<wire>/partner.py`) as the LangChain family
does (`chatplex.langchain.traits.partner_traits`): each callable field with the adapter
first, its default where the record has none."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from chatplex.adapters.base import Adapter
from chatplex.langchain.traits import partner_traits


def refusal(
    adapter: Adapter,
    keywords: Sequence[str],
    *,
    asynchronous: bool = False,
    streaming: bool = False,
) -> str | None:
    """The words of the TypeError its partner raises for a call given `keywords`."""
    found = partner_traits(adapter).partner_refusal
    return None if found is None else found(adapter, keywords, asynchronous, streaming)


def for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """The adapter a drop-in's call with these settings uses."""
    found = partner_traits(adapter).for_call
    return adapter if found is None else found(adapter, settings)


def sdk_helper(adapter: Adapter) -> Any:
    """The adapter reading a `response_format` stream as its partner's SDK helper does."""
    found = partner_traits(adapter).sdk_helper_adapter
    return None if found is None else found(adapter)


def check_messages(adapter: Adapter, messages: list[Any]) -> None:
    """What its partner raises formatting `messages`."""
    found = partner_traits(adapter).check_partner_messages
    if found is not None:
        found(adapter, messages)


def bound_form(
    adapter: Adapter, tools: list[dict[str, Any]], choice: str | None, given: Any = None
) -> Any:
    """Tools and choice as its partner binds them, from the choice `given` (by default
    chatplex's reading, `choice`)."""
    found = partner_traits(adapter).bound_tool_form
    given = choice if given is None else given
    return (tools, choice) if found is None else found(adapter, tools, given, choice)
