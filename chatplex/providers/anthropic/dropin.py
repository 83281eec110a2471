"""`ChatAnthropic`: langchain-anthropic's class as a record (`PartnerClass`):
`chatplex.langchain.ChatAnthropic` makes its LangChain chat model from it.

A script written for `langchain_anthropic.ChatAnthropic` ports by changing its import
line: the names and aliases are LangChain's (`model`/`model_name`, `max_tokens`/
`max_tokens_to_sample`, `api_key`/`anthropic_api_key`, `base_url`/`anthropic_api_url`,
`timeout`/`default_request_timeout`, `stop`/`stop_sequences`, `betas`, `thinking`,
`reasoning_effort`/`effort`, ...), plus chatplex's own (`rate_limit`, `retry_policy`,
`max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
`anthropic_version`, `default_max_tokens`). Other keywords must be parameters of the
Messages API (`metadata`, `service_tier`, `cache_control`, ...): anything else is a
TypeError naming the closest known name; newer parameters go through
`model_kwargs={...}`. The model (`build`) is a plain `ChatModel` over Anthropic's
Messages API (`chatplex.providers.anthropic.adapter`), named `ChatAnthropic` in events,
logs, schemas and callbacks.

`max_tokens` unset sends langchain-anthropic's per-model default (the model's output
limit, `MAX_OUTPUT_TOKENS`; 4096 for models it does not name), unless
`default_max_tokens=` says otherwise. `user_profile_id` / `workspace_id` go as the
headers the SDK sends them in. What its class does its own way: its token counts ask
the count_tokens endpoint, its `bind_tools` drops tools with a root `oneOf`/`anyOf`
(`PartnerHooks`); a call whose conversation brings a beta, and a call's `Timeout`
object, are its partner record's (`partner.py`).

>>> model = build({"model": "claude-sonnet-4-5", "anthropic_api_key": "sk-ant-example"})
>>> model.get_name(), model.model
('ChatAnthropic', 'claude-sonnet-4-5')
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import cast

from pydantic import SecretStr

from ...adapters.extra_body_layer import call_model
from ...adapters.validate import check_headers
from ...chat.binding import merged_last
from ...chat.dropin import pick
from ...chat.langsmith_gateway import GatewayReport
from ...chat.langsmith_gateway import GatewayRoute
from ...chat.params import HEADER_PARAMETERS
from ...chat.partner_form import Fallback
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_form import SharedHttpClient
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import MessagesCount
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_request_options
from ...chat.partner_record import take_settings
from ...chat.partner_warnings import say_moved
from ...chat.proxied import proxied_clients
from ...chat.sdk_agents import SdkForms
from ...chat.sdk_agents import stainless_headers
from ...chat.side_call import side_call
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...secret import is_secret_name
from ...secret import merged_headers
from ...secret.arguments import hold_keys
from ...specs import MoveWarning
from ...specs import dumped_under_aliases
from ...specs import field_names
from .adapter import ANTHROPIC_VERSION
from .adapter import default_max_tokens_for
from .betas import with_request_betas
from .later_systems import TOOL_CHANGES

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from .adapter import AnthropicAdapter

__all__ = [
    "UNNAMED_PARAMETERS",
    "ChatAnthropic",
    "build",
    "build_on",
    "num_tokens_from_messages",
    "tools_to_bind",
]

_OWNER = "ChatAnthropic"

#: The Messages API parameters langchain-anthropic's class has no field for: given to
#: its constructor, its validator (langchain-core's `_build_model_kwargs`) moves them
#: into `model_kwargs` with its warning and sends them from there. Warned, shown there,
#: and sent as any API parameter is.
UNNAMED_PARAMETERS = frozenset(
    {"cache_control", "diagnostics", "service_tier", "speed", "system", "tool_choice", "tools"}
    | {"workspace_id", "billing_policy", "compaction", "fallback_credit_token", "fallbacks"}
    | {"thread"}
)
#: ... and the anthropic SDK's request option it moves there the same way, which its
#: `create()` merges into the body (a call's own replaces it, as any keyword there).
MOVED = UNNAMED_PARAMETERS | {"extra_body"}

#: langchain-anthropic's pydantic aliases, alias -> field.
_ALIASES = {
    "model_name": "model",
    "max_tokens_to_sample": "max_tokens",
    "timeout": "default_request_timeout",
    "stop": "stop_sequences",
    "base_url": "anthropic_api_url",
    "api_key": "anthropic_api_key",
    "effort": "reasoning_effort",
}


#: Its fields that are its Messages API's body fields, sent as given where set.
_BODY_FIELDS = (
    "top_k",
    "thinking",
    "mcp_servers",
    "context_management",
    "container",
    "inference_geo",
    "user_profile_id",
)


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-anthropic's constructor: the model from its fields as held
    (`PartnerClass.build`). A keyword its class has no field for (`MOVED`)
    is moved into `model_kwargs` with its warning and sent as given."""
    return build_on(keywords, ChatAnthropic, _OWNER, _api_adapter)


def _api_adapter(api_key: Any, base_url: Any, **options: Any) -> AnthropicAdapter:
    """Anthropic's own API: LangChain's base URL variable first, then the SDK's (the
    environment's key goes along)."""
    from .adapter import AnthropicAdapter

    variables = ("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL")
    return AnthropicAdapter(api_key=api_key, base_url=base_url, base_variables=variables, **options)


def build_on(
    keywords: dict[str, Any],
    record: PartnerClass,
    owner: str,
    make_adapter: Callable[..., AnthropicAdapter],
) -> ChatModel:
    """The model of `record`, a `ChatAnthropic` or a subclass of it (named `owner`), from
    its fields as held: `make_adapter(api_key, base_url, **options)` makes its wire's
    adapter (an `AnthropicAdapter`; the options are the Messages body's)."""
    given = dict(keywords)
    hold_keys(given, is_secret_name)
    for name in [name for name in given if name in MOVED]:
        say_moved(name, MoveWarning(outer=2))  # (where its fixed stacklevel lands)
    held = given.get("model_kwargs")
    if isinstance(held, Mapping) and "extra_body" in held:  # (sent from there: its SDK's)
        given["model_kwargs"] = {k: v for k, v in held.items() if k != "extra_body"}
        given["extra_body"] = held["extra_body"]
    spelled = {name: given.pop(name, None) for name in (*_ALIASES, *_ALIASES.values())}
    for alias, name in _ALIASES.items():
        spelled[name] = pick(owner, **{name: spelled[name], alias: spelled.pop(alias)})
    api_key, base_url = spelled["anthropic_api_key"], spelled["anthropic_api_url"]
    model, reasoning_effort = spelled["model"], spelled["reasoning_effort"]
    given.update(
        max_tokens=spelled["max_tokens"],
        timeout=spelled["default_request_timeout"],
        stop=spelled["stop_sequences"],
    )
    default_headers, betas = given.pop("default_headers", None), given.pop("betas", None)
    output_config = given.pop("output_config", None)
    body = {name: given.pop(name, None) for name in _BODY_FIELDS}
    reuse_last_container = given.pop("reuse_last_container", None)
    anthropic_proxy = given.pop("anthropic_proxy", None)
    anthropic_version = given.pop("anthropic_version", ANTHROPIC_VERSION)
    default_max_tokens = given.pop("default_max_tokens", None)
    settings = take_settings(given)
    before: dict[str, Any] = {}  # (its SDK's request options in `model_kwargs`: sent as such)
    if "model_kwargs" in settings:
        settings["model_kwargs"], before = take_request_options(settings["model_kwargs"], settings)
    api_params = checked_keywords(record, owner, "anthropic", given)
    if model is None:  # (an empty name: refused when the model is built, a ValueError)
        raise TypeError(f"{owner} needs model=... (e.g. 'claude-sonnet-4-5')")
    check_headers(default_headers, "default_headers")  # (before merging them)
    headers = merged_headers(default_headers)
    if betas:
        headers["anthropic-beta"] = ",".join(betas)
    # (the SDK's header parameters, `user_profile_id`...: moved there by the adapter)
    sent = {k: v for k, v in body.items() if v is not None}
    if output_config is not None or reasoning_effort is not None:
        sent["output_config"] = {**(output_config or {})}
        if reasoning_effort is not None:
            sent["output_config"]["effort"] = reasoning_effort
    adapter = make_adapter(
        api_key,
        base_url,
        anthropic_version=anthropic_version,
        default_headers=headers,
        default_max_tokens=(
            default_max_tokens if default_max_tokens is not None else default_max_tokens_for(model)
        ),
        effort_set=bool(reasoning_effort),
        later_systems=True,  # a later system message in place or hoisted, as theirs
        reuse_last_container=bool(reuse_last_container),
        extra_block_types=TOOL_CHANGES,  # (a system message's, sent where it stands)
    )
    # Its own beta fields (`mcp_servers`...) send every call through the SDK's beta
    # client in langchain-anthropic: its replies show the beta models' fields.
    adapter._beta_replies = with_request_betas(None, sent) is not None
    # Without betas it calls the SDK's plain client, which refuses the beta fields.
    adapter._plain_calls_checked = not betas
    adapter._count_betas = None if betas is None else tuple(betas)  # (its counts')
    # Through its proxy, where one is set, as langchain-anthropic's httpx clients.
    proxied = proxied_clients(anthropic_proxy, "ANTHROPIC_PROXY", settings)
    extra_body = settings.pop("extra_body", None)  # (merged last, as the SDK merges it)
    built = partner_model(record, adapter, model, {**settings, **sent, **proxied, **api_params})
    return merged_last(built, extra_body, (adapter,), before)  # (under a call's own)


def num_tokens_from_messages(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int:
    """The tokens of `messages` (and `tools`), as langchain-anthropic counts them:
    Anthropic's `POST /v1/messages/count_tokens`, with the model's betas, its
    `context_management` and the keywords the anthropic SDK's `count_tokens` takes
    (`tool_choice`, `thinking`, ... `user_profile_id`, `extra_body`, `extra_headers`,
    `extra_query`, `timeout`). Sent as the model's calls are (its retries, timeout,
    errors)."""
    from .count_tokens import read_input_tokens
    from .errors import COUNT_ERROR_FAMILIES

    given = dict(keywords)
    timeout = given.pop("timeout", None)
    # The SDK's header parameters, under its `extra_headers` (which win).
    headers = {
        header: str(given.pop(param))
        for param, header in HEADER_PARAMETERS["anthropic"].items()
        if given.get(param) is not None
    }
    given["extra_headers"] = {**headers, **(given.get("extra_headers") or {})}
    counted = model.bind_tools(tools) if tools else model
    if any(param in counted.extra_body for param in HEADER_PARAMETERS["anthropic"]):
        # The model's own (`user_profile_id`...) go with its calls, not its counts:
        # langchain-anthropic counts with the count's keywords alone.
        counted = copy.copy(counted)
        counted.extra_body = {
            k: v for k, v in counted.extra_body.items() if k not in HEADER_PARAMETERS["anthropic"]
        }
    # A system prompt alone (or nothing) is counted with no turn, as langchain-anthropic
    # sends it: trim_messages(token_counter=model) counts the system message by itself.
    # A chat request needs a turn, so one is built with a placeholder, then dropped.
    alone = all(isinstance(m, SystemMessage) for m in messages)
    asked = [*messages, HumanMessage(".")] if alone else messages
    if cast("AnthropicAdapter", counted.adapter)._plain_calls_checked:
        # (a beta field without betas: the count's own TypeError, `count_request`)
        counted = copy.copy(counted)
        counted.adapter = copy.copy(counted.adapter)
        cast("AnthropicAdapter", counted.adapter)._plain_calls_checked = False
    chat = counted.build_request(asked)  # bad messages or tools raise here, unsent
    if alone:
        chat = dataclasses.replace(chat, json={**chat.json, "messages": []})
    adapter = cast("AnthropicAdapter", model.adapter)
    request = adapter.count_tokens_request(chat, given, adapter._count_betas)
    return side_call(
        model, request, read_input_tokens, error_families=COUNT_ERROR_FAMILIES, timeout=timeout
    )


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """langchain-anthropic's `bind_tools`: a tool whose schema has a top-level
    `oneOf`/`anyOf` is dropped with a warning, and binding fails where that leaves no
    tool or a forced choice unmet; with thinking on, a forced choice is dropped with a
    warning (`root_composition`)."""
    from .root_composition import choice_beside_thinking
    from .root_composition import drop_root_composition_tools

    thinking = model.extra_body.get("thinking")
    kept = drop_root_composition_tools(tools, tool_choice, thinking)
    return kept, choice_beside_thinking(tool_choice, thinking)


#: langchain-anthropic's `ChatAnthropic` as data: the facts its LangChain class reports,
#: how it writes its fields, its own pydantic fields, how its model is built, and what it
#: does its own way (its token counts, its tool binding).
ChatAnthropic = PartnerClass(
    llm_type="anthropic-chat",
    namespace=("langchain", "chat_models", "anthropic"),
    partner_class="langchain_anthropic.chat_models:ChatAnthropic",
    # langchain-anthropic sets its User-Agent; anthropic's SDK also writes the timeout
    # given to the call (langchain-anthropic passes a call's `timeout=` to `create()`),
    # its NOT_GIVEN sentinel where none is.
    sdk=SdkForms(
        "langchain-anthropic/{langchain-anthropic}",
        stainless_headers(
            "anthropic",
            **{"X-Stainless-Raw-Response": "raw", "x-stainless-timeout": "{call_timeout}"},
        ),
        versions=(("langchain-anthropic", "1.7.10"), ("anthropic", "2.14.0")),
    ),
    fields=PartnerFields(
        kept_in=dict.fromkeys(MOVED, "model_kwargs"),
        annotations={"model": str},
        required=frozenset({"model"}),
        aliases=_ALIASES,
        defaults={"max_retries": 2, "stream_usage": True},
        filled={"max_tokens": "adapter.default_max_tokens"},
        secrets={
            "anthropic_api_key": "ANTHROPIC_API_KEY",
            "mcp_servers": "ANTHROPIC_MCP_SERVERS",
        },
        floats=frozenset({"temperature", "default_request_timeout"}),
        langsmith_gateway=GatewayRoute(
            "anthropic_api_url",
            "anthropic_api_key",
            "anthropic",
            base_variables=("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"),
            key_variables=("ANTHROPIC_API_KEY",),
            default_base="https://api.anthropic.com",
        ),
        gateway_report=GatewayReport("anthropic_api_key"),  # (with a LangSmith key)
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset({"model_kwargs", "max_tokens"}),
        dump_aliases=dumped_under_aliases(_ALIASES),
        # Its fields, unset ones too; its `reasoning_effort` inside `output_config`.
        identifying=IdentifyingParams(
            always={
                name: name
                for name in (
                    "model",
                    "max_tokens",
                    "temperature",
                    "top_k",
                    "top_p",
                    "model_kwargs",
                    "streaming",
                    "max_retries",
                    "default_request_timeout",
                    "thinking",
                    "output_config",
                )
            },
            unset={"model_kwargs": {}},
            merged={"output_config": {"effort": "reasoning_effort"}},
        ),
        dumped=field_names(
            "name disable_streaming output_version model max_tokens temperature top_k "
            "top_p default_request_timeout max_retries stop_sequences anthropic_api_url "
            "anthropic_api_key anthropic_proxy default_headers betas model_kwargs "
            "streaming stream_usage thinking output_config reasoning_effort mcp_servers "
            "context_management container reuse_last_container inference_geo "
            "user_profile_id"
        ),
        # Its repr's fields, in its order (`print(llm)`; `dumpd` writes it too).
        shown=field_names(
            "name cache callbacks tags metadata custom_get_token_ids rate_limiter "
            "disable_streaming output_version profile model max_tokens temperature top_k "
            "top_p default_request_timeout max_retries stop_sequences anthropic_api_url "
            "anthropic_api_key anthropic_proxy default_headers betas model_kwargs "
            "streaming stream_usage thinking output_config reasoning_effort mcp_servers "
            "context_management container reuse_last_container inference_geo "
            "user_profile_id"
        ),
        # Its SDK clients, private there (`llm._client.models.list()`), under its
        # User-Agent.
        clients={
            "_client": SdkClient("anthropic:Anthropic"),
            "_async_client": SdkClient("anthropic:AsyncAnthropic"),
        },
        client_arguments={
            "api_key": "anthropic_api_key",
            "base_url": "anthropic_api_url",
            "max_retries": "max_retries",
            "default_headers": "default_headers",
            "timeout": "default_request_timeout",
        },
        client_headers={"User-Agent": "langchain-anthropic/{partner_version}"},
        client_proxy="anthropic_proxy",  # (given, else read from ANTHROPIC_PROXY)
        client_proxy_classes=(
            "anthropic:DefaultHttpxClient",
            "anthropic:DefaultAsyncHttpxClient",
        ),
        # One httpx client per base URL, timeout and proxy, shared by its models (its
        # `_get_default_httpx_client`).
        client_shared=SharedHttpClient(
            ("anthropic:DefaultHttpxClient", "anthropic:DefaultAsyncHttpxClient"),
            base_url=Fallback("https://api.anthropic.com", ("ANTHROPIC_BASE_URL",)),
            proxied=True,
        ),
    ),
    profiles="anthropic",
    lifts_model_kwargs=2,  # (langchain-core's build_model_kwargs: stacklevel=7)
    # Its own pydantic fields, in its order. `max_tokens` left None is the model's output
    # limit (its "before" validator); the base URL and key are read by its gateway
    # validator (langchain-core's `_apply_gateway_config`), the URL defaulting to
    # https://api.anthropic.com there (LangSmith's gateway variables aside).
    declared=(
        PartnerField("model", str, REQUIRED, alias="model_name"),
        PartnerField("max_tokens", int | None, alias="max_tokens_to_sample"),
        PartnerField("temperature", float | None),
        PartnerField("top_k", int | None),
        PartnerField("top_p", float | None),
        PartnerField("default_request_timeout", float | None, alias="timeout"),
        PartnerField("max_retries", int, 2),
        PartnerField("stop_sequences", list[str] | None, alias="stop"),
        PartnerField(
            "anthropic_api_url",
            str | None,
            alias="base_url",
            env=("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"),
        ),
        PartnerField(
            "anthropic_api_key",
            SecretStr,
            SecretStr(""),
            alias="api_key",
            env=("ANTHROPIC_API_KEY",),
        ),
        PartnerField("anthropic_proxy", str | None, env=("ANTHROPIC_PROXY",)),
        PartnerField("default_headers", Mapping[str, str] | None),
        PartnerField("betas", list[str] | None),
        PartnerField("model_kwargs", dict[str, Any], factory=dict),
        PartnerField("streaming", bool, False),
        PartnerField("stream_usage", bool, True),
        PartnerField("thinking", dict[str, Any] | None),
        PartnerField("output_config", dict[str, Any] | None),
        PartnerField(
            "reasoning_effort",
            Literal["max", "xhigh", "high", "medium", "low"] | None,
            alias="effort",
        ),
        PartnerField("mcp_servers", list[dict[str, Any]] | None),
        PartnerField("context_management", dict[str, Any] | None),
        PartnerField("container", dict[str, Any] | str | None),
        PartnerField("reuse_last_container", bool | None),
        PartnerField("inference_geo", str | None),
        PartnerField("user_profile_id", str | None),
    ),
    build=build,
    hooks=PartnerHooks(
        tools_to_bind=tools_to_bind,
        call_model=call_model,  # (the constructor's extra_body under a call's own)
        # (langchain-anthropic counts a list of messages at once, for every model)
        messages_count=MessagesCount(num_tokens_from_messages),
        stream_tokens=StreamTokens(),
    ),
)
