"""langchain-aws's two chat classes as records (decision 013): `CONVERSE_RECORD`
(`ChatBedrockConverse`, built in `dropin.py`) and `BEDROCK_RECORD` (`ChatBedrock`,
built in `invoke_dropin.py`): the facts each LangChain class reports, how it writes its fields,
and its own pydantic fields as langchain-aws declares them, those the two classes declare
alike declared once (`SHARED`). Annotations are spelled as langchain-aws spells them
(`typing.List[str]`, which does not compare equal to `list[str]`).
"""

# ruff: noqa: UP006, UP035

from __future__ import annotations

import dataclasses
from typing import Any
from typing import Dict
from typing import List
from typing import Literal
from typing import Mapping
from typing import Sequence

from pydantic import SecretStr

from ...chat.langsmith_gateway import GatewayRoute
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.sdk_agents import SdkForms
from ...specs import dumped_under_aliases
from ...specs import field_names
from .spec import CHATBEDROCK_SHAPE

__all__ = [
    "AWS_SECRETS",
    "BEDROCK_RECORD",
    "BODY_KEYWORDS",
    "CONVERSE_RECORD",
    "NO_GUARDRAILS",
    "SHARED",
    "STOP_REASON_KEYS",
    "STOP_SEQUENCE_KEYS",
]

#: langchain-aws's boto3 client attributes, built on first read from its fields
#: (`sdk_clients.py`), with the keywords its `create_aws_client` takes.
_BOTO3_CLIENTS = {
    "client": SdkClient("chatplex.providers.bedrock.sdk_clients:runtime_client", package="boto3"),
    "bedrock_client": SdkClient(
        "chatplex.providers.bedrock.sdk_clients:control_client", package="boto3"
    ),
}
_BOTO3_CLIENT_ARGUMENTS = {
    name: name
    for name in field_names(
        "region_name credentials_profile_name aws_access_key_id aws_secret_access_key "
        "aws_session_token endpoint_url config timeout max_retries"
    )
}
#: langchain-aws' invocation params name the model first: the base model id, else the id.
_INVOKED_MODEL = {"model": ("base_model_id", "model_id")}
#: langchain-aws' credential fields, by the environment variable each is read from.
AWS_SECRETS = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
    "bedrock_api_key": "AWS_BEARER_TOKEN_BEDROCK",
}
_KEY_ALIASES = {"bedrock_api_key": "api_key"}
#: langchain-aws's default `guardrails` (off): ChatBedrock's.
NO_GUARDRAILS = {"trace": None, "guardrailIdentifier": None, "guardrailVersion": None}
#: ChatBedrock's key maps by model vendor: the stop sequences' and the stop reason's.
STOP_SEQUENCE_KEYS = {
    "anthropic": "stop_sequences",
    "amazon": "stopSequences",
    "ai21": "stop_sequences",
    "cohere": "stop_sequences",
    "mistral": "stop_sequences",
}
STOP_REASON_KEYS = {
    "anthropic": "stop_reason",
    "amazon": "completionReason",
    "ai21": "finishReason",
    "cohere": "finish_reason",
    "mistral": "stop_reason",
}

#: Body fields of a family's InvokeModel request that are no keyword of ChatBedrock's:
#: langchain-aws moves such a keyword into `model_kwargs` (with langchain-core's
#: warning), which its body carries; another unknown keyword stays a TypeError (its
#: provider would refuse the body).
BODY_KEYWORDS = {"anthropic": ("thinking", "top_p", "top_k", "metadata", "anthropic_beta")}

#: The fields both classes declare alike (`BedrockBase`'s and Converse's), by name.
SHARED = {
    f.name: f
    for f in (
        PartnerField("client", excluded=True),
        PartnerField("bedrock_client", excluded=True),
        PartnerField("credentials_profile_name", str | None, excluded=True),
        *(
            PartnerField(name, SecretStr | None, alias=_KEY_ALIASES.get(name), env=(variable,))
            for name, variable in AWS_SECRETS.items()
        ),
        PartnerField("config"),
        PartnerField("timeout", int | None),
        PartnerField("max_retries", int | None),
        PartnerField("model_id", str, REQUIRED, alias="model"),
        PartnerField("base_model_id", str | None, alias="base_model"),
        PartnerField("streaming", bool, False),
        PartnerField("temperature", float | None),
        PartnerField("max_tokens", int | None),
        PartnerField("service_tier", Literal["priority", "default", "flex", "reserved"] | None),
        PartnerField("request_metadata", Dict[str, str] | None),
        PartnerField("stop_sequences", List[str] | None, alias="stop"),
    )
}


def _declared(order: str, *own: PartnerField) -> tuple[PartnerField, ...]:
    """The fields named in `order` (the class's own order), `own` or `SHARED`."""
    fields = {**SHARED, **{f.name: f for f in own}}
    return tuple(fields[name] for name in field_names(order))


#: langchain-aws' ChatBedrockConverse's pydantic aliases, alias -> field.
_CONVERSE_ALIASES = {
    "model": "model_id",
    "base_model": "base_model_id",
    "stop": "stop_sequences",
    "api_key": "bedrock_api_key",
    "base_url": "endpoint_url",
    "guardrails": "guardrail_config",
}

CONVERSE_RECORD = PartnerClass(
    llm_type="amazon_bedrock_converse_chat",
    namespace=("langchain_aws", "chat_models"),
    partner_class="langchain_aws.chat_models.bedrock_converse:ChatBedrockConverse",
    # langchain-aws calls through boto3's client (botocore's User-Agent, langchain-aws's
    # `user_agent_extra`); the drop-in adds its retry mode, its Config's options and its
    # client's features (`m/...`, `sdk_headers.py`). ChatBedrock's record keeps it.
    sdk=SdkForms(
        "Boto3/{boto3} md/Botocore#{botocore} ua/2.1 os/{botocore_os} md/arch#{machine} "
        "lang/python#{python} md/pyimpl#{implementation} cfg/retry-mode#standard "
        "Botocore/{botocore} x-client-framework:langchain-aws",
        versions=(("boto3", "1.44.8"), ("botocore", "1.44.8")),
    ),
    profiles="aws",
    async_through_sync=True,  # langchain-aws's: LangChain's thread for async
    fields=PartnerFields(
        # LangChain's `stream_usage`, which it moves to its model request fields.
        kept_in={"stream_usage": "additional_model_request_fields"},
        kept_twice="held",
        # Its validator puts the fields `reasoning_effort` becomes under those given.
        completed={"additional_model_request_fields": "adapter.request_fields"},
        annotations={"model_id": str},
        # `request_timeout` is no pydantic alias of its: `timeout` dumps as itself.
        aliases={**_CONVERSE_ALIASES, "request_timeout": "timeout"},
        # (what its model's adapter holds: the model's vendor, the choices it takes)
        filled={
            "provider": "adapter.vendor",
            "supports_tool_choice_values": "adapter.tool_choice_values",
        },
        secrets=AWS_SECRETS,
        clients=_BOTO3_CLIENTS,
        client_arguments=_BOTO3_CLIENT_ARGUMENTS,
        client_optional=frozenset(_BOTO3_CLIENT_ARGUMENTS),
        # None (LangChain's default); its invocation params name the model first.
        identifying=IdentifyingParams(invoked_first=_INVOKED_MODEL),
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset({"provider", "disable_streaming", "supports_tool_choice_values"}),
        langsmith_gateway=GatewayRoute(
            "endpoint_url",
            "bedrock_api_key",
            "bedrock",
            key_variables=("AWS_BEARER_TOKEN_BEDROCK",),
        ),
        dump_aliases=dumped_under_aliases(_CONVERSE_ALIASES),
        dumped=field_names(
            "name disable_streaming output_version model_id base_model_id system "
            "max_tokens stop_sequences temperature top_p region_name aws_access_key_id "
            "aws_secret_access_key aws_session_token bedrock_api_key provider streaming "
            "endpoint_url default_headers config timeout max_retries guardrail_config "
            "additional_model_request_fields reasoning_effort "
            "additional_model_response_field_paths supports_tool_choice_values "
            "performance_config service_tier output_config request_metadata "
            "guard_last_turn_only raw_blocks"
        ),
    ),
    declared=_declared(
        "client bedrock_client model_id base_model_id system max_tokens stop_sequences "
        "temperature top_p region_name credentials_profile_name aws_access_key_id "
        "aws_secret_access_key aws_session_token bedrock_api_key provider streaming "
        "endpoint_url default_headers config timeout max_retries guardrail_config "
        "additional_model_request_fields reasoning_effort "
        "additional_model_response_field_paths supports_tool_choice_values "
        "performance_config service_tier output_config request_metadata "
        "guard_last_turn_only raw_blocks",
        PartnerField("system", List[str | Dict[str, Any]] | None),
        # A float taken too: its int field refuses `timeout=0.1` (a kept difference).
        PartnerField("timeout", int | float | None),
        PartnerField("top_p", float | None),
        PartnerField("region_name", str | None),
        PartnerField("provider", str, ""),
        PartnerField("endpoint_url", str | None, alias="base_url"),
        PartnerField("default_headers", Mapping[str, str] | None),
        PartnerField("guardrail_config", Dict[str, Any] | None, alias="guardrails"),
        PartnerField("additional_model_request_fields", Dict[str, Any] | None),
        PartnerField(
            "reasoning_effort",
            Literal["none", "low", "medium", "high", "xhigh", "max"] | None,
        ),
        PartnerField("additional_model_response_field_paths", List[str] | None),
        PartnerField(
            "supports_tool_choice_values", Sequence[Literal["auto", "any", "tool"]] | None
        ),
        PartnerField("performance_config", Mapping[str, Any] | None),
        PartnerField("output_config", Dict[str, Any] | None),
        PartnerField("guard_last_turn_only", bool, False),
        PartnerField("raw_blocks", List[Dict[str, Any]] | None),
    ),
)

#: langchain-aws' ChatBedrock's pydantic aliases, alias -> field.
_BEDROCK_ALIASES = {
    "region": "region_name",
    "api_key": "bedrock_api_key",
    "model": "model_id",
    "base_model": "base_model_id",
    "stop": "stop_sequences",
}

#: ChatBedrock's: Converse's profiles and async path (it becomes a Converse model).
BEDROCK_RECORD = dataclasses.replace(
    CONVERSE_RECORD,
    llm_type="amazon_bedrock_chat",
    namespace=("langchain", "chat_models", "bedrock"),
    partner_class="langchain_aws.chat_models.bedrock:ChatBedrock",
    combined_output=CHATBEDROCK_SHAPE,  # its rows merged, on Converse too
    fields=PartnerFields(
        annotations={"model_id": str},
        attributes=("region_name",),
        # Keywords it has no field for, which its validator moves into `model_kwargs`
        # (its build takes them as given: an Anthropic body's fields, LangChain's one).
        kept_in=dict.fromkeys((*BODY_KEYWORDS["anthropic"], "stream_usage"), "model_kwargs"),
        kept_twice="held",  # (given there too: its model_kwargs' value is sent)
        # Its validator takes model_kwargs' temperature and max_tokens as those fields.
        completed={
            name: f"adapter.chat_bedrock.{name}"
            for name in ("temperature", "max_tokens", "model_kwargs")
        },
        # `request_timeout` is no pydantic alias of its: `timeout` dumps as itself.
        aliases={**_BEDROCK_ALIASES, "request_timeout": "timeout"},
        defaults={"model_kwargs": {}},  # (its validator's; None given is held None)
        secrets=AWS_SECRETS,
        clients=_BOTO3_CLIENTS,
        client_arguments=_BOTO3_CLIENT_ARGUMENTS,
        client_optional=frozenset(_BOTO3_CLIENT_ARGUMENTS),
        # It speaks Converse to a model only Converse serves (Nova), when not told.
        resolved={"beta_use_converse_api": "adapter.chat_bedrock.converse"},
        # Its model, the model id's vendor (`provider`), its guardrails, its model_kwargs.
        identifying=IdentifyingParams(
            always={
                "model_id": "model_id",
                "base_model_id": "base_model_id",
                "stream": "streaming",
                **{key: f"guardrails.{key}" for key in NO_GUARDRAILS},
            },
            derived={"provider": "adapter.vendor"},
            spread="model_kwargs",
            invoked_first=_INVOKED_MODEL,
        ),
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset({"beta_use_converse_api", "model_kwargs"}),
        dump_aliases=dumped_under_aliases(_BEDROCK_ALIASES),
        dumped=field_names(
            "name region_name aws_access_key_id aws_secret_access_key aws_session_token "
            "bedrock_api_key config timeout max_retries provider model_id base_model_id "
            "model_kwargs endpoint_url streaming provider_stop_sequence_key_name_map "
            "provider_stop_reason_key_map guardrails temperature max_tokens service_tier "
            "request_metadata disable_streaming output_version system_prompt_with_tools "
            "beta_use_converse_api stop_sequences"
        ),
    ),
    declared=_declared(
        "client bedrock_client region_name credentials_profile_name aws_access_key_id "
        "aws_secret_access_key aws_session_token bedrock_api_key config timeout max_retries "
        "provider model_id base_model_id model_kwargs endpoint_url streaming "
        "provider_stop_sequence_key_name_map provider_stop_reason_key_map guardrails "
        "temperature max_tokens service_tier request_metadata system_prompt_with_tools "
        "beta_use_converse_api stop_sequences",
        PartnerField("region_name", str | None, alias="region"),
        PartnerField("provider", str | None),
        PartnerField("model_kwargs", Dict[str, Any] | None),
        PartnerField("endpoint_url", str | None),
        PartnerField("provider_stop_sequence_key_name_map", Mapping[str, str], STOP_SEQUENCE_KEYS),
        PartnerField("provider_stop_reason_key_map", Mapping[str, str], STOP_REASON_KEYS),
        PartnerField("guardrails", Mapping[str, Any] | None, {**NO_GUARDRAILS}),
        PartnerField("system_prompt_with_tools", str, ""),
        PartnerField("beta_use_converse_api", bool, False),
    ),
)
