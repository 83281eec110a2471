"""chatplex messages handed to LangChain's own code: its parsers, message utilities,
message history and serialiser accept them and give what they give for LangChain's
messages; the pydantic methods LangChain calls exist and agree with LangChain's.

The import-order cases run in fresh interpreters (this process has loaded both)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core import messages as lc  # noqa: E402
from langchain_core.chat_history import InMemoryChatMessageHistory  # noqa: E402
from langchain_core.output_parsers import JsonOutputParser  # noqa: E402
from langchain_core.output_parsers import PydanticOutputParser  # noqa: E402
from langchain_core.runnables.history import RunnableWithMessageHistory  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from chatplex import AIMessage  # noqa: E402
from chatplex import AIMessageChunk  # noqa: E402
from chatplex import ChatPromptTemplate  # noqa: E402
from chatplex import HumanMessage  # noqa: E402
from chatplex import MessagesPlaceholder  # noqa: E402
from chatplex import RunnableLambda  # noqa: E402
from chatplex import SystemMessage  # noqa: E402
from chatplex import ToolMessage  # noqa: E402
from chatplex import init_chat_model  # noqa: E402
from chatplex.messages import BaseMessage  # noqa: E402
from chatplex.messages import to_langchain  # noqa: E402
from tests._older_pydantic import MARKS  # noqa: E402
from tests._older_pydantic import older_model_class  # noqa: E402
from tests._older_pydantic import without_marks  # noqa: E402
from tests._warns import warns_nothing  # noqa: E402
from tests.messages._builders import opening  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class Point(BaseModel):
    x: int
    y: int


REPLY = '{"x": 1, "y": 2}'
PIECES = ['{"x"', ": 1,", ' "y": 2}']

MESSAGES: list[BaseMessage] = [
    *opening(response_metadata={"finish_reason": "tool_calls"}),
    ToolMessage("2", tool_call_id="c1", id="t1", artifact={"raw": 2}),
    HumanMessage("and then?", id="h2"),
    HumanMessage([{"type": "text", "text": "more"}], id="h3"),
    AIMessage(content="done", id="a2"),
]


def as_langchain(messages: list[Any]) -> list[Any]:
    return [to_langchain(m) for m in messages]


def dicts(messages: list[Any]) -> list[dict[str, Any]]:
    return lc.messages_to_dict(messages)


def model(*replies: str) -> Any:
    return init_chat_model("fake:any", responses=list(replies))


async def collect(stream: Any) -> list[Any]:
    return [piece async for piece in stream]


# --- who chatplex messages are, for LangChain -------------------------------------------


@pytest.mark.parametrize("message", MESSAGES + [AIMessageChunk(content="x")], ids=repr)
def test_each_message_is_an_instance_of_langchains_matching_class(message: BaseMessage) -> None:
    theirs = type(to_langchain(message))
    assert isinstance(message, theirs)
    assert isinstance(message, lc.BaseMessage)
    assert message.__class__ is theirs
    assert type(message).__module__.startswith("chatplex.")  # the real class is chatplex's
    others = {lc.HumanMessage, lc.AIMessage, lc.SystemMessage, lc.ToolMessage} - set(theirs.__mro__)
    assert not any(isinstance(message, other) for other in others)


def test_a_langchain_message_is_not_a_chatplex_message() -> None:
    assert not isinstance(lc.HumanMessage("hi"), HumanMessage)


def test_a_subclass_of_a_chatplex_message_is_seen_as_its_parent() -> None:
    class Note(HumanMessage):
        pass

    assert isinstance(Note("hi"), lc.HumanMessage)


@pytest.mark.parametrize("mark", MARKS)
def test_an_older_pydantics_isinstance_accepts_chatplex_messages(
    monkeypatch: pytest.MonkeyPatch, mark: str
) -> None:
    """Under pydantic 2.10 and 2.11 (a stand-in for LangChain's class, under its check),
    once LangChain's module loads."""
    import types

    from chatplex.messages import _border
    from chatplex.messages._messages import AS_LANGCHAIN

    theirs = older_model_class(mark)
    module = types.ModuleType("langchain_core.messages.system")
    module.SystemMessage = theirs  # type: ignore[attr-defined]
    without_marks(monkeypatch)
    monkeypatch.setitem(AS_LANGCHAIN, SystemMessage, AS_LANGCHAIN.get(SystemMessage, theirs))
    _border._learn_classes(module)
    assert isinstance(SystemMessage("hi"), theirs)
    assert not isinstance(HumanMessage("hi"), theirs)  # (its own class is not theirs)
    # On the base alone: a dataclass's own `__pydantic_validator__` is pydantic's mark
    # of a pydantic dataclass.
    assert "__pydantic_validator__" not in SystemMessage.__dict__


def test_equality_with_langchains_messages_either_side() -> None:
    assert lc.HumanMessage("hi") == HumanMessage("hi")
    assert HumanMessage("hi") == lc.HumanMessage("hi")
    assert lc.HumanMessage("hi") != HumanMessage("ho")
    assert lc.AIMessage("hi") != HumanMessage("hi")
    assert lc.AIMessage("hi", id="1") == AIMessage(content="hi", id="1")
    # What pydantic before 2.13 compares as it is (2.13 takes None as `{}`): the dev
    # environment's pydantic is newer, the package's floor older.
    assert HumanMessage("hi").__pydantic_extra__ == lc.HumanMessage("hi").__pydantic_extra__


def test_the_field_dict_is_pydantics() -> None:
    message = MESSAGES[2]
    assert message.__dict__ == to_langchain(message).__dict__
    with pytest.raises(AttributeError):
        message.colour = "red"  # type: ignore[attr-defined]  # still slots: no new fields


def test_langchains_message_chunk_to_message_takes_a_chatplex_chunk() -> None:
    chunk = AIMessageChunk(
        content="x",
        tool_call_chunks=[{"name": "add", "args": '{"a": 1}', "id": "c1", "index": 0}],
        chunk_position="last",
    )
    theirs = lc.message_chunk_to_message(chunk)
    assert dicts([theirs]) == dicts([chunk.to_message()])


def test_langchain_containers_of_chatplex_messages_dump_cleanly() -> None:
    from langchain_core.prompts import ChatPromptTemplate as LangChainPrompt
    from langchain_core.prompts import MessagesPlaceholder as LangChainPlaceholder

    with warns_nothing():
        prompt = LangChainPrompt.from_messages([LangChainPlaceholder("history")])
        ours = prompt.invoke({"history": MESSAGES}).model_dump()
    assert ours == prompt.invoke({"history": as_langchain(MESSAGES)}).model_dump()


# --- LangChain's output parsers ---------------------------------------------------------


def test_langchains_json_parser_reads_a_chatplex_reply() -> None:
    reply = AIMessage(content=REPLY)
    assert JsonOutputParser().invoke(reply) == {"x": 1, "y": 2}
    assert asyncio.run(JsonOutputParser().ainvoke(reply)) == {"x": 1, "y": 2}


def test_langchains_pydantic_parser_reads_a_chatplex_reply() -> None:
    parser = PydanticOutputParser(pydantic_object=Point)
    assert parser.invoke(AIMessage(content=REPLY)) == Point(x=1, y=2)
    assert asyncio.run(parser.ainvoke(AIMessage(content=REPLY))) == Point(x=1, y=2)


def test_langchains_json_parser_streams_chatplex_chunks() -> None:
    chunks = [AIMessageChunk(content=p) for p in PIECES]
    parser = JsonOutputParser()
    assert list(parser.transform(iter(chunks))) == [{}, {"x": 1}, {"x": 1, "y": 2}]

    async def pieces() -> Any:
        for chunk in chunks:
            yield chunk

    assert asyncio.run(collect(parser.atransform(pieces()))) == [{}, {"x": 1}, {"x": 1, "y": 2}]


def test_langchains_json_parser_streams_a_whole_chatplex_message() -> None:
    assert list(JsonOutputParser().transform(iter([AIMessage(content=REPLY)]))) == [
        {"x": 1, "y": 2}
    ]


def test_a_chatplex_model_piped_into_langchains_json_parser() -> None:
    chain = model(REPLY, REPLY, REPLY, REPLY) | JsonOutputParser()
    assert chain.invoke("q") == {"x": 1, "y": 2}
    assert list(chain.stream("q"))[-1] == {"x": 1, "y": 2}
    assert asyncio.run(chain.ainvoke("q")) == {"x": 1, "y": 2}
    assert asyncio.run(collect(chain.astream("q")))[-1] == {"x": 1, "y": 2}


def test_a_chatplex_model_piped_into_langchains_pydantic_parser() -> None:
    chain = model(REPLY, REPLY) | PydanticOutputParser(pydantic_object=Point)
    assert chain.invoke("q") == Point(x=1, y=2)
    assert list(chain.stream("q"))[-1] == Point(x=1, y=2)


def test_langchains_tool_call_parsers_read_chatplex_replies() -> None:
    tools = pytest.importorskip("langchain_core.output_parsers.openai_tools")
    reply = AIMessage(
        content="", tool_calls=[{"name": "Point", "args": {"x": 1, "y": 2}, "id": "c"}]
    )
    assert tools.JsonOutputToolsParser().invoke(reply) == [
        {"args": {"x": 1, "y": 2}, "type": "Point"}
    ]
    assert tools.PydanticToolsParser(tools=[Point]).invoke(reply) == [Point(x=1, y=2)]
    pieces = [
        AIMessageChunk(
            content="",
            tool_call_chunks=[{"name": "Point", "args": '{"x": 1,', "id": "c", "index": 0}],
        ),
        AIMessageChunk(
            content="",
            tool_call_chunks=[{"name": None, "args": ' "y": 2}', "id": None, "index": 0}],
        ),
    ]
    streamed = list(tools.JsonOutputToolsParser().transform(iter(pieces)))
    assert streamed[-1] == [{"args": {"x": 1, "y": 2}, "type": "Point"}]


def test_a_chatplex_chunk_adds_a_langchain_chunk_either_side() -> None:
    ours = AIMessageChunk(content="a")
    theirs = lc.AIMessageChunk(content="b")
    merged = ours + theirs
    assert type(merged) is AIMessageChunk
    assert merged.content == "ab"
    assert (theirs + ours).content == "ba"


# --- LangChain's message utilities ------------------------------------------------------


def test_langchains_messages_to_dict_writes_chatplex_messages_as_its_own() -> None:
    assert lc.messages_to_dict(MESSAGES) == dicts(as_langchain(MESSAGES))
    back = lc.messages_from_dict(lc.messages_to_dict(MESSAGES))
    assert dicts(back) == dicts(as_langchain(MESSAGES))


@pytest.mark.parametrize(
    "options",
    [
        {"max_tokens": 3, "token_counter": len, "strategy": "last"},
        {"max_tokens": 3, "token_counter": len, "strategy": "last", "include_system": True},
        {"max_tokens": 4, "token_counter": len, "strategy": "first"},
        {"max_tokens": 30, "token_counter": "approximate", "start_on": "human"},
        {"max_tokens": 12, "token_counter": "approximate", "allow_partial": True},
    ],
    ids=str,
)
def test_langchains_trim_messages_trims_chatplex_messages_as_its_own(
    options: dict[str, Any],
) -> None:
    ours = lc.trim_messages(MESSAGES, **options)
    assert dicts(ours) == dicts(lc.trim_messages(as_langchain(MESSAGES), **options))


@pytest.mark.parametrize(
    "options",
    [
        {"include_types": ["human"]},
        {"include_types": [lc.HumanMessage, lc.SystemMessage]},
        {"exclude_types": ["tool"]},
        {"exclude_tool_calls": True},
        {"include_ids": ["h1", "a2"]},
        {"include_names": ["ann"]},
    ],
    ids=str,
)
def test_langchains_filter_messages_filters_chatplex_messages_as_its_own(
    options: dict[str, Any],
) -> None:
    ours = lc.filter_messages(MESSAGES, **options)
    assert dicts(ours) == dicts(lc.filter_messages(as_langchain(MESSAGES), **options))


def test_langchains_merge_message_runs_merges_chatplex_messages_as_its_own() -> None:
    ours = lc.merge_message_runs(MESSAGES)
    assert len(ours) == len(MESSAGES) - 1  # the two human turns in a row became one
    assert dicts(ours) == dicts(lc.merge_message_runs(as_langchain(MESSAGES)))


def test_langchains_buffer_and_openai_forms_of_chatplex_messages() -> None:
    langchain = as_langchain(MESSAGES)
    assert lc.get_buffer_string(MESSAGES) == lc.get_buffer_string(langchain)
    assert lc.convert_to_openai_messages(MESSAGES) == lc.convert_to_openai_messages(langchain)


# --- LangChain's message history --------------------------------------------------------


def sessions() -> tuple[dict[str, InMemoryChatMessageHistory], Any]:
    store: dict[str, InMemoryChatMessageHistory] = {}

    def history(session_id: str) -> InMemoryChatMessageHistory:
        return store.setdefault(session_id, InMemoryChatMessageHistory())

    return store, history


CONFIG: Any = {"configurable": {"session_id": "s"}}


def kinds(history: InMemoryChatMessageHistory) -> list[tuple[str, str]]:
    return [(m.type, m.text) for m in history.messages]


def test_message_history_around_a_bare_chatplex_model() -> None:
    store, history = sessions()
    chain = RunnableWithMessageHistory(model("one", "two", "three", "four"), history)
    assert chain.invoke("a", CONFIG).text == "one"
    assert "".join(c.text for c in chain.stream("b", CONFIG)) == "two"
    assert asyncio.run(chain.ainvoke("c", CONFIG)).text == "three"
    assert "".join(c.text for c in asyncio.run(collect(chain.astream("d", CONFIG)))) == "four"
    # A streamed reply is kept as the merged chunk, as LangChain keeps its own models'.
    assert kinds(store["s"]) == [
        ("human", "a"),
        ("ai", "one"),
        ("human", "b"),
        ("AIMessageChunk", "two"),
        ("human", "c"),
        ("ai", "three"),
        ("human", "d"),
        ("AIMessageChunk", "four"),
    ]


def test_message_history_around_a_chatplex_chain_that_returns_a_message() -> None:
    store, history = sessions()
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be brief."), MessagesPlaceholder("history"), ("human", "{question}")]
    )
    seen: list[int] = []
    count = RunnableLambda(lambda value: seen.append(len(value.to_messages())) or value)
    chain = RunnableWithMessageHistory(
        prompt | count | model("one", "two"),
        history,
        input_messages_key="question",
        history_messages_key="history",
    )
    chain.invoke({"question": "a"}, CONFIG)
    chain.invoke({"question": "b"}, CONFIG)
    assert seen == [2, 4]  # the second call saw the first exchange
    assert kinds(store["s"]) == [("human", "a"), ("ai", "one"), ("human", "b"), ("ai", "two")]


def test_message_history_with_an_output_messages_key() -> None:
    store, history = sessions()
    replies = model("one")
    chain = RunnableWithMessageHistory(
        RunnableLambda(lambda d: {"answer": replies.invoke(d["question"]), "extra": 1}),
        history,
        input_messages_key="question",
        output_messages_key="answer",
    )
    out = chain.invoke({"question": "a"}, CONFIG)
    assert out["answer"].text == "one"
    assert kinds(store["s"]) == [("human", "a"), ("ai", "one")]


# --- either import order (fresh interpreters) -------------------------------------------

ORDER_PROBE = """
import asyncio, json, sys
if sys.argv[1] == "langchain first":
    from langchain_core.output_parsers import JsonOutputParser
    from langchain_core.messages import messages_to_dict, trim_messages
    import chatplex
else:
    import chatplex
    from langchain_core.output_parsers import JsonOutputParser
    from langchain_core.messages import messages_to_dict, trim_messages
from langchain_core.messages import filter_messages, merge_message_runs
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.runnables.history import RunnableWithMessageHistory
from chatplex import AIMessage, HumanMessage
from chatplex import init_chat_model
reply = '{"x": 1}'
chain = init_chat_model("fake:any", responses=[reply, reply]) | JsonOutputParser()
history = InMemoryChatMessageHistory()
talk = RunnableWithMessageHistory(init_chat_model("fake:any", responses=["ok"]), lambda: history)
talk.invoke("hi")
messages = [HumanMessage("a"), AIMessage(content="b"), HumanMessage("c")]
out = {
    "parse": JsonOutputParser().invoke(AIMessage(content=reply)),
    "chain": chain.invoke("q"),
    "stream": list(chain.stream("q"))[-1],
    "dicts": [d["type"] for d in messages_to_dict(messages)],
    "trim": [m.text for m in trim_messages(messages, max_tokens=2, token_counter=len)],
    "filter": [m.text for m in filter_messages(messages, include_types=["human"])],
    "merge": [m.text for m in merge_message_runs(messages + [HumanMessage("d")])],
    "dump": messages[0].model_dump(),
    "history": [(m.type, m.text) for m in history.messages],
}
print(json.dumps(out))
"""


@pytest.mark.parametrize("order", ["langchain first", "chatplex first"])
def test_langchain_code_takes_chatplex_messages_in_either_import_order(order: str) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", ORDER_PROBE, order],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "parse": {"x": 1},
        "chain": {"x": 1},
        "stream": {"x": 1},
        "dicts": ["human", "ai", "human"],
        "trim": ["b", "c"],
        "filter": ["a", "c"],
        "merge": ["a", "b", "c\nd"],
        "dump": {
            "content": "a",
            "additional_kwargs": {},
            "response_metadata": {},
            "type": "human",
            "name": None,
            "id": None,
        },
        "history": [["human", "hi"], ["ai", "ok"]],
    }


# --- chatplex's own code keeps chatplex's classes while LangChain is loaded -------------


def test_chatplex_copies_stay_chatplex_messages_while_langchain_is_loaded() -> None:
    """`dataclasses.replace` builds `obj.__class__`, LangChain's class once loaded:
    chatplex copies messages with `model_copy` (here: usage dropped from a stream)."""
    from chatplex.chat.streams import without_usage

    assert AIMessage(content="x").__class__ is lc.AIMessage  # the view is on
    usage: Any = {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
    chunks = [AIMessageChunk(content="a", usage_metadata=usage), AIMessageChunk(content="b")]
    out = list(without_usage(iter(chunks)))
    assert [type(c) for c in out] == [AIMessageChunk, AIMessageChunk]
    assert [c.usage_metadata for c in out] == [None, None]
    with_content = ChatPromptTemplate.from_messages([HumanMessage("{x}")])
    assert all(
        type(m).__module__.startswith("chatplex.") for m in with_content.format_messages(x=1)
    )


def test_langgraph_keeps_chatplex_messages_in_its_state() -> None:
    graph = pytest.importorskip("langgraph.graph")
    from langgraph.graph.message import add_messages

    merged = add_messages([HumanMessage("a")], [AIMessage(content="b")])
    assert [type(m) for m in merged] == [HumanMessage, AIMessage]
    assert all(m.id for m in merged)  # LangGraph gives each message an id
    replies = model("one")

    def answer(state: Any) -> dict[str, Any]:
        return {"messages": [replies.invoke(state["messages"])]}

    builder = graph.StateGraph(graph.MessagesState)
    builder.add_node("answer", answer)
    builder.add_edge(graph.START, "answer")
    builder.add_edge("answer", graph.END)
    state = builder.compile().invoke({"messages": [HumanMessage("hi")]})
    assert [(m.type, m.text) for m in state["messages"]] == [("human", "hi"), ("ai", "one")]
