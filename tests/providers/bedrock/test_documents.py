"""LangChain's standard file and video blocks as Converse's `document` and `video`
(`providers/bedrock/documents.py`), compared with langchain-aws's own conversion of the
same block."""

from __future__ import annotations

import base64
import hashlib
import warnings
from typing import Any

import pytest

from chatplex.messages import HumanMessage
from chatplex.providers.bedrock.conversation import wire_messages
from chatplex.providers.bedrock.documents import UNNAMED_WARNING
from chatplex.providers.bedrock.documents import document_block

PDF_BYTES = b"%PDF-1.4\n%%EOF\n"
PDF = base64.b64encode(PDF_BYTES).decode()
DERIVED = hashlib.sha256(PDF_BYTES).hexdigest()[:12]


@pytest.mark.parametrize(
    ("block", "document"),
    [
        (
            {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "a.pdf"},
            {"format": "pdf", "source": {"bytes": PDF}, "name": "a.pdf"},
        ),
        (
            {
                "type": "file",
                "base64": PDF,
                "mime_type": "text/csv",
                "name": "t",
                "citations": {"enabled": True},
            },
            {
                "format": "csv",
                "source": {"bytes": PDF},
                "citations": {"enabled": True},
                "name": "t",
            },
        ),
        (  # any other text type is plain text; a known subtype is its format
            {
                "type": "file",
                "source_type": "base64",
                "data": PDF,
                "mime_type": "text/x-rst",
                "extras": {"filename": "r"},
            },
            {"format": "txt", "source": {"bytes": PDF}, "name": "r"},
        ),
        (
            {
                "type": "file",
                "base64": PDF,
                "mime_type": "application/csv",
                "metadata": {"name": "m"},
            },
            {"format": "csv", "source": {"bytes": PDF}, "name": "m"},
        ),
    ],
)
def test_a_file_block_becomes_a_document_as_langchain_aws_converts_it(
    block: dict[str, Any], document: dict[str, Any]
) -> None:
    assert document_block(block, "here", {}) == {"document": document}
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import HumanMessage as LCHuman

    theirs, _ = partner._messages_to_bedrock([LCHuman([block])])
    converted = theirs[0]["content"][0]["document"]
    assert {
        **converted,
        "source": {"bytes": base64.b64encode(converted["source"]["bytes"]).decode()},
    } == document


def test_an_unnamed_file_is_named_by_its_bytes_with_langchain_aws_warning() -> None:
    """The same bytes twice in one request: the second name gets `-2` (Converse refuses
    two documents of one name); the same request always reads the same."""
    block = {"type": "file", "base64": PDF, "mime_type": "application/pdf"}
    with pytest.warns(UserWarning, match="may require a filename") as seen:
        _, turns = wire_messages([HumanMessage([block, block])])
    assert [b["document"]["name"] for b in turns[0]["content"]] == [DERIVED, f"{DERIVED}-2"]
    assert str(seen[0].message) == UNNAMED_WARNING
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import HumanMessage as LCHuman

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, _ = partner._messages_to_bedrock([LCHuman([block, block])])
    assert [b["document"]["name"] for b in theirs[0]["content"]] == [DERIVED, f"{DERIVED}-2"]


@pytest.mark.parametrize(
    ("block", "match"),
    [
        ({"type": "file", "url": "https://x/a.pdf"}, "base64 data only"),
        ({"type": "file", "base64": PDF}, "needs its mime_type"),
        (
            {"type": "file", "base64": PDF, "mime_type": "application/zip", "name": "z"},
            "application/zip",
        ),
        (
            {"type": "file", "base64": "not base64!", "mime_type": "application/pdf"},
            "does not decode",
        ),
    ],
)
def test_what_converse_cannot_take_is_refused_naming_the_block(
    block: dict[str, Any], match: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=f"message 0: content block 0: .*{match}"):
            wire_messages([HumanMessage([block])])


VIDEO = base64.b64encode(b"\x00\x00\x00\x20ftypisom").decode()


@pytest.mark.parametrize(
    ("mime", "fmt"), [("video/mp4", "mp4"), ("video/quicktime", "mov"), ("video/webm", "webm")]
)
def test_a_video_block_becomes_converses_video_as_langchain_aws_converts_it(
    mime: str, fmt: str
) -> None:
    block = {"type": "video", "base64": VIDEO, "mime_type": mime}
    _, turns = wire_messages([HumanMessage([{"type": "text", "text": "What is it?"}, block])])
    assert turns[0]["content"][1] == {"video": {"format": fmt, "source": {"bytes": VIDEO}}}
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import HumanMessage as LCHuman

    theirs, _ = partner._messages_to_bedrock([LCHuman([block])])
    converted = theirs[0]["content"][0]["video"]
    assert converted["format"] == fmt
    assert base64.b64encode(converted["source"]["bytes"]).decode() == VIDEO


@pytest.mark.parametrize(
    ("block", "match"),
    [
        ({"type": "video", "url": "https://x/a.mp4"}, "only supported through in-line base64"),
        ({"type": "video", "base64": VIDEO}, "mime_type key is required"),
    ],
)
def test_a_video_converse_cannot_take_is_refused_naming_the_block(
    block: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=f"message 0: content block 0: .*{match}"):
        wire_messages([HumanMessage([block])])
