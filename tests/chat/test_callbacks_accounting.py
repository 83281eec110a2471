"""Accounting in callbacks: LangChain's own handlers get what LangChain would give them.

Differential: the same call goes to LangChain's ChatOpenAI / ChatAnthropic and to a
chatplex model, both against one local mock server, and what the handlers receive is
compared (`llm_output`, `generation_info`, usage, and LangChain's
`UsageMetadataCallbackHandler` totals). chatplex may give more (an `llm_output` for
streams, a finish reason for Anthropic), never less.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import uuid
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import HumanMessage as LCHumanMessage
from langchain_core.messages import get_buffer_string
from langchain_core.outputs import ChatGeneration as LCChatGeneration
from langchain_core.outputs import ChatGenerationChunk as LCChatGenerationChunk
from langchain_core.outputs import LLMResult as LCLLMResult
from langchain_openai import ChatOpenAI

from chatplex import init_chat_model
from chatplex.chat.callbacks import ChatModelRun
from chatplex.chat.callbacks import get_usage_metadata_callback
from chatplex.chat.llm_results import ChatGenerationChunk
from chatplex.chat.llm_results import LLMResult
from chatplex.core.runs import RunListener
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer
from tests._leaks import frozen_heap

PROVIDERS = ["openai", "anthropic"]


@pytest.fixture(scope="module", autouse=True)
def _frozen_heap() -> Iterator[None]:
    """Each test's collection (below) walks what this module made, not the worker's whole
    heap (tests/_leaks.py)."""
    with frozen_heap():
        yield


#: LangChain caches its HTTP clients per process, an async one bound to the first event
#: loop that used it (LangChain's own "Event loop is closed" bug): forget them per test.
_LANGCHAIN_CLIENT_CACHES = (
    ("langchain_openai.chat_models._client_utils", "_cached_async_httpx_client"),
    ("langchain_openai.chat_models._client_utils", "_cached_sync_httpx_client"),
    ("langchain_anthropic._client_utils", "_get_default_async_httpx_client"),
    ("langchain_anthropic._client_utils", "_get_default_httpx_client"),
)


@pytest.fixture(autouse=True)
def fresh_langchain_clients() -> Iterator[None]:
    for module_name, function in _LANGCHAIN_CLIENT_CACHES:
        clear = getattr(getattr(sys.modules.get(module_name), function, None), "cache_clear", None)
        if clear is not None:
            clear()
    yield
    # LangChain's clients are closed only by garbage collection: here, quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def langchain_model(server: MockServer, provider: str) -> Any:
    if provider == "openai":
        return ChatOpenAI(
            model="gpt-4o-mini",
            api_key="sk-test",
            base_url=server.openai_base_url,
            stream_usage=True,
        )
    return ChatAnthropic(
        model="claude-sonnet-4-6", api_key="sk-test", base_url=server.anthropic_base_url
    )


def chatplex_model(server: MockServer, provider: str) -> Any:
    if provider == "openai":
        return init_chat_model(  # stream usage asked for, as on the LangChain side
            "openai:gpt-4o-mini",
            api_key="sk-test",
            base_url=server.openai_base_url,
            stream_usage=True,
        )
    return init_chat_model(
        "anthropic:claude-sonnet-4-6", api_key="sk-test", base_url=server.anthropic_base_url
    )


class Recorder(BaseCallbackHandler):
    """A LangChain handler keeping what on_llm_end receives."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.starts: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.starts.append(messages)

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.results.append(response)


async def run(model: Any, how: str, handler: Any, text: str = "hello there") -> None:
    config = {"callbacks": [handler]}
    if how == "invoke":
        model.invoke(text, config=config)
    elif how == "ainvoke":
        await model.ainvoke(text, config=config)
    elif how == "stream":
        list(model.stream(text, config=config))
    elif how == "astream":
        [c async for c in model.astream(text, config=config)]
    else:
        model.batch([text, text + " again"], config=config)


def without_none(value: Any) -> Any:
    """Dicts without their None values (the SDKs' model_dump adds every absent field)."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    return value


def covers(ours: dict[str, Any] | None, theirs: dict[str, Any] | None, skip: set[str]) -> None:
    """Every non-None value LangChain gives, we give equal (ids differ per request)."""
    theirs = without_none(theirs or {})
    ours = without_none(ours or {})
    for key, value in theirs.items():
        if key not in skip:
            assert key in ours, key
            assert ours[key] == value, key


@pytest.mark.parametrize("how", ["invoke", "ainvoke"])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_on_llm_end_gets_what_langchain_gives(
    server: MockServer, provider: str, how: str
) -> None:
    theirs, ours = Recorder(), Recorder()
    await run(langchain_model(server, provider), how, theirs)
    await run(chatplex_model(server, provider), how, ours)
    [lc_result], [result] = theirs.results, ours.results
    assert isinstance(result, LCLLMResult)  # LangChain's own handler: LangChain's objects
    [[lc_gen]], [[gen]] = lc_result.generations, result.generations
    assert type(gen) is LCChatGeneration and type(gen.message) is LCAIMessage
    assert result.llm_output["token_usage"]
    assert result.llm_output["model_name"] == lc_result.llm_output["model_name"]
    covers(result.llm_output, lc_result.llm_output, skip={"id"})
    if provider == "openai":
        assert result.llm_output["token_usage"]["prompt_tokens"] > 0  # the provider's keys
        assert gen.generation_info == lc_gen.generation_info  # finish_reason, logprobs
    else:
        assert result.llm_output["token_usage"]["input_tokens"] > 0
        covers(gen.generation_info, lc_gen.generation_info, skip=set())
    assert gen.message.usage_metadata == lc_gen.message.usage_metadata
    assert gen.message.content == lc_gen.message.content
    # on_chat_model_start got LangChain messages too.
    assert [type(m).__name__ for m in ours.starts[0][0]] == ["HumanMessage"]


@pytest.mark.parametrize("how", ["stream", "astream"])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_streams_report_usage_and_finish(server: MockServer, provider: str, how: str) -> None:
    theirs, ours = Recorder(), Recorder()
    await run(langchain_model(server, provider), how, theirs)
    await run(chatplex_model(server, provider), how, ours)
    [lc_result], [result] = theirs.results, ours.results
    [[lc_gen]], [[gen]] = lc_result.generations, result.generations
    assert gen.message.usage_metadata == lc_gen.message.usage_metadata
    assert gen.message.text == lc_gen.message.text
    # A stream's end is the merged chunk, as in LangChain: a ChatGenerationChunk with the
    # stream's generation_info keys (langchain-openai's model_name, system_fingerprint,
    # service_tier, repeated from every chunk, besides finish_reason).
    assert type(lc_gen) is LCChatGenerationChunk and type(lc_gen.message) is LCAIMessageChunk
    assert type(gen) is LCChatGenerationChunk and type(gen.message) is LCAIMessageChunk
    if provider == "openai":
        assert set(lc_gen.generation_info) == {
            "finish_reason",
            "model_name",
            "system_fingerprint",
            "service_tier",
        }
    assert gen.generation_info == lc_gen.generation_info
    # LangChain gives no llm_output for a stream (the usage is on the message).
    assert lc_result.llm_output is None and result.llm_output is None


@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream", "astream", "batch"])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_langchain_usage_handler_records_usage(
    server: MockServer, provider: str, how: str
) -> None:
    """LangChain's UsageMetadataCallbackHandler, passed in config: the same totals as with
    LangChain's own model on the same replies."""
    theirs, ours = UsageMetadataCallbackHandler(), UsageMetadataCallbackHandler()
    await run(langchain_model(server, provider), how, theirs)
    await run(chatplex_model(server, provider), how, ours)
    assert ours.usage_metadata
    assert ours.usage_metadata == theirs.usage_metadata


async def test_get_usage_metadata_callback_sums_per_model(server: MockServer) -> None:
    openai, anthropic = chatplex_model(server, "openai"), chatplex_model(server, "anthropic")
    with get_usage_metadata_callback() as cb:
        a = openai.invoke("one")
        b = await openai.ainvoke("two two")
        c = merge_chunks(list(anthropic.stream("three")))
        d = anthropic.batch(["four", "five five"])
    openai.invoke("after the block: not counted")
    assert set(cb.usage_metadata) == {"gpt-4o-mini", "claude-sonnet-4-6"}
    assert cb.usage_metadata["gpt-4o-mini"]["total_tokens"] == sum(
        m.usage_metadata["total_tokens"] for m in (a, b)
    )
    assert cb.usage_metadata["claude-sonnet-4-6"]["output_tokens"] == sum(
        m.usage_metadata["output_tokens"] for m in (c, *d)
    )


async def test_get_usage_metadata_callback_nests_and_reaches_tasks(server: MockServer) -> None:
    model = chatplex_model(server, "openai")
    with get_usage_metadata_callback() as outer:
        with get_usage_metadata_callback() as inner:
            await asyncio.gather(model.ainvoke("x"), model.ainvoke("y"))
        model.invoke("z")
    assert inner.usage_metadata["gpt-4o-mini"]["input_tokens"] > 0
    assert (
        outer.usage_metadata["gpt-4o-mini"]["total_tokens"]
        > (inner.usage_metadata["gpt-4o-mini"]["total_tokens"])
    )


# -- the run itself: stream ends, handler kinds, candidates -----------------------------


class Listener(RunListener):
    def __init__(self) -> None:
        self.outputs: list[Any] = []

    def on_end(self, run: Any, data: dict[str, Any]) -> None:
        self.outputs.append(data["output"])


class Plain:
    """A duck-typed handler (not LangChain's): gets chatplex's objects."""

    def __init__(self) -> None:
        self.results: list[Any] = []

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.results.append(response)


class LLMOnly(BaseCallbackHandler):
    """A LangChain handler that knows on_llm_start only (no on_chat_model_start)."""

    def __init__(self) -> None:
        self.prompts: list[Any] = []

    def on_llm_start(self, serialized: Any, prompts: list[str], **kwargs: Any) -> None:
        self.prompts.append(prompts)


class Ignoring(Recorder):
    ignore_llm = True


def streamed_tool_call() -> AIMessageChunk:
    pieces = ['{"city"', ': "Par', 'is"}']
    chunks = [
        AIMessageChunk(
            "", tool_call_chunks=[{"name": "weather", "args": "", "id": "c1", "index": 0}]
        ),
        *(
            AIMessageChunk("", tool_call_chunks=[{"name": None, "args": p, "id": None, "index": 0}])
            for p in pieces
        ),
        AIMessageChunk(
            "",
            response_metadata={
                "finish_reason": "tool_calls",
                "model_provider": "openai",
                "model_name": "m",
            },
            usage_metadata={"input_tokens": 3, "output_tokens": 5, "total_tokens": 8},
        ),
    ]
    return merge_chunks(chunks)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_end_reports_the_merged_chunk(sync: bool) -> None:
    listener, plain, lc = Listener(), Plain(), Recorder()
    run_ = ChatModelRun([plain, lc], {"run_id": uuid.uuid4()}, "ChatModel", [listener])
    merged = streamed_tool_call()
    if sync:
        run_.end(merged)
    else:
        await run_.aend(merged)
    assert listener.outputs == [merged]  # on_chat_model_end's output: the merged chunk
    [[gen]] = plain.results[0].generations
    assert isinstance(plain.results[0], LLMResult) and isinstance(gen, ChatGenerationChunk)
    assert gen.message is merged and gen.generation_info["finish_reason"] == "tool_calls"
    [[lc_gen]] = lc.results[0].generations
    assert type(lc_gen) is LCChatGenerationChunk and type(lc_gen.message) is LCAIMessageChunk
    assert lc_gen.message.tool_calls == [
        {"name": "weather", "args": {"city": "Paris"}, "id": "c1", "type": "tool_call"}
    ]
    assert lc_gen.message.usage_metadata == merged.usage_metadata


def test_langchain_handler_rules_are_kept() -> None:
    only_llm, ignoring, plain = LLMOnly(), Ignoring(), Plain()
    run_ = ChatModelRun([only_llm, ignoring, plain], {"run_id": uuid.uuid4()}, "ChatModel")
    messages = [HumanMessage("hi"), HumanMessage("there")]
    run_.start(messages, {"name": "ChatModel"}, {})
    from chatplex.messages import to_langchain

    twins = [to_langchain(m) for m in messages]
    assert only_llm.prompts == [[get_buffer_string(twins)]]
    run_.end(merge_chunks([AIMessageChunk("ok")]).to_message())
    assert ignoring.results == [] and ignoring.starts == [[twins]]
    assert len(plain.results) == 1
    assert run_.handlers == [only_llm, ignoring, plain]  # restored after firing one by one


def test_every_candidate_is_a_generation() -> None:
    body = {
        "id": "c",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": i,
                "message": {"role": "assistant", "content": t},
                "finish_reason": f,
                "logprobs": None,
            }
            for i, (t, f) in enumerate([("a", "stop"), ("b", "length"), ("c", "stop")])
        ],
        "usage": {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5},
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    model = init_chat_model(
        "openai:gpt-4o-mini",
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx.Client(transport=transport),
        n=3,
    )
    plain, usage = Plain(), UsageMetadataCallbackHandler()
    model.invoke("x", config={"callbacks": [plain, usage]})
    [row] = plain.results[0].generations
    assert [g.text for g in row] == ["a", "b", "c"]
    assert [g.generation_info["finish_reason"] for g in row] == ["stop", "length", "stop"]
    # Usage is the whole response's, counted once.
    assert usage.usage_metadata["gpt-4o-mini"]["total_tokens"] == 5


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_generate_gives_langchain_openais_result(server: MockServer, sync: bool) -> None:
    """generate(): every candidate (n=2) of every prompt with its generation_info, and the
    rows' llm_output combined, as ChatOpenAI.generate gives them."""
    theirs = ChatOpenAI(
        model="gpt-4o-mini", api_key="sk-test", base_url=server.openai_base_url, n=2
    )
    ours = init_chat_model(
        "openai:gpt-4o-mini", api_key="sk-test", base_url=server.openai_base_url, n=2
    )
    texts = ["first one", "second"]
    with warnings.catch_warnings():  # langchain-openai warns on the SDK's None counts
        warnings.simplefilter("ignore", UserWarning)
        if sync:
            lc = theirs.generate([[LCHumanMessage(t)] for t in texts])
        else:
            lc = await theirs.agenerate([[LCHumanMessage(t)] for t in texts])
    prompts = [[HumanMessage(t)] for t in texts]
    result = ours.generate(prompts) if sync else await ours.agenerate(prompts)
    assert [[(g.text, g.generation_info) for g in row] for row in result.generations] == [
        [(g.text, g.generation_info) for g in row] for row in lc.generations
    ]
    assert len(result.generations[0]) == 2
    assert without_none(result.llm_output) == without_none(lc.llm_output)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_streamed_reply_ends_with_the_merged_chunk_as_in_langchain(sync: bool) -> None:
    # LangChain's chat models end a streamed run with the merged AIMessageChunk
    # (on_chat_model_end's output, on_llm_end's generation), not an AIMessage.
    from chatplex import FakeChatModel
    from chatplex.messages import AIMessageChunk

    model = FakeChatModel(responses=["one two"])
    if sync:
        events = list(model.stream_events("hi"))
    else:
        events = [e async for e in model.astream_events("hi")]
    (end,) = [e for e in events if e["event"] == "on_chat_model_end"]
    assert isinstance(end["data"]["output"], AIMessageChunk)
    assert end["data"]["output"].text == "one two"
