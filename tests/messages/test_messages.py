"""Message values, `AIMessageChunk + AIMessageChunk`, `merge_chunks` and `to_message()`."""

from __future__ import annotations

import copy
import functools
import json
import operator
import random
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import pytest

from chatplex.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolCall,
    ToolCallChunk,
    ToolMessage,
    UsageMetadata,
    add_usage,
    content_text,
    merge_chunks,
    merge_content,
)

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


def random_groups(rng: random.Random, items: Sequence[Any]) -> list[list[Any]]:
    """Split `items` into contiguous, non-empty groups at random boundaries."""
    cuts = sorted(rng.sample(range(1, len(items)), rng.randint(0, len(items) - 1)))
    bounds = [0, *cuts, len(items)]
    return [list(items[a:b]) for a, b in pairwise(bounds)]


def split_text(rng: random.Random, text: str) -> list[str]:
    """Split a string into random, possibly empty, pieces that join back to it."""
    if not text:
        return [""]
    cuts = sorted(rng.choices(range(len(text) + 1), k=rng.randint(0, min(8, len(text)))))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


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


# --- AIMessageChunk + AIMessageChunk ----------------------------------------------------


def test_add_concatenates_text() -> None:
    merged = AIMessageChunk("Hel") + AIMessageChunk("lo") + AIMessageChunk(", world")
    assert isinstance(merged, AIMessageChunk)
    assert merged.content == "Hello, world"
    assert merged.text == "Hello, world"


def test_add_ignores_empty_text() -> None:
    assert (AIMessageChunk("") + AIMessageChunk("a") + AIMessageChunk("")).content == "a"
    assert (AIMessageChunk("") + AIMessageChunk("")).content == ""


def test_add_leaves_operands_unchanged() -> None:
    a = AIMessageChunk(
        [{"type": "thinking", "thinking": "a", "index": 0}],
        tool_call_chunks=[tc_chunk(0, name="f", args='{"x"', id="c1")],
        usage_metadata=usage(1, 0, in_details={"cache_read": 1}),
        response_metadata={"nested": {"a": 1}},
    )
    b = AIMessageChunk(
        [{"type": "thinking", "thinking": "b", "index": 0}],
        tool_call_chunks=[tc_chunk(0, args=": 1}")],
        usage_metadata=usage(0, 2, in_details={"cache_read": 2}),
        response_metadata={"nested": {"b": 2}},
    )
    before = (copy.deepcopy(a), copy.deepcopy(b))
    merged = a + b
    assert merged.content == [{"type": "thinking", "thinking": "ab", "index": 0}]
    assert merged.tool_call_chunks[0]["args"] == '{"x": 1}'
    assert (a, b) == before


@pytest.mark.parametrize("other", [AIMessage("x"), HumanMessage("x"), "x", 1, None])
def test_add_with_a_non_chunk_is_a_type_error(other: Any) -> None:
    with pytest.raises(TypeError):
        AIMessageChunk("a") + other


def test_tool_call_fragments_merge_by_index() -> None:
    chunks = [
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="get_weather", id="call_1")]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args='{"ci')]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args='ty": "Pa')]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args='ris"}')]),
    ]
    merged = add_all(chunks)
    assert len(merged.tool_call_chunks) == 1
    tc = merged.tool_call_chunks[0]
    assert (tc["name"], tc["id"], tc["args"], tc["index"]) == (
        "get_weather",
        "call_1",
        '{"city": "Paris"}',
        0,
    )
    assert merged.to_message().tool_calls == [call("get_weather", {"city": "Paris"}, "call_1")]


def test_name_fragments_are_joined_and_other_ids_are_other_calls() -> None:
    """LangChain's rule: names join at one index; two different non-empty ids at one index
    are two calls (compatible servers that send every call at index 0)."""
    merged = AIMessageChunk(
        "", tool_call_chunks=[tc_chunk(0, name="get_", id="call_1")]
    ) + AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="weather", args="{}")])
    tc = merged.tool_call_chunks[0]
    assert (tc["name"], tc["id"], tc["args"]) == ("get_weather", "call_1", "{}")
    two = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="a", id="c1")]) + AIMessageChunk(
        "", tool_call_chunks=[tc_chunk(0, name="b", id="c2")]
    )
    assert [(t["name"], t["id"]) for t in two.tool_call_chunks] == [("a", "c1"), ("b", "c2")]


def test_interleaved_parallel_tool_calls_merge_by_index() -> None:
    chunks = [
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="weather", id="c0", args="")]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(1, name="time", id="c1", args='{"tz"')]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args='{"city": ')]),
        AIMessageChunk(
            "",
            tool_call_chunks=[tc_chunk(1, args=': "UTC"}'), tc_chunk(0, args='"Oslo"')],
        ),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(2, name="noop", id="c2", args="")]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args="}")]),
    ]
    merged = add_all(chunks)
    assert [(t["index"], t["name"], t["id"], t["args"]) for t in merged.tool_call_chunks] == [
        (0, "weather", "c0", '{"city": "Oslo"}'),
        (1, "time", "c1", '{"tz": "UTC"}'),
        (2, "noop", "c2", ""),
    ]
    assert merged.to_message().tool_calls == [
        call("weather", {"city": "Oslo"}, "c0"),
        call("time", {"tz": "UTC"}, "c1"),
        call("noop", {}, "c2"),
    ]
    assert merge_chunks(chunks) == merged


def test_tool_call_chunks_without_index_stay_separate() -> None:
    merged = AIMessageChunk(
        "", tool_call_chunks=[tc_chunk(None, name="a", id="1", args="{}")]
    ) + AIMessageChunk("", tool_call_chunks=[tc_chunk(None, name="b", id="2", args='{"x": 1}')])
    assert [(t["name"], t["args"]) for t in merged.tool_call_chunks] == [
        ("a", "{}"),
        ("b", '{"x": 1}'),
    ]
    assert [tc["name"] for tc in merged.to_message().tool_calls] == ["a", "b"]


def test_complete_tool_calls_on_chunks_are_kept() -> None:
    merged = AIMessageChunk(
        "", tool_calls=[{"name": "a", "args": {"x": 1}, "id": "1"}]
    ) + AIMessageChunk("", tool_calls=[{"name": "b", "args": {}, "id": "2"}])
    assert [tc["name"] for tc in merged.tool_calls] == ["a", "b"]
    assert [tc["name"] for tc in merged.to_message().tool_calls] == ["a", "b"]


def test_usage_is_summed_including_token_details() -> None:
    a = AIMessageChunk("", usage_metadata=usage(100, 0, in_details={"cache_read": 40}))
    b = AIMessageChunk("x")  # no usage: the identity
    c = AIMessageChunk("", usage_metadata=usage(0, 7, out_details={"reasoning": 3}))
    d = AIMessageChunk(
        "",
        usage_metadata=usage(
            5, 2, in_details={"cache_read": 1, "cache_creation": 4}, out_details={"reasoning": 1}
        ),
    )
    merged = a + b + c + d
    assert merged.usage_metadata == {
        "input_tokens": 105,
        "output_tokens": 9,
        "total_tokens": 114,
        "input_token_details": {"cache_read": 41, "cache_creation": 4},
        "output_token_details": {"reasoning": 4},
    }


def test_usage_stays_none_when_no_chunk_reports_it() -> None:
    assert (AIMessageChunk("a") + AIMessageChunk("b")).usage_metadata is None


def test_add_usage_none_is_identity() -> None:
    u = usage(1, 2)
    assert add_usage(None, None) is None
    assert add_usage(u, None) == u
    assert add_usage(None, u) == u


def test_response_metadata_merges_with_later_non_none_winning() -> None:
    chunks = [
        AIMessageChunk(
            "a",
            response_metadata={
                "model_name": "gpt-4o-mini",
                "system_fingerprint": "fp_1",
                "finish_reason": None,
                "logprobs": {"content": [1]},
            },
        ),
        AIMessageChunk(
            "b",
            response_metadata={"model_name": None, "system_fingerprint": "fp_2"},
        ),
        AIMessageChunk(
            "",
            response_metadata={"finish_reason": "stop", "logprobs": {"refusal": None}},
        ),
    ]
    merged = add_all(chunks)
    assert merged.response_metadata == {
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "fp_2",
        "finish_reason": "stop",
        "logprobs": {"content": [1], "refusal": None},
    }


def test_message_id_is_kept_when_later_chunks_have_none() -> None:
    merged = AIMessageChunk("a", id="msg_1") + AIMessageChunk("b") + AIMessageChunk("c")
    assert merged.id == "msg_1"


def test_block_content_merges_by_index_then_text_is_appended() -> None:
    chunks = [
        AIMessageChunk("", id="msg_1"),
        AIMessageChunk([{"type": "thinking", "thinking": "Let me ", "index": 0}]),
        AIMessageChunk([{"type": "thinking", "thinking": "think.", "index": 0}]),
        AIMessageChunk([{"type": "thinking", "signature": "c2lnbmF0dXJl", "index": 0}]),
        AIMessageChunk("The answer"),
        AIMessageChunk(" is 4."),
    ]
    merged = add_all(chunks)
    assert merged.content == [
        {"type": "thinking", "thinking": "Let me think.", "signature": "c2lnbmF0dXJl", "index": 0},
        {"type": "text", "text": "The answer is 4."},
    ]
    assert merged.text == "The answer is 4."
    message = merged.to_message()
    # The stream-only `index` is dropped from the final message.
    assert message.content == [
        {"type": "thinking", "thinking": "Let me think.", "signature": "c2lnbmF0dXJl"},
        {"type": "text", "text": "The answer is 4."},
    ]
    assert merge_chunks(chunks) == merged


def test_blocks_with_different_indexes_stay_apart() -> None:
    merged = add_all(
        [
            AIMessageChunk([{"type": "thinking", "thinking": "a", "index": 0}]),
            AIMessageChunk([{"type": "text", "text": "x", "index": 1}]),
            AIMessageChunk([{"type": "thinking", "thinking": "b", "index": 0}]),
            AIMessageChunk([{"type": "text", "text": "y", "index": 1}]),
        ]
    )
    assert merged.content == [
        {"type": "thinking", "thinking": "ab", "index": 0},
        {"type": "text", "text": "xy", "index": 1},
    ]
    assert merged.text == "xy"


def test_text_before_blocks_becomes_a_text_block() -> None:
    block = {"type": "server_tool_use", "id": "s1", "name": "web_search", "index": 1}
    merged = AIMessageChunk("Let me ") + AIMessageChunk("search.") + AIMessageChunk([block])
    assert merged.content == [{"type": "text", "text": "Let me search."}, block]


def test_list_fields_of_same_index_blocks_are_concatenated() -> None:
    """Anthropic `citations_delta`: each event adds one citation to its text block."""
    a = {"type": "char_location", "cited_text": "grass is green"}
    b = {"type": "char_location", "cited_text": "sky is blue"}
    chunks = [
        AIMessageChunk("See: "),
        AIMessageChunk([{"type": "text", "text": "", "citations": [], "index": 1}]),
        AIMessageChunk([{"type": "text", "text": "", "citations": [a], "index": 1}]),
        AIMessageChunk([{"type": "text", "text": "Green", "index": 1}]),
        AIMessageChunk([{"type": "text", "text": "", "citations": [b], "index": 1}]),
        AIMessageChunk([{"type": "text", "text": " and blue.", "index": 1}]),
        AIMessageChunk(" Done."),
    ]
    before = copy.deepcopy(chunks)
    merged = merge_chunks(chunks)
    assert merged.content == [
        {"type": "text", "text": "See: "},
        {"type": "text", "text": "Green and blue.", "citations": [a, b], "index": 1},
        {"type": "text", "text": " Done."},
    ]
    assert merged.text == "See: Green and blue. Done."
    assert chunks == before  # the pieces' lists are not extended in place
    assert add_all(chunks) == merged
    # Associative: merging in groups gives the same lists.
    assert merge_chunks([merge_chunks(chunks[:3]), merge_chunks(chunks[3:])]) == merged


def test_merge_content_joins_like_a_stream() -> None:
    assert merge_content("a", "b") == "ab"
    assert merge_content([{"type": "text", "text": "a", "index": 0}], "b") == [
        {"type": "text", "text": "a", "index": 0},
        {"type": "text", "text": "b"},
    ]


def test_merge_chunks_of_nothing_is_an_empty_chunk() -> None:
    empty = merge_chunks([])
    assert isinstance(empty, AIMessageChunk)
    assert (empty.content, empty.tool_call_chunks, empty.usage_metadata) == ("", [], None)


# --- a whole stream sums to the full message --------------------------------------------


def _openai_like_stream() -> tuple[list[AIMessageChunk], AIMessage]:
    text = "Checking the weather in two cities."
    words = ["Checking ", "the ", "weather ", "in ", "two ", "cities."]
    assert "".join(words) == text
    chunks = [AIMessageChunk("", id="chatcmpl-1", response_metadata={"model_name": "gpt-x"})]
    chunks += [AIMessageChunk(w, id="chatcmpl-1") for w in words]
    chunks += [
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="weather", id="c0", args="")]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args='{"city": "Oslo"}')]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(1, name="weather", id="c1", args='{"ci')]),
        AIMessageChunk("", tool_call_chunks=[tc_chunk(1, args='ty": "Lima"}')]),
        AIMessageChunk("", response_metadata={"finish_reason": "tool_calls"}),
        AIMessageChunk(
            "",
            usage_metadata=usage(
                20, 30, in_details={"cache_read": 10}, out_details={"reasoning": 5}
            ),
        ),
    ]
    expected = AIMessage(
        text,
        id="chatcmpl-1",
        response_metadata={"model_name": "gpt-x", "finish_reason": "tool_calls"},
        tool_calls=[
            call("weather", {"city": "Oslo"}, "c0"),
            call("weather", {"city": "Lima"}, "c1"),
        ],
        usage_metadata=usage(20, 30, in_details={"cache_read": 10}, out_details={"reasoning": 5}),
    )
    return chunks, expected


def test_summing_every_chunk_of_a_stream_gives_the_full_message() -> None:
    chunks, expected = _openai_like_stream()
    summed = add_all(chunks)
    assert summed.to_message() == expected
    assert merge_chunks(chunks).to_message() == expected
    assert sum(chunks[1:], chunks[0]).to_message() == expected


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


# --- merge_chunks equals pairwise + on random splits ------------------------------------


def _random_stream(rng: random.Random) -> list[AIMessageChunk]:
    """A plausible provider stream: optional thinking block pieces (indexed), then text as
    str pieces, interleaved tool-call fragments, metadata and usage on random chunks."""
    chunks: list[AIMessageChunk] = []
    if rng.random() < 0.5:
        thinking = "".join(rng.choice("abc ") for _ in range(rng.randint(1, 30)))
        for piece in split_text(rng, thinking):
            chunks.append(AIMessageChunk([{"type": "thinking", "thinking": piece, "index": 0}]))
        chunks.append(AIMessageChunk([{"type": "thinking", "signature": "sig", "index": 0}]))
    text = " ".join(rng.choice(["alpha", "beta", "gamma", "δέλτα", "{x}"]) for _ in range(10))
    chunks += [AIMessageChunk(piece) for piece in split_text(rng, text)]

    calls = [
        (i, f"tool_{i}", f"call_{i}", json.dumps({"n": i, "s": "x" * rng.randint(0, 9)}))
        for i in range(rng.randint(0, 3))
    ]
    fragments: list[list[ToolCallChunk]] = []
    for index, name, call_id, args in calls:
        pieces = split_text(rng, args)
        per_call = [tc_chunk(index, name=name, id=call_id, args=pieces[0])]
        per_call += [tc_chunk(index, args=p) for p in pieces[1:]]
        fragments.append(per_call)
    while any(fragments):  # interleave the calls' fragments at random
        queue = rng.choice([f for f in fragments if f])
        chunks.append(AIMessageChunk("", tool_call_chunks=[queue.pop(0)]))

    for chunk in chunks:
        if rng.random() < 0.2:
            chunk.usage_metadata = usage(
                rng.randint(0, 9),
                rng.randint(0, 9),
                in_details={"cache_read": rng.randint(0, 3)} if rng.random() < 0.5 else None,
                out_details={"reasoning": rng.randint(0, 3)} if rng.random() < 0.5 else None,
            )
        if rng.random() < 0.2:
            chunk.response_metadata = {
                "finish_reason": rng.choice([None, "stop", "length"]),
                "model_name": rng.choice([None, "m1", "m2"]),
            }
        if rng.random() < 0.1:
            chunk.id = rng.choice(["msg_a", "msg_b"])
    return chunks


@pytest.mark.parametrize("seed", range(40))
def test_merge_chunks_equals_pairwise_add(seed: int) -> None:
    rng = random.Random(seed)
    chunks = _random_stream(rng)
    snapshot = copy.deepcopy(chunks)
    merged = merge_chunks(chunks)
    assert add_all(chunks) == merged
    assert chunks == snapshot  # merging never mutates its inputs
    # The text and the tool calls survive any split.
    assert merged.text == "".join(c.text for c in chunks if isinstance(c.content, str))
    assert len(merged.to_message().tool_calls) == len(
        {t["index"] for c in chunks for t in c.tool_call_chunks}
    )


@pytest.mark.parametrize("seed", range(40))
def test_merging_random_groups_then_summing_equals_merging_all(seed: int) -> None:
    rng = random.Random(seed)
    chunks = _random_stream(rng)
    expected = merge_chunks(chunks)
    groups = random_groups(rng, chunks)
    partials = [merge_chunks(group) for group in groups]
    assert add_all(partials) == expected
    assert merge_chunks(partials) == expected


@pytest.mark.parametrize("seed", range(20))
def test_random_text_splits_sum_to_the_text(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab c\n{}é") for _ in range(rng.randint(0, 60)))
    pieces = split_text(rng, text)
    chunks = [AIMessageChunk(p) for p in pieces]
    assert add_all(chunks).content == text
    assert merge_chunks(chunks).content == text


def test_add_is_associative_for_text_before_a_whole_block() -> None:
    block = {"type": "server_tool_use", "id": "s1", "name": "web_search", "index": 1}
    a, b, c = AIMessageChunk("Let me "), AIMessageChunk("search."), AIMessageChunk([block])
    assert a + (b + c) == (a + b) + c
