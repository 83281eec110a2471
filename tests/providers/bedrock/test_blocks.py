"""`converse_blocks`: Converse replies' content (langchain-aws's) as LangChain's Converse
translator reads it, and its registration by the module that makes Converse replies."""

from __future__ import annotations

import doctest
import os
from pathlib import Path

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.providers.bedrock import blocks
from chatplex.providers.bedrock.blocks import converse_blocks
from chatplex.providers.bedrock.response import PROVIDER
from tests._fresh import fresh_python

META = {"model_provider": PROVIDER}


def test_converse_content_blocks_as_langchains_converse_translator() -> None:
    lc_messages = pytest.importorskip("langchain_core.messages")
    content = [
        {"type": "reasoning_content", "reasoning_content": {"text": "t", "signature": "s"}},
        {"type": "text", "text": "Let me add."},
        {"type": "tool_use", "name": "add", "input": {"a": 1}, "id": "tu-1"},
    ]
    calls = [{"name": "add", "args": {"a": 1}, "id": "tu-1", "type": "tool_call"}]
    theirs = lc_messages.AIMessage(content=content, tool_calls=calls, response_metadata=META)
    ours = AIMessage(content=content, tool_calls=calls, response_metadata=META)  # type: ignore[arg-type]
    assert ours.content_blocks == theirs.content_blocks
    empty = AIMessage(content="", response_metadata=META)
    assert empty.content_blocks == []  # a stream's metadata piece, as LangChain's


def test_server_tool_blocks_stay_and_unknown_blocks_are_non_standard() -> None:
    server = {"type": "server_tool_call", "name": "code_interpreter", "args": {}, "id": "s1"}
    other = {"type": "guard_content", "text": "g", "index": 2}
    reply = AIMessage([server, other, "a str is left out"])  # type: ignore[list-item]
    assert converse_blocks(reply) == [
        server,
        {"type": "non_standard", "value": {"type": "guard_content", "text": "g"}, "index": 2},
    ]


def test_a_stream_piece_shows_its_tool_call_fragment() -> None:
    block = {"type": "tool_use", "name": "add", "input": {}, "id": "tu-1", "index": 0}
    piece = AIMessageChunk(
        [block],  # type: ignore[list-item]
        tool_call_chunks=[{"name": "add", "args": "", "id": "tu-1", "index": 0}],
    )
    assert converse_blocks(piece) == [
        {"type": "tool_call_chunk", "name": "add", "id": "tu-1", "args": "", "index": 0}
    ]


def test_doctests() -> None:
    assert doctest.testmod(blocks).failed == 0


def test_a_fresh_interpreter_reads_converse_replies_as_langchain_does() -> None:
    """langchain-core always has its Converse translator: a Converse reply built by hand
    reads as Converse's before any Bedrock module is loaded (the spec's declared reading,
    loaded on the first such reply), and reading it loads no adapter."""
    code = (
        "import sys\n"
        "from chatplex.messages import AIMessage\n"
        "m = AIMessage([{'type': 'reasoning_content', 'reasoning_content': {'text': 'x'}}],"
        " response_metadata={'model_provider': 'bedrock_converse'})\n"
        "print(m.content_blocks[0]['type'])\n"
        "print('chatplex.providers.bedrock.adapter' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = fresh_python(code, env=env)
    assert done.stdout.split() == ["reasoning", "False"]
