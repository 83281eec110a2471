"""What langchain-anthropic does beyond the Messages wire's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
it binds tools in Anthropic's form (a dict already in it as given), sends a pydantic
`response_format` as its schema, and reads a call made through the SDK's beta client
with the beta models' fields.

>>> TRAITS["AnthropicAdapter"].response_format_class
'schema'
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters import extra_body_layer
from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_calls import empty_stop_left_out
from ...adapters.partner_calls import none_left_out
from ...adapters.partner_traits import PartnerTraits
from ...adapters.validate import CreateRefusal
from ...messages import SystemMessage
from .betas import beta_call
from .bound import bound_anthropic_tools
from .later_systems import TOOL_CHANGES

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...messages import BaseMessage
    from .adapter import AnthropicAdapter

__all__ = ["TRAITS"]


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """Anthropic's tool form and `tool_choice` object, as langchain-anthropic binds them
    (`bound_anthropic_tools`)."""
    return bound_anthropic_tools(tools, read, given)


def _binds_as_given(adapter: Adapter, tool: Mapping[str, Any]) -> bool:
    """A tool dict in Anthropic's form, as langchain-anthropic's
    `convert_to_anthropic_tool` reads one: `strict=` not applied to it."""
    return all(key in tool for key in ("name", "description", "input_schema"))


def _for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """Itself, or one whose replies show the beta models' fields, where
    langchain-anthropic would make the call through the SDK's beta client
    (`betas.beta_call`)."""
    own = cast("AnthropicAdapter", adapter)
    if own._beta_replies:
        return adapter
    name = next((k for k in own._extra_headers if k.lower() == "anthropic-beta"), "")
    if not beta_call(own._extra_headers.get(name), settings):
        return adapter
    beta = copy.copy(own)
    beta._beta_replies = True
    return beta


def _conversation_betas(adapter: Adapter, messages: list[BaseMessage], settings: Any) -> Adapter:
    """Itself, or one whose replies show the beta models' fields where only the
    conversation brings a beta (a system turn sent in place that changes the tools):
    langchain-anthropic then calls through the SDK's beta client, as for the model's,
    the call's or its tools' betas (`for_call`)."""
    own = cast("AnthropicAdapter", adapter)
    if own._beta_replies:
        return adapter
    changes = any(
        isinstance(m, SystemMessage)
        and isinstance(m.content, list)
        and any(isinstance(b, Mapping) and b.get("type") in TOOL_CHANGES for b in m.content)
        for m in messages
    )
    if not changes:
        return adapter
    request = own.build_request(messages, settings, stream=False)
    if not any(name.lower() == "anthropic-beta" for name in request.headers):
        return adapter  # (a model that hoists the system turn drops its tool changes)
    beta = copy.copy(own)
    beta._beta_replies = True
    return beta


#: The model's fields a call's None clears: langchain-anthropic's payload takes the
#: call's None over the model's value, then leaves every None out (`max_tokens` aside:
#: its SDK then refuses the call; `thinking` and `inference_geo` it sets again after).
_CLEARED_BY_NONE = frozenset(
    {
        "temperature",
        "top_k",
        "top_p",
        "stop_sequences",
        "context_management",
        "mcp_servers",
        "container",
        "user_profile_id",
    }
)


def _given_values(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A call's keywords as langchain-anthropic sends them: its payload leaves out every
    None value (`foo=None` is no keyword its SDK refuses), the model's own field too
    where the call gives it as None (`_CLEARED_BY_NONE`: the API's default is used); an
    empty `stop` is none given (its payload's `stop or self.stop_sequences`).

    >>> _given_values({"foo": None, "temperature": None, "top_p": 0.5, "stop": ""})
    {'temperature': None, 'top_p': 0.5}
    """
    return none_left_out(empty_stop_left_out(settings), _CLEARED_BY_NONE)


def _call_applied(model: Any, settings: Mapping[str, Any]) -> None:
    """Once a call's settings are on the model's copy: a body field the call gave as None
    (`top_k`, `mcp_servers`) left out, not sent as null; then the constructor's
    `extra_body` over them."""
    for key in _CLEARED_BY_NONE.intersection(settings):
        if settings[key] is None:
            model.extra_body.pop(key, None)
            if key == "stop_sequences":  # (the model's are its `stop` setting)
                model.stop = None
    extra_body_layer.call_applied(model, settings)


def _anthropic_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """langchain-anthropic's tool form of a schema, from langchain-core's OpenAI tool."""
    function = tool["function"]
    described = {"description": function["description"]} if "description" in function else {}
    return {"name": function["name"], "input_schema": function["parameters"], **described}


#: The Messages adapter's record.
TRAITS: dict[str, PartnerTraits] = {
    "AnthropicAdapter": PartnerTraits(
        structured_trace="method",  # its structured runs name the method alone
        # ... beside its tool form of the schema (function_calling), else the OpenAI one.
        structured_trace_schema={
            "function_calling": _anthropic_tool,
            "json_schema": "openai tool",
        },
        bound_tool_form=_bound_tool_form,
        binds_as_given=_binds_as_given,
        # A call's response_format given as a pydantic class: its schema in
        # output_config.format, as langchain-anthropic converts it.
        response_format_class="schema",
        for_call=_for_call,
        # langchain-anthropic hands a call's keywords to the anthropic SDK's
        # `Messages.create()` (its beta client's is named so too).
        partner_unknown_keyword=CreateRefusal("Messages"),
        retries_and_calls=PartnerCalls(
            # The anthropic SDK retries a stream's request up to its headers; its events
            # are iterated outside those retries: a stall before the first event is one
            # request, its `ReadTimeout` raised raw
            # (tests/partners/test_stream_stall_sidebyside.py).
            stream_bodies_retried=False,
            call_adapter=_conversation_betas,
            # A call's `timeout=anthropic.Timeout(...)`, which langchain-anthropic hands
            # its SDK.
            timeout_objects=True,
            # (its SDK's `create()` takes a call's keywords: none of chatplex's own settings)
            own_settings_refused=True,
            read_values=_given_values,
            # The constructor's `extra_body`, merged by the SDK over a call's own fields.
            call_applied=_call_applied,
        ),
    ),
}
