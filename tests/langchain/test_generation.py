"""ChatChatplex's generation hooks: the per-call model, tool choice and caches, the
streaming switch, streamed invokes, a drop-in's partner ids."""

from __future__ import annotations

from typing import Any

import pytest
from _chatchatplex import PROVIDERS
from _chatchatplex import llm
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.prompts import ChatPromptTemplate

from chatplex import InMemoryCache
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream


def test_a_provider_tool_choice_dict_bound_directly() -> None:
    tool = {"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}
    choice = {"type": "function", "function": {"name": "ping"}}
    reply = llm("anthropic").bind(tools=[tool], tool_choice=choice).invoke("hi")
    assert reply.tool_calls[0]["name"] == "ping"


@pytest.mark.parametrize("sync", [True, False])
async def test_a_built_in_tool_bound_directly_with_a_choice_dict(sync: bool) -> None:
    # bind(tools=[<the wire's built-in tool dict>], tool_choice={...}) without bind_tools:
    # the tools are read as the wire reads them (Anthropic's server tools), not refused.
    from chatplex.langchain import ChatAnthropic

    sent: list[Any] = []

    def seen(request: Any) -> None:
        sent.append(request.json)
        return None

    tool = {"type": "web_search_20250305", "name": "web_search", "max_uses": 1}
    choice = {"type": "tool", "name": "web_search"}
    with MockServer(fault_plan=seen) as server:
        model = ChatAnthropic(model="claude-sonnet-4-5", api_key="k", base_url=server.url)
        bound = model.bind(tools=[tool], tool_choice=choice)
        reply = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert [c["name"] for c in reply.tool_calls] == ["web_search"]
    assert [(b["tools"], b["tool_choice"]) for b in sent] == [([tool], choice)]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_drop_ins_message_ids_are_its_partners(sync: bool) -> None:
    # langchain-openai (and every partner but its Responses API) leaves a reply's id
    # None, which LangChain fills in with the run's: one id for every chunk of a stream.
    # The drop-in gave the provider's, and a stream changed id at LangChain's last chunk.
    async def ids(model: Any) -> tuple[str, set[str]]:
        if sync:
            return model.invoke("hi").id, {c.id for c in model.stream("hi")}
        return (await model.ainvoke("hi")).id, {c.id async for c in model.astream("hi")}

    with MockServer() as server:
        url = server.openai_base_url
        invoked, streamed = await ids(ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=url))
        assert invoked.startswith("lc_run--") and invoked.endswith("-0")
        assert len(streamed) == 1 and streamed.pop().startswith("lc_run--")
        responses = ChatOpenAI(model="gpt-4.1", api_key="k", base_url=url, use_responses_api=True)
        assert (await ids(responses))[0].startswith("resp_")  # as langchain-openai's
        own, _ = await ids(llm("openai"))  # ChatChatplex, chatplex's name: the reply's id
        assert own.startswith("chatcmpl-")
        # Under chatplex's own reply cache a hit keeps the id of the reply it repeats.
        cached = ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=url, cache=InMemoryCache())
        first, again = (await ids(cached))[0], (await ids(cached))[0]
        assert first == again and first.startswith("chatcmpl-")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_model_override_per_call(provider: str, sync: bool) -> None:
    model = llm(provider)
    reply = model.invoke("hi", model="other") if sync else await model.ainvoke("hi", model="other")
    assert reply.response_metadata["model_name"] == "other"
    assert model.chatplex_model.model == "m"  # the wrapped model is untouched
    bound = model.bind(model="third")
    assert bound.invoke("hi").response_metadata["model_name"] == "third"


@pytest.mark.parametrize("sync", [True, False])
async def test_a_calls_model_reaches_the_adapter_even_when_it_is_the_models(sync: bool) -> None:
    # AzureChatOpenAI named by its deployment sends `model` null, but a call naming one (the
    # deployment's name too) does, as langchain-openai's payload names it: the adapter
    # hears the call's `model=` (`Adapter.for_call`).
    from chatplex.langchain import AzureChatOpenAI

    sent: list[Any] = []

    def seen(request: Any) -> None:
        sent.append(request.json)

    with MockServer(fault_plan=seen) as server:
        model = AzureChatOpenAI(
            azure_endpoint=server.url,
            azure_deployment="gpt-4o-mini",
            api_version="2024-10-21",
            api_key="k",
        )
        for called in ({}, {"model": "gpt-4o-mini"}, {"model": "other"}):
            await ask(model, sync, "hi", **called)
            await ask_stream(model, sync, "hi", **called)
    named = [body.get("model", "<none>") for body in sent]
    assert named == [None, None, *["gpt-4o-mini"] * 2, *["other"] * 2]


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.verbose: set[Any] = set()  # each token hook's `verbose` (absent: "-")

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)
        self.verbose.add(kwargs.get("verbose", "-"))


def test_streaming_flag_streams_under_invoke() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{q}")])
    seen = _Tokens()
    reply = (prompt | llm("openai", streaming=True)).invoke({"q": "why?"}, {"callbacks": [seen]})
    assert reply.content == "Echo: why?"
    assert "".join(seen.tokens) == "Echo: why?" and len(seen.tokens) > 2


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_invoke_streams_underneath_where_the_partner_class_does(sync: bool) -> None:
    # langchain-ollama's invoke streams and merges the pieces: its handlers hear each.
    seen = _Tokens()
    config: Any = {"callbacks": [seen]}
    model = llm("ollama")
    reply = model.invoke("why?", config) if sync else await model.ainvoke("why?", config)
    assert reply.content == "Echo: why?"
    assert "".join(seen.tokens) == "Echo: why?" and len(seen.tokens) > 2
    assert reply.response_metadata["done_reason"] == "stop"  # the merged reply's fields
    assert seen.verbose == {False}  # each hook given the model's verbose, as langchain-ollama's
    loud = _Tokens()
    loud_config: Any = {"callbacks": [loud]}
    verbose = llm("ollama", verbose=True)
    _ = verbose.invoke("why?", loud_config) if sync else await verbose.ainvoke("why?", loud_config)
    assert loud.verbose == {True}
    # A wire whose partner class answers whole: no piece to hear.
    whole = _Tokens()
    llm("openai").invoke("why?", {"callbacks": [whole]})
    assert whole.tokens == []


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_langchains_cache_is_run_by_langchain_alone(
    sync: bool, langchain_llm_cache: Any
) -> None:
    # LangChain's BaseChatModel looks in its cache on invoke and never on stream: the
    # call underneath looks there no second time (a stream after an invoke streams from
    # the server, as the partner class's does) and files no entry of its own.
    cache = langchain_llm_cache
    model = llm("openai")
    if sync:
        first, second = model.invoke("a b"), model.invoke("a b")
        pieces = list(model.stream("a b"))
    else:
        first, second = await model.ainvoke("a b"), await model.ainvoke("a b")
        pieces = [p async for p in model.astream("a b")]
    assert first.content == second.content == "Echo: a b"
    assert len(pieces) > 2 and "".join(p.text for p in pieces) == "Echo: a b"
    assert len(cache._cache) == 1  # LangChain's one entry, none under chatplex's key


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.usefixtures("chatplex_llm_cache")
async def test_chatchatplex_answers_a_stream_from_chatplexs_cache(sync: bool) -> None:
    # chatplex's own name keeps chatplex's behaviour: a stream of a cached prompt is the
    # cached reply (the drop-ins, under their partners' names, stream from the server).
    with MockServer() as server:
        model = ChatChatplex(model="openai:m", base_url=server.openai_base_url, api_key="k")
        if sync:
            first, pieces = model.invoke("a b"), list(model.stream("a b"))
        else:
            first, pieces = await model.ainvoke("a b"), [p async for p in model.astream("a b")]
        assert "".join(p.text for p in pieces) == first.text == "Echo: a b"
        assert server.stats.requests == 1


def test_a_plain_call_binds_no_cache_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # A chat model without a cache setting reads a call LangChain makes so itself: the
    # call passes no `cache=` (which would copy the model a call), and looks nowhere.
    from langchain_core.messages import HumanMessage

    from chatplex.chat import call_hooks
    from chatplex.langchain.generation import _target

    model = llm("openai")
    plain: dict[str, Any] = {}
    _target(model, [HumanMessage("hi")], None, plain)
    assert "cache" not in plain
    cached = llm("openai", model_kwargs={"cache": InMemoryCache()})
    own: dict[str, Any] = {}
    _target(cached, [HumanMessage("hi")], None, own)
    assert own["cache"] is cached.chatplex_model.cache  # the model's own, as given
    seen: list[Any] = []
    reply_cache = call_hooks.reply_cache
    monkeypatch.setattr(call_hooks, "reply_cache", lambda s: seen.append(s) or reply_cache(s))
    model.invoke("a b")
    assert seen == [False]


def test_cache_false_keeps_langchains_process_wide_cache_out(langchain_llm_cache: Any) -> None:
    model = llm("openai", cache=False)
    model.invoke("a b")
    model.invoke("a b")
    assert langchain_llm_cache._cache == {}
