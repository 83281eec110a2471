"""More scripts over the OpenAI-compatible presets' classes: batches bounded in
concurrency with errors returned, configurable fields and alternatives, dumpd/loads and
a call after, what a callback handler is told at a chat model's start, init_chat_model
with each provider's prefix. Pure import swaps, as everywhere in the suite."""

from __future__ import annotations

from compat_cases_probe_l import _PRESETS
from compat_cases_probe_l import _START_LOG
from compat_cases_probe_l import _WEATHER
from compat_harness import Case

PROBE_L2_CASES = [
    Case(
        "probe_l_batch_max_concurrency_errors_returned",
        "pattern: batch(..., config={'max_concurrency': 2}, return_exceptions=True) on each "
        "preset, one model failing (503): the replies in order, the errors' classes",
        _PRESETS
        + """
def main():
    out = []
    for model in presets(max_retries=0):
        replies = model.batch(["one", "two", "three"], config={"max_concurrency": 2})
        out.append([type(model).__name__, [r.content for r in replies],
                    [sorted(r.response_metadata) for r in replies]])
    for model in presets(max_retries=0, default_headers={"x-mock-fault": "status=503"}):
        if type(model).__name__ in ("ChatMistralAI", "ChatFireworks"):
            continue  # (no default_headers there)
        got = model.batch(["one", "two"], config={"max_concurrency": 1},
                          return_exceptions=True)
        out.append([type(model).__name__, [type(g).__name__ for g in got],
                    [getattr(g, "status_code", None) for g in got]])
    return out
""",
    ),
    Case(
        "probe_l_configurable_fields_and_alternatives",
        "pattern: configurable_fields(temperature, max_tokens) on each preset, then "
        "configurable_alternatives from ChatGroq to ChatMistralAI, chosen per call",
        _PRESETS
        + """
from langchain_core.runnables import ConfigurableField

def main():
    out = []
    for model in presets():
        configurable = model.configurable_fields(
            temperature=ConfigurableField(id="temperature"),
            max_tokens=ConfigurableField(id="max_tokens"),
        )
        reply = configurable.invoke(
            "hi", config={"configurable": {"temperature": 0.3, "max_tokens": 17}})
        out.append([type(model).__name__, reply.content])
    groq, mistral = presets()[:2]
    chooser = groq.configurable_alternatives(
        ConfigurableField(id="provider"), default_key="groq", mistral=mistral)
    for key in ("groq", "mistral"):
        reply = chooser.invoke("hi", config={"configurable": {"provider": key}})
        out.append([key, reply.response_metadata.get("model_name"),
                    reply.response_metadata.get("model_provider")])
    return out
""",
        wire=("temperature", "max_tokens", "model"),
    ),
    Case(
        "probe_l_dumpd_loads_then_invoke",
        "pattern: dumpd of ChatXAI (reasoning: the Responses API), ChatTogether (not "
        "serializable) and ChatFireworks, loads with secrets_map, then invoked",
        """
import os
from langchain_core.load import dumpd, loads
import json
from langchain_xai import ChatXAI
from langchain_together import ChatTogether
from langchain_fireworks import ChatFireworks

def main():
    models = [
        ChatXAI(model="grok-4", temperature=0.1, reasoning={"effort": "low"}),
        ChatTogether(model="meta-llama/Llama-3.3-70B-Instruct-Turbo", max_tokens=40),
        ChatFireworks(model="accounts/fireworks/models/llama-v3p3-70b-instruct",
                      base_url=os.environ["OPENAI_BASE_URL"], temperature=0.5),
    ]
    keys = {k: os.environ[k] for k in ("XAI_API_KEY", "TOGETHER_API_KEY", "FIREWORKS_API_KEY")}
    out = []
    for model in models:
        dumped = dumpd(model)
        try:
            back = loads(json.dumps(dumped), secrets_map=keys, allowed_objects="all",
                         valid_namespaces=["langchain_xai", "langchain_together",
                                           "langchain_fireworks"])
        except Exception as err:  # ChatTogether is not serializable
            out.append([dumped["type"], dumped["id"], type(err).__name__])
            continue
        out.append([dumped["id"], dumped["kwargs"].get("use_responses_api"),
                    sorted(dumped["kwargs"]), type(back).__name__,
                    getattr(back, "use_responses_api", "-"), back.invoke("hi").content])
    return out
""",
        wire=("temperature", "max_tokens"),
    ),
    Case(
        "probe_l_callback_invocation_params",
        "pattern: a callback handler logging on_chat_model_start's serialized id, "
        "invocation_params and metadata, for each preset with bound tools",
        _PRESETS
        + _START_LOG
        + _WEATHER
        + """
def main():
    log = Log()
    for model in presets(temperature=0.2):
        model.bind_tools([get_weather]).invoke("hi", config={"callbacks": [log]})
    return log.seen
""",
    ),
    Case(
        "probe_l_init_chat_model_each_prefix",
        "pattern: init_chat_model('<provider>:<model>') for groq, mistralai, deepseek, xai, "
        "together, fireworks: class, _llm_type, a reply and its metadata keys",
        """
import os
from langchain.chat_models import init_chat_model

def main():
    out = []
    for name in ("groq:llama-3.3-70b-versatile", "mistralai:mistral-small-latest",
                 "deepseek:deepseek-chat", "xai:grok-4",
                 "together:meta-llama/Llama-3.3-70B-Instruct-Turbo",
                 "fireworks:accounts/fireworks/models/llama-v3p3-70b-instruct"):
        kw = {"base_url": os.environ["OPENAI_BASE_URL"]} if name.startswith("fireworks") else {}
        model = init_chat_model(name, temperature=0, **kw)
        reply = model.invoke("hi")
        out.append([type(model).__name__, model._llm_type, reply.content,
                    sorted(reply.response_metadata), reply.usage_metadata])
    return out
""",
        wire=("model", "temperature"),
    ),
    Case(
        "probe_l_init_chat_model_responses_fields",
        "pattern: init_chat_model('xai:...', reasoning=...), ('together:...', include=[]), "
        "output_version='responses/v1', and a configurable model switched to xAI with "
        "reasoning, then to Groq: use_responses_api read, the replies",
        """
from langchain.chat_models import init_chat_model

def main():
    out = []
    for name, kw in (("xai:grok-4", {"reasoning": {"effort": "low"}}),
                     ("together:meta-llama/Llama-3.3-70B-Instruct-Turbo", {"include": []}),
                     ("xai:grok-4", {"output_version": "responses/v1"})):
        model = init_chat_model(name, **kw)
        out.append([name, model.use_responses_api, model.invoke("hi").content])
    chooser = init_chat_model(configurable_fields="any", config_prefix="x")
    for cfg in ({"x_model": "xai:grok-4", "x_reasoning": {"effort": "low"}},
                {"x_model": "groq:llama-3.3-70b-versatile", "x_temperature": 0.3}):
        out.append(chooser.invoke("hi", config={"configurable": cfg}).content)
    return out
""",
        wire=("model", "reasoning", "include", "temperature"),
    ),
]
