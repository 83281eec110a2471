"""`ChatBedrockConverse`: a chatplex chat model that takes langchain-aws's constructor.

A script written for `langchain_aws.ChatBedrockConverse` ports by changing its import
line: the parameter names and aliases are langchain-aws's (`model`/`model_id`,
`stop`/`stop_sequences`, `endpoint_url`/`base_url`, `guardrail_config`/`guardrails`,
`base_model_id`/`base_model`, `region_name`, `credentials_profile_name`, the three
`aws_*` keys, `additional_model_request_fields`, `performance_config`, ...), the model
is chatplex's (its transport, pools, retries and limiter), speaking the Converse wire
(`chatplex.providers.bedrock.adapter`) with botocore's credentials and SigV4 signing
(`pip install 'chatplex[bedrock]'`).

>>> model = ChatBedrockConverse(model="anthropic.claude-3-5-haiku-20241022-v1:0",
...     region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
...     aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
>>> model.get_name(), model.model_id, model.provider_name
('ChatBedrockConverse', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic')
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import field
from ...chat.dropin import spellings
from ...chat.dropin_fields import API_KEY
from ...chat.dropin_fields import DEFAULT_HEADERS
from ...chat.dropin_fields import EXTRA_BODY
from ...chat.dropin_fields import MAX_RETRIES
from ...chat.dropin_fields import MODEL_KWARGS
from ...chat.dropin_fields import SAMPLING
from ...chat.dropin_fields import SERVICE_TIER
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import TIMEOUT
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import DropInEngine
from ...chat.params import SettingRefused
from ...chat.params import unknown_keyword
from ...chat.partner_profiles import found_profile
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.sdk_agents import PartnerHeaders
from .botocore_dropin import converse_headers
from .converse_dropin import counted_model_id
from .converse_dropin import counts_messages
from .converse_dropin import disable_streaming
from .converse_dropin import num_tokens_from_messages
from .converse_dropin import profile as adjusted_profile
from .converse_dropin import profile_names
from .converse_dropin import settings
from .converse_dropin import structured_target
from .converse_dropin import tools_to_bind
from .dropin_record import AWS_SECRETS
from .dropin_record import CONVERSE_RECORD
from .model_defaults import base_model
from .model_defaults import provider_of
from .model_defaults import thinking_unforced
from .model_defaults import tool_choice_values
from .reasoning_effort import EffortRule
from .reasoning_effort import check_effort

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import BaseMessage
    from .adapter import BedrockAdapter

__all__ = ["ChatBedrockConverse"]

_CLIENTS = (
    "chatplex sends its own requests through its engine, not a given boto3 client; pass "
    "http_client= instead (reading `llm.client` gives boto3's, for the script's own use)"
)
#: langchain-aws's settings chatplex refuses (at any value but their "off" one), and why.
REFUSED = {
    "client": _CLIENTS,
    "bedrock_client": _CLIENTS,
}


#: langchain-aws's connection settings: its adapter's, handed to it as given (the keys
#: held as Secrets before the constructor's code runs, as every field typed so is).
_AWS_CONNECTION = (
    field("region_name", "str | None"),
    field("credentials_profile_name", "str | None"),
    *(field(key, "str | Secret | None") for key in AWS_SECRETS if key.startswith("aws_")),
    field("endpoint_url", "str | None"),
)
#: Its parameters as data: those it shares with other drop-ins, and its connection.
_FIELDS = (
    *SAMPLING,
    TIMEOUT,
    MAX_RETRIES,
    *_AWS_CONNECTION,
    API_KEY,
    DEFAULT_HEADERS,
    STREAMING,
    EXTRA_BODY,
    MODEL_KWARGS,
    SERVICE_TIER,
)


@dropin(
    fields=_FIELDS,
    aliases=spellings(
        "stop_sequences",
        "request_timeout",
        model_id="model",
        base_model="base_model_id",
        bedrock_api_key="api_key",
        base_url="endpoint_url",
        guardrails="guardrail_config",
    ),
)
class ChatBedrockConverse(DropInEngine):
    """AWS Bedrock's Converse API with langchain-aws's constructor. Parameters are
    langchain-aws's, plus chatplex's own (`api_key` for a Bedrock API key, `rate_limit`,
    `retry_policy`, `max_retry_after`, `extra_headers`, `stream_idle_timeout`,
    `max_response_bytes`, `name`).

    Model request fields (`thinking`, `top_k`, ...) go in
    `additional_model_request_fields={...}` (or `model_kwargs={...}`); any other keyword
    is a TypeError naming the closest parameter (langchain-aws moves unknown keywords
    into the request fields, where a typo reaches the service as a field).
    `reasoning_effort` becomes the model's own fields as langchain-aws translates it, by
    the model's profile levels and vendor (`reasoning_effort.py`); a `profile=` given
    (not empty) is that profile, as langchain-aws's field replaces its own data.

    Replies are langchain-aws's: content (a `str`, or its `text` / `reasoning_content` /
    `tool_use` blocks; a stream's as indexed blocks), `response_metadata` (`stopReason`,
    `metrics`, botocore's `ResponseMetadata`, `model_name`; under LangChain its
    `RetryAttempts` counts chatplex's retries),
    usage with its cache details; errors are botocore's `ClientError`s. Deliberate
    differences: `total_tokens` is input + output (langchain-aws copies Bedrock's total,
    which leaves cached tokens out); boto3 clients given (`client=`, `bedrock_client=`:
    read, those attributes are boto3's, built as langchain-aws builds them, for the
    script's own calls; of a botocore `config`, chatplex's requests follow
    `region_name`, the timeouts and `retries`, and refuse the rest) and LangChain-only
    features (`method="prompt_prefill"`) raise with the reason. `raw_blocks` are sent
    as Converse's turns in place of the messages, with no system prompt, as
    langchain-aws relays them.
    `guard_last_turn_only=True` puts the last user turn alone under the guardrail
    (`guardContent`), as langchain-aws sends it. As in langchain-aws,
    `supports_tool_choice_values` (given, or inferred from the model id and `thinking`)
    decides whether `with_structured_output` forces the
    schema's tool; `chatplex.langchain.init_chat_model("bedrock_converse:...")` builds
    on this class, as LangChain's builds langchain-aws's.
    """

    langchain_counts_coerced = True  # its count's conversion: LangChain's coercion

    #: langchain-aws's default: the schema as a forced tool. `method="json_schema"` is
    #: Converse's native structured output (`outputConfig`, Claude 4.5+ and some others).
    structured_output_method = "function_calling"
    partner_record = CONVERSE_RECORD

    @classmethod
    def langchain_settings(cls, values: dict[str, Any]) -> dict[str, Any]:
        return settings(values)

    def langchain_profile_names(self) -> tuple[str, ...]:
        return profile_names(self)

    def langchain_profile(self, found: dict[str, Any]) -> dict[str, Any]:
        return adjusted_profile(self, found)

    @property
    def supports_tool_choice_values(self) -> tuple[str, ...]:
        """Which tool choices the model takes ("auto", "any", "tool"), as langchain-aws
        infers them from the model when not given; with_structured_output follows it."""
        return cast("BedrockAdapter", self.adapter).tool_choice_values

    @supports_tool_choice_values.setter
    def supports_tool_choice_values(self, values: tuple[str, ...]) -> None:
        cast("BedrockAdapter", self.adapter).tool_choice_values = values

    _sdk_base: PartnerHeaders | None = None

    @property
    def sdk_headers(self) -> PartnerHeaders | None:
        """Under LangChain's name, boto3's headers (`botocore_dropin.converse_headers`);
        None in chatplex's own family."""
        return converse_headers(self, self._sdk_base)

    @sdk_headers.setter
    def sdk_headers(self, headers: PartnerHeaders | None) -> None:
        self._sdk_base = headers

    def __init__(
        self,
        model: str | None = None,
        *,
        base_model_id: str | None = None,
        provider: str | None = None,
        system: Sequence[str | Mapping[str, Any]] | None = None,
        config: Any = None,
        guardrail_config: Mapping[str, Any] | None = None,
        additional_model_request_fields: Mapping[str, Any] | None = None,
        additional_model_response_field_paths: Sequence[str] | None = None,
        performance_config: Mapping[str, Any] | None = None,
        output_config: Mapping[str, Any] | None = None,
        request_metadata: Mapping[str, str] | None = None,
        supports_tool_choice_values: Sequence[str] | None = None,
        reasoning_effort: str | None = None,
        profile: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        from .adapter import BedrockAdapter
        from .auth import BotocoreOptions
        from .auth import ClientConfig
        from .auth import client_config

        # LangChain's stream_usage, which langchain-aws's class lacks: its warning (which
        # points two frames above the line that built it), and not sent (there in
        # additionalModelRequestFields, which the model refuses).
        moved_to_model_kwargs(params, "stream_usage", outer=2)
        taken = take_params(self, params, _FIELDS)
        owner, given, rest = taken.owner, taken.given, taken.api_params
        guard_last_turn = rest.pop("guard_last_turn_only", False)
        if not isinstance(guard_last_turn, bool):
            raise TypeError(f"guard_last_turn_only must be True or False, got {guard_last_turn!r}")
        raw_turns = rest.pop("raw_blocks", None)
        if raw_turns is not None and not (
            isinstance(raw_turns, list) and all(isinstance(t, dict) for t in raw_turns)
        ):
            raise TypeError(
                f"raw_blocks must be a list of dicts (Converse turns), got {raw_turns!r}"
            )
        for key, value in rest.items():
            if key in REFUSED and value not in (None, False):
                raise SettingRefused(f"{owner}({key}=...) is not supported: {REFUSED[key]}")
        unknown = {k: v for k, v in rest.items() if k not in REFUSED}
        for key in check_refused(owner, "bedrock_converse", unknown):
            hint = "; send model request fields with additional_model_request_fields={...}"
            raise unknown_keyword(owner, key, constructor_names(type(self)), hint)
        rest.clear()  # only refused settings at their "off" values: nothing to send
        if not model:
            raise ValueError(f"{owner} needs model= (a Bedrock model id, profile or ARN)")
        if provider is None and model.startswith("arn"):
            raise ValueError("pass provider=... with a model ARN (as langchain-aws requires)")
        #: The base model, for an ARN or a cross-region profile (LangChain's field).
        self.base_model_id = base_model_id
        self.provider_name = provider or provider_of(model)
        fields = {**(given["model_kwargs"] or {}), **(additional_model_request_fields or {})}
        # langchain-aws's profile of the model (the one given, else by its id, then its
        # base model) decides what `reasoning_effort` becomes, here and per call; the
        # fields given win.
        base = base_model_id or base_model(model)
        if not profile:  # (an empty one is looked up too, as langchain-aws looks it up)
            profile = found_profile(self.partner_record.profiles, (model, base))
        effort_rule = EffortRule(tuple(profile.get("reasoning_effort_levels") or ()), base)
        check_effort(effort := reasoning_effort)
        effort_fields = effort_rule.fields(effort) if effort is not None else {}
        fields = {**effort_fields, **fields}
        # A botocore Config: its region after region_name= and the environment, its
        # timeouts and retries under timeout= and max_retries=, which replace its timeouts
        # and its whole `retries` (langchain-aws's `_get_effective_config`: boto3's own
        # count and mode then).
        from_config = client_config(config)
        timeout, max_retries = given["timeout"], given["max_retries"]
        replaced = timeout is not None or max_retries is not None
        if timeout is None:
            timeout = from_config.timeout
        # botocore's retry mode, read timeout and User-Agent options there: what its
        # requests say (`sdk_headers`; the environment's looked up when first needed).
        read = given["timeout"] if replaced else getattr(config, "read_timeout", 60)
        botocore = BotocoreOptions(
            profile=cast("str | None", given["credentials_profile_name"]),
            retry_mode=(not replaced and from_config.retry_mode) or None,
            read_timeout=None if read is None else float(getattr(read, "read", read)),
            agent=(
                from_config.user_agent,
                from_config.user_agent_extra,
                from_config.user_agent_appid,
            ),
            checksums=from_config.checksums,
        )
        if max_retries is None and not replaced:
            max_retries = from_config.max_retries
        if max_retries is None:  # boto3's own count, as langchain-aws leaves it to boto3
            max_retries = botocore.defaults().retries(botocore.retry_mode)
        adapter = BedrockAdapter(
            **taken.sent(_AWS_CONNECTION),
            api_key=given["api_key"],
            default_headers=given["default_headers"],
            config=ClientConfig(region_name=from_config.region_name),
        )
        adapter.base_model_id = self.base_model_id  # replies name it, as langchain-aws's
        adapter.vendor = self.provider_name
        adapter.effort_rule = effort_rule  # a call's `reasoning_effort` (`request.py`)
        adapter.guard_last_turn = guard_last_turn
        adapter.raw_turns = raw_turns
        adapter.botocore = botocore
        adapter.request_fields = fields if effort_fields else None
        adapter.tool_choice_values = (
            tuple(supports_tool_choice_values)
            if supports_tool_choice_values is not None
            else tool_choice_values(self.base_model_id or model, fields)
        )
        body: dict[str, Any] = {
            "system": list(system) if system else None,
            "guardrailConfig": guardrail_config,
            "additionalModelRequestFields": fields or None,
            "additionalModelResponseFieldPaths": additional_model_response_field_paths,
            "performanceConfig": performance_config,
            "outputConfig": output_config,
            "serviceTier": {"type": given["service_tier"]} if given["service_tier"] else None,
            "requestMetadata": request_metadata,
        }
        taken.settle(
            self,
            adapter,
            model,
            timeout=timeout,
            max_retries=max_retries,
            model_kwargs=None,  # sent in additionalModelRequestFields
            extra_body={
                **{k: v for k, v in body.items() if v is not None},
                **(given["extra_body"] or {}),
            },
        )
        self.region_name = adapter.region_name

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        # (its warning at the frame that asked `_structured_target`, as before)
        return structured_target(self, method, schema, warns=self._warns_unforced(), stacklevel=4)

    def _warns_unforced(self) -> bool:
        return thinking_unforced(self._counted_model_id())

    def langchain_unforced_reply_raises(self) -> bool:
        return self._warns_unforced()

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        return tools_to_bind(self, tools, tool_choice)

    def langchain_disable_streaming(self, given: bool | str | None) -> bool | str | None:
        return disable_streaming(self, given)

    def langchain_counts_messages(self) -> bool:
        return counts_messages(self)

    def _counted_model_id(self) -> str:
        return counted_model_id(self.model, self.base_model_id)

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        return num_tokens_from_messages(self, messages, tools, keywords, stacklevel=5)

    @classmethod
    def create_cache_point(cls, cache_type: str = "default") -> dict[str, Any]:
        """A prompt-cache breakpoint to put in a message's content (or in `system=`),
        as langchain-aws's: `{"cachePoint": {"type": "default"}}`."""
        return {"cachePoint": {"type": cache_type}}

    @property
    def field_aliases(self) -> Mapping[str, str]:
        """LangChain's names, and langchain-aws's `model_id` for `model`
        (`configurable_fields(model_id=...)`)."""
        from ...chat.dropin import LANGCHAIN_ALIASES

        return {**LANGCHAIN_ALIASES, "model_id": "model"}

    @property
    def model_id(self) -> str:
        """LangChain's name for `model`."""
        return self.model
