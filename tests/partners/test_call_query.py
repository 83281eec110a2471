"""A call's `extra_query`: the partner classes built on a Stainless SDK (langchain-openai's,
-anthropic's, -groq's, -deepseek's) hand it to the SDK, which adds it to the request's
URL. Their drop-ins send the same URL, sync and async, bound or given per call, and a
value named like a credential never shows in what the drop-in's error says. The
constructor's `default_query` goes where theirs goes too, after the path the SDK adds."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.partners._builds import PARTNER_BUILDS
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import scripted_server

NAMES = ("ChatOpenAI", "AzureChatOpenAI", "ChatAnthropic", "ChatGroq", "ChatDeepSeek")
QUERY = {"tag": "a b/&", "on": True, "off": False, "skip": None, "m": {"k": 1}}
_OPENAI = json.dumps(chat_completion("hi", created=1)).encode()
_ANTHROPIC = json.dumps(anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1}))


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(
            200, [_ANTHROPIC.encode() if seen.path.startswith("/v1/messages") else _OPENAI]
        )
        yield served


def stainless_pair(name: str, url: str, **extra: Any) -> list[Any]:
    """The partner's model and the drop-in, built alike (with `extra`), pointed at
    `url`."""
    module, keywords = PARTNER_BUILDS[name]
    where = {"azure_endpoint": url} if name == "AzureChatOpenAI" else {"base_url": url + "/v1"}
    if name == "ChatAnthropic":
        where = {"base_url": url}
    pytest.importorskip(module)
    built = {**keywords, **where, "max_retries": 0}
    return [
        getattr(importlib.import_module(module), name)(**built, **extra),
        getattr(chatplex.langchain, name)(**built, **extra),
    ]


def each_request(models: list[Any], server: ScriptedServer, call: Any) -> list[Seen]:
    """Per model, the one request `call(model)` sent."""
    requests = []
    for model in models:
        server.seen.clear()
        call(model)
        (seen,) = server.seen
        requests.append(seen)
    return requests


def path_and_query(seen: Seen) -> tuple[str, list[tuple[str, str]]]:
    """A request's path and its query's pairs, decoded (the SDKs encode a space as `+`
    or `%20`: the same to a server)."""
    where = urlsplit(seen.path)
    return where.path, parse_qsl(where.query, keep_blank_values=True)


def _paths(models: list[Any], server: ScriptedServer, call: Any) -> list[Any]:
    """Per model, the path its call was sent to and its query's pairs."""
    return [path_and_query(seen) for seen in each_request(models, server, call)]


@pytest.mark.parametrize("name", NAMES)
def test_a_calls_extra_query_goes_where_the_partner_sends_it(
    name: str, server: ScriptedServer
) -> None:
    models = stainless_pair(name, server.url)
    theirs, ours = _paths(models, server, lambda m: m.invoke("hi", extra_query=QUERY))
    assert ours == theirs
    assert ours[1][-4:] == [("tag", "a b/&"), ("on", "true"), ("off", "false"), ("m[k]", "1")]
    later = _paths(models, server, lambda m: asyncio.run(m.ainvoke("hi", extra_query={"x": 1})))
    assert later[0] == later[1] and later[1][1][-1] == ("x", "1")


@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI", "ChatDeepSeek"])
def test_a_list_goes_as_the_openai_sdk_sends_it(name: str, server: ScriptedServer) -> None:
    models = stainless_pair(name, server.url)
    theirs, ours = _paths(models, server, lambda m: m.invoke("hi", extra_query={"ids": [1, 2]}))
    assert ours == theirs and ours[1][-2:] == [("ids[]", "1"), ("ids[]", "2")]


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatAnthropic"])
def test_a_bound_extra_query_is_replaced_by_the_calls_as_in_langchain(
    name: str, server: ScriptedServer
) -> None:
    models = [m.bind(extra_query={"a": 1}) for m in stainless_pair(name, server.url)]
    streamed = _paths(models, server, lambda m: m.invoke("hi", extra_query={"b": 2}))
    assert streamed[0] == streamed[1] and streamed[1][1][-1] == ("b", "2")
    assert ("a", "1") not in streamed[1][1]


def test_a_query_value_named_like_a_key_never_shows_in_the_error() -> None:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(500, [b'{"error": {"message": "down"}}'])
        (_, ours) = stainless_pair("ChatOpenAI", served.url)
        with pytest.raises(Exception) as raised:
            ours.invoke("hi", extra_query={"api-key": "sk-SENTINEL-query-1"})
        assert "sk-SENTINEL-query-1" in served.seen[0].path  # sent, as the SDK sends it
    shown = [str(raised.value), repr(raised.value), repr(getattr(raised.value, "request", None))]
    assert not any("sk-SENTINEL-query-1" in text for text in shown)


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatGroq", "ChatDeepSeek"])
def test_a_default_query_stays_after_the_path_the_sdk_adds(
    name: str, server: ScriptedServer
) -> None:
    module, keywords = PARTNER_BUILDS[name]
    pytest.importorskip(module)
    where = {"base_url": server.url} if name == "ChatGroq" else {"base_url": server.url + "/v1"}
    built = {**keywords, **where, "max_retries": 0, "default_query": {"tenant": "t-1"}}
    models = [getattr(importlib.import_module(module), name)(**built)]
    models.append(getattr(chatplex.langchain, name)(**built))
    theirs, ours = _paths(models, server, lambda m: m.invoke("hi"))
    assert ours == theirs and ours[1] == [("tenant", "t-1")]
