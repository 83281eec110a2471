"""`ChatBedrock`: langchain-aws's class as a record (`PartnerClass`: its facts in
`dropin_record.py`, how its model is built and what it does its own way here):
`chatplex.langchain.ChatBedrock` makes its LangChain chat model from it, which takes
langchain-aws's `ChatBedrock` constructor and speaks what it speaks.

langchain-aws's `ChatBedrock` (what LangChain's `init_chat_model("bedrock:...")` builds)
calls Bedrock's InvokeModel API with each model family's own body, except where it
switches itself to Converse: `beta_use_converse_api=True`, the default for Amazon Nova
models. Its model does the same for the families chatplex builds:

- **Anthropic models** (`anthropic.*`, `us.anthropic.*` profiles, or
  `provider="anthropic"`): InvokeModel with Anthropic's Messages body
  (`invoke.BedrockInvokeAdapter`), replies and streams read as langchain-aws reads them
  (`invoke_response.py`).
- **Meta Llama, Mistral, Amazon Titan, DeepSeek, OpenAI gpt-oss, Qwen** (`meta.*`,
  `mistral.*`, `amazon.titan-text*`, `deepseek.*`, `openai.*`, `qwen.*`, their regional
  profiles, or `provider=`): InvokeModel with the family's prompt (or Chat Completions
  messages) body, as langchain-aws builds it (`invoke_families.py`); text only (tools
  are refused: langchain-aws drops them silently).
- **Converse** (`beta_use_converse_api=True`, or a Nova model without it): its model is
  then `ChatBedrockConverse`'s (`converse_parts`) with langchain-aws's `_as_converse` mapping:
  `model_kwargs`' inference keys (`max_tokens`, `temperature`, `top_p`, `stop`...) lifted,
  guardrails passed when configured.
- **Other families** (Cohere, AI21, Writer..., and Nova with
  `beta_use_converse_api=False`): `NotImplementedError` at construction, naming the
  family and the alternative (`beta_use_converse_api=True`, or `ChatBedrockConverse`):
  never a request with a body the model does not read.

The constructor is `ChatBedrockConverse`'s (region, endpoint, credentials, config,
retries...), with `ChatBedrock`'s own: `model_kwargs` go into the InvokeModel body as
they are (`{"top_k": 5, "thinking": {...}}`; Claude's body fields given as keywords are
moved there, with langchain-core's warning, as langchain-aws moves them), `guardrails`
(`guardrailIdentifier`, `guardrailVersion`, `trace`), `service_tier` and
`request_metadata` as Bedrock's request headers, `system_prompt_with_tools` put before
an Anthropic model's system prompt, and its key maps by vendor:
`provider_stop_sequence_key_name_map` (a stream's stop sequences go under a key a script
changes, as langchain-aws sends them; its own entries stay each family's key) and
`provider_stop_reason_key_map` (held: langchain-aws reads it only where its call raises).
Converse-only parameters (`system`, `additional_model_request_fields`,
`performance_config`...) are a TypeError in InvokeModel mode.

>>> model = build({"model_id": "anthropic.claude-3-5-haiku-20241022-v1:0",
...     "region_name": "us-east-1", "aws_access_key_id": "AKIDEXAMPLE",
...     "aws_secret_access_key": "not-a-real-secret"})
>>> model.get_name(), model.adapter.chat_bedrock.converse, model.provider
('ChatBedrock', False, 'bedrock')
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...chat.dropin import pick
from ...chat.params import PartnerTypeError
from ...chat.params import SettingRefused
from ...chat.params import unknown_keyword
from ...chat.partner_record import MessagesCount
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import keywordless
from ...chat.partner_record import partner_model
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.partner_warnings import say_moved
from ...chat.settings import SETTING_NAMES
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...specs import MoveWarning
from .adapter import BedrockAdapter
from .adapter import ChatBedrockFields
from .botocore_dropin import converse_model_headers
from .converse_dropin import converse_parts
from .converse_dropin import profile
from .converse_dropin import profile_names
from .converse_dropin import tools_to_bind
from .dropin_record import BEDROCK_RECORD
from .dropin_record import BODY_KEYWORDS
from .dropin_record import CONVERSE_RECORD
from .dropin_record import STOP_REASON_KEYS
from .dropin_record import STOP_SEQUENCE_KEYS
from .invoke import BedrockInvokeAdapter
from .invoke import check_buildable
from .invoke import model_family
from .model_defaults import forced_tool_refused
from .model_defaults import thinking_unforced
from .model_defaults import tool_choice_values

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import BaseMessage

__all__ = [
    "ChatBedrock",
    "bedrock_parts",
    "bound_on",
    "build",
    "counted_model_id",
    "counts_messages",
    "invoke_tools_to_bind",
    "num_tokens_from_messages",
    "settings",
    "structured_target",
    "unforced_reply_raises",
]

_OWNER = "ChatBedrock"

#: `model_kwargs` keys langchain-aws's `_as_converse` lifts into `ChatBedrockConverse`.
_CONVERSE_KEYS = (
    "stop",
    "stop_sequences",
    "max_tokens",
    "temperature",
    "top_p",
    "additional_model_request_fields",
    "additional_model_response_field_paths",
    "performance_config",
    "request_metadata",
    "service_tier",
)
#: `ChatBedrockConverse` parameters that are Converse request fields: not InvokeModel's.
_CONVERSE_ONLY = (
    "system",
    "additional_model_request_fields",
    "additional_model_response_field_paths",
    "performance_config",
    "output_config",
    "guardrail_config",
)
_NOVA = "amazon.nova"
_EFFORT_HINT = "; ChatBedrockConverse(reasoning_effort=...) translates it for the model"
#: The constructor's keyword arguments that hold a credential.
_KEY_SETTINGS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "api_key",
    "bedrock_api_key",
)


def _guardrails_enabled(guardrails: Mapping[str, Any] | None) -> bool:
    """langchain-aws's test: a mapping with a non-empty identifier and version."""
    if not isinstance(guardrails, Mapping):
        return False
    try:
        return bool(guardrails["guardrailIdentifier"]) and bool(guardrails["guardrailVersion"])
    except KeyError:
        raise TypeError(
            "guardrails must be a dict with 'guardrailIdentifier' and 'guardrailVersion' keys"
        ) from None


def settings(values: dict[str, Any]) -> dict[str, Any]:
    """Its validators on the constructor's keywords: as given (its `model_kwargs` are
    its own field, taken apart by `build`, not moved as `ChatBedrockConverse`'s are);
    its model id read first, as its validator reads it before its fields are checked (5
    fails as a TypeError there)."""
    if values.get("beta_use_converse_api") is None:
        model = values.get("model_id", values.get("model"))
        _speaks_converse(model, values.get("base_model_id", values.get("base_model")))
    return values


def bound_on(model: ChatModel, keywords: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Over Converse, langchain-aws's ChatBedrock binds tools and structured output on
    the ChatBedrockConverse its `_as_converse` builds from its fields (its model, region,
    credentials, endpoint, guardrails, sampling and the Converse keys of its
    model_kwargs; not its callbacks or other LangChain settings): the run a callback or
    an event stream sees is that class's. None over InvokeModel: its own."""
    adapter = model.adapter
    if not isinstance(adapter, BedrockAdapter):
        return None
    held = adapter.chat_bedrock
    if held is None or not held.converse:
        return None
    given = {k: v for k, v in keywords.items() if v is not None}
    built: dict[str, Any] = dict(held.converse_kwargs)
    # Its fields (model_kwargs' temperature and max_tokens where those were not given),
    # each where langchain-aws's `_as_converse` finds it set.
    if (temperature := given.get("temperature", held.temperature)) is not None:
        built["temperature"] = temperature
    for name, value in (
        ("max_tokens", given.get("max_tokens") or held.max_tokens),
        ("service_tier", given.get("service_tier")),
        ("request_metadata", given.get("request_metadata")),
    ):
        if value:
            built[name] = value
    if stop := given.get("stop_sequences") or given.get("stop"):
        built["stop_sequences"] = stop
    for name in (*_KEY_SETTINGS, "credentials_profile_name", "config", "client"):
        if name in given:
            built[name] = given[name]
    if held.guardrails is not None:
        built["guardrail_config"] = held.guardrails
    if held.endpoint_url:
        built["base_url"] = held.endpoint_url
    return "ChatBedrockConverse", {
        **built,
        "model": model.model,
        "region_name": adapter.region_name,
        "provider": adapter.vendor,
    }


# langchain-aws's ChatBedrock's own ways, as functions of any ChatModel on a Bedrock
# adapter (InvokeModel's, or Converse's where it speaks Converse): its record's hooks.


def _over_converse(model: ChatModel) -> bool:
    return not isinstance(model.adapter, BedrockInvokeAdapter)


def counted_model_id(model: ChatModel) -> str:
    """The model its counts and checks name: its base model, else the id without its
    vendor's prefix (as langchain-aws's ChatBedrock reads it)."""
    return cast("BedrockAdapter", model.adapter).base_model_id or model.model.split(".", 1)[-1]


def structured_target(
    model: ChatModel, method: str | None, schema: Any, *, stacklevel: int = 2
) -> tuple[ChatModel, str | None]:
    """langchain-aws's ChatBedrock answers every method by function calling over
    InvokeModel, "json_schema" too, and checks every unforced reply there, without a
    warning (over Converse: as ChatBedrockConverse, warned at `stacklevel` from here).
    Over InvokeModel it refuses a model whose id names no Claude model, before binding."""
    from .converse_dropin import structured_target as converse_target

    converse, model_id = _over_converse(model), counted_model_id(model)
    if not converse and "claude-" not in model_id:
        raise ValueError(f"Structured output is not supported for model {model_id}")
    if method == "json_schema" and not converse:
        method = "function_calling"
    warns = converse and thinking_unforced(model_id)
    return converse_target(model, method, schema, warns=warns, stacklevel=stacklevel + 1)


def unforced_reply_raises(model: ChatModel) -> bool:
    """Over InvokeModel langchain-aws's ChatBedrock checks every unforced structured
    reply; over Converse only for the models ChatBedrockConverse checks."""
    return not _over_converse(model) or thinking_unforced(counted_model_id(model))


def counts_messages(model: ChatModel) -> bool:
    """langchain-aws asks Bedrock's CountTokens for an Anthropic model it names
    (`count_tokens.counted`), whichever API the calls use; LangChain's count for any
    other model."""
    from .count_tokens import counted

    vendor = cast("BedrockAdapter", model.adapter).vendor
    return vendor == "anthropic" and counted(counted_model_id(model))


def _count_invoke_body(
    model: ChatModel, messages: list[BaseMessage], tools: Sequence[Any] | None
) -> int:
    """langchain-aws's count: Bedrock's CountTokens of the InvokeModel body. A failed
    request raises, as langchain-aws's does."""
    from ...chat.side_call import side_call
    from .count_tokens import invoke_input
    from .count_tokens import read_input_tokens

    # A system prompt alone (or nothing) is counted with no turn, as langchain-aws
    # sends it: trim_messages(token_counter=model) counts the system message by itself.
    # A call needs a turn, so one is built with a placeholder, then dropped.
    alone = all(isinstance(m, SystemMessage) for m in messages)
    asked = [*messages, HumanMessage(".")] if alone else messages
    model.build_request(asked)  # checked as a call's, unsent
    # (a later system message hoisted, as langchain-aws's count reads it too)
    body = BedrockInvokeAdapter.anthropic_body(asked, model._settings({}), later_systems=True)
    if alone:
        body["messages"] = []
    adapter = cast("BedrockAdapter", model.adapter)
    request = adapter.count_tokens_request(
        counted_model_id(model), invoke_input(body, model.max_tokens)
    )
    return side_call(model, request, read_input_tokens)


#: langchain-aws's `ChatBedrock.get_num_tokens_from_messages` (its signature takes no
#: keyword: LangChain's count, which refuses it).
num_tokens_from_messages = keywordless(_count_invoke_body)


def bedrock_parts(
    owner: str, given: dict[str, Any], known: Sequence[str]
) -> tuple[BedrockAdapter, str, dict[str, Any]]:
    """langchain-aws's `ChatBedrock` constructor, of its keywords `given` (each by its
    name; taken out of it) for the drop-in `owner` (`known`: the names a typo is matched
    against): the adapter (InvokeModel's, or Converse's: `converse_parts`) holding its
    fields as its validators leave them (`ChatBedrockFields`), the model id and
    `ChatModel`'s settings, refused before any request as it refuses."""
    from ...adapters.keys import as_secret
    from .dropin import spelled

    settings = given
    model, model_id = settings.pop("model", None), settings.pop("model_id", None)
    base_model_id = settings.pop("base_model_id", None)
    base_model = settings.pop("base_model", None)
    provider = settings.pop("provider", None)
    beta_use_converse_api = settings.pop("beta_use_converse_api", None)
    model_kwargs = settings.pop("model_kwargs", None)
    guardrails = settings.pop("guardrails", None)
    service_tier = settings.pop("service_tier", None)
    request_metadata = settings.pop("request_metadata", None)
    region, region_name = settings.pop("region", None), settings.pop("region_name", None)
    extra_body = settings.pop("extra_body", None)
    supports_tool_choice_values = settings.pop("supports_tool_choice_values", None)
    stop_keys = settings.pop("provider_stop_sequence_key_name_map", STOP_SEQUENCE_KEYS)
    reason_keys = settings.pop("provider_stop_reason_key_map", STOP_REASON_KEYS)
    system_prompt_with_tools: Any = settings.pop("system_prompt_with_tools", "")
    # Keys rebound first: no local of this frame (a traceback with locals) holds one.
    for name in _KEY_SETTINGS:
        if name in settings:
            settings[name] = as_secret(settings[name])
    # LangChain's stream_usage, which langchain-aws's ChatBedrock lacks: its warning
    # (its field store holds it in model_kwargs, as there), not sent (its body would
    # carry it, which the model refuses); a stream's usage comes whatever it says.
    moved_to_model_kwargs(settings, "stream_usage", outer=2)
    model_kwargs, taken = _fields_taken(model_kwargs, settings)
    model_name = pick(owner, model=model, model_id=model_id)
    base = pick(owner, base_model_id=base_model_id, base_model=base_model)
    region_name = pick(owner, region_name=region_name, region=region)
    if settings.get("reasoning_effort") is not None:
        # ChatBedrockConverse's field, not ChatBedrock's: langchain-aws keeps it in
        # model_kwargs (sent raw to InvokeModel, dropped over Converse). Unknown here.
        raise unknown_keyword(owner, "reasoning_effort", (), _EFFORT_HINT)
    if beta_use_converse_api is None:  # langchain-aws's default: Nova speaks Converse
        beta_use_converse_api = _speaks_converse(model_name, base)
    converse = bool(beta_use_converse_api)
    if not converse:
        family = provider or (model_name and model_family(model_name))
        moved = [k for k in BODY_KEYWORDS.get(family or "", ()) if k in settings]
        if moved:
            model_kwargs = {**(model_kwargs or {}), **{k: settings[k] for k in moved}}
            for name in moved:
                moved_to_model_kwargs(settings, name, outer=2)
    if "top_p" in settings:  # (every family's: warned as moved and held in model_kwargs
        # as langchain-aws holds it, sent as the family's own sampling key, Converse's too)
        say_moved("top_p", MoveWarning(outer=2))
    guardrail = dict(guardrails) if _guardrails_enabled(guardrails) else None
    _check_key_maps(stop_keys, reason_keys)
    # (None: what the field holds once assigned it, as langchain-aws's holds it, and
    # sends nothing; its constructor refuses it, as pydantic's field does)
    if system_prompt_with_tools is not None and not isinstance(system_prompt_with_tools, str):
        raise TypeError("system_prompt_with_tools: input should be a valid string")
    held = ChatBedrockFields(
        converse=converse,
        converse_kwargs={
            k: v for k, v in (model_kwargs or {}).items() if k in _CONVERSE_KEYS and v is not None
        },
        guardrails=guardrail,
        endpoint_url=settings.get("endpoint_url") or settings.get("base_url"),
        **taken,
    )
    converse_given = {
        "model": model_name,
        "base_model_id": base,
        "provider": provider,
        "region_name": region_name,
        "extra_body": extra_body,
        "supports_tool_choice_values": supports_tool_choice_values,
    }
    if converse:
        if "guardrail_config" in settings:  # (its `guardrails`' Converse field, given too)
            raise TypeError(
                f"{owner}.__init__() got multiple values for keyword argument 'guardrail_config'"
            )
        lifted = {k: v for k, v in (model_kwargs or {}).items() if k in _CONVERSE_KEYS}
        rest = {k: v for k, v in (model_kwargs or {}).items() if k not in _CONVERSE_KEYS}
        for name, value in (
            ("service_tier", service_tier),
            ("request_metadata", request_metadata),
        ):
            if value is not None:
                lifted[name] = value
        converse_given |= {"guardrail_config": guardrail, "model_kwargs": rest or None}
        as_converse = spelled(owner, {**lifted, **settings, **converse_given})
        adapter, name, chosen = converse_parts(owner, as_converse, known)
        adapter.chat_bedrock = held
        return adapter, name, chosen
    for name in _CONVERSE_ONLY:
        if settings.get(name) is not None:
            raise SettingRefused(
                f"{owner}({name}=...) is a Converse parameter: pass "
                f"beta_use_converse_api=True, or use ChatBedrockConverse (InvokeModel "
                "takes the model's own body: model_kwargs={...})"
            )
    family = provider or (
        model_name and not model_name.startswith("arn") and model_family(model_name)
    )
    if family:
        check_buildable(family, base or (model_name or "").split(".", 1)[-1], owner)
    # (its cache_control the model's own: `BedrockInvokeAdapter.model_cache_control`)
    converse_given["extra_body"] = {**_without_cache(model_kwargs), **(extra_body or {})}
    adapter, name, chosen = converse_parts(
        owner, spelled(owner, {**settings, **converse_given}), known
    )
    invoke = BedrockInvokeAdapter.from_converse(adapter)
    invoke.family = adapter.vendor
    invoke.later_systems = True
    invoke.model_cache_control = (model_kwargs or {}).get("cache_control")
    invoke.system_prompt_with_tools = cast("str", system_prompt_with_tools)
    invoke.stream_stop_keys = _changed_entries(stop_keys)
    if guardrail is not None:
        invoke.add_headers(
            {
                "x-amzn-bedrock-guardrailidentifier": str(guardrail["guardrailIdentifier"]),
                "x-amzn-bedrock-guardrailversion": str(guardrail["guardrailVersion"]),
                **({"x-amzn-bedrock-trace": "ENABLED"} if guardrail.get("trace") else {}),
            }
        )
    if service_tier is not None:
        invoke.add_headers({"x-amzn-bedrock-service-tier": str(service_tier)})
    if request_metadata is not None:  # as langchain-aws sends it: the JSON text
        metadata = json.dumps(dict(request_metadata))
        invoke.add_headers({"x-amzn-bedrock-request-metadata": metadata})
    if supports_tool_choice_values is None:  # thinking is in the model's kwargs here
        invoke.tool_choice_values = tool_choice_values(base or name or "", model_kwargs or {})
    invoke.forced_tool_refused = invoke.family == "anthropic" and forced_tool_refused(
        base or (name or "").split(".", 1)[-1], model_kwargs or {}
    )
    if invoke.family == "openai" and "gpt-oss" in (base or name or ""):
        invoke.call_max_tokens_key = "max_tokens"
    invoke.chat_bedrock = held
    return invoke, name, chosen


def _check_key_maps(stop_keys: Any, reason_keys: Any) -> None:
    """langchain-aws's key maps by model vendor, as its fields check them: the key of a
    stream's stop sequences (`BedrockInvokeAdapter.stream_stop_keys` sends what a script
    changes), and the stop reason's, which it reads only where its call then raises (a
    non-Anthropic model with `streaming=True`, called without streaming: an
    UnboundLocalError), so it changes nothing read here."""
    for name, value in (
        ("provider_stop_sequence_key_name_map", stop_keys),
        ("provider_stop_reason_key_map", reason_keys),
    ):
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise TypeError(f"{name}: input should be a valid dictionary of strings")


def _fields_taken(
    model_kwargs: Mapping[str, Any] | None, settings: dict[str, Any]
) -> tuple[Mapping[str, Any] | None, dict[str, Any]]:
    """`model_kwargs` without the `temperature` and `max_tokens` langchain-aws's
    validator takes out of them: each becomes its field's value (in `settings`) where
    that field was not given (`max_tokens`: not given or 0), and is dropped where it
    was; and what its fields then hold where it took any (`ChatBedrockFields`')."""
    if not model_kwargs or not {"temperature", "max_tokens"} & set(model_kwargs):
        return model_kwargs, {}
    rest = dict(model_kwargs)
    taken: dict[str, Any] = {"model_kwargs": rest}
    if "temperature" in rest:
        value = rest.pop("temperature")
        if settings.get("temperature") is None:
            settings["temperature"] = taken["temperature"] = value
    if "max_tokens" in rest:
        value = rest.pop("max_tokens")
        if not settings.get("max_tokens"):
            settings["max_tokens"] = taken["max_tokens"] = value
    return rest, taken


def _speaks_converse(model: Any, base: Any) -> bool:
    """langchain-aws's default `beta_use_converse_api`: a Nova model, read as it reads
    the ids (one that is no string fails with its TypeError)."""
    try:
        return bool(model) and (_NOVA in model or _NOVA in (base or ""))
    except TypeError as err:
        raise PartnerTypeError(str(err)) from None


def _changed_entries(stop_keys: Mapping[str, str]) -> dict[str, str | None]:
    """The entries of a `provider_stop_sequence_key_name_map` that are not
    langchain-aws's own, by model vendor (None: one it dropped). Its own entries stay
    each family's key: its Mistral one, `stop_sequences`, is a key Bedrock refuses."""
    return {
        family: stop_keys.get(family)
        for family in {*stop_keys, *STOP_SEQUENCE_KEYS}
        if stop_keys.get(family) != STOP_SEQUENCE_KEYS.get(family)
    }


#: langchain-aws's words where thinking is on and a forced tool is asked.
_THINKING_FORCED = (
    "Anthropic Claude (3.7/4/4.1/4.5) with thinking enabled does not support forced tool "
    "use. Remove forced tool_choice (e.g. 'any' or a specific tool), or set "
    "tool_choice='auto', or disable thinking."
)


def _forces_a_tool(tool_choice: Any) -> bool:
    """Whether `tool_choice`, as a script gives it, forces a tool, as langchain-aws's
    `ChatBedrock.bind_tools` reads it (a word but "auto" and "none" is a tool's name)."""
    if isinstance(tool_choice, bool):
        return tool_choice
    if isinstance(tool_choice, str):
        return tool_choice not in ("auto", "none")
    return isinstance(tool_choice, dict) and tool_choice.get("type") in ("any", "tool", "function")


def invoke_tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`tools_to_bind`, and langchain-aws's refusal before any request of a forced tool
    where its model's kwargs turn thinking on for a Claude model that refuses both (the
    choice `with_structured_output` holds is never forced there)."""
    adapter = model.adapter
    held = isinstance(adapter, BedrockAdapter) and bool(adapter.structured_choice)
    refused = isinstance(adapter, BedrockInvokeAdapter) and adapter.forced_tool_refused
    if refused and not held and _forces_a_tool(tool_choice):
        raise ValueError(_THINKING_FORCED)
    return tools_to_bind(model, tools, tool_choice)


def _without_cache(model_kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """`model_kwargs` but its `cache_control`, which the adapter sends apart from a call's."""
    return {k: v for k, v in (model_kwargs or {}).items() if k != "cache_control"}


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-aws's constructor: the model from its fields as held
    (`PartnerClass.build`; `bedrock_parts`), refused before any request as the partner
    refuses."""
    adapter, model, chosen = bedrock_parts(_OWNER, dict(keywords), _known())
    built = partner_model(ChatBedrock, adapter, model, chosen)
    # langchain-aws's default: the schema as a forced tool (`structured_target`).
    built.structured_output_method = "function_calling"
    if built.sdk_headers is not None:  # (boto3's, as each call's model sends them)
        built.sdk_headers = converse_model_headers(built.sdk_headers)
    return built


def _known() -> tuple[str, ...]:
    """The names a typo is matched against: its fields and their aliases, the Converse
    fields it takes over Converse, chatplex's settings."""
    form = BEDROCK_RECORD.fields
    aliases = () if form is None else tuple(form.aliases)
    declared = (*BEDROCK_RECORD.declared, *CONVERSE_RECORD.declared)
    return tuple(dict.fromkeys((*(f.name for f in declared), *aliases, *SETTING_NAMES)))


#: langchain-aws's `ChatBedrock`: its facts (`dropin_record.py`), how its model is built,
#: and what it does its own way (its model id read first, Converse's profile key and
#: forced tool, every method by function calling over InvokeModel, its CountTokens
#: count, its `_generate` streaming, its tools prompt's setter, its Converse model).
ChatBedrock = dataclasses.replace(
    BEDROCK_RECORD,
    build=build,
    hooks=PartnerHooks(
        settings=settings,
        tools_to_bind=invoke_tools_to_bind,
        # (not coerced: its count reads each as a message, an AttributeError)
        messages_count=MessagesCount(num_tokens_from_messages, counts_messages),
        profile_names=profile_names,
        profile=profile,
        structured_target=structured_target,
        unforced_reply_raises=unforced_reply_raises,
        stream_tokens=StreamTokens(),
        # It streams a call whenever `streaming=True` (its `_generate`, on Converse too),
        # `disable_streaming` set or not; it sets no per-model `disable_streaming`.
        generate_streams=True,
        # (its `bind_tools` calls it for a model it binds by an XML prompt)
        field_setters=(
            ("set_system_prompt_with_tools", "xml_tools_system_prompt", "system_prompt_with_tools"),
        ),
        bound_on=bound_on,
    ),
)
