"""ChatWatsonx in the probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a
script's tools and structured output send (nested models, `$defs`, `Optional`,
`Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI
tool dict, `@tool` functions), as the chat API's tools and `response_format`, with
`strict=True` where taken; the parsed output of a scripted call or JSON text, and of one
that does not fit; answered as the probe_y set's server answers the rest, compared as
`test_watsonx_probe_y_scripts.py` compares (the chat requests alone)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from typing import Any

import pytest

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import assert_sound_tables
from tests.partners._sidebyside import kept_out
from tests.partners.watsonx import test_watsonx_probe_y_scripts as probe_y
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _to_the_server  # noqa: F401 - autouse: langchain-ibm's requests to the server
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401

METHODS = ("function_calling", "json_schema", "json_mode")


def _replying(content: str, call: dict[str, Any] | None) -> Handler:
    """The chat API's reply (a stream: its events) of `content` or a call of `call`."""

    def answer(seen: Any) -> Reply:
        body = seen.body or {}
        model = body.get("model_id") or MODEL
        drawn = hashlib.sha256(json.dumps(body.get("messages"), sort_keys=True).encode())
        if seen.path.startswith("/ml/v1/text/chat_stream"):
            events = probe_y._streamed(drawn.hexdigest()[:8], model, content, call)
            return Reply(pieces=[events], content_type="text/event-stream")
        return Reply(pieces=[probe_y._whole(drawn.hexdigest()[:8], model, content, call)])

    return answer


answer = probe.answering(
    lambda name, args: _replying("", {"name": name, "arguments": json.dumps(args)}),
    lambda text: _replying(text, None),
    probe.function_names,
    probe_y.answer,
)
SCRIPTS = probe.answered_scripts(
    answer, probe_y.make, METHODS, strict=("function_calling", "json_schema"), strict_tools=True
)
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {}
NOT_YET: dict[str, str] = {}


@functools.cache
def _suite() -> Suite:
    """The probe_y set's suite over these scripts (made at the first test)."""
    return dataclasses.replace(probe_y._suite(), scripts=SCRIPTS)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_q_same_as_langchain_ibm(name: str, server: ScriptedServer) -> None:
    outcome = probe_y._chats(_suite().run(name, server))
    assert_same(kept_out(outcome, DIFFERENCES, name))


def test_at_least_25_scripts() -> None:
    assert_sound_tables(SCRIPTS, DIFFERENCES, NOT_YET)
