"""ChatOpenAI on the Responses API in the probe_q set's scripts (`tests/partners/_probe_q.py`):
the schemas a script's tools and structured output send (nested models, `$defs`,
`Optional`, `Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema
dict, an OpenAI tool dict, `@tool` functions), as the Responses API's function tools and
`text.format`, with `strict=True` where taken; the parsed output of a scripted call or
JSON text, and of one that does not fit; answered as the probe_y set's Responses API
answers the rest, compared as `test_responses_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_probe_y_scripts import _own_ids
from tests.partners.responses.test_responses_probe_y_scripts import answer as probe_y_answer
from tests.partners.responses.test_responses_probe_y_scripts import make
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import answer as replying
from tests.partners.responses.test_responses_sidebyside import call_item
from tests.partners.responses.test_responses_sidebyside import message_item

METHODS = ("function_calling", "json_schema", "json_mode")


def declared(body: dict[str, Any]) -> list[str]:
    """The function tools a Responses request offers, by name."""
    return [tool.get("name") for tool in body.get("tools") or [] if tool.get("type") == "function"]


answer = probe.answering(
    lambda name, args: _own_ids(replying(Script([call_item(name, args)]))),
    lambda text: _own_ids(replying(Script([message_item(text)]))),
    declared,
    probe_y_answer,
)
SCRIPTS = probe.answered_scripts(
    answer, make, METHODS, strict=("function_calling", "json_schema"), strict_tools=True
)
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_q_same_as_langchain_openai = SUITE.same_test()
