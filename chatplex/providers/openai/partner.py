"""What langchain-openai does beyond the OpenAI wires' translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
its Chat Completions classes read a reply's calls with langchain_core's parser, stream
a `response_format` call through the openai SDK's helper and honour a call's own
`stream_usage`; AzureChatOpenAI sends a call's `max_tokens` as given and reads a
withheld reply as a plain ValueError; the Responses path takes built-in tools and
any `tool_choice` object.

>>> TRAITS["AzureOpenAIAdapter"].call_max_tokens_field
'max_tokens'
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters.partner_traits import PartnerTraits

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from .adapter import OpenAIAdapter
    from .azure import AzureOpenAIAdapter

__all__ = ["TRAITS", "bound_choice", "function_choice", "sdk_helper_adapter", "usage_for_call"]


def usage_for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """A copy asking for a stream's usage (`stream_options`) as the call's own
    `stream_usage` says, over the model's: langchain-openai's `_should_stream_usage`
    reads the call's first (`stream(..., stream_usage=True)`)."""
    own = cast("OpenAIAdapter", adapter)
    asked = settings.get("stream_usage")
    if not isinstance(asked, bool) or asked == own.include_usage:
        return adapter
    clone = copy.copy(own)
    clone.include_usage = asked
    return clone


def sdk_helper_adapter(adapter: Adapter) -> Adapter:
    """langchain-openai streams a call with a `response_format` through the openai SDK's
    `beta.chat.completions.stream`: this adapter, its streams read as that helper reads
    them (`OpenAIStreamParser`'s `sdk_events`)."""
    helper = copy.copy(cast("OpenAIAdapter", adapter))
    helper.reads_sdk_events = True
    return helper


def function_choice(name: str) -> dict[str, Any]:
    """The Chat Completions choice object forcing the tool `name`."""
    return {"type": "function", "function": {"name": name}}


def bound_choice(tools: list[dict[str, Any]], given: Any) -> Any:
    """A tool choice as langchain-openai's `BaseChatOpenAI.bind_tools` binds it: a bound
    tool's name as the choice object naming it, "any" and True as "required"; the other
    words and any object as given (a built-in tool's type is bound as its object before:
    `chatplex.langchain`'s Responses path).

    >>> bound_choice([{"type": "function", "function": {"name": "f"}}], "f")
    {'type': 'function', 'function': {'name': 'f'}}
    >>> bound_choice([], True), bound_choice([], "any"), bound_choice([], "none")
    ('required', 'required', 'none')
    """
    if given is True or given == "any":
        return "required"
    if not isinstance(given, str):
        return given
    for tool in tools:
        function = tool.get("function")
        name = function.get("name") if isinstance(function, Mapping) else tool.get("name")
        if name == given:
            return function_choice(given)
    return given


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The tools as given, the choice as langchain-openai binds it (`bound_choice`)."""
    return tools, bound_choice(tools, given)


def _azure_for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """OpenAI's (a stream's usage as the call asks), and one whose body names the model
    where the call names one (`model=`, the deployment's name too), as langchain-openai's
    payload then does."""
    own = cast("AzureOpenAIAdapter", adapter)
    base = usage_for_call(own, settings)
    if own._body_model or not isinstance(settings.get("model"), str):
        return base
    clone = cast("AzureOpenAIAdapter", base if base is not own else copy.copy(own))
    clone._body_model = True
    return clone


def _azure_partner_reading(adapter: Adapter) -> Adapter:
    """This adapter reading a reply Azure's filter withheld as langchain-openai's
    AzureChatOpenAI does (for its drop-in's engine): an invoked one raises its plain
    ValueError (no class of the SDK's), a streamed one ends without error, its finish
    reason in the metadata. Every other reply and error is read alike."""
    from .azure import _PartnerReadingAzureAdapter  # loaded with Azure's engines only

    # A copy (the same connection and pools) of a class that declares the two, not
    # instance attributes: the families hold closures, which a model holding the
    # adapter could then not pickle.
    reading = _PartnerReadingAzureAdapter.__new__(_PartnerReadingAzureAdapter)
    reading.__dict__.update(adapter.__dict__)
    return reading


#: Each OpenAI adapter class's record, by its name.
TRAITS: dict[str, PartnerTraits] = {
    "OpenAIAdapter": PartnerTraits(
        # langchain-openai reads a reply's calls with langchain_core's parse_tool_call.
        invalid_arguments_words="parser",
        # Its bind_tools rewrites a bound response_format into its own form.
        binds_response_format=True,
        # OpenAI's built-in tools (web_search, file_search...) are the Responses API's.
        builtin_tools="elsewhere",
        for_call=usage_for_call,
        sdk_helper_adapter=sdk_helper_adapter,
        bound_tool_form=_bound_tool_form,
    ),
    "OpenAIResponsesAdapter": PartnerTraits(
        # A call's `max_tokens` is not sent beside the model's, as langchain-openai's
        # Responses payload lets the constructor's `max_completion_tokens` win.
        call_max_tokens_yields=True,
        # langchain-openai sends any `tool_choice` object to the Responses API as given.
        sends_unread_tool_choice=True,
        # Its Responses path gives the JSON decoder's message alone.
        invalid_arguments_words="decoder",
        binds_response_format=True,
        # OpenAI's built-in tools go in the request's `tools`, beside its functions.
        builtin_tools="sent",
        bound_tool_form=_bound_tool_form,
    ),
}
TRAITS["AzureOpenAIAdapter"] = dataclasses.replace(
    TRAITS["OpenAIAdapter"],
    # AzureChatOpenAI renames only its constructor's max_tokens (`_default_params`); a
    # call's goes as given (with both, both are sent).
    call_max_tokens_field="max_tokens",
    for_call=_azure_for_call,
    partner_reading=_azure_partner_reading,
)
