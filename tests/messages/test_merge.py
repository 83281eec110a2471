"""Merging stream chunks (`_merge.py`): `AIMessageChunk + AIMessageChunk`, `merge_chunks`,
`merge_content` -- text, tool-call fragments, metadata and content blocks, checked
against pairwise `+` on random splits of random streams."""

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

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import ToolCallChunk
from chatplex.messages import merge_chunks
from chatplex.messages import merge_content
from chatplex.messages._merge import merge_metadata
from chatplex.messages._merge import merged_fields
from tests.messages._builders import add_all
from tests.messages._builders import call
from tests.messages._builders import tc_chunk
from tests.messages._builders import usage


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
    # As langchain-core's merge_content: the text so far ("") leads the list, later
    # text is a str element.
    assert merged.content == [
        "",
        {"type": "thinking", "thinking": "Let me think.", "signature": "c2lnbmF0dXJl", "index": 0},
        "The answer is 4.",
    ]
    assert merged.text == "The answer is 4."
    message = merged.to_message()
    # The stream-only `index` is dropped from the final message.
    assert message.content == [
        "",
        {"type": "thinking", "thinking": "Let me think.", "signature": "c2lnbmF0dXJl"},
        "The answer is 4.",
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


def test_text_before_blocks_leads_the_list_as_a_str() -> None:
    block = {"type": "server_tool_use", "id": "s1", "name": "web_search", "index": 1}
    merged = AIMessageChunk("Let me ") + AIMessageChunk("search.") + AIMessageChunk([block])
    assert merged.content == ["Let me search.", block]


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
        "See: ",
        {"type": "text", "text": "Green and blue.", "citations": [a, b], "index": 1},
        " Done.",
    ]
    assert merged.text == "See: Green and blue. Done."
    assert chunks == before  # the pieces' lists are not extended in place
    assert add_all(chunks) == merged
    # Associative: merging in groups gives the same lists.
    assert merge_chunks([merge_chunks(chunks[:3]), merge_chunks(chunks[3:])]) == merged


def test_merge_content_joins_like_a_stream() -> None:
    assert merge_content("a", "b") == "ab"
    assert merge_content("a", "b", [{"type": "x"}], "c") == ["ab", {"type": "x"}, "c"]
    assert merge_content([{"type": "text", "text": "a", "index": 0}], "b") == [
        {"type": "text", "text": "a", "index": 0},
        "b",
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


def test_add_groups_text_before_a_whole_block_as_langchain_does() -> None:
    """langchain-core's merge is not associative here, and chatplex's `+` is the same."""
    block = {"type": "server_tool_use", "id": "s1", "name": "web_search", "index": 1}
    a, b, c = AIMessageChunk("Let me "), AIMessageChunk("search."), AIMessageChunk([block])
    assert ((a + b) + c).content == ["Let me search.", block]
    assert (a + (b + c)).content == ["Let me ", "search.", block]


# --- the helpers themselves -------------------------------------------------------------


def test_merge_metadata_never_lets_none_overwrite_and_merges_nested_dicts() -> None:
    into: dict[str, Any] = {"finish_reason": "stop", "nested": {"a": 1}}
    new: dict[str, Any] = {"finish_reason": None, "fresh": None, "nested": {"b": 2}, "n": 1}
    nested_before = into["nested"]
    assert merge_metadata(into, new) is into
    assert into == {"finish_reason": "stop", "fresh": None, "nested": {"a": 1, "b": 2}, "n": 1}
    assert nested_before == {"a": 1}  # merged into a new dict: the chunk's own is unchanged
    assert new["nested"] == {"b": 2}


def test_merge_metadata_concatenates_lists_into_new_plain_containers() -> None:
    into: dict[str, Any] = {"logprobs": {"content": [1]}, "ids": ["a"]}
    chunk_list = into["logprobs"]["content"]
    merge_metadata(into, {"logprobs": {"content": [2]}, "ids": ["b"]})
    assert into == {"logprobs": {"content": [1, 2]}, "ids": ["a", "b"]}
    assert chunk_list == [1]  # the chunk's own list is unchanged
    assert type(into["logprobs"]) is dict and type(into["logprobs"]["content"]) is list
    assert type(into["ids"]) is list


def test_merged_fields_are_the_fields_of_one_chunk() -> None:
    chunks = [
        AIMessageChunk("a", id="m1", name="bot"),
        AIMessageChunk(
            "b",
            tool_call_chunks=[tc_chunk(0, name="f", args="{}", id="c")],
            additional_kwargs={"k": 1},
        ),
    ]
    fields = merged_fields(chunks)
    assert fields == {
        "content": "ab",
        "id": "m1",
        "name": "bot",
        "additional_kwargs": {"k": 1},
        "response_metadata": {},
        "usage_metadata": None,
        "tool_call_chunks": [
            {"name": "f", "args": "{}", "id": "c", "index": 0, "type": "tool_call_chunk"}
        ],
        "chunk_position": None,  # tool_calls are derived from the fragments, not merged
    }
    assert merge_chunks(chunks) == AIMessageChunk(**fields)


def test_merge_content_keeps_text_a_string_until_blocks_arrive() -> None:
    assert merge_content("a", "b") == "ab"
    assert merge_content("", "") == ""
    block = {"type": "image_url", "image_url": {"url": "u"}}
    assert merge_content("look", [block]) == ["look", block]
    assert merge_content([block], "then") == [block, "then"]
    assert merge_content("", [block]) == ["", block]
    assert merge_content([block], "") == [block]
    # Where LangChain drops the text (a str after an empty list), chatplex keeps it.
    assert merge_content([], "kept") == ["kept"]


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


def test_a_nested_field_split_across_chunks_joins_as_langchain_merges_it() -> None:
    # langchain-aws streams reasoning as {"reasoning_content": {"text": ...}} pieces, then
    # {"signature": ...}; LangChain's merge_dicts joins the nested strings.
    def piece(said: dict[str, Any]) -> AIMessageChunk:
        block = {"type": "reasoning_content", "reasoning_content": said, "index": 0}
        return AIMessageChunk(content=[block])

    first = piece({"text": "Count"})
    merged = first + piece({"text": "ing."}) + piece({"signature": "sig"})
    assert merged.content == [
        {
            "type": "reasoning_content",
            "reasoning_content": {"text": "Counting.", "signature": "sig"},
            "index": 0,
        }
    ]
    assert first.content[0]["reasoning_content"] == {"text": "Count"}  # left unchanged


def test_raw_tool_call_deltas_in_additional_kwargs_join_by_index() -> None:
    # langchain-groq / -mistralai keep each event's raw tool-call deltas on its chunk;
    # LangChain's merge_lists joins them by `index` (the first piece's `type` kept).
    deltas = [
        [{"index": 0, "id": "c1", "function": {"arguments": "", "name": "f"}, "type": "function"}],
        [{"index": 0, "id": None, "function": {"arguments": '{"a"', "name": None}, "type": None}],
        [
            {
                "index": 1,
                "id": "c2",
                "function": {"arguments": "{}", "name": "g"},
                "type": "function",
            }
        ],
        [{"index": 0, "function": {"arguments": ": 1}"}}],
    ]
    chunks = [AIMessageChunk(content="", additional_kwargs={"tool_calls": d}) for d in deltas]
    merged = merge_chunks(chunks).additional_kwargs["tool_calls"]
    assert merged == [
        {
            "index": 0,
            "id": "c1",
            "function": {"arguments": '{"a": 1}', "name": "f"},
            "type": "function",
        },
        deltas[2][0],
    ]
    assert functools.reduce(operator.add, chunks).additional_kwargs["tool_calls"] == merged
    assert deltas[0][0]["function"]["arguments"] == ""  # the chunks' own dicts unchanged
    lc = pytest.importorskip("langchain_core.messages")
    theirs = functools.reduce(
        operator.add,
        [lc.AIMessageChunk(content="", additional_kwargs={"tool_calls": d}) for d in deltas],
    )
    assert theirs.additional_kwargs["tool_calls"] == merged


# --- the same merge as langchain-core's, piece by piece --------------------------------


def _random_content(rng: random.Random) -> Any:
    """A chunk's content as providers stream it: text, or a list of blocks (indexed
    pieces of one block, with or without ids; whole blocks; bare str elements)."""
    if rng.random() < 0.4:
        return rng.choice(["", "a", "bc", " d"])
    blocks: list[Any] = []
    for _ in range(rng.randint(0, 2)):
        kind = rng.random()
        if kind < 0.5:
            block: dict[str, Any] = {
                "type": rng.choice(["text", "thinking"]),
                "index": rng.choice([0, 1, "lc_x", "other"]),
            }
            block["text" if block["type"] == "text" else "thinking"] = rng.choice(["x", "yz"])
            if rng.random() < 0.3:
                block["id"] = rng.choice(["", "i1", "i2"])
            if rng.random() < 0.2:
                block["citations"] = [{"n": rng.randint(0, 9)}]
            blocks.append(block)
        elif kind < 0.8:
            blocks.append({"type": "image_url", "image_url": {"url": "u"}})
        else:
            blocks.append(rng.choice(["s", "tu"]))
    return blocks


@pytest.mark.parametrize("seed", range(60))
def test_merged_content_is_langchain_cores(seed: int) -> None:
    """Any stream of contents merges, with `+` and all at once, to what langchain-core's
    `AIMessageChunk.__add__` gives (except where LangChain drops text: a str after an
    empty list, which these streams never send)."""
    lc = pytest.importorskip("langchain_core.messages")
    rng = random.Random(seed)
    contents = [_random_content(rng) for _ in range(rng.randint(1, 8))]
    if contents and contents[0] == []:
        contents[0] = "a"
    for i in range(1, len(contents)):  # LangChain's loss case left out
        if isinstance(contents[i], str) and contents[i] and contents[i - 1] == []:
            contents[i - 1] = [{"type": "image_url", "image_url": {"url": "u"}}]
    theirs = functools.reduce(
        operator.add, [lc.AIMessageChunk(content=copy.deepcopy(c)) for c in contents]
    )
    chunks = [AIMessageChunk(copy.deepcopy(c)) for c in contents]
    assert merge_chunks(chunks).content == theirs.content
    assert add_all(chunks).content == theirs.content
    assert merge_chunks(chunks).text == theirs.text


# --- work per piece: a merge never walks or copies what came before a piece --------------


class CountedIndex(str):
    """A block's index (LangChain's mergeable "lc_" form) counting the comparisons made
    with it: finding the block a piece joins by walking the blocks so far compares it
    with each."""

    compared = [0]

    def __eq__(self, other: object) -> bool:
        self.compared[0] += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class Piece(str):
    """A piece of a streamed string counting the characters copied to join it: `old +
    piece` copies all of `old` (the string so far), every piece again."""

    copied = [0]

    def __radd__(self, other: str) -> str:
        self.copied[0] += len(other)
        return str.__add__(other, self)


class Tokens(list[Any]):
    """A chunk's piece of a streamed list (`logprobs`) counting the elements copied to
    join it: `old + tokens` copies the list so far."""

    copied = [0]

    def __radd__(self, other: list[Any]) -> list[Any]:
        self.copied[0] += len(other)
        return [*other, *self]


PIECES = 2000


def _indexed(k: int) -> CountedIndex:
    return CountedIndex(f"lc_{k}")


@pytest.mark.parametrize("where", ["content", "additional_kwargs", "nested"])
def test_a_piece_finds_its_block_by_its_index_not_by_walking_the_blocks_so_far(
    where: str,
) -> None:
    """20,000 tool calls or output items stream as as many indexed blocks (a Responses
    or Anthropic stream's content, a wire's raw tool-call deltas): each piece is looked up
    by its index, never compared with every block before it (2,000 pieces: ~2 million
    comparisons)."""
    CountedIndex.compared[0] = 0
    chunks = []
    for k in range(PIECES):
        if where == "content":
            chunks.append(
                AIMessageChunk(content=[{"type": "text", "text": "x", "index": _indexed(k)}])
            )
        elif where == "additional_kwargs":
            delta = {"index": _indexed(k), "function": {"arguments": "{}"}}
            chunks.append(AIMessageChunk(content="", additional_kwargs={"tool_calls": [delta]}))
        else:  # a reasoning block's summary parts, all in the block of index 0
            part = {"index": _indexed(k), "type": "summary_text", "text": "x"}
            block = {"type": "reasoning", "index": 0, "summary": [part]}
            chunks.append(AIMessageChunk(content=[block]))
    merged = merge_chunks(chunks)
    assert CountedIndex.compared[0] <= PIECES
    if where == "content":
        assert [b["index"] for b in merged.content] == [f"lc_{k}" for k in range(PIECES)]  # type: ignore[index]
    elif where == "additional_kwargs":
        assert len(merged.additional_kwargs["tool_calls"]) == PIECES
    else:
        (block,) = merged.content
        assert [p["index"] for p in block["summary"]] == [f"lc_{k}" for k in range(PIECES)]  # type: ignore[index]


@pytest.mark.parametrize("where", ["arguments", "block", "additional_kwargs"])
def test_a_growing_string_is_joined_once_not_copied_for_each_piece(where: str) -> None:
    """A call's arguments, a block's text and a nested `additional_kwargs` string in
    2,000 pieces: joined once at the end (copied piece by piece, the string so far was
    copied for each: ~2 million characters)."""
    Piece.copied[0] = 0
    chunks = []
    for k in range(PIECES):
        text = "x" if k == 0 else Piece("x")  # (the first piece: what the string starts as)
        if where == "arguments":
            first = {"name": "write", "id": "call_1"} if k == 0 else {"name": None, "id": None}
            fragment = tc_chunk(args=text, index=0, **first)
            chunks.append(AIMessageChunk(content="", tool_call_chunks=[fragment]))
        elif where == "block":
            chunks.append(AIMessageChunk(content=[{"type": "text", "text": text, "index": 0}]))
        else:
            call = {"function_call": {"arguments": text}}
            chunks.append(AIMessageChunk(content="", additional_kwargs=call))
    merged = merge_chunks(chunks)
    assert Piece.copied[0] <= PIECES
    if where == "arguments":
        assert merged.tool_call_chunks[0]["args"] == "x" * PIECES
    elif where == "block":
        assert merged.content == [{"type": "text", "text": "x" * PIECES, "index": 0}]
    else:
        assert merged.additional_kwargs == {"function_call": {"arguments": "x" * PIECES}}


def test_streamed_metadata_lists_are_extended_not_copied_for_each_chunk() -> None:
    """`logprobs` a few tokens a chunk: the list so far is extended, never copied again
    for each chunk (2,000 chunks: ~2 million elements copied)."""
    Tokens.copied[0] = 0
    chunks = [
        AIMessageChunk(content="x", response_metadata={"logprobs": {"content": Tokens([k])}})
        for k in range(PIECES)
    ]
    merged = merge_chunks(chunks)
    assert Tokens.copied[0] <= PIECES
    assert merged.response_metadata == {"logprobs": {"content": list(range(PIECES))}}
    assert all(c.response_metadata["logprobs"]["content"] == [k] for k, c in enumerate(chunks))
