"""A tool or output schema given as a dict without a description: LangChain sends the
dict as given, so no `description` key goes out; one given empty goes out empty. The
drop-ins send what their partner classes send, bound as tools and as the one tool
`with_structured_output(method="function_calling")` forces."""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests._replies import ollama_reply
from tests._replies import responses_reply
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server

_OPENAI = json.dumps(chat_completion("hi", created=1)).encode()
_ANTHROPIC = json.dumps(anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1}))
_OLLAMA = json.dumps(ollama_reply("hi", model="m"))
_RESPONSE = json.dumps(
    responses_reply(
        "hi", model="m", usage={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
    )
)

_EMPTY = {"type": "object", "properties": {}}
TOOLS = {
    "openai dict": {"type": "function", "function": {"name": "d", "parameters": _EMPTY}},
    "openai dict, empty": {
        "type": "function",
        "function": {"name": "d", "description": "", "parameters": _EMPTY},
    },
    "anthropic dict": {"name": "d", "input_schema": _EMPTY},
    "json schema": {"title": "J", "type": "object", "properties": {"a": {"type": "integer"}}},
}
#: Drop-in name -> (partner module, keywords but the URL, the URL's keyword, its suffix).
MODELS: dict[str, tuple[str, dict[str, Any], str, str]] = {
    "ChatOpenAI": ("langchain_openai", {"model": "m", "api_key": "k"}, "base_url", "/v1"),
    "ChatOpenAI responses": (
        "langchain_openai",
        {"model": "m", "api_key": "k", "use_responses_api": True},
        "base_url",
        "/v1",
    ),
    "ChatAnthropic": ("langchain_anthropic", {"model": "m", "api_key": "k"}, "base_url", ""),
    "ChatGroq": ("langchain_groq", {"model": "m", "api_key": "k"}, "base_url", ""),
    "ChatMistralAI": ("langchain_mistralai", {"model": "m", "api_key": "k"}, "endpoint", "/v1"),
    "ChatOllama": ("langchain_ollama", {"model": "m"}, "base_url", ""),
}


def _reply(path: str) -> bytes:
    if path.startswith("/v1/messages"):
        return _ANTHROPIC.encode()
    if path.startswith("/api/chat"):
        return _OLLAMA.encode()
    return _RESPONSE.encode() if path.startswith("/v1/responses") else _OPENAI


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_reply(seen.path)])
        yield served


def _both(name: str, url: str) -> list[Any]:
    module, keywords, where, suffix = MODELS[name]
    pytest.importorskip(module)
    built = {**keywords, where: url + suffix, "max_retries": 0}
    cls = name.split()[0]
    return [
        getattr(importlib.import_module(module), cls)(**built),
        getattr(chatplex.langchain, cls)(**built),
    ]


def _tools_sent(models: list[Any], server: ScriptedServer, call: Any) -> list[Any]:
    sent = []
    for model in models:
        server.seen.clear()
        # a structured reply that is no tool call raises: only the request counts
        with contextlib.suppress(Exception):
            call(model)
        (seen,) = server.seen
        sent.append(seen.body["tools"])
    return sent


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("name", MODELS)
def test_a_bound_tools_description_is_sent_as_the_partner_sends_it(
    name: str, tool: str, server: ScriptedServer
) -> None:
    theirs, ours = _tools_sent(
        _both(name, server.url), server, lambda m: m.bind_tools([TOOLS[tool]]).invoke("hi")
    )
    assert ours == theirs
    described = json.dumps(ours)
    assert ('"description"' in described) is (tool == "openai dict, empty")


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatAnthropic"])
def test_a_structured_schema_without_a_description_forces_a_tool_without_one(
    name: str, server: ScriptedServer
) -> None:
    schema = TOOLS["json schema"]
    models = _both(name, server.url)
    theirs, ours = _tools_sent(
        models,
        server,
        lambda m: m.with_structured_output(schema, method="function_calling").invoke("hi"),
    )
    assert ours == theirs and "description" not in json.dumps(ours)
