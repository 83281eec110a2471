"""A key in `model_kwargs` that is no parameter of the partner SDK's `create()` (a body
field the provider takes and the SDK does not know: `model_kwargs={"foo": 1}`): the
partner classes built on a Stainless SDK (langchain-openai's, -anthropic's, -groq's,
-deepseek's) hand `model_kwargs` to `create()` with each call, whose TypeError every call
raises before any request. The drop-in sends it in the body, as chatplex's own family
and langchain-mistralai send it: a kept difference (LangChain raises), held here, sync
and async. langchain-openrouter's SDK `send()` takes no request options either:
`model_kwargs={"extra_headers": ...}` is its TypeError too, where the drop-in sends the
headers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners import test_call_query
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server
from tests.partners.test_call_query import NAMES
from tests.partners.test_call_query import stainless_pair

#: The module's server: OpenAI's and Anthropic's replies, as for a call's query.
server = test_call_query.server

CALLS = {
    "invoke": lambda model: model.invoke("hi"),
    "ainvoke": lambda model: asyncio.run(model.ainvoke("hi")),
}


@pytest.mark.parametrize("how", sorted(CALLS))
@pytest.mark.parametrize("name", NAMES)
def test_a_body_field_in_model_kwargs_is_sent_where_the_partner_raises(
    name: str, how: str, server: ScriptedServer
) -> None:
    theirs, ours = stainless_pair(name, server.url, model_kwargs={"foo": 1})
    server.seen.clear()
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        CALLS[how](theirs)
    assert server.seen == []  # every call of the partner's: refused before any request
    assert CALLS[how](ours).content == "hi"
    (seen,) = server.seen
    assert seen.body["foo"] == 1


@pytest.fixture(scope="module")
def openrouter() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [json.dumps(chat_completion("hi")).encode()])
        yield served


def test_openrouter_request_options_in_model_kwargs_are_sent_where_the_partner_raises(
    openrouter: ScriptedServer,
) -> None:
    partner = pytest.importorskip("langchain_openrouter")
    options = {"extra_headers": {"x-trace": "t-1"}, "extra_query": {"tenant": "a"}}
    built: dict[str, Any] = {"model": "openai/gpt-4o", "api_key": "k", "max_retries": 0}
    built["base_url"] = openrouter.url + "/api/v1"
    for name in options:
        openrouter.seen.clear()
        theirs = partner.ChatOpenRouter(**built, model_kwargs={name: options[name]})
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'"):
            theirs.invoke("hi")
        assert openrouter.seen == []
    ours = chatplex.langchain.ChatOpenRouter(**built, model_kwargs=dict(options))
    assert ours.invoke("hi").content == "hi"
    (seen,) = openrouter.seen
    assert seen.headers.get("x-trace") == "t-1"
    assert seen.path.endswith("?tenant=a")
    assert not {"extra_headers", "extra_query"} & set(seen.body)
