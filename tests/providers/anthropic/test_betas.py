"""The `anthropic-beta` header a request's tools need (`providers/anthropic/betas.py`):
the table is langchain-anthropic's, and the header each tool type brings is the one
langchain-anthropic's ChatAnthropic sends from the same mock server, invoked and
awaited; chatplex's own Anthropic models send it too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex
import chatplex.langchain
from chatplex.messages import HumanMessage
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.betas import INPUT_EXAMPLES_BETA
from chatplex.providers.anthropic.betas import TOOL_TYPE_BETAS
from chatplex.providers.anthropic.betas import USER_PROFILES_BETA
from chatplex.providers.anthropic.betas import beta_call
from chatplex.providers.anthropic.betas import with_request_betas
from chatplex.providers.anthropic.betas import with_tool_betas
from chatplex.testing import MockServer
from chatplex.testing._mock_types import MockRequest

langchain_anthropic = pytest.importorskip("langchain_anthropic")
partner_models = pytest.importorskip("langchain_anthropic.chat_models")

MODEL = "claude-sonnet-4-6"


def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


def recording() -> tuple[list[MockRequest], Callable[[MockRequest], None]]:
    seen: list[MockRequest] = []
    return seen, lambda request: seen.append(request)


def test_the_tool_type_table_is_langchain_anthropics() -> None:
    assert dict(TOOL_TYPE_BETAS) == partner_models._TOOL_TYPE_TO_BETA


def test_betas_follow_the_given_ones_once_each_in_tool_order() -> None:
    fetch = {"type": "web_fetch_20250910", "name": "web_fetch"}
    regex = {"type": "tool_search_tool_regex_20251119", "name": "s"}
    examples = {"name": "f", "input_schema": {}, "input_examples": [{"a": 1}]}
    assert with_tool_betas(None, [fetch, regex, examples]) == (
        f"web-fetch-2025-09-10,{INPUT_EXAMPLES_BETA}"
    )
    assert with_tool_betas("web-fetch-2025-09-10", [fetch]) == "web-fetch-2025-09-10"
    assert with_tool_betas("b1", [{"name": "f"}, "not a tool"]) == "b1"  # type: ignore[list-item]
    assert with_tool_betas("b1", [fetch]) == "b1,web-fetch-2025-09-10"


#: Tool sets bound, and the model's own betas: what each sends is langchain-anthropic's.
CASES: dict[str, tuple[list[Any], list[str] | None]] = {
    **{
        kind: ([{"type": kind, "name": kind.split("_2")[0]}, get_weather], None)
        for kind in TOOL_TYPE_BETAS
    },
    "web_search (no beta)": ([{"type": "web_search_20250305", "name": "web_search"}], None),
    "with the model's betas": (
        [{"type": "code_execution_20250522", "name": "code_execution"}],
        ["files-api-2025-04-14"],
    ),
    "beta already given": (
        [{"type": "web_fetch_20250910", "name": "web_fetch"}],
        ["web-fetch-2025-09-10"],
    ),
    "input_examples": (
        [
            {
                "name": "f",
                "description": "d",
                "input_schema": {"type": "object", "properties": {}},
                "input_examples": [{}],
            }
        ],
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("awaited", [False, True])
def test_the_beta_header_is_langchain_anthropics(case: str, awaited: bool) -> None:
    tools, betas = CASES[case]
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        common: dict[str, Any] = {"model": MODEL, "api_key": "sk-ant-test"}
        common["base_url"] = server.anthropic_base_url
        if betas is not None:
            common["betas"] = betas
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            bound = cls(**common).bind_tools(tools)
            if awaited:
                asyncio.run(bound.ainvoke("Hi"))
            else:
                bound.invoke("Hi")
    theirs, ours = seen
    assert ours.headers.get("anthropic-beta") == theirs.headers.get("anthropic-beta")
    assert ours.json["tools"] == theirs.json["tools"]
    expected = with_tool_betas(",".join(betas) if betas else None, theirs.json["tools"])
    assert theirs.headers.get("anthropic-beta") == expected


def test_chatplex_own_anthropic_model_names_the_beta_its_tool_needs() -> None:
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        adapter = AnthropicAdapter(api_key="sk-ant-test", base_url=server.anthropic_base_url)
        model = chatplex.ChatModel(adapter, MODEL)
        tool = {"type": "code_execution_20250522", "name": "code_execution"}
        model.bind_tools([tool, get_weather]).invoke([HumanMessage("Hi")])
        asyncio.run(model.bind_tools([get_weather]).ainvoke([HumanMessage("Hi")]))
    with_beta, without = seen
    assert with_beta.headers.get("anthropic-beta") == "code-execution-2025-05-22"
    assert without.headers.get("anthropic-beta") is None


#: Body fields in beta set on the model (beside a tool's beta, and the model's own), and
#: the header langchain-anthropic sends for them.
FIELD_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "mcp_servers": (
        {"mcp_servers": [{"type": "url", "url": "https://mcp.example.com/mcp"}]},
        "web-fetch-2025-09-10,mcp-client-2025-11-20",
    ),
    "task_budget": (
        {"output_config": {"task_budget": {"type": "tokens", "total": 128_000}}},
        "web-fetch-2025-09-10,task-budgets-2026-03-13",
    ),
    "thinking updates": (
        {"thinking": {"type": "adaptive", "display": "updates"}},
        "web-fetch-2025-09-10,thinking-display-updates-2026-08-18",
    ),
    "all, after the model's": (
        {
            "betas": ["token-efficient-tools-2025-02-19", "mcp-client-2025-11-20"],
            "mcp_servers": [{"type": "url", "url": "https://mcp.example.com/mcp"}],
            "output_config": {"task_budget": {"type": "tokens", "total": 1000}},
            "thinking": {"type": "adaptive", "display": "updates"},
        },
        "token-efficient-tools-2025-02-19,mcp-client-2025-11-20,web-fetch-2025-09-10,"
        "task-budgets-2026-03-13,thinking-display-updates-2026-08-18",
    ),
}


@pytest.mark.parametrize("case", list(FIELD_CASES))
@pytest.mark.parametrize("awaited", [False, True])
def test_body_fields_in_beta_bring_langchain_anthropics_betas(case: str, awaited: bool) -> None:
    settings, header = FIELD_CASES[case]
    seen, record = recording()
    web_fetch = {"type": "web_fetch_20250910", "name": "web_fetch"}
    with MockServer(fault_plan=record) as server:
        common: dict[str, Any] = {"model": MODEL, "api_key": "sk-ant-test", **settings}
        common["base_url"] = server.anthropic_base_url
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            bound = cls(**common).bind_tools([web_fetch, get_weather])
            if awaited:
                asyncio.run(bound.ainvoke("Hi"))
            else:
                bound.invoke("Hi")
    theirs, ours = seen
    assert theirs.headers.get("anthropic-beta") == header
    assert ours.headers.get("anthropic-beta") == header
    ours_body = {k: v for k, v in (ours.json or {}).items() if k != "tools"}
    assert with_request_betas(",".join(settings.get("betas", [])) or None, ours_body) == (
        header.replace("web-fetch-2025-09-10,", "")
    )


#: Calls langchain-anthropic makes through the SDK's beta client (the model's betas, a
#: bound tool's, a call's mcp_servers), and one it does not.
BETA_CALLS: dict[str, tuple[dict[str, Any], list[Any], dict[str, Any], bool]] = {
    "the model's betas": ({"betas": ["files-api-2025-04-14"]}, [get_weather], {}, True),
    "a beta tool": ({}, [{"type": "web_fetch_20250910", "name": "web_fetch"}], {}, True),
    "a call's mcp_servers": ({}, [], {"mcp_servers": [{"type": "url", "url": "u"}]}, True),
    "no beta": ({}, [get_weather], {}, False),
}


@pytest.mark.parametrize("case", list(BETA_CALLS))
@pytest.mark.parametrize("awaited", [False, True])
def test_a_beta_calls_reply_shows_the_beta_models_fields(case: str, awaited: bool) -> None:
    settings, tools, keywords, beta = BETA_CALLS[case]
    replies = []
    with MockServer() as server:
        common: dict[str, Any] = {"model": MODEL, "api_key": "sk-ant-test", **settings}
        common["base_url"] = server.anthropic_base_url
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            model = cls(**common)
            bound = model.bind_tools(tools) if tools else model
            if awaited:
                replies.append(asyncio.run(bound.ainvoke("Hi", **keywords)))
            else:
                replies.append(bound.invoke("Hi", **keywords))
    theirs, ours = (reply.response_metadata for reply in replies)
    assert ("context_management" in theirs, "iterations" in theirs["usage"]) == (beta, beta)
    assert list(ours) == list(theirs)
    assert list(ours["usage"]) == list(theirs["usage"])
    assert {k: v for k, v in ours.items() if k != "id"} == {
        k: v for k, v in theirs.items() if k != "id"
    }


def test_beta_call_reads_the_header_and_the_calls_settings() -> None:
    assert beta_call("b1", {})
    assert beta_call(None, {"tools": [{"type": "memory_20250818", "name": "memory"}]})
    assert beta_call(None, {"extra_body": {"mcp_servers": [{"type": "url"}]}})
    assert beta_call(None, {"extra_body": {"betas": []}})  # an empty list goes through it too
    assert beta_call(None, {"extra_body": {"user_profile_id": "uprof_1"}})
    assert not beta_call(None, {"tools": [{"name": "f", "input_schema": {}}]})


#: A call's (or the model's) betas and the parameters the anthropic SDK sends as headers:
#: (constructor keywords, call keywords), as langchain-anthropic sends them.
HEADER_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "a call's betas, over the model's": ({"betas": ["files-api-2025-04-14"]}, {"betas": ["b1"]}),
    "a call's betas and a beta field": (
        {},
        {"betas": ["b1"], "mcp_servers": [{"type": "url", "url": "https://m", "name": "n"}]},
    ),
    "a call's empty betas": ({}, {"betas": []}),
    "a call's user profile": ({}, {"user_profile_id": "uprof_1"}),
    "the model's user profile and betas": ({"user_profile_id": "uprof_1", "betas": ["b1"]}, {}),
    "a call's workspace": ({}, {"workspace_id": "wrkspc_1"}),
    # a header given is no user_profile_id: no beta for it, as langchain-anthropic
    "the profile header given": ({"default_headers": {"anthropic-user-profile-id": "u"}}, {}),
}
_HEADERS = ("anthropic-beta", "anthropic-user-profile-id", "anthropic-workspace-id")


@pytest.mark.parametrize("case", list(HEADER_CASES))
@pytest.mark.parametrize("awaited", [False, True])
def test_a_calls_betas_and_header_parameters_go_as_langchain_anthropics(
    case: str, awaited: bool
) -> None:
    settings, keywords = HEADER_CASES[case]
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        common: dict[str, Any] = {"model": MODEL, "api_key": "sk-ant-test", **settings}
        common["base_url"] = server.anthropic_base_url
        for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
            model = cls(**common)
            if awaited:
                asyncio.run(model.ainvoke("Hi", **keywords))
            else:
                model.invoke("Hi", **keywords)
    theirs, ours = ({h: r.headers.get(h) for h in _HEADERS} for r in seen)
    assert ours == theirs and any(value is not None for value in theirs.values())
    assert {k for k in seen[1].json or {} if k in (*keywords, *settings)} <= {"mcp_servers"}


def test_chatplex_own_anthropic_model_sends_a_calls_betas_and_profile_as_headers() -> None:
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        adapter = AnthropicAdapter(api_key="sk-ant-test", base_url=server.anthropic_base_url)
        model = chatplex.ChatModel(adapter, MODEL)
        model.invoke([HumanMessage("Hi")], betas=["b1"], user_profile_id="uprof_1")
        asyncio.run(model.ainvoke([HumanMessage("Hi")], workspace_id="wrkspc_1"))
    profiled, in_workspace = seen
    assert profiled.headers.get("anthropic-beta") == "b1,user-profiles-2026-03-24"
    assert profiled.headers.get("anthropic-user-profile-id") == "uprof_1"
    assert in_workspace.headers.get("anthropic-workspace-id") == "wrkspc_1"
    assert not {"betas", "user_profile_id", "workspace_id"} & {*profiled.json, *in_workspace.json}


#: The body fields that bring a beta, each as the partner's constructor takes it (the
#: tool change as a conversation whose system turn, sent in place, removes a tool).
FIELDS_WITH_BETAS: dict[str, dict[str, Any]] = {
    "mcp_servers": {"mcp_servers": [{"type": "url", "url": "https://mcp.test", "name": "m"}]},
    "task_budget": {"output_config": {"task_budget": {"type": "tokens", "total": 128_000}}},
    "thinking_updates": {"thinking": {"type": "adaptive", "display": "updates"}},
    "tool_change": {},
    "user_profile": {"user_profile_id": "uprof_01"},
}


@pytest.mark.parametrize("given", [None, ["files-api-2025-04-14"], [USER_PROFILES_BETA]])
def test_field_betas_keep_langchain_anthropics_order(given: list[str] | None) -> None:
    """Every set of beta-bringing fields (a tool's beta too), with or without betas
    given: the header is langchain-anthropic's request betas, in its order."""
    import itertools

    from langchain_core.messages import HumanMessage as LCHuman
    from langchain_core.messages import SystemMessage as LCSystem

    fetch = {"type": "web_fetch_20250910", "name": "web_fetch"}
    for size in range(len(FIELDS_WITH_BETAS) + 1):
        for names in itertools.combinations(FIELDS_WITH_BETAS, size):
            settings = {k: v for name in names for k, v in FIELDS_WITH_BETAS[name].items()}
            partner = langchain_anthropic.ChatAnthropic(
                model="claude-opus-5", api_key="sk-ant-test", betas=given, **settings
            )
            conversation: list[Any] = [LCHuman("hi")]
            if "tool_change" in names:
                conversation.append(LCSystem([{"type": "tool_removal", "name": "add"}]))
            payload = partner._get_request_payload(conversation, tools=[fetch])
            body = {k: v for k, v in payload.items() if k != "betas"}
            header = with_request_betas(",".join(given) if given else None, body)
            assert header == ",".join(payload["betas"]), names
