"""Under LangChain's names a drop-in sends the headers its partner SDK sends to say who is
calling (the User-Agent, the Stainless SDKs' `X-Stainless-*`, Fern's `X-Fern-*`...), so a
gateway that admits clients by them treats the drop-in as the partner package: each
compared with the headers the partner package's SDK actually sends, sync and async,
recorded by httpx's transports answering every request themselves and, for clients that
are not httpx's (botocore, aiohttp), by a server on 127.0.0.1 (no network). Partners
not installed here are checked against the forms read from their source.
chatplex's own family keeps `chatplex/<version>` and sends no SDK headers."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import platform
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import chatplex.langchain
from chatplex.chat import init_chat_model
from chatplex.dropins import DROP_IN_MODULES
from chatplex.version import USER_AGENT
from tests._dropins import engine
from tests._dropins import partner_headers
from tests._dropins import record
from tests._local_server import Answering
from tests._local_server import serving
from tests._replies import anthropic_message
from tests._replies import chat_completion

#: Where a partner is pointed: the recording server (`seen`) answers there, when the
#: patched httpx transports do not answer first.
URL = "{url}/v1"

_BEDROCK = {
    "model": "anthropic.claude-3-haiku-20240307-v1:0",
    "region_name": "us-east-1",
    "endpoint_url": "{url}",
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "secret",
}

_IBM_CLOUD = "https://us-south.ml.cloud.ibm.com"

#: Drop-in name -> (partner module, its constructor's keywords).
PARTNERS: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatOpenAI": ("langchain_openai", {"model": "gpt-4o-mini", "base_url": URL}),
    "AzureChatOpenAI": (
        "langchain_openai",
        {"azure_deployment": "d", "azure_endpoint": URL, "api_version": "2024-10-21"},
    ),
    "ChatAnthropic": ("langchain_anthropic", {"model": "claude-3", "base_url": URL}),
    "ChatGroq": ("langchain_groq", {"model": "m", "base_url": URL}),
    "ChatDeepSeek": ("langchain_deepseek", {"model": "m", "api_base": URL}),
    "ChatXAI": ("langchain_xai", {"model": "m", "xai_api_base": URL}),
    "ChatFireworks": ("langchain_fireworks", {"model": "m", "base_url": URL}),
    "ChatTogether": ("langchain_together", {"model": "m", "base_url": URL}),
    "ChatPerplexity": ("langchain_perplexity", {"model": "m"}),
    "ChatMistralAI": ("langchain_mistralai", {"model": "m", "endpoint": URL}),
    "ChatSambaNova": ("langchain_sambanova", {"model": "m", "base_url": URL}),
    "ChatNebius": ("langchain_nebius", {"model": "m", "base_url": URL}),
    "ChatCohere": ("langchain_cohere", {"model": "m", "base_url": URL}),
    "ChatOllama": ("langchain_ollama", {"model": "m", "base_url": URL}),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        {"model": "gemini-2.0-flash", "base_url": URL},
    ),
    "ChatBedrockConverse": ("langchain_aws", _BEDROCK),
    "ChatBedrock": ("langchain_aws", _BEDROCK),
    # (its endpoint is the anthropic SDK's variable's: `seen` sets it)
    "ChatAnthropicBedrock": (
        "langchain_aws",
        {k: v for k, v in _BEDROCK.items() if k != "endpoint_url"},
    ),
    # (a fixed token: its SDK client asks Google for none)
    "ChatAnthropicVertex": (
        "langchain_google_vertexai.model_garden",
        {
            "model": "claude-sonnet-4-5@20250929",
            "project": "p",
            "access_token": "t",
            "base_url": URL,
        },
    ),
    # IBM Cloud's URL, answered by the patched transports: ibm-watsonx-ai refuses any
    # other. Its first request (the project's details, asked when built) is sent by the
    # same SDK client as its chat requests.
    "ChatWatsonx": (
        "langchain_ibm",
        {"model_id": "ibm/granite", "url": _IBM_CLOUD, "token": "tok", "project_id": "p"},
    ),
    # (their forms also read from the source of the release named: checked below as a
    # script without the partner installed has them sent)
    "ChatCerebras": ("langchain_cerebras", {"model": "m", "base_url": URL}),
    "ChatOpenRouter": ("langchain_openrouter", {"model": "m", "base_url": URL}),
}
#: Those with no `max_retries`, and the keyword of each one's key (default `api_key`).
_NO_RETRIES = {"ChatCohere", "ChatOllama", "ChatBedrock", "ChatBedrockConverse", "ChatWatsonx"}
_KEYS: dict[str, str | None] = {
    "ChatOllama": None,
    "ChatCohere": "cohere_api_key",
    "ChatBedrock": None,
    "ChatBedrockConverse": None,
    "ChatAnthropicBedrock": None,
    "ChatAnthropicVertex": None,
    "ChatWatsonx": None,
}

#: Drop-in names that send chatplex's own User-Agent under LangChain's name, and why.
NOT_THE_PARTNERS: dict[str, str] = {
    "ChatHyperbolic": "no LangChain partner package: the name is chatplex's own",
    "ChatVertexAI": (
        "per instance: x-goog-api-client names the model and the credentials' type "
        "(chatplex/providers/google/vertex_dropin.py; tests/partners/vertex/test_vertex_headers.py)"
    ),
}

#: The headers that say who calls (the Stainless SDKs' per-attempt ones included).
_WHO = re.compile(r"user-agent|x-stainless-.*|x-fern-.*|x-source|x-title|x-integration-source")


class _Recorder(Answering):
    seen: list[dict[str, str]]

    def do_POST(self) -> None:
        self.seen.append({k.lower(): v for k, v in self.headers.items()})
        self.read_body()
        self.answer(400, b'{"error": {"message": "refused", "type": "x"}, "message": "refused"}')


class Seen:
    """The headers of the requests sent while it is active (lower-case names), each
    answered with a 400, whoever built the client."""

    def __init__(self, url: str, headers: list[dict[str, str]]) -> None:
        self.url = url
        self.headers = headers


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[Seen]:
    headers: list[dict[str, str]] = []
    # httpx, and httpx2 where the installed openai and anthropic SDKs call through it.
    for client in (httpx, _httpx2()):
        if client is None:
            continue

        def answer(self: Any, request: Any, client: Any = client) -> Any:
            headers.append({k.lower(): v for k, v in request.headers.items()})
            return client.Response(400, json={"error": {"message": "refused", "type": "x"}})

        async def aanswer(self: Any, request: Any, answer: Any = answer) -> Any:
            return answer(self, request)

        monkeypatch.setattr(client.HTTPTransport, "handle_request", answer)
        monkeypatch.setattr(client.AsyncHTTPTransport, "handle_async_request", aanswer)
    with serving(_Recorder, seen=headers) as url:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", url)
        yield Seen(url, headers)


def _httpx2() -> Any:
    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return None


def _settings(name: str, url: str) -> dict[str, Any]:
    settings = {
        k: v.format(url=url) if isinstance(v, str) else v for k, v in PARTNERS[name][1].items()
    }
    if name not in _NO_RETRIES:
        settings["max_retries"] = 0
    key = _KEYS.get(name, "api_key")
    if key is not None:
        settings[key] = "k-test"
    return settings


def _sent(
    seen: Seen,
    build: Callable[..., Any],
    name: str,
    sync: bool = True,
    call: dict[str, Any] | None = None,
    **more: Any,
) -> dict[str, str]:
    """The headers saying who calls of the first request `build(...)` sends (invoked
    with the keywords `call`)."""
    seen.headers.clear()
    with contextlib.suppress(Exception):  # the 400: only the request is wanted
        model = build(**_settings(name, seen.url), **more)
        call = call or {}
        model.invoke("hi", **call) if sync else asyncio.run(model.ainvoke("hi", **call))
    assert seen.headers, f"{name} sent nothing"
    return {k: v for k, v in seen.headers[0].items() if _WHO.fullmatch(k)}


def _partners_own(name: str, headers: dict[str, str]) -> dict[str, str]:
    """The partner's headers, botocore's feature list (`m/...`, a set's ids in an order of
    the process's) sorted, as a drop-in sends it."""
    kept = dict(headers)
    if name in ("ChatBedrock", "ChatBedrockConverse"):
        ids = re.search(r" m/(\S+)", kept["user-agent"])
        assert ids is not None
        listed = ",".join(sorted(ids.group(1).split(",")))
        kept["user-agent"] = kept["user-agent"].replace(ids.group(1), listed)
    return kept


# google-genai's async client subclasses aiohttp's session, which aiohttp warns about.
@pytest.mark.filterwarnings("ignore:Inheritance class AiohttpClientSession:DeprecationWarning")
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("name", sorted(PARTNERS))
def test_a_dropin_sends_its_partner_sdks_headers(seen: Seen, name: str, sync: bool) -> None:
    partner = getattr(pytest.importorskip(PARTNERS[name][0]), name)
    theirs = _partners_own(name, _sent(seen, partner, name, sync))
    ours = _sent(seen, getattr(chatplex.langchain, name), name, sync)
    built = _sent(seen, engine(name), name, sync)
    if name == "ChatGoogleGenerativeAI":  # its SDK appends to its User-Agent: so do we
        theirs["user-agent"] += f" {USER_AGENT}"
    assert ours == built == theirs


#: The partners whose SDK is Stainless's (it sets `x-stainless-retry-count` and
#: `x-stainless-read-timeout` per attempt), installed here and called through httpx;
#: ChatFireworks' retries are langchain-fireworks' own (4 s apart), its SDK's count
#: always 0: checked on the first attempt above.
STAINLESS = sorted(
    n
    for n in DROP_IN_MODULES
    if (forms := record(n).sdk) is not None and "x-stainless-retry-count" in dict(forms.headers)
)
#: langchain-google-vertexai's ChatAnthropicVertex retries itself too (its SDK client's
#: max_retries=0, its waits 4 s and more).
_RETRIED = [
    n for n in STAINLESS if n not in ("ChatFireworks", "ChatCerebras", "ChatAnthropicVertex")
]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("name", STAINLESS)
def test_the_read_timeout_is_the_partners(seen: Seen, name: str, sync: bool) -> None:
    partner = getattr(pytest.importorskip(PARTNERS[name][0]), name)
    theirs = _sent(seen, partner, name, sync, timeout=30)
    ours = _sent(seen, getattr(chatplex.langchain, name), name, sync, timeout=30)
    assert theirs["x-stainless-read-timeout"] == "30.0"  # the partner's fields are floats
    assert ours == theirs


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("name", STAINLESS)
def test_a_calls_read_timeout_is_written_as_given(seen: Seen, name: str, sync: bool) -> None:
    # A call's `timeout=5` goes to the SDK's create() as given: written `5`, where the
    # constructor's is its field's float (`5.0`, above). The drop-ins wrote `5.0`.
    partner = getattr(pytest.importorskip(PARTNERS[name][0]), name)
    ours = getattr(chatplex.langchain, name)
    for call, written in (({"timeout": 5}, "5"), ({"timeout": 5.0}, "5.0"), ({}, "30.0")):
        theirs = _sent(seen, partner, name, sync, call, timeout=30)
        assert theirs["x-stainless-read-timeout"] == written
        # (and the rest as the SDK writes it: anthropic's `x-stainless-timeout` too)
        assert _sent(seen, ours, name, sync, call, timeout=30) == theirs


_USAGE = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
_OPENAI_REPLY = chat_completion("hi", id="c", model="m", created=1, usage=_USAGE)
_ANTHROPIC_REPLY = anthropic_message(
    "hi", usage={"input_tokens": 1, "output_tokens": 1}, model="claude-3", id="m"
)


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """The Stainless headers of each request sent while it is active: the first of every
    three answered 500, the second 429 (both to be retried at once), the third a reply."""
    seen: list[dict[str, str]] = []
    for client in (httpx, _httpx2()):
        if client is None:
            continue

        def answer(self: Any, request: Any, client: Any = client) -> Any:
            seen.append({k.lower(): v for k, v in request.headers.items() if "stainless" in k})
            failure = {1: 500, 2: 429}.get(len(seen) % 3)
            if failure is not None:
                retry_now = {"retry-after-ms": "1", "retry-after": "0"}
                return client.Response(failure, headers=retry_now, json={"error": {"type": "x"}})
            # (Anthropic's Messages reply: its own API's, or on Bedrock's InvokeModel)
            anthropic = request.url.path.endswith(("/messages", "/invoke"))
            return client.Response(200, json=_ANTHROPIC_REPLY if anthropic else _OPENAI_REPLY)

        async def aanswer(self: Any, request: Any, answer: Any = answer) -> Any:
            return answer(self, request)

        monkeypatch.setattr(client.HTTPTransport, "handle_request", answer)
        monkeypatch.setattr(client.AsyncHTTPTransport, "handle_async_request", aanswer)
    return seen


@pytest.mark.parametrize("timeout", [None, 30], ids=["no-timeout", "timeout"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("name", _RETRIED)
def test_each_attempt_carries_the_partner_sdks_attempt_headers(
    flaky: list[dict[str, str]], name: str, sync: bool, timeout: float | None
) -> None:
    """Two failures (500, 429), then a reply: the SDK's headers and the drop-in's, per
    attempt (the retry count 0, 1, 2; the read timeout, where the partner has one)."""
    partner = getattr(pytest.importorskip(PARTNERS[name][0]), name)
    sent = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        flaky.clear()
        settings = {**_settings(name, "http://127.0.0.1:9"), "max_retries": 2}
        model = cls(**settings, **({} if timeout is None else {"timeout": timeout}))
        reply = model.invoke("hi") if sync else asyncio.run(model.ainvoke("hi"))
        assert reply.content == "hi"
        sent.append(list(flaky))
    theirs, ours = sent
    assert [h["x-stainless-retry-count"] for h in theirs] == ["0", "1", "2"]
    assert ours == theirs


def test_chatplex_own_family_sends_no_attempt_headers(flaky: list[dict[str, str]]) -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="k-test", max_retries=2, timeout=30)
    assert model.invoke("hi").text == "hi"
    assert flaky == [{}, {}, {}]  # three attempts, no Stainless header on any


def test_the_forms_of_partners_not_installed_here() -> None:
    """As recorded from langchain-cerebras 0.8.2 (openai's client from langchain-openai's
    base), langchain-openrouter 0.2.9 (openrouter 0.10.8) and ibm-watsonx-ai 1.8.1's
    source (`get_user_agent_header`)."""
    assert partner_headers("ChatCerebras") == partner_headers("ChatOpenAI")
    version = _version("openrouter", "0.10.8")
    assert _agent("ChatOpenRouter") == f"speakeasy-sdk/python {version} 2.788.4 1.0.0 openrouter"
    assert _agent("ChatWatsonx") == (
        f"ibm-watsonx-ai/{_version('ibm-watsonx-ai', '1.8.1')} (lang=python; "
        f"arch={platform.machine()}; os={platform.system().lower()}; "
        f"python.version={platform.python_version()})"
    )


def _agent(name: str) -> str:
    headers = partner_headers(name)
    assert headers is not None
    return headers.sync["User-Agent"]


def _version(distribution: str, read: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return read


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("name", ["ChatCerebras", "ChatOpenRouter", "ChatWatsonx"])
def test_a_dropin_whose_partner_is_not_installed_sends_its_form(
    seen: Seen, name: str, sync: bool
) -> None:
    headers = partner_headers(name)
    assert headers is not None
    expected = {k.lower(): v for k, v in headers.sent_by(sync).items()}
    expected.update(headers.first_attempt(None, frozenset())[0])  # no timeout given
    if name == "ChatOpenRouter":  # (langchain-openrouter's default app_title, sent)
        expected["x-title"] = "LangChain"
    assert _sent(seen, getattr(chatplex.langchain, name), name, sync) == expected
    assert _sent(seen, engine(name), name, sync) == expected


def test_every_dropin_name_sends_its_partners_headers_or_says_why_not() -> None:
    declared = {name for name in DROP_IN_MODULES if record(name).sdk is not None}
    assert declared == set(PARTNERS)
    assert set(DROP_IN_MODULES) == declared | set(NOT_THE_PARTNERS)
    assert not declared & set(NOT_THE_PARTNERS)


@pytest.mark.parametrize(
    "model", ["openai:gpt-4o-mini", "anthropic:claude-3", "google_genai:gemini-2.0-flash"]
)
def test_chatplex_own_family_says_chatplex(seen: Seen, model: str) -> None:
    with contextlib.suppress(Exception):
        init_chat_model(model, api_key="k-test", max_retries=0).invoke("hi")
    assert [h["user-agent"] for h in seen.headers] == [USER_AGENT]
    assert not [k for k in seen.headers[0] if _WHO.fullmatch(k) and k != "user-agent"]


def test_a_dropin_without_a_partner_package_says_chatplex(seen: Seen) -> None:
    with contextlib.suppress(Exception):
        chatplex.langchain.ChatHyperbolic(
            model="m", api_key="k-test", base_url=f"{seen.url}/v1", max_retries=0
        ).invoke("hi")
    assert [h["user-agent"] for h in seen.headers] == [USER_AGENT]


@pytest.mark.parametrize("langchain", [True, False], ids=["langchain", "engine"])
def test_headers_given_are_kept(seen: Seen, langchain: bool) -> None:
    cls = chatplex.langchain.ChatOpenAI
    given = {"User-Agent": "app/1", "x-stainless-lang": "mine"}
    chat = (cls if langchain else engine("ChatOpenAI"))(
        model="m", api_key="k-test", max_retries=0, default_headers=given
    )
    with pytest.raises(Exception):  # noqa: B017 - the 400, whichever class reports it
        chat.invoke("hi")
    with pytest.raises(Exception):  # noqa: B017
        chat.invoke("hi", extra_headers={"User-Agent": "call/2"})
    assert [h["user-agent"] for h in seen.headers] == ["app/1", "call/2"]
    assert [h["x-stainless-lang"] for h in seen.headers] == ["mine", "mine"]
    assert all(h["x-stainless-package-version"] for h in seen.headers)  # the rest still sent
