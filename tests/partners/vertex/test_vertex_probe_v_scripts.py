"""ChatVertexAI side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`generate` over two conversations, a reply blocked for safety under `safety_settings`, and
thought and cached tokens counted under `thinking_budget` with `include_thoughts`, over
Vertex AI's constructor and REST transport (its async scripts left: langchain-google-
vertexai's `ainvoke` and `astream` over REST raise, the suite's kept `ainvoke_text`).
Compared as the suite of `test_vertex_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import each_dict
from tests.partners.google.test_google_probe_v_scripts import THOUGHT_USAGE
from tests.partners.google.test_google_probe_v_scripts import gemini_rows
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_probe_t_scripts import _streamed_finish_words
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = gemini_rows(model, vertex_replies, "langchain_google_vertexai")


def _finish_and_thoughts(outcome: Outcome) -> Outcome:
    """Their merged stream's finish words read as ours; our every output count read
    without the thinking tokens theirs leaves out (once seen to be theirs plus those)."""
    theirs, ours, their_requests, our_requests = _streamed_finish_words(outcome)
    assert theirs[2]["output_tokens"] == ours[2]["output_tokens"] - THOUGHTS, (theirs, ours)

    def uncounted(usage: dict[str, Any]) -> None:
        if "output_token_details" in usage:
            usage["output_tokens"] -= usage["output_token_details"]["reasoning"]

    return theirs, each_dict(ours, uncounted), their_requests, our_requests


THOUGHTS = THOUGHT_USAGE["thoughtsTokenCount"]

#: Script -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "thinking_usage": (
        (vertex_suite._FINISH, vertex_suite._THOUGHT_TOKENS),
        _finish_and_thoughts,
    ),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_v_same_as_langchain_google_vertexai = SUITE.same_test()
