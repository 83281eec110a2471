"""ChatChatplex's `bind_tools`: LangChain's tools in the OpenAI form chatplex checks
and sends, the wire's built-in tools in their bound place (switching a `ChatOpenAI` to
the Responses API, as langchain-openai does), the tool choice and parallel calls as the
wire's partner binds them."""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.tools import Tool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

from ..adapters.output_formats import openai_json_schema
from ..adapters.tool_choice import normalise_tool_choice
from ..adapters.tool_choice import parallel_from_choice
from ..adapters.tools import given_cache_control
from ..adapters.tools import given_tool_fields
from ..adapters.tools import to_tool_specs
from ..adapters.tools import tool_list
from ..chat.dropin import tool_call_body
from ..chat.structured import OutputSchema
from ..chat.structured import output_schema
from ..chat.tool_binding import builtin_tool_reader
from .traits import partner_traits
from .wrapped import adapter_of
from .wrapped import partner_refuses
from .wrapped import primary

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from .chat_protocol import LangChainChat

__all__ = [
    "bind_tools",
    "choice_kept_without_tools",
    "forced_tool_binding",
    "functions_only",
    "is_builtin_tool",
    "partner_output_schema",
    "sent_as_given",
    "warn_strict_dropped",
]


def is_builtin_tool(tool: Any) -> bool:
    """An OpenAI built-in tool dict (`{"type": "web_search"}`), as `ChatOpenAI` reads it."""
    from ..providers.openai.choices import is_builtin_tool  # only when tools are bound

    return is_builtin_tool(tool)


def functions_only(tools: Any) -> bool:
    """Whether `tools`, a list of tools (else `tool_list`'s ToolDefinitionError), holds
    no built-in one."""
    return not any(is_builtin_tool(tool) for tool in tool_list(tools))


def bind_tools(
    model: LangChainChat, tools: Sequence[Any], tool_choice: Any, kwargs: dict[str, Any]
) -> LCRunnable[LanguageModelInput, LCAIMessage]:
    """`model.bind_tools(tools, tool_choice=tool_choice, **kwargs)`."""
    tools = tool_list(tools)
    if _builtin_tools(model) is not None:
        tools = [_custom_tool_dict(tool) for tool in tools]
    # A tool_choice object carrying the parallel-calls flag (Anthropic's form, as
    # langchain-anthropic takes it) binds it as `parallel_tool_calls=` would.
    kept_whole = partner_traits(adapter_of(model.chatplex_model)).binds_choice_parallel_flag
    tool_choice, parallel = (tool_choice, None) if kept_whole else parallel_from_choice(tool_choice)
    if parallel is not None:
        kwargs.setdefault("parallel_tool_calls", parallel)
    builtin = [t for t in tools if isinstance(t, dict) and is_builtin_tool(t)]
    if builtin and _builtin_tools(model) is not None:
        # Built-in tools (web_search, file_search...) its wire knows: on the API that
        # takes them (switched to), each sent in its bound place (`_bind_functions`).
        return _bind_functions(_with_builtin_tools(model, builtin), tools, tool_choice, kwargs)
    return _bind_functions(model, tools, tool_choice, kwargs)


def _custom_tool_dict(tool: Any) -> Any:
    """A LangChain custom tool (a `Tool` marked `"custom_tool"`: langchain-openai's
    `custom_tool`, a free-form text input) as langchain-core's `convert_to_openai_tool`
    makes it, `{"type": "custom", ...}`, which a wire with built-in tools binds as one
    of them (switching a `ChatOpenAI` to the Responses API, as its partner's payload
    does). A plain dict of that type is not one to it: `convert_to_openai_tool` passes
    only the types it knows, and makes a function of its name and description (no
    parameters, its `format` dropped), as langchain-openai binds and sends it. Any other
    tool as given."""
    metadata = getattr(tool, "metadata", None)
    if (
        isinstance(tool, Tool)
        and isinstance(metadata, dict)
        and metadata.get("type") == "custom_tool"
    ) or (isinstance(tool, Mapping) and tool.get("type") == "custom"):
        return convert_to_openai_tool(tool)
    return tool


def _bind_functions(
    model: LangChainChat, tools: Sequence[Any], tool_choice: Any, kwargs: dict[str, Any]
) -> LCRunnable[LanguageModelInput, LCAIMessage]:
    formatted: list[dict[str, Any]] = []
    seen: set[str] = set()
    # `strict=True`: OpenAI's strict function schemas, made as langchain-openai makes them.
    strict = kwargs.pop("strict", None)
    adapter = adapter_of(model.chatplex_model)
    traits = partner_traits(adapter)
    if not traits.bind_strict:
        warn_strict_dropped(adapter, strict, stacklevel=5)  # (the line binding the tools)
        strict = None  # dropped, as its partner package drops it
    elif _strict_beside_format(model, traits.binds_response_format, strict, kwargs):
        # langchain-openai's: Chat Completions takes only strict tools beside a
        # response format, so its bind_tools makes them strict unless told not to.
        strict = True
    builtin = builtin_tool_reader(adapter)
    passed = traits.passed_tool_extras
    for tool in tools:
        if builtin is not None and isinstance(tool, dict) and builtin(tool) is not None:
            formatted.append(tool)  # the wire's own tool, sent as given in its place
            continue
        given_form = traits.binds_as_given
        own_form = (
            isinstance(tool, Mapping)
            and adapter is not None
            and given_form is not None
            and given_form(adapter, tool)
        )
        spec = convert_to_openai_tool(tool, strict=None if own_form else strict)
        if passed:  # a LangChain tool's extras its partner copies beside the function
            spec = {**spec, **_passed_extras(tool, passed)}
        else:
            spec = {**spec, **given_tool_fields(tool)}  # Anthropic's tool fields, kept beside
        control = given_cache_control(tool)
        if control is not None:
            # An Anthropic tool dict's (or a LangChain tool's `extras`) prompt-cache
            # breakpoint, which the OpenAI form drops: kept beside it (`to_tool_specs`
            # reads it; the wires without prompt caching ignore it), as
            # langchain-anthropic sends it.
            spec = {**spec, "cache_control": control}
        key = json.dumps(_untitled(spec), sort_keys=True, default=str)
        if key not in seen:  # a class and its JSON schema are one tool, not two
            seen.add(key)
            formatted.append(spec)
    # a bad tool fails here, not as a provider's 400
    specs = to_tool_specs(formatted, builtin=builtin)
    given = tool_choice  # (as the script gave it: its partner's form reads it)
    if tool_choice == "":
        # No choice, as the partner packages read a falsy one (`if tool_choice:`): a
        # script passing on a setting left unset binds its tools alone.
        tool_choice = None
    kinds = {s.builtin.get("type") for s in specs if s.builtin} if _on_responses(model) else ()
    if isinstance(tool_choice, str) and tool_choice in kinds:
        kwargs["tool_choice"] = {
            "type": tool_choice
        }  # a built-in tool, as langchain-openai binds it
    elif isinstance(tool_choice, dict) and _on_responses(model):
        if not sent_as_given(adapter, tool_choice):
            normalise_tool_choice(tool_choice, specs)  # (one naming no bound tool fails here)
        kwargs["tool_choice"] = tool_choice  # bound as given, as langchain-openai binds it
    else:
        names_lone = traits.true_choice_names_lone_tool
        if tool_choice is True and len(specs) == 1 and names_lone:
            tool_choice = specs[0].name  # the one tool, as its partner binds it
        kept = choice_kept_without_tools(model, adapter)
        read = parallel_from_choice(tool_choice)[0]  # (a flag bound whole is not read)
        choice = normalise_tool_choice(read, specs, kept_without_tools=kept)
        if choice is not None:
            kwargs["tool_choice"] = choice
        elif traits.binds_unset_tool_choice:
            kwargs.setdefault("tool_choice", None)  # as its partner binds it
    if kwargs.get("response_format") and traits.binds_response_format and model._under_partner_name:
        # (under a partner's name only: LangChainChat binds it as given)
        kwargs["response_format"] = _bound_format(kwargs["response_format"], strict)
    parallel = kwargs.get("parallel_tool_calls")
    engine = primary(model.chatplex_model)
    if parallel is not None and not partner_refuses(engine, parallel_tool_calls=parallel):
        # (a keyword its partner refuses stays bound as given: refused when called)
        kwargs.update(_parallel_calls(model.chatplex_model, kwargs))
    return _bound(model, formatted, kwargs, given)


def _strict_beside_format(
    model: LangChainChat, binds_format: bool, strict: bool | None, kwargs: dict[str, Any]
) -> bool:
    """Whether a drop-in's `bind_tools` makes its tools strict for the `response_format`
    bound beside them, as langchain-openai's does (`PartnerTraits.binds_response_format`):
    `strict` not given, and the class not made with `use_responses_api=True` (whose API
    takes other tools beside a format)."""
    return (
        strict is None
        and binds_format
        and model._under_partner_name
        and bool(kwargs.get("response_format"))
        and getattr(model, "use_responses_api", None) is not True
    )


def _passed_extras(tool: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    """The `keys` of a LangChain tool's `extras` (a dict's none), as langchain-openai's
    `bind_tools` copies them."""
    extras = None if isinstance(tool, Mapping) else getattr(tool, "extras", None)
    return {k: extras[k] for k in keys if k in extras} if isinstance(extras, dict) else {}


def partner_output_schema(given: Any, *, untitled: bool = False) -> OutputSchema:
    """`output_schema` of what a drop-in's `with_structured_output` (or a bound
    `response_format`) was given, described as the partner packages describe it: a
    TypedDict without a docstring gets what langchain-core's `convert_to_openai_tool`
    reads for it (`inspect.getdoc`, which finds `dict`'s own docstring), which every
    partner sends as its description, as the drop-ins' `bind_tools` sends it."""
    spec = output_schema(given, untitled=untitled)
    if spec.kind != "typeddict" or spec.description:
        return spec
    described = convert_to_openai_tool(given)["function"].get("description")
    return dataclasses.replace(spec, description=described) if described else spec


def _bound_format(given: Any, strict: bool | None) -> Any:
    """A `response_format` bound beside tools as langchain-openai's `bind_tools` binds it
    (`PartnerTraits.binds_response_format`): LangChain's agents' form is read as its schema and
    that schema's own `strict`, then made OpenAI's json_schema form as
    `with_structured_output` makes it; a pydantic class stays a class."""
    if isinstance(given, Mapping) and given.get("type") == "json_schema":
        inner = given.get("json_schema")
        if isinstance(inner, Mapping) and "schema" in inner:
            strict, given = inner.get("strict"), inner["schema"]
    if isinstance(given, type) and is_basemodel_subclass(given):
        return given
    return openai_json_schema(partner_output_schema(given), given, strict)


def _bound(
    model: LangChainChat, tools: list[dict[str, Any]], kwargs: dict[str, Any], given: Any
) -> LCRunnable[LanguageModelInput, LCAIMessage]:
    """`model` bound to `tools` and `kwargs`, its tools and tool choice in the form its
    wire's partner binds them (`PartnerTraits.bound_tool_form`, from the choice `given`
    and chatplex's reading of it), which callbacks and tracers see among the invocation
    params; the engine reads them back to the same request. A choice already bound as an
    object (the Responses API's, a parallel-calls flag's) stays so."""
    adapter = adapter_of(model.chatplex_model)
    read = kwargs.get("tool_choice")
    traits = partner_traits(adapter)
    form = traits.bound_tool_form
    if adapter is not None and form is not None and (read is None or isinstance(read, str)):
        tools, bound_choice = form(adapter, tools, given if read is not None else None, read)
        if bound_choice is not None:
            kwargs["tool_choice"] = bound_choice
    word = traits.word_choice_keyword
    if word is not None and not isinstance(kwargs.get("tool_choice"), dict):
        kwargs[word] = kwargs.pop("tool_choice", None) or "auto"  # (its wire sends it so)
    return model.bind(tools=tools, **kwargs)


def _builtin_tools(model: LangChainChat) -> str | None:
    """What built-in tool dicts are to the chatplex model's wire (its partner record's
    `builtin_tools`, read through a binding too); None for a model without one
    (fallbacks, a fake)."""
    return partner_traits(adapter_of(model.chatplex_model)).builtin_tools


#: The `tool_choice` object kinds chatplex reads into its own spelling (a tool's name,
#: "auto", "none", "required"); another kind is the wire's own.
_READ_CHOICES = frozenset({"function", "tool", "auto", "none", "any"})


def warn_strict_dropped(adapter: Adapter | None, strict: Any, stacklevel: int) -> None:
    """The UserWarning its partner gives for a `strict=` it drops
    (`PartnerTraits.strict_dropped_warning`), `stacklevel` frames above this one's caller."""
    message = None if strict is None else partner_traits(adapter).strict_dropped_warning
    if message:
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


def choice_kept_without_tools(model: LangChainChat, adapter: Adapter | None) -> bool:
    """Whether a choice of any tool with no tool bound is kept for the request: on a
    drop-in whose partner binds it (`Adapter.keeps_choice_without_tools`); chatplex's
    own `ChatChatplex` refuses it at `bind_tools`."""
    return model._under_partner_name and adapter is not None and adapter.keeps_choice_without_tools


def sent_as_given(adapter: Adapter | None, choice: Any) -> bool:
    """Whether `choice` is a `tool_choice` object the wire's partner sends as given and
    chatplex does not read (`PartnerTraits.sends_unread_tool_choice`): sent so, in the body."""
    unread = isinstance(choice, dict) and choice.get("type") not in _READ_CHOICES
    return unread and partner_traits(adapter).sends_unread_tool_choice


def _on_responses(model: LangChainChat) -> bool:
    return _builtin_tools(model) == "sent"


def _with_builtin_tools(model: LangChainChat, builtin: list[dict[str, Any]]) -> LangChainChat:
    """`model`, or a copy on the API whose `tools` take `builtin` (a `ChatOpenAI`
    switches to the Responses API, as langchain-openai does)."""
    from ..providers.openai.dropin import finish_binding  # (only models given such tools)

    inner = model.chatplex_model
    calls = getattr(inner, "partner_calls", None)
    if getattr(calls, "finish_binding", None) is finish_binding:
        switched = inner.bind_tools(builtin)
    elif _on_responses(model):
        return model
    else:
        kinds = ", ".join(sorted(str(t["type"]) for t in builtin))
        raise ValueError(
            f"built-in tools ({kinds}) need the OpenAI Responses API: use "
            "ChatOpenAI, or a model of provider 'openai_responses'"
        )
    return model.model_copy(update={"chatplex_model": switched})


def _untitled(node: Any) -> Any:
    """A schema without pydantic's generated `title`s (which differ between a class and
    its `model_json_schema()`), to compare tools."""
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    if not isinstance(node, dict):
        return node
    return {k: _untitled(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}


def _parallel_calls(engine: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What `bind_tools(parallel_tool_calls=...)` binds: the body fields the wire's
    partner sends for it (`Adapter.parallel_tool_calls_body`): the Chat Completions
    parameter as given, a `tool_choice` object carrying it as that object (Anthropic's
    `disable_parallel_tool_use`, bound so by langchain-anthropic: the call reads it back,
    `generation._target`), any other in `extra_body`."""
    parallel = kwargs.pop("parallel_tool_calls")
    choice = kwargs.get("tool_choice")
    adapter = adapter_of(engine)
    if partner_traits(adapter).binds_parallel_as_given:
        adapter = None  # (bound as given, as with no wire: its call refuses it)
    body = tool_call_body(adapter, parallel, choice if isinstance(choice, str) else None)
    if body == {"parallel_tool_calls": parallel} or set(body) == {"tool_choice"}:
        return body
    return {
        "extra_body": {**getattr(engine, "extra_body", {}), **kwargs.get("extra_body", {}), **body}
    }


def forced_tool_binding(llm: Any, schema: Any, keywords: dict[str, Any]) -> dict[str, Any]:
    """The call keywords a drop-in's partner binds for `with_structured_output`'s forced
    call of `schema` (`forced_tool_keywords` of `chatplex.chat.structured`), the tool and
    its choice in the partner's form, as the drop-in's own `bind_tools` writes them
    (`strict` left out when not given, as the partners leave it). A schema that
    `bind_tools` does not read (a pydantic v1 class) is given as LangChain declares it;
    {} where it refuses that too."""
    given = {k: v for k, v in keywords.items() if v is not None}
    for tool in (schema, convert_to_openai_tool(schema)):
        try:
            return dict(getattr(llm.bind_tools([tool], **given), "kwargs", {}))
        except (TypeError, ValueError):
            continue
    return {}
