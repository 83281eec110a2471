"""`ChatBedrockConverse`: langchain-aws's class as a record (`PartnerClass`: its facts
in `dropin_record.py`, how its model is built and what it does its own way here):
`chatplex.langchain.ChatBedrockConverse` makes its LangChain chat model from it. AWS
Bedrock's Converse API (`chatplex.providers.bedrock.adapter`) with botocore's
credentials and SigV4 signing (`pip install 'chatplex[bedrock]'`).

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

from ...chat.partner_record import MessagesCount
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import held_and_spelled
from ...chat.partner_record import partner_model
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.settings import SETTING_NAMES
from .botocore_dropin import converse_model_headers
from .converse_dropin import PROMPT_PREFILL
from .converse_dropin import converse_parts
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

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = ["ChatBedrockConverse", "build", "create_cache_point", "spelled"]

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


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-aws's constructor: the model from its fields as held
    (`PartnerClass.build`), refused before any request as the partner refuses; a
    botocore `config`'s region, timeouts and retries read as langchain-aws's
    `_get_effective_config` reads them (`converse_dropin.converse_parts`)."""
    given = spelled(_OWNER, dict(keywords))
    # LangChain's stream_usage, which langchain-aws's class lacks: its warning (which
    # points two frames above the line that built it), and not sent (there in
    # additionalModelRequestFields, which the model refuses).
    moved_to_model_kwargs(given, "stream_usage", outer=2)
    if given.get("guard_last_turn_only") is True and not given.get("guardrail_config"):
        raise ValueError(  # (as its validator refuses it: nothing to guard the turn with)
            "guard_last_turn_only=True guards the last turn with a guardrail: pass "
            "guardrail_config= (or leave guard_last_turn_only unset)"
        )
    adapter, model, chosen_settings = converse_parts(_OWNER, given, _known())
    built = partner_model(ChatBedrockConverse, adapter, model, chosen_settings)
    # langchain-aws's default: the schema as a forced tool. `method="json_schema"` is
    # Converse's native structured output (`outputConfig`, Claude 4.5+ and some others).
    built.structured_output_method = "function_calling"
    if built.sdk_headers is not None:  # (boto3's, as each call's model sends them)
        built.sdk_headers = converse_model_headers(built.sdk_headers)
    return built


def spelled(owner: str, given: dict[str, Any]) -> dict[str, Any]:
    """`given` (the constructor's keywords) with its keys held as `Secret`s (first: no
    local holds one in clear) and each other spelling read as the name it stands for."""
    return held_and_spelled(owner, given, _SPELLINGS)


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
        # (its count's conversion: LangChain's coercion)
        messages_count=MessagesCount(num_tokens_from_messages, counts_messages, coerced=True),
        profile_names=profile_names,
        profile=profile,
        structured_target=structured_target,
        stream_tokens=StreamTokens(),
        unforced_reply_raises=unforced_reply_raises,
        prefills={"prompt_prefill": PROMPT_PREFILL},
    ),
    helpers=(("create_cache_point", staticmethod(create_cache_point)),),
    built_from_settings=frozenset({"profile"}),
)
