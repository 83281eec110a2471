"""The same scenario run on langchain-core and on chatplex's own family: equal results.

Each scenario takes a kit (the library's classes and a model scripted with the same
replies) and returns plain values; both kits must give the same ones.
"""

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel
from typing_extensions import TypedDict

pytest.importorskip("langchain_core")

from langchain_core import output_parsers as lc_parsers  # noqa: E402
from langchain_core import prompts as lc_prompts  # noqa: E402
from langchain_core import runnables as lc_runnables  # noqa: E402
from langchain_core.language_models.fake_chat_models import FakeListChatModel  # noqa: E402
from langchain_core.messages import AIMessage  # noqa: E402

from chatplex import AIMessage as ChatplexAIMessage  # noqa: E402
from chatplex import FakeChatModel  # noqa: E402
from chatplex import core  # noqa: E402

# LangChain marks `as_tool` beta and warns; the warning is not what is compared.
pytestmark = pytest.mark.filterwarnings("ignore:This API is in beta")


def _kit(name: str, runnables: Any, prompts: Any, parsers: Any, ai: Any, model: Any) -> Any:
    """The same names from either family's modules, so a scenario is written once."""
    return SimpleNamespace(
        name=name,
        Lambda=runnables.RunnableLambda,
        Parallel=runnables.RunnableParallel,
        Passthrough=runnables.RunnablePassthrough,
        Prompt=prompts.ChatPromptTemplate,
        Text=prompts.PromptTemplate,
        Str=parsers.StrOutputParser,
        Json=parsers.JsonOutputParser,
        Pydantic=parsers.PydanticOutputParser,
        Placeholder=prompts.MessagesPlaceholder,
        AI=ai,
        model=model,
    )


LANGCHAIN = _kit(
    "langchain",
    lc_runnables,
    lc_prompts,
    lc_parsers,
    AIMessage,
    lambda replies: FakeListChatModel(responses=replies),
)
CHATPLEX = _kit(
    "chatplex",
    core,
    core,
    core,
    ChatplexAIMessage,
    lambda replies: FakeChatModel(responses=replies),
)


def same(scenario: Callable[[Any], Any]) -> Any:
    """Run `scenario` on both kits; they must agree. Returns chatplex's result."""
    theirs = scenario(LANGCHAIN)
    ours = scenario(CHATPLEX)
    assert ours == theirs
    return ours


class _Pair(TypedDict):
    a: int
    b: int


def _add(pair: _Pair) -> int:
    return pair["a"] + pair["b"]


def _shout(text: str) -> str:
    return text.upper()


def _tool_message(message: Any) -> tuple[str, Any, str, str | None]:
    return type(message).__name__, message.content, message.tool_call_id, message.name


# ---- as_tool ------------------------------------------------------------------------


def test_as_tool_on_a_typed_lambda() -> None:
    def scenario(kit: Any) -> Any:
        tool = kit.Lambda(_add).as_tool()
        call = {"type": "tool_call", "name": "_add", "args": {"a": 2, "b": 3}, "id": "c1"}
        return (
            tool.name,
            tool.description,
            tool.args,
            tool.invoke({"a": "2", "b": 3}),  # validated: "2" becomes 2
            _tool_message(tool.invoke(call)),
            asyncio.run(tool.ainvoke({"a": 1, "b": 1})),
        )

    assert same(scenario)[3] == 5


def test_as_tool_on_a_string_lambda_and_with_arg_types() -> None:
    def scenario(kit: Any) -> Any:
        upper = kit.Lambda(_shout).as_tool(description="Shout.")
        double = kit.Lambda(lambda d: d["n"] * 2).as_tool(arg_types={"n": int}, name="double")
        call = {"type": "tool_call", "name": "_shout", "args": {"__arg1": "hi"}, "id": "c2"}
        return (
            upper.args,
            upper.invoke("hey"),
            _tool_message(upper.invoke(call)),
            double.name,
            double.args,
            double.invoke({"n": 4}),
        )

    assert same(scenario)[1] == "HEY"


def test_as_tool_on_a_chain_answers_with_the_scripted_reply() -> None:
    def scenario(kit: Any) -> Any:
        chain = (
            kit.Prompt.from_template("Tell me about {topic}")
            | kit.model(["Tea is good."])
            | kit.Str()
        )
        tool = chain.as_tool(name="about", description="Say something about a topic.")
        call = {"type": "tool_call", "name": "about", "args": {"topic": "tea"}, "id": "c3"}
        return tool.name, tool.args, tool.invoke({"topic": "tea"}), _tool_message(tool.invoke(call))

    assert same(scenario)[2] == "Tea is good."


def test_a_model_calls_a_chatplex_tool_and_gets_its_answer() -> None:
    """An agent's loop on chatplex alone: the model asks, the tool answers the call."""
    tool = core.RunnableLambda(_add).as_tool(name="add", description="Add a and b.")
    asks = ChatplexAIMessage(
        content="", tool_calls=[{"name": "add", "args": {"a": 4, "b": 5}, "id": "t1"}]
    )
    model = FakeChatModel(responses=[asks, "It is 9."]).bind_tools([tool])
    reply = model.invoke("4 + 5?")
    answers = [tool.invoke({**call, "type": "tool_call"}) for call in reply.tool_calls]
    assert [(a.content, a.tool_call_id, a.name) for a in answers] == [("9", "t1", "add")]
    assert model.invoke(["4 + 5?", reply, *answers]).text == "It is 9."


# ---- map, with_types, get_prompts, the graph --------------------------------------


def test_map_runs_each_item() -> None:
    def scenario(kit: Any) -> Any:
        each = kit.Lambda(_shout).map()
        chain = (kit.Prompt.from_template("{q}") | kit.model(["x", "y"]) | kit.Str()).map()
        return each.get_name(), each.invoke(["a", "b"]), chain.invoke([{"q": 1}, {"q": 2}])

    assert same(scenario)[1] == ["A", "B"]


def test_with_types_sets_the_schemas() -> None:
    def scenario(kit: Any) -> Any:
        typed = kit.Lambda(lambda x: x).with_types(input_type=_Pair, output_type=int)
        return typed.get_input_jsonschema(), typed.get_output_jsonschema(), typed.invoke(3)

    assert same(scenario)[2] == 3


def test_get_prompts_finds_the_prompts_of_a_chain() -> None:
    def scenario(kit: Any) -> Any:
        first = kit.Prompt.from_template("{q}")
        chain = first | kit.model(["a"]) | kit.Str() | {"x": kit.Passthrough()}
        prompts = chain.get_prompts()
        return [type(p).__name__ for p in prompts], [p.input_variables for p in prompts]

    assert same(scenario) == (["ChatPromptTemplate"], [["q"]])


@pytest.mark.parametrize("with_styles", [True, False])
def test_draw_mermaid_writes_langchains_text(with_styles: bool) -> None:
    def scenario(kit: Any) -> Any:
        def step(x: Any) -> Any:
            return x

        chains = [
            kit.Prompt.from_template("{q}") | kit.Lambda(step) | kit.Str(),
            kit.Parallel(a=kit.Lambda(step), b=kit.Passthrough()),
            kit.Prompt.from_template("{q}") | {"a": kit.Lambda(step), "b": kit.Passthrough()},
        ]
        return [c.get_graph().draw_mermaid(with_styles=with_styles) for c in chains]

    assert "graph TD;" in same(scenario)[0]


# ---- fallbacks, lambdas, names ------------------------------------------------------


def test_with_fallbacks_hands_the_error_on_under_exception_key() -> None:
    def scenario(kit: Any) -> Any:
        def broken(d: dict[str, Any]) -> str:
            raise KeyError(d["q"])

        def rescue(d: dict[str, Any]) -> str:
            return f"{d['q']} after {type(d['error']).__name__}"

        chain = kit.Lambda(broken).with_fallbacks([kit.Lambda(rescue)], exception_key="error")
        try:
            chain.invoke("not a dict")
        except ValueError as exc:
            refused = str(exc)
        return (
            chain.invoke({"q": "one"}),
            chain.batch([{"q": "a"}, {"q": "b"}]),
            [c for c in chain.stream({"q": "s"})],
            asyncio.run(chain.ainvoke({"q": "two"})),
            refused,
        )

    assert same(scenario)[0] == "one after KeyError"


def test_recursion_limit_in_a_lambdas_config() -> None:
    def scenario(kit: Any) -> Any:
        def seen(x: int, config: dict[str, Any]) -> Any:
            return config["recursion_limit"]

        def countdown(x: int) -> Any:
            return x if x == 0 else kit.Lambda(countdown)

        def deeper(x: int) -> Any:
            return kit.Lambda(lambda y: y + 1) if x < 3 else x

        outcomes = [kit.Lambda(seen).invoke(1), kit.Lambda(seen).invoke(1, {"recursion_limit": 7})]
        try:
            kit.Lambda(countdown).invoke(1, {"recursion_limit": 3})
        except RecursionError as exc:
            outcomes.append(str(exc))
        outcomes.append(kit.Lambda(deeper).invoke(0, {"recursion_limit": 2}))
        return outcomes

    assert same(scenario)[:2] == [25, 7]


def test_names_with_suffixes_and_named_pipes() -> None:
    def scenario(kit: Any) -> Any:
        named = kit.Lambda(_shout).pipe(kit.Str(), name="loud")
        return (
            kit.Lambda(_shout).get_name("Input"),
            kit.Str().get_name("Output"),
            kit.Str().get_name(name="other"),
            named.get_name(),
            list(kit.Lambda(_shout).transform(input=iter(["a", "b"]))),
        )

    assert same(scenario)[0] == "_shout_input"


# ---- chat prompts -------------------------------------------------------------------


def test_pretty_repr_prints_the_prompt_as_langchain_does() -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.Prompt.from_messages(
            [
                ("system", "You are {role}, {{literal}}."),
                kit.Placeholder("history"),
                ("placeholder", "{extra}"),
                ("human", [{"type": "text", "text": "Hi {q}"}, "and {q}"]),
                ("ai", "{answer}"),
                kit.AI("fixed"),
            ]
        )
        return prompt.pretty_repr(), prompt.pretty_repr(html=True)

    plain, _ = same(scenario)
    assert "{role}" in plain and "Messages Placeholder" in plain


@pytest.mark.parametrize(
    "parts",
    [
        [{"type": "image_url", "image_url": "{img}"}],
        [{"type": "image_url", "image_url": {"url": "{img}", "detail": "{how}"}}],
        [
            {"type": "text", "text": "What is in {img}?"},
            {"type": "image_url", "image_url": "{img}"},
        ],
        ["Look:", {"type": "image_url", "image_url": "data:image/png;base64,{img}"}, ""],
        [{"type": "image", "source_type": "url", "url": "{img}"}],
        [{"type": "file", "file": {"filename": "a.pdf", "file_data": "{img}"}}],
        [{"type": "text", "text": "{q}", "cache_control": {"type": "ephemeral"}}],
    ],
)
def test_template_variables_inside_content_parts_become_those_parts(parts: list[Any]) -> None:
    values = {"img": "https://example.com/cat.png", "how": "high", "q": "why"}

    def scenario(kit: Any) -> Any:
        prompt = kit.Prompt.from_messages([("human", parts)])
        given = {k: v for k, v in values.items() if k in prompt.input_variables}
        return sorted(prompt.input_variables), prompt.invoke(given).to_messages()[0].content

    variables, content = same(scenario)
    assert variables and isinstance(content, list)


def test_an_image_variable_reaches_the_model_as_an_image_part() -> None:
    model = FakeChatModel(responses=["a cat"])
    prompt = core.ChatPromptTemplate.from_messages(
        [
            (
                "human",
                [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": "{img}"},
                ],
            )
        ]
    )
    assert (prompt | model).invoke({"img": "https://example.com/cat.png"}).text == "a cat"
    sent = model.calls[-1][0].content
    assert sent[1] == {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}


def test_prompts_grow_in_place_and_name_their_optional_variables() -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.Prompt.from_template("Hi {name}", partial_variables={"name": "Ann"})
        prompt.append(("ai", "Hello {who}"))
        prompt.extend([("placeholder", "{history}"), ("human", "{q}")])
        messages = prompt.invoke({"who": "Bo", "q": "?"}).to_messages()
        return [(m.type, m.content) for m in messages]

    assert same(scenario)[1] == ("ai", "Hello Bo")
    # LangChain's append/extend leave `input_variables` as they were; chatplex's say
    # what the prompt takes now.
    prompt = core.ChatPromptTemplate.from_template("Hi {name}", partial_variables={"name": "A"})
    prompt.extend([("placeholder", "{history}"), ("human", "{q}")])
    assert (prompt.input_variables, prompt.optional_variables) == (["q"], ["history"])


# ---- parsers ------------------------------------------------------------------------


class _Generation:
    """What `parse_result` reads of a generation: its text."""

    def __init__(self, text: str) -> None:
        self.text = text


def test_parsers_parse_text_and_generations() -> None:
    def scenario(kit: Any) -> Any:
        parsers = [kit.Str(), kit.Json()]
        out: list[Any] = []
        for parser, text in zip(parsers, ["plain", '{"a": [1, 2]}'], strict=True):
            out += [
                parser.parse(text),
                asyncio.run(parser.aparse(text)),
                parser.parse_result([_Generation(text)]),
                asyncio.run(parser.aparse_result([_Generation(text)])),
                parser.parse_with_prompt(text, None),
            ]
        out.append(kit.Json().parse_result([_Generation('{"a": [1')], partial=True))
        out.append(kit.Json().parse_result([_Generation("{")], partial=True))
        out.append(kit.Json().diff)
        try:
            kit.Str().get_format_instructions()
        except NotImplementedError:
            out.append("no format instructions")
        return out

    assert same(scenario)[-4:] == [{"a": [1]}, {}, False, "no format instructions"]


def test_config_schema_lists_the_included_keys() -> None:
    def scenario(kit: Any) -> Any:
        step = kit.Lambda(_shout)
        return (
            step.get_config_jsonschema(),
            step.get_config_jsonschema(include=["tags", "run_name", "recursion_limit"]),
            step.config_schema(include=["metadata"]).__name__,
        )

    assert same(scenario)[2] == "_shout_config"


def test_langchains_create_agent_runs_a_chatplex_tool() -> None:
    agents = pytest.importorskip("langchain.agents")
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.utils.function_calling import convert_to_openai_tool

    shown: list[Any] = []

    class ScriptedModel(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            shown.extend(convert_to_openai_tool(t) for t in tools)
            return self

    asks = AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "t"}])
    model = ScriptedModel(messages=iter([asks, AIMessage("It is 3.")]))
    tool = core.RunnableLambda(_add).as_tool(name="add", description="Add a and b.")
    out = agents.create_agent(model, tools=[tool]).invoke({"messages": [("human", "1+2?")]})
    assert [(m.type, m.content) for m in out["messages"]][2:] == [("tool", "3"), ("ai", "It is 3.")]
    assert shown[0]["function"]["description"] == "Add a and b."
    assert shown[0]["function"]["parameters"]["required"] == ["a", "b"]


# ---- the Runnable protocol on a scripted reply --------------------------------------


async def _collect(iterator: Any) -> list[Any]:
    return [item async for item in iterator]


async def _agen(items: list[Any]) -> Any:
    for item in items:
        yield item


def test_a_chain_runs_the_same_through_every_entry_point() -> None:
    def scenario(kit: Any) -> Any:
        def chain() -> Any:
            prompt = kit.Prompt.from_template("Say {word}")
            return prompt | kit.model(["hello there friend"]) | kit.Str()

        return (
            chain().invoke({"word": "hi"}),
            asyncio.run(chain().ainvoke({"word": "hi"})),
            chain().batch([{"word": "a"}, {"word": "b"}]),
            asyncio.run(chain().abatch([{"word": "a"}])),
            "".join(chain().stream({"word": "hi"})),
            "".join(asyncio.run(_collect(chain().astream({"word": "hi"})))),
            sorted(chain().batch_as_completed([{"word": "a"}, {"word": "b"}])),
            sorted(asyncio.run(_collect(chain().abatch_as_completed([{"word": "a"}])))),
            "".join(chain().transform(iter([{"word": "hi"}]))),
            "".join(asyncio.run(_collect(chain().atransform(_agen([{"word": "hi"}]))))),
            chain().get_input_jsonschema(),
            chain().get_output_jsonschema(),
            chain().get_name(),
        )

    assert same(scenario)[0] == "hello there friend"


def test_builders_wrap_the_same_way() -> None:
    def scenario(kit: Any) -> Any:
        seen: list[str] = []
        attempts: list[int] = []

        def flaky(x: int) -> int:
            attempts.append(x)
            if len(attempts) < 2:
                raise ConnectionError("reset")
            return x * 2

        def as_dict(x: int) -> dict[str, int]:
            return {"n": x, "m": x + 1}

        step = kit.Lambda(as_dict)
        return (
            step.pick("n").invoke(1),
            step.pick(["n", "m"]).invoke(1),
            step.assign(total=lambda d: d["n"] + d["m"]).invoke(1),
            kit.Lambda(lambda x, **kw: (x, sorted(kw))).bind(a=1).invoke(0),
            kit.Lambda(lambda x, config: config["tags"]).with_config(tags=["t"]).invoke(0),
            kit.Lambda(flaky)
            .with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
            .invoke(3),
            kit.Lambda(lambda x: x)
            .with_listeners(
                on_start=lambda run: seen.append("start"), on_end=lambda run: seen.append("end")
            )
            .invoke(1),
            seen,
            step.pipe(kit.Lambda(lambda d: d["m"])).invoke(5),
        )

    assert same(scenario)[0] == 1


def test_events_name_the_same_steps() -> None:
    def scenario(kit: Any) -> Any:
        chain = kit.Prompt.from_template("{q}") | kit.model(["one two"]) | kit.Str()
        events = asyncio.run(_collect(chain.astream_events({"q": "x"}, version="v2")))
        # The two fake models' class names differ; every other name must match.
        return [
            (e["event"], "model" if "chat_model" in e["event"] else e["name"])
            for e in events
            if not e["event"].endswith("_stream")
        ]

    assert same(scenario)[0] == ("on_chain_start", "RunnableSequence")


def test_with_retry_takes_a_predicate() -> None:
    def scenario(kit: Any) -> Any:
        attempts: list[str] = []

        def flaky(x: str) -> str:
            attempts.append(x)
            raise (ConnectionError if len(attempts) < 3 else ValueError)(x)

        retried = kit.Lambda(flaky).with_retry(
            retry_if_exception_type=lambda exc: isinstance(exc, ConnectionError),
            stop_after_attempt=5,
            wait_exponential_jitter=False,
        )
        with pytest.raises(ValueError):
            retried.invoke("x")
        return len(attempts)

    assert same(scenario) == 3


def _shapes(messages: list[Any]) -> list[tuple[str, Any]]:
    return [(m.type, m.content) for m in messages]


def test_a_chat_prompts_own_methods_fill_in_the_same() -> None:
    def scenario(kit: Any) -> Any:
        prompt = kit.Prompt.from_messages(
            [("system", "Answer in {lang}."), kit.Placeholder("history"), ("human", "{q}")]
        )
        values = {"lang": "French", "history": [("human", "hi"), ("ai", "salut")], "q": "why?"}
        partial = prompt.partial(lang="Dutch")
        joined = prompt + ("ai", "Sure, {q}")
        return (
            prompt.input_variables,
            _shapes(prompt.format_messages(**values)),
            prompt.format(**values),
            _shapes(prompt.format_prompt(**values).to_messages()),
            prompt.format_prompt(**values).to_string(),
            _shapes(asyncio.run(prompt.aformat_messages(**values))),
            asyncio.run(prompt.aformat(**values)),
            _shapes(asyncio.run(prompt.aformat_prompt(**values)).to_messages()),
            partial.input_variables,
            _shapes(partial.invoke({"history": [], "q": "x"}).to_messages()),
            joined.input_variables,
            _shapes(joined.invoke(values).to_messages()),
            _shapes(kit.Prompt.from_template("{q}").invoke("bare").to_messages()),
            prompt.get_input_jsonschema()["required"],
        )

    assert same(scenario)[1][-1] == ("human", "why?")


def test_json_parsers_stream_and_parse_the_same() -> None:
    class Joke(BaseModel):
        setup: str
        punchline: str = ""

    def scenario(kit: Any) -> Any:
        reply = '```json\n{"setup": "why", "punchline": "because"}\n```'
        pieces = ['{"setup": "wh', 'y", "punch', 'line": "because"}']
        json_parser = kit.Json()
        pydantic_parser = kit.Pydantic(pydantic_object=Joke)
        chain = kit.Prompt.from_template("{q}") | kit.model([reply]) | kit.Json()
        return (
            json_parser.invoke(reply),
            list(json_parser.transform(iter(pieces))),
            pydantic_parser.invoke(reply),
            list(pydantic_parser.transform(iter(pieces))),
            pydantic_parser.get_format_instructions(),
            kit.Json(pydantic_object=Joke).get_format_instructions(),
            chain.invoke({"q": "joke"}),
            pydantic_parser.get_output_jsonschema(),
        )

    assert same(scenario)[2].setup == "why"


def test_configurable_prompts_switch_per_call() -> None:
    def scenario(kit: Any) -> Any:
        field = lc_runnables.ConfigurableField if kit is LANGCHAIN else core.ConfigurableField
        prompt = kit.Prompt.from_template("Hi {q}")
        switch = prompt.configurable_alternatives(
            field(id="style"), default_key="plain", loud=kit.Prompt.from_template("HEY {q}")
        )
        chain = switch | kit.model(["ok"]) | kit.Str()
        loud = {"configurable": {"style": "loud"}}
        return (
            _shapes(switch.invoke({"q": "a"}).to_messages()),
            _shapes(switch.invoke({"q": "a"}, loud).to_messages()),
            _shapes(switch.with_config(loud).invoke({"q": "b"}).to_messages()),
            chain.invoke({"q": "c"}, loud),
            [(s.id, s.default) for s in switch.config_specs],
        )

    assert same(scenario)[1] == [("human", "HEY a")]


def test_async_listeners_hear_the_run() -> None:
    def scenario(kit: Any) -> Any:
        heard: list[Any] = []

        async def on_end(run: Any) -> None:
            heard.append((run.name, run.outputs))

        step = kit.Lambda(_shout).with_alisteners(on_end=on_end)
        return asyncio.run(step.ainvoke("a")), heard

    assert same(scenario)[0] == "A"


def test_a_tools_events_are_langchains() -> None:
    def scenario(kit: Any) -> Any:
        tool = kit.Lambda(_add).as_tool(name="add", description="Add.")
        events = asyncio.run(_collect(tool.astream_events({"a": 1, "b": 2})))
        return [(e["event"], e["name"], e["data"]) for e in events]

    assert same(scenario)[0][0] == "on_tool_start"


# ---- input_variables given to a prompt's constructor ---------------------------------


def _built(make: Callable[[], Any]) -> Any:
    """The prompt's variables, or that it raised a ValueError (LangChain's is pydantic's
    ValidationError, a ValueError)."""
    try:
        return make().input_variables
    except ValueError:
        return "ValueError"


def test_a_given_input_variables_is_read_from_the_template() -> None:
    """LangChain reads the variables from the template and checks a given list only with
    `validate_template=True`: an f-string template may use no undeclared variable, a
    mustache one cannot be checked, a chat prompt's list must be the same set."""

    def scenario(kit: Any) -> Any:
        text, chat = kit.Text, kit.Prompt
        return [
            _built(lambda: text(template="{a} {b}", input_variables=["a"])),
            _built(lambda: text(template="{a}", input_variables=["a", "z"])),
            _built(lambda: text(template="{a} {b}", input_variables=["a"], validate_template=True)),
            _built(
                lambda: text(template="{a}", input_variables=["a", "z"], validate_template=True)
            ),
            _built(
                lambda: text(
                    template="{a}",
                    input_variables=[],
                    partial_variables={"a": 1},
                    validate_template=True,
                )
            ),
            _built(
                lambda: text(
                    template="{{a}}",
                    input_variables=["a"],
                    template_format="mustache",
                    validate_template=True,
                )
            ),
            _built(lambda: chat([("human", "{a} {b}")], input_variables=["a"])),
            _built(
                lambda: chat(
                    [("human", "{a} {b}")], input_variables=["b", "a"], validate_template=True
                )
            ),
            _built(
                lambda: chat([("human", "{a} {b}")], input_variables=["a"], validate_template=True)
            ),
            _built(
                lambda: chat(
                    [("human", "{a}"), ("placeholder", "{h}")],
                    input_variables=["a", "h"],
                    validate_template=True,
                )
            ),
        ]

    assert same(scenario) == [
        ["a", "b"], ["a"], "ValueError", ["a"], [], "ValueError",
        ["a", "b"], ["b", "a"], "ValueError", "ValueError",
    ]  # fmt: skip


def test_a_jinja2_template_mismatch_is_warned_of() -> None:
    def scenario(kit: Any) -> Any:
        with pytest.warns(UserWarning, match="Missing variables") as caught:
            prompt = kit.Text(
                template="{{ a }}",
                input_variables=["b"],
                template_format="jinja2",
                validate_template=True,
            )
        return prompt.input_variables, [str(w.message) for w in caught]

    assert same(scenario) == (["a"], ["Missing variables: {'a'} Extra variables: {'b'}"])
