"""`ChatOpenAI`: langchain-openai's class as a record (`PartnerClass`):
`chatplex.langchain.ChatOpenAI` makes its LangChain chat model from it.

A script written for `langchain_openai.ChatOpenAI` ports by changing its import line:
the parameter names and aliases are LangChain's (`model`/`model_name`, `max_tokens`/
`max_completion_tokens`, `api_key`/`openai_api_key`, `base_url`/`openai_api_base`,
`timeout`/`request_timeout`, `stop`/`stop_sequences`, ...), plus chatplex's own
(`rate_limit`, `retry_policy`, `max_retry_after`, `extra_headers`, `stream_idle_timeout`,
`max_response_bytes`, `project`). Other keywords must be parameters of the Chat
Completions API (`response_format`, `user`, `parallel_tool_calls`, ...): anything else is
a TypeError naming the closest known name; newer API parameters go through
`model_kwargs={...}` or `extra_body={...}`. LangChain settings chatplex has no
equivalent for (SDK clients) raise with the reason. `openai_proxy` and
`http_socket_options` build the httpx clients its calls go through, as its class builds
its SDK's.

The model (`build`) is a plain `ChatModel`, named `ChatOpenAI` in events, logs, schemas
and callbacks. `max_tokens` goes as `max_completion_tokens` to every server, as
langchain-openai sends it. The Responses API (`POST /responses`, adapter
`openai_responses`) is used where langchain-openai uses it: `use_responses_api=True`,
or (unless it is False) `output_version="responses/v1"`, `reasoning=`, `include=`,
`truncation=`, `context_management=`, `use_previous_response_id=True`, a Responses-only
parameter in `model_kwargs`, or built-in tools bound (`bind_tools([{"type":
"web_search"}])`: `tools_to_bind`, `finish_binding`), and per call (`call_model`);
`output_version="v0"` gives langchain-openai's v0.3 reply shape. `stream_usage`
defaults as langchain-openai's: asked for of OpenAI's own host only.
`include_response_headers=True` keeps the response's headers in each reply's
`response_metadata["headers"]`. What its class does its own way (tiktoken counts, `stop`
as given, the constructor's `extra_body` under a call's, each async stream chunk's
bound) is `base_chat_openai.py`'s, read of the `BaseChatOpenAIData` its adapters hold.

>>> model = build({"model_name": "gpt-4o-mini", "temperature": 0, "openai_api_key": "sk-x"})
>>> model.get_name(), model.model, model.temperature
('ChatOpenAI', 'gpt-4o-mini', 0)
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.extra_body_layer import call_model as layered_call_model
from ...adapters.keys import as_secret
from ...adapters.structured_profile import with_disabled_params
from ...adapters.tools import builtin_spec
from ...chat.binding import merged_last
from ...chat.dropin import check_refused
from ...chat.dropin import timeout_in_seconds
from ...chat.model import ChatModel
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import held_and_spelled
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_request_options
from ...chat.partner_record import take_settings
from ...chat.partner_warnings import say_moved
from ...chat.proxied import field_proxied
from ...specs import MoveWarning
from . import choices
from . import chunk_bound
from .base_chat_openai import MESSAGES_COUNT
from .base_chat_openai import BaseChatOpenAIData
from .base_chat_openai import held_stop
from .base_chat_openai import token_ids
from .base_chat_openai import told_by_api
from .base_chat_openai import with_data
from .choices import check_responses_only
from .choices import is_builtin_tool
from .choices import langchain_temperature
from .choices import wants_responses_api
from .dropin_record import CHAT_OPENAI_RECORD
from .dropin_record import DEFAULT_MODEL
from .dropin_record import UNNAMED_PARAMETERS
from .sdk_account import sdk_project

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...secret import Secret
    from .adapter import OpenAIAdapter
    from .responses_adapter import OpenAIResponsesAdapter

    #: The adapters a build makes: its own, and the Responses adapter built-in tools
    #: bound switch to (None: none).
    MadeAdapters = tuple[OpenAIAdapter | OpenAIResponsesAdapter, OpenAIResponsesAdapter | None]

__all__ = [
    "SENT",
    "AdapterSettings",
    "ChatOpenAI",
    "OpenAIWay",
    "build",
    "build_as",
    "make_adapters",
]

_OWNER = "ChatOpenAI"

#: Request parameters it shares with other drop-ins, sent as given when set.
SENT = (
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "logprobs",
    "top_logprobs",
    "reasoning_effort",
    "service_tier",
)


@dataclass(frozen=True)
class AdapterSettings:
    """What a build's adapters are made of (`OpenAIWay.adapters`): the constructor's
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


def disable_params(disabled: Mapping[str, Any], *adapters: Adapter | None) -> None:
    """`adapters` (those an OpenAI drop-in made) binding structured output's forced tool
    without what langchain-openai's `disabled_params` disable (`with_disabled_params`):
    `{"parallel_tool_calls": None}` for a server that takes no such parameter. Given,
    they replace AzureChatOpenAI's own default (a single call asked of gpt-4o alone)."""
    for made in adapters:
        if made is not None:
            every_model = dataclasses.replace(made.structured, single_call_models=None)
            made.structured = with_disabled_params(every_model, disabled)


#: The constructor's other spellings, each -> the name `build_as` reads.
_SPELLINGS = {
    "model_name": "model",
    "openai_api_key": "api_key",
    "openai_api_base": "base_url",
    "openai_organization": "organization",
    "request_timeout": "timeout",
    "max_completion_tokens": "max_tokens",
    "stop_sequences": "stop",
}
#: Its fields read here, not handed to `ChatModel` as they are.
_OWN = (
    "n",
    "api_key",
    "base_url",
    "organization",
    "project",
    "default_headers",
    "default_query",
    "stream_usage",
    "model_kwargs",
    "extra_body",
    "streaming",
    "stop",
    *SENT,
    "logit_bias",
    "verbosity",
    "store",
    "use_responses_api",
    "output_version",
    "reasoning",
    "include",
    "truncation",
    "context_management",
    "use_previous_response_id",
    "tiktoken_model_name",
    "openai_proxy",
    "http_socket_options",
    "include_response_headers",
    "disabled_params",
)
#: The Responses API's own fields (refused on Chat Completions: `check_responses_only`).
_RESPONSES_ONLY = ("reasoning", "include", "truncation", "context_management")


@dataclass(frozen=True)
class OpenAIWay:
    """Where langchain-openai's ChatOpenAI and AzureChatOpenAI constructors differ, for
    the build they share (`build_as`)."""

    owner: str
    #: Its record: its form (what its validators fill in) and declared fields.
    record: PartnerClass
    #: Whether `openai_proxy=` (else `OPENAI_PROXY`) carries its calls and
    #: `http_socket_options` set its connections, as ChatOpenAI builds its httpx clients
    #: of them; False: both held and read back, changing nothing (Azure's clients ignore
    #: them).
    proxied: bool
    #: Its `model_name` where none is named (None: Azure's, a label only).
    default_model: str | None
    #: The model the call is named by where none is named (Azure: its deployment).
    stand_in: str | None
    adapters: Callable[[AdapterSettings], MadeAdapters]


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-openai's ChatOpenAI constructor: the model from its fields as held
    (`PartnerClass.build`; its temperature rule ran before, `partner_settings`)."""
    return build_as(CHAT_OPENAI_WAY, keywords)


def build_as(way: OpenAIWay, keywords: dict[str, Any]) -> ChatModel:
    """ChatOpenAI's constructor, or its Azure class's (`way`): the model on the Chat
    Completions adapter or the Responses API's (`way.adapters`), each holding its
    `BaseChatOpenAIData` (`with_data`)."""
    from ...chat.params import check_api_parameters
    from ...chat.settings import SETTING_NAMES

    owner = way.owner
    given = held_and_spelled(owner, keywords, _SPELLINGS)
    for name in [name for name in given if name in UNNAMED_PARAMETERS]:
        say_moved(name, MoveWarning(outer=2))  # (where its fixed stacklevel lands)
    given = dict(timeout_in_seconds(given))  # (a `Timeout` object's read timeout)
    named_model = given.pop("model", None)  # (its validators read the one named)
    partner_name = named_model if named_model is not None else way.default_model
    if not partner_name and way.stand_in:  # Azure's calls: named by their deployment
        model = way.stand_in
    else:  # (an empty name is refused when the model is built, never replaced)
        model = DEFAULT_MODEL if partner_name is None else partner_name
    chunk_given = "stream_chunk_timeout" in given
    chunk_timeout = chunk_bound.stream_chunk_timeout(
        given.pop("stream_chunk_timeout", None), was_given=chunk_given
    )
    stream_idle_timeout = given.pop("stream_idle_timeout", None)
    own = {name: given.pop(name, None) for name in _OWN}
    own["api_key"] = as_secret(own["api_key"])
    proxy = own["openai_proxy"]
    settings = take_settings(given)
    api_params = check_refused(owner, "openai", given)
    responses_only = {name: own[name] for name in _RESPONSES_ONLY}
    if responses_only["include"] is not None:
        responses_only["include"] = list(responses_only["include"])
    use, output_version = own["use_responses_api"], own["output_version"]
    previous = bool(own["use_previous_response_id"])
    responses = wants_responses_api(
        use,
        output_version,
        use_previous_response_id=previous,
        body={**(own["model_kwargs"] or {}), **api_params, **responses_only},
        model=model,
    )
    check_responses_only(owner, responses, responses_only)
    # Its validator sets `use_responses_api` where its fields alone choose that API (read
    # back through its form's `completed`).
    chosen = wants_responses_api(
        None, output_version, use_previous_response_id=previous, body=responses_only, model=model
    )
    by_fields = (use is None and chosen) or None
    if output_version not in (None, "v0", "responses/v1"):
        raise ValueError(f"output_version must be 'v0' or 'responses/v1', got {output_version!r}")
    wire = "openai_responses" if responses else "openai"
    names = (*(n for f in way.record.declared for n in f.spellings), *SETTING_NAMES)
    check_api_parameters(wire, api_params, settings=names, owner=owner)
    named = {
        "n": choices.candidates(own["n"], own["streaming"]),
        **{name: own[name] for name in SENT},
        "logit_bias": own["logit_bias"],
        "verbosity": own["verbosity"],
        "store": own["store"],
    }
    body: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
    # What its validators fill in from the fields given and the environment: stream
    # usage asked for of OpenAI's own host only, the organization's variables.
    form = way.record.fields
    assert form is not None
    present = {**own, **settings}
    filled = form.fallen_back({form.name(k): v for k, v in present.items()})
    asks_usage = own["stream_usage"]
    if asks_usage is None:
        asks_usage = bool(filled.get("stream_usage"))
    adapter, switch = way.adapters(
        AdapterSettings(
            api_key=own["api_key"],
            base_url=own["base_url"],
            # (its validator's where none, or an empty one, is given: `filled`)
            organization=filled.get("openai_organization", own["organization"]),
            project=own["project"],
            default_headers=own["default_headers"],
            default_query=own["default_query"],
            include_usage=asks_usage,
            responses=responses,
            use_previous_response_id=previous,
            switchable=use is None,  # built-in tools bound later switch
            model=model,
        )
    )
    adapter.responses_by_fields = by_fields
    if own["include_response_headers"]:
        keep_response_headers(adapter, switch)
    if own["disabled_params"] is not None:
        disable_params(own["disabled_params"], adapter, switch)
    if output_version == "v0":
        from .responses_adapter import replies_v03

        replies_v03(adapter, switch)
    if responses:
        body.update({k: v for k, v in responses_only.items() if v is not None})
    stop = own["stop"]
    model_kwargs, before = take_request_options(own["model_kwargs"], settings)
    handed = {
        "model_kwargs": model_kwargs,
        "streaming": own["streaming"],
        # (a value not a list is refused by `ChatModel`, in its words)
        "stop": held_stop(stop, "call") if isinstance(stop, (list, tuple)) else stop,
    }
    built = partner_model(
        way.record,
        adapter,
        model,
        {
            **settings,
            **{k: v for k, v in handed.items() if v is not None},
            "stream_idle_timeout": stream_idle_timeout,
            "stream_usage": asks_usage,
            **body,
            **(
                field_proxied(
                    "openai_proxy", "OPENAI_PROXY", proxy, settings, own["http_socket_options"]
                )
                if way.proxied
                else {}
            ),
            **api_params,
        },
    )
    tiktoken_name = own["tiktoken_model_name"]
    counted = partner_name if tiktoken_name is None else tiktoken_name
    data = BaseChatOpenAIData(counted, chunk_timeout, "call", model_name=partner_name)
    for made in (adapter, switch):
        if made is not None:
            with_data(made, data)
    return merged_last(built, own["extra_body"], (adapter, switch), before)  # (as its SDK)


def _builtin_choice(builtin: Sequence[Mapping[str, Any]], tool_choice: Any) -> str | None:
    """The tool choice when it names a built-in tool's type (`tool_choice="web_search"`)."""
    kinds = {t["type"] for t in builtin}
    return tool_choice if isinstance(tool_choice, str) and tool_choice in kinds else None


def make_adapters(wanted: AdapterSettings) -> MadeAdapters:
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
        "project": sdk_project(wanted.project),
        "default_headers": wanted.default_headers,
        # On the URL the openai SDK would use, as it adds it.
        "default_query": wanted.default_query,
        # LangChain's variable first, then the SDK's (the environment's key goes along).
        # An empty base URL reaches the openai SDK as given, which reads its own alone.
        "base_variables": ("OPENAI_BASE_URL",)
        if wanted.base_url == ""
        else ("OPENAI_API_BASE", "OPENAI_BASE_URL"),
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


#: langchain-openai's ChatOpenAI's way.
CHAT_OPENAI_WAY = OpenAIWay(
    _OWNER,
    CHAT_OPENAI_RECORD,
    proxied=True,
    default_model=DEFAULT_MODEL,
    stand_in=None,
    adapters=make_adapters,
)


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


def call_model(model: ChatModel, keywords: Mapping[str, Any]) -> ChatModel:
    """`PartnerHooks.call_model`: a call whose keywords name a Responses-only parameter
    (`reasoning=`, `include=`, `text=`...: `choices.RESPONSES_ONLY`, even as None) or
    hold a built-in tool, or a GPT-6 call with tools, goes to the Responses API
    (`responses_switch`), as langchain-openai routes a call of a model that leaves
    `use_responses_api` unset; then the constructor's `extra_body` under the call's
    (`adapters.extra_body_layer.call_model`)."""
    switch = responses_switch(model)
    tools = keywords.get("tools") or ()
    if switch is not None and (
        any(name in keywords for name in choices.RESPONSES_ONLY)
        or any(is_builtin_tool(tool) for tool in tools)
        or ((tools or model.tools) and str(model.model).lower().startswith("gpt-6"))
    ):
        model = copy.copy(model)
        model.adapter = switch
        model.provider = "openai_responses"
    layered: ChatModel = layered_call_model(model, keywords)  # (the constructor's extra_body)
    return layered


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`PartnerHooks.tools_to_bind`: built-in tools (`{"type": "web_search"}`,
    file_search, code_interpreter, mcp, ...: a dict whose type is not "function") are not
    bound as functions, nor a tool_choice naming one's type (`finish_binding` sends
    them); refused where there is no Responses API to send them (`responses_switch`)."""
    builtin = [t for t in tools if is_builtin_tool(t)]
    if not builtin:
        return tools, tool_choice
    if model.provider != "openai_responses" and responses_switch(model) is None:
        shown = ", ".join(sorted({str(t["type"]) for t in builtin}))
        raise ValueError(
            f"built-in tools ({shown}) need the Responses API; this {model.get_name()} "
            "has use_responses_api=False"
        )
    functions = [t for t in tools if not is_builtin_tool(t)]
    return functions, None if _builtin_choice(builtin, tool_choice) else tool_choice


def finish_binding(
    model: ChatModel, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> ChatModel:
    """`PartnerHooks.finish_binding`: built-in tools bound go in the Responses API's
    `tools`, and bind the Responses API (`responses_switch`), as in langchain-openai
    (unless `use_responses_api=False`)."""
    builtin = [t for t in tools if is_builtin_tool(t)]
    if not builtin:
        return clone
    if clone.provider != "openai_responses":
        clone.adapter = responses_switch(model)
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


#: langchain-openai's `ChatOpenAI` as data: its record's facts and fields
#: (`dropin_record.py`), how its model is built, what it does its own way.
ChatOpenAI = dataclasses.replace(
    CHAT_OPENAI_RECORD,
    build=build,
    built_from_settings=frozenset({"output_version"}),
    hooks=PartnerHooks(
        settings=partner_settings,
        rebuilt_settings=rebuilt_settings,
        tools_to_bind=tools_to_bind,
        call_model=call_model,
        messages_count=MESSAGES_COUNT,
        profile=chat_openai_profile,
        token_ids=token_ids,
        finish_binding=finish_binding,
        stream_tokens=StreamTokens(told_by_api),
    ),
)
