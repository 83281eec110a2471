"""Chunks built from other things (`_chunk_builders.py`): `text_chunk` is the chunk the
dataclass `__init__` builds, with containers of its own; a whole reply as one chunk merges
back to it (`reply_as_chunk`) or keeps its calls as given (`chunk_with_calls`)."""

from __future__ import annotations

import pytest

from chatplex.messages import AIMessageChunk
from chatplex.messages import text_chunk


def test_a_reply_as_one_chunk_merges_back_to_the_reply() -> None:
    from chatplex.messages import AIMessage
    from chatplex.messages import merge_chunks
    from chatplex.messages import reply_as_chunk

    reply = AIMessage(
        content="done",
        id="r1",
        tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1", "type": "tool_call"}],
        invalid_tool_calls=[
            {"name": "bad", "args": "{oops", "id": "c2", "error": None, "type": "invalid_tool_call"}
        ],
        response_metadata={"model_name": "m"},
        usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
    )
    chunk = reply_as_chunk(reply)
    assert [c["index"] for c in chunk.tool_call_chunks] == [0, 1]
    merged = merge_chunks([chunk]).to_message()
    assert merged.tool_calls == reply.tool_calls
    (invalid,) = merged.invalid_tool_calls  # the merge says why the arguments are invalid
    assert (invalid["name"], invalid["args"], invalid["id"]) == ("bad", "{oops", "c2")
    assert (merged.text, merged.id, merged.usage_metadata) == ("done", "r1", reply.usage_metadata)


def test_a_reply_as_a_chunk_with_its_calls_keeps_them_as_given() -> None:
    from chatplex.messages import AIMessage
    from chatplex.messages import chunk_with_calls

    calls = [{"name": "add", "args": {"a": 1}, "id": "c1", "type": "tool_call"}]
    reply = AIMessage(content="done", id="r1", tool_calls=calls, response_metadata={"m": 1})
    chunk = chunk_with_calls(reply)
    assert chunk.tool_calls == calls
    assert [c["index"] for c in chunk.tool_call_chunks] == [None]  # as LangChain makes them
    assert (chunk.text, chunk.id, chunk.response_metadata) == ("done", "r1", {"m": 1})
    assert chunk.to_message() == reply


@pytest.mark.parametrize("id", [None, "chatcmpl-1"])
def test_text_chunk_is_the_chunk_init_builds(id: str | None) -> None:
    fast, built = text_chunk("to", id), AIMessageChunk(content="to", id=id)
    assert fast == built
    assert repr(fast) == repr(built)
    assert fast.model_dump() == built.model_dump()
    for name in ("tool_calls", "invalid_tool_calls", "tool_call_chunks", "chunk_position"):
        assert getattr(fast, name) == getattr(built, name), name
    assert not fast.is_complete
    assert (fast + built).content == "toto"
    assert fast.to_message() == built.to_message()


def test_text_chunks_do_not_share_their_containers() -> None:
    first, second = text_chunk("a"), text_chunk("b")
    first.additional_kwargs["x"] = 1
    first.response_metadata["y"] = 2
    first.tool_call_chunks.append({"name": "f", "args": "{}", "id": "c", "index": 0})
    assert second.additional_kwargs == {} and second.response_metadata == {}
    assert second.tool_call_chunks == [] and second.tool_calls == []


def test_a_reply_of_several_candidates_is_its_first_carrying_the_others() -> None:
    from chatplex.messages import OTHER_CANDIDATES
    from chatplex.messages import AIMessage
    from chatplex.messages import with_other_candidates

    first, second = AIMessage("a"), AIMessage("b")
    assert with_other_candidates([first, second]) is first
    assert first.response_metadata == {OTHER_CANDIDATES: [second]}
    alone = AIMessage("c")
    assert with_other_candidates([alone]).response_metadata == {}
