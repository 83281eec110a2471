"""Message values (`_messages.py`): the classes, `AIMessageChunk + other` for non-chunks, and
`to_message()`. (How chunks merge is in test_merge.py; fields built on first read in
test_lazy.py; chunks built from a text delta or a whole reply in test_chunk_builders.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import answers_by_name
from chatplex.messages import content_text
from tests.messages._builders import add_all
from tests.messages._builders import call
from tests.messages._builders import tc_chunk
from tests.messages._builders import usage

# --- message classes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "type_"),
    [
        (SystemMessage, "system"),
        (HumanMessage, "human"),
        (AIMessage, "ai"),
        (AIMessageChunk, "AIMessageChunk"),
    ],
)
def test_content_is_positional_and_type_discriminates(cls: type[BaseMessage], type_: str) -> None:
    msg = cls("hello")
    assert msg.content == "hello"
    assert msg.text == "hello"
    assert msg.type == type_
    assert cls.type == type_


def test_tool_message_content_is_positional() -> None:
    msg = ToolMessage("22C", tool_call_id="call_1")
    assert (msg.content, msg.tool_call_id, msg.status, msg.type) == (
        "22C",
        "call_1",
        "success",
        "tool",
    )


def test_a_result_by_name_is_a_tool_message_marked_so() -> None:
    marked = {FUNCTION_RESULT_KEY: True}
    assert answers_by_name(ToolMessage("1", tool_call_id="f", name="f", additional_kwargs=marked))
    assert not answers_by_name(ToolMessage("1", tool_call_id="f", name="f"))
    assert not answers_by_name(HumanMessage("1", name="f", additional_kwargs=marked))
    unmarked = {FUNCTION_RESULT_KEY: False}
    assert not answers_by_name(ToolMessage("1", tool_call_id="f", additional_kwargs=unmarked))


def test_type_discriminators_are_distinct() -> None:
    types = {
        cls.type for cls in (SystemMessage, HumanMessage, AIMessage, AIMessageChunk, ToolMessage)
    }
    assert types == {"system", "human", "ai", "AIMessageChunk", "tool"}


def test_other_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        HumanMessage("hi", "msg-id")  # type: ignore[call-arg]
    msg = HumanMessage("hi", id="m1", name="alice")
    assert (msg.id, msg.name) == ("m1", "alice")


def test_mutable_defaults_are_not_shared() -> None:
    a, b = AIMessage("a"), AIMessage("b")
    a.response_metadata["x"] = 1
    a.additional_kwargs["y"] = 2
    a.tool_calls.append({"name": "f", "args": {}, "id": "1"})
    assert b.response_metadata == {}
    assert b.additional_kwargs == {}
    assert b.tool_calls == []


def test_messages_are_values() -> None:
    assert HumanMessage("a") == HumanMessage("a")
    assert HumanMessage("a") != HumanMessage("b")
    assert HumanMessage("a") != SystemMessage("a")  # type: ignore[comparison-overlap]
    assert AIMessage("a") != AIMessageChunk("a")


def test_chunk_is_an_ai_message() -> None:
    assert isinstance(AIMessageChunk("x"), AIMessage)
    assert isinstance(AIMessage("x"), BaseMessage)


def test_text_of_block_list_joins_only_text_blocks() -> None:
    msg = AIMessage(
        [
            {"type": "thinking", "thinking": "hidden reasoning"},
            {"type": "text", "text": "Hello, "},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            {"type": "text", "text": "world"},
            {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
        ]
    )
    assert msg.text == "Hello, world"
    assert content_text(msg.content) == "Hello, world"


def test_text_of_empty_content() -> None:
    assert HumanMessage("").text == ""
    assert HumanMessage([]).text == ""
    assert AIMessage([{"type": "thinking", "thinking": "x"}]).text == ""


def test_pretty_repr_shows_type_and_text() -> None:  # LangChain's text (see test_messages_api)
    assert HumanMessage("hi").pretty_repr().endswith(" Human Message " + "=" * 33 + "\n\nhi")


@pytest.mark.parametrize("bad_id", ["", ["c1"], None])
def test_tool_message_needs_non_empty_str_tool_call_id(bad_id: Any) -> None:
    with pytest.raises(ValueError, match="tool_call_id"):
        ToolMessage("x", tool_call_id=bad_id)


def test_tool_message_without_tool_call_id_is_rejected() -> None:
    with pytest.raises(TypeError, match="tool_call_id"):
        ToolMessage("x")  # type: ignore[call-arg]


def test_tool_message_status() -> None:
    assert ToolMessage("boom", tool_call_id="c", status="error").status == "error"
    with pytest.raises(ValueError, match="status"):
        ToolMessage("x", tool_call_id="c", status="failed")  # type: ignore[arg-type]


# --- AIMessageChunk + something else ---------------------------------------------------


@pytest.mark.parametrize("other", [AIMessage("x"), HumanMessage("x"), "x", 1, None])
def test_add_with_a_non_chunk_is_a_type_error(other: Any) -> None:
    with pytest.raises(TypeError):
        AIMessageChunk("a") + other


# --- to_message() -----------------------------------------------------------------------


def test_to_message_returns_a_plain_ai_message() -> None:
    message = AIMessageChunk(
        "hi",
        id="m",
        name="bot",
        additional_kwargs={"k": 1},
        response_metadata={"finish_reason": "stop"},
        usage_metadata=usage(1, 1),
    ).to_message()
    assert type(message) is AIMessage
    assert (message.content, message.id, message.name) == ("hi", "m", "bot")
    assert message.additional_kwargs == {"k": 1}
    assert message.response_metadata == {"finish_reason": "stop"}
    assert message.usage_metadata == usage(1, 1)


# --- to_message(): parsing tool-call arguments ------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_args_parse_to_empty_dict(raw: str | None) -> None:
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="noop", id="c", args=raw)])
    result = message.to_message()
    assert result.tool_calls == [call("noop", {}, "c")]
    assert result.invalid_tool_calls == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"city": "Par', "JSON"),
        ("{'city': 'Paris'}", "JSON"),
        ("not json at all", "JSON"),
        ('{"a": 1}}', "JSON"),
        ("[1, 2]", "object"),
        ("42", "object"),
        ('"Paris"', "object"),
        ("null", "object"),
        ("true", "object"),
    ],
)
def test_bad_args_land_in_invalid_tool_calls_with_the_raw_string(raw: str, reason: str) -> None:
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="weather", id="c", args=raw)])
    result = message.to_message()  # never raises
    assert result.tool_calls == []
    assert len(result.invalid_tool_calls) == 1
    invalid = result.invalid_tool_calls[0]
    assert (invalid["name"], invalid["id"], invalid["args"]) == ("weather", "c", raw)
    assert invalid.get("type") == "invalid_tool_call"
    assert isinstance(invalid["error"], str)
    assert reason in invalid["error"]


def test_valid_and_invalid_calls_are_sorted_apart() -> None:
    message = add_all(
        [
            AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="ok", id="c0", args='{"a"')]),
            AIMessageChunk("", tool_call_chunks=[tc_chunk(1, name="bad", id="c1", args='{"b"')]),
            AIMessageChunk("", tool_call_chunks=[tc_chunk(0, args=": [1, 2]}")]),
        ]
    ).to_message()
    assert message.tool_calls == [call("ok", {"a": [1, 2]}, "c0")]
    assert [(i["name"], i["args"]) for i in message.invalid_tool_calls] == [("bad", '{"b"')]


def test_existing_invalid_tool_calls_are_carried_over() -> None:
    prior = {"name": "x", "args": "{", "id": "c9", "error": "bad"}
    message = AIMessageChunk("", invalid_tool_calls=[prior]).to_message()  # type: ignore[list-item]
    assert message.invalid_tool_calls == [{**prior, "type": "invalid_tool_call"}]  # as LangChain


def test_deeply_nested_args_do_not_raise() -> None:
    raw = "[" * 100_000
    message = AIMessageChunk("", tool_call_chunks=[tc_chunk(0, name="f", id="c", args=raw)])
    result = message.to_message()
    assert result.tool_calls == []
    assert [i["args"] for i in result.invalid_tool_calls] == [raw]


def test_message_plus_message_is_langchains_chat_prompt() -> None:
    # LangChain's prompt-composition guide: `SystemMessage(...) + HumanMessage(...) +
    # "{input}"` is a ChatPromptTemplate; chunks still merge instead.
    lc = pytest.importorskip("langchain_core.messages")

    def composed(system: Any, human: Any, ai: Any) -> list[Any]:
        prompt = system("You are a nice pirate") + human("hi") + ai("what?") + "{input}"
        shown = prompt.format_messages(input="i said hi")
        return [type(prompt).__name__, prompt.input_variables, [(m.type, m.content) for m in shown]]

    theirs = composed(lc.SystemMessage, lc.HumanMessage, lc.AIMessage)
    assert composed(SystemMessage, HumanMessage, AIMessage) == theirs
    assert theirs[0] == "ChatPromptTemplate" and theirs[2][-1] == ("human", "i said hi")
    ours = (HumanMessage("a") + ("ai", "b {x}")).format_messages(x=1)
    pair = (lc.HumanMessage("a") + ("ai", "b {x}")).format_messages(x=1)
    assert [(m.type, m.content) for m in ours] == [(m.type, m.content) for m in pair]
    assert (AIMessageChunk("a") + AIMessageChunk("b")).content == "ab"
    with pytest.raises(TypeError):
        AIMessageChunk("a") + "b"  # noqa: B018


def test_tool_calls_assigned_to_a_chunk_with_fragments_are_kept() -> None:
    """A chunk's `tool_calls` set by hand while they are still to be derived from its
    fragments: reading `invalid_tool_calls` derives those, and leaves the calls set."""
    fragment = {"name": "f", "args": '{"a": 1}', "id": "c1", "index": 0}
    chunk = AIMessageChunk("", tool_call_chunks=[fragment], chunk_position="last")  # type: ignore[list-item]
    mine = [{"name": "g", "args": {}, "id": "c2", "type": "tool_call"}]
    chunk.tool_calls = mine  # type: ignore[assignment]
    assert chunk.invalid_tool_calls == []
    assert chunk.tool_calls is mine


def test_to_message_drops_a_streamed_blocks_raw_input_once_it_is_parsed() -> None:
    """A server call's input streams as `partial_json` fragments, then its parsed `input`:
    the message keeps the input alone (as the whole reply has it), and `index` goes."""
    start = {"type": "server_tool_use", "id": "s1", "input": {}, "index": 0}
    pieces = [{"type": "server_tool_use", "partial_json": p, "index": 0} for p in ('{"q":', '"x"}')]
    end = {"type": "server_tool_use", "input": {"q": "x"}, "index": 0}
    chunks = [AIMessageChunk(content=[block]) for block in (start, *pieces, end)]
    merged = chunks[0] + chunks[1] + chunks[2] + chunks[3]
    assert merged.content[0]["partial_json"] == '{"q":"x"}'  # type: ignore[index]
    assert merged.to_message().content == [
        {"type": "server_tool_use", "id": "s1", "input": {"q": "x"}}
    ]
    unparsed = AIMessageChunk(content=[{"type": "x", "partial_json": "{", "index": 1}])
    assert unparsed.to_message().content == [{"type": "x", "partial_json": "{"}]


#: OpenAI's raw tool calls as an older LangChain kept them, in `additional_kwargs` alone.
RAW_CALLS: list[Any] = [
    [{"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}],
    [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{cut"}}],
    [{"id": "c", "type": "custom", "custom": {"name": "f", "input": "x"}}],
    [{"id": "c", "function": {"name": "f"}}],  # unreadable: LangChain reads none
]


@pytest.mark.parametrize("raw", RAW_CALLS, ids=lambda r: repr(r)[:40])
def test_an_ai_message_reads_raw_tool_calls_as_langchains_does(raw: Any) -> None:
    lc = pytest.importorskip("langchain_core.messages")
    from chatplex.messages import messages_to_dict

    ours = AIMessage("", additional_kwargs={"tool_calls": raw})
    theirs = lc.AIMessage("", additional_kwargs={"tool_calls": raw})
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])


def test_raw_tool_calls_are_read_only_where_no_call_was_given() -> None:
    given = [call("g", {}, "g1")]
    message = AIMessage("", tool_calls=given, additional_kwargs={"tool_calls": RAW_CALLS[0]})
    assert [c["name"] for c in message.tool_calls] == ["g"]


@pytest.mark.parametrize(
    ("content", "call_id"),
    [(42, "c"), ({"t": 21}, 7), (("a", 1, {"type": "text", "text": "b"}), 1.5), (None, "c")],
)
def test_a_tool_message_coerces_its_content_and_id_as_langchains_does(
    content: Any, call_id: Any
) -> None:
    # A hand-written agent loop passes the tool's result as it came: an int, a dict.
    lc = pytest.importorskip("langchain_core.messages")
    from chatplex.messages import messages_to_dict

    ours = ToolMessage(content=content, tool_call_id=call_id)
    theirs = lc.ToolMessage(content=content, tool_call_id=call_id)
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])


BLOCKS = [
    {"type": "text", "text": "Describe this."},
    {"type": "image", "url": "https://example.com/cat.png"},
]
CALL_BLOCK = {"type": "tool_call", "name": "add", "args": {"a": 1}, "id": "c1"}


@pytest.mark.parametrize(
    ("kind", "settings"),
    [
        ("HumanMessage", {"content_blocks": BLOCKS}),
        ("SystemMessage", {"content_blocks": BLOCKS[:1]}),
        ("HumanMessage", {"content": "ignored", "content_blocks": BLOCKS}),
        ("AIMessage", {"content_blocks": [BLOCKS[0], CALL_BLOCK]}),
        ("AIMessage", {"content_blocks": [CALL_BLOCK], "tool_calls": [call("g", {}, "g1")]}),
        ("AIMessageChunk", {"content_blocks": [BLOCKS[0], CALL_BLOCK]}),
        ("ToolMessage", {"content_blocks": BLOCKS[:1], "tool_call_id": "c1"}),
    ],
)
def test_a_message_takes_content_blocks_as_langchains_does(
    kind: str, settings: dict[str, Any]
) -> None:
    """`HumanMessage(content_blocks=[...])` (LangChain 1.x's messages page): the blocks
    are the content, over a `content` given beside them; an AI message's tool_call
    blocks are its calls unless it was given its own."""
    lc = pytest.importorskip("langchain_core.messages")
    from chatplex import messages as ours_module
    from chatplex.messages import messages_to_dict

    ours = getattr(ours_module, kind)(**settings)
    theirs = getattr(lc, kind)(**settings)
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])
    assert ours.content_blocks == theirs.content_blocks


def test_a_message_without_content_or_blocks_is_refused() -> None:
    with pytest.raises(TypeError, match="needs content"):
        HumanMessage()  # type: ignore[call-arg]


_DUMPED = [
    HumanMessage("hi", name="ann", id="h1"),
    SystemMessage("be brief"),
    AIMessage(content="", tool_calls=[call("get_weather", {"city": "Paris"}, "c1")]),
    AIMessageChunk(content="par", id="run-1"),
    ToolMessage("sunny", tool_call_id="c1", name="get_weather"),
]


@pytest.mark.parametrize("message", _DUMPED, ids=lambda m: type(m).__name__)
def test_a_message_is_built_again_from_its_dump_as_langchains(message: BaseMessage) -> None:
    """`Class(**message.model_dump())`, the `type` key included, as LangChain's messages
    take their `type` field; another type is refused, as LangChain's pydantic refuses it."""
    lc = pytest.importorskip("langchain_core.messages")
    theirs_class = getattr(lc, type(message).__name__)
    dumped = message.model_dump()
    again = type(message)(**dumped)
    assert again == message
    assert again.model_dump() == theirs_class(**dumped).model_dump() == dumped
    with pytest.raises(ValueError, match="type"):
        type(message)(**{**dumped, "type": "other"})
    with pytest.raises(ValueError):
        theirs_class(**{**dumped, "type": "other"})
