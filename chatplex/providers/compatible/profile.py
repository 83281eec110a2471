"""What an OpenAI-compatible preset's profile is made of: `Profile` (how one provider
differs from OpenAI on the Chat Completions wire) and `ReplyStyle` (how its partner
package shapes replies). The rows themselves are in `spec.py`'s `PRESETS`, each
written in the `presets_*.py` module of its partner's kind.

Pure data: this module imports only `chatplex.specs` (pure data too)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

from ...specs import SdkModel

__all__ = [
    "OPENAI_USAGE_NULLS",
    "OPENAI_USAGE_ORDER",
    "Profile",
    "ReplyStyle",
    "SessionAffinity",
    "StopRule",
    "TurnStyle",
]

#: The token_usage fields the openai SDK's `CompletionUsage` fills with null
#: (langchain-openai's subclasses dump it: ChatXAI, ChatDeepSeek).
OPENAI_USAGE_NULLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("completion_tokens_details", "prompt_tokens_details")),
    (
        "prompt_tokens_details",
        ("audio_tokens", "cache_write_tokens", "cached_tokens", "image_tokens", "text_tokens"),
    ),
    (
        "completion_tokens_details",
        (
            "accepted_prediction_tokens",
            "audio_tokens",
            "reasoning_tokens",
            "rejected_prediction_tokens",
            "text_tokens",
        ),
    ),
)


#: The fields of the openai SDK's `CompletionUsage` in its declared order (its dump's:
#: what `print` and `set_debug` show of langchain-openai's subclasses' token_usage).
OPENAI_USAGE_ORDER = (
    "completion_tokens",
    "prompt_tokens",
    "total_tokens",
    "completion_tokens_details",
    "prompt_tokens_details",
)


@dataclass(frozen=True, slots=True)
class SessionAffinity:
    """A partner package's context variable that a middleware of its sets around the
    model call (the thread's session), which its chat model sends at request time: as
    the body's `prompt_cache_key` and the `header`, unless the call names a `user` or
    `prompt_cache_key` (langchain-fireworks' `_PROMPT_CACHE_AFFINITY`, set by its
    `FireworksPromptCachingMiddleware`). Read only where `module` is loaded already."""

    module: str
    variable: str
    header: str


@dataclass(frozen=True, slots=True)
class StopRule:
    """The models a partner class sends no `stop` for, as the provider rejects it there
    (langchain-xai's ChatXAI, for xAI's reasoning models): a model its model profiles
    list is dropped where its profile says `reasoning_output` (`profiled`: those names;
    `listed`: every name the profiles hold), any other by its name (`prefixes`, or one
    of `words` in it: the package's fallback for models its profiles miss)."""

    profiled: frozenset[str]
    listed: frozenset[str]
    prefixes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def drops(self, model: str) -> bool:
        """Whether the partner class drops a call's `stop` for `model`."""
        if model in self.listed:
            return model in self.profiled
        return model.startswith(self.prefixes) or any(w in model for w in self.words)


@dataclass(frozen=True, slots=True)
class ReplyStyle:
    """What a partner package's replies look like, where they differ from ChatOpenAI's."""

    #: `response_metadata["model_provider"]` (LangChain's provider name).
    model_provider: str
    #: `response_metadata` keys of a reply, in the package's order.
    reply_keys: tuple[str, ...] = (
        "token_usage",
        "model_provider",
        "model_name",
        "system_fingerprint",
        "id",
        "service_tier",  # the reply's, when it names one
        "finish_reason",
        "logprobs",
    )
    #: `response_metadata` keys a merged stream carries (`logprobs`: a chunk's, where its
    #: event has them, as langchain-openai's stream keeps them).
    stream_keys: tuple[str, ...] = (
        "model_provider",
        "finish_reason",
        "model_name",
        "system_fingerprint",
        "logprobs",
    )
    #: token_usage fields the package's SDK model fills with null: (where, names), where
    #: "" is the usage object itself, else the name of a details object (filled only
    #: when present).
    usage_nulls: tuple[tuple[str, tuple[str, ...]], ...] = OPENAI_USAGE_NULLS
    #: `response_metadata["system_fingerprint"]` of a reply that has none: None where
    #: the partner dumps an SDK model declaring the field (the openai and groq SDKs'),
    #: "" where it reads one with `.get(..., "")` from a dump without it (langchain-
    #: fireworks, whose SDK's reply model has no such field; -sambanova).
    absent_fingerprint: str | None = None
    #: `response_metadata["token_usage"]` of a reply without `usage`: None where the
    #: partner dumps an SDK model declaring the field (the openai, groq, sambanova and
    #: fireworks SDKs'), {} where it reads the JSON with `.get("usage", {})`
    #: (langchain-mistralai).
    absent_usage: dict[str, Any] | None = None
    #: `response_metadata` keys of a reply the package sets only beside counted tokens
    #: (a reply whose `usage` is missing, null or empty has none of them:
    #: langchain-fireworks' `model_provider` and `model_name`).
    counted_keys: tuple[str, ...] = ()
    #: Fields of a choice's `logprobs` the package's SDK model fills with null (first, in
    #: its order), on a reply's and a stream chunk's alike (the fireworks SDK's).
    logprobs_nulls: tuple[str, ...] = ()
    #: Whether `usage_metadata` always has `input_token_details` / `output_token_details`
    #: (empty when nothing is known), as langchain-openai fills them.
    empty_token_details: bool = True
    #: Top-level usage fields read as output details: (field, detail name) (Perplexity's
    #: `reasoning_tokens`, `citation_tokens`).
    usage_output_fields: tuple[tuple[str, str], ...] = ()
    #: Top-level usage fields read as input details where the reply's nested ones name
    #: none: (field, detail name) (DeepSeek's `prompt_cache_hit_tokens` as `cache_read`).
    usage_input_fields: tuple[tuple[str, str], ...] = ()
    #: Top-level usage fields a reply also carries in `response_metadata` when set
    #: (Perplexity's `num_search_queries`, `search_context_size`).
    usage_metadata_fields: tuple[str, ...] = ()
    #: Whether `usage_metadata` always has `output_token_details` (empty when nothing is
    #: known) though not `input_token_details` (langchain-perplexity).
    empty_output_details: bool = False
    #: The usage details it reports (`cache_read`, `reasoning`...); None: all that
    #: chatplex reads (langchain-openai's: audio, cache reads and writes, reasoning).
    detail_keys: tuple[str, ...] | None = None
    #: Whether a detail of 0 is kept (langchain-groq drops them).
    zero_details: bool = True
    #: Whether the `priority` / `flex` tiers' tokens are counted apart (`flex`,
    #: `flex_cache_read`...), as langchain-openai's usage does when the reply names one.
    tiers_apart: bool = True
    #: Whether reasoning text goes to `additional_kwargs["reasoning_content"]` (content
    #: then a str); False: it stays the content's reasoning blocks.
    split_reasoning: bool = True
    #: The `additional_kwargs` key split reasoning goes to (langchain-cerebras keeps
    #: Cerebras' `reasoning` under that name).
    reasoning_kwarg: str = "reasoning_content"
    #: Whether list `content` stays as the provider sent it, as langchain-mistralai keeps
    #: it (Magistral's `thinking` parts included): a `reference` part becomes a text
    #: block with the reference beside its text, and a stream's blocks get its `index`es
    #: (the next one at each change of block type; a thinking part's pieces 0).
    content_parts: bool = False
    #: Where set, a reply's list `content` stays a list of parts as the partner's SDK
    #: model dumps them: each with these fields in order, null where unsent (a nested
    #: object's fields, the pair's second, likewise), then any other key it carries; a
    #: stream's parts go as sent. None: a list of text parts is read as its text.
    part_fields: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    #: Whether `additional_kwargs["refusal"]` is set (None when none), as langchain-openai
    #: copies the SDK message's field.
    refusal_key: bool = True
    #: Whether a `response_format` structured call's raw reply carries
    #: `additional_kwargs["parsed"]` (langchain-openai's classes: the openai SDK's
    #: `parse()` sets it).
    parsed_key: bool = True
    #: Whether the raw `tool_calls` are kept in `additional_kwargs` (Groq, Fireworks).
    raw_tool_calls: bool = False
    #: The keys of a reply's raw tool call as the package's SDK model dumps them, in its
    #: declared order (`index`, null, where that model has the field: the sambanova SDK's).
    raw_call_keys: tuple[str, ...] = ("id", "function", "type")
    #: Whether a reply's raw tool calls are the JSON's own objects, in the order their
    #: keys came (a package reading the JSON without an SDK model: langchain-mistralai);
    #: False: as an SDK model dumps them (id, function's arguments and name, type).
    raw_calls_as_sent: bool = False
    #: The token_usage fields of the package's SDK usage model, in its declared order:
    #: its dump (what `print` and `set_debug` show) lists them first, then the rest as
    #: they came; () keeps the reply's order.
    usage_order: tuple[str, ...] = ()
    #: Whether reasoning tokens are added to `output_tokens` (xAI leaves them out of
    #: `completion_tokens`; langchain-xai adds them).
    reasoning_in_output: bool = False
    #: Whether a stream's usage comes in the last chunk's `x_groq.usage` (Groq's SDK).
    usage_in_x_groq: bool = False
    #: `response_metadata["service_tier"]` whatever the reply names (langchain-groq
    #: reports the tier asked for: "on_demand" by default); None: the reply's.
    service_tier: str | None = None
    #: The `model_provider` its partner writes on every piece of the openai SDK helper's
    #: stream (`HELPER_PIECE_PROVIDER` on each chunk); None: none of its own there.
    helper_piece_provider: str | None = None
    #: `response_metadata["reasoning_effort"]` where `reply_keys` has it: the effort the
    #: model was made with (langchain-groq reports it, on a reply and a stream's
    #: finishing chunk); None: not reported.
    reasoning_effort: str | None = None
    #: Where the package reports the model it was made with as `model_name` (and
    #: langchain-mistralai's second name, `model`), not the one the reply names: "reply"
    #: (a whole reply), "stream" (a stream's pieces). Empty: the reply's own.
    model_asked_in: frozenset[str] = frozenset()
    #: That model, set on each drop-in's adapter from its constructor.
    asked_model: str | None = None
    #: `reply_keys` reported only when the reply gives them a value (not null, 0 or
    #: empty), as langchain-openrouter reports a fingerprint and the routed provider.
    when_set: frozenset[str] = frozenset()
    #: `reply_keys` reported only when the reply has the field, null too (the choice's
    #: `logprobs`, the usage's `cost`: langchain-openrouter's); others always.
    when_sent: frozenset[str] = frozenset()
    #: Where set, a stream's pieces carry `model_provider` (and the first one the model
    #: and fingerprint) but the finishing one, which carries these keys read from its
    #: event where set (`finish_reason` always), then `model_provider`; a usage-only
    #: piece none but the usage's `cost` and `cost_details` where sent
    #: (langchain-openrouter's); `stream_keys` then unread.
    finish_keys: tuple[str, ...] = ()
    #: Fields of the reply's message (a stream's delta) kept in `additional_kwargs` as
    #: sent, where set (langchain-openrouter's `reasoning_details`).
    message_fields: tuple[str, ...] = ()
    #: Whether Groq's `executed_tools` (a compound model's own searches and code runs)
    #: are kept in `additional_kwargs` as langchain-groq keeps them (`executed_tools.py`).
    executed_tools: bool = False


@dataclass(frozen=True, slots=True)
class TurnStyle:
    """How a partner package writes the history's turns, where it differs from
    ChatOpenAI's (applied by `turns.py` to the OpenAI adapter's messages)."""

    #: An assistant turn with tool calls is sent with `content: ""` (its text dropped;
    #: an empty list content as `[]`) where ChatOpenAI sends null.
    empty_call_content: bool = False
    #: Whether each tool call carries `type: "function"`.
    call_type: bool = True
    #: Whether a tool result carries `name` (null when the message has none).
    tool_name: bool = False
    #: Whether a user, system or assistant turn carries the message's `name`.
    turn_names: bool = True
    #: Whether an assistant's list content goes back as its blocks (the provider's own
    #: `thinking` parts included), `index` keys dropped, text blocks as type and text.
    assistant_parts: bool = False
    #: Whether an assistant turn with tool calls whose content is an empty list (a call
    #: written by hand) goes as `[]` where ChatOpenAI sends null (langchain-fireworks
    #: nulls an empty string only).
    empty_list_kept: bool = False
    #: Whether an assistant's list content goes as its text blocks' text joined into one
    #: string ("" where none), as langchain-deepseek sends it (DeepSeek takes a string).
    joined_text: bool = False
    #: With `joined_text`: whether a turn with tool calls and no text goes as "" where
    #: its content held a block langchain-openai's payload keeps (another provider's
    #: redacted thought), null where none: langchain-deepseek joins the text after
    #: langchain-openai has nulled an empty content. False: null, as langchain-sambanova.
    empty_beside_kept: bool = False
    #: Whether an assistant's list content goes as its text parts alone ("" where none),
    #: as langchain-groq sends it: Groq takes text parts only in an assistant turn (the
    #: groq SDK's `ChatCompletionAssistantMessageParam`), so a replayed image is left out.
    text_parts_only: bool = False
    #: Whether a tool result's list content goes as its JSON text (`json.dumps`), as
    #: langchain-deepseek sends it.
    tool_list_json: bool = False
    #: The provider whose LangChain v1 turns (`output_version="v1"`) its partner reads
    #: as its own: their reasoning blocks go back as the provider takes them
    #: (langchain-mistralai's: a thinking part, with `assistant_parts`; langchain-groq's:
    #: `reasoning_content`, not a block); another provider's stay blocks.
    v1_provider: str | None = None
    #: Whether an assistant turn of v1 blocks that are one text block goes as its text,
    #: as langchain-groq's `_convert_from_v1_to_groq` sends it: the blocks counted before
    #: its partner keeps the text alone, so a turn with tool calls, or with reasoning not
    #: `v1_provider`'s, stays a list.
    v1_lone_text: bool = False
    #: Whether a `v1_provider` v1 turn's server tool calls (a Groq compound model's own
    #: searches and code runs) are left out, as langchain-groq moves them back to
    #: `executed_tools`, which it does not send; another provider's stay blocks.
    v1_server_calls_dropped: bool = False
    #: The field an assistant turn sends its `additional_kwargs["reasoning_content"]`
    #: back in, as its partner does (langchain-fireworks' `reasoning_content`,
    #: langchain-sambanova's `reasoning`); None: not sent.
    reasoning_key: str | None = None
    #: With `reasoning_key`: sent only from a turn whose `model_provider` is none or this
    #: one (langchain-fireworks': another provider's reasoning may not be valid input);
    #: None: from any turn.
    reasoning_from: str | None = None
    #: With `reasoning_key`: sent only from a turn with tool calls, where the provider
    #: requires it (DeepSeek's thinking mode); another turn goes as its partner sends it.
    reasoning_beside_calls: bool = False
    #: Whether an assistant turn sends its `additional_kwargs["reasoning_details"]` back,
    #: a stream's fragments merged and OpenAI's ephemeral `rs_` ids left out, as
    #: langchain-openrouter does (`turns.reasoning_details`).
    reasoning_details: bool = False
    #: Whether a call's arguments that are no JSON object (an invalid call's as the model
    #: wrote them) go as one holding them, `{"__invalid_tool_call_arguments": ...}`, as
    #: langchain-fireworks replays them (`turns.py`).
    wrapped_arguments: bool = False
    #: Whether an invalid call whose arguments are none goes with `"arguments": null`,
    #: as langchain-openai and the partners built on it send it, where the API takes
    #: that; off: `""`, where the API requires a string.
    null_arguments: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """What one OpenAI-compatible provider does differently from OpenAI."""

    #: LangChain's provider name (`init_chat_model("groq:...")`).
    name: str
    #: How errors and docs name it.
    title: str
    #: The base URL when none is given ("/chat/completions" is appended).
    base_url: str
    #: Environment variables holding its key, first found wins; () for keyless servers.
    key_variables: tuple[str, ...] = ()
    #: Environment variables holding a base URL (LangChain's), first found wins.
    base_variables: tuple[str, ...] = ()
    #: The provider's own API host: the environment's key goes there (None: a local
    #: server, which gets a key only from `api_key=`).
    official_host: str | None = None
    #: Appended to every base URL given (`base_url=` or the environment), as the
    #: partner package's SDK appends it: Groq's SDK posts to
    #: `{base}/openai/v1/chat/completions`, Fireworks' to `{base}/v1/chat/completions`.
    #: The default `base_url` above already has it.
    sdk_path: str = ""
    #: How the partner package shapes replies (None: as ChatOpenAI does).
    style: ReplyStyle | None = None
    #: The SDK whose exception classes its partner package raises, when not openai's
    #: (a Stainless SDK: "groq", "fireworks").
    sdk: str = "openai"
    #: Whether that SDK's `create()` takes request options (`extra_headers`) beside the
    #: body's fields, as a Stainless SDK does: a `model_kwargs` `extra_headers` is then
    #: headers; False (langchain-mistralai posts with httpx): a body field as the rest.
    sdk_request_options: bool = True
    #: The failures in transit its partner package retries where it retries no error
    #: status (`PartnerCalls.retries`; langchain-mistralai: httpx's request errors);
    #: None: what chatplex retries.
    partner_retries: frozenset[str] | None = None
    #: The error statuses its partner retries, where fewer than chatplex's
    #: (`PartnerCalls.statuses`); None: those chatplex retries.
    partner_retried_statuses: frozenset[int] | None = None
    #: Whether its partner's `max_retries` counts attempts, with LangChain's base retry
    #: waits (`PartnerCalls.counts_attempts`; langchain-mistralai's tenacity).
    partner_counts_attempts: bool = False
    #: Whether its partner retries a stream's request (`PartnerCalls.streams_retried`;
    #: langchain-mistralai's retried function returns the stream's generator, whose
    #: request is sent outside the retries).
    partner_retries_streams: bool = True
    #: Whether its partner's SDK retries a stream that failed after its reply's headers
    #: (`PartnerCalls.stream_bodies_retried`): the fireworks SDK does; a
    #: Stainless SDK's retries end where its streamed create() returns.
    partner_retries_stream_bodies: bool = False
    #: Whether an error's `body` is the body's `error` object (the openai SDK's
    #: `APIStatusError.body`), not the whole body (the groq and fireworks SDKs').
    error_body_inner: bool = False
    #: The parameters of its SDK's `create()`, where its partner package hands that
    #: every call keyword (bound or per call) as it is: any other keyword is Python's
    #: TypeError before any request (langchain-groq's given `stream_usage` or `foo`),
    #: which the drop-in raises too. None: the partner refuses none so.
    sdk_keywords: frozenset[str] | None = None
    #: Call keywords its drop-in takes though that `create()` refuses them (a kept
    #: difference: a call's `stream_usage`, which langchain-fireworks hands it).
    sdk_refusals_kept_out: frozenset[str] = frozenset()
    #: That `create()` as the TypeError names it, on the sync and the async client.
    sdk_create: tuple[str, str] = ("Completions.create()", "AsyncCompletions.create()")
    #: Body parameters the provider refuses, and why: an error before any request.
    rejects: Mapping[str, str] = field(default_factory=dict)
    #: Body parameters sent under the provider's own name (chatplex/OpenAI name → its).
    renames: Mapping[str, str] = field(default_factory=dict)
    #: tool_choice keywords the provider spells otherwise (Mistral: "any").
    tool_choices: Mapping[str, str] = field(default_factory=dict)
    #: tool_choice keywords sent as the script gave them, where the OpenAI adapter
    #: would send its own (Mistral's "any", which langchain-mistralai sends as is; the
    #: OpenAI adapter sends "required" for it).
    kept_tool_choices: tuple[str, ...] = ()
    #: What its partner's structured runs name (`PartnerTraits.structured_trace`: the
    #: method and `strict`, langchain-openai's and its subclasses', or the method alone).
    structured_trace: Literal["method and strict", "method", "method and schema strict"] = (
        "method and strict"
    )
    #: The form its partner's structured runs bind the schema in, by method
    #: (`PartnerTraits.structured_trace_schema`); None: langchain-openai's.
    structured_trace_schema: Mapping[str, Literal["given", "openai tool"]] | None = None
    #: Whether a stream asks for usage with `stream_options` (False: the provider sends
    #: usage on its last chunk unasked, or refuses the field).
    stream_options: bool = True
    #: Whether a call that does not stream says `"stream": false` (False: the field left
    #: out, as langchain-sambanova's body has it).
    says_stream_false: bool = True
    #: The `with_structured_output` method when none is named (None: the model's own):
    #: Perplexity takes no tools, so its structured output is `response_format`.
    structured_output_method: str | None = None
    #: Top-level reply fields kept in `additional_kwargs` (Perplexity's citations, where
    #: langchain-perplexity keeps them).
    kept_fields: tuple[str, ...] = ()
    #: Where a stream's kept fields are read: the first event with choices (False,
    #: langchain-perplexity), or every event carrying them but the usage event, which
    #: repeats them (True, langchain-xai's citations).
    kept_on_each_chunk: bool = False
    #: Why structured output refuses `method="function_calling"` (None: it takes it).
    structured_tools_refused: str | None = None
    #: Kept fields a stream's first chunk with choices carries even when the event has
    #: none (None then): the partner SDK's chunk model declares them.
    stream_null_fields: tuple[str, ...] = ()
    #: Kept fields a stream's first chunk with choices carries, null too, wherever the
    #: event names them (an SDK chunk's undeclared extras: langchain-perplexity's
    #: `images`, `related_questions`); other kept fields are left out when null.
    stream_named_fields: tuple[str, ...] = ()
    #: Kept fields a stream's first chunk leaves out when empty (`[]`), as its partner
    #: keeps them only when set (langchain-perplexity's `videos`, `reasoning_steps`).
    stream_set_fields: tuple[str, ...] = ()
    #: Kept fields whose items its partner package keeps as its SDK's pydantic model
    #: parsed them: objects on a whole reply (made by the LangChain drop-in where that
    #: SDK is installed, `PartnerTraits.reply_sdk_models`), their dumps on a stream (every
    #: declared field, null where the item has none).
    kept_models: Mapping[str, SdkModel] = field(default_factory=dict)
    #: The reasoning text field its replies are known to use (for docs: the OpenAI adapter
    #: reads `reasoning` and `reasoning_content` from every server). None: not checked.
    reasoning_field: str | None = None
    #: The `response_format` its partner package sends for `with_structured_output(...,
    #: method="json_schema")`, one of `structured.JSON_SCHEMA_SHAPES`: "openai"
    #: (langchain-openai's strict json_schema), "titled" (json_schema of the schema with
    #: its title and description, `strict` only when given), "json_object"
    #: (`{"type": "json_object", "schema": ...}`), "function" (json_schema of the tool's
    #: function, always strict), "bare" (`{"json_schema": {"schema": ...}}`, JSON mode
    #: too).
    json_schema_shape: str = "openai"
    #: The `tool_choice` of function-calling structured output: None, the schema's tool
    #: by name (LangChain's); else this keyword ("any": the one tool bound).
    structured_tool_choice: str | None = None
    #: Whether function-calling structured output binds its tool with `strict` and
    #: `parallel_tool_calls=False`, as langchain-openai's classes do; False: the tool
    #: and its choice alone (langchain-groq, -fireworks, -mistralai, -sambanova).
    forced_tool_settings: bool = True
    #: Where `forced_tool_settings`, whether that tool asks for a single call
    #: (`parallel_tool_calls=False`); False: `strict` alone (langchain-openrouter).
    forced_single_call: bool = True
    #: Whether `bind_tools(strict=...)` reaches the tools (`PartnerTraits.bind_strict`); False:
    #: dropped, as its partner package drops it (langchain-groq).
    bind_strict: bool = True
    #: The structured-output methods whose `strict=` its partner package drops
    #: (`PartnerTraits.strict_dropped`): langchain-xai's function calling, langchain-sambanova's
    #: and -perplexity's json_schema.
    strict_dropped: frozenset[str] = frozenset()
    #: The models whose json_schema structured output keeps `strict=`
    #: (`PartnerTraits.strict_dropped_for`); on any other its partner package drops it, as
    #: langchain-groq does outside its `_STRICT_STRUCTURED_OUTPUT_MODELS`. None: every
    #: model keeps it.
    strict_schema_models: frozenset[str] | None = None
    #: Of the methods whose `strict=` is dropped, those whose partner package drops only
    #: `strict=True`, a False sent (`PartnerTraits.strict_false_kept`).
    strict_false_kept: frozenset[str] = frozenset()
    #: Whether its partner package parses a structured reply with `<think>` blocks and
    #: code fences stripped first (`PartnerTraits.think_stripped`): langchain-perplexity.
    think_stripped: bool = False
    #: Whether a call with a JSON `response_format` is streamed when streaming is asked;
    #: False: made whole, as its partner package does (langchain-groq: Groq refuses to
    #: stream structured outputs and JSON mode).
    streams_json_format: bool = True
    #: How its partner package writes a stream's v1 blocks, where not as LangChain
    #: (`PartnerTraits.v1_stream_indexed`): langchain-fireworks', langchain-mistralai's.
    v1_stream_indexed: Literal["kinds", "content"] | None = None
    #: Whether its replies' `content` may be a list with `thinking` parts (Mistral's
    #: Magistral: `[{"type": "thinking", "thinking": [{"type": "text", "text": ...}]},
    #: {"type": "text", "text": ...}]`), read as reasoning blocks before the text. Off:
    #: list content passes through as sent, and no other provider's reply pays for it.
    #: No preset sets it now: Mistral's parts stay as sent, as langchain-mistralai keeps
    #: them (`ReplyStyle.content_parts`).
    thinking_parts: bool = False
    #: How its partner package writes history turns (None: as ChatOpenAI does).
    turns: TurnStyle | None = None
    #: Block types its partner package leaves out of user, system and tool messages
    #: (None: langchain-openai's, `thinking`, `tool_use`...; empty: it sends them all).
    dropped_input_blocks: frozenset[str] | None = None
    #: Whether an assistant turn whose reasoning (or another API's blocks) is left out
    #: sends its text as text blocks, as its partner package does (langchain-groq's, and
    #: those built on langchain-openai's BaseChatOpenAI: -xai, -together, -nebius). Off:
    #: joined into one string, as langchain-deepseek and -sambanova send it, and what a
    #: server without a partner package is sure to take.
    assistant_text_blocks: bool = False
    #: Whether a bound empty tool list goes as `tools: []`, as its partner package sends
    #: it and the provider takes (`OpenAIAdapter.empty_tool_list_sent`: langchain-groq's and
    #: -mistralai's `bind_tools([])`); off: no `tools` member without a tool.
    empty_tool_list_sent: bool = False
    #: Whether a choice of any tool with no tool bound is bound and sent beside
    #: `tools: []` (`Adapter.keeps_choice_without_tools`: langchain-groq's and
    #: -mistralai's `bind_tools([], tool_choice="any")`); off: refused at `bind_tools`.
    keeps_choice_without_tools: bool = False
    #: Whether `bind_tools([one tool], tool_choice=True)` forces that tool by name
    #: (`PartnerTraits.true_choice_names_lone_tool`); off: a choice of any tool.
    true_choice_names_lone_tool: bool = False
    #: Whether its partner's `bind_tools` binds `tool_choice=True` as given, which
    #: callbacks, tracers and `bound.kwargs` see (langchain-mistralai rewrites a tool's
    #: name only); off: as langchain-openai binds it, "required" (or the lone tool's
    #: choice object, `true_choice_names_lone_tool`). The request is the same.
    binds_true_choice: bool = False
    #: Whether a LangChain tool's `extras` defer_loading and async go beside each
    #: function (`PartnerTraits.passed_tool_extras`: its partner is a BaseChatOpenAI binding
    #: tools as langchain-openai does); off: none.
    passes_tool_extras: bool = False
    #: Whether a message's content of exactly one text block goes as its text (every
    #: role: langchain-fireworks' `_sanitize_chat_completions_content`); off: the list.
    lone_text_as_string: bool = False
    #: The roles ("user", "system", "assistant", "tool") whose text blocks go with their
    #: `extras` and `thought_signature` (a Gemini text part's signature), as its partner
    #: package sends them (None: langchain-openai's, a user's and a system's).
    text_extras_roles: frozenset[str] | None = None
    #: Whether a system message marked for OpenAI's developer role (LangChain's
    #: `("developer", ...)`) goes with it, as langchain-openai sends it; off: as
    #: "system", as langchain-groq, -mistralai, -fireworks and -sambanova write every
    #: system message.
    developer_role_sent: bool = True
    #: Whether legacy function calling goes (an assistant turn's `function_call`, a
    #: result by name as a `function` turn), as langchain-openai and the partners built
    #: on it, langchain-groq and -fireworks send it; off: the call left out and the
    #: result refused before any request, where the partner converts neither
    #: (langchain-sambanova, -mistralai, -perplexity raise).
    function_calls_sent: bool = True
    #: Whether a history's tool call without an id goes with `"id": null`, as
    #: langchain-fireworks, -perplexity, -together, -xai and -deepseek send it (no
    #: rule of their APIs refuses it); off: refused before any request, where the API
    #: requires an id.
    idless_calls_sent: bool = False
    #: The roles ("assistant", "tool") whose text blocks go with langchain-openai's keys
    #: only (an assistant's `{"type", "text"}`, a tool result's with its
    #: `prompt_cache_breakpoint`: a reply's `id`, `annotations` not sent back), as a
    #: partner built on langchain-openai's conversion sends them (None: those two;
    #: empty: each block as given, as langchain-groq sends it).
    rebuilt_text_roles: frozenset[str] | None = None
    #: The keys a tool result's text block keeps when rebuilt (None: langchain-openai's,
    #: with its `prompt_cache_breakpoint`; langchain-mistralai keeps type and text, as
    #: Mistral refuses other keys there).
    tool_text_keys: frozenset[str] | None = None
    #: The keys each content part keeps, the others dropped, before a lone text block
    #: is read (every role: langchain-fireworks filters parts to its SDK's content part,
    #: as Fireworks refuses other keys: a file by `file_id` goes as `{"type": "file"}`);
    #: None: parts as the OpenAI adapter writes them.
    content_part_keys: frozenset[str] | None = None
    #: Whether its partner class is langchain-openai's `BaseChatOpenAI`, whose `_stream`
    #: takes a call with a `response_format` through the openai SDK's parsing helper, and
    #: whose pieces of it name langchain-openai's provider (langchain-deepseek writes its
    #: own only where the dict has choices, which a helper's event has not):
    #: `partner.py`'s `sdk_helper_adapter`, `langchain/helper_stream.py`.
    sdk_helper: bool = False
    #: Whether its partner class's own sync `_stream` lets the openai SDK's errors
    #: through as that SDK raises them (langchain-cerebras sends the request outside the
    #: `try` that re-raises them), where its calls and async stream raise
    #: langchain-openai's classes: `partner.py`'s `partner_stream_adapter`.
    stream_errors_unwrapped: bool = False
    #: The `model_provider` that partner class writes on every one of the helper's pieces,
    #: its empty ones too (langchain-xai's `_convert_chunk_to_generation_chunk`: "xai");
    #: None: langchain-openai's, on the pieces with choices only.
    helper_provider: str | None = None
    #: The tool call ids it accepts, as a regular expression; other ids in the history
    #: (another provider's `call_...`) are sent as `nine_char_id` makes them (Mistral:
    #: nine letters and digits, derived from the id as langchain-mistralai does).
    tool_call_id_pattern: str | None = None
    #: Whether a file goes as a `file_url` part (its base64 data as the URL, its name as
    #: `file_name`) where OpenAI takes a `file` part: Perplexity's message schema (the
    #: perplexity SDK's request model) has no `file` part (`file_parts.py`).
    file_url_parts: bool = False
    #: Whether it has OpenAI's Batch API (`/files` + `/batches`): Groq does
    #: (console.groq.com/docs/batch); others have none or their own shape.
    batch_api: bool = False
    #: The session affinity its partner package's middleware sets, sent as that
    #: package's chat model sends it (`affinity.with_affinity`); None: none.
    session_affinity: SessionAffinity | None = None
    #: The models its partner class drops a call's `stop` for (`StopRule`); None: none.
    stop_dropped: StopRule | None = None
