"""Scripts around ChatAnthropic that combine features no case combined: an agent with a
checkpointer that fails on an overloaded model (529) and resumes on another, structured
output streamed (tool strategy, JSON schema, with its raw reply), token counting with
tools and a system prompt, a tool-calling agent streamed as messages after a cut stream,
a batch of structured calls with one failing and return_exceptions. Pure import swaps."""

from __future__ import annotations

from compat_cases_probe_k import _STRIP
from compat_cases_probe_k import _WEATHER
from compat_harness import Case

PROBE_M_CASES = [
    Case(
        "probe_m_agent_resumes_after_overload",
        "pattern: create_agent over ChatAnthropic with a checkpointer; the model overloaded "
        "(529): the error, the snapshot, then the same thread resumed (invoke(None)) by an "
        "agent on a healthy model",
        _STRIP
        + _WEATHER
        + """
from langchain.agents import create_agent
from langchain_anthropic import ChatAnthropic
from langgraph.checkpoint.memory import InMemorySaver

def main():
    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "t1"}}
    overloaded = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                               default_headers={"x-mock-fault": "status=529"})
    out = []
    try:
        create_agent(overloaded, tools=[get_weather], checkpointer=saver).invoke(
            {"messages": [{"role": "user", "content": "Use a tool: weather in Oslo"}]}, config)
    except Exception as err:
        out.append([type(err).__name__, getattr(err, "status_code", None),
                    strip_ids(str(err))[:80]])
    snap = create_agent(overloaded, tools=[get_weather], checkpointer=saver).get_state(config)
    out.append([snap.next, [t.name for t in snap.tasks], len(snap.values["messages"])])
    healthy = ChatAnthropic(model="claude-sonnet-4-5")
    result = create_agent(healthy, tools=[get_weather], checkpointer=saver).invoke(None, config)
    out.append([(type(m).__name__, strip_ids(m.content),
                 [c["name"] for c in getattr(m, "tool_calls", [])]) for m in result["messages"]])
    out.append(strip_ids(result["messages"][-1].usage_metadata))
    return out
""",
    ),
    Case(
        "probe_m_structured_stream_strategies",
        "pattern: ChatAnthropic.with_structured_output streamed: the tool strategy, "
        "json_schema, and include_raw: each piece the script sees",
        _STRIP
        + """
from pydantic import BaseModel
from langchain_anthropic import ChatAnthropic

class Weather(BaseModel):
    city: str
    degrees: int

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5")
    out = []
    for kwargs in ({}, {"method": "json_schema"}, {"method": "function_calling"}):
        pieces = list(model.with_structured_output(Weather, **kwargs).stream("Oslo?"))
        out.append([kwargs, [repr(p) for p in pieces]])
    for kwargs in ({}, {"method": "json_schema"}):
        with_raw = model.with_structured_output(Weather, include_raw=True, **kwargs)
        pieces = list(with_raw.stream("Oslo?"))
        final = {}
        for piece in pieces:  # as scripts gather them
            final.update(piece)
        raw = final.get("raw")
        # parsed and parsing_error come from parallel branches: in either order
        keys = [sorted(p) for p in pieces if "raw" in p]
        keys += sorted(sorted(p) for p in pieces if "raw" not in p)
        out.append([kwargs, keys, repr(final.get("parsed")),
                    repr(final.get("parsing_error")), type(raw).__name__,
                    strip_ids(getattr(raw, "content", None)),
                    strip_ids(getattr(raw, "tool_calls", None)),
                    getattr(raw, "usage_metadata", None)])
    return out
""",
        wire=("tool_choice", "output_config.format.type", "stream"),
    ),
    Case(
        "probe_m_structured_astream_dict_schema",
        "pattern: with_structured_output(<JSON schema dict>) astreamed and abatched over "
        "ChatAnthropic: the dicts each yields",
        """
import asyncio
from langchain_anthropic import ChatAnthropic

SCHEMA = {"title": "Person", "description": "A person.", "type": "object",
          "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
          "required": ["name", "age"]}

async def run():
    model = ChatAnthropic(model="claude-sonnet-4-5")
    out = []
    for kwargs in ({}, {"method": "json_schema"}):
        structured = model.with_structured_output(SCHEMA, **kwargs)
        out.append([p async for p in structured.astream("Who?")])
        out.append(await structured.abatch(["a", "b"]))
    return out

def main():
    return asyncio.run(run())
""",
    ),
    Case(
        "probe_m_count_tokens_with_tools",
        "pattern: ChatAnthropic.get_num_tokens_from_messages with tools (a @tool, a "
        "pydantic class, a dict), a system prompt and a tool round trip",
        _WEATHER
        + """
from pydantic import BaseModel
from langchain_core.messages import SystemMessage, HumanMessage, AIMessage, ToolMessage
from langchain_anthropic import ChatAnthropic

class Add(BaseModel):
    '''Add two integers.'''
    a: int
    b: int

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5")
    history = [SystemMessage("Be brief."), HumanMessage("Weather in Oslo?"),
               AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Oslo"},
                                          "id": "toolu_1", "type": "tool_call"}]),
               ToolMessage("Sunny", tool_call_id="toolu_1")]
    dict_tool = {"name": "lookup", "description": "Look up.",
                 "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}
    return [model.get_num_tokens_from_messages(history),
            model.get_num_tokens_from_messages(history, tools=[get_weather]),
            model.get_num_tokens_from_messages(history, tools=[get_weather, Add, dict_tool]),
            model.get_num_tokens_from_messages([HumanMessage("hi")], tools=[])]
""",
        wire=("tools", "system", "messages"),
    ),
    Case(
        "probe_m_agent_stream_messages_cut",
        "pattern: a tool-calling agent over ChatAnthropic streamed (stream_mode="
        "'messages') whose model stream is cut mid-reply: the pieces seen, then the error",
        _STRIP
        + _WEATHER
        + """
from langchain.agents import create_agent
from langchain_anthropic import ChatAnthropic

def main():
    model = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                          default_headers={"x-mock-fault": "midstream_close;after=2",
                                           "x-mock-chunks": "4"})
    agent = create_agent(model, tools=[get_weather])
    seen = []
    try:
        for chunk, meta in agent.stream({"messages": [{"role": "user", "content": "hi"}]},
                                        stream_mode="messages"):
            seen.append([type(chunk).__name__, strip_ids(chunk.content), meta["langgraph_node"]])
    except Exception as err:
        seen.append([type(err).__name__, type(err).__module__.split(".")[0]])
    return seen
""",
    ),
    Case(
        "probe_m_structured_batch_one_fails",
        "pattern: a structured-output chain batched over ChatAnthropic with "
        "return_exceptions, one input's call rejected (a per-call fault header): the "
        "parsed objects and the error's class and status",
        """
from pydantic import BaseModel
from langchain_core.prompts import ChatPromptTemplate
from langchain_anthropic import ChatAnthropic

class Weather(BaseModel):
    city: str
    degrees: int

def main():
    prompt = ChatPromptTemplate.from_messages([("human", "Weather in {city}?")])
    good = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0)
    bad = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                        default_headers={"x-mock-fault": "status=400;message=bad input"})
    out = []
    for model in (good, bad):
        chain = prompt | model.with_structured_output(Weather, include_raw=True)
        got = chain.batch([{"city": "Oslo"}, {"city": "Rome"}], return_exceptions=True)
        out.append([type(g).__name__ if isinstance(g, Exception) else
                    [repr(g["parsed"]), g["parsing_error"]] for g in got])
        out.append([getattr(g, "status_code", None) for g in got])
    return out
""",
    ),
    Case(
        "probe_m_structured_astream_events",
        "pattern: a prompt | ChatAnthropic.with_structured_output chain's astream_events "
        "(v2): each event's kind, name, tags and the type of its data",
        """
import asyncio
from pydantic import BaseModel
from langchain_core.prompts import ChatPromptTemplate
from langchain_anthropic import ChatAnthropic

class Weather(BaseModel):
    city: str
    degrees: int

async def run():
    prompt = ChatPromptTemplate.from_messages([("human", "Weather in {city}?")])
    out = []
    for kwargs in ({}, {"method": "json_schema"}):
        chain = prompt | ChatAnthropic(model="claude-sonnet-4-5").with_structured_output(
            Weather, **kwargs)
        async for event in chain.astream_events({"city": "Oslo"}, version="v2"):
            data = event["data"]
            out.append([event["event"], event["name"], event["tags"],
                        sorted(data), type(data.get("chunk")).__name__,
                        type(data.get("output")).__name__])
    return out

def main():
    return asyncio.run(run())
""",
    ),
    Case(
        "probe_m_agent_stream_tool_chunks",
        "pattern: create_agent over ChatAnthropic streamed with stream_mode=['updates', "
        "'messages']: the tool call chunks of each message piece and each update's node",
        _STRIP
        + _WEATHER
        + """
from langchain.agents import create_agent
from langchain_anthropic import ChatAnthropic

def main():
    agent = create_agent(ChatAnthropic(model="claude-sonnet-4-5"), tools=[get_weather])
    out = []
    for mode, item in agent.stream(
            {"messages": [{"role": "user", "content": "Use a tool: weather in Oslo"}]},
            stream_mode=["updates", "messages"]):
        if mode == "messages":
            chunk, meta = item
            out.append([mode, type(chunk).__name__,
                        strip_ids(getattr(chunk, "tool_call_chunks", None)),
                        getattr(chunk, "chunk_position", None),
                        strip_ids(chunk.content), meta["langgraph_node"]])
        else:
            out.append([mode, sorted(item)])
    return out
""",
    ),
    Case(
        "probe_m_fallback_on_overload_streamed",
        "pattern: an overloaded ChatAnthropic (529) with_fallbacks to another, "
        "exception_key set, streamed and invoked: what each run yields",
        _STRIP
        + """
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda
from langchain_anthropic import ChatAnthropic

def main():
    overloaded = ChatAnthropic(model="claude-sonnet-4-5", max_retries=0,
                               default_headers={"x-mock-fault": "status=529"})
    backup = ChatAnthropic(model="claude-haiku-4-5")
    prompt = ChatPromptTemplate.from_messages([("human", "{question}")])
    chain = (prompt | overloaded).with_fallbacks([prompt | backup])
    keyed = (prompt | overloaded).with_fallbacks(
        [RunnableLambda(lambda d: [type(d["error"]).__name__, d["error"].status_code])],
        exception_key="error")
    return [strip_ids(chain.invoke({"question": "hi"}).content),
            [strip_ids(c.content) for c in chain.stream({"question": "hi"})],
            keyed.invoke({"question": "hi"}), list(keyed.stream({"question": "hi"}))]
""",
    ),
]
