"""ChatAnthropic's `extra_body`, a request option of the anthropic SDK and no field of
langchain-anthropic's class: its validator moves it into `model_kwargs` with its
warning, serializes it there, and the SDK merges it into the body. Before, the drop-in
sent it alike but held it apart (no warning, an empty `model_kwargs`, a dump without
it), and refused one given inside `model_kwargs` (a ValidationError), which the
partner sends. Side by side on the module's server: the warnings naming it,
`model_kwargs`, the serialized `model_kwargs` and the fields sent, sync and async.

Then a call's own: its `extra_body` replaces the constructor's (the partner's payload
is `{**model_kwargs, **kwargs}`; before, the drop-in merged both), and the
constructor's covers a call's own body field (the SDK merges it last)."""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer

langchain_anthropic = pytest.importorskip("langchain_anthropic")

_REPLY = json.dumps(anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1})).encode()


def _built(
    cls: Any, given: dict[str, Any], server: ScriptedServer
) -> tuple[Any, list[warnings.WarningMessage]]:
    """`cls` built with `given` (a copy) against the server, and the warnings it gave."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        model = cls(
            model="claude-haiku-4-5",
            api_key="k",
            base_url=server.url,
            max_retries=0,
            **json.loads(json.dumps(given)),
        )
    return model, said


#: (what is given, how it is called): one async call in the module, as
#: langchain-anthropic keeps its async client per base URL, bound to its first loop.
CASES = [
    ({"extra_body": {"z": 1}}, "invoke"),
    ({"model_kwargs": {"extra_body": {"z": 1}}}, "invoke"),
    ({"extra_body": {"z": 1}}, "ainvoke"),
]


@pytest.mark.parametrize(("given", "how"), CASES, ids=["keyword", "inside-model_kwargs", "async"])
def test_extra_body_is_held_in_model_kwargs_and_merged_as_there(
    given: dict[str, Any], how: str, server: ScriptedServer
) -> None:
    from langchain_core.load import dumpd

    server.handler = lambda seen: Reply(200, [_REPLY])
    seen = []
    for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
        model, said = _built(cls, given, server)
        moved = sum("extra_body was transferred" in str(w.message) for w in said)
        server.seen.clear()
        if how == "ainvoke":
            asyncio.run(model.ainvoke("hi"))
        else:
            model.invoke("hi")
        (request,) = server.seen
        sent = {k: request.body[k] for k in ("z", "extra_body") if k in request.body}
        serialized = dumpd(model)["kwargs"].get("model_kwargs")
        seen.append((moved, model.model_kwargs, serialized, sent))
    theirs, ours = seen
    assert ours == theirs
    held = {"extra_body": {"z": 1}}
    assert ours == ("extra_body" in given, held, held, {"z": 1})


#: (the constructor's keywords, a call's, the body fields compared)
CALLS = {
    "a call's extra_body replaces it": (
        {"extra_body": {"z": 1}},
        {"extra_body": {"y": 2}},
        ("z", "y"),
    ),
    "also given inside model_kwargs": (
        {"model_kwargs": {"extra_body": {"z": 1}}},
        {"extra_body": {"y": 2}},
        ("z", "y"),
    ),
    "it covers a call's own field": (
        {"extra_body": {"temperature": 0.1}},
        {"temperature": 0.9},
        ("temperature",),
    ),
}


@pytest.mark.parametrize("case", list(CALLS))
def test_a_calls_keywords_meet_the_constructors_extra_body_as_there(
    case: str, server: ScriptedServer
) -> None:
    given, call, fields = CALLS[case]
    server.handler = lambda seen: Reply(200, [_REPLY])
    sent = []
    for cls in (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic):
        model, _ = _built(cls, given, server)  # (theirs and ours: extra_body moved)
        server.seen.clear()
        model.bind(**call).invoke("hi")
        (request,) = server.seen
        sent.append({k: request.body[k] for k in fields if k in request.body})
    theirs, ours = sent
    assert ours == theirs
    assert ours == ({"temperature": 0.1} if "temperature" in fields else {"y": 2})
