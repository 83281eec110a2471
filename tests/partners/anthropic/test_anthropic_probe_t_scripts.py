"""ChatAnthropic side by side in scripts that send a PDF and images as LangChain's standard
blocks, read a reply of thinking, text and a tool call as `content_blocks`, stop on a
stop sequence, retry an overloaded API with `with_retry`, and fall back from Anthropic to
ChatOpenAI. Each runs with both classes (a fallback's ChatOpenAI as the script imports
it beside) against one scripted server; what it returns and sends is compared."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import THINKING
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

#: A PDF's bytes as a script reads them from a file (its header is what servers sniff).
PDF = base64.b64encode(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n").decode()


def _model(cls: Any, url: str, **more: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **more)


def standard_media_blocks(cls: Any, url: str) -> Any:
    """A PDF by base64 and images by URL and base64, as LangChain's standard blocks."""
    from langchain_core.messages import HumanMessage

    message = HumanMessage(
        content=[
            {"type": "text", "text": "Compare these."},
            {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "a.pdf"},
            {"type": "image", "url": "https://example.com/cat.png"},
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
        ]
    )
    return _model(cls, url).invoke([message])


def thinking_call_as_blocks(cls: Any, url: str) -> Any:
    """A reply of thinking, text and a tool call read as `content_blocks`: invoked, and
    streamed and merged."""
    model = _model(cls, url, thinking={"type": "enabled", "budget_tokens": 1024}, max_tokens=2048)
    bound = model.bind_tools([add])
    reply = bound.invoke("1+2?")
    whole = merged(list(bound.stream("1+2?")))
    return {"invoked": reply.content_blocks, "streamed": whole.content_blocks}


def _stop_sequence(seen: Seen) -> Reply:
    """The reply stopped on the request's first stop sequence."""
    reply = streamed({"type": "text", "text": "One, two, "}, stop="stop_sequence")(seen)
    said = (seen.body or {}).get("stop_sequences") or [None]
    pieces = [
        p.replace(b'"stop_sequence": null', b'"stop_sequence": ' + json.dumps(said[0]).encode())
        for p in reply.pieces
    ]
    return Reply(reply.status, pieces, reply.content_type, reply.headers)


def stop_sequence_finish(cls: Any, url: str) -> Any:
    """A call with a stop sequence that the reply stopped on: invoked and streamed."""
    model = _model(cls, url)
    return [
        model.invoke("Count", stop=["three"]),
        merged(list(model.stream("Count", stop=["three"]))),
    ]


def _overloaded_once() -> Any:
    """The Messages API overloaded (529) at its first request, answering after."""
    answered = messages_reply()
    seen_count = [0]

    def answer(seen: Seen) -> Reply:
        seen_count[0] += 1
        if seen_count[0] % 2:
            error = {
                "type": "error",
                "error": {"type": "overloaded_error", "message": "Overloaded"},
            }
            return Reply(529, [json.dumps(error).encode()])
        return answered(seen)

    return answer


def retried_by_the_chain(cls: Any, url: str) -> Any:
    """The client's own retries off (`max_retries=0`), `with_retry` retrying the chain:
    the reply after an overloaded first attempt."""
    model = _model(cls, url, max_retries=0)
    retried = model.with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    return retried.invoke("Hi")


def _anthropic_down(seen: Seen) -> Reply:
    """Anthropic's path overloaded; OpenAI's Chat Completions answering."""
    if seen.path.startswith("/v1/messages"):
        error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        return Reply(529, [json.dumps(error).encode()])
    reply = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    return Reply(200, [json.dumps(reply).encode()])


def fallback_to_openai(cls: Any, url: str) -> Any:
    """ChatAnthropic (no retries) falling back to ChatOpenAI, both imported from the same
    place: invoked, and a batch."""
    import chatplex.langchain

    if cls is chatplex.langchain.ChatAnthropic:
        openai_class = chatplex.langchain.ChatOpenAI
    else:
        from langchain_openai import ChatOpenAI as openai_class
    backup = openai_class(model="gpt-4o-mini", api_key="sk-o", base_url=url + "/v1")
    chain = _model(cls, url, max_retries=0).with_fallbacks([backup])
    return [chain.invoke("Hi"), chain.batch(["One", "Two"])]


SCRIPTS = {
    "standard_media_blocks": (messages_reply(), standard_media_blocks),
    "thinking_call_as_blocks": (
        streamed(THINKING, {"type": "text", "text": "Calling add."}, ADD_CALL, stop="tool_use"),
        thinking_call_as_blocks,
    ),
    "stop_sequence_finish": (_stop_sequence, stop_sequence_finish),
    "retried_by_the_chain": (_overloaded_once(), retried_by_the_chain),
    "fallback_to_openai": (_anthropic_down, fallback_to_openai),
}

SUITE = anthropic_suite(SCRIPTS)
test_probe_t_scripts_same_as_langchain_anthropic = SUITE.same_test()
