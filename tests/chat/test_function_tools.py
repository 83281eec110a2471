"""`chatplex.tool` beside LangChain's `@tool`: the same name, description, arguments
and schema shown to a model; the same answers to arguments, to a string and to a tool
call (sync and async); the same refusals."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from typing import Literal

import pytest
from langchain_core.runnables import RunnableConfig as LCRunnableConfig
from langchain_core.tools import tool as lc_tool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex.adapters.inline_refs import inline_refs
from chatplex.adapters.tools import to_tool_spec
from chatplex.chat.function_tools import tool
from chatplex.core.run_config import RunnableConfig


class Item(BaseModel):
    name: str
    qty: int = 1


def get_weather(city: str, unit: str = "C") -> str:
    """Current weather for a city.

    Args:
        city: City name, e.g. "Paris".
        unit: C or F.
    """
    return f"sunny in {city} ({unit})"


def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def search(query: str, limit: int | None = None, tags: list[str] | None = None) -> list[str]:
    """Search the notes.

    Longer text about the search, kept in the description.
    """
    return [query] * (limit or 1)


def order(item: Item, speed: Literal["slow", "fast"] = "slow") -> dict[str, Any]:
    """Order an item."""
    return {"item": item.name, "qty": item.qty, "speed": speed}


def untyped(x, y=2):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
    """No annotations at all."""
    return [x, y]


FUNCTIONS = [get_weather, multiply, search, order, untyped]


def _shown(made: Any) -> dict[str, Any]:
    """What `bind_tools` shows a model for a tool, in OpenAI's tool form, nested models
    inlined as langchain-core writes them (chatplex's own family keeps `$defs`)."""
    spec = to_tool_spec(made)
    function = {"name": spec.name, "description": spec.description}
    parameters = inline_refs(spec.parameters)
    return {"type": "function", "function": {**function, "parameters": parameters}}


def _outcome(make: Callable[[], Any]) -> Any:
    try:
        made = make()
    except ValueError as exc:
        return "ValueError", str(exc)
    return made.name, made.description, made.args


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("parse_docstring", [False, True])
def test_a_model_is_shown_the_same_tool(
    function: Callable[..., Any], parse_docstring: bool
) -> None:
    expected = _outcome(lambda: lc_tool(function, parse_docstring=parse_docstring))
    assert _outcome(lambda: tool(function, parse_docstring=parse_docstring)) == expected
    if expected[0] == "ValueError":  # an invalid Google-style docstring, for both
        return
    theirs = lc_tool(function, parse_docstring=parse_docstring)
    ours = tool(function, parse_docstring=parse_docstring)
    assert to_tool_spec(ours) == to_tool_spec(theirs)  # chatplex shows both the same
    assert _shown(ours) == convert_to_openai_tool(theirs)


def test_a_lenient_docstring_parse() -> None:
    for function in FUNCTIONS:
        theirs = lc_tool(function, parse_docstring=True, error_on_invalid_docstring=False)
        ours = tool(function, parse_docstring=True, error_on_invalid_docstring=False)
        assert (ours.description, ours.args) == (theirs.description, theirs.args)


CALLS: list[tuple[Callable[..., Any], Any]] = [
    (multiply, {"a": "6", "b": 7}),
    (get_weather, {"city": "Paris"}),
    (get_weather, "Lyon"),
    (search, {"query": "tea", "limit": 2}),
    (order, {"item": {"name": "pen"}, "speed": "fast"}),
    (untyped, {"x": [1]}),
]


@pytest.mark.parametrize(("function", "given"), CALLS)
@pytest.mark.parametrize("sync", [True, False])
def test_the_same_answers(function: Callable[..., Any], given: Any, sync: bool) -> None:
    theirs, ours = lc_tool(function), tool(function)
    call = {"name": ours.name, "args": given, "id": "call_1", "type": "tool_call"}

    def answers(made: Any) -> tuple[Any, Any]:
        asked = call if isinstance(given, dict) else given  # a tool call's args are a dict
        if sync:
            return made.invoke(given), made.invoke(asked)
        return asyncio.run(made.ainvoke(given)), asyncio.run(made.ainvoke(asked))

    (lc_value, lc_message), (value, message) = answers(theirs), answers(ours)
    assert value == lc_value
    if isinstance(given, dict):
        fields = ("content", "name", "tool_call_id", "artifact", "status")
        assert [getattr(message, f) for f in fields] == [getattr(lc_message, f) for f in fields]


def test_a_coroutine_tool_answers_async_and_refuses_sync() -> None:
    async def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    theirs, ours = lc_tool(add), tool(add)
    assert asyncio.run(ours.ainvoke({"a": 1, "b": 2})) == asyncio.run(
        theirs.ainvoke({"a": 1, "b": 2})
    )
    for made in (theirs, ours):
        with pytest.raises(NotImplementedError, match="does not support sync invocation"):
            made.invoke({"a": 1, "b": 2})


def test_the_same_refusals() -> None:
    for made in (lc_tool(get_weather), tool(get_weather)):
        with pytest.raises(ValidationError):
            made.invoke({"unit": "F"})

    def undocumented(x: int) -> int:
        return x

    for make in (lc_tool, tool):
        with pytest.raises(ValueError, match="must have a docstring"):
            make(undocumented)


def test_name_description_flags_and_artifacts() -> None:
    def pair(x: int) -> tuple[str, dict[str, int]]:
        """Content and artifact."""
        return f"x={x}", {"x": x}

    keywords = {
        "description": "Given words.",
        "return_direct": True,
        "response_format": "content_and_artifact",
        "extras": {"cache_control": {"type": "ephemeral"}},
    }
    theirs = lc_tool("renamed", **keywords)(pair)
    ours = tool("renamed", **keywords)(pair)  # type: ignore[call-overload]
    read = ("name", "description", "return_direct", "response_format", "extras")
    assert [getattr(ours, f) for f in read] == [getattr(theirs, f) for f in read]
    call = {"name": "renamed", "args": {"x": 3}, "id": "c9", "type": "tool_call"}
    lc_message, message = theirs.invoke(call), ours.invoke(call)
    assert (message.content, message.artifact) == (lc_message.content, lc_message.artifact)
    assert ours.invoke({"x": 3}) == theirs.invoke({"x": 3}) == "x=3"
    assert to_tool_spec(ours).cache_control == {"type": "ephemeral"}


def test_a_config_parameter_gets_the_run_config() -> None:
    def tagged(x: int, config: LCRunnableConfig) -> list[str]:
        """Tags of the run."""
        return [x, *config.get("tags", [])]

    def own_tagged(x: int, config: RunnableConfig) -> list[str]:
        """Tags of the run."""
        return [x, *config.get("tags", [])]

    theirs, ours = lc_tool(tagged), tool(own_tagged)
    assert ours.args == theirs.args
    assert ours.invoke({"x": 1}, {"tags": ["a"]}) == theirs.invoke({"x": 1}, {"tags": ["a"]})
    assert asyncio.run(ours.ainvoke({"x": 1}, {"tags": ["b"]})) == [1, "b"]


def test_the_tool_loop_of_a_script() -> None:
    """Bound to a model, called by name from its reply, answered back to it."""
    from chatplex import AIMessage
    from chatplex import FakeChatModel
    from chatplex import HumanMessage

    made = tool(multiply)
    call = {"name": "multiply", "args": {"a": 6, "b": 7}, "id": "c1", "type": "tool_call"}
    model = FakeChatModel(responses=[AIMessage("", tool_calls=[call]), "42 it is"])
    bound = model.bind_tools([made])
    said = [HumanMessage("6 times 7?")]
    reply = bound.invoke(said)
    answers = [{"multiply": made}[c["name"]].invoke(c) for c in reply.tool_calls]
    final = bound.invoke([*said, reply, *answers])
    assert [(a.content, a.tool_call_id) for a in answers] == [("42", "c1")]
    assert final.text == "42 it is"


def _chains(k: Any) -> list[Any]:
    """Chains of one family (`k`, its `runnables` and `prompts` modules) whose input
    schema is an object: a string prompt's, and a chat prompt's of two variables."""
    text = k.runnables.RunnableLambda(lambda value: value.to_string())
    return [
        k.prompts.PromptTemplate.from_template("Tell me about {topic}") | text,
        k.prompts.ChatPromptTemplate.from_messages([("human", "{q}, in {style}")]) | text,
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_runnable_made_a_tool_by_name_as_langchains(sync: bool) -> None:
    """`tool("name", runnable)` and `tool("name")(runnable)`: LangChain's tool of a
    runnable (its input schema the arguments, its repr the description)."""
    import types

    from langchain_core import prompts as lc_prompts
    from langchain_core import runnables as lc_runnables

    from chatplex import core

    ours_k = types.SimpleNamespace(prompts=core, runnables=core)
    theirs_k = types.SimpleNamespace(prompts=lc_prompts, runnables=lc_runnables)
    args = [{"topic": "tea"}, {"q": "why", "style": "haiku"}]
    for ours_r, theirs_r, given in zip(_chains(ours_k), _chains(theirs_k), args, strict=True):
        for make in (
            lambda t, r: t("about", r),
            lambda t, r: t("about")(r),
            lambda t, r: t("about", r, description="Says it.", return_direct=True),
        ):
            ours, theirs = make(tool, ours_r), make(lc_tool, theirs_r)
            assert (ours.name, ours.args, ours.return_direct) == (
                theirs.name,
                theirs.args,
                theirs.return_direct,
            )
            assert ours.description == theirs.description
            assert _shown(ours) == convert_to_openai_tool(theirs)
            call = {"name": "about", "args": given, "id": "c1", "type": "tool_call"}
            answer = ours.invoke(call) if sync else await ours.ainvoke(call)
            expected = theirs.invoke(call)
            assert (answer.content, answer.tool_call_id, answer.name) == (
                expected.content,
                expected.tool_call_id,
                expected.name,
            )


def test_a_runnable_tool_refuses_as_langchains() -> None:
    from langchain_core.runnables import RunnableLambda as LCLambda

    from chatplex import RunnableLambda

    for given, lc_given in (
        (("", RunnableLambda(str.upper)), ("", LCLambda(str.upper))),
        ((7, RunnableLambda(str.upper)), (7, LCLambda(str.upper))),
        (("shout", RunnableLambda(str.upper)), ("shout", LCLambda(str.upper))),
    ):
        with pytest.raises(ValueError) as theirs:
            lc_tool(*lc_given)
        with pytest.raises(ValueError) as ours:
            tool(*given)
        assert str(ours.value) == str(theirs.value)


def test_a_first_argument_without_a_name_refuses_as_langchains() -> None:
    """A runnable alone, a callable object without `__name__` or a number: LangChain's
    ValueError before any tool is made (a runnable is callable, but has no name)."""
    import functools

    from langchain_core.runnables import RunnableLambda as LCLambda

    from chatplex import RunnableLambda

    for given, lc_given in (
        (RunnableLambda(str.upper), LCLambda(str.upper)),
        (functools.partial(str.upper), functools.partial(str.upper)),
        (7, 7),
    ):
        with pytest.raises(ValueError, match="callable with a __name__") as theirs:
            lc_tool(lc_given)
        with pytest.raises(ValueError, match="callable with a __name__") as ours:
            tool(given)
        assert str(ours.value).split(". Got")[0] == str(theirs.value).split(". Got")[0]


@pytest.mark.parametrize("sync", [True, False])
def test_a_one_string_tool_without_an_inferred_schema(sync: bool) -> None:
    """`infer_schema=False`: LangChain's `Tool`, one string argument (`__arg1` to the
    model), given to the function as it is."""

    def shout(text: str) -> str:
        """Shout it."""
        return text.upper()

    theirs, ours = lc_tool(shout, infer_schema=False), tool(shout, infer_schema=False)
    assert (ours.name, ours.description, ours.args) == (
        theirs.name,
        theirs.description,
        theirs.args,
    )
    assert _shown(ours) == convert_to_openai_tool(theirs)
    call = {"name": "shout", "args": {"__arg1": "hey"}, "id": "c", "type": "tool_call"}
    for given in ("hi", {"text": "yo"}, call):
        if sync:
            mine, expected = ours.invoke(given), theirs.invoke(given)
        else:
            mine, expected = asyncio.run(ours.ainvoke(given)), asyncio.run(theirs.ainvoke(given))
        if given is call:
            mine, expected = (
                (mine.content, mine.tool_call_id),
                (expected.content, expected.tool_call_id),
            )
        assert mine == expected
