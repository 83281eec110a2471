"""Errors a script meets on a stream, side by side with the partner packages: an error
status answered to a call on each of its four paths, an error event inside an open
stream after one content chunk, a Bedrock error caught as the model's own client's
modeled class, and a connection refused to langchain-fireworks' async client. What
is compared is what a script reads: the class (its name, and `except` of the
partner's), `status_code`, the SDK's `code` and `body`, the chunks given before the
error and the class a callback's `on_llm_error` hears; the words are free (LangChain's
rule), and are not compared."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

import chatplex.langchain
from tests._genai_leftovers import UNAWAITED_JSON
from tests._genai_leftovers import collected_at_the_end  # noqa: F401 - autouse
from tests._local_server import Answering
from tests._local_server import serving
from tests._silent import SilentServer
from tests._silent import refusing_port
from tests.partners._dropins_alone import DropInsAlone
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import module_loop

pytestmark = [
    # google-genai's async client subclasses aiohttp's session, which aiohttp warns of,
    # and leaves aiohttp's `json()` coroutine unawaited on an error (reclaimed at the
    # module's end: `collected_at_the_end`).
    pytest.mark.filterwarnings("ignore:Inheritance class:DeprecationWarning"),
    *UNAWAITED_JSON,
]

LOOP, _shared_clients_closed = module_loop()


def _keywords(key: str = "api_key", base: str = "base_url") -> Callable[[str, str], dict[str, Any]]:
    """A partner's keywords against `url` for a model named `model`: a key under `key`,
    the URL under `base`, no retries."""
    return lambda url, model: {"model": model, key: "k", base: url, "max_retries": 0}


#: Drop-in -> its partner package and its keywords against `url` for a model named
#: `model` (the server reads what to answer from it), no retries.
CASES: dict[str, tuple[str, Callable[[str, str], dict[str, Any]]]] = {
    "ChatOpenAI": ("langchain_openai", _keywords()),
    "ChatAnthropic": ("langchain_anthropic", _keywords()),
    "ChatGroq": ("langchain_groq", _keywords()),
    "ChatMistralAI": ("langchain_mistralai", _keywords(base="endpoint")),
    "ChatGoogleGenerativeAI": ("langchain_google_genai", _keywords(key="google_api_key")),
    "ChatCohere": ("langchain_cohere", _keywords(key="cohere_api_key")),
    "ChatOllama": ("langchain_ollama", lambda url, model: {"model": model, "base_url": url}),
    "ChatDeepSeek": ("langchain_deepseek", _keywords(base="api_base")),
    "ChatXAI": ("langchain_xai", _keywords(key="xai_api_key", base="xai_api_base")),
    "ChatFireworks": ("langchain_fireworks", _keywords()),
    "ChatTogether": ("langchain_together", _keywords()),
    "ChatSambaNova": ("langchain_sambanova", _keywords()),
    "ChatNebius": ("langchain_nebius", _keywords()),
}

#: The drop-ins and framings whose partner raises on an OpenAI-style error event inside a
#: stream: `event-data` (`data: {"error": ...}` alone) and `event-named` (the same after
#: `event: error`). langchain-fireworks and langchain-mistralai end such a stream without
#: an error (the chunks so far as the whole reply), and langchain-sambanova the first:
#: chatplex raises there (`CUT_REPLY_KEPT`).
ERROR_EVENTS = [
    *(
        (name, framing)
        for name in (
            "ChatOpenAI",
            "ChatGroq",
            "ChatDeepSeek",
            "ChatXAI",
            "ChatTogether",
            "ChatNebius",
        )
        for framing in ("event-data", "event-named")
    ),
    ("ChatSambaNova", "event-named"),
]

PATHS = ("invoke", "ainvoke", "stream", "astream")

#: The statuses answered (the cohere SDK retries a 5xx itself, with seconds of backoff:
#: its 400 alone).
STATUSES = [
    (name, status)
    for name in sorted(CASES)
    for status in (400, 503)
    if name != "ChatCohere" or status < 500
]

_CHUNK = {
    "id": "c1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
    "choices": [
        {"index": 0, "delta": {"role": "assistant", "content": "Hello"}, "finish_reason": None}
    ],
}
_EVENT_ERROR = {"error": {"message": "It broke.", "type": "server_error", "code": "internal"}}

#: Bedrock's error type of a status (its `x-amzn-ErrorType` header).
_AWS_TYPES = {429: "ThrottlingException", 400: "ValidationException"}


class _ByModel(Answering):
    """Answers as the model's name (in the path or the body) asks: `s<status>`, an error
    of that status; `event-data` / `event-named`, a stream of one chunk then an error
    event (a `data:` line alone, or an `event: error`)."""

    def _answer(self) -> None:
        said = self.path + self.read_body().decode()
        status = re.search(r"\bs(\d{3})\b", said)
        if status is not None:
            code = int(status.group(1))
            error = {"message": "It failed.", "type": "some_error", "code": code}
            body = {"type": "error", "error": {**error, "status": "SOME_STATUS"}}
            headers = {"x-amzn-ErrorType": f"{_AWS_TYPES[code]}:"} if code in _AWS_TYPES else {}
            self._send(code, json.dumps({**body, "message": "It failed."}).encode(), headers)
            return
        event = "event: error\n" if "event-named" in said else ""
        data = f"data: {json.dumps(_CHUNK)}\n\n{event}data: {json.dumps(_EVENT_ERROR)}\n\n"
        self._send(200, data.encode(), {"content-type": "text/event-stream"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {"content-type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = _answer


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(_ByModel) as served:
        yield served


class _Heard(BaseCallbackHandler):
    """The class names a callback's `on_llm_error` is told."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(type(error).__name__)


def _ran(model: Any, path: str) -> tuple[BaseException, list[Any], list[str]]:
    """The error `path` raised, the chunks given before it, what `on_llm_error` heard."""
    heard = _Heard()
    config: Any = {"callbacks": [heard]}
    given: list[Any] = []

    async def drained() -> None:
        async for chunk in model.astream("Hi", config=config):
            given.append(chunk.content)

    def streamed() -> None:
        for chunk in model.stream("Hi", config=config):
            given.append(chunk.content)

    calls: dict[str, Callable[[], Any]] = {
        "invoke": lambda: model.invoke("Hi", config=config),
        "ainvoke": lambda: LOOP.run_until_complete(model.ainvoke("Hi", config=config)),
        "stream": streamed,
        "astream": lambda: LOOP.run_until_complete(drained()),
    }
    try:
        calls[path]()
    except Exception as exc:  # noqa: BLE001 - what was raised is compared
        return exc, given, heard.errors
    raise AssertionError(f"{path} ended without an error")


def _read(ran: tuple[BaseException, list[Any], list[str]], fields: tuple[str, ...]) -> Any:
    err, given, heard = ran
    read = {name: getattr(err, name, "(none)") for name in fields}
    return type(err).__name__, read, given, heard


def _both(name: str, url: str, model: str, path: str) -> tuple[Any, Any]:
    module, keywords = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _ran(partner(**keywords(url, model)), path)
    ours = _ran(getattr(chatplex.langchain, name)(**keywords(url, model)), path)
    assert isinstance(ours[0], type(theirs[0])), (type(theirs[0]).__mro__, type(ours[0]).__mro__)
    # What the partner's error has of these, ours has as it: the SDK's `code` is a
    # string in the openai SDK ("400" for a server's 400).
    fields = tuple(f for f in ("status_code", "code", "body", "status") if hasattr(theirs[0], f))
    return _read(theirs, fields), _read(ours, fields)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("name", "status"), STATUSES)
def test_an_error_status_is_raised_as_by_the_partner(
    url: str, name: str, status: int, path: str
) -> None:
    theirs, ours = _both(name, url, f"s{status}", path)
    assert ours == theirs


@pytest.mark.parametrize("path", PATHS)
def test_anthropics_529_is_its_overloaded_class(url: str, path: str) -> None:
    theirs, ours = _both("ChatAnthropic", url, "s529", path)
    assert ours == theirs
    assert ours[0] == "AnthropicOverloadedError"


@pytest.mark.parametrize("path", ["stream", "astream"])
@pytest.mark.parametrize(("name", "framing"), ERROR_EVENTS)
def test_an_error_event_after_a_chunk_is_raised_as_by_the_partner(
    url: str, name: str, framing: str, path: str
) -> None:
    theirs, ours = _both(name, url, framing, path)
    assert ours == theirs
    assert ours[2] == ["Hello"]  # (the chunk before the error reached the caller)


#: Where the partner ends a stream at an error event as if the reply were whole.
CUT_REPLY = Difference(
    Reason.LOSES_DATA,
    "an error event inside a stream ends the stream without an error: the text given so "
    "far comes back as if it were the whole reply",
    "the text given so far reaches the caller, then the error is raised",
)
CUT_REPLY_KEPT = [
    ("ChatFireworks", "event-data"),
    ("ChatFireworks", "event-named"),
    ("ChatMistralAI", "event-data"),
    ("ChatMistralAI", "event-named"),
    ("ChatSambaNova", "event-data"),
]


@pytest.mark.parametrize("path", ["stream", "astream"])
@pytest.mark.parametrize(("name", "framing"), CUT_REPLY_KEPT)
def test_an_error_event_the_partner_drops_is_raised(
    url: str, name: str, framing: str, path: str
) -> None:
    """A kept difference (`CUT_REPLY`): the partner returns a cut reply as whole."""
    module, keywords = CASES[name]
    partner = getattr(pytest.importorskip(module), name)(**keywords(url, framing))
    ours = getattr(chatplex.langchain, name)(**keywords(url, framing))
    with pytest.raises(AssertionError, match="ended without an error"):
        _ran(partner, path)  # (the reason: no error, the cut reply taken as whole)
    err, given, heard = _ran(ours, path)
    assert heard == [type(err).__name__]
    assert given == ["Hello"], CUT_REPLY.chatplex


def _bedrock(url: str, name: str, model: str) -> Any:
    from botocore.config import Config

    once = Config(retries={"total_max_attempts": 1})
    key = "model" if name == "ChatBedrockConverse" else "model_id"
    return {key: model, "endpoint_url": url, "region_name": "us-east-1", "config": once}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", ["ChatBedrockConverse", "ChatBedrock"])
def test_a_bedrock_error_is_its_clients_modeled_class(
    url: str, name: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`except llm.client.exceptions.ThrottlingException`, boto3's idiom, catches the
    error of the model's own call, as under langchain-aws (whose calls go through that
    client)."""
    partner = getattr(pytest.importorskip("langchain_aws"), name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 40)
    seen = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        model = cls(**_bedrock(url, name, "anthropic.s429"))
        err, _, heard = _ran(model, path)
        modeled = model.client.exceptions.ThrottlingException
        seen.append((isinstance(err, modeled), type(err).__name__, heard))
    assert seen[1] == seen[0]  # (langchain-aws's ChatBedrock tells its callback twice)
    assert seen[0][:2] == (True, "ThrottlingException")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", ["ChatBedrockConverse", "ChatBedrock"])
def test_a_connection_closed_without_an_answer_is_botocores_closed_class(
    name: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore raises a connection the server closed without an answer as
    `ConnectionClosedError` (a refused one is `EndpointConnectionError`), and
    langchain-aws lets it through: `except ConnectionClosedError` catches ours too."""
    partner = getattr(pytest.importorskip("langchain_aws"), name)
    from botocore.exceptions import ConnectionClosedError

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x" * 40)
    server = SilentServer(hang_up=True)
    try:
        seen = []
        for cls in (partner, getattr(chatplex.langchain, name)):
            err, _, heard = _ran(cls(**_bedrock(server.url, name, "anthropic.m")), path)
            seen.append((isinstance(err, ConnectionClosedError), type(err).__name__))
    finally:
        server.close()
    assert seen[1] == seen[0] == (True, "ConnectionClosedError")


#: A connection closed without an answer, side by side: google-genai's async client
#: (aiohttp) raises aiohttp's `ServerDisconnectedError`, its sync one httpx's
#: `RemoteProtocolError`; langchain-fireworks' async calls (httpx over aiohttp) a
#: timeout, its sync ones a connection error.
CLOSED = [(name, path) for name in ("ChatGoogleGenerativeAI", "ChatFireworks") for path in PATHS]


@pytest.mark.parametrize(("name", "path"), CLOSED)
def test_a_connection_closed_without_an_answer_is_raised_as_by_the_partner(
    name: str, path: str
) -> None:
    server = SilentServer(hang_up=True)
    try:
        theirs, ours = _both(name, server.url, "m", path)
    finally:
        server.close()
    assert ours[0] == theirs[0] and ours[3] == theirs[3]


_REFUSED = """
import asyncio, json, sys
import chatplex.langchain
assert "langchain_fireworks" not in sys.modules
model = chatplex.langchain.ChatFireworks(
    model="m", api_key="k", base_url=sys.argv[1], max_retries=0
)
async def drained():
    async for _ in model.astream("Hi"):
        pass
out = []
for run in (lambda: asyncio.run(model.ainvoke("Hi")), lambda: asyncio.run(drained())):
    try:
        run()
    except Exception as err:
        out.append([type(err).__module__, type(err).__name__])
print(json.dumps(out))
"""


def test_a_refused_connection_is_fireworks_timeout_class_without_the_partner_imported(
    dropins_alone: DropInsAlone,
) -> None:
    """langchain-fireworks' async client (httpx over aiohttp) raises a connection it could
    not make as a timeout, `FireworksTimeoutError`: a script that never imported the
    partner sees that name too (its logs, `type(err).__name__`)."""
    partner = pytest.importorskip("langchain_fireworks")
    refused = f"http://127.0.0.1:{refusing_port()}"
    ran = dropins_alone.run(_REFUSED, refused)
    model = partner.ChatFireworks(model="m", api_key="k", base_url=refused, max_retries=0)
    theirs = [[type(err).__module__, type(err).__name__] for err in _raised_async(model)]
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == theirs
    assert theirs[0][1] == "FireworksTimeoutError"


def _raised_async(model: Any) -> list[BaseException]:
    return [_ran(model, path)[0] for path in ("ainvoke", "astream")]
