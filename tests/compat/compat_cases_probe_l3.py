"""Scripts over the OpenAI-compatible presets' classes, async and in chains: events of a
tool-bound stream, structured output in a batch whose replies do not parse, a retry on
the SDK's rate-limit class, an agent streaming messages, a model copied and bound. Pure
import swaps, as everywhere in the suite. (ChatMistralAI's tool calls streamed in pieces
are a kept difference: compat_cases_probe_l.py.)"""

from __future__ import annotations

from compat_cases_probe_l import _PRESETS
from compat_cases_probe_l import _SCHEMA
from compat_cases_probe_l import _START_LOG
from compat_cases_probe_l import _WEATHER
from compat_harness import Case

PROBE_L3_CASES = [
    Case(
        "probe_l_astream_events_tool_bound",
        "pattern: astream_events(version='v2') of prompt | preset.bind_tools, each preset: "
        "the events' kinds and names, the end event's output tool calls and usage",
        _PRESETS
        + _WEATHER
        + """
from langchain_core.prompts import ChatPromptTemplate

async def main():
    out = []
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    for model in presets():
        if type(model).__name__ == "ChatMistralAI":
            continue  # (its calls streamed in pieces: kept)
        chain = prompt | model.bind_tools([get_weather])
        events = []
        async for event in chain.astream_events({"q": "Use the tool for Oslo"}, version="v2"):
            data = event["data"]
            chunk = data.get("chunk")
            events.append([event["event"], event["name"], type(chunk).__name__,
                           sorted(event.get("metadata", {}))])
            if event["event"] == "on_chat_model_end":
                output = data["output"]
                events.append([[(c["name"], c["args"]) for c in output.tool_calls],
                               output.usage_metadata, sorted(output.response_metadata)])
        out.append([type(model).__name__, events])
    return out
""",
    ),
    Case(
        "probe_l_structured_batch_parse_errors_returned",
        "pattern: with_structured_output(Person, method='json_mode') in a batch with "
        "return_exceptions=True: replies that are no JSON come back as errors, in order",
        _PRESETS
        + _SCHEMA
        + """
def main():
    out = []
    for model in presets():
        chain = model.with_structured_output(Person, method="json_mode")
        got = chain.batch(["Ann, 31", "Bob, 40"], return_exceptions=True)
        out.append([type(model).__name__, [type(g).__name__ for g in got],
                    [str(g)[:40] for g in got if isinstance(g, Exception)][:1]])
    return out
""",
    ),
    Case(
        "probe_l_with_retry_on_sdk_rate_limit",
        "pattern: with_retry(retry_if_exception_type=(openai.RateLimitError,)) on the "
        "BaseChatOpenAI presets, and (groq.RateLimitError,) on ChatGroq, every call a 429: "
        "the attempts a callback counted, the error that came out",
        _PRESETS
        + """
import groq, openai
from langchain_core.callbacks import BaseCallbackHandler

class Count(BaseCallbackHandler):
    def __init__(self):
        self.starts = self.errors = 0
    def on_chat_model_start(self, *args, **kwargs):
        self.starts += 1
    def on_llm_error(self, error, **kwargs):
        self.errors += 1

def main():
    out = []
    for model in presets(max_retries=0, default_headers={"x-mock-fault": "status=429"}):
        name = type(model).__name__
        if name in ("ChatMistralAI", "ChatFireworks"):
            continue  # (no default_headers there)
        kind = groq.RateLimitError if name == "ChatGroq" else openai.RateLimitError
        count = Count()
        retried = model.with_retry(retry_if_exception_type=(kind,), stop_after_attempt=3,
                                   wait_exponential_jitter=False)
        try:
            retried.invoke("hi", config={"callbacks": [count]})
        except Exception as err:
            out.append([name, type(err).__name__, isinstance(err, kind), count.starts,
                        count.errors, getattr(err, "status_code", None)])
    return out
""",
    ),
    Case(
        "probe_l_agent_streams_messages",
        "pattern: create_agent over ChatGroq, ChatDeepSeek, ChatXAI and ChatTogether with "
        "a tool, stream_mode='messages': each piece's type, node and tool calls",
        _PRESETS
        + _WEATHER
        + """
from langchain.agents import create_agent

def main():
    out = []
    for model in [m for m in presets() if type(m).__name__ != "ChatMistralAI"][:4]:
        agent = create_agent(model, tools=[get_weather])
        pieces = []
        for message, meta in agent.stream(
                {"messages": [{"role": "user", "content": "Use the tool for Oslo"}]},
                stream_mode="messages"):
            pieces.append([type(message).__name__, meta.get("langgraph_node"),
                           message.content if isinstance(message.content, str) else "blocks",
                           [t.get("name") for t in getattr(message, "tool_call_chunks", [])]])
        out.append([type(model).__name__, pieces])
    return out
""",
    ),
    Case(
        "probe_l_model_copy_bind_stop",
        "pattern: model_copy(update={'temperature': ...}) of each preset, then "
        "bind(stop=[...]) and with_config(tags=...), invoked: what each request asked for",
        _PRESETS
        + """
def main():
    out = []
    for model in presets(temperature=0.9):
        copy = model.model_copy(update={"temperature": 0.1})
        reply = copy.bind(stop=["END"]).with_config(tags=["copied"]).invoke("hi")
        out.append([type(copy).__name__, copy.temperature, model.temperature, reply.content])
    return out
""",
        wire=("temperature", "stop", "model"),
    ),
]

#: ChatSambaNova at the mock server (its base URL by `base_url`, as its variable is not
#: one the suite sets).
_SAMBANOVA = """
import os
from langchain_sambanova import ChatSambaNova

def sambanova(**kw):
    return ChatSambaNova(model="Meta-Llama-3.3-70B-Instruct", api_key="sk-compat",
                         base_url=os.environ["OPENAI_BASE_URL"], **kw)
"""

PROBE_L3_CASES += [
    Case(
        "probe_l_sambanova_structured_and_streamed_calls",
        "pattern: ChatSambaNova: with_structured_output by each method with include_raw, "
        "then bind_tools streamed: tool call chunks, usage, metadata keys",
        _SAMBANOVA
        + _SCHEMA
        + _WEATHER
        + """
def main():
    out = []
    model = sambanova(max_tokens=64)
    for method in ("function_calling", "json_schema", "json_mode"):
        try:
            got = model.with_structured_output(Person, method=method, include_raw=True).invoke(
                "Tell me about Ann, 31. Use the tool.")
        except Exception as err:
            out.append([method, "raised", type(err).__name__])
            continue
        out.append([method, got["parsed"], type(got["parsing_error"]).__name__,
                    got["raw"].content, sorted(got["raw"].response_metadata)])
    chunks = list(model.bind_tools([get_weather]).stream("Use the tool for Oslo"))
    merged = chunks[0]
    for c in chunks[1:]:
        merged = merged + c
    out.append([[[(t.get("name"), t.get("args")) for t in c.tool_call_chunks] for c in chunks],
                [(c["name"], c["args"]) for c in merged.tool_calls], merged.usage_metadata,
                sorted(merged.response_metadata)])
    return out
""",
        wire=("response_format.type", "tool_choice", "stream", "stream_options", "max_tokens"),
    ),
    Case(
        "probe_l_sambanova_errors_and_callbacks",
        "pattern: ChatSambaNova: errors per status (401, 404, 429, 500), then a callback "
        "handler's invocation params and ls_ metadata",
        _SAMBANOVA
        + _START_LOG
        + """
import httpx, openai

def main():
    out = []
    for code in (401, 404, 429, 500):
        model = sambanova(max_retries=0, default_headers={"x-mock-fault": f"status={code}"})
        try:
            model.invoke("hi")
        except Exception as err:
            out.append([code, type(err).__name__, isinstance(err, openai.APIStatusError),
                        isinstance(err, httpx.HTTPStatusError),
                        getattr(err, "status_code", None)])
    log = Log()
    sambanova(temperature=0.2).invoke("hi", config={"callbacks": [log]})
    return [out, log.seen]
""",
    ),
]
