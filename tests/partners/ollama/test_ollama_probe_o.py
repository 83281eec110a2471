"""ChatOllama in scripts that combine features, side by side with langchain-ollama (the
suite's server, readings and replies): structured output batched with
return_exceptions beside a model the server does not have (404), with_retry then a
fallback to a model it has, a tool-calling agent streamed as messages, streamed usage
per chunk, configurable fields switched through config, a dumpd/loads round trip, a
shared InMemoryRateLimiter, model_copy."""

from __future__ import annotations

import json
from typing import Any

from tests._warns import beta_warning_ignored
from tests.partners._combined_scripts import agent_streamed_messages
from tests.partners._combined_scripts import copied
from tests.partners._combined_scripts import rate_limited_batch
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import observe
from tests.partners.ollama.test_ollama_sidebyside import ADD_CALL
from tests.partners.ollama.test_ollama_sidebyside import DIFFERENCES
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import OurChatOllama
from tests.partners.ollama.test_ollama_sidebyside import _comparable_request
from tests.partners.ollama.test_ollama_sidebyside import _comparable_result
from tests.partners.ollama.test_ollama_sidebyside import langchain_ollama
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

SCHEMA = {
    "title": "Weather",
    "type": "object",
    "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
    "required": ["city", "degrees"],
}
_WEATHER_JSON = json.dumps({"city": "Oslo", "degrees": 7})


def _by_model(seen: Seen) -> Reply:
    """A model the server has answers JSON; any other is Ollama's 404."""
    body = seen.body or {}
    if body.get("model") != MODEL:
        not_found = f"model '{body.get('model')}' not found"
        return ollama_replies(status=404, error=not_found)(seen)
    return ollama_replies(_WEATHER_JSON)(seen)


def _agent_turns(seen: Seen) -> Reply:
    """A tool call for the user's turn, the answer after the tool's result."""
    messages = (seen.body or {}).get("messages") or [{}]
    if messages[-1].get("role") == "tool":
        return ollama_replies("The sum is 3.")(seen)
    return ollama_replies("", tool_calls=ADD_CALL)(seen)


def _errors(items: list[Any]) -> list[Any]:
    return [_comparable_result({"error": i}) if isinstance(i, Exception) else i for i in items]


def structured_batch_missing_model(cls: Any, url: str) -> Any:
    out = []
    for model in (MODEL, "nope"):
        chain = cls(model=model, base_url=url).with_structured_output(SCHEMA, method="json_schema")
        out.append(_errors(chain.batch(["Oslo?", "Rome?"], return_exceptions=True)))
    return out


def retry_then_fallback(cls: Any, url: str) -> Any:
    failing = cls(model="nope", base_url=url).with_retry(
        stop_after_attempt=2, wait_exponential_jitter=False
    )
    chain = failing.with_fallbacks([cls(model=MODEL, base_url=url)])
    reply = chain.invoke("Hi")
    return [reply.content, reply.usage_metadata, reply.response_metadata.get("model_name")]


def stream_usage_per_chunk(cls: Any, url: str) -> Any:
    chunks = list(cls(model=MODEL, base_url=url).stream("Hi"))
    return [[c.content, c.usage_metadata, sorted(c.response_metadata)] for c in chunks]


def configurable_fields_switch(cls: Any, url: str) -> Any:
    from langchain_core.runnables import ConfigurableField

    model = cls(model=MODEL, base_url=url, temperature=0.1).configurable_fields(
        temperature=ConfigurableField(id="temp"), num_predict=ConfigurableField(id="limit")
    )
    out = []
    for configurable in ({}, {"temp": 0.5}, {"temp": 0.9, "limit": 20}):
        reply = model.invoke("Hi", config={"configurable": configurable})
        out.append([sorted(configurable), reply.content])
    return out


def dumpd_loads_round_trip(cls: Any, url: str) -> Any:
    from langchain_core.load import dumpd
    from langchain_core.load import loads

    model = cls(model=MODEL, base_url=url, temperature=0.2, num_ctx=2048, keep_alive="5m")
    form = dumpd(model)
    try:
        with beta_warning_ignored():
            back = loads(json.dumps(form), allowed_objects="all")
    except Exception as err:  # noqa: BLE001 - compared: what a script sees
        return [form, type(err).__name__]
    return [form, type(back).__name__, back.invoke("Hi").content]


SCRIPTS: dict[str, tuple[Any, Any]] = {
    "structured_batch_missing_model": (_by_model, structured_batch_missing_model),
    "retry_then_fallback": (_by_model, retry_then_fallback),
    "agent_streamed_messages": (
        _agent_turns,
        lambda cls, url: agent_streamed_messages(cls(model=MODEL, base_url=url)),
    ),
    "stream_usage_per_chunk": (ollama_replies(), stream_usage_per_chunk),
    "configurable_fields_switch": (ollama_replies(), configurable_fields_switch),
    "dumpd_loads_round_trip": (ollama_replies(), dumpd_loads_round_trip),
    "rate_limited_batch": (
        ollama_replies(),
        lambda cls, url: rate_limited_batch(lambda **k: cls(model=MODEL, base_url=url, **k)),
    ),
    "model_copy_update": (
        ollama_replies(),
        lambda cls, url: copied(
            cls(model=MODEL, base_url=url, temperature=0), {"temperature": 0.7, "num_predict": 9}
        ),
    ),
}

SUITE = Suite(
    SCRIPTS,
    langchain_ollama.ChatOllama,
    OurChatOllama,
    # (the agent's tool result names its tool, as the suite's round trip keeps it)
    {"agent_streamed_messages": DIFFERENCES["tool_round_trip"]},
    result=lambda value: observe(value),
    request=_comparable_request,
    collect=True,
)
test_same_as_langchain_ollama = SUITE.same_test()
