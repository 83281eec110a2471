"""A preset's error is of the classes its partner package raises: langchain-fireworks'
own (`FireworksInvalidRequestError`: the fireworks SDK's class and a ModelError);
langchain-openai's for the presets built on it; the SDK's class alone for langchain-groq,
-perplexity and -sambanova, httpx's for langchain-mistralai (no ModelError: LangChain's
retry middleware retries those)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from chatplex.errors import APITimeoutError
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.errors import error_families
from chatplex.providers.openai.errors import CHAT_ERROR_FAMILIES as OPENAI_FAMILIES
from chatplex.sdk_errors import sdk_compatible
from tests._status_calls import first_outside_chatplex

lc_exceptions = pytest.importorskip("langchain_core.exceptions")


def _error(preset: str, status: int, message: str = "nope") -> Any:
    cls = preset_adapter_class(preset)
    body = b'{"error": {"message": "%s", "type": "x", "code": "bad"}}' % message.encode()
    err = cls.map_error(cls.__new__(cls), status, body, {})
    return sdk_compatible(err, error_families(cls.profile.sdk))


def test_fireworks_errors_are_langchain_fireworks_classes() -> None:
    chat_models = pytest.importorskip("langchain_fireworks.chat_models")
    bad = _error("fireworks", 400)
    assert first_outside_chatplex(bad) is chat_models.FireworksInvalidRequestError
    assert bad.is_retryable is False
    assert first_outside_chatplex(_error("fireworks", 429)) is chat_models.FireworksRateLimitError
    overflow = _error("fireworks", 400, "prompt is too long")
    assert isinstance(overflow, chat_models.FireworksContextOverflowError)
    assert not isinstance(
        _error("fireworks", 400, "context_length_exceeded"), lc_exceptions.ContextOverflowError
    )


@pytest.mark.parametrize(
    ("preset", "module"),
    [("groq", "groq"), ("sambanova", "sambanova"), ("perplexity", "perplexity")],
)
def test_sdk_only_presets_raise_no_model_error(preset: str, module: str) -> None:
    sdk = pytest.importorskip(module)
    for status in (400, 429, 500):
        err = _error(preset, status)
        assert isinstance(err, sdk.APIStatusError)
        assert not isinstance(err, lc_exceptions.ModelError)
        # The SDK's errors have no `code`: nor has the drop-in's.
        assert not hasattr(err, "code")


def test_mistralai_errors_are_httpx_alone() -> None:
    err = _error("mistralai", 400)
    assert isinstance(err, httpx.HTTPStatusError)
    assert not hasattr(err, "code") and err.status_code == 400  # httpx's has none
    assert not isinstance(err, lc_exceptions.ModelError)
    timeout = sdk_compatible(APITimeoutError("slow"), error_families("httpx"))
    assert isinstance(timeout, httpx.TimeoutException)
    assert not isinstance(timeout, lc_exceptions.ModelError)


def test_mistralai_errors_say_langchain_mistralais_words() -> None:
    """langchain-mistralai's `_raise_on_error`: the status, the URL and the body as sent."""
    cls = preset_adapter_class("mistralai")
    body = b'{"object": "error", "message": "nope", "type": "invalid_request_error"}'
    err = cls.map_error(cls.__new__(cls), 400, body, {})
    request = httpx.Request("POST", "https://api.mistral.ai/v1/chat/completions")
    err.response = httpx.Response(400, content=body, request=request)
    shown = sdk_compatible(err, error_families("httpx"))
    said = f"Error response 400 while fetching {request.url}: {body.decode()}"
    assert str(shown) == said and shown.args == (said,)
    assert shown.status_code == 400 and shown.message == "nope"  # chatplex's fields stay


def test_openai_sdk_presets_share_the_openai_wires_families() -> None:
    for preset in ("xai", "deepseek", "together", "nebius"):
        assert error_families(preset_adapter_class(preset).profile.sdk) is OPENAI_FAMILIES


@pytest.mark.parametrize(
    ("preset", "module", "plain"),
    [
        ("groq", "groq", True),
        ("sambanova", "sambanova", False),
        ("perplexity", "perplexity", False),
    ],
)
def test_an_error_event_in_a_stream_is_what_the_sdks_stream_raises(
    preset: str, module: str, plain: bool
) -> None:
    """The groq SDK's stream raises an error event as its plain `APIError`, worded as
    the event's message; perplexity's and sambanova's as a status error."""
    from chatplex.errors import StreamError

    sdk = pytest.importorskip(module)
    sdk_name = preset_adapter_class(preset).profile.sdk
    event = StreamError("busy", provider="openai", error_type="server_error")
    err = sdk_compatible(event, error_families(sdk_name))
    assert isinstance(err, sdk.APIError)
    assert isinstance(err, sdk.APIStatusError) is not plain
    assert (str(err) == "busy") is plain


@pytest.mark.parametrize("preset", ["sambanova", "perplexity"])
def test_an_error_event_in_a_status_error_sdks_stream_is_worded_as_its_body(preset: str) -> None:
    """perplexity's and sambanova's streams raise an `event: error` as a status error
    whose words are the decoded event written out (`f"{body}"`), not its message."""
    from chatplex.errors import StreamError

    sdk = pytest.importorskip(preset)
    body = {"error": {"message": "busy", "type": "server_error", "code": None}}
    event = StreamError("busy", provider="openai", error_type="server_error", body=body)
    err = sdk_compatible(event, error_families(preset_adapter_class(preset).profile.sdk))
    assert isinstance(err, sdk.APIStatusError)
    assert str(err) == f"{body}" and err.provider_message == "busy"


@pytest.mark.parametrize("preset", ["groq", "sambanova", "perplexity", "fireworks"])
def test_a_stream_that_broke_off_is_httpxs_error_as_the_sdk_lets_it_through(preset: str) -> None:
    """These SDKs iterate a stream's events outside their request's error handling: a
    connection cut mid-stream (sync: httpx's own error) raises httpx's
    RemoteProtocolError, no class of the SDK's or its partner's; a refused connection
    stays the SDK's APIConnectionError."""
    from chatplex.errors import APIConnectionError
    from chatplex.errors import StreamError

    sdk = pytest.importorskip(preset)
    families = error_families(preset_adapter_class(preset).profile.sdk)
    cut = StreamError("stream from h broke off", provider=preset)
    cut.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    shown = sdk_compatible(cut, families)
    assert first_outside_chatplex(shown) is httpx.RemoteProtocolError
    assert not isinstance(shown, (sdk.APIError, lc_exceptions.ModelError))
    assert str(shown) == "peer closed connection"
    refused = APIConnectionError("connection to h failed", provider=preset)
    refused.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    assert isinstance(sdk_compatible(refused, families), sdk.APIConnectionError)


def test_a_fireworks_async_stream_that_broke_off_is_the_aiohttp_transports_error() -> None:
    """The fireworks SDK's async client is httpx over aiohttp (httpx-aiohttp): a stream
    chatplex's async client saw break off (aiohttp's ClientPayloadError) is the
    httpx.ReadError that transport raises for it, in aiohttp's words."""
    import aiohttp

    from chatplex.errors import StreamError

    pytest.importorskip("fireworks")
    families = error_families("fireworks")
    cut = StreamError("stream from h broke off", provider="fireworks")
    cause = httpx.RemoteProtocolError("Response payload is not completed")
    cause.httpcore_words = "peer closed connection"  # type: ignore[attr-defined]
    cause.aiohttp_class = aiohttp.ClientPayloadError  # type: ignore[attr-defined]
    cut.__cause__ = cause
    shown = sdk_compatible(cut, families)
    assert first_outside_chatplex(shown) is httpx.ReadError
    assert str(shown) == "Response payload is not completed"
