"""History turns as a partner package writes them (`TurnStyle`): Mistral's profile held
to langchain-mistralai's own message conversion, message by message, and the styles'
fields one by one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex import messages as cp
from chatplex.adapters.request_types import CallSettings
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.profile import TurnStyle
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.compatible.turns import reasoning_details
from chatplex.providers.compatible.turns import styled_turns

partner = pytest.importorskip("langchain_mistralai.chat_models")
lc = pytest.importorskip("langchain_core.messages")

CALL = {"name": "add", "args": {"a": 1, "word": "café"}, "id": "Ab3dE6gH9"}
THINKING = {
    "type": "thinking",
    "thinking": [{"type": "text", "text": "Count.", "index": 0}],
    "index": 0,
}
ANSWER = {"type": "text", "text": "Two.", "index": 1}

#: (chatplex's message, LangChain's same message)
HISTORY: list[tuple[Any, Any]] = [
    (cp.SystemMessage("Be brief."), lc.SystemMessage("Be brief.")),
    (cp.HumanMessage("What is 1+2?", name="ada"), lc.HumanMessage("What is 1+2?", name="ada")),
    (cp.AIMessage("", tool_calls=[CALL]), lc.AIMessage("", tool_calls=[CALL])),
    (cp.ToolMessage("3", tool_call_id="Ab3dE6gH9"), lc.ToolMessage("3", tool_call_id="Ab3dE6gH9")),
    (
        cp.AIMessage("Let me add.", tool_calls=[{**CALL, "id": "Zz9yY8xX7"}]),
        lc.AIMessage("Let me add.", tool_calls=[{**CALL, "id": "Zz9yY8xX7"}]),
    ),
    (
        cp.ToolMessage("3", tool_call_id="Zz9yY8xX7", name="add"),
        lc.ToolMessage("3", tool_call_id="Zz9yY8xX7", name="add"),
    ),
    # A call written by hand with empty list content (the LangChain docs' messages page).
    (
        cp.AIMessage([], tool_calls=[{**CALL, "id": "Qq1wW2eE3"}]),
        lc.AIMessage([], tool_calls=[{**CALL, "id": "Qq1wW2eE3"}]),
    ),
    (cp.ToolMessage("3", tool_call_id="Qq1wW2eE3"), lc.ToolMessage("3", tool_call_id="Qq1wW2eE3")),
    (cp.AIMessage([THINKING, ANSWER], name="bot"), lc.AIMessage([THINKING, ANSWER], name="bot")),
    (cp.HumanMessage("Sure?"), lc.HumanMessage("Sure?")),
]


def _ours(history: list[Any]) -> list[dict[str, Any]]:
    adapter = preset_adapter_class("mistralai")(api_key="k", base_url="http://127.0.0.1:9")
    request = adapter.build_request(history, CallSettings(model="m"), stream=False)
    return list(request.json["messages"])


def test_mistral_history_is_langchain_mistralais() -> None:
    ours = _ours([mine for mine, _ in HISTORY])
    theirs = [partner._convert_message_to_mistral_chat_message(m) for _, m in HISTORY]
    assert ours == theirs


def test_an_invalid_call_goes_with_its_raw_arguments() -> None:
    bad = {"name": "add", "args": "{not json", "id": "Ab3dE6gH9", "error": "bad"}
    mine = cp.AIMessage("", invalid_tool_calls=[bad])
    theirs = lc.AIMessage("", invalid_tool_calls=[bad])
    tool = (
        cp.ToolMessage("?", tool_call_id="Ab3dE6gH9"),
        lc.ToolMessage("?", tool_call_id="Ab3dE6gH9"),
    )
    ours = _ours([cp.HumanMessage("x"), mine, tool[0]])
    expected = [
        partner._convert_message_to_mistral_chat_message(m)
        for m in (lc.HumanMessage("x"), theirs, tool[1])
    ]
    assert ours == expected


def test_chatplex_reasoning_blocks_are_not_sent_back() -> None:
    """A reasoning block (another provider's, chatplex's own shape) is no Mistral part:
    left out, as the OpenAI adapter leaves it out, where a thinking part goes back."""
    message = cp.AIMessage([{"type": "reasoning", "reasoning": "R"}, {"type": "text", "text": "A"}])
    expected = [{"type": "text", "text": "A"}]  # a list, as langchain-mistralai's stays
    assert _ours([cp.HumanMessage("x"), message])[1]["content"] == expected


def test_openai_style_is_untouched_without_a_turn_style() -> None:
    assert PROFILES["cerebras"].turns is None and PROFILES["mistralai"].turns is not None
    message = cp.AIMessage("", tool_calls=[CALL])
    wire = [{"role": "assistant", "content": None, "tool_calls": [{"id": "x"}], "name": "n"}]
    assert styled_turns([message], wire, TurnStyle()) == wire


@pytest.mark.parametrize(
    ("field", "check"),
    [
        ("empty_call_content", lambda turn: turn["content"] == ""),
        ("tool_name", lambda turn: turn == {"role": "assistant", "content": None}),
    ],
)
def test_each_field_changes_only_its_part(field: str, check: Any) -> None:
    call = cp.AIMessage("", tool_calls=[CALL])
    wire = [{"role": "assistant", "content": None}]
    assert check(styled_turns([call], wire, TurnStyle(**{field: True}))[0])


def test_empty_list_kept_sends_a_hand_written_calls_empty_list() -> None:
    # langchain-fireworks nulls an empty string beside calls, not an empty list.
    wire = [{"role": "assistant", "content": None}]
    style = TurnStyle(empty_list_kept=True)
    by_hand = cp.AIMessage([], tool_calls=[CALL])
    assert styled_turns([by_hand], wire, style)[0]["content"] == []
    assert styled_turns([by_hand], wire, TurnStyle())[0]["content"] is None
    answered = cp.AIMessage("", tool_calls=[CALL])
    assert styled_turns([answered], wire, style)[0]["content"] is None


def test_call_fields_and_names() -> None:
    call = cp.AIMessage("", tool_calls=[CALL], name="bot")
    tool = cp.ToolMessage("3", tool_call_id="Ab3dE6gH9")
    wire = [{"role": "assistant", "content": None, "name": "bot"}, {"role": "tool"}]
    typed = styled_turns([call, tool], wire, TurnStyle())
    assert typed == wire  # the OpenAI adapter's calls (non-ASCII kept) as they are
    bare = styled_turns(
        [call, tool], wire, TurnStyle(call_type=False, tool_name=True, turn_names=False)
    )
    assert "type" not in bare[0]["tool_calls"][0] and "name" not in bare[0]
    assert bare[1] == {"role": "tool", "name": None}
    assert bare[0]["tool_calls"][0]["function"]["arguments"] == '{"a": 1, "word": "café"}'


#: A reply's text blocks (a Responses reply's `id`, a cache marker) and a call.
MARKED = [
    {"type": "text", "text": "Hi", "id": "msg_1", "annotations": [{"type": "url_citation"}]},
    {"type": "text", "text": " thé", "cache_control": {"type": "ephemeral"}},
]
CALLED = {"name": "add", "args": {"a": 1}, "id": "call_1"}


def _history(m: Any) -> list[Any]:
    return [
        m.HumanMessage("q"),
        m.AIMessage(MARKED, tool_calls=[CALLED]),
        m.ToolMessage(MARKED, tool_call_id="call_1"),
        m.AIMessage(MARKED),
        m.AIMessage([], tool_calls=[{**CALLED, "id": "call_2"}]),
        m.ToolMessage("3", tool_call_id="call_2"),
    ]


def _sent(name: str) -> list[dict[str, Any]]:
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    request = adapter.build_request(_history(cp), CallSettings(model="m"), stream=False)
    return list(request.json["messages"])


def test_deepseek_history_is_langchain_deepseeks() -> None:
    """An assistant's text blocks joined into one string, a tool result's list as its
    JSON text: langchain-deepseek's `_get_request_payload`, side by side."""
    deepseek = pytest.importorskip("langchain_deepseek")
    partner_model = deepseek.ChatDeepSeek(api_key="k", model="m")
    theirs = partner_model._get_request_payload(_history(lc))["messages"]
    ours = _sent("deepseek")
    assert ours == theirs
    assert ours[1]["content"] == "Hi thé" and ours[2]["content"].startswith('[{"type": "text"')


#: Another provider's reply (Anthropic's): a thought, a redacted one, the answer.
_FOREIGN = [
    {"type": "thinking", "thinking": "Count.", "signature": "sig"},
    {"type": "redacted_thinking", "data": "Encrypted=="},
    {"type": "text", "text": "Two."},
]


def _partner_sent(preset: str, history: list[Any]) -> list[dict[str, Any]]:
    if preset in ("groq", "sambanova"):
        module = pytest.importorskip(f"langchain_{preset}.chat_models")
        return [module._convert_message_to_dict(m) for m in history]
    deepseek = pytest.importorskip("langchain_deepseek")
    partner_model = deepseek.ChatDeepSeek(api_key="k", model="m")
    return list(partner_model._get_request_payload(history)["messages"])


@pytest.mark.parametrize("preset", ["deepseek", "groq"])
def test_a_replayed_replys_unsendable_blocks_are_left_out_as_the_partner_does(
    preset: str,
) -> None:
    """A block no Chat Completions turn holds (`redacted_thinking`) in another
    provider's reply is left out with the rest, as langchain-deepseek and -groq leave it
    out (their text alone), where the check refused it (ValueError)."""

    def history(m: Any) -> list[Any]:
        return [
            m.HumanMessage("q"),
            m.AIMessage(_FOREIGN),
            m.AIMessage(_FOREIGN[1:2]),
            m.AIMessage(_FOREIGN[1:2], tool_calls=[CALLED]),
            m.ToolMessage("3", tool_call_id="call_1"),
        ]

    theirs = _partner_sent(preset, history(lc))
    adapter = preset_adapter_class(preset)(api_key="k", base_url="http://127.0.0.1:9")
    ours = adapter.build_request(history(cp), CallSettings(model="m"), stream=False).json
    assert ours["messages"] == theirs
    assert "redacted_thinking" not in json.dumps(ours)


_USE = {"type": "tool_use", "id": "call_1", "name": "add", "input": {"a": 1}}
#: Anthropic's tool-calling replies (no text), as a next turn's history holds them.
_CALLING = {
    "thought_redacted_call": [_FOREIGN[0], _FOREIGN[1], _USE],
    "thought_call": [_FOREIGN[0], _USE],
    "redacted_call": [_FOREIGN[1], _USE],
    "empty": [],
}


@pytest.mark.parametrize("preset", ["deepseek", "sambanova"])
@pytest.mark.parametrize("shape", sorted(_CALLING))
def test_a_replayed_calling_turn_without_text_goes_as_the_partner_sends_it(
    preset: str, shape: str
) -> None:
    """Another provider's tool-calling reply without text replayed: its content "" or
    null as the partner sends it. langchain-deepseek joins the text after
    langchain-openai's payload nulls a content none of whose blocks it keeps (a thought,
    a tool use): "" where a redacted thought was left, null where nothing was;
    langchain-sambanova sends null for any."""

    def history(m: Any) -> list[Any]:
        calling = m.AIMessage(_CALLING[shape], tool_calls=[CALLED])
        return [m.HumanMessage("q"), calling, m.ToolMessage("3", tool_call_id="call_1")]

    theirs = _partner_sent(preset, history(lc))
    adapter = preset_adapter_class(preset)(api_key="k", base_url="http://127.0.0.1:9")
    ours = adapter.build_request(history(cp), CallSettings(model="m"), stream=False).json
    assert ours["messages"][1]["content"] == theirs[1]["content"]
    assert ours["messages"] == theirs


def test_sambanova_sends_an_assistants_text_joined_where_its_partner_loses_it() -> None:
    """langchain-sambanova sends an assistant's list content as "" (null beside calls):
    the reply's text lost, a kept difference; sent as one string, SambaNova's type."""
    sambanova = pytest.importorskip("langchain_sambanova.chat_models")
    theirs = [sambanova._convert_message_to_dict(m) for m in _history(lc)]
    assert [theirs[1]["content"], theirs[3]["content"]] == [None, ""]  # LangChain's loss
    ours = _sent("sambanova")
    assert [ours[1]["content"], ours[3]["content"]] == ["Hi thé", "Hi thé"]
    assert ours[4]["content"] == theirs[4]["content"] is None
    others = [i for i in range(len(ours)) if i not in (1, 3)]
    assert [ours[i] for i in others] == [theirs[i] for i in others]


def test_joined_text_and_tool_list_json_change_only_their_turns() -> None:
    ai, tool = cp.AIMessage(MARKED), cp.ToolMessage(MARKED, tool_call_id="c")
    wire = [{"role": "assistant", "content": MARKED}, {"role": "tool", "content": MARKED}]
    joined = styled_turns([ai, tool], wire, TurnStyle(joined_text=True))
    assert joined == [{"role": "assistant", "content": "Hi thé"}, wire[1]]
    dumped = styled_turns([ai, tool], wire, TurnStyle(tool_list_json=True))
    assert dumped[0] == wire[0] and json.loads(dumped[1]["content"]) == MARKED
    assert "\\u00e9" in dumped[1]["content"]  # json.dumps' ASCII, as the partner's
    plain = [{"role": "assistant", "content": "x"}, {"role": "tool", "content": "3"}]
    both = TurnStyle(joined_text=True, tool_list_json=True)
    assert styled_turns([ai, tool], plain, both) == plain


def test_reasoning_goes_back_under_the_partners_key_from_the_turns_it_takes() -> None:
    # langchain-sambanova sends any turn's reasoning_content back as `reasoning`;
    # langchain-fireworks as `reasoning_content`, from its own turns or untagged ones.
    wire = [{"role": "assistant", "content": "A"}]
    kept = {"reasoning_content": "R"}
    own = cp.AIMessage("A", additional_kwargs=kept, response_metadata={"model_provider": "f"})
    other = cp.AIMessage("A", additional_kwargs=kept, response_metadata={"model_provider": "o"})
    untagged = cp.AIMessage("A", additional_kwargs=kept)
    anywhere = TurnStyle(reasoning_key="reasoning")
    assert [styled_turns([m], wire, anywhere)[0].get("reasoning") for m in (own, other)] == [
        "R",
        "R",
    ]
    from_own = TurnStyle(reasoning_key="reasoning_content", reasoning_from="f")
    sent = [styled_turns([m], wire, from_own)[0].get("reasoning_content") for m in (own, other)]
    assert sent == ["R", None]
    assert styled_turns([untagged], wire, from_own)[0]["reasoning_content"] == "R"
    assert styled_turns([untagged], wire, TurnStyle()) == wire


def test_reasoning_details_go_back_merged_and_without_ephemeral_ids() -> None:
    # langchain-openrouter's `_merge_reasoning_details` and `_strip_ephemeral_reasoning_ids`.
    fragments = [
        {"type": "reasoning.text", "text": "a", "index": 0},
        {"type": "reasoning.text", "text": None, "signature": "s", "index": 0},
        {"type": "reasoning.summary", "summary": "x", "index": 0},  # another type: apart
        "not a dict",
        {"type": "reasoning.text", "text": "no index"},
        {"type": "reasoning.encrypted", "data": "d", "id": "rs_1", "index": 1},
        {"type": "reasoning.encrypted", "data": "e", "index": 1, "format": None},
    ]
    assert reasoning_details(fragments) == [
        {"type": "reasoning.text", "index": 0, "signature": "s", "text": "a"},
        fragments[2],
        "not a dict",
        fragments[4],
        {"type": "reasoning.encrypted", "data": "e", "id": "rs_1", "index": 1},
    ]
    assert reasoning_details(fragments[:1]) == fragments[:1]  # one entry: as it is
    message = cp.AIMessage("A", additional_kwargs={"reasoning_details": fragments[5:]})
    wire = [{"role": "assistant", "content": "A"}]
    sent = styled_turns([message], wire, TurnStyle(reasoning_details=True))[0]
    assert sent["reasoning_details"] == [{"type": "reasoning.encrypted", "data": "e", "index": 1}]
    assert styled_turns([message], wire, TurnStyle()) == wire  # (not sent unless asked)


def _converted(convert: Any, raw: list[Any], written: list[Any]) -> tuple[Any, Any, Any]:
    """A turn of a valid call, then invalid ones with the `raw` arguments: the partner's
    `convert` of it, chatplex's message, and its wire turn as the OpenAI adapter writes
    it (each call's arguments as `written`)."""
    bad = [{"name": "add", "args": a, "id": f"c{n}", "error": "e"} for n, a in enumerate(raw)]
    theirs = convert(lc.AIMessage("", tool_calls=[CALL], invalid_tool_calls=bad))
    mine = cp.AIMessage("", tool_calls=[CALL], invalid_tool_calls=bad)
    calls = [
        {**c, "function": {**c["function"], "arguments": a}}
        for c, a in zip(theirs["tool_calls"], written, strict=True)
    ]
    return theirs, mine, [{"role": "assistant", "content": None, "tool_calls": calls}]


def test_fireworks_wraps_arguments_that_are_no_object_as_langchain_fireworks() -> None:
    """A turn's calls, valid then invalid (arguments no JSON, a list, an object, one with a
    NaN, none): each one's arguments that are no JSON object go wrapped in one, the others
    as they are, as langchain-fireworks' `_convert_message_to_dict` writes them."""
    fireworks = pytest.importorskip("langchain_fireworks.chat_models")
    raw = ["{bad", "[1]", '{"a": "x"}', '{"a": NaN}', None]
    # (an invalid one's arguments as given)
    written = [json.dumps(CALL["args"], ensure_ascii=False), *raw]
    theirs, mine, wire = _converted(fireworks._convert_message_to_dict, raw, written)
    ours = styled_turns([mine], wire, TurnStyle(wrapped_arguments=True))[0]["tool_calls"]
    assert ours == theirs["tool_calls"]
    wrapped = [json.loads(c["function"]["arguments"]) for c in ours]
    assert [w.get("__invalid_tool_call_arguments", "<kept>") for w in wrapped] == [
        "<kept>",
        "{bad",
        "[1]",
        "<kept>",
        '{"a": NaN}',
        None,
    ]


def test_null_arguments_sends_an_invalid_calls_none_as_langchain_openai() -> None:
    """A turn's calls, valid then invalid (arguments none, no JSON, empty): an invalid
    call without arguments goes with `"arguments": null`, the others as they are, as
    langchain-openai's `_convert_message_to_dict` writes them (its partners' too)."""
    openai = pytest.importorskip("langchain_openai.chat_models.base")
    raw = [None, "{bad", ""]
    # (an invalid one's arguments or "")
    written = [json.dumps(CALL["args"], ensure_ascii=False), "", "{bad", ""]
    theirs, mine, wire = _converted(openai._convert_message_to_dict, raw, written)
    ours = styled_turns([mine], wire, TurnStyle(null_arguments=True))[0]["tool_calls"]
    assert ours == theirs["tool_calls"]
    assert [c["function"]["arguments"] for c in ours][1:] == [None, "{bad", ""]
    assert styled_turns([mine], wire, TurnStyle()) == wire  # (off: as written)


def test_groq_sends_an_assistants_text_parts_alone_as_langchain_groq() -> None:
    """A replayed image in an assistant turn is left out, as langchain-groq's
    `_convert_message_to_dict` leaves it (Groq takes text parts only there): "" where
    nothing is left, null beside tool calls."""
    groq = pytest.importorskip("langchain_groq.chat_models")
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}

    def history(m: Any) -> list[Any]:
        return [
            m.HumanMessage("Draw."),
            m.AIMessage([{"type": "text", "text": "Drawn."}, image]),
            m.AIMessage([image], tool_calls=[CALLED]),
            m.ToolMessage("3", tool_call_id="call_1"),
            m.AIMessage([image]),
        ]

    theirs = [groq._convert_message_to_dict(m) for m in history(lc)]
    adapter = preset_adapter_class("groq")(api_key="k", base_url="http://127.0.0.1:9")
    ours = adapter.build_request(history(cp), CallSettings(model="m"), stream=False).json
    assert ours["messages"] == theirs
    assert [theirs[i]["content"] for i in (1, 2, 4)] == [
        [{"type": "text", "text": "Drawn."}],
        None,
        "",
    ]
