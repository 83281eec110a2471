"""What a wire's LangChain partner package (langchain-openai, -anthropic, -aws...) does
differently from the wire's plain translation, declared as data: one `PartnerTraits`
record per adapter class, read only by the LangChain family (`chatplex.langchain.traits`).

A provider folder declares its records in `providers/<wire>/partner.py` (`TRAITS`, keyed
by the adapter class's `__name__`); a class without one has its base's, else these
defaults. A field holding a callable takes the adapter first; None there is the plain
behaviour its `#:` comment names. `MissingKeyForm` is one field's value: the error a
partner raises when built with no key, named so that no SDK is imported for it.

>>> PartnerTraits().bind_strict, PartnerTraits(bind_strict=False).bind_strict
(True, False)
>>> MissingKeyForm("openai", "OpenAIError", lambda: "no key").text()
'no key'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from .partner_calls import PartnerCalls

if TYPE_CHECKING:
    from ..messages import BaseMessage
    from ..specs import SdkModel
    from .base import Adapter

__all__ = [
    "OPENAI_TRACE_SCHEMA",
    "CutError",
    "MissingKeyForm",
    "PartnerTraits",
    "TraceSchemaForm",
]

#: A form of the schema a structured run's trace names (`PartnerTraits.structured_trace_schema`):
#: a word, or a function making the partner's own tool form from langchain-core's OpenAI tool.
TraceSchemaForm = Literal["given", "openai tool", "as sent"] | Callable[[dict[str, Any]], Any]

#: langchain-openai's forms (its BaseChatOpenAI's, and the classes built on it).
OPENAI_TRACE_SCHEMA: Mapping[str, TraceSchemaForm] = {
    "function_calling": "given",
    "json_schema": "openai tool",
    "json_mode": "given",
}

#: A partner's error for a reply cut short, at the output-token limit or by a content filter
#: (`PartnerTraits.length_error`, `content_filter_error`): its class, `(module, class
#: name)`, and `(kept reply body, reply read) -> (words, fields)`: the body of a whole
#: reply its adapter kept, else (None) the reply as read so far (a stream's chunks merged,
#: its `response_metadata` holding the raw usage as `token_usage`; None: not known).
CutError = tuple[tuple[str, str], Callable[[bytes | None, Any], tuple[str, dict[str, Any]]]]


@dataclasses.dataclass(frozen=True, slots=True)
class MissingKeyForm:
    """The error a partner package raises when its model is built with no key, where that
    is no ValueError: its SDK client's refusal (the openai SDK's `OpenAIError`, a Fern-made
    SDK's `ApiError`), by module and class name."""

    #: The SDK module holding the error class of its client's refusal ("openai", a
    #: Fern-made SDK's `<sdk>.core.api_error`).
    module: str
    #: That class's name there ("OpenAIError", "ApiError").
    name: str
    #: The SDK's words (`str()` of its error); a function of none where they depend on
    #: the SDK version installed.
    words: str | Callable[[], str]
    #: The attributes its error has beside its words (a Fern-made SDK's `body`,
    #: `status_code`, `headers`).
    fields: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    #: Its `args` where they are not `(words,)` (a Fern-made SDK's `ApiError` takes
    #: keywords only: `()`); None: `(words,)`.
    args: tuple[Any, ...] | None = None

    def text(self) -> str:
        """The SDK's words."""
        return self.words if isinstance(self.words, str) else self.words()


@dataclasses.dataclass(frozen=True, slots=True)
class PartnerTraits:
    """How one wire's partner package binds, structures, calls and reads, where it
    differs from the wire's translation (the defaults: langchain-openai's ways)."""

    # ---- building the model -----------------------------------------------------------

    #: What its partner raises when built with no key where that is no ValueError (its
    #: SDK client's error: `MissingKeyForm`), which the drop-in raises for chatplex's
    #: `MissingKeyError`; None: a ValueError (pydantic's ValidationError around
    #: chatplex's words, as a partner's validator raising one gives).
    missing_key: MissingKeyForm | None = None

    # ---- binding tools ----------------------------------------------------------------

    #: `bind_tools`' tools (OpenAI's function form) and tool choice as its partner
    #: package binds them, `(adapter, tools, given, read) -> (tools, choice)`: what
    #: callbacks, tracers and `bound.kwargs` see. `given` is the choice as the script gave
    #: it (a word, a tool's name, True, an object), `read` chatplex's reading of it
    #: (`normalise_tool_choice`: a word or a bound tool's name), which the request sends
    #: whatever is bound: the engine reads the bound choice back to it. Where its partner's
    #: form would be a request its provider rejects, or a raise, the form binds `read`, in
    #: the partner's own spelling where it has one (Anthropic's `{"type": "any"}`). A None
    #: choice binds none. None: the tools as given and `read`.
    bound_tool_form: (
        Callable[[Adapter, list[dict[str, Any]], Any, str | None], tuple[list[dict[str, Any]], Any]]
        | None
    ) = None
    #: The keyword its partner's `bind_tools` binds a word choice under ("auto", "none",
    #: "required"), where not `tool_choice`, and "auto" under where none is given
    #: (langchain-ibm's `tool_choice_option`, the chat API's field, which its wire takes
    #: from a call as sent); None: `tool_choice`, as `bound_tool_form` gives it.
    word_choice_keyword: str | None = None
    #: Whether its partner's `bind_tools` binds `tool_choice` (as None) when none is
    #: asked (langchain-aws's Converse class); False: it binds none then.
    binds_unset_tool_choice: bool = False
    #: Whether its partner's `bind_tools` binds a `tool_choice` given as None (it takes
    #: the choice among its keywords, as given); False: it binds none.
    binds_given_none_choice: bool = False
    #: Whether a `tool_choice` object of a kind chatplex does not read (`mcp`,
    #: `allowed_tools`...) is sent as given, as its partner sends any object; False: a
    #: ValueError naming the forms read.
    sends_unread_tool_choice: bool = False
    #: Whether its partner's `bind_tools` binds a `tool_choice` object's
    #: `disable_parallel_tool_use` inside it, as given (langchain-aws's ChatBedrock on
    #: InvokeModel); False: bound as `parallel_tool_calls=` (langchain-anthropic's).
    binds_choice_parallel_flag: bool = False
    #: Whether its partner's `bind_tools` binds `parallel_tool_calls=` as given, whatever
    #: the wire makes of it (`Adapter.parallel_tool_calls_body`), and its call refuses it
    #: (langchain-google-genai: google-genai's config has no such field).
    binds_parallel_as_given: bool = False
    #: What its `with_structured_output` names in the run's `ls_structured_output_format`
    #: beside the schema (what callbacks and tracers get among a run's options): the
    #: method and `strict` (langchain-openai's), the method alone, the method as asked
    #: (json_mode named so where the wire sends it as a schema: langchain-google-genai's
    #: and -vertexai's), the method and a json_schema's `strict` where one is sent
    #: (a preset's: `Profile.structured_trace`).
    structured_trace: Literal[
        "method and strict", "method", "method as asked", "method and schema strict"
    ] = "method and strict"
    #: The form its `with_structured_output` binds the schema in beside them, by method
    #: (`dumpd` of the structured model writes it; callbacks get langchain-core's JSON
    #: schema of any form): "given" (the class or dict as given), "openai tool"
    #: (langchain-core's tool form), "as sent" (`sent_structured_schema`), or a function
    #: of the OpenAI tool giving its own tool form; langchain-openai's by default. A method not
    #: named: langchain-core's JSON schema, or the OpenAI tool form for function_calling.
    structured_trace_schema: Mapping[str, TraceSchemaForm] = dataclasses.field(
        default_factory=lambda: dict(OPENAI_TRACE_SCHEMA)
    )
    #: The JSON schema a structured call's bound settings send, as its partner sends it
    #: (langchain-aws's Converse: every object closed), for the "as sent" form; None
    #: where the settings send none (then langchain-core's JSON schema is named).
    sent_structured_schema: Callable[[Adapter, Mapping[str, Any]], Any] | None = None
    #: Whether `bind_tools(..., strict=...)` reaches the tools (langchain-openai's);
    #: False: its partner drops the keyword and binds the tools as without it
    #: (a preset's: `Profile.bind_strict`).
    bind_strict: bool = True
    #: The UserWarning its partner gives where it drops a `strict=` given to
    #: `bind_tools` (langchain-aws's InvokeModel class); None: dropped silently.
    strict_dropped_warning: str | None = None
    #: Whether `bind_tools([one tool], tool_choice=True)` forces that tool by name
    #: (some presets': `Profile.true_choice_names_lone_tool`); False: True is a choice of
    #: any tool ("required"), as langchain-openai reads it.
    true_choice_names_lone_tool: bool = False
    #: Whether `bind_tools(..., response_format=...)` binds the format as
    #: langchain-openai's `BaseChatOpenAI.bind_tools` rewrites it (LangChain's agents'
    #: form read as its schema, made OpenAI's json_schema form); False: as given.
    binds_response_format: bool = False
    #: The keys of a LangChain tool's `extras` its partner's `bind_tools` copies beside
    #: each declared function (langchain-openai's: `adapters.tools.BESIDE_FIELDS`),
    #: read back as `ToolSpec.beside`; (): none, the tool fields its partner reads
    #: (`given_tool_fields`) kept beside instead.
    passed_tool_extras: tuple[str, ...] = ()
    #: Whether a tool dict is in the wire's own declaration form, which its partner's
    #: `bind_tools` binds as given, `strict=` not applied (`(adapter, tool) -> bool`:
    #: langchain-anthropic's name, description and input_schema); None: never.
    binds_as_given: Callable[[Adapter, Mapping[str, Any]], bool] | None = None
    #: What built-in tool dicts bound through LangChain (`{"type": "web_search"}`) are to
    #: this wire: "sent" (its body's `tools` takes them: the Responses API), "elsewhere"
    #: (another API of its provider takes them); None: bound as any other tool.
    builtin_tools: Literal["sent", "elsewhere"] | None = None

    # ---- structured output ------------------------------------------------------------

    #: What a call's `response_format` given as a pydantic class becomes where no parsed
    #: key reads it: "schema" (the class's schema in the wire's structured-output
    #: settings), "dropped" (not sent: its partner reads only a dict); "given": left as
    #: given, for the wire to take or refuse.
    response_format_class: Literal["given", "schema", "dropped"] = "given"
    #: Whether a call with a JSON `response_format` is streamed when streaming is asked;
    #: False: made whole, as its partner makes it (a preset's:
    #: `Profile.streams_json_format`).
    streams_json_format: bool = True
    #: How its partner writes a stream's `output_version="v1"` blocks itself, where
    #: LangChain numbers them in order of kind: "kinds", each kind under its own index
    #: (reasoning "lc_reasoning", text "lc_text", tool call i "lc_tc_i":
    #: langchain-fireworks); "content", its text as a text block numbered among the
    #: content's blocks alone, tool calls aside (a preset's: `Profile.v1_stream_indexed`);
    #: "marked", its content as it came, each piece's metadata marked `output_version:
    #: "v1"` (langchain-openai's Chat Completions stream; LangChain's `stream()` writes
    #: the blocks, its v3 events read the mark); None: LangChain's.
    v1_stream_indexed: Literal["kinds", "content", "marked"] | None = None
    #: The `with_structured_output` methods whose `strict=` its partner drops, sending
    #: the schema as without it (langchain-xai's function calling, langchain-sambanova's
    #: and -perplexity's json_schema, langchain-aws's InvokeModel class's function calling).
    strict_dropped: frozenset[str] = frozenset()
    #: Those methods on one model, `(adapter, model) -> methods` (a preset's partner
    #: keeping json_schema's for some models only:
    #: `Profile.strict_schema_models`); None: `strict_dropped`, whatever the model.
    strict_dropped_for: Callable[[Adapter, str], frozenset[str]] | None = None
    #: Of those methods, the ones whose partner drops only `strict=True` and sends a
    #: `strict=False` as given (langchain-xai's function calling: `if strict`;
    #: a preset's json_schema: `strict is True`).
    strict_false_kept: frozenset[str] = frozenset()
    #: Whether its partner's `with_structured_output` parses the reply's text with
    #: `<think>` blocks and code fences stripped first (langchain-perplexity's
    #: `ReasoningStructuredOutputParser`).
    think_stripped: bool = False
    #: The keywords its partner's `with_structured_output(method="json_schema")` binds
    #: for the format, from the `response_format` chatplex builds (langchain-aws's
    #: Converse: `output_config`, as sent); None: that `response_format`.
    bound_json_schema: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None

    # ---- the call ---------------------------------------------------------------------

    #: The adapter one call with these per-call settings uses, `(adapter, settings) ->
    #: adapter`: another where its replies report a call's own settings
    #: (a preset's `reasoning_effort`); None: the adapter itself.
    for_call: Callable[[Adapter, Mapping[str, Any]], Adapter] | None = None
    #: The reply a call's adapter kept (its `for_call` copy), `(adapter) -> (url, body,
    #: headers)`, where its partner's error parsing a reply to a class's
    #: `response_format` carries the HTTP response as `.response` (langchain-openai's);
    #: None, or a None returned: none kept.
    kept_reply: Callable[[Adapter], tuple[str, bytes, dict[str, str]] | None] | None = None
    #: The words of the TypeError its partner raises, before any request, for a call's
    #: keywords, `(adapter, keywords, asynchronous, streaming) -> words` (an SDK's async
    #: client or stream method names itself); None, or a None returned: it takes them.
    partner_refusal: Callable[[Adapter, Sequence[str], bool, bool], str | None] | None = None
    #: Raise what its partner raises formatting a call's messages, which it does before
    #: `partner_refusal`'s TypeError, `(adapter, messages) -> None`; None: nothing.
    check_partner_messages: Callable[[Adapter, list[BaseMessage]], None] | None = None
    #: The `model_provider`s of its partner's own replies, where it reads another
    #: provider's reply in a history (an assistant turn naming another) as LangChain's
    #: v1 `content_blocks`, sending what its wire has of them (langchain-google-genai:
    #: a web search's blocks dropped, the cited text sent); None: as it is.
    own_reply_providers: frozenset[str] | None = None
    #: The body field a call's own `max_tokens` is sent as, where its partner sends it
    #: apart from the model's setting (langchain-openai's AzureChatOpenAI:
    #: "max_tokens"), or a function of the adapter giving it (langchain-aws's ChatBedrock:
    #: per model family); None: as the model's setting goes.
    call_max_tokens_field: str | Callable[[Adapter], str | None] | None = None
    #: Whether a call's own `max_tokens` gives way to the model's setting where that is
    #: set (langchain-openai's ChatOpenAI on the Responses API).
    call_max_tokens_yields: bool = False
    #: The error its partner raises, before any request, for a call keyword neither it
    #: nor chatplex knows, `(adapter, name, value, asynchronous) -> error` (an SDK's
    #: async client names itself), raised where chatplex raises its TypeError
    #: (`ChatModel.bind`); None, or a None returned: that TypeError.
    partner_unknown_keyword: Callable[[Adapter, str, Any, bool], Exception | None] | None = None

    # ---- retries and failures ---------------------------------------------------------

    #: How its partner's calls retry and fail, and what its calls do their own way
    #: (`PartnerCalls`: the retried failures and statuses, its SDK's loops, a stream's
    #: retries, the errors that keep a response, the adapter of a call or a stream, a
    #: call's settings as sent...), handed down to a drop-in's engine as they are
    #: declared here (`chatplex.langchain.traits.partner_calls` adds what every drop-in
    #: shares); the defaults: chatplex's own.
    retries_and_calls: PartnerCalls = PartnerCalls()
    #: How its partner reports a call that failed before LangChain does, where it does
    #: (langchain-aws's InvokeModel class): the logger it logs the error to,
    #: with its traceback, and the words; then it hands the error to the callbacks'
    #: `on_llm_error`, which LangChain calls again as it raises. None: it reports none.
    failure_report: tuple[str, str] | None = None
    #: What its partner hands the callbacks' `on_llm_error` after a reply it returns
    #: (langchain-aws's InvokeModel class: a guardrail's intervention), read from the
    #: call's adapter (its `for_call` copy): the error and the handler's keywords, each
    #: reported before LangChain's `on_llm_end`. None, or None returned: nothing.
    reply_signal: Callable[[Adapter], tuple[Exception, dict[str, Any]] | None] | None = None

    # ---- the reply --------------------------------------------------------------------

    #: Where its partner streams a call with a `response_format` through its SDK's
    #: parsing helper (langchain-openai: `beta.chat.completions.stream`), `(adapter) ->
    #: adapter` reading streams as that helper does; None, or a None returned: its partner
    #: streams such a call as any other.
    sdk_helper_adapter: Callable[[Adapter], Adapter | None] | None = None
    #: The adapter a LangChain engine reads replies with, where its partner reads one
    #: otherwise (Azure: a reply its content filter withheld), `(adapter) -> adapter`;
    #: None: the adapter itself.
    partner_reading: Callable[[Adapter], Adapter] | None = None
    #: How its partner words an invalid tool call's `error` when the arguments are not
    #: JSON: "parser" (langchain_core's `parse_tool_call`), "decoder" (the JSON decoder's
    #: message alone); None: chatplex's own.
    invalid_arguments_words: Literal["parser", "decoder"] | None = None
    #: Whether its partner streams a call whose `response_format` is a pydantic class
    #: with the class's JSON schema as given in a dict (`strict`, its title the format's
    #: name, its description beside), where a whole call sends the SDK's parse() form
    #: (langchain-openai's Responses path); False: a stream sends what a call sends.
    streams_class_as_schema: bool = False
    #: The error its partner's parser of a reply to a pydantic `response_format` raises
    #: for a refusal, `(module, class name)`, the refusal its words (langchain-openai's
    #: `OpenAIRefusalError`); None: the reply is parsed as any other text.
    refusal_error: tuple[str, str] | None = None
    #: Whether its partner's `with_structured_output` passes each reply piece through a
    #: refusal check before its parser, whatever the method (langchain-openai's
    #: `BaseChatOpenAI`: a `_check_refusal` step raising `refusal_error` for a refusal
    #: block or a content-filter stop); False: its parser alone reads the reply.
    checks_refusal: bool = False
    #: What its partner's SDK raises where a reply to a call with a `response_format`
    #: stopped at the output-token limit (finish reason "length"): the openai SDK's
    #: parse() and its stream helper, `LengthFinishReasonError`, by `(module, class
    #: name)`, and its words and fields given the body of the reply its adapter kept
    #: (None: none kept, a stream's) and the reply as read (`CutError`). None: the reply
    #: is parsed.
    length_error: CutError | None = None
    #: What its partner's SDK raises, as `length_error` does, where such a reply was
    #: stopped by a content filter (finish reason "content_filter"): the openai SDK's
    #: `ContentFilterFinishReasonError`, before any refusal check. None: the reply is
    #: parsed (its structured output's refusal check, `checks_refusal`, reads it).
    content_filter_error: CutError | None = None
    #: The `additional_kwargs` fields whose items its partner keeps as its SDK's pydantic
    #: objects on a whole reply (langchain-perplexity's `search_results`), each with its
    #: SDK model; empty: none.
    reply_sdk_models: Mapping[str, SdkModel] = dataclasses.field(default_factory=dict)
    #: The `response_metadata` fields whose items its partner keeps as its SDK's pydantic
    #: objects, whole and streamed (a reply's `logprobs`, as an SDK's models); empty: none.
    metadata_sdk_models: Mapping[str, SdkModel] = dataclasses.field(default_factory=dict)
