"""Message values (`_messages.py`): the classes, `AIMessageChunk + other` for non-chunks, and
`to_message()`. (How chunks merge is in test_merge.py.)"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolCall
from chatplex.messages import ToolCallChunk
from chatplex.messages import ToolMessage
from chatplex.messages import UsageMetadata
from chatplex.messages import content_text
from chatplex.messages import text_chunk

# --- helpers ----------------------------------------------------------------------------


def tc_chunk(
    index: int | None, *, name: str | None = None, args: str | None = None, id: str | None = None
) -> ToolCallChunk:
    return {"name": name, "args": args, "id": id, "index": index}


def call(name: str, args: dict[str, Any], id: str | None) -> ToolCall:
    """A parsed tool call as `to_message()` builds it."""
    return {"name": name, "args": args, "id": id, "type": "tool_call"}


def usage(
    inp: int,
    out: int,
    *,
    in_details: dict[str, int] | None = None,
    out_details: dict[str, int] | None = None,
) -> UsageMetadata:
    u: UsageMetadata = {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out}
    if in_details is not None:
        u["input_token_details"] = in_details  # type: ignore[typeddict-item]
    if out_details is not None:
        u["output_token_details"] = out_details  # type: ignore[typeddict-item]
    return u


def add_all(chunks: Sequence[AIMessageChunk]) -> AIMessageChunk:
    """The pairwise, left-to-right sum a LangChain-style loop computes."""
    return functools.reduce(operator.add, chunks)


# --- message classes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "type_"),
    [
        (SystemMessage, "system"),
        (HumanMessage, "human"),
        (AIMessage, "ai"),
        (AIMessageChunk, "AIMessageChunk"),
    ],
)
def test_content_is_positional_and_type_discriminates(cls: type[BaseMessage], type_: str) -> None:
    msg = cls("hello")
    assert msg.content == "hello"
    assert msg.text == "hello"
    assert msg.type == type_
    assert cls.type == type_


def test_tool_message_content_is_positional() -> None:
    msg = ToolMessage("22C", tool_call_id="call_1")
    assert (msg.content, msg.tool_call_id, msg.status, msg.type) == (
        "22C",
        "call_1",
        "success",
        "tool",
    )


def test_type_discriminators_are_distinct() -> None:
    types = {
        cls.type for cls in (SystemMessage, HumanMessage, AIMessage, AIMessageChunk, ToolMessage)
    }
    assert types == {"system", "human", "ai", "AIMessageChunk", "tool"}


def test_other_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        HumanMessage("hi", "msg-id")  # type: ignore[call-arg]
    msg = HumanMessage("hi", id="m1", name="alice")
    assert (msg.id, msg.name) == ("m1", "alice")


def test_mutable_defaults_are_not_shared() -> None:
    a, b = AIMessage("a"), AIMessage("b")
    a.response_metadata["x"] = 1
    a.additional_kwargs["y"] = 2
    a.tool_calls.append({"name": "f", "args": {}, "id": "1"})
    assert b.response_metadata == {}
    assert b.additional_kwargs == {}
    assert b.tool_calls == []


def test_messages_are_values() -> None:
    assert HumanMessage("a") == HumanMessage("a")
    assert HumanMessage("a") != HumanMessage("b")
    assert HumanMessage("a") != SystemMessage("a")  # type: ignore[comparison-overlap]
    assert AIMessage("a") != AIMessageChunk("a")


def test_chunk_is_an_ai_message() -> None:
    assert isinstance(AIMessageChunk("x"), AIMessage)
    assert isinstance(AIMessage("x"), BaseMessage)


def test_text_of_block_list_joins_only_text_blocks() -> None:
    msg = AIMessage(
        [
            {"type": "thinking", "thinking": "hidden reasoning"},
            {"type": "text", "text": "Hello, "},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            {"type": "text", "text": "world"},
            {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
        ]
    )
    assert msg.text == "Hello, world"
    assert content_text(msg.content) == "Hello, world"


def test_text_of_empty_content() -> None:
    assert HumanMessage("").text == ""
    assert HumanMessage([]).text == ""
    assert AIMessage([{"type": "thinking", "thinking": "x"}]).text == ""


def test_pretty_repr_shows_type_and_text() -> None:  # LangChain's text (see test_messages_api)
    assert HumanMessage("hi").pretty_repr().endswith(" Human Message " + "=" * 33 + "\n\nhi")


@pytest.mark.parametrize("bad_id", ["", 123, None])
def test_tool_message_needs_non_empty_str_tool_call_id(bad_id: Any) -> None:
    with pytest.raises(ValueError, match="tool_call_id"):
        ToolMessage("x", tool_call_id=bad_id)


def test_tool_message_without_tool_call_id_is_rejected() -> None:
    with pytest.raises(TypeError, match="tool_call_id"):
        ToolMessage("x")  # type: ignore[call-arg]


def test_tool_message_status() -> None:
    assert ToolMessage("boom", tool_call_id="c", status="error").status == "error"
    with pytest.raises(ValueError, match="status"):
        ToolMessage("x", tool_call_id="c", status="failed")  # type: ignore[arg-type]


# --- AIMessageChunk + something else ---------------------------------------------------


@pytest.mark.parametrize("other", [AIMessage("x"), HumanMessage("x"), "x", 1, None])
def test_add_with_a_non_chunk_is_a_type_error(other: Any) -> None:
    with pytest.raises(TypeError):
        AIMessageChunk("a") + other


# --- to_message() -----------------------------------------------------------------------


def test_to_message_returns_a_plain_ai_message() -> None:
    message = AIMessageChunk(
        "hi",
        id="m",
        name="bot",
        additional_kwargs={"k": 1},
        response_metadata={"finish_reason": "stop"},
        usage_metadata=usage(1, 1),
    ).to_message()
    assert type(message) is AIMessage
    assert (message.content, message.id, message.name) == ("hi", "m", "bot")
    assert message.additional_kwargs == {"k": 1}
    assert message.response_metadata == {"finish_reason": "stop"}
    assert message.usage_metadata == usage(1, 1)


# --- to_message(): parsing tool-call arguments ------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_args_parse_to_empty_dict(raw: str | None) -> None:
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="noop", id="c", args=raw)])
    result = message.to_message()
    assert result.tool_calls == [call("noop", {}, "c")]
    assert result.invalid_tool_calls == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"city": "Par', "JSON"),
        ("{'city': 'Paris'}", "JSON"),
        ("not json at all", "JSON"),
        ('{"a": 1}}', "JSON"),
        ("[1, 2]", "object"),
        ("42", "object"),
        ('"Paris"', "object"),
        ("null", "object"),
        ("true", "object"),
    ],
)
def test_bad_args_land_in_invalid_tool_calls_with_the_raw_string(raw: str, reason: str) -> None:
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="weather", id="c", args=raw)])
    result = message.to_message()  # never raises
    assert result.tool_calls == []
    assert len(result.invalid_tool_calls) == 1
    invalid = result.invalid_tool_calls[0]
    assert (invalid["name"], invalid["id"], invalid["args"]) == ("weather", "c", raw)
    assert invalid.get("type") == "invalid_tool_call"
    assert isinstance(invalid["error"], str)
    assert reason in invalid["error"]


def test_valid_and_invalid_calls_are_sorted_apart() -> None:
    message = add_all(
        [
            AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="ok", id="c0", args='{"a"')]),
            AIMessageChunk("", tool_call_chunks=[tc_chunk(1, name="bad", id="c1", args='{"b"')]),
            AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args=": [1, 2]}")]),
        ]
    ).to_message()
    assert message.tool_calls == [call("ok", {"a": [1, 2]}, "c0")]
    assert [(i["name"], i["args"]) for i in message.invalid_tool_calls] == [("bad", '{"b"')]


def test_existing_invalid_tool_calls_are_carried_over() -> None:
    prior = {"name": "x", "args": "{", "id": "c9", "error": "bad"}
    message = AIMessageChunk("", invalid_tool_calls=[prior]).to_message()  # type: ignore[list-item]
    assert message.invalid_tool_calls == [{**prior, "type": "invalid_tool_call"}]  # as LangChain


def test_deeply_nested_args_do_not_raise() -> None:
    raw = "[" * 100_000
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="f", id="c", args=raw)])
    result = message.to_message()
    assert result.tool_calls == []
    assert [i["args"] for i in result.invalid_tool_calls] == [raw]


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


# --- lazily built response_metadata (`LazyMetadata`) -------------------------------------


def test_lazy_metadata_is_built_into_a_fresh_dict_on_first_read() -> None:
    from chatplex.messages import LazyMetadata
    from chatplex.messages import metadata_value
    from chatplex.messages import set_metadata
    from chatplex.messages._messages import _RESPONSE_METADATA

    head = {"provider": "p", "id": None, "finish_reason": None}
    lazy = LazyMetadata(head, ("id", "finish_reason", "extra"), ("i1", "stop", 1))
    chunk = AIMessageChunk(content="a", response_metadata=lazy)  # type: ignore[arg-type]
    assert chunk.is_complete  # read without building
    assert metadata_value(chunk, "provider") == "p" and metadata_value(chunk, "nope") is None
    message = chunk.to_message()
    assert _RESPONSE_METADATA.__get__(message) is lazy  # immutable: passed on as it is
    set_metadata(message, "attempts", 1)
    assert message.response_metadata == {
        "provider": "p",
        "id": "i1",
        "finish_reason": "stop",
        "extra": 1,
        "attempts": 1,
    }
    assert list(chunk.response_metadata) == ["provider", "id", "finish_reason", "extra"]
    assert chunk.response_metadata is not message.response_metadata
    assert head == {"provider": "p", "id": None, "finish_reason": None}  # never mutated
    eager = AIMessage(content="a", response_metadata=dict(message.response_metadata))
    assert message == eager and repr(message) == repr(eager)
    merged = AIMessageChunk(content="x", response_metadata=lazy) + AIMessageChunk(content="y")  # type: ignore[arg-type]
    assert merged.content == "xy" and merged.response_metadata["id"] == "i1"
    with pytest.raises(ValueError):
        LazyMetadata(head, ("id",), ()).build()  # keys and values out of step: a bug


def test_lazy_value_usage_is_made_on_read_and_passed_on_unbuilt() -> None:
    from chatplex.messages import LazyValue
    from chatplex.messages import peek_usage
    from chatplex.messages._messages import _USAGE_METADATA

    made: list[int] = []

    def make(total: int) -> UsageMetadata:
        made.append(total)
        return {"input_tokens": 1, "output_tokens": total - 1, "total_tokens": total}

    lazy = LazyValue(make, 3)
    chunk = AIMessageChunk(content="a", usage_metadata=lazy)  # type: ignore[arg-type]
    message = chunk.to_message()
    assert _USAGE_METADATA.__get__(message) is lazy and made == []
    assert peek_usage(message) == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    assert message.usage_metadata == peek_usage(chunk) and made == [3, 3, 3]
    assert message.usage_metadata is not chunk.usage_metadata  # each its own
    assert peek_usage(AIMessage(content="x")) is None


# --- text_chunk: the stream parsers' fast constructor -------------------------------------


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
