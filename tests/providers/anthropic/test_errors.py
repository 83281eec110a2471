"""An error raised through chatplex's ChatAnthropic is langchain-anthropic's own class
(`AnthropicInvalidRequestError`, `AnthropicOverloadedError`...: the anthropic SDK's class
and langchain_core's ModelError class), sync and async; only "prompt is too long" is a
context overflow, as langchain-anthropic reads it."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import pytest

from chatplex import errors
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.errors import ERROR_FAMILIES
from chatplex.sdk_errors import sdk_compatible
from tests._dropins import engine
from tests._status_calls import first_outside_chatplex
from tests._status_calls import raised_both_ways

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)

partner = pytest.importorskip("langchain_anthropic.chat_models")
lc_exceptions = pytest.importorskip("langchain_core.exceptions")

URL = "https://api.anthropic.com/v1/messages"

#: h11's words for a chunked body cut off.
CHUNKED_CUT = (
    "peer closed connection without sending complete message body (incomplete chunked read)"
)

PARTNER: dict[int, Any] = {
    400: partner.AnthropicInvalidRequestError,
    401: partner.AnthropicAuthenticationError,
    404: partner.AnthropicModelNotFoundError,
    429: partner.AnthropicRateLimitError,
    500: partner.AnthropicAPIError,
    529: partner.AnthropicOverloadedError,
}


def _raised(status: int, message: str = "nope") -> list[BaseException]:
    model = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-ant-test", max_retries=0)
    body = {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
    return raised_both_ways(model, URL, status, body)


@pytest.mark.parametrize("status", sorted(PARTNER))
def test_an_error_is_langchain_anthropics_class(status: int) -> None:
    for err in _raised(status):
        assert first_outside_chatplex(err) is PARTNER[status]
        assert isinstance(err, anthropic.APIStatusError)


def test_only_a_prompt_too_long_is_a_context_overflow() -> None:
    for err in _raised(400, "prompt is too long: 210000 tokens > 200000 maximum"):
        assert isinstance(err, partner.AnthropicContextOverflowError)
    for err in _raised(400, "context_length_exceeded"):  # langchain-openai's word only
        assert not isinstance(err, lc_exceptions.ContextOverflowError)
        assert isinstance(err, partner.AnthropicInvalidRequestError)


def test_the_adapter_declares_them() -> None:
    assert AnthropicAdapter.error_families is ERROR_FAMILIES


def test_a_stream_that_broke_off_is_httpx2s_error_as_the_sdk_lets_it_through() -> None:
    """The anthropic SDK iterates a stream's events outside its request's error handling:
    a connection cut mid-stream raises its HTTP client's (httpx2's) RemoteProtocolError,
    no anthropic class; chatplex's words stay as `provider_message`."""
    httpx2 = pytest.importorskip("httpx2")
    cut = errors.StreamError("stream from h broke off", provider="anthropic")
    cut.__cause__ = httpx.RemoteProtocolError(CHUNKED_CUT)
    shown = sdk_compatible(cut, ERROR_FAMILIES)
    assert first_outside_chatplex(shown) is httpx2.RemoteProtocolError
    assert not isinstance(shown, anthropic.APIError)
    assert str(shown) == CHUNKED_CUT
    assert shown.provider_message == "stream from h broke off"  # type: ignore[attr-defined]
    refused = errors.APIConnectionError("connection to h failed", provider="anthropic")
    refused.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    assert isinstance(sdk_compatible(refused, ERROR_FAMILIES), anthropic.APIConnectionError)
