"""Agents and graphs that combine features over ChatOpenAI (Chat Completions and the
Responses API) and ChatAnthropic: an agent that streams tokens while its model calls two
tools at once, watched by a handler that records every token's chunk and every model
start's messages and invocation parameters; a graph fanning out with Send whose usage is
summed by a callback; a structured response after tools through a checkpointer, its state
serialized and loaded back; an interrupt resumed while streaming updates and custom data;
a retried tool under a call limit; dynamic model selection across providers. Each model
talks to a scripted mock server the script starts itself. Pure import swaps."""

from __future__ import annotations

from compat_cases_probe_k import _STRIP
from compat_cases_probe_k import _WEATHER
from compat_harness import Case

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

#: Two tools, a scripted server that calls both at once when asked about two cities, and
#: a handler that records what a logging handler logs.
_TWO_TOOLS = (
    _WEATHER
    + '''
from langchain_core.callbacks import BaseCallbackHandler
from chatplex.testing import MockServer
from chatplex.testing.script import MockScript, ScriptRule
from langchain.agents import create_agent

def streamed(make_model, modes, show):
    """What `show(mode, data)` makes of each piece of an agent over `make_model(server)`
    streamed in `modes`, and what the recording handler saw."""
    recorder = Recorder()
    with MockServer(script=SCRIPT) as server:
        agent = create_agent(make_model(server), tools=[get_weather, get_time])
        asked = {"messages": [{"role": "user", "content": "Weather in Oslo and Rome?"}]}
        out, tools = [], []
        for mode, data in agent.stream(asked, {"callbacks": [recorder]}, stream_mode=modes):
            node = data[1].get("langgraph_node") if mode == "messages" else next(iter(data))
            (tools if node == "tools" else out).append(show(mode, data))
    # The two tools run side by side: their pieces come in either order.
    return [out, sorted(tools, key=repr), recorder.seen]

@tool
def get_time(city: str) -> str:
    """Get the local time in a city."""
    return f"It is noon in {city}."

SCRIPT = MockScript(rules=[
    ScriptRule(user_text=r"Oslo and Rome", call="get_weather", args={"city": "Oslo"},
               also=[{"call": "get_time", "args": {"city": "Rome"}}]),
    ScriptRule(after_tool_result=True, call="Report",
               args={"city": "Oslo", "summary": "Sunny, noon in Rome."}),
])

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kw):
        params = dict(kw.get("invocation_params") or {})
        self.seen.append(["start", serialized.get("id"), sorted(params),
                          {k: params[k] for k in ("model", "model_name", "stream", "streaming",
                                                  "tool_choice", "parallel_tool_calls", "_type",
                                                  "stop", "max_tokens", "temperature")
                           if k in params},
                          [t.get("function", t).get("name") for t in params.get("tools", [])],
                          [[type(m).__name__, strip_ids(m.content),
                            [c["name"] for c in getattr(m, "tool_calls", [])]]
                           for m in messages[0]],
                          sorted((kw.get("metadata") or {}).keys())])
    def on_llm_new_token(self, token, *, chunk=None, **kw):
        message = getattr(chunk, "message", None)
        self.seen.append(["token", type(token).__name__, type(chunk).__name__,
                          type(message).__name__, strip_ids(token),
                          strip_ids(getattr(message, "tool_call_chunks", None))])
    def on_llm_end(self, response, **kw):
        generation = response.generations[0][0]
        self.seen.append(["end", type(generation).__name__,
                          strip_ids(generation.message.usage_metadata),
                          sorted(generation.message.response_metadata),
                          strip_ids(response.llm_output)])
'''
)

PROBE_N_CASES = [
    Case(
        "probe_n_agent_parallel_tools_streamed_recorded",
        "pattern: create_agent over ChatOpenAI whose model calls two tools in one turn, "
        "watched by a handler recording every token's chunk and every model start's "
        "messages and invocation_params: on Chat Completions (streaming=True) streamed "
        "as messages and updates, on the Responses API (output_version='responses/v1') "
        "as messages and values",
        _STRIP
        + _TWO_TOOLS
        + """
from langchain_openai import ChatOpenAI

def said(messages):
    return [[type(m).__name__, strip_ids(m.content), strip_ids(getattr(m, "tool_calls", None)),
             strip_ids(getattr(m, "usage_metadata", None)),
             sorted(getattr(m, "response_metadata", {}))] for m in messages]

def show(mode, data):
    if mode == "messages":
        piece, meta = data
        return [mode, type(piece).__name__, strip_ids(piece.content),
                strip_ids(getattr(piece, "tool_call_chunks", None)),
                strip_ids(piece.additional_kwargs), getattr(piece, "usage_metadata", None),
                meta.get("langgraph_node"), meta.get("ls_provider"), meta.get("ls_model_name")]
    if mode == "values":
        return [mode, said(data["messages"])]
    return [mode, {node: said((update or {}).get("messages", []))
                   for node, update in data.items()}]

def main():
    chat = lambda server: ChatOpenAI(model="gpt-4o-mini", api_key="sk-test",
                                     base_url=server.openai_base_url, streaming=True)
    responses = lambda server: ChatOpenAI(model="gpt-4.1-mini", api_key="sk-test",
                                          base_url=server.openai_base_url,
                                          use_responses_api=True,
                                          output_version="responses/v1")
    return [streamed(chat, ["messages", "updates"], show),
            streamed(responses, ["messages", "values"], show)]
""",
    ),
    Case(
        "probe_n_anthropic_agent_parallel_tools_events",
        "pattern: create_agent over ChatAnthropic calling two tools in one turn, through "
        "astream_events(version='v2'): each event's name and node, each streamed chunk's "
        "content blocks and tool call chunks, each model end's output",
        _STRIP
        + _TWO_TOOLS
        + """
import asyncio
from langchain.agents import create_agent
from langchain_anthropic import ChatAnthropic

async def run():
    out, tools = [], []
    with MockServer(script=SCRIPT) as server:
        model = ChatAnthropic(model="claude-sonnet-4-5", base_url=server.anthropic_base_url,
                              api_key="sk-test")
        agent = create_agent(model, tools=[get_weather, get_time])
        async for ev in agent.astream_events(
                {"messages": [{"role": "user", "content": "Weather in Oslo and Rome?"}]},
                version="v2"):
            kind = ev["event"]
            if kind.startswith("on_chat_model"):
                data = ev["data"]
                piece = data.get("chunk") or data.get("output")
                out.append([kind, ev["name"], ev["metadata"].get("langgraph_node"),
                            sorted(ev["metadata"].get(k) for k in ("ls_provider", "ls_model_name",
                                                                   "ls_model_type")),
                            strip_ids(getattr(piece, "content", None)),
                            strip_ids(getattr(piece, "tool_call_chunks", None)),
                            strip_ids(getattr(piece, "usage_metadata", None))])
            elif kind in ("on_tool_start", "on_tool_end"):  # side by side: in any order
                tools.append([kind, ev["name"], strip_ids(ev["data"].get("input")),
                              strip_ids(getattr(ev["data"].get("output"), "content", None))])
    return [out, sorted(tools, key=repr)]

def main():
    return asyncio.run(run())
""",
    ),
    Case(
        "probe_n_send_fanout_usage_summed",
        "pattern: a StateGraph fanning out with Send to one node per topic, each calling "
        "ChatOpenAI or ChatAnthropic (one streamed), the answers gathered with a reducer and "
        "the usage summed per model by get_usage_metadata_callback and by a "
        "UsageMetadataCallbackHandler passed in the config",
        _STRIP
        + """
import operator
from typing import Annotated, TypedDict
from langchain_core.callbacks import UsageMetadataCallbackHandler, get_usage_metadata_callback
from langgraph.graph import StateGraph, START, END
from langgraph.types import Send
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

class State(TypedDict):
    topics: list
    answers: Annotated[list, operator.add]

class Topic(TypedDict):
    topic: str

gpt = ChatOpenAI(model="gpt-4o-mini", stream_usage=True)
claude = ChatAnthropic(model="claude-3-5-haiku-latest")

def fan_out(state):
    return [Send("ask", {"topic": t}) for t in state["topics"]]

def ask(state: Topic):
    model = claude if "claude" in state["topic"] else gpt
    if "stream" in state["topic"]:
        message = None
        for piece in model.stream(f"Tell me about {state['topic']}"):
            message = piece if message is None else message + piece
    else:
        message = model.invoke(f"Tell me about {state['topic']}")
    return {"answers": [[state["topic"], message.content, message.usage_metadata]]}

def build():
    graph = StateGraph(State)
    graph.add_node("ask", ask)
    graph.add_conditional_edges(START, fan_out, ["ask"])
    graph.add_edge("ask", END)
    return graph.compile()

def main():
    handler = UsageMetadataCallbackHandler()
    topics = ["cats", "dogs stream", "claude birds", "claude fish stream"]
    with get_usage_metadata_callback() as cb:
        result = build().invoke({"topics": topics, "answers": []}, {"callbacks": [handler]})
    return [sorted(strip_ids(result["answers"]), key=str), cb.usage_metadata,
            handler.usage_metadata]
""",
    ),
    Case(
        "probe_n_structured_after_tools_checkpoint_serialized",
        "pattern: create_agent with response_format=ToolStrategy over ChatOpenAI, an "
        "InMemorySaver: tools first, then the structured response; the checkpoint's "
        "messages dumped with dumpd/dumps and loaded back, then a second turn on the thread",
        _STRIP
        + _TWO_TOOLS
        + """
from pydantic import BaseModel
from langchain.agents import create_agent
from langchain.agents.structured_output import ToolStrategy
from langchain_core.load import dumpd, dumps, load, loads
from langgraph.checkpoint.memory import InMemorySaver
from langchain_openai import ChatOpenAI

class Report(BaseModel):
    city: str
    summary: str

def main():
    out = []
    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "t"}}
    with MockServer(script=SCRIPT) as server:
        model = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url,
                           api_key="sk-test")
        agent = create_agent(model, tools=[get_weather, get_time],
                             response_format=ToolStrategy(Report), checkpointer=saver)
        result = agent.invoke(
            {"messages": [{"role": "user", "content": "Weather in Oslo and Rome?"}]}, config)
        out.append(repr(result.get("structured_response")))
        snapshot = agent.get_state(config)
        messages = snapshot.values["messages"]
        out.append([[type(m).__name__, strip_ids(m.content),
                     strip_ids(getattr(m, "tool_calls", None))] for m in messages])
        dumped = [dumpd(m) for m in messages]
        back = [load(d) for d in dumped]
        out.append([strip_ids(d["kwargs"].get("response_metadata")) for d in dumped])
        out.append([sorted(d["kwargs"]) for d in dumped])
        out.append([type(m).__name__ for m in loads(dumps(messages))])
        out.append([b.content == m.content and getattr(b, "tool_calls", None)
                    == getattr(m, "tool_calls", None) for b, m in zip(back, messages)])
        again = agent.invoke({"messages": back[-1:] + [
            {"role": "user", "content": "Weather in Oslo and Rome?"}]}, config)
        out.append(repr(again.get("structured_response")))
        out.append(len(again["messages"]))
    return out
""",
    ),
]

#: A handler recording all LangChain hands each model callback, ids and graph metadata
#: that changes per run left out.
_FULL_RECORDER = """
from langchain_core.callbacks import BaseCallbackHandler

def timeless(value):
    value = strip_ids(value)
    if isinstance(value, dict):
        return {k: timeless(v) for k, v in value.items() if k != "created_at"}
    if isinstance(value, list):
        return [timeless(v) for v in value]
    return value

def stable(meta):
    return {k: v for k, v in (meta or {}).items()
            if k.startswith("ls_") or k in ("langgraph_node", "langgraph_step")}

class FullRecorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kw):
        self.seen.append(["start", serialized.get("id"), sorted(serialized.get("kwargs") or {}),
                          sorted(kw), strip_ids(kw.get("invocation_params")),
                          stable(kw.get("metadata")),
                          [[m.type, strip_ids(m.content), strip_ids(m.additional_kwargs)]
                           for m in messages[0]]])
    def on_llm_new_token(self, token, *, chunk=None, **kw):
        message = chunk.message
        self.seen.append(["token", strip_ids(token), type(chunk).__name__,
                          timeless(chunk.generation_info), type(message).__name__,
                          strip_ids(message.content), strip_ids(message.tool_call_chunks),
                          timeless(message.response_metadata), message.usage_metadata,
                          getattr(message, "chunk_position", None)])
    def on_llm_end(self, response, **kw):
        g = response.generations[0][0]
        self.seen.append(["end", timeless(response.llm_output), type(g).__name__,
                          strip_ids(g.text), timeless(g.generation_info),
                          timeless(g.message.response_metadata), g.message.usage_metadata])
    def on_llm_error(self, error, **kw):
        self.seen.append(["error", type(error).__name__, getattr(error, "status_code", None)])
"""


def _full_callbacks_case(name: str, what: str, import_line: str, model_line: str) -> Case:
    return Case(
        name,
        f"pattern: an agent over {what} with a tool and a system prompt, watched by a "
        "handler recording everything each model callback gets: serialized kwargs, keyword "
        "names, invocation_params, ls_ metadata, each token's chunk, each end's llm_output "
        "and generation_info",
        _STRIP
        + _WEATHER
        + _FULL_RECORDER
        + f"""
from langchain.agents import create_agent
{import_line}

def main():
    recorder = FullRecorder()
    model = {model_line}
    agent = create_agent(model, tools=[get_weather], system_prompt="Be brief.")
    result = agent.invoke({{"messages": [("user", "Use a tool: weather in Oslo")]}},
                          {{"callbacks": [recorder]}})
    return [recorder.seen, [[type(m).__name__, strip_ids(m.content)] for m in result["messages"]]]
""",
    )


PROBE_N_CASES += [
    Case(
        "probe_n_interrupt_in_tool_resumed_streaming",
        "pattern: an agent over ChatAnthropic (streaming) whose tool asks a human with "
        "interrupt() and writes custom progress with get_stream_writer; streamed with "
        "stream_mode=['updates', 'custom', 'messages'], then resumed with Command(resume=)",
        _STRIP
        + """
from langchain_core.tools import tool
from langchain.agents import create_agent
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_stream_writer
from langgraph.types import Command, interrupt
from langchain_anthropic import ChatAnthropic

@tool
def book_flight(city: str) -> str:
    '''Book a flight to a city.'''
    write = get_stream_writer()
    write({"progress": f"asking about {city}"})
    answer = interrupt({"question": f"Book the flight to {city}?"})
    write({"progress": f"answer {answer}"})
    return f"Booked to {city}" if answer == "yes" else "Cancelled"

def show(mode, data):
    if mode == "messages":
        piece, meta = data
        return [mode, type(piece).__name__, strip_ids(piece.content),
                strip_ids(getattr(piece, "tool_call_chunks", None)), meta.get("langgraph_node")]
    if mode == "updates":
        return [mode, {node: [strip_ids(i.value) for i in update] if node == "__interrupt__" else
                       [[type(m).__name__, strip_ids(m.content)]
                        for m in (update or {}).get("messages", [])]
                       for node, update in data.items()}]
    return [mode, data]

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", streaming=True)
    agent = create_agent(model, tools=[book_flight], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "trip"}}
    modes = ["updates", "custom", "messages"]
    out = [show(mode, data) for mode, data in agent.stream(
        {"messages": [{"role": "user", "content": "Use a tool: book a flight to Oslo"}]},
        config, stream_mode=modes)]
    state = agent.get_state(config)
    out.append([state.next, [strip_ids(repr(i.value)) for i in state.interrupts]])
    out += [show(mode, data) for mode, data in agent.stream(
        Command(resume="yes"), config, stream_mode=modes)]
    final = agent.get_state(config).values["messages"]
    out.append([[type(m).__name__, strip_ids(m.content),
                 strip_ids(getattr(m, "usage_metadata", None))] for m in final])
    return out
""",
    ),
    Case(
        "probe_n_middleware_retry_limit_dynamic_model",
        "pattern: create_agent with a wrap_model_call middleware choosing ChatAnthropic or "
        "ChatOpenAI by the conversation's length, ToolRetryMiddleware over a tool failing "
        "once, ModelCallLimitMiddleware ending the run; streamed as updates with a "
        "recording handler",
        _STRIP
        + _FULL_RECORDER
        + """
from langchain_core.tools import tool
from langchain.agents import create_agent
from langchain.agents.middleware import (ModelCallLimitMiddleware, ToolRetryMiddleware,
                                         wrap_model_call)
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic

calls = {"n": 0}

@tool
def flaky_lookup(city: str) -> str:
    '''Look a city up.'''
    calls["n"] += 1
    if calls["n"] == 1:
        raise ConnectionError("lookup service down")
    return f"{city} has 700k people."

claude = ChatAnthropic(model="claude-sonnet-4-5")
gpt = ChatOpenAI(model="gpt-4o-mini")

@wrap_model_call
def choose_model(request, handler):
    chosen = claude if len(request.messages) > 1 else gpt
    return handler(request.override(model=chosen))

def main():
    recorder = FullRecorder()
    agent = create_agent(gpt, tools=[flaky_lookup], middleware=[
        choose_model,
        ToolRetryMiddleware(max_retries=2, initial_delay=0.0, jitter=False),
        ModelCallLimitMiddleware(run_limit=2, exit_behavior="end"),
    ])
    out = []
    for update in agent.stream(
            {"messages": [{"role": "user", "content": "Use a tool: how big is Oslo?"}]},
            {"callbacks": [recorder]}, stream_mode="updates"):
        out.append({node: [[type(m).__name__, strip_ids(m.content),
                            [c["name"] for c in getattr(m, "tool_calls", [])],
                            strip_ids(getattr(m, "usage_metadata", None))]
                           for m in (value or {}).get("messages", [])]
                    for node, value in update.items()})
    return [out, calls["n"], recorder.seen]
""",
    ),
    Case(
        "probe_n_responses_stream_cut_resumed",
        "pattern: an agent over ChatOpenAI on the Responses API with a checkpointer, "
        "streamed as messages; the stream is cut mid-reply (midstream_close): what was "
        "streamed, the error, the checkpoint; then the thread resumed on a healthy model",
        _STRIP
        + _WEATHER
        + """
from langchain.agents import create_agent
from langgraph.checkpoint.memory import InMemorySaver
from langchain_openai import ChatOpenAI

def main():
    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "cut"}}
    cut = ChatOpenAI(model="gpt-4.1-mini", use_responses_api=True, max_retries=0,
                     output_version="responses/v1",
                     default_headers={"x-mock-fault": "midstream_close;after=2",
                                      "x-mock-reply": "It is sunny in Oslo today, enjoy."})
    out = []
    try:
        for piece, meta in create_agent(cut, tools=[get_weather], checkpointer=saver).stream(
                {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}, config,
                stream_mode="messages"):
            out.append([type(piece).__name__, strip_ids(piece.content), meta["langgraph_node"]])
    except Exception as err:
        out.append(["raised", type(err).__name__])
    snap = create_agent(cut, tools=[get_weather], checkpointer=saver).get_state(config)
    out.append([snap.next, len(snap.values["messages"])])
    healthy = ChatOpenAI(model="gpt-4.1-mini", use_responses_api=True,
                         output_version="responses/v1")
    result = create_agent(healthy, tools=[get_weather], checkpointer=saver).invoke(None, config)
    out.append([[type(m).__name__, strip_ids(m.content),
                 strip_ids(getattr(m, "usage_metadata", None))] for m in result["messages"]])
    return out
""",
        wire=("input", "stream"),
    ),
    Case(
        "probe_n_provider_strategy_responses_events",
        "pattern: create_agent with response_format=ProviderStrategy over ChatOpenAI on the "
        "Responses API after a tool call, through astream_events(version='v2'): the "
        "model events' outputs and the structured response",
        _STRIP
        + _WEATHER
        + """
import asyncio
from pydantic import BaseModel
from langchain.agents import create_agent
from langchain.agents.structured_output import ProviderStrategy
from langchain_openai import ChatOpenAI

class Forecast(BaseModel):
    city: str
    sunny: bool

async def run():
    model = ChatOpenAI(model="gpt-4.1-mini", use_responses_api=True)
    agent = create_agent(model, tools=[get_weather], response_format=ProviderStrategy(Forecast))
    out, final = [], None
    async for ev in agent.astream_events(
            {"messages": [{"role": "user", "content": "Use a tool: weather in Oslo"}]},
            version="v2"):
        if ev["event"] == "on_chat_model_end":
            msg = ev["data"]["output"]
            out.append([ev["name"], strip_ids(msg.content), strip_ids(msg.tool_calls),
                        strip_ids(msg.additional_kwargs), sorted(msg.response_metadata),
                        msg.usage_metadata])
        elif ev["event"] == "on_chain_end" and ev["name"] == "LangGraph":
            final = ev["data"]["output"]
    out.append(repr(final.get("structured_response")))
    return out

def main():
    return asyncio.run(run())
""",
        wire=("text.format.type", "text.format.name", "tools[].name", "stream"),
    ),
    Case(
        "probe_n_subgraph_agent_streamed",
        "pattern: a parent StateGraph whose node is a compiled agent over ChatOpenAI "
        "(streaming tokens), streamed with subgraphs=True and stream_mode=['messages', "
        "'updates']: each piece's namespace depth, node and content",
        _STRIP
        + _WEATHER
        + """
from typing import TypedDict
from langchain.agents import create_agent
from langgraph.graph import StateGraph, MessagesState, START, END
from langchain_openai import ChatOpenAI

def main():
    model = ChatOpenAI(model="gpt-4o-mini", stream_usage=True)
    agent = create_agent(model, tools=[get_weather])
    def summarize(state: MessagesState):
        return {"messages": [model.invoke(state["messages"][-1:] +
                                          [("user", "Summarize that.")])]}
    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("summarize", summarize)
    graph.add_edge(START, "agent")
    graph.add_edge("agent", "summarize")
    graph.add_edge("summarize", END)
    out = []
    for ns, mode, data in graph.compile().stream(
            {"messages": [("user", "Use a tool: weather in Oslo")]},
            stream_mode=["messages", "updates"], subgraphs=True):
        if mode == "messages":
            piece, meta = data
            out.append([len(ns), mode, type(piece).__name__, strip_ids(piece.content),
                        strip_ids(getattr(piece, "tool_call_chunks", None)),
                        getattr(piece, "usage_metadata", None), meta.get("langgraph_node")])
        else:
            out.append([len(ns), mode, sorted(data)])
    return out
""",
    ),
    _full_callbacks_case(
        "probe_n_anthropic_tool_stream_full_callbacks",
        "ChatAnthropic (streaming)",
        "from langchain_anthropic import ChatAnthropic",
        'ChatAnthropic(model="claude-sonnet-4-5", streaming=True, temperature=0.2, max_tokens=512)',
    ),
    _full_callbacks_case(
        "probe_n_responses_full_callbacks",
        "ChatOpenAI on the Responses API (output_version='responses/v1', streaming)",
        "from langchain_openai import ChatOpenAI",
        'ChatOpenAI(model="gpt-4.1-mini", use_responses_api=True, streaming=True, '
        'output_version="responses/v1", temperature=0.3)',
    ),
]

PROBE_N_CASES += [
    Case(
        "probe_n_usage_details_summed_across_wires",
        "pattern: a Send fan-out whose branches call ChatOpenAI (Chat Completions, streamed "
        "with usage), ChatOpenAI on the Responses API and ChatAnthropic, replies carrying "
        "cached and reasoning token counts: each message's usage details and the sums "
        "get_usage_metadata_callback keeps per model",
        _STRIP
        + """
import operator
from typing import Annotated, TypedDict
from langchain_core.callbacks import get_usage_metadata_callback
from langgraph.graph import StateGraph, START, END
from langgraph.types import Send
from langchain_openai import ChatOpenAI
from langchain_anthropic import ChatAnthropic
from chatplex.testing import MockServer

class State(TypedDict):
    asks: list
    answers: Annotated[list, operator.add]

def main():
    with MockServer(usage_details={"cached": 3, "reasoning": 2}) as server:
        models = {
            "chat": ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url,
                               api_key="sk-test", stream_usage=True),
            "responses": ChatOpenAI(model="gpt-4.1-mini", base_url=server.openai_base_url,
                                    api_key="sk-test", use_responses_api=True),
            "claude": ChatAnthropic(model="claude-3-5-haiku-latest", api_key="sk-test",
                                    base_url=server.anthropic_base_url),
        }

        def ask(state):
            model = models[state["which"]]
            if state["stream"]:
                message = None
                for piece in model.stream(state["which"] + " question"):
                    message = piece if message is None else message + piece
            else:
                message = model.invoke(state["which"] + " question")
            return {"answers": [[state["which"], state["stream"], strip_ids(message.content),
                                 message.usage_metadata]]}

        graph = StateGraph(State)
        graph.add_node("ask", ask)
        graph.add_conditional_edges(START, lambda s: [
            Send("ask", {"which": w, "stream": st}) for w, st in s["asks"]], ["ask"])
        graph.add_edge("ask", END)
        asks = [(w, st) for w in models for st in (False, True)]
        with get_usage_metadata_callback() as cb:
            result = graph.compile().invoke({"asks": asks, "answers": []})
    return [sorted(result["answers"], key=str), cb.usage_metadata]
""",
    ),
    Case(
        "probe_n_configurable_model_agent_switches_provider",
        "pattern: create_agent over init_chat_model with configurable_fields=('model', "
        "'model_provider', 'temperature'), the model switched per call through the "
        "config from OpenAI to Anthropic, each run with a tool call and a checkpointer",
        _STRIP
        + _WEATHER
        + """
from langchain.agents import create_agent
from langchain.chat_models import init_chat_model
from langgraph.checkpoint.memory import InMemorySaver

def main():
    model = init_chat_model("gpt-4o-mini", model_provider="openai",
                            configurable_fields=("model", "model_provider", "temperature"))
    agent = create_agent(model, tools=[get_weather], checkpointer=InMemorySaver())
    out = []
    for thread, conf in (("a", {}),
                         ("b", {"model": "claude-sonnet-4-5", "model_provider": "anthropic",
                                "temperature": 0.1})):
        config = {"configurable": {"thread_id": thread, **conf}}
        result = agent.invoke({"messages": [("user", "Use a tool: weather in Oslo")]}, config)
        out.append([[type(m).__name__, strip_ids(m.content),
                     [c["name"] for c in getattr(m, "tool_calls", [])],
                     sorted(getattr(m, "response_metadata", {})),
                     getattr(m, "response_metadata", {}).get("model_name")]
                    for m in result["messages"]])
    return out
""",
        wire=("model", "temperature", "tools[].name", "tools[].function.name"),
    ),
]

#: Tools whose results are more than a string: content blocks with an image, an error
#: the agent hands back to the model, an artifact beside the content.
_RICH_TOOLS = '''
from langchain_core.tools import tool

PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
         "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

@tool
def get_chart(city: str) -> list:
    """Get a weather chart for a city."""
    return [{"type": "text", "text": f"Chart for {city}:"},
            {"type": "image", "base64": PIXEL, "mime_type": "image/png"}]

@tool
def get_alerts(city: str) -> str:
    """Get the weather alerts for a city."""
    raise ValueError(f"no alert feed for {city}")

@tool(response_format="content_and_artifact")
def get_records(city: str):
    """Get the weather records for a city."""
    return f"3 records for {city}", {"rows": [1, 2, 3]}
'''


def _rich_tool_case(name: str, model_line: str, imports: str, wire: tuple[str, ...]) -> Case:
    return Case(
        name,
        "pattern: create_agent whose model calls three tools at once: one returning text "
        "and image content blocks, one raising (handed back as an error), one with an "
        "artifact; the final state and what the second request carried",
        _STRIP
        + _RICH_TOOLS
        + imports
        + """
from chatplex.testing import MockServer
from chatplex.testing.script import MockScript, ScriptRule
from langchain.agents import create_agent
from langchain.agents.middleware import wrap_tool_call
from langchain_core.messages import ToolMessage

@wrap_tool_call
def errors_to_model(request, handler):
    try:
        return handler(request)
    except Exception as err:
        return ToolMessage(f"Error: {err}", tool_call_id=request.tool_call["id"],
                           status="error")

MULTI = MockScript(rules=[
    ScriptRule(user_text=r"everything", call="get_chart", args={"city": "Oslo"},
               also=[{"call": "get_alerts", "args": {"city": "Oslo"}},
                     {"call": "get_records", "args": {"city": "Oslo"}}]),
])

def main():
    seen = []
    with MockServer(script=MULTI, fault_plan=lambda r: seen.append(r.json) or None) as server:
        model = MODEL_LINE
        agent = create_agent(model, tools=[get_chart, get_alerts, get_records],
                             middleware=[errors_to_model])
        result = agent.invoke({"messages": [("user", "Tell me everything about Oslo")]})
    return [[[type(m).__name__, strip_ids(m.content), getattr(m, "status", None),
              getattr(m, "artifact", None)] for m in result["messages"]],
            [strip_ids(body.get(KEY)) for body in seen]]
""".replace("MODEL_LINE", model_line).replace("KEY", repr(wire[0])),
    )


PROBE_N_CASES += [
    _rich_tool_case(
        "probe_n_rich_tool_results_chat_completions",
        'ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-t")',
        "from langchain_openai import ChatOpenAI\n",
        ("messages",),
    ),
    _rich_tool_case(
        "probe_n_rich_tool_results_responses",
        'ChatOpenAI(model="gpt-4.1-mini", base_url=server.openai_base_url, api_key="sk-t", '
        "use_responses_api=True)",
        "from langchain_openai import ChatOpenAI\n",
        ("input",),
    ),
    _rich_tool_case(
        "probe_n_rich_tool_results_anthropic",
        'ChatAnthropic(model="claude-sonnet-4-5", base_url=server.anthropic_base_url, '
        'api_key="sk-t")',
        "from langchain_anthropic import ChatAnthropic\n",
        ("messages",),
    ),
]

PROBE_N_CASES += [
    Case(
        "probe_n_responses_cut_body_graph_retry_policy",
        "pattern: a StateGraph node calling ChatOpenAI on the Responses API (max_retries=0) "
        "under LangGraph's default RetryPolicy; every reply body is cut in half: the error "
        "the graph raises (json.JSONDecodeError, which the policy does not retry) and how "
        "many requests were sent",
        """
import json, openai
from langgraph.graph import StateGraph, MessagesState, START, END
from langgraph.types import RetryPolicy
from langchain_openai import ChatOpenAI
from chatplex.testing import MockServer

def main():
    sent = []
    def cut(request):
        sent.append(request.path)
        return "malformed_json"
    out = []
    with MockServer(fault_plan=cut) as server:
        for responses in (True, False):
            model = ChatOpenAI(model="gpt-4.1-mini", base_url=server.openai_base_url,
                               api_key="sk-t", max_retries=0, use_responses_api=responses)
            graph = StateGraph(MessagesState)
            graph.add_node("call", lambda state: {"messages": [model.invoke(state["messages"])]},
                           retry_policy=RetryPolicy(max_attempts=3, initial_interval=0.01,
                                                    jitter=False))
            graph.add_edge(START, "call")
            graph.add_edge("call", END)
            sent.clear()
            try:
                graph.compile().invoke({"messages": [("user", "hi")]})
            except Exception as err:
                out.append([responses, isinstance(err, json.JSONDecodeError),
                            isinstance(err, openai.APIError), isinstance(err, ValueError),
                            getattr(err, "msg", None), getattr(err, "pos", None), len(sent)])
    return out
""",
    ),
]

#: An agent streamed as messages, over each model of `MODELS` (given by the case).
_MESSAGES_MODE = """
from langchain.agents import create_agent

def pieces(model):
    agent = create_agent(model, tools=[get_weather])
    return [[type(piece).__name__, strip_ids(piece.content),
             strip_ids(getattr(piece, "tool_call_chunks", None)),
             getattr(piece, "usage_metadata", None),
             sorted(getattr(piece, "response_metadata", {})), meta.get("langgraph_node")]
            for piece, meta in agent.stream(
                {"messages": [("user", "Use a tool: weather in Oslo")]},
                stream_mode="messages")]

def main():
    return [pieces(model) for model in MODELS]
"""

PROBE_N_CASES += [
    Case(
        "probe_n_agent_streaming_switches_messages_mode",
        "pattern: agents streamed as messages over ChatOpenAI(disable_streaming="
        "'tool_calling') and ChatOpenAI on the Responses API with disable_streaming=True: "
        "each piece's type, content, tool call chunks, usage, metadata keys and node",
        _STRIP
        + _WEATHER
        + """
from langchain_openai import ChatOpenAI

MODELS = [ChatOpenAI(model="gpt-4o-mini", disable_streaming="tool_calling"),
          ChatOpenAI(model="gpt-4.1-mini", use_responses_api=True, disable_streaming=True)]
"""
        + _MESSAGES_MODE,
        wire=("stream",),
    ),
    Case(
        "probe_n_anthropic_stream_usage_off_agent",
        "pattern: an agent over ChatAnthropic(streaming=True, stream_usage=False) streamed "
        "as messages: each piece's type, content, tool call chunks, usage, metadata keys "
        "and node",
        _STRIP
        + _WEATHER
        + """
from langchain_anthropic import ChatAnthropic

MODELS = [ChatAnthropic(model="claude-sonnet-4-5", streaming=True, stream_usage=False)]
"""
        + _MESSAGES_MODE,
        status="deliberate",
        kept=Difference(
            Reason.LOSES_DATA,
            "with `stream_usage=False`, drops the stream's first chunk along with the "
            "usage: the merged reply has no `model_name`, which an invoke's reply and a "
            "stream with usage have",
            "drops the usage alone: the stream still opens on an empty chunk naming the "
            "model, as with `stream_usage=True`",
        ),
        langchain_fails=lambda seen: not any("model_name" in piece[4] for piece in seen[0]),
    ),
]
