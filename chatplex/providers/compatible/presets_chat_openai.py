"""The OpenAI-compatible presets whose LangChain partner is a langchain-openai
`BaseChatOpenAI` (its replies, fields and token counts langchain-openai's, under the
partner's names): DeepSeek, xAI, Together AI, Cerebras, Nebius AI Studio.

Pure data, read by `spec.py` (its import-linter contract holds for what this imports)."""

from __future__ import annotations

from typing import Any

from ...specs import CHAT_COMPLETIONS_SHAPE
from ...specs import LimitHeaders
from ..openai.spec import BASE_CHAT_OPENAI_DEFAULT_PARAMS
from ..openai.spec import BASE_CHAT_OPENAI_DUMPED
from ..openai.spec import BASE_CHAT_OPENAI_GATEWAY_REPORT
from ..openai.spec import BASE_CHAT_OPENAI_GIVEN
from ..openai.spec import BASE_CHAT_OPENAI_IDENTIFYING
from ..openai.spec import BASE_CHAT_OPENAI_PROXIED
from ..openai.spec import BASE_CHAT_OPENAI_SHOWN
from ..openai.spec import LANGCHAIN_OPENAI_STREAM
from ..openai.spec import openai_client_arguments
from .partner_tables import BASE_CHAT_OPENAI_CLASS
from .partner_tables import CLIENTS
from .partner_tables import OWN_CHAT_CLIENTS
from .partner_tables import OWN_ROOT_CLIENTS
from .preset import NO_MAX_COMPLETION_TOKENS
from .preset import DropIn
from .preset import Preset
from .preset import hosted
from .preset import key_and_base
from .preset import openai_style_fields
from .preset import openai_subclass_reading
from .preset import partner_module
from .preset import renamed_chat_openai
from .preset import same_names
from .profile import OPENAI_USAGE_ORDER
from .profile import ReplyStyle
from .profile import StopRule
from .profile import TurnStyle

#: A BaseChatOpenAI's result and stream as langchain-openai's (its own name on each
#: message alone).
_CHAT_OPENAI_REPLIES: dict[str, Any] = {
    "llm_output": CHAT_COMPLETIONS_SHAPE,
    "llm_output_provider": "openai",
    **LANGCHAIN_OPENAI_STREAM,
}

#: A BaseChatOpenAI's profile facts, langchain-openai's own: it raises the openai SDK's
#: errors, sends an assistant's text as blocks, and its `bind_tools` sends a bound empty
#: list as `tools: []` (any tool_choice beside it) and a tool's extra keys as given;
#: its streams read as the SDK's helper reads them. (ChatDeepSeek departs from it.)
_BASE_CHAT_OPENAI_PROFILE: dict[str, Any] = {
    "error_body_inner": True,
    "assistant_text_blocks": True,
    "empty_tool_list_sent": True,
    "keeps_choice_without_tools": True,
    "sdk_helper": True,
    "passes_tool_extras": True,
}

DEEPSEEK = Preset(
    hosted(
        "deepseek",
        "DeepSeek",
        "https://api.deepseek.com/v1",
        reasoning_field="reasoning_content",
        style=ReplyStyle(
            "deepseek",
            usage_order=OPENAI_USAGE_ORDER,
            # ChatDeepSeek reads its context-cache hits as cache_read
            usage_input_fields=(("prompt_cache_hit_tokens", "cache_read"),),
        ),
        error_body_inner=True,
        sdk_helper=True,  # ChatDeepSeek is a BaseChatOpenAI
        passes_tool_extras=True,  # as langchain-openai's bind_tools
        # langchain-deepseek's payload: an assistant's text one string, a tool
        # result's list its JSON text. A tool-call turn's thinking goes back, which
        # langchain-deepseek drops: DeepSeek refuses a thinking model's tool-call turn
        # without it (400 "Missing `reasoning_content` field in the assistant message").
        turns=TurnStyle(
            joined_text=True,
            empty_beside_kept=True,
            tool_list_json=True,
            null_arguments=True,
            reasoning_key="reasoning_content",
            reasoning_from="deepseek",
            reasoning_beside_calls=True,
        ),
        # a history's call without an id, or an invalid one without arguments, goes as
        # langchain-deepseek sends it (`"id": null`, `"arguments": null`): DeepSeek
        # documents no rule against either
        idless_calls_sent=True,
        # no `tools: []` for a bound empty list, which langchain-deepseek sends: the
        # API refuses it ("Invalid 'tools': empty array", runebookai/tome#87)
    ),
    langchain_class="ChatDeepSeek",
    litellm_prefixes=("deepseek",),
    **_CHAT_OPENAI_REPLIES,
    # ChatDeepSeek names itself on the chunks with a choice only: its usage chunk bare,
    # as langchain-openai's.
    stream_usage_unmarked=True,
    otel_name="deepseek",
    model_prefixes=("deepseek",),
    aliases=(("api_base", "base_url"),),
    dropin=DropIn(
        profiles="deepseek",
        llm_type="chat-deepseek",
        **partner_module("deepseek", "ChatDeepSeek"),  # its module: not serialized
        versions=("langchain-openai", "langchain-deepseek"),  # a BaseChatOpenAI
        partner_fields=openai_subclass_reading(
            {"api_key": "DEEPSEEK_API_KEY"},
            own=("api_key", "api_base"),
            required=frozenset({"model_name"}),
            base_url="api_base",
            # Its base URL's default factory (its repr shows it: `print(llm)`).
            fallbacks={
                "api_base": ("https://api.deepseek.com/v1", ("DEEPSEEK_API_BASE",), (), True)
            },
        ),
        **BASE_CHAT_OPENAI_CLASS,
        refused=CLIENTS,
        stream_usage=False,
        structured_methods={"json_schema": "function_calling"},
        moved=NO_MAX_COMPLETION_TOKENS,
        responses_refused=(
            "DeepSeek serves no Responses API, and langchain-deepseek raises building "
            "such a request (KeyError 'messages')"
        ),
    ),
)


XAI = Preset(
    hosted(
        "xai",
        "xAI",
        "https://api.x.ai/v1",
        reasoning_field="reasoning_content",
        style=ReplyStyle("xai", reasoning_in_output=True, usage_order=OPENAI_USAGE_ORDER),
        # Live Search's sources (langchain-xai keeps them, repeated by the usage event).
        kept_fields=("citations",),
        kept_on_each_chunk=True,
        **_BASE_CHAT_OPENAI_PROFILE,  # ChatXAI is a BaseChatOpenAI
        helper_provider="xai",  # on every helper piece (its chunk conversion's)
        # a history's call without an id, or an invalid one without arguments, goes as
        # langchain-xai sends it (`"id": null`, `"arguments": null`): xAI documents no
        # rule against either
        idless_calls_sent=True,
        turns=TurnStyle(null_arguments=True),
        # ChatXAI's with_structured_output sets strict=None for function calling
        # (`if strict`: a False is sent).
        strict_dropped=frozenset({"function_calling"}),
        strict_false_kept=frozenset({"function_calling"}),
        # ChatXAI drops `stop`, which xAI rejects for reasoning models: by its
        # profiles (profiles/xai.json: their `reasoning_output`), else by the name.
        stop_dropped=StopRule(
            profiled=frozenset(
                {
                    "grok-4.20-0309-reasoning",
                    "grok-4.20-multi-agent-0309",
                    "grok-4.3",
                    "grok-4.5",
                    "grok-build-0.1",
                }
            ),
            listed=frozenset(
                {
                    "grok-4.20-0309-non-reasoning",
                    "grok-4.20-0309-reasoning",
                    "grok-4.20-multi-agent-0309",
                    "grok-4.3",
                    "grok-4.5",
                    "grok-build-0.1",
                    "grok-imagine-image",
                    "grok-imagine-image-quality",
                    "grok-imagine-video",
                }
            ),
            prefixes=("grok-3", "grok-4"),
            words=("grok-code-fast",),
        ),
    ),
    langchain_class="ChatXAI",
    litellm_prefixes=("xai",),
    **_CHAT_OPENAI_REPLIES,
    otel_name="x_ai",
    model_prefixes=("grok",),
    price_id="x-ai",
    aliases=key_and_base("xai"),
    dropin=DropIn(
        profiles="xai",
        llm_type="xai-chat",
        **partner_module("xai", "ChatXAI"),
        versions=("langchain-openai", "langchain-xai"),  # a BaseChatOpenAI
        partner_fields=openai_style_fields(
            "xai",
            aliases={"organization": "openai_organization"},
            defaults={"stream_usage": True},
            assigned=frozenset({"stream_usage"}),  # by its validator, whatever was given
            # (its field's default factory: not counted set)
            fallbacks={"xai_api_base": ("https://api.x.ai/v1/", ("XAI_API_BASE",), (), True)},
            # langchain-openai's socket options: pydantic's `exclude`
            excluded=frozenset({"http_socket_options"}),
            checks_candidates=True,
            identifying=BASE_CHAT_OPENAI_IDENTIFYING,  # its class's, unchanged
            default_params=BASE_CHAT_OPENAI_DEFAULT_PARAMS,
            gateway_report=BASE_CHAT_OPENAI_GATEWAY_REPORT,
            dumped=(
                *BASE_CHAT_OPENAI_DUMPED,
                "xai_api_key",
                "xai_api_base",
                "search_parameters",
            ),
            clients={**OWN_CHAT_CLIENTS, **OWN_ROOT_CLIENTS},
            client_arguments=openai_client_arguments("xai_api_key", "xai_api_base"),
            client_given=BASE_CHAT_OPENAI_GIVEN,
            client_optional=frozenset({"max_retries"}),
            # Its repr's fields: langchain-openai's, then its own (`print(llm)`).
            shown=(*BASE_CHAT_OPENAI_SHOWN, "xai_api_key", "xai_api_base", "search_parameters"),
        ),
        **BASE_CHAT_OPENAI_CLASS,
        default_model="grok-4",
        responses_api=True,  # xAI serves POST /v1/responses
        refused=CLIENTS,
        ignored={
            "search_parameters": (
                "search_parameters (Live Search) is deprecated by xAI and is ignored. "
                'Use `ChatXAI(model="...").bind_tools([{"type": "web_search"}])` '
                "instead."
            ),
        },
        moved=NO_MAX_COMPLETION_TOKENS,
    ),
)


TOGETHER = Preset(
    hosted(
        "together",
        "Together AI",
        "https://api.together.xyz/v1",
        # langchain-together is langchain-openai's ChatOpenAI with Together's name:
        # the same reply shapes; reasoning text (which it drops) as ChatDeepSeek's.
        reasoning_field="reasoning_content",
        **_BASE_CHAT_OPENAI_PROFILE,  # ChatTogether is a BaseChatOpenAI
        # langchain-together names no provider of its own
        style=ReplyStyle("openai", usage_order=OPENAI_USAGE_ORDER),
        # its SDK's history tool call: `id: str | None`, `arguments: str | None`
        idless_calls_sent=True,
        turns=TurnStyle(null_arguments=True),
    ),
    langchain_class="ChatTogether",
    litellm_prefixes=("together_ai",),
    # Its replies name OpenAI's style; rows without one (a cached reply's) are combined
    # as langchain-openai's `generate()` combines them too.
    combined_llm_output=CHAT_COMPLETIONS_SHAPE,
    aliases=key_and_base("together"),
    dropin=renamed_chat_openai(
        "together",
        default_model="Qwen/Qwen2.5-7B-Instruct-Turbo",
        default_base="https://api.together.xyz/v1/",
        roots=True,
        responses_api=True,  # Together serves POST /v1/responses (in beta)
    ),
)


CEREBRAS = Preset(
    hosted(
        "cerebras",
        "Cerebras",
        "https://api.cerebras.ai/v1",
        reasoning_field="reasoning",
        # ChatCerebras is a BaseChatOpenAI: its replies and streams are shaped as
        # ChatNebius' (no reply id on a stream's chunks), Cerebras' `reasoning` kept in
        # additional_kwargs under that name.
        style=ReplyStyle("openai", usage_order=OPENAI_USAGE_ORDER, reasoning_kwarg="reasoning"),
        **_BASE_CHAT_OPENAI_PROFILE,
        # ... but its own sync `_stream` raises none of langchain-openai's errors
        stream_errors_unwrapped=True,
    ),
    litellm_prefixes=("cerebras",),
    aliases=key_and_base("cerebras"),
    body=same_names("disable_reasoning"),
    # inference-docs.cerebras.ai/support/rate-limits: tokens per minute, resets in
    # seconds; its requests are counted per day, which the per-minute budgets do not read.
    limit_headers=LimitHeaders(
        requests=("", "", ""),
        tokens=(
            "x-ratelimit-limit-tokens-minute",
            "x-ratelimit-remaining-tokens-minute",
            "x-ratelimit-reset-tokens-minute",
        ),
    ),
    dropin=DropIn(
        **BASE_CHAT_OPENAI_CLASS,
        refused=CLIENTS,
        proxy=("cerebras_proxy", "CEREBRAS_PROXY"),
        llm_type="cerebras-chat",
        generate_reasoning_blocks=True,
        **partner_module("cerebras", "ChatCerebras"),  # its module: not serialized
        lc_id_namespace=("langchain", "chat_models", "cerebras"),
        # A BaseChatOpenAI LangChain does not serialize: its fields read (and dumped, in
        # its order) as langchain-openai's, then its own; its validator builds the root
        # SDK clients from its own key and base URL, the chat clients their resources
        # (langchain-openai's clients: `client` is `root_client.chat.completions`).
        partner_fields={
            **openai_subclass_reading(
                {"cerebras_api_key": "CEREBRAS_API_KEY"},
                api_key="cerebras_api_key",
                base_url="cerebras_api_base",
                own=(
                    "cerebras_api_key",
                    "cerebras_api_base",
                    "cerebras_proxy",
                    "disable_reasoning",
                ),
                client_optional=frozenset({"max_retries"}),
                attributes=("cerebras_api_base", "cerebras_proxy"),
                # (its fields' default factories: not counted set)
                fallbacks={
                    "cerebras_api_base": (
                        "https://api.cerebras.ai/v1/",
                        ("CEREBRAS_API_BASE",),
                        (),
                        True,
                    ),
                    "cerebras_proxy": ("", ("CEREBRAS_PROXY",), (), True),
                },
                checks_candidates=True,  # (its validator checks `n`, as langchain-openai's)
                required=frozenset({"model_name"}),
            ),
            # Its httpx clients through `cerebras_proxy` where none is given (its validator's).
            "resolved": BASE_CHAT_OPENAI_PROXIED,
            # (its own sync `_stream` passes no gateway metadata on; its async is its base's)
            "gateway_report": (*BASE_CHAT_OPENAI_GATEWAY_REPORT, False),
        },
        versions=("langchain-openai",),  # a BaseChatOpenAI naming no version of its own
        stream_usage=False,  # (its own `_stream` asks for no usage: its field stays None)
        moved=NO_MAX_COMPLETION_TOKENS,  # (its source declares no such field either)
        responses_refused=(
            "Cerebras serves no Responses API (langchain-cerebras posts to its "
            "/v1/responses, and its stream raises TypeError)"
        ),
    ),
)


NEBIUS = Preset(
    hosted(
        "nebius",
        "Nebius AI Studio",
        # langchain-nebius' default (Nebius also answers on api.studio.nebius.com).
        "https://api.studio.nebius.ai/v1",
        # ChatNebius is a BaseChatOpenAI: its replies are shaped as langchain-openai's.
        style=ReplyStyle("openai", usage_order=OPENAI_USAGE_ORDER),
        **_BASE_CHAT_OPENAI_PROFILE,
        # a history's call without an id, or an invalid one without arguments, goes as
        # langchain-nebius sends it (`"id": null`, `"arguments": null`): Nebius documents
        # no rule against either (and has no SDK of its own typing them)
        idless_calls_sent=True,
        turns=TurnStyle(null_arguments=True),
    ),
    langchain_class="ChatNebius",
    litellm_prefixes=("nebius",),
    aliases=key_and_base("nebius"),
    dropin=renamed_chat_openai(
        "nebius",
        default_model="meta-llama/Llama-3.3-70B-Instruct-fast",
        default_base="https://api.studio.nebius.ai/v1/",
        roots=False,
        responses_refused=(
            "langchain-nebius builds no client for the Responses API (AttributeError on "
            "a call, TypeError on a stream)"
        ),
    ),
)
