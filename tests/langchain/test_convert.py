"""chatplex.langchain.convert: chatplex's replies as LangChain's, and streams chunk by chunk
(LangChain's messages as chatplex's: test_from_langchain.py)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import langchain_openai
import pytest
from langchain_core.messages import AIMessageChunk as LCChunk

import chatplex
import chatplex.langchain
from chatplex import init_chat_model
from chatplex.langchain import AzureChatOpenAI
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI
from chatplex.langchain import StreamTranslator
from chatplex.langchain import convert
from chatplex.langchain import to_langchain_message
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.providers.bedrock import response  # noqa: F401  (registers Converse's content_blocks)
from chatplex.specs import spec
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from tests.langchain._lckit import openai_or_azure

CALL = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}


def test_replies_to_langchain() -> None:
    reply = AIMessage(
        content=[{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "4"}],
        id="chatcmpl-1",
        additional_kwargs={"refusal": None},
        response_metadata={"model_name": "gpt-4o-mini", "finish_reason": "tool_calls"},
        tool_calls=[CALL],  # type: ignore[list-item]
        invalid_tool_calls=[
            {
                "name": "f",
                "args": "{bad",
                "id": "c2",
                "error": "not JSON",
                "type": "invalid_tool_call",
            }
        ],
        usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
    )
    out = to_langchain_message(reply)
    assert out.tool_calls == [CALL] and out.invalid_tool_calls[0]["args"] == "{bad"
    assert out.response_metadata == reply.response_metadata and out.id == "chatcmpl-1"
    assert out.usage_metadata == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    # No provider mark: LangChain's generic reading fits chatplex's content.
    assert [b["type"] for b in out.content_blocks] == ["reasoning", "text", "tool_call"]
    thinking = {"type": "thinking", "thinking": "hm", "signature": "s"}
    anthropic = to_langchain_message(AIMessage(content=[thinking, {"type": "text", "text": "a"}]))
    assert [b["type"] for b in anthropic.content_blocks] == ["non_standard", "text"]


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"id": None, "name": "bot", "usage_metadata": None},
        # Calls in additional_kwargs alone: LangChain's validator reads them into tool_calls.
        {"additional_kwargs": {"tool_calls": [{"id": "c", "function": {"name": "f"}}]}},
    ],
)
def test_a_text_reply_is_the_message_langchains_validation_builds(extra: dict[str, Any]) -> None:
    # A text reply is built without LangChain's validation: the same message in every
    # way a script sees one (==, repr, dump, the fields counted as set, its JSON).
    from langchain_core.load import dumpd
    from langchain_core.messages import AIMessage as LCAIMessage

    usage = {
        "input_tokens": 1,
        "output_tokens": 2,
        "total_tokens": 3,
        "input_token_details": {"cache_read": 0},
    }
    fields: dict[str, Any] = {
        "content": "hi",
        "id": "chatcmpl-1",
        "additional_kwargs": {"refusal": None},
        "response_metadata": {"finish_reason": "stop", "token_usage": {"prompt_tokens": 1}},
        "usage_metadata": usage,
        **extra,
    }
    out = to_langchain_message(AIMessage(**fields))
    given = {k: v for k, v in fields.items() if k != "usage_metadata"}
    given.setdefault("name", None)  # (every field the reply has, given: as chatplex gives them)
    validated = LCAIMessage(**given, tool_calls=[], invalid_tool_calls=[])
    validated.usage_metadata = fields["usage_metadata"]  # type: ignore[assignment]
    assert out == validated and repr(out) == repr(validated)
    assert out.model_dump() == validated.model_dump()
    assert out.model_fields_set == validated.model_fields_set
    assert json.dumps(dumpd(out)) == json.dumps(dumpd(validated))
    assert out.tool_calls == validated.tool_calls


def test_a_reply_whose_list_mixes_text_strings_and_blocks() -> None:
    thinking = {"type": "thinking", "thinking": "count the r's"}
    out = to_langchain_message(AIMessage(content=[thinking, "Three."]))
    assert out.content == [thinking, "Three."]
    assert out.content[0] is not thinking  # a copy: the reply's block is not shared


def test_stream_translator_sends_refusal_increments() -> None:
    translate = StreamTranslator()
    pieces = [
        AIMessageChunk(content="", id="c1", response_metadata={"model_name": "m"}),
        AIMessageChunk(content="", id="c1", additional_kwargs={"refusal": "I can"}),
        AIMessageChunk(content="", id="c1", additional_kwargs={"refusal": "I can't help."}),
    ]
    out = [translate.chunk(p) for p in pieces]
    assert out[0].response_metadata == {"model_name": "m"}
    merged = out[0] + out[1] + out[2]
    assert merged.additional_kwargs["refusal"] == "I can't help."
    whole = StreamTranslator().chunk(AIMessageChunk(content="", tool_calls=[CALL]))  # type: ignore[list-item]
    assert whole.tool_call_chunks[0]["index"] is None and whole.tool_calls == [
        {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
    ]


def _merged(chunks: list[LCChunk]) -> LCChunk:
    out = chunks[0]
    for chunk in chunks[1:]:
        out = out + chunk
    return out


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("question", ["hello there", "use the tool please"])
def test_a_translated_stream_merges_to_the_translated_reply(provider: str, question: str) -> None:
    tool = {
        "name": "lookup",
        "parameters": {
            "type": "object",
            "properties": {"q": {"type": "string"}},
            "required": ["q"],
        },
    }
    with MockServer(script=MockScript()) as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        model = init_chat_model(  # stream usage asked for: a custom base URL
            f"{provider}:m", base_url=base, api_key="k", stream_usage=True
        ).bind_tools([tool])
        whole = to_langchain_message(model.invoke(question))
        translate = StreamTranslator()
        pieces = [translate.chunk(c) for c in model.stream(question)]
        merged = _merged([p for p in pieces if p is not None])
    assert merged.text == whole.text
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [
        (c["name"], c["args"]) for c in whole.tool_calls
    ]
    assert merged.tool_call_chunks == [] or merged.tool_call_chunks[0]["index"] == 0
    assert merged.usage_metadata == whole.usage_metadata
    for key in ("model_name", "finish_reason"):
        assert merged.response_metadata[key] == whole.response_metadata[key]


def test_a_wire_that_names_no_model_gets_the_model_called() -> None:
    # Cohere's replies name no model; LangChain's standard key is the model called.
    unnamed = AIMessage(content="hi", response_metadata={"finish_reason": "COMPLETE"})
    assert to_langchain_message(unnamed, "command-a").response_metadata["model_name"] == (
        "command-a"
    )
    named = AIMessage(content="hi", response_metadata={"model_name": "gpt-4o-2024-08-06"})
    assert to_langchain_message(named, "gpt-4o").response_metadata["model_name"] == (
        "gpt-4o-2024-08-06"
    )
    assert "model_name" not in to_langchain_message(unnamed).response_metadata
    # In a stream: on the chunk marked last, unless a chunk named the model already.
    last = AIMessageChunk(content="", chunk_position="last")
    translate = StreamTranslator(model_name="command-a")
    out = [translate.chunk(AIMessageChunk(content="hi")), translate.chunk(last)]
    assert "model_name" not in out[0].response_metadata
    assert _merged(out).response_metadata["model_name"] == "command-a"
    translate = StreamTranslator(model_name="gpt-4o")
    first = AIMessageChunk(content="hi", response_metadata={"model_name": "gpt-4o-2024"})
    merged = _merged([translate.chunk(first), translate.chunk(last)])
    assert merged.response_metadata["model_name"] == "gpt-4o-2024"


def test_a_streamed_summary_of_the_calls_is_not_counted_again() -> None:
    # Cohere's closing chunk repeats the calls in additional_kwargs (langchain-cohere's
    # shape); LangChain would read them as pieces of calls and count each call twice.
    with MockServer(script=MockScript()) as server:
        model = init_chat_model("cohere:command-a-03-2025", base_url=server.url, api_key="k")
        tool = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}
        translate = StreamTranslator()
        chunks = [translate.chunk(c) for c in model.bind_tools([tool]).stream("use the tool")]
    assert chunks[-1].additional_kwargs["tool_calls"][0]["function"]["name"] == "lookup"
    assert chunks[-1].tool_call_chunks == []
    merged = _merged(chunks)
    assert [c["name"] for c in merged.tool_calls] == ["lookup"]
    assert merged.additional_kwargs["tool_calls"] == chunks[-1].additional_kwargs["tool_calls"]


def test_converse_replies_reach_langchain_with_their_mark() -> None:
    # chatplex's Converse reply has langchain-aws's content (tool_use blocks), which
    # LangChain's "bedrock_converse" translator reads.
    meta = {"model_provider": "bedrock_converse", "stopReason": "tool_use"}
    block = {"type": "tool_use", "name": CALL["name"], "input": CALL["args"], "id": CALL["id"]}
    reply = AIMessage(content=[block], tool_calls=[CALL], response_metadata=meta)  # type: ignore[list-item]
    out = to_langchain_message(reply)
    assert out.response_metadata == meta
    assert [b["type"] for b in out.content_blocks] == ["tool_call"]
    assert out.content_blocks == reply.content_blocks


#: A tool call streamed by the Messages API, as Anthropic sends it (an empty fragment
#: first, then the arguments in pieces).
_ANTHROPIC_TOOL_STREAM = (
    {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 9, "output_tokens": 1},
        },
    },
    {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}},
    },
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "input_json_delta", "partial_json": ""},
    },
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "input_json_delta", "partial_json": '{"q'},
    },
    {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "input_json_delta", "partial_json": '":"x"}'},
    },
    {"type": "content_block_stop", "index": 0},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"input_tokens": 9, "output_tokens": 5},
    },
    {"type": "message_stop"},
)


def _shown(chunk: LCChunk) -> dict[str, Any]:
    """What a streamed chunk shows, without the keys chatplex adds to response_metadata."""
    added = ("provider", "finish_reason", "raw_finish_reason")
    return {
        "content": chunk.content,
        "tool_call_chunks": chunk.tool_call_chunks,
        "response_metadata": {k: v for k, v in chunk.response_metadata.items() if k not in added},
        "usage_metadata": chunk.usage_metadata,
        "chunk_position": chunk.chunk_position,
    }


def test_an_anthropic_tool_stream_is_langchain_anthropics_chunk_by_chunk() -> None:
    # The empty first fragment is a chunk; the end of the block is none; the metadata is
    # the stream's (model_name, the stop), not the reply's (id, model, raw usage).
    theirs = [_shown(p) for p in _partner_pieces(_ANTHROPIC_TOOL_STREAM)]
    ours = [_shown(p) for p in _our_pieces(_ANTHROPIC_TOOL_STREAM)]
    assert ours == theirs
    assert [c["tool_call_chunks"][0]["args"] for c in ours[2:5]] == ["", '{"q', '":"x"}']


#: An Anthropic reply streaming text, as the wire sends it.
_ANTHROPIC_TEXT_STREAM: tuple[dict[str, Any], ...] = (
    _ANTHROPIC_TOOL_STREAM[0],
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}},
    {"type": "content_block_stop", "index": 0},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {"input_tokens": 9, "output_tokens": 2},
    },
    {"type": "message_stop"},
)


def _partner_pieces(events: tuple[dict[str, Any], ...]) -> list[LCChunk]:
    """langchain-anthropic's chunks for `events` (its content as blocks: tools bound)."""
    from anthropic.types import RawMessageStreamEvent
    from langchain_anthropic import ChatAnthropic
    from pydantic import TypeAdapter

    partner = ChatAnthropic(model="claude-haiku-4-5", api_key="k")  # type: ignore[call-arg]
    read = TypeAdapter(RawMessageStreamEvent)
    pieces, start = [], None
    for raw in events:
        piece, start = partner._make_message_chunk_from_anthropic_event(
            read.validate_python(raw), coerce_content_to_string=False, block_start_event=start
        )
        if piece is not None:
            pieces.append(piece)
    return pieces


def _our_pieces(events: tuple[dict[str, Any], ...]) -> list[LCChunk]:
    from chatplex.adapters.sse_event import SSEEvent
    from chatplex.providers.anthropic.stream import AnthropicStreamParser

    parser, translate = AnthropicStreamParser(), StreamTranslator(blocks=True)
    pieces = []
    for raw in events:
        chunk = parser.feed(SSEEvent(event=str(raw["type"]), data=json.dumps(raw)))
        piece = None if chunk is None else translate.chunk(chunk)
        if piece is not None:
            pieces.append(piece)
    return pieces


def test_an_anthropic_text_block_streams_with_langchain_anthropics_key_order() -> None:
    # A printed or dumped message shows the order of a block's keys: a tool's reply
    # printed by an agent read {'type': 'text', 'text': ...} where LangChain's read
    # {'text': ..., 'type': 'text', 'index': 0}.
    theirs = [json.dumps(p.content) for p in _partner_pieces(_ANTHROPIC_TEXT_STREAM) if p.content]
    ours = [json.dumps(p.content) for p in _our_pieces(_ANTHROPIC_TEXT_STREAM) if p.content]
    assert theirs == [
        '[{"text": "Hel", "type": "text", "index": 0}]',
        '[{"text": "lo", "type": "text", "index": 0}]',
    ]
    assert ours == theirs


def _text_block(index: int, *pieces: str, start: str = "") -> list[dict[str, Any]]:
    """The events of one text block: its start (with `start` as its text), its deltas."""
    opened = {"type": "text", "text": start}
    deltas = [{"type": "text_delta", "text": p} for p in pieces]
    return [
        {"type": "content_block_start", "index": index, "content_block": opened},
        *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": index},
    ]


#: Text blocks in a row (the first of them an empty piece alone), then a tool call.
_ANTHROPIC_TEXT_BLOCKS_STREAM: tuple[dict[str, Any], ...] = (
    _ANTHROPIC_TOOL_STREAM[0],
    *_text_block(0, ""),
    *_text_block(1, "Hel", "lo"),
    *_text_block(2, "!", start="Oh"),
    *_text_block(3, "", "x"),
    *(
        {**event, "index": 4}
        for event in _ANTHROPIC_TOOL_STREAM[1:]
        if event["type"].startswith("content_block")
    ),
    *_ANTHROPIC_TOOL_STREAM[-2:],
)


def test_anthropic_text_blocks_in_a_row_stream_under_their_own_index() -> None:
    # Each text block under the wire's index, an empty piece as an empty text block:
    # LangChain's merging then keeps the blocks apart, as langchain-anthropic's does.
    theirs = [_shown(p) for p in _partner_pieces(_ANTHROPIC_TEXT_BLOCKS_STREAM)]
    ours = [_shown(p) for p in _our_pieces(_ANTHROPIC_TEXT_BLOCKS_STREAM)]
    assert ours == theirs
    assert ours[1]["content"] == [{"text": "", "type": "text", "index": 0}]
    assert ours[0]["content"] == [] and ours[-1]["content"] == []  # start, stop: no text
    merged = _merged(_our_pieces(_ANTHROPIC_TEXT_BLOCKS_STREAM)).content
    assert [(b["index"], b.get("text")) for b in merged if isinstance(b, dict)] == [
        (0, ""),
        (1, "Hello"),
        (2, "Oh!"),
        (3, "x"),
        (4, None),
    ]


def test_anthropic_text_blocks_in_a_row_stream_as_text_outside_blocks() -> None:
    # Without tools or thinking ChatAnthropic streams text as str: an indexed text piece
    # (a block right after a text block) too, and an empty piece as "".
    from chatplex.adapters.sse_event import SSEEvent
    from chatplex.providers.anthropic.stream import AnthropicStreamParser

    parser, translate = AnthropicStreamParser(), StreamTranslator()
    events = (_ANTHROPIC_TEXT_STREAM[0], *_text_block(0, "", "A"), *_text_block(1, "B", "C"))
    pieces = []
    for raw in events:
        chunk = parser.feed(SSEEvent(event=str(raw["type"]), data=json.dumps(raw)))
        piece = None if chunk is None else translate.chunk(chunk)
        if piece is not None:
            pieces.append(piece.content)
    assert pieces == ["", "", "A", "B", "C"]


@pytest.mark.parametrize(
    ("retries", "allowed", "marked"), [(0, 1, True), (2, 3, True), (1, 3, False), (0, None, False)]
)
def test_a_reply_on_the_last_attempt_allowed_is_marked_as_botocore_marks_it(
    retries: int, allowed: int | None, marked: bool
) -> None:
    # botocore's standard retry mode marks a reply on the last attempt, a success too.
    record = {"RequestId": "r1", "HTTPStatusCode": 200, "RetryAttempts": retries}
    out = convert.mark_last_attempt({"ResponseMetadata": record}, allowed)
    assert out["ResponseMetadata"] == ({**record, "MaxAttemptsReached": True} if marked else record)
    assert "MaxAttemptsReached" not in record  # the reply's own record is left as it was
    if marked:  # written before botocore counts the retries: what print() shows
        assert list(out["ResponseMetadata"])[-2:] == ["MaxAttemptsReached", "RetryAttempts"]
    assert convert.mark_last_attempt({"stopReason": "end_turn"}, 1) == {"stopReason": "end_turn"}


@pytest.mark.parametrize(("attempts", "retries"), [(1, 0), (3, 2), (0, 0)])
def test_botocore_metadata_counts_chatplex_retries(attempts: int, retries: int) -> None:
    # langchain-aws keeps botocore's ResponseMetadata, whose RetryAttempts counts the
    # retries made; chatplex's retries stand in for botocore's (0 attempts: a cache hit).
    record = {"RequestId": "r1", "HTTPStatusCode": 200, "HTTPHeaders": {}}
    meta = {"model_provider": "bedrock_converse", "attempts": attempts}
    reply = AIMessage(content="hi", response_metadata={**meta, "ResponseMetadata": record})
    out = to_langchain_message(reply).response_metadata["ResponseMetadata"]
    assert out == {**record, "RetryAttempts": retries}
    assert "RetryAttempts" not in record  # the reply's own record is left as it was
    translate = StreamTranslator()
    first = translate.chunk(AIMessageChunk(content=[], response_metadata=meta))
    last = translate.chunk(
        AIMessageChunk(content="", response_metadata={"ResponseMetadata": record})
    )
    assert first is not None and "ResponseMetadata" not in first.response_metadata
    assert last is not None
    assert last.response_metadata["ResponseMetadata"]["RetryAttempts"] == retries
    # ... and a stream on the last attempt allowed is marked as botocore marks it.
    marking = StreamTranslator(allowed=retries + 1)
    marking.chunk(AIMessageChunk(content=[], response_metadata=meta))
    end = marking.chunk(AIMessageChunk(content="", response_metadata={"ResponseMetadata": record}))
    assert end is not None
    assert end.response_metadata["ResponseMetadata"] == {
        **record,
        "MaxAttemptsReached": True,
        "RetryAttempts": retries,
    }


def test_a_stream_is_translated_as_its_providers_spec_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # langchain-anthropic's way of streaming is read off the chunks' provider's spec
    # (`indexed_stream`), not its name: a provider declaring it is translated alike.
    meta = {"model_provider": "ollama", "id": "r1", "model": "m1"}

    def first_chunk() -> LCChunk | None:
        return StreamTranslator(blocks=True).chunk(
            AIMessageChunk(content="hi", response_metadata=meta)
        )

    plain = first_chunk()
    assert plain is not None and plain.content == "hi"
    assert plain.response_metadata == {**meta}
    declared = spec("ollama")
    assert declared is not None and declared.indexed_stream is False
    indexed = dataclasses.replace(declared, indexed_stream=True)
    monkeypatch.setattr(convert, "spec", lambda name: indexed if name == "ollama" else None)
    translated = first_chunk()
    assert translated is not None
    assert translated.content == [{"type": "text", "text": "hi", "index": 0}]
    assert translated.response_metadata == {"model_provider": "ollama"}


#: What chatplex's engine adds on every wire (`convert._CHATPLEX_METADATA`).
_CHATPLEX_KEYS = {"provider", "raw_finish_reason", "request_id", "attempts"}


@pytest.mark.parametrize(
    ("meta", "wire", "kept"),
    [
        # Chat Completions partners write `finish_reason` themselves: it stays.
        (
            {"provider": "openai", "model_provider": "groq"},
            None,
            {"model_provider", "finish_reason"},
        ),
        # langchain-anthropic keeps `stop_reason` only: chatplex's common word goes.
        ({"provider": "anthropic", "model_provider": "anthropic"}, None, {"model_provider"}),
        # A wire that writes no `provider` is named by its `model_provider`.
        ({"model_provider": "bedrock_converse"}, None, {"model_provider"}),
        # A stream's later chunk: the wire its first chunk named (the Responses API's
        # chunks name ChatOpenAI's `model_provider`, whose Chat Completions keep it).
        ({"model_provider": "openai"}, "openai_responses", {"model_provider"}),
        ({"model_provider": "openai"}, None, {"model_provider", "finish_reason"}),
    ],
)
def test_partner_metadata_leaves_chatplex_keys_out(
    meta: dict[str, Any], wire: str | None, kept: set[str]
) -> None:
    added = {"raw_finish_reason": "end_turn", "request_id": "req_1", "attempts": 2}
    full = {**meta, **added, "finish_reason": "stop"}
    given = dict(full)
    out = convert.partner_metadata(full, wire)
    assert set(out) == kept
    assert {k: full[k] for k in kept} == out  # kept keys keep their values
    assert full == given  # the reply's own metadata is left as it was


def test_a_partner_stream_derives_retries_before_leaving_attempts_out() -> None:
    # Converse: botocore's RetryAttempts comes from the first chunk's `attempts`, which
    # (with the other chatplex keys) a drop-in's stream then leaves out.
    record = {"RequestId": "r1", "HTTPStatusCode": 200, "HTTPHeaders": {}}
    first_meta = {"model_provider": "bedrock_converse", "attempts": 3, "request_id": "r1"}
    last_meta = {"finish_reason": "stop", "raw_finish_reason": "end_turn", "stopReason": "end_turn"}
    pieces = []
    for partner in (True, False):
        translate = StreamTranslator(partner=partner)
        first = translate.chunk(AIMessageChunk(content=[], response_metadata=first_meta))
        last = translate.chunk(
            AIMessageChunk(content="", response_metadata={**last_meta, "ResponseMetadata": record})
        )
        assert first is not None and last is not None
        pieces.append((first.response_metadata, last.response_metadata))
    (first, last), (own_first, own_last) = pieces
    assert first == {"model_provider": "bedrock_converse"}
    assert last == {
        "stopReason": "end_turn",
        "ResponseMetadata": {**record, "RetryAttempts": 2},
        "model_provider": "bedrock_converse",
    }
    # Without `partner` (ChatChatplex), chatplex's keys stay.
    assert own_first == first_meta
    assert own_last["finish_reason"] == "stop" and own_last["raw_finish_reason"] == "end_turn"


def _dropin_and_own(name: str, model: str, base_url: str) -> list[Any]:
    dropin = getattr(chatplex.langchain, name)(model=model, api_key="sk-x", base_url=base_url)
    own = ChatChatplex(
        model=f"{dropin.chatplex_model.provider}:{model}", api_key="sk-x", base_url=base_url
    )
    return [dropin, own]


def _merged_metadata(chunks: list[Any]) -> dict[str, Any]:
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    return dict(merged.response_metadata)


@pytest.mark.parametrize(
    ("name", "model", "finish_reason"),
    [("ChatGroq", "llama-3.1-8b-instant", True), ("ChatAnthropic", "claude-haiku-4-5", False)],
)
def test_a_dropins_replies_carry_only_the_partners_keys(
    name: str, model: str, finish_reason: bool
) -> None:
    with MockServer() as server:
        base = server.anthropic_base_url if name == "ChatAnthropic" else server.openai_base_url
        dropin, own = _dropin_and_own(name, model, base)
        replies = [dropin.invoke("hi"), _merged_metadata(list(dropin.stream("hi")))]
        own_replies = [own.invoke("hi"), _merged_metadata(list(own.stream("hi")))]
    for reply in replies:
        meta = reply if isinstance(reply, dict) else reply.response_metadata
        assert not _CHATPLEX_KEYS & set(meta), meta
        assert ("finish_reason" in meta) is finish_reason
    for reply in own_replies:  # ChatChatplex is chatplex's own name: its keys stay
        meta = reply if isinstance(reply, dict) else reply.response_metadata
        assert {"finish_reason", "raw_finish_reason", "attempts"} <= set(meta), meta


async def test_a_dropins_async_replies_carry_only_the_partners_keys() -> None:
    with MockServer() as server:
        dropin = chatplex.langchain.ChatAnthropic(
            model="claude-haiku-4-5", api_key="sk-x", base_url=server.anthropic_base_url
        )
        reply = await dropin.ainvoke("hi")
        chunks = [c async for c in dropin.astream("hi")]
    for meta in (reply.response_metadata, _merged_metadata(chunks)):
        assert not ({"finish_reason"} | _CHATPLEX_KEYS) & set(meta), meta
        assert meta["stop_reason"] == "end_turn"


def test_a_reply_id_stays_on_the_message_only_where_the_partner_keeps_it() -> None:
    # langchain-openai's Responses messages carry resp_...; the other partners leave the
    # id to LangChain (lc_run--<run id>). An unknown wire keeps it.
    assert convert.partner_id("chatcmpl-1", "openai") is None
    assert convert.partner_id("msg_1", "anthropic") is None
    assert convert.partner_id("resp_1", "openai_responses") == "resp_1"
    assert convert.partner_id("r1", None) == "r1"


def test_a_dropin_reply_has_its_partners_key_order() -> None:
    # langchain-openai's: token_usage first; chatplex's own keys left out.
    meta = {
        "provider": "openai",
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "finish_reason": "stop",
        "token_usage": {"prompt_tokens": 1},
        "request_id": "r",
    }
    assert list(convert.partner_metadata(meta)) == [
        "token_usage",
        "model_provider",
        "model_name",
        "finish_reason",
    ]
    # langchain-ollama's: the reply's fields first, the model's names last.
    ollama = {"model_provider": "ollama", "model_name": "m", "model": "m", "done": True}
    assert list(convert.partner_metadata(ollama)) == [
        "model",
        "done",
        "model_name",
        "model_provider",
    ]
    # A preset over the Chat Completions wire keeps its own package's order, not OpenAI's.
    preset = {
        "provider": "openai",
        "model_provider": "fireworks",
        "model_name": "m",
        "token_usage": {},
    }
    assert list(convert.partner_metadata(preset)) == ["model_provider", "model_name", "token_usage"]


def _said_hi(first: dict[str, Any], *after: AIMessageChunk) -> list[AIMessageChunk]:
    """A stream: a chunk of `first` as its metadata, "Hi", the finishing chunk ("stop"),
    then `after`."""
    return [
        AIMessageChunk(content="", response_metadata=first),
        AIMessageChunk(content="Hi"),
        AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}),
        *after,
    ]


def test_a_dropin_stream_holds_the_model_fields_until_the_finishing_chunk() -> None:
    # langchain-openai streams the model's fields on the finish reason's chunk alone, so
    # its merged reply starts with model_provider, finish_reason.
    translate = StreamTranslator(partner=True)
    head = {"provider": "openai", "model_provider": "openai", "model_name": "gpt-4o-mini"}
    pieces = _said_hi({**head, "system_fingerprint": "fp"})
    out = [translate.chunk(p) for p in pieces]
    assert [list(c.response_metadata) for c in out] == [
        ["model_provider"],
        ["model_provider"],
        ["finish_reason", "model_name", "system_fingerprint", "model_provider"],
    ]
    merged = _merged(out)
    assert merged.response_metadata == {
        "model_provider": "openai",
        "finish_reason": "stop",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "fp",
    }
    # chatplex's own model's stream keeps them where the parser put them.
    own = StreamTranslator().chunk(pieces[0])
    assert own.response_metadata["model_name"] == "gpt-4o-mini"


def test_a_groq_dropin_stream_names_no_provider_on_its_finishing_chunk() -> None:
    # langchain-groq writes the finishing chunk's metadata as its generation info alone
    # (ProviderSpec.stream_finish_unmarked); its other chunks name the provider.
    translate = StreamTranslator(partner=True)
    head = {"provider": "groq", "model_provider": "groq", "model_name": "llama"}
    last = AIMessageChunk(content="", chunk_position="last")
    pieces = _said_hi({**head, "service_tier": "on_demand"}, last)
    out = [translate.chunk(p) for p in pieces]
    assert [list(c.response_metadata) for c in out] == [
        ["model_provider"],
        ["model_provider"],
        ["finish_reason", "model_name", "service_tier"],
        ["model_provider"],
    ]
    assert list(_merged(out).response_metadata) == [
        "model_provider",
        "finish_reason",
        "model_name",
        "service_tier",
    ]
    # langchain-openai's finishing chunk names it (last).
    openai = StreamTranslator(partner=True)
    head = {"provider": "openai", "model_provider": "openai", "model_name": "gpt"}
    openai.chunk(AIMessageChunk(content="", response_metadata=head))
    finishing = openai.chunk(
        AIMessageChunk(content="", response_metadata={"finish_reason": "stop"})
    )
    assert list(finishing.response_metadata) == ["finish_reason", "model_name", "model_provider"]


def test_a_dropin_stream_with_no_finish_reason_gives_the_held_keys_on_its_last_chunk() -> None:
    translate = StreamTranslator(partner=True)
    first = AIMessageChunk(
        content="",
        response_metadata={"provider": "ollama", "model_provider": "ollama", "model_name": "m"},
    )
    last = AIMessageChunk(content="", response_metadata={"done": True}, chunk_position="last")
    out = [translate.chunk(first), translate.chunk(last)]
    assert [list(c.response_metadata) for c in out] == [
        [],
        ["done", "model_name", "model_provider"],
    ]


def test_a_dropin_stream_gives_its_partners_every_chunk_keys_and_the_model_at_the_end() -> None:
    # langchain-google-genai: safety_ratings ([] where none came) on every chunk, the
    # model's version on the finishing chunk alone.
    translate = StreamTranslator(partner=True)
    head = {"provider": "google_genai", "model_provider": "google_genai", "model_name": "g"}
    ratings = [{"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}]
    pieces = [
        AIMessageChunk(content="Hi", response_metadata=head),
        AIMessageChunk(
            content="", response_metadata={"finish_reason": "STOP", "safety_ratings": ratings}
        ),
    ]
    out = [translate.chunk(p) for p in pieces]
    assert out[0].response_metadata == {"safety_ratings": [], "model_provider": "google_genai"}
    merged = _merged(out)
    assert list(merged.response_metadata) == [
        "safety_ratings",
        "model_provider",
        "finish_reason",
        "model_name",
    ]
    assert merged.response_metadata["safety_ratings"] == ratings


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", ["openai", "azure"])
async def test_a_streamed_usage_chunk_names_no_provider_as_langchain_openais(
    wire: str, sync: bool
) -> None:
    # langchain-openai's chunk of the usage record (no choices) is a bare AIMessageChunk.
    name = "AzureChatOpenAI" if wire == "azure" else "ChatOpenAI"
    ours = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    seen = {}
    with MockServer(script=MockScript()) as server:
        for side, cls in (("langchain", getattr(langchain_openai, name)), ("chatplex", ours)):
            model = cls(**openai_or_azure(wire, server.url), stream_usage=True)
            if sync:
                pieces = list(model.stream("Hello"))
            else:
                pieces = [p async for p in model.astream("Hello")]
            seen[side] = [(p.response_metadata, p.usage_metadata is not None) for p in pieces]
    usage = [meta for meta, has_usage in seen["chatplex"] if has_usage]
    assert usage == [{}]
    assert seen["chatplex"] == seen["langchain"]


def _chunk_keys(translate: StreamTranslator, chunks: list[AIMessageChunk]) -> list[list[str]]:
    return [list(out.response_metadata) for out in map(translate.chunk, chunks) if out]


def test_a_drop_ins_usage_chunk_is_unnamed_where_its_partners_is() -> None:
    # langchain-openai writes model_provider only on a chunk of a choice: the chunk of
    # usage alone (an event without choices) has no metadata. ChatChatplex names it.
    usage = {"input_tokens": 4, "output_tokens": 2, "total_tokens": 6}
    first = {"provider": "openai", "model_provider": "openai", "model_name": "gpt-4o"}

    def stream() -> list[AIMessageChunk]:
        return _said_hi(first, AIMessageChunk(content="", usage_metadata=usage))  # type: ignore[arg-type]

    partner = _chunk_keys(StreamTranslator(partner=True), stream())
    assert partner[1:] == [
        ["model_provider"],
        ["finish_reason", "model_name", "model_provider"],
        [],
    ]
    assert _chunk_keys(StreamTranslator(), stream())[-1] == ["model_provider"]


def test_a_presets_stream_is_ordered_by_its_own_spec_when_no_chunk_names_it() -> None:
    # langchain-perplexity names no model_provider: its model's label picks its spec
    # (the model's name on the first chunk, as it streams it), not the shared wire's
    # (langchain-openai's: on the finishing chunk).
    def stream() -> list[AIMessageChunk]:
        return _said_hi({"provider": "openai", "model_name": "sonar", "finish_reason": None})

    own = _chunk_keys(StreamTranslator(partner=True, label="perplexity"), stream())
    assert own == [["model_name"], [], ["finish_reason"]]
    shared = _chunk_keys(StreamTranslator(partner=True), stream())
    assert shared == [[], [], ["finish_reason", "model_name"]]


def _head(provider: str) -> dict[str, Any]:
    return {"provider": provider, "model_provider": provider, "model_name": "m", "id": "r1"}


@pytest.mark.parametrize("partner", [True, False], ids=["dropin", "own"])
@pytest.mark.parametrize("provider", ["openai", "groq", "ollama", "google_genai", "anthropic"])
def test_a_streams_plain_chunks_translate_as_the_general_path_makes_them(
    provider: str, partner: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text-alone chunks take a short way once the stream's provider is known: the same
    # chunks (values, key order, ids) as the general path's, each with its own metadata.
    pieces = [
        AIMessageChunk(content="", id="r1", response_metadata=_head(provider)),
        *(AIMessageChunk(content=t, id="r1") for t in ("a", "b", "c", "d")),
        AIMessageChunk(content="", id="r1", response_metadata={"finish_reason": "stop"}),
        AIMessageChunk(content="e", id="r1"),
        AIMessageChunk(content="", id="r1", chunk_position="last"),
    ]
    translate = StreamTranslator(partner=partner, model_name="m")
    fast = [translate.chunk(p) for p in pieces]
    monkeypatch.setattr(convert, "_is_plain", lambda chunk: False)
    general = StreamTranslator(partner=partner, model_name="m")
    slow = [general.chunk(p) for p in pieces]
    assert fast == slow
    assert [list(c.response_metadata) for c in fast if c is not None] == [
        list(c.response_metadata) for c in slow if c is not None
    ]
    middle = [c.response_metadata for c in fast[1:5] if c is not None]
    assert len({id(m) for m in middle}) == len(middle)  # no chunk shares another's dict


def test_only_a_chunk_of_text_alone_is_plain() -> None:
    assert convert._is_plain(AIMessageChunk(content="hi"))
    others = [
        AIMessageChunk(content=[{"type": "text", "text": "hi"}]),
        AIMessageChunk(content="hi", response_metadata={"finish_reason": "stop"}),
        AIMessageChunk(content="hi", additional_kwargs={"refusal": "no"}),
        AIMessageChunk(
            content="", tool_call_chunks=[{"name": "f", "args": "", "id": None, "index": 0}]
        ),
        AIMessageChunk(content="", tool_calls=[CALL]),  # type: ignore[list-item]
        AIMessageChunk(content="hi", chunk_position="last"),
        AIMessageChunk(
            content="", usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
        ),
    ]
    assert not any(convert._is_plain(c) for c in others)


def test_a_refusal_is_in_additional_kwargs_alone_under_a_partners_name() -> None:
    # chatplex's OpenAI reading keeps the refusal in response_metadata too;
    # langchain-openai has it in additional_kwargs only.
    meta = {"provider": "openai", "model_provider": "openai", "refusal": "No."}
    assert "refusal" not in convert.partner_metadata(meta)


def test_a_groq_dropin_streams_a_chunk_with_log_probabilities_naming_no_provider() -> None:
    # langchain-groq writes a chunk's metadata as its generation info alone wherever
    # that has something: log probabilities too (ProviderSpec.stream_finish_unmarked).
    translate = StreamTranslator(partner=True)
    head = {"provider": "groq", "model_provider": "groq", "model_name": "llama"}
    logprobs = {"content": [{"token": "Hi", "logprob": -0.1}]}
    translate.chunk(AIMessageChunk(content="", response_metadata=head))
    scored = translate.chunk(AIMessageChunk(content="Hi", response_metadata={"logprobs": logprobs}))
    assert scored.response_metadata == {"logprobs": logprobs}
    plain = translate.chunk(AIMessageChunk(content="!"))
    assert plain.response_metadata == {"model_provider": "groq"}
