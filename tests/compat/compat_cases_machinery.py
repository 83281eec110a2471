"""Scripts that run LangChain's machinery around ChatAnthropic and the OpenAI-compatible
partners (langchain-groq, -deepseek, -xai, -mistralai, -together): create_agent's
middleware (fallback, retry, tool-call limits, human in the loop), LangGraph graphs
(ToolNode, checkpointers, stream modes, subgraphs), message histories, retries, caches,
rate limiters, event streams, callbacks, `init_chat_model`'s configurable fields and
serialization. Pure import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_cases_scripts import WEATHER_TOOL
from compat_harness import Case

#: How a script shows an agent's or a graph's messages.
_SHOWN = """
def shown(messages):
    return [[type(m).__name__, m.content,
             [(c["name"], c["args"]) for c in getattr(m, "tool_calls", None) or []],
             sorted(m.response_metadata), getattr(m, "usage_metadata", None)]
            for m in messages]
"""

MACHINERY_CASES = [
    Case(
        "machinery_fallback_middleware_groq_to_anthropic",
        "pattern: create_agent with ModelFallbackMiddleware, the primary (Groq) failing",
        WEATHER_TOOL
        + _SHOWN
        + """
from langchain.agents import create_agent
from langchain.agents.middleware import ModelFallbackMiddleware
from langchain_groq import ChatGroq
from langchain_anthropic import ChatAnthropic

def main():
    primary = ChatGroq(model="llama-3.3-70b-versatile", max_retries=0,
                       default_headers={"x-mock-fault": "status=503"})
    agent = create_agent(primary, tools=[get_weather], middleware=[
        ModelFallbackMiddleware(ChatAnthropic(model="claude-sonnet-4-5"))])
    result = agent.invoke({"messages": [{"role": "user", "content": "Use the tool for Oslo"}]})
    return shown(result["messages"])
""",
    ),
    Case(
        "machinery_retry_middleware_anthropic_overloaded",
        "pattern: create_agent with ModelRetryMiddleware over a model that keeps failing",
        _SHOWN
        + """
from langchain.agents import create_agent
from langchain.agents.middleware import ModelRetryMiddleware
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                          default_headers={"x-mock-fault": "status=529"})
    out = []
    for on_failure in ("continue", "error"):
        agent = create_agent(model, tools=[], middleware=[ModelRetryMiddleware(
            max_retries=1, initial_delay=0.0, jitter=False, on_failure=on_failure)])
        try:
            result = agent.invoke({"messages": [{"role": "user", "content": "hi"}]})
            out.append(shown(result["messages"][:-1]) + [result["messages"][-1].content[:60]])
        except Exception as err:
            out.append([type(err).__name__, getattr(err, "status_code", None),
                        type(getattr(err, "body", None)).__name__])
    return out
""",
    ),
    Case(
        "machinery_tool_call_limit_deepseek",
        "pattern: create_agent with ToolCallLimitMiddleware (run limit 1) on ChatDeepSeek",
        WEATHER_TOOL
        + _SHOWN
        + """
from langchain.agents import create_agent
from langchain.agents.middleware import ToolCallLimitMiddleware
from langchain_deepseek import ChatDeepSeek

def main():
    agent = create_agent(ChatDeepSeek(model="deepseek-chat"), tools=[get_weather], middleware=[
        ToolCallLimitMiddleware(run_limit=1, exit_behavior="continue")])
    result = agent.invoke({"messages": [{"role": "user", "content": "Use the tool for Lima"}]})
    return [shown(result["messages"]), result.get("run_tool_call_count")]
""",
    ),
    Case(
        "machinery_human_in_the_loop_groq",
        "pattern: HumanInTheLoopMiddleware interrupting a tool call, then approved and edited",
        WEATHER_TOOL
        + _SHOWN
        + """
from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from langchain_groq import ChatGroq

def main():
    agent = create_agent(ChatGroq(model="llama-3.3-70b-versatile"), tools=[get_weather],
                         middleware=[HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
                         checkpointer=InMemorySaver())
    out = []
    for n, decision in enumerate([{"type": "approve"},
                                  {"type": "edit", "edited_action": {
                                      "name": "get_weather", "args": {"city": "Bern"}}}]):
        config = {"configurable": {"thread_id": f"h{n}"}}
        first = agent.invoke({"messages": [{"role": "user", "content": "Use the tool for Rome"}]},
                             config)
        asked = [i.value for i in first["__interrupt__"]]
        for request in asked:
            for action in request["action_requests"]:
                action.pop("description", None)
        done = agent.invoke(Command(resume={"decisions": [decision]}), config)
        out.append([asked, shown(done["messages"])])
    return out
""",
    ),
    Case(
        "machinery_state_graph_tool_node_anthropic_messages",
        "pattern: a hand-made StateGraph (model node, ToolNode, tools_condition), "
        "stream_mode='messages' with a checkpointer",
        WEATHER_TOOL
        + """
from langgraph.graph import StateGraph, MessagesState, START
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.checkpoint.memory import InMemorySaver
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5").bind_tools([get_weather])

    def call_model(state):
        return {"messages": [model.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", call_model)
    graph.add_node("tools", ToolNode([get_weather]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    app = graph.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "g"}}
    out = []
    for chunk, meta in app.stream({"messages": [("user", "Use the tool for Kyiv")]}, config,
                                  stream_mode="messages"):
        out.append([type(chunk).__name__, chunk.content,
                    [(t.get("name"), t.get("args"), t.get("index"))
                     for t in getattr(chunk, "tool_call_chunks", [])],
                    meta.get("langgraph_node"), meta.get("ls_provider"),
                    meta.get("ls_model_name"), sorted(chunk.response_metadata),
                    getattr(chunk, "usage_metadata", None), getattr(chunk, "chunk_position", None)])
    state = app.get_state(config)
    out.append([type(m).__name__ for m in state.values["messages"]])
    return out
""",
    ),
    Case(
        "machinery_subgraph_updates_values_mistral",
        "pattern: a compiled subgraph as a node, stream_mode=['updates', 'values'] with "
        "subgraphs=True (ChatMistralAI)",
        """
from langgraph.graph import StateGraph, MessagesState, START, END
from langchain_mistralai import ChatMistralAI

def main():
    model = ChatMistralAI(model="mistral-small-latest")
    inner = StateGraph(MessagesState)
    inner.add_node("answer", lambda s: {"messages": [model.invoke(s["messages"])]})
    inner.add_edge(START, "answer")
    inner.add_edge("answer", END)
    outer = StateGraph(MessagesState)
    outer.add_node("inner", inner.compile())
    more = [("user", "more")]
    outer.add_node("again", lambda s: {"messages": [model.invoke(s["messages"] + more)]})
    outer.add_edge(START, "inner")
    outer.add_edge("inner", "again")
    outer.add_edge("again", END)
    app = outer.compile()
    out = []
    for namespace, mode, data in app.stream({"messages": [("user", "hello")]},
                                            stream_mode=["updates", "values"], subgraphs=True):
        if mode == "updates":
            out.append([len(namespace), mode, {k: [(m.type, m.content, sorted(m.response_metadata),
                                                    getattr(m, "usage_metadata", None))
                                                   for m in v["messages"]]
                                               for k, v in data.items()}])
        else:
            out.append([len(namespace), mode, [(m.type, m.content) for m in data["messages"]]])
    return out
""",
    ),
    Case(
        "machinery_history_stream_groq",
        "pattern: RunnableWithMessageHistory over prompt | ChatGroq, invoked then streamed",
        """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_groq import ChatGroq

store = {}

def main():
    prompt = ChatPromptTemplate.from_messages(
        [("system", "be brief"), MessagesPlaceholder("history"), ("human", "{question}")])
    chain = RunnableWithMessageHistory(
        prompt | ChatGroq(model="llama-3.3-70b-versatile"),
        lambda sid: store.setdefault(sid, InMemoryChatMessageHistory()),
        input_messages_key="question", history_messages_key="history")
    config = {"configurable": {"session_id": "s"}}
    first = chain.invoke({"question": "hello"}, config)
    pieces = list(chain.stream({"question": "again"}, config))
    kept = store["s"].messages
    return [first, [p.content for p in pieces],
            [(type(m).__name__, m.content, sorted(m.response_metadata),
              getattr(m, "usage_metadata", None)) for m in kept]]
""",
    ),
    Case(
        "machinery_with_retry_anthropic_rate_limit",
        "pattern: with_retry(retry_if_exception_type=(anthropic.RateLimitError,)) giving up",
        """
import anthropic
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                          default_headers={"x-mock-fault": "status=429"})
    tries = []
    retrying = model.with_retry(retry_if_exception_type=(anthropic.RateLimitError,),
                                stop_after_attempt=2, wait_exponential_jitter=False)
    try:
        retrying.invoke("hi", config={"callbacks": []})
    except anthropic.RateLimitError as err:
        tries.append([type(err).__name__, err.status_code, err.body["error"], err.request_id[:8]])
    other = model.with_retry(retry_if_exception_type=(anthropic.APIConnectionError,),
                             stop_after_attempt=3, wait_exponential_jitter=False)
    try:
        other.invoke("hi")
    except Exception as err:
        tries.append([type(err).__name__, isinstance(err, anthropic.APIStatusError),
                      err.response.status_code])
    return tries
""",
    ),
    Case(
        "machinery_fallbacks_exceptions_to_handle_deepseek",
        "pattern: with_fallbacks(exceptions_to_handle=(openai.RateLimitError,)) from "
        "ChatDeepSeek to ChatXAI, exception_key",
        """
import openai
from langchain_core.prompts import ChatPromptTemplate
from langchain_deepseek import ChatDeepSeek
from langchain_xai import ChatXAI

def main():
    failing = ChatDeepSeek(model="deepseek-chat", max_retries=0,
                           default_headers={"x-mock-fault": "status=429"})
    backup = ChatXAI(model="grok-4")
    chain = failing.with_fallbacks([backup], exceptions_to_handle=(openai.RateLimitError,))
    out = [chain.invoke("hello"), list(chain.stream("hi"))]
    prompt = ChatPromptTemplate.from_messages([("human", "{q} {exception}")])
    keyed = (prompt | failing).with_fallbacks(
        [prompt | backup], exception_key="exception")
    out.append(keyed.invoke({"q": "why", "exception": ""}).content[:30])
    return out
""",
    ),
    Case(
        "machinery_rate_limiter_batch_together",
        "pattern: InMemoryRateLimiter on ChatTogether, batched and abatched",
        """
import asyncio
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_together import ChatTogether

def main():
    limiter = InMemoryRateLimiter(requests_per_second=200, check_every_n_seconds=0.01,
                                  max_bucket_size=5)
    model = ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", rate_limiter=limiter)
    out = model.batch(["one", "two", "three"])
    out += asyncio.run(model.abatch(["four", "five"]))
    return [out, model.rate_limiter is limiter]
""",
    ),
    Case(
        "machinery_llm_cache_mistral_groq",
        "pattern: set_llm_cache(InMemoryCache()) with ChatMistralAI and ChatGroq: the hit's "
        "metadata and usage, invoked and streamed",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_mistralai import ChatMistralAI
from langchain_groq import ChatGroq

def main():
    set_llm_cache(InMemoryCache())
    try:
        out = []
        for model in (ChatMistralAI(model="mistral-small-latest"),
                      ChatGroq(model="llama-3.3-70b-versatile")):
            first = model.invoke("cache me")
            second = model.invoke("cache me")
            streamed = list(model.stream("cache me"))
            out.append([first, second, sorted(second.response_metadata),
                        second.response_metadata.get("model_name"),
                        [c.content for c in streamed], [sorted(c.response_metadata)
                                                        for c in streamed]])
        return out
    finally:
        set_llm_cache(None)
""",
    ),
    Case(
        "machinery_events_v2_anthropic_tool_stream",
        "pattern: astream_events v2 of ChatAnthropic with a bound tool: each chunk's "
        "tool_call_chunks and the end event's output",
        WEATHER_TOOL
        + """
from langchain_anthropic import ChatAnthropic

async def main():
    model = ChatAnthropic(model="claude-sonnet-4-5").bind_tools([get_weather])
    out = []
    async for event in model.astream_events("Use the tool for Quito", version="v2"):
        data = event["data"]
        if event["event"] == "on_chat_model_stream":
            chunk = data["chunk"]
            out.append(["stream", chunk.content, [(t.get("name"), t.get("args"), t.get("index"))
                                                  for t in chunk.tool_call_chunks],
                        chunk.usage_metadata])
        elif event["event"] == "on_chat_model_end":
            output = data["output"]
            out.append(["end", output.content, [(c["name"], c["args"]) for c in output.tool_calls],
                        sorted(output.response_metadata), output.usage_metadata,
                        sorted(event["metadata"])])
        else:
            out.append([event["event"], sorted(data), sorted(event["metadata"])])
    return out
""",
    ),
    Case(
        "machinery_astream_log_groq",
        "pattern: astream_log of a prompt | ChatGroq chain, the final state's logs",
        """
from langchain_core.prompts import ChatPromptTemplate
from langchain_groq import ChatGroq

async def main():
    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | ChatGroq(
        model="llama-3.3-70b-versatile")
    final = None
    async for patch in chain.astream_log({"q": "hello"}):
        final = patch if final is None else final + patch
    logs = final.state["logs"]
    model_log = logs["ChatGroq"]
    return [sorted(logs), model_log["type"], model_log["final_output"],
            [c.content for c in model_log["streamed_output"]],
            [c.content for c in final.state["streamed_output"]], final.state["final_output"]]
""",
    ),
    Case(
        "machinery_callbacks_new_token_xai",
        "pattern: a callback handler on ChatXAI and ChatDeepSeek streams: on_llm_new_token's "
        "chunk, on_llm_end's generation",
        """
from langchain_core.callbacks import BaseCallbackHandler
from langchain_xai import ChatXAI
from langchain_deepseek import ChatDeepSeek

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []

    def on_chat_model_start(self, serialized, messages, **kw):
        self.seen.append(["start", serialized.get("id"), kw.get("invocation_params"),
                          kw.get("metadata")])

    def on_llm_new_token(self, token, *, chunk=None, **kw):
        self.seen.append(["token", token, type(chunk).__name__, chunk.generation_info,
                          chunk.message.response_metadata, chunk.message.usage_metadata])

    def on_llm_end(self, response, **kw):
        g = response.generations[0][0]
        self.seen.append(["end", response.llm_output, g.text, g.generation_info,
                          g.message.response_metadata, g.message.usage_metadata])

def main():
    out = []
    for model in (ChatXAI(model="grok-4"), ChatDeepSeek(model="deepseek-chat")):
        handler = Recorder()
        list(model.stream("hello there", config={"callbacks": [handler]}))
        model.invoke("hello", config={"callbacks": [handler]})
        out.append(handler.seen)
    return out
""",
    ),
    Case(
        "machinery_callbacks_async_usage_chunk_together",
        "pattern: an async handler on ChatTogether's and ChatDeepSeek's astream with "
        "stream_usage=True: each token's chunk (the usage one's generation_info)",
        """
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_together import ChatTogether
from langchain_deepseek import ChatDeepSeek

class Recorder(AsyncCallbackHandler):
    def __init__(self):
        self.seen = []

    async def on_llm_new_token(self, token, *, chunk=None, **kw):
        self.seen.append([token, chunk.generation_info, chunk.message.usage_metadata,
                          chunk.message.chunk_position])

async def main():
    out = []
    for model in (ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
                               stream_usage=True),
                  ChatDeepSeek(model="deepseek-chat", stream_usage=True)):
        handler = Recorder()
        async for _ in model.astream("hello there", config={"callbacks": [handler]}):
            pass
        out.append(handler.seen)
    return out
""",
    ),
    Case(
        "machinery_init_chat_model_config_prefix",
        "pattern: init_chat_model(configurable_fields=..., config_prefix='llm') switched "
        "between Anthropic and Groq per call, bound tools kept",
        WEATHER_TOOL
        + """
from langchain.chat_models import init_chat_model

def main():
    model = init_chat_model("claude-sonnet-4-5", model_provider="anthropic",
                            configurable_fields=("model", "model_provider", "temperature"),
                            config_prefix="llm", temperature=0.1)
    bound = model.bind_tools([get_weather])
    out = [bound.invoke("Use the tool for Baku")]
    groq = {"configurable": {"llm_model": "llama-3.3-70b-versatile",
                             "llm_model_provider": "groq", "llm_temperature": 0.3}}
    out.append(bound.invoke("Use the tool for Baku", config=groq))
    out.append(model.invoke("hi", config=groq).response_metadata.get("model_name"))
    out.append(sorted(model.with_config(groq).invoke("hi").response_metadata))
    return out
""",
        wire=("model", "temperature", "tools[].name", "tools[].function.name"),
    ),
    Case(
        "machinery_dumpd_loads_presets",
        "pattern: dumpd and loads (secrets_map) of ChatAnthropic, ChatGroq, ChatDeepSeek, "
        "ChatMistralAI, then invoked",
        """
from langchain_core.load import dumpd, loads, dumps
from langchain_anthropic import ChatAnthropic
from langchain_groq import ChatGroq
from langchain_deepseek import ChatDeepSeek
from langchain_mistralai import ChatMistralAI

def main():
    out = []
    for model in (ChatAnthropic(model="claude-sonnet-4-5", temperature=0.2, max_tokens=99),
                  ChatGroq(model="llama-3.3-70b-versatile", temperature=0.2, max_tokens=99),
                  ChatDeepSeek(model="deepseek-chat", temperature=0.2, max_tokens=99),
                  ChatMistralAI(model="mistral-small-latest", temperature=0.2, max_tokens=99)):
        dumped = dumpd(model)
        kwargs = dumped.get("kwargs", {})
        try:
            again = loads(dumps(model), secrets_from_env=True, allowed_objects="all")
            loaded = [type(again).__name__, again.invoke("hi").content]
        except Exception as err:
            loaded = [type(err).__name__]
        out.append([dumped["type"], dumped["id"], sorted(kwargs), kwargs.get("model_name"),
                    kwargs.get("model"), loaded])
    return out
""",
    ),
    Case(
        "machinery_model_copy_anthropic_groq",
        "pattern: model_copy(update=...) of a model (temperature, max_tokens), the copy "
        "invoked; the original unchanged",
        """
from langchain_anthropic import ChatAnthropic
from langchain_groq import ChatGroq

def main():
    out = []
    for model in (ChatAnthropic(model="claude-sonnet-4-5", temperature=0.1),
                  ChatGroq(model="llama-3.3-70b-versatile", temperature=0.1)):
        copy = model.model_copy(update={"temperature": 0.9, "max_tokens": 50})
        out.append([copy.temperature, model.temperature, copy.max_tokens,
                    copy.invoke("hi"), model.invoke("hi"),
                    copy._identifying_params.get("temperature")])
    return out
""",
        wire=("temperature", "max_tokens"),
    ),
    Case(
        "machinery_batch_return_exceptions_anthropic",
        "pattern: batch(return_exceptions=True) of a failing ChatAnthropic, and batch with "
        "max_concurrency",
        """
from langchain_anthropic import ChatAnthropic

def main():
    ok = ChatAnthropic(model="claude-sonnet-4-5")
    bad = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                        default_headers={"x-mock-fault": "status=429"})
    chain = ok.with_fallbacks([bad])
    out = bad.batch(["a", "b"], return_exceptions=True)
    out2 = ok.batch(["a", "b"], config={"max_concurrency": 1})
    return [[type(o).__name__ for o in out], [getattr(o, "status_code", None) for o in out], out2]
""",
    ),
    Case(
        "machinery_history_tool_loop_anthropic",
        "pattern: RunnableWithMessageHistory over a ChatAnthropic with tools: the call, the "
        "tool's ToolMessage fed back",
        WEATHER_TOOL
        + """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import ToolMessage
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_anthropic import ChatAnthropic

store = {}

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5").bind_tools([get_weather])
    chat = RunnableWithMessageHistory(
        model, lambda s: store.setdefault(s, InMemoryChatMessageHistory()))
    cfg = {"configurable": {"session_id": "a"}}
    first = chat.invoke("Use the tool for Lisbon", cfg)
    call = first.tool_calls[0]
    result = get_weather.invoke(call)
    second = chat.invoke([result], cfg)
    return [first, second, [(type(m).__name__, m.content) for m in store["a"].messages]]
""",
    ),
    Case(
        "machinery_astream_with_retry_anthropic",
        "pattern: astream of with_retry(...) over an overloaded ChatAnthropic: the error caught",
        """
import anthropic
from langchain_anthropic import ChatAnthropic

async def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                          default_headers={"x-mock-fault": "status=529"})
    r = model.with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    try:
        async for c in r.astream("hi"):
            pass
    except Exception as e:
        return [type(e).__name__, isinstance(e, anthropic.APIStatusError),
                getattr(e, "status_code", None)]
""",
    ),
    Case(
        "machinery_events_include_types_groq",
        "pattern: astream_events v2 of prompt | ChatGroq | StrOutputParser, include_types",
        """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers import StrOutputParser
from langchain_groq import ChatGroq

async def main():
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    chain = prompt | ChatGroq(model="llama-3.3-70b-versatile") | StrOutputParser()
    out = []
    async for e in chain.astream_events({"q": "hello"}, version="v2",
                                        include_types=["chat_model", "parser"]):
        d = e["data"]
        out.append([e["event"], e["name"], sorted(d), sorted(e["metadata"]),
                    getattr(d.get("chunk"), "content", d.get("chunk"))])
    return out
""",
    ),
    Case(
        "machinery_configurable_alternatives_presets",
        "pattern: configurable_alternatives between ChatGroq, ChatDeepSeek and ChatAnthropic",
        """
from langchain_core.runnables import ConfigurableField
from langchain_groq import ChatGroq
from langchain_deepseek import ChatDeepSeek
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatGroq(model="llama-3.3-70b-versatile", temperature=0).configurable_alternatives(
        ConfigurableField(id="llm"), default_key="groq",
        deepseek=ChatDeepSeek(model="deepseek-chat"),
        claude=ChatAnthropic(model="claude-sonnet-4-5"))
    out = []
    for key in ("groq", "deepseek", "claude"):
        r = model.with_config(configurable={"llm": key}).invoke("hi")
        out.append([r, sorted(r.response_metadata)])
    return out
""",
        wire=("model",),
    ),
    Case(
        "machinery_configurable_fields_anthropic",
        "pattern: configurable_fields(max_tokens, temperature) of ChatAnthropic, set per call",
        """
from langchain_core.runnables import ConfigurableField
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", max_tokens=100).configurable_fields(
        max_tokens=ConfigurableField(id="max_tokens"), temperature=ConfigurableField(id="temp"))
    a = model.invoke("hi")
    b = model.with_config(configurable={"max_tokens": 7, "temp": 0.2}).invoke("hi")
    return [a, b, [s.id for s in model.config_specs]]
""",
        wire=("max_tokens", "temperature"),
    ),
    Case(
        "machinery_stop_bind_stream_mistral",
        "pattern: ChatMistralAI with bind(stop=...) and a call's stop= streamed",
        """
from langchain_mistralai import ChatMistralAI

def main():
    m = ChatMistralAI(model="mistral-small-latest")
    return [m.bind(stop=["END"]).invoke("hi"), [c.content for c in m.stream("hi", stop=["X"])]]
""",
        wire=("stop",),
    ),
    Case(
        "machinery_get_num_tokens_anthropic",
        "pattern: ChatAnthropic.get_num_tokens_from_messages, with tools",
        WEATHER_TOOL
        + """
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_anthropic import ChatAnthropic

def main():
    m = ChatAnthropic(model="claude-sonnet-4-5")
    msgs = [SystemMessage("be brief"), HumanMessage("hello there")]
    return [m.get_num_tokens_from_messages(msgs),
            m.get_num_tokens_from_messages(msgs, tools=[get_weather])]
""",
    ),
    Case(
        "machinery_agent_stream_values_xai",
        "pattern: create_agent over ChatXAI with a system prompt, stream_mode='values'",
        WEATHER_TOOL
        + """
from langchain.agents import create_agent
from langchain_xai import ChatXAI

def main():
    agent = create_agent(ChatXAI(model="grok-4"), tools=[get_weather], system_prompt="be brief")
    out = []
    asked = {"messages": [("user", "Use the tool for Oslo")]}
    for state in agent.stream(asked, stream_mode="values"):
        m = state["messages"][-1]
        out.append([type(m).__name__, m.content, sorted(m.response_metadata),
                    [(c["name"], c["args"]) for c in getattr(m, "tool_calls", [])],
                    getattr(m, "usage_metadata", None)])
    return out
""",
    ),
]
