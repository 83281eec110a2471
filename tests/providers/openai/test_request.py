"""The OpenAI request side (`providers/openai/request.py`): messages, tools and tool choice
in the Chat Completions wire shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.openai.request import OPENAI_ROLE_KEY
from chatplex.providers.openai.request import standard_tool_choice
from chatplex.providers.openai.request import system_role
from chatplex.providers.openai.request import tool_result_text
from chatplex.providers.openai.request import wire_message
from chatplex.providers.openai.request import wire_tool
from chatplex.providers.openai.request import wire_tool_choice

WEATHER = ToolSpec("weather", "Weather of a city.", {"type": "object", "properties": {}})
TIME = ToolSpec("time", "Time in a zone.", {"type": "object"})


def test_plain_messages() -> None:
    assert wire_message(HumanMessage("hi", name="ann")) == {
        "role": "user",
        "content": "hi",
        "name": "ann",
    }
    assert wire_message(SystemMessage("be brief")) == {"role": "system", "content": "be brief"}
    assert wire_message(ToolMessage("42", tool_call_id="c1")) == {
        "role": "tool",
        "tool_call_id": "c1",
        "content": "42",
    }
    blocks = [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "u"}}]
    assert wire_message(HumanMessage(blocks))["content"] == blocks


def test_a_spoken_reply_goes_back_by_its_audio_id() -> None:
    # As langchain-openai sends it: the id alone (OpenAI takes no audio data back).
    audio = {"id": "audio_1", "data": "UklGRiQ=", "expires_at": 1, "transcript": "hi"}
    sent = wire_message(AIMessage("", additional_kwargs={"audio": audio}))
    assert sent == {"role": "assistant", "content": "", "audio": {"id": "audio_1"}}
    assert "audio" not in wire_message(AIMessage("hi"))


def test_a_system_message_may_go_as_developer() -> None:
    developer = SystemMessage("rules", additional_kwargs={OPENAI_ROLE_KEY: "developer"})
    assert wire_message(developer) == {"role": "developer", "content": "rules"}
    # ...but as "system" where the wire's partner writes every system message so.
    assert wire_message(developer, developer_role=False) == {"role": "system", "content": "rules"}
    with pytest.raises(ValueError, match="'system' or 'developer'"):
        wire_message(SystemMessage("x", additional_kwargs={OPENAI_ROLE_KEY: "admin"}))


LEGACY = {"name": "get_weather", "arguments": '{"location": "Paris"}'}
BY_NAME = ToolMessage(
    "It is sunny.",
    tool_call_id="get_weather",
    name="get_weather",
    additional_kwargs={FUNCTION_RESULT_KEY: True},
)


def test_a_legacy_function_call_and_its_answer_go_as_langchain_openai_sends_them() -> None:
    # langchain-openai's _convert_message_to_dict: the call as given, empty text as null;
    # the answer a `function` turn with the function's name.
    turn = AIMessage("", additional_kwargs={"function_call": LEGACY})
    assert wire_message(turn) == {"role": "assistant", "content": None, "function_call": LEGACY}
    assert wire_message(BY_NAME) == {
        "role": "function",
        "content": "It is sunny.",
        "name": "get_weather",
    }
    said = AIMessage("Let me look.", additional_kwargs={"function_call": LEGACY})
    assert wire_message(said)["content"] == "Let me look."
    # Its blocks go as given (langchain-openai rebuilds an assistant's and a tool
    # result's text blocks, not these), in each partner's way of writing them.
    blocks = [{"type": "text", "text": "sunny", "id": "t1", "extras": {"signature": "s"}}]
    answer = ToolMessage(
        blocks, tool_call_id="f", name="f", additional_kwargs=BY_NAME.additional_kwargs
    )
    for written in (
        wire_message(answer),
        wire_message(answer, lone_text=True, part_keys=frozenset({"type", "text"})),
    ):
        assert written["content"] == blocks
    assert (
        wire_message(AIMessage([], additional_kwargs={"function_call": LEGACY}))["content"] is None
    )


def test_a_legacy_call_goes_only_where_no_tool_call_does_and_where_the_wire_sends_it() -> None:
    call = {"name": "f", "args": {}, "id": "c1", "type": "tool_call"}
    both = AIMessage("", tool_calls=[call], additional_kwargs={"function_call": LEGACY})  # type: ignore[list-item]
    sent = wire_message(both)
    assert "function_call" not in sent and sent["tool_calls"][0]["id"] == "c1"
    alone = AIMessage("", additional_kwargs={"function_call": LEGACY})
    assert wire_message(alone, function_calls=False) == {"role": "assistant", "content": ""}


def test_other_message_types_are_refused() -> None:
    class Odd(BaseMessage):
        pass

    with pytest.raises(TypeError, match="cannot send a Odd"):
        wire_message(Odd("x"))


def test_ai_message_with_tool_calls() -> None:
    message = AIMessage(
        "",
        tool_calls=[{"name": "weather", "args": {"city": "Oslo"}, "id": "c1"}],
        invalid_tool_calls=[{"name": "time", "args": '{"tz": ', "id": "c2", "error": "bad"}],
        name="bot",
    )
    assert wire_message(message) == {
        "role": "assistant",
        "content": None,  # empty text next to tool calls goes as null
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
            },
            {"id": "c2", "type": "function", "function": {"name": "time", "arguments": '{"tz": '}},
        ],
        "name": "bot",
    }
    assert wire_message(AIMessage("just text")) == {"role": "assistant", "content": "just text"}


def test_a_tool_call_without_an_id_cannot_be_sent() -> None:
    message = AIMessage("", tool_calls=[{"name": "weather", "args": {}, "id": None}])
    with pytest.raises(ValueError, match="'weather' has no id"):
        wire_message(message)


def test_a_calls_non_ascii_arguments_go_unescaped_as_langchain_openai_writes_them() -> None:
    args = {"place": "Café Ñandú 東京 🍣"}
    message = AIMessage("", tool_calls=[{"name": "book", "args": args, "id": "c1"}])
    sent = wire_message(message)["tool_calls"][0]["function"]["arguments"]
    assert sent == '{"place": "Café Ñandú 東京 🍣"}' and json.loads(sent) == args


def test_a_merged_stream_goes_as_the_message_it_makes() -> None:
    chunk = AIMessageChunk(
        "",
        tool_call_chunks=[{"name": "weather", "args": '{"city": "Lima"}', "id": "c1", "index": 0}],
    )
    assert wire_message(chunk)["tool_calls"][0]["function"] == {
        "name": "weather",
        "arguments": '{"city": "Lima"}',
    }


def test_reasoning_is_not_sent_back_and_cited_text_goes_as_plain_text() -> None:
    content: list[dict[str, Any]] = [
        {"type": "reasoning", "text": "thinking..."},
        {"type": "text", "text": "Paris", "citations": [{"url": "u"}]},
        {"type": "text", "text": " is the capital."},
    ]
    assert wire_message(AIMessage(content)) == {
        "role": "assistant",
        "content": "Paris is the capital.",
    }
    with_image: list[dict[str, Any]] = [
        {"type": "reasoning", "text": "..."},
        {"type": "text", "text": "see"},
        {"type": "image_url", "image_url": {"url": "u"}},
    ]
    assert wire_message(AIMessage(with_image))["content"] == [
        {"type": "text", "text": "see"},
        {"type": "image_url", "image_url": {"url": "u"}},
    ]


def test_text_blocks_keep_an_assistant_turns_text_as_blocks_once_its_reasoning_is_left_out() -> (
    None
):
    # langchain-openai keeps the list it filters; a partner that joins it sends a string.
    content: list[dict[str, Any]] = [
        {"type": "thinking", "thinking": "hmm", "signature": "s"},
        {"type": "text", "text": "Hello, "},
        {"type": "text", "text": "friend!", "citations": [{"url": "u"}]},
    ]
    assert wire_message(AIMessage(content), text_blocks=True)["content"] == [
        {"type": "text", "text": "Hello, "},
        {"type": "text", "text": "friend!"},
    ]
    assert wire_message(AIMessage(content))["content"] == "Hello, friend!"
    # Nothing left: an empty string either way, not an empty list.
    only_reasoning = AIMessage([{"type": "reasoning", "reasoning": "r"}])
    assert wire_message(only_reasoning, text_blocks=True)["content"] == ""
    # A plain string or a list without blocks left out is sent as it is.
    assert wire_message(AIMessage("hi"), text_blocks=True)["content"] == "hi"


def test_lone_text_sends_content_of_one_text_block_as_its_text() -> None:
    # langchain-fireworks' sanitizer; langchain-openai sends the list.
    one = [{"type": "text", "text": "hi"}]
    assert wire_message(HumanMessage(one), lone_text=True)["content"] == "hi"
    assert wire_message(HumanMessage(one))["content"] == one
    assert wire_message(AIMessage(one), lone_text=True)["content"] == "hi"
    two = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert wire_message(HumanMessage(two), lone_text=True)["content"] == two
    image = [{"type": "image_url", "image_url": {"url": "u"}}]
    assert wire_message(HumanMessage(image), lone_text=True)["content"] == image


def test_text_extras_go_from_the_roles_whose_partner_sends_them() -> None:
    # A Gemini 3 text signature (`extras`): langchain-openai sends a user's and a
    # system's blocks as given, an assistant's and a tool result's text bare; other
    # partners send it from every role (langchain-groq) or none (langchain-fireworks).
    signed = [{"type": "text", "text": "hi", "extras": {"signature": "c2ln"}}]
    bare = [{"type": "text", "text": "hi"}]
    messages = [
        SystemMessage(signed),
        HumanMessage(signed),
        AIMessage(signed),
        ToolMessage(signed, tool_call_id="c1"),
    ]
    assert [wire_message(m)["content"] for m in messages] == [signed, signed, bare, bare]
    every = frozenset({"user", "system", "assistant", "tool"})
    as_given = [wire_message(m, text_extras=every, rebuilt_text=frozenset()) for m in messages]
    assert [m["content"] for m in as_given] == [signed] * 4
    none = [wire_message(m, text_extras=frozenset(), lone_text=True) for m in messages]
    assert [m["content"] for m in none] == ["hi"] * 4
    developer = SystemMessage(signed, additional_kwargs={OPENAI_ROLE_KEY: "developer"})
    assert wire_message(developer)["content"] == signed
    # langchain-google-vertexai's spelling of the signature goes alike.
    vertex = [{"type": "text", "text": "hi", "thought_signature": "c2ln"}]
    assert wire_message(AIMessage(vertex))["content"] == bare
    assert wire_message(HumanMessage(vertex))["content"] == vertex
    assert signed[0]["extras"] == {"signature": "c2ln"}  # the message's block unchanged


def test_part_keys_cut_each_part_before_a_lone_text_is_read() -> None:
    # langchain-fireworks' sanitizer: every role's parts cut to its SDK's keys; None
    # (langchain-openai's) keeps them all.
    keys = frozenset({"type", "text", "image_url"})
    indexed = [{"type": "text", "text": "hi", "index": 0}]
    assert wire_message(HumanMessage(indexed), lone_text=True, part_keys=keys)["content"] == "hi"
    assert wire_message(HumanMessage(indexed), lone_text=True)["content"] == indexed
    by_id = [{"type": "text", "text": "a"}, {"type": "file", "file_id": "file-1"}]
    sent = wire_message(HumanMessage(by_id), part_keys=keys)["content"]
    assert sent == [{"type": "text", "text": "a"}, {"type": "file"}]
    assert wire_message(HumanMessage(by_id))["content"][1] == {
        "type": "file",
        "file": {"file_id": "file-1"},
    }
    assert wire_message(AIMessage(indexed), lone_text=True, part_keys=keys)["content"] == "hi"


def test_wire_tool() -> None:
    assert wire_tool(WEATHER) == {
        "type": "function",
        "function": {
            "name": "weather",
            "description": "Weather of a city.",
            "parameters": {"type": "object", "properties": {}},
        },
    }


@pytest.mark.parametrize(
    ("choice", "tools", "expected"),
    [
        (None, (WEATHER,), None),
        ("auto", (WEATHER,), "auto"),
        ("none", (WEATHER,), "none"),
        ("auto", (), None),  # OpenAI rejects a tool_choice without tools: it means nothing
        ("none", (), None),
        ("required", (WEATHER,), "required"),
        ("any", (WEATHER, TIME), "required"),
        ("time", (WEATHER, TIME), {"type": "function", "function": {"name": "time"}}),
    ],
)
def test_wire_tool_choice(choice: str | None, tools: tuple[ToolSpec, ...], expected: Any) -> None:
    assert wire_tool_choice(choice, tools) == expected


def test_a_tool_choice_needs_the_tools_it_names() -> None:
    with pytest.raises(ValueError, match="needs tools"):
        wire_tool_choice("required", ())
    with pytest.raises(ValueError, match="'clock', which is not among the tools: weather, time"):
        wire_tool_choice("clock", (WEATHER, TIME))


def test_a_tools_strict_flag_is_sent_only_when_set() -> None:
    from chatplex.providers.openai.request import wire_tool

    schema = {"type": "object", "properties": {}}
    assert "strict" not in wire_tool(ToolSpec("f", "", schema))["function"]
    assert wire_tool(ToolSpec("f", "", schema, strict=False))["function"]["strict"] is False
    assert wire_tool(ToolSpec("f", "", schema, strict=True))["function"]["strict"] is True
    # Anthropic's cache_control has no place on the OpenAI wire.
    tool = ToolSpec("f", "", schema, cache_control={"type": "ephemeral"})
    assert "cache_control" not in str(wire_tool(tool))


@pytest.mark.parametrize(
    ("choice", "has_tools", "sent"),
    [
        (None, True, None),
        ("auto", True, "auto"),
        ("none", True, "none"),
        ("auto", False, None),
        ("none", False, None),
        ("any", True, "required"),
        ("required", True, "required"),
        ("weather", True, "weather"),
    ],
)
def test_the_standard_tool_choice_words(choice: str | None, has_tools: bool, sent: str) -> None:
    assert standard_tool_choice(choice, has_tools) == sent


@pytest.mark.parametrize("choice", ["any", "required", "weather"])
def test_a_choice_that_needs_tools_is_refused_without(choice: str) -> None:
    with pytest.raises(ValueError, match="needs tools, but none were given"):
        standard_tool_choice(choice, False)


def test_a_system_message_is_sent_as_system_or_as_developer_when_marked() -> None:
    assert system_role(SystemMessage("x")) == "system"
    marked = SystemMessage("x", additional_kwargs={OPENAI_ROLE_KEY: "developer"})
    assert system_role(marked) == "developer"
    langchain = SystemMessage("x", additional_kwargs={"__openai_role__": "developer"})
    assert system_role(langchain) == "developer"
    with pytest.raises(ValueError, match="must be 'system' or 'developer', not 'user'"):
        system_role(SystemMessage("x", additional_kwargs={OPENAI_ROLE_KEY: "user"}))


#: Contents mixing what Chat Completions takes with blocks of other APIs (Anthropic's
#: thinking and tool_use, Bedrock's reasoning_content, the Responses API's calls).
FOREIGN_BLOCKS: list[list[dict[str, Any]]] = [
    [{"type": "text", "text": "hi"}, {"type": "thinking", "thinking": "hmm", "signature": "s"}],
    [
        {"type": "thinking", "thinking": "hmm"},
        {"type": "text", "text": "hi"},
        {"type": "reasoning_content", "reasoning_content": {"text": "r"}},
    ],
    [{"type": "tool_use", "id": "t", "name": "f", "input": {}}, {"type": "text", "text": "hi"}],
    [{"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}],
    [{"type": "code_interpreter_call", "id": "ci"}, {"type": "reasoning", "summary": []}],
]


@pytest.mark.parametrize("blocks", FOREIGN_BLOCKS)
@pytest.mark.parametrize("kind", ["human", "system", "tool"])
def test_other_apis_blocks_are_left_out_as_langchain_openai_leaves_them(
    kind: str, blocks: list[dict[str, Any]]
) -> None:
    from langchain_core import messages as lc
    from langchain_openai.chat_models.base import _convert_message_to_dict

    from chatplex.providers.openai.spec import LANGCHAIN_OPENAI_DROPPED

    ours, theirs = {
        "human": (HumanMessage(blocks), lc.HumanMessage(blocks)),
        "system": (SystemMessage(blocks), lc.SystemMessage(blocks)),
        "tool": (ToolMessage(blocks, tool_call_id="c"), lc.ToolMessage(blocks, tool_call_id="c")),
    }[kind]
    assert wire_message(ours, LANGCHAIN_OPENAI_DROPPED) == _convert_message_to_dict(theirs)
    assert wire_message(ours)["content"] == blocks  # none dropped unless asked


#: Text blocks as a reply (a Responses one, an Anthropic one) and a cache marker leave
#: them: keys langchain-openai does not send back.
MARKED_TEXT: list[dict[str, Any]] = [
    {"type": "text", "text": "Hi", "id": "msg_1", "annotations": [{"type": "url_citation"}]},
    {"type": "text", "text": " there", "cache_control": {"type": "ephemeral"}},
    {"type": "text", "text": "!", "prompt_cache_breakpoint": {"ttl": "5m"}, "extras": {"a": 1}},
]


@pytest.mark.parametrize("calls", [[], [{"name": "add", "args": {"a": 1}, "id": "c1"}]])
def test_an_assistant_turns_text_goes_as_langchain_openai_rebuilds_it(
    calls: list[Any],
) -> None:
    from langchain_core import messages as lc
    from langchain_openai.chat_models._compat import _convert_from_v1_to_chat_completions
    from langchain_openai.chat_models.base import _convert_message_to_dict

    theirs = _convert_message_to_dict(
        _convert_from_v1_to_chat_completions(lc.AIMessage(MARKED_TEXT, tool_calls=calls))
    )
    assert wire_message(AIMessage(MARKED_TEXT, tool_calls=calls)) == theirs
    assert theirs["content"][0] == {"type": "text", "text": "Hi"}
    # A wire whose partner sends them as given (langchain-groq's).
    kept = wire_message(
        AIMessage(MARKED_TEXT), text_extras=frozenset({"assistant"}), rebuilt_text=frozenset()
    )
    assert kept["content"] == MARKED_TEXT


def test_a_tool_results_text_goes_as_langchain_openai_sanitizes_it() -> None:
    from langchain_core import messages as lc
    from langchain_openai.chat_models.base import _convert_message_to_dict

    theirs = _convert_message_to_dict(lc.ToolMessage(MARKED_TEXT, tool_call_id="c1"))
    assert wire_message(ToolMessage(MARKED_TEXT, tool_call_id="c1")) == theirs
    assert theirs["content"][2] == {
        "type": "text",
        "text": "!",
        "prompt_cache_breakpoint": {"ttl": "5m"},
    }
    assert [tool_result_text(b) for b in MARKED_TEXT] == theirs["content"]
    # A user's blocks go as given.
    assert wire_message(HumanMessage(MARKED_TEXT[:2]))["content"] == MARKED_TEXT[:2]


def test_a_tool_results_text_keeps_the_keys_its_wire_keeps() -> None:
    # langchain-mistralai's _sanitize_chat_completions_content: type and text only.
    sent = wire_message(
        ToolMessage(MARKED_TEXT, tool_call_id="c1"), tool_text_keys=frozenset({"type", "text"})
    )
    assert sent["content"] == [{"type": "text", "text": b["text"]} for b in MARKED_TEXT]


@pytest.mark.parametrize(("choice", "sent"), [("auto", "auto"), ("any", "required")])
def test_wire_tool_choice_goes_beside_an_empty_listed_tool_list(choice: str, sent: str) -> None:
    # (`tools: []` sent, `Adapter.keeps_choice_without_tools`: as langchain-groq sends it)
    assert wire_tool_choice(choice, (), listed=True) == sent
    assert wire_tool_choice("auto", ()) is None  # no list: nothing to choose among


def test_wire_tool_sends_only_the_beside_keys_its_adapter_names() -> None:
    # `OpenAIAdapter.sent_tool_extras`: langchain-openai's keys go beside the function; a
    # wire whose partner copies none sends none.
    from chatplex.providers.openai.request import wire_tool

    spec = ToolSpec("f", "", {"type": "object"}, beside={"defer_loading": True, "async": True})
    assert wire_tool(spec, ("defer_loading",)) == {
        "type": "function",
        "function": {"name": "f", "description": "", "parameters": {"type": "object"}},
        "defer_loading": True,
    }
    assert "defer_loading" not in wire_tool(spec)
