"""`ChatBedrock`: a chatplex chat model that takes langchain-aws's `ChatBedrock`
constructor and speaks what it speaks.

langchain-aws's `ChatBedrock` (what LangChain's `init_chat_model("bedrock:...")` builds)
calls Bedrock's InvokeModel API with each model family's own body, except where it
switches itself to Converse: `beta_use_converse_api=True`, the default for Amazon Nova
models. This class does the same for the families chatplex builds:

- **Anthropic models** (`anthropic.*`, `us.anthropic.*` profiles, or
  `provider="anthropic"`): InvokeModel with Anthropic's Messages body
  (`invoke.BedrockInvokeAdapter`), replies and streams read as langchain-aws reads them
  (`invoke_response.py`).
- **Meta Llama, Mistral, Amazon Titan, DeepSeek, OpenAI gpt-oss, Qwen** (`meta.*`,
  `mistral.*`, `amazon.titan-text*`, `deepseek.*`, `openai.*`, `qwen.*`, their regional
  profiles, or `provider=`): InvokeModel with the family's prompt (or Chat Completions
  messages) body, as langchain-aws builds it (`invoke_families.py`); text only (tools
  are refused: langchain-aws drops them silently).
- **Converse** (`beta_use_converse_api=True`, or a Nova model without it): this class is
  then `ChatBedrockConverse` (its parent) with langchain-aws's `_as_converse` mapping:
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

>>> model = ChatBedrock(model="anthropic.claude-3-5-haiku-20241022-v1:0",
...     region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
...     aws_secret_access_key="not-a-real-secret")
>>> model.get_name(), model.beta_use_converse_api, model.provider
('ChatBedrock', False, 'bedrock')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...chat.dropin import RUN_SETTINGS
from ...chat.dropin import Tail
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import pick
from ...chat.langchain_hooks import DropInEngine
from ...chat.model import ChatModel
from ...chat.params import PartnerTypeError
from ...chat.params import SettingRefused
from ...chat.params import unknown_keyword
from ...chat.partner_warnings import moved_to_model_kwargs
from ...messages import HumanMessage
from ...messages import SystemMessage
from .converse_dropin import ConverseEngine
from .converse_dropin import converse_parts
from .dropin_record import BEDROCK_RECORD
from .dropin_record import BODY_KEYWORDS
from .dropin_record import NO_GUARDRAILS
from .dropin_record import STOP_REASON_KEYS
from .dropin_record import STOP_SEQUENCE_KEYS
from .invoke import BedrockInvokeAdapter
from .invoke import check_buildable
from .invoke import model_family
from .model_defaults import thinking_unforced
from .model_defaults import tool_choice_values

if TYPE_CHECKING:
    from ...messages import BaseMessage
    from .adapter import BedrockAdapter

__all__ = [
    "ChatBedrock",
    "bedrock_parts",
    "counted_model_id",
    "counts_messages",
    "num_tokens_from_messages",
    "structured_target",
    "unforced_reply_raises",
]

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


@dropin
class ChatBedrock(ConverseEngine):
    """langchain-aws's `ChatBedrock`: Bedrock's InvokeModel API for Anthropic, Meta,
    Mistral, Amazon Titan, DeepSeek, OpenAI and Qwen models, or Converse
    (`beta_use_converse_api`). See the module docstring."""

    partner_record = BEDROCK_RECORD

    #: langchain-aws's fields, as it holds them (`bedrock_parts`).
    beta_use_converse_api: bool
    model_kwargs: dict[str, Any]
    guardrails: dict[str, Any]
    endpoint_url: str | None
    credentials_profile_name: str | None
    provider_stop_sequence_key_name_map: dict[str, str]
    provider_stop_reason_key_map: dict[str, str]
    system_prompt_with_tools: str
    partner_temperature: Any
    partner_max_tokens: Any
    partner_model_kwargs: dict[str, Any] | None

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """As given: its `model_kwargs` are its own field (taken apart by `__init__`),
        not moved as `ChatBedrockConverse`'s are. Its model id is read first, as its
        validator reads it before its fields are checked (5 fails as a TypeError there)."""
        if settings.get("beta_use_converse_api") is None:
            model = settings.get("model_id", settings.get("model"))
            _speaks_converse(model, settings.get("base_model_id", settings.get("base_model")))
        return settings

    def __init__(
        self,
        model: str | None = None,
        *,
        model_id: str | None = None,
        base_model_id: str | None = None,
        base_model: str | None = None,
        provider: str | None = None,
        beta_use_converse_api: bool | None = None,
        model_kwargs: Mapping[str, Any] | None = None,
        guardrails: Mapping[str, Any] | None = None,
        service_tier: str | None = None,
        request_metadata: Mapping[str, str] | None = None,
        region: str | None = None,
        region_name: str | None = None,
        extra_body: Mapping[str, Any] | None = None,
        supports_tool_choice_values: Sequence[str] | None = None,
        provider_stop_sequence_key_name_map: Mapping[str, str] = STOP_SEQUENCE_KEYS,
        provider_stop_reason_key_map: Mapping[str, str] = STOP_REASON_KEYS,
        system_prompt_with_tools: str = "",
        **settings: Any,
    ) -> None:
        given = {
            **settings,
            "model": model,
            "model_id": model_id,
            "base_model_id": base_model_id,
            "base_model": base_model,
            "provider": provider,
            "beta_use_converse_api": beta_use_converse_api,
            "model_kwargs": model_kwargs,
            "guardrails": guardrails,
            "service_tier": service_tier,
            "request_metadata": request_metadata,
            "region": region,
            "region_name": region_name,
            "extra_body": extra_body,
            "supports_tool_choice_values": supports_tool_choice_values,
            "provider_stop_sequence_key_name_map": provider_stop_sequence_key_name_map,
            "provider_stop_reason_key_map": provider_stop_reason_key_map,
            "system_prompt_with_tools": system_prompt_with_tools,
        }
        run = {k: given.pop(k) for k in RUN_SETTINGS if k in given}
        owner = type(self).__name__
        adapter, name, chosen, held = bedrock_parts(owner, given, constructor_names(type(self)))
        vars(self).update(held)
        ChatModel.__init__(self, adapter, name, **chosen)
        Tail({}, run).settle(self)
        #: The model's vendor and region (LangChain's fields).
        self.provider_name = adapter.vendor
        self.region_name = adapter.region_name

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        # (its warning at the frame that asked `_structured_target`)
        return structured_target(self, method, schema, stacklevel=4)

    def langchain_bound_on(self, keywords: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """Over Converse, langchain-aws's ChatBedrock binds tools and structured output on
        the ChatBedrockConverse its `_as_converse` builds from its fields (its model,
        region, credentials, endpoint, guardrails, sampling and the Converse keys of its
        model_kwargs; not its callbacks or other LangChain settings): the run a callback
        or an event stream sees is that class's."""
        if not self.beta_use_converse_api:
            return None
        given = {k: v for k, v in keywords.items() if v is not None}
        built: dict[str, Any] = {
            k: v for k, v in self.model_kwargs.items() if k in _CONVERSE_KEYS and v is not None
        }
        # Its fields (model_kwargs' temperature and max_tokens where those were not given),
        # each where langchain-aws's `_as_converse` finds it set.
        if (temperature := given.get("temperature", self.partner_temperature)) is not None:
            built["temperature"] = temperature
        for name, value in (
            ("max_tokens", given.get("max_tokens") or self.partner_max_tokens),
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
        if _guardrails_enabled(self.guardrails):
            built["guardrail_config"] = self.guardrails
        if self.endpoint_url:
            built["base_url"] = self.endpoint_url
        return "ChatBedrockConverse", {
            **built,
            "model": self.model,
            "region_name": self.region_name,
            "provider": self.provider_name,
        }

    def langchain_unforced_reply_raises(self) -> bool:
        return unforced_reply_raises(self)

    #: langchain-aws's ChatBedrock streams a call whenever it has `streaming=True` (its
    #: `_generate`, the Converse path's too), `disable_streaming` set or not.
    langchain_generate_streams = True

    #: langchain-aws's `set_system_prompt_with_tools(xml_tools_system_prompt)`: its
    #: field's assignment (its `bind_tools` calls it for a model it binds by an XML prompt).
    langchain_field_setters = {
        "set_system_prompt_with_tools": ("xml_tools_system_prompt", "system_prompt_with_tools")
    }

    #: langchain-aws's ChatBedrock sets no per-model `disable_streaming` (its parent's are
    #: ChatBedrockConverse's): LangChain's default, or the value given.
    langchain_disable_streaming = DropInEngine.langchain_disable_streaming

    langchain_counts_coerced = False  # its count reads each as a message (an AttributeError)

    def langchain_counts_messages(self) -> bool:
        return counts_messages(self)

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        return num_tokens_from_messages(self, messages, tools, keywords)

    @property
    def stop_sequences(self) -> list[str] | None:
        """langchain-aws's name for `stop`, as a list."""
        stop = self.stop
        if not stop:
            return None
        return [stop] if isinstance(stop, str) else list(stop)


# langchain-aws's ChatBedrock's own ways, as functions of any ChatModel on a Bedrock
# adapter (InvokeModel's, or Converse's where it speaks Converse): the hooks its record
# will name when it is built without an engine class (decision 013, slice 4).


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
    warning (over Converse: as ChatBedrockConverse, warned at `stacklevel` from here)."""
    from .converse_dropin import structured_target as converse_target

    converse = _over_converse(model)
    if method == "json_schema" and not converse:
        method = "function_calling"
    warns = converse and thinking_unforced(counted_model_id(model))
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


def num_tokens_from_messages(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int | None:
    """langchain-aws's count: Bedrock's CountTokens of the InvokeModel body; None
    (LangChain's count) for keywords. A failed request raises, as langchain-aws's
    does."""
    from ...chat.side_call import side_call
    from .count_tokens import invoke_input
    from .count_tokens import read_input_tokens

    if keywords:
        return None
    # A system prompt alone (or nothing) is counted with no turn, as langchain-aws
    # sends it: trim_messages(token_counter=model) counts the system message by itself.
    # A call needs a turn, so one is built with a placeholder, then dropped.
    alone = all(isinstance(m, SystemMessage) for m in messages)
    asked = [*messages, HumanMessage(".")] if alone else messages
    model.build_request(asked)  # checked as a call's, unsent
    body = BedrockInvokeAdapter.anthropic_body(asked, model._settings({}))
    if alone:
        body["messages"] = []
    adapter = cast("BedrockAdapter", model.adapter)
    request = adapter.count_tokens_request(
        counted_model_id(model), invoke_input(body, model.max_tokens)
    )
    return side_call(model, request, read_input_tokens)


def bedrock_parts(
    owner: str, given: dict[str, Any], known: Sequence[str]
) -> tuple[BedrockAdapter, str, dict[str, Any], dict[str, Any]]:
    """langchain-aws's `ChatBedrock` constructor, of its keywords `given` (each by its
    name; taken out of it) for the drop-in `owner` (`known`: the names a typo is matched
    against): the adapter (InvokeModel's, or Converse's: `converse_parts`), the model id,
    `ChatModel`'s settings, and langchain-aws's fields as it holds them, by attribute
    name (`model_kwargs`, `guardrails`, `beta_use_converse_api`...), refused before any
    request as it refuses."""
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
    # LangChain's stream_usage, which langchain-aws's ChatBedrock lacks: its warning,
    # and held in model_kwargs as there, but not sent (its body would carry it, which
    # the model refuses); a stream's usage comes whatever it says.
    kept = {"stream_usage": settings.get("stream_usage")}
    if not moved_to_model_kwargs(settings, "stream_usage", outer=2):
        kept.clear()
    held: dict[str, Any] = {}
    model_kwargs = _fields_taken(held, model_kwargs, settings)
    model_name = pick(owner, model=model, model_id=model_id)
    base = pick(owner, base_model_id=base_model_id, base_model=base_model)
    region_name = pick(owner, region_name=region_name, region=region)
    if settings.get("reasoning_effort") is not None:
        # ChatBedrockConverse's field, not ChatBedrock's: langchain-aws keeps it in
        # model_kwargs (sent raw to InvokeModel, dropped over Converse). Unknown here.
        raise unknown_keyword(owner, "reasoning_effort", (), _EFFORT_HINT)
    if beta_use_converse_api is None:  # langchain-aws's default: Nova speaks Converse
        beta_use_converse_api = _speaks_converse(model_name, base)
    #: Whether calls go to Converse (LangChain's field).
    converse = held["beta_use_converse_api"] = bool(beta_use_converse_api)
    if not converse:
        family = provider or (model_name and model_family(model_name))
        moved = [k for k in BODY_KEYWORDS.get(family or "", ()) if k in settings]
        if moved:
            model_kwargs = {**(model_kwargs or {}), **{k: settings[k] for k in moved}}
            for name in moved:
                moved_to_model_kwargs(settings, name, outer=2)
    guardrail = guardrails if _guardrails_enabled(guardrails) else None
    # langchain-aws's fields, as it keeps them (the endpoint and profile as given).
    held["model_kwargs"] = {**(model_kwargs or {}), **kept}
    held["guardrails"] = dict(guardrails) if guardrails is not None else dict(NO_GUARDRAILS)
    held["endpoint_url"] = settings.get("endpoint_url") or settings.get("base_url")
    held["credentials_profile_name"] = settings.get("credentials_profile_name")
    _hold_key_maps(held, stop_keys, reason_keys)
    # (None: what the field holds once assigned it, as langchain-aws's holds it, and
    # sends nothing; its constructor refuses it, as pydantic's field does)
    if system_prompt_with_tools is not None and not isinstance(system_prompt_with_tools, str):
        raise TypeError("system_prompt_with_tools: input should be a valid string")
    held["system_prompt_with_tools"] = system_prompt_with_tools
    held["base_model_id"] = base
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
        return (
            *converse_parts(
                owner,
                spelled(
                    owner,
                    {
                        **lifted,
                        **settings,
                        **converse_given,
                        "guardrail_config": guardrail,
                        "model_kwargs": rest or None,
                    },
                ),
                known,
            ),
            held,
        )
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
    return invoke, name, chosen, held


def _hold_key_maps(held: dict[str, Any], stop_keys: Any, reason_keys: Any) -> None:
    """langchain-aws's key maps by model vendor, as its fields hold them: the key of
    a stream's stop sequences (`BedrockInvokeAdapter.stream_stop_keys` sends what a
    script changes), and the stop reason's, which it reads only where its call then
    raises (a non-Anthropic model with `streaming=True`, called without streaming:
    an UnboundLocalError), so it changes nothing read here."""
    for name, value in (
        ("provider_stop_sequence_key_name_map", stop_keys),
        ("provider_stop_reason_key_map", reason_keys),
    ):
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise TypeError(f"{name}: input should be a valid dictionary of strings")
        held[name] = dict(value)


def _fields_taken(
    held: dict[str, Any], model_kwargs: Mapping[str, Any] | None, settings: dict[str, Any]
) -> Mapping[str, Any] | None:
    """`model_kwargs` without the `temperature` and `max_tokens` langchain-aws's
    validator takes out of them: each becomes its field's value (in `settings`)
    where that field was not given (`max_tokens`: not given or 0), and is dropped
    where it was. What its fields then hold is kept (`partner_*`: None, unchanged)."""
    held["partner_temperature"] = held["partner_max_tokens"] = None
    held["partner_model_kwargs"] = None
    if not model_kwargs or not {"temperature", "max_tokens"} & set(model_kwargs):
        return model_kwargs
    rest = dict(model_kwargs)
    if "temperature" in rest:
        value = rest.pop("temperature")
        if settings.get("temperature") is None:
            settings["temperature"] = held["partner_temperature"] = value
    if "max_tokens" in rest:
        value = rest.pop("max_tokens")
        if not settings.get("max_tokens"):
            settings["max_tokens"] = held["partner_max_tokens"] = value
    held["partner_model_kwargs"] = rest
    return rest


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


def _without_cache(model_kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """`model_kwargs` but its `cache_control`, which the adapter sends apart from a call's."""
    return {k: v for k, v in (model_kwargs or {}).items() if k != "cache_control"}
