"""A call's keywords where langchain-openai's ChatOpenAI reads the constructor's own.

Each script builds langchain-openai's class and the drop-in alike against one local
server and compares the requests they send: a call's `extra_body` (given or bound)
replaces the constructor's, which the SDK merges over the body, `model_kwargs` kept; a
per-call `model` leaves the system turn's role to the constructor's model (its
developer-role switch reads `model_name`); a model switched by `configurable_fields`
gets the temperature rule of the model switched to."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage
from langchain_core.runnables import ConfigurableField

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import module_loop

langchain_openai = pytest.importorskip("langchain_openai")

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
#: One loop for every async call: langchain-openai shares its default async client
#: across models, bound to the loop that first used it.
_LOOP, _shared_clients_closed = module_loop()


def _sent(server: ScriptedServer, script: Callable[[Any], object], **keywords: Any) -> list[Any]:
    """Per class (the partner's, the drop-in), the bodies `script` made it send (what
    the reply then raises aside: a stream's reply here is no stream)."""
    server.handler = lambda seen: Reply(200, [_REPLY])
    built = {"model": "gpt-4o-mini", "api_key": "sk-k", "max_retries": 0, **keywords}
    bodies = []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        with contextlib.suppress(ValueError):
            script(cls(base_url=server.url + "/v1", **built))
        bodies.append([seen.body for seen in server.seen])
    return bodies


_BODY = {
    "extra_body": {"a": 1, "user": "e"},
    "model_kwargs": {"user": "m", "parallel_tool_calls": False},
}


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.invoke("hi", extra_body={"c": 3}),
        lambda m: _LOOP.run_until_complete(m.ainvoke("hi", extra_body={"c": 3})),
        lambda m: list(m.stream("hi", extra_body={"c": 3})),
        lambda m: m.bind(extra_body={"d": 4}).invoke("hi", extra_body={"c": 3}),
        lambda m: m.bind(extra_body={"d": 4}).invoke("hi"),
    ],
    ids=["invoke", "ainvoke", "stream", "bound-then-called", "bound"],
)
def test_a_calls_extra_body_replaces_the_constructors(
    server: ScriptedServer, call: Callable[[Any], object]
) -> None:
    theirs, ours = _sent(server, call, **_BODY)
    assert ours == theirs
    (body,) = ours
    assert "a" not in body and body["user"] == "m" and body["parallel_tool_calls"] is False


def test_without_a_calls_extra_body_the_constructors_is_sent(server: ScriptedServer) -> None:
    theirs, ours = _sent(server, lambda m: (m.invoke("hi"), m.invoke("hi", user="u")), **_BODY)
    assert ours == theirs
    assert [(b["a"], b["user"]) for b in ours] == [(1, "e"), (1, "e")]


def _roles(bodies: list[Any]) -> list[Any]:
    return [(b["model"], [m["role"] for m in b["messages"]]) for b in bodies]


_TURNS = [SystemMessage("be brief"), HumanMessage("hi")]


@pytest.mark.parametrize(
    ("built", "called", "role"),
    [("gpt-4o-mini", "o3", "system"), ("o3", "gpt-4o", "developer")],
)
def test_a_calls_model_leaves_the_system_role_to_the_constructors(
    server: ScriptedServer, built: str, called: str, role: str
) -> None:
    theirs, ours = _sent(
        server,
        lambda m: (m.invoke(_TURNS, model=called), list(m.stream(_TURNS, model=called))),
        model=built,
    )
    assert _roles(ours) == _roles(theirs)
    assert _roles(ours)[0] == (called, [role, "user"])


@pytest.mark.parametrize("given", [{}, {"temperature": 0.5}])
def test_a_model_switched_to_o1_by_configurable_fields_keeps_its_temperature(
    server: ScriptedServer, given: dict[str, Any]
) -> None:
    def switched(model: Any) -> None:
        chosen = model.configurable_fields(model_name=ConfigurableField(id="m"))
        chosen.invoke("hi", config={"configurable": {"m": "o1"}})

    theirs, ours = _sent(server, switched, model="gpt-4o", **given)
    assert ours == theirs
    assert ours[0]["model"] == "o1" and ours[0].get("temperature") == given.get("temperature")
