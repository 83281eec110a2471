"""langchain-anthropic's record (providers/anthropic/partner.py): tools bound in
Anthropic's form (a dict already in it as given), a pydantic `response_format` sent as
its schema, a call through the SDK's beta client read with the beta models' fields."""

from __future__ import annotations

from chatplex.langchain.traits import partner_traits
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.bound import bound_anthropic_tools
from chatplex.providers.anthropic.partner import TRAITS
from tests.providers._partner import CITY_SCHEMA
from tests.providers._partner import bound_form
from tests.providers._partner import for_call
from tests.providers._partner import unknown_keyword
from tests.providers._partner import weather_function


def test_the_adapter_binds_this_form() -> None:
    adapter = AnthropicAdapter(api_key="k")
    assert partner_traits(adapter) is TRAITS["AnthropicAdapter"]
    assert bound_form(adapter, [weather_function()], "required") == bound_anthropic_tools(
        [weather_function()], "required"
    )


def test_a_choice_object_is_bound_as_given_and_what_anthropic_refuses_as_sent() -> None:
    # langchain-anthropic binds an object as given; "none" and "required" as a tool of
    # that name (which Anthropic refuses) and True not at all (a ValueError): those are
    # bound as the object of what chatplex reads and sends.
    adapter = AnthropicAdapter(api_key="k")
    given = {"type": "function", "function": {"name": "weather"}}
    assert bound_form(adapter, [weather_function()], "weather", given)[1] == given
    for choice, read, bound in (
        ("none", "none", {"type": "none"}),
        ("required", "required", {"type": "any"}),
        (True, "required", {"type": "any"}),
        ("any", "required", {"type": "any"}),
        ("weather", "weather", {"type": "tool", "name": "weather"}),
    ):
        assert bound_form(adapter, [weather_function()], read, choice)[1] == bound


def test_a_tool_dict_in_anthropics_form_is_bound_as_given() -> None:
    given = TRAITS["AnthropicAdapter"].binds_as_given
    assert given is not None
    adapter = AnthropicAdapter(api_key="k")
    assert given(adapter, {"name": "f", "description": "d", "input_schema": CITY_SCHEMA})
    assert not given(adapter, weather_function())
    assert TRAITS["AnthropicAdapter"].response_format_class == "schema"


def test_a_call_through_the_beta_client_reads_the_beta_fields_on_a_copy() -> None:
    adapter = AnthropicAdapter(api_key="k")
    assert for_call(adapter, {}) is adapter  # no beta asked: the adapter itself
    beta = for_call(adapter, {"mcp_servers": [{"type": "url", "url": "https://m.example"}]})
    assert isinstance(beta, AnthropicAdapter) and beta is not adapter
    assert beta._beta_replies and not adapter._beta_replies
    assert for_call(beta, {"mcp_servers": [{"type": "url"}]}) is beta  # already reading them


def test_an_unknown_call_keyword_is_the_anthropic_sdks_typeerror() -> None:
    # langchain-anthropic hands a call's keywords to the SDK's Messages.create().
    adapter = AnthropicAdapter(api_key="k")
    refusal = unknown_keyword(adapter, "seed", 3)
    assert isinstance(refusal, TypeError)
    assert str(refusal) == "Messages.create() got an unexpected keyword argument 'seed'"
    # an async call's goes to the async client's AsyncMessages.create()
    refusal = unknown_keyword(adapter, "seed", 3, asynchronous=True)
    assert str(refusal) == "AsyncMessages.create() got an unexpected keyword argument 'seed'"
