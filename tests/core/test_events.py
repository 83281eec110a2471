"""astream_events / stream_events: LangChain's v2 event shape, order, nesting and errors."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessageChunk
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import RunnableParallel
from chatplex import StrOutputParser
from chatplex.core import Runnable
from chatplex.core.prompts import ChatPromptValue

KEYS = {"event", "data", "name", "tags", "run_id", "metadata", "parent_ids"}


async def collect(
    runnable: Runnable[Any, Any], sync: bool, value: Any, config: Any = None, **kw: Any
) -> list[Any]:
    if sync:
        return list(runnable.stream_events(value, config, **kw))
    return [e async for e in runnable.astream_events(value, config, **kw)]


async def collect_failing(
    runnable: Runnable[Any, Any], sync: bool, value: Any
) -> tuple[list[Any], BaseException]:
    events: list[Any] = []
    try:
        if sync:
            for event in runnable.stream_events(value):
                events.append(event)
        else:
            async for event in runnable.astream_events(value):
                events.append(event)
    except Exception as exc:
        return events, exc
    raise AssertionError("the call did not fail")


def chain(reply: str = "Hello big world", **model: Any) -> Runnable[Any, str]:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    return prompt | FakeChatModel(responses=[reply], **model) | StrOutputParser()


def names(events: list[Any]) -> list[tuple[str, str]]:
    return [(e["event"], e["name"]) for e in events]


# ---- the sequence: exact order, shapes, ids ----------------------------------------------

SEQ = ("on_chain_start", "RunnableSequence")
PROMPT = "ChatPromptTemplate"
MODEL = "FakeChatModel"
PARSER = "StrOutputParser"

#: `prompt | model | StrOutputParser()` replying "Hello big world" (three tokens).
EXPECTED_ORDER = [
    ("on_chain_start", "RunnableSequence"),
    ("on_prompt_start", PROMPT),
    ("on_prompt_end", PROMPT),
    ("on_chat_model_start", MODEL),
    ("on_chat_model_stream", MODEL),  # "Hello "
    ("on_parser_start", PARSER),
    ("on_parser_stream", PARSER),
    ("on_chain_stream", "RunnableSequence"),
    ("on_chat_model_stream", MODEL),  # "big "
    ("on_parser_stream", PARSER),
    ("on_chain_stream", "RunnableSequence"),
    ("on_chat_model_stream", MODEL),  # "world"
    ("on_parser_stream", PARSER),
    ("on_chain_stream", "RunnableSequence"),
    ("on_chat_model_end", MODEL),
    ("on_parser_end", PARSER),
    ("on_chain_end", "RunnableSequence"),
]


@pytest.mark.parametrize("sync", [True, False])
async def test_sequence_events_in_exact_order(sync: bool) -> None:
    events = await collect(chain(), sync, {"topic": "tea"})
    assert names(events) == EXPECTED_ORDER
    assert all(set(e) == KEYS for e in events)


@pytest.mark.parametrize("sync", [True, False])
async def test_sequence_event_data(sync: bool) -> None:
    events = await collect(chain(), sync, {"topic": "tea"})
    by = {(e["event"], e["name"]): e for e in events}  # the last of each kind
    assert events[0]["data"] == {"input": {"topic": "tea"}}
    prompt_end = by[("on_prompt_end", PROMPT)]["data"]
    assert prompt_end["input"] == {"topic": "tea"}
    assert isinstance(prompt_end["output"], ChatPromptValue)
    model_start = by[("on_chat_model_start", MODEL)]["data"]
    [[message]] = model_start["input"]["messages"]
    assert message.text == "Tell me about tea"
    tokens = [e["data"]["chunk"] for e in events if e["event"] == "on_chat_model_stream"]
    assert all(isinstance(c, AIMessageChunk) for c in tokens)
    assert [c.text for c in tokens] == ["Hello ", "big ", "world"]
    model_end = by[("on_chat_model_end", MODEL)]["data"]
    # The model streamed: its end is the merged chunk, as LangChain's (ChatOpenAI and
    # GenericFakeChatModel in `prompt | model | parser` both end with an AIMessageChunk).
    assert isinstance(model_end["output"], AIMessageChunk)
    assert model_end["output"].text == "Hello big world"
    assert model_end["input"] == model_start["input"]
    assert by[("on_parser_start", PARSER)]["data"] == {}  # its input was still streaming
    parser_end = by[("on_parser_end", PARSER)]["data"]
    assert parser_end["output"] == "Hello big world"
    assert parser_end["input"].text == "Hello big world"  # the merged input chunks
    chain_stream = [e["data"] for e in events if e["event"] == "on_chain_stream"]
    assert chain_stream == [{"chunk": "Hello "}, {"chunk": "big "}, {"chunk": "world"}]
    assert events[-1]["data"] == {"output": "Hello big world"}  # the root: no input


@pytest.mark.parametrize("sync", [True, False])
async def test_run_ids_parent_ids_and_positional_tags(sync: bool) -> None:
    events = await collect(chain(), sync, {"topic": "tea"})
    root_id = events[0]["run_id"]
    assert uuid.UUID(root_id)
    ids = {e["name"]: e["run_id"] for e in events}
    assert len(set(ids.values())) == 4
    for event in events:
        assert event["run_id"] == ids[event["name"]]  # one id per run, on all its events
        if event["name"] == "RunnableSequence":
            assert event["parent_ids"] == [] and event["tags"] == []
        else:
            assert event["parent_ids"] == [root_id]
    tags = {e["name"]: e["tags"] for e in events}
    assert tags == {
        "RunnableSequence": [],
        PROMPT: ["seq:step:1"],
        MODEL: ["seq:step:2"],
        PARSER: ["seq:step:3"],
    }


@pytest.mark.parametrize("sync", [True, False])
async def test_config_tags_metadata_and_run_name(sync: bool) -> None:
    config = {"tags": ["demo"], "metadata": {"user": "ann"}, "run_name": "Explain"}
    events = await collect(chain(), sync, {"topic": "tea"}, config)
    assert {e["name"] for e in events} == {"Explain", PROMPT, MODEL, PARSER}
    for event in events:
        assert "demo" in event["tags"]
        if event["name"] == MODEL:  # LangChain's chat models add their ls_* keys
            assert event["metadata"]["user"] == "ann"
            assert event["metadata"]["ls_model_type"] == "chat"
        else:
            assert event["metadata"] == {"user": "ann"}
    model = next(e for e in events if e["name"] == MODEL)
    assert model["tags"] == ["seq:step:2", "demo"]  # own position first, as in LangChain


@pytest.mark.parametrize("sync", [True, False])
async def test_positional_tags_are_not_inherited_by_grandchildren(sync: bool) -> None:
    inner = (RunnableLambda(lambda x: x) | RunnableLambda(lambda x: x)).with_config(
        run_name="inner", tags=["it"], metadata={"level": 2}
    )
    outer = RunnableLambda(lambda x: x, name="first") | inner
    events = await collect(outer, sync, "x", {"tags": ["top"]})
    runs = {(e["run_id"]): e for e in events if e["event"].endswith("_start")}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for event in runs.values():
        by_name.setdefault(event["name"], []).append(event)
    [first] = by_name["first"]
    [inner_run] = by_name["inner"]
    leaves = sorted(by_name["RunnableLambda"], key=lambda e: e["tags"][0])
    assert first["tags"] == ["seq:step:1", "top"]
    assert inner_run["tags"] == ["seq:step:2", "it", "top"] or inner_run["tags"] == [
        "seq:step:2",
        "top",
        "it",
    ]
    assert inner_run["metadata"] == {"level": 2}
    for position, leaf in zip(("seq:step:1", "seq:step:2"), leaves, strict=True):
        assert leaf["tags"][0] == position
        assert set(leaf["tags"]) == {position, "it", "top"}  # no "seq:step:2" of the parent
        assert leaf["metadata"] == {"level": 2}
        assert leaf["parent_ids"] == [events[0]["run_id"], inner_run["run_id"]]


# ---- models called inside lambdas --------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_model_invoked_inside_a_lambda_nests_under_it(sync: bool) -> None:
    model = FakeChatModel(responses=["a b"])

    def ask(x: str) -> str:
        return model.invoke(x).text  # no config passed: the context carries the run

    async def aask(x: str) -> str:
        return (await model.ainvoke(x)).text

    chain_ = RunnableLambda(str.upper) | RunnableLambda(ask, aask, name="ask")
    events = await collect(chain_, sync, "q")
    ask_id = next(e["run_id"] for e in events if e["name"] == "ask")
    model_events = [e for e in events if e["name"] == MODEL]
    assert [e["event"] for e in model_events] == [
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_stream",
        "on_chat_model_end",
    ]
    root_id = events[0]["run_id"]
    for event in model_events:
        assert event["parent_ids"] == [root_id, ask_id]
        assert event["tags"] == []  # not the lambda's seq:step:2
    assert events[-1]["data"]["output"] == "a b"


@pytest.mark.parametrize("sync", [True, False])
async def test_explicitly_passed_config_does_not_duplicate_events(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"])

    def ask(x: str, config: Any) -> str:
        return model.invoke(x, config).text  # the lambda's config, passed on by hand

    async def aask(x: str, config: Any) -> str:
        return (await model.ainvoke(x, config)).text

    events = await collect(RunnableLambda(ask, aask), sync, "q")
    assert [e["event"] for e in events].count("on_chat_model_start") == 1


async def test_model_inside_an_async_generator_lambda_nests_under_it() -> None:
    model = FakeChatModel(responses=["deep"])

    async def gen(x: str) -> AsyncIterator[str]:
        yield "before"
        yield (await model.ainvoke(x)).text

    events = [e async for e in RunnableLambda(gen).astream_events("q")]
    gen_id = events[0]["run_id"]
    start = next(e for e in events if e["event"] == "on_chat_model_start")
    assert start["parent_ids"] == [gen_id]
    assert [e["data"]["chunk"] for e in events if e["event"] == "on_chain_stream"] == [
        "before",
        "deep",
    ]


# ---- parallel maps ------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_events_and_parentage(sync: bool) -> None:
    par: RunnableParallel[Any] = RunnableParallel(
        a=RunnableLambda(lambda x: x + "a") | RunnableLambda(lambda x: x + "b"),
        b=FakeChatModel(responses=["m n"]),
    )
    events = await collect(par, sync, "x")
    root = events[0]
    assert (root["event"], root["name"]) == ("on_chain_start", "RunnableParallel<a,b>")
    assert events[-1]["event"] == "on_chain_end"
    assert events[-1]["data"]["output"]["a"] == "xab"
    assert events[-1]["data"]["output"]["b"].text == "m n"
    starts = {e["run_id"]: e for e in events if e["event"].endswith("_start")}
    by_tag = {tuple(e["tags"]): e for e in starts.values()}
    branch_a = by_tag[("map:key:a",)]
    branch_b = by_tag[("map:key:b",)]
    assert (branch_a["name"], branch_b["name"]) == ("RunnableSequence", MODEL)
    assert branch_a["parent_ids"] == branch_b["parent_ids"] == [root["run_id"]]
    for step in ("seq:step:1", "seq:step:2"):  # map:key:a is the branch's own tag only
        leaf = by_tag[(step,)]
        assert leaf["parent_ids"] == [root["run_id"], branch_a["run_id"]]
    assert sorted(names(events)) == sorted(
        [("on_chain_start", "RunnableParallel<a,b>"), ("on_chain_end", "RunnableParallel<a,b>")]
        + [(f"on_chain_{k}", "RunnableSequence") for k in ("start", "stream", "end")]
        + [(f"on_chain_{k}", "RunnableLambda") for k in ("start", "stream", "end") * 2]
        + [("on_chat_model_start", MODEL), ("on_chat_model_end", MODEL)]
        + [("on_chat_model_stream", MODEL)] * 2
        + [("on_chain_stream", "RunnableParallel<a,b>")] * 3  # {"a": ...} and two model chunks
    )
    # Within each run: start first, end last.
    for run_id in starts:
        kinds = [e["event"].rsplit("_", 1)[1] for e in events if e["run_id"] == run_id]
        assert kinds[0] == "start" and kinds[-1] == "end"


# ---- tokens as they arrive -----------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_tokens_reach_the_consumer_as_they_arrive(sync: bool) -> None:
    # 0.3 s apart: a consumer that reads late still reads them at different times (it
    # would have to stall for the whole stream to get them all at once).
    slow = chain("one two three four five", chunk_delay=0.3)
    seen: list[float] = []
    start = time.monotonic()
    if sync:
        for event in slow.stream_events({"topic": "t"}):
            if event["event"] == "on_chain_stream":
                seen.append(time.monotonic() - start)
    else:
        async for event in slow.astream_events({"topic": "t"}):
            if event["event"] == "on_chain_stream":
                seen.append(time.monotonic() - start)
    assert len(seen) == 5
    assert seen[-1] - seen[0] > 0.6  # spread over the stream, not delivered at the end


async def test_start_events_arrive_before_the_first_token() -> None:
    # The model answers after a minute: its start event must come long before that (we
    # leave once it has, which stops the call).
    slow = chain("late", latency=60.0)
    start = time.monotonic()
    first_start = None
    events = slow.astream_events({"topic": "t"})
    async with contextlib.aclosing(events):  # type: ignore[type-var]
        async for event in events:
            if event["event"] == "on_chat_model_start":
                first_start = time.monotonic() - start
                break
    assert first_start is not None and first_start < 15


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_error_yields_events_then_raises_the_original(sync: bool) -> None:
    boom = ValueError("boom")

    def fail(x: str) -> str:
        raise boom

    failing = chain() | RunnableLambda(fail)
    events, error = await collect_failing(failing, sync, {"topic": "t"})
    assert error is boom
    kinds = names(events)
    assert ("on_chat_model_end", MODEL) in kinds and ("on_prompt_end", PROMPT) in kinds
    assert kinds[-2:] == [("on_chain_error", "fail"), ("on_chain_error", "RunnableSequence")]
    assert events[-1]["data"] == {"error": boom} and events[-2]["data"] == {"error": boom}
    assert ("on_chain_end", "fail") not in kinds
    assert ("on_chain_end", "RunnableSequence") not in kinds


@pytest.mark.parametrize("sync", [True, False])
async def test_model_error_reports_the_failed_run_and_its_ancestors(sync: bool) -> None:
    model = FakeChatModel(errors={"Tell me about boom": RuntimeError("nope")})
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    events, error = await collect_failing(prompt | model | StrOutputParser(), sync, "boom")
    assert str(error) == "nope"
    assert names(events) == [
        ("on_chain_start", "RunnableSequence"),
        ("on_prompt_start", PROMPT),
        ("on_prompt_end", PROMPT),
        ("on_chat_model_start", MODEL),
        ("on_chat_model_error", MODEL),
        # The parser never received input: it never started, so it reports nothing.
        ("on_chain_error", "RunnableSequence"),
    ]


@pytest.mark.parametrize("sync", [True, False])
async def test_error_in_the_middle_of_a_stream(sync: bool) -> None:
    def tokens(x: Any) -> Iterator[str]:
        yield "a"
        raise KeyError("lost")

    events, error = await collect_failing(RunnableLambda(tokens) | StrOutputParser(), sync, 1)
    assert isinstance(error, KeyError)
    assert names(events)[-5:] == [
        ("on_parser_stream", PARSER),
        ("on_chain_stream", "RunnableSequence"),
        # The failure passes up the stream: the generator, the parser pulling from it,
        # then the chain, each reporting it once.
        ("on_chain_error", "tokens"),
        ("on_parser_error", PARSER),
        ("on_chain_error", "RunnableSequence"),
    ]


# ---- versions ------------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_v1_is_accepted_with_a_deprecation_warning_and_same_events(sync: bool) -> None:
    with pytest.warns(DeprecationWarning, match="v1") as warned:
        if sync:
            iterator: Any = chain().stream_events({"topic": "t"}, version="v1")
        else:
            iterator = chain().astream_events({"topic": "t"}, version="v1")
    assert warned[0].filename == __file__  # it points at the caller's line
    events = list(iterator) if sync else [e async for e in iterator]
    assert names(events) == EXPECTED_ORDER


@pytest.mark.parametrize("sync", [True, False])
async def test_a_plain_function_after_a_stream_starts_at_its_first_piece(sync: bool) -> None:
    # As LangChain's RunnableLambda (a transform): its run starts, with no input yet, when
    # the first piece arrives; the function itself still gets the whole input at the end.
    def tokens(x: str) -> Iterator[str]:
        yield from ["a", "b", "c"]

    chain = RunnableLambda(tokens, name="tokens") | RunnableLambda(
        lambda s: s.upper(), name="shout"
    )
    if sync:
        events = list(chain.stream_events("x"))
    else:
        events = [e async for e in chain.astream_events("x")]
    seen = [(e["event"], e["name"]) for e in events]
    start = seen.index(("on_chain_start", "shout"))
    streamed = [i for i, s in enumerate(seen) if s == ("on_chain_stream", "tokens")]
    assert streamed[0] < start < streamed[1]
    assert events[start]["data"] == {}
    [end] = [e for e in events if (e["event"], e["name"]) == ("on_chain_end", "shout")]
    assert end["data"] == {"input": "abc", "output": "ABC"}


class _Shelf(Runnable[str, list[str]]):
    """A retriever, as events see it (its run type)."""

    _run_type = "retriever"

    def _invoke(self, input: str, config: Any, **kwargs: Any) -> list[str]:
        return [f"notes on {input}"]

    async def _ainvoke(self, input: str, config: Any, **kwargs: Any) -> list[str]:
        return self._invoke(input, config)


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.filterwarnings("ignore:astream_events:DeprecationWarning")
async def test_a_retrievers_output_in_v1_is_its_documents_dict(sync: bool, version: str) -> None:
    # LangChain's v1 reads outputs off its run tree, where a retriever's is a dict.
    chain = RunnableLambda(lambda q: q) | _Shelf()
    if sync:
        events = list(chain.stream_events("tea", version=version))
    else:
        events = [e async for e in chain.astream_events("tea", version=version)]
    [end] = [e for e in events if e["event"] == "on_retriever_end"]
    docs = ["notes on tea"]
    assert end["data"]["output"] == ({"documents": docs} if version == "v1" else docs)


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("version", ["", "V2", None])
def test_other_versions_raise_at_once(sync: bool, version: Any) -> None:
    with pytest.raises(ValueError, match="version"):
        if sync:
            chain().stream_events({"topic": "t"}, version=version)
        else:
            chain().astream_events({"topic": "t"}, version=version)


def test_v3_events_of_a_chain_are_refused_at_once_in_sync_code() -> None:
    """As LangChain's chains refuse them: v3 streams one chat model's message."""
    with pytest.raises(NotImplementedError, match="only supported on chat models"):
        chain().stream_events({"topic": "t"}, version="v3")


async def test_v3_events_of_a_chain_are_refused_when_awaited() -> None:
    opened = chain().astream_events({"topic": "t"}, version="v3")  # no error yet
    with pytest.raises(NotImplementedError, match="got: RunnableSequence"):
        await opened


# ---- stopping early, nesting ---------------------------------------------------------------


async def test_closing_the_async_iterator_stops_the_call() -> None:
    produced: list[int] = []
    closed: list[bool] = []

    async def counter(x: Any) -> AsyncIterator[int]:
        try:
            for i in range(100):
                produced.append(i)
                yield i
                await asyncio.sleep(0.1)  # a consumer lagging a little sees few produced
        finally:
            closed.append(True)

    events = RunnableLambda(counter).astream_events(None)
    async with contextlib.aclosing(events):  # type: ignore[type-var]
        async for event in events:
            if event["event"] == "on_chain_stream":
                break
    end = time.monotonic() + 15
    while not closed and time.monotonic() < end:  # the work ends (and says so)
        await asyncio.sleep(0.005)
    assert closed and len(produced) < 5


def test_closing_the_sync_iterator_stops_the_call() -> None:
    produced: list[int] = []
    done = threading.Event()

    def counter(x: Any) -> Iterator[int]:
        try:
            for i in range(100):
                produced.append(i)
                yield i
                time.sleep(0.1)  # a consumer lagging a little sees few produced
        finally:
            done.set()

    events = RunnableLambda(counter).stream_events(None)
    with contextlib.closing(events):  # type: ignore[type-var]
        for event in events:
            if event["event"] == "on_chain_stream":
                break
    assert done.wait(15)
    assert len(produced) < 10


async def test_nested_astream_events_reports_from_its_own_root() -> None:
    inner_chain = chain("in")
    inner_events: list[Any] = []

    async def watch(x: Any) -> str:
        async for event in inner_chain.astream_events({"topic": "t"}):
            inner_events.append(event)
        return "done"

    outer = [e async for e in RunnableLambda(watch).astream_events(None)]
    assert inner_events[0]["parent_ids"] == []  # the inner stream's root
    watch_id = outer[0]["run_id"]
    inner_root = next(e for e in outer if e["name"] == "RunnableSequence")
    assert inner_root["parent_ids"] == [watch_id]  # the outer stream sees the nesting
    assert inner_root["run_id"] == inner_events[0]["run_id"]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_chat_model_alone(sync: bool) -> None:
    events = await collect(FakeChatModel(responses=["x y"]), sync, "hi")
    assert [e["event"] for e in events] == [
        "on_chat_model_start",
        "on_chat_model_stream",
        "on_chat_model_stream",
        "on_chat_model_end",
    ]
    assert events[0]["parent_ids"] == [] and events[-1]["data"]["output"].text == "x y"
    assert isinstance(events[-1]["data"]["output"], AIMessageChunk)  # as LangChain's
    assert "input" not in events[-1]["data"]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_prompt_alone_has_no_stream_event(sync: bool) -> None:
    events = await collect(ChatPromptTemplate.from_template("{x}"), sync, {"x": "1"})
    assert [e["event"] for e in events] == ["on_prompt_start", "on_prompt_end"]


async def test_events_include_the_callers_own_handlers() -> None:
    class Tokens:
        def __init__(self) -> None:
            self.tokens: list[str] = []

        def on_llm_new_token(self, token: str, **kw: Any) -> None:
            self.tokens.append(token)

    handler = Tokens()
    events = [e async for e in chain().astream_events({"topic": "t"}, {"callbacks": [handler]})]
    assert handler.tokens == ["Hello ", "big ", "world"]
    assert names(events) == EXPECTED_ORDER


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import events

    failures, _ = doctest.testmod(events, optionflags=doctest.ELLIPSIS)
    assert failures == 0


# ---- over HTTP, through the real adapters --------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from chatplex.testing import MockServer

    with MockServer(reply_text="one two three") as srv:
        yield srv


def http_model(server: Any, provider: str) -> Any:
    from chatplex import init_chat_model

    if provider == "openai":
        return init_chat_model(  # a custom base URL: stream usage asked for explicitly
            "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="k", stream_usage=True
        )
    return init_chat_model(
        "anthropic:claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k"
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False])
async def test_sequence_over_http_tokens_reach_the_root_in_order(
    server: Any, provider: str, sync: bool
) -> None:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    events = await collect(prompt | http_model(server, provider) | StrOutputParser(), sync, "x")
    kinds = names(events)
    # Named as LangChain names the class its init_chat_model returns.
    model_name = "ChatOpenAI" if provider == "openai" else "ChatAnthropic"
    assert kinds[:4] == [SEQ, ("on_prompt_start", PROMPT), ("on_prompt_end", PROMPT)] + [
        ("on_chat_model_start", model_name)
    ]
    assert kinds[-3:] == [
        ("on_chat_model_end", model_name),
        ("on_parser_end", PARSER),
        ("on_chain_end", "RunnableSequence"),
    ]
    # Every token with text goes model → parser → chain before the next is read.
    for i, event in enumerate(events):
        if event["event"] == "on_chat_model_stream" and event["data"]["chunk"].text:
            after = [e for e in events[i + 1 : i + 4] if e["event"] != "on_parser_start"]
            assert [e["event"] for e in after[:2]] == ["on_parser_stream", "on_chain_stream"]
            assert after[1]["data"]["chunk"] == event["data"]["chunk"].text
    assert events[-1]["data"]["output"] == "one two three"
    assert events[-3]["data"]["output"].usage_metadata is not None


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False])
async def test_model_invoked_in_a_lambda_streams_over_http(
    server: Any, provider: str, sync: bool
) -> None:
    model = http_model(server, provider)

    def ask(x: str) -> str:
        return str(model.invoke(x).text)

    async def aask(x: str) -> str:
        return str((await model.ainvoke(x)).text)

    events = await collect(RunnableLambda(ask, aask), sync, "q")
    tokens = [e["data"]["chunk"].text for e in events if e["event"] == "on_chat_model_stream"]
    assert "".join(tokens) == "one two three" and len([t for t in tokens if t]) >= 3
    assert events[-1]["data"]["output"] == "one two three"
