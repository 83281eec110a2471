"""The SambaNova preset: langchain-sambanova's `ChatSambaNova`, which reads the replies
with the sambanova SDK."""

from __future__ import annotations

from ....specs import MoveWarning
from ....specs import field_names
from ...openai.spec import LANGCHAIN_OPENAI_STREAM
from ...openai.spec import completions_clients
from ...openai.spec import openai_client_arguments
from ..partner_tables import CLIENTS
from ..partner_tables import SAMBANOVA_CREATE
from ..preset import NO_MAX_COMPLETION_TOKENS
from ..preset import DropIn
from ..preset import Preset
from ..preset import hosted
from ..preset import key_and_base
from ..preset import openai_style_fields
from ..preset import own_reading
from ..preset import partner_module
from ..preset import same_names
from ..profile import TurnStyle
from .groq import GROQ_SHAPE

#: The fields of the sambanova SDK's `Usage`, in its declared order (its dump's).
SAMBANOVA_USAGE = (
    "acceptance_rate",
    "completion_tokens",
    "completion_tokens_after_first_per_sec",
    "completion_tokens_after_first_per_sec_first_ten",
    "completion_tokens_after_first_per_sec_graph",
    "completion_tokens_details",
    "completion_tokens_per_sec",
    "end_time",
    "is_last_response",
    "prompt_tokens",
    "prompt_tokens_details",
    "start_time",
    "stop_reason",
    "time_to_first_token",
    "time_to_first_token_graph",
    "total_latency",
    "total_tokens",
    "total_tokens_per_sec",
)


SAMBANOVA = Preset(
    hosted(
        "sambanova",
        "SambaNova",
        "https://api.sambanova.ai/v1",
        # langchain-sambanova's variable, then its SDK's (read where no base URL is given)
        base_variables=("SAMBANOVA_API_BASE", "SAMBA_NOVA_BASE_URL"),
        dropped_input_blocks=frozenset(),  # langchain-sambanova sends every block
        text_extras_roles=frozenset({"user", "system", "tool"}),
        rebuilt_text_roles=frozenset(),  # its tool result's blocks as given
        empty_tool_list_sent=True,  # langchain-sambanova's bind_tools([]): `tools: []`
        true_choice_names_lone_tool=True,  # langchain-sambanova's tool_choice=True: that tool
        keeps_choice_without_tools=True,  # ... and any tool_choice beside it
        developer_role_sent=False,  # langchain-sambanova: every system message as "system"
        function_calls_sent=False,  # langchain-sambanova converts no FunctionMessage (TypeError)
        # langchain-sambanova sends stream_options only when its field is set.
        stream_options=False,
        says_stream_false=False,  # langchain-sambanova's body has no "stream" then
        # No name on a turn (SambaNova's message is a role and its content); an
        # assistant's list content as its text joined, where langchain-sambanova
        # sends "" or null (the text lost: a kept difference).
        turns=TurnStyle(turn_names=False, joined_text=True, reasoning_key="reasoning"),
        forced_tool_settings=False,  # its with_structured_output binds the tool alone
        # ...and pops `strict` from its kwargs, whatever the method.
        strict_dropped=frozenset({"function_calling", "json_schema"}),
        # langchain-sambanova reads the SDK's reply itself: no provider name, the
        # SDK's usage fields (speed figures) as null, no usage details, the raw
        # tool calls kept, reasoning in additional_kwargs.
        style=own_reading(
            "sambanova",
            model_asked_in=frozenset({"reply", "stream"}),  # its own `model_name`
            absent_fingerprint="",  # as langchain-sambanova reads it: .get(..., "")
            reply_keys=(
                "token_usage",
                "model_name",
                "system_fingerprint",
                "finish_reason",
                "logprobs",
            ),
            stream_keys=("finish_reason", "model_name", "system_fingerprint", "logprobs"),
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
            usage_order=SAMBANOVA_USAGE,  # its SDK's Usage, as declared
            detail_keys=(),
            raw_call_keys=("function", "id", "index", "type"),  # its SDK's, as declared
        ),
        # ChatSambaNova's default method, with langchain-groq's response format.
        structured_output_method="json_schema",
        structured_trace="method",  # its structured runs name the method alone
        structured_trace_schema={"json_mode": "given"},
        json_schema_shape="titled",
        sdk="sambanova",
        sdk_keywords=SAMBANOVA_CREATE,
        sdk_create=("CompletionsResource.create()", "AsyncCompletionsResource.create()"),
        reasoning_field="reasoning",
    ),
    langchain_class="ChatSambaNova",
    litellm_prefixes=("sambanova",),
    # langchain-groq's result: finish reason and logprobs, usage/model/fingerprint.
    llm_output=GROQ_SHAPE,
    **LANGCHAIN_OPENAI_STREAM,
    # its `max_retries` field's pydantic alias, `retries`, is taken too
    aliases=(*key_and_base("sambanova"), ("retries", "max_retries")),
    body=same_names("top_k", "reasoning_effort", "stream_options"),
    # langchain-sambanova's ChatSambaNova (ChatSambaNovaCloud was removed in 1.0).
    dropin=DropIn(
        llm_type="sambanova-chat",
        **partner_module("sambanova", "ChatSambaNova"),
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
            identifying=False,
            # Its `_default_params`: its request fields where set.
            default_params={
                "unless_none": {
                    "model": "model_name",
                    **{k: k for k in ("max_tokens", "temperature", "top_p", "top_k")},
                    **{k: k for k in ("stream_options", "reasoning_effort")},
                },
                "unless_empty": {"stop": "stop"},
                "spread": "model_kwargs",
            },
            dumped=field_names(
                "name disable_streaming output_version sambanova_api_base "
                "sambanova_api_key model_name max_tokens temperature top_p top_k stop "
                "streaming stream_options reasoning_effort default_headers "
                "default_query max_retries request_timeout http_client "
                "http_async_client model_kwargs sambanova_integration_source"
            ),
            # Its SDK clients, the sambanova package's, as its validator builds them.
            clients=completions_clients("sambanova:SambaNova", "sambanova:AsyncSambaNova"),
            client_arguments={
                **openai_client_arguments("sambanova_api_key", "sambanova_api_base"),
                "integration_source": "sambanova_integration_source",
            },
        ),
        default_model="Llama-4-Maverick-17B-128E-Instruct",
        temperature=0.7,
        max_tokens=1024,
        refused=CLIENTS,
        # Its LangChain attribution, its SDK's `X-Integration-Source`: "langchain" unless
        # given. (That SDK reads SAMBANOVA_INTEGRATION_SOURCE only where handed None,
        # which this `str` field never holds: pydantic refuses it.)
        sdk_header_fields={"sambanova_integration_source": "X-Integration-Source"},
        stream_usage=False,
        # base_url=None: SAMBANOVA_API_BASE unread (its field's), its SDK's variable read
        unset_base_variables=("SAMBA_NOVA_BASE_URL",),
        empty_key_variable="SAMBANOVA_API_KEY",  # api_key="": the sambanova SDK's variable read
        # langchain-sambanova has no stream_usage field (its SDK refuses it: see `DropIn`)
        stream_usage_moved="taken",
        # (nor `n`, `extra_body`, `max_completion_tokens` fields)
        moved=(*NO_MAX_COMPLETION_TOKENS, "n", "extra_body"),
        moves=MoveWarning(outer=-3, indent=20),  # its own copy, stacklevel=2: pydantic's
    ),
)
