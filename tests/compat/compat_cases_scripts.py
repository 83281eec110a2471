"""Real-script patterns around the chat model itself: the SDK's exceptions caught around
a failing call, structured output and tools with the parameters LangChain sends (what
reaches the provider is compared: `wire`), the defaults LangChain fills in, and reply
caches. Pure import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_harness import Case

#: An SDK's partner package, class and model, for the scripts catching the SDK's errors.
_SDK_MODELS = {
    "openai": ("langchain_openai", "ChatOpenAI", "gpt-4o-mini"),
    "anthropic": ("langchain_anthropic", "ChatAnthropic", "claude-sonnet-4-5"),
}


def _sdk_error(sdk: str, name: str, fault: str, caught: str, call: str, **extra: object) -> Case:
    package, cls, model = _SDK_MODELS[sdk]
    source = f"""
import {sdk}
from {package} import {cls}

model = {cls}(
    model="{model}", max_retries=0, default_headers={{"x-mock-fault": "{fault}"}}
)

{"async " if "await" in call else ""}def main():
    try:
        {call}
    except {caught} as err:
        return ["caught", getattr(err, "status_code", None)]
    return "not raised"
"""
    return Case(name, f"pattern: except {caught} around a failing call", source, **extra)  # type: ignore[arg-type]


#: Script text the pattern scripts share (compat_cases_patterns too).
PERSON = """
class Person(BaseModel):
    '''A person mentioned in the text.'''
    name: str = Field(description="their name")
    age: int
"""
CITY = """
CITY = {
    "title": "City",
    "description": "A city.",
    "type": "object",
    "properties": {"name": {"type": "string"}, "population": {"type": "integer"}},
    "required": ["name", "population"],
}
"""
#: The weather tool the scripts around the model (compat_cases_around, _machinery) bind.
WEATHER_TOOL = '''
from langchain_core.tools import tool

@tool
def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"It is sunny in {city}."
'''
GET_WEATHER = """
@tool
def get_weather(city: str) -> str:
    '''Current weather for a city.'''
    return f"sunny in {city}"
"""

_SCHEMAS = (
    """
from typing_extensions import Annotated, TypedDict
from pydantic import BaseModel, Field
"""
    + PERSON
    + """
class Movie(TypedDict):
    '''A movie.'''
    title: Annotated[str, ..., "the movie's title"]
    year: Annotated[int, ..., "year of release"]
"""
    + CITY
)

_TOOLS = (
    """
from pydantic import BaseModel
from langchain_core.tools import tool
"""
    + GET_WEATHER
    + """
class Lookup(BaseModel):
    '''Look a word up.'''
    word: str
"""
)


def _structured(
    name: str, model_line: str, body: str, wire: tuple[str, ...], **extra: object
) -> Case:
    source = model_line + _SCHEMAS + body
    return Case(name, "pattern: with_structured_output", source, wire=wire, **extra)  # type: ignore[arg-type]


def _tools(name: str, model_line: str, body: str, wire: tuple[str, ...], **extra: object) -> Case:
    source = model_line + _TOOLS + body
    return Case(name, "pattern: bind_tools", source, wire=wire, **extra)  # type: ignore[arg-type]


_OPENAI = """
from langchain_openai import ChatOpenAI

model = ChatOpenAI(model="gpt-4o-mini")
"""

_ANTHROPIC = """
from langchain_anthropic import ChatAnthropic

model = ChatAnthropic(model="claude-sonnet-4-5")
"""

#: A script's opening: a pydantic answer and a weather tool, for the cases that offer both.
_WEATHER_OR_ANSWER = """
from pydantic import BaseModel
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

class Answer(BaseModel):
    text: str

@tool
def get_weather(city: str) -> str:
    \"\"\"Current weather for a city.\"\"\"
    return f"sunny in {city}"
"""

_OPENAI_WIRE = (
    "response_format.type",
    "response_format.json_schema.name",
    "response_format.json_schema.strict",
    "response_format.json_schema.schema.additionalProperties",
    "response_format.json_schema.schema.properties.*.description",
    "tools[].function.name",
    "tools[].function.strict",
    "tools[].function.parameters.additionalProperties",
    "tools[].function.parameters.properties.*.description",
    "tool_choice",
    "parallel_tool_calls",
)
_ANTHROPIC_WIRE = (
    "tools[].name",
    "tools[].cache_control",
    "tools[].input_schema.properties.*.description",
    "tool_choice",
    "output_config.format.type",
    "output_config.format.schema.additionalProperties",
)

SCRIPT_CASES = [
    # ---- the SDK's exceptions ---------------------------------------------------------
    _sdk_error(
        "openai",
        "script_openai_rate_limit_error",
        "status=429",
        "openai.RateLimitError",
        'model.invoke("hi")',
        order=True,
    ),
    _sdk_error(
        "openai",
        "script_openai_rate_limit_error_async",
        "status=429",
        "openai.RateLimitError",
        'await model.ainvoke("hi")',
    ),
    _sdk_error(
        "openai",
        "script_openai_rate_limit_error_stream",
        "status=429",
        "openai.RateLimitError",
        'list(model.stream("hi"))',
    ),
    _sdk_error(
        "openai",
        "script_openai_bad_request_error",
        "status=400",
        "openai.BadRequestError",
        'model.invoke("hi")',
    ),
    _sdk_error(
        "openai",
        "script_openai_authentication_error",
        "status=401",
        "openai.AuthenticationError",
        'model.invoke("hi")',
    ),
    _sdk_error(
        "openai",
        "script_openai_api_status_error",
        "status=503",
        "openai.APIStatusError",
        'model.invoke("hi")',
    ),
    _sdk_error(
        "openai",
        "script_openai_api_error_base",
        "status=500",
        "openai.APIError",
        'await model.abatch(["a", "b"])',
    ),
    Case(
        "script_openai_timeout_error",
        "pattern: except openai.APITimeoutError around a slow call",
        """
import openai
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model="gpt-4o-mini", timeout=0.3, max_retries=0, default_headers={"x-mock-latency": "3"}
)

def main():
    try:
        model.invoke("hi")
    except openai.APITimeoutError as err:
        return "caught"
    return "not raised"
""",
    ),
    Case(
        "script_openai_error_in_chain",
        "pattern: except openai.RateLimitError around a prompt | model | parser chain",
        """
import openai
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model="gpt-4o-mini", max_retries=0, default_headers={"x-mock-fault": "status=429"}
)
chain = ChatPromptTemplate.from_template("{q}") | model | StrOutputParser()

async def main():
    try:
        [p async for p in chain.astream({"q": "hi"})]
    except openai.RateLimitError as err:
        return ["caught", err.status_code]
    return "not raised"
""",
    ),
    Case(
        "script_openai_fallbacks_on_rate_limit",
        "pattern: with_fallbacks(exceptions_to_handle=(openai.RateLimitError,))",
        """
import openai
from langchain_openai import ChatOpenAI

limited = ChatOpenAI(
    model="gpt-4o-mini", max_retries=0, default_headers={"x-mock-fault": "status=429"}
)
backup = ChatOpenAI(model="gpt-4o")

def main():
    llm = limited.with_fallbacks([backup], exceptions_to_handle=(openai.RateLimitError,))
    return llm.invoke("hi").response_metadata["model_name"]
""",
        order=True,
    ),
    Case(
        "script_openai_retry_on_rate_limit",
        "pattern: with_retry(retry_if_exception_type=(openai.RateLimitError,))",
        """
import openai
from langchain_openai import ChatOpenAI

model = ChatOpenAI(
    model="gpt-4o-mini", max_retries=0, default_headers={"x-mock-fault": "status=429"}
)

def main():
    llm = model.with_retry(
        retry_if_exception_type=(openai.RateLimitError,),
        stop_after_attempt=2,
        wait_exponential_jitter=False,
    )
    try:
        llm.invoke("hi")
    except openai.RateLimitError as err:
        return ["caught", err.status_code]
    except Exception as err:
        return ["other", type(err).__name__]
""",
    ),
    _sdk_error(
        "anthropic",
        "script_anthropic_rate_limit_error",
        "status=429",
        "anthropic.RateLimitError",
        'model.invoke("hi")',
    ),
    _sdk_error(
        "anthropic",
        "script_anthropic_bad_request_error",
        "status=400",
        "anthropic.BadRequestError",
        'await model.ainvoke("hi")',
    ),
    _sdk_error(
        "anthropic",
        "script_anthropic_overloaded_error",
        "status=529",
        "anthropic.APIStatusError",
        'list(model.stream("hi"))',
    ),
    _sdk_error(
        "anthropic",
        "script_anthropic_not_found_error",
        "status=404",
        "anthropic.NotFoundError",
        'model.invoke("hi")',
    ),
    # ---- structured output: results and what is asked of the provider -------------
    _structured(
        "script_structured_default_strict",
        _OPENAI,
        """
def main():
    return model.with_structured_output(Person).invoke("Ada is 36")
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_json_schema_strict_dict",
        _OPENAI,
        """
def main():
    return model.with_structured_output(CITY, method="json_schema", strict=True).invoke("Paris")
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_typeddict_annotated",
        _OPENAI,
        """
def main():
    return model.with_structured_output(Movie).invoke("Alien, 1979")
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_typeddict_function_calling",
        _OPENAI,
        """
def main():
    return model.with_structured_output(Movie, method="function_calling").invoke("Alien")
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_function_calling_strict",
        _OPENAI,
        """
def main():
    llm = model.with_structured_output(Person, method="function_calling", strict=True)
    return llm.invoke("Ada")
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_include_raw_stream",
        _OPENAI,
        """
async def main():
    llm = model.with_structured_output(Person, include_raw=True)
    last = [p async for p in llm.astream("Ada")][-1]
    return [last.get("parsed"), last.get("parsing_error")]
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_in_prompt_chain",
        _OPENAI,
        """
from langchain_core.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_messages([("system", "Extract."), ("human", "{text}")])

def main():
    chain = prompt | model.with_structured_output(Person)
    return chain.batch([{"text": "Ada"}, {"text": "Bob"}])
""",
        _OPENAI_WIRE,
    ),
    _structured(
        "script_structured_anthropic_typeddict",
        _ANTHROPIC,
        """
def main():
    return model.with_structured_output(Movie).invoke("Alien")
""",
        _ANTHROPIC_WIRE,
    ),
    _structured(
        "script_structured_anthropic_pydantic",
        _ANTHROPIC,
        """
async def main():
    return await model.with_structured_output(Person).ainvoke("Ada")
""",
        _ANTHROPIC_WIRE,
    ),
    _structured(
        "script_structured_anthropic_json_schema",
        _ANTHROPIC,
        """
def main():
    return model.with_structured_output(CITY, method="json_schema").invoke("Paris")
""",
        _ANTHROPIC_WIRE,
    ),
    # ---- bind_tools parameters ---------------------------------------------------------
    _tools(
        "script_bind_tools_parallel_false",
        _OPENAI,
        """
def main():
    reply = model.bind_tools([get_weather], parallel_tool_calls=False).invoke("use the tool")
    return reply.tool_calls[0]["name"]
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_bind_tools_strict",
        _OPENAI,
        """
def main():
    reply = model.bind_tools([get_weather, Lookup], strict=True).invoke("use the tool")
    return reply.tool_calls[0]["name"]
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_bind_tools_tool_choice_any",
        _OPENAI,
        """
def main():
    return model.bind_tools([get_weather], tool_choice="any").invoke("hi").tool_calls[0]["name"]
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_bind_tools_tool_choice_name",
        _OPENAI,
        """
def main():
    return model.bind_tools([get_weather, Lookup], tool_choice="Lookup").invoke("hi").tool_calls
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_bind_tools_tool_choice_required_stream",
        _OPENAI,
        """
def main():
    llm = model.bind_tools([get_weather], tool_choice="required")
    full = None
    for chunk in llm.stream("hi"):
        full = chunk if full is None else full + chunk
    return full.tool_calls
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_bind_tools_openai_dict",
        _OPENAI,
        """
WEATHER = {
    "type": "function",
    "function": {
        "name": "weather",
        "description": "Weather.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}

def main():
    return model.bind_tools([WEATHER]).invoke("use the tool").tool_calls
""",
        _OPENAI_WIRE,
    ),
    _tools(
        "script_anthropic_tool_choice_any",
        _ANTHROPIC,
        """
def main():
    return model.bind_tools([get_weather, Lookup], tool_choice="any").invoke("hi").tool_calls
""",
        _ANTHROPIC_WIRE,
    ),
    _tools(
        "script_anthropic_parallel_false",
        _ANTHROPIC,
        """
def main():
    llm = model.bind_tools([get_weather], parallel_tool_calls=False)
    return llm.invoke("use the tool").tool_calls
""",
        _ANTHROPIC_WIRE,
    ),
    _tools(
        "script_anthropic_tool_cache_control",
        _ANTHROPIC,
        """
WEATHER = {
    "name": "weather",
    "description": "Weather.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
    "cache_control": {"type": "ephemeral"},
}

def main():
    return model.bind_tools([WEATHER]).invoke("use the tool").tool_calls
""",
        _ANTHROPIC_WIRE,
    ),
    # ---- defaults LangChain sends --------------------------------------------------------
    Case(
        "script_anthropic_default_max_tokens",
        "pattern: ChatAnthropic without max_tokens",
        """
from langchain_anthropic import ChatAnthropic

def main():
    names = ("claude-sonnet-4-5", "claude-3-5-haiku-latest")
    return [ChatAnthropic(model=m).invoke("hi").content for m in names]
""",
        wire=("max_tokens",),
    ),
    Case(
        "script_openai_max_tokens_custom_base_url",
        "pattern: max_tokens= behind a custom base URL (o-series, gpt-5)",
        """
from langchain_openai import ChatOpenAI

def main():
    names = ("o3-mini", "gpt-5", "gpt-4o-mini")
    return [ChatOpenAI(model=m, max_tokens=50).invoke("hi").content for m in names]
""",
        wire=("max_tokens", "max_completion_tokens"),
    ),
    Case(
        "script_openai_request_defaults",
        "pattern: what a plain ChatOpenAI sends",
        """
from langchain_openai import ChatOpenAI

def main():
    return ChatOpenAI(model="gpt-4o-mini", temperature=0).invoke("hi").content
""",
        wire=("model", "temperature", "n"),
    ),
    # ---- caches ------------------------------------------------------------------------
    Case(
        "script_cache_invoke_twice",
        "pattern: set_llm_cache(InMemoryCache()) then the same call twice",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    set_llm_cache(InMemoryCache())
    try:
        model = ChatOpenAI(model="gpt-4o-mini")
        return [model.invoke("cached?").content, model.invoke("cached?").content]
    finally:
        set_llm_cache(None)
""",
        wire=("model",),
    ),
    Case(
        "script_cache_async_and_params",
        "pattern: the cache keys on the model's parameters",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

async def main():
    set_llm_cache(InMemoryCache())
    try:
        cold = ChatOpenAI(model="gpt-4o-mini", temperature=0)
        warm = ChatOpenAI(model="gpt-4o-mini", temperature=1)
        out = [await cold.ainvoke("q"), await cold.ainvoke("q"), await warm.ainvoke("q")]
        return [m.content for m in out]
    finally:
        set_llm_cache(None)
""",
        wire=("temperature",),
    ),
    Case(
        "script_cache_model_param",
        "pattern: ChatOpenAI(cache=InMemoryCache())",
        """
from langchain_core.caches import InMemoryCache
from langchain_openai import ChatOpenAI

def main():
    model = ChatOpenAI(model="gpt-4o-mini", cache=InMemoryCache())
    return [model.invoke("x").content, model.invoke("x").content]
""",
        wire=("model",),
    ),
    Case(
        "script_cache_then_stream",
        "pattern: a cached reply, then the same prompt streamed",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache
from langchain_openai import ChatOpenAI

def main():
    set_llm_cache(InMemoryCache())
    try:
        model = ChatOpenAI(model="gpt-4o-mini")
        first = model.invoke("a b c").content
        return [first, "".join(c.content for c in model.stream("a b c"))]
    finally:
        set_llm_cache(None)
""",
        wire=("stream",),
    ),
    Case(
        "script_cache_kept_langchain_cache",
        "pattern: a kept LangChain cache (deep import) with a chatplex model",
        """
from langchain_core.caches import InMemoryCache
from langchain_core.globals import set_llm_cache as set_cache
from langchain_core.globals import get_llm_cache
from langchain_openai import ChatOpenAI

def main():
    set_cache(InMemoryCache())
    try:
        model = ChatOpenAI(model="gpt-4o-mini")
        model.invoke("k")
        model.invoke("k")
        return type(get_llm_cache()).__name__
    finally:
        set_cache(None)
""",
        wire=("model",),
    ),
    # ---- events, config, usage -------------------------------------------------------
    Case(
        "script_with_config_run_name_events",
        "pattern: model.with_config(run_name=...) filtered by include_names",
        _OPENAI
        + """
from langchain_core.output_parsers import StrOutputParser

async def main():
    chain = model.with_config(run_name="writer") | StrOutputParser()
    return [e async for e in chain.astream_events("a b", version="v2", include_names=["writer"])]
""",
    ),
    Case(
        "script_events_include_tags",
        "pattern: include_tags on astream_events",
        _OPENAI
        + """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

async def main():
    tagged = model.with_config(tags=["llm"])
    chain = ChatPromptTemplate.from_template("{q}") | tagged | StrOutputParser()
    return [e async for e in chain.astream_events({"q": "a b"}, version="v2", include_tags=["llm"])]
""",
    ),
    Case(
        "script_events_exclude_types_tool_loop",
        "pattern: exclude_types on a chain that calls a bound model",
        _OPENAI
        + _TOOLS
        + """
from langchain_core.runnables import RunnableLambda

async def main():
    chain = model.bind_tools([get_weather]) | RunnableLambda(lambda m: m.tool_calls[0]["args"])
    stream = chain.astream_events("use the tool", version="v2", exclude_types=["chat_model"])
    return [e async for e in stream]
""",
    ),
    Case(
        "script_usage_callback_two_providers",
        "pattern: get_usage_metadata_callback over two providers",
        """
from langchain_anthropic import ChatAnthropic
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_openai import ChatOpenAI

def main():
    with get_usage_metadata_callback() as cb:
        ChatOpenAI(model="gpt-4o-mini").invoke("hello")
        ChatAnthropic(model="claude-sonnet-4-5").invoke("hello")
        usage = sorted(cb.usage_metadata.items())
        return {k: {t: v[t] for t in ("input_tokens", "output_tokens")} for k, v in usage}
""",
    ),
    Case(
        "script_batch_as_completed_config",
        "pattern: batch_as_completed with per-input config",
        _OPENAI
        + """
def main():
    out = sorted(model.batch_as_completed(["a", "b", "c"], config={"max_concurrency": 2}))
    return [(i, m.content) for i, m in out]
""",
    ),
    Case(
        "script_stream_chunk_sum_anthropic",
        "pattern: summing streamed chunks from ChatAnthropic",
        _ANTHROPIC
        + """
def main():
    full = None
    for chunk in model.stream("one two three"):
        full = chunk if full is None else full + chunk
    stop = full.response_metadata.get("stop_reason")
    return [full.content, full.usage_metadata["output_tokens"] > 0, stop]
""",
    ),
    Case(
        "script_openai_system_prompt_o_series",
        "pattern: a system prompt template on an o-series model and on a gpt one",
        """
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_openai import ChatOpenAI

prompt = ChatPromptTemplate.from_messages([("system", "Be {style}."), ("human", "{q}")])

def main():
    names = ("o3-mini", "o1", "gpt-4o-mini")
    chains = [prompt | ChatOpenAI(model=m) | StrOutputParser() for m in names]
    return [chain.invoke({"style": "brief", "q": "hi"}) for chain in chains]
""",
        wire=("model", "messages[].role"),
    ),
    Case(
        "script_typeddict_without_docstring_json_schema",
        "pattern: with_structured_output of a TypedDict with no docstring",
        """
from typing_extensions import TypedDict
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI

class Person(TypedDict):
    name: str
    age: int

def main():
    models = [ChatOpenAI(model="gpt-4o-mini"), ChatAnthropic(model="claude-sonnet-4-5")]
    out = []
    for model in models:
        for method in ("json_schema", "function_calling"):
            try:
                out.append(model.with_structured_output(Person, method=method).invoke("hi"))
            except Exception as err:
                out.append(type(err).__name__)
    return out
""",
        wire=(
            "response_format.json_schema.description",
            "tools[].function.description",
            "tools[].description",
            "output_config.format.schema.description",
        ),
    ),
    Case(
        "script_openai_bind_tools_beside_response_format",
        "pattern: bind_tools with a response_format (tools or a structured answer)",
        _WEATHER_OR_ANSWER
        + """

def main():
    model = ChatOpenAI(model="gpt-4o-mini")
    out = []
    for strict in (None, True):
        bound = model.bind_tools([get_weather], response_format=Answer, strict=strict)
        out.append(bound.invoke("weather in Paris?").content)
    return out
""",
        wire=("tools[].function.strict", "tools[].function.parameters.additionalProperties"),
    ),
    Case(
        "script_openai_structured_output_beside_tools",
        "pattern: with_structured_output(..., tools=[...]): a structured answer or a tool call",
        _WEATHER_OR_ANSWER
        + """

def main():
    model = ChatOpenAI(model="gpt-4o-mini")
    out = []
    for method in ("json_schema", "function_calling"):
        structured = model.with_structured_output(
            Answer, method=method, tools=[get_weather], strict=True, include_raw=True
        )
        got = structured.invoke("weather in Paris?")
        out.append([got["raw"].tool_calls, type(got["parsing_error"]).__name__])
    return out
""",
        wire=("tools[].function.name", "tools[].function.strict", "tool_choice"),
    ),
    Case(
        "script_openai_json_mode_in_model_kwargs",
        "pattern: JSON mode asked in the constructor's model_kwargs",
        """
import json
from langchain_openai import ChatOpenAI

def main():
    model = ChatOpenAI(
        model="gpt-4o-mini", model_kwargs={"response_format": {"type": "json_object"}}
    )
    reply = model.invoke("Answer in JSON")
    return [reply.content, reply.additional_kwargs]
""",
        wire=("response_format",),
    ),
]
