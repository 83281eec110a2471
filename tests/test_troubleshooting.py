"""docs/troubleshooting.md, entry by entry, in both families (decision 001): each `## `
entry's symptom reproduced offline (the embedded mock server, a silent server, a local
web page or proxy, all on loopback), the error class and the words the page tells the
reader to look for, and the page's fix working. One test per entry, one case per family:
chatplex's own (`chatplex.init_chat_model`) and the LangChain drop-ins
(`chatplex.langchain.ChatOpenAI`...). `test_every_entry_of_the_page_has_its_test` keeps
the tests' list equal to the page's headings, so a new entry without a test fails.

The page's own code blocks run as written in tests/examples/test_docs_blocks.py; these
tests check what the prose promises, family by family."""

from __future__ import annotations

import asyncio
import importlib
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TypeVar

import pytest
from langchain_core.language_models import BaseChatModel

import chatplex
import chatplex.langchain
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import ChatplexError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import MissingKeyError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.errors import UnexpectedContentTypeError
from chatplex.testing import MockServer
from tests._fresh import fresh_python
from tests._local_server import Answering
from tests._local_server import serving
from tests._silent import SilentServer
from tests._silent import refusing_port

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "troubleshooting.md"

#: The page's `## ` headings, each with the test of its entry (filled by `entry`).
ENTRIES: dict[str, Callable[..., None]] = {}

_KEYS = itertools.count()
_E = TypeVar("_E", bound=BaseException)


def entry(heading: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Registers the decorated test as the one of the page's entry `heading`."""

    def register(test: Callable[..., None]) -> Callable[..., None]:
        ENTRIES[heading] = test
        return test

    return register


@dataclass(frozen=True)
class Family:
    """One family, as a reader of the page writes it."""

    name: str

    @property
    def own(self) -> bool:
        return self.name == "chatplex"

    def init_chat_model(self, model: str, **settings: Any) -> Any:
        if self.own:
            return chatplex.init_chat_model(model, **settings)
        return chatplex.langchain.init_chat_model(model, **settings)

    def openai(self, **settings: Any) -> Any:
        """An OpenAI model; its own key unless given, so no two share a rate-limit budget."""
        settings.setdefault("api_key", f"sk-{self.name}-{next(_KEYS)}")
        if self.own:
            return chatplex.init_chat_model("openai:gpt-4o-mini", **settings)
        return chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", **settings)

    def anthropic(self, **settings: Any) -> Any:
        if self.own:
            return chatplex.init_chat_model("anthropic:claude-3-5-haiku-latest", **settings)
        return chatplex.langchain.ChatAnthropic(model="claude-3-5-haiku-latest", **settings)


@pytest.fixture(params=["chatplex", "langchain"])
def family(request: pytest.FixtureRequest) -> Family:
    if request.param == "langchain":
        # A drop-in's error reads as its SDK's where the script imported that SDK
        # (`except openai.RateLimitError`): imported here, so the words are fixed
        # whatever else this process imported.
        importlib.import_module("openai")
    return Family(request.param)


def _chatplex_words(family: Family, err: BaseException) -> str:
    """chatplex's words for `err`: the error's text in chatplex's family, its
    `provider_message` under a drop-in (whose text is the SDK's, as the page says)."""
    return str(err) if family.own else str(vars(err)["provider_message"])


def _new_parameter(body: dict[str, Any]) -> str:
    # The reply says what a parameter sent through `model_kwargs` arrived as.
    return f"a_new_parameter={body.get('a_new_parameter')}"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(reply=_new_parameter) as srv:
        yield srv


@pytest.fixture
def no_provider_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI", "ANTHROPIC", "GROQ"):
        monkeypatch.delenv(f"{name}_API_KEY", raising=False)
        monkeypatch.delenv(f"{name}_BASE_URL", raising=False)


class _LoginPage(Answering):
    """A web page where the API was expected: what a proxy's login page, or a base_url
    without its `/v1`, answers to every request (a 200, as HTML)."""

    seen: list[str]

    def do_POST(self) -> None:
        self.seen.append(self.path)  # a proxy is asked for the whole URL
        self.read_body()
        self.answer(200, b"<html><body>Please log in</body></html>", "text/html")


@pytest.fixture
def login_page() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    with serving(_LoginPage, seen=seen) as url:
        yield url, seen


def _raised(call: Callable[[], object], kind: type[_E]) -> _E:
    with pytest.raises(kind) as raised:
        call()
    return raised.value


# --- the page's entries, in its order ----------------------------------------------------


@entry('"API key missing"')
def test_api_key_missing(
    family: Family, server: MockServer, no_provider_variables: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # When the model is built, before any request. chatplex's own raise MissingKeyError
    # (a ValueError) for every provider, in chatplex's words.
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    if family.own:
        missing = _raised(lambda: family.openai(api_key=None), MissingKeyError)
        assert "OpenAI API key missing: pass api_key=... or set OPENAI_API_KEY" in str(missing)
    else:
        # A drop-in raises what its partner raises: ChatOpenAI the openai SDK client's
        # OpenAIError in its words (a ChatplexError, no ValueError).
        missing = _raised(lambda: family.openai(api_key=None), ChatplexError)
        assert not isinstance(missing, ValueError)
        assert type(missing).__name__ == (
            "OpenAIError" if "openai" in sys.modules else "ChatplexError"
        )
        assert "`OPENAI_API_KEY`" in str(missing) or "the OPENAI_API_KEY environment" in str(
            missing
        )
    # ChatAnthropic (whose partner would send the call without a key) pydantic's
    # ValidationError, a ValueError, in chatplex's words.
    kind = MissingKeyError if family.own else ValueError
    missing = _raised(lambda: family.anthropic(), kind)
    assert "Anthropic API key missing: pass api_key=... or set ANTHROPIC_API_KEY" in str(missing)
    # The fix: a key passed, or the variable set in the process that runs the code.
    assert family.openai(api_key="sk-given") is not None
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-set")
    assert family.anthropic() is not None
    # A server of your own at another base_url needs no key.
    model = family.openai(api_key=None, base_url=server.openai_base_url)
    assert model.invoke("hi").text == "a_new_parameter=None"


@entry('"LiteLLM\'s spelling" / "cannot tell the provider of model" / "unknown provider"')
def test_model_names(family: Family, no_provider_variables: None) -> None:
    litellm = _raised(lambda: family.init_chat_model("groq/llama-3.1-8b-instant"), ValueError)
    assert "is LiteLLM's spelling; did you mean 'groq:llama-3.1-8b-instant'?" in str(litellm)
    typo = _raised(lambda: family.init_chat_model("opnai:gpt-4o-mini"), ValueError)
    assert "unknown provider 'opnai'; did you mean 'openai'?" in str(typo)
    bare = _raised(lambda: family.init_chat_model("llama3"), ValueError)
    assert "cannot tell the provider of model 'llama3'; write it as 'provider:model'" in str(bare)
    # The fix: `provider:model` with LangChain's provider names; a bare name that tells
    # its provider is taken.
    for name in ("groq:llama-3.1-8b-instant", "gpt-4o", "claude-3-5-haiku-latest"):
        model = family.init_chat_model(name, api_key="k-test")
        assert isinstance(model, BaseChatModel) is not family.own


@entry('"got an unexpected keyword argument"')
def test_unexpected_keyword(family: Family, server: MockServer) -> None:
    owner = "init_chat_model" if family.own else "ChatOpenAI"
    typo = _raised(lambda: family.openai(temprature=0), TypeError)
    assert str(typo).startswith(
        f"{owner} got an unexpected keyword argument 'temprature' (did you mean 'temperature'?)"
    )
    assert "Send parameters newer than chatplex with model_kwargs={...}" in str(typo)
    # The fix: a parameter newer than chatplex goes in model_kwargs, sent as given.
    model = family.openai(base_url=server.openai_base_url, model_kwargs={"a_new_parameter": 1})
    assert model.invoke("hi").text == "a_new_parameter=1"


@entry(
    '"This event loop is already running" / '
    '"asyncio.run() cannot be called from a running event loop"'
)
def test_event_loop(family: Family, server: MockServer) -> None:
    model = family.openai(base_url=server.openai_base_url)

    async def handler() -> None:
        # The symptom: a loop started inside a running one, as Python words it.
        coroutine = model.ainvoke("hi")
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            asyncio.run(coroutine)
        coroutine.close()  # never ran: no "never awaited" warning
        coroutine = model.ainvoke("hi")
        with pytest.raises(RuntimeError, match="This event loop is already running"):
            asyncio.get_running_loop().run_until_complete(coroutine)
        coroutine.close()
        # The fix: await in async code; the sync methods work inside the loop too.
        reply = await model.ainvoke("hi")
        assert model.invoke("hi").text == reply.text
        assert "".join(chunk.text for chunk in model.stream("hi")) == reply.text
        assert [m.text for m in model.batch(["a", "b"])] == [reply.text, reply.text]

    asyncio.run(handler())


@entry("Rate limits: `RateLimitError` and `QuotaExceededError`")
def test_rate_limits(family: Family, server: MockServer) -> None:
    url = server.openai_base_url
    limited = family.openai(
        base_url=url, max_retries=1, default_headers={"x-mock-fault": "status=429;retry_after=0"}
    )
    err = _raised(lambda: limited.invoke("hi"), RateLimitError)
    assert err.status == 429 and err.attempts == 2 and err.retryable
    if family.own:
        assert str(err).startswith("openai 429") and "attempts=2)" in str(err)
    else:  # the openai SDK's words, as langchain-openai raises them
        assert str(err).startswith("Error code: 429 - ")
    assert "Rate limit reached" in _chatplex_words(family, err)
    quota = "status=429;code=insufficient_quota;message=You exceeded your current quota"
    spent = family.openai(base_url=url, default_headers={"x-mock-fault": quota})
    err = _raised(lambda: spent.invoke("hi"), QuotaExceededError)
    assert isinstance(err, RateLimitError) and err.status == 429
    assert err.attempts == 1 and not err.retryable  # never retried
    assert "You exceeded your current quota" in str(err)

    # A passing 429 is retried after its Retry-After (2 retries by default).
    once = iter(["status=429;retry_after=0"])
    with MockServer(fault_plan=lambda _: next(once, None)) as passing:
        assert family.openai(base_url=passing.openai_base_url).invoke("hi").text
        assert passing.stats.by_status == {429: 1, 200: 1}

    # Pacing fixes it: a key limited to 4 requests at once and 20 a second refuses part of
    # 8 sent together, and none of the same 8 paced at 5 a second. (The server judges each
    # request when its loop reads it: at 5 a second, a stall of the test process would
    # have to last ~0.8 s to bunch 5 of them, where at 10 a second ~0.35 s did, once, on
    # the 2-core machine with a core pegged.)
    def eight(rate_limit: dict[str, int] | None) -> tuple[list[object], int]:
        with MockServer(rate_limit_rps=20, rate_limit_burst=4) as provider:
            model = family.openai(
                base_url=provider.openai_base_url, max_retries=0, rate_limit=rate_limit
            )
            out = model.batch(["hi"] * 8, config={"max_concurrency": 8}, return_exceptions=True)
            return out, provider.stats.too_many_requests

    unpaced, refused = eight(None)
    assert refused > 0 and any(isinstance(o, RateLimitError) for o in unpaced)
    paced, refused = eight({"requests_per_minute": 300})
    assert refused == 0 and not any(isinstance(o, Exception) for o in paced)


@entry("Deadlines and timeouts")
def test_deadlines(
    family: Family, server: MockServer, silent: SilentServer, stops_mid_stream: SilentServer
) -> None:
    # The run config's timeout bounds the whole call, retries included.
    model = family.openai(base_url=f"{silent.url}/v1", max_retries=2)
    whole = _raised(lambda: model.invoke("hi", config={"timeout": 0.3}), DeadlineExceededError)
    assert isinstance(whole, TimeoutError)
    assert str(whole) == "the call's deadline passed waiting for 127.0.0.1"
    cut = family.openai(base_url=f"{stops_mid_stream.url}/v1", max_retries=0)
    mid = _raised(lambda: list(cut.stream("hi", config={"timeout": 0.3})), DeadlineExceededError)
    assert str(mid) == "the call's deadline passed mid-stream"
    assert mid.partial is not None and mid.partial.text == "Hel"  # what had arrived
    # The model's timeout bounds each attempt: APITimeoutError, retried.
    model = family.openai(base_url=f"{silent.url}/v1", timeout=0.2, max_retries=1)
    attempt = _raised(lambda: model.invoke("hi"), APITimeoutError)
    assert attempt.retryable and attempt.attempts == 2
    assert not isinstance(attempt, TimeoutError)  # (an SDK's is none: LangGraph retries it)
    words = _chatplex_words(family, attempt)
    assert "read timeout: 127.0.0.1 sent no complete reply within 0.2 s" in words
    idle = _raised(lambda: list(model.stream("hi")), StreamIdleTimeoutError)  # an APITimeoutError
    assert "127.0.0.1 sent no content for 0.2 s" in _chatplex_words(family, idle)
    # The fix: bounds above what the reply needs.
    model = family.openai(base_url=server.openai_base_url, timeout=30)
    assert model.invoke("hi", config={"timeout": 30}).text
    # (The bounds with nothing set, in both families: tests/reliability/test_stall_default.py.)


#: The child of the proxy entry: a family's models under HTTP_PROXY (a proxy answering
#: with its login page) and NO_PROXY (one host kept direct), as the environment sets them.
_PROXIED_CHILD = """
import asyncio, json, sys
family, proxied, direct = sys.argv[1:]
if family == "chatplex":
    import chatplex
    def build(url):
        return chatplex.init_chat_model("openai:m", base_url=url, api_key="sk-x", max_retries=0)
else:
    from chatplex.langchain import ChatOpenAI
    def build(url):
        return ChatOpenAI(model="m", base_url=url, api_key="sk-x", max_retries=0)

async def astream(model):
    return [chunk async for chunk in model.astream("hi")]

def outcome(call):
    try:
        call()
    except Exception as err:
        return [type(err).__name__, str(err), getattr(err, "provider_message", None)]
    return ["returned"]

model, kept_direct = build(proxied), build(direct)
print(json.dumps({
    "invoke": outcome(lambda: model.invoke("hi")),
    "stream": outcome(lambda: list(model.stream("hi"))),
    "astream": outcome(lambda: asyncio.run(astream(model))),
    "direct": outcome(lambda: kept_direct.invoke("hi")),
}))
"""


@entry("Proxies, gateways and HTML where JSON was expected")
def test_proxies_and_html(
    family: Family, server: MockServer, login_page: tuple[str, list[str]]
) -> None:
    page_url, seen = login_page
    # A base_url that points at a web page (here: without the API's path).
    model = family.openai(base_url=page_url, max_retries=0)
    html = _raised(lambda: list(model.stream("hi")), UnexpectedContentTypeError)
    assert html.status == 200 and not html.retryable
    assert str(html).startswith("openai 200: expected a stream")
    assert "but the reply is 'text/html': a proxy's or login page" in str(html)
    not_json = _raised(lambda: model.invoke("hi"), APIError)
    assert isinstance(not_json, ValueError)  # a json.JSONDecodeError too, as the SDKs raise
    own_words = vars(not_json)["provider_message"]  # chatplex's words, in both families
    assert (
        own_words == "response body is not a JSON object: <html><body>Please log in</body></html>"
    )
    sdk_words = "Expecting value: line 1 column 1 (char 0)"
    assert str(not_json) == (f"openai: {own_words}" if family.own else sdk_words)
    # A wrong host or port: no HTTP answer at all.
    port = refusing_port()
    wrong = family.openai(base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    refused = _raised(lambda: wrong.invoke("hi"), APIConnectionError)
    assert refused.status is None and refused.retryable
    words = _chatplex_words(family, refused)
    assert f"connection to http://127.0.0.1:{port}/v1/chat/completions failed" in words
    assert "Connection refused" in words
    # The environment's proxy is honoured (its login page answers), NO_PROXY's host not.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env |= {"HTTP_PROXY": page_url, "NO_PROXY": "127.0.0.3"}
    proxied, direct = f"http://127.0.0.2:{port}/v1", f"http://127.0.0.3:{port}/v1"
    seen.clear()
    done = fresh_python(_PROXIED_CHILD, family.name, proxied, direct, env=env, cwd=ROOT)
    seen_by_child = json.loads(done.stdout.splitlines()[-1])
    # (named as the openai SDK's error under the drop-ins, as tracebacks and logs print it)
    assert seen_by_child["invoke"][0] == ("APIError" if family.own else "JSONDecodeError")
    assert seen_by_child["invoke"][2].startswith("response body is not a JSON object: <html>")
    for mode in ("stream", "astream"):
        kind, words, _ = seen_by_child[mode]
        # (under the drop-ins, the SDK's class it also is: their partner imports the SDK)
        assert kind == ("UnexpectedContentTypeError" if family.own else "APIError"), mode
        assert "'text/html'" in words, mode
    # (under the drop-ins, langchain-openai's class, as it raises it)
    assert seen_by_child["direct"][0] == (
        "APIConnectionError" if family.own else "OpenAIConnectionError"
    )
    assert seen == [f"{proxied}/chat/completions"] * 3  # asked of the proxy, whole URL
    # The fix: a gateway that speaks OpenAI's API is its URL as base_url.
    gateway = family.openai(base_url=server.openai_base_url, max_retries=0)
    assert gateway.invoke("hi").text == "a_new_parameter=None"


@entry(
    '"isinstance(model, BaseChatModel)" is False / "cannot import name \'ChatOpenAI\' '
    "from 'chatplex'\""
)
def test_the_family_is_the_import_path(family: Family, server: MockServer) -> None:
    url = server.openai_base_url
    if family.own:
        # The symptom: chatplex's own models are not LangChain classes...
        model = chatplex.init_chat_model("openai:gpt-4o-mini", base_url=url, api_key="k")
        assert not isinstance(model, BaseChatModel)
        # ...and the fix: chatplex.langchain.ChatChatplex wraps one into a BaseChatModel.
        wrapped = chatplex.langchain.ChatChatplex.from_model(model)
        assert isinstance(wrapped, BaseChatModel)
        assert wrapped.invoke("hi").content == model.invoke("hi").text
        return
    # The symptom: LangChain's class names are not in chatplex, the error names both ways.
    with pytest.raises(ImportError) as raised:
        from chatplex import ChatOpenAI  # noqa: F401
    assert "from chatplex.langchain import ChatOpenAI" in str(raised.value)
    assert "chatplex.init_chat_model" in str(raised.value)
    # The fix: chatplex.langchain's classes (and its init_chat_model) are BaseChatModels.
    dropin = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", base_url=url, api_key="k")
    assert isinstance(dropin, BaseChatModel)
    built = chatplex.langchain.init_chat_model("openai:gpt-4o-mini", base_url=url, api_key="k")
    assert isinstance(built, BaseChatModel)
    assert dropin.invoke("hi").content == built.invoke("hi").content


@entry("Still stuck")
def test_still_stuck(family: Family, server: MockServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="chatplex.http")
    fault = "status=400;message=the provider's own words"
    model = family.openai(
        api_key="sk-never-logged-123",
        base_url=server.openai_base_url,
        default_headers={"x-mock-fault": fault, "x-private": "header-never-logged"},
    )
    err = _raised(lambda: model.invoke("hi"), APIError)
    assert err.status == 400
    own = err.message if family.own else vars(err)["provider_message"]
    assert own == "the provider's own words"
    assert err.request_id.startswith("req_mock")  # to quote to the provider
    if family.own:  # (in chatplex's words; the SDK's words under a drop-in carry none)
        assert err.request_id in str(err)
    lines = [r.getMessage() for r in caplog.records if r.name == "chatplex.http"]
    assert len(lines) == 1  # one line per response: method, host, path, status, size
    assert re.fullmatch(r"POST 127\.0\.0\.1/v1/chat/completions -> 400 \(\d+ bytes\)", lines[0])
    assert "never-logged" not in caplog.text


# --- the list is the page's ----------------------------------------------------------------


def _headings() -> list[str]:
    return re.findall(r"^## (.+)$", PAGE.read_text(encoding="utf-8"), re.M)


def test_every_entry_of_the_page_has_its_test() -> None:
    assert list(ENTRIES) == _headings()
    for heading, test in ENTRIES.items():
        assert "family" in test.__code__.co_varnames[: test.__code__.co_argcount], heading
