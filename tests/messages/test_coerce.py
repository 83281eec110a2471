"""`coerce_messages`: every accepted input form, and the errors for everything else."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest

from chatplex.core import ChatPromptTemplate
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import coerce_messages
from chatplex.messages import message_from_role
from chatplex.messages import message_list
from chatplex.messages import normalise_role

KNOWN_ROLES = ("human", "user", "ai", "assistant", "system", "developer", "tool")


def kinds(messages: list[BaseMessage]) -> list[tuple[type[BaseMessage], Any]]:
    return [(type(m), m.content) for m in messages]


# --- LangChain look-alikes (langchain is not installed; coercion reads attributes) ------


@dataclass
class LCHumanMessage:
    content: Any
    name: str | None = None
    type: str = "human"


@dataclass
class LCSystemMessage:
    content: Any
    name: str | None = None
    type: str = "system"


@dataclass
class LCAIMessage:
    content: Any
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    id: str | None = None
    name: str | None = None
    usage_metadata: dict[str, Any] | None = None
    type: str = "ai"


@dataclass
class LCAIMessageChunk(LCAIMessage):
    type: str = "AIMessageChunk"


@dataclass
class LCToolMessage:
    content: Any
    tool_call_id: str | None
    status: str = "success"
    name: str | None = None
    type: str = "tool"


@dataclass
class LCFunctionMessage:
    content: Any
    name: str = "f"
    type: str = "function"


class LCPromptValue:
    """Anything with `to_messages()` (LangChain's ChatPromptValue included)."""

    def __init__(self, messages: list[Any]) -> None:
        self._messages = messages

    def to_messages(self) -> list[Any]:
        return list(self._messages)


# --- single values ----------------------------------------------------------------------


def test_str_is_one_human_message() -> None:
    assert coerce_messages("Hello") == [HumanMessage("Hello")]


def test_empty_str_is_still_a_human_message() -> None:
    assert coerce_messages("") == [HumanMessage("")]


@pytest.mark.parametrize(
    "message",
    [
        HumanMessage("hi"),
        SystemMessage("be brief"),
        AIMessage("hello"),
        AIMessageChunk("partial"),
        ToolMessage("22C", tool_call_id="c1"),
    ],
)
def test_a_message_is_used_as_is(message: BaseMessage) -> None:
    out = coerce_messages(message)
    assert len(out) == 1
    assert out[0] is message


def test_object_with_to_messages() -> None:
    value = LCPromptValue([SystemMessage("s"), ("user", "u"), LCAIMessage("a")])
    assert kinds(coerce_messages(value)) == [
        (SystemMessage, "s"),
        (HumanMessage, "u"),
        (AIMessage, "a"),
    ]


def test_chatplex_prompt_value() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "You are {who}."), ("human", "{q}")])
    value = prompt.invoke({"who": "terse", "q": "hi"})
    assert coerce_messages(value) == [SystemMessage("You are terse."), HumanMessage("hi")]


def test_empty_prompt_value_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="at least one message"):
        coerce_messages(LCPromptValue([]))


# --- (role, content) tuples -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "cls"),
    [
        ("human", HumanMessage),
        ("user", HumanMessage),
        ("ai", AIMessage),
        ("assistant", AIMessage),
        ("system", SystemMessage),
        ("developer", SystemMessage),
    ],
)
def test_role_tuples(role: str, cls: type[BaseMessage]) -> None:
    out = coerce_messages([(role, "text")])
    assert type(out[0]) is cls
    assert out[0].content == "text"


def test_tool_role_tuple_is_recognised_but_needs_a_tool_call_id() -> None:
    # A bare tuple cannot carry the id; the error says so rather than "unknown role".
    with pytest.raises(ValueError, match="tool_call_id") as info:
        coerce_messages([("user", "hi"), ("tool", "22C")])
    assert "message 1" in str(info.value)
    assert "unknown role" not in str(info.value)


def test_tuple_content_may_be_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
    ]
    out = coerce_messages([("user", blocks)])
    assert out == [HumanMessage(blocks)]
    assert out[0].text == "What is this?"


def test_conversation_of_tuples_keeps_order() -> None:
    out = coerce_messages(
        [("system", "s"), ("user", "u1"), ("assistant", "a1"), ("human", "u2"), ("ai", "a2")]
    )
    assert kinds(out) == [
        (SystemMessage, "s"),
        (HumanMessage, "u1"),
        (AIMessage, "a1"),
        (HumanMessage, "u2"),
        (AIMessage, "a2"),
    ]


def test_str_items_in_a_list_are_human_messages() -> None:
    assert coerce_messages(["a", "b"]) == [HumanMessage("a"), HumanMessage("b")]


def test_a_tuple_of_messages_is_accepted_like_a_list() -> None:
    assert coerce_messages((HumanMessage("a"), ("ai", "b"))) == [HumanMessage("a"), AIMessage("b")]


def test_a_two_item_list_is_a_pair_as_json_writes_one() -> None:
    # LangChain's chat models take any (role, content) sequence: JSON has no tuples.
    assert coerce_messages([["system", "s"], ["human", "u"]]) == [
        SystemMessage("s"),
        HumanMessage("u"),
    ]
    with pytest.raises(ValueError, match="message 0: unknown role 'nested'"):
        coerce_messages([["nested", "list"]])  # a pair with a role LangChain refuses too


#: Items a chat model takes as LangChain's chat models take them (`convert_to_messages`).
AS_LANGCHAIN: list[Any] = [
    ["assistant", "a list pair"],
    ("developer", "a developer turn"),
    {"role": "user", "content": "hi", "name": "ana", "id": "m1", "foo": 1},
    {"role": "assistant", "content": "x", "response_metadata": {"model_name": "m"}},
    {"role": "tool", "content": "42", "tool_call_id": "c1", "artifact": [1], "status": "error"},
    {"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "HumanMessage"],
     "kwargs": {"content": "from an envelope"}},
]  # fmt: skip


@pytest.mark.parametrize("item", AS_LANGCHAIN, ids=lambda i: repr(i)[:30])
def test_a_pair_or_dict_is_the_message_langchains_chat_models_make(item: Any) -> None:
    lc = pytest.importorskip("langchain_core.messages")
    from chatplex.messages import messages_to_dict

    [ours] = coerce_messages([item])
    [theirs] = lc.convert_to_messages([item])
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])


def test_the_developer_role_stays_marked_as_langchain_marks_it() -> None:
    marked = {"__openai_role__": "developer"}
    assert (
        coerce_messages([("developer", "d"), {"role": "developer", "content": "d"}])
        == [SystemMessage("d", additional_kwargs=marked)] * 2
    )


# --- OpenAI-style dicts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "cls"),
    [
        ("user", HumanMessage),
        ("human", HumanMessage),
        ("assistant", AIMessage),
        ("ai", AIMessage),
        ("system", SystemMessage),
        ("developer", SystemMessage),
    ],
)
def test_role_dicts(role: str, cls: type[BaseMessage]) -> None:
    out = coerce_messages([{"role": role, "content": "text"}])
    assert type(out[0]) is cls
    assert out[0].content == "text"


def test_dict_name_is_kept() -> None:
    (msg,) = coerce_messages([{"role": "user", "name": "alice", "content": "hi"}])
    assert (type(msg), msg.name, msg.content) == (HumanMessage, "alice", "hi")


def test_a_dict_keeps_what_langchain_keeps() -> None:
    # An id, metadata and unknown keys (to additional_kwargs); a tool result's status
    # and artifact (its status is what Anthropic's wire sends as is_error).
    human, ai, tool = coerce_messages(
        [
            {"role": "user", "content": "hi", "id": "m1", "foo": 1},
            {"role": "assistant", "content": "x", "response_metadata": {"model_name": "m"},
             "additional_kwargs": {"k": 1}},
            {"role": "tool", "content": "boom", "tool_call_id": "c1", "status": "error",
             "artifact": [1]},
        ]
    )  # fmt: skip
    assert (human.id, human.additional_kwargs) == ("m1", {"foo": 1})
    assert (ai.response_metadata, ai.additional_kwargs) == ({"model_name": "m"}, {"k": 1})
    assert isinstance(tool, ToolMessage) and (tool.status, tool.artifact) == ("error", [1])


def test_dict_with_type_instead_of_role() -> None:
    assert coerce_messages([{"type": "human", "content": "hi"}]) == [HumanMessage("hi")]


def test_assistant_dict_with_wire_tool_calls() -> None:
    out = coerce_messages(
        [
            {"role": "user", "content": "Weather in Oslo and Lima?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
                    },
                    {
                        "id": "call_2",
                        "type": "function",
                        "function": {"name": "weather", "arguments": ""},
                    },
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "3C"},
            {"role": "tool", "tool_call_id": "call_2", "content": "18C", "name": "weather"},
        ]
    )
    ai = out[1]
    assert isinstance(ai, AIMessage)
    assert ai.content == ""  # None content becomes empty text
    assert [(tc["name"], tc["args"], tc["id"]) for tc in ai.tool_calls] == [
        ("weather", {"city": "Oslo"}, "call_1"),
        ("weather", {}, "call_2"),
    ]
    tools = out[2:]
    assert all(isinstance(m, ToolMessage) for m in tools)
    assert [(m.tool_call_id, m.content) for m in tools] == [  # type: ignore[attr-defined]
        ("call_1", "3C"),
        ("call_2", "18C"),
    ]
    assert tools[1].name == "weather"


def test_assistant_dict_with_already_parsed_tool_calls() -> None:
    (ai,) = coerce_messages(
        [
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"name": "f", "args": {"x": 1}, "id": "c1"}],
            }
        ]
    )
    assert isinstance(ai, AIMessage)
    assert [(tc["name"], tc["args"], tc["id"]) for tc in ai.tool_calls] == [("f", {"x": 1}, "c1")]


def test_wire_tool_call_with_dict_arguments() -> None:
    (ai,) = coerce_messages(
        [
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": {"a": 2}}}],
            }
        ]
    )
    assert isinstance(ai, AIMessage)
    assert ai.tool_calls[0]["args"] == {"a": 2}


def test_wire_tool_call_with_bad_json_arguments_names_the_message() -> None:
    bad = {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{nope"}}],
    }
    with pytest.raises(ValueError, match=r"message 1: .*not JSON"):
        coerce_messages([{"role": "user", "content": "hi"}, bad])


def test_dict_content_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": "u"}},
    ]
    assert coerce_messages([{"role": "user", "content": blocks}]) == [HumanMessage(blocks)]


# --- LangChain message objects ----------------------------------------------------------


def test_langchain_like_messages() -> None:
    out = coerce_messages(
        [
            LCSystemMessage("be brief"),
            LCHumanMessage("what's 2+2?", name="bob"),
            LCAIMessage(
                "",
                id="run-1",
                tool_calls=[
                    {"name": "calc", "args": {"expr": "2+2"}, "id": "call_9", "type": "tool_call"}
                ],
                usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
            ),
            LCToolMessage("4", tool_call_id="call_9"),
            LCAIMessageChunk("It is 4."),
        ]
    )
    assert [type(m) for m in out] == [
        SystemMessage,
        HumanMessage,
        AIMessage,
        ToolMessage,
        AIMessage,
    ]
    system, human, ai, tool, final = out
    assert system.content == "be brief"
    assert (human.content, human.name) == ("what's 2+2?", "bob")
    assert isinstance(ai, AIMessage)
    assert ai.id == "run-1"
    assert [(tc["name"], tc["args"], tc["id"]) for tc in ai.tool_calls] == [
        ("calc", {"expr": "2+2"}, "call_9")
    ]
    assert ai.usage_metadata == {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}
    assert isinstance(tool, ToolMessage)
    assert (tool.tool_call_id, tool.content, tool.status) == ("call_9", "4", "success")
    assert final.content == "It is 4."


def test_langchain_like_error_tool_message_keeps_status() -> None:
    (tool,) = coerce_messages([LCToolMessage("boom", tool_call_id="c", status="error")])
    assert isinstance(tool, ToolMessage)
    assert tool.status == "error"


def test_langchain_like_block_content() -> None:
    blocks = [{"type": "text", "text": "hi"}]
    assert coerce_messages([LCHumanMessage(blocks)]) == [HumanMessage(blocks)]


def test_langchain_like_tool_message_without_id_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"message 0: .*tool_call_id"):
        coerce_messages([LCToolMessage("4", tool_call_id=None)])


def test_langchain_like_unsupported_type_names_it_and_the_index() -> None:
    with pytest.raises(TypeError, match=r"message 1: .*'function'"):
        coerce_messages([LCHumanMessage("hi"), LCFunctionMessage("x")])


# --- mixed ------------------------------------------------------------------------------


def test_mixed_list() -> None:
    out = coerce_messages(
        [
            SystemMessage("s"),
            ("user", "u"),
            {"role": "assistant", "content": "a"},
            LCHumanMessage("lc"),
            "plain",
        ]
    )
    assert kinds(out) == [
        (SystemMessage, "s"),
        (HumanMessage, "u"),
        (AIMessage, "a"),
        (HumanMessage, "lc"),
        (HumanMessage, "plain"),
    ]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "shown"),
    [
        (42, "int 42"),
        (3.5, "float 3.5"),
        (None, "NoneType None"),
        (b"bytes", "bytes"),
        (object(), "object"),
        (["role", "content", "more"], "list"),
        (("user",), "tuple"),
        ({"no", "role"}, "set"),
    ],
)
def test_unusable_item_is_a_type_error_naming_item_and_index(item: Any, shown: str) -> None:
    with pytest.raises(TypeError) as info:
        coerce_messages([HumanMessage("ok"), ("user", "fine"), item])
    text = str(info.value)
    assert text.startswith("message 2:")
    assert shown in text


@pytest.mark.parametrize("value", [42, None, 3.5, b"hello", bytearray(b"x"), {"a", "b"}])
def test_unusable_top_level_value_is_a_type_error(value: Any) -> None:
    with pytest.raises(TypeError, match=type(value).__name__):
        coerce_messages(value)


def test_top_level_dict_is_a_type_error() -> None:
    # One dict is not a list of messages; the message says what is accepted.
    with pytest.raises(TypeError, match="list of messages"):
        coerce_messages({"role": "user", "content": "hi"})


@pytest.mark.parametrize("item", [("user",), ("user", "a", "b"), (1, "x"), ()])
def test_malformed_tuple_is_a_type_error(item: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError, match=r"message 0: .*\(role, content\)"):
        coerce_messages([item])


@pytest.mark.parametrize("content", [42, {"text": "hi"}, 1.5])
def test_bad_content_type_is_a_type_error(content: Any) -> None:
    with pytest.raises(TypeError, match=r"message 1: content must be"):
        coerce_messages(["ok", ("user", content)])


def test_dict_without_role_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"message 0: .*'role'"):
        coerce_messages([{"content": "hi"}])


@pytest.mark.parametrize("value", [[], ()])
def test_empty_list_is_a_value_error(value: Any) -> None:
    with pytest.raises(ValueError, match="at least one message"):
        coerce_messages(value)


@pytest.mark.parametrize("value", [[("wizard", "hi")], [{"role": "wizard", "content": "hi"}]])
def test_unknown_role_names_it_and_lists_known_roles(value: list[Any]) -> None:
    with pytest.raises(
        ValueError, match=r"message 1: unknown role 'wizard'; known roles: "
    ) as info:
        coerce_messages(["hi", *value])
    known = str(info.value).split("known roles: ", 1)[1]
    assert sorted(r.strip() for r in known.split(",")) == sorted(KNOWN_ROLES)


def test_role_names_are_case_sensitive() -> None:
    with pytest.raises(ValueError, match="'User'"):
        coerce_messages([("User", "hi")])


@pytest.mark.parametrize(
    "item",
    [
        {"role": "tool", "content": "22C"},
        {"role": "tool", "content": "22C", "tool_call_id": ""},
        {"role": "tool", "content": "22C", "tool_call_id": None},
    ],
)
def test_tool_dict_without_tool_call_id_is_a_value_error(item: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"message 1: .*tool_call_id"):
        coerce_messages([("user", "hi"), item])


# --- the building blocks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        ("human", "human"),
        ("user", "human"),
        ("ai", "ai"),
        ("assistant", "ai"),
        ("system", "system"),
        ("developer", "system"),
        ("tool", "tool"),
    ],
)
def test_normalise_role(role: str, kind: str) -> None:
    assert normalise_role(role) == kind


def test_normalise_role_without_index_has_no_position() -> None:
    with pytest.raises(ValueError) as info:
        normalise_role("bot")
    assert str(info.value).startswith("unknown role 'bot'")


def test_message_from_role_builds_a_tool_message() -> None:
    msg = message_from_role("tool", "ok", tool_call_id="c1")
    assert msg == ToolMessage("ok", tool_call_id="c1")


def test_docstring_examples() -> None:
    import doctest

    from chatplex.messages import _coerce

    failures, tried = doctest.testmod(_coerce)
    assert failures == 0 and tried > 0


def test_none_content_is_empty_only_for_an_assistant_turn_with_tool_calls() -> None:
    call = {"name": "f", "args": {}, "id": "c1", "type": "tool_call"}
    assert message_from_role("assistant", None, tool_calls=[call]) == AIMessage(
        "", tool_calls=[call]
    )
    with pytest.raises(ValueError, match="content is missing or None"):
        message_from_role("assistant", None)


@pytest.mark.parametrize(
    ("value", "index"),
    [
        ([{"role": "user"}], 0),
        ([("system", "be brief"), ("user", None)], 1),
        ([("user", "hi"), {"role": "assistant", "content": None}], 1),
        ([{"role": "tool", "tool_call_id": "c1"}], 0),
    ],
)
def test_missing_or_none_content_is_an_error_naming_the_message(value: Any, index: int) -> None:
    with pytest.raises(ValueError, match=f"^message {index}: content is missing or None"):
        coerce_messages(value)


def test_an_openai_assistant_dict_with_tool_calls_may_have_null_content() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    (message,) = coerce_messages([{"role": "assistant", "content": None, "tool_calls": [call]}])
    assert isinstance(message, AIMessage) and message.content == ""
    assert message.tool_calls[0]["id"] == "c1"


def test_message_list_names_the_first_item_that_is_not_a_message() -> None:
    said = [HumanMessage("a"), HumanMessage("b")]
    assert message_list(said, HumanMessage, "count") == said
    with pytest.raises(TypeError, match=r"count takes a list of messages; item 1 is a tuple"):
        message_list([HumanMessage("a"), ("user", "b")], HumanMessage, "count")
    with pytest.raises(TypeError, match="count takes a list of messages, got str"):
        message_list("hi", HumanMessage, "count")
