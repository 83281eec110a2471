"""What LangChain gets back from ChatChatplex: a reply as a ChatResult (one generation
per candidate), a stream's pieces ended as the engine's own stream ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from _lckit import base_url
from langchain_core.outputs import ChatGenerationChunk

from chatplex.langchain import ChatChatplex
from chatplex.langchain import replies
from chatplex.langchain.convert import StreamTranslator
from chatplex.langchain.linear_merge import ChatGenerationChunk as OnePassChatGenerationChunk
from chatplex.langchain.replies import ageneration_chunks
from chatplex.langchain.replies import chat_result
from chatplex.langchain.replies import generation_chunks
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk

PROVIDERS = ["openai", "anthropic"]

#: A text chunk, then an empty one (the finish reason, the usage).
STREAM = [
    AIMessageChunk(content="hi"),
    AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}),
]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_ends_on_its_own_last_chunk(provider: str, sync: bool) -> None:
    # The engine's own stream, chunk for chunk: one chunk marked last ends both (the
    # engine's closing chunk, or LangChain's in its place; Anthropic's stop chunk).
    model = ChatChatplex(model=f"{provider}:m", base_url=base_url(provider), api_key="sk-1")
    native = list(model.chatplex_model.stream("a b"))
    chunks = list(model.stream("a b")) if sync else [c async for c in model.astream("a b")]
    assert len(chunks) == len(native)
    assert chunks[-1].chunk_position == "last"
    assert all(c.chunk_position is None for c in chunks[:-1])
    assert "".join(c.text for c in chunks) == "Echo: a b"


def test_each_candidate_is_a_generation_of_its_own() -> None:
    other = AIMessage(content="second")
    reply = AIMessage(content="first", response_metadata={"other_candidates": [other]})
    result = chat_result(reply, "openai:m")
    assert [g.message.content for g in result.generations] == ["first", "second"]
    assert "other_candidates" not in result.generations[0].message.response_metadata
    with pytest.raises(TypeError, match="returned str"):
        chat_result("not a message")


@pytest.mark.parametrize(
    ("provider", "kept"),
    [
        ("openai", {"finish_reason": "stop", "logprobs": None}),
        ("groq", {"finish_reason": "stop", "logprobs": None, "model_provider": "groq"}),
    ],
)
def test_several_candidates_keep_their_choices_keys_and_the_replys_usage(
    provider: str, kept: dict[str, Any]
) -> None:
    # As langchain-openai's and langchain-groq's _create_chat_result: the response's
    # fields go in the llm_output alone (LangChain copies it into a message only when it
    # is the sole generation), each choice's message has the usage, the first alone the
    # refusal; the second candidate names the first's wire.
    usage = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    meta = {
        "finish_reason": "stop",
        "logprobs": None,
        "model_name": "m",
        "id": "chatcmpl-1",
        "system_fingerprint": "fp",
        "token_usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    other = AIMessage(
        content="second",
        additional_kwargs={"refusal": None},
        response_metadata={**meta, "model_provider": "openai"},
    )
    reply = AIMessage(
        content="first",
        additional_kwargs={"refusal": None},
        usage_metadata=usage,  # type: ignore[arg-type]
        response_metadata={**meta, "model_provider": provider, "other_candidates": [other]},
    )
    result = chat_result(reply)
    first, second = (g.message for g in result.generations)
    assert first.response_metadata == kept == second.response_metadata
    assert first.usage_metadata == usage == second.usage_metadata  # type: ignore[attr-defined]
    assert (first.additional_kwargs, second.additional_kwargs) == ({"refusal": None}, {})
    assert (result.llm_output or {})["model_name"] == "m"


def test_several_fireworks_candidates_keep_the_fields_it_writes_on_each_choice() -> None:
    # langchain-fireworks' _create_chat_result writes model_provider, model_name and the
    # tier on every choice's message; the usage and fingerprint go in the llm_output
    # alone, which LangChain copies into a message only when it is the sole generation.
    meta = {
        "finish_reason": "stop",
        "logprobs": None,
        "token_usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        "system_fingerprint": "fp",
        "service_tier": "default",
        "model_provider": "fireworks",
        "model_name": "m",
        "id": "chatcmpl-1",
    }
    other = AIMessage(content="second", response_metadata=dict(meta))
    reply = AIMessage(content="first", response_metadata={**meta, "other_candidates": [other]})
    result = chat_result(reply)
    kept = {
        "finish_reason": "stop",
        "logprobs": None,
        "model_provider": "fireworks",
        "model_name": "m",
        "service_tier": "default",
    }
    for generation in result.generations:
        assert generation.message.response_metadata == kept
        assert list(generation.message.response_metadata) == list(kept)
    assert (result.llm_output or {})["system_fingerprint"] == "fp"


def test_a_candidate_names_no_provider_where_its_partner_names_none() -> None:
    # langchain-sambanova writes no model_provider on any choice; the OpenAI adapter
    # named one on the other candidates.
    other = AIMessage(content="second", response_metadata={"model_provider": "openai"})
    reply = AIMessage(
        content="first",
        response_metadata={"model_name": "m", "other_candidates": [other]},
    )
    second = chat_result(reply).generations[1].message
    assert "model_provider" not in second.response_metadata


async def _pieces(
    chunks: list[Any],
    *,
    hold: bool,
    sync: bool,
    partner: bool = False,
    label: str | None = None,
    helper: bool = False,
) -> list[ChatGenerationChunk]:
    translate = StreamTranslator(partner=partner)
    read = {"hold": hold, "label": label, "helper": helper}
    if sync:
        return list(generation_chunks(iter(chunks), translate, **read))

    async def stream() -> AsyncIterator[Any]:
        for chunk in chunks:
            yield chunk

    return [p async for p in ageneration_chunks(stream(), translate, **read)]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_held_the_empty_last_piece_ends_the_stream_marked_last(sync: bool) -> None:
    pieces = await _pieces(STREAM, hold=True, sync=sync)
    assert [p.text for p in pieces] == ["hi", ""]
    assert [p.message.chunk_position for p in pieces] == [None, "last"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_not_held_the_pieces_pass_unmarked(sync: bool) -> None:
    pieces = await _pieces(STREAM, hold=False, sync=sync)
    assert [p.message.chunk_position for p in pieces] == [None, None]  # type: ignore[attr-defined]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_empty_piece_followed_by_more_is_passed_on_unmarked(sync: bool) -> None:
    pieces = await _pieces([*STREAM, AIMessageChunk(content="more")], hold=True, sync=sync)
    assert [p.text for p in pieces] == ["hi", "", "more"]
    assert all(p.message.chunk_position is None for p in pieces)  # type: ignore[attr-defined]


def test_a_whole_reply_streams_as_one_piece_and_anything_else_is_refused() -> None:
    reply = AIMessage(content="whole", tool_calls=[{"name": "f", "args": {"a": 1}, "id": "c1"}])
    (piece,) = list(generation_chunks(iter([reply]), StreamTranslator(), hold=False))
    assert piece.text == "whole"
    assert [c["name"] for c in piece.message.tool_calls] == ["f"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="streamed str"):
        list(generation_chunks(iter(["text"]), StreamTranslator(), hold=False))


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_chunk_that_translates_to_nothing_is_not_passed_on(sync: bool) -> None:
    # The end of an Anthropic tool_use block (its parsed input): langchain-anthropic
    # yields nothing at content_block_stop.
    start = {"type": "tool_use", "id": "t1", "name": "f", "input": {}, "index": 0}
    call = {"name": "f", "args": "", "id": "t1", "index": 0, "type": "tool_call_chunk"}
    chunks = [
        AIMessageChunk(content="", response_metadata={"model_provider": "anthropic"}),
        AIMessageChunk(content=[start], tool_call_chunks=[call]),  # type: ignore[list-item]
        AIMessageChunk(content=[{"type": "tool_use", "input": {}, "index": 0}]),
        AIMessageChunk(content="", response_metadata={"stop_reason": "tool_use"}),
    ]
    pieces = await _pieces(chunks, hold=False, sync=sync)
    assert [p.message.response_metadata.get("stop_reason") for p in pieces] == [
        None,
        None,
        "tool_use",
    ]


def test_an_openai_reply_carries_langchain_openais_generation_info_and_llm_output() -> None:
    # What on_llm_end and generate() show (and LangChain copies into the message).
    meta = {
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "finish_reason": "stop",
        "token_usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    result = chat_result(AIMessage(content="hi", response_metadata=meta), "openai:m")
    [generation] = result.generations
    assert generation.generation_info == {"finish_reason": "stop", "logprobs": None}
    assert result.llm_output == {
        "model_provider": "openai",
        "model_name": "gpt-4o-mini",
        "system_fingerprint": "",
        "token_usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


def test_an_openai_reply_names_its_provider_in_the_llm_output_alone() -> None:
    # As langchain-openai's Chat Completions message: LangChain copies model_provider
    # in from the llm_output only after writing output_version="v1" content, so those
    # blocks are LangChain's generic ones (a tool call's keys: type, id, name, args).
    meta = {"model_provider": "openai", "model_name": "gpt-4o-mini", "finish_reason": "stop"}
    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}
    reply = AIMessage(content="", tool_calls=[call], response_metadata=meta)
    result = chat_result(reply, "openai:m")
    [generation] = result.generations
    assert "model_provider" not in generation.message.response_metadata
    assert result.llm_output is not None and result.llm_output["model_provider"] == "openai"
    assert list(generation.message.content_blocks[0]) == ["type", "id", "name", "args"]


def test_an_anthropic_reply_carries_its_fields_as_llm_output() -> None:
    # langchain-anthropic's llm_output: the reply's fields, without the provider's name
    # (LangChain copies llm_output into response_metadata: nothing may be added there).
    meta = {
        "model_provider": "anthropic",
        "provider": "anthropic",
        "model": "claude",
        "stop_reason": "end_turn",
        "request_id": "req_1",  # chatplex's own keys: not the partner's
        "attempts": 1,
    }
    result = chat_result(AIMessage(content="hi", response_metadata=meta), "anthropic:m")
    [generation] = result.generations
    assert generation.generation_info is None
    assert result.llm_output is not None
    assert result.llm_output == {
        "model": "claude",
        "stop_reason": "end_turn",
        "model_name": generation.message.response_metadata["model_name"],
    }
    assert result.llm_output.items() <= generation.message.response_metadata.items()


def test_a_reply_of_a_wire_rebuilt_no_way_carries_neither() -> None:
    meta = {
        "model_provider": "bedrock_converse",
        "provider": "bedrock_converse",
        "finish_reason": "stop",
    }
    result = chat_result(AIMessage(content="hi", response_metadata=meta), "bedrock_converse:m")
    assert result.llm_output is None and result.generations[0].generation_info is None


def test_a_cohere_reply_carries_its_info_and_no_llm_output() -> None:
    # langchain-cohere's _get_generation_info_v2: the reply's id, finish reason and token
    # count (its plan, calls, citations where it has them); no llm_output.
    tokens = {"input_tokens": 8.0, "output_tokens": 6.0}
    meta = {
        "id": "r1",
        "finish_reason": "MAX_TOKENS",
        "token_count": tokens,
        "model_provider": "cohere",
        "provider": "cohere",
        "raw_finish_reason": "MAX_TOKENS",
    }
    result = chat_result(AIMessage(content="hi", response_metadata=meta), "cohere:m")
    info = {"id": "r1", "finish_reason": "MAX_TOKENS", "token_count": tokens}
    assert result.llm_output is None and result.generations[0].generation_info == info


#: A Groq reply (over the Chat Completions wire, `provider="openai"`), as chatplex has it.
GROQ = {
    "token_usage": {"prompt_tokens": 8, "completion_tokens": 6, "queue_time": None},
    "model_name": "llama-3.3-70b-versatile",
    "system_fingerprint": "fp_1",
    "service_tier": "on_demand",
    "finish_reason": "stop",
    "logprobs": None,
    "model_provider": "groq",
    "provider": "openai",
    "raw_finish_reason": "stop",
    "request_id": "req_1",
    "attempts": 1,
}


@pytest.mark.parametrize(
    ("meta", "info", "llm_output"),
    [
        (  # langchain-groq's _create_chat_result
            GROQ,
            {"finish_reason": "stop", "logprobs": None},
            {
                "token_usage": GROQ["token_usage"],
                "model_name": "llama-3.3-70b-versatile",
                "system_fingerprint": "fp_1",
                "service_tier": "on_demand",
            },
        ),
        (  # langchain-mistralai's: the finish reason alone; usage, model_name and model
            {
                "model_provider": "mistralai",
                "provider": "openai",
                "model_name": "mistral-small-latest",
                "model": "mistral-small-latest",
                "finish_reason": "stop",
                "request_id": "req_1",
            },
            {"finish_reason": "stop"},
            {
                "token_usage": {},
                "model_name": "mistral-small-latest",
                "model": "mistral-small-latest",
            },
        ),
        (  # langchain-google-genai's: the candidate's word, model, ratings; llm_output {}
            {
                "model_provider": "google_genai",
                "provider": "google_genai",
                "model_name": "gemini-2.5-flash",
                "finish_reason": "STOP",
                "raw_finish_reason": "STOP",
                "safety_ratings": [],
            },
            {"finish_reason": "STOP", "model_name": "gemini-2.5-flash", "safety_ratings": []},
            {},
        ),
        (  # langchain-ollama's: the reply's own fields, no llm_output
            {
                "model_provider": "ollama",
                "provider": "ollama",
                "model": "llama3.2",
                "model_name": "llama3.2",
                "done": True,
                "done_reason": "stop",
                "eval_count": 6,
                "finish_reason": "stop",
                "raw_finish_reason": "stop",
                "attempts": 1,
            },
            {
                "model_provider": "ollama",
                "model": "llama3.2",
                "done": True,
                "done_reason": "stop",
                "eval_count": 6,
                "model_name": "llama3.2",
            },
            None,
        ),
    ],
    ids=["groq", "mistralai", "gemini", "ollama"],
)
def test_a_reply_carries_what_its_partner_copies_key_by_key(
    meta: dict[str, Any], info: dict[str, Any], llm_output: dict[str, Any] | None
) -> None:
    result = chat_result(AIMessage(content="hi", response_metadata=meta), "x:m")
    [generation] = result.generations
    assert generation.generation_info == info
    assert result.llm_output == llm_output
    # LangChain merges both into the message: they hold nothing the reply has not.
    assert info.items() <= generation.message.response_metadata.items()


#: A SambaNova reply as chatplex has it: langchain-sambanova names no provider.
SAMBANOVA = {
    "token_usage": {"prompt_tokens": 8, "completion_tokens": 5, "total_tokens": 13},
    "model_name": "Meta-Llama-3.3-70B-Instruct",
    "system_fingerprint": "fp_1",
    "finish_reason": "length",
    "logprobs": None,
    "provider": "openai",
    "raw_finish_reason": "length",
    "request_id": "req_1",
    "attempts": 1,
}


def test_a_reply_that_names_no_provider_takes_its_drop_ins_wire_style() -> None:
    # langchain-sambanova's _create_chat_result: the choice's finish reason and logprobs,
    # an llm_output of the usage, model name and fingerprint.
    reply = AIMessage(content="hi", response_metadata=SAMBANOVA)
    result = chat_result(reply, None, "sambanova")
    [generation] = result.generations
    assert generation.generation_info == {"finish_reason": "length", "logprobs": None}
    assert result.llm_output == {
        "token_usage": SAMBANOVA["token_usage"],
        "model_name": "Meta-Llama-3.3-70B-Instruct",
        "system_fingerprint": "fp_1",
    }
    # Without the drop-in's wire (chatplex's own model) the reply is its own, as before.
    plain = chat_result(reply, "x:m")
    assert plain.llm_output is None and plain.generations[0].generation_info is None


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_that_names_no_provider_takes_its_drop_ins_wire_style(sync: bool) -> None:
    # langchain-sambanova's stream gives its finishing piece the finish reason, model
    # name and fingerprint as generation_info (what set_debug prints of the merged run);
    # its chunks name no provider, so the drop-in's wire says the style.
    chunks = [
        AIMessageChunk(content="hi"),
        AIMessageChunk(
            content="",
            response_metadata={
                "finish_reason": "stop",
                "model_name": "Meta-Llama-3.3-70B-Instruct",
                "system_fingerprint": "fp_1",
            },
        ),
    ]
    pieces = await _pieces(chunks, hold=False, sync=sync, label="sambanova")
    assert [p.generation_info for p in pieces] == [
        None,
        {
            "finish_reason": "stop",
            "model_name": "Meta-Llama-3.3-70B-Instruct",
            "system_fingerprint": "fp_1",
        },
    ]
    # Without the drop-in's wire (chatplex's own model) the pieces carry none.
    plain = await _pieces(chunks, hold=False, sync=sync)
    assert [p.generation_info for p in plain] == [None, None]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_each_streamed_key_rides_on_the_piece_that_carries_it(sync: bool) -> None:
    # chatplex's stream names the model on its first chunk, langchain-openai's on the
    # finishing one: the merged stream's generation_info has each key once either way
    # (LangChain merges it into the piece's metadata: on another piece, joined twice).
    chunks = [
        AIMessageChunk(
            content="hi",
            response_metadata={
                "model_provider": "openai",
                "model_name": "gpt-4o-mini",
                "service_tier": "default",
            },
        ),
        AIMessageChunk(content=" there", response_metadata={"model_provider": "openai"}),
        AIMessageChunk(
            content="", response_metadata={"model_provider": "openai", "finish_reason": "stop"}
        ),
    ]
    pieces = await _pieces(chunks, hold=False, sync=sync)
    assert [p.generation_info for p in pieces] == [
        {"model_name": "gpt-4o-mini", "service_tier": "default"},
        None,
        {"finish_reason": "stop"},
    ]
    merged = pieces[0] + pieces[1] + pieces[2]
    assert merged.generation_info == {
        "model_name": "gpt-4o-mini",
        "service_tier": "default",
        "finish_reason": "stop",
    }


def _finished(provider: str, **finish: Any) -> list[AIMessageChunk]:
    """A stream of `provider`'s: a piece of text, then an empty piece finishing it
    (`finish`: its metadata beside the provider's name)."""
    return [
        AIMessageChunk(content="hi", response_metadata={"model_provider": provider}),
        AIMessageChunk(content="", response_metadata={"model_provider": provider, **finish}),
    ]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_gemini_stream_finishes_with_the_candidates_fields(sync: bool) -> None:
    chunks = _finished(
        "google_genai",
        finish_reason="stop",
        raw_finish_reason="STOP",
        model_name="gemini-2.5-flash",
        safety_ratings=[],
    )
    pieces = await _pieces(chunks, hold=False, sync=sync)
    assert [p.generation_info for p in pieces] == [
        None,
        {"finish_reason": "STOP", "model_name": "gemini-2.5-flash", "safety_ratings": []},
    ]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_the_finishing_piece_alone_carries_generation_info(sync: bool) -> None:
    chunks = _finished(
        "openai", finish_reason="stop", model_name="gpt-4o-mini", system_fingerprint="fp"
    )
    pieces = await _pieces(chunks, hold=False, sync=sync)
    assert [p.generation_info for p in pieces] == [
        None,
        {"finish_reason": "stop", "model_name": "gpt-4o-mini", "system_fingerprint": "fp"},
    ]
    anthropic = [AIMessageChunk(content="", response_metadata={"finish_reason": "stop"})]
    [piece] = await _pieces(anthropic, hold=False, sync=sync)
    assert piece.generation_info is None


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_finishing_piece_that_names_no_provider_keeps_its_partners_info(
    sync: bool,
) -> None:
    # langchain-groq's finishing chunk has no model_provider (its metadata is its
    # generation info alone): the info is still read in Groq's style.
    head = {"provider": "groq", "model_provider": "groq", "model_name": "llama"}
    chunks = [
        AIMessageChunk(content="hi", response_metadata={**head, "system_fingerprint": "fp"}),
        AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}),
    ]
    pieces = await _pieces(chunks, hold=False, sync=sync, partner=True)
    assert pieces[1].message.response_metadata == {
        "finish_reason": "stop",
        "model_name": "llama",
        "system_fingerprint": "fp",
    }
    assert pieces[1].generation_info == {
        "finish_reason": "stop",
        "model_name": "llama",
        "system_fingerprint": "fp",
    }


async def _json_reply_pieces(sync: bool, helper: bool) -> list[Any]:
    """The pieces of an OpenAI stream of `{}` then its finish (held, as a drop-in holds
    its last piece), read sync or async, as the SDK helper's or chatplex's own."""
    head = {"provider": "openai", "model_provider": "openai", "model_name": "gpt"}
    chunks = [
        AIMessageChunk(content="{}", id="c1", response_metadata=head),
        AIMessageChunk(content="", id="c1", response_metadata={"finish_reason": "stop"}),
    ]
    return await _pieces(chunks, hold=True, sync=sync, partner=True, helper=helper)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_read_as_the_sdk_helper_a_stream_ends_on_the_final_completions_piece(
    sync: bool,
) -> None:
    # (The helper's pieces themselves: tests/langchain/test_helper_stream.py.)
    pieces = await _json_reply_pieces(sync, helper=True)
    # the text, the finish reason, content.done, the final completion (none held back)
    assert [p.generation_info for p in pieces[1:3]] == [{"finish_reason": "stop"}, {}]
    final = pieces[-1]
    assert len(pieces) == 4 and final.message.chunk_position is None
    assert final.message.additional_kwargs == {"parsed": None, "refusal": None}
    assert final.generation_info is not None and final.generation_info["id"] == "c1"


@pytest.mark.parametrize("provider", ["openai", "groq", "google_genai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_streams_middle_pieces_get_the_generation_info_each_would_alone(
    provider: str, sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A piece whose metadata equals one that gave no generation_info gives none without
    # asking again: each piece's info is what `_piece_info` makes of it.
    head = {"provider": provider, "model_provider": provider, "model_name": "m"}
    chunks = [
        AIMessageChunk(content="", response_metadata=head),
        *(AIMessageChunk(content=t) for t in ("a", "b", "c")),
        AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}),
        AIMessageChunk(content="", chunk_position="last"),
    ]

    fast = await _pieces(chunks, hold=False, sync=sync, partner=True)
    monkeypatch.setattr(
        replies._Ending,
        "_info",
        lambda self, chunk, message: replies._piece_info(chunk, message, self.provider),
    )
    slow = await _pieces(chunks, hold=False, sync=sync, partner=True)
    assert [p.generation_info for p in fast] == [p.generation_info for p in slow]
    assert fast == slow
    # The finishing piece's, where the partner gives one (langchain-anthropic's: none).
    assert any(p.generation_info for p in fast) == (provider != "anthropic")


@pytest.mark.parametrize("helper", [False, True], ids=["pieces", "sdk_helper"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_streams_first_piece_merges_the_stream_in_one_pass(
    helper: bool, sync: bool
) -> None:
    # LangChain merges a stream through its first piece (`chunks[0] + chunks[1:]`):
    # linear_merge.py's class, the others LangChain's; the merge is LangChain's.
    pieces = await _json_reply_pieces(sync, helper)
    assert len(pieces) == (4 if helper else 2)
    assert type(pieces[0]) is OnePassChatGenerationChunk
    assert {type(p) for p in pieces[1:]} == {ChatGenerationChunk}
    plain = [ChatGenerationChunk(**p.__dict__) for p in pieces]
    merged, theirs = pieces[0] + pieces[1:], plain[0] + plain[1:]
    assert type(merged) is type(theirs) is ChatGenerationChunk
    assert merged.model_dump() == theirs.model_dump()


def _finishing_piece() -> ChatGenerationChunk:
    from langchain_core.messages import AIMessageChunk as LCAIMessageChunk

    meta = {"finish_reason": "stop", "model_name": "m", "model_provider": "p"}
    message = LCAIMessageChunk(content="", response_metadata=meta)
    return ChatGenerationChunk(
        message=message, generation_info={"finish_reason": "stop", "model_name": "m"}
    )


def test_a_piece_as_made_keeps_in_its_metadata_only_the_info_keys_its_partner_keeps() -> None:
    piece = _finishing_piece()
    apart = replies.as_made(piece)
    assert apart.message.response_metadata == {"model_provider": "p"}
    assert apart.generation_info == piece.generation_info
    some = replies.as_made(piece, frozenset({"model_name"}))
    assert some.message.response_metadata == {"model_name": "m", "model_provider": "p"}
    assert replies.as_made(piece, True) is piece
    assert piece.message.response_metadata["finish_reason"] == "stop"  # (not changed)


class _Run:
    """A run's manager, as `reported` calls it: each told token and its keywords."""

    def __init__(self) -> None:
        self.told: list[tuple[Any, dict[str, Any]]] = []

    def on_llm_new_token(self, token: Any, **keywords: Any) -> None:
        self.told.append((token, keywords))


class _AsyncRun(_Run):
    async def on_llm_new_token(self, token: Any, **keywords: Any) -> None:  # type: ignore[override]
        self.told.append((token, keywords))


def _tell(piece: ChatGenerationChunk) -> tuple[Any, dict[str, Any]] | None:
    """Each piece's text with its length, none of an empty one."""
    return (piece.text, {"n": len(piece.text)}) if piece.text else None


def _told_pieces() -> list[ChatGenerationChunk]:
    from langchain_core.messages import AIMessageChunk as LCAIMessageChunk

    return [ChatGenerationChunk(message=LCAIMessageChunk(content=t)) for t in ("ab", "", "c")]


def test_a_stream_reported_tells_the_run_what_its_teller_says_of_each_piece() -> None:
    run, pieces = _Run(), _told_pieces()
    assert list(replies.reported(iter(pieces), run, _tell)) == pieces  # type: ignore[arg-type]
    assert run.told == [("ab", {"n": 2}), ("c", {"n": 1})]
    assert list(replies.reported(iter(pieces), None, _tell)) == pieces


async def test_an_async_stream_reported_tells_the_run_the_same() -> None:
    run, pieces = _AsyncRun(), _told_pieces()

    async def given() -> AsyncIterator[ChatGenerationChunk]:
        for piece in pieces:
            yield piece

    got = [p async for p in replies.areported(given(), run, _tell)]  # type: ignore[arg-type]
    assert got == pieces
    assert run.told == [("ab", {"n": 2}), ("c", {"n": 1})]


def test_an_invoke_streaming_underneath_tells_each_piece_its_text_the_piece_as_made() -> None:
    run, piece = _Run(), _finishing_piece()
    replies.merged_result(iter([piece]), run, {"verbose": True})  # type: ignore[arg-type]
    [(token, keywords)] = run.told
    assert token == "" and keywords["verbose"] is True
    assert keywords["chunk"].message.response_metadata == {"model_provider": "p"}


def test_a_drop_ins_stream_gives_each_piece_as_its_partner_makes_it_told_or_not() -> None:
    run, piece = _Run(), _finishing_piece()
    [given] = replies.reported(iter([piece]), None, _tell, frozenset())  # type: ignore[arg-type]
    assert given.message.response_metadata == {"model_provider": "p"}  # (the rest in its info)
    [kept] = replies.reported(iter([piece]), run, _tell, True)  # type: ignore[arg-type]
    assert kept is piece and run.told == []  # (an empty piece: `_tell` tells none)


def test_a_drop_in_tells_as_its_partner_and_chatplexs_own_model_tells_nothing() -> None:
    from chatplex.langchain import ChatOpenAI
    from chatplex.providers.openai.adapter import OpenAIAdapter

    drop_in = ChatOpenAI(model="gpt-4o-mini", api_key="sk-x", logprobs=True)
    told = replies.partner_teller(drop_in, OpenAIAdapter(api_key="sk-x"))
    assert told is not None
    tell, keeps = told
    piece = _told_pieces()[0]
    assert tell(piece) == ("ab", {"chunk": piece, "logprobs": None}) and keeps == frozenset()
    own = ChatChatplex(model="openai:m", base_url=base_url("openai"), api_key="sk-x")
    assert replies.partner_teller(own, OpenAIAdapter(api_key="sk-x")) is None
