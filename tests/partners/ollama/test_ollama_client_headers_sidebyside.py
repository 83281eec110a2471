"""ChatOllama's `client_kwargs` headers beside `sync_client_kwargs` / `async_client_kwargs`
headers: langchain-ollama documents the latter as merged with `client_kwargs`, but merges
one level deep, so the client's own `headers` replace the shared ones (an auth header
given once, for both clients, is not sent). The drop-in sends both: a kept difference
(`DIFFERENCES`), shown by its test."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import ollama_reply
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer

langchain_ollama = pytest.importorskip("langchain_ollama")

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Difference, Callable[[Any], Any]]] = {
    "shared_headers_beside_a_clients_own": (
        Difference(
            Reason.LOSES_DATA,
            "`sync_client_kwargs` / `async_client_kwargs` holding `headers` replace the "
            "`headers` of `client_kwargs` (a one-level merge): the shared headers, an "
            "authorization header too, are not sent",
            "both are sent: the shared headers and each client's own (its own winning "
            "where both name one)",
        ),
        lambda outcome: outcome,
    ),
}

_REPLY = ollama_reply("hi", prompt_eval_count=1, eval_count=1)


def test_shared_headers_beside_a_clients_own(server: ScriptedServer) -> None:
    server.handler = lambda seen: Reply(200, [json.dumps(_REPLY).encode()])
    built = {
        "model": "llama3",
        "base_url": server.url,
        "client_kwargs": {"headers": {"x-shared": "s", "x-both": "shared"}},
        "sync_client_kwargs": {"headers": {"x-sync": "y", "x-both": "sync"}},
        "async_client_kwargs": {"headers": {"x-async": "a"}},
    }
    sent = []
    for cls in (langchain_ollama.ChatOllama, chatplex.langchain.ChatOllama):
        server.seen.clear()
        model = cls(**built)
        model.invoke("hi")
        asyncio.run(model.ainvoke("hi"))
        sent.append(
            [{k: v for k, v in s.headers.items() if k.startswith("x-")} for s in server.seen]
        )
    theirs, ours = sent
    assert theirs == [{"x-sync": "y", "x-both": "sync"}, {"x-async": "a"}]
    assert ours == [
        {"x-shared": "s", "x-sync": "y", "x-both": "sync"},
        {"x-shared": "s", "x-both": "shared", "x-async": "a"},
    ]


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
