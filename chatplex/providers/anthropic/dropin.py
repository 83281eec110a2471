"""`ChatAnthropic`: a chatplex chat model that takes langchain-anthropic's constructor.

A script written for `langchain_anthropic.ChatAnthropic` ports by changing its import
line: the names and aliases are LangChain's (`model`/`model_name`, `max_tokens`/
`max_tokens_to_sample`, `api_key`/`anthropic_api_key`, `base_url`/`anthropic_api_url`,
`timeout`/`default_request_timeout`, `stop`/`stop_sequences`, `betas`, `thinking`,
`reasoning_effort`/`effort`, ...), the model is chatplex's, named `ChatAnthropic` in
events, logs, schemas and callbacks. Everything is resolved here, once.

>>> model = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-ant-example")
>>> model.get_name(), model.model
('ChatAnthropic', 'claude-sonnet-4-5')
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import cast

from ...adapters.validate import check_headers
from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.dropin_fields import BODY
from ...chat.dropin_fields import CONNECTION
from ...chat.dropin_fields import REASONING_EFFORT
from ...chat.dropin_fields import SAMPLING
from ...chat.dropin_fields import STREAM_USAGE
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import TIMEOUT
from ...chat.dropin_fields import TOP_K
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import DropInEngine
from ...chat.model import ChatModel
from ...chat.params import HEADER_PARAMETERS
from ...chat.partner_warnings import say_moved
from ...chat.proxied import proxied_clients
from ...chat.side_call import side_call
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import message_list
from ...secret import merged_headers
from ...specs import MoveWarning
from .adapter import ANTHROPIC_VERSION
from .adapter import default_max_tokens_for
from .betas import with_request_betas
from .dropin_record import CHAT_ANTHROPIC
from .dropin_record import UNNAMED_PARAMETERS
from .later_systems import TOOL_CHANGES

__all__ = ["ChatAnthropic"]


#: The parameters it shares with other drop-ins (shown before its own).
_FIELDS = (
    *SAMPLING,
    TIMEOUT,
    *CONNECTION,
    STREAMING,
    STREAM_USAGE,
    *BODY,
    TOP_K,
    REASONING_EFFORT,
)


@dropin(
    fields=_FIELDS,
    aliases=spellings(
        "model_name",
        "max_tokens_to_sample",
        "stop_sequences",
        "default_request_timeout",
        "anthropic_api_key",
        "anthropic_api_url",
        "effort",
    ),
)
class ChatAnthropic(DropInEngine):
    """Anthropic Messages with LangChain's constructor. Parameters are
    langchain-anthropic's, plus chatplex's own (`rate_limit`, `retry_policy`,
    `max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
    `anthropic_version`,
    `default_max_tokens`, `name`). Other keywords must be parameters of the Messages API
    (`metadata`, `service_tier`, `cache_control`, ...): anything else is a TypeError
    naming the closest known name; newer parameters go through `model_kwargs={...}`.

    `max_tokens` unset sends langchain-anthropic's per-model default (the model's output
    limit, `MAX_OUTPUT_TOKENS`; 4096 for models it does not name), unless
    `default_max_tokens=` says otherwise. `user_profile_id` / `workspace_id` go
    as the headers the SDK sends them in.

    Examples:
        >>> from chatplex.providers.anthropic.dropin import ChatAnthropic
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server:  # for real: no base_url, ANTHROPIC_API_KEY set
        ...     model = ChatAnthropic(
        ...         model="claude-3-5-haiku-latest", max_tokens=256,
        ...         base_url=server.anthropic_base_url, api_key="sk-ant-test",
        ...     )
        ...     model.invoke("hi").text
        'Echo: hi'
    """

    partner_record = CHAT_ANTHROPIC

    def __init__(
        self,
        model: str | None = None,
        *,
        betas: Sequence[str] | None = None,
        thinking: Mapping[str, Any] | None = None,
        output_config: Mapping[str, Any] | None = None,
        mcp_servers: Sequence[Mapping[str, Any]] | None = None,
        context_management: Mapping[str, Any] | None = None,
        container: str | None = None,
        inference_geo: str | None = None,
        user_profile_id: str | None = None,
        reuse_last_container: bool | None = None,
        anthropic_proxy: str | None = None,
        anthropic_version: str = ANTHROPIC_VERSION,
        default_max_tokens: int | None = None,
        **params: Any,
    ) -> None:
        from .adapter import AnthropicAdapter

        for name in [name for name in params if name in UNNAMED_PARAMETERS]:
            say_moved(name, MoveWarning(outer=2))  # (where its fixed stacklevel lands)
        taken = take_params(self, params, _FIELDS, "anthropic")
        if not model:
            raise TypeError(f"{taken.owner} needs model=... (e.g. 'claude-sonnet-4-5')")
        given = taken.given
        check_headers(given["default_headers"], "default_headers")  # (before merging them)
        headers = merged_headers(given["default_headers"])
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
        # (the SDK's header parameters, `user_profile_id`...: moved there by the adapter)
        body: dict[str, Any] = {
            k: v
            for k, v in {
                **taken.sent((TOP_K,)),
                "thinking": thinking,
                "mcp_servers": mcp_servers,
                "context_management": context_management,
                "container": container,
                "inference_geo": inference_geo,
                "user_profile_id": user_profile_id,
            }.items()
            if v is not None
        }
        reasoning_effort = given["reasoning_effort"]
        if output_config is not None or reasoning_effort is not None:
            body["output_config"] = {**(output_config or {})}
            if reasoning_effort is not None:
                body["output_config"]["effort"] = reasoning_effort
        adapter = AnthropicAdapter(
            api_key=given["api_key"],
            base_url=given["base_url"],
            # LangChain's variable first, then the SDK's (the environment's key goes along).
            base_variables=("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL"),
            anthropic_version=anthropic_version,
            default_headers=headers,
            default_max_tokens=(
                default_max_tokens
                if default_max_tokens is not None
                else default_max_tokens_for(model)
            ),
            effort_set=bool(reasoning_effort),
            later_systems=True,  # a later system message in place or hoisted, as theirs
            reuse_last_container=bool(reuse_last_container),
            extra_block_types=TOOL_CHANGES,  # (a system message's, sent where it stands)
        )
        # Its own beta fields (`mcp_servers`...) send every call through the SDK's beta
        # client in langchain-anthropic: its replies show the beta models' fields.
        adapter._beta_replies = with_request_betas(None, body) is not None
        # Without betas it calls the SDK's plain client, which refuses the beta fields.
        adapter._plain_calls_checked = not betas
        # Through its proxy, where one is set, as langchain-anthropic's httpx clients.
        proxied = proxied_clients(anthropic_proxy, "ANTHROPIC_PROXY", taken.tail.settings)
        taken.settle(self, adapter, model, **body, **proxied)
        adapter._count_betas = None if betas is None else tuple(betas)  # (its counts')

    def get_num_tokens_from_messages(
        self,
        messages: list[BaseMessage],
        tools: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> int:
        """The tokens of `messages` (and `tools`), as langchain-anthropic counts them:
        Anthropic's `POST /v1/messages/count_tokens`, with the model's betas, its
        `context_management` and the keywords the anthropic SDK's `count_tokens` takes
        (`tool_choice`, `thinking`, ... `user_profile_id`, `extra_body`, `extra_headers`,
        `extra_query`, `timeout`). Sent as the model's calls are (its retries, timeout,
        errors).

        Examples:
            >>> from chatplex.messages import HumanMessage
            >>> from chatplex.testing import MockServer
            >>> with MockServer() as server:
            ...     model = ChatAnthropic(
            ...         model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k"
            ...     )
            ...     model.get_num_tokens_from_messages([HumanMessage("Hello, Claude")])
            5
        """
        checked = message_list(messages, BaseMessage, "get_num_tokens_from_messages")
        return num_tokens_from_messages(self, checked, tools, kwargs)

    def langchain_counts_messages(self) -> bool:
        return True  # langchain-anthropic asks the count_tokens endpoint

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int:
        return num_tokens_from_messages(self, messages, tools, keywords)

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        return tools_to_bind(self, tools, tool_choice)


def counts_messages(model: ChatModel) -> bool:
    """langchain-anthropic counts a list of messages at once (`num_tokens_from_messages`)."""
    return True


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
    from .adapter import AnthropicAdapter
    from .count_tokens import read_input_tokens

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
    return side_call(model, request, read_input_tokens, timeout=timeout)


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
