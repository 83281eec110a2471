"""Anthropic's token count (`providers/anthropic/count_tokens.py`, the drop-in's
`get_num_tokens_from_messages`) beside langchain-anthropic's: the same request (path,
beta query and header, body) and the same count from the same mock server; HTTP errors
as the drop-in's chat calls raise them, retried as they are; bad input refused before
any request."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import HumanMessage as LCHumanMessage
from langchain_core.messages import SystemMessage as LCSystemMessage

import chatplex
import chatplex.langchain
from chatplex.errors import APIError
from chatplex.messages import HumanMessage
from chatplex.providers.anthropic.count_tokens import COUNT_BETA
from chatplex.providers.anthropic.count_tokens import count_body
from chatplex.providers.anthropic.count_tokens import read_input_tokens
from chatplex.testing import MockServer
from chatplex.testing._mock_types import MockRequest
from tests._dropins import engine
from tests._warns import warns_nothing

LeanChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)

langchain_anthropic = pytest.importorskip("langchain_anthropic")
anthropic = pytest.importorskip("anthropic")

MODEL = "claude-sonnet-4-5"
SAID = [LCSystemMessage("Be brief."), LCHumanMessage("Hello there"), LCAIMessage("Hi, friend!")]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


def both(server: MockServer, **settings: Any) -> tuple[Any, Any]:
    """langchain-anthropic's class and chatplex's, on `server`."""
    common = {"model": MODEL, "api_key": "sk-ant-test", "base_url": server.anthropic_base_url}
    theirs = langchain_anthropic.ChatAnthropic(**common, **settings)
    return theirs, chatplex.langchain.ChatAnthropic(**common, **settings)


def recording() -> tuple[list[MockRequest], Callable[[MockRequest], None]]:
    seen: list[MockRequest] = []
    return seen, lambda request: seen.append(request)


CASES = {
    "plain": ({}, {}),
    "tools": ({}, {"tools": [get_weather], "tool_choice": {"type": "auto"}}),
    "betas": ({"betas": ["b1"], "context_management": {"edits": []}}, {"tools": [get_weather]}),
    "empty_betas": ({"betas": []}, {"thinking": {"type": "disabled"}}),
    "extra_body": ({}, {"extra_body": {"speed": "fast"}}),
    "header_parameters": ({}, {"user_profile_id": "u1", "extra_headers": {"x-trace": "t"}}),
    "beta_parameters": ({"betas": ["b1"]}, {"mcp_servers": []}),
    # the model's user profile goes with its calls, not its counts; a default header does
    "model_user_profile": ({"user_profile_id": "up", "betas": ["b1"]}, {}),
    "default_header_profile": ({"default_headers": {"anthropic-user-profile-id": "up"}}, {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_count_request_and_count_are_langchain_anthropics(case: str) -> None:
    settings, kwargs = CASES[case]
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        theirs, ours = both(server, **settings)
        expected = theirs.get_num_tokens_from_messages(SAID, **kwargs)
        got = ours.get_num_tokens_from_messages(SAID, **kwargs)
    assert got == expected == 9  # 4 words said, 2 of system, 3 (the mock's count)
    partner, chatplex_request = seen
    assert chatplex_request.path == partner.path == "/v1/messages/count_tokens"
    assert chatplex_request.json == partner.json
    for header in ("anthropic-beta", "anthropic-user-profile-id", "x-trace"):
        assert chatplex_request.headers.get(header) == partner.headers.get(header)


@pytest.mark.parametrize("betas", [None, ["b1", "b2"]])
def test_count_url_and_betas_are_the_sdks(betas: list[str] | None) -> None:
    query = {"extra_query": {"region": "eu"}}
    """The URL (query included) and the betas header the SDK sends, with betas and
    without."""
    sdk_base = importlib.import_module("anthropic._base_client")
    sdk_http: Any = importlib.import_module("httpx2") if hasattr(sdk_base, "httpx2") else httpx
    urls: list[str] = []
    beta_headers: list[str | None] = []

    def answer(package: Any) -> Callable[[Any], Any]:
        def handler(request: Any) -> Any:
            urls.append(f"{request.url.path}?{request.url.query.decode()}")
            beta_headers.append(request.headers.get("anthropic-beta"))
            return package.Response(200, json={"input_tokens": 3})

        return handler

    common: dict[str, Any] = {"model": MODEL, "api_key": "sk-ant-test", "betas": betas}
    common["base_url"] = "http://anthropic.test"
    theirs = langchain_anthropic.ChatAnthropic(**common)
    sdk_client = sdk_http.Client(transport=sdk_http.MockTransport(answer(sdk_http)))
    theirs.__dict__["_client"] = anthropic.Anthropic(
        api_key="sk-ant-test", base_url="http://anthropic.test", http_client=sdk_client
    )
    ours = chatplex.langchain.ChatAnthropic(
        **common, http_client=httpx.Client(transport=httpx.MockTransport(answer(httpx)))
    )
    expected = theirs.get_num_tokens_from_messages(SAID, **query)
    assert ours.get_num_tokens_from_messages(SAID, **query) == expected
    assert urls[0] == urls[1] == "/v1/messages/count_tokens?region=eu"
    assert beta_headers[0] == beta_headers[1]
    assert beta_headers[1] == (None if betas is None else f"b1,b2,{COUNT_BETA}")


def test_lean_model_counts_the_same() -> None:
    """chatplex's engine (the drop-in's `chatplex_model`) counts its own messages."""
    with MockServer() as server:
        model = LeanChatAnthropic(
            model=MODEL, api_key="sk-ant-test", base_url=server.anthropic_base_url
        )
        assert model.get_num_tokens_from_messages([HumanMessage("one two three")]) == 6


def test_error_status_is_the_sdks_class_as_the_partners_count_raises() -> None:
    """A 400 is chatplex's typed error and the anthropic SDK's own class, as
    langchain-anthropic's count raises it (not the class its chat calls re-raise)."""
    fault = {"extra_headers": {"x-mock-fault": "status=400"}}
    with MockServer() as server:
        theirs, ours = both(server, max_retries=0)
        with pytest.raises(anthropic.BadRequestError) as partner:
            theirs.get_num_tokens_from_messages(SAID, **fault)
        with pytest.raises(APIError) as counted:
            ours.get_num_tokens_from_messages(SAID, **fault)
    assert type(counted.value).__name__ == type(partner.value).__name__ == "BadRequestError"
    assert isinstance(counted.value, anthropic.BadRequestError)
    assert counted.value.status == partner.value.status_code == 400


def test_overloaded_count_is_retried_as_chat_calls() -> None:
    tries = {"n": 0}

    def plan(request: MockRequest) -> str | None:
        tries["n"] += 1
        return "status=529" if tries["n"] == 1 else None

    with MockServer(fault_plan=plan) as server:
        ours = chatplex.langchain.ChatAnthropic(
            model=MODEL, api_key="sk-ant-test", base_url=server.anthropic_base_url, max_retries=2
        )
        assert ours.get_num_tokens_from_messages(SAID) == 9
    assert tries["n"] == 2


@pytest.mark.parametrize(
    "said", [[LCSystemMessage("Be brief.")], [LCSystemMessage("Be"), LCSystemMessage("brief.")], []]
)
def test_a_system_prompt_alone_is_counted_with_no_turn(said: list[Any]) -> None:
    """What trim_messages(token_counter=model, include_system=True) counts first: the
    system prompt by itself (or nothing), sent with `messages: []` as langchain-anthropic
    sends it, not refused for want of a turn."""
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        theirs, ours = both(server)
        assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)
    partner, chatplex_request = seen
    assert partner.json is not None and partner.json["messages"] == []
    assert chatplex_request.json == partner.json


def test_bad_input_is_refused_before_any_request() -> None:
    """A TypeError naming the item, where langchain-anthropic raises an AttributeError
    from inside its formatting (LangChain raises: the kept difference is the words)."""
    with MockServer() as server:
        theirs, ours = both(server)
        with pytest.raises(AttributeError, match="'str' object has no attribute 'type'"):
            theirs.get_num_tokens_from_messages([LCHumanMessage("hi"), "there"])
        with pytest.raises(TypeError, match="item 1 is a str"):
            ours.get_num_tokens_from_messages([LCHumanMessage("hi"), "there"])
        with pytest.raises(TypeError, match="takes a list of messages, got str"):
            ours.get_num_tokens_from_messages("hi")
        assert server.stats.requests == 0


@pytest.mark.parametrize(
    ("settings", "kwargs"),
    [
        ({}, {"colour": "red"}),
        ({}, {"mcp_servers": []}),  # a beta parameter, without betas
        ({"context_management": {"edits": []}}, {}),  # the model's, without betas
    ],
)
def test_a_keyword_the_sdk_does_not_take_is_its_type_error(
    settings: dict[str, Any], kwargs: dict[str, Any]
) -> None:
    with MockServer() as server:
        theirs, ours = both(server, **settings)
        with pytest.raises(TypeError) as partner:
            theirs.get_num_tokens_from_messages(SAID, **kwargs)
        with pytest.raises(TypeError) as counted:
            ours.get_num_tokens_from_messages(SAID, **kwargs)
        assert server.stats.requests == 0
    assert str(counted.value) == str(partner.value)


def test_root_composition_tools_are_dropped_with_the_partners_warning() -> None:
    either = {"anyOf": [{"type": "object"}, {"type": "object"}]}
    chat = {"model": MODEL, "messages": [], "tools": [{"name": "t", "input_schema": either}]}
    with pytest.warns(UserWarning, match="Dropping tool 't': its input_schema has a top-level"):
        body = count_body(chat, {}, beta=False)
    assert body["tools"] == []


def test_count_body_takes_the_chat_bodys_messages_over_the_keywords() -> None:
    chat = {"model": "m", "max_tokens": 5, "system": "s", "messages": [1], "stream": True}
    with warns_nothing():
        body = count_body(chat, {"system": "ignored", "tool_choice": {"type": "any"}}, beta=False)
    assert body == {"model": "m", "system": "s", "messages": [1], "tool_choice": {"type": "any"}}


@pytest.mark.parametrize(
    "reply", [b'{"input_tokens": "9"}', b'{"tokens": 9}', b"[]", b'{"input_tokens": -1}']
)
def test_a_reply_without_a_count_is_malformed(reply: bytes) -> None:
    with pytest.raises((TypeError, KeyError)):
        read_input_tokens(reply)


def test_a_malformed_count_reply_is_a_typed_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"n": 1}))
    model = LeanChatAnthropic(
        model=MODEL,
        api_key="sk-ant-test",
        base_url="http://anthropic.test",
        http_client=httpx.Client(transport=transport),
    )
    with pytest.raises(APIError, match="input_tokens"):
        model.get_num_tokens_from_messages([HumanMessage("hi")])


def test_count_beta_is_the_sdks() -> None:
    source = importlib.import_module("anthropic.resources.beta.messages.messages")
    assert f'"{COUNT_BETA}"' in inspect.getsource(source)


def test_a_credential_in_the_base_urls_query_is_sent_with_the_extra_query() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.url.path}?{request.url.query.decode()}")
        return httpx.Response(200, json={"input_tokens": 2})

    model = LeanChatAnthropic(
        model=MODEL,
        api_key="sk-ant-test",
        base_url="http://anthropic.test/?code=c-1",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    counted = model.get_num_tokens_from_messages([HumanMessage("hi")], extra_query={"r": "eu"})
    assert counted == 2
    assert sent == ["/v1/messages/count_tokens?code=c-1&r=eu"]
