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
  (`ChatModel._structured_target`), the tool is bound as its partner binds it
  (`chatplex.chat.structured.forced_tool_model`, `strict=` dropped where its partner
  drops it), and read by its partner's parsers (`tool_parsers.tools_parser`).
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
SDK's parse()), so does ours (`mark_parsed`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeGuard

from langchain_core.exceptions import OutputParserException
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult
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
from ..chat import ChatModel
from ..chat.params import api_parameters
from ..chat.structured import METHODS
from ..chat.structured import OutputSchema
from ..chat.structured import default_method as _default_method
from ..chat.structured import forced_tool_keywords
from ..chat.structured import forced_tool_model
from ..chat.structured import format_settings
from ..chat.structured import output_schema
from .reasoning_parsers import reasoning_parser
from .tool_binding import forced_tool_shown
from .tool_binding import partner_output_schema
from .tool_binding import warn_strict_dropped
from .tool_parsers import tools_parser
from .traits import partner_error
from .traits import partner_traits
from .traits import strict_dropped
from .wrapped import declared_spec
from .wrapped import primary

if TYPE_CHECKING:
    from .chat_protocol import LangChainChat

__all__ = [
    "ClassFormat",
    "call_format",
    "default_method",
    "mark_parsed",
    "parsed",
    "parsed_value",
    "schema_json",
    "streamed_format",
    "structured_output",
]


class ClassFormat(dict[str, Any]):
    """A `response_format` given as a pydantic class (v2's or v1's), as langchain-openai
    binds it (its `with_structured_output(method="json_schema")`, or a script's `bind`):
    the format the wire is sent (the SDK sends the class's JSON schema), holding the
    class the SDK's parse() reads the reply into, its `parsed`."""

    def __init__(self, sent: Mapping[str, Any], schema: type[Any]) -> None:
        super().__init__(sent)
        self.schema = schema

    def __repr__(self) -> str:
        # The class, as the partner's bound `response_format` reads: LangChain's cache
        # key of the call is written with it, so the partner's cached replies are found.
        return repr(self.schema)


def parsed_value(response_format: Any, content: Any, refusal: Any) -> Any:
    """A reply's `additional_kwargs["parsed"]` as the openai SDK's parse() gives it: its
    text (a Responses reply's: its text blocks) read into the class of a `ClassFormat`
    (a validation error raised, as the SDK raises it), None for a refusal, an empty text
    or a format given as a dict."""
    if not isinstance(response_format, ClassFormat) or refusal:
        return None
    text = _reply_text(content)
    if not text:
        return None
    schema = response_format.schema
    read = getattr(schema, "model_validate_json", None) or schema.parse_raw  # (pydantic v1's)
    return read(text)


def schema_json(response_format: Any, content: Any) -> Any:
    """langchain-openai's Responses path's `additional_kwargs["parsed"]` for a JSON
    schema given as a dict (which it sends without the SDK's parse()): the reply's text
    read as JSON, since the finished response echoes the schema format; None for another
    format, an empty text or text that is not JSON (left unparsed, as it leaves it)."""
    if not _dict_schema(response_format):
        return None
    text = _reply_text(content)
    try:
        return json.loads(text) if text else None
    except json.JSONDecodeError:
        return None


def _dict_schema(response_format: Any) -> bool:
    """Whether a call's `response_format` is a JSON schema given as a dict."""
    if isinstance(response_format, ClassFormat) or not isinstance(response_format, Mapping):
        return False
    return response_format.get("type") == "json_schema"


def _reply_text(content: Any) -> str:
    """A reply's text: its string, or (the Responses API's reply) its text blocks."""
    if isinstance(content, str):
        return content
    texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
    return "".join(t for t in texts if isinstance(t, str))


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
        inner, method = llm.chatplex_model._structured_target(method, schema)
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
    spec = partner_output_schema(given, untitled=untitled)
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
    # (langchain-groq traces a json_schema's schema as strict as it is sent.)
    strictly = strict if _trace(llm, adapter) == "method and schema strict" else None
    bound = llm.bind(
        **settings,
        **_traced(llm, adapter, method, strict, _traced_schema(schema, spec, strictly), asked),
    )
    parser: LCRunnable[Any, Any]
    if isinstance(settings.get("response_format"), ClassFormat):
        parser = parsed_key_parser(schema, partner_traits(adapter).refusal_error)
    elif partner_traits(adapter).think_stripped:
        parser = reasoning_parser(schema if pydantic else None)
    else:
        parser = PydanticOutputParser(pydantic_object=schema) if pydantic else JsonOutputParser()
    return parsed(bound, parser, include_raw)


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


def parsed_key_parser(
    schema: type[BaseModel], refusal_error: tuple[str, str] | None = None
) -> LCRunnable[Any, Any]:
    """langchain-openai's parser of a reply to a pydantic class bound as its
    `response_format`: a `RunnableLambda` reading the whole reply's
    `additional_kwargs["parsed"]` (so a stream yields the object once, after the reply,
    and its events are a lambda's, not a parser's); None for a reply that calls a tool.
    A refusal raises the partner's `refusal_error` (`PartnerTraits.refusal_error`) in
    the refusal's words. A reply without the object (text not of the schema, or a
    refusal where the partner has no such error) is left to LangChain's pydantic
    parser, which raises."""
    fallback = PydanticOutputParser(pydantic_object=schema)
    # A partial of a module function, not a closure: the structured model pickles and
    # deep-copies; a partial's name keeps the lambda's runs "RunnableLambda", as
    # langchain-openai's are.
    read = partial(_read_parsed, schema, refusal_error, fallback)
    return RunnableLambda(read).with_types(output_type=schema)


def _read_parsed(
    schema: type[BaseModel],
    refusal_error: tuple[str, str] | None,
    fallback: PydanticOutputParser[Any],
    message: Any,
) -> Any:
    found = message.additional_kwargs.get("parsed")
    if found is not None:
        return schema(**found) if isinstance(found, dict) else found
    refusal = message.additional_kwargs.get("refusal") or _refusal_block(message)
    if refusal and refusal_error is not None:
        raise partner_error(refusal_error, refusal, args=(refusal,))
    if message.tool_calls:
        return None
    return fallback.invoke(message)


def _refusal_block(message: Any) -> Any:
    """The refusal of a reply whose content holds it as a block (the Responses API's),
    read as langchain-openai's parser reads it: a standard block of no standard kind."""
    for block in message.content_blocks:
        value = block.get("value") if block.get("type") == "non_standard" else None
        if isinstance(value, dict) and "refusal" in value:
            return value["refusal"]
    return None


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
    # (langchain-groq's: a json_schema's, where one is sent.)
    sent = trace == "method and schema strict" and method == "json_schema" and strict is not None
    if named or sent:
        kwargs["strict"] = strict
    return {"ls_structured_output_format": {"kwargs": kwargs, "schema": schema}}


def _trace(llm: LangChainChat, adapter: Adapter | None) -> str | None:
    """What a drop-in's partner names in its structured runs (`_traced`); None: ours."""
    return partner_traits(adapter).structured_trace if llm._under_partner_name else None


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
        forced = llm.model_copy(update={"chatplex_model": forcing})
        keywords = forced_tool_keywords(inner, declared_tool, strict)
        forced._bound_shown = forced_tool_shown(llm, schema, keywords)
        bound = forced.bind(
            **_traced(llm, adapter, "function_calling", strict, convert_to_openai_tool(schema))
        )
        declared = declared_spec(inner)
        whole_unless_streaming = declared is not None and declared.whole_reply_tool_parser
        repairing = declared is not None and declared.repairing_tool_parsers
        # Its parser of a whole reply where the partner does not stream the model.
        whole = bool(llm.disable_streaming) or (whole_unless_streaming and not llm.streaming)
        parser = tools_parser(schema, repairing=repairing or whole_unless_streaming, whole=whole)
        return parsed(bound, parser, include_raw)
    refused = None if adapter is None else adapter.structured.tools_refused
    if refused:
        raise ValueError(
            f"method='function_calling' needs a tool call, and {refused}: use "
            f"method={default_method(inner)!r} (this model's default)"
        )
    if kwargs:
        raise ValueError(f"Received unsupported arguments {kwargs}")
    # LangChain's own binding and parsers (`BaseChatModel.with_structured_output`).
    bound = llm.bind_tools(
        [schema],
        tool_choice="any",
        ls_structured_output_format={"kwargs": {"method": "function_calling"}, "schema": schema},
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
    return parsed(bound, parser, include_raw)


def call_format(inner: Any, settings: dict[str, Any]) -> None:
    """A `response_format` among a call's `settings`, in the wire's own spelling where the
    wire of the chatplex model `inner` takes no such field (its adapter's
    `structured_output_settings`, as `with_structured_output` sends them): the partner
    packages read LangChain's agents' OpenAI-style format so (langchain-anthropic's
    `output_config.format`, langchain-google-genai's `response_json_schema`). Left as
    given where the wire takes it, or chatplex does not know the wire's parameters."""
    given = settings.get("response_format")
    adapter = _adapter(inner)
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


def mark_parsed(result: ChatResult, inner: Any, settings: Mapping[str, Any]) -> ChatResult:
    """`result` with `additional_kwargs["parsed"]` None on its first message when the call
    asked for a `response_format` and its wire's partner package's reply carries the key
    (langchain-openai's, through the SDK's parse(): `parsed_value`)."""
    adapter = _adapter(inner)
    # (or one sent on every call: model_kwargs', in each of langchain-openai's payloads)
    given = settings.get(
        "response_format", (getattr(inner, "extra_body", {}) or {}).get("response_format")
    )
    if given is None or adapter is None or not adapter.structured.parsed_key:
        return result
    message = result.generations[0].message
    if "parsed" not in message.additional_kwargs:
        kwargs = message.additional_kwargs
        value = parsed_value(given, message.content, kwargs.get("refusal"))
        if value is None and not adapter.structured.parsed_none:
            # The Responses API's: the key only for a parsed object (a dict schema's JSON).
            value = schema_json(given, message.content)
            if value is None:
                return result
        message.additional_kwargs = {"parsed": value, **kwargs}
    return result


class _StreamParsed:
    """What `parsed_at_end` reads of a stream: the text of its pieces so far, and
    whether its last piece (`chunk_position="last"`, the finished response's) gets the
    object parsed from it."""

    __slots__ = ("format", "texts")

    def __init__(self, inner: Any, settings: Mapping[str, Any]) -> None:
        adapter = _adapter(inner)
        given = settings.get("response_format")
        # langchain-openai's Responses stream (the key only with a parsed object) reads
        # the object from the finished response; its Chat Completions stream is the
        # SDK helper's (`helper_stream.py`).
        profile = adapter.structured if adapter is not None else None
        wanted = profile is not None and profile.parsed_key and not profile.parsed_none
        keyed = isinstance(given, ClassFormat) or _dict_schema(given)
        self.format = given if wanted and keyed else None
        self.texts: list[Any] = []

    def passed(self, piece: ChatGenerationChunk) -> ChatGenerationChunk:
        message = piece.message
        content = message.content
        self.texts.extend(
            content if isinstance(content, list) else [{"type": "text", "text": content}]
        )
        if (
            getattr(message, "chunk_position", None) == "last"
            and "parsed" not in message.additional_kwargs
        ):
            # Text not of the schema's JSON is left unparsed, as langchain-openai leaves it.
            try:
                value = parsed_value(self.format, self.texts, None)
            except ValueError:
                value = None
            if value is None:
                value = schema_json(self.format, self.texts)
            if value:  # (a falsy object is left out, as langchain-openai's stream leaves it)
                message.additional_kwargs = {**message.additional_kwargs, "parsed": value}
        return piece


def parsed_at_end(
    pieces: Iterator[ChatGenerationChunk], inner: Any, settings: Mapping[str, Any]
) -> Iterator[ChatGenerationChunk]:
    """A drop-in's stream, its last piece carrying `additional_kwargs["parsed"]` where
    the call asked for a pydantic class's `response_format` (or a JSON schema as a dict:
    the JSON read) and the wire's partner reads the object into its stream's last chunk
    (langchain-openai's Responses stream, which its structured-output lambda reads
    there). A stream with nothing to parse is `pieces` itself (no layer each piece
    passes through)."""
    reading = _StreamParsed(inner, settings)
    if reading.format is None:
        return pieces
    return (reading.passed(piece) for piece in pieces)


def aparsed_at_end(
    pieces: AsyncIterator[ChatGenerationChunk], inner: Any, settings: Mapping[str, Any]
) -> AsyncIterator[ChatGenerationChunk]:
    """`parsed_at_end` of an async stream."""
    reading = _StreamParsed(inner, settings)
    if reading.format is None:
        return pieces
    return (reading.passed(piece) async for piece in pieces)


def _is_pydantic_class(value: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(value, type) and is_basemodel_subclass(value)


def _adapter(inner: Any) -> Adapter | None:
    """The wire of the chatplex model underneath (None for another runnable)."""
    return inner.adapter if isinstance(inner, ChatModel) else None


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
