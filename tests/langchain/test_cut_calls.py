"""A stream that ends inside a tool call's arguments: the call is invalid however
LangChain's pieces are merged (issue 65), where LangChain's merge alone repairs the
arguments into a valid call."""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator
from typing import Any

import pytest
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.load import dumpd
from langchain_core.load import load
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs.chat_generation import merge_chat_generation_chunks

from chatplex.langchain.convert import StreamTranslator
from chatplex.langchain.linear_merge import ChatGenerationChunk as OnePassChatGenerationChunk
from chatplex.langchain.replies import ageneration_chunks
from chatplex.langchain.replies import generation_chunks
from chatplex.messages import AIMessageChunk

CUT = '{"city": "Par'


def _stream(args: str, *, usage_last: bool = False) -> list[AIMessageChunk]:
    head, tail = args[: len(args) // 2], args[len(args) // 2 :]
    calls = [
        {"name": "f", "args": head, "id": "t1", "index": 0, "type": "tool_call_chunk"},
        {"name": None, "args": tail, "id": None, "index": 0, "type": "tool_call_chunk"},
    ]
    chunks = [
        AIMessageChunk(content="", response_metadata={"model_provider": "openai"}),
        AIMessageChunk(content="", tool_call_chunks=[calls[0]]),  # type: ignore[list-item]
        AIMessageChunk(content="", tool_call_chunks=[calls[1]]),  # type: ignore[list-item]
        AIMessageChunk(content="", response_metadata={"finish_reason": "tool_calls"}),
    ]
    if usage_last:
        usage = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
        chunks.append(AIMessageChunk(content="", usage_metadata=usage))  # type: ignore[arg-type]
    return chunks


async def _pieces(chunks: list[Any], *, hold: bool, sync: bool) -> list[ChatGenerationChunk]:
    translate = StreamTranslator()
    if sync:
        return list(generation_chunks(iter(chunks), translate, hold=hold))

    async def stream() -> AsyncIterator[Any]:
        for chunk in chunks:
            yield chunk

    return [p async for p in ageneration_chunks(stream(), translate, hold=hold)]


def _added(messages: list[Any]) -> Any:
    total = messages[0]
    for message in messages[1:]:
        total = total + message
    return total


def _cut_kept_invalid(message: Any) -> None:
    assert message.tool_calls == []
    (call,) = message.invalid_tool_calls
    assert (call["name"], call["args"], call["id"]) == ("f", CUT, "t1")
    assert call["error"].startswith("arguments are not valid JSON")


@pytest.mark.parametrize("hold", [False, True], ids=["closed", "held"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_cut_call_is_invalid_however_the_pieces_are_merged(hold: bool, sync: bool) -> None:
    pieces = await _pieces(_stream(CUT, usage_last=hold), hold=hold, sync=sync)
    assert pieces[-1].message.chunk_position == "last"  # type: ignore[attr-defined]
    messages = [p.message for p in pieces]
    # A script's `total = total + chunk` (stream, astream)...
    _cut_kept_invalid(_added(messages))
    # ... LangChain's merge of the pieces: an invoke that streams, the run's on_llm_end...
    (generation,) = generate_from_stream(iter(pieces)).generations
    assert isinstance(generation.message, LCAIMessage)
    _cut_kept_invalid(generation.message)
    merged = merge_chat_generation_chunks(pieces)
    assert merged is not None
    _cut_kept_invalid(merged.message)
    # ... and pieces added one by one.
    _cut_kept_invalid(_added(pieces).message)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_langchains_merge_alone_repairs_the_cut_call(sync: bool) -> None:
    # What the pieces above guard against: LangChain's classes, merged as LangChain merges.
    pieces = await _pieces(_stream(CUT), hold=False, sync=sync)
    plain = [LCAIMessageChunk(**p.message.__dict__) for p in pieces]
    assert _added(plain).tool_calls[0]["args"] == {"city": "Par"}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_whose_calls_parse_keeps_langchains_classes_and_length(sync: bool) -> None:
    pieces = await _pieces(_stream('{"city": "Paris"}'), hold=False, sync=sync)
    # (LangChain adds its own closing chunk after these, as to any stream.)
    assert [p.message.chunk_position for p in pieces] == [None] * 4  # type: ignore[attr-defined]
    # (the first piece merges the stream in one pass: linear_merge.py)
    assert type(pieces[0]) is OnePassChatGenerationChunk
    assert {type(p) for p in pieces[1:]} == {ChatGenerationChunk}
    assert {type(p.message) for p in pieces} == {LCAIMessageChunk}
    closed = [*(p.message for p in pieces), LCAIMessageChunk(content="", chunk_position="last")]
    assert _added(closed).tool_calls[0]["args"] == {"city": "Paris"}


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_the_closing_chunk_shows_prints_and_loads_as_langchains() -> None:
    pieces = list(generation_chunks(iter(_stream(CUT)), StreamTranslator(), hold=False))
    closing, first = pieces[-1].message, pieces[0]
    assert type(closing).__name__ == "AIMessageChunk" and isinstance(closing, LCAIMessageChunk)
    assert type(first).__name__ == "ChatGenerationChunk"
    assert repr(closing).startswith("AIMessageChunk(")
    assert repr(first).startswith("ChatGenerationChunk(")
    assert dumpd(closing)["id"] == dumpd(LCAIMessageChunk(content=""))["id"]
    assert type(load(dumpd(closing), allowed_objects="messages")) is LCAIMessageChunk
    assert pickle.loads(pickle.dumps(closing)) == closing


def test_a_cut_streams_merge_takes_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its first piece is linear_merge.py's too: langchain-core's merge is not reached.
    pieces = list(generation_chunks(iter(_stream(CUT)), StreamTranslator(), hold=False))
    assert isinstance(pieces[0], OnePassChatGenerationChunk)

    def refused(*args: Any) -> Any:
        raise AssertionError("langchain-core's add_ai_message_chunks merged the stream")

    monkeypatch.setattr("langchain_core.messages.ai.add_ai_message_chunks", refused)
    (generation,) = generate_from_stream(iter(pieces)).generations
    _cut_kept_invalid(generation.message)
