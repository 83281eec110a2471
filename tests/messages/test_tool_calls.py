"""`tool_calls` stay live on merged `AIMessageChunk`s, as in LangChain.

While a reply streams, `full = full + chunk` shows the calls growing (best-effort parse of
the partial arguments, LangChain's results); once the reply is complete (a finish
reason, or `chunk_position="last"`) the arguments are parsed exactly, as a non-stream
reply's are. Differential tests run the same fragments through LangChain's
`AIMessageChunk` and compare.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk as LCChunk

from chatplex.messages import AIMessageChunk
from chatplex.messages import ToolCallChunk
from chatplex.messages import merge_chunks


def frag(
    index: int | None, *, name: str | None = None, args: str | None = None, id: str | None = None
) -> ToolCallChunk:
    return {"name": name, "args": args, "id": id, "index": index}


def calls(chunk: Any) -> list[tuple[Any, Any, Any]]:
    return [(c["name"], c["args"], c["id"]) for c in chunk.tool_calls]


def invalid(chunk: Any) -> list[tuple[Any, Any, Any, Any]]:
    return [(c["name"], c["args"], c["id"], c["error"]) for c in chunk.invalid_tool_calls]


def split(text: str, sizes: list[int]) -> list[str]:
    out, pos, i = [], 0, 0
    while pos < len(text):
        size = sizes[i % len(sizes)]
        out.append(text[pos : pos + size])
        pos += size
        i += 1
    return out


def weather_stream() -> list[AIMessageChunk]:
    args = json.dumps({"city": "Paris", "days": [1, 2], "unit": "celsius"})
    chunks = [AIMessageChunk("", tool_call_chunks=[frag(0, name="get_weather", id="call_1")])]
    chunks += [AIMessageChunk("", tool_call_chunks=[frag(0, args=p)]) for p in split(args, [3])]
    return chunks


def test_sum_over_a_stream_keeps_tool_calls_live() -> None:
    full = None
    seen = []
    for chunk in weather_stream():
        full = chunk if full is None else full + chunk
        seen.append(dict(full.tool_calls[0]["args"]) if full.tool_calls else None)
    assert full is not None
    assert calls(full) == [
        ("get_weather", {"city": "Paris", "days": [1, 2], "unit": "celsius"}, "call_1")
    ]
    # The arguments grow as the fragments arrive, never go away.
    assert seen[0] == {}
    assert {"city": "Pa"} in seen  # a string still arriving shows what came so far
    assert seen[-1] == {"city": "Paris", "days": [1, 2], "unit": "celsius"}
    assert merge_chunks(weather_stream()).tool_calls == full.tool_calls
    assert sum(weather_stream()[1:], weather_stream()[0]).tool_calls == full.tool_calls


@pytest.mark.parametrize("seed", range(40))
def test_every_partial_merge_matches_langchain(seed: int) -> None:
    """Random parallel calls, randomly fragmented and interleaved: at every step the
    merged chunk's tool calls and invalid tool calls are LangChain's."""
    rng = random.Random(seed)
    streams: list[list[dict[str, Any]]] = []
    for index in range(rng.randint(1, 3)):
        args = json.dumps(
            {"q": 'a "b" \\ é\n' * rng.randint(0, 2), "n": [rng.random(), None, True]}
        )
        if rng.random() < 0.2:
            args = ""
        pieces = split(args, [rng.randint(1, 6) for _ in range(4)]) if args else [""]
        first = {"index": index, "name": f"tool_{index}", "id": f"call_{index}", "args": ""}
        streams.append([first] + [{"index": index, "args": p} for p in pieces])
    # Interleaved at random, each call's fragments in their order.
    queues = [list(s) for s in streams]
    fragments = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        fragments.append(queue.pop(0))

    ours = None
    theirs = None
    for f in fragments:
        tc = {"name": f.get("name"), "args": f.get("args"), "id": f.get("id"), "index": f["index"]}
        mine = AIMessageChunk("", tool_call_chunks=[tc])  # type: ignore[list-item]
        lc = LCChunk(content="", tool_call_chunks=[tc])
        ours = mine if ours is None else ours + mine
        theirs = lc if theirs is None else theirs + lc
        assert calls(ours) == calls(theirs)
        assert invalid(ours) == invalid(theirs)


def test_complete_reply_is_parsed_exactly() -> None:
    """Once the reply says it finished, arguments are final: a cut-off object is an
    invalid call with the reason (as in the non-stream reply), not a guessed one."""
    cut = [AIMessageChunk("", tool_call_chunks=[frag(0, name="f", id="c", args='{"a": 1')])]
    streaming = merge_chunks(cut)
    assert calls(streaming) == [("f", {"a": 1}, "c")]  # best effort while streaming
    done = merge_chunks([*cut, AIMessageChunk("", response_metadata={"finish_reason": "length"})])
    assert calls(done) == []
    [bad] = done.invalid_tool_calls
    assert bad["args"] == '{"a": 1' and bad["error"] and "not valid JSON" in bad["error"]
    last = merge_chunks([*cut, AIMessageChunk("", chunk_position="last")])
    assert last.chunk_position == "last"
    assert calls(last) == [] and len(last.invalid_tool_calls) == 1
    # to_message() is always exact, whatever the chunk says.
    assert streaming.to_message().tool_calls == []
    assert streaming.to_message().invalid_tool_calls == done.invalid_tool_calls


def test_a_raw_newline_inside_an_argument_string_is_a_valid_call_as_in_langchain() -> None:
    # Models writing code into an argument send raw control characters inside strings;
    # LangChain's parsers take them (json's strict=False), so the call is valid there too.
    from langchain_core.output_parsers.openai_tools import parse_tool_call

    args = '{"code": "print(1)\nprint(2)"}'
    done = merge_chunks(
        [
            AIMessageChunk("", tool_call_chunks=[frag(0, name="run", id="c", args=args)]),
            AIMessageChunk("", chunk_position="last"),
        ]
    )
    theirs = parse_tool_call({"id": "c", "function": {"name": "run", "arguments": args}})
    assert calls(done) == [("run", {"code": "print(1)\nprint(2)"}, "c")]
    assert theirs is not None and theirs["args"] == {"code": "print(1)\nprint(2)"}
    assert done.to_message().invalid_tool_calls == []


def test_partial_invalid_arguments_match_langchain() -> None:
    ours = AIMessageChunk("", tool_call_chunks=[frag(0, name="f", id="c", args='"just a string"')])
    theirs = LCChunk(content="", tool_call_chunks=[dict(ours.tool_call_chunks[0])])  # type: ignore[list-item]
    assert invalid(ours) == invalid(theirs) == [("f", '"just a string"', "c", None)]


def test_index_less_fragments_merge_by_id() -> None:
    """A compatible server that sends no index and repeats id and name on every
    fragment: one call per id, not one empty call per fragment."""
    args = {"city": "Paris", "when": "today"}
    pieces = split(json.dumps(args), [4])
    chunks = [
        AIMessageChunk("", tool_call_chunks=[frag(None, name="get_weather", id="call_A", args=p)])
        for p in pieces
    ]
    other = [
        AIMessageChunk("", tool_call_chunks=[frag(None, name="get_time", id="call_B", args=p)])
        for p in split('{"tz": "UTC"}', [5])
    ]
    merged = merge_chunks(chunks + other)
    assert calls(merged) == [
        ("get_weather", args, "call_A"),
        ("get_time", {"tz": "UTC"}, "call_B"),
    ]
    assert merged.invalid_tool_calls == []
    full = chunks[0]
    for chunk in chunks[1:] + other:
        full = full + chunk
    assert full.tool_calls == merged.tool_calls


def test_index_less_fragments_without_id_stay_separate() -> None:
    merged = AIMessageChunk(
        "", tool_call_chunks=[frag(None, name="a", args="{}")]
    ) + AIMessageChunk("", tool_call_chunks=[frag(None, name="b", args="{}")])
    assert [c[0] for c in calls(merged)] == ["a", "b"]


def test_chunk_built_with_tool_calls_gets_fragments() -> None:
    """LangChain's rule: a chunk with `tool_calls=` and no fragments gets one fragment per
    call (index None), so merging keeps them; the calls themselves are kept as given."""
    chunk = AIMessageChunk("", tool_calls=[{"name": "a", "args": {"x": 1}, "id": "1"}])
    assert chunk.tool_call_chunks == [
        {"name": "a", "args": '{"x": 1}', "id": "1", "index": None, "type": "tool_call_chunk"}
    ]
    lc = LCChunk(content="", tool_calls=[{"name": "a", "args": {"x": 1}, "id": "1"}])
    assert [dict(c) for c in lc.tool_call_chunks] == chunk.tool_call_chunks
    assert chunk.to_message().tool_calls == [
        {"name": "a", "args": {"x": 1}, "id": "1", "type": "tool_call"}
    ]


def test_chunk_plus_a_list_of_chunks() -> None:
    stream = weather_stream()
    assert (stream[0] + stream[1:]).tool_calls == merge_chunks(stream).tool_calls


def test_merge_parses_at_most_once_per_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """merge_chunks over n fragments builds one chunk: the joined arguments are parsed
    once, when `tool_calls` is first read -- never once per fragment (quadratic in the
    argument length), and not at all for pieces nobody inspects."""
    from chatplex.messages import _tool_calls

    parsed: list[int] = []
    real = _tool_calls.parse_tool_call_chunks

    def counting(chunks: Any, *, complete: bool) -> Any:
        parsed.append(len(chunks))
        return real(chunks, complete=complete)

    monkeypatch.setattr(_tool_calls, "parse_tool_call_chunks", counting)
    done = AIMessageChunk("", response_metadata={"finish_reason": "tool_calls"})
    merged = merge_chunks([*weather_stream(), done])
    assert parsed == []  # building the pieces and merging them parsed nothing
    assert merged.tool_calls[0]["args"]["unit"] == "celsius"
    assert merged.invalid_tool_calls == []
    assert parsed == [1]  # one parse, for both fields
    assert merged.tool_calls == merged.to_message().tool_calls  # complete: reused, exact
    assert parsed == [1]
