"""ChatGoogleGenerativeAI in the probe_z set's scripts (`tests/partners/_probe_z.py`): media
in a question (not by URL: the partner downloads it) and in a tool's result, a
`content_and_artifact` tool's round, and a Google Search grounded reply (its
`groundingMetadata`) read back and replayed; compared as `test_google_sidebyside.py`
compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.google import test_google_probe_y_scripts as probe_y
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import with_grounding

_GROUNDED = with_grounding(gemini_replies())


def answer(seen: Seen) -> Reply:
    """The probe_y set's Gemini, and a grounded reply where Google Search is a tool."""
    tools = (seen.body or {}).get("tools") or []
    if any("googleSearch" in tool or "google_search" in tool for tool in tools):
        return _GROUNDED(seen)
    return probe_y.answer(seen)


def native(made: Any, **settings: Any) -> probe.Script:
    return probe.native_reply(made, ({"google_search": {}},), **settings)


_FORMS = tuple(form for form in probe.ALL_FORMS if form != "v1_url")
_DETAILED = tuple(form for form in probe.ALL_DETAILED if form != "pdf_url")
SCRIPTS = {
    name: (answer, script)
    for name, script in probe.scripts(
        probe_y.make, forms=_FORMS, detailed=_DETAILED, native=native
    ).items()
}
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_z_same_as_langchain_google_genai = SUITE.same_test()
