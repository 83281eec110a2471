"""ChatXAI side by side on xAI's error statuses, whose body is no OpenAI error object:
`{"code": "<the status' words>", "error": "<what went wrong>"}` (a wrong API key's 400,
a team without credits' 403). The openai SDK's error, which langchain-xai lets through,
has the body's `error` member as its `body` (here a string) and no `code` (it reads one
from an object alone); a script's `except openai.BadRequestError as e` reads those.
Each status invoked, streamed and awaited."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import raised
from tests.partners.compatible import test_compatible_sidebyside as suite

XAI = suite.PACKAGES["xai"]

#: xAI's error bodies, as its API sends them.
WRONG_KEY = {
    "code": "Client specified an invalid argument",
    "error": "Incorrect API key provided: xa***ey. You can obtain an API key from https://console.x.ai.",
}
NO_CREDITS = {
    "code": "The caller does not have permission to execute the specified operation",
    "error": "Your team has used all its credits or reached its monthly spending limit.",
}


def failing(status: int, body: dict[str, Any]) -> Any:
    return lambda seen: Reply(status, [json.dumps(body).encode()])


def caught(cls: Any, url: str) -> Any:
    """What a script catches invoking, streaming and awaiting the model."""
    chat = suite._model(cls, XAI, url, max_retries=0)
    return [
        raised(lambda: chat.invoke("Hi")),
        raised(lambda: list(chat.stream("Hi"))),
        raised(lambda: asyncio.run(chat.ainvoke("Hi"))),
    ]


def _read(value: Any) -> Any:
    return [suite._comparable_result(one, XAI) for one in value]


SCRIPTS = {
    "wrong_key_400": (failing(400, WRONG_KEY), caught),
    "no_credits_403": (failing(403, NO_CREDITS), caught),
}

SUITE = Suite(
    SCRIPTS,
    XAI.partner(),
    XAI.ours(),
    {},
    result=_read,
    request=suite._comparable_request,
    collect=True,
)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_xai(name: str, server: ScriptedServer) -> None:
    assert_same(SUITE.run(name, server))


def test_body_is_the_error_member(server: ScriptedServer) -> None:
    """Where the compared value is: the body is xAI's `error` string, no code read."""
    _, ours, _, _ = SUITE.run("wrong_key_400", server)
    for error in ours:
        assert error["body"] == WRONG_KEY["error"] and error["code"] is None
