"""`ChatAnthropicBedrock`: langchain-aws's subclass of langchain-anthropic's
`ChatAnthropic` on the anthropic SDK's `AnthropicBedrock` client, as a record
(`PartnerClass`): `chatplex.langchain.ChatAnthropicBedrock` makes its LangChain chat
model from it.

Its fields are `ChatAnthropic`'s (`providers/anthropic/dropin.py`, whose `build_on`
builds it) and langchain-aws's: `region_name` (else `AWS_REGION`, `AWS_DEFAULT_REGION`
or the profile's), `aws_access_key_id` / `aws_secret_access_key` / `aws_session_token`
(else their variables, else botocore's chain) and `guardrail_config` (alias
`guardrails`; a call's replaces it), sent as Bedrock's guardrail headers. Its requests
are Anthropic's Messages body on Bedrock's InvokeModel, SigV4-signed
(`anthropic_bedrock.py`). As the partner, its endpoint is the region's unless
`ANTHROPIC_BEDROCK_BASE_URL` says otherwise (its `base_url` / `anthropic_api_url` field
is held, not used), and its token counts raise (the SDK has none on Bedrock).

>>> model = build({"model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
...                "region_name": "us-west-2", "aws_access_key_id": "AKIDEXAMPLE",
...                "aws_secret_access_key": "not-a-real-secret"})
>>> model.get_name(), model.adapter.region_name
('ChatAnthropicBedrock', 'us-west-2')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from pydantic import SecretStr

from ...chat.partner_form import SdkClient
from ...chat.partner_record import MessagesCount
from ...chat.partner_record import PartnerField
from ...chat.sdk_agents import SdkForms
from ...chat.sdk_agents import stainless_headers
from ...messages import BaseMessage
from ...secret import is_secret_name
from ...secret.arguments import hold_keys
from ...specs import field_names
from ..anthropic.adapter import ANTHROPIC_VERSION as API_VERSION
from ..anthropic.dropin import ChatAnthropic
from ..anthropic.dropin import build_on
from .anthropic_bedrock import AnthropicBedrockAdapter
from .anthropic_bedrock import guardrail_headers
from .invoke import _GEO_PREFIXES

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["ChatAnthropicBedrock", "build"]

_OWNER = "ChatAnthropicBedrock"
#: Its AWS fields, handed to the adapter.
_AWS_FIELDS = ("region_name", "aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-aws's constructor: `ChatAnthropic`'s, on Bedrock (`PartnerClass.build`)."""
    given = dict(keywords)
    hold_keys(given, is_secret_name)
    aws = {name: given.pop(name, None) for name in _AWS_FIELDS}
    guardrail = given.pop("guardrail_config", None) or given.pop("guardrails", None)
    given.pop("guardrails", None)
    guardrail_headers(guardrail)  # (refused at construction, as theirs)

    def on_bedrock(api_key: Any, base_url: Any, **options: Any) -> AnthropicBedrockAdapter:
        # (its key and base URL are ChatAnthropic's fields, unused on Bedrock; its version
        # Bedrock's unless `anthropic_version=` says otherwise)
        if options["anthropic_version"] == API_VERSION:
            del options["anthropic_version"]
        return AnthropicBedrockAdapter(**aws, guardrail_config=guardrail, **options)

    return build_on(given, ChatAnthropicBedrock, _OWNER, on_bedrock)


def _no_counts(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int:
    """The anthropic SDK counts no tokens on Bedrock: its error (the SDK's class where it
    is installed, as the partner's), raised before a request."""
    words = "Token counting is not supported in Bedrock yet"
    try:
        import anthropic
    except ImportError:
        raise NotImplementedError(words) from None
    raise anthropic.AnthropicError(words)


def _profile_names(model: ChatModel) -> tuple[str, ...]:
    """The model id, then without its regional prefix (langchain-aws's lookup)."""
    prefix, _, rest = model.model.partition(".")
    return (model.model, rest) if rest and prefix.lower() in _GEO_PREFIXES else (model.model,)


def _found_or_empty(model: ChatModel, found: dict[str, Any]) -> dict[str, Any]:
    """Its profile: empty, not None, where langchain-aws's data has no such model."""
    return found


_AWS_SECRETS = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
}
#: langchain-aws's token on its SDK clients' User-Agent.
_TAG = "x-client-framework:langchain-aws"
_THEIRS = "region_name aws_access_key_id aws_secret_access_key aws_session_token guardrail_config"
_FIELDS = ChatAnthropic.fields
assert _FIELDS is not None and _FIELDS.langsmith_gateway is not None
_GATEWAY = _FIELDS.langsmith_gateway


def _unread_key(field: PartnerField) -> PartnerField:
    """`ChatAnthropic`'s field, its key read from no variable (its validator sets "")."""
    return dataclasses.replace(field, env=()) if field.name == "anthropic_api_key" else field


#: langchain-aws's `ChatAnthropicBedrock` as data: `ChatAnthropic`'s record, with its own
#: names, fields, client and SDK.
ChatAnthropicBedrock = dataclasses.replace(
    ChatAnthropic,
    llm_type="anthropic-bedrock-chat",
    namespace=("langchain", "chat_models", "anthropic_bedrock"),
    partner_class="langchain_aws.chat_models.anthropic:ChatAnthropicBedrock",
    # Its SDK client's own User-Agent (its class's name), tagged by langchain-aws.
    sdk=SdkForms(
        (
            "AnthropicBedrock/Python {anthropic} " + _TAG,
            "AsyncAnthropicBedrock/Python {anthropic} " + _TAG,
        ),
        stainless_headers(
            "anthropic",
            **{"X-Stainless-Raw-Response": "raw", "x-stainless-timeout": "{call_timeout}"},
        ),
        versions=(("anthropic", "2.14.0"),),
    ),
    fields=dataclasses.replace(
        _FIELDS,
        # (its `lc_secrets`, in its order)
        secrets={**_AWS_SECRETS, "mcp_servers": "ANTHROPIC_MCP_SERVERS", **_FIELDS.secrets},
        # Its key field is "" unless given (its validator's): no variable fills it.
        langsmith_gateway=dataclasses.replace(_GATEWAY, key_variables=()),
        aliases={**_FIELDS.aliases, "guardrails": "guardrail_config"},
        dump_aliases={**_FIELDS.dump_aliases, "guardrail_config": "guardrails"},
        # Its validator sets its key field "" unless given by that name, so a key given
        # as `api_key` is not held.
        assigned=_FIELDS.assigned | {"anthropic_api_key"},
        aliases_dropped=frozenset({"api_key"}),
        dumped=_FIELDS.dumped + field_names(_THEIRS),
        shown=_FIELDS.shown + field_names(_THEIRS),
        clients={
            "_client": SdkClient("anthropic:AnthropicBedrock"),
            "_async_client": SdkClient("anthropic:AsyncAnthropicBedrock"),
        },
        # Its SDK client's own User-Agent, tagged by langchain-aws.
        client_headers={"User-Agent": "{client_class}/Python {client_version} " + _TAG},
        client_arguments={
            "aws_region": "region_name",
            "aws_access_key": "aws_access_key_id",
            "aws_secret_key": "aws_secret_access_key",
            "aws_session_token": "aws_session_token",
            "max_retries": "max_retries",
            "default_headers": "default_headers",
            "timeout": "default_request_timeout",
        },
        client_proxy="",  # (its Bedrock clients take no proxy)
        client_shared=None,
    ),
    profiles="aws",
    versions=("langchain-aws", "langchain-anthropic"),  # (its validator's, then its base's)
    declared=(
        *(_unread_key(field) for field in ChatAnthropic.declared),
        PartnerField("region_name", str | None),
        *(
            PartnerField(name, SecretStr | None, env=(variable,))
            for name, variable in _AWS_SECRETS.items()
        ),
        PartnerField("guardrail_config", dict[str, Any] | None, alias="guardrails"),
    ),
    build=build,
    # ChatAnthropic's, but its token counts: the SDK's Bedrock client has none.
    hooks=dataclasses.replace(
        ChatAnthropic.hooks,
        messages_count=MessagesCount(_no_counts),
        # (the model id, then without its regional prefix, as langchain-aws looks it up)
        profile_names=_profile_names,
        profile=_found_or_empty,
    ),
)
