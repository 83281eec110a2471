"""chatplex's own family (`chatplex.init_chat_model`, never LangChain) beside the partner
package's class for the same call (issue 63): a name borrowed from LangChain behaves as
LangChain's. Here: `with_structured_output`'s default method, as each wire's LangChain
class chooses it, and the request body it sends.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex
from chatplex.chat.structured import default_method
from chatplex.providers.compatible.spec import DROPINS
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen

lco = pytest.importorskip("langchain_openai")

KEY = "sk-test-own"
VERSION = "2024-10-21"
#: The keys of a Chat Completions or Responses body that carry structured output.
STRUCTURED_KEYS = ("response_format", "text", "tools", "tool_choice", "parallel_tool_calls")


class Person(BaseModel):
    name: str
    born: int


def _answer(seen: Seen) -> Reply:
    """A Chat Completions reply: the forced tool's call where tools were sent, else the
    JSON text."""
    body = seen.body if isinstance(seen.body, dict) else {}
    arguments = '{"name": "Ada", "born": 1815}'
    message: dict[str, Any] = {"role": "assistant", "content": arguments}
    if body.get("tools"):
        call = {
            "id": "c1",
            "type": "function",
            "function": {"name": "Person", "arguments": arguments},
        }
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
    choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
    usage = {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}
    reply = {"id": "c", "object": "chat.completion", "created": 1, "model": body.get("model")}
    return Reply(200, [json.dumps({**reply, "choices": [choice], "usage": usage}).encode()])


def _structured_call(
    server: ScriptedServer, make: Callable[[str], Any], *, how: str = "invoke", **asked: Any
) -> dict[str, Any]:
    """What `make(url).with_structured_output(Person, **asked)` sent, warned and
    returned."""
    server.handler, server.seen[:] = _answer, []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runnable = make(server.url).with_structured_output(Person, **asked)
        try:
            if how == "ainvoke":
                result: Any = asyncio.run(runnable.ainvoke("Who wrote the first program?"))
            else:
                result = runnable.invoke("Who wrote the first program?")
        except Exception as error:  # a reply one side cannot read: the body is compared
            result = type(error).__name__
    body = server.seen[-1].body
    return {
        "sent": {k: body[k] for k in STRUCTURED_KEYS if k in body},
        "warned": [str(w.message) for w in caught if "json_schema" in str(w.message)],
        "result": result if isinstance(result, Person) else None,
    }


def _own(provider: str, model: str, **more: Any) -> Callable[[str], Any]:
    def make(url: str) -> Any:
        if provider == "azure_openai":
            where = {"azure_endpoint": url, "api_version": VERSION}
        else:
            where = {"base_url": url + "/v1"}
        return chatplex.init_chat_model(f"{provider}:{model}", api_key=KEY, **where, **more)

    return make


def _partner(model: str, **more: Any) -> Callable[[str], Any]:
    return lambda url: lco.ChatOpenAI(model=model, api_key=KEY, base_url=url + "/v1", **more)


def _azure_partner(model: str, **more: Any) -> Callable[[str], Any]:
    def make(url: str) -> Any:
        return lco.AzureChatOpenAI(
            model=model, api_key=KEY, azure_endpoint=url, api_version=VERSION, **more
        )

    return make


#: (own family, langchain-openai's class) for one call: a model with Structured Outputs
#: and one without (langchain-openai's fallback to function calling, with its warning).
ROWS = {
    "chat completions": (_own("openai", "gpt-4o-mini"), _partner("gpt-4o-mini")),
    "chat completions, gpt-3.5": (_own("openai", "gpt-3.5-turbo"), _partner("gpt-3.5-turbo")),
    "responses": (
        _own("openai", "gpt-4o-mini", use_responses_api=True),
        _partner("gpt-4o-mini", use_responses_api=True),
    ),
    "responses, gpt-4": (
        _own("openai", "gpt-4", use_responses_api=True),
        _partner("gpt-4", use_responses_api=True),
    ),
    "azure": (_own("azure_openai", "gpt-4o-mini"), _azure_partner("gpt-4o-mini")),
    "azure, gpt-35": (_own("azure_openai", "gpt-35-turbo"), _azure_partner("gpt-35-turbo")),
}


@pytest.mark.parametrize("row", sorted(ROWS))
def test_structured_output_default_sends_langchain_openais_body(
    server: ScriptedServer, row: str
) -> None:
    own, partner = ROWS[row]
    ours, theirs = _structured_call(server, own), _structured_call(server, partner)
    assert ours["sent"] == theirs["sent"]
    assert ours["warned"] == theirs["warned"]
    lacking = row.endswith(("3.5", "gpt-4", "gpt-35"))
    assert ("tools" in ours["sent"]) is lacking  # else response_format / text.format
    assert len(ours["warned"]) == lacking


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
@pytest.mark.parametrize("row", ["chat completions", "chat completions, gpt-3.5"])
def test_a_method_asked_sends_langchain_openais_body(
    server: ScriptedServer, row: str, method: str
) -> None:
    own, partner = ROWS[row]
    ours = _structured_call(server, own, method=method)
    assert ours == _structured_call(server, partner, method=method)
    fell_back = method == "json_schema" and row.endswith("3.5")
    assert len(ours["warned"]) == fell_back


@pytest.mark.parametrize("row", ["chat completions", "chat completions, gpt-3.5"])
def test_structured_output_default_reads_the_reply_sync_and_async(
    server: ScriptedServer, row: str
) -> None:
    own, partner = ROWS[row]
    for how in ("invoke", "ainvoke"):
        ours, theirs = _structured_call(server, own, how=how), _structured_call(server, partner)
        assert ours == theirs
        assert ours["result"] == Person(name="Ada", born=1815)


def test_fallback_warning_points_at_the_script() -> None:
    model = chatplex.init_chat_model("openai:gpt-3.5-turbo", api_key=KEY)
    with pytest.warns(UserWarning, match="Overriding to method='function_calling'") as caught:
        model.with_structured_output(Person)
    assert caught[0].filename == __file__


def _partner_default(partner_class: str) -> str:
    module, _, name = partner_class.partition(":")
    cls = getattr(importlib.import_module(module), name)
    return str(inspect.signature(cls.with_structured_output).parameters["method"].default)


#: Every preset whose LangChain class is installed here: (preset, its class).
PRESET_PARTNERS = {
    name: dropin.partner_class
    for name, dropin in DROPINS.items()
    if dropin.partner_class
    and importlib.util.find_spec(dropin.partner_class.partition(".")[0]) is not None
}


@pytest.mark.parametrize("preset", sorted(PRESET_PARTNERS))
def test_each_presets_default_method_is_its_langchain_classes(preset: str) -> None:
    model = chatplex.init_chat_model(f"{preset}:some-model", api_key=KEY)
    ours = default_method(model.adapter, model.structured_output_method)
    assert ours == _partner_default(PRESET_PARTNERS[preset])


@pytest.mark.parametrize(
    ("name", "partner"),
    [("openai:gpt-4o", "ChatOpenAI"), ("azure_openai:gpt-4o", "AzureChatOpenAI")],
)
def test_the_openai_wires_default_is_langchain_openais(name: str, partner: str) -> None:
    where = {"azure_endpoint": "https://x.example", "api_version": VERSION}
    model = chatplex.init_chat_model(name, api_key=KEY, **(where if "azure" in name else {}))
    ours = default_method(model.adapter, model.structured_output_method)
    assert ours == _partner_default(f"langchain_openai:{partner}") == "json_schema"


#: Each native wire's own family beside its LangChain class: (init_chat_model name and
#: settings, the partner class). ChatVertexAI's default is None: function calling there.
NATIVE_PARTNERS = {
    "google_genai": ("google_genai:gemini-2.5-flash", {"api_key": "AIza-test"}),
    "google_vertexai": ("google_vertexai:gemini-2.5-flash", {"project": "p", "location": "us"}),
    "anthropic": ("anthropic:claude-sonnet-4-5", {"api_key": KEY}),
    "ollama": ("ollama:llama3.1", {}),
    "cohere": ("cohere:command-r", {"api_key": KEY}),
    "bedrock_converse": ("bedrock_converse:amazon.nova-lite-v1:0", {"region_name": "us-east-1"}),
}
NATIVE_CLASSES = {
    "google_genai": "langchain_google_genai:ChatGoogleGenerativeAI",
    "google_vertexai": "langchain_google_vertexai:ChatVertexAI",
    "anthropic": "langchain_anthropic:ChatAnthropic",
    "ollama": "langchain_ollama:ChatOllama",
    "cohere": "langchain_cohere:ChatCohere",
    "bedrock_converse": "langchain_aws:ChatBedrockConverse",
}


@pytest.mark.parametrize("wire", sorted(NATIVE_PARTNERS))
def test_each_native_wires_default_method_is_its_langchain_classes(wire: str) -> None:
    partner = NATIVE_CLASSES[wire]
    if importlib.util.find_spec(partner.partition(":")[0]) is None:
        pytest.skip(f"{partner} is not installed")
    name, settings = NATIVE_PARTNERS[wire]
    model = chatplex.init_chat_model(name, **settings)
    theirs = _partner_default(partner)
    ours = default_method(model.adapter, model.structured_output_method)
    assert ours == (theirs if theirs != "None" else "function_calling")
