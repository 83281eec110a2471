"""langchain-aws's records (providers/bedrock/partner.py): ChatBedrockConverse's keyword
refusals and message checks, ChatBedrock's on InvokeModel (an Anthropic model's tools in
Anthropic's form, `strict=` dropped with its warning)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.langchain.traits import partner_traits
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock.adapter import BedrockAdapter
from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter
from chatplex.providers.bedrock.partner import TRAITS
from chatplex.providers.bedrock.partner import bound_invoke_tools
from tests.providers._partner import bound_form
from tests.providers._partner import check_messages
from tests.providers._partner import refusal
from tests.providers._partner import weather_function

_UNEXPECTED = "ChatBedrockConverse._converse_params() got an unexpected keyword argument"


def test_partner_messages_are_checked_without_credentials_as_langchain_aws_formats_them() -> None:
    # langchain-aws's `_messages_to_bedrock` (before its keyword refusal): an image by URL
    # is its ValueError; the check reads no credentials (none here) and signs nothing.
    adapter = BedrockAdapter(region_name="us-east-1")
    check_messages(adapter, [HumanMessage("hi")])  # nothing to refuse
    image = {"type": "image", "url": "https://example.com/cat.png"}
    with pytest.raises(ValueError, match="^Image data only supported through in-line base64"):
        check_messages(adapter, [HumanMessage([{"type": "text", "text": "See"}, image])])


def test_the_converse_adapter_refuses_so_and_invoke_model_refuses_nothing() -> None:
    assert refusal(BedrockAdapter.__new__(BedrockAdapter), ["top_k"]) == f"{_UNEXPECTED} 'topK'"
    invoke = BedrockInvokeAdapter.__new__(BedrockInvokeAdapter)
    assert refusal(invoke, ["top_k", "foo"]) is None


def test_invoke_models_record_is_converses_with_chatbedrocks_differences() -> None:
    converse, invoke = TRAITS["BedrockAdapter"], TRAITS["BedrockInvokeAdapter"]
    assert converse.binds_unset_tool_choice and not invoke.binds_unset_tool_choice
    assert converse.bind_strict and not invoke.bind_strict
    assert invoke.strict_dropped == {"function_calling"}
    assert invoke.strict_dropped_warning is not None
    assert "Converse API" in invoke.strict_dropped_warning
    # What InvokeModel does not change is Converse's: its messages are checked alike.
    assert invoke.check_partner_messages is converse.check_partner_messages
    assert partner_traits(BedrockInvokeAdapter.__new__(BedrockInvokeAdapter)) is invoke


def test_the_invoke_adapter_binds_it_for_anthropic_models_only() -> None:
    keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"}
    adapter = BedrockInvokeAdapter(region_name="us-east-1", **keys)
    claude = adapter.for_model("us.anthropic.claude-3-5-haiku-20241022-v1:0")
    assert bound_form(claude, [weather_function()], "weather") == bound_invoke_tools(
        [weather_function()], "weather"
    )
    llama = adapter.for_model("meta.llama3-1-70b-instruct-v1:0")
    assert bound_form(llama, [weather_function()], "weather") == ([weather_function()], "weather")


_NAMED = {"type": "function", "function": {"name": "weather"}}


@pytest.mark.parametrize(
    ("given", "read", "bound"),
    [
        ("auto", "auto", {"auto": {}}),
        ("any", "required", {"any": {}}),
        ("weather", "weather", {"tool": {"name": "weather"}}),
        ({"tool": {"name": "weather"}}, "weather", {"tool": {"name": "weather"}}),
        # langchain-aws binds these as a tool of that name (Bedrock refuses the request)
        # or refuses an object not Converse's: Converse's object of what chatplex sends...
        ("required", "required", {"any": {}}),
        (True, "required", {"any": {}}),
        (_NAMED, "weather", {"tool": {"name": "weather"}}),
        # ...and "none", which Converse has not (refused when called), as the word.
        ("none", "none", "none"),
    ],
)
def test_converse_binds_its_tool_choice_object(given: Any, read: str, bound: Any) -> None:
    adapter = BedrockAdapter.__new__(BedrockAdapter)
    assert bound_form(adapter, [weather_function()], read, given) == ([weather_function()], bound)


def test_the_invoke_adapter_binds_a_choice_object_as_given_for_anthropic_models() -> None:
    keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"}
    adapter = BedrockInvokeAdapter(region_name="us-east-1", **keys)
    claude = adapter.for_model("us.anthropic.claude-3-5-haiku-20241022-v1:0")
    given = {"type": "function", "function": {"name": "weather"}}
    assert bound_form(claude, [weather_function()], "weather", given)[1] == given
    assert bound_form(claude, [weather_function()], "none", "none")[1] == {"type": "none"}


def test_a_calls_tool_in_converses_form_is_read_as_its_function_on_converse_only() -> None:
    """`invoke(..., tools=[{"toolSpec": ...}])`: ChatBedrockConverse sends the tool it
    declares (described by its name where it has no description, its `strict` kept);
    InvokeModel's Anthropic body has no such form, so ChatBedrock's reading leaves it."""
    spec = {"name": "f", "strict": True, "inputSchema": {"json": {"type": "object"}}}
    given = {"tools": [{"toolSpec": spec}, {"name": "g"}], "temperature": None}
    converse = TRAITS["BedrockAdapter"].retries_and_calls.read_values
    invoke = TRAITS["BedrockInvokeAdapter"].retries_and_calls.read_values
    assert converse is not None and invoke is not None
    function = {"name": "f", "description": "f", "parameters": {"type": "object"}, "strict": True}
    assert converse(given) == {"tools": [{"type": "function", "function": function}, {"name": "g"}]}
    assert invoke(given) == {"tools": given["tools"]}
    unread = {"tools": [{"toolSpec": {"name": "f"}}]}  # (no schema: not a tool of its)
    assert converse(unread) == unread
