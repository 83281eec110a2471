"""The base URL langchain-anthropic's ChatAnthropic reads from the environment, read by
the drop-in the same way: LangChain's `ANTHROPIC_API_URL` first, then the SDK's
`ANTHROPIC_BASE_URL`, the environment's key sent with it, for a call and for a count of
tokens alike (`POST /v1/messages/count_tokens`); a base URL given in code wins over both.

Each case sets the variables, builds the partner's class and the drop-in with the same
keywords, and compares the field read back and the requests one call and one count send
to a local server (path, key, version); the variable not pointed at it names a host that
does not exist, so a request sent by the wrong one never arrives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import HumanMessage

import chatplex.langchain
from tests._replies import anthropic_message
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import comparable_request
from tests.partners._sidebyside import scripted_server

langchain_anthropic = pytest.importorskip("langchain_anthropic")

_VARIABLES = ("ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY")
_NOWHERE = "http://anthropic.example.invalid"
_MESSAGE = json.dumps(anthropic_message("hi", usage={"input_tokens": 3, "output_tokens": 1}))


def _answer(seen: Seen) -> Reply:
    if seen.path.endswith("/count_tokens"):
        return Reply(200, [json.dumps({"input_tokens": 3}).encode()])
    return Reply(200, [_MESSAGE.encode()])


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with scripted_server() as served:
        served.handler = _answer
        yield served


def _seen(keywords: dict[str, Any], server: ScriptedServer) -> list[Any]:
    """Per class (the partner's, the drop-in): its base URL field, and the requests one
    call and one count of tokens sent (path, key, version, body)."""
    out = []
    for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
        model = cls(model="claude-haiku-4-5", max_retries=0, **keywords)
        server.seen.clear()
        model.invoke("hi")
        model.get_num_tokens_from_messages([HumanMessage("hi")])
        headers = ("x-api-key", "authorization", "anthropic-version")
        sent = [comparable_request(seen, headers) for seen in server.seen]
        out.append((model.anthropic_api_url, sent))
    return out


@pytest.mark.parametrize(
    ("variables", "given"),
    [
        ({"ANTHROPIC_API_URL": "{server}"}, {}),
        ({"ANTHROPIC_BASE_URL": "{server}"}, {}),
        ({"ANTHROPIC_API_URL": "{server}", "ANTHROPIC_BASE_URL": _NOWHERE}, {}),
        ({"ANTHROPIC_API_URL": _NOWHERE}, {"base_url": "{server}"}),
        ({"ANTHROPIC_API_URL": "{server}"}, {"api_key": "sk-given"}),
    ],
)
def test_the_environments_base_url_and_key_are_read_as_on_the_partner(
    variables: dict[str, str],
    given: dict[str, str],
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env")
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(server=server.url))
    keywords = {k: v.format(server=server.url) for k, v in given.items()}
    theirs, ours = _seen(keywords, server)
    assert ours == theirs
    paths = [request["path"] for request in ours[1]]
    assert paths == ["/v1/messages", "/v1/messages/count_tokens"]
    key = given.get("api_key", "sk-env")
    # (the anthropic SDK's way, which the drop-in sends too: a bearer token)
    assert [request["headers"]["authorization"] for request in ours[1]] == [f"Bearer {key}"] * 2
