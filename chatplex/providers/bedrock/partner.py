"""What langchain-aws does beyond the Bedrock wires' translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`:
its ChatBedrockConverse binds an unset `tool_choice`, refuses keywords Converse lacks
and checks a conversation first; its ChatBedrock on InvokeModel binds an Anthropic
model's tools in Anthropic's form (a `tool_choice` object whole, its
`disable_parallel_tool_use` too) and drops `strict=` with a warning.

>>> TRAITS["BedrockInvokeAdapter"].bind_strict, TRAITS["BedrockAdapter"].bind_strict
(False, True)
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters.partner_calls import PartnerCalls
from ...adapters.partner_calls import empty_stop_left_out
from ...adapters.partner_calls import none_left_out
from ...adapters.partner_traits import PartnerTraits
from ..anthropic.bound import bound_anthropic_tools
from .call_keywords import converse_refusal
from .conversation import wire_messages
from .output_config import output_config
from .tool_config import tool_choice_object

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...messages import BaseMessage
    from .adapter import BedrockAdapter
    from .invoke import BedrockInvokeAdapter

__all__ = ["TRAITS", "bound_invoke_tools"]


def _converse_refusal(
    adapter: Adapter, keywords: Sequence[str], asynchronous: bool, streaming: bool
) -> str | None:
    """langchain-aws's ChatBedrockConverse takes Converse's own fields per call: any other
    keyword (`top_k`, `thinking`, `parallel_tool_calls`...) is its `_converse_params()`'s
    TypeError, before any request (`call_keywords.py`)."""
    return converse_refusal(keywords)


def _check_conversation(adapter: Adapter, messages: list[BaseMessage]) -> None:
    """langchain-aws's `_messages_to_bedrock`, run before its `_converse_params()`: the
    conversation checked and turned into Converse's turns, as a call's."""
    cast("BedrockAdapter", adapter)._check_messages(messages)
    wire_messages(messages)


#: The parameters of langchain-aws's `BedrockBase._prepare_input_and_invoke()` (and its
#: `_stream` twin) that its ChatBedrock passes itself beside a call's keywords.
_INVOKE_OWN = ("prompt", "system")


def _invoke_refusal(
    adapter: Adapter, keywords: Sequence[str], asynchronous: bool, streaming: bool
) -> str | None:
    """langchain-aws's ChatBedrock on InvokeModel sends a call's keywords in its body,
    but hands them to `_prepare_input_and_invoke()` beside its own `prompt` and `system`:
    either as a call's keyword is Python's "multiple values" TypeError, before any
    request (Converse's refusals are ChatBedrockConverse's, which its ChatBedrock on
    Converse is)."""
    method = "_prepare_input_and_invoke_stream" if streaming else "_prepare_input_and_invoke"
    for name in keywords:
        if name in _INVOKE_OWN:
            return (
                f"langchain_aws.llms.bedrock.BedrockBase.{method}() got multiple values "
                f"for keyword argument '{name}'"
            )
    return None


#: The keys of Converse's own `toolChoice` objects, which langchain-aws binds as given.
_CONVERSE_CHOICES = frozenset({"auto", "any", "tool"})


def _converse_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The tools as given, the choice as langchain-aws's ChatBedrockConverse binds it:
    Converse's `toolChoice` object ("auto" and "any" as `{word: {}}`, a tool's name as
    `{"tool": {"name": ...}}`, one given as given). It binds "none", "required" and True
    as a tool of that name, which Bedrock refuses, and refuses another wire's object
    (OpenAI's, Anthropic's): those are bound as Converse's object of the choice chatplex
    reads and sends (a choice of any tool: `{"any": {}}`; "none", which has none and
    which chatplex refuses when called, as the word)."""
    if isinstance(given, dict) and len(given) == 1 and set(given) <= _CONVERSE_CHOICES:
        return tools, given
    if read is None or read == "none":
        return tools, read
    return tools, tool_choice_object(read)


def bound_invoke_tools(
    tools: list[dict[str, Any]], tool_choice: str | None, given: Any = None
) -> tuple[list[dict[str, Any]], Any]:
    """`tools` and `tool_choice` (as `bound_anthropic_tools` takes them) as ChatBedrock's
    `bind_tools` binds them for an Anthropic model on InvokeModel (its own
    `convert_to_anthropic_tool`): a function tool's `description` first (the name when it
    has none), no `strict` (which it ignores); built-in tools as given.

    >>> tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    >>> bound_invoke_tools([tool], None)
    ([{'name': 'f', 'description': 'f', 'input_schema': {}}], None)
    """
    anthropic, choice = bound_anthropic_tools(tools, tool_choice, given)
    bound = []
    for tool, own in zip(tools, anthropic, strict=True):
        if own is not tool:  # a function tool, in Anthropic's form
            own.pop("strict", None)
            own = {
                "name": own["name"],
                "description": own.pop("description", None) or own["name"],
                **own,
            }
        bound.append(own)
    return bound, choice


def _invoke_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """An Anthropic model's tools and `tool_choice` object as langchain-aws's ChatBedrock
    binds them (`bound_invoke_tools`); another family's as given, the choice chatplex's
    reading."""
    from .invoke import model_family  # loaded with InvokeModel's adapter

    own = cast("BedrockInvokeAdapter", adapter)
    family = own.family or (model_family(own.model_id) if own.model_id else None)
    if family != "anthropic":
        return tools, read
    return bound_invoke_tools(tools, read, given)


def _invoke_for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """Itself, or a copy for this call: sending the call's Anthropic `tool_choice`
    object as given where it carries `disable_parallel_tool_use` (langchain-aws's
    ChatBedrock sends its kwargs' choice unchanged, Anthropic's own field, not a
    `parallel_tool_calls` beside it); keeping a guardrail's intervention where its trace
    is on (`_guardrail_signal`)."""
    own = cast("BedrockInvokeAdapter", adapter)
    choice = settings.get("tool_choice")
    flagged = isinstance(choice, Mapping) and "disable_parallel_tool_use" in choice
    traced = _guardrail_traced(own)
    if not (flagged or traced):
        return adapter
    call = copy.copy(own)
    if flagged:
        call.given_tool_choice = dict(cast("Mapping[str, Any]", choice))
    if traced:
        call.guardrail_signals = []
    return call


def _guardrail_traced(adapter: BedrockInvokeAdapter) -> bool:
    held = adapter.chat_bedrock
    guardrails = None if held is None else held.guardrails
    return bool(guardrails and guardrails.get("trace"))


#: Why langchain-aws tells the callbacks of a reply a guardrail intervened in.
_INTERVENED = "GUARDRAIL_INTERVENED"


def _guardrail_signal(adapter: Adapter) -> tuple[Exception, dict[str, Any]] | None:
    """langchain-aws's InvokeModel call, its guardrail's trace on, hands the callbacks'
    `on_llm_error` a reply a guardrail intervened in (its `_get_bedrock_services_signal`),
    then returns the reply."""
    found = cast("BedrockInvokeAdapter", adapter).guardrail_signals
    if not found:
        return None
    error = Exception(f"Error raised by bedrock service: {_INTERVENED}")
    return error, {"reason": _INTERVENED, "signal": True, "trace": found[-1]}


def _call_max_tokens_field(adapter: Adapter) -> str | None:
    """Where a call's own `max_tokens` goes apart from the model's setting
    (`BedrockInvokeAdapter.call_max_tokens_key`)."""
    return cast("BedrockInvokeAdapter", adapter).call_max_tokens_key


def _sent_schema(adapter: Adapter, settings: Mapping[str, Any]) -> Any:
    """The JSON schema a bound `response_format` sends as Converse's `outputConfig`
    (every object closed, as langchain-aws's ChatBedrockConverse binds it)."""
    if not isinstance(settings.get("response_format"), Mapping):
        return None
    structure = output_config(settings["response_format"])["textFormat"]["structure"]
    return json.loads(structure["jsonSchema"]["schema"])


def _bound_output_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A json_schema format bound as langchain-aws's ChatBedrockConverse binds it:
    Converse's `output_config`, as each call sends it."""
    bound = {k: v for k, v in settings.items() if k != "response_format"}
    return {**bound, "output_config": output_config(settings["response_format"])}


def _call_values(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A call's keywords as langchain-aws reads them: a None is none given
    (`temperature if temperature is not None else self.temperature`; a field the model
    has none of is left out), and so is an empty `stop` (`stop or self.stop`).

    >>> _call_values({"temperature": None, "stop": [], "top_p": 0.5})
    {'top_p': 0.5}
    """
    return none_left_out(empty_stop_left_out(settings))


def _converse_call_values(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """`_call_values`, and a call's tools given in Converse's own form (`{"toolSpec":
    {...}}`) read as the function each declares, as langchain-aws's ChatBedrockConverse
    sends them (its `_format_tools`: as written, described by the name where they have
    no description); a bound one is LangChain's form already.

    >>> spec = {"name": "f", "inputSchema": {"json": {"type": "object"}}}
    >>> _converse_call_values({"tools": [{"toolSpec": spec}]})["tools"][0]["function"]
    {'name': 'f', 'description': 'f', 'parameters': {'type': 'object'}}
    """
    read = _call_values(settings)
    tools = read.get("tools")
    if isinstance(tools, (list, tuple)):
        functions = [_converse_form(t) for t in tools]
        if any(functions):
            read = {**read, "tools": [f or t for f, t in zip(functions, tools, strict=True)]}
    return read


def _converse_form(tool: Any) -> dict[str, Any] | None:
    """The function a Converse-form tool declares, in LangChain's (OpenAI's) form; None
    for any other tool."""
    spec = tool.get("toolSpec") if isinstance(tool, Mapping) and len(tool) == 1 else None
    if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
        return None
    schema = spec.get("inputSchema")
    if not (isinstance(schema, Mapping) and isinstance(schema.get("json"), Mapping)):
        return None
    function = {"name": spec["name"], "description": spec.get("description") or spec["name"]}
    function["parameters"] = dict(schema["json"])
    if isinstance(spec.get("strict"), bool):
        function["strict"] = spec["strict"]
    return {"type": "function", "function": function}


#: Each Bedrock adapter class's record, by its name.
TRAITS: dict[str, PartnerTraits] = {
    "BedrockAdapter": PartnerTraits(
        structured_trace="method",  # its structured runs name the method alone
        # ... beside the tool form, or a json_schema call's schema as it sends it.
        structured_trace_schema={"json_schema": "as sent"},
        sent_structured_schema=_sent_schema,
        bound_json_schema=_bound_output_config,
        # langchain-aws's ChatBedrockConverse binds `tool_choice=None` when none is asked.
        binds_unset_tool_choice=True,
        bound_tool_form=_converse_tool_form,
        partner_refusal=_converse_refusal,
        check_partner_messages=_check_conversation,
        retries_and_calls=PartnerCalls(
            # botocore's timeouts (ReadTimeoutError, ConnectTimeoutError) hold a
            # `response`, None; its failed connection and urllib3's cut stream none.
            kept_responses=frozenset({"timeout"}),
            # botocore retries these statuses (its standard mode's transient ones, its
            # legacy mode's 429) and a throttling code, which Bedrock answers as a 429:
            # a 409 or a 529 is raised at the first, whatever its retry mode.
            statuses=frozenset({429, 500, 502, 503, 504}),
            # `invoke([])` goes as one "." user turn (`conversation.wire_messages`), as
            # langchain-aws's ChatBedrockConverse sends it; Converse answers it.
            empty_input_sent=True,
            read_values=_converse_call_values,
        ),
    ),
}
TRAITS["BedrockInvokeAdapter"] = dataclasses.replace(
    TRAITS["BedrockAdapter"],
    # langchain-aws's ChatBedrock binds no `tool_choice` when none is asked.
    binds_unset_tool_choice=False,
    # It binds its structured tool with `strict=`, which its `bind_tools` ignores (with a
    # UserWarning) off the Converse API...
    strict_dropped=frozenset({"function_calling"}),
    # ...as it ignores `bind_tools(strict=...)` itself...
    bind_strict=False,
    # ...with this warning (strict=False too).
    strict_dropped_warning=(
        "The 'strict' parameter is only supported when using the Converse API "
        "(beta_use_converse_api=True). It will be ignored."
    ),
    partner_refusal=_invoke_refusal,
    bound_tool_form=_invoke_tool_form,
    for_call=_invoke_for_call,
    call_max_tokens_field=_call_max_tokens_field,
    reply_signal=_guardrail_signal,
    binds_choice_parallel_flag=True,
    # Its InvokeModel call logs a failure and tells the callbacks before it raises.
    failure_report=("langchain_aws.llms.bedrock", "Error raised by bedrock service"),
    # `invoke([])` is refused before any request, as ChatBedrock refuses it.
    # (a call's tools in Converse's form are Converse's: InvokeModel reads them not)
    retries_and_calls=dataclasses.replace(
        TRAITS["BedrockAdapter"].retries_and_calls,
        empty_input_sent=False,
        read_values=_call_values,
    ),
)
