"""ChatOllama side by side in scripts that send images as LangChain's standard blocks and
as data URLs, read a reply of thinking and a tool call as `content_blocks`, and place a
second system message later in the conversation. Compared as the suite of
`test_ollama_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import add
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import merged
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import ADD_CALL
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies


def standard_image_blocks(cls: Any, url: str) -> Any:
    """An image by base64 as LangChain's standard block, one as a data URL in the OpenAI
    form scripts carry over, beside a text."""
    from langchain_core.messages import HumanMessage

    message = HumanMessage(
        content=[
            {"type": "text", "text": "Compare these."},
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        ]
    )
    return cls(model=MODEL, base_url=url).invoke([message])


def thinking_call_as_blocks(cls: Any, url: str) -> Any:
    """A reply of thinking and a tool call (`reasoning=True`) read as `content_blocks`:
    invoked, and streamed and merged."""
    bound = cls(model=MODEL, base_url=url, reasoning=True).bind_tools([add])
    reply = bound.invoke("1+2?")
    whole = merged(list(bound.stream("1+2?")))
    return blocks_observed({"invoked": reply.content_blocks, "streamed": whole.content_blocks})


def later_system_message(cls: Any, url: str) -> Any:
    """A system message at the start and another after the conversation began (as
    LangChain's message tuples)."""
    history = [("system", "Be brief."), ("human", "Hi"), ("ai", "Hello.")]
    history += [("system", "Answer in French from now on."), ("human", "And now?")]
    return cls(model=MODEL, base_url=url).invoke(history)


SCRIPTS = {
    "standard_image_blocks": (ollama_replies(), standard_image_blocks),
    "thinking_call_as_blocks": (
        ollama_replies("", thinking="Add them.", tool_calls=ADD_CALL),
        thinking_call_as_blocks,
    ),
    "later_system_message": (ollama_replies(), later_system_message),
}

SUITE = ollama_suite.SUITE.beside(SCRIPTS, {})
test_probe_t_same_as_langchain_ollama = SUITE.same_test()
