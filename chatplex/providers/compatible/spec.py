"""The OpenAI-compatible providers, declared as data: one row per preset (`PRESETS`,
a `Preset`, whose parts and helpers are `preset.py`'s): its profile over the Chat
Completions wire (base URL, key variables, refused and renamed parameters, the reply
style of its partner package), its spec fields (name, LangChain class, its class's names
for settings, which `init_chat_model` reads too) and, for a LangChain class, what that
class takes (`DropIn`). `PROFILES`, `SPECS` and `DROPINS` are read from the rows; the
adapter class and the drop-in class are made from them. A new preset is one row here and
its export (`chatplex/dropins.py`, and its typed import in `chatplex/__init__.py`). A
local server whose native API is a wire of its own folder declares its
OpenAI-compatible endpoint there (`CHAT_COMPLETIONS_SERVERS` in that folder's `spec.py`,
collected by `chatplex.specs.chat_completions_servers`), and is a row here like the
others.

Pure data: this module imports nothing of chatplex but `chatplex.specs`, OpenAI's spec
and the shapes of its rows (`preset.py`, `profile.py`)."""

from __future__ import annotations

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import chat_completions_servers
from ...specs import field_names
from ..openai.spec import BASE_CHAT_OPENAI_DUMPED
from ..openai.spec import BASE_CHAT_OPENAI_IDENTIFYING
from ..openai.spec import LANGCHAIN_OPENAI_DROPPED
from ..openai.spec import LANGCHAIN_OPENAI_FINISH_KEYS
from ..openai.spec import LANGCHAIN_OPENAI_STREAM_ORDER
from ..openai.spec import OPENAI_SUBCLASS_UNWRITTEN
from .preset import DropIn as DropIn  # re-exported: DROPINS' type, read beside it (dropin.py)
from .preset import Preset
from .preset import hosted
from .preset import key_and_base
from .preset import openai_style_fields
from .preset import openai_subclass_reading
from .preset import own_reading
from .preset import same_names
from .profile import Profile
from .profile import ReplyStyle
from .profile import TurnStyle

_PROXY = "pass http_client=httpx.Client(proxy=...) and http_async_client=... instead"
_SDK = "chatplex sends its own requests (no SDK client); pass http_client= instead"

_CLIENTS = {"client": _SDK, "async_client": _SDK}

#: The keywords a Stainless SDK's `create()` takes besides the body's fields.
_STAINLESS_REQUEST = ("extra_headers", "extra_query", "extra_body", "timeout")

#: The groq SDK's CompletionUsage fields beyond Chat Completions' three counts, in its
#: order: null where Groq leaves them out, and after the counts in the usage's order.
_GROQ_USAGE_EXTRAS = (
    "completion_time",
    "completion_tokens_details",
    "prompt_time",
    "prompt_tokens_details",
    "queue_time",
    "total_time",
)

#: The groq SDK's `Completions.create()` parameters (groq 0.37): langchain-groq hands
#: it every call keyword, so any other is its TypeError (`Profile.sdk_keywords`).
_GROQ_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "temperature", "top_p", "seed", "user"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "metadata", "store", "service_tier"),
        *("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call"),
        *("reasoning_effort", "reasoning_format", "include_reasoning", "response_format"),
        *("citation_options", "compound_custom", "disable_tool_validation", "documents"),
        *("exclude_domains", "include_domains", "search_settings"),
    }
)
#: The sambanova SDK's `CompletionsResource.create()` parameters (sambanova 1.13), as
#: langchain-sambanova hands it every call keyword.
_SAMBANOVA_CREATE = frozenset(
    {
        *_STAINLESS_REQUEST,
        *("messages", "model", "n", "stop", "stream", "stream_options", "temperature"),
        *("top_p", "top_k", "seed", "do_sample", "repetition_penalty", "chat_template_kwargs"),
        *("frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs"),
        *("max_tokens", "max_completion_tokens", "reasoning_effort", "response_format"),
        *("tools", "tool_choice", "parallel_tool_calls"),
    }
)

#: The Chat Completions parameters langchain-openai's BaseChatOpenAI names as fields
#: (ChatDeepSeek, ChatXAI, ChatTogether, ChatCerebras and ChatNebius extend it).
_BASE_CHAT_OPENAI = (
    "frequency_penalty",
    "presence_penalty",
    "seed",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "reasoning_effort",
    "verbosity",
    "service_tier",
    "store",
    "prompt_cache_options",
)


def _renamed_chat_openai(name: str, *, default_model: str, roots: bool) -> DropIn:
    """What a partner class takes that is langchain-openai's BaseChatOpenAI under another
    name and nothing more (langchain-together's, langchain-nebius'), named as `hosted`
    names a preset: `<name>-chat`, its module `langchain_<name>.chat_models` (not
    serialized), its key `<name>_api_key` read from `<NAME>_API_KEY`, its base URL
    `<name>_api_base`; counted with tiktoken, stream usage off (their validators leave
    it off), SDK clients refused, and built as its validator builds them, with its root
    clients where it keeps them (`roots`; else they read None)."""
    key, base = f"{name}_api_key", f"{name}_api_base"
    # Each client on an `openai` client of its own.
    chat = {
        "client": ("openai:OpenAI", "chat.completions"),
        "async_client": ("openai:AsyncOpenAI", "chat.completions"),
    }
    root = {"root_client": ("openai:OpenAI",), "root_async_client": ("openai:AsyncOpenAI",)}
    clients, clients_unset = ({**chat, **root}, ()) if roots else (chat, tuple(root))
    return DropIn(
        llm_type=f"{name}-chat",
        lc_namespace=(f"langchain_{name}", "chat_models"),  # its module: not serialized
        package=f"langchain-{name}",
        versions=("langchain-openai",),  # a BaseChatOpenAI naming no version of its own
        lc_id_namespace=("langchain", "chat_models", name),
        partner_fields=openai_subclass_reading(
            {key: f"{name.upper()}_API_KEY"},
            api_key=key,
            base_url=base,
            own=(key, base),
            # Its validator passes a None timeout (no timeout) as it is: only
            # `max_retries` is left out.
            clients=clients,
            client_optional=frozenset({"max_retries"}),
            unwritten={"model_name": default_model, **dict.fromkeys(clients_unset)},
        ),
        api_fields=_BASE_CHAT_OPENAI,
        counts_with_tiktoken=True,  # a BaseChatOpenAI
        default_model=default_model,
        refused=_CLIENTS,
        stream_usage=False,
    )


#: langchain-groq's defaults sent in every body (and written by its serializer).
_GROQ_BODY = {"n": 1, "service_tier": "on_demand"}


#: Every OpenAI-compatible preset, one row each (see `Preset`). Sources: the
#: langchain-<provider> packages (variables, defaults) and the providers' API references
#: (rejected parameters).
PRESETS: tuple[Preset, ...] = (
    Preset(
        hosted(
            "groq",
            "Groq",
            "https://api.groq.com/openai/v1",
            dropped_input_blocks=frozenset(),  # langchain-groq sends every block
            assistant_text_blocks=True,  # its assistant turn: `text_blocks or ""`
            sdk_path="/openai/v1",
            json_schema_shape="titled",  # langchain-groq's response_format
            # langchain-groq reads stream usage from x_groq.usage; it sends no stream_options.
            stream_options=False,
            forced_tool_settings=False,  # its with_structured_output binds the tool alone
            bind_strict=False,  # langchain-groq's bind_tools drops strict=
            streams_json_format=False,  # Groq streams no structured or JSON-mode reply
            style=own_reading(
                "groq",
                reply_keys=(
                    "token_usage",
                    "model_name",
                    "system_fingerprint",
                    "service_tier",
                    "reasoning_effort",  # the effort asked (ReplyStyle.reasoning_effort)
                    "finish_reason",
                    "logprobs",
                    "model_provider",
                ),
                stream_keys=("model_provider", "finish_reason", "model_name", "system_fingerprint"),
                usage_nulls=(("", _GROQ_USAGE_EXTRAS),),
                # The groq SDK's CompletionUsage fields, as it declares them.
                usage_order=(
                    "completion_tokens",
                    "prompt_tokens",
                    "total_tokens",
                    *_GROQ_USAGE_EXTRAS,
                ),
                detail_keys=("cache_read", "reasoning"),
                zero_details=False,
                usage_in_x_groq=True,
                service_tier="on_demand",
            ),
            sdk="groq",
            sdk_keywords=_GROQ_CREATE,
            rejects={
                # console.groq.com/docs/openai: "not yet supported", a 400 if supplied.
                "logprobs": "Groq does not support logprobs",
                "top_logprobs": "Groq does not support logprobs",
                "logit_bias": "Groq does not support logit_bias",
            },
            reasoning_field="reasoning",
            rate_limit_headers="openai",
            batch_api=True,
        ),
        langchain_class="ChatGroq",
        # Its stream as langchain-openai's: the model's fields on the finishing chunk.
        stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
        stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
        # ... but that chunk's metadata is its generation info alone: no model_provider.
        stream_finish_unmarked=True,
        otel_name="groq",
        llm_output="completions_fields",  # langchain-groq's: no model_provider, no id
        aliases=key_and_base("groq"),
        body=same_names("reasoning_format", "reasoning_effort", "service_tier"),
        dropin=DropIn(
            profiles="groq",
            llm_type="groq-chat",
            lc_namespace=("langchain_groq", "chat_models"),
            package="langchain-groq",
            versions=(),  # langchain-groq names none
            partner_fields=openai_style_fields(
                "groq",
                annotations={"temperature": float},  # not Optional there
                defaults={"temperature": 0.7, "max_retries": 2, **_GROQ_BODY},
                zero_temperature=1e-8,  # langchain-groq's validator raises 0 to it
                identifying=False,
                environment={"groq_api_base": "GROQ_API_BASE", "groq_proxy": "GROQ_PROXY"},
                dumped=field_names(
                    "name disable_streaming output_version model_name temperature stop "
                    "reasoning_format reasoning_effort model_kwargs groq_api_key "
                    "groq_api_base groq_proxy request_timeout max_retries streaming n "
                    "max_tokens service_tier default_headers default_query http_client "
                    "http_async_client"
                ),
            ),
            temperature=0.7,
            body_defaults=_GROQ_BODY,
            refused={**_CLIENTS, "groq_proxy": _PROXY},
        ),
    ),
    Preset(
        hosted(
            "deepseek",
            "DeepSeek",
            "https://api.deepseek.com/v1",
            reasoning_field="reasoning_content",
            style=ReplyStyle("deepseek"),
            error_body_inner=True,
            sdk_helper=True,  # ChatDeepSeek is a BaseChatOpenAI
        ),
        langchain_class="ChatDeepSeek",
        llm_output="chat_completions",  # a BaseChatOpenAI: langchain-openai's result,
        llm_output_provider="openai",  # its own name on each message alone
        # Its stream as langchain-openai's: the model's fields on the finishing chunk.
        stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
        stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
        otel_name="deepseek",
        model_prefixes=("deepseek",),
        aliases=(("api_base", "base_url"),),
        dropin=DropIn(
            profiles="deepseek",
            llm_type="chat-deepseek",
            lc_namespace=("langchain_deepseek", "chat_models"),  # its module: not serialized
            package="langchain-deepseek",
            versions=("langchain-openai", "langchain-deepseek"),  # a BaseChatOpenAI
            partner_fields=openai_subclass_reading(
                {"api_key": "DEEPSEEK_API_KEY"},
                own=("api_key", "api_base"),
                factories=frozenset({"model_name"}),  # required: no static default
                base_url="api_base",
            ),
            api_fields=_BASE_CHAT_OPENAI,
            counts_with_tiktoken=True,  # a BaseChatOpenAI
            refused=_CLIENTS,
            stream_usage=False,
            structured_methods={"json_schema": "function_calling"},
        ),
    ),
    Preset(
        hosted(
            "xai",
            "xAI",
            "https://api.x.ai/v1",
            reasoning_field="reasoning_content",
            style=ReplyStyle("xai", reasoning_in_output=True),
            error_body_inner=True,
            assistant_text_blocks=True,  # ChatXAI is a BaseChatOpenAI
            sdk_helper=True,
            helper_provider="xai",  # on every helper piece (its chunk conversion's)
        ),
        langchain_class="ChatXAI",
        llm_output="chat_completions",  # a BaseChatOpenAI: langchain-openai's result,
        llm_output_provider="openai",  # its own name on each message alone
        # Its stream as langchain-openai's: the model's fields on the finishing chunk.
        stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
        stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
        otel_name="x_ai",
        model_prefixes=("grok",),
        price_id="x-ai",
        aliases=key_and_base("xai"),
        dropin=DropIn(
            profiles="xai",
            llm_type="xai-chat",
            lc_namespace=("langchain_xai", "chat_models"),
            package="langchain-xai",
            versions=("langchain-openai", "langchain-xai"),  # a BaseChatOpenAI
            partner_fields=openai_style_fields(
                "xai",
                aliases={"organization": "openai_organization"},
                defaults={"stream_usage": True},
                fallbacks={"xai_api_base": ("https://api.x.ai/v1/", ("XAI_API_BASE",))},
                identifying=BASE_CHAT_OPENAI_IDENTIFYING,  # its class's, unchanged
                unwritten={
                    **OPENAI_SUBCLASS_UNWRITTEN,
                    **dict.fromkeys(("openai_api_key", "search_parameters")),
                },
                dumped=(
                    *BASE_CHAT_OPENAI_DUMPED,
                    "xai_api_key",
                    "xai_api_base",
                    "search_parameters",
                ),
            ),
            api_fields=_BASE_CHAT_OPENAI,
            counts_with_tiktoken=True,  # a BaseChatOpenAI
            default_model="grok-4",
            refused={
                **_CLIENTS,
                "search_parameters": (
                    "xAI retired Live Search (LangChain ignores it with a warning)"
                ),
            },
        ),
    ),
    Preset(
        hosted(
            "mistralai",
            "Mistral AI",
            "https://api.mistral.ai/v1",
            dropped_input_blocks=frozenset(),  # langchain-mistralai sends every block
            key_variables=("MISTRAL_API_KEY",),
            base_variables=("MISTRAL_BASE_URL",),
            # Mistral's API names the seed `random_seed` (its tool_choice takes
            # "required" as well as its own "any": each sent as given, as
            # langchain-mistralai sends them).
            renames={"seed": "random_seed"},
            # langchain-mistralai: the schema as a strict tool function; function
            # calling with tool_choice "any" (it names no tool).
            json_schema_shape="function",
            structured_tool_choice="any",
            kept_tool_choices=("any",),
            # Usage comes on the last chunk unasked (langchain-mistralai never sends it).
            stream_options=False,
            # langchain-mistralai's history: calls without `type` beside `content: ""`,
            # a tool result's `name`, thinking parts sent back as they came.
            turns=TurnStyle(
                empty_call_content=True,
                call_type=False,
                tool_name=True,
                turn_names=False,
                assistant_parts=True,
            ),
            # Mistral refuses any other id in a history (400).
            tool_call_id_pattern=r"[a-zA-Z0-9]{9}",
            forced_tool_settings=False,  # its with_structured_output binds the tool alone
            # langchain-mistralai reads the JSON itself (httpx, no SDK): the usage as
            # sent, no details, the raw tool calls kept, its errors httpx's.
            style=own_reading(
                "mistralai",
                reply_keys=(
                    "token_usage",
                    "model_provider",
                    "model_name",
                    "model",
                    "finish_reason",
                ),
                stream_keys=("model_provider", "finish_reason", "model_name"),
                usage_nulls=(),
                detail_keys=(),
                split_reasoning=False,
                # Magistral's thinking parts stay in the content list, as it sent them.
                content_parts=True,
                raw_calls_as_sent=True,
            ),
            sdk="httpx",
            # langchain-mistralai's tenacity retries httpx's RequestError and StreamError
            # only: never a 429 or a 5xx.
            partner_retries=frozenset({"connection", "timeout"}),
        ),
        langchain_class="ChatMistralAI",
        # Its stream: the model's name on the finishing chunk, before the finish reason.
        stream_metadata_order=KeyOrder(first=("model_provider", "model_name", "finish_reason")),
        stream_finish_keys=("model_name",),
        otel_name="mistral_ai",
        llm_output="model_and_usage",  # langchain-mistralai's: usage, model_name, model
        model_prefixes=("mistral", "mixtral"),
        price_id="mistral",
        aliases=(("mistral_api_key", "api_key"), ("endpoint", "base_url")),
        ls_provider="mistral",
        body=(("random_seed", "random_seed"), ("safe_mode", "safe_prompt")),
        dropin=DropIn(
            profiles="mistralai",
            llm_type="mistralai-chat",
            lc_namespace=("langchain", "chat_models", "mistralai"),
            package="langchain-mistralai",
            partner_fields={
                "annotations": {"model": str, "temperature": float},
                "aliases": {
                    "api_key": "mistral_api_key",
                    "base_url": "endpoint",
                    "model_name": "model",
                },
                "floats": frozenset({"temperature", "top_p"}),
                "defaults": {
                    "max_retries": 5,
                    "timeout": 120,
                    "max_concurrent_requests": 64,
                    "temperature": 0.7,
                    "top_p": 1,
                },
                "secrets": {"mistral_api_key": "MISTRAL_API_KEY"},
                "fallbacks": {"endpoint": ("https://api.mistral.ai/v1", ("MISTRAL_BASE_URL",))},
                "inert": frozenset({"max_concurrent_requests"}),
                # Its request defaults, those not None.
                "identifying": {
                    "unless_none": {
                        "model": "model",
                        "temperature": "temperature",
                        "max_tokens": "max_tokens",
                        "top_p": "top_p",
                        "random_seed": "random_seed",
                        "safe_prompt": "safe_mode",
                    },
                    "spread": "model_kwargs",
                },
                "dumped": field_names(
                    "name disable_streaming output_version mistral_api_key endpoint "
                    "max_retries timeout max_concurrent_requests model temperature "
                    "max_tokens stop top_p random_seed safe_mode streaming model_kwargs"
                ),
            },
            default_model="mistral-small",
            temperature=0.7,
            max_retries=5,
            timeout=120.0,
            refused={
                **_CLIENTS,
                "max_concurrent_requests": "pass rate_limit={'max_in_flight': ...} instead",
            },
            body_defaults={"top_p": 1},  # langchain-mistralai's default, always sent
            stream_usage_moved=2,  # langchain-mistralai has no stream_usage field
        ),
    ),
    Preset(
        hosted(
            "fireworks",
            "Fireworks AI",
            "https://api.fireworks.ai/inference/v1",
            # langchain-fireworks': langchain-openai's and `reasoning`.
            dropped_input_blocks=LANGCHAIN_OPENAI_DROPPED | {"reasoning"},
            # langchain-fireworks' variable, then its SDK's.
            base_variables=("FIREWORKS_API_BASE", "FIREWORKS_BASE_URL"),
            # Its turns: the text blocks left after reasoning as a list, and content of
            # one text block as its text (any role).
            assistant_text_blocks=True,
            lone_text_as_string=True,
            sdk_path="/v1",
            json_schema_shape="json_object",  # langchain-fireworks' response_format
            # Fireworks' API takes "any" as well as "required"; langchain-fireworks
            # sends "any" as given.
            kept_tool_choices=("any",),
            forced_tool_settings=False,  # its with_structured_output binds the tool alone
            style=own_reading(
                "fireworks",
                reply_keys=(
                    "token_usage",
                    "system_fingerprint",
                    "service_tier",
                    "finish_reason",
                    "logprobs",
                    "model_provider",
                    "model_name",
                ),
                stream_keys=("model_provider", "finish_reason", "model_name"),
                usage_nulls=(
                    (
                        "",
                        (
                            "prompt_tokens",
                            "total_tokens",
                            "completion_tokens",
                            "prompt_tokens_details",
                        ),
                    ),
                ),
                detail_keys=("cache_read", "reasoning"),
            ),
            sdk="fireworks",
        ),
        langchain_class="ChatFireworks",
        llm_output="fingerprint_fields",  # langchain-fireworks': usage, fingerprint, tier
        # Its stream as langchain-openai's: the model's fields on the finishing chunk.
        stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
        stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
        model_prefixes=("accounts/fireworks",),
        aliases=key_and_base("fireworks"),
        dropin=DropIn(
            profiles="fireworks",
            llm_type="fireworks-chat",
            lc_namespace=("langchain", "chat_models", "fireworks"),
            package="langchain-fireworks",
            partner_fields=openai_style_fields(
                "fireworks",
                defaults={"stream_usage": True, "n": 1, "max_retries": 2},
                # Its request defaults after `model_name`: `stop` even unset.
                identifying={
                    "always": {
                        "model_name": "model_name",
                        "model": "model_name",
                        "stream": "streaming",
                        "n": "n",
                        "stop": "stop",
                    },
                    "unless_none": {
                        name: name
                        for name in (
                            "temperature",
                            "max_tokens",
                            "service_tier",
                            "reasoning_effort",
                        )
                    },
                    "spread": "model_kwargs",
                    "invoked_first": {"model": ("model_name",)},
                    "invoked_again": True,
                },
                dumped=field_names(
                    "name disable_streaming output_version model_name temperature stop "
                    "model_kwargs fireworks_api_key fireworks_api_base request_timeout "
                    "streaming stream_usage n max_tokens max_retries service_tier "
                    "reasoning_effort"
                ),
            ),
            api_fields=("reasoning_effort", "service_tier"),
            refused=_CLIENTS,
            body_defaults={"n": 1},
        ),
    ),
    Preset(
        hosted(
            "together",
            "Together AI",
            "https://api.together.xyz/v1",
            # langchain-together is langchain-openai's ChatOpenAI with Together's name:
            # the same reply shapes; reasoning text (which it drops) as ChatDeepSeek's.
            reasoning_field="reasoning_content",
            style=ReplyStyle("openai"),  # langchain-together names no provider of its own
            error_body_inner=True,
            assistant_text_blocks=True,
            sdk_helper=True,  # ChatTogether is a BaseChatOpenAI
        ),
        langchain_class="ChatTogether",
        aliases=key_and_base("together"),
        dropin=_renamed_chat_openai(
            "together", default_model="Qwen/Qwen2.5-7B-Instruct-Turbo", roots=True
        ),
    ),
    Preset(
        hosted(
            "perplexity",
            "Perplexity",
            "https://api.perplexity.ai",
            dropped_input_blocks=frozenset(),  # langchain-perplexity sends every block
            key_variables=("PPLX_API_KEY", "PERPLEXITY_API_KEY"),
            base_variables=("PERPLEXITY_BASE_URL",),
            structured_output_method="json_schema",
            structured_tools_refused=(
                "langchain-perplexity answers method='function_calling' with a JSON schema"
            ),
            json_schema_shape="bare",  # langchain-perplexity's: the schema alone
            # langchain-perplexity builds its message itself from the SDK's reply: only
            # the model name as metadata, reasoning and citation tokens as the details,
            # a stream's deltas' raw tool calls kept whole.
            style=own_reading(
                "openai",
                reply_keys=("model_name",),
                stream_keys=("finish_reason", "model_name"),
                usage_nulls=(),
                empty_output_details=True,
                detail_keys=("reasoning", "citation_tokens"),
                usage_output_fields=(
                    ("reasoning_tokens", "reasoning"),
                    ("citation_tokens", "citation_tokens"),
                ),
                usage_metadata_fields=("num_search_queries", "search_context_size"),
            ),
            sdk="perplexity",
            kept_fields=("citations", "search_results", "images", "related_questions", "videos"),
            stream_null_fields=("citations", "search_results"),  # the SDK's StreamChunk's
        ),
        langchain_class="ChatPerplexity",
        otel_name="perplexity",
        model_prefixes=("sonar",),
        aliases=(("pplx_api_key", "api_key"),),
        # LangChain's default rule: a stop of its own (no field of its class) not reported.
        ls_rule=LangSmithRule(stop_setting=False),
        body=same_names(
            "search_mode",
            "language_preference",
            "search_domain_filter",
            "return_images",
            "return_related_questions",
            "search_recency_filter",
            "search_after_date_filter",
            "search_before_date_filter",
            "last_updated_after_filter",
            "last_updated_before_filter",
            "disable_search",
            "enable_search_classifier",
            "media_response",
        ),
        dropin=DropIn(
            profiles="perplexity",
            llm_type="perplexitychat",
            lc_namespace=("langchain_perplexity", "chat_models"),  # its module: not serialized
            package="langchain-perplexity",
            # Not serialized by LangChain: its fields, for reading them only.
            partner_fields={
                "serialized": False,
                "identifying": False,  # LangChain's default: none
                "aliases": {"api_key": "pplx_api_key", "timeout": "request_timeout"},
                "annotations": {"model": str, "temperature": float},
                "floats": frozenset({"temperature", "request_timeout"}),
                "secrets": {"pplx_api_key": "PPLX_API_KEY"},
                "kept_in": {"stop": "model_kwargs"},  # it has no `stop` field
                "unwritten": {
                    "model": "sonar",
                    "temperature": 0.7,
                    "model_kwargs": {},
                    "use_responses_api": None,
                    "max_retries": 6,
                    **dict.fromkeys(
                        (
                            "return_images",
                            "return_related_questions",
                            "disable_search",
                            "enable_search_classifier",
                        ),
                        False,
                    ),
                },
                "shown": field_names(
                    "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
                    "disable_streaming output_version profile client async_client model "
                    "temperature model_kwargs pplx_api_key request_timeout max_retries "
                    "streaming max_tokens use_responses_api search_mode reasoning_effort "
                    "language_preference search_domain_filter return_images "
                    "return_related_questions search_recency_filter "
                    "search_after_date_filter search_before_date_filter "
                    "last_updated_after_filter last_updated_before_filter disable_search "
                    "enable_search_classifier web_search_options media_response"
                ),
                "shown_unless_none": frozenset({"output_version", "model_kwargs", "pplx_api_key"}),
                # Its SDK clients: the `perplexityai` package's, its base URL read by the
                # SDK itself (PERPLEXITY_BASE_URL).
                "clients": {
                    "client": ("perplexity:Perplexity", "", "perplexityai"),
                    "async_client": ("perplexity:AsyncPerplexity", "", "perplexityai"),
                },
                "client_arguments": {
                    "api_key": "pplx_api_key",
                    "max_retries": "max_retries",
                    "timeout": "request_timeout",
                },
                "client_optional": frozenset({"timeout"}),
                "dumped": field_names(
                    "name disable_streaming output_version model temperature model_kwargs "
                    "pplx_api_key request_timeout max_retries streaming max_tokens "
                    "use_responses_api search_mode reasoning_effort language_preference "
                    "search_domain_filter return_images return_related_questions "
                    "search_recency_filter search_after_date_filter "
                    "search_before_date_filter last_updated_after_filter "
                    "last_updated_before_filter disable_search enable_search_classifier "
                    "web_search_options media_response"
                ),
            },
            api_fields=("reasoning_effort", "web_search_options"),
            default_model="sonar",
            temperature=0.7,
            max_retries=6,
            stream_usage=False,
            # Perplexity has neither tools nor a JSON mode: its one structured output.
            structured_methods={"json_mode": "json_schema", "function_calling": "json_schema"},
            refused={
                **_CLIENTS,
                "use_responses_api": "chatplex speaks Perplexity's Chat Completions API only",
            },
        ),
    ),
    Preset(
        hosted(
            "cerebras",
            "Cerebras",
            "https://api.cerebras.ai/v1",
            reasoning_field="reasoning",
        ),
        aliases=key_and_base("cerebras"),
        body=same_names("disable_reasoning"),
        dropin=DropIn(
            api_fields=_BASE_CHAT_OPENAI,
            counts_with_tiktoken=True,  # a BaseChatOpenAI
            refused={**_CLIENTS, "cerebras_proxy": _PROXY},
            package="langchain-cerebras",
            versions=("langchain-openai",),  # a BaseChatOpenAI naming no version of its own
        ),
    ),
    Preset(
        hosted(
            "openrouter",
            "OpenRouter",
            "https://openrouter.ai/api/v1",
            reasoning_field="reasoning",
        ),
        adapter="OpenRouterAdapter",
        aliases=key_and_base("openrouter"),
        body=(
            ("reasoning", "reasoning"),
            ("openrouter_provider", "provider"),
            ("route", "route"),
            ("plugins", "plugins"),
            ("session_id", "session_id"),
            ("trace", "trace"),
        ),
        dropin=DropIn(
            adapter_settings=("app_url", "app_title", "app_categories"),
            package="langchain-openrouter",
            refused=_CLIENTS,
        ),
    ),
    Preset(
        hosted(
            "huggingface",
            "Hugging Face",
            "https://router.huggingface.co/v1",
            key_variables=("HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN"),
            base_variables=(),
        ),
        langchain_class="ChatHuggingFace",
    ),
    Preset(Profile("vllm", "vLLM", "http://localhost:8000/v1")),
    Preset(Profile("lmstudio", "LM Studio", "http://localhost:1234/v1")),
    *(
        Preset(Profile(name, title, base_url), price_id=price_id)
        for name, title, base_url, price_id in chat_completions_servers()
    ),
    Preset(
        hosted(
            "sambanova",
            "SambaNova",
            "https://api.sambanova.ai/v1",
            dropped_input_blocks=frozenset(),  # langchain-sambanova sends every block
            # langchain-sambanova sends stream_options only when its field is set.
            stream_options=False,
            says_stream_false=False,  # langchain-sambanova's body has no "stream" then
            forced_tool_settings=False,  # its with_structured_output binds the tool alone
            # langchain-sambanova reads the SDK's reply itself: no provider name, the
            # SDK's usage fields (speed figures) as null, no usage details, the raw
            # tool calls kept, reasoning in additional_kwargs.
            style=own_reading(
                "sambanova",
                reply_keys=(
                    "token_usage",
                    "model_name",
                    "system_fingerprint",
                    "finish_reason",
                    "logprobs",
                ),
                stream_keys=("finish_reason", "model_name", "system_fingerprint"),
                usage_nulls=(
                    (
                        "",
                        (
                            "acceptance_rate",
                            "completion_tokens_details",
                            "prompt_tokens_details",
                            "completion_tokens_after_first_per_sec",
                            "completion_tokens_after_first_per_sec_first_ten",
                            "completion_tokens_after_first_per_sec_graph",
                            "completion_tokens_per_sec",
                            "end_time",
                            "is_last_response",
                            "start_time",
                            "stop_reason",
                            "time_to_first_token",
                            "time_to_first_token_graph",
                            "total_latency",
                            "total_tokens_per_sec",
                        ),
                    ),
                ),
                detail_keys=(),
                raw_call_index=True,
            ),
            # ChatSambaNova's default method, with langchain-groq's response format.
            structured_output_method="json_schema",
            json_schema_shape="titled",
            sdk="sambanova",
            sdk_keywords=_SAMBANOVA_CREATE,
            sdk_create=("CompletionsResource.create()", "AsyncCompletionsResource.create()"),
            reasoning_field="reasoning",
        ),
        langchain_class="ChatSambaNova",
        # Its stream as langchain-openai's: the model's fields on the finishing chunk.
        stream_metadata_order=LANGCHAIN_OPENAI_STREAM_ORDER,
        stream_finish_keys=LANGCHAIN_OPENAI_FINISH_KEYS,
        aliases=key_and_base("sambanova"),
        body=same_names("top_k", "reasoning_effort", "stream_options"),
        # langchain-sambanova's ChatSambaNova (ChatSambaNovaCloud was removed in 1.0).
        dropin=DropIn(
            llm_type="sambanova-chat",
            lc_namespace=("langchain_sambanova", "chat_models"),
            package="langchain-sambanova",
            versions=(),  # langchain-sambanova names none
            partner_fields=openai_style_fields(
                "sambanova",
                annotations={"temperature": float},  # not Optional there
                aliases={
                    "retries": "max_retries",
                    "integration_source": "sambanova_integration_source",
                },
                defaults={
                    "max_tokens": 1024,
                    "temperature": 0.7,
                    "max_retries": 2,
                    "sambanova_integration_source": "langchain",
                },
                inert=frozenset({"sambanova_integration_source"}),
                identifying=False,
                dumped=field_names(
                    "name disable_streaming output_version sambanova_api_base "
                    "sambanova_api_key model_name max_tokens temperature top_p top_k stop "
                    "streaming stream_options reasoning_effort default_headers "
                    "default_query max_retries request_timeout http_client "
                    "http_async_client model_kwargs sambanova_integration_source"
                ),
            ),
            default_model="Llama-4-Maverick-17B-128E-Instruct",
            temperature=0.7,
            max_tokens=1024,
            refused={
                **_CLIENTS,
                "integration_source": "an analytics header of the sambanova SDK",
                "sambanova_integration_source": "an analytics header of the sambanova SDK",
            },
            stream_usage=False,
        ),
    ),
    Preset(
        hosted(
            "nebius",
            "Nebius AI Studio",
            # langchain-nebius' default (Nebius also answers on api.studio.nebius.com).
            "https://api.studio.nebius.ai/v1",
            # ChatNebius is a BaseChatOpenAI: its replies are shaped as langchain-openai's.
            style=ReplyStyle("openai"),
            error_body_inner=True,  # ChatNebius raises the openai SDK's errors
            assistant_text_blocks=True,
            sdk_helper=True,  # ChatNebius is a BaseChatOpenAI
        ),
        langchain_class="ChatNebius",
        aliases=key_and_base("nebius"),
        dropin=_renamed_chat_openai(
            "nebius", default_model="meta-llama/Llama-3.3-70B-Instruct-fast", roots=False
        ),
    ),
    # Hyperbolic: no LangChain partner package, so its class is chatplex's own name.
    Preset(
        hosted(
            "hyperbolic",
            "Hyperbolic",
            "https://api.hyperbolic.xyz/v1",
        ),
        langchain_class="ChatHyperbolic",
        langchain_init=False,
        dropin=DropIn(refused=_CLIENTS),
    ),
)

#: LangChain provider name → its profile.
PROFILES: dict[str, Profile] = {row.profile.name: row.profile for row in PRESETS}
SPECS = tuple(row.spec for row in PRESETS)
#: Provider name → what its LangChain class takes beyond the shared parameters.
DROPINS: dict[str, DropIn] = {
    row.profile.name: dropin for row in PRESETS if (dropin := row.named_dropin) is not None
}
