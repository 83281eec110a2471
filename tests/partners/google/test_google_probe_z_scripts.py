"""ChatGoogleGenerativeAI in the probe_z set's scripts (`tests/partners/_probe_z.py`): media
in a question (not by URL: the partner downloads it) and in a tool's result, a
`content_and_artifact` tool's round, and a Google Search grounded reply (its
`groundingMetadata`) read back and replayed; compared as `test_google_sidebyside.py`
compares."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.google import test_google_probe_y_scripts as probe_y
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import with_grounding

_GROUNDED = with_grounding(gemini_replies())


def searching(tool: dict[str, Any]) -> bool:
    """Whether a tool sent is Google Search."""
    return "googleSearch" in tool or "google_search" in tool


#: The probe_y set's Gemini, and a grounded reply where Google Search is a tool.
answer = probe.with_search(probe_y.answer, _GROUNDED, searching)
native = functools.partial(probe.native_reply, tools=({"google_search": {}},))


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
