"""ChatVertexAI in the probe_w set's scripts (`tests/partners/_probe_w.py`); a merged
stream's finish words are the suite's kept difference."""

from __future__ import annotations

import json

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import Outcome
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_probe_t_scripts import _streamed_finish_words
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = probe.rows(model, vertex_replies(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
_CALLS = [{"functionCall": {"name": n, "args": {"a": 2, "b": 3}}} for n in ("add", "mul")]
SCRIPTS |= probe.rows(model, vertex_replies(_CALLS), ("two_calls_run",))


def _float_pieces(outcome: Outcome) -> Outcome:
    """The calls' arguments read as their float-valued JSON (`_float_arguments`), each
    streamed piece's too, once checked to hold the same values."""
    theirs, ours = vertex_suite._float_arguments(outcome)[:2]
    for their_chunk, our_chunk in zip(theirs["pieces"], ours["pieces"], strict=True):
        for their_piece, our_piece in zip(their_chunk, our_chunk, strict=True):
            assert json.loads(their_piece["args"]) == json.loads(our_piece["args"])
            our_piece["args"] = their_piece["args"]
    return outcome


DIFFERENCES = {
    "dict_messages": (vertex_suite._FINISH, _streamed_finish_words),
    "two_calls_run": (vertex_suite._FLOAT_ARGUMENTS, _float_pieces),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_w_same_as_langchain_google_vertexai = SUITE.same_test()
