"""A base URL that ends in Ollama's own `/api` (`http://host:11434/api`, as Ollama's API
reference writes its endpoints), side by side: langchain-ollama's client puts its paths
under it, posting `/api/api/chat`, which Ollama answers 404 (its client's ResponseError);
the drop-in posts `/api/chat`. A kept difference: LangChain sends a request the provider
rejects (`Reason.REJECTED`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from chatplex.langchain import ChatOllama as OurChatOllama
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import raised
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

langchain_ollama = pytest.importorskip("langchain_ollama")


def _as_ollama(seen: Seen) -> Reply:
    """Ollama's own routes: a chat at /api/chat, a 404 elsewhere (its words)."""
    if seen.path != "/api/chat":
        return Reply(404, [json.dumps({"error": "404 page not found"}).encode()])
    return ollama_replies("Paris")(seen)


#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = {
    "a_base_url_ending_in_api_posts_ollamas_path": (
        Difference(
            Reason.REJECTED,
            "a base URL ending in Ollama's own `/api` (`http://localhost:11434/api`, as "
            "Ollama's API reference writes its endpoints) has the client's paths put under "
            "it: the chat is posted to `/api/api/chat`, which Ollama answers 404 (a "
            "ResponseError)",
            "a base URL ending in `/api` posts the chat to `/api/chat`, Ollama's own path",
        ),
        lambda outcome: outcome,
    ),
}


def test_a_base_url_ending_in_api_posts_ollamas_path(server: ScriptedServer) -> None:
    server.handler = _as_ollama
    base_url, before = server.url + "/api", len(server.seen)
    theirs = raised(
        lambda: langchain_ollama.ChatOllama(model=MODEL, base_url=base_url).invoke("hi")
    )
    assert [seen.path for seen in server.seen[before:]] == ["/api/api/chat"]
    assert type(theirs["error"]).__name__ == "ResponseError", theirs  # its 404
    ours = OurChatOllama(model=MODEL, base_url=base_url).invoke("hi")
    assert ours.content == "Paris" and server.seen[-1].path == "/api/chat"


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
