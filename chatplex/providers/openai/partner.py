"""What langchain-openai does beyond the OpenAI wires' translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
its Chat Completions classes read a reply's calls with langchain_core's parser, stream
a `response_format` call through the openai SDK's helper and honour a call's own
`stream_usage`; AzureChatOpenAI sends a call's `max_tokens` as given and reads a
withheld reply as a plain ValueError; the Responses path takes built-in tools and
any `tool_choice` object. Built with no key, both classes raise the openai SDK
client's `OpenAIError`, in its words (`OPENAI_MISSING_KEY`, `AZURE_MISSING_KEY`).

>>> TRAITS["AzureOpenAIAdapter"].call_max_tokens_field
'max_tokens'
>>> TRAITS["AzureOpenAIAdapter"].missing_key.text()[:36]
'Missing credentials. Please pass one'
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters import extra_body_layer
from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_traits import MissingKeyForm
from ...adapters.partner_traits import PartnerTraits
from ...adapters.tools import BESIDE_FIELDS
from ...adapters.validate import CreateRefusal
from . import base_chat_openai
from .kept_reply import cut_reply
from .kept_reply import filtered_reply
from .kept_reply import keeping
from .kept_reply import kept

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from .adapter import OpenAIAdapter
    from .azure import AzureOpenAIAdapter

__all__ = [
    "AZURE_MISSING_KEY",
    "OPENAI_MISSING_KEY",
    "TRAITS",
    "bound_choice",
    "function_choice",
    "sdk_helper_adapter",
    "stainless_missing_key",
    "usage_for_call",
]

#: The openai SDK's words since its clients take other credentials (its
#: `lib/_client_auth` module); a Stainless SDK's before.
_OPENAI_CREDENTIALS = (
    "Missing credentials. Please pass an `api_key`, `workload_identity`, `admin_api_key`, "
    "or set the `OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable."
)


def stainless_missing_key(module: str, name: str, variable: str) -> MissingKeyForm:
    """The refusal of a Stainless-made SDK's client (openai's before its other
    credentials, perplexity's, other presets'...) built with no key: its error class `name` of
    `module`, naming the `variable` it reads."""
    words = (
        "The api_key client option must be set either by passing api_key to the client "
        f"or by setting the {variable} environment variable"
    )
    return MissingKeyForm(module, name, words)


def _openai_words() -> str:
    """What the installed openai SDK's client says with no key."""
    if _openai_takes_other_credentials():
        return _OPENAI_CREDENTIALS
    return stainless_missing_key("openai", "OpenAIError", "OPENAI_API_KEY").text()


@cache
def _openai_takes_other_credentials() -> bool:
    """Whether the installed openai SDK has `lib/_client_auth` (read from its files: the
    SDK is not imported for it)."""
    spec = find_spec("openai")
    places = spec.submodule_search_locations if spec is not None else None
    return any(Path(place, "lib", "_client_auth.py").is_file() for place in places or ())


#: What langchain-openai's ChatOpenAI (and the partners building the openai SDK's
#: client: langchain-together, -nebius) raise built with no key.
OPENAI_MISSING_KEY = MissingKeyForm("openai", "OpenAIError", _openai_words)

#: What AzureChatOpenAI raises built with no credential: the openai SDK's `AzureOpenAI`
#: client's refusal, worded so before its clients took other credentials too.
AZURE_MISSING_KEY = MissingKeyForm(
    "openai",
    "OpenAIError",
    "Missing credentials. Please pass one of `api_key`, `azure_ad_token`, "
    "`azure_ad_token_provider`, or the `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_AD_TOKEN` "
    "environment variables.",
)


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


def _chat_for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """`usage_for_call`'s, keeping its reply where the call asks for a `response_format`
    (`kept_reply.py`)."""
    return keeping(usage_for_call(adapter, settings), settings)


def _azure_for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """OpenAI's (a stream's usage as the call asks, its reply kept for a format), and one
    whose body names the model where the call names one (`model=`, the deployment's name
    too), as langchain-openai's payload then does; with a `response_format`, one reading
    a reply Azure's filter withheld as any other, which the SDK's parse() then refuses
    (`content_filter_error`), before AzureChatOpenAI's own check of the reply."""
    own = cast("AzureOpenAIAdapter", adapter)
    base = _chat_for_call(own, settings)
    named = not own._body_model and isinstance(settings.get("model"), str)
    parsed = settings.get("response_format") is not None and own.withheld_reply_raises
    if not named and not parsed:
        return base
    clone = cast("AzureOpenAIAdapter", base if base is not own else copy.copy(own))
    if named:
        clone._body_model = True
    if parsed:
        clone.withheld_reply_raises = False
    return clone


def _azure_partner_reading(adapter: Adapter) -> Adapter:
    """This adapter reading a reply Azure's filter withheld as langchain-openai's
    AzureChatOpenAI does (for its drop-in's engine): an invoked one raises its plain
    ValueError (no class of the SDK's), a streamed one ends without error, its finish
    reason in the metadata. Every other reply and error is read alike."""
    from .azure import _PartnerReadingAzureAdapter  # loaded with Azure's engines only

    # Of a class that declares the two, not instance attributes: the families hold
    # closures, which a model holding the adapter could then not pickle.
    return _copied_as(adapter, _PartnerReadingAzureAdapter)


def _openai_partner_reading(adapter: Adapter) -> Adapter:
    """ChatOpenAI's adapter reading a compatible server's reasoning as its drop-in keeps
    it (`reasoning_kwarg.py`): langchain-openai drops it. Another class's as it is."""
    from .adapter import OpenAIAdapter
    from .reasoning_kwarg import ReasoningAsKwargAdapter

    if type(adapter) is not OpenAIAdapter:
        return adapter
    return _copied_as(adapter, ReasoningAsKwargAdapter)


def _copied_as(adapter: Adapter, cls: type[Adapter]) -> Adapter:
    """A copy of `adapter` (the same connection and pools) as a `cls`, its subclass."""
    reading = cls.__new__(cls)
    reading.__dict__.update(adapter.__dict__)
    return reading


#: What langchain-openai's parser of a reply to a pydantic `response_format` raises for
#: a refusal (its `_oai_structured_outputs_parser`).
_REFUSAL_ERROR = ("langchain_openai.chat_models.base", "OpenAIRefusalError")

#: What the openai SDK's parse(), which langchain-openai's Chat Completions path calls
#: for a call with a `response_format`, raises for a reply cut at the token limit.
_LENGTH_ERROR = (("openai", "LengthFinishReasonError"), cut_reply)
#: ... and for a reply a content filter stopped, whatever the format, before
#: langchain-openai's refusal check reads one.
_CONTENT_FILTER_ERROR = (("openai", "ContentFilterFinishReasonError"), filtered_reply)

#: A BaseChatOpenAI's ways of sending a call, read of the partner data a model built
#: from its record holds (`base_chat_openai.py`; nothing on a model holding none). The
#: openai SDK's retries end where its streamed create() returns (the reply's headers):
#: a stream stalled before its first event was one request.
BASE_CHAT_OPENAI_CALLS = PartnerCalls(
    call_settings=base_chat_openai.call_settings,
    call_applied=extra_body_layer.call_applied,
    async_stream=base_chat_openai.async_stream,
    # (a call's `Timeout` object, which the openai SDK takes: in seconds)
    timeout_objects=True,
    # (its SDK's `create()` takes a call's keywords: none of chatplex's own settings)
    own_settings_refused=True,
    stream_bodies_retried=False,
)

#: What langchain-openai does alike on both APIs. Its `bind_tools`, one method for both,
#: rewrites a bound response_format into its own form, copies a LangChain tool's extras
#: defer_loading and async, and binds the tools and choice in OpenAI's form. Its parser
#: of a reply to a pydantic format checks for a refusal. It keeps a reply as
#: `kept` does and sends a call as `BASE_CHAT_OPENAI_CALLS` says.
_BOTH_APIS: dict[str, Any] = {
    "binds_response_format": True,
    "passed_tool_extras": BESIDE_FIELDS,
    "bound_tool_form": _bound_tool_form,
    "refusal_error": _REFUSAL_ERROR,
    "checks_refusal": True,
    "kept_reply": kept,
    "retries_and_calls": BASE_CHAT_OPENAI_CALLS,
}

#: Each OpenAI adapter class's record, by its name.
TRAITS: dict[str, PartnerTraits] = {
    "OpenAIAdapter": PartnerTraits(
        missing_key=OPENAI_MISSING_KEY,
        # langchain-openai reads a reply's calls with langchain_core's parse_tool_call.
        invalid_arguments_words="parser",
        # OpenAI's built-in tools (web_search, file_search...) are the Responses API's.
        builtin_tools="elsewhere",
        for_call=_chat_for_call,
        sdk_helper_adapter=sdk_helper_adapter,
        partner_reading=_openai_partner_reading,
        # (its Chat Completions pieces carry `output_version`, their content as it came)
        v1_stream_indexed="marked",
        length_error=_LENGTH_ERROR,
        content_filter_error=_CONTENT_FILTER_ERROR,
        **_BOTH_APIS,
    ),
    "OpenAIResponsesAdapter": PartnerTraits(
        # A call's `max_tokens` is not sent beside the model's, as langchain-openai's
        # Responses payload lets the constructor's `max_completion_tokens` win.
        call_max_tokens_yields=True,
        for_call=keeping,
        # langchain-openai sends any `tool_choice` object to the Responses API as given.
        sends_unread_tool_choice=True,
        # Its Responses path gives the JSON decoder's message alone.
        invalid_arguments_words="decoder",
        # Its stream of a class's format goes by responses.create(), not parse().
        streams_class_as_schema=True,
        # OpenAI's built-in tools go in the request's `tools`, beside its functions.
        builtin_tools="sent",
        # langchain-openai hands a call's keywords it does not rename (`bind(seed=3)` on
        # a Responses model) to the openai SDK's `Responses.create()`.
        partner_unknown_keyword=CreateRefusal("Responses"),
        **_BOTH_APIS,
    ),
}
TRAITS["AzureOpenAIAdapter"] = dataclasses.replace(
    TRAITS["OpenAIAdapter"],
    missing_key=AZURE_MISSING_KEY,
    # AzureChatOpenAI renames only its constructor's max_tokens (`_default_params`); a
    # call's goes as given (with both, both are sent).
    call_max_tokens_field="max_tokens",
    for_call=_azure_for_call,
    partner_reading=_azure_partner_reading,
)
