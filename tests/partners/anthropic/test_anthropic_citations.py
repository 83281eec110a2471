"""ChatAnthropic side by side on cited documents given as LangChain's standard blocks: a
`file` block (a base64 PDF) or a `text-plain` one with `citations` on it or in its `extras`, which
langchain-anthropic sends as a `document` with citations on, and so streams the reply's
text as blocks (its `_documents_in_params` reads the request it built). Each stream's
pieces, as a script collecting them sees them, merged, and under `output_version="v1"`;
compared with the requests, as the suite of `test_anthropic_sidebyside.py` compares.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

lc = pytest.importorskip("langchain_core.messages")

LEAD = {"type": "text", "text": "According to the document, "}
CITED = {
    "type": "text",
    "text": "The grass is green.",
    "citations": [
        {
            "type": "char_location",
            "cited_text": "The grass is green.",
            "document_index": 0,
            "document_title": "Facts",
            "start_char_index": 0,
            "end_char_index": 19,
        }
    ],
}
ON = {"enabled": True}
#: The standard blocks a document is given as, its citations on.
DOCUMENTS = {
    "pdf": {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"},
    "text": {"type": "text-plain", "text": "The grass is green.", "mime_type": "text/plain"},
}


def _question(document: dict[str, Any], where: str) -> Any:
    cited = {**document, "citations": ON} if where == "block" else {**document, "extras": {}}
    if where == "extras":
        cited["extras"] = {"citations": ON, "title": "Facts"}
    return lc.HumanMessage([cited, {"type": "text", "text": "What color is grass?"}])


def cited_stream(cls: Any, url: str) -> Any:
    """Each document block, its citations on it or in its `extras`: the stream's pieces
    (their content as collected), merged, and the merged reply sent back."""
    chat = cls(model=MODEL, api_key=KEY, base_url=url)
    out = []
    for document in DOCUMENTS.values():
        for where in ("block", "extras"):
            question = _question(document, where)
            pieces = list(chat.stream([question]))
            whole = merged(pieces)
            again = chat.invoke([question, whole, lc.HumanMessage("Sure?")])
            out.append([[p.content for p in pieces], whole, again.content])
    return out


def cited_stream_v1(cls: Any, url: str) -> Any:
    """As `cited_stream`, under `output_version="v1"` (the citation an annotation)."""
    chat = cls(model=MODEL, api_key=KEY, base_url=url, output_version="v1")
    question = _question(DOCUMENTS["pdf"], "block")
    pieces = list(chat.stream([question]))
    return [[p.content for p in pieces], merged(pieces)]


SCRIPTS = {
    "cited_stream": (streamed(LEAD, CITED), cited_stream),
    "cited_stream_v1": (streamed(LEAD, CITED), cited_stream_v1),
}

SUITE = anthropic_suite(SCRIPTS)
test_cited_documents_same_as_langchain_anthropic = SUITE.same_test()
