"""chatplex.langchain.from_langchain: LangChain's messages as chatplex's."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage as LCAI
from langchain_core.messages import ChatMessage
from langchain_core.messages import FunctionMessage
from langchain_core.messages import HumanMessage as LCHuman
from langchain_core.messages import SystemMessage as LCSystem
from langchain_core.messages import ToolMessage as LCTool

from chatplex.langchain import to_chatplex_messages
from chatplex.langchain.from_langchain import foreign_replies_as_blocks
from chatplex.messages import CALL_PLACE_KEY
from chatplex.messages import CHAT_ROLE_KEY
from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import answers_by_name
from chatplex.providers.openai.request import OPENAI_ROLE_KEY

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


def test_a_chat_message_is_its_roles_message_marked_with_the_role_given() -> None:
    critic, user, assistant = to_chatplex_messages(
        [
            ChatMessage(role="critic", content="Too long."),
            ChatMessage(role="user", content="Hi"),
            ChatMessage(role="assistant", content="Hello"),
        ]
    )
    # A role chatplex knows no turn for: a user message carrying it, for the wire whose
    # prompt writes it (the others refuse it before any request: `check_messages`).
    assert isinstance(critic, HumanMessage) and critic.text == "Too long."
    assert critic.additional_kwargs == {CHAT_ROLE_KEY: "critic"}
    assert isinstance(user, HumanMessage) and user.additional_kwargs == {CHAT_ROLE_KEY: "user"}
    assert isinstance(assistant, AIMessage)
    assert assistant.additional_kwargs == {CHAT_ROLE_KEY: "assistant"}


def test_a_function_message_is_a_result_by_name_and_its_call_stays_on_the_turn() -> None:
    legacy = {"name": "f", "arguments": '{"x": 1}'}
    turn, answer = to_chatplex_messages(
        [LCAI("", additional_kwargs={"function_call": legacy}), FunctionMessage("1", name="f")]
    )
    assert isinstance(turn, AIMessage) and turn.tool_calls == []
    assert turn.additional_kwargs == {"function_call": legacy}
    assert isinstance(answer, ToolMessage) and answers_by_name(answer)
    assert (answer.content, answer.name, answer.tool_call_id) == ("1", "f", "f")
    assert answer.additional_kwargs == {FUNCTION_RESULT_KEY: True}
    # A ToolMessage is never one, whatever its name.
    (tool,) = to_chatplex_messages([LCTool("1", tool_call_id="call_1", name="f")])
    assert not answers_by_name(tool)


def test_a_function_message_without_a_name_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"message 1: a FunctionMessage needs the function's"):
        to_chatplex_messages([LCHuman("hi"), FunctionMessage("1", name="")])


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
    assert ai.content == [  # reasoning items and text ids are kept: the Responses API replays them
        {"type": "reasoning", "reasoning": "think", "id": "r", "index": 0},
        {"type": "text", "text": "Let me add.", "id": "lc_1", "annotations": []},
    ]
    # The call keeps its block's extras (none here) and place: a wire may send it back as
    # written, where it was.
    assert ai.tool_calls == [{**CALL, "extras": {CALL_PLACE_KEY: 2}}] and ai.id == "msg_1"
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
        {"type": "image", "base64": "AAAA", "mime_type": "image/jpeg"},  # as given: each
        {"type": "image", "url": "https://example.com/cat.png"},  # wire's writer reads it
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,BBBB"}},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "C"}},
        {"type": "text", "text": "and this"},
    ]
    thinking = {"type": "thinking", "thinking": "hm", "signature": "sig"}
    (ai,) = to_chatplex_messages([LCAI(content=[{"type": "non_standard", "value": thinking}])])
    assert ai.content == [thinking]


def test_a_text_blocks_openai_cache_breakpoint_is_kept() -> None:
    # langchain-openai sends `prompt_cache_breakpoint` as given; a wire that takes none
    # (Anthropic) leaves it out itself.
    mark = {"mode": "explicit"}
    block = {"type": "text", "text": "x", "prompt_cache_breakpoint": mark, "index": 0}
    (message,) = to_chatplex_messages([LCSystem([block])])
    assert message.content == [{"type": "text", "text": "x", "prompt_cache_breakpoint": mark}]


def test_a_text_blocks_extras_are_kept_for_the_wire_to_send() -> None:
    # A Gemini 3 reply's text part signature is in its block's `extras`: each wire sends
    # it as its partner does (langchain-google-genai as the part's thoughtSignature).
    block = {"type": "text", "text": "x", "extras": {"signature": "c2ln"}, "index": 0}
    vertex = {"type": "text", "text": "y", "thought_signature": "c2ln", "index": 1}
    reply, question = to_chatplex_messages([LCAI([block, vertex]), LCHuman([block])])
    assert reply.content == [
        {"type": "text", "text": "x", "extras": {"signature": "c2ln"}},
        {"type": "text", "text": "y", "thought_signature": "c2ln"},  # -vertexai's spelling
    ]
    assert question.content == reply.content[:1]


def test_a_text_block_keeps_the_keys_the_wires_declare_and_drops_others() -> None:
    # `ProviderSpec.text_block_keys`: each wire names what its partner's text blocks carry.
    from chatplex.specs import specs

    declared = {key for s in specs().values() for key in s.text_block_keys}
    assert declared >= {"cache_control", "prompt_cache_breakpoint", "thought_signature"}
    block = {"type": "text", "text": "x", "index": 0, "no_wire_sends_this": 1}
    block.update(dict.fromkeys(declared, "v"))
    (message,) = to_chatplex_messages([LCHuman(content=[block])])
    assert message.content == [{"type": "text", "text": "x", **dict.fromkeys(declared, "v")}]


def test_a_v1_call_blocks_place_in_content_goes_with_its_call() -> None:
    """Each v1 `tool_call` block's index in the turn's content (other blocks and the
    calls placed before it counted) rides on its call (`CALL_PLACE_KEY`, beside the
    block's own `extras`), for the Responses API's items in their written order."""
    second = {"name": "add", "args": {"a": 3}, "id": "call_2", "type": "tool_call"}
    message = LCAI(
        content=[
            {"type": "tool_call", "id": "call_1", "name": "add", "args": {"a": 1, "b": 2}},
            {"type": "text", "text": "and"},
            {**second, "extras": {"item_id": "fc_2"}},
        ],
        tool_calls=[CALL, second],
    )
    (ai,) = to_chatplex_messages([message])
    assert isinstance(ai, AIMessage)
    assert ai.content == [{"type": "text", "text": "and"}]
    extras = [c.get("extras") for c in ai.tool_calls]
    assert extras == [{CALL_PLACE_KEY: 0}, {"item_id": "fc_2", CALL_PLACE_KEY: 2}]


def test_a_call_written_only_in_content_is_sent_as_a_call() -> None:
    """A v1 `tool_call` block with no entry in `tool_calls` (`AIMessage(content=[...])`
    leaves `tool_calls` empty) is a call all the same: dropping it would send the tool
    result that answers it with no call before it, which every provider refuses."""
    block = {"type": "tool_call", "id": "call_2", "name": "mul", "args": {"a": 2}}
    message = LCAI(content=[{"type": "text", "text": "hm"}, block], tool_calls=[CALL])
    assert message.tool_calls == [CALL]  # LangChain's own message keeps it in content only
    (ai,) = to_chatplex_messages([message])
    assert isinstance(ai, AIMessage)
    assert ai.content == [{"type": "text", "text": "hm"}]
    assert [(c["id"], c["name"], c["args"]) for c in ai.tool_calls] == [
        ("call_1", "add", {"a": 1, "b": 2}),
        ("call_2", "mul", {"a": 2}),
    ]


#: A web search's reply as langchain-anthropic gives it: the server's call, its result,
#: a text citing it.
_SEARCHED = LCAI(
    content=[
        {"type": "server_tool_use", "id": "srv_1", "name": "web_search", "input": {"query": "q"}},
        {"type": "web_search_tool_result", "tool_use_id": "srv_1", "content": []},
        {"type": "text", "text": "Sunny."},
    ],
    response_metadata={"model_provider": "anthropic"},
)


def test_another_providers_reply_is_read_as_langchains_v1_blocks() -> None:
    """Where a partner reads another provider's reply as LangChain's v1 blocks, its
    content is its `content_blocks`, marked v1; the wire's own replies, replies naming
    no provider and text content go as given (the same objects)."""
    own = LCAI(content=[{"type": "text", "text": "Hi."}], response_metadata={"model_provider": "g"})
    unnamed = LCAI(content=[{"type": "text", "text": "Hi."}])
    text = LCAI(content="Hi.", response_metadata={"model_provider": "anthropic"})
    given = [LCHuman("Weather?"), _SEARCHED, own, unnamed, text]
    read = foreign_replies_as_blocks(given, frozenset({"g"}))
    assert [m is g for m, g in zip(read, given, strict=True)] == [True, False, True, True, True]
    assert [b["type"] for b in read[1].content] == [  # type: ignore[index]
        "server_tool_call",
        "server_tool_result",
        "text",
    ]
    assert read[1].response_metadata == {"model_provider": "anthropic", "output_version": "v1"}
    assert _SEARCHED.content[0]["type"] == "server_tool_use"  # type: ignore[index]
    assert foreign_replies_as_blocks(given, None) is given
