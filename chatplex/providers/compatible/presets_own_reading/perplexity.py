"""The Perplexity preset: langchain-perplexity's `ChatPerplexity`, which reads the replies
with the perplexity SDK."""

from __future__ import annotations

from ....specs import LangSmithRule
from ....specs import MoveWarning
from ....specs import OutputShape
from ....specs import SdkModel
from ....specs import dumped_under_aliases
from ....specs import field_names
from ..partner_tables import CLIENTS
from ..partner_tables import PERPLEXITY_CREATE
from ..preset import BLOCKS_AS_GIVEN
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import own_reading
from ..preset import partner_module
from ..preset import same_names
from ..profile import TurnStyle

#: langchain-perplexity's search fields, sent in its body as named (and reported by its
#: `_default_params` where set).
PERPLEXITY_SEARCH_FIELDS = (
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
)
#: The options its `_default_params` report where set, in its order (its
#: `web_search_options` as its model dumps it, Nones left out).
PERPLEXITY_SEARCH_OPTIONS = (
    PERPLEXITY_SEARCH_FIELDS[0],
    "reasoning_effort",
    *PERPLEXITY_SEARCH_FIELDS[1:],
    "web_search_options",
)

#: langchain-perplexity's pydantic aliases, alias -> field.
_ALIASES = {"api_key": "pplx_api_key", "timeout": "request_timeout"}


#: langchain-perplexity's result: a generation info on a stream's pieces alone (their
#: finish reason and model), no `llm_output`.
PERPLEXITY_SHAPE = OutputShape(info=(), output=None, streamed=("finish_reason", "model_name"))

PERPLEXITY = Preset(
    hosted(
        "perplexity",
        "Perplexity",
        "https://api.perplexity.ai",
        **BLOCKS_AS_GIVEN,
        empty_tool_list_sent=True,  # langchain-perplexity's bind_tools([]): `tools: []`
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        file_url_parts=True,  # Perplexity's part for a file (its SDK's: no `file` part)
        key_variables=("PPLX_API_KEY", "PERPLEXITY_API_KEY"),
        base_variables=("PERPLEXITY_BASE_URL",),
        structured_output_method="json_schema",
        structured_tools_refused=(
            "langchain-perplexity answers method='function_calling' with a JSON schema"
        ),
        structured_trace="method",  # its structured runs name the method alone
        structured_trace_schema={},  # (each schema as langchain-core's JSON schema)
        json_schema_shape="bare",  # langchain-perplexity's: the schema alone
        strict_dropped=frozenset({"json_schema"}),  # "currently ignored", it says
        think_stripped=True,  # its Reasoning... parsers: a reasoning model's <think>
        # No name on a turn: the perplexity SDK's ChatMessageInput has none, and
        # langchain-perplexity sends a HumanMessage(name=...) without it.
        # its SDK's history call: `arguments: Optional[str]`
        turns=TurnStyle(turn_names=False, null_arguments=True),
        function_calls_sent=False,  # langchain-perplexity converts no FunctionMessage (TypeError)
        idless_calls_sent=True,  # its SDK's history tool call: `id: Optional[str]`
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
        sdk_keywords=PERPLEXITY_CREATE,
        sdk_create=(
            "ChatCompletionsResource.create()",
            "AsyncClientChatCompletionsResource.create()",
        ),
        sdk_refusals_kept_out=frozenset({"stream_usage"}),  # (a call's: a kept row)
        # (in langchain-perplexity's order: what print shows of additional_kwargs)
        kept_fields=(
            "citations",
            "images",
            "related_questions",
            "search_results",
            "videos",
            "reasoning_steps",
        ),
        stream_null_fields=("citations", "search_results"),  # the SDK's StreamChunk's
        # (langchain-perplexity keeps these when the event names them, null too...)
        stream_named_fields=("images", "related_questions"),
        stream_set_fields=("videos", "reasoning_steps"),  # (... and these when set)
        # The SDK parses a reply's search results into its model (langchain-perplexity
        # keeps the objects; a stream's chunks are dumped: their dumps).
        kept_models={
            "search_results": SdkModel(
                "perplexity.generated.api:ApiPublicSearchResultOutput",
                field_names("date last_updated snippet source title url"),
            )
        },
    ),
    langchain_class="ChatPerplexity",
    litellm_prefixes=("perplexity",),
    otel_name="perplexity",
    model_prefixes=("sonar",),
    aliases=(("pplx_api_key", "api_key"),),
    llm_output=PERPLEXITY_SHAPE,
    # LangChain's default rule: a stop of its own (no field of its class) not reported.
    ls_rule=LangSmithRule(stop_setting=False),
    body=same_names(*PERPLEXITY_SEARCH_FIELDS, "media_response"),
    dropin=DropIn(
        profiles="perplexity",
        llm_type="perplexitychat",
        body_nulls=("max_tokens",),  # langchain-perplexity's `_default_params`
        body_if_true=frozenset((*PERPLEXITY_SEARCH_FIELDS, "media_response")),
        empty_stop_sent="always",  # (a given `stop` sent from its model_kwargs, `[]` too)
        timeout_objects=False,  # (its `timeout` field takes seconds only)
        # api_key="": the perplexity SDK's variable read (PPLX_API_KEY only where none is given)
        empty_key_variable="PERPLEXITY_API_KEY",
        **partner_module("perplexity", "ChatPerplexity"),  # its module: not serialized
        # Not serialized by LangChain: its fields, for reading them only.
        partner_fields={
            "serialized": False,
            "identifying": False,  # LangChain's default: none
            # Its `_default_params`: these three, its search options where set.
            "default_params": {
                "always": {
                    "max_tokens": "max_tokens",
                    "stream": "streaming",
                    "temperature": "temperature",
                },
                "unless_empty": {name: name for name in PERPLEXITY_SEARCH_OPTIONS},
                "merged": {"extra_body": {"media_response": "media_response"}},
                "spread": "model_kwargs",
                "unset": {"temperature": 0.7},  # (its default: left out of its form)
            },
            "aliases": _ALIASES,
            "annotations": {"model": str, "temperature": float},
            "floats": frozenset({"temperature", "request_timeout"}),
            "secrets": {"pplx_api_key": "PPLX_API_KEY"},
            # it has no `stop` or `top_p` field (warned, its validator moves them)
            "kept_in": {"stop": "model_kwargs", "top_p": "model_kwargs"},
            "assigned": frozenset({"model_kwargs"}),  # by its validator, whatever was given
            "dump_aliases": dumped_under_aliases(_ALIASES),
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
            **CLIENTS,
            "use_responses_api": "chatplex speaks Perplexity's Chat Completions API only",
        },
        # langchain-perplexity has no stream_usage field (its SDK refuses it: see `DropIn`)
        stream_usage_moved="taken",
        # (Nor a `max_completion_tokens` one: moved too, its SDK refuses it at every call,
        # so it stays `max_tokens`' other name here, as tests/partners/compatible keeps.)
        # Nor `n` and `extra_body` fields (its `top_p` and `stop`: `kept_in` above).
        moved=("n", "extra_body"),
        # It logs its own copy of langchain-core's words, not warns them.
        moves=MoveWarning(indent=20, article="a", logger="langchain_perplexity.chat_models"),
    ),
)
