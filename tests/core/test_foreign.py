"""Foreign runnables (anything with the Runnable protocol) inside chatplex chains, and
chatplex runnables handed to code that expects a callable or LangChain's Runnable."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex.core import ForeignRunnable
from chatplex.core import RunnableLambda
from chatplex.core import StrOutputParser
from chatplex.core import coerce_to_runnable
from chatplex.core.foreign import expose
from chatplex.core.foreign import foreign_config
from chatplex.core.foreign import is_foreign_runnable


class Recorder:
    """A runnable of "another library": the six methods, and what it was called with."""

    def __init__(self, transform: bool = False) -> None:
        self.calls: list[tuple[str, Any]] = []
        if transform:
            self.transform = self._transform
            self.atransform = self._atransform

    def invoke(self, x: Any, config: Any = None, **kw: Any) -> Any:
        self.calls.append(("invoke", config))
        return f"sync:{x}"

    async def ainvoke(self, x: Any, config: Any = None, **kw: Any) -> Any:
        self.calls.append(("ainvoke", config))
        return f"async:{x}"

    def stream(self, x: Any, config: Any = None, **kw: Any) -> Iterator[Any]:
        self.calls.append(("stream", config))
        yield from ("a", "b")

    async def astream(self, x: Any, config: Any = None, **kw: Any) -> AsyncIterator[Any]:
        self.calls.append(("astream", config))
        for piece in ("A", "B"):
            yield piece

    def batch(self, xs: list[Any], config: Any = None, **kw: Any) -> list[Any]:
        self.calls.append(("batch", config))
        return [f"b:{x}" for x in xs]

    async def abatch(self, xs: list[Any], config: Any = None, **kw: Any) -> list[Any]:
        self.calls.append(("abatch", config))
        return [f"ab:{x}" for x in xs]

    def _transform(self, chunks: Iterator[Any], config: Any = None, **kw: Any) -> Iterator[Any]:
        self.calls.append(("transform", config))
        for c in chunks:
            yield c.upper()

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: Any = None, **kw: Any
    ) -> AsyncIterator[Any]:
        self.calls.append(("atransform", config))
        async for c in chunks:
            yield c.upper()


def test_protocol_objects_are_coerced_without_wrapping() -> None:
    foreign = Recorder()
    assert is_foreign_runnable(foreign)
    step = coerce_to_runnable(foreign)
    assert isinstance(step, ForeignRunnable) and step.foreign is foreign
    assert not is_foreign_runnable(RunnableLambda(lambda x: x))
    assert not is_foreign_runnable(Recorder)  # the class is not a runnable


def test_objects_missing_methods_name_what_is_missing() -> None:
    class Half:
        def invoke(self, x: Any) -> Any:
            return x

    with pytest.raises(TypeError, match="lacks ainvoke, stream, astream, batch, abatch"):
        ForeignRunnable(Half())
    with pytest.raises(TypeError, match="expected a Runnable"):
        coerce_to_runnable(42)


@pytest.mark.parametrize("sync", [True, False])
def test_each_path_calls_the_objects_own_method(sync: bool) -> None:
    foreign = Recorder()
    chain = RunnableLambda(lambda x: x) | foreign
    if sync:
        assert chain.invoke(1) == "sync:1"
        assert chain.batch([1, 2]) == ["b:1", "b:2"]
        assert list(chain.stream(1)) == ["a", "b"]
        assert [c[0] for c in foreign.calls] == ["invoke", "batch", "stream"]
    else:

        async def run() -> None:
            assert await chain.ainvoke(1) == "async:1"
            assert await chain.abatch([1]) == ["ab:1"]
            assert [c async for c in chain.astream(1)] == ["A", "B"]

        asyncio.run(run())
        assert [c[0] for c in foreign.calls] == ["ainvoke", "abatch", "astream"]


@pytest.mark.parametrize("sync", [True, False])
def test_transform_is_used_when_present(sync: bool) -> None:
    def pieces(_: Any) -> Iterator[str]:
        yield from ("x", "y")

    foreign = Recorder(transform=True)
    chain = RunnableLambda(pieces) | foreign
    if sync:
        assert list(chain.stream(0)) == ["X", "Y"]
    else:

        async def run() -> list[str]:
            return [c async for c in chain.astream(0)]

        assert asyncio.run(run()) == ["X", "Y"]
    assert foreign.calls[0][0] == ("transform" if sync else "atransform")


def test_config_is_langchain_shaped() -> None:
    foreign = Recorder()
    handler = object()
    chain = RunnableLambda(lambda x: x) | foreign
    chain.invoke(
        1,
        {
            "tags": ["t"],
            "metadata": {"m": 1},
            "configurable": {"c": 2},
            "callbacks": [handler],
            "timeout": 5,
        },
    )
    config = foreign.calls[0][1]
    callbacks = config.pop("callbacks")
    # A LangChain CallbackManager (with the chain's run as parent) once LangChain is
    # loaded, else the list itself.
    assert (callbacks if isinstance(callbacks, list) else callbacks.handlers) == [handler]
    assert config == {
        "tags": ["t"],  # no seq:step:N
        "metadata": {"m": 1},
        "configurable": {"c": 2},
    }
    assert foreign_config({})["tags"] == []


def test_handlers_go_as_a_list_while_langchain_is_not_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chatplex.core.runs import ChainRun

    monkeypatch.delitem(sys.modules, "langchain_core.callbacks.manager", raising=False)
    handler = object()
    parent = ChainRun({}, "outer", "chain", [handler], [])
    config: Any = {"callbacks": [handler], "_parent_run": parent}
    assert foreign_config(config)["callbacks"] == [handler]
    manager = pytest.importorskip("langchain_core.callbacks.manager")
    monkeypatch.setitem(sys.modules, "langchain_core.callbacks.manager", manager)
    linked = foreign_config(config)["callbacks"]
    assert linked.handlers == [handler] and linked.parent_run_id == parent.run_id


def test_stream_events_show_the_foreign_step_as_one_step() -> None:
    chain = RunnableLambda(lambda x: x) | Recorder()
    events = [(e["event"], e["name"]) for e in chain.stream_events(1)]
    assert ("on_chain_start", "Recorder") in events and ("on_chain_end", "Recorder") in events


def test_chatplex_runnables_are_callables() -> None:
    chain = RunnableLambda(lambda x: x + 1) | RunnableLambda(lambda x: x * 2)
    assert list(map(chain, [1, 2])) == [4, 6]
    assert StrOutputParser()("hi") == "hi"


def test_expose_registers_with_a_loaded_host_only() -> None:
    # Imported by the test, never by chatplex.
    base = pytest.importorskip("langchain_core.runnables.base")
    expose()
    assert isinstance(RunnableLambda(lambda x: x), base.Runnable)
    assert "langchain_core" in sys.modules


# ---- LangChain's tools and retrievers keep their run type and name ---------------------


def _langchain_steps() -> tuple[Any, Any]:
    pytest.importorskip("langchain_core")
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.tools import tool

    @tool
    def shout(text: str) -> str:
        """Shout the text."""
        return text.upper()

    class Echo(BaseRetriever):
        def _get_relevant_documents(self, query: str, *, run_manager: Any = None) -> Any:
            return [Document(page_content=query)]

    return shout, Echo()


def _events(chain: Any, sync: bool, **filters: Any) -> list[tuple[str, str]]:
    if sync:
        return [(e["event"], e["name"]) for e in chain.stream_events("hi", **filters)]

    async def collect() -> list[tuple[str, str]]:
        return [(e["event"], e["name"]) async for e in chain.astream_events("hi", **filters)]

    return asyncio.run(collect())


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_langchain_tool_reports_as_a_tool_under_its_name(sync: bool) -> None:
    shout, _ = _langchain_steps()
    chain = RunnableLambda(lambda x: x) | shout
    events = _events(chain, sync)
    assert ("on_tool_start", "shout") in events
    assert ("on_tool_end", "shout") in events
    assert not [e for e in events if e[1] == "shout" and e[0].startswith("on_chain")]
    # One value, as in LangChain: no stream events of its own.
    assert ("on_tool_stream", "shout") not in events
    start_end = [("on_tool_start", "shout"), ("on_tool_end", "shout")]
    assert _events(chain, sync, include_names=["shout"]) == start_end
    assert _events(chain, sync, include_types=["tool"]) == start_end


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_langchain_retriever_keeps_its_run_name_and_type(sync: bool) -> None:
    _, retriever = _langchain_steps()
    chain = RunnableLambda(lambda x: x) | retriever.with_config(run_name="Docs")
    start_end = [("on_retriever_start", "Docs"), ("on_retriever_end", "Docs")]
    assert _events(chain, sync, include_types=["retriever"]) == start_end
    assert _events(chain, sync, include_names=["Docs"]) == start_end
    assert chain.invoke("q")[0].page_content == "q"


def test_astream_log_has_the_tool_and_retriever_entries() -> None:
    shout, retriever = _langchain_steps()
    chain = RunnableLambda(lambda x: x) | {"loud": shout, "docs": retriever}

    async def final_state() -> dict[str, Any]:
        state = None
        async for patch in chain.astream_log("hi", include_types=["tool", "retriever"]):
            state = patch if state is None else state + patch
        assert state is not None
        return state.state  # type: ignore[no-any-return]

    logs = asyncio.run(final_state())["logs"]
    assert logs["shout"]["type"] == "tool"
    assert logs["shout"]["final_output"] == {"output": "HI"}
    assert logs["Echo"]["type"] == "retriever"
    assert logs["Echo"]["final_output"]["documents"][0].page_content == "hi"


def test_run_types_are_told_by_the_methods_an_object_has() -> None:
    from chatplex.core.foreign import ForeignCall
    from chatplex.core.foreign import run_type_of

    class Chain(Recorder):
        pass

    class Tool(Recorder):
        args_schema = None

        def run(self, x: Any) -> Any: ...
        def arun(self, x: Any) -> Any: ...

    class Prompt(Recorder):
        input_variables: list[str] = []

        def format_prompt(self, **kw: Any) -> Any: ...

    class Parser(Recorder):
        def parse_result(self, result: Any) -> Any: ...

    class LLM(Recorder):
        def generate_prompt(self, prompts: Any) -> Any: ...

    class Chat(LLM):
        def bind_tools(self, tools: Any) -> Any: ...

    class Binding(Recorder):
        def __init__(self, bound: Any) -> None:
            super().__init__()
            self.bound = bound
            self.config = {"run_name": "renamed"}

    kinds = {Chain: "chain", Tool: "tool", Prompt: "prompt", Parser: "parser", LLM: "llm"}
    for cls, kind in {**kinds, Chat: "chat_model"}.items():
        assert run_type_of(cls()) == kind
    bound_tool = ForeignRunnable(Binding(Tool()))
    assert (bound_tool._run_type, bound_tool.get_name()) == ("tool", "renamed")
    assert isinstance(bound_tool, ForeignCall)  # one value: no stream of its own
    assert not isinstance(ForeignRunnable(Parser()), ForeignCall)
    # Copies keep their class (copy.copy calls __new__ with no arguments).
    import copy

    assert type(copy.copy(bound_tool)) is ForeignCall


def _recording_handler() -> Any:
    from langchain_core.callbacks import BaseCallbackHandler

    class Handler(BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[tuple[str, str | None, Any, Any]] = []

        def _record(self, kind: str, serialized: Any, kw: dict[str, Any]) -> None:
            name = kw.get("name") or (serialized or {}).get("name")
            self.seen.append((kind, name, kw["run_id"], kw["parent_run_id"]))

        def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
            self._record("chain_start", serialized, kw)

        def on_tool_start(self, serialized: Any, input_str: Any, **kw: Any) -> None:
            self._record("tool_start", serialized, kw)

        def on_retriever_start(self, serialized: Any, query: Any, **kw: Any) -> None:
            self._record("retriever_start", serialized, kw)

    return Handler()


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_handlers_hear_the_tool_itself_under_the_chain(sync: bool) -> None:
    shout, retriever = _langchain_steps()
    handler = _recording_handler()
    chain = RunnableLambda(lambda x: x) | {"loud": shout, "docs": retriever}
    config: Any = {"callbacks": [handler]}
    if sync:
        chain.invoke("hi", config)
    else:
        asyncio.run(chain.ainvoke("hi", config))
    starts = {name: (kind, run_id, parent) for kind, name, run_id, parent in handler.seen}
    root = starts["RunnableSequence"][1]
    parallel = next(v for k, v in starts.items() if k.startswith("RunnableParallel"))
    assert parallel[2] == root
    # As in LangChain: one start each, from the object itself, under the map's run.
    assert starts["shout"][0] == "tool_start" and starts["shout"][2] == parallel[1]
    assert starts["Echo"][0] == "retriever_start" and starts["Echo"][2] == parallel[1]
    assert [s[1] for s in handler.seen].count("shout") == 1


def test_events_and_handlers_give_a_foreign_run_one_id() -> None:
    shout, _ = _langchain_steps()
    handler = _recording_handler()
    chain = RunnableLambda(lambda x: x) | shout

    async def collect() -> list[Any]:
        config: Any = {"callbacks": [handler]}
        return [e async for e in chain.astream_events("hi", config, include_names=["shout"])]

    events = asyncio.run(collect())
    tool_run = next(s for s in handler.seen if s[1] == "shout")
    assert {e["run_id"] for e in events} == {str(tool_run[2])}
    assert events[0]["parent_ids"] == [str(tool_run[3])]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_langchain_chat_model_reports_as_one_with_its_ls_metadata(sync: bool) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.language_models import GenericFakeChatModel

    model = GenericFakeChatModel(messages=iter(["hello there"]))
    chain = RunnableLambda(lambda x: x) | model
    config: Any = {"metadata": {"user": "u1"}}
    if sync:
        events = list(chain.stream_events("hi", config, include_types=["chat_model"]))
    else:

        async def collect() -> list[Any]:
            return [
                e async for e in chain.astream_events("hi", config, include_types=["chat_model"])
            ]

        events = asyncio.run(collect())
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_chat_model_start" and kinds[-1] == "on_chat_model_end"
    assert "on_chat_model_stream" in kinds
    expected = {"user": "u1", **model._get_ls_params()}
    assert expected["ls_model_type"] == "chat"
    assert all(e["metadata"] == expected for e in events)


def _fake_langchain_model() -> Any:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage as LCAIMessage

    return GenericFakeChatModel(messages=iter([LCAIMessage(content="one two")]))


def test_a_foreign_chat_model_starts_with_its_messages_as_langchain_reports() -> None:
    # LangChain's models collect their input, then stream: the start event carries the
    # messages (`{"input": {"messages": [[...]]}}`), which examples/watch_events.py reads.
    from chatplex.core import ChatPromptTemplate
    from chatplex.core.foreign import ForeignModel

    model = _fake_langchain_model()
    assert type(coerce_to_runnable(model)) is ForeignModel
    chain = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")]) | model

    async def starts() -> list[Any]:
        return [
            e["data"]
            async for e in chain.astream_events({"q": "hi"}, version="v2")
            if e["event"] == "on_chat_model_start"
        ]

    (data,) = asyncio.run(starts())
    (messages,) = data["input"]["messages"]
    assert [(m.type, m.content) for m in messages] == [("system", "s"), ("human", "hi")]


def test_a_foreign_chat_model_streams_in_a_sync_chain() -> None:
    from chatplex.core import ChatPromptTemplate

    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | _fake_langchain_model()
    assert "".join(str(c.content) for c in chain.stream({"q": "hi"})) == "one two"


def test_a_foreign_binding_s_tags_are_its_run_s_for_include_tags() -> None:
    from chatplex.core import ChatPromptTemplate

    tagged = _fake_langchain_model().with_config(tags=["llm"])
    chain = ChatPromptTemplate.from_template("{q}") | tagged | StrOutputParser()

    async def kinds() -> list[str]:
        events = chain.astream_events({"q": "a b"}, version="v2", include_tags=["llm"])
        return [e["event"] async for e in events]

    seen = asyncio.run(kinds())
    assert seen[0] == "on_chat_model_start" and seen[-1] == "on_chat_model_end"
    assert "on_chat_model_stream" in seen and set(seen) <= {
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_end",
    }


def test_a_foreign_step_s_handlers_see_its_position_tag() -> None:
    # LangChain tags a sequence's step `seq:step:N` (its own run, not its children's).
    from langchain_core.callbacks.base import BaseCallbackHandler

    from chatplex.core import ChatPromptTemplate

    class Starts(BaseCallbackHandler):
        def __init__(self) -> None:
            self.tags: list[Any] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            self.tags.append(kwargs.get("tags"))

    handler = Starts()
    chain = ChatPromptTemplate.from_template("{q}") | _fake_langchain_model()
    chain.invoke({"q": "hi"}, config={"callbacks": [handler], "tags": ["t"]})
    assert handler.tags == [["seq:step:2", "t"]]


def test_a_foreign_steps_schemas_are_its_own() -> None:
    # A LangChain chat model's output schema is its message union, as a LangChain chain
    # reads it from its last step; an object without schemas gets chatplex's reading.
    from chatplex import ChatPromptTemplate

    model = _fake_langchain_model()
    chain = ChatPromptTemplate.from_template("{q}") | model
    assert chain.get_output_jsonschema() == model.get_output_jsonschema()
    assert chain.output_schema.model_json_schema()["title"] == "GenericFakeChatModelOutput"
    assert "AIMessage" in chain.output_schema.model_json_schema()["$defs"]
    assert ForeignRunnable(model).get_input_jsonschema() == model.get_input_jsonschema()
    plain = ForeignRunnable(Recorder())
    assert plain.get_output_jsonschema() == {"title": "RecorderOutput"}
