"""A drop-in's stream of a `response_format` call gives the pieces langchain-openai's
does (the openai SDK's parsing helper's events, then the final completion's piece): each
rule on chatplex's chunks, then both classes side by side on the mock server."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from typing import Any

import langchain_openai
import pytest
from _lckit import weather_rule
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.tools import tool
from pydantic import BaseModel

import chatplex.langchain
from chatplex.adapters.base import HELPER_PIECE_PROVIDER
from chatplex.langchain import AzureChatOpenAI
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI
from chatplex.langchain.convert import StreamTranslator
from chatplex.langchain.helper_stream import HelperPieces
from chatplex.langchain.helper_stream import helper_target
from chatplex.langchain.parsed_key import ClassFormat
from chatplex.langchain.parsed_key import cut_error
from chatplex.messages import AIMessageChunk
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from tests._local_server import Answering
from tests._local_server import serving
from tests.langchain._lckit import openai_or_azure

HEAD = {
    "provider": "openai",
    "model_provider": "openai",
    "model_name": "gpt-4o-mini",
    "system_fingerprint": "fp",
    "service_tier": "default",
}
#: The usage record as the SDK shows it (what the parser keeps for the helper).
RECORD = {"completion_tokens": 2, "prompt_tokens": 3, "total_tokens": 5}
USAGE = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}


def _run(
    chunks: list[AIMessageChunk], settings: dict[str, Any] | None = None
) -> list[ChatGenerationChunk]:
    """The pieces of `chunks` (chatplex's, as the helper-reading parser gives them) of a
    call with `settings`."""
    translate, helper = StreamTranslator(partner=True), HelperPieces(settings)
    out: list[ChatGenerationChunk] = []
    for chunk in chunks:
        message = translate.chunk(chunk)
        piece = None if message is None else ChatGenerationChunk(message=message)
        if piece is not None and chunk.response_metadata.get("finish_reason"):
            piece.generation_info = {"finish_reason": "stop", "model_name": "gpt-4o-mini"}
        out += helper.pieces(chunk, piece)
    return [*out, *helper.final()]


def _shape(piece: ChatGenerationChunk) -> tuple[Any, ...]:
    message = piece.message
    return (
        message.content,
        dict(message.response_metadata),
        piece.generation_info,
        getattr(message, "usage_metadata", None),
    )


EMPTY = ("", {}, {}, None)


def _json_text_stream() -> list[AIMessageChunk]:
    """The chunks of a reply whose text is `{"a": 1}`, to its finish reason."""
    return [
        AIMessageChunk(content="", id="c1", response_metadata=dict(HEAD)),
        AIMessageChunk(content='{"a": 1}', id="c1"),
        AIMessageChunk(
            content="", id="c1", response_metadata={"finish_reason": "stop", "provider": "openai"}
        ),
    ]


def test_a_text_stream_has_the_helpers_pieces_and_the_final_completions() -> None:
    chunks = [
        *_json_text_stream(),
        AIMessageChunk(
            content="", id="c1", response_metadata={"token_usage": RECORD}, usage_metadata=USAGE
        ),
    ]
    pieces = _run(chunks)
    assert [_shape(p) for p in pieces[:-1]] == [
        ("", {"model_provider": "openai"}, None, None),
        ('{"a": 1}', {"model_provider": "openai"}, None, None),
        # The event names no model: the finish reason alone.
        (
            "",
            {"finish_reason": "stop", "model_provider": "openai"},
            {"finish_reason": "stop"},
            None,
        ),
        EMPTY,  # content.done
        EMPTY,  # the usage chunk: no choices, so neither usage nor provider
    ]
    final = pieces[-1]
    assert final.message.content == ""
    assert final.message.additional_kwargs == {"parsed": None, "refusal": None}
    assert final.message.usage_metadata == USAGE
    assert final.generation_info == {
        "token_usage": RECORD,
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "fp",
        "id": "c1",
        "service_tier": "default",
    }
    assert list(final.message.additional_kwargs) == ["parsed", "refusal"]


def test_a_stream_without_usage_ends_on_a_completion_with_none() -> None:
    chunks = [
        AIMessageChunk(content="{}", id="c1", response_metadata=dict(HEAD)),
        AIMessageChunk(content="", id="c1", response_metadata={"finish_reason": "stop"}),
    ]
    final = _run(chunks)[-1]
    assert final.generation_info is not None and final.generation_info["token_usage"] is None
    assert final.message.usage_metadata is None


def test_a_stream_without_a_fingerprint_ends_on_a_completion_with_none() -> None:
    # The SDK's completion has the field, None: langchain-openai writes it so, in place.
    head = {k: v for k, v in HEAD.items() if k != "system_fingerprint"}
    chunks = [
        AIMessageChunk(content="{}", id="c1", response_metadata=head),
        AIMessageChunk(content="", id="c1", response_metadata={"finish_reason": "stop"}),
    ]
    assert _run(chunks)[-1].generation_info == {
        "token_usage": None,
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": None,
        "id": "c1",
        "service_tier": "default",
    }


def test_a_refusal_fires_a_delta_per_piece_and_its_done() -> None:
    chunks = [
        AIMessageChunk(content="", id="c1", response_metadata=dict(HEAD)),
        # (a refusal's stream opens with `"refusal": ""`: the helper fires its delta too)
        AIMessageChunk(content="", additional_kwargs={"refusal": ""}),
        AIMessageChunk(content="", additional_kwargs={"refusal": "I can"}),
        AIMessageChunk(content="", additional_kwargs={"refusal": "not."}),
        AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}),
    ]
    pieces = _run(chunks)
    kinds = [("empty" if _shape(p) == EMPTY else "chunk") for p in pieces[:-1]]
    # chunk, (chunk, refusal.delta) three times, (chunk, refusal.done); no content.done.
    assert kinds == ["chunk", *["chunk", "empty"] * 3, "chunk", "empty"]
    assert pieces[-1].message.additional_kwargs == {"parsed": None, "refusal": "I cannot."}
    # The refusal comes whole on the final piece alone: the stream merges to it once.
    assert all("refusal" not in p.message.additional_kwargs for p in pieces[:-1])


def test_tool_call_fragments_fire_their_deltas_and_each_calls_done() -> None:
    def fragment(index: int, args: str, name: str | None = None) -> AIMessageChunk:
        call = {"name": name, "args": args, "id": None, "index": index, "type": "tool_call_chunk"}
        return AIMessageChunk(content="", tool_call_chunks=[call])  # type: ignore[list-item]

    chunks = [
        AIMessageChunk(content="", id="c1", response_metadata=dict(HEAD)),
        fragment(0, "", "a"),
        fragment(0, "{}"),
        fragment(1, "{}", "b"),
        AIMessageChunk(content="", response_metadata={"finish_reason": "tool_calls"}),
    ]
    pieces = _run(chunks)
    empties = [_shape(p) == EMPTY for p in pieces[:-1]]
    assert empties == [
        False,
        False,
        True,  # a's first delta
        False,
        True,  # a's second delta
        False,
        True,  # b's delta
        True,  # a's done (b started)
        False,
        True,  # b's done (the finish)
    ]
    assert "tool_calls" not in pieces[-1].message.additional_kwargs


class _Answer(BaseModel):
    a: int


def test_a_format_given_as_a_class_is_parsed_into_it_on_the_final_piece() -> None:
    # The SDK's parse() reads the reply into the class langchain-openai binds.
    chunks = _json_text_stream()
    given = ClassFormat({"type": "json_schema", "json_schema": {"name": "_Answer"}}, _Answer)
    final = _run(chunks, {"response_format": given})[-1]
    assert final.message.additional_kwargs == {"parsed": _Answer(a=1), "refusal": None}
    assert _run(chunks, {"response_format": dict(given)})[-1].message.additional_kwargs == {
        "parsed": None,
        "refusal": None,
    }


def test_a_filtered_stream_raises_the_helpers_error_where_the_helper_does() -> None:
    # The openai SDK's helper: at the finishing chunk for a class's format, else reading
    # the final completion (its usage in it); a stream that finished raises nothing.
    openai = pytest.importorskip("openai")
    cut = cut_error(ChatOpenAI(model="gpt-4o-mini", api_key="sk-1").chatplex_model.adapter)
    chunks = [
        AIMessageChunk(content="", id="c1", response_metadata=dict(HEAD)),
        AIMessageChunk(content="", id="c1", response_metadata={"finish_reason": "content_filter"}),
        AIMessageChunk(
            content="", id="c1", response_metadata={"token_usage": RECORD}, usage_metadata=USAGE
        ),
    ]
    given = ClassFormat({"type": "json_schema", "json_schema": {"name": "_Answer"}}, _Answer)
    helper = HelperPieces({"response_format": given}, cut)
    helper.pieces(chunks[0], None)
    with pytest.raises(openai.ContentFilterFinishReasonError) as at_chunk:
        helper.pieces(chunks[1], None)
    assert at_chunk.value.completion.usage is None
    helper = HelperPieces({"response_format": {"type": "json_object"}}, cut)
    for chunk in chunks:
        helper.pieces(chunk, None)
    with pytest.raises(openai.ContentFilterFinishReasonError) as at_end:
        helper.final()
    assert at_end.value.completion.usage.total_tokens == 5
    finished = HelperPieces({"response_format": given}, cut)
    for chunk in _json_text_stream():
        finished.pieces(chunk, None)
    assert finished.final()[-1].message.additional_kwargs["parsed"] == _Answer(a=1)


def test_a_partners_own_provider_on_the_chunks_is_on_every_piece_but_the_final() -> None:
    # langchain-xai writes its name on each piece of the helper's stream, the empty ones
    # too; the final completion's piece is langchain-openai's (and the key goes).
    stamped = {**HEAD, HELPER_PIECE_PROVIDER: "xai"}
    chunks = [
        AIMessageChunk(content="", id="c1", response_metadata=stamped),
        AIMessageChunk(content='{"a": 1}', id="c1", response_metadata=dict(stamped)),
        AIMessageChunk(content="", id="c1", response_metadata={"finish_reason": "stop"}),
        AIMessageChunk(
            content="", id="c1", response_metadata={"token_usage": RECORD}, usage_metadata=USAGE
        ),
    ]
    pieces = _run(chunks)
    named = [p.message.response_metadata.get("model_provider") for p in pieces[:-1]]
    assert named == ["xai"] * len(named) and len(named) == 5  # content.done, the usage's
    final = pieces[-1]
    assert "model_provider" not in final.message.response_metadata
    assert final.generation_info is not None and final.generation_info["model_provider"] == "openai"
    assert all(HELPER_PIECE_PROVIDER not in p.message.response_metadata for p in pieces)
    assert HELPER_PIECE_PROVIDER not in final.generation_info


def test_a_stream_that_gave_no_chunk_has_no_final_piece() -> None:
    assert HelperPieces().final() == []


def test_only_a_response_format_call_of_a_helper_wire_reads_as_the_helper() -> None:
    openai = ChatOpenAI(model="gpt-4o-mini", api_key="sk-1").chatplex_model
    helper = helper_target(openai, {"response_format": {"type": "json_object"}})
    assert helper is not None and helper is not openai
    assert helper.adapter.reads_sdk_events and not openai.adapter.reads_sdk_events
    assert helper_target(openai, {"temperature": 0}) is None
    own = ChatOpenAI(
        model="gpt-4o-mini", api_key="sk-1", model_kwargs={"response_format": {"type": "text"}}
    )
    assert helper_target(own.chatplex_model, {}) is not None
    # A preset's partner is not compared: read as any other stream.
    groq = ChatGroq(model="llama-3.3-70b-versatile", api_key="gsk-1").chatplex_model
    assert helper_target(groq, {"response_format": {"type": "json_object"}}) is None
    assert helper_target(object(), {"response_format": {}}) is None


class _Heard(BaseCallbackHandler):
    """Every piece a run's handlers hear, and the merged generation."""

    def __init__(self) -> None:
        self.heard: list[Any] = []

    def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        message = chunk.message
        self.heard.append(
            (
                message.content,
                chunk.generation_info,
                dict(message.response_metadata),
                message.additional_kwargs,
                message.usage_metadata,
            )
        )

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        generation = response.generations[0][0]
        message = generation.message
        self.heard.append((generation.generation_info, message.additional_kwargs))


def _masked(value: Any) -> str:
    # (the ids each request or run draws: the reply's, a call's, LangChain's run's)
    return re.sub(r"chatcmpl-\w+|call_mock\w+|lc_run--[-0-9a-f]+", "<id>", repr(value))


@tool
def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"Sunny in {location}."


#: The server calls the tool for "weather in X".
SCRIPT = MockScript(rules=[weather_rule()])


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(script=SCRIPT) as running:
        yield running


SCHEMA = {
    "title": "Forecast",
    "type": "object",
    "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
    "required": ["city", "degrees"],
    "additionalProperties": False,
}
FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Forecast", "schema": SCHEMA, "strict": True},
}


async def _heard(server: MockServer, wire: str, method: str, sync: bool) -> dict[str, Any]:
    """What the run's handlers hear and what the stream gives, on each side."""
    heard = {}
    name = "AzureChatOpenAI" if wire == "azure" else "ChatOpenAI"
    ours = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    for side, cls in (("langchain", getattr(langchain_openai, name)), ("chatplex", ours)):
        model = cls(**openai_or_azure(wire, server.url))
        ask = "A forecast for Paris, as JSON."
        if method == "tools":  # an agent's ProviderStrategy: tools beside the format
            structured = model.bind_tools([get_weather], response_format=FORMAT)
            ask = "What is the weather in Paris?"
        else:
            schema = SCHEMA if method == "json_schema" else None
            structured = model.with_structured_output(schema, method=method)
        handler = _Heard()
        config: Any = {"callbacks": [handler]}
        if sync:
            out = list(structured.stream(ask, config=config))
        else:
            out = [p async for p in structured.astream(ask, config=config)]
        heard[side] = (handler.heard, out)
    return heard


def _check(heard: dict[str, Any], wire: str) -> None:
    assert _masked(heard["chatplex"]) == _masked(heard["langchain"])
    # Usage rides on the final completion's piece alone (Azure's mock streams it).
    pieces = heard["chatplex"][0]
    assert sum(p[4] is not None for p in pieces[:-1]) == (1 if wire == "azure" else 0)


# One loop for the module's async streams: langchain-openai caches its async client by
# base URL, bound to the loop that first used it.
@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire", ["openai", "azure"])
@pytest.mark.parametrize("method", ["json_schema", "json_mode", "tools"])
async def test_a_structured_stream_is_heard_as_langchain_openais(
    server: MockServer, wire: str, method: str, sync: bool
) -> None:
    _check(await _heard(server, wire, method, sync=sync), wire)


def _format_pieces(model: Any) -> list[Any]:
    """What a stream of a `response_format` call gives, piece by piece."""
    bound = model.bind(response_format=FORMAT)
    return [_seen(p) for p in bound.stream("A forecast for Paris, as JSON.")]


async def _aformat_pieces(model: Any) -> list[Any]:
    """The same, from the async stream."""
    bound = model.bind(response_format=FORMAT)
    return [_seen(p) async for p in bound.astream("A forecast for Paris, as JSON.")]


def _seen(piece: Any) -> tuple[Any, ...]:
    usage = piece.usage_metadata is not None
    return (piece.content, piece.response_metadata, piece.additional_kwargs, usage)


#: The presets whose partner class extends langchain-openai's `BaseChatOpenAI`, whose
#: inherited `_stream` takes a `response_format` call through the SDK's helper too.
_HELPER_PRESETS = {
    "deepseek": ("langchain_deepseek", "ChatDeepSeek", "deepseek-chat"),
    "xai": ("langchain_xai", "ChatXAI", "grok-4"),
}


@pytest.mark.parametrize("preset", sorted(_HELPER_PRESETS))
@pytest.mark.parametrize("stream_usage", [False, True])
def test_a_preset_extending_base_chat_openai_streams_a_format_through_the_helper(
    server: MockServer, preset: str, stream_usage: bool
) -> None:
    package, name, model = _HELPER_PRESETS[preset]
    settings = {"model": model, "api_key": "sk-mock", "base_url": server.url + "/v1"}
    settings["stream_usage"] = stream_usage
    theirs = _format_pieces(getattr(importlib.import_module(package), name)(**settings))
    ours = _format_pieces(getattr(chatplex.langchain, name)(**settings))
    assert len(theirs) > 7  # the helper's events and the final completion's piece
    assert theirs[-2][3] is stream_usage  # the final completion's piece: the usage, if any
    assert _masked_ids(ours) == _masked_ids(theirs)


def _masked_ids(pieces: list[Any]) -> list[Any]:
    return [(c, {k: v for k, v in m.items() if k != "id"}, kw, u) for c, m, kw, u in pieces]


@pytest.mark.asyncio(loop_scope="module")
async def test_deepseeks_async_stream_of_a_format_goes_through_the_helper_too(
    server: MockServer,
) -> None:
    package, name, model = _HELPER_PRESETS["deepseek"]
    settings = {"model": model, "api_key": "sk-mock", "base_url": server.url + "/v1"}
    settings["stream_usage"] = True
    theirs = await _aformat_pieces(getattr(importlib.import_module(package), name)(**settings))
    ours = await _aformat_pieces(getattr(chatplex.langchain, name)(**settings))
    assert len(theirs) > 7 and theirs[-2][2]["parsed"] is None  # the final completion's
    assert _masked_ids(ours) == _masked_ids(theirs)


class _NoFingerprint(Answering):
    """A Chat Completions stream of `{"city": "Paris", "degrees": 20}` whose chunks
    carry no `system_fingerprint` (as many compatible servers send)."""

    def do_POST(self) -> None:
        self.read_body()
        head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
        deltas = [
            {"role": "assistant", "content": '{"city": "Paris", '},
            {"content": '"degrees": 20}'},
        ]
        events = [{**head, "choices": [{"index": 0, "delta": d}]} for d in deltas]
        events.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        body = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events)
        self.answer(200, body + b"data: [DONE]\n\n", "text/event-stream")


@pytest.mark.parametrize("method", ["json_schema", "json_mode"])
def test_a_structured_stream_without_a_fingerprint_has_none_as_langchain_openais(
    method: str,
) -> None:
    seen = []
    with serving(_NoFingerprint) as url:
        for cls in (langchain_openai.ChatOpenAI, ChatOpenAI):
            model = cls(model="m", api_key="sk-mock", base_url=url + "/v1", max_retries=0)
            structured = model.with_structured_output(SCHEMA, method=method, include_raw=True)
            pieces = structured.stream("A forecast for Paris, as JSON.")
            # (a parallel map's pieces come as its branches' threads finish: any order)
            seen.append(sorted(_masked(piece) for piece in pieces))
    assert seen[1] == seen[0]
    assert any("'system_fingerprint': None" in piece for piece in seen[0])
