"""chatplex.langchain.convert: messages both ways, and streams chunk by chunk."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage as LCAI
from langchain_core.messages import AIMessageChunk as LCChunk
from langchain_core.messages import ChatMessage
from langchain_core.messages import FunctionMessage
from langchain_core.messages import HumanMessage as LCHuman
from langchain_core.messages import SystemMessage as LCSystem
from langchain_core.messages import ToolMessage as LCTool

from chatplex.langchain import StreamTranslator
from chatplex.langchain import to_chatplex_messages
from chatplex.langchain import to_langchain_message
from chatplex.lean import init_chat_model
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock import response  # noqa: F401  (registers Converse's content_blocks)
from chatplex.providers.openai.adapter import OPENAI_ROLE_KEY
from chatplex.testing import MockScript
from chatplex.testing import MockServer

CALL = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}


def test_system_human_tool_and_chat_messages() -> None:
    out = to_chatplex_messages(
        [
            LCSystem("rules", additional_kwargs={"__openai_role__": "developer"}),
            LCHuman("hi", name="ann", id="h1"),
            LCTool("3", tool_call_id="call_1", status="error", name="add"),
            ChatMessage(role="user", content="again"),
        ]
    )
    system, human, tool, chat = out
    assert isinstance(system, SystemMessage)
    assert system.additional_kwargs == {OPENAI_ROLE_KEY: "developer"}
    assert isinstance(human, HumanMessage) and (human.name, human.id) == ("ann", "h1")
    assert isinstance(tool, ToolMessage)
    assert (tool.tool_call_id, tool.status, tool.content) == ("call_1", "error", "3")
    assert isinstance(chat, HumanMessage) and chat.text == "again"
    with pytest.raises(TypeError, match="FunctionMessage"):
        to_chatplex_messages([FunctionMessage("1", name="f")])


def test_v1_ai_content_keeps_text_and_moves_calls_to_tool_calls() -> None:
    message = LCAI(
        content=[
            {"type": "reasoning", "reasoning": "think", "id": "r", "index": 0},
            {"type": "text", "text": "Let me add.", "index": 1, "id": "lc_1", "annotations": []},
            {"type": "tool_call", **{k: v for k, v in CALL.items() if k != "type"}},
        ],
        tool_calls=[CALL],
        usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
        id="msg_1",
    )
    (ai,) = to_chatplex_messages([message])
    assert isinstance(ai, AIMessage)
    assert ai.content == [
        {"type": "reasoning", "reasoning": "think"},
        {"type": "text", "text": "Let me add."},
    ]
    assert ai.tool_calls == [CALL] and ai.id == "msg_1"
    assert ai.usage_metadata == {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}


def test_anthropic_tool_use_blocks_become_tool_calls_once() -> None:
    tool_use = {"type": "tool_use", "id": "call_1", "name": "add", "input": {"a": 1, "b": 2}}
    orphan = {"type": "tool_use", "id": "call_2", "name": "mul", "input": {"a": 2}}
    message = LCAI(
        content=[
            {"type": "text", "text": "hm", "cache_control": {"type": "ephemeral"}},
            tool_use,
            orphan,
        ],
        tool_calls=[CALL],
    )
    (ai,) = to_chatplex_messages([message])
    assert isinstance(ai, AIMessage)
    assert ai.content == [{"type": "text", "text": "hm", "cache_control": {"type": "ephemeral"}}]
    assert [c["id"] for c in ai.tool_calls] == ["call_1", "call_2"]
    assert ai.tool_calls[1]["args"] == {"a": 2}


def test_image_and_wrapped_blocks() -> None:
    human = LCHuman(
        content=[
            {"type": "text", "text": "what is this?"},
            {"type": "image", "base64": "AAAA", "mime_type": "image/jpeg"},
            {"type": "image", "url": "https://example.com/cat.png"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,BBBB"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "C"}},
            "and this",
        ]
    )
    (out,) = to_chatplex_messages([human])
    assert out.content == [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAAA"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,BBBB"}},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "C"}},
        {"type": "text", "text": "and this"},
    ]
    thinking = {"type": "thinking", "thinking": "hm", "signature": "sig"}
    (ai,) = to_chatplex_messages([LCAI(content=[{"type": "non_standard", "value": thinking}])])
    assert ai.content == [thinking]


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


def test_a_content_list_with_bare_strings_keeps_them() -> None:
    # LangChain's content type allows strings beside blocks (a Vertex thinking reply
    # had one); each string stays a string, each block a copy.
    text = {"type": "text", "text": "b"}
    out = to_langchain_message(AIMessage(content=["a", text]))  # type: ignore[list-item]
    assert out.content == ["a", text] and out.content[1] is not text


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
        merged = _merged([translate.chunk(c) for c in model.stream(question)])
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
