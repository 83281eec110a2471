"""ChatBedrock (InvokeModel, an Anthropic model) side by side in scripts that send images
and a file by URL, which Bedrock does not fetch, a tool result holding a text and an
image (LangChain's standard block, and a data URL), and plain-text files as standard
blocks. Compared as the suite of
`test_chatbedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import merged
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

#: Media by URL in each form a script writes it: LangChain's standard image and file
#: blocks (v1, and v0's `source_type`), and OpenAI's `image_url` naming a web address.
BY_URL = {
    "v1 image": {"type": "image", "url": "https://example.com/cat.png"},
    "v0 image": {"type": "image", "source_type": "url", "url": "https://example.com/cat.png"},
    "openai image": {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    "v1 file": {"type": "file", "url": "https://example.com/a.pdf", "mime_type": "application/pdf"},
}


def _attempted_words(run: Any) -> Any:
    """What `run` returned, or the class and words of what it raised."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"refused": type(exc).__name__, "words": str(exc)}


def media_by_url(cls: Any, url: str) -> Any:
    """Each form of `BY_URL` beside a text, invoked and streamed: what each call gives."""
    from langchain_core.messages import HumanMessage

    model = make(cls, url)
    out = {}
    for label, block in BY_URL.items():
        message = HumanMessage([{"type": "text", "text": "What is this?"}, block])
        out[label] = [
            _attempted_words(lambda m=message: model.invoke([m])),
            _attempted_words(lambda m=message: merged(list(model.stream([m])))),
        ]
    return out


#: An image as a tool's result holds it: LangChain's standard block, and a data URL.
RESULT_IMAGES = (
    {"type": "image", "base64": PNG, "mime_type": "image/png"},
    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
)


def tool_result_image(cls: Any, url: str) -> Any:
    """A tool's result of a text and an image (each form of `RESULT_IMAGES`), sent back
    after its call: each reply."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_1", "type": "tool_call"}
    bound = make(cls, url).bind_tools([add])
    out = []
    for image in RESULT_IMAGES:
        result = ToolMessage([{"type": "text", "text": "Drawn."}, image], tool_call_id="toolu_1")
        history = [HumanMessage("Draw it."), AIMessage("", tool_calls=[call]), result]
        out.append(attempted(lambda h=history: bound.invoke(h)))
    return out


def _result_image_converted(outcome: Outcome) -> Outcome:
    """Their tool result's standard image block (sent as written) read as ours
    (Anthropic's base64 `source`), once both are seen; the data URL's went alike."""
    theirs, ours, their_requests, our_requests = outcome
    source = {"type": "base64", "media_type": "image/png", "data": PNG}
    for request in their_requests:
        [result] = request["body"]["messages"][2]["content"]
        image = result["content"][1]
        if "base64" in image:
            assert image == RESULT_IMAGES[0], image
            result["content"][1] = {"type": "image", "source": source}
    assert their_requests == our_requests, (their_requests, our_requests)
    return theirs, ours, their_requests, our_requests


#: A plain-text file in each form a script writes it: a `text-plain` block of text and
#: of base64, a standard file block of base64, and v0's `source_type: "text"`.
TEXT_FILES = {
    "text-plain": {"type": "text-plain", "text": "The sky is blue.", "mime_type": "text/plain"},
    "text-plain base64": {
        "type": "text-plain",
        "base64": "VGhlIHNreSBpcyBibHVlLg==",
        "mime_type": "text/plain",
    },
    "file base64": {
        "type": "file",
        "base64": "VGhlIHNreSBpcyBibHVlLg==",
        "mime_type": "text/plain",
    },
    "v0 text": {"type": "file", "source_type": "text", "text": "The sky is blue."},
}


def plain_text_files(cls: Any, url: str) -> Any:
    """Each form of `TEXT_FILES` beside a text: invoked, and awaited as v1 blocks."""
    import asyncio

    from langchain_core.messages import HumanMessage

    model, v1 = make(cls, url), make(cls, url, output_version="v1")
    out = {}
    for label, block in TEXT_FILES.items():
        message = [HumanMessage([{"type": "text", "text": "Colour?"}, block])]
        out[label] = [
            attempted(lambda m=message: model.invoke(m)),
            attempted(lambda m=message: asyncio.run(v1.ainvoke(m))),
        ]
    return out


def _text_documents_sent(outcome: Outcome) -> Outcome:
    """Their plain-text files refused (a ValueError, nothing sent; v0's text form a
    KeyError on both sides) read as ours, once each of our requests is seen to carry the
    file as Anthropic's plain-text document."""
    theirs, ours, their_requests, our_requests = outcome
    assert not their_requests and theirs.pop("v0 text") == ours.pop("v0 text"), theirs
    assert all(r == [{"refused": "ValueError"}] * 2 for r in theirs.values()), theirs
    assert not any("refused" in r for pair in ours.values() for r in pair), ours
    source = {"type": "text", "media_type": "text/plain", "data": "The sky is blue."}
    sent = [r["body"]["messages"][0]["content"][0] for r in our_requests]
    assert sent == [{"type": "document", "source": source}] * 6, sent
    return theirs, theirs, their_requests, their_requests


#: langchain-aws's ChatBedrock sends a tool result's standard image block unconverted.
RESULT_IMAGE_UNCONVERTED = Difference(
    Reason.REJECTED,
    "sends LangChain's standard image block inside a tool result as written "
    "(`{'type': 'image', 'base64': ..., 'mime_type': ...}`, no `source`), an image block "
    "Anthropic's Messages API refuses",
    "the image goes as Anthropic's image block with its base64 `source`, as an image in a "
    "user turn does",
)
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "tool_result_image": (RESULT_IMAGE_UNCONVERTED, _result_image_converted),
    "plain_text_files": (
        Difference(
            Reason.RAISES,
            "refuses a plain-text file given as a standard block (`text-plain`, or a "
            "`file` of base64 text) with a ValueError, before any request",
            "the file is sent as Anthropic's plain-text document, its text decoded where "
            "it came as base64 (the Messages API takes base64 documents as PDFs only)",
        ),
        _text_documents_sent,
    ),
}

SCRIPTS = {
    "media_by_url": (invoke(), media_by_url),
    "tool_result_image": (invoke(), tool_result_image),
    "plain_text_files": (invoke(), plain_text_files),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_t_same_as_langchain_aws_chatbedrock = SUITE.same_test()
