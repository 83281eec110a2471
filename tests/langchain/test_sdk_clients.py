"""The partner's SDK client attributes on a drop-in (`chatplex/langchain/sdk_clients.py`):
real SDK objects of the partner's classes, built as the partner builds them (the same
base URL, key, timeout, retries, headers) on first read, never at construction, and kept;
a shallow copy shares them, a deep copy and a pickle do not carry them, equality ignores
them; usable by a script (`llm.client.create(...)`, sync and async, answered
here by chatplex's mock server); an SDK not installed is an ImportError naming its package."""

from __future__ import annotations

import asyncio
import copy
import importlib
import pickle
import sys
import warnings
from typing import Any

import httpx
import pytest
from _lckit import UNIT_BASE_URL
from pydantic import SecretStr
from test_field_store_repr import _DECLARED
from test_field_store_repr import _KEY
from test_field_store_repr import keyed

import chatplex
import chatplex.langchain
from chatplex.chat.partner_form import PartnerFields
from chatplex.chat.partner_form import SdkClient
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain.partner_fields import reading_form
from chatplex.langchain.sdk_clients import ClientCache
from chatplex.langchain.sdk_clients import client_arguments
from chatplex.langchain.sdk_clients import sdk_client
from chatplex.testing import MockServer
from tests._fresh import fresh_python

#: The drop-ins that build their partner's SDK clients: those whose repr is the
#: partner's, and those whose repr is not declared; the partner's module, and the
#: keywords both are built with (pointed at nothing: nothing is sent).
_BUILT: dict[str, tuple[str, dict[str, Any]]] = {
    **_DECLARED,
    "AzureChatOpenAI": (
        "langchain_openai",
        {
            "azure_endpoint": UNIT_BASE_URL,
            "azure_deployment": "dep",
            "api_version": "2024-06-01",
            "api_key": _KEY,
        },
    ),
    "ChatXAI": keyed("langchain_xai", "grok-4"),
    "ChatGroq": keyed("langchain_groq", "llama-3.1-8b-instant"),
    "ChatFireworks": keyed("langchain_fireworks", "accounts/fireworks/models/m"),
    "ChatMistralAI": keyed("langchain_mistralai", "mistral-small-latest"),
    "ChatAnthropic": keyed("langchain_anthropic", "claude-haiku-4-5"),
    "ChatSambaNova": keyed("langchain_sambanova", "Meta-Llama-3.3-70B-Instruct"),
    "ChatGoogleGenerativeAI": keyed("langchain_google_genai", "gemini-2.5-flash"),
    **{
        name: (
            "langchain_aws",
            {
                "model": "anthropic.claude-3-haiku-20240307-v1:0",
                "region_name": "eu-west-3",
                "endpoint_url": UNIT_BASE_URL,
                "aws_access_key_id": "AKIAEXAMPLE",
                "aws_secret_access_key": _KEY,
            },
        )
        for name in ("ChatBedrock", "ChatBedrockConverse")
    },
}

#: The attributes a partner holds its SDK clients in (langchain-anthropic's private).
_ATTRIBUTES = (
    "client",
    "bedrock_client",
    "async_client",
    "root_client",
    "root_async_client",
    "_client",
    "_async_client",
    "_sdk_client",
    "_async_sdk_client",
)

#: More keywords (the cases), each built on top of the wire's.
_CASES: dict[str, dict[str, Any]] = {
    "given": {},
    "tuned": {"timeout": 12, "max_retries": 4},
}

#: Those that take headers and query parameters for their clients too.
_OPENAI = (
    "ChatDeepSeek",
    "ChatTogether",
    "ChatNebius",
    "ChatOpenAI",
    "AzureChatOpenAI",
    "ChatXAI",
    "ChatGroq",
)
_HEADERS = {"default_headers": {"x-team": "a"}, "default_query": {"q": "1"}}


def _form(name: str) -> PartnerFields:
    form = reading_form(getattr(importlib.import_module(DROP_IN_MODULES[name]), name))
    return form if form is not None else PartnerFields()


def _pair(name: str, more: dict[str, Any]) -> tuple[Any, Any]:
    module, params = _BUILT[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the partners' own
        partner = getattr(importlib.import_module(module), name)(**params, **more)
    return getattr(chatplex.langchain, name)(**params, **more), partner


def _made(client: Any) -> Any:
    """How an SDK client was built: its class and the settings it calls with."""
    if client is None:
        return None
    wrapper = getattr(client, "_client_wrapper", None)  # cohere's
    if wrapper is not None:
        return type(client), wrapper.get_base_url(), wrapper.get_headers(), wrapper.get_timeout()
    meta = getattr(client, "meta", None)
    if meta is not None and hasattr(meta, "service_model"):  # boto3's (langchain-aws)
        keys = client._request_signer._credentials
        return (
            type(client).__name__,
            meta.service_model.service_name,
            meta.region_name,
            meta.endpoint_url,
            (keys.access_key, keys.secret_key),
            meta.config.user_agent_extra,
            meta.config.read_timeout,
            meta.config.retries,
        )
    api = getattr(client, "_api_client", None)  # google-genai's (its `.aio` shares it)
    if api is not None:
        options = api._http_options
        return (
            type(client),
            api.api_key,
            api.vertexai,
            options.base_url,
            options.api_version,
            (
                options.headers,
                options.client_args,
                options.async_client_args,
            ),
        )
    if isinstance(client, httpx.Client | httpx.AsyncClient):  # langchain-mistralai's
        return type(client), str(client.base_url), dict(client.headers), client.timeout
    # A resource (`chat.completions`): the client it calls through.
    root = client if hasattr(client, "base_url") else client._client
    return (
        type(client),
        str(root.base_url),
        root.api_key,
        root.timeout,
        root.max_retries,
        dict(root._custom_headers),
        dict(root._custom_query),
        organization
        if isinstance(organization := getattr(root, "organization", None), str)
        else None,
        _proxies(root._client),
    )


def _proxies(client: httpx.Client | httpx.AsyncClient) -> list[tuple[str, str]]:
    """The proxies an httpx client sends through, by the URLs they are for."""
    return sorted(
        (pattern.pattern, str(transport._pool._proxy_url))
        for pattern, transport in client._mounts.items()
        if transport is not None
    )


def test_every_built_client_is_checked() -> None:
    assert {name for name in DROP_IN_MODULES if _form(name).clients} == set(_BUILT)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("case", list(_CASES))
@pytest.mark.parametrize("name", list(_BUILT))
def test_built_as_the_partner_builds_them(name: str, case: str) -> None:
    more = {**_CASES[case], **(_HEADERS if case == "tuned" and name in _OPENAI else {})}
    if case == "tuned" and name == "ChatOpenAI":
        more["organization"] = "org-5"
    ours, theirs = _pair(name, more)
    for attribute in _ATTRIBUTES:
        if hasattr(theirs, attribute):
            assert _made(getattr(ours, attribute)) == _made(getattr(theirs, attribute)), attribute
    assert _KEY not in repr(ours)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(_BUILT))
def test_built_on_first_read_and_kept(name: str) -> None:
    ours, _ = _pair(name, {})
    attribute = next(iter(_form(name).clients))
    assert repr(ours._sdk_clients) == "ClientCache([])"
    first = getattr(ours, attribute)
    assert getattr(ours, attribute) is first
    assert attribute in repr(ours._sdk_clients)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_the_clients_send_through_the_proxy_as_the_partners(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ChatOpenAI's validator gives its clients an httpx client through OPENAI_PROXY;
    # AzureChatOpenAI's reads it and leaves its clients unproxied.
    monkeypatch.setenv("OPENAI_PROXY", "http://proxy.test:3128")
    ours, theirs = _pair(name, {})
    for attribute in ("root_client", "root_async_client"):
        proxies = _proxies(getattr(ours, attribute)._client)
        assert proxies == _proxies(getattr(theirs, attribute)._client)
        assert bool(proxies) is (name == "ChatOpenAI")


@pytest.mark.filterwarnings("ignore")
def test_a_private_name_not_declared_is_still_missing() -> None:
    ours, _ = _pair("ChatAnthropic", {})
    assert ours._client is ours._client
    with pytest.raises(AttributeError):
        ours._sdk_client  # noqa: B018 - langchain-fireworks' name, not langchain-anthropic's


def test_construction_imports_no_sdk() -> None:
    code = (
        "import sys, chatplex.langchain\n"
        "llm = chatplex.langchain.ChatDeepSeek(model='deepseek-chat', api_key='k', "
        f"api_base={UNIT_BASE_URL!r})\n"
        "print('openai' in sys.modules)\n"
        "llm.client\n"
        "print('openai' in sys.modules)\n"
    )
    run = fresh_python(code)
    assert run.stdout.split() == ["False", "True"]


@pytest.mark.filterwarnings("ignore")
def test_the_chat_client_is_the_root_clients_resource() -> None:
    ours, _ = _pair("ChatDeepSeek", {})
    assert ours.client is ours.root_client.chat.completions
    assert ours.async_client is ours.root_async_client.chat.completions


@pytest.mark.filterwarnings("ignore")
def test_a_root_the_partner_does_not_keep_reads_none() -> None:
    ours, theirs = _pair("ChatNebius", {})
    assert ours.root_client is None is theirs.root_client
    assert ours.client is not None


def test_vertexs_clients_read_none_as_the_partners_before_a_call() -> None:
    """langchain-google-vertexai's `client` / `async_client` hold None until its own first
    call builds one (its `prediction_client`); the drop-in's calls are chatplex's."""
    vertex = pytest.importorskip("langchain_google_vertexai")
    params = {"model": "gemini-2.5-flash", "project": "p", "location": "us-central1"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation
        theirs = vertex.ChatVertexAI(**params)
    ours = chatplex.langchain.ChatVertexAI(**params)
    for attribute in ("client", "async_client"):
        assert getattr(ours, attribute) is None is getattr(theirs, attribute), attribute


def test_geminis_clients_carry_the_scripts_headers_and_client_args() -> None:
    more = {"additional_headers": {"x-team": "a"}, "client_args": {"trust_env": False}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _pair("ChatGoogleGenerativeAI", more)
    assert _made(ours.client) == _made(theirs.client)
    assert _made(ours.async_client) == _made(theirs.async_client)
    assert ours.client._api_client._http_options.headers["x-team"] == "a"


def _against(server: MockServer) -> Any:
    return chatplex.langchain.ChatDeepSeek(
        model="deepseek-chat", api_key=_KEY, api_base=server.openai_base_url
    )


_HI = [{"role": "user", "content": "hi"}]


def test_a_script_calls_through_the_sync_client() -> None:
    with MockServer() as server:
        reply = _against(server).client.create(model="deepseek-chat", messages=_HI)
        assert reply.choices[0].message.content == "Echo: hi"
        assert server.stats.requests == 1


def test_a_script_calls_through_the_async_client() -> None:
    with MockServer() as server:
        llm = _against(server)

        async def call() -> Any:
            return await llm.async_client.create(model="deepseek-chat", messages=_HI)

        assert asyncio.run(call()).choices[0].message.content == "Echo: hi"
        assert server.stats.requests == 1


@pytest.mark.filterwarnings("ignore")
class TestCopies:
    def test_a_model_copy_shares_them_as_the_partners_does(self) -> None:
        ours, theirs = _pair("ChatDeepSeek", {})
        assert theirs.model_copy().client is theirs.client
        client = ours.client
        assert ours.model_copy().client is client
        assert ours.model_copy(update={"temperature": 0.5}).client is client

    def test_a_deep_copy_builds_its_own_and_equals(self) -> None:
        ours, _ = _pair("ChatDeepSeek", {})
        client = ours.client
        deep = copy.deepcopy(ours)
        assert deep == ours
        assert deep.client is not client
        assert _made(deep.client) == _made(client)

    @pytest.mark.parametrize("name", list(_BUILT))
    def test_a_pickle_still_works_after_a_read(self, name: str) -> None:
        ours, _ = _pair(name, {})
        client = getattr(ours, next(iter(_form(name).clients)))
        back = pickle.loads(pickle.dumps(ours))
        assert back == ours
        assert getattr(back, next(iter(_form(name).clients))) is not client

    def test_equality_ignores_what_was_built(self) -> None:
        ours, _ = _pair("ChatDeepSeek", {})
        other, _ = _pair("ChatDeepSeek", {})
        ours.root_client  # noqa: B018 - built on one side only
        assert ours == other


@pytest.mark.filterwarnings("ignore")
class TestDumps:
    def test_clients_the_partner_excludes_are_not_dumped(self) -> None:
        ours, theirs = _pair("ChatDeepSeek", {})
        assert "client" not in ours.model_dump()
        assert list(ours.model_dump()) == list(theirs.model_dump())

    def test_clients_the_partner_dumps_are_dumped_and_written_null_in_json(self) -> None:
        ours, theirs = _pair("ChatCohere", {})
        dumped = ours.model_dump()
        assert type(dumped["client"]) is type(theirs.model_dump()["client"])
        assert '"client":null' in ours.model_dump_json()


class TestMissingSdk:
    @pytest.mark.filterwarnings("ignore")
    def test_reading_names_the_package(self, monkeypatch: pytest.MonkeyPatch) -> None:
        ours, _ = _pair("ChatPerplexity", {})
        monkeypatch.setitem(sys.modules, "perplexity", None)
        with pytest.raises(ImportError, match="'perplexityai' package: pip install perplexityai"):
            ours.client  # noqa: B018
        assert "client=" not in repr(ours)  # the repr shows the rest

    def test_the_module_names_the_package_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "sdk_absent_here", None)
        form = PartnerFields(clients={"client": SdkClient("sdk_absent_here.sub:Client")})
        with pytest.raises(ImportError, match="'sdk_absent_here' package"):
            sdk_client(form, ClientCache(), "client", lambda name: None)


def test_client_arguments_leave_out_the_optional_nones() -> None:
    form = PartnerFields(
        client_arguments={"api_key": "key", "timeout": "timeout", "headers": "headers"},
        client_optional=frozenset({"timeout", "headers"}),
    )
    fields = {"key": None, "timeout": None, "headers": {"a": "b"}}
    assert client_arguments(form, fields.get) == {"api_key": None, "headers": {"a": "b"}}


def test_client_arguments_add_the_partners_own_values_under_the_scripts() -> None:
    form = PartnerFields(
        client_arguments={"base_url": "endpoint", "default_headers": "headers"},
        client_fixed={"max_retries": 0},
        client_headers={"User-Agent": "lc/{partner_version}", "Authorization": "Bearer {key}"},
    )
    fields = {"endpoint": "http://h", "headers": {"User-Agent": "mine"}, "key": SecretStr("k")}
    assert client_arguments(form, fields.get, version="1.2") == {
        "base_url": "http://h",
        "max_retries": 0,
        "default_headers": {"User-Agent": "mine", "Authorization": "Bearer k"},
    }


@pytest.mark.parametrize("asynchronous", [False, True])
def test_client_arguments_give_a_proxied_http_client(asynchronous: bool) -> None:
    form = PartnerFields(client_arguments={"api_key": "key"}, client_proxy="proxy")
    client = client_arguments(form, {"proxy": "http://p.test:1"}.get, asynchronous)["http_client"]
    assert type(client) is (httpx.AsyncClient if asynchronous else httpx.Client)
    [(pattern, url)] = _proxies(client)
    assert pattern == "all://" and "host=b'p.test', port=1" in url


def test_client_arguments_keep_a_given_http_client() -> None:
    form = PartnerFields(client_arguments={"http_client": "http_client"}, client_proxy="proxy")
    given = {"proxy": "http://p.test:1", "http_client": "theirs"}
    assert client_arguments(form, given.get) == {"http_client": "theirs"}
