"""The Responses API request side: messages → input items, tools, tool choice, text
format, reasoning, translated and refused Chat Completions parameters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.openai.responses_request import since_last_response
from chatplex.providers.openai.responses_request import wire_body
from chatplex.providers.openai.responses_request import wire_input

WEATHER = ToolSpec("get_weather", "Weather for a city.", {"type": "object", "properties": {}})


def body(messages: list, **settings: object) -> dict:
    return wire_body(messages, CallSettings(model="gpt-4.1", **settings), stream=False)


def test_roles_and_text() -> None:
    items = wire_input(
        [
            SystemMessage("Be brief."),
            SystemMessage("Dev", additional_kwargs={"__openai_role__": "developer"}),
            HumanMessage("Hi"),
            AIMessage("Hello"),
        ]
    )
    # Typed message items, an assistant's text as output_text: langchain-openai's input.
    assert items == [
        {"type": "message", "role": "system", "content": "Be brief."},
        {"type": "message", "role": "developer", "content": "Dev"},
        {"type": "message", "role": "user", "content": "Hi"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Hello", "annotations": []}],
        },
    ]


def test_given_back_items_lose_the_merge_keys_of_langchain_streams() -> None:
    # A reply merged from LangChain's stream chunks keeps `index` in its blocks and in
    # its reasoning summary parts; the API refuses them.
    summary = [{"type": "summary_text", "text": "Count.", "index": 0}]
    reply = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": summary, "index": 0},
            {"type": "text", "text": "Two.", "id": "msg_1", "index": 1},
        ]
    )
    (reasoning, _) = wire_input([reply])
    assert reasoning == {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "Count."}],
    }


def test_a_function_call_goes_back_as_the_reply_wrote_it() -> None:
    call = {"name": "add", "args": {"a": 1}, "id": "call_1", "type": "tool_call"}
    block = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "add"}
    # The reply's own (compact) arguments, not json.dumps of the parsed ones, as
    # langchain-openai sends the block back (its `index` left out).
    written = {**block, "arguments": '{"a":1}', "status": "completed"}
    (item,) = wire_input([AIMessage([{**written, "index": 0}], tool_calls=[call])])
    assert json.dumps(item) == json.dumps(written)


def test_a_tool_call_without_its_item_keeps_non_ascii_arguments() -> None:
    call = {"name": "f", "args": {"city": "Zürich"}, "id": "c1", "type": "tool_call"}
    (item,) = wire_input([AIMessage("", tool_calls=[call])])
    assert item["arguments"] == '{"city": "Zürich"}'  # json.dumps(..., ensure_ascii=False)


def test_items_keys_in_langchain_openai_order() -> None:
    items = wire_input([HumanMessage("w?"), ToolMessage("sunny", tool_call_id="c1")])
    assert [list(i) for i in items] == [
        ["content", "role", "type"],
        ["type", "output", "call_id"],
    ]


def test_user_parts_in_every_accepted_form() -> None:
    content = [
        {"type": "text", "text": "Look"},
        {"type": "image_url", "image_url": {"url": "https://i.example/a.png", "detail": "low"}},
        {"type": "image", "base64": "AAAA", "mime_type": "image/jpeg"},
        {"type": "file", "file": {"file_id": "file-1"}},
        {"type": "file", "base64": "JVBE", "mime_type": "application/pdf", "filename": "a.pdf"},
        {"type": "input_text", "text": "raw"},
    ]
    (item,) = wire_input([HumanMessage(content)])
    assert item["content"] == [
        {"type": "input_text", "text": "Look"},
        {"type": "input_image", "image_url": "https://i.example/a.png", "detail": "low"},
        {"type": "input_image", "image_url": "data:image/jpeg;base64,AAAA"},  # no detail given
        {"type": "input_file", "file_id": "file-1"},
        {
            "type": "input_file",
            "file_data": "data:application/pdf;base64,JVBE",
            "filename": "a.pdf",
        },
        {"type": "input_text", "text": "raw"},
    ]


def test_an_explicit_cache_breakpoint_stays_on_its_part() -> None:
    # As langchain-openai keeps `prompt_cache_breakpoint` on a converted text/image part.
    mark = {"mode": "explicit"}
    content = [
        {"type": "text", "text": "Stable instructions", "prompt_cache_breakpoint": mark},
        {"type": "image_url", "image_url": {"url": "u"}, "prompt_cache_breakpoint": mark},
    ]
    (item,) = wire_input([SystemMessage(content)])
    assert item["content"] == [
        {"type": "input_text", "text": "Stable instructions", "prompt_cache_breakpoint": mark},
        {"type": "input_image", "image_url": "u", "prompt_cache_breakpoint": mark},
    ]


def test_a_system_message_adds_tools_mid_conversation_as_an_item_of_its_own() -> None:
    # langchain-openai's "Mid-conversation tool additions": the block goes as a top-level
    # input item, before what is left of the message (nothing here: no message item).
    tools = {"type": "additional_tools", "role": "developer", "tools": [{"type": "function"}]}
    approval = {"type": "mcp_approval_response", "approve": True, "approval_request_id": "a"}
    items = wire_input(
        [HumanMessage("What time is it?"), SystemMessage([tools]), HumanMessage([approval, "ok"])]
    )
    assert items == [
        {"content": "What time is it?", "role": "user", "type": "message"},
        tools,
        approval,
        {"content": [{"type": "input_text", "text": "ok"}], "role": "user", "type": "message"},
    ]
    with pytest.raises(ValueError, match="additional_tools"):
        wire_input([HumanMessage([tools])])  # a user's: no input item of the API's


def test_standard_reasoning_blocks_go_back_as_the_items_they_came_from() -> None:
    # An `output_version="v1"` reply: one reasoning block per summary part, the item's id
    # on each (and its extras); langchain-openai joins them back into one item.
    sealed = {"encrypted_content": "gAAA"}
    reply = AIMessage(
        [
            {"type": "reasoning", "reasoning": "One.", "id": "rs_1", "extras": sealed},
            {"type": "reasoning", "reasoning": "Two.", "id": "rs_1", "extras": sealed},
            {"type": "reasoning", "id": "rs_2"},
            {"type": "text", "text": "27", "id": "msg_1"},
        ]
    )
    items = wire_input([reply])
    assert items[:2] == [
        {
            "id": "rs_1",
            "encrypted_content": "gAAA",
            "summary": [
                {"type": "summary_text", "text": "One."},
                {"type": "summary_text", "text": "Two."},
            ],
            "type": "reasoning",
        },
        {"id": "rs_2", "summary": [], "type": "reasoning"},
    ]
    assert items[2]["type"] == "message"


def test_unknown_user_block_is_refused() -> None:
    with pytest.raises(ValueError, match="'audio_url'"):
        wire_input([HumanMessage([{"type": "audio_url", "audio_url": "x"}])])


def test_tool_round_trip() -> None:
    call = AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "P"}, "id": "c1"}])
    items = wire_input([HumanMessage("w?"), call, ToolMessage("sunny", tool_call_id="c1")])
    assert items[1:] == [
        {
            "type": "function_call",
            "call_id": "c1",
            "name": "get_weather",
            "arguments": '{"city": "P"}',
        },
        {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
    ]


def test_a_responses_reply_goes_back_as_its_items() -> None:
    reply = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": [], "index": 0},
            {"type": "web_search_call", "id": "ws_1", "status": "completed"},
            {"type": "text", "text": "Hi", "annotations": [], "id": "msg_1"},
            {
                "type": "function_call",
                "id": "fc_1",
                "call_id": "c1",
                "name": "f",
                "arguments": "{}",
            },
        ],
        tool_calls=[{"name": "f", "args": {}, "id": "c1"}],
    )
    assert wire_input([reply]) == [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "web_search_call", "id": "ws_1", "status": "completed"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Hi", "annotations": []}],
            "id": "msg_1",
        },
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}", "id": "fc_1"},
    ]


def test_other_providers_blocks_are_not_sent_back() -> None:
    reply = AIMessage([{"type": "thinking", "thinking": "hm"}, {"type": "text", "text": "ok"}])
    assert wire_input([reply]) == [
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "ok", "annotations": []}],
        }
    ]


def test_tool_call_without_id_is_refused() -> None:
    with pytest.raises(ValueError, match="has no id"):
        wire_input([AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": None}])])


def test_settings_and_function_tools() -> None:
    strict = ToolSpec("s", "", {"type": "object", "properties": {}}, strict=True)
    out = body(
        [HumanMessage("Hi")],
        temperature=0.2,
        top_p=0.9,
        max_tokens=64,
        tools=(WEATHER, strict),
        tool_choice="get_weather",
    )
    assert out["temperature"] == 0.2 and out["top_p"] == 0.9
    assert out["max_output_tokens"] == 64
    assert out["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather for a city.",
            "parameters": {"type": "object", "properties": {}},
        },
        {
            "type": "function",
            "name": "s",
            "description": "",
            "parameters": {"type": "object", "properties": {}},
            "strict": True,
        },
    ]
    assert out["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert out["stream"] is False  # sent, as langchain-openai sends it
    assert wire_body([HumanMessage("x")], CallSettings("m"), stream=True)["stream"] is True


def test_built_in_tools_pass_through_after_function_tools() -> None:
    out = body(
        [HumanMessage("Hi")],
        tools=(WEATHER,),
        tool_choice="web_search",
        extra_body={
            "tools": [{"type": "web_search"}, {"type": "file_search", "vector_store_ids": ["vs"]}]
        },
    )
    assert [t["type"] for t in out["tools"]] == ["function", "web_search", "file_search"]
    assert out["tools"][2] == {"type": "file_search", "vector_store_ids": ["vs"]}
    assert out["tool_choice"] == {"type": "web_search"}
    assert (
        body(
            [HumanMessage("x")],
            tool_choice="required",
            extra_body={"tools": [{"type": "web_search"}]},
        )["tool_choice"]
        == "required"
    )


def test_tool_choice_errors() -> None:
    with pytest.raises(ValueError, match="needs tools"):
        body([HumanMessage("x")], tool_choice="required")
    with pytest.raises(ValueError, match="not among the tools"):
        body([HumanMessage("x")], tools=(WEATHER,), tool_choice="nope")
    assert "tool_choice" not in body([HumanMessage("x")], tool_choice="auto")


def test_structured_output_as_text_format() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    chat_style = {
        "type": "json_schema",
        "json_schema": {"name": "A", "schema": schema, "strict": True},
    }
    out = body([HumanMessage("x")], extra_body={"response_format": chat_style, "verbosity": "low"})
    assert out["text"] == {
        "format": {"type": "json_schema", "name": "A", "schema": schema, "strict": True},
        "verbosity": "low",
    }
    assert "response_format" not in out
    native = {"format": {"type": "json_object"}}
    assert body([HumanMessage("x")], extra_body={"text": native})["text"] == native


def test_reasoning_and_responses_parameters() -> None:
    out = body(
        [HumanMessage("x")],
        extra_body={
            "reasoning": {"effort": "high", "summary": "auto"},
            "include": ["reasoning.encrypted_content"],
            "previous_response_id": "resp_0",
            "truncation": "auto",
            "store": False,
        },
    )
    assert out["reasoning"] == {"effort": "high", "summary": "auto"}
    assert out["include"] == ["reasoning.encrypted_content"]
    assert (out["previous_response_id"], out["truncation"], out["store"]) == (
        "resp_0",
        "auto",
        False,
    )
    assert body([HumanMessage("x")], extra_body={"reasoning_effort": "low"})["reasoning"] == {
        "effort": "low"
    }
    assert (
        body([HumanMessage("x")], extra_body={"max_completion_tokens": 9})["max_output_tokens"] == 9
    )
    both = body([HumanMessage("x")], extra_body={"max_completion_tokens": 9, "max_tokens": 7})
    assert both["max_output_tokens"] == 9 and "max_tokens" not in both
    # A call's max_completion_tokens wins over the model's max_tokens, as langchain-openai
    # renames it last; a body max_tokens gives way to the model's.
    called = body([HumanMessage("x")], max_tokens=16, extra_body={"max_completion_tokens": 42})
    assert called["max_output_tokens"] == 42 and "max_completion_tokens" not in called
    assert (
        body([HumanMessage("x")], max_tokens=16, extra_body={"max_tokens": 7})["max_output_tokens"]
        == 16
    )


@pytest.mark.parametrize("name", ["seed", "presence_penalty", "logit_bias", "n"])
def test_chat_completions_only_parameters_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name}= is a Chat Completions parameter"):
        body([HumanMessage("x")], extra_body={name: 2})


def test_stream_options_are_the_responses_apis_too_and_sent_as_given() -> None:
    # The Responses API's stream_options (include_obfuscation), as langchain-openai sends it.
    options = {"include_obfuscation": False}
    assert body([HumanMessage("x")], extra_body={"stream_options": options})["stream_options"] == (
        options
    )


def test_stop_is_left_out_as_langchain_openai_does() -> None:
    assert "stop" not in body([HumanMessage("x")], stop=("\n",))


def test_since_last_response() -> None:
    first = AIMessage("a", response_metadata={"id": "resp_9"})
    history = [HumanMessage("q1"), first, HumanMessage("q2")]
    assert since_last_response(history) == ([history[2]], "resp_9")
    plain = [HumanMessage("q"), AIMessage("a", response_metadata={"id": "chatcmpl-1"})]
    assert since_last_response(plain) == (plain, None)


def test_unstored_requests_send_no_item_ids_and_no_bare_reasoning() -> None:
    # store=False: the server kept nothing to look ids up in (langchain-openai's rule).
    reply = AIMessage(
        [
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {"type": "reasoning", "id": "rs_2", "summary": [], "encrypted_content": "gAAA"},
            {"type": "text", "text": "Two.", "id": "msg_1"},
        ]
    )
    items = wire_input([reply], stored=False)
    assert items == [
        {"type": "reasoning", "id": "rs_2", "summary": [], "encrypted_content": "gAAA"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Two.", "annotations": []}],
        },
    ]
    stored = wire_input([reply])
    assert [i.get("id") for i in stored] == ["rs_1", "rs_2", "msg_1"]


def test_builtin_tools_go_as_given_in_their_bound_place() -> None:
    from chatplex.adapters.tools import to_tool_specs
    from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter

    docs = {"type": "mcp", "server_label": "docs", "server_url": "https://d.example"}
    wiki = {"type": "mcp", "server_label": "wiki", "server_url": "https://w.example"}
    weather = {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    reader = OpenAIResponsesAdapter(api_key="k").builtin_tool
    # two MCP servers are two tools, not a duplicate name
    specs = to_tool_specs([docs, weather, wiki, {"type": "web_search"}], builtin=reader)
    sent = body([HumanMessage("x")], tools=specs, tool_choice="web_search")
    assert [t.get("server_label") or t["type"] for t in sent["tools"]] == [
        "docs",
        "function",
        "wiki",
        "web_search",
    ]
    assert sent["tools"][0] == docs
    assert sent["tool_choice"] == {"type": "web_search"}
    named = body([HumanMessage("x")], tools=specs, tool_choice="get_weather")
    assert named["tool_choice"] == {"type": "function", "name": "get_weather"}


TOOL_OUTPUTS: list[Any] = [
    [{"type": "text", "text": "3"}, {"type": "text", "text": "4", "id": "x"}],
    [{"type": "text", "text": "4", "prompt_cache_breakpoint": {"ttl": "5m"}}],
    [
        {"type": "text", "text": "see"},
        {"type": "image_url", "image_url": {"url": "u", "detail": "low"}},
    ],
    [{"type": "image", "base64": "aGk=", "mime_type": "image/png"}],
    [{"type": "file", "file": {"file_id": "file-1"}}, {"type": "input_text", "text": "hi"}],
    [{"type": "text", "text": "é", "id": "x"}, {"type": "json", "json": {"a": 1}}],
    ["a", "b"],
    [{"type": "thinking", "thinking": "t"}, {"type": "text", "text": "3"}],
]


@pytest.mark.parametrize("content", TOOL_OUTPUTS)
def test_a_tool_results_list_goes_as_langchain_openai_sends_it(content: Any) -> None:
    """Text, image and file blocks as input parts, another list as its JSON text:
    langchain-openai's `_construct_responses_api_input`, side by side."""
    from langchain_core import messages as lc
    from langchain_openai.chat_models.base import _construct_responses_api_input

    call = {"name": "add", "args": {"a": 1}, "id": "c1"}
    theirs = _construct_responses_api_input(
        [lc.AIMessage("", tool_calls=[call]), lc.ToolMessage(content, tool_call_id="c1")]
    )[-1]
    ours = wire_input([AIMessage("", tool_calls=[call]), ToolMessage(content, tool_call_id="c1")])
    assert ours[-1] == theirs
    assert isinstance(theirs["output"], str) == (content in TOOL_OUTPUTS[5:7])


def test_an_assistant_turns_text_goes_as_langchain_openai_writes_it() -> None:
    # An empty text is a message of one empty output_text, but beside calls; each text
    # block without the server's message id (none, LangChain's `lc_...`) a message of
    # its own; blocks of one `msg_...` id in the one message of that id.
    call = {"name": "f", "args": {}, "id": "call_1"}
    turns = [
        AIMessage(""),
        AIMessage("", tool_calls=[call]),
        AIMessage(
            [{"type": "text", "text": "One."}, {"type": "text", "text": "Two.", "id": "lc_1"}]
        ),
        AIMessage(
            [
                {"type": "text", "text": "A.", "id": "msg_1"},
                {"type": "reasoning", "id": "rs_1", "summary": []},
                {"type": "text", "text": "B.", "id": "msg_1"},
            ]
        ),
    ]
    items = wire_input(turns)
    texts = [
        [part["text"] for part in item["content"]] for item in items if item["type"] == "message"
    ]
    assert texts == [[""], ["One."], ["Two."], ["A.", "B."]]
    assert [item.get("id") for item in items if item["type"] != "message"] == [None, "rs_1"]


@pytest.mark.parametrize("stored", [True, False])
def test_a_reply_given_twice_goes_in_its_first_turns_item(stored: bool) -> None:
    # A cache hit gives the same reply (one `msg_...` id) to two turns: the API refuses
    # two items of one id, and langchain-openai puts the second's text in the first's
    # item; unstored, the items carry no id and each turn is its own.
    reply = AIMessage([{"type": "text", "text": "Hello!", "id": "msg_1"}])
    turns = [HumanMessage("Hi"), reply, HumanMessage("Hi"), reply, HumanMessage("Thanks")]
    items = wire_input(turns, stored=stored)
    texts = [
        [p.get("text") for p in i["content"]] if i["role"] == "assistant" else i["content"]
        for i in items
    ]
    if stored:
        assert texts == ["Hi", ["Hello!", "Hello!"], "Hi", "Thanks"]
        assert [i.get("id") for i in items] == [None, "msg_1", None, None]
    else:
        assert texts == ["Hi", ["Hello!"], "Hi", ["Hello!"], "Thanks"]
        assert not any("id" in i for i in items)


@pytest.mark.parametrize(
    ("choice", "sent"),
    [("auto", "auto"), ("none", "none"), ("any", "required"), ("required", "required")],
)
def test_a_choice_with_a_bound_empty_tool_list_goes_alone_where_asked(
    choice: str, sent: str
) -> None:
    # langchain-openai's Responses path sends bind_tools([], tool_choice=...) as the
    # choice alone (no tools), and a call's tool_choice with no tool bound too; chatplex
    # where the adapter asks it (`Adapter.keeps_choice_without_tools`).
    hi = [HumanMessage("hi")]
    bound = CallSettings(model="m", tool_list_bound=True, tool_choice=choice)
    body = wire_body(hi, bound, stream=False, choice_alone=True)
    assert body["tool_choice"] == sent and "tools" not in body
    if choice in ("auto", "none"):
        assert "tool_choice" not in wire_body(hi, bound, stream=False)
        unbound = CallSettings(model="m", tool_choice=choice)
        alone = wire_body(hi, unbound, stream=False, choice_alone=True)
        assert alone["tool_choice"] == sent and "tools" not in alone
    else:
        with pytest.raises(ValueError, match="needs tools"):
            wire_body(hi, bound, stream=False)


def test_wire_tool_sends_the_keys_given_beside_flat() -> None:
    # langchain-openai's Responses payload flattens the function and keeps what its
    # bind_tools copied beside it (a tool's `extras` defer_loading, async).
    from chatplex.adapters.request_types import ToolSpec
    from chatplex.providers.openai.responses_request import wire_tool

    spec = ToolSpec("f", "", {"type": "object"}, beside={"defer_loading": True})
    sent = wire_tool(spec)
    assert sent["defer_loading"] is True and sent["name"] == "f" and "function" not in sent


@pytest.mark.parametrize(
    ("model", "extra", "sent"),
    [
        ("gpt-5-nano", {}, False),
        ("gpt-5", {"reasoning_effort": "low"}, False),
        ("gpt-5.1", {"reasoning": {"effort": "none"}}, True),
        ("gpt-5-chat-latest", {}, True),
        ("gpt-4.1", {}, True),
    ],
)
def test_temperature_left_out_for_a_gpt5_model_as_langchain_openai(
    model: str, extra: dict, sent: bool
) -> None:
    settings = CallSettings(model=model, temperature=0.4, extra_body=extra)
    body = wire_body([HumanMessage("hi")], settings, stream=False)
    assert ("temperature" in body) is sent


def test_v1_tool_call_blocks_go_back_as_langchain_openai_sends_them() -> None:
    """A LangChain v1 turn's `tool_call` blocks as `function_call` items: the item id,
    the arguments as written and the status from the block's extras; a block without
    extras with compact JSON; a call without a block as the reply's JSON.
    langchain-openai's `_construct_responses_api_input`, side by side."""
    from langchain_core import messages as lc
    from langchain_openai.chat_models.base import _construct_responses_api_input

    from chatplex.langchain import to_chatplex_messages

    written = {"item_id": "fc_1", "arguments": '{"city": "Zürich"}', "status": "completed"}
    calls = [
        {"name": "weather", "args": {"city": "Zürich"}, "id": "call_1"},
        {"name": "time", "args": {"tz": "Zürich", "n": 1}, "id": "call_2"},
        {"name": "date", "args": {"tz": "Zürich"}, "id": "call_3"},
    ]
    turn = lc.AIMessage(
        [
            {"type": "text", "text": "Looking.", "id": "msg_1"},
            {"type": "tool_call", **calls[0], "extras": written},
            {"type": "tool_call", **calls[1]},
        ],
        tool_calls=calls,
        response_metadata={"output_version": "v1"},
    )
    given = [lc.HumanMessage("Weather?"), turn]
    ours = wire_input(to_chatplex_messages(given))
    assert ours == _construct_responses_api_input(given)
    assert [item.get("arguments") for item in ours[1:] if item["type"] == "function_call"] == [
        '{"city": "Zürich"}',
        '{"tz":"Z\\u00fcrich","n":1}',
        '{"tz": "Zürich"}',
    ]
