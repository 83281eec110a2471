"""ChatGoogleGenerativeAI side by side in scripts that read a tool call as LangChain's
standard blocks (`output_version="v1"`, `content_blocks`), give generation keywords by
`bind(...)`, run a structured batch whose rows fail apart (`return_exceptions=True`) and
retry a busy API with `with_retry`. Compared as the suite of `test_google_sidebyside.py`
compares its scripts; the Vertex AI suite runs the same scripts over its constructor."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]

ADD_PART = {"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}}
BUSY = {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}
REFUSED = {
    "code": 400,
    "message": "Request contains an invalid argument.",
    "status": "INVALID_ARGUMENT",
}


class Sum(BaseModel):
    """A sum."""

    total: int


def failing_when(
    word: str, failing: Callable[[Seen], Reply], answering: Callable[[Seen], Reply]
) -> Callable[[Seen], Reply]:
    """`failing`'s answer to a request whose body holds `word`, `answering`'s to the rest."""

    def answer(seen: Seen) -> Reply:
        return (failing if word in json.dumps(seen.body) else answering)(seen)

    return answer


def failing_first(
    failing: Callable[[Seen], Reply], answering: Callable[[Seen], Reply]
) -> Callable[[Seen], Reply]:
    """`failing`'s answer to every other request (the first of each run), `answering`'s
    to the rest."""
    count = [0]

    def answer(seen: Seen) -> Reply:
        count[0] += 1
        return (failing if count[0] % 2 else answering)(seen)

    return answer


def v1_call_as_blocks(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A tool call replied as LangChain's standard blocks (`output_version="v1"`):
        invoked (its content and `content_blocks`) and streamed and merged."""
        bound = make(cls, url, output_version="v1").bind_tools([add])
        reply = bound.invoke("1+2?")
        whole = merged(list(bound.stream("1+2?")))
        out = {"reply": reply, "blocks": reply.content_blocks, "streamed": whole.content_blocks}
        return blocks_observed(out)

    return script


def bound_generation_keywords(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """Generation settings given by `bind(...)`: invoked and streamed."""
        bound = make(cls, url).bind(temperature=0.1, top_k=3, max_output_tokens=20, stop=["END"])
        return [bound.invoke("Hi"), merged(list(bound.stream("Hi")))]

    return script


def structured_batch_rows_fail_apart(make: Make, read: Callable[[Any], Any]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A structured batch (no retries) whose second row the API refuses, with
        `return_exceptions=True`: each row's result or error."""
        structured = make(cls, url, max_retries=0).with_structured_output(Sum)
        rows = structured.batch(["1+2?", "Fail now", "2+1?"], return_exceptions=True)
        return [read({"error": r}) if isinstance(r, Exception) else r for r in rows]

    return script


def retried_by_the_chain(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The client's retries off, `with_retry` retrying the chain past a busy API."""
        retried = make(cls, url, max_retries=0).with_retry(
            stop_after_attempt=2, wait_exponential_jitter=False
        )
        return retried.invoke("Hi")

    return script


def scripts_over(
    make: Make, replies: Callable[..., Callable[[Seen], Reply]], read: Callable[[Any], Any]
) -> dict[str, Any]:
    """The scripts over a backend's constructor (`make`), scripted replies and reading
    of a result (`read`: its suite's, which reads an error as scripts read it)."""
    return {
        "v1_call_as_blocks": (replies([ADD_PART]), v1_call_as_blocks(make)),
        "bound_generation_keywords": (replies(), bound_generation_keywords(make)),
        "structured_batch_rows_fail_apart": (
            failing_when(
                "Fail now", replies(status=400, error=REFUSED), replies([{"text": '{"total": 3}'}])
            ),
            structured_batch_rows_fail_apart(make, read),
        ),
        "retried_by_the_chain": (
            failing_first(replies(status=503, error=BUSY), replies()),
            retried_by_the_chain(make),
        ),
    }


#: Bytes whose base64 holds both characters the two alphabets write apart (`+`, `/`).
MIXED = bytes([0xFB, 0xEF, 0xFF, 0x3E, 0x3F])


def base64_alphabet(cls: Any, url: str) -> Any:
    """Inline data whose base64 holds `+` and `/`: a PDF and audio as LangChain's
    standard blocks, audio in OpenAI's form, and the partner's own `media` block of
    bytes and of base64 text. The replies; the requests say how the data went."""
    from langchain_core.messages import HumanMessage

    text = base64.b64encode(MIXED).decode()
    blocks = [
        {"type": "file", "base64": text, "mime_type": "application/pdf"},
        {"type": "audio", "base64": text, "mime_type": "audio/wav"},
        {"type": "input_audio", "input_audio": {"data": text, "format": "wav"}},
        {"type": "media", "data": MIXED, "mime_type": "application/pdf"},
        {"type": "media", "data": text, "mime_type": "application/pdf"},
    ]
    chat = model(cls, url)
    return [chat.invoke([HumanMessage([{"type": "text", "text": "What?"}, b])]) for b in blocks]


SCRIPTS = {
    **scripts_over(model, gemini_replies, genai_suite._comparable_result),
    "base64_alphabet": (gemini_replies(), base64_alphabet),
}

SUITE = genai_suite.SUITE.beside(SCRIPTS, {})
test_probe_t_same_as_langchain_google_genai = SUITE.same_test()
