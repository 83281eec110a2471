"""ChatGoogleGenerativeAI side by side on a PDF given by URL: as a standard file block's
`url` (with its MIME type, and without), as an `image_url` part, and as the partner's own
`media` block's `file_uri`; invoked, and awaited on one loop. The scripted Gemini serves
the PDF on 127.0.0.1 for a client that downloads it. Compared as the suite of
`test_google_sidebyside.py` compares its scripts.

The `media` block's URI goes as `fileData` on both sides. For the other forms
langchain-google-genai downloads the URL itself (with `requests`, no timeout) and sends the
bytes inline, where chatplex sends the URL as `fileData` for Gemini to fetch, as it sends
an image URL (a kept difference).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import in_order
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

lc = pytest.importorskip("langchain_core.messages")

PDF = b"%PDF-1.4\n%a tiny document\n"
SUMMARY = gemini_replies([{"text": "A summary."}])


def serves_the_pdf(seen: Seen) -> Reply:
    """The scripted Gemini, and the PDF for a GET (a URL the partner downloads)."""
    if seen.method == "GET":
        return Reply(200, [PDF], "application/pdf")
    return SUMMARY(seen)


def _asked(cls: Any, url: str, blocks: list[dict[str, Any]]) -> Any:
    """Each block asked about in a call of its own, invoked, then awaited on one loop."""
    chat = model(cls, url)
    questions = [lc.HumanMessage([{"type": "text", "text": "Summarize."}, b]) for b in blocks]

    async def awaited() -> list[Any]:
        return [await chat.ainvoke([q]) for q in questions]

    return [chat.invoke([q]) for q in questions] + asyncio.run(awaited())


def _url(url: str) -> str:
    return f"{url}/report.pdf"


def pdf_url_blocks(cls: Any, url: str) -> Any:
    return _asked(
        cls,
        url,
        [
            {"type": "file", "url": _url(url), "mime_type": "application/pdf"},
            {"type": "file", "url": _url(url)},
            {"type": "image_url", "image_url": {"url": _url(url)}},
        ],
    )


def pdf_file_uri(cls: Any, url: str) -> Any:
    return _asked(
        cls, url, [{"type": "media", "file_uri": _url(url), "mime_type": "application/pdf"}]
    )


SCRIPTS = {
    "pdf_url_blocks": (serves_the_pdf, pdf_url_blocks),
    "pdf_file_uri": (serves_the_pdf, pdf_file_uri),
}


def _downloaded_read_as_uri(outcome: Outcome) -> Outcome:
    """Their download of the PDF (a GET a call) and its inline bytes, read as our
    `fileData` naming the URL (its MIME type where the block gave one), once both are
    seen: then ours is theirs."""
    theirs, ours, their_requests, our_requests = outcome
    posts = [r for r in their_requests if r["method"] == "POST"]
    gets = [r for r in their_requests if r["method"] == "GET"]
    assert len(gets) == len(posts) == len(our_requests) == 6, their_requests
    assert {r["path"] for r in gets} == {"/report.pdf"}
    inline = {"data": base64.b64encode(PDF).decode(), "mime_type": "application/pdf"}
    for post in posts:
        assert post["body"]["contents"][0]["parts"][1] == {"inlineData": inline}, post
    for request in our_requests:
        part = request["body"]["contents"][0]["parts"][1]
        assert part["fileData"]["file_uri"].endswith("/report.pdf"), part
        assert part["fileData"].get("mime_type") in (None, "application/pdf"), part
        request["body"]["contents"][0]["parts"][1] = {"inlineData": inline}
    return theirs, ours, in_order(posts), in_order(our_requests)


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "pdf_url_blocks": (
        Difference(
            Reason.HANGS,
            "downloads a file given by URL (a standard file block's `url`, or a PDF in an "
            "OpenAI-style image URL part) in the client before the call, with no timeout (a "
            "host that never answers holds the call for ever, whatever the model's timeout) "
            "and no size bound, synchronously (blocking the event loop inside `ainvoke`), "
            "and sends the bytes inline",
            "the URL goes to Gemini as `fileData.fileUri`, with the block's MIME type where "
            "it has one (Gemini fetches public and signed URLs), as a `media` block's "
            "`file_uri` goes on both",
        ),
        _downloaded_read_as_uri,
    ),
}

SUITE = genai_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_pdf_url_scripts_same_as_langchain_google_genai = SUITE.same_test()


def test_the_partners_download_has_no_timeout(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept difference's reason: langchain-google-genai fetches the URL with no
    timeout, though the model has one; chatplex fetches nothing."""
    import requests.adapters

    timeouts: list[Any] = []
    send = requests.adapters.HTTPAdapter.send

    def recorded(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        timeouts.append(kwargs.get("timeout"))
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", recorded)
    server.handler = serves_the_pdf
    block = {"type": "file", "url": _url(server.url), "mime_type": "application/pdf"}
    question = [lc.HumanMessage([{"type": "text", "text": "Summarize."}, block])]
    for cls in (genai_suite.SUITE.theirs, genai_suite.SUITE.ours):
        server.seen.clear()
        assert model(cls, server.url, timeout=5).invoke(question).content == "A summary."
        fetched = [s.path for s in server.seen if s.method == "GET"]
        assert fetched == (["/report.pdf"] if cls is genai_suite.SUITE.theirs else [])
    assert timeouts == [None]
