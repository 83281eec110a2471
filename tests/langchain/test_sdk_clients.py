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
import inspect
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
from chatplex.chat.partner_form import Fallback
from chatplex.chat.partner_form import PartnerFields
from chatplex.chat.partner_form import SdkClient
from chatplex.chat.partner_form import SharedHttpClient
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain.sdk_clients import ClientCache
from chatplex.langchain.sdk_clients import client_arguments
from chatplex.langchain.sdk_clients import client_closer
from chatplex.langchain.sdk_clients import sdk_client
from chatplex.testing import MockServer

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
    "ChatCerebras",
    "ChatOpenAI",
    "AzureChatOpenAI",
    "ChatXAI",
    "ChatGroq",
)
_HEADERS = {"default_headers": {"x-team": "a"}, "default_query": {"q": "1"}}


def _form(name: str) -> PartnerFields:
    form = getattr(importlib.import_module(DROP_IN_MODULES[name]), name).fields
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


#: The drop-ins whose partner gives its SDK clients one httpx client shared by its models
#: of the same settings (its `_get_default_httpx_client`), by the SDK clients holding it.
_SHARING = {
    "ChatOpenAI": ("root_client", "root_async_client"),
    "ChatAnthropic": ("_client", "_async_client"),
}


def _http(client: Any) -> httpx.Client | httpx.AsyncClient:
    http: httpx.Client | httpx.AsyncClient = client._client
    return http


def _shape(http: httpx.Client | httpx.AsyncClient) -> tuple[Any, ...]:
    """What a script reads of a shared httpx client: where and how long it calls (the
    SDK's httpx's timeout by its repr: another package's compares unequal)."""
    return str(http.base_url), repr(http.timeout), _proxies(http)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(_SHARING))
def test_models_of_the_same_settings_share_one_http_client_as_the_partners(name: str) -> None:
    ours, theirs = _pair(name, {})
    other, again = _pair(name, {})
    sdk = importlib.import_module(_form(name).clients[_SHARING[name][0]].factory.partition(":")[0])
    classes = (sdk.DefaultHttpxClient, sdk.DefaultAsyncHttpxClient)
    for attribute, made in zip(_SHARING[name], classes, strict=True):
        mine, partners = _http(getattr(ours, attribute)), _http(getattr(theirs, attribute))
        assert _http(getattr(again, attribute)) is partners
        assert _http(getattr(other, attribute)) is mine
        # The SDK's public class, of which the partner's is a private subclass.
        assert isinstance(partners, type(mine))
        assert type(mine) is made
        assert _shape(mine) == _shape(partners)


#: The openai SDK's httpx's Timeout (not hashable: a model given one gets its own client).
_SdkTimeout = importlib.import_module("openai").Timeout

#: Settings that key the shared client or not, each given to a second model only.
_SETTINGS: dict[str, dict[str, Any]] = {
    "ChatOpenAI": {
        "base URL": {"base_url": "http://other.test/v1"},
        "timeout": {"timeout": 17},
        "unhashable timeout": {"timeout": _SdkTimeout(17)},
        "retries": {"max_retries": 7},
        "headers": {"default_headers": {"x-team": "b"}},
        "proxy": {"openai_proxy": "http://proxy.test:3128"},
    },
    "ChatAnthropic": {
        "base URL": {"base_url": "http://other.test"},
        "timeout": {"timeout": 17.0},
        "retries": {"max_retries": 7},
        "proxy": {"anthropic_proxy": "http://proxy.test:3128"},
    },
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    ("name", "setting"), [(name, s) for name, settings in _SETTINGS.items() for s in settings]
)
def test_the_shared_client_is_kept_by_the_partners_key(name: str, setting: str) -> None:
    module, params = _BUILT[name]
    more = {**params, **_SETTINGS[name][setting]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the partners' own
        partner = getattr(importlib.import_module(module), name)
        first, first_theirs = getattr(chatplex.langchain, name)(**params), partner(**params)
        second, second_theirs = getattr(chatplex.langchain, name)(**more), partner(**more)
        third, third_theirs = getattr(chatplex.langchain, name)(**more), partner(**more)
    for attribute in _SHARING[name]:

        def shared(a: Any, b: Any, attribute: str = attribute) -> bool:
            return _http(getattr(a, attribute)) is _http(getattr(b, attribute))

        assert shared(first, second) is shared(first_theirs, second_theirs)
        assert shared(second, third) is shared(second_theirs, third_theirs)
        assert _shape(_http(getattr(second, attribute))) == _shape(
            _http(getattr(second_theirs, attribute))
        )


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", ["AzureChatOpenAI", "ChatXAI", "ChatDeepSeek", "ChatTogether"])
def test_a_partner_that_shares_none_is_matched(name: str) -> None:
    ours, theirs = _pair(name, {})
    other, again = _pair(name, {})
    assert _http(theirs.root_client) is not _http(again.root_client)
    assert _http(ours.root_client) is not _http(other.root_client)
    assert type(_http(ours.root_client)) is type(_http(theirs.root_client))


@pytest.mark.filterwarnings("ignore")
def test_the_shared_client_is_not_built_at_construction() -> None:
    from chatplex.langchain import sdk_clients

    url = "http://built-on-first-read.test/v1"
    kept = sdk_clients._kept_http_client.cache_info().currsize
    ours = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key=_KEY, base_url=url)
    assert sdk_clients._kept_http_client.cache_info().currsize == kept
    assert str(_http(ours.root_client).base_url) == url + "/"


def test_client_arguments_give_the_shared_http_client(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = SharedHttpClient(
        ("httpx:Client", "httpx:AsyncClient"), base_url=Fallback("http://d.test", ("X_BASE",))
    )
    form = PartnerFields(
        client_arguments={"base_url": "base", "timeout": "timeout", "api_key": "key"},
        client_proxy="proxy",
        client_shared=shared,
    )
    fields = {"base": None, "timeout": 31.5, "key": "a"}
    made = client_arguments(form, fields.get)["http_client"]
    assert str(made.base_url) == "http://d.test" and made.timeout == httpx.Timeout(31.5)
    assert client_arguments(form, {**fields, "key": "b"}.get)["http_client"] is made
    assert type(client_arguments(form, fields.get, True)["http_client"]) is httpx.AsyncClient
    # Its variable read where the base URL is None, when it is built.
    monkeypatch.setenv("X_BASE", "http://v.test")
    assert str(client_arguments(form, {**fields, "timeout": 31.6}.get)["http_client"].base_url) == (
        "http://v.test"
    )
    # A proxy gives a model its own (unless `proxied`), a given client wins.
    proxied = client_arguments(form, {**fields, "proxy": "http://p.test:1"}.get)["http_client"]
    assert proxied is not made and _proxies(proxied)
    given = PartnerFields(client_arguments={"http_client": "http_client"}, client_shared=shared)
    assert client_arguments(given, {"http_client": "theirs"}.get) == {"http_client": "theirs"}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize(
    "name", ["ChatOpenAI", "AzureChatOpenAI", "ChatXAI", "ChatDeepSeek", "ChatTogether"]
)
def test_the_scripts_http_clients_are_given_to_the_sdk_clients_as_the_partners(name: str) -> None:
    sdk = importlib.import_module("openai")
    given = {
        "http_client": sdk.DefaultHttpxClient(),
        "http_async_client": sdk.DefaultAsyncHttpxClient(),
    }
    ours, theirs = _pair(name, given)
    for llm in (ours, theirs):
        # (the chat completions resource's root client's)
        assert _http(llm.client._client) is given["http_client"]
        assert _http(llm.async_client._client) is given["http_async_client"]


class _Client:
    """An SDK client that records its close: sync, or (`awaited`) a coroutine."""

    def __init__(self, log: list[str], name: str, awaited: bool = False) -> None:
        self.log, self.name, self.awaited = log, name, awaited

    def close(self) -> Any:
        if not self.awaited:
            self.log.append(self.name)
            return None

        async def closing() -> None:
            self.log.append(self.name)

        return closing()


def test_a_closer_closes_the_clients_built_in_order_and_builds_none() -> None:
    log: list[str] = []
    model = type("Model", (), {"_sdk_clients": ClientCache()})()
    model._sdk_clients.get("root", lambda: _Client(log, "root"))
    model._sdk_clients.get("aio", lambda: _Client(log, "aio", awaited=True))
    close = client_closer("close", ("root", "never_built"))
    aclose = client_closer("aclose", ("aio", "root"))
    assert close.__name__ == "close" and inspect.iscoroutinefunction(aclose)
    close(model)
    asyncio.run(aclose(model))
    assert log == ["root", "aio", "root"]
    assert model._sdk_clients.built(("never_built",)) == []


@pytest.mark.parametrize("name", ["ChatGoogleGenerativeAI", "ChatFireworks"])
def test_the_partners_close_methods_are_there_as_theirs(name: str) -> None:
    # A script that closes the model when it is done (`await llm.aclose()`) runs on the
    # drop-in; closing one whose clients were never read builds none.
    ours, theirs = _pair(name, {})
    for method in ("close", "aclose"):
        assert hasattr(ours, method) == hasattr(theirs, method), method
        if hasattr(theirs, method):
            closer = getattr(ours, method)
            assert inspect.iscoroutinefunction(closer) == inspect.iscoroutinefunction(
                getattr(theirs, method)
            )
            done = closer()
            if asyncio.iscoroutine(done):
                asyncio.run(done)
    assert repr(ours._sdk_clients) == "ClientCache([])"


@pytest.mark.filterwarnings("ignore")
def test_fireworks_close_and_aclose_close_its_sdk_clients_as_theirs() -> None:
    ours, theirs = _pair("ChatFireworks", {})
    for llm in (ours, theirs):
        llm.client, llm.async_client  # noqa: B018 - built (ours on first read)
        llm.close()
        assert llm._sdk_client.is_closed() and not llm._async_sdk_client.is_closed()
        asyncio.run(llm.aclose())
        assert llm._async_sdk_client.is_closed()


@pytest.mark.filterwarnings("ignore")
def test_gemini_aclose_closes_its_sdk_clients_as_theirs() -> None:
    for llm in _pair("ChatGoogleGenerativeAI", {}):
        llm.client, llm.async_client  # noqa: B018 - built (ours on first read)
        api = llm.client._api_client
        asyncio.run(llm.aclose())
        assert api._httpx_client.is_closed and api._async_httpx_client.is_closed
