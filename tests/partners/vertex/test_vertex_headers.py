"""What ChatVertexAI's requests say about who calls, beside langchain-google-vertexai's
own on the same settings (its REST transport, `api_transport="rest"`, against the same
scripted server): requests' User-Agent, `x-goog-api-client` naming the class and
the model (`_utils.get_user_agent`, through `get_client_info`), google-api-core's
versions and the credentials' type, which chatplex's copy ends with chatplex's own
name, and the routing header naming the model's resource. The partner's values are
what the installed partner computes, per request."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer

vertex_partner = pytest.importorskip("langchain_google_vertexai")
oauth2 = pytest.importorskip("google.oauth2.credentials")

import chatplex.langchain  # noqa: E402
from chatplex import init_chat_model  # noqa: E402
from chatplex.version import USER_AGENT  # noqa: E402

#: The headers that say who calls.
WHO = ("user-agent", "x-goog-api-client", "x-goog-request-params")
REFUSED = Reply(400, [b'{"error": {"code": 400, "message": "no", "status": "INVALID_ARGUMENT"}}'])


def _sent(server: ScriptedServer, cls: Any, model: str, how: str) -> dict[str, str]:
    """The headers saying who calls of the one request `cls(model=model)` sends `how`."""
    server.handler = lambda seen: REFUSED
    server.seen.clear()
    chat = cls(
        model=model,
        project="proj-1",
        location="us-central1",
        credentials=oauth2.Credentials(token="fake-token"),
        api_transport="rest",
        base_url=server.url,
        max_retries=0,
    )
    with contextlib.suppress(Exception):  # the 400: only the request is wanted
        if how == "invoke":
            chat.invoke("hi")
        elif how == "ainvoke":
            asyncio.run(chat.ainvoke("hi"))
        else:
            list(chat.stream("hi"))
    (seen,) = server.seen
    return {k: v for k, v in seen.headers.items() if k in WHO}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the partner's class is deprecated
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream"])
@pytest.mark.parametrize("model", ["gemini-2.5-flash", "gemini-2.0-flash"])
def test_who_calls_is_said_as_the_partner_says_it(
    server: ScriptedServer, model: str, how: str
) -> None:
    theirs = _sent(server, vertex_partner.ChatVertexAI, model, how)
    ours = _sent(server, chatplex.langchain.ChatVertexAI, model, how)
    assert theirs["user-agent"].startswith("python-requests/")
    assert f"-ChatVertexAI_{model} " in theirs["x-goog-api-client"]
    assert theirs["x-goog-api-client"].endswith(" cred-type/u")
    routed = f"model=projects/proj-1/locations/us-central1/publishers/google/models/{model}"
    assert theirs["x-goog-request-params"] == routed
    assert ours == {**theirs, "x-goog-api-client": f"{theirs['x-goog-api-client']} {USER_AGENT}"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_telemetry_tag_is_the_partners(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_AGENT_ENGINE_ID", "engine-1")
    theirs = _sent(server, vertex_partner.ChatVertexAI, "gemini-2.0-flash", "invoke")
    ours = _sent(server, chatplex.langchain.ChatVertexAI, "gemini-2.0-flash", "invoke")
    assert "+remote_reasoning_engine" in theirs["x-goog-api-client"]
    assert ours["x-goog-api-client"] == f"{theirs['x-goog-api-client']} {USER_AGENT}"


def test_headers_given_are_kept(server: ScriptedServer) -> None:
    server.handler = lambda seen: REFUSED
    server.seen.clear()
    chat = chatplex.langchain.ChatVertexAI(
        model="gemini-2.0-flash",
        project="proj-1",
        credentials=oauth2.Credentials(token="fake-token"),
        base_url=server.url,
        max_retries=0,
        additional_headers={"User-Agent": "app/1"},
    )
    with contextlib.suppress(Exception):
        chat.invoke("hi")
    (seen,) = server.seen
    assert seen.headers["user-agent"] == "app/1"
    assert seen.headers["x-goog-api-client"].startswith("langchain-google-vertexai/")


def test_chatplex_own_family_says_chatplex(server: ScriptedServer) -> None:
    server.handler = lambda seen: REFUSED
    server.seen.clear()
    chat = init_chat_model(
        "google_vertexai:gemini-2.0-flash",
        project="proj-1",
        credentials=oauth2.Credentials(token="fake-token"),
        base_url=server.url,
        max_retries=0,
    )
    with contextlib.suppress(Exception):
        chat.invoke("hi")
    (seen,) = server.seen
    assert seen.headers["user-agent"] == USER_AGENT
    assert "x-goog-api-client" not in seen.headers
