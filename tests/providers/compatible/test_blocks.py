"""`parts_blocks`: Mistral's content parts as langchain-mistralai's block translator
reads them, and its registration by the compatible adapter module.

Each message below is read by ours and, when langchain-mistralai is installed, by its
own translator on LangChain's twin of the message (the same fields); the facts it
checks are also written out, so the file runs without the partner package.
"""

from __future__ import annotations

import doctest
import os
from pathlib import Path
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import message_to_dict
from chatplex.providers.compatible import blocks
from chatplex.providers.compatible.blocks import parts_blocks
from chatplex.providers.compatible.spec import PROFILES
from tests._fresh import fresh_python

META = {"model_provider": "mistralai"}
CALL = {"name": "add", "args": {"a": 1}, "id": "abcDEF123", "type": "tool_call"}
REFERENCE = {"reference_ids": [0, 2], "cited_text": "the source says so"}


def thinking(*pieces: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "thinking",
        "thinking": [{"type": "text", "text": p} if isinstance(p, str) else p for p in pieces],
        **extra,
    }


#: (message, the blocks langchain-mistralai's translator gives it)
CASES: list[tuple[AIMessage, list[dict[str, Any]]]] = [
    (AIMessage("plain", response_metadata=META), [{"type": "text", "text": "plain"}]),
    (AIMessage("", response_metadata=META), [{"type": "text", "text": ""}]),
    (
        AIMessage([thinking("Add.", "Then check."), {"type": "text", "text": "4"}]),
        [
            {"type": "reasoning", "reasoning": "Add."},
            {"type": "reasoning", "reasoning": "Then check."},
            {"type": "text", "text": "4"},
        ],
    ),
    (
        AIMessage(
            [
                thinking("Hm", {"type": "other", "x": 1}, {"type": "text"}, index=0),
                {"type": "text", "text": "ok", "index": 1},
                "a str item",
            ]
        ),
        [
            {"type": "reasoning", "reasoning": "Hm", "index": 0},
            {"type": "reasoning", "reasoning": "", "index": 0},
            {"type": "text", "text": "ok", "index": 1},
            {"type": "text", "text": "a str item"},
        ],
    ),
    (
        AIMessage([{"type": "text", "text": "cited", "reference": REFERENCE, "index": 2}]),
        [
            {
                "type": "text",
                "text": "cited",
                "index": 2,
                "annotations": [
                    {
                        "type": "citation",
                        "cited_text": "the source says so",
                        "extras": {"reference_ids": [0, 2]},
                    }
                ],
            }
        ],
    ),
    (
        AIMessage([{"type": "text", "text": "bare", "reference": "not a dict"}]),
        [{"type": "text", "text": "bare", "annotations": [{"type": "citation"}]}],
    ),
    (
        AIMessage(
            [
                {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                {"type": "text", "text": None},
                {"type": "thinking", "thinking": "not a list"},
            ]
        ),
        [
            {
                "type": "non_standard",
                "value": {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
            },
            {"type": "non_standard", "value": {"type": "text", "text": None}},
            {"type": "non_standard", "value": {"type": "thinking", "thinking": "not a list"}},
        ],
    ),
    (
        AIMessage("", tool_calls=[CALL]),  # type: ignore[list-item]
        [{"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "abcDEF123"}],
    ),
    (
        AIMessage([{"type": "text", "text": "", "index": 0}], tool_calls=[CALL]),  # type: ignore[list-item]
        [{"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "abcDEF123"}],
    ),
    (
        AIMessage([thinking("Call it."), {"type": "text", "text": ""}], tool_calls=[CALL]),  # type: ignore[list-item]
        [
            {"type": "reasoning", "reasoning": "Call it."},
            {"type": "text", "text": ""},
            {"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "abcDEF123"},
        ],
    ),
    (
        AIMessageChunk(
            [thinking("piece", index=0)],
            tool_call_chunks=[{"name": "add", "args": '{"a": 1}', "id": "abcDEF123", "index": 0}],
        ),
        [
            {"type": "reasoning", "reasoning": "piece", "index": 0},
            {"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "abcDEF123"},
        ],
    ),
]


def with_meta(message: AIMessage) -> AIMessage:
    return message.model_copy(update={"response_metadata": META})


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_parts_blocks_as_langchain_mistralai(
    message: AIMessage, expected: list[dict[str, Any]]
) -> None:
    content_before = repr(message.content)
    assert parts_blocks(message) == expected
    assert repr(message.content) == content_before  # the message is unchanged
    # Registered for Mistral's model_provider: `content_blocks` reads it the same way.
    assert with_meta(message).content_blocks == expected


@pytest.mark.parametrize(("message", "expected"), CASES)
def test_parts_blocks_equal_the_partner_translator(
    message: AIMessage, expected: list[dict[str, Any]]
) -> None:
    pytest.importorskip("langchain_mistralai")
    from langchain_core import messages as lc

    twin = lc.messages_from_dict([message_to_dict(with_meta(message))])[0]
    assert twin.content_blocks == expected == parts_blocks(message)


def test_registered_for_each_profile_that_keeps_content_parts() -> None:
    """Registration follows the profile's style (data), not a provider's name in code:
    a content-parts profile's replies are read by it, another profile's are not."""
    parts = [p for p in PROFILES.values() if p.style is not None and p.style.content_parts]
    others = [p for p in PROFILES.values() if p.style is not None and not p.style.content_parts]
    assert parts and others
    content = [thinking("Why."), {"type": "text", "text": "So."}]
    for profile in parts:
        assert profile.style is not None
        meta = {"model_provider": profile.style.model_provider}
        blocks_of = AIMessage(content, response_metadata=meta).content_blocks  # type: ignore[arg-type]
        assert [b["type"] for b in blocks_of] == ["reasoning", "text"]
    readers = {p.style.model_provider for p in parts if p.style is not None}
    for profile in others:
        assert profile.style is not None
        if profile.style.model_provider in readers:
            continue
        meta = {"model_provider": profile.style.model_provider}
        blocks_of = AIMessage(content, response_metadata=meta).content_blocks  # type: ignore[arg-type]
        assert blocks_of[0]["type"] == "non_standard"  # the built-in reading


def test_doctests() -> None:
    assert doctest.testmod(blocks).failed == 0


@pytest.mark.parametrize(
    "statement",
    [
        "from chatplex.langchain import ChatMistralAI",
        "from chatplex.adapters import adapter_class; adapter_class('mistralai')",
    ],
)
def test_importing_the_dropin_or_loading_the_adapter_registers(statement: str) -> None:
    """As importing langchain-mistralai registers its translator: a fresh interpreter's
    Mistral reply reads as built-in blocks before, as Mistral's parts after."""
    code = (
        "from chatplex.messages import AIMessage\n"
        "m = AIMessage([{'type': 'thinking', 'thinking': [{'type': 'text', 'text': 'x'}]}],"
        " response_metadata={'model_provider': 'mistralai'})\n"
        "print(m.content_blocks[0]['type'])\n"
        f"{statement}\n"
        "print(m.content_blocks[0]['type'])\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = fresh_python(code, env=env)
    assert done.stdout.split() == ["non_standard", "reasoning"]
