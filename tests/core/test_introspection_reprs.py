"""A runnable's repr: chains, maps, lambdas, passthroughs and parsers print as
LangChain's do (`print(chain)` shows its steps), side by side with langchain-core."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex
from chatplex.core import passthrough

lc_runnables = pytest.importorskip("langchain_core.runnables")
lc_parsers = pytest.importorskip("langchain_core.output_parsers")
lc_tools = pytest.importorskip("langchain_core.output_parsers.openai_tools")


class Family:
    """A family's classes by name, from the first of its modules that has one."""

    def __init__(self, *modules: Any) -> None:
        self.modules = modules

    def __getattr__(self, name: str) -> Any:
        for module in self.modules:
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(name)


OURS = Family(chatplex, passthrough)
THEIRS = Family(lc_runnables, lc_parsers, lc_tools)


class Weather(BaseModel):
    city: str


def double(x: int) -> int:
    return x * 2


async def adouble(x: int) -> int:
    return x * 2


def shout(chunks: Any) -> Any:
    for chunk in chunks:
        yield chunk.upper()


def _rag(k: Any) -> Any:
    return (
        {"ctx": itemgetter("q") | k.RunnableLambda(double), "q": k.RunnablePassthrough()}
        | k.RunnableLambda(lambda d: d["q"])
        | k.StrOutputParser()
    )


def _nested_map(k: Any) -> Any:
    return k.RunnableParallel(
        a=k.RunnablePassthrough(), b=k.RunnableLambda(double) | k.StrOutputParser()
    )


CASES: dict[str, Callable[[Any], Any]] = {
    "a chain of a map, a lambda and a parser": _rag,
    "a map with a chain in it": _nested_map,
    "a named function": lambda k: k.RunnableLambda(double),
    "a coroutine function": lambda k: k.RunnableLambda(adouble),
    "an itemgetter": lambda k: k.RunnableLambda(itemgetter("a")),
    "a lambda": lambda k: k.RunnableLambda(lambda x: x + 1),
    "assign": lambda k: k.RunnablePassthrough.assign(x=lambda d: 1),
    "a passthrough with a function": lambda k: k.RunnablePassthrough(double),
    "a pick of a key": lambda k: k.RunnablePick("a"),
    "a pick of keys": lambda k: k.RunnablePick(["a", "b"]),
    "the text parser": lambda k: k.StrOutputParser(),
    "the JSON parser": lambda k: k.JsonOutputParser(),
    "the JSON parser of a model": lambda k: k.JsonOutputParser(pydantic_object=Weather),
    "the pydantic parser": lambda k: k.PydanticOutputParser(pydantic_object=Weather),
    "the list parser": lambda k: k.CommaSeparatedListOutputParser(),
    "the XML parser": lambda k: k.XMLOutputParser(tags=["a"]),
    "the tool calls parser": lambda k: k.JsonOutputToolsParser(first_tool_only=True),
    "a generator": lambda k: k.RunnableGenerator(shout),
    "a branch": lambda k: k.RunnableBranch((lambda x: x > 1, k.StrOutputParser()), double),
    "a lambda over each item": lambda k: k.RunnableLambda(double).map(),
}


@pytest.mark.parametrize("build", CASES.values(), ids=CASES)
def test_a_runnable_prints_as_langchains(build: Callable[[Any], Any]) -> None:
    assert repr(build(OURS)) == repr(build(THEIRS))


def test_a_chain_prints_its_steps_one_per_line() -> None:
    assert repr(_rag(OURS)).splitlines() == [
        "{",
        "  ctx: RunnableLambda(itemgetter('q'))",
        "       | RunnableLambda(double),",
        "  q: RunnablePassthrough()",
        "}",
        "| RunnableLambda(...)",  # its source line is no statement: as LangChain's
        "| StrOutputParser()",
    ]


def test_a_binding_shows_what_it_binds() -> None:
    # LangChain's also shows `config_factories=[]`, a field chatplex has not.
    parser = chatplex.StrOutputParser()
    assert repr(parser.bind(stop=["x"])) == (
        "RunnableBinding(bound=StrOutputParser(), kwargs={'stop': ['x']}, config={})"
    )
    assert repr(parser.with_config(tags=["t"])) == (
        "RunnableBinding(bound=StrOutputParser(), kwargs={}, config={'tags': ['t']})"
    )
    assert repr(parser.with_types(input_type=str)) == (
        "RunnableBinding(bound=StrOutputParser(), kwargs={}, config={}, "
        "custom_input_type=<class 'str'>)"
    )


def test_a_lambda_whose_source_is_not_one_lambda_is_dots() -> None:
    two = [lambda x: x, lambda x: x + 1]  # one line, two lambdas: which is it?
    assert repr(chatplex.RunnableLambda(two[0])) == "RunnableLambda(...)"
    built = eval("lambda x: x")  # no source file
    assert repr(chatplex.RunnableLambda(built)) == "RunnableLambda(...)"


def test_a_runnable_shows_the_arguments_it_was_given_not_its_defaults() -> None:
    model = chatplex.init_chat_model("openai:gpt-4o-mini", api_key="sk-never-shown")
    retried = model.with_fallbacks([chatplex.StrOutputParser()])
    assert repr(retried) == (
        "RunnableWithFallbacks(runnable=ChatModel(provider='openai', model='gpt-4o-mini'), "
        "fallbacks=(StrOutputParser(),))"
    )
    assert "sk-never-shown" not in repr(model | chatplex.StrOutputParser())


class Keyed(chatplex.RunnableLambda):
    """A user's runnable that holds a credential under its constructor's name."""

    def __init__(self, api_key: str, base_url: str, headers: dict[str, str]) -> None:
        super().__init__(double)
        self.api_key, self.base_url, self.headers = api_key, base_url, headers


class KeyedParser(chatplex.StrOutputParser):
    def __init__(self, api_key: str, base_url: str, headers: dict[str, str]) -> None:
        self.api_key, self.base_url, self.headers = api_key, base_url, headers


def test_a_credential_a_runnable_holds_is_masked_in_its_repr() -> None:
    shown = repr(
        KeyedParser("sk-held-secret-1", "http://u:pw-secret-2@gw.invalid/v1", {"x-api-key": "k-3"})
    )
    assert shown.startswith("KeyedParser(api_key='***', base_url='http://***@gw.invalid/v1'")
    assert not any(secret in shown for secret in ("sk-held-secret-1", "pw-secret-2", "k-3"))
    # A class with its own repr (a lambda's) shows what it shows: no constructor argument.
    assert repr(Keyed("sk-held-secret-1", "u", {})) == "RunnableLambda(double)"
