"""`ChatOpenAI`: a chatplex chat model that takes langchain-openai's constructor.

A script written for `langchain_openai.ChatOpenAI` ports by changing its import line:
the parameter names and aliases are LangChain's (`model`/`model_name`, `max_tokens`/
`max_completion_tokens`, `api_key`/`openai_api_key`, `base_url`/`openai_api_base`,
`timeout`/`request_timeout`, `stop`/`stop_sequences`, ...), the model is chatplex's
(its transport, pools, retries and limiter), and it is named `ChatOpenAI` in events,
logs, schemas and callbacks. Everything is resolved here, once: calls cost what a
`ChatModel`'s do.

>>> model = ChatOpenAI(model="gpt-4o-mini", temperature=0, api_key="sk-example")
>>> model.get_name(), model.model, model.temperature
('ChatOpenAI', 'gpt-4o-mini', 0)
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.tools import builtin_spec
from ...chat.binding import merge_body
from ...chat.dropin import UNSET
from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.dropin import timeout_in_seconds
from ...chat.dropin_fields import CLIENT_FIELDS
from ...chat.dropin_fields import FREQUENCY_PENALTY
from ...chat.dropin_fields import LOGPROBS
from ...chat.dropin_fields import PRESENCE_PENALTY
from ...chat.dropin_fields import REASONING_EFFORT
from ...chat.dropin_fields import SEED
from ...chat.dropin_fields import SERVICE_TIER
from ...chat.dropin_fields import TOP_LOGPROBS
from ...chat.dropin_fields import take_params
from ...chat.langchain_hooks import settled_as_held
from ...chat.model import ChatModel
from ...chat.params import check_api_parameters
from ...chat.proxied import proxied_clients
from ...chat.token_counts import wire_counts
from . import choices
from . import chunk_bound
from .base_chat_openai import bounded_stream
from .base_chat_openai import counted_messages
from .base_chat_openai import counted_token_ids
from .base_chat_openai import layer_over_call
from .choices import check_responses_only
from .choices import is_builtin_tool
from .choices import langchain_temperature
from .choices import wants_responses_api
from .dropin_record import CHAT_OPENAI_RECORD
from .dropin_record import DEFAULT_MODEL
from .extra_body_layer import ExtraBodyLayer
from .extra_body_layer import engine_for_call
from .stop_dropin import StopAsGiven

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...adapters.request_types import CallSettings
    from ...core.run_config import RunnableConfig
    from ...messages import AIMessageChunk
    from ...messages import BaseMessage
    from ...secret import Secret
    from .responses_adapter import OpenAIResponsesAdapter

__all__ = ["ChatOpenAI", "TiktokenCounted"]

#: Request parameters it shares with other drop-ins, sent as given when set.
_SENT = (
    SEED,
    PRESENCE_PENALTY,
    FREQUENCY_PENALTY,
    LOGPROBS,
    TOP_LOGPROBS,
    REASONING_EFFORT,
    SERVICE_TIER,
)
_FIELDS = (*CLIENT_FIELDS, *_SENT)


class TiktokenCounted(StopAsGiven):
    """A chat model counting tokens as langchain-openai's `BaseChatOpenAI` counts
    (`tokens.py`): with tiktoken, of `tiktoken_model_name` or else the partner's
    `model_name`, and bounding an async stream's chunks as it does; sending `stop` as
    given (`stop_dropin.py`); holding the constructor's `extra_body` as a layer a call's
    own replaces (`extra_body_layer.py`; a class whose SDK merges it sets it). The base of
    the drop-ins whose partner class is one still built as a class: each method calls
    the function a model built from its record reads (`base_chat_openai.py`)."""

    _extra_body_layer = ExtraBodyLayer()

    #: The model name tiktoken counts with (None: the model's), langchain-openai's field.
    tiktoken_model_name: str | None = None
    #: langchain-openai's bound on each chunk's wait, async streams only (None: off; a
    #: class whose partner is a BaseChatOpenAI sets it: `chunk_bound.py`).
    stream_chunk_timeout: float | None = None

    @property
    def counts_with_tiktoken(self) -> bool:
        """Whether it counts as langchain-openai's classes: its wire's `token_counts`, the
        counter chatplex's own models read too (a preset's row says it)."""
        return wire_counts(self.adapter) is not None

    def langchain_call_engine(self, keywords: Mapping[str, Any]) -> ChatModel:
        return engine_for_call(self, keywords)  # (a call's `extra_body`: `extra_body_layer.py`)

    def langchain_token_ids(self, text: str) -> list[int] | None:
        if not self.counts_with_tiktoken:
            return None
        return counted_token_ids(self.adapter, self._counted_model(), text)

    def langchain_counts_messages(self) -> bool:
        return self.counts_with_tiktoken

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        """langchain-openai's count (`base_chat_openai.counted_messages`)."""
        if not self.counts_with_tiktoken:
            return None
        return counted_messages(self.adapter, self._counted_model(), messages, tools, keywords)

    def _asend_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AsyncIterator[AIMessageChunk]:
        """An async stream bounds its wait for each chunk (`chunk_bound.py`)."""
        from ...chat import send_hooks

        sent = (messages, settings, config)
        return bounded_stream(self, self.stream_chunk_timeout, send_hooks.asend_stream, *sent)

    def _apply(self, settings: Mapping[str, Any], *, asynchronous: bool = False) -> None:
        # (a call's `timeout=httpx.Timeout(...)`, which these partners hand their SDKs)
        if "timeout" in settings:
            settings = timeout_in_seconds(settings)
        super()._apply(settings, asynchronous=asynchronous)
        layer_over_call(self.extra_body, self._extra_body_layer)  # (the SDK merges it last)

    def _counted_model(self) -> Any:
        # The partner's model_name (None for an Azure deployment without `model`, which
        # tiktoken then fails on, as there).
        name = self.tiktoken_model_name
        return self.langchain_model_name() if name is None else name


@dataclass(frozen=True)
class AdapterSettings:
    """What `ChatOpenAI._make_adapter` builds its adapters of: the constructor's
    connection settings (aliases resolved) and which API it speaks."""

    api_key: str | Secret | None
    base_url: str | None
    organization: str | None
    project: str | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, Any] | None
    include_usage: bool
    responses: bool
    use_previous_response_id: bool
    #: Whether built-in tools bound later switch to a Responses adapter.
    switchable: bool
    #: The model named (its o-series turns system messages to `developer`, a call's not).
    model: str | None = None


def keep_response_headers(*adapters: Adapter | None) -> None:
    """`adapters` (those an OpenAI drop-in made) keeping the response's headers in each
    reply's `response_metadata["headers"]`: langchain-openai's
    `include_response_headers=True`."""
    from .adapter import OpenAIAdapter
    from .responses_adapter import OpenAIResponsesAdapter

    for made in adapters:
        if isinstance(made, (OpenAIAdapter, OpenAIResponsesAdapter)):
            made.keeps_response_headers = True


class ChatOpenAI(TiktokenCounted):
    """OpenAI Chat Completions (and every OpenAI-compatible server) with LangChain's
    constructor. Parameters are langchain-openai's, plus chatplex's own (`rate_limit`,
    `retry_policy`, `max_retry_after`, `extra_headers`, `stream_idle_timeout`, `max_response_bytes`,
    `project`, `name`). Other keywords must be parameters of the Chat Completions API
    (`response_format`, `user`, `parallel_tool_calls`, ...): anything else is a
    TypeError naming the closest known name; newer API parameters go through
    `model_kwargs={...}` or `extra_body={...}`.

    `max_tokens` (or `max_completion_tokens`) goes as `max_completion_tokens` to every
    server, as langchain-openai sends it (o-series and gpt-5 behind Azure or a gateway
    reject `max_tokens`).

    The Responses API (`POST /responses`, adapter `openai_responses`) is used where
    langchain-openai uses it: `use_responses_api=True`, or (unless it is False)
    `output_version="responses/v1"`, `reasoning=`, `include=`, `truncation=`,
    `context_management=`, `use_previous_response_id=True`, a Responses-only parameter
    (`previous_response_id`, `text`) in `model_kwargs`, or built-in tools bound
    (`bind_tools([{"type": "web_search"}])`). Replies then have langchain-openai's
    `responses/v1` content blocks (reasoning items, built-in tool items, text with
    annotations); `output_version="v0"` gives langchain-openai's v0.3 shape instead (text
    in `content`; reasoning, built-in tool items and the refusal in `additional_kwargs`).

    `stream_usage` defaults as langchain-openai's: asked for of OpenAI's own host only
    (no base URL, none in OPENAI_BASE_URL, no HTTP client of the user's); pass True to
    ask any server. Usage a server sends unasked is kept, as LangChain keeps it.
    `include_response_headers=True` keeps the response's headers in each reply's
    `response_metadata["headers"]` (a stream's first chunk's), as langchain-openai does.
    Deliberate differences from langchain-openai: unknown keywords raise instead of being moved to
    `model_kwargs` with a warning; LangChain settings chatplex has no equivalent for
    (`http_socket_options`, `disabled_params`, ...) raise with the reason. `cache=`
    takes a chatplex or a LangChain cache, as in LangChain.

    Examples:
        >>> from chatplex.providers.openai.dropin import ChatOpenAI
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server:  # for real: no base_url, OPENAI_API_KEY set
        ...     model = ChatOpenAI(
        ...         model="gpt-4o-mini", temperature=0, base_url=server.openai_base_url,
        ...         api_key="sk-test",
        ...     )
        ...     model.invoke("hi").text
        'Echo: hi'
    """

    partner_record = CHAT_OPENAI_RECORD
    #: Whether its partner sends through LangSmith's gateway when LANGSMITH_GATEWAY is
    #: on and no base URL is given (langchain-openai's ChatOpenAI; not its Azure class).
    routes_langsmith_gateway = True
    #: Whether `openai_proxy=` (else `OPENAI_PROXY`) carries its calls, as
    #: langchain-openai's ChatOpenAI builds its httpx clients through it (its
    #: AzureChatOpenAI does not: False there, the keyword refused as before).
    calls_through_openai_proxy = True
    #: The constructor's `extra_body`, which a call's own replaces (`extra_body_layer.py`).

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return partner_settings(settings)

    @classmethod
    def langchain_rebuilt_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return rebuilt_settings(settings)

    def langchain_profile(self, profile: dict[str, Any]) -> dict[str, Any] | None:
        return chat_openai_profile(self, profile)

    def __init__(
        self,
        model: str | None = None,
        *,
        logit_bias: Mapping[Any, int] | None = None,
        verbosity: str | None = None,
        store: bool | None = None,
        organization: str | None = None,
        project: str | None = None,
        stream_chunk_timeout: float | None = UNSET,
        stream_idle_timeout: float | None = None,
        use_responses_api: bool | None = None,
        output_version: str | None = None,
        reasoning: Mapping[str, Any] | None = None,
        include: Sequence[str] | None = None,
        truncation: str | None = None,
        context_management: Any = None,
        use_previous_response_id: bool = False,
        tiktoken_model_name: str | None = None,
        openai_proxy: str | None = None,
        include_response_headers: bool = False,
        **params: Any,
    ) -> None:
        self.tiktoken_model_name = tiktoken_model_name  # counting only (TiktokenCounted)
        self.stream_chunk_timeout = chunk_bound.stream_chunk_timeout(
            stream_chunk_timeout, was_given=stream_chunk_timeout is not UNSET
        )
        if not settled_as_held():  # (as held: the rule ran at construction, or never)
            langchain_temperature(self._named_model_of(model, params), params, reasoning)
        if openai_proxy not in (None, os.environ.get("OPENAI_PROXY")) and not (
            self.calls_through_openai_proxy
        ):  # (refused: `check_refused`; its field reads the variable, which goes unused)
            params["openai_proxy"] = openai_proxy
        taken = take_params(self, params, _FIELDS, timeout_objects=True)
        owner, given = taken.owner, taken.given
        if self.routes_langsmith_gateway:
            choices.refuse_langsmith_gateway(owner, given["base_url"], "OPENAI_API_BASE")
        api_params = taken.api_params = check_refused(owner, "openai", taken.api_params)
        responses_only = {
            "reasoning": reasoning,
            "include": list(include) if include is not None else None,
            "truncation": truncation,
            "context_management": context_management,
        }
        responses = wants_responses_api(
            use_responses_api,
            output_version,
            use_previous_response_id=use_previous_response_id,
            body={**(given["model_kwargs"] or {}), **api_params, **responses_only},
            model=model,
        )
        # (use_previous_response_id on Chat Completions: unused, as langchain-openai has it)
        check_responses_only(owner, responses, responses_only)
        #: True where its fields alone send it to the Responses API (no call's payload),
        #: as langchain-openai's validator then sets `use_responses_api` (else None).
        self.responses_by_fields = (
            use_responses_api is None
            and wants_responses_api(
                None,
                output_version,
                use_previous_response_id=use_previous_response_id,
                body=responses_only,
                model=model,
            )
            or None
        )
        if output_version not in (None, "v0", "responses/v1"):
            raise ValueError(
                f"output_version must be 'v0' or 'responses/v1', got {output_version!r}"
            )
        wire = "openai_responses" if responses else "openai"
        check_api_parameters(wire, api_params, settings=constructor_names(type(self)), owner=owner)
        named = {
            "n": choices.candidates(given["n"], given["streaming"]),
            **taken.sent(_SENT),
            "logit_bias": logit_bias,
            "verbosity": verbosity,
            "store": store,
        }
        body: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
        # What langchain-openai's validators fill in from the fields given and the
        # environment (the form's fallbacks, which the fields read back answer from too):
        # stream usage asked for of OpenAI's own host only, the organization's variables.
        form = self.partner_record.fields
        assert form is not None  # (its record's, or a subclass's: each declares one)
        keywords = {**given, **taken.tail.settings, "openai_proxy": openai_proxy}
        filled = form.fallen_back(
            {form.name(k) for k, v in keywords.items() if v is not None}, os.environ
        )
        asks_usage = given["stream_usage"]
        if asks_usage is None:
            asks_usage = bool(filled.get("stream_usage"))
        #: The Responses adapter, for `bind_tools` with built-in tools (None: not allowed).
        self._responses_adapter: OpenAIResponsesAdapter | None
        adapter, self._responses_adapter = self._make_adapter(
            AdapterSettings(
                api_key=given["api_key"],
                base_url=given["base_url"],
                organization=organization
                if organization is not None
                else filled.get("openai_organization"),
                project=project,
                default_headers=given["default_headers"],
                default_query=given["default_query"],
                include_usage=asks_usage,
                responses=responses,
                use_previous_response_id=use_previous_response_id,
                switchable=use_responses_api is None,  # built-in tools bound later switch
                model=model or DEFAULT_MODEL,
            )
        )
        if include_response_headers:
            keep_response_headers(adapter, self._responses_adapter)
        if output_version == "v0":
            from .responses_adapter import replies_v03

            replies_v03(adapter, self._responses_adapter)
        if responses:
            body.update({k: v for k, v in responses_only.items() if v is not None})
        extra_body, given["extra_body"] = given["extra_body"], None  # (merged last, below)
        taken.settle(
            self,
            adapter,
            model or DEFAULT_MODEL,
            stream_idle_timeout=stream_idle_timeout,
            stream_usage=asks_usage,
            **body,
            **self._proxied(openai_proxy, taken.tail.settings),
        )
        self._extra_body_layer = ExtraBodyLayer.over(self.extra_body, extra_body)
        merge_body(self, "extra_body", extra_body)

    def _named_model_of(self, model: str | None, params: Mapping[str, Any]) -> str | None:
        """The model the constructor names (langchain-openai's `model_name`), which its
        validators read."""
        return model if model is not None else params.get("model_name")

    def _proxied(self, proxy: str | None, settings: Mapping[str, Any]) -> dict[str, Any]:
        if not self.calls_through_openai_proxy:
            return {}
        return proxied(proxy, settings)

    def _make_adapter(
        self, wanted: AdapterSettings
    ) -> tuple[Adapter, OpenAIResponsesAdapter | None]:
        """`make_adapters`: `AzureChatOpenAI` overrides it; everything else is shared."""
        return make_adapters(wanted)

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        return builtin_tools_to_bind(self, self._responses_adapter, tools, tool_choice)

    def _finish_binding(
        self, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
    ) -> ChatModel:
        return builtin_tools_bound(clone, self._responses_adapter, tools, tool_choice)


# langchain-openai's fields sent as any API parameter is (listed in the signature).
dropin(
    ChatOpenAI,
    # `max_retries` None: 2; `stream_usage` None: asked of OpenAI's own host only.
    fields=_FIELDS,
    declared=("prompt_cache_options",),
    aliases=spellings(
        "model_name",
        "max_completion_tokens",
        "stop_sequences",
        "request_timeout",
        "openai_api_key",
        "openai_api_base",
        "openai_organization",
    ),
)


def _builtin_choice(builtin: Sequence[Mapping[str, Any]], tool_choice: Any) -> str | None:
    """The tool choice when it names a built-in tool's type (`tool_choice="web_search"`)."""
    kinds = {t["type"] for t in builtin}
    return tool_choice if isinstance(tool_choice, str) and tool_choice in kinds else None


def proxied(proxy: str | None, settings: Mapping[str, Any]) -> dict[str, Any]:
    """The httpx clients through `proxy` (else `OPENAI_PROXY`) its calls go through, as
    langchain-openai's ChatOpenAI builds them (`settings`: the constructor's, its httpx
    clients among them); its ValueError where the script gives an httpx client of its
    own as well."""
    proxy = os.environ.get("OPENAI_PROXY") if proxy is None else proxy
    http_client, http_async_client = (
        settings.get("http_client"),
        settings.get("http_async_client"),
    )
    if proxy and (http_client or http_async_client):
        openai_proxy = proxy
        raise ValueError(
            "Cannot specify 'openai_proxy' if one of "
            "'http_client'/'http_async_client' is already specified. Received:\n"
            f"{openai_proxy=}\n{http_client=}\n{http_async_client=}"
        )
    return proxied_clients(proxy, "OPENAI_PROXY", settings)


def make_adapters(wanted: AdapterSettings) -> tuple[Adapter, OpenAIResponsesAdapter | None]:
    """ChatOpenAI's adapter of the constructor's settings: the Responses API's when
    `wanted.responses`, else Chat Completions', with (if `wanted.switchable`) the
    Responses adapter that built-in tools bound later switch to (also held by the Chat
    Completions adapter: its `responses_switch`, which a record-built model reads)."""
    from .adapter import OpenAIAdapter
    from .responses_adapter import OpenAIResponsesAdapter

    connection: dict[str, Any] = {
        "api_key": wanted.api_key,
        "base_url": wanted.base_url,
        "organization": wanted.organization,
        "project": wanted.project,
        "default_headers": wanted.default_headers,
        # On the URL the openai SDK would use, as it adds it.
        "default_query": wanted.default_query,
        # LangChain's variable first, then the SDK's (the environment's key goes along).
        "base_variables": ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
    }
    try:
        if wanted.responses:
            adapter = OpenAIResponsesAdapter(
                **connection, use_previous_response_id=wanted.use_previous_response_id
            )
            return adapter, None
        chat = OpenAIAdapter(
            **connection,
            include_usage=wanted.include_usage,
            completion_tokens=True,  # as langchain-openai: max_completion_tokens, any server
        )
        # (ChatOpenAI's own step, not Azure's; of the constructor's model, as its payload)
        chat.developer_role_for_o_series, chat.developer_role_model = True, wanted.model
        switch = OpenAIResponsesAdapter(**connection) if wanted.switchable else None
        chat.responses_switch = switch
        return chat, switch
    finally:
        connection.clear()


# ---- ChatOpenAI's own ways, as functions of a plain ChatModel (its record's hooks) -----


def partner_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """`PartnerHooks.settings`: langchain-openai's `validate_temperature` runs before its
    fields are set: the temperature it leaves is what `temperature` and the params a
    tracer records show."""
    settled = dict(settings)
    named = settled.get("model_name") or settled.get("model")
    langchain_temperature(named, settled, settled.get("reasoning"))
    return settled


def rebuilt_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """`PartnerHooks.rebuilt_settings`: a temperature given (None too) gets no o1
    default, as there."""
    return {"temperature": None, **settings}


def chat_openai_profile(model: ChatModel, profile: dict[str, Any]) -> dict[str, Any] | None:
    """`PartnerHooks.profile`, as langchain-openai's: only the Responses API carries a
    tool added mid-conversation."""
    if profile.get("mid_conversation_tools") and model.provider != "openai_responses":
        profile["mid_conversation_tools"] = False
    return profile or None


def responses_switch(model: ChatModel) -> Adapter | None:
    """The Responses adapter built-in tools bound switch `model` to (its Chat Completions
    adapter's `responses_switch`); None: none (refused, or already on that API)."""
    switch: Adapter | None = getattr(model.adapter, "responses_switch", None)
    return switch


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`PartnerHooks.tools_to_bind`: `builtin_tools_to_bind` of its switch."""
    return builtin_tools_to_bind(model, responses_switch(model), tools, tool_choice)


def finish_binding(
    model: ChatModel, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> ChatModel:
    """`PartnerHooks.finish_binding`: `builtin_tools_bound` of its switch."""
    return builtin_tools_bound(clone, responses_switch(model), tools, tool_choice)


def builtin_tools_to_bind(
    model: ChatModel, switch: Adapter | None, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`bind_tools` takes built-in tools (`{"type": "web_search"}`, file_search,
    code_interpreter, mcp, ...: a dict whose type is not "function") too: they are not
    bound as functions, nor a tool_choice naming one's type (`builtin_tools_bound` sends
    them); refused where there is no Responses API to send them (`switch`: None)."""
    builtin = [t for t in tools if is_builtin_tool(t)]
    if not builtin:
        return tools, tool_choice
    if model.provider != "openai_responses" and switch is None:
        shown = ", ".join(sorted({str(t["type"]) for t in builtin}))
        raise ValueError(
            f"built-in tools ({shown}) need the Responses API; this {model.get_name()} "
            "has use_responses_api=False"
        )
    functions = [t for t in tools if not is_builtin_tool(t)]
    return functions, None if _builtin_choice(builtin, tool_choice) else tool_choice


def builtin_tools_bound(
    clone: ChatModel, switch: Adapter | None, tools: Sequence[Any], tool_choice: Any
) -> ChatModel:
    """Built-in tools bound go in the Responses API's `tools`, and bind the Responses
    API (`switch`), as in langchain-openai (unless `use_responses_api=False`)."""
    builtin = [t for t in tools if is_builtin_tool(t)]
    if not builtin:
        return clone
    if clone.provider != "openai_responses":
        clone.adapter = switch
        clone.provider = "openai_responses"
    # Each built-in tool in its bound place among the functions, as langchain-openai
    # sends them (`clone.tools` holds the functions, in their order).
    functions = iter(clone.tools)
    clone.tools = tuple(
        builtin_spec(t, dict(t)) if is_builtin_tool(t) else next(functions) for t in tools
    )
    named = _builtin_choice(builtin, tool_choice)
    if named:
        clone.tool_choice = named
    return clone
