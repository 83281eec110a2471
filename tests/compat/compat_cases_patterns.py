"""Chat-model patterns LangChain scripts use most, each as a side-by-side case: the
constructors and their aliases, tools and the tool-message loop, streaming, structured
output, usage and metadata, callbacks, errors, candidates, limiters, events, batches,
fallbacks, and the kept differences (each with its closed reason and a check of
LangChain's outcome; docs/porting.md's table is made from them)."""

from __future__ import annotations

from compat_cases_scripts import CITY
from compat_cases_scripts import GET_WEATHER
from compat_cases_scripts import PERSON
from compat_harness import Case

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

_OPENAI = """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini")
"""

_ANTHROPIC = """
from langchain_anthropic import ChatAnthropic

model = ChatAnthropic(model="claude-sonnet-4-5")
"""

_PERSON = (
    """
from typing_extensions import TypedDict
from pydantic import BaseModel, Field
"""
    + PERSON
    + """
class Movie(TypedDict):
    '''A movie.'''
    title: str
    year: int
"""
    + CITY
)

_WEATHER_TOOL = (
    """
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
"""
    + GET_WEATHER
)


def _tool_loop(model_source: str) -> str:
    return (
        model_source
        + _WEATHER_TOOL
        + """
def main():
    llm = model.bind_tools([get_weather])
    messages = [HumanMessage("What is the weather in Paris? Use the tool.")]
    reply = llm.invoke(messages)
    messages.append(reply)
    for call in reply.tool_calls:
        result = get_weather.invoke(call["args"])
        messages.append(ToolMessage(content=result, tool_call_id=call["id"]))
    final = llm.invoke(messages)
    return [reply.tool_calls[0]["name"], reply.tool_calls[0]["args"], final.content]
"""
    )


PATTERN_CASES = [
    # ---- constructors -------------------------------------------------------------------
    Case(
        "openai_constructor_aliases",
        "pattern: LangChain's parameter aliases",
        """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model_name="gpt-4o-mini",
    openai_api_key="sk-compat-suite-0000",
    max_completion_tokens=64,
    request_timeout=30,
    max_retries=1,
    stop_sequences=["zzz"],
    temperature=0.2,
    top_p=0.9,
    seed=7,
    presence_penalty=0.1,
    frequency_penalty=0.1,
)

def main():
    reply = model.invoke("aliases")
    return [reply, reply.response_metadata["model_name"]]
""",
    ),
    Case(
        "anthropic_constructor_aliases",
        "pattern: LangChain's parameter aliases",
        """
from langchain_anthropic import ChatAnthropic

model = ChatAnthropic(
    model_name="claude-sonnet-4-5",
    anthropic_api_key="sk-compat-suite-0000",
    max_tokens_to_sample=256,
    default_request_timeout=30,
    max_retries=1,
    stop=["zzz"],
    temperature=0.3,
    top_k=5,
)

def main():
    reply = model.invoke("aliases")
    return [reply, reply.response_metadata["model_name"]]
""",
    ),
    Case(
        "openai_default_model",
        "pattern: ChatOpenAI() with no model",
        """
from langchain_openai import ChatOpenAI

def main():
    model = ChatOpenAI()
    return [model.model_name, model.invoke("hi").response_metadata["model_name"]]
""",
    ),
    Case(
        "openai_model_kwargs_applied",
        "pattern: model_kwargs carry API parameters into the body",
        """
from langchain_openai import ChatOpenAI

fmt = {
    "type": "json_schema",
    "json_schema": {
        "name": "Answer",
        "schema": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]},
    },
}
model = ChatOpenAI(model="gpt-4o-mini", model_kwargs={"response_format": fmt, "user": "u-1"})

def main():
    return model.invoke("answer in JSON").content
""",
    ),
    Case(
        "openai_extra_body_applied",
        "pattern: extra_body for OpenAI-compatible servers",
        """
from langchain_openai import ChatOpenAI

fmt = {
    "type": "json_schema",
    "json_schema": {
        "name": "A",
        "schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
    },
}
model = ChatOpenAI(model="gpt-4o-mini", extra_body={"response_format": fmt})

def main():
    return model.invoke("json please").content
""",
    ),
    Case(
        "openai_typo_in_constructor",
        "pattern: a misspelt keyword",
        """
import warnings
from langchain_openai import ChatOpenAI

def main():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # LangChain warns and sends the typo
            model = ChatOpenAI(model="gpt-4o-mini", temprature=0)
        return model.invoke("hi").content
    except TypeError as exc:
        return "TypeError: " + str(exc).split(";")[0]
""",
        status="deliberate",
        kept=Difference(
            Reason.RAISES,
            "takes the misspelt keyword into `model_kwargs` with a warning, then every "
            "call raises TypeError (the OpenAI SDK's 'unexpected keyword argument')",
            "the constructor raises TypeError naming the closest setting, before any call",
        ),
        langchain_fails=lambda seen: (
            str(seen).startswith("TypeError: ")
            and "unexpected keyword argument 'temprature'" in str(seen)
        ),
    ),
    Case(
        "anthropic_model_kwargs",
        "pattern: model_kwargs on ChatAnthropic",
        _ANTHROPIC.replace(
            'model="claude-sonnet-4-5"',
            'model="claude-sonnet-4-5", model_kwargs={"service_tier": "standard_only"}',
        )
        + """
def main():
    return model.invoke("with metadata")
""",
    ),
    Case(
        "openai_bind_stop_per_call",
        "pattern: per-call and bound settings",
        _OPENAI
        + """
def main():
    bound = model.bind(stop=["zzz"], temperature=0)
    return [bound.invoke("bound"), model.invoke("per call", stop=["qqq"])]
""",
    ),
    Case(
        "openai_get_name_and_schema_title",
        "pattern: the model's name and schemas",
        _OPENAI
        + """
def main():
    return [
        model.get_name(),
        model.input_schema.model_json_schema()["title"],
        model.output_schema.model_json_schema()["title"],
    ]
""",
    ),
    Case(
        "anthropic_get_name",
        "pattern: the model's name",
        _ANTHROPIC
        + """
def main():
    return [model.get_name(), model.model]
""",
    ),
    # ---- tools ----------------------------------------------------------------------------
    Case("openai_tool_loop", "pattern: bind_tools and the ToolMessage loop", _tool_loop(_OPENAI)),
    Case(
        "anthropic_tool_loop",
        "pattern: bind_tools and the ToolMessage loop",
        _tool_loop(_ANTHROPIC),
    ),
    Case(
        "openai_tool_message_from_tool",
        "pattern: ToolMessage built by LangChain's tool.invoke(tool_call)",
        _OPENAI
        + _WEATHER_TOOL
        + """
def main():
    llm = model.bind_tools([get_weather])
    messages = [HumanMessage("Weather in Rome? Use the tool.")]
    reply = llm.invoke(messages)
    messages.append(reply)
    for call in reply.tool_calls:
        messages.append(get_weather.invoke(call))  # a ToolMessage, from langchain_core
    try:
        return llm.invoke(messages).content
    except Exception as exc:
        return type(exc).__name__
""",
    ),
    Case(
        "openai_forced_tool_choice",
        "pattern: bind_tools(tool_choice=name)",
        _OPENAI
        + _WEATHER_TOOL
        + """
def main():
    reply = model.bind_tools([get_weather], tool_choice="get_weather").invoke("hello")
    return reply.tool_calls
""",
    ),
    Case(
        "anthropic_pydantic_tool",
        "pattern: a pydantic class as a tool",
        _ANTHROPIC
        + _PERSON
        + """
def main():
    reply = model.bind_tools([Person]).invoke("Extract the person, use the tool: Ada, 36")
    return reply.tool_calls
""",
    ),
    Case(
        "openai_streamed_tool_calls",
        "pattern: streaming a tool call and adding the chunks",
        _OPENAI
        + _WEATHER_TOOL
        + """
def main():
    gathered = None
    for chunk in model.bind_tools([get_weather]).stream("Weather in Oslo? use the tool"):
        gathered = chunk if gathered is None else gathered + chunk
    return [gathered.tool_calls, [c["name"] for c in gathered.tool_call_chunks]]
""",
    ),
    Case(
        "anthropic_streamed_tool_calls",
        "pattern: streaming a tool call and adding the chunks",
        _ANTHROPIC
        + _WEATHER_TOOL
        + """
async def main():
    gathered = None
    async for chunk in model.bind_tools([get_weather]).astream("Weather? use the tool"):
        gathered = chunk if gathered is None else gathered + chunk
    return gathered.tool_calls
""",
    ),
    # ---- streaming --------------------------------------------------------------------------
    Case(
        "openai_stream_add_chunks",
        "pattern: stream and + the chunks",
        _OPENAI.replace('model="gpt-4o-mini"', 'model="gpt-4o-mini", stream_usage=True')
        + """
def main():
    full = None
    for chunk in model.stream("add these chunks"):
        full = chunk if full is None else full + chunk
    return full
""",
    ),
    Case(
        "anthropic_astream_add_chunks",
        "pattern: astream and + the chunks",
        _ANTHROPIC
        + """
async def main():
    full = None
    async for chunk in model.astream("add these chunks"):
        full = chunk if full is None else full + chunk
    return full
""",
    ),
    Case(
        "openai_stream_usage_default",
        "pattern: streamed usage with the default settings",
        _OPENAI
        + """
def main():
    full = None
    for chunk in model.stream("count my tokens"):
        full = chunk if full is None else full + chunk
    return full.usage_metadata
""",
    ),
    Case(
        "anthropic_stream_usage_off",
        "pattern: stream_usage=False",
        _ANTHROPIC.replace(
            'model="claude-sonnet-4-5"', 'model="claude-sonnet-4-5", stream_usage=False'
        )
        + """
def main():
    chunks = list(model.stream("no usage please"))
    return ["".join(c.content for c in chunks), [c for c in chunks if c.usage_metadata]]
""",
    ),
    Case(
        "anthropic_stream_chunk_usage",
        "pattern: usage on each streamed chunk",
        _ANTHROPIC
        + """
def main():
    return [chunk.usage_metadata for chunk in model.stream("usage per chunk")]
""",
    ),
    Case(
        "openai_streaming_true_callbacks",
        "pattern: streaming=True with a token handler under invoke",
        """
from langchain_core.callbacks.base import BaseCallbackHandler
from langchain_openai import ChatOpenAI

class Tokens(BaseCallbackHandler):
    def __init__(self):
        self.tokens = []
    def on_llm_new_token(self, token, **kwargs):
        self.tokens.append(token)

def main():
    handler = Tokens()
    model = ChatOpenAI(model="gpt-4o-mini", streaming=True, callbacks=[handler])
    reply = model.invoke("stream me")
    return [reply.content, "".join(handler.tokens)]
""",
    ),
    # ---- structured output ------------------------------------------------------------------
    Case(
        "openai_structured_default_method",
        "pattern: with_structured_output(PydanticClass)",
        _OPENAI
        + _PERSON
        + """
def main():
    return model.with_structured_output(Person).invoke("Ada is 36")
""",
    ),
    Case(
        "openai_structured_function_calling",
        "pattern: with_structured_output(method='function_calling')",
        _OPENAI
        + _PERSON
        + """
def main():
    runnable = model.with_structured_output(Person, method="function_calling")
    return [runnable.invoke("Ada is 36"), runnable.batch(["a", "b"])]
""",
    ),
    Case(
        "openai_structured_json_mode",
        "pattern: with_structured_output(method='json_mode')",
        """
from langchain_openai import ChatOpenAI
"""
        + _PERSON
        + """
model = ChatOpenAI(
    model="gpt-4o-mini", default_headers={"x-mock-reply": '{"name": "Ada", "age": 36}'}
)

def main():
    return model.with_structured_output(Person, method="json_mode").invoke("Reply in JSON")
""",
    ),
    Case(
        "openai_structured_typeddict",
        "pattern: with_structured_output(TypedDict)",
        _OPENAI
        + _PERSON
        + """
async def main():
    return await model.with_structured_output(Movie).ainvoke("a movie")
""",
    ),
    Case(
        "openai_structured_json_schema_dict",
        "pattern: with_structured_output(json_schema_dict, method='function_calling')",
        _OPENAI
        + _PERSON
        + """
def main():
    return model.with_structured_output(CITY, method="function_calling").invoke("Paris")
""",
    ),
    Case(
        "anthropic_structured_default_method",
        "pattern: ChatAnthropic.with_structured_output(PydanticClass)",
        _ANTHROPIC
        + _PERSON
        + """
def main():
    return model.with_structured_output(Person).invoke("Ada is 36")
""",
    ),
    Case(
        "anthropic_structured_json_schema",
        "pattern: ChatAnthropic.with_structured_output(method='json_schema')",
        _ANTHROPIC
        + _PERSON
        + """
def main():
    return model.with_structured_output(CITY, method="json_schema").invoke("Paris")
""",
    ),
    Case(
        "openai_structured_include_raw",
        "pattern: include_raw=True",
        _OPENAI
        + _PERSON
        + """
def main():
    out = model.with_structured_output(Person, method="function_calling", include_raw=True)
    result = out.invoke("Ada is 36")
    return [sorted(result), result["parsed"], result["parsing_error"], result["raw"].tool_calls]
""",
    ),
    Case(
        "openai_structured_stream_partial",
        "pattern: streaming structured output",
        _OPENAI
        + _PERSON
        + """
def main():
    return list(model.with_structured_output(Movie, method="function_calling").stream("m"))
""",
    ),
    Case(
        "anthropic_structured_astream_partial",
        "pattern: streaming structured output",
        _ANTHROPIC
        + _PERSON
        + """
async def main():
    return [part async for part in model.with_structured_output(CITY).astream("a city")]
""",
    ),
    Case(
        "openai_structured_invalid_reply",
        "pattern: a reply that does not fit the schema",
        """
from langchain_openai import ChatOpenAI
"""
        + _PERSON
        + """
model = ChatOpenAI(model="gpt-4o-mini", default_headers={"x-mock-reply": '{"name": "Ada"}'})

def main():
    try:
        return model.with_structured_output(Person, method="json_mode").invoke("JSON")
    except ValueError:  # pydantic's ValidationError / chatplex's StructuredOutputError
        return "does not fit"
""",
    ),
    # ---- usage, metadata, candidates -----------------------------------------------------------
    Case(
        "openai_usage_metadata",
        "pattern: reading usage_metadata",
        _OPENAI
        + """
def main():
    usage = model.invoke("how many tokens").usage_metadata
    return [usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]]
""",
    ),
    Case(
        "anthropic_usage_metadata",
        "pattern: reading usage_metadata",
        _ANTHROPIC
        + """
def main():
    return model.invoke("how many tokens").usage_metadata
""",
    ),
    Case(
        "openai_response_metadata_values",
        "pattern: finish_reason, model_name and token_usage",
        _OPENAI
        + """
def main():
    meta = model.invoke("metadata").response_metadata
    return [meta["finish_reason"], meta["model_name"], meta["token_usage"]["total_tokens"]]
""",
    ),
    Case(
        "openai_response_metadata_keys",
        "pattern: the keys of response_metadata",
        _OPENAI
        + """
def main():
    return sorted(model.invoke("metadata").response_metadata)
""",
    ),
    Case(
        "anthropic_response_metadata_values",
        "pattern: stop_reason and model_name",
        _ANTHROPIC
        + """
def main():
    meta = model.invoke("metadata").response_metadata
    return [meta["stop_reason"], meta["model_name"], meta["usage"]["output_tokens"]]
""",
    ),
    Case(
        "openai_n2_generate",
        "pattern: n=2 candidates through generate()",
        """
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini", n=2)

def main():
    result = model.generate([[HumanMessage("first")], [HumanMessage("second")]])
    return [[g.text for g in prompt] for prompt in result.generations]
""",
    ),
    Case(
        "openai_n2_invoke",
        "pattern: n=2 under invoke (the first candidate)",
        """
from langchain_openai import ChatOpenAI

def main():
    return ChatOpenAI(model="gpt-4o-mini", n=2).invoke("two of them").content
""",
    ),
    # ---- callbacks, errors, limiter, events ----------------------------------------------------
    Case(
        "openai_callback_handler",
        "pattern: LangChain's BaseCallbackHandler in config",
        _OPENAI
        + """
from langchain_core.callbacks.base import BaseCallbackHandler

class Recorder(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.seen.append(("start", [m.content for m in messages[0]]))
    def on_llm_new_token(self, token, **kwargs):
        self.seen.append(("token", token))
    def on_llm_end(self, response, **kwargs):
        self.seen.append(("end", response.generations[0][0].text))

def main():
    handler = Recorder()
    model.invoke("call me back", config={"callbacks": [handler]})
    list(model.stream("and stream", config={"callbacks": [handler]}))
    return handler.seen
""",
    ),
    Case(
        "anthropic_async_callback_handler",
        "pattern: LangChain's AsyncCallbackHandler",
        _ANTHROPIC
        + """
from langchain_core.callbacks.base import AsyncCallbackHandler

class Ends(AsyncCallbackHandler):
    def __init__(self):
        self.texts = []
    async def on_llm_end(self, response, **kwargs):
        self.texts.append(response.generations[0][0].message.content)

async def main():
    handler = Ends()
    await model.abatch(["one", "two"], config={"callbacks": [handler]})
    return sorted(handler.texts)
""",
    ),
    Case(
        "openai_usage_metadata_callback",
        "pattern: get_usage_metadata_callback() around calls",
        _OPENAI
        + """
from langchain_core.callbacks import get_usage_metadata_callback

def main():
    with get_usage_metadata_callback() as cb:
        model.invoke("count these tokens")
        model.batch(["and these", "and those too"])
    return cb.usage_metadata
""",
    ),
    Case(
        "anthropic_usage_metadata_handler",
        "pattern: UsageMetadataCallbackHandler in config, streamed",
        _ANTHROPIC
        + """
from langchain_core.callbacks import UsageMetadataCallbackHandler

def main():
    handler = UsageMetadataCallbackHandler()
    model.invoke("count these tokens", config={"callbacks": [handler]})
    list(model.stream("and stream these", config={"callbacks": [handler]}))
    return handler.usage_metadata
""",
    ),
    Case(
        "openai_error_status_code",
        "pattern: an API error's status_code",
        """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model="gpt-4o-mini", max_retries=0, default_headers={"x-mock-fault": "status=400"}
)

def main():
    try:
        model.invoke("bad request")
    except Exception as exc:
        return [exc.status_code, "400" in str(exc)]
""",
    ),
    Case(
        "anthropic_error_status_code",
        "pattern: an API error's status_code",
        """
from langchain_anthropic import ChatAnthropic

model = ChatAnthropic(
    model="claude-sonnet-4-5", max_retries=0, default_headers={"x-mock-fault": "status=404"}
)

async def main():
    try:
        await model.ainvoke("not found")
    except Exception as exc:
        return exc.status_code
""",
    ),
    Case(
        "openai_rate_limiter",
        "pattern: InMemoryRateLimiter",
        """
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_openai import ChatOpenAI

limiter = InMemoryRateLimiter(requests_per_second=200, check_every_n_seconds=0.001)
model = ChatOpenAI(model="gpt-4o-mini", rate_limiter=limiter)

def main():
    return [model.invoke("paced"), model.batch(["a", "b", "c"])]
""",
    ),
    Case(
        "anthropic_rate_limiter_async",
        "pattern: InMemoryRateLimiter with async calls",
        """
from langchain_anthropic import ChatAnthropic
from langchain_core.rate_limiters import InMemoryRateLimiter

limiter = InMemoryRateLimiter(requests_per_second=200, check_every_n_seconds=0.001)
model = ChatAnthropic(model="claude-sonnet-4-5", rate_limiter=limiter)

async def main():
    full = None
    async for chunk in model.astream("stream"):
        full = chunk if full is None else full + chunk
    return [await model.ainvoke("paced"), full]
""",
    ),
    Case(
        "openai_events_include_names",
        "pattern: astream_events filtered by the model's name",
        _OPENAI
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

chain = ChatPromptTemplate.from_template("hi {x}") | model | StrOutputParser()

async def main():
    events = chain.astream_events({"x": "y"}, version="v2", include_names=["ChatOpenAI"])
    return [e async for e in events]
""",
    ),
    Case(
        "anthropic_events_include_names",
        "pattern: astream_events filtered by the model's name",
        _ANTHROPIC
        + """
async def main():
    events = model.astream_events("hi", version="v2", include_names=["ChatAnthropic"])
    return [(e["event"], e["name"]) async for e in events if e["event"] != "on_chat_model_stream"]
""",
    ),
    # ---- batches, fallbacks, retries --------------------------------------------------------
    Case(
        "openai_batch_max_concurrency",
        "pattern: batch / abatch with max_concurrency",
        _OPENAI
        + """
import asyncio

def main():
    prompts = [f"item {i}" for i in range(12)]
    sync = model.batch(prompts, config={"max_concurrency": 3})
    both = asyncio.run(model.abatch(prompts, config={"max_concurrency": 4}))
    return [sync, both]
""",
    ),
    Case(
        "openai_batch_return_exceptions",
        "pattern: batch(return_exceptions=True)",
        _OPENAI
        + """
from langchain_core.runnables import RunnableLambda

def check(text):
    if text == "bad":
        raise ValueError("bad input")
    return text

chain = RunnableLambda(check) | model

def main():
    return chain.batch(["good", "bad", "fine"], return_exceptions=True)
""",
    ),
    Case(
        "fallbacks_openai_to_anthropic",
        "pattern: with_fallbacks between the two providers",
        """
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI

broken = ChatOpenAI(
    model="gpt-4o-mini", max_retries=0, default_headers={"x-mock-fault": "status=500"}
)
backup = ChatAnthropic(model="claude-sonnet-4-5")
model = broken.with_fallbacks([backup])

def main():
    return [model.invoke("fall back"), model.batch(["a", "b"])]
""",
    ),
    Case(
        "anthropic_with_retry",
        "pattern: with_retry",
        _ANTHROPIC
        + """
def main():
    return model.with_retry(stop_after_attempt=2).invoke("retry me")
""",
    ),
    Case(
        "config_timeout_honoured",
        "pattern: RunnableConfig(timeout=...)",
        """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini", default_headers={"x-mock-latency": "1.0"})

def main():
    try:
        return model.invoke("slow", config={"timeout": 0.2}).content
    except TimeoutError:
        return "timed out"
""",
        status="deliberate",
        kept=Difference(
            Reason.HANGS,
            "ignores the run config's `timeout`: the call waits for the reply, with no end "
            "against a server that stalls",
            "the run config's `timeout` bounds the whole call (`DeadlineExceededError`, a "
            "`TimeoutError`), as in chatplex's own family",
        ),
        langchain_fails=lambda seen: seen != "timed out",
    ),
    # ---- kept differences (LangChain fails: its outcome is checked) ---------------------------
    Case(
        "module_model_repeated_asyncio_run",
        "pattern: a module-level model used by several asyncio.run calls",
        _OPENAI
        + """
import asyncio

def main():
    replies = []
    try:
        for text in ("one", "two"):
            replies.append(asyncio.run(model.ainvoke(text)).content)
    except RuntimeError as exc:
        replies.append(str(exc))
    return replies
""",
        status="deliberate",
        kept=Difference(
            Reason.RAISES,
            "a module-level model's second `asyncio.run` raises RuntimeError 'Event loop "
            "is closed' (its shared async client is bound to the first loop)",
            "keeps one connection pool per event loop: every `asyncio.run` gets its reply",
        ),
        langchain_fails=lambda seen: seen[-1] == "Event loop is closed",
    ),
]
