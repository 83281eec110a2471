"""langchain-aws's `ChatBedrockConverse`'s own ways, as functions of any `ChatModel` on
a Converse adapter (`BedrockAdapter`): its profile key and adjustment, its per-model
`disable_streaming`, its CountTokens count, and `with_structured_output`'s tool forced
only where the model takes a forced choice. What each reads of the model is on its
adapter (`base_model_id`, `vendor`, `tool_choice_values`, `raw_turns`), so a record's
`PartnerHooks` name them (`dropin.py`'s; `invoke_dropin.py`'s ChatBedrock names some);
its constructor is `converse_parts`, which both records' builds build on.

>>> counted_model_id("us.anthropic.claude-sonnet-4-20250514-v1:0", None)
'anthropic.claude-sonnet-4-20250514-v1:0'
"""

from __future__ import annotations

import copy
import json
import logging
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...chat.dropin import check_refused
from ...chat.params import SettingRefused
from ...chat.params import unknown_keyword
from ...chat.partner_profiles import found_profile
from ...chat.partner_record import Prefill
from ...chat.partner_record import keywordless
from .dropin_record import BODY_KEYWORDS
from .dropin_record import CONVERSE_RECORD
from .model_defaults import base_model
from .model_defaults import disable_streaming as partner_disable_streaming
from .model_defaults import is_application_profile
from .model_defaults import provider_of
from .model_defaults import thinking_unforced
from .model_defaults import tool_choice_values
from .reasoning_effort import EffortRule
from .reasoning_effort import check_effort

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import BaseMessage
    from .adapter import BedrockAdapter
    from .profile_reader import ProfileReader

__all__ = [
    "REFUSED",
    "converse_parts",
    "counted_model_id",
    "counts_messages",
    "disable_streaming",
    "num_tokens_from_messages",
    "profile",
    "profile_names",
    "PROMPT_PREFILL",
    "settings",
    "structured_target",
    "tools_to_bind",
    "unforced_reply_raises",
]

logger = logging.getLogger("chatplex.providers.bedrock.dropin")
#: The logger langchain-aws's class warns on (a handler or filter set on it sees ours too).
_PARTNER_LOG = logging.getLogger("langchain_aws.chat_models.bedrock_converse")

#: langchain-aws's warning as with_structured_output offers the tool unforced.
_UNFORCED = (
    "ChatBedrockConverse structured output relies on forced tool calling, which is not "
    "supported for this model: a reply without the tool's call raises "
    "OutputParserException. Consider adjusting your prompt to ensure the tool is called."
)


def _adapter(model: ChatModel) -> BedrockAdapter:
    return cast("BedrockAdapter", model.adapter)


def counted_model_id(model_id: str, base_model_id: str | None) -> str:
    """The model langchain-aws counts and checks by: `base_model_id`, else the id
    without its regional prefix."""
    return base_model_id or base_model(model_id)


def _counted(model: ChatModel) -> str:
    return counted_model_id(model.model, _adapter(model).base_model_id)


def settings(values: dict[str, Any]) -> dict[str, Any]:
    """The constructor's keywords as langchain-aws's `build_extra` leaves them: a model
    request field of the model's vendor the class has no field for (Claude's `top_k`,
    `thinking`, `anthropic_beta`: `MODEL_KEYWORDS`) warned as langchain-core's
    `_build_model_kwargs` warns, then those and `model_kwargs` (its own warning) merged
    into `additional_model_request_fields`, whose own keys win. Any other keyword it
    has no field for it moves there too, where the model refuses it: the drop-in
    refuses it before any request (`converse_parts`). A model id not a string fails
    where its validator first reads it, before its field is checked (no provider given:
    an AttributeError, as there)."""
    from ...chat.partner_warnings import say
    from ...chat.partner_warnings import say_moved
    from ...specs import MoveWarning

    model = values.get("model_id", values.get("model"))
    if model is not None and not isinstance(model, str) and not values.get("provider"):
        raise AttributeError(f"{type(model).__name__!r} object has no attribute 'startswith'")
    moved = values.pop("model_kwargs", None)
    if moved:
        say(
            "ChatBedrockConverse uses 'additional_model_request_fields' instead of "
            "'model_kwargs'. Your parameters have been automatically converted.",
            outer=-3,
        )
    vendor = values.get("provider") or (provider_of(model) if isinstance(model, str) else "")
    taken = [k for k in values if k in MODEL_KEYWORDS.get(str(vendor).lower(), ())]
    for name in taken:
        say_moved(name, MoveWarning(outer=2))
    fields = {name: values.pop(name) for name in taken}
    if moved or fields:
        own = values.get("additional_model_request_fields") or {}
        values["additional_model_request_fields"] = {**fields, **(moved or {}), **own}
    return values


#: The model request fields of a vendor's models (its InvokeModel body's, `BODY_KEYWORDS`)
#: ChatBedrockConverse has no field for (`top_p` is its field; `metadata` LangChain's).
MODEL_KEYWORDS = {
    vendor: tuple(k for k in names if k not in ("top_p", "metadata"))
    for vendor, names in BODY_KEYWORDS.items()
}


def profile_names(model: ChatModel) -> tuple[str, ...]:
    """The model id, then its base model (`base_model_id`, else without its regional
    prefix), as langchain-aws's `_get_base_model()`."""
    return (model.model, _counted(model))


def profile(model: ChatModel, found: dict[str, Any]) -> dict[str, Any]:
    """Converse hoists every system message and declares tools up front (langchain-aws):
    empty, not None, where the data has no such model."""
    found.pop("mid_conversation_system_messages", None)
    found.pop("mid_conversation_tools", None)
    return found


def disable_streaming(model: ChatModel, given: bool | str | None) -> bool | str | None:
    """langchain-aws's per-model default where none is given: False where it streams
    the model, "tool_calling" where only without tools (Meta, Mistral...), True (with
    its warning) where it has not verified the model streams. An application inference
    profile's is read from its base model (`base_model_id`), given or not."""
    application = is_application_profile(model.model)
    if given is not None and not application:
        return given
    adapter = _adapter(model)
    named = _counted(model) if application else adapter.base_model_id or model.model
    vendor = adapter.vendor or ""
    chosen = partner_disable_streaming(vendor, named.lower())
    if chosen is True:
        _PARTNER_LOG.warning(
            "Streaming disabled for model '%s': provider '%s' is not verified as "
            "streaming-capable with ChatBedrockConverse, so calls will fall back to the "
            "non-streaming Converse API. If this model does support streaming, pass "
            "disable_streaming=False to override.",
            named.lower(),
            vendor,
        )
    return chosen


def counts_messages(model: ChatModel) -> bool:
    """langchain-aws asks Bedrock's CountTokens for the models it names
    (`count_tokens.counted`); LangChain's count for the others."""
    from .count_tokens import counted

    return counted(_counted(model))


def _count_converse_input(
    model: ChatModel, messages: list[BaseMessage], tools: Sequence[Any] | None
) -> int | None:
    """langchain-aws's count: Bedrock's CountTokens of the Converse input, tools ignored
    with its warning; None (LangChain's count), as langchain-aws, after a failed request
    (logged)."""
    from ...chat.side_call import side_call
    from .count_tokens import TOOLS_IGNORED
    from .count_tokens import converse_input
    from .count_tokens import read_input_tokens
    from .request import converse_fields

    if tools is not None:
        # Where `get_num_tokens_from_messages` was called (`keywordless`'s frame between).
        warnings.warn(TOOLS_IGNORED, stacklevel=4)
    adapter = _adapter(model)
    try:
        # The chat body's fields, tool blocks kept: a chat call without tools writes
        # them as text (and warns), langchain-aws's count sends them as they are. Its
        # `raw_blocks` in place of the messages, where there are any.
        chat = converse_fields(messages, model._settings({}), raw_turns=adapter.raw_turns or None)
        request = adapter.count_tokens_request(_counted(model), converse_input(chat))
        return side_call(model, request, read_input_tokens)
    except Exception as exc:  # noqa: BLE001 - langchain-aws falls back on any failure
        logger.warning(f"count_tokens API failed: {exc}. Using fallback.")
        return None


#: langchain-aws's `ChatBedrockConverse.get_num_tokens_from_messages` (its signature
#: takes no keyword: LangChain's count, which refuses it).
num_tokens_from_messages = keywordless(_count_converse_input)


def unforced_reply_raises(model: ChatModel) -> bool:
    """Whether a structured reply without the unforced tool's call raises: langchain-aws's
    ChatBedrockConverse checks it only for the models that refuse a forced tool beside
    thinking; on any other a reply without the call is None."""
    return thinking_unforced(_counted(model))


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`bind_tools` sends the tool choice as given; inside `with_structured_output`, the
    one the model takes (its adapter's `structured_choice`)."""
    held = _adapter(model).structured_choice
    return tools, held[0] if held else tool_choice


def structured_target(
    model: ChatModel,
    method: str | None,
    schema: Any,
    *,
    warns: bool | None = None,
    stacklevel: int = 2,
) -> tuple[ChatModel, str | None]:
    """`with_structured_output`: with "function_calling", the schema's tool is forced
    only where the model takes a forced tool (its adapter's `tool_choice_values` has
    "tool"), else `any` tool where it takes that, else offered without a choice (a
    reply without the call then raises `StructuredOutputError` where
    `unforced_reply_raises`, with langchain-aws's warning where `warns`, default: that
    same answer, at `stacklevel` from here), as langchain-aws does: a copy binding that
    choice (`tools_to_bind`). langchain-aws answers every method but "json_schema" (and
    its own "prompt_prefill") by function calling, "json_mode" included (with no schema,
    json_mode keeps chatplex's error: there is no tool to force, and Converse has no
    JSON mode)."""
    method = method or model.structured_output_method
    if method == "json_mode" and schema is not None:
        method = "function_calling"
    adapter = _adapter(model)
    values = adapter.tool_choice_values
    if method != "function_calling" or "tool" in values:
        return model, method
    choice = "any" if "any" in values else None
    if choice is None and (unforced_reply_raises(model) if warns is None else warns):
        warnings.warn(_UNFORCED, UserWarning, stacklevel=stacklevel)
    held = copy.copy(adapter)
    held.structured_choice = (choice,)
    loose = copy.copy(model)
    loose.adapter = held
    return loose, method


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


def converse_parts(
    owner: str, given: dict[str, Any], known: Sequence[str]
) -> tuple[BedrockAdapter, str, dict[str, Any]]:
    """langchain-aws's `ChatBedrockConverse` constructor, of its keywords `given` (keys
    held, each by its name: `model`, `stop`, `api_key`...; taken out of it) for the
    drop-in `owner` (`known`: the names a typo is matched against): the adapter, the
    model id and `ChatModel`'s settings, refused before any request as langchain-aws
    refuses; a botocore `config`'s region, timeouts and retries read as its
    `_get_effective_config` reads them. Its record's `build` (`dropin.py`) and
    ChatBedrock's over Converse (`invoke_dropin.bedrock_parts`) build on it."""
    from ...chat.partner_record import take_settings
    from .adapter import BedrockAdapter
    from .auth import BotocoreOptions
    from .auth import ClientConfig
    from .auth import client_config
    from .profile_reader import ProfileReader

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
            raise SettingRefused(f"{owner}({key}=...) is not supported: {REFUSED[key]}")
    unknown = {k: v for k, v in given.items() if k not in REFUSED}
    for key in check_refused(owner, "bedrock_converse", unknown):
        raise unknown_keyword(owner, key, known, _HINT)
    if not model:
        raise ValueError(f"{owner} needs model= (a Bedrock model id, profile or ARN)")
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
    # One botocore Session for this build's lookups of the environment and config files.
    reader = ProfileReader(connection["credentials_profile_name"])
    if connection["credentials_profile_name"] and not _has_api_key(api_key):
        _check_profile(reader)
        _profile_wins(connection)
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
        max_retries = botocore.defaults(reader).retries(botocore.retry_mode)
    adapter = BedrockAdapter(
        **{name: value for name, value in connection.items() if value is not None},
        api_key=api_key,
        default_headers=headers,
        config=ClientConfig(region_name=from_config.region_name),
        profile_reader=reader,
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
    return adapter, model, chosen_settings


def _has_api_key(api_key: Any) -> bool:
    """Whether a Bedrock API key is given or in the environment (it then signs, and
    langchain-aws makes no profile's Session)."""
    from ...secret import Secret
    from .auth import BEARER_VARIABLE

    given = api_key.get() if isinstance(api_key, Secret) else api_key
    return bool(given or os.environ.get(BEARER_VARIABLE))


def _check_profile(reader: ProfileReader) -> None:
    """A profile the config files lack refused when built, in langchain-aws's words
    (its `create_aws_client` makes the profile's boto3 Session there)."""
    from .auth import import_botocore

    botocore = import_botocore()
    try:
        reader.session(botocore).get_scoped_config()
    except botocore.exceptions.BotoCoreError as exc:
        raise ValueError(
            "Could not load credentials to authenticate with AWS client. Please check "
            "that the specified profile name and/or its credentials are valid. Service "
            f"error: {exc}"
        ) from exc


def _profile_wins(connection: dict[str, Any]) -> None:
    """The named profile's credentials sign, not keys given beside it or read from the
    environment: langchain-aws's client is the profile's boto3 Session's."""
    for name in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
        connection[name] = None


_CLIENTS = (
    "chatplex sends its own requests through its engine, not a given boto3 client; pass "
    "http_client= instead (reading `llm.client` gives boto3's, for the script's own use)"
)
#: langchain-aws's settings chatplex refuses (at any value but their "off" one), and why.
REFUSED = {
    "client": _CLIENTS,
    "bedrock_client": _CLIENTS,
}


#: langchain-aws's instructions for `method="prompt_prefill"`, as it words them.
_PREFILL_INSTRUCTIONS = """You MUST respond with a single JSON object matching the schema provided. For this schema you'll be provided with all the "properties" and their types, as well as the required properties.

As an example, for the schema {{"properties": {{"foo": {{"title": "Foo", "description": "a list of strings", "type": "array", "items": {{"type": "string"}}}}}}, "required": ["foo"]}}
the object {{"foo": ["bar", "baz"]}} is a well-formatted instance of the schema. The object {{"properties": {{"foo": ["bar", "baz"]}}}} is NOT well-formatted.

Do not include any preamble, explanation, or text outside the JSON. Wrap the JSON in a ```json ... ``` fenced code block.

## Response Schema:
{schema}
"""  # noqa: E501


def _prefill_instructions(schema: dict[str, Any]) -> str:
    """langchain-aws's instructions of `schema`, its `title` and `type` taken out of it
    (the schema its run traces is the one edited, as langchain-aws's)."""
    schema.pop("title", None)
    schema.pop("type", None)
    return _PREFILL_INSTRUCTIONS.format(schema=json.dumps(schema, indent=2, ensure_ascii=False))


#: `with_structured_output(method="prompt_prefill")`: the schema's instructions in the
#: system message, the reply begun as a JSON code block and stopped at its fence.
PROMPT_PREFILL = Prefill(_prefill_instructions, "```json", "```")
