"""`default_query=` without `base_url=`: the partner's class sends its query on every
request to the base URL it would use anyway (its environment variable, else its
provider's default), and the drop-in sends the same request there.

Each case builds the partner's class and the drop-in with the same keywords and compares
the request a call sends: to a local server named by the environment variable, or (no
variable) through an httpx client of the script's whose transport records the URL, so
nothing leaves the machine."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import comparable_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

pytest.importorskip("langchain_openai")

_REPLY = chat_completion("hi", created=1)
_QUERY = {"tenant": "t1", "a": "1"}

#: The classes whose partner takes `default_query`: name -> (partner module, the
#: environment variables naming its base URL, as the partner reads them).
_CLASSES = {
    "ChatOpenAI": ("langchain_openai", ("OPENAI_BASE_URL", "OPENAI_API_BASE")),
    "ChatDeepSeek": ("langchain_deepseek", ("DEEPSEEK_API_BASE",)),
    "ChatXAI": ("langchain_xai", ("XAI_API_BASE",)),
    "ChatTogether": ("langchain_together", ("TOGETHER_API_BASE",)),
    "ChatNebius": ("langchain_nebius", ("NEBIUS_API_BASE",)),
    "ChatGroq": ("langchain_groq", ("GROQ_API_BASE",)),
    "ChatSambaNova": ("langchain_sambanova", ("SAMBANOVA_API_BASE",)),
}
_CASES = [(name, variable) for name, (_, names) in _CLASSES.items() for variable in names]
#: Every base URL variable a case may read, cleared first (a developer's shell may hold them).
_VARIABLES = (
    *(v for _, names in _CLASSES.values() for v in names),
    "GROQ_BASE_URL",
    "SAMBA_NOVA_BASE_URL",
    "OPENAI_PROXY",
    "LANGSMITH_GATEWAY",
)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [json.dumps(_REPLY).encode()])
        yield served


def _classes(name: str) -> tuple[Any, Any]:
    module = pytest.importorskip(_CLASSES[name][0])
    return getattr(module, name), getattr(chatplex.langchain, name)


_KEYWORDS = {"model": "m-1", "api_key": "k-test", "max_retries": 0, "default_query": _QUERY}


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize(("name", "variable"), _CASES)
def test_the_query_goes_to_the_base_url_of_the_environment_as_on_the_partner(
    name: str, variable: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, server.url + "/v1")
    sent = []
    for cls in _classes(name):
        server.seen.clear()
        sent_once(cls(**_KEYWORDS), "invoke")
        (request,) = server.seen
        sent.append(comparable_request(request, ()))
    theirs, ours = sent
    assert ours == theirs
    assert ours["path"].endswith("/chat/completions?tenant=t1&a=1")


def _recording_client(urls: list[str]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json=_REPLY)

    return httpx.Client(transport=httpx.MockTransport(answer))


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(_CLASSES))
def test_without_a_variable_the_query_goes_to_the_providers_default_as_on_the_partner(
    name: str, server: ScriptedServer
) -> None:
    sent = []
    for cls in _classes(name):
        urls: list[str] = []
        with _recording_client(urls) as client:
            cls(**_KEYWORDS, http_client=client).invoke("hi")
        sent.append(urls)
    theirs, ours = sent
    assert ours == theirs
    assert len(ours) == 1
    assert ours[0].startswith("https://api.")
    assert ours[0].endswith("/chat/completions?tenant=t1&a=1")


def test_the_partners_in_the_table_take_default_query() -> None:
    # The table above is the set of partner classes with the field, as installed.
    for name, (module, _) in _CLASSES.items():
        partner = getattr(importlib.import_module(module), name)
        assert "default_query" in partner.model_fields, name


@pytest.mark.filterwarnings("ignore")
def test_azures_query_goes_to_the_endpoint_of_the_environment_as_on_the_partner(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k-test")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    keywords = {"azure_deployment": "d", "max_retries": 0, "default_query": _QUERY}
    sent = []
    for module in (importlib.import_module("langchain_openai"), chatplex.langchain):
        server.seen.clear()
        sent_once(module.AzureChatOpenAI(**keywords), "invoke")
        (request,) = server.seen
        sent.append(comparable_request(request, ()))
    theirs, ours = sent
    assert ours == theirs
    assert "tenant=t1" in ours["path"]
