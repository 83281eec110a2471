"""ChatVertexAI side by side in the scripts of `google/test_google_probe_m_scripts.py`:
a tool-calling agent with a checkpointer whose model is unavailable (503), its thread
resumed by an agent on another model; structured output streamed (the provider's JSON
schema, a tool, with its raw reply). Compared as the Vertex AI suite compares its
scripts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.google._suites import vertex_suite
from tests.partners.google.test_google_agent_scripts import tool_turns
from tests.partners.google.test_google_probe_m_scripts import WEATHER_CALL
from tests.partners.google.test_google_probe_m_scripts import agent_resumes_after_503
from tests.partners.google.test_google_probe_m_scripts import down_or
from tests.partners.google.test_google_probe_m_scripts import structured_reply
from tests.partners.google.test_google_probe_m_scripts import structured_streamed
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

requests = pytest.importorskip("requests")

#: Set while a script waits for its stream's rest: the server holds it until then.
_RELEASED = threading.Event()


class _Held(list[bytes]):
    """A reply's pieces whose second waits for `_RELEASED` (the script's end)."""

    def __iter__(self) -> Iterator[bytes]:
        for i, piece in enumerate(list.__iter__(self)):
            if i == 1:
                _RELEASED.wait(10)
            yield piece


def held_after_first(answer: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """`answer`'s stream, its body in two halves, the second held (`_Held`)."""

    def held(seen: Seen) -> Reply:
        reply = answer(seen)
        body = b"".join(reply.pieces)
        halves = [body[: len(body) // 2], body[len(body) // 2 :]]
        return Reply(reply.status, _Held(halves), reply.content_type, reply.headers)

    return held


def stream_stalled_caught(cls: Any, url: str) -> Any:
    """A stream that stops after its first chunk, past the model's timeout: the script
    catches requests' ConnectionError (what the REST transport's stream lets through)."""
    _RELEASED.clear()
    texts: list[Any] = []
    try:
        texts.extend(c.content for c in model(cls, url, timeout=0.3, max_retries=0).stream("Hi"))
    except requests.exceptions.ConnectionError:
        return ["caught", texts]
    finally:
        _RELEASED.set()
    return ["ended", texts]


SCRIPTS = {
    "stream_stalled_caught": (held_after_first(vertex_replies()), stream_stalled_caught),
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
