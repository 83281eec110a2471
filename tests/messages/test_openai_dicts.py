"""`convert_to_openai_messages` gives what LangChain's gives for the same messages, and
refuses, naming the block, what it does not translate."""

from __future__ import annotations

import pytest

from chatplex import AIMessage
from chatplex import HumanMessage
from chatplex import SystemMessage
from chatplex import ToolMessage
from chatplex.messages import BaseMessage
from chatplex.messages import _openai_dicts as ours
from chatplex.messages import to_langchain

lc = pytest.importorskip("langchain_core.messages")

OPENAI_CASES: list[BaseMessage] = [
    SystemMessage("Be brief.", id="s"),
    HumanMessage("hi", id="h1", name="ann"),
    AIMessage(
        content="calling",
        id="a1",
        tool_calls=[{"name": "add", "args": {"a": 1, "é": "ü"}, "id": "c1"}],
    ),
    ToolMessage("2", tool_call_id="c1", id="t1"),
    HumanMessage([{"type": "text", "text": "block one"}, {"type": "text", "text": "two"}]),
    SystemMessage("be", additional_kwargs={"__openai_role__": "developer"}),
    AIMessage(content="", additional_kwargs={"refusal": "no"}),
    HumanMessage(
        [
            {"type": "text", "text": "look"},
            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
            {"type": "reasoning", "reasoning": "r"},
            {"type": "custom", "x": 1},
        ]
    ),
]


@pytest.mark.parametrize("text_format", ["string", "block"])
@pytest.mark.parametrize("include_id", [False, True])
def test_openai_messages_as_langchain(text_format: str, include_id: bool) -> None:
    options = {"text_format": text_format, "include_id": include_id}
    theirs = [to_langchain(m) for m in OPENAI_CASES]
    assert ours.convert_to_openai_messages(OPENAI_CASES, **options) == (
        lc.convert_to_openai_messages(theirs, **options)
    )
    assert ours.convert_to_openai_messages(OPENAI_CASES[1], **options) == (
        lc.convert_to_openai_messages(theirs[1], **options)
    )
    assert ours.convert_to_openai_messages([("human", "hi")]) == [{"role": "user", "content": "hi"}]


def test_openai_messages_refuse_what_they_do_not_translate() -> None:
    anthropic_image = HumanMessage(
        [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "x"}}]
    )
    with pytest.raises(NotImplementedError, match=r"image block at messages\[0\].content\[0\]"):
        ours.convert_to_openai_messages([anthropic_image])
    odd = HumanMessage([{"type": "custom", "x": 1}])
    with pytest.raises(ValueError, match="does not match OpenAI"):
        ours.convert_to_openai_messages([odd], pass_through_unknown_blocks=False)
    with pytest.raises(ValueError, match="missing expected key"):
        ours.convert_to_openai_messages([HumanMessage([{"type": "image_url"}])])
    with pytest.raises(ValueError, match="Unrecognized text_format"):
        ours.convert_to_openai_messages([odd], text_format="html")  # type: ignore[arg-type]
