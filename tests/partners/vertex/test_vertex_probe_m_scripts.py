"""ChatVertexAI side by side in the scripts of `google/test_google_probe_m_scripts.py`:
a tool-calling agent with a checkpointer whose model is unavailable (503), its thread
resumed by an agent on another model; structured output streamed (the provider's JSON
schema, a tool, with its raw reply). Compared as the Vertex AI suite compares its
scripts."""

from __future__ import annotations

from tests.partners.google._suites import vertex_suite
from tests.partners.google.test_google_agent_scripts import tool_turns
from tests.partners.google.test_google_probe_m_scripts import WEATHER_CALL
from tests.partners.google.test_google_probe_m_scripts import agent_resumes_after_503
from tests.partners.google.test_google_probe_m_scripts import down_or
from tests.partners.google.test_google_probe_m_scripts import structured_reply
from tests.partners.google.test_google_probe_m_scripts import structured_streamed
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

SCRIPTS = {
    "agent_resumes_after_503": (
        down_or(tool_turns(vertex_replies(WEATHER_CALL), vertex_replies()), vertex_replies),
        lambda cls, url: agent_resumes_after_503(cls, url, model),
    ),
    "structured_streamed": (
        structured_reply(vertex_replies),
        lambda cls, url: structured_streamed(cls, url, model),
    ),
}

SUITE = vertex_suite(SCRIPTS)
test_probe_m_scripts_same_as_langchain_google_vertexai = SUITE.same_test()
