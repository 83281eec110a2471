"""OpenAI's provider names: Chat Completions, the Responses API (LangChain's
`ChatOpenAI(use_responses_api=True)`), Azure OpenAI."""

from __future__ import annotations

from typing import Any

from ...specs import CHAT_COMPLETIONS_INFO
from ...specs import CHAT_COMPLETIONS_OUTPUT
from ...specs import CHAT_COMPLETIONS_SHAPE
from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import LimitHeaders
from ...specs import ProviderSpec
from ...specs import field_names

#: Body parameters of OpenAI Chat Completions (`POST /chat/completions`), besides
#: `model`, `messages` and `stream`, which chatplex sets itself.
_CHAT_COMPLETIONS = frozenset(
    {
        "audio",
        "frequency_penalty",
        "function_call",
        "functions",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "metadata",
        "modalities",
        "moderation",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning_effort",
        "response_format",
        "safety_identifier",
        "seed",
        "service_tier",
        "stop",
        "store",
        "stream_options",
        "temperature",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
        "verbosity",
        "web_search_options",
    }
)

#: Body parameters of the OpenAI Responses API (`POST /responses`), besides `model`,
#: `input` and `stream`, which chatplex sets itself; plus the Chat Completions spellings
#: the Responses adapter translates (`max_tokens`, `response_format`, `reasoning_effort`...).
_RESPONSES = frozenset(
    {
        "access_programs",
        "background",
        "background_options",
        "context_management",
        "conversation",
        "image",
        "include",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "moderation",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
    | {"max_tokens", "max_completion_tokens", "response_format", "reasoning_effort", "verbosity"}
)

#: LangChain settings of ChatOpenAI chatplex does not have, and why (`chat.dropin.check_refused`).
_SDK_CLIENTS = "chatplex sends its own requests (no SDK client); pass http_client= instead"
_REFUSED = (
    ("async_client", _SDK_CLIENTS),
    ("client", _SDK_CLIENTS),
    ("root_async_client", _SDK_CLIENTS),
    ("root_client", _SDK_CLIENTS),
)

#: langchain-openai's order of a Chat Completions reply's response_metadata: its
#: llm_output's keys, then the choice's generation info (AzureChatOpenAI adds the
#: filter results to each).
LANGCHAIN_OPENAI_ORDER = KeyOrder(
    first=(
        "token_usage",
        *CHAT_COMPLETIONS_OUTPUT,
        "headers",  # the response's, where kept (`include_response_headers=True`)
        "finish_reason",
        "logprobs",
        *CHAT_COMPLETIONS_INFO,
    ),
)
#: ... and a stream's chunks' (`model_provider` last on each; the first chunk has it
#: alone, so the merged reply starts with it).
LANGCHAIN_OPENAI_STREAM_ORDER = KeyOrder(
    first=("finish_reason", "model_name", "system_fingerprint", "service_tier"),
    last=("model_provider",),
)
#: The Responses API reply's fields in langchain-openai's metadata, in its order.
_RESPONSES_FIELDS = ("id", "created_at", "metadata", "model", "object", "service_tier", "status")
#: What langchain-openai's stream gives on the chunk with the finish reason alone.
LANGCHAIN_OPENAI_FINISH_KEYS = ("model_name", "system_fingerprint", "service_tier")
#: A stream's chunks as langchain-openai's: the model's fields on the finishing chunk
#: (`ProviderSpec` fields, for the partners that stream so).
LANGCHAIN_OPENAI_STREAM: dict[str, Any] = {
    "stream_metadata_order": LANGCHAIN_OPENAI_STREAM_ORDER,
    "stream_finish_keys": LANGCHAIN_OPENAI_FINISH_KEYS,
}

#: OpenAI's rate-limit headers (most OpenAI-compatible servers send them too): resets
#: as durations (`1s`, `6m0s`, `20ms`), limits per minute. A host that sends these names
#: for a daily requests limit is read as per minute: looser than the real one, never tighter.
OPENAI_LIMITS = LimitHeaders(
    requests=(
        "x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests",
    ),
    tokens=(
        "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-tokens",
    ),
)

#: What Chat Completions' replies and streams look like under langchain-openai's
#: BaseChatOpenAI (ChatOpenAI's and AzureChatOpenAI's alike), and its rate limit headers.
_BASE_CHAT_OPENAI: dict[str, Any] = {
    "metadata_order": LANGCHAIN_OPENAI_ORDER,
    **LANGCHAIN_OPENAI_STREAM,
    "stream_usage_unmarked": True,  # langchain-openai's usage chunk: a bare AIMessageChunk
    "limit_headers": OPENAI_LIMITS,
    "retry_after_ms_header": "retry-after-ms",  # read by the openai SDK
}

#: The Responses API's replies in langchain-openai's v0.3 shape (`output_version="v0"`),
#: which only the Responses adapter takes (`choices.responses_provider` leaves it).
_V03_REPLIES = (("output_version", "output_version"),)

SPECS = (
    ProviderSpec(
        "openai",
        "chatplex.providers.openai.adapter:OpenAIAdapter",
        langchain_class="ChatOpenAI",
        litellm_prefixes=("openai",),
        otel_name="openai",
        model_prefixes=("gpt-", "o1", "o3", "o4", "chatgpt", "text-davinci"),
        batch_discount=0.5,  # 50% off every model its Batch API serves
        responses_adapter="chatplex.providers.openai.responses_adapter:OpenAIResponsesAdapter",
        wire_choice="chatplex.providers.openai.choices:responses_provider",
        adapter_attributes=_V03_REPLIES,
        llm_output=CHAT_COMPLETIONS_SHAPE,  # langchain-openai's llm_output and generation_info
        blocks="chatplex.providers.openai.blocks:reply_blocks",  # langchain-core ships it
        api_parameters=_CHAT_COMPLETIONS,
        refused_settings=_REFUSED,
        # init_chat_model("openai:...") as LangChain's ChatOpenAI: its stream_usage
        # default, and max_tokens sent as max_completion_tokens.
        init_settings="chatplex.providers.openai.choices:init_settings",
        adapter_defaults="chatplex.providers.openai.choices:init_defaults",
        **_BASE_CHAT_OPENAI,
        text_block_keys=("prompt_cache_breakpoint",),  # langchain-openai sends it as given
    ),
    ProviderSpec(
        "openai_responses",
        "chatplex.providers.openai.responses_adapter:OpenAIResponsesAdapter",
        langchain_class="ChatOpenAI",
        otel_name="openai",
        ls_provider="openai",
        price_id="openai",
        batch_discount=0.5,
        langchain_init=False,  # chatplex's name: LangChain's is ChatOpenAI(use_responses_api=True)
        combined_llm_output=CHAT_COMPLETIONS_SHAPE,  # ChatOpenAI's, of rows that carry none
        api_parameters=_RESPONSES,
        finish_reason_written=False,  # the reply's `status` says it
        reply_id_as_message_id=True,  # langchain-openai's Responses messages: id=resp_...
        # langchain-openai's Responses metadata: the reply's fields in its order, then the
        # model's names; so is a stream's finishing chunk. Its first chunk has
        # model_provider, then the reply's id (which no later chunk has: it goes last).
        metadata_order=KeyOrder(first=_RESPONSES_FIELDS, last=("model_provider", "model_name")),
        stream_metadata_order=KeyOrder(
            first=tuple(f for f in _RESPONSES_FIELDS if f != "id"),
            last=("model_provider", "id", "model_name"),
        ),
        limit_headers=OPENAI_LIMITS,
        retry_after_ms_header="retry-after-ms",  # read by the openai SDK
    ),
    ProviderSpec(
        "azure_openai",
        "chatplex.providers.openai.azure:AzureOpenAIAdapter",
        langchain_class="AzureChatOpenAI",
        litellm_prefixes=("azure",),
        otel_name="azure.ai.openai",
        ls_provider="azure",
        ls_rule=LangSmithRule(model_version="model_version"),  # "gpt-4o-0613"
        combined_llm_output=CHAT_COMPLETIONS_SHAPE,  # a BaseChatOpenAI's, of rows that carry none
        responses_adapter="chatplex.providers.openai.azure_responses:AzureResponsesAdapter",
        wire_choice="chatplex.providers.openai.choices:responses_provider",
        adapter_attributes=_V03_REPLIES,
        **_BASE_CHAT_OPENAI,
    ),
)

#: Blocks langchain-openai leaves out of every user, system and tool message it sends
#: on Chat Completions (its `_format_message_content`): reasoning, and other APIs'
#: call blocks (`OpenAIAdapter.dropped_input_blocks`).
LANGCHAIN_OPENAI_DROPPED = frozenset(
    {"tool_use", "thinking", "reasoning_content", "function_call", "code_interpreter_call"}
)

#: What langchain-openai's `BaseChatOpenAI` reports as its identifying params (its
#: `_default_params` after `model_name`): `chat.partner_form.IdentifyingParams`'
#: keywords, shared by the classes built on it (langchain-xai's too).
BASE_CHAT_OPENAI_IDENTIFYING: dict[str, Any] = {
    "always": {"model_name": "model_name", "model": "model_name", "stream": "streaming"},
    "unless_none": {
        name: name
        for name in (
            "presence_penalty",
            "frequency_penalty",
            "seed",
            "top_p",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "max_tokens",
            "extra_body",
            "n",
            "temperature",
            "reasoning_effort",
            "reasoning",
            "verbosity",
            "context_management",
            "include",
            "prompt_cache_options",
            "service_tier",
            "truncation",
            "store",
        )
    },
    "unless_empty": {"stop": "stop"},
    "spread": "model_kwargs",
    "invoked_first": {"model": ("model_name",)},
    "invoked_again": True,
}

#: `BaseChatOpenAI`'s `_default_params`: its identifying params but `model_name`
#: (`{"model_name": ..., **self._default_params}`), shared by the classes built on it.
BASE_CHAT_OPENAI_DEFAULT_PARAMS = frozenset({"model_name"})

#: Where `BaseChatOpenAI` passes LangSmith's gateway metadata on (a `GatewayReport`'s
#: fields): a whole reply's whatever the key (its `_generate`), a stream's with a
#: LangSmith `openai_api_key` or `include_response_headers=True`; its subclasses' too.
BASE_CHAT_OPENAI_GATEWAY_REPORT = ("openai_api_key", True, "include_response_headers")

#: Its `model_dump()` keys, in its order (`PartnerFields.dumped`): LangChain's own first,
#: then its fields but its SDK clients and the others it excludes.
BASE_CHAT_OPENAI_DUMPED = field_names(
    "name disable_streaming output_version model_name temperature model_kwargs "
    "openai_api_key openai_api_base openai_organization openai_proxy request_timeout "
    "stream_usage max_retries presence_penalty frequency_penalty seed logprobs "
    "top_logprobs logit_bias streaming n top_p max_tokens reasoning_effort reasoning "
    "verbosity tiktoken_model_name default_headers default_query stop extra_body "
    "include_response_headers disabled_params context_management include "
    "prompt_cache_options service_tier store truncation use_previous_response_id "
    "use_responses_api"
)

#: Its repr's fields, in its order (`PartnerFields.shown`): LangChain's own first, its
#: SDK clients, then its fields (`dumpd` of a subclass LangChain does not serialize
#: writes this repr).
BASE_CHAT_OPENAI_SHOWN = field_names(
    "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
    "disable_streaming output_version profile client async_client root_client "
    "root_async_client model_name temperature model_kwargs openai_api_key "
    "openai_api_base openai_organization openai_proxy request_timeout stream_usage "
    "max_retries presence_penalty frequency_penalty seed logprobs top_logprobs "
    "logit_bias streaming n top_p max_tokens reasoning_effort reasoning verbosity "
    "tiktoken_model_name default_headers default_query http_client http_async_client "
    "http_socket_options stream_chunk_timeout stop extra_body include_response_headers "
    "disabled_params context_management include prompt_cache_options service_tier "
    "store truncation use_previous_response_id use_responses_api"
)


def completions_clients(sync: str, asynchronous: str) -> dict[str, tuple[str, ...]]:
    """A partner's `client` / `async_client` (`PartnerFields.clients`, as data): the chat
    completions resource of the SDK clients `sync` and `asynchronous` name (a factory
    "module:Class", or another field holding a root client)."""
    return {
        "client": (sync, "chat.completions"),
        "async_client": (asynchronous, "chat.completions"),
    }


#: Its SDK clients (`PartnerFields.clients`, as data: factory, attribute path): the
#: `openai` package's root clients, and the chat completions resource of each.
BASE_CHAT_OPENAI_CLIENTS: dict[str, tuple[str, ...]] = {
    **completions_clients("root_client", "root_async_client"),
    "root_client": ("openai:OpenAI",),
    "root_async_client": ("openai:AsyncOpenAI",),
}


#: The fields holding the script's httpx clients a BaseChatOpenAI gives its SDK clients
#: (`PartnerFields.client_given`: sync, async).
BASE_CHAT_OPENAI_GIVEN = ("http_client", "http_async_client")
#: The same fields as its validator fills them in where none is given, its clients
#: through its proxy field (`PartnerFields.resolved`: the model's own settings).
BASE_CHAT_OPENAI_PROXIED = {name: name for name in BASE_CHAT_OPENAI_GIVEN}


def openai_client_arguments(key: str, base: str) -> dict[str, str]:
    """The keywords a BaseChatOpenAI builds its SDK clients with
    (`PartnerFields.client_arguments`), its key and base URL read from the fields `key`
    and `base`."""
    return {
        "api_key": key,
        "base_url": base,
        "timeout": "request_timeout",
        "max_retries": "max_retries",
        "default_headers": "default_headers",
        "default_query": "default_query",
    }


#: The keywords `ChatOpenAI` builds its SDK clients with: its organization too, and
#: `max_retries` left out when None (`PartnerFields.client_optional`).
CHAT_OPENAI_CLIENT_ARGUMENTS = {
    **openai_client_arguments("openai_api_key", "openai_api_base"),
    "organization": "openai_organization",
}


#: The pydantic aliases of `BaseChatOpenAI`'s fields, field -> alias, as its
#: `model_dump(by_alias=True)` writes them (`PartnerFields.dump_aliases`).
BASE_CHAT_OPENAI_DUMP_ALIASES: dict[str, str] = {
    "model_name": "model",
    "openai_api_key": "api_key",
    "openai_api_base": "base_url",
    "openai_organization": "organization",
    "request_timeout": "timeout",
    "max_tokens": "max_completion_tokens",
    "stop": "stop_sequences",
}

#: The pydantic aliases of `BaseChatOpenAI`'s fields, alias -> field
#: (`PartnerFields.aliases`), as its subclasses that LangChain does not serialize
#: (langchain-deepseek, -together, -nebius) are read with.
BASE_CHAT_OPENAI_ALIASES: dict[str, str] = {
    "model": "model_name",
    "timeout": "request_timeout",
    "max_completion_tokens": "max_tokens",
    "stop_sequences": "stop",
}
