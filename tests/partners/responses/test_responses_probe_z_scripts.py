"""ChatOpenAI on the Responses API in the probe_z set's scripts (`tests/partners/_probe_z.py`):
media in a question and in a tool's result, a `content_and_artifact` tool's round, and a
web search's reply (its `web_search_call` item, a text with a `url_citation` annotation)
read back and replayed; compared as `test_responses_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_probe_y_scripts import _own_ids
from tests.partners.responses.test_responses_probe_y_scripts import answer as answered
from tests.partners.responses.test_responses_probe_y_scripts import make
from tests.partners.responses.test_responses_sidebyside import WEB
from tests.partners.responses.test_responses_sidebyside import answer as replying

_SEARCHED = _own_ids(replying(WEB))


def answer(seen: Seen) -> Reply:
    """The probe_y set's Responses API, and the web search's reply where it is bound."""
    tools = (seen.body or {}).get("tools") or []
    if any(tool.get("type") == "web_search" for tool in tools):
        return _SEARCHED(seen)
    return answered(seen)


def native(made: Any, **settings: Any) -> probe.Script:
    return probe.native_reply(made, ({"type": "web_search"},), **settings)


SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, native=native).items()}
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_z_same_as_langchain_openai = SUITE.same_test()
