"""chatplex's own models keep chatplex's error words whatever was imported: with every
installed SDK (and partner package) a script could have imported already, an error of a
model `chatplex.chat.init_chat_model` builds (and of a drop-in's engine) reads as
it does with none of them -- `str()`, `message`, `args`, an int `status`, `body`,
`code` -- on every wire, sync and async, invoke and stream; it still joins the SDK's
class. A LangChain drop-in built the same way still speaks its partner's words."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import errors
from chatplex.chat import init_chat_model
from chatplex.sdk_error_stainless import stainless_family
from chatplex.sdk_errors import sdk_compatible
from chatplex.testing import MockServer

from .tracing.wires import FakeGoogleCredentials
from .tracing.wires import no_aws_files  # noqa: F401  (autouse: no AWS files read)

#: The modules whose classes a wire's errors may join (its SDK, its partner package's,
#: langchain_core's ModelError family): those installed are imported before any call.
SDK_MODULES = (
    "openai",
    "anthropic",
    "google.genai.errors",
    "google.api_core.exceptions",
    "ollama",
    "botocore.exceptions",
    "cohere",
    "mistralai",
    "groq",
    "langchain_core.exceptions",
    "langchain_openai.chat_models",
    "langchain_anthropic.chat_models",
    "langchain_google_genai.chat_models",
)

IMPORTED = [module for module in SDK_MODULES if importlib.util.find_spec(module.split(".")[0])]

FAULT = {"x-mock-fault": "status=429"}

Settings = Callable[[MockServer], dict[str, Any]]


def keyed(url: str) -> Settings:
    """Settings sending to the mock server's URL `url` (its attribute's name), with a key."""
    return lambda m: {"base_url": getattr(m, url), "api_key": "k"}


#: wire -> ("provider:model", the settings that point it at the mock server)
OWN: dict[str, tuple[str, Settings]] = {
    "openai": ("openai:gpt-4o-mini", keyed("openai_base_url")),
    "anthropic": ("anthropic:claude-sonnet-4-5", keyed("anthropic_base_url")),
    "google_genai": ("google_genai:gemini-2.5-flash", keyed("url")),
    "google_vertexai": (
        "google_vertexai:gemini-2.5-flash",
        lambda m: {
            "base_url": m.url,
            "project": "proj",
            "location": "us-east5",
            "credentials": FakeGoogleCredentials(),
            "extra_headers": FAULT,  # (ChatVertexAI takes no default_headers)
        },
    ),
    "ollama": ("ollama:llama3.2", lambda m: {"base_url": m.url}),
    "bedrock_converse": (
        "bedrock_converse:anthropic.claude-3-5-haiku-20241022-v1:0",
        lambda m: {
            "endpoint_url": m.url,
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "secret",
        },
    ),
    "cohere": ("cohere:command-a-03-2025", keyed("url")),
    "mistralai": ("mistralai:mistral-small", keyed("openai_base_url")),  # (httpx's family)
    "groq": ("groq:llama-3.3-70b-versatile", keyed("openai_base_url")),
}


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    for module in IMPORTED:
        importlib.import_module(module)
    with MockServer() as server:
        yield server


def own_model(wire: str, mock: MockServer) -> Any:
    name, settings = OWN[wire]
    given = settings(mock)
    if "extra_headers" not in given:
        given["default_headers"] = FAULT
    return init_chat_model(name, max_retries=0, **given)


async def raised(model: Any, use_async: bool, mode: str) -> errors.APIError:
    with pytest.raises(errors.APIError) as caught:
        if use_async and mode == "stream":
            [chunk async for chunk in model.astream("hi")]
        elif use_async:
            await model.ainvoke("hi")
        elif mode == "stream":
            list(model.stream("hi"))
        else:
            model.invoke("hi")
    return caught.value


def words(err: errors.APIError) -> str:
    """What a script reads off a chatplex error, the mock's random request ids masked."""
    shown = {
        "str": str(err),
        "args": err.args,
        "message": err.message,
        "status": err.status,
        "status_code": err.status_code,
        "body": err.body,
        "code": err.code,
        "repr": repr(err),
    }
    return re.sub(r"req_mock\w+", "<id>", repr(shown))


@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("wire", sorted(OWN))
async def test_an_own_models_error_reads_as_with_no_sdk_imported(
    wire: str, use_async: bool, mode: str, mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = own_model(wire, mock)
    joined = await raised(model, use_async, mode)
    # The same call as if no SDK had been imported: the wire declares no family.
    monkeypatch.setattr(type(model.adapter), "error_families", ())
    plain = await raised(model, use_async, mode)
    assert type(plain) is errors.RateLimitError  # joined none
    assert words(joined) == words(plain)
    assert joined.status == 429 and str(joined).startswith(f"{joined.provider} 429")
    assert "sdk_text" not in vars(joined) and "http_status" not in vars(joined)


def test_an_own_model_still_joins_the_sdks_class(mock: MockServer) -> None:
    openai = pytest.importorskip("openai")
    ollama = pytest.importorskip("ollama")
    for wire, sdk_class in (("openai", openai.RateLimitError), ("ollama", ollama.ResponseError)):
        with pytest.raises(sdk_class) as caught:
            own_model(wire, mock).invoke("hi")
        assert isinstance(caught.value, errors.RateLimitError) and caught.value.status == 429


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_dropin_speaks_its_partners_words_its_engine_chatplexs(
    use_async: bool, mock: MockServer
) -> None:
    pytest.importorskip("langchain_google_genai")  # imported by the fixture: its words
    from chatplex.langchain import ChatGoogleGenerativeAI as DropIn
    from chatplex.providers.google.dropin import build

    settings: dict[str, Any] = {"model": "gemini-2.5-flash", "base_url": mock.url}
    settings |= {"google_api_key": "k", "default_headers": FAULT, "max_retries": 0}
    partner = await raised(DropIn(**settings), use_async, "invoke")
    own = await raised(build(settings), use_async, "invoke")  # (the model it builds)
    # langchain-google-genai's words (the SDK's text inside its own), as its class raises.
    words = "Error calling model 'gemini-2.5-flash' (RESOURCE_EXHAUSTED): 429 RESOURCE_EXHAUSTED."
    assert str(partner).startswith(words) and partner.args == (str(partner),)
    assert own.status == own.status_code == 429
    assert str(own).startswith("google_genai 429 RESOURCE_EXHAUSTED: ")


def test_without_words_the_fills_only_add() -> None:
    openai = pytest.importorskip("openai")
    body = {"error": {"message": "slow down", "type": "requests", "param": None, "code": "rl"}}

    def error() -> errors.APIError:
        return errors.status_error(provider="openai", status=429, message="slow down", body=body)

    plain = error()
    own = sdk_compatible(error(), (stainless_family("openai", inner_body=True),), words=False)
    partner = sdk_compatible(error(), (stainless_family("openai", inner_body=True),))
    assert isinstance(own, openai.RateLimitError) and isinstance(partner, openai.RateLimitError)
    assert (str(own), own.args, own.body) == (str(plain), plain.args, body)
    assert own.type == "requests"  # the SDK's field chatplex has no name for, added
    assert str(partner) == "Error code: 429 - slow down" and partner.body == body["error"]


def test_without_words_googles_status_stays_the_number() -> None:
    pytest.importorskip("google.genai.errors")
    from chatplex.providers.google.adapter import GeminiAdapter

    body = {"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}
    families = GeminiAdapter.error_families

    def error() -> BaseException:
        return GeminiAdapter(api_key="k").map_error(503, json.dumps(body).encode(), {})

    words = str(error())
    own = sdk_compatible(error(), families, words=False)
    partner = sdk_compatible(error(), families)
    assert own.status == own.status_code == 503 and str(own) == words  # type: ignore[attr-defined]
    assert partner.status == "UNAVAILABLE" and partner.status_code == 503  # type: ignore[attr-defined]
