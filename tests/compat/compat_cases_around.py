"""Scripts that use LangChain's machinery around the chat model: callback handlers
(what `on_chat_model_start`, `on_llm_new_token`, `on_llm_end` and `on_llm_error` are
handed), usage handlers, reply caches (what a hit returns, what keys it), rate limiters,
`with_config`, `astream_events` and `astream_log`, `configurable_alternatives`,
`collect_runs` and `set_debug`, `init_chat_model`, and LangGraph's agents (messages and
updates streams, checkpointed state, `interrupt`, `create_agent`'s middleware and
`response_format`). Pure import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_cases_scripts import WEATHER_TOOL
from compat_harness import Case

_CITY = """
from pydantic import BaseModel

class City(BaseModel):
    name: str
"""

#: A handler recording what LangChain hands each callback (ids and timings left out).
_RECORDER = """
from langchain_core.callbacks import BaseCallbackHandler

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []

    def on_chat_model_start(self, serialized, messages, **kw):
        self.seen.append({
            "event": "start",
            "serialized": [serialized.get("id"), serialized.get("name"),
                           sorted(serialized.get("kwargs") or {})],
            "keywords": sorted(kw),
            "name": kw.get("name"),
            "tags": kw.get("tags"),
            "params": kw.get("invocation_params"),
            "metadata": kw.get("metadata"),
            "messages": [[(m.type, m.content) for m in batch] for batch in messages],
        })

    def on_llm_new_token(self, token, *, chunk=None, **kw):
        info = chunk.generation_info
        self.seen.append(["token", token, type(chunk).__name__, info, sorted(kw)])

    def on_llm_end(self, response, **kw):
        g = response.generations[0][0]
        self.seen.append({
            "event": "end",
            "llm_output": response.llm_output,
            "generation": [type(g).__name__, g.text, g.generation_info],
            "metadata": g.message.response_metadata,
            "usage": g.message.usage_metadata,
        })

    def on_llm_error(self, error, **kw):
        got = kw.get("response")
        self.seen.append(["error", type(error).__name__, getattr(error, "status_code", None),
                          sorted(kw), [[g.text for g in gs] for gs in got.generations]])
"""


def _callbacks(name: str, model: str, call: str, what: str) -> Case:
    package, cls, model_name = model.split(":")
    source = (
        _RECORDER
        + f"""
from {package} import {cls}

def main():
    handler = Recorder()
    model = {cls}(model="{model_name}", temperature=0.2, max_tokens=50)
    try:
        {call}
    except Exception as err:
        handler.seen.append(["raised", type(err).__name__])
    return handler.seen
"""
    )
    return Case(name, f"pattern: a BaseCallbackHandler recording {what}", source)


_OPENAI = "langchain_openai:ChatOpenAI:gpt-4o-mini"
_ANTHROPIC = "langchain_anthropic:ChatAnthropic:claude-sonnet-4-5"
_CONFIG = '{"callbacks": [handler], "tags": ["t1"], "metadata": {"user": 1}}'

AROUND_CASES = [
    # ---- callbacks ------------------------------------------------------------------------
    _callbacks(
        "around_callbacks_invoke_openai",
        _OPENAI,
        f'model.invoke("hello there", config={_CONFIG})',
        "an invoke (serialized, invocation_params, ls_* metadata, llm_output)",
    ),
    _callbacks(
        "around_callbacks_invoke_anthropic",
        _ANTHROPIC,
        f'model.invoke("hello there", config={_CONFIG})',
        "an invoke (serialized, invocation_params, ls_* metadata, llm_output)",
    ),
    _callbacks(
        "around_callbacks_stream_anthropic",
        _ANTHROPIC,
        'list(model.stream("two words", config={"callbacks": [handler]}))',
        "a stream (each token's chunk, the merged generation)",
    ),
    _callbacks(
        "around_callbacks_structured_function_calling_openai",
        _OPENAI,
        'model.with_structured_output({"title": "City", "type": "object", '
        '"properties": {"name": {"type": "string"}}, "required": ["name"]}, '
        'method="function_calling").invoke("Paris", config={"callbacks": [handler]})',
        "a forced tool call's invocation_params (tools, tool_choice)",
    ),
    _callbacks(
        "around_callbacks_structured_default_anthropic",
        _ANTHROPIC,
        'model.with_structured_output({"title": "City", "type": "object", '
        '"properties": {"name": {"type": "string"}}, "required": ["name"]}'
        ').invoke("Paris", config={"callbacks": [handler]})',
        "a forced tool call's invocation_params (tools, tool_choice)",
    ),
    Case(
        "around_callbacks_error_status",
        "pattern: on_llm_error for a 429, invoked and streamed",
        _RECORDER
        + """
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

async def main():
    handler = Recorder()
    headers = {"x-mock-fault": "status=429"}
    for model in [ChatOpenAI(model="gpt-4o-mini", max_retries=0, default_headers=headers),
                  ChatAnthropic(model="claude-sonnet-4-5", max_retries=0, default_headers=headers)]:
        for call in ("invoke", "stream", "astream"):
            try:
                if call == "invoke":
                    model.invoke("x", config={"callbacks": [handler]})
                elif call == "stream":
                    list(model.stream("x", config={"callbacks": [handler]}))
                else:
                    [c async for c in model.astream("x", config={"callbacks": [handler]})]
            except Exception as err:
                handler.seen.append(["raised", call, type(err).__name__])
    return handler.seen
""",
    ),
    Case(
        "around_usage_handler_streams_two_providers",
        "pattern: UsageMetadataCallbackHandler over streams and invokes of two providers",
        """
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def main():
    handler = UsageMetadataCallbackHandler()
    openai = ChatOpenAI(model="gpt-4o-mini", stream_usage=True)
    anthropic = ChatAnthropic(model="claude-3-5-haiku-latest")
    list(openai.stream("one two three", config={"callbacks": [handler]}))
    anthropic.invoke("four five", config={"callbacks": [handler]})
    list(anthropic.stream("six", config={"callbacks": [handler]}))
    return handler.usage_metadata
""",
    ),
    Case(
        "around_generate_llm_output",
        "pattern: generate() on two conversations: llm_output, generation_info, run infos",
        """
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def main():
    out = []
    for model in [ChatOpenAI(model="gpt-4o-mini"), ChatAnthropic(model="claude-sonnet-4-5")]:
        result = model.generate([[HumanMessage("one")], [HumanMessage("two three")]])
        infos = [[g.generation_info for g in gs] for gs in result.generations]
        out.append([result.llm_output, infos, len(result.run)])
    return out
""",
    ),
    # ---- caches ---------------------------------------------------------------------------
    Case(
        "around_cache_hit_metadata",
        "pattern: what a cache hit returns (metadata, usage, id)",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    set_llm_cache(InMemoryCache())
    try:
        model = ChatOpenAI(model="gpt-4o-mini")
        first = model.invoke("cache me")
        hit = model.invoke("cache me")
        return [first.response_metadata, hit.response_metadata, hit.usage_metadata,
                first.id == hit.id, type(hit).__name__, hit.additional_kwargs]
    finally:
        set_llm_cache(None)
""",
        wire=("model",),
    ),
    Case(
        "around_cache_async_stream_anthropic",
        "pattern: an async cache hit, and an astream of a cached prompt",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_anthropic import ChatAnthropic

async def main():
    set_llm_cache(InMemoryCache())
    try:
        model = ChatAnthropic(model="claude-sonnet-4-5")
        first = await model.ainvoke("cache me")
        chunks = [c async for c in model.astream("cache me")]
        hit = await model.ainvoke("cache me")
        return [first.response_metadata, hit.response_metadata, hit.usage_metadata,
                [(c.content, c.response_metadata, c.usage_metadata) for c in chunks]]
    finally:
        set_llm_cache(None)
""",
        wire=("stream",),
    ),
    Case(
        "around_cache_keys_settings",
        "pattern: one cache, models that differ in a setting (its keys compared)",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        for temperature in (0, 0, 0.5):
            ChatOpenAI(model="gpt-4o-mini", temperature=temperature).invoke("shared")
        return sorted(key[1].split("---")[1] for key in cache._cache)
    finally:
        set_llm_cache(None)
""",
        wire=("temperature",),
    ),
    Case(
        "around_cache_structured_function_calling_openai",
        "pattern: a cached plain reply, then the same prompt through with_structured_output",
        _CITY
        + """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        model = ChatOpenAI(model="gpt-4o-mini")
        plain = model.invoke("Paris as json")
        structured = model.with_structured_output(City, method="function_calling", include_raw=True)
        got = structured.invoke("Paris as json")
        again = model.invoke("Paris as json")
        keys = sorted(key[1].split("---")[1] for key in cache._cache)
        return [plain.content, got["parsed"], got["raw"].tool_calls, again.content, keys]
    finally:
        set_llm_cache(None)
""",
        wire=("tool_choice", "parallel_tool_calls"),
    ),
    Case(
        "around_cache_structured_default_anthropic",
        "pattern: with_structured_output's default method and a plain call under one cache",
        _CITY
        + """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_anthropic import ChatAnthropic

def main():
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        model = ChatAnthropic(model="claude-sonnet-4-5")
        structured = model.with_structured_output(City)
        first = structured.invoke("Paris")
        plain = model.invoke("Paris")
        second = structured.invoke("Paris")
        keys = sorted(key[1].split("---")[1] for key in cache._cache)
        return [first, plain.content, plain.tool_calls, second, keys]
    finally:
        set_llm_cache(None)
""",
        wire=("tool_choice", "tools[].name"),
    ),
    Case(
        "around_cache_keys_structured_json_schema_openai",
        "pattern: with_structured_output's default (a class as response_format) under a cache",
        _CITY
        + """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        structured = ChatOpenAI(model="gpt-4o-mini").with_structured_output(City)
        replies = [structured.invoke("Paris"), structured.invoke("Paris")]
        return [replies, sorted(key[1].split("---")[1] for key in cache._cache)]
    finally:
        set_llm_cache(None)
""",
        wire=("response_format.type",),
    ),
    Case(
        "around_cache_hit_stream_callbacks",
        "pattern: a cached reply streamed: callbacks and astream_events of the hit",
        _RECORDER
        + """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_anthropic import ChatAnthropic

async def main():
    set_llm_cache(InMemoryCache())
    try:
        handler = Recorder()
        model = ChatAnthropic(model="claude-sonnet-4-5")
        model.invoke("hit me", config={"callbacks": [handler]})
        list(model.stream("hit me", config={"callbacks": [handler]}))
        events = []
        async for event in model.astream_events("hit me", version="v2"):
            data = event["data"]
            chunk, output = data.get("chunk"), data.get("output")
            events.append([event["event"], sorted(data), getattr(chunk, "content", None),
                           getattr(output, "response_metadata", None)])
        return [handler.seen, events]
    finally:
        set_llm_cache(None)
""",
        wire=("stream",),
    ),
    Case(
        "around_history_with_trimmer",
        "pattern: RunnableWithMessageHistory over prompt | trim_messages | model, then streamed",
        """
from langchain_core.chat_history import InMemoryChatMessageHistory
from langchain_core.messages import trim_messages
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables.history import RunnableWithMessageHistory
from langchain_openai import ChatOpenAI

store = {}

def history(session_id):
    return store.setdefault(session_id, InMemoryChatMessageHistory())

def main():
    trimmer = trim_messages(max_tokens=6, strategy="last", token_counter=len, include_system=True)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "sys"), MessagesPlaceholder("history"), ("human", "{q}")])
    chain = RunnableWithMessageHistory(prompt | trimmer | ChatOpenAI(model="gpt-4o-mini"), history,
                                       input_messages_key="q", history_messages_key="history")
    config = {"configurable": {"session_id": "s"}}
    out = [chain.invoke({"q": q}, config=config) for q in ["one", "two", "three", "four"]]
    out.append([(m.type, m.content, m.response_metadata, getattr(m, "usage_metadata", None))
                for m in store["s"].messages])
    out.append([c.content for c in chain.stream({"q": "five"}, config=config)])
    return out
""",
        wire=("messages",),
    ),
    Case(
        "around_fallbacks_stream_and_batch",
        "pattern: with_fallbacks streamed and batched, the primary failing before or mid-stream",
        """
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI

def main():
    backup = ChatOpenAI(model="gpt-4o")
    out = []
    for fault in ("status=500", "midstream_close;after=2"):
        primary = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                                default_headers={"x-mock-fault": fault})
        chain = primary.with_fallbacks([backup])
        try:
            out.append([c.content for c in chain.stream("a b c")])
        except Exception as err:
            out.append(type(err).__name__)
        out.append(chain.batch(["x", "y"], return_exceptions=True))
    return out
""",
    ),
    Case(
        "around_dumpd_model_kwargs_lifted",
        "pattern: model_kwargs holding a field (seed), the model dumped and used as a cache key",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_core.load import dumpd
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def main():
    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        openai = ChatOpenAI(model="gpt-4o-mini", model_kwargs={"seed": 1, "top_p": 0.5})
        anthropic = ChatAnthropic(model="claude-sonnet-4-5", model_kwargs={})
        for model in (openai, anthropic):
            model.invoke("keyed")
        keys = sorted(key[1].split("---")[0] for key in cache._cache)
        return [dumpd(openai)["kwargs"], dumpd(anthropic)["kwargs"], keys]
    finally:
        set_llm_cache(None)
""",
        wire=("seed", "top_p"),
    ),
    Case(
        "around_dumpd_settings",
        "pattern: dumpd() and _identifying_params of models built with many settings",
        """
from langchain_core.load import dumpd
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

OPENAI = [
    dict(timeout=10, max_retries=5),
    dict(streaming=True, stream_usage=False),
    dict(n=2, logprobs=True, top_logprobs=2),
    dict(reasoning_effort="low", model="o3-mini"),
    dict(use_responses_api=True, output_version="responses/v1"),
    dict(default_headers={"X-A": "b"}),
    dict(model_kwargs={"stop": ["z"], "user": "u"}),
    dict(temperature=0, max_completion_tokens=5, frequency_penalty=0.1, seed=3, top_p=0.9),
    dict(disable_streaming="tool_calling", tags=["a"], metadata={"m": 1}, cache=False),
    dict(extra_body={"x": 1}, include_response_headers=True, service_tier="flex", store=True),
]
ANTHROPIC = [
    dict(max_tokens=10, timeout=3, max_retries=1),
    dict(thinking={"type": "enabled", "budget_tokens": 1024}, max_tokens=2000),
    dict(top_k=3, top_p=0.5, stop=["q"]),
    dict(default_headers={"anthropic-beta": "x"}, betas=["b1"]),
    dict(streaming=True, stream_usage=False),
    dict(model_kwargs={"metadata": {"user_id": "u"}}),
]

def main():
    out = []
    for cls, model, settings in [(ChatOpenAI, "gpt-4o-mini", OPENAI),
                                 (ChatAnthropic, "claude-sonnet-4-5", ANTHROPIC)]:
        for given in settings:
            built = cls(**{"model": model, **given})
            out.append([dumpd(built)["kwargs"], built._identifying_params])
    return out
""",
    ),
    Case(
        "around_rate_limiter_field",
        "pattern: InMemoryRateLimiter passed as rate_limiter=, read back",
        """
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_openai import ChatOpenAI

def main():
    limiter = InMemoryRateLimiter(
        requests_per_second=100, check_every_n_seconds=0.01, max_bucket_size=10
    )
    model = ChatOpenAI(model="gpt-4o-mini", rate_limiter=limiter)
    out = [model.invoke("a").content, [m.content for m in model.batch(["b", "c"])]]
    return [out, model.rate_limiter is limiter, "rate_limiter" in model.model_dump()]
""",
    ),
    # ---- runs, events, logs ----------------------------------------------------------------
    Case(
        "around_with_config_events_v2",
        "pattern: with_config(run_name, tags, metadata), astream_events v2 fields",
        """
from langchain_openai import ChatOpenAI

async def main():
    model = ChatOpenAI(model="gpt-4o-mini").with_config(
        run_name="my_llm", tags=["x"], metadata={"k": "v"}
    )
    out = []
    async for event in model.astream_events("hi you", version="v2"):
        data = event["data"]
        shown = data.get("chunk") or data.get("output") or data.get("input")
        out.append([event["event"], event["name"], event["tags"], event["metadata"], sorted(data),
                    type(shown).__name__])
    return out
""",
    ),
    Case(
        "around_astream_log_model",
        "pattern: astream_log of a model, as patches and as the final state",
        """
from langchain_openai import ChatOpenAI

async def main():
    model = ChatOpenAI(model="gpt-4o-mini")
    ops = []
    async for patch in model.astream_log("log me", diff=True):
        ops.extend((op["op"], op["path"]) for op in patch.ops)
    final = None
    async for state in model.astream_log("log me", diff=False):
        final = state
    state = final.state
    return [ops, sorted(state), state["final_output"].content, state["streamed_output"][0].content,
            state["logs"]]
""",
    ),
    Case(
        "around_collect_runs",
        "pattern: collect_runs() around a chain: each run's extra, serialized id, outputs",
        """
from langchain_core.tracers.context import collect_runs
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.output_parsers import StrOutputParser
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def main():
    out = []
    models = [ChatOpenAI(model="gpt-4o-mini", temperature=0),
              ChatAnthropic(model="claude-sonnet-4-5")]
    for model in models:
        prompt = ChatPromptTemplate.from_messages([("system", "be brief"), ("human", "{q}")])
        with collect_runs() as collected:
            (prompt | model | StrOutputParser()).invoke({"q": "run me"})
        for run in collected.traced_runs:
            for r in [run] + run.child_runs:
                out.append([r.name, r.run_type, sorted(r.extra), r.extra.get("invocation_params"),
                            r.extra.get("metadata"), r.serialized and r.serialized.get("id"),
                            sorted(r.outputs or {})])
                if r.run_type == "llm":
                    generation = r.outputs["generations"][0][0]
                    out.append([r.outputs["llm_output"], generation.get("generation_info"),
                                generation["message"]["kwargs"].get("response_metadata"), r.inputs])
    return out
""",
    ),
    Case(
        "around_set_debug_chain",
        "pattern: set_debug(True) around a prompt | model chain (what is printed)",
        """
import contextlib
import io
import re
from langchain_core.globals import set_debug
from langchain_core.prompts import ChatPromptTemplate
from langchain_anthropic import ChatAnthropic

def main():
    chain = ChatPromptTemplate.from_template("say {x}") | ChatAnthropic(model="claude-sonnet-4-5")
    printed = io.StringIO()
    set_debug(True)
    try:
        with contextlib.redirect_stdout(printed):
            chain.invoke({"x": "debug"})
    finally:
        set_debug(False)
    text = re.sub(r"\\[\\d+(\\.\\d+)?m?s\\]", "[time]", printed.getvalue())
    text = re.sub(r"(msg|req|run|lc_run)[-_A-Za-z0-9]+", "<id>", text)
    return text.splitlines()
""",
    ),
    Case(
        "around_configurable_alternatives_providers",
        "pattern: configurable_alternatives between two providers, configurable_fields",
        """
from langchain_core.runnables import ConfigurableField
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5").configurable_alternatives(
        ConfigurableField(id="llm"), default_key="anthropic", openai=ChatOpenAI(model="gpt-4o-mini")
    )
    fields = ChatOpenAI(model="gpt-4o-mini").configurable_fields(
        temperature=ConfigurableField(id="temp"), model_name=ConfigurableField(id="name"))
    return [
        model.invoke("alt").response_metadata.get("model_name"),
        model.with_config(configurable={"llm": "openai"}).invoke("alt").content,
        [s.id for s in model.config_specs],
        [(s.id, s.default) for s in fields.config_specs],
        fields.with_config(configurable={"name": "gpt-4o", "temp": 0.3}).invoke("z").content,
    ]
""",
        wire=("model", "temperature"),
    ),
    Case(
        "around_init_chat_model_configurable",
        "pattern: a configurable init_chat_model: both providers, tools bound, prefixed fields",
        WEATHER_TOOL
        + """
from langchain.chat_models import init_chat_model

def main():
    model = init_chat_model(temperature=0)
    out = [type(model).__name__, [s.id for s in model.config_specs]]
    for configurable in [{"model": "gpt-4o-mini"}, {"model": "claude-sonnet-4-5"},
                         {"model": "anthropic:claude-3-5-haiku-latest", "temperature": 0.5}]:
        reply = model.invoke("hello", config={"configurable": configurable})
        out.append([reply.content, reply.response_metadata.get("model_name")])
    reply = model.bind_tools([get_weather]).invoke(
        "Use the tool for Paris", config={"configurable": {"model": "claude-sonnet-4-5"}})
    out.append([(c["name"], c["args"]) for c in reply.tool_calls])
    prefixed = init_chat_model(
        "gpt-4o-mini", configurable_fields=("model", "max_tokens"), config_prefix="first"
    )
    out.append([(s.id, s.default) for s in prefixed.config_specs])
    switched = prefixed.with_config(configurable={"first_model": "claude-sonnet-4-5"})
    out.append(switched.invoke("hey").content)
    return out
""",
        wire=("model", "temperature", "max_tokens"),
    ),
    # ---- LangGraph ------------------------------------------------------------------------
    Case(
        "around_react_agent_messages_stream",
        "pattern: create_react_agent streamed with stream_mode='messages' (chunk, metadata)",
        WEATHER_TOOL
        + """
from langgraph.prebuilt import create_react_agent
from langchain_openai import ChatOpenAI

def main():
    agent = create_react_agent(ChatOpenAI(model="gpt-4o-mini"), [get_weather])
    out = []
    for chunk, meta in agent.stream({"messages": [("user", "Use the tool for Paris weather")]},
                                    stream_mode="messages"):
        out.append([type(chunk).__name__, chunk.content,
                    [t.get("name") for t in getattr(chunk, "tool_call_chunks", [])],
                    meta.get("langgraph_node"),
                    {k: v for k, v in meta.items() if k.startswith("ls_")},
                    chunk.response_metadata])
    return out
""",
    ),
    Case(
        "around_react_agent_updates_and_state",
        "pattern: stream_mode='updates' with a checkpointer, the state read back, a second turn",
        WEATHER_TOOL
        + """
from langgraph.prebuilt import create_react_agent
from langgraph.checkpoint.memory import InMemorySaver
from langchain_anthropic import ChatAnthropic

def main():
    agent = create_react_agent(ChatAnthropic(model="claude-sonnet-4-5"), [get_weather],
                               checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t1"}}
    out = []
    for update in agent.stream({"messages": [("user", "Use the tool for Paris weather")]}, config,
                               stream_mode="updates"):
        out.append(sorted(update))
    for m in agent.get_state(config).values["messages"]:
        calls = [(c["name"], c["args"]) for c in getattr(m, "tool_calls", [])]
        out.append([type(m).__name__, m.content, m.response_metadata,
                    getattr(m, "usage_metadata", None), m.additional_kwargs, calls])
    again = agent.invoke({"messages": [("user", "thanks")]}, config)
    out.append([(m.type, m.content) for m in again["messages"]])
    return out
""",
    ),
    Case(
        "around_create_agent_middleware",
        "pattern: create_agent with ModelCallLimitMiddleware, SummarizationMiddleware, "
        "ToolRetryMiddleware",
        """
from langchain_core.tools import tool
from langchain.agents import create_agent
from langchain.agents.middleware import ModelCallLimitMiddleware
from langchain.agents.middleware import SummarizationMiddleware
from langchain.agents.middleware import ToolRetryMiddleware
from langgraph.checkpoint.memory import InMemorySaver
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

calls = [0]

@tool
def flaky(city: str) -> str:
    '''A flaky tool.'''
    calls[0] += 1
    if calls[0] < 2:
        raise ValueError("boom")
    return "fine"

@tool
def steady(city: str) -> str:
    '''A steady tool.'''
    return "steady"

def shown(result):
    return [(m.type, m.content, [(c["name"], c["args"]) for c in getattr(m, "tool_calls", [])])
            for m in result["messages"]]

def main():
    limited = create_agent(ChatOpenAI(model="gpt-4o-mini"), tools=[steady],
                           middleware=[ModelCallLimitMiddleware(run_limit=1, exit_behavior="end")],
                           checkpointer=InMemorySaver())
    one = limited.invoke({"messages": [{"role": "user", "content": "Use the tool for Rome"}]},
                         {"configurable": {"thread_id": "a"}})
    summarizer = SummarizationMiddleware(
        model=ChatOpenAI(model="gpt-4o-mini"), trigger=("messages", 4), keep=("messages", 2),
        token_counter=lambda ms: sum(len(str(m.content)) for m in ms))
    summarized = create_agent(
        ChatAnthropic(model="claude-sonnet-4-5"), tools=[], middleware=[summarizer]
    )
    roles = ["user", "assistant"] * 3
    turns = [{"role": role, "content": f"note {i}"} for i, role in enumerate(roles)]
    two = summarized.invoke({"messages": turns + [{"role": "user", "content": "what now"}]})
    retried = create_agent(ChatAnthropic(model="claude-sonnet-4-5"), tools=[flaky], middleware=[
        ToolRetryMiddleware(max_retries=2, initial_delay=0.0, backoff_factor=1.0, jitter=False)])
    calls[0] = 0
    three = retried.invoke({"messages": [{"role": "user", "content": "Use the tool for Paris"}]})
    return [shown(one), shown(two), shown(three), calls[0]]
""",
    ),
    Case(
        "around_create_agent_response_format",
        "pattern: create_agent's response_format: ToolStrategy, a bare schema, ProviderStrategy",
        """
from pydantic import BaseModel
from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy
from langchain.agents.structured_output import ToolStrategy
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

class Weather(BaseModel):
    city: str
    summary: str

def main():
    out = []
    formats = {"openai": [ToolStrategy(Weather), Weather, ProviderStrategy(Weather)],
               "anthropic": [ToolStrategy(Weather), Weather]}
    for name, model in [("openai", ChatOpenAI(model="gpt-4o-mini")),
                        ("anthropic", ChatAnthropic(model="claude-sonnet-4-5"))]:
        for response_format in formats[name]:
            agent = create_agent(model, tools=[], response_format=response_format)
            result = agent.invoke({"messages": [{"role": "user", "content": "Weather in Oslo"}]})
            out.append([result.get("structured_response"),
                        [(m.type, m.content, [c["name"] for c in getattr(m, "tool_calls", [])])
                         for m in result["messages"]]])
    return out
""",
        wire=("response_format.type", "tool_choice", "output_config"),
    ),
    Case(
        "around_agent_interrupt_resume",
        "pattern: a tool that calls interrupt(), resumed with Command(resume=...)",
        """
from langchain_core.tools import tool
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver
from langchain.agents import create_agent
from langchain_openai import ChatOpenAI

@tool
def book(city: str) -> str:
    '''Book a trip to a city (tool).'''
    answer = interrupt({"question": f"book {city}?"})
    return f"booked {city}" if answer == "yes" else "cancelled"

def main():
    agent = create_agent(
        ChatOpenAI(model="gpt-4o-mini"), tools=[book], checkpointer=InMemorySaver()
    )
    config = {"configurable": {"thread_id": "i"}}
    asking = {"messages": [{"role": "user", "content": "Use the tool to book Paris"}]}
    first = agent.invoke(asking, config)
    asked = [i.value for i in first.get("__interrupt__", [])]
    done = agent.invoke(Command(resume="yes"), config)
    return [asked, [(m.type, m.content) for m in done["messages"]]]
""",
    ),
]
