"""The environment variables langchain-openai's classes read beyond their keys, read by
their drop-ins the same way: where a request goes and with what (`OPENAI_ORGANIZATION`,
the organization's older name; `OPENAI_API_BASE` / `OPENAI_BASE_URL` / `OPENAI_PROXY`,
which decide whether a stream asks for its usage), and the fields read back.

Each case sets the variables, builds the partner's class and the drop-in with the same
keywords, pointed at one local server, and compares the fields read and the request a
streamed call sends (path, body, the organization header)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import comparable_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

langchain_openai = pytest.importorskip("langchain_openai")

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
#: Every variable a case may set, cleared first (a developer's shell may hold them).
_VARIABLES = (
    "OPENAI_API_BASE",
    "OPENAI_BASE_URL",
    "OPENAI_PROXY",
    "OPENAI_ORG_ID",
    "OPENAI_ORGANIZATION",
    "AZURE_OPENAI_ENDPOINT",
    "LANGSMITH_GATEWAY",
)
_FIELDS = ("openai_organization", "openai_api_base", "openai_proxy", "stream_usage")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _keywords(name: str, url: str) -> dict[str, Any]:
    if name == "AzureChatOpenAI":
        return {"azure_deployment": "d", "azure_endpoint": url, "max_retries": 0}
    return {"model": "gpt-4o-mini", "base_url": url + "/v1", "max_retries": 0}


def _seen(name: str, keywords: dict[str, Any], server: ScriptedServer) -> list[Any]:
    """Per class (the partner's, the drop-in): the fields read back, and one streamed
    call's request as the suites compare it, with its organization header."""
    out = []
    for cls in (getattr(langchain_openai, name), getattr(chatplex.langchain, name)):
        model = cls(**keywords)
        server.seen.clear()
        sent_once(model, "stream")
        (request,) = server.seen
        fields = {f: getattr(model, f) for f in _FIELDS}
        out.append((fields, comparable_request(request, ("openai-organization",))))
    return out


@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_the_organizations_older_variable_is_read_and_sent(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORGANIZATION", "org-older")
    theirs, ours = _seen(name, _keywords(name, server.url), server)
    assert ours == theirs
    assert ours[1]["headers"] == {"openai-organization": "org-older"}


@pytest.mark.parametrize("variable", ["OPENAI_API_BASE", "OPENAI_BASE_URL", "OPENAI_PROXY"])
@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_a_base_url_or_proxy_in_the_environment_decides_stream_usage_as_on_the_partner(
    name: str, variable: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # langchain-openai asks a stream for its usage (`stream_options`) of OpenAI's own
    # host only: ChatOpenAI's test reads these variables, AzureChatOpenAI's only the
    # proxy's (through its field). ChatOpenAI is pointed at the server by the variable
    # itself; through the proxy (the server as a forward proxy, which gets the absolute
    # URL of a host that does not exist), by OPENAI_BASE_URL.
    keywords = _keywords(name, server.url)
    if name == "ChatOpenAI":
        del keywords["base_url"]
    if variable == "OPENAI_PROXY":
        monkeypatch.setenv(variable, server.url)
        if name == "ChatOpenAI":
            monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.example.invalid/v1")
    else:
        monkeypatch.setenv(variable, server.url + "/v1")
    theirs, ours = _seen(name, keywords, server)
    assert ours == theirs
