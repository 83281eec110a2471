"""chatplex's own `init_chat_model("openai:...", default_query={...})` takes the openai
SDK client's keyword, as langchain's `init_chat_model` (its ChatOpenAI) and the drop-in
do: its parameters go on every request's URL, after the endpoint's path, on Chat
Completions and on the Responses API alike."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

import chatplex
from tests._replies import chat_completion
from tests.adapters._responses_fixtures import message_item
from tests.adapters._responses_fixtures import response
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen

langchain_openai = pytest.importorskip("langchain_openai")

_QUERY = {"tenant": "t1", "a": "1"}


def _reply(seen: Seen) -> Reply:
    path = urlsplit(seen.path).path
    body = response([message_item("hi")]) if path.endswith("/responses") else chat_completion("hi")
    return Reply(200, [json.dumps(body).encode()])


def _sent(server: ScriptedServer, model: Any) -> tuple[str, list[tuple[str, str]]]:
    server.seen.clear()
    model.invoke("hi")
    (seen,) = server.seen
    where = urlsplit(seen.path)
    return where.path, parse_qsl(where.query)


@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
def test_own_init_chat_model_sends_default_query_as_the_partner(
    server: ScriptedServer, responses: bool
) -> None:
    server.handler = _reply
    keywords = {
        "api_key": "sk-k",
        "base_url": server.url + "/v1",
        "max_retries": 0,
        "default_query": _QUERY,
        "use_responses_api": responses,
    }
    theirs = _sent(server, langchain_openai.ChatOpenAI(model="gpt-4.1", **keywords))
    ours = _sent(server, chatplex.init_chat_model("openai:gpt-4.1", **keywords))
    assert ours == theirs
    assert ours[1] == [("tenant", "t1"), ("a", "1")]
