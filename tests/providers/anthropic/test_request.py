"""The Anthropic request side (`providers/anthropic/request.py`): the system prompt,
alternating turns, tool results and tool uses, images (tools: `test_body_fields.py`)."""

from __future__ import annotations

from typing import Any
from typing import Literal

import pytest

from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.anthropic.request import to_wire_messages

WEATHER = ToolSpec("weather", "Weather of a city.", {"type": "object"})


def test_leading_system_messages_become_the_system_prompt() -> None:
    system, turns = to_wire_messages(
        [SystemMessage("a"), SystemMessage(""), SystemMessage("b"), HumanMessage("hi")]
    )
    # As langchain-anthropic: one text block per system message (the empty one left out).
    assert system == [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert to_wire_messages([SystemMessage("one"), HumanMessage("hi")])[0] == "one"
    assert turns == [{"role": "user", "content": "hi"}]
    assert to_wire_messages([HumanMessage("hi")])[0] is None


def test_system_blocks_stay_blocks_and_must_be_text() -> None:
    blocks = [{"type": "text", "text": "cached", "cache_control": {"type": "ephemeral"}}]
    system, _ = to_wire_messages([SystemMessage("plain"), SystemMessage(blocks), HumanMessage("q")])
    assert system == [{"type": "text", "text": "plain"}, *blocks]
    # Narrowed as langchain-anthropic narrows them: a Gemini text signature left out.
    signed = [{**blocks[0], "extras": {"signature": "c2ln"}, "id": "lc_1"}]
    system, _ = to_wire_messages([SystemMessage(signed), SystemMessage("x"), HumanMessage("q")])
    assert system == [*blocks, {"type": "text", "text": "x"}]
    with pytest.raises(ValueError, match="text blocks only"):
        to_wire_messages([SystemMessage([{"type": "image", "source": {}}]), HumanMessage("q")])


def test_consecutive_user_turns_are_merged_replies_in_a_row_go_apart() -> None:
    said = [HumanMessage("one"), HumanMessage("two"), AIMessage("three"), AIMessage("four")]
    _, turns = to_wire_messages([*said, HumanMessage("five")])
    # As langchain-anthropic: user turns in a row become one; replies in a row go as
    # they are (the API joins consecutive turns of one role itself).
    assert turns == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}],
        },
        {"role": "assistant", "content": "three"},
        {"role": "assistant", "content": "four"},
        {"role": "user", "content": "five"},
    ]


def test_assistant_turns_in_a_row_go_apart_as_langchain_anthropic_sends_them() -> None:
    # Both partners (langchain-anthropic, langchain-aws' ChatBedrock) merge runs of user
    # and tool messages only; the API combines assistant turns itself.
    history = [HumanMessage("hi"), AIMessage("one"), AIMessage("two"), HumanMessage("again")]
    _, turns = to_wire_messages(history)
    assert [t["content"] for t in turns] == ["hi", "one", "two", "again"]
    partner = pytest.importorskip("langchain_anthropic.chat_models")
    from langchain_core import messages as lc

    theirs = partner._format_messages(
        [lc.HumanMessage("hi"), lc.AIMessage("one"), lc.AIMessage("two"), lc.HumanMessage("again")],
        model="claude-sonnet-4-5",
    )[1]
    assert turns == theirs


def test_an_empty_reply_before_the_last_message_is_left_out_its_neighbours_apart() -> None:
    # As langchain-anthropic: the API refuses empty content but in a final assistant
    # turn; the user turns around the left-out reply go as two (the API takes them).
    said = [HumanMessage("a"), AIMessage(""), AIMessageChunk(content=[]), HumanMessage("b")]
    _, turns = to_wire_messages(said)
    assert turns == [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]


def test_an_empty_reply_before_the_last_message_goes_as_the_text_given() -> None:
    # As langchain-aws' ChatBedrock writes it ("."): each empty reply a turn of its own.
    said = [HumanMessage("a"), AIMessage(""), AIMessageChunk(content=[]), HumanMessage("b")]
    _, turns = to_wire_messages(said, empty_reply=".")
    assert [t["content"] for t in turns] == ["a", ".", ".", "b"]
    assert [t["role"] for t in turns] == ["user", "assistant", "assistant", "user"]
    _, final = to_wire_messages([HumanMessage("a"), AIMessage("")], empty_reply=".")
    assert final[-1] == {"role": "assistant", "content": ""}  # the final one: empty still


def test_a_final_assistant_turn_goes_empty_or_without_trailing_space_as_theirs() -> None:
    # The API takes an empty final assistant turn and refuses trailing whitespace there
    # (a prefill); langchain-anthropic sends "" and right-strips the text.
    assert to_wire_messages([HumanMessage("a"), AIMessage("")])[1][-1] == {
        "role": "assistant",
        "content": "",
    }
    assert to_wire_messages([HumanMessage("a"), AIMessage("Sure: ")])[1][-1]["content"] == "Sure:"
    prefill = AIMessage([{"type": "text", "text": "x"}, {"type": "text", "text": "y \n"}])
    blocks = to_wire_messages([HumanMessage("a"), prefill])[1][-1]["content"]
    assert [b["text"] for b in blocks] == ["x", "y"]
    # only the final turn: an earlier reply keeps its text as written
    turns = to_wire_messages([HumanMessage("a"), AIMessage("b "), HumanMessage("c")])[1]
    assert turns[1]["content"] == "b "


def test_tool_results_come_first_in_their_user_turn() -> None:
    call = {"name": "weather", "args": {"city": "Oslo"}, "id": "c1"}
    _, turns = to_wire_messages(
        [
            HumanMessage("weather?"),
            AIMessage("", tool_calls=[call]),
            HumanMessage("also this"),
            ToolMessage("rain", tool_call_id="c1", status="error"),
        ]
    )
    assert turns[1] == {
        "role": "assistant",
        "content": [{"type": "tool_use", "id": "c1", "name": "weather", "input": {"city": "Oslo"}}],
    }
    assert turns[2] == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "c1", "content": "rain", "is_error": True},
            {"type": "text", "text": "also this"},
        ],
    }


@pytest.mark.parametrize("status", ["success", "error"])
def test_a_tool_result_says_is_error_unless_told_not_to(
    status: Literal["success", "error"],
) -> None:
    """`is_error` is written false too, as langchain-anthropic writes it; with
    `error_flags=False` (langchain-aws's InvokeModel body) it is not written at all."""
    call = {"name": "weather", "args": {}, "id": "c1"}
    messages = [
        HumanMessage("weather?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("rain", tool_call_id="c1", status=status),
    ]
    result = {"type": "tool_result", "tool_use_id": "c1", "content": "rain"}
    assert to_wire_messages(messages)[1][2]["content"] == [
        {**result, "is_error": status == "error"}
    ]
    assert to_wire_messages(messages, error_flags=False)[1][2]["content"] == [result]


def test_assistant_text_and_tool_uses_without_duplicates() -> None:
    call = {"name": "weather", "args": {}, "id": "c1"}
    _, turns = to_wire_messages([HumanMessage("q"), AIMessage("let me look", tool_calls=[call])])
    assert turns[1]["content"] == [
        {"type": "text", "text": "let me look"},
        {"type": "tool_use", "id": "c1", "name": "weather", "input": {}},
    ]
    native = [{"type": "tool_use", "id": "c1", "name": "weather", "input": {}}]
    _, turns = to_wire_messages([HumanMessage("q"), AIMessage(native, tool_calls=[call])])
    assert turns[1]["content"] == native  # already there: not sent twice


def test_reasoning_blocks_are_dropped() -> None:
    content: list[dict[str, Any]] = [
        {"type": "reasoning", "text": "hmm"},
        {"type": "text", "text": "done"},
    ]
    _, turns = to_wire_messages([HumanMessage("q"), AIMessage(content)])
    # The other blocks go as a list, as langchain-anthropic sends them.
    assert turns[1] == {"role": "assistant", "content": [{"type": "text", "text": "done"}]}
    thinking: list[dict[str, Any]] = [
        {"type": "reasoning", "text": "hmm"},
        {"type": "thinking", "thinking": "t", "signature": "s"},
        {"type": "text", "text": "done"},
    ]
    _, turns = to_wire_messages([HumanMessage("q"), AIMessage(thinking)])
    assert turns[1]["content"] == thinking[1:]  # Anthropic's own thinking goes back


def test_a_merged_stream_is_sent_as_its_message() -> None:
    chunk = AIMessageChunk(
        "",
        tool_call_chunks=[{"name": "weather", "args": '{"city": "Rome"}', "id": "c9", "index": 0}],
    )
    _, turns = to_wire_messages([HumanMessage("q"), chunk])
    assert turns[1]["content"] == [
        {"type": "tool_use", "id": "c9", "name": "weather", "input": {"city": "Rome"}}
    ]


def test_a_tool_use_block_goes_back_with_its_toolset_name_only_if_it_has_one() -> None:
    call = {"name": "weather", "args": {"city": "Rome"}, "id": "c9", "type": "tool_call"}
    use = {"type": "tool_use", "id": "c9", "name": "weather", "input": {"city": "Rome"}}
    for toolset, sent in ((None, use), ("maps", {**use, "toolset_name": "maps"})):
        reply = AIMessage([{**use, "toolset_name": toolset}], tool_calls=[call])  # type: ignore[list-item]
        _, turns = to_wire_messages([HumanMessage("q"), reply])
        assert turns[1]["content"] == [sent]


def test_images() -> None:
    data = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    link = {"type": "image_url", "image_url": "https://img.example/cat.png"}
    _, turns = to_wire_messages([HumanMessage([{"type": "text", "text": ""}, data, link])])
    assert turns[0]["content"] == [  # the empty text block is dropped
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
        {"type": "image", "source": {"type": "url", "url": "https://img.example/cat.png"}},
    ]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("data:image/png,AAAA", "only base64 data URLs"),
        ("data:;base64,AAAA", "only base64 data URLs"),
        ("ftp://img.example/cat.png", "unsupported image URL scheme"),
        (None, "without a url"),
    ],
)
def test_images_that_cannot_be_sent(url: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_wire_messages([HumanMessage([{"type": "image_url", "image_url": {"url": url}}])])


@pytest.mark.parametrize(
    ("messages", "error", "message"),
    [
        ([], ValueError, "at least one message"),
        ([SystemMessage("only")], ValueError, "only system messages"),
        ([HumanMessage("")], ValueError, "message 0: empty user message"),
        (
            [HumanMessage("q"), SystemMessage("late")],
            ValueError,
            "message 1: a system message after",
        ),
        (
            [HumanMessage("q"), AIMessage("", tool_calls=[{"name": "w", "args": {}, "id": None}])],
            ValueError,
            "tool call 'w' has no id",
        ),
        ([HumanMessage(["text", 3])], TypeError, "must be a dict, got int"),  # type: ignore[list-item]
    ],
)
def test_what_anthropic_would_reject_is_refused_naming_the_message(
    messages: list[BaseMessage], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        to_wire_messages(messages)


def test_other_message_types_are_refused() -> None:
    class Odd(BaseMessage):
        pass

    with pytest.raises(TypeError, match="message 0: unsupported message type Odd"):
        to_wire_messages([Odd("x")])


PNG = "iVBORw0KGgo="


@pytest.mark.parametrize(
    ("block", "source"),
    [
        (
            {"type": "image", "url": "https://x.example/a.png"},
            {"type": "url", "url": "https://x.example/a.png"},
        ),
        (
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            {"type": "base64", "media_type": "image/png", "data": PNG},
        ),
        (
            {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
            {"type": "base64", "media_type": "image/png", "data": PNG},
        ),
        (
            {"type": "image", "url": f"data:image/png;base64,{PNG}"},
            {"type": "base64", "media_type": "image/png", "data": PNG},
        ),
        ({"type": "image", "file_id": "file_1"}, {"type": "file", "file_id": "file_1"}),
    ],
)
def test_a_standard_image_block_is_sent_with_its_source_as_langchain_anthropic_sends_it(
    block: dict[str, Any], source: dict[str, Any]
) -> None:
    # It went out as given ({"type": "image", "url": ...}), which Anthropic refuses.
    _, wire = to_wire_messages([HumanMessage([{"type": "text", "text": "what"}, block])])
    assert wire[0]["content"][1] == {"type": "image", "source": source}
    partner = pytest.importorskip("langchain_anthropic.chat_models")
    from langchain_core.messages import HumanMessage as LCHuman

    if "file_id" not in block:  # the partner package's own translation of the same block
        theirs = partner._format_messages(
            [LCHuman([{"type": "text", "text": "what"}, block])], model="claude-sonnet-4-5"
        )[1]
        assert theirs[0]["content"][1] == wire[0]["content"][1]


PDF = "JVBERi0xLjQKJSVFT0YK"


@pytest.mark.parametrize(
    ("block", "document"),
    [
        (
            {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "a.pdf"},
            {"source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
        ),
        (  # no mime_type: a PDF, as langchain-anthropic assumes
            {"type": "file", "source_type": "base64", "data": PDF},
            {"source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
        ),
        (
            {"type": "file", "url": "https://x.example/a.pdf", "extras": {"title": "A"}},
            {"source": {"type": "url", "url": "https://x.example/a.pdf"}, "title": "A"},
        ),
        (
            {"type": "text-plain", "text": "Notes.", "citations": {"enabled": True}},
            {
                "source": {"type": "text", "media_type": "text/plain", "data": "Notes."},
                "citations": {"enabled": True},
            },
        ),
        (
            {"type": "file", "file_id": "file_1", "cache_control": {"type": "ephemeral"}},
            {
                "source": {"type": "file", "file_id": "file_1"},
                "cache_control": {"type": "ephemeral"},
            },
        ),
    ],
)
def test_a_standard_file_block_is_sent_as_a_document_as_langchain_anthropic_sends_it(
    block: dict[str, Any], document: dict[str, Any]
) -> None:
    _, wire = to_wire_messages([HumanMessage([{"type": "text", "text": "read"}, block])])
    assert wire[0]["content"][1] == {"type": "document", **document}
    partner = pytest.importorskip("langchain_anthropic.chat_models")
    from langchain_core.messages import HumanMessage as LCHuman

    theirs = partner._format_messages(
        [LCHuman([{"type": "text", "text": "read"}, block])], model="claude-sonnet-4-5"
    )[1]
    assert theirs[0]["content"][1] == wire[0]["content"][1]


def test_a_standard_file_block_without_data_is_refused() -> None:
    with pytest.raises(ValueError, match="message 0: a file block needs a url"):
        to_wire_messages([HumanMessage([{"type": "file", "mime_type": "application/pdf"}])])


@pytest.mark.parametrize(
    "block",
    [
        {"type": "text-plain", "base64": "Tm90ZXMu", "mime_type": "text/plain"},
        {"type": "file", "base64": "Tm90ZXMu", "mime_type": "text/plain"},
        {"type": "file", "source_type": "base64", "data": "Tm90ZXMu", "mime_type": "text/plain"},
    ],
)
def test_plain_text_given_as_base64_is_sent_as_a_text_source(block: dict[str, Any]) -> None:
    """Anthropic's base64 document source is a PDF's alone: plain text goes decoded
    (tests/partners/anthropic/test_anthropic_text_files.py: beside langchain-anthropic)."""
    _, wire = to_wire_messages([HumanMessage([block])])
    assert wire[0]["content"][0]["source"] == {
        "type": "text",
        "media_type": "text/plain",
        "data": "Notes.",
    }
    # No UTF-8 text: sent as given (a base64 source the API refuses, as langchain-anthropic
    # sends it; Bedrock's InvokeModel refuses it before sending, in langchain-aws's words).
    bad = {**block, "base64": "/w==", "data": "/w=="}
    _, wire = to_wire_messages([HumanMessage([bad])])
    assert wire[0]["content"][0]["source"]["type"] == "base64"


def test_a_standard_image_block_without_data_is_refused() -> None:
    with pytest.raises(ValueError, match="message 0: an image block needs a url"):
        to_wire_messages([HumanMessage([{"type": "image", "mime_type": "image/png"}])])
    with pytest.raises(ValueError, match="needs its mime_type"):
        to_wire_messages([HumanMessage([{"type": "image", "base64": PNG}])])


_SEARCH = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search"}
#: Server calls as a history holds them: whole, left empty by a stream with its JSON
#: beside (parsed or not), with keys the API refuses, an MCP server's.
SERVER_CALLS: list[list[dict[str, Any]]] = [
    [{**_SEARCH, "input": {"query": "q"}}, {"type": "text", "text": "ok"}],
    [{**_SEARCH, "input": {}, "partial_json": '{"query": "q"}', "index": 0}],
    [{**_SEARCH, "input": {"query": "q"}, "partial_json": '{"query": "z"}', "caller": {}}],
    [{**_SEARCH, "input": {}, "partial_json": '{"query": "q"'}],
    [{**_SEARCH, "input": {}, "partial_json": "{}"}],
    [{"type": "mcp_tool_use", "id": "m1", "name": "f", "server_name": "s", "input": {}, "x": 1}],
]


@pytest.mark.parametrize("content", SERVER_CALLS)
def test_server_calls_go_back_as_langchain_anthropic_sends_them(
    content: list[dict[str, Any]],
) -> None:
    from langchain_anthropic.chat_models import _format_messages
    from langchain_core import messages as lc

    metadata = {"model_provider": "anthropic"}
    _, theirs = _format_messages(
        [lc.HumanMessage("hi"), lc.AIMessage(content, response_metadata=metadata)],
        model="claude-sonnet-4-5",
    )
    _, ours = to_wire_messages([HumanMessage("hi"), AIMessage(content, response_metadata=metadata)])
    assert ours == theirs


def test_a_text_block_goes_with_the_fields_anthropic_takes() -> None:
    # As langchain-anthropic narrows it: LangChain's `id`, OpenAI's cache breakpoint and
    # annotations left out (Anthropic rejects extra inputs).
    block = {
        "type": "text",
        "text": "hi",
        "id": "lc_1",
        "annotations": [],
        "prompt_cache_breakpoint": {"mode": "explicit"},
        "cache_control": {"type": "ephemeral"},
    }
    _, turns = to_wire_messages([HumanMessage([block])])
    assert turns == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}],
        }
    ]


def test_a_thought_without_a_signature_is_left_out_of_its_turn() -> None:
    # Gemini's reply replayed (a conversation moved to Claude): Claude refuses a thinking
    # block it did not sign ("thinking.signature: Field required"), where its own signed
    # ones must go back as they came.
    gemini = AIMessage(
        [{"type": "thinking", "thinking": "Count them."}, {"type": "text", "text": "Two."}],
        response_metadata={"model_provider": "google_genai"},
    )
    signed = {"type": "thinking", "thinking": "Add them.", "signature": "sig-01"}
    claude = AIMessage(
        [signed, {"type": "text", "text": "Three."}],
        response_metadata={"model_provider": "anthropic"},
    )
    _, turns = to_wire_messages([HumanMessage("q"), gemini, HumanMessage("r"), claude])
    assert turns[1]["content"] == [{"type": "text", "text": "Two."}]
    assert turns[3]["content"] == [signed, {"type": "text", "text": "Three."}]
