"""LangChain's standard data blocks as Chat Completions parts (providers/openai/blocks.py),
compared with langchain_core's own conversion on the same blocks."""

from __future__ import annotations

import doctest
import warnings
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import ToolMessage
from chatplex.providers.openai import blocks as module
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.blocks import is_data_block
from chatplex.providers.openai.blocks import to_part
from chatplex.providers.openai.blocks import to_parts

content = pytest.importorskip("langchain_core.messages.content")
translators = pytest.importorskip("langchain_core.messages.block_translators.openai")

BLOCKS: list[dict[str, Any]] = [
    {"type": "image", "base64": "AAAA", "mime_type": "image/png"},
    {"type": "image", "url": "https://x.test/a.png"},
    {"type": "image", "source_type": "base64", "data": "AAAA", "mime_type": "image/jpeg"},
    {"type": "image", "source_type": "url", "url": "https://x.test/b.png"},
    {"type": "file", "base64": "JVBE", "mime_type": "application/pdf", "filename": "a.pdf"},
    {
        "type": "file",
        "source_type": "base64",
        "data": "JVBE",
        "mime_type": "application/pdf",
        "filename": "b.pdf",
    },
    {"type": "file", "file_id": "file-1"},
    {"type": "file", "source_type": "id", "id": "file-2"},
    {"type": "audio", "base64": "UklG", "mime_type": "audio/wav"},
    {"type": "audio", "source_type": "base64", "data": "UklG", "mime_type": "audio/mp3"},
]


@pytest.mark.parametrize("block", BLOCKS)
def test_a_standard_block_is_sent_as_langchain_sends_it(block: dict[str, Any]) -> None:
    assert is_data_block(block) == content.is_data_content_block(block) is True
    assert to_part(block) == translators.convert_to_openai_data_block(block)


def test_a_file_without_a_name_gets_langchains_placeholder() -> None:
    block = {"type": "file", "base64": "JVBE", "mime_type": "application/pdf"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LangChain warns about the placeholder
        theirs = translators.convert_to_openai_data_block(block)
    assert to_part(block) == theirs


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"type": "file", "url": "https://x.test/a.pdf"}, "file URLs"),
        ({"type": "image", "base64": "AAAA"}, "mime_type"),
        ({"type": "audio", "url": "https://x.test/a.wav"}, "base64 is required"),
    ],
)
def test_blocks_chat_completions_cannot_take_are_refused(
    block: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        to_part(block)


def test_other_blocks_pass_unchanged() -> None:
    parts = [
        {"type": "text", "text": "hi"},
        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
        {"type": "video", "url": "https://x.test/v.mp4"},
    ]
    assert to_parts(parts) is parts
    assert to_parts("text") == "text"


def test_the_adapter_sends_them_in_user_and_tool_messages() -> None:
    adapter = OpenAIAdapter(api_key="sk-test")
    image = {"type": "image", "url": "https://x.test/a.png"}
    messages = [
        HumanMessage([{"type": "text", "text": "What is it?"}, image]),
        AIMessage("", tool_calls=[{"name": "look", "args": {}, "id": "c1"}]),
        ToolMessage([image], tool_call_id="c1"),
    ]
    body = adapter.build_request(messages, CallSettings(model="gpt-4o"), stream=False).json
    part = {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}
    assert body["messages"][0]["content"][1] == part
    assert body["messages"][2]["content"] == [part]


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0
