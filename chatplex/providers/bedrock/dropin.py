"""`ChatBedrockConverse`: langchain-aws's class as a record (`PartnerClass`: its facts in
`dropin_record.py`, how its model is built and what it does its own way here), built
without an engine class: `chatplex.langchain.ChatBedrockConverse` makes its LangChain
chat model from it. AWS Bedrock's Converse API (`chatplex.providers.bedrock.adapter`)
with botocore's credentials and SigV4 signing (`pip install 'chatplex[bedrock]'`).

A script written for `langchain_aws.ChatBedrockConverse` ports by changing its import
line: the parameter names and aliases are langchain-aws's (`model`/`model_id`,
`stop`/`stop_sequences`, `endpoint_url`/`base_url`, `guardrail_config`/`guardrails`,
`base_model_id`/`base_model`, `region_name`, `credentials_profile_name`, the three
`aws_*` keys, `additional_model_request_fields`, `performance_config`, ...), plus
chatplex's own (`api_key` for a Bedrock API key, `rate_limit`, `retry_policy`,
`max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
`name`); the model is chatplex's (its transport, pools, retries and limiter).

Model request fields (`thinking`, `top_k`, ...) go in
`additional_model_request_fields={...}` (or `model_kwargs={...}`); any other keyword is a
TypeError naming the closest parameter (langchain-aws moves unknown keywords into the
request fields, where a typo reaches the service as a field). `reasoning_effort`
becomes the model's own fields as langchain-aws translates it, by the model's profile
levels and vendor (`reasoning_effort.py`); a `profile=` given (not empty) is that
profile, as langchain-aws's field replaces its own data.

Replies are langchain-aws's: content (a `str`, or its `text` / `reasoning_content` /
`tool_use` blocks; a stream's as indexed blocks), `response_metadata` (`stopReason`,
`metrics`, botocore's `ResponseMetadata`, `model_name`; under LangChain its
`RetryAttempts` counts chatplex's retries), usage with its cache details; errors are
botocore's `ClientError`s. Deliberate differences: `total_tokens` is input + output
(langchain-aws copies Bedrock's total, which leaves cached tokens out); boto3 clients
given (`client=`, `bedrock_client=`: read, those attributes are boto3's, built as
langchain-aws builds them, for the script's own calls; of a botocore `config`,
chatplex's requests follow `region_name`, the timeouts and `retries`, and refuse the
rest) and LangChain-only features (`method="prompt_prefill"`) raise with the reason.
`raw_blocks` are sent as Converse's turns in place of the messages, with no system
prompt, as langchain-aws relays them. `guard_last_turn_only=True` puts the last user
turn alone under the guardrail (`guardContent`), as langchain-aws sends it. As in
langchain-aws, `supports_tool_choice_values` (given, or inferred from the model id and
`thinking`) decides whether `with_structured_output` forces the schema's tool;
`chatplex.langchain.init_chat_model("bedrock_converse:...")` builds on this class, as
LangChain's builds langchain-aws's. Its requests say who calls as boto3's do
(`botocore_dropin.ConverseHeaders`).

>>> model = build({"model": "anthropic.claude-3-5-haiku-20241022-v1:0",
...     "region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE",
...     "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})
>>> model.get_name(), model.model, model.adapter.vendor
('ChatBedrockConverse', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic')
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import check_refused
from ...chat.dropin import pick
from ...chat.params import SettingRefused
from ...chat.params import unknown_keyword
from ...chat.partner_profiles import found_profile
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.settings import SETTING_NAMES
from ...secret import is_secret_name
from ...secret.arguments import hold_keys
from .botocore_dropin import converse_model_headers
from .converse_dropin import REFUSED
from .converse_dropin import counts_messages
from .converse_dropin import disable_streaming
from .converse_dropin import num_tokens_from_messages
from .converse_dropin import profile
from .converse_dropin import profile_names
from .converse_dropin import settings
from .converse_dropin import structured_target
from .converse_dropin import tools_to_bind
from .converse_dropin import unforced_reply_raises
from .dropin_record import CONVERSE_RECORD
from .model_defaults import base_model
from .model_defaults import provider_of
from .model_defaults import tool_choice_values
from .reasoning_effort import EffortRule
from .reasoning_effort import check_effort

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["ChatBedrockConverse", "build", "create_cache_point"]

_OWNER = "ChatBedrockConverse"
#: Its other spellings of its keywords, each -> the one `build` reads: its pydantic
#: aliases (the field store hands the fields' names) and LangChain's `request_timeout`.
_SPELLINGS = {
    "model_id": "model",
    "base_model": "base_model_id",
    "bedrock_api_key": "api_key",
    "base_url": "endpoint_url",
    "guardrails": "guardrail_config",
    "stop_sequences": "stop",
    "request_timeout": "timeout",
}
#: langchain-aws's connection settings: its adapter's, handed to it as given.
_CONNECTION = (
    "region_name",
    "credentials_profile_name",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "endpoint_url",
)
#: Its Converse request fields, by keyword (sent where given).
_BODY = {
    "guardrail_config": "guardrailConfig",
    "additional_model_response_field_paths": "additionalModelResponseFieldPaths",
    "performance_config": "performanceConfig",
    "output_config": "outputConfig",
    "request_metadata": "requestMetadata",
}
_HINT = "; send model request fields with additional_model_request_fields={...}"


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-aws's constructor: the model from its fields as held
    (`PartnerClass.build`), refused before any request as the partner refuses; a
    botocore `config`'s region, timeouts and retries read as langchain-aws's
    `_get_effective_config` reads them."""
    from .adapter import BedrockAdapter
    from .auth import BotocoreOptions
    from .auth import ClientConfig
    from .auth import client_config

    given = dict(keywords)
    hold_keys(given, is_secret_name)  # (first: no local holds a key in clear)
    for spelled, name in _SPELLINGS.items():
        if spelled in given:
            value = pick(_OWNER, **{name: given.get(name), spelled: given.pop(spelled)})
            if value is not None:
                given[name] = value
    # LangChain's stream_usage, which langchain-aws's class lacks: its warning (which
    # points two frames above the line that built it), and not
    # sent (there in additionalModelRequestFields, which the model refuses).
    moved_to_model_kwargs(given, "stream_usage", outer=2)
    model = given.pop("model", None)
    base_model_id, provider = given.pop("base_model_id", None), given.pop("provider", None)
    system, config = given.pop("system", None), given.pop("config", None)
    request_fields = given.pop("additional_model_request_fields", None)
    body = {key: given.pop(name, None) for name, key in _BODY.items()}
    chosen = given.pop("supports_tool_choice_values", None)
    effort, found = given.pop("reasoning_effort", None), given.pop("profile", None)
    connection = {name: given.pop(name, None) for name in _CONNECTION}
    api_key, headers = given.pop("api_key", None), given.pop("default_headers", None)
    service_tier = given.pop("service_tier", None)
    guard_last_turn = given.pop("guard_last_turn_only", False)
    raw_turns = given.pop("raw_blocks", None)
    chosen_settings = take_settings(given)
    model_kwargs = chosen_settings.pop("model_kwargs", None)
    extra_body = chosen_settings.pop("extra_body", None)
    if not isinstance(guard_last_turn, bool):
        raise TypeError(f"guard_last_turn_only must be True or False, got {guard_last_turn!r}")
    if raw_turns is not None and not (
        isinstance(raw_turns, list) and all(isinstance(t, dict) for t in raw_turns)
    ):
        raise TypeError(f"raw_blocks must be a list of dicts (Converse turns), got {raw_turns!r}")
    for key, value in given.items():
        if key in REFUSED and value not in (None, False):
            raise SettingRefused(f"{_OWNER}({key}=...) is not supported: {REFUSED[key]}")
    unknown = {k: v for k, v in given.items() if k not in REFUSED}
    for key in check_refused(_OWNER, "bedrock_converse", unknown):
        raise unknown_keyword(_OWNER, key, _known(), _HINT)
    if not model:
        raise ValueError(f"{_OWNER} needs model= (a Bedrock model id, profile or ARN)")
    if provider is None and model.startswith("arn"):
        raise ValueError("pass provider=... with a model ARN (as langchain-aws requires)")
    vendor = provider or provider_of(model)
    fields = {**(model_kwargs or {}), **(request_fields or {})}
    # langchain-aws's profile of the model (the one given, else by its id, then its base
    # model) decides what `reasoning_effort` becomes, here and per call; the fields
    # given win.
    base = base_model_id or base_model(model)
    if not found:  # (an empty one is looked up too, as langchain-aws looks it up)
        found = found_profile(CONVERSE_RECORD.profiles, (model, base))
    effort_rule = EffortRule(tuple(found.get("reasoning_effort_levels") or ()), base)
    check_effort(effort)
    effort_fields = effort_rule.fields(effort) if effort is not None else {}
    fields = {**effort_fields, **fields}
    # A botocore Config: its region after region_name= and the environment, its timeouts
    # and retries under timeout= and max_retries=, which replace its timeouts and its
    # whole `retries` (langchain-aws's `_get_effective_config`: boto3's own count and
    # mode then).
    from_config = client_config(config)
    timeout, max_retries = chosen_settings.get("timeout"), chosen_settings.get("max_retries")
    replaced = timeout is not None or max_retries is not None
    if timeout is None:
        timeout = from_config.timeout
    # botocore's retry mode, read timeout and User-Agent options there: what its requests
    # say (`ConverseHeaders`; the environment's looked up when first needed).
    read = chosen_settings.get("timeout") if replaced else getattr(config, "read_timeout", 60)
    botocore = BotocoreOptions(
        profile=connection["credentials_profile_name"],
        retry_mode=(not replaced and from_config.retry_mode) or None,
        read_timeout=None if read is None else float(getattr(read, "read", read)),
        agent=(from_config.user_agent, from_config.user_agent_extra, from_config.user_agent_appid),
        checksums=from_config.checksums,
    )
    if max_retries is None and not replaced:
        max_retries = from_config.max_retries
    if max_retries is None:  # boto3's own count, as langchain-aws leaves it to boto3
        max_retries = botocore.defaults().retries(botocore.retry_mode)
    adapter = BedrockAdapter(
        **{name: value for name, value in connection.items() if value is not None},
        api_key=api_key,
        default_headers=headers,
        config=ClientConfig(region_name=from_config.region_name),
    )
    adapter.base_model_id = base_model_id  # replies name it, as langchain-aws's
    adapter.vendor = vendor
    adapter.effort_rule = effort_rule  # a call's `reasoning_effort` (`request.py`)
    adapter.guard_last_turn = guard_last_turn
    adapter.raw_turns = raw_turns
    adapter.botocore = botocore
    adapter.request_fields = fields if effort_fields else None
    adapter.tool_choice_values = (
        tuple(chosen) if chosen is not None else tool_choice_values(base_model_id or model, fields)
    )
    sent: dict[str, Any] = {
        "system": list(system) if system else None,
        "guardrailConfig": body.pop("guardrailConfig"),
        "additionalModelRequestFields": fields or None,
        **body,
        "serviceTier": {"type": service_tier} if service_tier else None,
    }
    sent["requestMetadata"] = sent.pop("requestMetadata")  # (last, as langchain-aws's)
    chosen_settings.update(
        timeout=timeout,
        max_retries=max_retries,
        extra_body={
            **{k: v for k, v in sent.items() if v is not None},
            **(extra_body or {}),
        },
    )
    built = partner_model(_OWNER, adapter, model, chosen_settings)
    # langchain-aws's default: the schema as a forced tool. `method="json_schema"` is
    # Converse's native structured output (`outputConfig`, Claude 4.5+ and some others).
    built.structured_output_method = "function_calling"
    if built.sdk_headers is not None:  # (boto3's, as each call's model sends them)
        built.sdk_headers = converse_model_headers(built.sdk_headers)
    return built


def _known() -> tuple[str, ...]:
    """The names a typo is matched against: its fields, their spellings, chatplex's."""
    return (*(f.name for f in CONVERSE_RECORD.declared), *_SPELLINGS, *SETTING_NAMES)


def create_cache_point(cache_type: str = "default") -> dict[str, Any]:
    """A prompt-cache breakpoint to put in a message's content (or in `system=`), as
    langchain-aws's: `{"cachePoint": {"type": "default"}}`."""
    return {"cachePoint": {"type": cache_type}}


#: langchain-aws's `ChatBedrockConverse`: its facts (`dropin_record.py`), how its model is
#: built, and what it does its own way (its `model_kwargs` moved, its per-model
#: streaming default, its forced tool only where the model takes one, its CountTokens
#: count, its profile key and adjustment).
ChatBedrockConverse = dataclasses.replace(
    CONVERSE_RECORD,
    build=build,
    hooks=PartnerHooks(
        settings=settings,
        disable_streaming=disable_streaming,
        tools_to_bind=tools_to_bind,
        counts_messages=counts_messages,
        num_tokens_from_messages=num_tokens_from_messages,
        counts_coerced=True,  # its count's conversion: LangChain's coercion
        profile_names=profile_names,
        profile=profile,
        structured_target=structured_target,
        unforced_reply_raises=unforced_reply_raises,
    ),
    helpers=(("create_cache_point", staticmethod(create_cache_point)),),
    built_from_settings=frozenset({"profile"}),
)
