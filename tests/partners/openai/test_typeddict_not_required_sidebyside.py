"""A TypedDict with a `NotRequired` field, which langchain-core's `convert_to_openai_tool`
cannot convert: langchain-openai's `with_structured_output` raises its TypeError for
json_schema and function_calling, and builds for json_mode, whose call then raises it
before any request (langchain-core tracing the schema). The drop-in raises the same
class at the same step."""

from __future__ import annotations

import json
from typing import Any
from typing import NotRequired

import pytest
from typing_extensions import TypedDict

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer

langchain_openai = pytest.importorskip("langchain_openai")


class Person(TypedDict):
    name: str
    nickname: NotRequired[str]


def _outcome(model: Any, method: str) -> tuple[str, str]:
    """Where the script stopped (building or calling) and the class it caught."""
    step = "build"
    try:
        structured = model.with_structured_output(Person, method=method)
        step = "call"
        structured.invoke("who?")
    except TypeError as err:
        return step, type(err).__name__
    return step, "no error"


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_a_not_required_field_raises_a_type_error_where_the_partner_does(
    server: ScriptedServer, method: str
) -> None:
    server.handler = lambda seen: Reply(
        200, [json.dumps(chat_completion('{"name": "A"}')).encode()]
    )
    outcomes, sent = [], []
    for cls in (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI):
        server.seen.clear()
        model = cls(model="gpt-4o", api_key="sk-k", base_url=server.url + "/v1", max_retries=0)
        outcomes.append(_outcome(model, method))
        sent.append(len(server.seen))
    theirs, ours = outcomes
    assert ours == theirs
    assert ours == ("call" if method == "json_mode" else "build", "TypeError")
    assert sent == [0, 0]
