"""ChatVertexAI side by side on `perform_literal_eval_on_string_raw_content`: with it
True, langchain-google-vertexai reads a system, user or assistant message's text as a
Python literal (`ast.literal_eval`) and sends the result as parts (an agent's prompt
template that formatted content blocks into a string sends them as real images);
a tool result's text, text that is no literal, and everything with it False, go as
written. The drop-in refused the setting."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners.vertex import test_vertex_sidebyside as suite_module
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

lc = pytest.importorskip("langchain_core.messages")
prompts = pytest.importorskip("langchain_core.prompts")

SETTING = "perform_literal_eval_on_string_raw_content"
#: Content blocks as a prompt template writes them: no `image_url` (its converter loads
#: a Cloud Storage or web URL itself, and labels a data URL's PNG image/jpeg, a kept
#: difference of the main suite).
BLOCKS = [
    {"type": "text", "text": "What is in these?"},
    {"type": "image", "base64": PNG, "mime_type": "image/png"},
    {"type": "file", "source_type": "base64", "data": PNG, "mime_type": "application/pdf"},
    {"type": "media", "mime_type": "video/mp4", "file_uri": "gs://bucket/clip.mp4"},
    "a plain string item",
]
#: Texts that are no literal, a malformed one, and literals of each kind it sends.
TEXTS = [
    "Hello, world",
    "[{'type': 'text', 'text': 'unclosed'}",
    "print('hi')",
    "42",
    "1_000",
    "-2.5e3",
    "True",
    "'quoted'",
    "  [1, 'two', [3, 4], ('five',), None, 6.0]",
]


def refusal(run: Any, words: bool = True) -> dict[str, Any]:
    """What `run` raised, as a script's `except` reads it: its class (and words)."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"class": type(exc).__name__, **({"words": str(exc)} if words else {})}
    raise AssertionError("the script was expected to raise")


def literal(cls: Any, url: str, **settings: Any) -> Any:
    return model(cls, url, **{SETTING: True, **settings})


def blocks_as_text(cls: Any, url: str) -> Any:
    """A user turn whose text is a list of blocks: read, its images sent as parts; the
    setting left at its default, or given False, the same text sent as text."""
    turn = [lc.HumanMessage(str(BLOCKS))]
    return [
        literal(cls, url).invoke(turn),
        model(cls, url).invoke(turn),
        model(cls, url, **{SETTING: False}).invoke(turn),
    ]


def agent_prompt(cls: Any, url: str) -> Any:
    """A prompt template formatting the blocks into its human message, streamed."""
    prompt = prompts.ChatPromptTemplate.from_messages(
        [("system", "You describe images."), ("human", "{input}")]
    )
    chain = prompt | literal(cls, url)
    return [chunk.content for chunk in chain.stream({"input": BLOCKS})]


def texts_each_role(cls: Any, url: str) -> Any:
    """Each text as a system, user and assistant turn's, and as a tool result's; with
    the setting off, every text as written."""
    call = {"name": "lookup", "args": {}, "id": "call-1"}
    out = []
    for llm in (literal(cls, url), model(cls, url)):
        for text in TEXTS:
            turns = [
                lc.SystemMessage(text),
                lc.HumanMessage(text),
                lc.AIMessage(text, tool_calls=[call]),
                lc.ToolMessage(text, tool_call_id="call-1"),
                lc.HumanMessage(text),
            ]
            out.append(llm.invoke(turns))
    return out


def replies_as_text(cls: Any, url: str) -> Any:
    """An assistant turn whose text is a list of a reply's blocks: a `tool_use` block
    sent as its text (none without), a `function_call_signature` left out."""
    said = str(
        [
            {"type": "tool_use", "id": "x", "name": "f", "input": {}},
            {"type": "tool_use", "text": "said", "id": "y", "name": "f", "input": {}},
            {"type": "function_call_signature", "signature": "c2ln"},
            {"type": "thinking", "thinking": "Hmm."},
            "ok",
        ]
    )
    turns = [lc.HumanMessage("Hi"), lc.AIMessage(said), lc.HumanMessage("And?")]
    return literal(cls, url).invoke(turns)


def unsupported_literals(cls: Any, url: str) -> Any:
    """A literal it sends no part for (a dict, a tuple, None, a set, bytes, a complex):
    its TypeError before any request, in a user turn and in a system one, invoked and
    streamed."""
    llm = literal(cls, url)
    out = [
        refusal(lambda t=text: llm.invoke(t))
        for text in ("{'type': 'text', 'text': 'Hi'}", "1, 2", "None", "{1}", "b'x'", "1j")
    ]
    out.append(refusal(lambda: llm.invoke([lc.SystemMessage("()"), lc.HumanMessage("Hi")])))
    out.append(refusal(lambda: list(llm.stream("{'a': 1}"))))
    return out


def unsupported_blocks(cls: Any, url: str) -> Any:
    """A list holding a block of a type it does not send: a ValueError before any
    request (in other words than its, as for such a block given in a list)."""
    text = "[{'type': 'audio_url', 'url': 'x'}]"
    return refusal(lambda: literal(cls, url).invoke(text), words=False)


def counted(cls: Any, url: str) -> Any:
    """Token counts read the text as the requests do."""
    llm = literal(cls, url)
    text = str(BLOCKS[:3])
    return [
        llm.get_num_tokens(text),
        llm.get_num_tokens_from_messages([lc.SystemMessage("7"), lc.HumanMessage(text)]),
    ]


def held(cls: Any, url: str) -> Any:
    """The field as the model holds it."""
    return [getattr(literal(cls, url), SETTING), getattr(model(cls, url), SETTING)]


SCRIPTS = {
    name: (vertex_replies(), script)
    for name, script in {
        "literal_blocks_as_text": blocks_as_text,
        "literal_agent_prompt": agent_prompt,
        "literal_texts_each_role": texts_each_role,
        "literal_unsupported": unsupported_literals,
        "literal_unsupported_blocks": unsupported_blocks,
        "literal_counted": counted,
        "literal_replies_as_text": replies_as_text,
        "literal_held": held,
    }.items()
}
SUITE = suite_module.SUITE.beside(SCRIPTS, {})
test_literal_eval_same_as_langchain_google_vertexai = SUITE.same_test()
