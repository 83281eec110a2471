"""ChatVertexAI side by side in the scripts the Gemini API suite's probe_t module runs
(`google/test_google_probe_t_scripts.py`): a tool call read as LangChain's standard
blocks, generation keywords given by `bind(...)`, a structured batch whose rows fail
apart, and `with_retry` past a busy API; over Vertex AI's constructor and REST
transport, compared as the suite of `test_vertex_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Why
from tests.partners.google.test_google_probe_t_scripts import scripts_over
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = scripts_over(model, vertex_replies, vertex_suite._comparable_result)


def _streamed_finish_words(outcome: Outcome) -> Outcome:
    """Their merged stream's (the second result's) finish words read as ours."""
    theirs, ours, their_requests, our_requests = outcome
    vertex_suite._stream_finish_words(theirs[1])
    return theirs, ours, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "v1_call_as_blocks": (vertex_suite._FLOAT_ARGUMENTS, vertex_suite._float_arguments),
    "bound_generation_keywords": (vertex_suite._FINISH, _streamed_finish_words),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_t_same_as_langchain_google_vertexai = SUITE.same_test()
