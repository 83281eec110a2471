"""Scripts over the OpenAI-compatible presets' classes (ChatGroq, ChatMistralAI,
ChatDeepSeek, ChatXAI, ChatTogether, ChatFireworks) and init_chat_model for them, each
combining features: structured output by every method with its raw reply, tool calls
streamed with usage, the SDKs' error classes and attributes, batches bounded in
concurrency, configurable fields, dumpd/loads, what a callback handler is told. Pure
import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_cases_scripts import WEATHER_TOOL
from compat_harness import Case

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason

#: The preset classes a script loops over, each at the mock server (Fireworks by
#: `base_url`, its variable not being one the suite sets).
_PRESETS = """
import os
from langchain_groq import ChatGroq
from langchain_mistralai import ChatMistralAI
from langchain_deepseek import ChatDeepSeek
from langchain_xai import ChatXAI
from langchain_together import ChatTogether
from langchain_fireworks import ChatFireworks

def presets(**kw):
    return [
        ChatGroq(model="llama-3.3-70b-versatile", **kw),
        ChatMistralAI(model="mistral-small-latest", **kw),
        ChatDeepSeek(model="deepseek-chat", **kw),
        ChatXAI(model="grok-4", **kw),
        ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", **kw),
        ChatFireworks(model="accounts/fireworks/models/llama-v3p3-70b-instruct",
                      base_url=os.environ["OPENAI_BASE_URL"], **kw),
    ]
"""

#: The tool the scripts bind.
_WEATHER = WEATHER_TOOL

#: A callback handler that logs what each chat model's start is told.
_START_LOG = """
from langchain_core.callbacks import BaseCallbackHandler

class Log(BaseCallbackHandler):
    def __init__(self):
        self.seen = []
    def on_chat_model_start(self, serialized, messages, **kwargs):
        params = kwargs.get("invocation_params") or {}
        self.seen.append([serialized.get("id"), sorted(params),
                          params.get("_type"), params.get("model") or params.get("model_name"),
                          params.get("temperature"), params.get("stream"),
                          sorted(kwargs.get("metadata") or {}),
                          {k: v for k, v in (kwargs.get("metadata") or {}).items()
                           if k.startswith("ls_")}])
"""

_SCHEMA = '''
from pydantic import BaseModel, Field

class Person(BaseModel):
    """A person named in the text."""
    name: str = Field(description="their name")
    age: int = Field(description="their age")
'''

PROBE_L_CASES = [
    Case(
        "probe_l_structured_every_method_raw",
        "pattern: with_structured_output(Person, method=..., include_raw=True) on each "
        "preset, each method its class takes: parsed, parsing_error, the raw reply",
        _PRESETS
        + _SCHEMA
        + """
def main():
    out = []
    for model in presets(max_retries=0):
        for method in ("function_calling", "json_schema", "json_mode"):
            try:
                chain = model.with_structured_output(Person, method=method, include_raw=True)
                got = chain.invoke("Tell me about Ann, 31. Use the tool.")
            except Exception as err:
                out.append([type(model).__name__, method, "raised", type(err).__name__])
                continue
            raw = got["raw"]
            out.append([type(model).__name__, method, got["parsed"],
                        type(got["parsing_error"]).__name__, raw.content,
                        [(c["name"], c["args"]) for c in raw.tool_calls],
                        sorted(raw.response_metadata)])
    return out
""",
        wire=("response_format.type", "tool_choice", "tools[].function.name"),
    ),
    Case(
        "probe_l_streamed_tool_calls_with_usage",
        "pattern: bind_tools then stream on each preset: the tool "
        "call chunks piece by piece, the usage chunk, the merged message's metadata keys",
        _PRESETS
        + _WEATHER
        + """
def main():
    out = []
    for model in presets():
        if type(model).__name__ == "ChatMistralAI":
            continue  # (a call's arguments in pieces: the kept case below)
        chunks = list(model.bind_tools([get_weather]).stream("Use the tool for Oslo"))
        merged = chunks[0]
        for c in chunks[1:]:
            merged = merged + c
        out.append([type(model).__name__, len(chunks),
                    [[(t.get("name"), t.get("args"), t.get("index")) for t in c.tool_call_chunks]
                     for c in chunks],
                    [c.usage_metadata for c in chunks if c.usage_metadata],
                    [(c["name"], c["args"]) for c in merged.tool_calls],
                    sorted(merged.response_metadata), merged.chunk_position])
    return out
""",
        wire=("stream", "stream_options", "tools[].function.name"),
    ),
    Case(
        "probe_l_error_classes_each_status",
        "pattern: try/except around invoke on each preset for 401, 404, 429 and 500: the "
        "class, its SDK bases, status_code, body, response status, request method",
        _PRESETS
        + """
import groq, httpx, openai

KINDS = (openai.APIStatusError, openai.AuthenticationError, openai.NotFoundError,
         openai.RateLimitError, openai.InternalServerError, groq.APIStatusError,
         groq.AuthenticationError, groq.RateLimitError, httpx.HTTPStatusError, TypeError)

def main():
    out = []
    for code in (401, 404, 429, 500):
        # (ChatMistralAI and ChatFireworks take no `default_headers`: see the cases below)
        for model in presets(max_retries=0, default_headers={"x-mock-fault": f"status={code}"}):
            if type(model).__name__ in ("ChatMistralAI", "ChatFireworks"):
                continue
            try:
                model.invoke("hi")
            except Exception as err:
                response = getattr(err, "response", None)
                request = getattr(err, "request", None)
                out.append([type(model).__name__, code, type(err).__name__,
                            [isinstance(err, k) for k in KINDS],
                            getattr(err, "status_code", None),
                            type(getattr(err, "body", None)).__name__,
                            getattr(response, "status_code", None),
                            getattr(request, "method", None)])
    return out
""",
    ),
    Case(
        "probe_l_mistral_tool_call_args_in_pieces",
        "pattern: ChatMistralAI with tools streamed from a server that sends a call's "
        "arguments in pieces (OpenAI's stream shape), the merged message's tool calls",
        _WEATHER
        + """
from langchain_mistralai import ChatMistralAI

def main():
    model = ChatMistralAI(model="mistral-small-latest").bind_tools([get_weather])
    merged = None
    for chunk in model.stream("Use the tool for Oslo"):
        merged = chunk if merged is None else merged + chunk
    return [(c["name"], c["args"]) for c in merged.tool_calls]
""",
        status="deliberate",
        kept=Difference(
            Reason.LOSES_DATA,
            "gives each later piece of a streamed tool call that names no id a new random "
            "id, so the merged stream splits the call in two: the tool's name with empty "
            "arguments, and a nameless call holding the arguments",
            "the pieces merge by their index into one call, its name and its arguments "
            "(Mistral's own API sends each call whole, in one piece)",
        ),
        langchain_fails=lambda seen: len(seen) > 1 and seen[0][1] == {},
    ),
    Case(
        "probe_l_mistral_default_headers",
        "pattern: ChatMistralAI(default_headers={...}) as ChatOpenAI takes them, invoked",
        """
from langchain_mistralai import ChatMistralAI

def main():
    model = ChatMistralAI(model="mistral-small-latest",
                          default_headers={"x-mock-reply": "Bonjour"})
    return model.invoke("hi").content
""",
        wire=("default_headers",),
        status="deliberate",
        kept=Difference(
            Reason.REJECTED,
            "has no `default_headers`: it warns that it moved them to model_kwargs, then "
            "sends them in every request's body, a field Mistral's API refuses (422), and "
            "no header is sent",
            "the headers are sent as headers, with every request",
        ),
        langchain_fails=lambda seen: seen["wire"][0]["default_headers"] != "<absent>",
    ),
    Case(
        "probe_l_fireworks_default_headers",
        "pattern: ChatFireworks(default_headers={...}) as ChatOpenAI takes them, invoked",
        """
import os
from langchain_fireworks import ChatFireworks

def main():
    model = ChatFireworks(model="accounts/fireworks/models/llama-v3p3-70b-instruct",
                          base_url=os.environ["OPENAI_BASE_URL"], max_retries=0,
                          default_headers={"x-mock-reply": "Hello"})
    try:
        return model.invoke("hi").content
    except TypeError as err:
        return ["TypeError", "default_headers" in str(err)]
""",
        status="deliberate",
        kept=Difference(
            Reason.RAISES,
            "has no `default_headers`: it warns that it moved them to model_kwargs, then "
            "hands them to the fireworks SDK's create(), which raises a TypeError on every "
            "call",
            "the headers are sent as headers, with every request",
        ),
        langchain_fails=lambda seen: seen == ["TypeError", True],
    ),
]
