"""What each provider declares about itself, and where the declarations are.

A provider is a folder, `chatplex/providers/<wire>/`, whose `spec.py` holds `SPECS`: one
`ProviderSpec` per provider name that wire serves (Google's folder serves two). Shared
code never names a provider: it asks `spec(name)` for the fact it needs (the adapter
class, LangChain's class name, the OpenTelemetry name, the model names it infers).

`WIRES` is the registry of folders, read off the drop-in table (`chatplex/dropins.py`):
a new wire's drop-in row is the one row it adds outside its own folder. The spec
modules are pure data (they import only this module), loaded together on the first
question, never by `import chatplex`.

>>> spec("anthropic").langchain_class
'ChatAnthropic'
>>> spec("openai").otel_name
'openai'
>>> spec("no-such") is None
True
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Literal

from .dropins import DROP_IN_MODULES

__all__ = [
    "CHAT_COMPLETIONS_INFO",
    "CHAT_COMPLETIONS_OUTPUT",
    "CHAT_COMPLETIONS_SHAPE",
    "WIRES",
    "LangSmithRule",
    "KeyOrder",
    "LimitHeaders",
    "MoveWarning",
    "OutputShape",
    "ProviderSpec",
    "SdkModel",
    "SettingDefault",
    "ShapeKind",
    "chat_completions_servers",
    "declared_object",
    "dumped_under_aliases",
    "field_names",
    "infer_provider",
    "limit_headers",
    "litellm_prefixes",
    "spec",
    "specs",
]

#: The provider folders under chatplex/providers/, each declaring its providers in
#: `spec.py`: the folders of the drop-ins' engines (`chatplex.providers.<wire>.<module>`),
#: in the drop-in table's order. Every wire has a drop-in, so its row registers it.
WIRES: tuple[str, ...] = tuple(
    dict.fromkeys(module.split(".")[2] for module in DROP_IN_MODULES.values())
)


@dataclass(frozen=True, slots=True)
class LangSmithRule:
    """Where a provider's LangChain class reads LangSmith's `ls_*` params of a call from
    (its `_get_ls_params`), where it departs from langchain-openai's rule (the defaults):
    the call's keyword, else the model's own setting."""

    #: Whether the model's own `stop` is reported when the call gives none (False where
    #: the class keeps it under another field: langchain-anthropic's `stop_sequences`).
    stop_setting: bool = True
    #: The call keyword `ls_max_tokens` is read from (langchain-google-genai's
    #: `max_output_tokens`); None: never reported.
    max_tokens_keyword: str | None = "max_tokens"
    #: Whether the model's own max_tokens is reported when the call names none.
    max_tokens_setting: bool = True
    #: Whether a max_tokens of 0 is reported (langchain-ibm's, langchain-core's rule).
    zero_max_tokens: bool = False
    #: Without a call's model, the engine's attributes tried before its model (dotted
    #: paths: langchain-aws's `base_model_id`, `adapter.base_model_id`).
    model_attributes: tuple[str, ...] = ()
    #: Without a call's model, the setting whose value is appended to it as `-<value>`,
    #: unless the name holds it (AzureChatOpenAI's `model_version` field).
    model_version: str | None = None
    #: A prefix its model names may have, not reported (langchain-google-genai's "models/").
    model_prefix: str = ""
    #: Whether an unset temperature is reported, as None (not by langchain-aws' InvokeModel).
    temperature_unset: bool = True
    #: `ls_invocation_params` (langchain-aws' Converse class): its keys, each by the
    #: engine's attribute holding the value (a dotted path: `adapter.region_name`), left
    #: out when None; none: not reported.
    invocation: tuple[tuple[str, str], ...] = ()


#: `CHAT_COMPLETIONS_SHAPE`'s `llm_output` keys after `token_usage`, copied from
#: the reply's response_metadata in the order its LangChain class writes them
#: (`chat/llm_results.py` writes them; a spec's `KeyOrder` puts a reply's metadata in
#: that order). Azure's flavour adds its prompt filter results.
CHAT_COMPLETIONS_OUTPUT = (
    "model_provider",
    "model_name",
    "system_fingerprint",
    "id",
    "service_tier",
    "prompt_filter_results",
)
#: ... and its `generation_info` keys after `finish_reason` and `logprobs`, copied from
#: a whole reply's choice where it has them (Azure's flavour adds each choice's content
#: filter results; its stream's pieces carry none).
CHAT_COMPLETIONS_INFO = ("content_filter_results",)


#: How a partner's result is written: key by key from the reply ("keys"), or by code of
#: its own (`OutputShape.kind`).
ShapeKind = Literal["keys", "chat_completions", "reply_fields"]


@dataclass(frozen=True, slots=True)
class OutputShape:
    """What a wire's LangChain class puts in a result's `llm_output` and
    `generation_info` (`ProviderSpec.llm_output`; `chat/llm_results.py` writes it).

    `kind` "keys": copied from the reply key by key, as the fields below say.
    "chat_completions": langchain-openai's (`CHAT_COMPLETIONS_SHAPE`: the Chat
    Completions fields, `logprobs` always in the generation info, the model's fields in
    a stream's). "reply_fields": the reply's own top-level fields as the `llm_output`,
    none in a stream's generation info (langchain-anthropic's). Those two have code of
    their own (headers kept, Azure's flavour, the provider renamed), not keys alone.
    """

    kind: ShapeKind = "keys"
    #: `generation_info` keys (present in the reply); None: all the reply's own fields.
    info: tuple[str, ...] | None = ()
    #: `llm_output` keys (present in the reply); None: no `llm_output` at all.
    output: tuple[str, ...] | None = None
    #: `llm_output` keys it always writes, with their value for a reply without them.
    required: tuple[tuple[str, Any], ...] = ()
    #: A stream's `generation_info` keys (a truthy `logprobs` only); None: as `info`.
    streamed: tuple[str, ...] | None = ()
    #: `generate()`'s `llm_output`: the rows' usage summed, `model_name` and these keys
    #: of the first row that has them; None: LangChain's empty one.
    combined: tuple[str, ...] | None = None
    #: Each candidate's message carries the response's usage (`n > 1`).
    usage_each: bool = False
    #: `generate()`'s sum skips a row's None counts (the partner's `if v is None:
    #: continue`); False: a None takes the sum's place.
    nulls_skipped: bool = False
    #: The response's fields its partner writes on every choice's message besides the
    #: choice's own (`n > 1`: the others are the `llm_output`'s alone), in its order;
    #: None: every field on the message.
    choice_keys: tuple[str, ...] | None = None
    #: `generate()`'s `llm_output` as a partner that merges the rows' dicts whole (a
    #: later row's keys over an earlier's) with this key's counts summed key by key (a
    #: row without an `llm_output` adding nothing; the key always written); None: as
    #: `combined` says.
    merged_sum: str | None = None


#: langchain-openai's `llm_output` and `generation_info` (`_create_chat_result`), which
#: its subclasses for other Chat Completions servers keep.
CHAT_COMPLETIONS_SHAPE = OutputShape(kind="chat_completions")


@dataclass(frozen=True, slots=True)
class MoveWarning:
    """How a partner class says it moved a keyword it has no field for into
    `model_kwargs`: langchain-core's `_build_model_kwargs` by default; some packages
    copied it with their own indent, words or a logger."""

    #: Frames above the line that built the model its warning points at, where the
    #: partner's fixed `stacklevel` lands (negative: inside the construction, as
    #: a `stacklevel=2` lands in pydantic's `__init__`).
    outer: int = 0
    #: The indent of its words' second and third lines.
    indent: int = 16
    #: "not default parameter" (langchain-core's) or "not a default parameter".
    article: str = ""
    #: The logger it logs the words on instead of warning (langchain-perplexity's).
    logger: str | None = None


@dataclass(frozen=True, slots=True)
class LimitHeaders:
    """The response headers a provider announces its rate limits in, as the budgets
    read them (`http/_learn.py`): the requests' limit, count left and reset, then the
    tokens' (lower-case names, each holding "ratelimit-"; "" for one it does not send).
    `reset`: how it writes a reset, "duration" (`6m0s`, `20ms`, bare seconds) or "time"
    (an RFC 3339 time)."""

    requests: tuple[str, str, str]
    tokens: tuple[str, str, str]
    reset: str = "duration"


@dataclass(frozen=True, slots=True)
class KeyOrder:
    """The order a LangChain class writes a dict's keys in (what `print(reply)` and JSON
    dumps show; `==` does not see it): `first` in this order, then the others as they
    came, then `last`; `inner` orders the dicts held under some keys (a usage record).

    >>> KeyOrder(first=("b",), last=("a",)).apply({"a": 1, "c": 2, "b": 3})
    {'b': 3, 'c': 2, 'a': 1}
    """

    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    inner: tuple[tuple[str, KeyOrder], ...] = ()

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        """`data` with its keys in this order (a new dict; O(keys), no sorting)."""
        if (len(data) < 2 and not self.inner) or not (self.first or self.last or self.inner):
            return data  # (a stream's middle chunk: model_provider alone)
        out = {k: data[k] for k in self.first if k in data}
        tail = {k: data[k] for k in self.last if k in data}
        out.update((k, v) for k, v in data.items() if k not in out and k not in tail)
        out.update(tail)
        for key, order in self.inner:
            held = out.get(key)
            if isinstance(held, dict):
                out[key] = order.apply(held)
        return out


@dataclass(frozen=True, slots=True)
class SdkModel:
    """A partner SDK's pydantic model of the items of a reply field that its partner
    package keeps as the SDK parsed them (langchain-perplexity's `search_results`, a
    reply's `logprobs`): the model's class as "module:Class" (`path`) and its declared
    fields in their order. A dump has every declared field, null where the item has
    none, then the item's other keys as they came (the SDK's model keeps unknown keys
    too).

    >>> SdkModel("sdk.types:Item", ("date", "title")).dump({"title": "T", "x": 1})
    {'date': None, 'title': 'T', 'x': 1}
    """

    path: str
    fields: tuple[str, ...]
    #: Whether the SDK builds its replies by pydantic's validation (an SDK's
    #: `ChatResponse(**part)`: nested items become its models too), not without it
    #: (the Stainless SDKs' `construct`).
    validated: bool = False

    def dump(self, item: Mapping[str, Any]) -> dict[str, Any]:
        """`item` as the SDK's model dumps it (`model_dump()`)."""
        dumped = {name: item.get(name) for name in self.fields}
        dumped.update((k, v) for k, v in item.items() if k not in dumped)
        return dumped

    def dumps(self, value: Any) -> Any:
        """Each item of the list `value` dumped (what is no dict kept as it is, as the SDK
        keeps it); anything but a list as it is."""
        if not isinstance(value, list):
            return value
        return [self.dump(item) if isinstance(item, dict) else item for item in value]


@dataclass(frozen=True, slots=True)
class SettingDefault:
    """A setting its LangChain class's constructor gives where a script gives none
    (langchain-google-genai's `temperature` 0.7), given by chatplex's own
    `init_chat_model` too; `unless`: "module:function(model) -> bool" naming the models
    it gives none for (models that keep their own temperature).

    >>> SettingDefault("candidate_count", 1).given("m", {})
    {'candidate_count': 1}
    >>> SettingDefault("top_k", 1).given("m", {"top_k": 5})
    {'top_k': 5}
    """

    name: str
    value: Any
    unless: str | None = None

    def given(self, model: str, settings: dict[str, Any]) -> dict[str, Any]:
        """`settings` with this default where it holds none (in place)."""
        if self.name not in settings and not (self.unless and declared_object(self.unless)(model)):
            settings[self.name] = self.value
        return settings


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """One provider name, as LangChain's `init_chat_model` knows it, and its facts."""

    #: LangChain's provider name (`init_chat_model("<name>:...")`).
    name: str
    #: "module:Class" of its adapter (loaded when a model is built).
    adapter: str
    #: The class LangChain's `init_chat_model` returns for it (LangSmith run names,
    #: `astream_events` names); None: "ChatModel" (LangChain has none).
    langchain_class: str | None = None
    #: `gen_ai.provider.name` in OpenTelemetry spans (the conventions' well-known value);
    #: None: the provider name itself.
    otel_name: str | None = None
    #: Bare model names LangChain's `init_chat_model` infers as this provider (lower-cased
    #: prefixes; the longest match over all providers wins).
    model_prefixes: tuple[str, ...] = ()
    #: LiteLLM's `provider/` prefixes naming this provider (the table of
    #: docs/litellm.md): `init_chat_model` refuses a model name written so, naming its
    #: chatplex spelling (`litellm_prefixes`).
    litellm_prefixes: tuple[str, ...] = ()
    #: `ls_provider` in LangSmith runs, as its LangChain class reports it (AzureChatOpenAI:
    #: "azure"); None: the provider name itself.
    ls_provider: str | None = None
    #: How its LangChain class reports the other `ls_*` params (`LangSmithRule`).
    ls_rule: LangSmithRule = LangSmithRule()
    #: Whether its API takes system instructions apart from the chat history (OpenTelemetry
    #: then records them as `gen_ai.system_instructions`, as the conventions want).
    separate_system: bool = False
    #: Its id in the price table (genai-prices' provider id); None: the name itself.
    price_id: str | None = None
    #: The Batch API's flat discount, for models the price table lists no batch price
    #: for (a fraction of the price paid); None: no documented flat discount.
    batch_discount: float | None = None
    #: Its LangChain class's other names for settings every chat model takes
    #: (`<name>_api_key` → `api_key`, `endpoint` → `base_url`), which `init_chat_model`
    #: takes as that class does.
    setting_aliases: tuple[tuple[str, str], ...] = ()
    #: Parameters its LangChain class names as fields and sends in the request body
    #: (LangChain name, body name): `reasoning_format`, `random_seed`...
    body_settings: tuple[tuple[str, str], ...] = ()
    #: "module:Class" of the adapter of its other API (OpenAI's Responses API, AWS's
    #: Converse), which `init_chat_model` builds where its LangChain class would call it
    #: (`use_responses_api=True`, `reasoning=`...: `providers/openai/choices.responses_provider`;
    #: `beta_use_converse_api=True` or a Nova model); None: it has none (those settings
    #: are refused as unknown).
    responses_adapter: str | None = None
    #: "module:function(model, settings) -> str | None" choosing, for `init_chat_model`,
    #: whether its `responses_adapter` serves these settings: the provider name whose API
    #: parameters then apply, or None (its own adapter). It takes the settings that only
    #: decide this out of `settings`.
    wire_choice: str | None = None
    #: Its replies' own `finish_reason` words (as its LangChain class keeps them: STOP,
    #: MAX_TOKENS...) → chatplex's common words (stop, length, content_filter,
    #: tool_calls), for what reports in one vocabulary (OpenTelemetry).
    finish_words: tuple[tuple[str, str], ...] = ()
    #: "module:function" reading the `content_blocks` of its replies (those whose
    #: `response_metadata["model_provider"]` is this name), where langchain-core itself
    #: ships that provider's translator: loaded on the first such reply read, so a reply
    #: built by hand or loaded from JSON reads alike before the wire is ever used. A
    #: reading that its partner package registers on import stays with
    #: `messages.register_blocks` instead.
    blocks: str | None = None
    #: Whether LangChain's `init_chat_model` knows this name and builds `langchain_class`
    #: for it (False: a name of chatplex's own, such as "openai_responses", whose class
    #: is another name's).
    langchain_init: bool = True
    #: The keyword LangChain's `init_chat_model` names the model with (langchain-ibm's
    #: ChatWatsonx: `model_id`; its `model=` names a model of IBM's Model Gateway).
    langchain_model_keyword: str = "model"
    #: Its DeprecationWarning as it infers this provider from a bare name (`{model}`).
    langchain_inferred_warning: str | None = None
    #: How its LangChain class fills a result's `llm_output` and `generation_info`
    #: (`chat/llm_results.py` writes it), for replies whose
    #: `response_metadata["model_provider"]` is this name; None: the model name and
    #: usage only.
    llm_output: OutputShape | None = None
    #: The `model_provider` a `CHAT_COMPLETIONS_SHAPE` `llm_output` names when its LangChain
    #: class is a subclass writing its own name on the messages alone (a BaseChatOpenAI:
    #: "openai" there, its own on each message); None: the messages' own.
    llm_output_provider: str | None = None
    #: How its LangChain class's `generate()` combines the rows' `llm_output` where no
    #: row names a style (the Responses API's rows, a stream's): `CHAT_COMPLETIONS_SHAPE`,
    #: langchain-openai's `_combine_llm_outputs` (the rows' usage summed, `{}` for none,
    #: and the class's `model_name`); None: as its `llm_output` combines them.
    combined_llm_output: OutputShape | None = None
    #: Whether its LangChain class streams in indexed content blocks, for chunks whose
    #: `response_metadata["model_provider"]` is this name (`langchain/convert.py`'s
    #: `StreamTranslator`): text as blocks carrying the wire's block index (once tools or
    #: thinking are on, or a block has come), a tool call's argument fragments in
    #: `content` too (`input_json_delta` blocks), and no `id`, `model` or `usage` in a
    #: chunk's `response_metadata`. False: the chunks' content and metadata as they are.
    indexed_stream: bool = False
    #: Whether its LangChain class's `invoke` streams underneath and merges the pieces
    #: (its `_generate` streaming): the run's handlers hear `on_llm_new_token` for
    #: each piece. The LangChain drop-in's `_generate` reads it and does the same.
    invoke_streams: bool = False
    #: Whether its LangChain class's `with_structured_output(method="function_calling")`
    #: parses the call with langchain-aws's repairing tools parsers (an object or array
    #: argument sent as a JSON string read back; their runs named as theirs); the
    #: drop-in's does the same (`langchain/tool_parsers.py`). False: LangChain's parsers.
    repairing_tool_parsers: bool = False
    #: Whether that streaming `invoke` gives each `on_llm_new_token` the model's
    #: `verbose` among its kwargs (its `_chat_stream_with_aggregation`).
    invoke_token_verbose: bool = False
    #: Whether its LangChain class parses that forced call with langchain-aws's
    #: `ToolsOutputParser` of the whole reply unless the model has `streaming=True` (its
    #: repairing tools parsers then, which stream): langchain-aws' InvokeModel class. The
    #: drop-in's does the same (`langchain/tool_parsers.py`). False: as
    #: `repairing_tool_parsers` says (the whole reply's parser where streaming is off).
    whole_reply_tool_parser: bool = False
    #: Whether its LangChain class writes `finish_reason` in a reply's response_metadata,
    #: for replies that came over this wire (`response_metadata["provider"]` is this
    #: name). False: it keeps the stop reason under the wire's own key (`stop_reason`,
    #: `done_reason`, `stopReason`...), and a drop-in's replies leave chatplex's common
    #: `finish_reason` out (`langchain/convert.py`'s `partner_metadata`).
    finish_reason_written: bool = True
    #: Whether its LangChain class gives a reply's message the reply's own id (replies
    #: over this wire: langchain-openai's Responses API, `resp_...`). False: it leaves
    #: `id` None, which LangChain fills in with the run's (`lc_run--<run id>`), one id
    #: for every chunk of a stream; a drop-in's replies do the same
    #: (`langchain/convert.py`'s `partner_id`).
    reply_id_as_message_id: bool = False
    #: The order its LangChain class writes a reply's `response_metadata` keys in, for a
    #: drop-in's replies over this wire (`langchain/convert.py`'s `partner_metadata`).
    metadata_order: KeyOrder = KeyOrder()
    #: ... and each chunk's of a stream, so that LangChain's merging (first key first)
    #: gives the merged reply the order of its class's merged stream.
    stream_metadata_order: KeyOrder = KeyOrder()
    #: `response_metadata` keys its LangChain class's stream carries on the finishing
    #: chunk alone (langchain-openai's model fields, with the finish reason), which a
    #: drop-in's stream holds back until then (`langchain/convert.py`'s
    #: `StreamTranslator`): chatplex's parsers give them on the first chunk.
    stream_finish_keys: tuple[str, ...] = ()
    #: The `response_metadata` key its LangChain class keeps the provider's stop word
    #: under, where it writes no `finish_reason` (`finish_reason_written`): tracing reads
    #: a drop-in's stop word there (`tracing/otel_content.own_stop_word`). None: none.
    stop_word_key: str | None = None
    #: Request headers that change the reply and hold no secret (an API version, a beta
    #: flag): a reply cache's key holds them (`chat/caching/entries.cache_key`).
    cache_key_headers: tuple[str, ...] = ()
    #: The rate-limit headers its responses carry (`LimitHeaders`), which the budgets
    #: learn from whichever model shares them; None: none that chatplex reads.
    limit_headers: LimitHeaders | None = None
    #: Reply headers its SDK reads where not the generic ones (`http/_errors.py`): its
    #: request id's (else `x-request-id`), a wait in milliseconds (before `retry-after`).
    request_id_header: str | None = None
    retry_after_ms_header: str | None = None
    #: Keys beyond LangChain's standard text block (`type`, `text`, `id`, `annotations`,
    #: `extras`) its LangChain class's text blocks carry and its wire sends back as the
    #: partner does (cache marks, citations, a thought signature): a LangChain message's
    #: text blocks keep them (`langchain/from_langchain.py`).
    text_block_keys: tuple[str, ...] = ()
    #: `response_metadata` keys every chunk of its LangChain class's stream carries, an
    #: empty list where the wire sent none (langchain-google-genai's `safety_ratings`),
    #: which a drop-in's stream gives likewise.
    stream_empty_lists: tuple[str, ...] = ()
    #: Whether its LangChain class's finishing chunk (the one with a finish reason), and
    #: a chunk with log probabilities, carries no `model_provider`, which its other
    #: chunks carry (a `_stream` writing such a chunk's response_metadata as its
    #: generation info alone); a drop-in's stream leaves it out there likewise.
    stream_finish_unmarked: bool = False
    #: Whether its LangChain class's chunk of a stream's usage record (one without
    #: choices: no text, tool call or finish reason) carries no `model_provider`
    #: (langchain-openai's `_convert_chunk_to_generation_chunk` makes it a bare
    #: `AIMessageChunk`); a drop-in's stream leaves it out there likewise.
    stream_usage_unmarked: bool = False
    #: The body parameters its API takes (besides what chatplex sets itself), which a
    #: model's keyword arguments are checked against (`chat.params`); None: its adapter
    #: class's `api_parameters`, else unchecked.
    api_parameters: frozenset[str] | None = None
    #: Of `api_parameters`, those its SDK's `create()` does not name, and why they are
    #: kept: (name, reason).
    beyond_sdk: tuple[tuple[str, str], ...] = ()
    #: Parameters its SDK sends as request headers, not in the body: (name, header).
    header_parameters: tuple[tuple[str, str], ...] = ()
    #: Body parameters holding independent settings, a call's value (`bind`'s...) laid
    #: over the model's key by key (Anthropic's `output_config`: effort beside a format).
    layered_body_fields: tuple[str, ...] = ()
    #: The values its API takes of `temperature`, `top_p`, `max_tokens` where not OpenAI's
    #: (`chat.settings.OPENAI_RANGES`): (setting, (lowest, highest) or None: any number).
    setting_ranges: tuple[tuple[str, tuple[float, float] | None], ...] = ()
    #: Its LangChain class's settings chatplex does not have, and why: (name, reason).
    #: Passing one (other than its "off" value) is a TypeError (`chat.dropin.check_refused`).
    refused_settings: tuple[tuple[str, str], ...] = ()
    #: "module:function" `init_chat_model("<name>:...")` calls with its settings (a dict,
    #: changed in place) before building: its LangChain class's constructor defaults.
    init_settings: str | None = None
    #: "module:function" called with the adapter's settings (a dict, changed in place)
    #: when the provider registry builds its adapter: its LangChain class's defaults.
    adapter_defaults: str | None = None
    #: Settings its LangChain class's constructor gives where a script gives none, which
    #: `init_chat_model("<name>:...")` gives its `ChatModel` too: the same name sends the
    #: same request in both families (`SettingDefault`).
    init_defaults: tuple[SettingDefault, ...] = ()
    #: Its LangChain class's settings that change nothing here at the values listed
    #: (`api_transport="rest"`: chatplex speaks REST), (name, values): `init_chat_model`
    #: takes them so and drops them; any other value is a TypeError.
    inert_settings: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    #: Its LangChain class's settings naming a fact of the model its adapter holds
    #: (langchain-aws's `provider`: the vendor), (setting, adapter attribute):
    #: `init_chat_model` sets them on the adapter, never in the request.
    adapter_attributes: tuple[tuple[str, str], ...] = ()
    #: Its LangChain class's settings only that class honours (`chatplex.langchain`'s):
    #: `init_chat_model` refuses them with a TypeError naming that class, never sends them.
    partner_settings: tuple[str, ...] = ()


def _spec_module(wire: str) -> Any:
    return importlib.import_module(f"chatplex.providers.{wire}.spec")


def field_names(text: str) -> tuple[str, ...]:
    """The field names in `text`, in order (a partner class's: `PartnerFields.dumped`).

    >>> field_names("name model_name  temperature")
    ('name', 'model_name', 'temperature')
    """
    return tuple(text.split())


def dumped_under_aliases(aliases: Mapping[str, str]) -> dict[str, str]:
    """A partner form's `dump_aliases` where its `aliases` (alias -> field) are all its
    class's pydantic aliases: each field dumped under its alias.

    >>> dumped_under_aliases({"model": "model_name"})
    {'model_name': 'model'}
    """
    return {field: alias for alias, field in aliases.items()}


def declared_object(path: str) -> Any:
    """What a spec names as "module:name" (its adapter, drop-in...), imported on use."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


@functools.cache
def specs() -> Mapping[str, ProviderSpec]:
    """Every declared provider by name (loaded once, on the first question)."""
    found: dict[str, ProviderSpec] = {}
    for wire in WIRES:
        for declared in _spec_module(wire).SPECS:
            if declared.name in found:
                raise RuntimeError(f"provider {declared.name!r} is declared twice ({wire})")
            found[declared.name] = declared
    return found


@functools.cache
def chat_completions_servers() -> tuple[tuple[str, str, str, str | None], ...]:
    """The OpenAI-compatible endpoints of servers whose native API is a wire of its own
    folder, each declared in that folder's spec module (`CHAT_COMPLETIONS_SERVERS` rows:
    provider name, title, default base URL, price id), in `WIRES` order: the compatible
    wire serves them as presets without naming them. (Its own spec module asks this while
    it loads, and declares none.)"""
    rows: list[tuple[str, str, str, str | None]] = []
    for wire in WIRES:
        rows.extend(getattr(_spec_module(wire), "CHAT_COMPLETIONS_SERVERS", ()))
    return tuple(rows)


@functools.cache
def limit_headers() -> tuple[LimitHeaders, ...]:
    """Every set of rate-limit headers a spec declares, once each, in `WIRES` order: the
    order a response's headers are tried in (`http/_learn.read_limits`)."""
    declared = (s.limit_headers for s in specs().values() if s.limit_headers is not None)
    return tuple(dict.fromkeys(declared))


@functools.cache
def spec(name: str) -> ProviderSpec | None:
    """The spec of provider `name`, or None for a name no wire declares. (Cached: the
    table never changes, and a drop-in's request asks it a dozen times.)"""
    return specs().get(name)


@functools.cache
def litellm_prefixes() -> Mapping[str, str]:
    """LiteLLM's `provider/` prefixes, each to the provider it is here (the specs'
    `litellm_prefixes`): a name so written is refused with its chatplex spelling.

    >>> litellm_prefixes()["azure"]
    'azure_openai'
    """
    found: dict[str, str] = {}
    for declared in specs().values():
        for prefix in declared.litellm_prefixes:
            if prefix in found:
                raise RuntimeError(f"LiteLLM prefix {prefix!r} is declared twice")
            found[prefix] = declared.name
    return found


#: Prefixes LangChain infers for providers chatplex has no wire for: a bare name with one
#: of these is named in the error rather than mistaken for another provider.
_ELSEWHERE = (("solar", "upstage"),)


@functools.cache
def _prefix_table() -> tuple[tuple[str, str], ...]:
    rows = [(p, s.name) for s in specs().values() for p in s.model_prefixes]
    rows.extend(_ELSEWHERE)
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


def infer_provider(model: str) -> str | None:
    """The provider LangChain's `init_chat_model` infers from a bare model name (its
    `_attempt_infer_model_provider`), or None.

    >>> infer_provider("gpt-4o-mini"), infer_provider("claude-sonnet-4-5")
    ('openai', 'anthropic')
    >>> infer_provider("deepseek-chat"), infer_provider("my-model")
    ('deepseek', None)
    """
    lowered = model.lower()
    return next((name for prefix, name in _prefix_table() if lowered.startswith(prefix)), None)
