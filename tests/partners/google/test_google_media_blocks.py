"""ChatGoogleGenerativeAI and ChatVertexAI side by side on the partners' own `media`
content block, as multimodal scripts give it: raw bytes or base64 text (with line
breaks, or not base64 at all), a file URI with or without its MIME type, a video's
`video_metadata` (offsets in order, or not), a per-part `media_resolution` (sent to
Gemini 3 only, dropped with a warning for Gemini 2.5); beside the standard image, file,
video and audio blocks. Each call's reply or the class of what it raised, and the
requests sent, compared as the suites of `test_google_sidebyside.py` and
`tests/partners/vertex/` compare them.
"""

from __future__ import annotations

import base64
import warnings
from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners.google import test_google_sidebyside as gemini
from tests.partners.google._suites import gemini_suite
from tests.partners.google._suites import vertex_suite
from tests.partners.vertex import test_vertex_sidebyside as vertex

lc = pytest.importorskip("langchain_core.messages")

FILE = "https://generativelanguage.googleapis.com/v1beta/files/abc"
VIDEO = {"type": "media", "file_uri": FILE, "mime_type": "video/mp4"}
MEDIA = [
    {"type": "media", "data": base64.b64decode(PNG), "mime_type": "image/png"},
    {"type": "media", "data": PNG[:20] + "\n" + PNG[20:], "mime_type": "image/png"},
    {"type": "media", "data": "not base64!", "mime_type": "image/png"},
    {"type": "media", "data": PNG},
    {"type": "media", "file_uri": FILE},
    {**VIDEO, "video_metadata": {"start_offset": "1s", "end_offset": "5s"}},
    {**VIDEO, "video_metadata": {"start_offset": "5s", "end_offset": "1s"}},
    {**VIDEO, "media_resolution": "MEDIA_RESOLUTION_HIGH"},
    {"type": "image", "base64": PNG, "mime_type": "image/png"},
    {"type": "file", "file_id": "files/abc", "mime_type": "application/pdf"},
    {"type": "video", "url": "https://www.youtube.com/watch?v=abc"},
]


def _each_block(chat: Any, blocks: list[dict[str, Any]] = MEDIA) -> Any:
    """Each block asked about in a call of its own: the reply's text or the class of
    what was raised, and the warnings' classes."""
    out = []
    for block in blocks:
        question = lc.HumanMessage([{"type": "text", "text": "What is it?"}, block])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                answer: Any = chat.invoke([question]).content
            except Exception as exc:  # noqa: BLE001 - the error is what is observed
                answer = type(exc).__name__
        out.append([answer, sorted({w.category.__name__ for w in caught})])
    return out


def gemini_25(cls: Any, url: str) -> Any:
    return _each_block(gemini.model(cls, url))


def gemini_3(cls: Any, url: str) -> Any:
    return _each_block(cls(model="gemini-3-pro-preview", base_url=url, google_api_key=gemini.KEY))


def vertex_media(cls: Any, url: str) -> Any:
    """(Not the file by id: -vertexai refuses it, chatplex sends it; left.)"""
    return _each_block(vertex.model(cls, url), [b for b in MEDIA if "file_id" not in b])


GEMINI_SUITE = gemini_suite(
    {
        "gemini_25": (gemini.gemini_replies([{"text": "A pixel."}]), gemini_25),
        "gemini_3": (gemini.gemini_replies([{"text": "A pixel."}]), gemini_3),
    },
)
VERTEX_SUITE = vertex_suite(
    {"vertex_media": (vertex.vertex_replies([{"text": "A pixel."}]), vertex_media)},
)
test_gemini_media_blocks_same_as_langchain = GEMINI_SUITE.same_test()
test_vertex_media_blocks_same_as_langchain = VERTEX_SUITE.same_test()
