"""Converse's conversation (`providers/bedrock/conversation.py`): system messages
wherever they stand, runs merged as langchain-aws merges them, blank turns as ".",
reasoning sent back, Converse's own blocks as they are, server-side tool use sent back
(against a recorded next turn), and bad input refused naming the message; every body
accepted by botocore's validation."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.adapter import BedrockAdapter
from chatplex.providers.bedrock.conversation import wire_messages
from chatplex.providers.bedrock.request import converse_body
from chatplex.providers.bedrock.response import parse_reply
from tests.adapters._corpus import Case
from tests.adapters._corpus import corpus_case

from ._converse_requests import PNG
from ._converse_requests import botocore_accepts
from ._converse_requests import botocore_session
from ._converse_requests import validate_parameters


def test_a_system_prompt_alone_goes_with_a_placeholder_user_turn() -> None:
    """As langchain-aws sends it (`_messages_to_bedrock`): a call, and the token count
    trim_messages(token_counter=model) asks of the system message by itself."""
    system, turns = wire_messages([SystemMessage("Be brief.")])
    assert system == [{"text": "Be brief."}]
    assert turns == [{"role": "user", "content": [{"text": "."}]}]
    botocore_accepts(converse_body([SystemMessage("Be brief.")], CallSettings(model="m")))


@pytest.mark.parametrize(
    ("content", "system"),
    [
        ("", [{"text": "."}]),
        ("  ", [{"text": "."}]),
        ([], [{"text": "."}]),
        ([{"type": "text", "text": ""}], [{"text": "."}]),
        (
            [{"type": "text", "text": "a"}, {"type": "text", "text": " "}],
            [{"text": "a"}, {"text": "."}],
        ),
        (
            [{"type": "text", "text": ""}, {"cachePoint": {"type": "default"}}],
            [{"text": "."}, {"cachePoint": {"type": "default"}}],
        ),
    ],
)
def test_a_blank_system_prompt_goes_as_a_placeholder_as_langchain_aws_sends_it(
    content: Any, system: list[dict[str, Any]]
) -> None:
    """langchain-aws's `_lc_content_to_bedrock`: blank system text (an agent's empty
    system prompt: deepagents' `create_deep_agent` without one) goes as ".", so the
    cache point its prompt-caching middleware adds follows it; it was left out, and
    the cache point with it."""
    said = [SystemMessage(content), HumanMessage("x")]
    assert wire_messages(said)[0] == system
    botocore_accepts(converse_body(said, CallSettings(model="m")))


def test_system_messages_go_to_system_wherever_they_stand_runs_merged_as_langchain() -> None:
    # langchain-aws merges runs (LangChain's merge_message_runs: texts joined by a
    # newline) and moves every system message into `system`, a later one included.
    messages = [
        SystemMessage("You are a bot."),
        SystemMessage("Be brief."),
        HumanMessage("Say hello"),
        AIMessage("Hello"),
        SystemMessage([{"type": "text", "text": "In French."}]),
        SystemMessage("Short."),
        HumanMessage("Again"),
    ]
    system, turns = wire_messages(messages)
    assert system == [
        {"text": "You are a bot.\nBe brief."},
        {"text": "In French."},
        {"text": "Short."},
    ]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert turns[2]["content"] == [{"text": "Again"}]


def test_a_run_of_user_messages_is_one_as_langchain_aws_merges_it() -> None:
    said = [HumanMessage("Say hello"), HumanMessage("to my friend")]
    assert wire_messages(said)[1] == [
        {"role": "user", "content": [{"text": "Say hello\nto my friend"}]}
    ]
    blocks = [HumanMessage("Say hello"), HumanMessage([{"type": "text", "text": "to all"}])]
    assert wire_messages(blocks)[1] == [
        {"role": "user", "content": [{"text": "Say hello"}, {"text": "to all"}]}
    ]
    # A tool result between two user messages keeps them apart (as LangChain's runs do),
    # the turns still merged into one user turn.
    called = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "t1"}])
    apart = [HumanMessage("a"), called, ToolMessage("r", tool_call_id="t1"), HumanMessage("b")]
    assert wire_messages(apart)[1][2]["content"] == [
        {"toolResult": {"toolUseId": "t1", "content": [{"text": "r"}], "status": "success"}},
        {"text": "b"},
    ]


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        ([AIMessage("first")], "start with a user message"),
        (
            [HumanMessage([{"type": "image_url", "image_url": {"url": "https://x/cat.png"}}])],
            "^The image URL provided is not supported. Expected image URL format is ",
        ),
        (
            [HumanMessage([{"type": "image", "base64": PNG, "mime_type": "image/tiff"}])],
            "image/tiff",
        ),
        (
            [HumanMessage([{"type": "image", "base64": "not base64!", "mime_type": "image/png"}])],
            "not base64",
        ),
        ([HumanMessage([{"type": "image", "mime_type": "image/png"}])], "^Image data only"),
        ([HumanMessage([{"type": "image", "url": "https://x/cat.png"}])], "^Image data only"),
        (
            [HumanMessage([{"type": "image", "base64": "", "mime_type": "image/png"}])],
            "no base64 data",
        ),
        ([HumanMessage([{"type": "audio", "data": "x"}])], "'audio' is not sent"),
    ],
)
def test_bad_input_is_refused_naming_the_message(messages: list[Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        wire_messages(messages)


def test_an_empty_assistant_turn_goes_as_a_dot() -> None:
    # As langchain-aws: Bedrock rejects an empty turn; left out, the user turns would merge.
    _, turns = wire_messages([HumanMessage("a"), AIMessage(" "), HumanMessage("b")])
    assert turns == [
        {"role": "user", "content": [{"text": "a"}]},
        {"role": "assistant", "content": [{"text": "."}]},
        {"role": "user", "content": [{"text": "b"}]},
    ]


def test_a_redacted_reasoning_block_is_sent_back() -> None:
    ai = AIMessage([{"type": "reasoning", "reasoning": "", "redacted_content": "b64"}, "ok"])
    _, turns = wire_messages([HumanMessage("a"), ai])
    assert turns[1]["content"] == [{"reasoningContent": {"redactedContent": "b64"}}, {"text": "ok"}]


@pytest.mark.parametrize(
    ("said", "sent"),
    [
        (
            {"text": "hm", "signature": "c2ln"},
            {"reasoningText": {"text": "hm", "signature": "c2ln"}},
        ),
        ({"redacted_content": "b64"}, {"redactedContent": "b64"}),
        ({"text": "unsigned"}, None),
    ],
)
def test_langchain_aws_reasoning_content_goes_back_signed_or_redacted(
    said: dict[str, str], sent: dict[str, object] | None
) -> None:
    ai = AIMessage([{"type": "reasoning_content", "reasoning_content": said}, "ok"])
    _, turns = wire_messages([HumanMessage("a"), ai])
    kept = [] if sent is None else [{"reasoningContent": sent}]
    assert turns[1]["content"] == [*kept, {"text": "ok"}]


@pytest.mark.parametrize(
    ("provider", "kept"), [(None, True), ("bedrock_converse", True), ("anthropic", False)]
)
def test_a_thinking_block_goes_back_signed_unless_another_providers(
    provider: str | None, kept: bool
) -> None:
    """Anthropic's `thinking` block (its text and signature) goes back as Converse's
    signed `reasoningContent`; in another provider's reply (a ChatAnthropic one, named
    by its `model_provider`) it is left out: as langchain-aws does both."""
    thought = {"type": "thinking", "thinking": "hm", "signature": "c2ln"}
    metadata = {} if provider is None else {"model_provider": provider}
    ai = AIMessage([thought, {"type": "text", "text": "ok"}], response_metadata=metadata)
    _, turns = wire_messages([HumanMessage("a"), ai, HumanMessage("b")])
    signed = {"reasoningContent": {"reasoningText": {"text": "hm", "signature": "c2ln"}}}
    assert turns[1]["content"] == [*([signed] if kept else []), {"text": "ok"}]
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import AIMessage as LCAI
    from langchain_core.messages import HumanMessage as LCHuman

    theirs, _ = partner._messages_to_bedrock(
        [LCHuman("a"), LCAI(ai.content, response_metadata=metadata), LCHuman("b")],
        model_id="us.anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    assert theirs[1]["content"] == turns[1]["content"]


def test_history_as_langchain_aws_sends_it() -> None:
    """System messages go to `system` wherever they are; runs of one type merge (two
    user texts in a row as one, joined by a newline; system messages alike); blank
    user and tool-result text goes as "." (Converse refuses blanks): as langchain-aws
    does, compared with its own conversion of the same history."""
    call = {"name": "f", "args": {}, "id": "t1"}
    history: list[Any] = [
        SystemMessage("Be terse."),
        SystemMessage("Be kind."),
        HumanMessage("Hello"),
        HumanMessage("And again"),
        AIMessage("Hi", tool_calls=[call]),
        ToolMessage("", tool_call_id="t1"),
        AIMessage("Done"),
        SystemMessage("Now in French."),
        HumanMessage([{"type": "text", "text": "  "}]),
        AIMessage("Oui"),
        HumanMessage(""),
    ]
    system, turns = wire_messages(history)
    assert system == [{"text": "Be terse.\nBe kind."}, {"text": "Now in French."}]
    assert turns == [
        {"role": "user", "content": [{"text": "Hello\nAnd again"}]},
        {
            "role": "assistant",
            "content": [{"text": "Hi"}, {"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "t1", "content": [{"text": "."}], "status": "success"}}
            ],
        },
        {"role": "assistant", "content": [{"text": "Done"}]},
        {"role": "user", "content": [{"text": "."}]},
        {"role": "assistant", "content": [{"text": "Oui"}]},
        {"role": "user", "content": [{"text": "."}]},
    ]
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import convert_to_messages

    theirs, their_system = partner._messages_to_bedrock(
        convert_to_messages([m.model_dump() | {"type": m.type} for m in history])
    )
    assert their_system == system
    assert theirs == turns


def test_converses_own_blocks_pass_as_they_are() -> None:
    cache = {"cachePoint": {"type": "default"}}
    document = {"document": {"format": "txt", "name": "notes", "source": {"bytes": PNG}}}
    messages = [
        SystemMessage(["Long system prompt", cache]),
        HumanMessage(
            [
                {"type": "text", "text": "Read this"},
                document,
                cache,
                {"type": "guard_content", "text": "guard me"},
            ]
        ),
        AIMessage(["Done.", cache]),
        HumanMessage("Thanks"),
    ]
    body = converse_body(messages, CallSettings(model="m"))
    assert body["system"] == [{"text": "Long system prompt"}, cache]
    assert body["messages"][0]["content"] == [
        {"text": "Read this"},
        document,
        cache,
        {"guardContent": {"text": {"text": "guard me"}}},
    ]
    assert body["messages"][1]["content"] == [{"text": "Done."}, cache]
    params = copy.deepcopy(body)
    params["messages"][0]["content"][1]["document"]["source"]["bytes"] = b"notes"
    model = botocore_session.get_session().get_service_model("bedrock-runtime")
    params["modelId"] = "m"
    validate_parameters(params, model.operation_model("Converse").input_shape)


def recorded(name: str) -> Case:
    return corpus_case("bedrock_converse", name)


def test_a_server_tool_turn_goes_back_as_bedrock_took_it_in_the_recorded_next_turn() -> None:
    """pydantic-ai's recording: the reply with Nova's code interpreter, then the next
    request replaying that turn, which Bedrock answered 200. chatplex's reading of the
    reply, replayed, must give that request's messages."""
    reply = parse_reply(recorded("bedrock_converse_code_interpreter").body, {}, None)
    sent = recorded("bedrock_converse_code_interpreter_replayed").meta["request"]["body"]
    messages = [
        HumanMessage("What is 1234 * 5678?"),
        reply,
        ToolMessage("Final result processed.", tool_call_id=str(reply.tool_calls[0]["id"])),
        HumanMessage("Now multiply that by 2"),
    ]
    # The recorded tools: a client toolSpec and the `systemTool` nova_code_interpreter.
    settings = CallSettings(model="m", extra_body={"toolConfig": sent["toolConfig"]})
    body = converse_body(messages, settings)
    assert body["messages"] == sent["messages"]
    assert "additionalModelRequestFields" not in body
    assert body["messages"][1]["content"][0]["toolUse"]["type"] == "server_tool_use"
    botocore_accepts(body)
    botocore_accepts(body, "ConverseStream")


def server_call(**changes: Any) -> dict[str, Any]:
    block = {"type": "server_tool_call", "id": "tu-s", "name": "nova_code_interpreter"}
    return {**block, "args": {"snippet": "1+1"}, **changes}


def server_result(**changes: Any) -> dict[str, Any]:
    block = {"type": "server_tool_result", "tool_call_id": "tu-s", "status": "error"}
    return {**block, "output": [{"text": "boom"}], **changes}


def test_server_tool_blocks_are_sent_in_place_with_their_types() -> None:
    ai = AIMessage(
        [
            "Computing.",
            server_call(),
            server_result(extras={"block_type": "nova_code_interpreter_result"}),
            {"type": "text", "text": "Failed."},
        ]
    )
    _, turns = wire_messages([HumanMessage("a"), ai])
    assert turns[1]["content"] == [
        {"text": "Computing."},
        {
            "toolUse": {
                "toolUseId": "tu-s",
                "name": "nova_code_interpreter",
                "input": {"snippet": "1+1"},
                "type": "server_tool_use",
            }
        },
        {
            "toolResult": {
                "toolUseId": "tu-s",
                "content": [{"text": "boom"}],
                "type": "nova_code_interpreter_result",
                "status": "error",
            }
        },
        {"text": "Failed."},
    ]
    _, turns = wire_messages([HumanMessage("a"), AIMessage([server_result(status="success")])])
    assert turns[1]["content"][0]["toolResult"] == {
        "toolUseId": "tu-s",
        "content": [{"text": "boom"}],
        "status": "success",
    }


@pytest.mark.parametrize(
    ("block", "match"),
    [
        (server_call(args={}, id=""), "needs its 'id' and 'name'"),
        (server_call(args={}, extras={"unparsed_args": "{bad"}), "not a JSON object"),
        (server_result(tool_call_id=None), "needs its 'tool_call_id'"),
        # Anthropic's web-search results, as chatplex's standard view gives them.
        (
            server_result(output=[{"type": "web_search_result", "url": "https://x"}]),
            "another provider cannot be sent to Bedrock",
        ),
        (server_result(output={"stdout": "2"}), "is not Converse tool-result content"),
    ],
)
def test_server_tool_blocks_bedrock_cannot_take_are_refused(
    block: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=rf"message 1: content block 0 .*{match}"):
        wire_messages([HumanMessage("a"), AIMessage([block])])


def test_server_tool_blocks_are_not_user_content() -> None:
    with pytest.raises(ValueError, match="'server_tool_call' is not sent"):
        wire_messages([HumanMessage([server_call()])])


def test_an_answered_invalid_call_goes_as_a_tool_use_and_an_unanswered_one_does_not() -> None:
    """Converse refuses a toolResult with no toolUse in the turn before: an invalid call
    a result answers goes as one (its arguments where they parse as an object, else
    none); one no result answers is left out, as langchain-aws leaves every one."""
    calls = [
        {"name": "add", "args": a, "id": f"t{n}", "error": "bad"}
        for n, a in enumerate((None, "{1,", '{"a": 2}', "{2"))
    ]
    answers = [ToolMessage("error", tool_call_id=f"t{n}", status="error") for n in range(3)]
    _, turns = wire_messages(
        [HumanMessage("1+2?"), AIMessage("Hmm.", invalid_tool_calls=calls), *answers]
    )
    uses = [b["toolUse"] for b in turns[1]["content"] if "toolUse" in b]
    assert [(u["toolUseId"], u["input"]) for u in uses] == [
        ("t0", {}),
        ("t1", {}),
        ("t2", {"a": 2}),
    ]


def _partner_turns(content: list[Any], metadata: dict[str, Any]) -> list[Any]:
    """langchain-aws's turns for a user turn, a reply of `content`, a user turn."""
    partner = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.messages import AIMessage as LCAI
    from langchain_core.messages import HumanMessage as LCHuman

    theirs, _ = partner._messages_to_bedrock(
        [LCHuman("a"), LCAI(content, response_metadata=metadata), LCHuman("b")],
        model_id="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    )
    return list(theirs)


def test_a_v1_replys_thoughts_go_back_signed_and_redacted() -> None:
    """A reply read as LangChain's v1 blocks (`output_version="v1"`) holds its thought's
    signature and a redacted thought in `extras`: both go back as Converse's
    `reasoningContent`, as langchain-aws sends them (Claude refuses a tool loop's
    assistant turn without its thinking)."""
    content = [
        {"type": "reasoning", "reasoning": "hm", "extras": {"signature": "c2ln"}},
        {"type": "reasoning", "extras": {"redacted_content": "ZW5j"}},
        {"type": "text", "text": "ok"},
    ]
    metadata = {"output_version": "v1", "model_provider": "bedrock_converse"}
    _, turns = wire_messages(
        [HumanMessage("a"), AIMessage(content, response_metadata=metadata), HumanMessage("b")]
    )
    assert turns[1]["content"] == [
        {"reasoningContent": {"reasoningText": {"text": "hm", "signature": "c2ln"}}},
        {"reasoningContent": {"redactedContent": "ZW5j"}},
        {"text": "ok"},
    ]
    assert _partner_turns(content, metadata)[1] == turns[1]


def test_a_redacted_thought_read_by_langchain_aws_goes_back_as_base64() -> None:
    """langchain-aws's reply holds a redacted thought as bytes (botocore's blob): sent
    back as the base64 text Converse's JSON takes, where bytes were left out."""
    said = {"redacted_content": b"EtkECkgI"}
    ai = AIMessage([{"type": "reasoning_content", "reasoning_content": said}, "ok"])
    _, turns = wire_messages([HumanMessage("a"), ai])
    assert turns[1]["content"][0] == {"reasoningContent": {"redactedContent": "RXRrRUNrZ0k="}}


@pytest.mark.parametrize("provider", [None, "anthropic"])
def test_anthropics_redacted_thinking_is_left_out_as_langchain_aws_leaves_it(
    provider: str | None,
) -> None:
    """Anthropic's `redacted_thinking` block (a ChatAnthropic reply's, a hand-written
    history's) has no Converse form langchain-aws sends: left out of the turn, as it
    leaves it, where chatplex refused it (ValueError)."""
    content = [
        {"type": "thinking", "thinking": "hm", "signature": "c2ln"},
        {"type": "redacted_thinking", "data": "EncryptedThought=="},
        {"type": "text", "text": "ok"},
    ]
    metadata = {} if provider is None else {"model_provider": provider}
    ai = AIMessage(content, response_metadata=metadata)
    adapter = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )
    request = adapter.build_request(
        [HumanMessage("a"), ai, HumanMessage("b")],
        CallSettings(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        stream=False,
    )
    turns = request.json["messages"]
    assert "EncryptedThought" not in json.dumps(turns)
    assert _partner_turns(content, metadata)[1] == turns[1]
