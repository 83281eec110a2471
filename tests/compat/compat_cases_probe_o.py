"""Scripts over the OpenAI-compatible presets' classes (ChatGroq, ChatMistralAI,
ChatDeepSeek, ChatXAI, ChatTogether, ChatFireworks) that combine features no case
combined: structured output batched with return_exceptions across two providers, a
retry then a fallback to another provider, a forced tool choice then the tool's result
turn, streamed usage across providers, token counts, a provider switched through
`configurable_alternatives`, dumpd/loads round trips, `init_chat_model` with
`configurable_fields="any"`, the partner SDKs' error classes by status, an
InMemoryRateLimiter shared by two providers. Pure import swaps."""

from __future__ import annotations

from compat_cases_probe_k import _STRIP
from compat_cases_probe_k import _WEATHER
from compat_harness import Case

#: The schema the structured-output scripts parse into.
_WEATHER_MODEL = """
from pydantic import BaseModel

class Weather(BaseModel):
    city: str
    degrees: int
"""

PROBE_O_CASES = [
    Case(
        "probe_o_structured_batch_two_providers",
        "pattern: with_structured_output(include_raw=True) over ChatGroq, ChatMistralAI and "
        "ChatDeepSeek batched with return_exceptions, the last provider's calls rejected "
        "(400): the parsed objects, then the error classes and statuses",
        _STRIP
        + _WEATHER_MODEL
        + """
from langchain_core.prompts import ChatPromptTemplate
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_deepseek import ChatDeepSeek

def main():
    prompt = ChatPromptTemplate.from_messages([("human", "Weather in {city}?")])
    groq = ChatGroq(model="llama-3.3-70b-versatile", max_retries=0)
    mistral = ChatMistralAI(model="mistral-small-latest", max_retries=0)
    bad = ChatDeepSeek(model="deepseek-chat", max_retries=0,
                       default_headers={"x-mock-fault": "status=400;message=bad input"})
    out = []
    for model in (groq, mistral, bad):
        chain = prompt | model.with_structured_output(Weather, include_raw=True)
        got = chain.batch([{"city": "Oslo"}, {"city": "Rome"}], return_exceptions=True)
        for item in got:
            if isinstance(item, Exception):
                out.append([type(item).__name__, getattr(item, "status_code", None)])
            else:
                out.append([repr(item["parsed"]), repr(item["parsing_error"]),
                            strip_ids(item["raw"].tool_calls)])
    return out
""",
    ),
    Case(
        "probe_o_retry_then_fallback_across_providers",
        "pattern: ChatDeepSeek(max_retries=0) failing 503 wrapped in with_retry "
        "(stop_after_attempt=2) then with_fallbacks([ChatTogether]): the reply, the "
        "requests each provider got",
        _STRIP
        + """
from langchain_deepseek import ChatDeepSeek
from langchain_together import ChatTogether
from langchain_core.callbacks import BaseCallbackHandler

class Starts(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kwargs):
        self.seen.append(kwargs.get("metadata", {}).get("ls_provider"))
    def on_llm_error(self, error, **kwargs):
        self.seen.append(type(error).__name__)

def main():
    failing = ChatDeepSeek(model="deepseek-chat", max_retries=0,
                           default_headers={"x-mock-fault": "status=503"})
    backup = ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo")
    chain = failing.with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    chain = chain.with_fallbacks([backup])
    handler = Starts()
    reply = chain.invoke("hi", config={"callbacks": [handler]})
    return [type(reply).__name__, strip_ids(reply.content), reply.response_metadata.get(
        "model_name"), handler.seen, strip_ids(reply.usage_metadata)]
""",
    ),
    Case(
        "probe_o_tool_choice_variants_then_result_turn",
        "pattern: ChatGroq and ChatXAI bind_tools with tool_choice 'auto', 'any', the "
        "tool's name and a dict, each reply's calls; then the tool's result sent back "
        "and the final answer",
        _STRIP
        + _WEATHER
        + """
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_groq import ChatGroq
from langchain_xai import ChatXAI

def main():
    out = []
    for model in (ChatGroq(model="llama-3.3-70b-versatile"), ChatXAI(model="grok-4")):
        for choice in ("auto", "any", "get_weather",
                       {"type": "function", "function": {"name": "get_weather"}}):
            reply = model.bind_tools([get_weather], tool_choice=choice).invoke(
                "Use a tool: weather in Oslo")
            out.append([type(model).__name__, str(choice)[:20],
                        [(c["name"], c["args"]) for c in reply.tool_calls]])
        bound = model.bind_tools([get_weather], tool_choice="any")
        messages = [HumanMessage("Use a tool: weather in Oslo")]
        first = bound.invoke(messages)
        messages.append(first)
        for call in first.tool_calls:
            messages.append(ToolMessage(get_weather.invoke(call["args"]),
                                        tool_call_id=call["id"]))
        final = model.bind_tools([get_weather]).invoke(messages)
        out.append([strip_ids(final.content), final.tool_calls,
                    strip_ids(final.usage_metadata)])
    return out
""",
        wire=("tool_choice", "tools"),
    ),
    Case(
        "probe_o_streamed_usage_across_presets",
        "pattern: stream() over ChatGroq, ChatMistralAI, ChatDeepSeek, ChatXAI, "
        "ChatFireworks, ChatTogether (stream_usage where the class has it): the merged "
        "text, usage_metadata, and which chunks carried usage",
        _STRIP
        + """
import os
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_deepseek import ChatDeepSeek
from langchain_xai import ChatXAI
from langchain_fireworks import ChatFireworks
from langchain_together import ChatTogether

def main():
    models = [
        ChatGroq(model="llama-3.3-70b-versatile"),
        ChatMistralAI(model="mistral-small-latest"),
        ChatDeepSeek(model="deepseek-chat", stream_usage=True),
        ChatXAI(model="grok-4"),
        ChatFireworks(model="accounts/fireworks/models/llama-v3p1-8b-instruct",
                      base_url=os.environ["OPENAI_BASE_URL"]),
        ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", stream_usage=True),
    ]
    out = []
    for model in models:
        chunks = list(model.stream("Count to three"))
        merged = chunks[0]
        for chunk in chunks[1:]:
            merged = merged + chunk
        out.append([type(model).__name__, strip_ids(merged.content),
                    strip_ids(merged.usage_metadata),
                    [i for i, c in enumerate(chunks) if c.usage_metadata],
                    sorted(merged.response_metadata)])
    return out
""",
    ),
    Case(
        "probe_o_structured_fallback_streamed",
        "pattern: ChatGroq (429, max_retries=0).with_structured_output(Weather) with "
        "fallbacks to ChatMistralAI's and ChatXAI's, invoked then streamed, and the "
        "fallbacks narrowed to a class that does not match (the error then)",
        _STRIP
        + _WEATHER_MODEL
        + """
import groq
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_xai import ChatXAI

def main():
    failing = ChatGroq(model="llama-3.3-70b-versatile", max_retries=0,
                       default_headers={"x-mock-fault": "status=429;retry_after=0"})
    backups = [ChatMistralAI(model="mistral-small-latest").with_structured_output(Weather),
               ChatXAI(model="grok-4").with_structured_output(Weather)]
    chain = failing.with_structured_output(Weather).with_fallbacks(backups)
    out = [repr(chain.invoke("Oslo?")), [repr(p) for p in chain.stream("Oslo?")]]
    narrowed = failing.with_structured_output(Weather).with_fallbacks(
        backups, exceptions_to_handle=(groq.AuthenticationError,))
    try:
        narrowed.invoke("Oslo?")
    except Exception as err:
        out.append([type(err).__name__, isinstance(err, groq.RateLimitError),
                    getattr(err, "status_code", None)])
    return out
""",
    ),
    Case(
        "probe_o_configurable_alternatives_providers",
        "pattern: ChatGroq.configurable_alternatives(ConfigurableField('provider'), "
        "mistral=ChatMistralAI, deepseek=ChatDeepSeek) with configurable_fields "
        "(temperature): each provider chosen through config, what was sent",
        _STRIP
        + """
from langchain_core.runnables import ConfigurableField
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_deepseek import ChatDeepSeek

def main():
    model = ChatGroq(model="llama-3.3-70b-versatile", temperature=0).configurable_fields(
        temperature=ConfigurableField(id="temp")
    ).configurable_alternatives(
        ConfigurableField(id="provider"),
        default_key="groq",
        mistral=ChatMistralAI(model="mistral-small-latest"),
        deepseek=ChatDeepSeek(model="deepseek-chat"),
    )
    out = []
    for provider in ("groq", "mistral", "deepseek"):
        config = {"configurable": {"provider": provider, "temp": 0.5}}
        reply = model.invoke("hi", config=config)
        out.append([provider, strip_ids(reply.content),
                    reply.response_metadata.get("model_name"),
                    sorted(reply.response_metadata)])
    schema = model.config_schema().model_json_schema()
    out.append(sorted(schema.get("$defs", {})))
    return out
""",
        wire=("model", "temperature"),
    ),
    Case(
        "probe_o_dumpd_loads_presets",
        "pattern: dumpd then loads (secrets_from_env) of ChatGroq, ChatMistralAI, ChatXAI, "
        "ChatFireworks with settings; the loaded model's fields and its reply",
        _STRIP
        + """
from langchain_core.load import dumpd, loads
import json
import os
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_xai import ChatXAI
from langchain_fireworks import ChatFireworks

def main():
    models = [
        ChatGroq(model="llama-3.3-70b-versatile", temperature=0.2, max_tokens=50, stop=["END"]),
        ChatMistralAI(model="mistral-small-latest", temperature=0.3, top_p=0.9),
        ChatXAI(model="grok-4", temperature=0.1, max_tokens=40),
        ChatFireworks(model="accounts/fireworks/models/llama-v3p1-8b-instruct", max_tokens=30,
                      base_url=os.environ["OPENAI_BASE_URL"]),
    ]
    out = []
    for model in models:
        form = dumpd(model)
        back = loads(json.dumps(form), secrets_from_env=True, allowed_objects="all",
                     valid_namespaces=["langchain_groq", "langchain_mistralai",
                                       "langchain_xai", "langchain_fireworks"])
        out.append([form["id"], sorted(form["kwargs"]), type(back).__name__,
                    back.temperature, getattr(back, "max_tokens", None),
                    strip_ids(back.invoke("hi").content)])
    return out
""",
    ),
    Case(
        "probe_o_init_chat_model_any_fields",
        "pattern: init_chat_model('groq:...', configurable_fields='any') then the model, "
        "provider and temperature switched through config (to mistralai and deepseek): "
        "each reply and its model name",
        _STRIP
        + """
from langchain.chat_models import init_chat_model

def main():
    model = init_chat_model("groq:llama-3.3-70b-versatile", temperature=0,
                            configurable_fields="any", config_prefix="llm")
    out = []
    for configurable in ({}, {"llm_temperature": 0.7},
                         {"llm_model": "mistral-small-latest",
                          "llm_model_provider": "mistralai"},
                         {"llm_model": "deepseek:deepseek-chat"}):
        reply = model.invoke("hi", config={"configurable": configurable})
        out.append([sorted(configurable), strip_ids(reply.content),
                    reply.response_metadata.get("model_name"),
                    reply.response_metadata.get("model_provider")])
    bound = model.bind_tools([]).with_config({"configurable": {"llm_max_tokens": 20}})
    out.append(strip_ids(bound.invoke("hi").content))
    return out
""",
        wire=("model", "temperature", "max_tokens"),
    ),
    Case(
        "probe_o_error_classes_by_status",
        "pattern: each status (400, 401, 404, 429, 500) on ChatGroq, ChatDeepSeek, ChatXAI "
        "and ChatTogether, caught by the script as its partner's SDK class (groq.*, "
        "openai.*): which except matched",
        """
import groq
import openai
from langchain_groq import ChatGroq
from langchain_deepseek import ChatDeepSeek
from langchain_xai import ChatXAI
from langchain_together import ChatTogether

def caught(model):
    try:
        model.invoke("hi")
    except (groq.RateLimitError, openai.RateLimitError) as err:
        return ["RateLimitError", err.status_code]
    except (groq.AuthenticationError, openai.AuthenticationError) as err:
        return ["AuthenticationError", err.status_code]
    except (groq.NotFoundError, openai.NotFoundError) as err:
        return ["NotFoundError", err.status_code]
    except (groq.BadRequestError, openai.BadRequestError) as err:
        return ["BadRequestError", err.status_code]
    except (groq.InternalServerError, openai.InternalServerError) as err:
        return ["InternalServerError", err.status_code]
    except (groq.APIStatusError, openai.APIStatusError) as err:
        return ["APIStatusError", err.status_code]
    except Exception as err:
        return ["other", type(err).__name__]
    return ["no error"]

def main():
    out = []
    for status in (400, 401, 404, 429, 500):
        headers = {"x-mock-fault": f"status={status}"}
        for model in (ChatGroq(model="llama-3.3-70b-versatile", max_retries=0,
                               default_headers=headers),
                      ChatDeepSeek(model="deepseek-chat", max_retries=0,
                                   default_headers=headers),
                      ChatXAI(model="grok-4", max_retries=0, default_headers=headers),
                      ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
                                   max_retries=0, default_headers=headers)):
            out.append([status, type(model).__name__, caught(model)])
    return out
""",
    ),
    Case(
        "probe_o_rate_limiter_shared_by_two_providers",
        "pattern: one InMemoryRateLimiter given to ChatGroq and ChatDeepSeek, a batch "
        "through each: the replies in order, the limiter's bucket drawn from",
        _STRIP
        + """
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_groq import ChatGroq
from langchain_deepseek import ChatDeepSeek

def main():
    limiter = InMemoryRateLimiter(requests_per_second=1000, check_every_n_seconds=0.001,
                                  max_bucket_size=10)
    out = []
    for model in (ChatGroq(model="llama-3.3-70b-versatile", rate_limiter=limiter),
                  ChatDeepSeek(model="deepseek-chat", rate_limiter=limiter)):
        replies = model.batch(["one", "two", "three"])
        out.append([type(model).__name__, [strip_ids(r.content) for r in replies],
                    model.rate_limiter is limiter])
    return out
""",
    ),
    Case(
        "probe_o_model_copy_switches",
        "pattern: model_copy(update=...) of ChatGroq, ChatXAI and ChatMistralAI "
        "(temperature, max_tokens), the copies' fields and what each sends",
        _STRIP
        + """
from langchain_groq import ChatGroq
from langchain_xai import ChatXAI
from langchain_mistralai import ChatMistralAI

def main():
    out = []
    for model in (ChatGroq(model="llama-3.3-70b-versatile", temperature=0),
                  ChatXAI(model="grok-4", temperature=0),
                  ChatMistralAI(model="mistral-small-latest", temperature=0)):
        copy = model.model_copy(update={"temperature": 0.9, "max_tokens": 12})
        out.append([type(copy).__name__, copy.temperature, copy.max_tokens,
                    model.temperature, strip_ids(copy.invoke("hi").content)])
    return out
""",
        wire=("temperature", "max_tokens"),
    ),
    Case(
        "probe_o_async_structured_json_schema_presets",
        "pattern: abatch of with_structured_output(method='json_schema') (dict schema) on "
        "ChatGroq, ChatXAI and ChatTogether, one call failing (429) with "
        "return_exceptions: the parsed dicts and the error",
        """
import asyncio
from langchain_groq import ChatGroq
from langchain_xai import ChatXAI
from langchain_together import ChatTogether

SCHEMA = {"title": "Weather", "type": "object",
          "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
          "required": ["city", "degrees"]}

async def main():
    out = []
    for make in (lambda **k: ChatGroq(model="llama-3.3-70b-versatile", **k),
                 lambda **k: ChatXAI(model="grok-4", **k),
                 lambda **k: ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", **k)):
        good = make(max_retries=0).with_structured_output(SCHEMA, method="json_schema")
        bad = make(max_retries=0, default_headers={"x-mock-fault": "status=429"})
        bad = bad.with_structured_output(SCHEMA, method="json_schema")
        got = await good.abatch(["Oslo?", "Rome?"], return_exceptions=True)
        got += await bad.abatch(["Oslo?"], return_exceptions=True)
        out.append([type(x).__name__ if isinstance(x, Exception) else x for x in got])
    return out
""",
        wire=("response_format",),
    ),
]
