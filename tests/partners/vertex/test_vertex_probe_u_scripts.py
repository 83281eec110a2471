"""ChatVertexAI side by side in the scripts the Gemini API suite's probe_u module runs
(`google/test_google_probe_u_scripts.py`) but its tool result of an image (the Vertex
suite's own `tool_result_image`), over Vertex AI's constructor and REST transport,
compared as the suite of `test_vertex_sidebyside.py` compares its scripts."""

from __future__ import annotations

import json
from typing import Any

from tests.partners import _probe_u as probe
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners.compatible.test_compatible_probe_u_scripts import EMPTY_SENT
from tests.partners.google.test_google_probe_u_scripts import scripts_over
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_probe_t_scripts import _streamed_finish_words
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = scripts_over(model, vertex_replies)
del SCRIPTS["tool_result_blocks"]

#: langchain-google-vertexai's request of no conversation, which Vertex AI refuses.
NO_CONTENTS_SENT = Difference(
    reason=Reason.REJECTED,
    langchain="sends `invoke([])` and `stream([])` as a request with no `contents`, which "
    "Vertex AI refuses: its GenerateContentRequest's `contents` is required",
    chatplex=EMPTY_SENT.chatplex,
)


def _float_pieces(outcome: Outcome) -> Outcome:
    """Our streamed call's arguments (its pieces' and merged) read as their float-valued
    JSON, once seen to hold the same values."""
    theirs, ours, their_requests, our_requests = outcome
    for their_call, our_call in zip(theirs["pieces"], ours["pieces"], strict=True):
        their_args, our_args = their_call[0][3], our_call[0][3]
        assert json.loads(their_args) == json.loads(our_args), (their_args, our_args)
        our_call[0][3] = their_args
    return vertex_suite._float_arguments((theirs, ours, their_requests, our_requests))


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "stop_in_both_places": (vertex_suite._FINISH, _streamed_finish_words),
    "three_tool_forms": (vertex_suite._FLOAT_ARGUMENTS, vertex_suite._float_arguments),
    "streamed_call_pieces": (vertex_suite._FLOAT_ARGUMENTS, _float_pieces),
    "empty_input": (NO_CONTENTS_SENT, probe.empty_refused(lambda b: "contents" not in b)),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_u_same_as_langchain_google_vertexai = SUITE.same_test()
