"""`ChatChatplex.with_structured_output`: LangChain's methods, chosen as the chatplex
model underneath chooses them.

LangChain's own `BaseChatModel.with_structured_output` always binds the schema as a
forced tool call. Some wires cannot force one (their API has no
`tool_choice`) or take no tools at all: there the reply came as text and
parsed to `None`, silently. Here `method=` is taken as LangChain's chat models take it,
and when none is named it is the one the wrapped chatplex model would use
(`chatplex.ChatModel.with_structured_output`): its adapter's `structured_output_method`
("json_schema" on such wires), else the model's own (`chatplex.langchain.ChatOpenAI`:
"json_schema", as langchain-openai), else LangChain's "function_calling".

- "function_calling": LangChain's own (the schema as a forced tool, LangChain's tool
  parsers). On a wire that cannot force the call the tool is offered, and a reply
  without its call raises `OutputParserException` instead of giving `None` (a drop-in
  gives `None`, as its partner's parser does); on a wire that takes no tools it is a
  `ValueError` at once. A drop-in (`ChatChatplex._under_partner_name`) sends its
  partner class's request instead: its engine names the model and method that answer
  (`ChatModel._structured_target`), the tool and its choice are bound as its partner
  binds them (`chatplex.chat.structured.forced_tool_keywords` through the drop-in's
  `bind_tools`, `strict=` dropped where its partner drops it), and read by its
  partner's parsers (`tool_parsers.tools_parser`). Where
  the drop-in's tool goes unforced (a model refusing a forced choice, or thinking on),
  a reply without the call raises `OutputParserException` and a stream gives the whole
  reply's value alone, as the partners' `_raise_if_no_tool_calls` step does.
- "json_schema" / "json_mode": the request settings chatplex's own structured output
  sends on that wire (`chatplex.chat.structured.format_settings`: OpenAI's
  `response_format`, Anthropic's `output_config`, or what an adapter's own
  `structured_output_settings` says, which other adapters turn into their own fields);
  the reply text
  is parsed by LangChain's JSON / pydantic parsers. Anthropic has no JSON mode:
  "json_mode" is "json_schema" there, as in LangChain.

`include_raw=True` gives `{"raw", "parsed", "parsing_error"}` as LangChain does.

A call's own OpenAI-style `response_format` (what LangChain's agents' `ProviderStrategy`
binds on every model, through `bind_tools`) is read as the partner packages read it
(`call_format`): sent as given where the wire takes that field, else in the wire's own
spelling (Anthropic's `output_config`, another's schema field); and where the
partner's reply to it carries `additional_kwargs["parsed"]` (langchain-openai's: the
SDK's parse()), so does ours (`parsed_key.py`).

A drop-in whose partner checks each reply piece for a refusal before its parser
(langchain-openai's `BaseChatOpenAI`, `PartnerTraits.checks_refusal`) has that step too
(`refusal_check.py`), whatever the method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeGuard

from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableGenerator
from langchain_core.runnables import RunnableLambda
from langchain_core.runnables import RunnableMap
from langchain_core.runnables import RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from langchain_core.utils.pydantic import is_pydantic_v1_subclass
from pydantic import BaseModel

from ..adapters.base import Adapter
from ..adapters.output_formats import response_format_schema
from ..adapters.typeddicts import is_typeddict
from ..chat import ChatModel
from ..chat.params import api_parameters
from ..chat.partner_record import PartnerClass
from ..chat.structured import METHODS
from ..chat.structured import OutputSchema
from ..chat.structured import default_method as _default_method
from ..chat.structured import forced_tool_keywords
from ..chat.structured import forced_tool_model
from ..chat.structured import format_settings
from ..chat.structured import output_schema
from .parsed_key import ClassFormat
from .parsed_key import parsed_key_parser
from .prefilled import prefilled
from .reasoning_parsers import reasoning_parser
from .refusal_check import refusal_check
from .tool_binding import forced_tool_binding
from .tool_binding import partner_output_schema
from .tool_binding import warn_strict_dropped
from .tool_parsers import tools_parser
from .traits import partner_traits
from .traits import strict_dropped
from .wrapped import body_format
from .wrapped import declared_spec
from .wrapped import primary

if TYPE_CHECKING:
    from .chat_protocol import LangChainChat

__all__ = [
    "call_format",
    "default_method",
    "parsed",
    "streamed_format",
    "structured_output",
]


#: A class with no partner record answers as its model does.
_NO_RECORD = PartnerClass()


def default_method(inner: Any) -> str:
    """The method the chatplex model `inner` uses when none is named."""
    return _default_method(_adapter(inner), getattr(inner, "structured_output_method", None))


def structured_output(
    llm: LangChainChat,
    schema: Any,
    *,
    method: str | None,
    include_raw: bool,
    strict: bool | None,
    kwargs: dict[str, Any],
) -> LCRunnable[Any, Any]:
    """`llm.with_structured_output(...)` for a ChatChatplex `llm`, a drop-in's too (see
    the module doc)."""
    inner = primary(llm.chatplex_model)
    asked = method  # (what a partner naming the method as asked traces)
    # A drop-in over its engine: the partner class's model and method answer.
    partner = llm._under_partner_name and isinstance(llm.chatplex_model, ChatModel)
    if partner:
        hooks = (llm._record or _NO_RECORD).hooks  # (its partner's answer)
        if method is not None and method in hooks.prefills:  # (its partner's own method)
            return prefilled(llm, hooks.prefills[method], method, schema, include_raw, kwargs)
        inner, method = hooks.structured_target(llm.chatplex_model, method, schema)
        if inner is not llm.chatplex_model:
            llm = llm.model_copy(update={"chatplex_model": inner})
    method = method or default_method(inner)
    asked = asked or method
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    provider = str(getattr(inner, "provider", "") or "")
    # langchain-openai's BaseChatOpenAI takes `tools=` to bind beside a json_schema
    # format (its other methods leave them unbound), the classes built on it too.
    beside: list[Any] | None = None
    if partner and "tools" in kwargs and partner_traits(_adapter(inner)).binds_response_format:
        beside = list(kwargs.pop("tools") or ())
    if method == "function_calling":
        return _function_calling(llm, inner, schema, include_raw, strict, kwargs, partner)
    if kwargs:
        raise TypeError(f"with_structured_output got unexpected arguments {sorted(kwargs)}")
    adapter = _adapter(inner)
    if method == "json_mode" and adapter is not None:
        method = adapter.structured.json_mode  # Anthropic's has none: "json_schema"
    if method in strict_dropped(adapter, inner.model, strict):
        strict = None  # dropped, as its partner package drops it
    if strict is not None and method == "json_mode":
        raise ValueError("Argument `strict` is not supported with `method`='json_mode'")
    profile = adapter.structured if adapter is not None else None
    if profile is not None and (profile.strict_refused or profile.schema_enforced):
        # Their schema outputs are enforced by design: strict= is moot (as in LangChain).
        strict = None
    if schema is None and method == "json_schema":
        raise ValueError("method='json_schema' needs a schema (only json_mode works without)")
    given = schema
    if isinstance(schema, type) and is_pydantic_v1_subclass(schema):
        given = convert_to_openai_tool(schema)["function"]  # chatplex reads pydantic v2 only
    untitled = profile is not None and profile.untitled_schema_sent
    spec = _partner_spec(given, method, untitled)
    settings = format_settings(provider, spec, given, method, strict, adapter)
    pydantic = _is_pydantic_class(schema)
    # Where the partner's raw reply to a response_format call carries
    # `additional_kwargs["parsed"]` (langchain-openai's: the SDK's parse()), so does ours:
    # the object for a pydantic schema, which langchain-openai binds as the class.
    keyed = profile is not None and profile.parsed_key and method == "json_schema"
    if keyed and pydantic and isinstance(settings.get("response_format"), Mapping):
        settings["response_format"] = ClassFormat(settings["response_format"], schema)
    if beside and method == "json_schema":
        settings["tools"] = [convert_to_openai_tool(t, strict=strict) for t in beside]
    # ("method and schema strict": a json_schema's schema traced as strict as it is sent.)
    strictly = strict if _trace(llm, adapter) == "method and schema strict" else None
    named = asked if _trace(llm, adapter) == "method as asked" else method  # (as traced)
    # (ours made only where traced: a schema langchain-core cannot convert is still
    # JSON mode's to give as it is, where its partner traces it as given)
    traced = _bound_schema(
        llm, adapter, named, schema, lambda: _traced_schema(schema, spec, strictly), settings
    )
    classed = isinstance(settings.get("response_format"), ClassFormat)
    # A class bound as its partner binds it (langchain-openai's `BaseChatOpenAI`): each
    # call sends it as `call_format` reads a (pydantic v2) class, the format above.
    as_class = classed and given is schema and partner_traits(adapter).binds_response_format
    as_class = as_class and partner
    shown = {**settings, "response_format": schema} if as_class else settings
    bound_form = partner_traits(adapter).bound_json_schema
    if partner and bound_form is not None and method == "json_schema":
        shown = bound_form(shown)
    bound = llm.bind(**shown, **_traced(llm, adapter, method, strict, traced, asked))
    parser: LCRunnable[Any, Any]
    if classed:
        parser = parsed_key_parser(schema, partner_traits(adapter).refusal_error, partner=partner)
    elif partner_traits(adapter).think_stripped:
        parser = reasoning_parser(schema if pydantic else None)
    else:
        parser = PydanticOutputParser(pydantic_object=schema) if pydantic else JsonOutputParser()
    return parsed(bound, _checked(parser, adapter, partner), include_raw)


def streamed_format(engine: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """A stream's call `kwargs`, a pydantic class's `response_format` sent as the partner
    of the chatplex model `engine` sends it in a stream, where that differs from a whole
    call's (`PartnerTraits.streams_class_as_schema`): the class's JSON schema, strict, as
    a format given as a dict is sent; the class still read into `parsed`."""
    given = kwargs.get("response_format")
    adapter = _adapter(engine)
    if not isinstance(given, ClassFormat) or adapter is None:
        return kwargs
    if not partner_traits(adapter).streams_class_as_schema:
        return kwargs
    schema = given.schema.model_json_schema()
    sent = format_settings(
        str(engine.provider), output_schema(schema), schema, "json_schema", True, adapter
    )["response_format"]
    return {**kwargs, "response_format": ClassFormat(sent, given.schema)}


def _traced(
    llm: LangChainChat,
    adapter: Adapter | None,
    method: str,
    strict: bool | None,
    schema: Any,
    asked: str | None = None,
) -> dict[str, Any]:
    """The run's `ls_structured_output_format` (what callbacks and tracers get among its
    options), as a keyword to bind: the method (as `asked` where its partner names that
    one) and `strict` (langchain-openai's, but for json_mode) beside the schema, or what
    a drop-in's partner names (`PartnerTraits.structured_trace`)."""
    trace = _trace(llm, adapter)
    if trace == "method as asked" and asked is not None:
        method = asked
    kwargs: dict[str, Any] = {"method": method}
    # (ChatChatplex names `strict` for json_mode too; langchain-openai does not.)
    named = trace is None or (trace == "method and strict" and method != "json_mode")
    # ("method and schema strict": a json_schema's, where one is sent.)
    sent = trace == "method and schema strict" and method == "json_schema" and strict is not None
    if named or sent:
        kwargs["strict"] = strict
    return {"ls_structured_output_format": {"kwargs": kwargs, "schema": schema}}


def _trace(llm: LangChainChat, adapter: Adapter | None) -> str | None:
    """What a drop-in's partner names in its structured runs (`_traced`); None: ours."""
    return partner_traits(adapter).structured_trace if llm._under_partner_name else None


def _bound_schema(
    llm: LangChainChat,
    adapter: Adapter | None,
    method: str,
    schema: Any,
    ours: Callable[[], Any],
    settings: Mapping[str, Any] | None = None,
) -> Any:
    """The schema beside the method in the run's trace, in the form a drop-in's partner
    binds it (`PartnerTraits.structured_trace_schema`: what `dumpd` of the structured
    model writes; "as sent": read from the bound `settings`), else `ours()`. Callbacks
    get langchain-core's JSON schema of either."""
    traits = partner_traits(adapter)
    form = traits.structured_trace_schema.get(method)
    if form is None or schema is None or not llm._under_partner_name:
        return ours()
    if form == "given":
        return schema
    if form == "as sent":
        sent = traits.sent_structured_schema
        found = None if sent is None or adapter is None else sent(adapter, settings or {})
        return ours() if found is None else found
    try:
        tool = convert_to_openai_tool(schema)
    except (TypeError, ValueError):  # (a schema langchain-core cannot convert: traced as ours)
        return ours()
    return form(tool) if callable(form) else tool  # (its own form, else "openai tool")


def _partner_spec(given: Any, method: str, untitled: bool) -> OutputSchema:
    """`partner_output_schema` of `given`; where langchain-core cannot convert a
    TypedDict (a `NotRequired` field), its TypeError, as the partner's
    `with_structured_output` raises it, but in JSON mode, which sends no schema: the
    partner's call raises it there (langchain-core tracing the schema), and so does
    the drop-in's, the schema left unconverted for that trace (a spec of no name)."""
    if is_typeddict(given):
        try:
            convert_to_openai_tool(given)
        except TypeError:
            if method != "json_mode":
                raise
            return OutputSchema("", "", {}, "none")
    return partner_output_schema(given, untitled=untitled)


def _traced_schema(schema: Any, spec: OutputSchema, strict: bool | None = None) -> Any:
    """The schema the run's `ls_structured_output_format` names: langchain-core's JSON
    schema of it (`strict`, as `convert_to_json_schema` takes it), or a nameless dict
    (`output_schema`'s `untitled`) as given, which LangChain's run then leaves untraced,
    as it leaves the partner's."""
    if schema is None or not spec.name:
        return schema
    return convert_to_json_schema(schema, strict=strict)


def _function_calling(
    llm: LangChainChat,
    inner: Any,
    schema: Any,
    include_raw: bool,
    strict: bool | None,
    kwargs: dict[str, Any],
    partner: bool,
) -> LCRunnable[Any, Any]:
    adapter = _adapter(inner)
    forced = adapter is None or adapter.structured.forces_tool_call
    bound: LCRunnable[Any, Any]
    parser: LCRunnable[Any, Any]
    if partner and forced and not kwargs and schema is not None:
        # The partner class's: the tool as LangChain declares it (a class's nested models
        # inlined, no $defs) forced as its partner forces it, read by its partner's parser.
        if "function_calling" in strict_dropped(adapter, inner.model, strict):
            warn_strict_dropped(adapter, strict, stacklevel=1)  # (here, as the partner)
            strict = None  # dropped, as its partner package drops it
        declared_tool = convert_to_openai_tool(schema)["function"]
        forcing = forced_tool_model(inner, declared_tool, strict)
        keywords = forced_tool_keywords(inner, declared_tool, strict)
        binding = forced_tool_binding(llm, schema, keywords)
        traced = _bound_schema(
            llm, adapter, "function_calling", schema, lambda: convert_to_openai_tool(schema)
        )
        trace = _traced(llm, adapter, "function_calling", strict, traced)
        if binding:
            # Its partner's binding (the tool and its choice as the drop-in's `bind_tools`
            # writes them, as a script reads them in `chain.first.kwargs`), sent so.
            bound = llm.bind(**binding, **trace)
        else:  # (a schema its `bind_tools` cannot read: sent by a model forcing it)
            bound = llm.model_copy(update={"chatplex_model": forcing}).bind(**trace)
        raises = (llm._record or _NO_RECORD).hooks.unforced_reply_raises
        if getattr(forcing, "tool_choice", "") is None and raises(inner):
            # Offered unforced (a model that refuses a forced choice, or one thinking):
            # a reply without the call raises, its whole message read at once, as the
            # partners' `llm | _raise_if_no_tool_calls` does.
            bound = bound | _raise_if_no_tool_calls(declared_tool["name"])
        declared = declared_spec(inner)
        whole_unless_streaming = declared is not None and declared.whole_reply_tool_parser
        repairing = declared is not None and declared.repairing_tool_parsers
        # Its parser of a whole reply where the partner does not stream the model.
        whole = bool(llm.disable_streaming) or (whole_unless_streaming and not llm.streaming)
        parser = tools_parser(schema, repairing=repairing or whole_unless_streaming, whole=whole)
        return parsed(bound, _checked(parser, adapter, partner), include_raw)
    refused = None if adapter is None else adapter.structured.tools_refused
    if refused:
        raise ValueError(
            f"method='function_calling' needs a tool call, and {refused}: use "
            f"method={default_method(inner)!r} (this model's default)"
        )
    if kwargs:
        raise ValueError(f"Received unsupported arguments {kwargs}")
    # LangChain's own binding and parsers (`BaseChatModel.with_structured_output`).
    traced = _bound_schema(llm, adapter, "function_calling", schema, lambda: schema)
    bound = llm.bind_tools(
        [schema],
        tool_choice="any",
        ls_structured_output_format={"kwargs": {"method": "function_calling"}, "schema": traced},
    )
    parser = tools_parser(schema, repairing=False)
    if not forced and not llm._under_partner_name:
        # The wire may answer without the call: an error, not LangChain's None.
        name = convert_to_openai_tool(schema)["function"]["name"]
        why = (
            f"the reply has no call of the tool {name!r}: {getattr(inner, 'provider', 'this')} "
            "cannot force a tool call (its API has no tool_choice), so with "
            "method='function_calling' the model may answer in text; "
            f"method={default_method(inner)!r} (this model's default) asks for the schema"
        )
        parser = parser | _call_required(why)
    return parsed(bound, _checked(parser, adapter, partner), include_raw)


def call_format(inner: Any, settings: dict[str, Any]) -> None:
    """A `response_format` among a call's `settings`, in the wire's own spelling where the
    wire of the chatplex model `inner` takes no such field (its adapter's
    `structured_output_settings`, as `with_structured_output` sends them): the partner
    packages read LangChain's agents' OpenAI-style format so (langchain-anthropic's
    `output_config.format`, langchain-google-genai's `response_json_schema`). Left as
    given where the wire takes it, or chatplex does not know the wire's parameters."""
    given = settings.get("response_format")
    adapter = _adapter(inner)
    if given is None and adapter is not None and adapter.structured.parsed_key:
        # (a class the model sends on every call, `model_kwargs`', read as a call's)
        own = body_format(inner)
        given = own if _is_pydantic_class(own) else None
    pydantic = given if _is_pydantic_class(given) else None
    if adapter is not None and adapter.structured.parsed_key and pydantic is not None:
        # A pydantic class, as langchain-openai takes it (the SDK sends its schema).
        sent = format_settings(
            str(inner.provider), output_schema(given), given, "json_schema", None, adapter
        )["response_format"]
        settings["response_format"] = ClassFormat(sent, pydantic)
        return
    if adapter is not None and pydantic is not None:
        # Elsewhere as the wire's partner reads a class (its partner record's).
        read = partner_traits(adapter).response_format_class
        if read == "dropped":
            del settings["response_format"]
        elif read == "schema":
            own = adapter.structured_output_settings(
                output_schema(pydantic), pydantic, "json_schema", None
            )
            if own is not None:
                del settings["response_format"]
                _merge(settings, own)
        return
    known = None if adapter is None else api_parameters(str(inner.provider))
    if adapter is None or known is None or "response_format" in known:
        return
    if not isinstance(given, Mapping):
        return
    wrapped = response_format_schema(given)
    if given.get("type") == "json_schema" and wrapped is not None:
        own = adapter.structured_output_settings(
            output_schema(given), wrapped.get("schema"), "json_schema", None
        )
    elif given.get("type") == "json_object" and adapter.structured.json_mode == "json_mode":
        own = adapter.structured_output_settings(output_schema(None), None, "json_mode", None)
    else:
        return  # no form of it on this wire: refused as any unknown parameter is
    if own is None:
        return
    del settings["response_format"]
    _merge(settings, own)


def _merge(settings: dict[str, Any], own: Mapping[str, Any]) -> None:
    """The wire's own format settings `own` into a call's `settings`."""
    for key, value in own.items():
        held = settings.get(key)
        # Merged into a setting the call has too (Anthropic's output_config.effort).
        if isinstance(held, Mapping) and isinstance(value, Mapping):
            value = {**held, **value}
        settings[key] = value


def _is_pydantic_class(value: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(value, type) and is_basemodel_subclass(value)


def _adapter(inner: Any) -> Adapter | None:
    """The wire of the chatplex model underneath (None for another runnable)."""
    return inner.adapter if isinstance(inner, ChatModel) else None


def _checked(
    parser: LCRunnable[Any, Any], adapter: Adapter | None, partner: bool
) -> LCRunnable[Any, Any]:
    """`parser`, after the refusal check of a drop-in's partner that checks each reply
    piece before its parser (`PartnerTraits.checks_refusal`)."""
    traits = partner_traits(adapter)
    if not partner or not traits.checks_refusal or traits.refusal_error is None:
        return parser
    return refusal_check(traits.refusal_error) | parser


def _raise_if_no_tool_calls(name: str) -> LCRunnable[Any, Any]:
    """The partners' step after a forced tool that went unforced: the reply passed on
    whole (a stream's pieces merged first), or `OutputParserException` where it has no
    tool call."""
    why = (
        f"the reply has no call of the tool {name!r}: this model was not forced to call "
        "it (its API refuses a forced tool choice on this model, or beside thinking). "
        "Consider method='json_schema', turning thinking off where it can be, or a "
        "prompt that asks for the tool."
    )

    def _raise_if_no_tool_calls(message: AIMessage) -> AIMessage:
        if not message.tool_calls:
            raise OutputParserException(why)
        return message

    return RunnableLambda(_raise_if_no_tool_calls)


def _call_required(why: str) -> LCRunnable[Any, Any]:
    """Passes the parsed values on; none at all (the parser's None) raises `why`."""

    def required(values: Iterator[Any]) -> Iterator[Any]:
        came = False
        for value in values:
            if value is not None:
                came = True
                yield value
        if not came:
            raise OutputParserException(why)

    async def arequired(values: AsyncIterator[Any]) -> AsyncIterator[Any]:
        came = False
        async for value in values:
            if value is not None:
                came = True
                yield value
        if not came:
            raise OutputParserException(why)

    return RunnableGenerator(required, arequired, name="RequireToolCall")


def parsed(
    llm: LCRunnable[Any, Any], parser: LCRunnable[Any, Any], include_raw: bool
) -> LCRunnable[Any, Any]:
    """`llm | parser`, or with `include_raw` LangChain's `{"raw", "parsed",
    "parsing_error"}` (a parsing error caught, as LangChain catches it): its chain, so
    that a stream yields its pieces (the raw reply, then the others one by one)."""
    if not include_raw:
        return llm | parser
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    unparsed = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parsed.with_fallbacks([unparsed], exception_key="parsing_error")
