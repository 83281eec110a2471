"""A prompt's `name=`, `tags=` and `metadata=`, and a parser's `name=`: LangChain's
fields, given to chatplex's own classes, name and mark their runs as langchain-core's
do (side by side), show in the repr, and survive `partial`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import chatplex
from chatplex.core import BaseCallbackHandler

lc_prompts = pytest.importorskip("langchain_core.prompts")
lc_parsers = pytest.importorskip("langchain_core.output_parsers")

MARKS: dict[str, Any] = {"name": "ask", "tags": ["mine"], "metadata": {"team": "x"}}


def _chat_prompt(k: Any) -> Any:
    return k.ChatPromptTemplate([("human", "{q}")], **MARKS)


def _string_prompt(k: Any) -> Any:
    return k.PromptTemplate.from_template("{q}", **MARKS)


def _few_shot(k: Any) -> Any:
    example = k.ChatPromptTemplate.from_messages([("human", "{a}")])
    return k.FewShotChatMessagePromptTemplate(
        example_prompt=example, examples=[{"a": "1"}], input_variables=["q"], **MARKS
    )


PROMPTS = [_chat_prompt, _string_prompt, _few_shot]


def _events(prompt: Any, parser: Any) -> list[tuple[str, str, list[str], dict[str, Any]]]:
    """Each event of `prompt | parser` (the parser fed the prompt's text) as (event,
    name, tags, metadata), the call's own tag and metadata beside the steps'."""
    chain = prompt | (lambda value: value.to_string()) | parser
    config: Any = {"tags": ["call"], "metadata": {"run": 1}}

    async def run() -> list[Any]:
        return [e async for e in chain.astream_events({"q": "hi"}, config, version="v2")]

    return [
        (e["event"], e["name"], sorted(e["tags"]), e["metadata"])
        for e in asyncio.run(run())
        if not e["event"].endswith("_stream") and e["name"] != "RunnableLambda"
    ]


@pytest.mark.parametrize("make", PROMPTS, ids=lambda f: f.__name__.strip("_"))
def test_a_prompts_and_a_parsers_runs_are_named_and_marked_as_langchains(make: Any) -> None:
    ours = _events(make(chatplex), chatplex.StrOutputParser(name="text"))
    theirs = _events(make(lc_prompts), lc_parsers.StrOutputParser(name="text"))
    assert ours == theirs
    prompt_start = next(e for e in ours if e[0] == "on_prompt_start")
    assert prompt_start[1:] == ("ask", ["call", "mine", "seq:step:1"], {"run": 1, "team": "x"})
    parser_start = next(e for e in ours if e[0] == "on_parser_start")
    assert parser_start[1:3] == ("text", ["call", "seq:step:3"])


class _Starts(BaseCallbackHandler):
    """The tags and metadata each chain start is told (LangChain's callback manager
    takes chatplex's handler as its own)."""

    def __init__(self) -> None:
        self.starts: list[tuple[Any, Any]] = []

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self.starts.append((kwargs.get("tags"), kwargs.get("metadata")))


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("make", PROMPTS, ids=lambda f: f.__name__.strip("_"))
def test_a_prompt_alone_tells_its_handlers_its_tags_and_metadata(make: Any, sync: bool) -> None:
    heard = []
    for prompt in (make(chatplex), make(lc_prompts)):
        handler = _Starts()
        config: Any = {"callbacks": [handler], "tags": ["call"], "metadata": {"run": 1}}
        if sync:
            prompt.invoke({"q": "hi"}, config)
        else:
            asyncio.run(prompt.ainvoke({"q": "hi"}, config))
        heard.append(handler.starts)
    assert heard[0] == heard[1] == [(["call", "mine"], {"run": 1, "team": "x"})]


def test_without_callbacks_the_marks_change_nothing_of_the_value() -> None:
    marked, plain = _chat_prompt(chatplex), chatplex.ChatPromptTemplate([("human", "{q}")])
    assert marked.invoke({"q": "hi"}) == plain.invoke({"q": "hi"})
    assert plain._run_marks() is None and marked._run_marks() == (["mine"], {"team": "x"})


@pytest.mark.parametrize("make", [_chat_prompt, _string_prompt], ids=["chat", "string"])
def test_the_repr_shows_them_as_langchains(make: Any) -> None:
    assert repr(make(chatplex)) == repr(make(lc_prompts))


@pytest.mark.parametrize(
    "parser",
    [
        "StrOutputParser",
        "JsonOutputParser",
        "CommaSeparatedListOutputParser",
        "NumberedListOutputParser",
        "MarkdownListOutputParser",
        "XMLOutputParser",
    ],
)
def test_a_parser_takes_a_name_that_names_its_runs_and_shows_in_its_repr(parser: str) -> None:
    ours = getattr(chatplex, parser)(name="mine")
    theirs = getattr(lc_parsers, parser)(name="mine")
    assert ours.get_name() == theirs.get_name() == "mine"
    assert "name='mine'" in repr(ours)


def test_the_tools_parsers_and_the_pydantic_parser_take_a_name() -> None:
    from pydantic import BaseModel

    class Weather(BaseModel):
        city: str

    made = [
        chatplex.JsonOutputToolsParser(name="a"),
        chatplex.JsonOutputKeyToolsParser(key_name="Weather", name="b"),
        chatplex.PydanticToolsParser(tools=[Weather], name="c"),
        chatplex.PydanticOutputParser(pydantic_object=Weather, name="d"),
    ]
    assert [p.get_name() for p in made] == ["a", "b", "c", "d"]
    assert chatplex.PydanticOutputParser(pydantic_object=Weather).get_name() == (
        "PydanticOutputParser"
    )


@pytest.mark.parametrize("make", [_chat_prompt, _string_prompt], ids=["chat", "string"])
def test_partial_keeps_them_and_a_sum_drops_them_as_langchain(make: Any) -> None:
    for k in (chatplex, lc_prompts):
        prompt = make(k)
        kept = prompt.partial(q="hi")
        assert (kept.name, kept.tags, kept.metadata) == ("ask", ["mine"], {"team": "x"})
        summed = prompt + " more"
        assert (summed.name, summed.tags, summed.metadata) == (None, None, None)


def test_tags_and_metadata_set_after_construction_reach_the_runs_as_langchains() -> None:
    """LangChain's prompt reads its fields at each call: set later, they mark its runs."""
    heard = []
    for k in (chatplex, lc_prompts):
        prompt = k.ChatPromptTemplate([("human", "{q}")])
        prompt.tags, prompt.metadata = ["later"], {"set": True}
        handler = _Starts()
        prompt.invoke({"q": "hi"}, {"callbacks": [handler]})
        heard.append(handler.starts)
    assert heard[0] == heard[1] == [(["later"], {"set": True})]
