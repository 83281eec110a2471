"""`model_kwargs={"extra_headers": ..., "extra_query": ...}`: the partner classes built on
a Stainless SDK (langchain-openai's, -anthropic's, -groq's, -deepseek's) hand their
`model_kwargs` to the SDK's `create()` with each call, which takes these two as request
options: headers and the URL's query, not body fields. (Scripts set Anthropic's beta
header so: `model_kwargs={"extra_headers": {"anthropic-beta": ...}}`.) Their drop-ins
send the same request, sync and async; and a call's own `extra_headers` or
`extra_query` replaces the model's (their payload is `{**model_kwargs, **kwargs}`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners import test_call_query
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server
from tests.partners.test_call_query import each_request
from tests.partners.test_call_query import path_and_query
from tests.partners.test_call_query import stainless_pair

NAMES = ("ChatOpenAI", "AzureChatOpenAI", "ChatAnthropic", "ChatGroq", "ChatDeepSeek")
OPTIONS = {"extra_headers": {"x-trace": "t-1"}, "extra_query": {"tenant": "a b"}}
#: The module's server: OpenAI's and Anthropic's replies, as for a call's query.
server = test_call_query.server


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for the module's async calls: langchain-openai keeps one httpx
    client for every model, bound to the loop of its first call."""
    running = asyncio.new_event_loop()
    yield running
    running.close()


def _both(name: str, url: str, model_kwargs: dict[str, Any]) -> list[Any]:
    """The partner's model and the drop-in, built alike with (a copy of) `model_kwargs`."""
    return stainless_pair(name, url, model_kwargs=dict(model_kwargs))


def _sent(models: list[Any], server: ScriptedServer, call: Callable[[Any], Any]) -> list[Any]:
    """Per model, what its one request carried: its path, its query's pairs (decoded),
    the two headers the scripts set, and whether the body named an option."""
    sent = []
    for seen in each_request(models, server, call):
        headers = {k.lower(): v for k, v in seen.headers.items()}
        named = sorted(set(seen.body or {}) & {"extra_headers", "extra_query"})
        sent.append((*path_and_query(seen), headers.get("x-trace"), headers.get("x-call"), named))
    return sent


@pytest.mark.parametrize("name", NAMES)
def test_model_kwargs_request_options_go_where_the_partners_sdk_sends_them(
    name: str, server: ScriptedServer, loop: asyncio.AbstractEventLoop
) -> None:
    models = _both(name, server.url, OPTIONS)
    theirs, ours = _sent(models, server, lambda m: m.invoke("hi"))
    assert ours == theirs
    assert ours[1][-1] == ("tenant", "a b") and ours[2:] == ("t-1", None, [])
    later = _sent(models, server, lambda m: loop.run_until_complete(m.ainvoke("hi")))
    assert later[1] == later[0] == theirs
    assert models[1].model_kwargs == models[0].model_kwargs == OPTIONS  # (held as given)


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatAnthropic", "ChatGroq"])
def test_a_calls_own_options_replace_the_models(
    name: str, server: ScriptedServer, loop: asyncio.AbstractEventLoop
) -> None:
    models = _both(name, server.url, OPTIONS)
    headers = {"extra_headers": {"x-call": "c-1"}}
    theirs, ours = _sent(models, server, lambda m: m.invoke("hi", **headers))
    assert ours == theirs and ours[2:4] == (None, "c-1")  # the model's header not sent
    assert ours[1][-1] == ("tenant", "a b")  # (its query stays: the call gave none)
    query = {"extra_query": {"only": "1"}}
    theirs, ours = _sent(
        models, server, lambda m: loop.run_until_complete(m.ainvoke("hi", **query))
    )
    assert ours == theirs and ("tenant", "a b") not in ours[1] and ours[2] == "t-1"
    bound = [m.bind(**headers) for m in models]
    theirs, ours = _sent(bound, server, lambda m: m.invoke("hi"))
    assert ours == theirs and ours[2:4] == (None, "c-1")
    theirs, ours = _sent(models, server, lambda m: m.invoke("hi"))  # (the model unchanged)
    assert ours == theirs and ours[2:4] == ("t-1", None)


def test_a_header_named_like_a_key_is_sent_and_never_shown() -> None:
    secret = "sk-SENTINEL-model-kwargs-1"
    with scripted_server() as served:
        served.handler = lambda seen: Reply(500, [b'{"error": {"message": "down"}}'])
        (_, ours) = _both("ChatOpenAI", served.url, {"extra_headers": {"helicone-auth": secret}})
        with pytest.raises(Exception) as raised:
            ours.invoke("hi")
        assert {k.lower(): v for k, v in served.seen[0].headers.items()}["helicone-auth"] == secret
    shown = [str(raised.value), repr(raised.value), repr(ours), str(ours.model_dump())]
    assert not any(secret in text for text in shown)
