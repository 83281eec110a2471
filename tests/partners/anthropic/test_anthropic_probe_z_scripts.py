"""ChatAnthropic in the probe_z set's scripts (`tests/partners/_probe_z.py`): media in a
question and in a tool's result, a `content_and_artifact` tool's round, and a web search's
reply (the server's tool call, its result, a text citing it) read back and replayed;
compared as `test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

import functools
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.anthropic.test_anthropic_probe_y_scripts import answer as answered
from tests.partners.anthropic.test_anthropic_probe_y_scripts import make
from tests.partners.anthropic.test_anthropic_sidebyside import SEARCHED
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

SEARCH = {"type": "web_search_20250305", "name": "web_search", "max_uses": 1}
#: A web search's reply: the server's call, its result, and a text citing the result.
_CITED = {
    "type": "text",
    "text": "Sunny.",
    "citations": [
        {
            "type": "web_search_result_location",
            "url": "https://w.example",
            "title": "W",
            "encrypted_index": "EI==",
            "cited_text": "Sunny in Paris today.",
        }
    ],
}
_SEARCHED = streamed(*SEARCHED[:2], _CITED)


#: The probe_y set's Messages API, and the web search's reply where it is bound.
answer = probe.with_search(answered, _SEARCHED, lambda tool: tool.get("name") == "web_search")
native = functools.partial(probe.native_reply, tools=(SEARCH,))


SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, native=native).items()}
DIFFERENCES: dict[str, Any] = {}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_probe_z_same_as_langchain_anthropic = SUITE.same_test()
