"""Calling a wire's partner record (`providers/<wire>/partner.py`) as the LangChain family
does (`chatplex.langchain.traits.partner_traits`): each callable field with the adapter
first, its default where the record has none; and what a drop-in raises built with no key
beside what its partner's SDK client raises (`missing_key_alike`)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import pytest

from chatplex.adapters.base import Adapter
from chatplex.errors import ChatplexError
from chatplex.errors import MissingKeyError
from chatplex.langchain.traits import missing_key_error
from chatplex.langchain.traits import partner_calls
from chatplex.langchain.traits import partner_traits

#: A tool's parameters: a city.
CITY_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


def weather_function() -> dict[str, Any]:
    """A tool in OpenAI's function form (`weather`, of a city), as a script binds it."""
    function = {"name": "weather", "description": "Weather.", "parameters": CITY_SCHEMA}
    return {"type": "function", "function": function}


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


def unknown_keyword(
    adapter: Adapter, name: str, value: Any, *, asynchronous: bool = False
) -> Exception | None:
    """The error its partner raises for a call keyword neither it nor chatplex knows, as
    the drop-in's engine is handed it (`partner_calls`)."""
    found = partner_calls(adapter).unknown_keyword
    return None if found is None else found(name, value, asynchronous)


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


def missing_key_alike(adapter_class: type, sdk_client: Any) -> BaseException:
    """What a drop-in on `adapter_class` raises built with no key, checked against what
    the SDK client its partner builds raises built so (`sdk_client()`): the same class
    name and module, an instance of it, no ValueError, the same words, `args` and the
    fields both have. Returns the drop-in's error."""
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the SDK's class is compared
        sdk_client()
    theirs = raised.value
    ours = missing_key_error(MissingKeyError("chatplex's words", adapter_class=adapter_class))
    assert ours is not None
    named = (type(ours).__module__, type(ours).__qualname__)
    assert named == (type(theirs).__module__, type(theirs).__qualname__)
    assert isinstance(ours, type(theirs)) and isinstance(ours, ChatplexError)
    assert not isinstance(ours, ValueError)  # as the SDK's is not one: pydantic lets it by
    assert (str(ours), ours.args) == (str(theirs), theirs.args)
    shared = set(vars(theirs)) & set(vars(ours))
    assert {k: vars(ours)[k] for k in shared} == {k: vars(theirs)[k] for k in shared}
    return ours
