"""`ChatPromptTemplate`, `MessagesPlaceholder` and `ChatPromptValue`."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import HumanMessage
from chatplex import MessagesPlaceholder
from chatplex import SystemMessage
from chatplex import ToolMessage
from chatplex.core import ChatPromptValue
from chatplex.messages import BaseMessage
from tests._older_pydantic import MARKS
from tests._older_pydantic import older_model_class
from tests._older_pydantic import without_marks


def messages_of(prompt: ChatPromptTemplate, input: Any) -> list[BaseMessage]:
    value = prompt.invoke(input)
    assert isinstance(value, ChatPromptValue)
    return value.to_messages()


# --- from_template / from_messages ------------------------------------------------------


def test_from_template_is_one_human_message() -> None:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic} in {n} words")
    assert prompt.input_variables == ["n", "topic"]  # sorted, as LangChain sorts them
    assert messages_of(prompt, {"topic": "tea", "n": 5}) == [
        HumanMessage("Tell me about tea in 5 words")
    ]


def test_from_messages_roles() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You write {style} posts."),
            ("developer", "Never mention {taboo}."),
            ("human", "Topic: {topic}"),
            ("ai", "Draft about {topic}"),
            ("user", "Shorter."),
            ("assistant", "OK"),
            "A bare str is a human turn about {topic}",
        ]
    )
    assert prompt.input_variables == ["style", "taboo", "topic"]
    out = messages_of(prompt, {"style": "short", "taboo": "cats", "topic": "tea"})
    assert out == [
        SystemMessage("You write short posts."),
        SystemMessage("Never mention cats.", additional_kwargs={"__openai_role__": "developer"}),
        HumanMessage("Topic: tea"),
        AIMessage("Draft about tea"),
        HumanMessage("Shorter."),
        AIMessage("OK"),
        HumanMessage("A bare str is a human turn about tea"),
    ]


def test_extra_input_keys_are_ignored() -> None:
    prompt = ChatPromptTemplate.from_template("{a}")
    assert messages_of(prompt, {"a": "x", "unused": "y"}) == [HumanMessage("x")]


def test_values_are_formatted_with_str() -> None:
    prompt = ChatPromptTemplate.from_template("{n} {items} {none}")
    assert messages_of(prompt, {"n": 3, "items": [1, 2], "none": None}) == [
        HumanMessage("3 [1, 2] None")
    ]


def test_double_braces_are_literal() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", 'Reply as JSON like {{"answer": "{example}"}}'), ("human", "{{not_a_var}}")]
    )
    assert prompt.input_variables == ["example"]
    assert messages_of(prompt, {"example": "yes"}) == [
        SystemMessage('Reply as JSON like {"answer": "yes"}'),
        HumanMessage("{not_a_var}"),
    ]


def test_a_variable_used_twice_is_listed_once() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "{x} and {x}"), ("human", "{x}?")])
    assert prompt.input_variables == ["x"]
    assert [m.text for m in messages_of(prompt, "y")] == ["y and y", "y?"]


def test_literal_message_objects_are_kept_unformatted() -> None:
    system = SystemMessage("Braces stay: {not_a_var}")
    tool = ToolMessage("22C", tool_call_id="call_1")
    ai = AIMessage("", tool_calls=[{"name": "weather", "args": {}, "id": "call_1"}])
    prompt = ChatPromptTemplate.from_messages([system, ("human", "{q}"), ai, tool])
    assert prompt.input_variables == ["q"]
    out = messages_of(prompt, {"q": "weather?"})
    assert out == [system, HumanMessage("weather?"), ai, tool]
    assert out[0].text == "Braces stay: {not_a_var}"


def test_content_block_templates() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            (
                "human",
                [
                    {"type": "text", "text": "Describe {thing} in {n} words."},
                    {"type": "image_url", "image_url": {"url": "{url}", "detail": "low"}},
                ],
            )
        ]
    )
    assert prompt.input_variables == ["n", "thing", "url"]
    first = messages_of(prompt, {"thing": "the cat", "n": 3, "url": "https://x.test/cat.png"})
    assert first == [
        HumanMessage(
            [
                {"type": "text", "text": "Describe the cat in 3 words."},
                {
                    "type": "image_url",
                    "image_url": {"url": "https://x.test/cat.png", "detail": "low"},
                },
            ]
        )
    ]
    # The template itself is not changed by filling it.
    second = messages_of(prompt, {"thing": "a dog", "n": 1, "url": "u2"})
    assert second[0].text == "Describe a dog in 1 words."
    assert second[0].content[1]["image_url"]["url"] == "u2"  # type: ignore[index]


# --- MessagesPlaceholder ----------------------------------------------------------------


def test_required_messages_placeholder() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be kind."), MessagesPlaceholder("history"), ("human", "{question}")]
    )
    assert prompt.input_variables == ["history", "question"]
    out = messages_of(
        prompt,
        {
            "history": [("human", "hi"), AIMessage("hello"), {"role": "user", "content": "how?"}],
            "question": "and now?",
        },
    )
    assert out == [
        SystemMessage("Be kind."),
        HumanMessage("hi"),
        AIMessage("hello"),
        HumanMessage("how?"),
        HumanMessage("and now?"),
    ]


def test_required_placeholder_missing_is_a_key_error() -> None:
    prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
    with pytest.raises(KeyError, match="history"):
        prompt.invoke({"q": "x"})


def test_placeholder_messages_are_not_formatted() -> None:
    prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
    out = messages_of(prompt, {"history": [("human", "literal {q}")], "q": "x"})
    assert out == [HumanMessage("literal {q}"), HumanMessage("x")]


@pytest.mark.parametrize("history", [None, []])
def test_placeholder_with_nothing_adds_nothing(history: Any) -> None:
    prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
    assert messages_of(prompt, {"history": history, "q": "x"}) == [HumanMessage("x")]


@pytest.mark.parametrize("history", ["some text", ("human", "hi"), {"role": "user"}, 5])
@pytest.mark.parametrize("optional", [False, True])
def test_a_placeholder_given_no_list_is_langchains_value_error(
    history: Any, optional: bool
) -> None:
    # A str was read as a human message and a tuple as two, where LangChain refuses both.
    lc_prompts = pytest.importorskip("langchain_core.prompts")
    for kit in (lc_prompts, sys.modules["chatplex"]):
        slot = kit.MessagesPlaceholder("history", optional=optional)
        prompt = kit.ChatPromptTemplate.from_messages([slot, ("human", "{q}")])
        with pytest.raises(ValueError, match="variable history should be a list of"):
            prompt.invoke({"history": history, "q": "x"})
    listed = [("human", "hi"), ("ai", "yes")]
    theirs = lc_prompts.ChatPromptTemplate.from_messages([lc_prompts.MessagesPlaceholder("h")])
    ours = ChatPromptTemplate.from_messages([MessagesPlaceholder("h")])
    assert [(m.type, m.content) for m in messages_of(ours, {"h": listed})] == [
        (m.type, m.content) for m in theirs.invoke({"h": listed}).to_messages()
    ]


def test_an_optional_placeholder_is_a_partial_variable_of_no_messages_as_in_langchain() -> None:
    lc_prompts = pytest.importorskip("langchain_core.prompts")

    def read(kit: Any) -> list[Any]:
        prompt = kit.ChatPromptTemplate.from_messages(
            [("placeholder", "{examples}"), kit.MessagesPlaceholder("h"), ("human", "{q}")]
        )
        given = prompt.partial(examples=[("human", "x")])
        return [
            (
                p.partial_variables,
                p.optional_variables,
                sorted(p.get_input_jsonschema()["properties"]),
            )
            for p in (prompt, given)
        ]

    assert read(sys.modules["chatplex"]) == read(lc_prompts)


def test_optional_messages_placeholder() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [MessagesPlaceholder("history", optional=True), ("human", "{q}")]
    )
    assert messages_of(prompt, {"q": "x"}) == [HumanMessage("x")]
    assert messages_of(prompt, {"q": "x", "history": [("ai", "earlier")]}) == [
        AIMessage("earlier"),
        HumanMessage("x"),
    ]


def test_placeholder_tuple_form_is_optional() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "s"), ("placeholder", "{history}"), ("human", "{q}")]
    )
    placeholders = [p for p in prompt.parts if isinstance(p, MessagesPlaceholder)]
    assert placeholders == [MessagesPlaceholder("history", optional=True)]
    assert messages_of(prompt, {"q": "x"}) == [SystemMessage("s"), HumanMessage("x")]
    assert messages_of(prompt, {"q": "x", "history": [HumanMessage("h")]}) == [
        SystemMessage("s"),
        HumanMessage("h"),
        HumanMessage("x"),
    ]


@pytest.mark.parametrize("content", ["history", "{a}{b}", "", "{}", ["{history}"]])
def test_placeholder_tuple_needs_exactly_one_name(content: Any) -> None:
    with pytest.raises(ValueError):
        ChatPromptTemplate.from_messages([("placeholder", content)])


def test_placeholder_tuple_error_shows_the_expected_form() -> None:
    with pytest.raises(ValueError, match=r"prompt part 1: a placeholder is written '\{name\}'"):
        ChatPromptTemplate.from_messages([("system", "s"), ("placeholder", "history")])


def test_a_placeholder_may_say_whether_it_is_optional_as_in_langchain() -> None:
    prompt = ChatPromptTemplate.from_messages([("placeholder", ["{history}", False]), "{q}"])
    assert prompt.parts[0] == MessagesPlaceholder("history", optional=False)
    with pytest.raises(KeyError, match="history"):
        prompt.invoke({"q": "x"})
    optional = ChatPromptTemplate.from_messages([("placeholder", ("{history}", True)), "{q}"])
    assert messages_of(optional, {"q": "x"}) == [HumanMessage("x")]


#: Parts LangChain's `from_messages` reads beside `(role, template)` tuples.
LANGCHAIN_PARTS: list[Any] = [
    {"role": "system", "content": "Be {style}."},
    {"role": "placeholder", "content": "{history}"},
    ("placeholder", ["{history}", True]),
]


@pytest.mark.parametrize("part", LANGCHAIN_PARTS, ids=repr)
def test_a_part_is_read_as_langchains_from_messages_reads_it(part: Any) -> None:
    lc_prompts = pytest.importorskip("langchain_core.prompts")
    values = {"style": "brief", "history": [("ai", "earlier")], "q": "why?"}
    ours = ChatPromptTemplate.from_messages([part, "{q}"])
    theirs = lc_prompts.ChatPromptTemplate.from_messages([part, "{q}"])
    assert ours.input_variables == theirs.input_variables
    assert [(m.type, m.content) for m in ours.invoke(values).to_messages()] == [
        (m.type, m.content) for m in theirs.invoke(values).to_messages()
    ]


def test_a_role_may_be_a_message_class_as_in_langchain() -> None:
    lc_messages = pytest.importorskip("langchain_core.messages")
    prompt = ChatPromptTemplate.from_messages(
        [(SystemMessage, "Be {style}."), (lc_messages.HumanMessage, "{q}")]
    )
    assert messages_of(prompt, {"style": "brief", "q": "?"}) == [
        SystemMessage("Be brief."),
        HumanMessage("?"),
    ]


@pytest.mark.parametrize("part", [{"role": "user"}, {"role": "user", "content": "{q}", "n": 1}])
def test_a_message_dict_has_its_role_and_content_alone(part: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="prompt part 0: a message dict has the keys"):
        ChatPromptTemplate.from_messages([part])


def test_placeholder_only_prompt_takes_a_bare_list() -> None:
    prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("messages")])
    assert messages_of(prompt, [("user", "a"), ("ai", "b")]) == [HumanMessage("a"), AIMessage("b")]


def test_optional_placeholder_does_not_block_bare_input() -> None:
    prompt = ChatPromptTemplate.from_messages([("placeholder", "{history}"), ("human", "{q}")])
    assert messages_of(prompt, "hello") == [HumanMessage("hello")]


# --- partial and bare input -------------------------------------------------------------


def test_partial() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Style: {style}"), ("human", "{topic}")])
    short = prompt.partial(style="short")
    assert short.input_variables == ["topic"]
    assert messages_of(short, {"topic": "tea"}) == [
        SystemMessage("Style: short"),
        HumanMessage("tea"),
    ]
    # A partial with one variable left takes the bare value.
    assert messages_of(short, "coffee")[1] == HumanMessage("coffee")
    # The input wins over the partial value; the original template is unchanged.
    assert messages_of(short, {"topic": "t", "style": "long"})[0] == SystemMessage("Style: long")
    assert prompt.input_variables == ["style", "topic"]
    with pytest.raises(KeyError, match="style"):
        prompt.invoke({"topic": "tea"})


def test_partial_stacks() -> None:
    prompt = ChatPromptTemplate.from_template("{a}{b}{c}")
    assert prompt.partial(a="1").partial(b="2").invoke("3").to_messages() == [HumanMessage("123")]


def test_single_variable_takes_a_bare_value() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{question}")])
    assert messages_of(prompt, "why?") == [SystemMessage("Be brief."), HumanMessage("why?")]
    assert messages_of(prompt, 42)[1] == HumanMessage("42")


def test_bare_value_with_several_variables_is_a_type_error() -> None:
    prompt = ChatPromptTemplate.from_template("{a} {b}")
    with pytest.raises(TypeError, match=r"\['a', 'b'\]"):
        prompt.invoke("x")


def test_prompt_without_variables() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "fixed")])
    assert prompt.input_variables == []
    assert messages_of(prompt, {}) == [SystemMessage("fixed")]


# --- errors -----------------------------------------------------------------------------


def test_missing_variables_are_a_key_error_naming_them() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "{a} {b}"), ("human", "{c}")])
    with pytest.raises(KeyError) as info:
        prompt.invoke({"b": 1})
    message = info.value.args[0]
    assert "missing" in message
    assert "['a', 'c']" in message


@pytest.mark.parametrize(
    "template",
    [
        "Hello {}",
        "Hello {0}",
        "Hello {user.name}",
        "Hello {items[0]}",
        "Hello { name }",
        "Hello {name",
        "Hello name}",
        "Hello {first-name}",
    ],
)
def test_bad_placeholder_syntax_is_a_value_error_at_construction(template: str) -> None:
    with pytest.raises(ValueError):
        ChatPromptTemplate.from_template(template)
    with pytest.raises(ValueError):
        ChatPromptTemplate.from_messages([("system", "ok"), ("human", template)])


def test_bad_placeholder_in_a_content_block_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"\{0\}"):
        ChatPromptTemplate.from_messages([("human", [{"type": "text", "text": "x {0}"}])])


def test_bad_placeholder_error_suggests_double_braces() -> None:
    with pytest.raises(ValueError, match=r"\{\{"):
        ChatPromptTemplate.from_template('JSON: {"a": 1}')


def test_tool_role_in_a_template_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"prompt part 1: .*tool_call_id"):
        ChatPromptTemplate.from_messages([("system", "s"), ("tool", "result {x}")])


def test_unknown_role_in_a_template_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'robot'"):
        ChatPromptTemplate.from_messages([("robot", "beep")])


@pytest.mark.parametrize("part", [42, ("human",), ("human", "a", "b"), (42, "a")])
def test_unusable_prompt_part_is_a_type_error(part: Any) -> None:
    with pytest.raises(TypeError, match="prompt part 1"):
        ChatPromptTemplate.from_messages([("system", "s"), part])


# --- ChatPromptValue --------------------------------------------------------------------


def test_prompt_value_to_messages_and_to_string() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "Be {tone}."),
            ("human", "hi"),
            ("ai", "hello"),
            ToolMessage("42", tool_call_id="c"),
        ]
    )
    value = prompt.invoke({"tone": "kind"})
    messages = value.to_messages()
    assert messages == [
        SystemMessage("Be kind."),
        HumanMessage("hi"),
        AIMessage("hello"),
        ToolMessage("42", tool_call_id="c"),
    ]
    messages.append(HumanMessage("extra"))  # a copy: the value itself is unchanged
    assert len(value.to_messages()) == 4
    assert value.to_string() == "System: Be kind.\nHuman: hi\nAI: hello\nTool: 42"


def test_prompt_value_feeds_a_chat_model() -> None:
    model = FakeChatModel(responses=["ok"])
    prompt = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")])
    assert (prompt | model).invoke({"q": "hi"}).text == "ok"
    assert model.calls == [[SystemMessage("s"), HumanMessage("hi")]]


# --- runnable entry points --------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_invoke_parity(sync: bool) -> None:
    prompt = ChatPromptTemplate.from_template("About {topic}")
    value = prompt.invoke({"topic": "tea"}) if sync else await prompt.ainvoke({"topic": "tea"})
    assert value.to_messages() == [HumanMessage("About tea")]


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_keeps_input_order(sync: bool) -> None:
    prompt = ChatPromptTemplate.from_template("About {topic}")
    inputs = [{"topic": t} for t in ("tea", "coffee", "cocoa")] + ["water"]
    values = prompt.batch(inputs) if sync else await prompt.abatch(inputs)
    assert [v.to_messages()[0].text for v in values] == [
        "About tea",
        "About coffee",
        "About cocoa",
        "About water",
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_batch_errors(sync: bool) -> None:
    prompt = ChatPromptTemplate.from_template("{a} {b}")
    inputs = [{"a": 1, "b": 2}, {"a": 1}, {"a": 3, "b": 4}]
    if sync:
        results = prompt.batch(inputs, return_exceptions=True)
    else:
        results = await prompt.abatch(inputs, return_exceptions=True)
    assert isinstance(results[1], KeyError)
    assert [r.to_messages()[0].text for r in (results[0], results[2])] == ["1 2", "3 4"]
    with pytest.raises(KeyError, match="'b'"):
        if sync:
            prompt.batch(inputs)
        else:
            await prompt.abatch(inputs)


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_yields_the_prompt_value(sync: bool) -> None:
    prompt = ChatPromptTemplate.from_template("About {topic}")
    out = list(prompt.stream("tea")) if sync else [v async for v in prompt.astream("tea")]
    assert [v.to_messages() for v in out] == [[HumanMessage("About tea")]]


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import prompts

    failures, tried = doctest.testmod(prompts)
    assert failures == 0 and tried > 0


# --- LangChain's spellings: n_messages, the constructor, `+` ----------------------------

HISTORY = [HumanMessage("1"), AIMessage(content="2"), HumanMessage("3"), AIMessage(content="4")]


def texts(prompt: ChatPromptTemplate, values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m.type, m.text) for m in messages_of(prompt, values)]


def langchain_texts(prompt: Any, values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m.type, m.text) for m in prompt.invoke(values).to_messages()]


def test_a_placeholder_keeps_the_last_n_messages() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be brief."), MessagesPlaceholder("history", n_messages=2), ("human", "{q}")]
    )
    assert texts(prompt, {"history": HISTORY, "q": "5"}) == [
        ("system", "Be brief."),
        ("human", "3"),
        ("ai", "4"),
        ("human", "5"),
    ]
    assert texts(prompt, {"history": HISTORY[:1], "q": "5"})[1] == ("human", "1")


@pytest.mark.parametrize("n", [0, -1, 1.5, True])
def test_n_messages_must_be_a_positive_int(n: Any) -> None:
    with pytest.raises(ValueError, match="n_messages must be a positive int"):
        MessagesPlaceholder("history", n_messages=n)


def test_the_constructor_takes_what_from_messages_takes() -> None:
    parts = [("system", "You are {who}."), MessagesPlaceholder("history"), ("human", "{q}")]
    prompt = ChatPromptTemplate(parts)
    assert prompt.input_variables == ChatPromptTemplate.from_messages(parts).input_variables
    assert texts(prompt, {"who": "kind", "history": HISTORY[:1], "q": "hi"}) == [
        ("system", "You are kind."),
        ("human", "1"),
        ("human", "hi"),
    ]
    assert len(prompt.messages) == 3


def test_adding_a_list_a_str_a_message_or_a_prompt() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "You are {who}.")]).partial(who="kind")
    longer = prompt + [("human", "{q}")]
    assert longer.input_variables == ["q"]
    assert texts(longer, {"q": "hi"}) == [("system", "You are kind."), ("human", "hi")]
    assert texts(prompt + "{q}?", {"q": "hi"})[-1] == ("human", "hi?")
    assert texts(prompt + AIMessage(content="ok"), {})[-1] == ("ai", "ok")
    other = ChatPromptTemplate.from_messages([("human", "{q} {tone}")]).partial(tone="!")
    assert texts(prompt + other, {"q": "hi"}) == [("system", "You are kind."), ("human", "hi !")]
    assert texts(prompt + MessagesPlaceholder("h"), {"h": HISTORY[:1]})[-1] == ("human", "1")
    with pytest.raises(TypeError):
        prompt + 3  # noqa: B018


def test_the_new_spellings_give_what_langchain_gives() -> None:
    lc_prompts = pytest.importorskip("langchain_core.prompts")
    values = {"history": HISTORY, "q": "5", "who": "kind"}

    def both(parts: list[Any], added: list[Any]) -> tuple[Any, Any]:
        ours = ChatPromptTemplate(parts) + added
        lc_parts = [
            lc_prompts.MessagesPlaceholder(p.variable_name, n_messages=p.n_messages)
            if isinstance(p, MessagesPlaceholder)
            else p
            for p in parts
        ]
        return ours, lc_prompts.ChatPromptTemplate(lc_parts) + added

    ours, theirs = both(
        [("system", "You are {who}."), MessagesPlaceholder("history", n_messages=3)],
        [("human", "{q}")],
    )
    assert texts(ours, values) == langchain_texts(theirs, values)
    assert sorted(ours.input_variables) == sorted(theirs.input_variables)


# --- chatplex prompt values in LangChain's code (either import order) -------------------

PROMPT_VALUE_PROBE = """
import json, pickle, sys, warnings
warnings.simplefilter("ignore")
if sys.argv[1] == "langchain first":
    import langchain_core.prompt_values
    import chatplex
else:
    import chatplex
from langchain_core.language_models import FakeListChatModel
from langchain_core.messages import trim_messages
from langchain_core.prompt_values import ChatPromptValue, PromptValue, StringPromptValue
from chatplex import ChatPromptTemplate, PromptTemplate
model = FakeListChatModel(responses=["one", "two", "three"])
prompt = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")])
chat_value = prompt.invoke({"q": "hi"})
text_value = PromptTemplate.from_template("say {q}").invoke({"q": "hi"})
out = {
    "chat is theirs": isinstance(chat_value, ChatPromptValue),
    "text is theirs": isinstance(text_value, StringPromptValue),
    "still ours": type(chat_value).__module__.startswith("chatplex."),
    "chain": (prompt | model).invoke({"q": "hi"}).content,
    "model": model.invoke(text_value).content,
    "trim": [m.text for m in trim_messages(chat_value, max_tokens=1, token_counter=len)],
    "pickle": type(pickle.loads(pickle.dumps(chat_value))).__module__.startswith("chatplex."),
}
print(json.dumps(out))
"""


@pytest.mark.parametrize("order", ["langchain first", "chatplex first"])
def test_langchain_takes_chatplex_prompt_values_in_either_import_order(order: str) -> None:
    pytest.importorskip("langchain_core")
    done = subprocess.run(
        [sys.executable, "-c", PROMPT_VALUE_PROBE, order],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "chat is theirs": True,
        "text is theirs": True,
        "still ours": True,
        "chain": "one",
        "model": "two",
        "trim": ["hi"],
        "pickle": True,
    }


@pytest.mark.parametrize("mark", MARKS)
def test_an_older_pydantics_isinstance_accepts_chatplex_prompt_values(
    monkeypatch: pytest.MonkeyPatch, mark: str
) -> None:
    """Under pydantic 2.10 and 2.11 (a stand-in for LangChain's class, under its check),
    once `langchain_core.prompt_values` loads: LangChain's models took no chatplex
    prompt value there ("Must be a PromptValue")."""
    import types

    from chatplex.core import prompts

    theirs = older_model_class(mark)
    module = types.ModuleType("langchain_core.prompt_values")
    module.ChatPromptValue = theirs  # type: ignore[attr-defined]
    without_marks(monkeypatch)
    held = prompts.AS_LANGCHAIN.get(ChatPromptValue, theirs)
    monkeypatch.setitem(prompts.AS_LANGCHAIN, ChatPromptValue, held)
    prompts._learn_prompt_values(module)
    assert isinstance(ChatPromptValue([HumanMessage("hi")]), theirs)
