"""A stream's pieces merged in one pass (issue 65) equal langchain-core's merge of them,
field for field and class for class, on many streams; a drop-in's stream merges through
it (its first piece), where langchain-core's merge costs O(N^2)."""

from __future__ import annotations

import copy
import json
import pickle
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.load import dumpd
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import merge_content
from langchain_core.messages.ai import add_ai_message_chunks
from langchain_core.messages.base import merge_dicts
from langchain_core.messages.base import merge_lists
from langchain_core.outputs import ChatGenerationChunk as LCChatGenerationChunk
from langchain_core.outputs import LLMResult
from langchain_core.outputs.chat_generation import merge_chat_generation_chunks

from chatplex.langchain import ChatOpenAI
from chatplex.langchain.linear_merge import ChatGenerationChunk
from chatplex.langchain.linear_merge import add_message_chunks
from chatplex.langchain.linear_merge import merge_content_linearly
from chatplex.langchain.linear_merge import merge_dicts_linearly
from chatplex.langchain.linear_merge import merge_linearly
from chatplex.langchain.linear_merge import merge_lists_linearly

SEEDS = range(300)


def _outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    """What `run` gives (a deep copy, so later merges cannot change it), or what it raises."""
    try:
        return "value", copy.deepcopy(run())
    except (TypeError, ValueError, AttributeError) as error:
        return type(error).__name__, str(error)


# ---- random pieces --------------------------------------------------------------------


def _text(rng: random.Random) -> str:
    return rng.choice(["", "a", "bc", '{"x": ', "1}", "é"])


def _ident(rng: random.Random) -> str | None:
    return rng.choice([None, None, "", "c1", "c2", "c3"])


def _index(rng: random.Random) -> Any:
    return rng.choice([0, 0, 1, 2, "lc_0", "lc_1", "x", None])


def _block(rng: random.Random) -> Any:
    kind = rng.randrange(9)
    index = _index(rng)
    if kind == 0:
        return _text(rng)  # a bare string among the blocks
    if kind == 1:
        return {"type": "text", "text": _text(rng), "index": index}
    if kind == 2:
        return {"type": "reasoning", "reasoning": _text(rng), "index": index}
    if kind == 3:
        return {"type": "tool_use", "id": _ident(rng), "name": "f", "input": {}, "index": index}
    if kind == 4:
        return {"type": "input_json_delta", "partial_json": _text(rng), "index": index}
    if kind == 5:
        value = {"type": "thing", "n": rng.randrange(3), "s": _text(rng)}
        return {"type": "non_standard", "value": value, "index": index}
    if kind == 6:
        return {"type": "text", "text": _text(rng)}  # no index: appended
    if kind == 7:
        summary = [{"type": "summary_text", "text": _text(rng), "index": rng.randrange(2)}]
        return {"type": "reasoning", "summary": summary, "index": index, "id": _ident(rng)}
    return {"type": "text", "text": _text(rng), "index": index, "extras": {"k": _text(rng)}}


def _content(rng: random.Random, lists: bool) -> Any:
    if not lists or rng.random() < 0.3:
        return _text(rng)
    return [_block(rng) for _ in range(rng.randrange(3))]


def _call(rng: random.Random, slots: int) -> dict[str, Any]:
    return {
        "name": rng.choice([None, "f", "g"]),
        "args": rng.choice([None, "", '{"a": ', "1}", "2"]),
        "id": _ident(rng),
        "index": rng.choice([None, *range(slots)]),
        "type": "tool_call_chunk",
    }


def _kwargs(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.4:
        call = {"index": rng.randrange(3), "function": {"arguments": _text(rng)}}
        if rng.random() < 0.5:
            call |= {"id": _ident(rng), "type": "function"}
        out["tool_calls"] = [call]
    if rng.random() < 0.3:
        out["function_call"] = {"name": rng.choice([None, "f"]), "arguments": _text(rng)}
    if rng.random() < 0.3:
        out["reasoning_content"] = _text(rng)
    if rng.random() < 0.2:
        out["refusal"] = None
    return out


def _metadata(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.7:
        out["model_provider"] = "openai"
    if rng.random() < 0.1:
        out["finish_reason"] = "stop"
    if rng.random() < 0.2:
        out["created"] = rng.randrange(5)
    if rng.random() < 0.2:
        out["logprobs"] = {"content": [{"token": _text(rng), "logprob": -0.5}]}
    if rng.random() < 0.2:
        out["safety_ratings"] = []
    if rng.random() < 0.1:
        out["id"] = rng.choice(["resp_1", "resp_2"])
    if rng.random() < 0.1:
        out["output_version"] = "v1"
    return out


def _usage(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() < 0.7:
        return None
    n = rng.randrange(5)
    usage: dict[str, Any] = {"input_tokens": n, "output_tokens": 1, "total_tokens": n + 1}
    if rng.random() < 0.5:
        usage["input_token_details"] = {"cache_read": rng.randrange(3)}
    return usage


def _message(rng: random.Random, lists: bool, slots: int) -> LCAIMessageChunk:
    return LCAIMessageChunk(
        content=_content(rng, lists),
        additional_kwargs=_kwargs(rng),
        response_metadata=_metadata(rng),
        tool_call_chunks=[_call(rng, slots) for _ in range(rng.randrange(3))],  # type: ignore[misc]
        usage_metadata=_usage(rng),  # type: ignore[arg-type]
        id=rng.choice([None, None, "chatcmpl-1", "chatcmpl-2", "lc_run-1", "lc_abc", ""]),
        chunk_position="last" if rng.random() < 0.05 else None,
    )


def _pieces(seed: int) -> list[LCChatGenerationChunk]:
    rng = random.Random(seed)
    lists, slots = rng.random() < 0.6, rng.choice([1, 3, 30])
    pieces = []
    for _ in range(rng.randrange(2, 40)):  # (one piece merges into itself)
        info = None
        if rng.random() < 0.2:
            info = {"finish_reason": rng.choice(["stop", "length"]), "logprobs": None}
        pieces.append(
            LCChatGenerationChunk(message=_message(rng, lists, slots), generation_info=info)
        )
    return pieces


def _merged(pieces: list[LCChatGenerationChunk]) -> tuple[str, Any]:
    def run() -> tuple[type, type, dict[str, Any]]:
        merged = merge_chat_generation_chunks(pieces)
        assert merged is not None
        return type(merged), type(merged.message), merged.model_dump()

    return _outcome(run)


# ---- the merges equal langchain-core's --------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_a_streams_pieces_merge_as_langchain_core_merges_them(seed: int) -> None:
    pieces = _pieces(seed)
    theirs = _merged(pieces)
    first = pieces[0]
    merge_linearly(first)
    assert type(first) is ChatGenerationChunk
    assert _merged(pieces) == theirs
    # A single piece added, and langchain-core's merge with that piece first, are
    # langchain-core's own.
    if len(pieces) > 1:
        assert _outcome(lambda: (first + pieces[1]).model_dump()) == _outcome(
            lambda: (LCChatGenerationChunk(**first.__dict__) + pieces[1]).model_dump()
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_message_chunks_add_as_langchain_cores_add_ai_message_chunks(seed: int) -> None:
    messages = [p.message for p in _pieces(seed)]
    left, others = messages[0], messages[1:]
    theirs = _outcome(lambda: add_ai_message_chunks(left, *others))  # type: ignore[arg-type]
    ours = _outcome(lambda: add_message_chunks(left, others))  # type: ignore[arg-type]
    assert ours == theirs
    if ours[0] == "value":
        assert type(ours[1]) is type(theirs[1]) is LCAIMessageChunk


#: The kind of value each key holds in `_element` (an odd one now and then).
_KINDS = {
    "text": "str",
    "args": "str",
    "model_provider": "str",
    "created": "int",
    "timestamp": "int",
    "n": "int",
    "inner": "dict",
    "items": "list",
}


def _value(rng: random.Random, kind: str, depth: int, odd: bool) -> Any:
    if odd and rng.random() < 0.1:  # another type under the key, or an unmergeable one
        kind = rng.choice(["str", "int", "bool", "float", "list"])
    if rng.random() < 0.15:
        return None
    if kind == "str":
        return rng.choice(["", "a", "bc", "lc_0"])
    if kind == "int":
        return rng.randrange(3)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "float":
        return rng.choice([0.5, 1.5])
    if kind == "dict" and depth < 2:
        return _element(rng, depth + 1, odd)
    if kind == "list" and depth < 2:
        return [rng.choice(["s", _element(rng, depth + 1, odd)]) for _ in range(rng.randrange(3))]
    return "leaf"


def _element(
    rng: random.Random, depth: int, odd: bool, indices: tuple[Any, ...] = (0, 1, 2, "lc_1", "y")
) -> dict[str, Any]:
    """A dict of the shapes merge_dicts and merge_lists meet; `odd`: odd ones too (ids
    that are not strings, float and bool indices, values of two types under one key)."""
    out: dict[str, Any] = {}
    if rng.random() < 0.8:
        out["index"] = rng.choice([*indices, None, *((1.0, True) if odd else ())])
    if rng.random() < 0.6:
        out["id"] = rng.choice([None, "", "a", "b", *((7,) if odd else ())])
    if rng.random() < 0.4:
        out["type"] = rng.choice(["text", "non_standard", "thing"])
        if out["type"] == "non_standard" and rng.random() < 0.7:
            out["value"] = {"type": "v", "w": _value(rng, "str", depth + 1, odd)}
    for key in rng.sample(sorted(_KINDS), 3):
        out[key] = _value(rng, _KINDS[key], depth, odd)
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_dicts_and_lists_merge_as_langchain_cores(seed: int) -> None:
    rng = random.Random(seed)
    odd = seed % 4 == 0
    dicts = [_element(rng, 0, odd, (0, 1)) for _ in range(rng.randrange(1, 12))]
    assert _outcome(lambda: merge_dicts_linearly(dicts[0], dicts[1:])) == _outcome(
        lambda: merge_dicts(*dicts)
    )
    lists = [
        None if rng.random() < 0.15 else [_element(rng, 1, odd) for _ in range(rng.randrange(4))]
        for _ in range(rng.randrange(1, 12))
    ]
    assert _outcome(lambda: merge_lists_linearly(lists[0], lists[1:])) == _outcome(
        lambda: merge_lists(*lists)
    )
    contents: list[Any] = [
        rng.choice(["", "ab"])
        if rng.random() < 0.4
        else [_element(rng, 1, odd), rng.choice(["", "t"])]
        for _ in range(rng.randrange(1, 12))
    ]
    assert _outcome(lambda: merge_content_linearly(contents[0], contents[1:])) == _outcome(
        lambda: merge_content(*contents)
    )


def test_the_cases_named_in_the_issue_merge_as_langchain_cores() -> None:
    def call(index: Any, ident: Any, args: str, name: Any = None) -> dict[str, Any]:
        return {"name": name, "args": args, "id": ident, "index": index}

    streams: list[list[LCAIMessageChunk]] = [
        # many indexed calls, each opened then given its arguments
        [
            LCAIMessageChunk(content="", tool_call_chunks=[call(k, f"c{k}", "", "f")])  # type: ignore[list-item]
            for k in range(50)
        ]
        + [
            LCAIMessageChunk(content="", tool_call_chunks=[call(k, None, '{"a": 1}')])  # type: ignore[list-item]
            for k in range(50)
        ],
        # two calls at one index with different ids, then a fragment of each and one of neither
        [
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "a", "", "f")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "b", "", "g")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "b", "{}")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, None, "x")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "a", "{}")]),  # type: ignore[list-item]
        ],
        # a call without an id named later, at an index another id takes after it
        [
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, None, "", "f")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "b", "{")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "c", "}")]),  # type: ignore[list-item]
            LCAIMessageChunk(content="", tool_call_chunks=[call(0, "b", "}")]),  # type: ignore[list-item]
        ],
        # `lc_` string indices, text then reasoning blocks, non_standard ones, mixed content
        [
            LCAIMessageChunk(content="hi "),
            LCAIMessageChunk(content=[{"type": "text", "text": "a", "index": "lc_0"}]),
            LCAIMessageChunk(content=[{"type": "text", "text": "b", "index": "lc_0"}]),
            LCAIMessageChunk(content="tail"),
            LCAIMessageChunk(content=[{"type": "reasoning", "reasoning": "r", "index": 1}]),
            LCAIMessageChunk(content=[{"type": "reasoning", "reasoning": "s", "index": 1}]),
            LCAIMessageChunk(
                content=[{"type": "non_standard", "value": {"type": "x", "a": 1}, "index": 1}]
            ),
            LCAIMessageChunk(content=[{"type": "non_standard", "value": {"b": 2}, "index": 2}]),
            LCAIMessageChunk(
                content=[{"type": "non_standard", "value": {"type": "y", "c": 3}, "index": 2}]
            ),
            LCAIMessageChunk(content="more", chunk_position="last"),
        ],
        # usage on several pieces, ids of every rank
        [
            LCAIMessageChunk(content="a", id="lc_abc"),
            LCAIMessageChunk(
                content="b",
                id="lc_run-1",
                usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
            ),
            LCAIMessageChunk(
                content="c",
                id="chatcmpl-9",
                usage_metadata={"input_tokens": 0, "output_tokens": 5, "total_tokens": 5},
            ),
            LCAIMessageChunk(content="", id="chatcmpl-10", chunk_position="last"),
        ],
    ]
    for messages in streams:
        left, others = messages[0], messages[1:]
        theirs = add_ai_message_chunks(left, *others)
        ours = add_message_chunks(left, others)
        assert type(ours) is type(theirs) and ours.model_dump() == theirs.model_dump()
    # (what the cases above come to, read by hand)
    split = add_message_chunks(streams[1][0], streams[1][1:])
    assert [(c["id"], c["args"]) for c in split.tool_call_chunks] == [("a", "x{}"), ("b", "{}")]
    named = add_message_chunks(streams[2][0], streams[2][1:])
    assert [(c["id"], c["args"]) for c in named.tool_call_chunks] == [("b", "{}"), ("c", "}")]


def test_anything_but_a_list_of_pieces_is_added_as_langchain_adds_it() -> None:
    first = LCChatGenerationChunk(message=LCAIMessageChunk(content="a"))
    merge_linearly(first)
    second = LCChatGenerationChunk(message=LCAIMessageChunk(content="b"))
    assert (first + second).text == "ab"
    with pytest.raises(TypeError, match="unsupported operand"):
        first + ["text"]
    # A class made already is left as it is.
    other = ChatGenerationChunk(message=LCAIMessageChunk(content="c"))
    merge_linearly(other)
    assert type(other) is ChatGenerationChunk


# ---- a drop-in's stream merges through it ----------------------------------------------


def _sse_body(slots: int) -> bytes:
    """A Chat Completions stream of `slots` tool calls, each opened then given its
    arguments, and the finish reason."""
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}

    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return f"data: {json.dumps({**head, 'choices': [choice]})}\n\n"

    events = []
    for k in range(slots):
        function = {"name": "add", "arguments": ""}
        opened = {"index": k, "id": f"call_{k}", "type": "function", "function": function}
        given = {"index": k, "function": {"arguments": json.dumps({"a": k})}}
        events += [event({"tool_calls": [opened]}), event({"tool_calls": [given]})]
    events.append(event({}, "tool_calls"))
    return "".join(events).encode() + b"data: [DONE]\n\n"


class _Ends(BaseCallbackHandler):
    def __init__(self) -> None:
        self.results: list[LLMResult] = []
        self.errors: list[LLMResult] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.results.append(response)

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(kwargs["response"])


def _model(slots: int) -> ChatOpenAI:
    body = _sse_body(slots)

    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client = httpx.Client(transport=httpx.MockTransport(reply))
    aclient = httpx.AsyncClient(transport=httpx.MockTransport(reply))
    return ChatOpenAI(
        model="gpt-4o-mini", api_key="k", http_client=client, http_async_client=aclient
    )


def _no_langchain_merge(*args: Any) -> Any:
    raise AssertionError("langchain-core's add_ai_message_chunks merged the stream")


@pytest.fixture
def no_langchain_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """langchain-core's merge of message chunks raises: a merge that reaches it fails."""
    monkeypatch.setattr("langchain_core.messages.ai.add_ai_message_chunks", _no_langchain_merge)


def _calls(generation: Any) -> list[tuple[str, Any]]:
    """The (id, args) of each tool call of a merged generation's message."""
    return [(c["id"], c["args"]) for c in generation.message.tool_calls]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.usefixtures("no_langchain_merge")
async def test_a_drop_ins_stream_ends_merged_without_langchain_cores_merge(sync: bool) -> None:
    ends = _Ends()
    model = _model(30)
    config = {"callbacks": [ends]}
    if sync:
        chunks = list(model.stream("add", config=config))  # type: ignore[arg-type]
    else:
        chunks = [c async for c in model.astream("add", config=config)]  # type: ignore[arg-type]
    assert len(chunks) == 62  # a piece per event, and LangChain's closing one
    ((generation,),) = ends.results[0].generations
    assert _calls(generation) == [(f"call_{k}", {"a": k}) for k in range(30)]


@pytest.mark.usefixtures("no_langchain_merge")
def test_a_stream_stopped_midway_reports_its_pieces_merged_without_langchain_cores_merge() -> None:
    ends = _Ends()
    stream = _model(30).stream("add", config={"callbacks": [ends]})
    for _ in range(10):  # 5 calls, each opened and given its arguments
        next(stream)
    stream.close()  # LangChain reports what came, merged, as the run's error
    assert not ends.results
    (generation,) = ends.errors[0].generations[0]
    assert _calls(generation) == [(f"call_{k}", {"a": k}) for k in range(5)]


@pytest.mark.usefixtures("no_langchain_merge")
def test_an_invoke_that_streams_merges_the_pieces_without_langchain_cores_merge() -> None:
    model = _model(5)
    model.streaming = True
    reply = model.invoke("add")
    assert [c["args"] for c in reply.tool_calls] == [{"a": k} for k in range(5)]


def test_langchain_cores_merge_is_what_the_tests_above_shut_out() -> None:
    # Without the first piece's class, the merge goes through add_ai_message_chunks.
    pieces = [LCChatGenerationChunk(message=LCAIMessageChunk(content=t)) for t in ("a", "b", "c")]
    seen: list[int] = []
    real = add_ai_message_chunks

    def counted(left: Any, *others: Any) -> Any:
        seen.append(len(others))
        return real(left, *others)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("langchain_core.messages.ai.add_ai_message_chunks", counted)
        assert generate_from_stream(iter(pieces)).generations[0].text == "abc"
        assert seen == [2]
        merge_linearly(pieces[0])
        assert generate_from_stream(iter(pieces)).generations[0].text == "abc"
        assert seen == [2]


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_the_first_piece_shows_dumps_and_pickles_as_langchains() -> None:
    piece = LCChatGenerationChunk(message=LCAIMessageChunk(content="a"), generation_info={"k": 1})
    plain = piece.model_copy()
    merge_linearly(piece)
    assert repr(piece) == repr(plain)
    assert dumpd(piece) == dumpd(plain)
    assert pickle.loads(pickle.dumps(piece)) == piece
