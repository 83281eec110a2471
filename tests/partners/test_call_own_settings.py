"""A call's chatplex-only settings (`max_retries=`, `cache=`, `rate_limit=`...) on the
drop-ins whose partner hands a call's keywords to a Stainless SDK's `create()`
(langchain-openai's, -anthropic's, -groq's, -deepseek's): the SDK takes no such keyword,
so the partner raises TypeError before any request, and so does the drop-in, sync and
async, given per call or bound. chatplex's own family takes them per call
(`model.invoke(x, max_retries=0)`), as its docs say."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tenacity import retry_if_exception_type
from tenacity import stop_after_attempt
from tenacity import wait_fixed

import chatplex
from chatplex.chat.settings import OWN_CALL_SETTINGS
from chatplex.core.retry import RetryPolicy
from chatplex.errors import ServerError
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners.test_call_query import NAMES
from tests.partners.test_call_query import server  # noqa: F401  (the module's fixture)
from tests.partners.test_call_query import stainless_pair

#: A value of each setting chatplex's own family takes per call.
VALUES = {
    "max_retries": 0,
    "max_retry_after": 3.0,
    "retry_policy": RetryPolicy(
        retry=retry_if_exception_type(OSError), stop=stop_after_attempt(1), wait=wait_fixed(0)
    ),
    "stream_idle_timeout": 5.0,
    "max_response_bytes": 1 << 20,
    "cache": False,
    "rate_limit": {"requests_per_minute": 60},
}


def test_every_own_setting_has_a_value() -> None:
    assert set(VALUES) == set(OWN_CALL_SETTINGS)


#: The ways a script gives a call its keywords, sync and async.
CALLS = {
    "invoke": lambda model, keywords: model.invoke("hi", **keywords),
    "ainvoke": lambda model, keywords: asyncio.run(model.ainvoke("hi", **keywords)),
    "stream": lambda model, keywords: list(model.stream("hi", **keywords)),
    "bound": lambda model, keywords: model.bind(**keywords).invoke("hi"),
}


@pytest.mark.parametrize("how", sorted(CALLS))
@pytest.mark.parametrize("setting", sorted(VALUES))
@pytest.mark.parametrize("name", NAMES)
def test_a_calls_own_setting_is_refused_as_the_partner_refuses_it(
    name: str,
    setting: str,
    how: str,
    server: ScriptedServer,  # noqa: F811
) -> None:
    for model in stainless_pair(name, server.url):  # the partner's, then the drop-in
        server.seen.clear()
        with pytest.raises(TypeError, match=f"'{setting}'"):
            CALLS[how](model, {setting: VALUES[setting]})
        assert server.seen == [], type(model).__module__  # refused before any request


@pytest.mark.parametrize("name", NAMES)
def test_the_words_name_the_setting(name: str, server: ScriptedServer) -> None:  # noqa: F811
    _, ours = stainless_pair(name, server.url)
    with pytest.raises(TypeError, match="'max_retries'"):
        ours.invoke("hi", max_retries=0)


def test_chatplex_own_family_takes_them_per_call(server: ScriptedServer) -> None:  # noqa: F811
    answered = server.handler
    failing = {"left": 1}

    def once_failing(seen: Any) -> Reply:
        if failing["left"]:
            failing["left"] -= 1
            return Reply(500, [b'{"error": {"message": "busy"}}'])
        return answered(seen)

    server.handler = once_failing
    try:
        model = chatplex.init_chat_model(
            "openai:gpt-4o-mini", base_url=server.url + "/v1", api_key="sk-k", max_retries=2
        )
        server.seen.clear()
        with pytest.raises(ServerError):
            model.invoke("hi", max_retries=0)  # the call's own: no retry of the 500
        assert len(server.seen) == 1
        failing["left"] = 1
        server.seen.clear()
        assert model.invoke("hi").content == "hi"  # the model's: the 500 retried
        assert len(server.seen) == 2
    finally:
        server.handler = answered


def test_chatanthropic_leaves_out_a_calls_none_keywords(server: ScriptedServer) -> None:  # noqa: F811
    """langchain-anthropic's payload leaves out every None value: a call's `foo=None` (or
    `max_retries=None`) is no keyword its SDK refuses, and the request is sent."""
    bodies = []
    for model in stainless_pair("ChatAnthropic", server.url):
        server.seen.clear()
        assert model.invoke("hi", foo=None, max_retries=None).content == "hi"
        assert asyncio.run(model.ainvoke("hi", foo=None)).content == "hi"
        bodies.append([seen.body for seen in server.seen])
    theirs, ours = bodies
    assert ours == theirs
    assert all("foo" not in body and "max_retries" not in body for body in ours)
