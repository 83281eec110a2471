"""ibm-watsonx-ai's classes for chatplex's errors (`providers/watsonx/errors.py`): what a
script written for langchain-ibm catches, with the fields it reads: a module with its two
classes, as its `wml_client_error` defines them, stands in for it (so each case holds
without the SDK's import; tests/partners/watsonx/ compares with the SDK's own)."""

from __future__ import annotations

import sys
import types

import pytest

from chatplex.errors import APIConnectionError
from chatplex.errors import APITimeoutError
from chatplex.errors import StreamError
from chatplex.errors import status_error
from chatplex.providers.watsonx.errors import ERROR_FAMILIES
from chatplex.sdk_errors import sdk_compatible

MODULE = "ibm_watsonx_ai.wml_client_error"


@pytest.fixture
def sdk(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType(MODULE)

    class WMLClientError(Exception):
        pass

    class ApiRequestFailure(WMLClientError):
        pass

    module.WMLClientError = WMLClientError  # type: ignore[attr-defined]
    module.ApiRequestFailure = ApiRequestFailure  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    return module


def test_an_error_status_is_the_sdks_api_request_failure(sdk: types.ModuleType) -> None:
    body = {"errors": [{"code": "model_not_supported", "message": "no"}], "trace": "t-1"}
    err = status_error(provider="ibm", status=404, message="no", request_id="t-1", body=body)
    moved = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(moved, sdk.ApiRequestFailure) and isinstance(moved, type(err))
    assert moved.error_msg == "no" and moved.reason == body  # type: ignore[attr-defined]
    assert moved.request_id == "t-1"  # type: ignore[attr-defined]


def test_a_failed_stream_is_its_client_error(sdk: types.ModuleType) -> None:
    moved = sdk_compatible(StreamError("crashed", provider="ibm"), ERROR_FAMILIES)
    assert isinstance(moved, sdk.WMLClientError)
    assert not isinstance(moved, sdk.ApiRequestFailure)


def test_without_the_sdk_errors_stay_chatplexs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, MODULE, raising=False)  # (imported by another test)
    err = status_error(provider="ibm", status=400, message="x")
    assert type(sdk_compatible(err, ERROR_FAMILIES)) is type(err)


def test_transport_errors_are_httpxs(sdk: types.ModuleType) -> None:
    httpx = pytest.importorskip("httpx")
    timeout = sdk_compatible(APITimeoutError("slow", provider="ibm"), ERROR_FAMILIES)
    assert isinstance(timeout, httpx.TimeoutException)
    refused = sdk_compatible(APIConnectionError("refused", provider="ibm"), ERROR_FAMILIES)
    assert isinstance(refused, httpx.ConnectError)
    assert not isinstance(refused, sdk.WMLClientError)


@pytest.mark.parametrize(
    ("path", "body", "streamed"),
    [
        ("/ml/v1/text/chat?version=1", {}, False),
        ("/ml/v1/text/chat_stream?version=1", {}, True),
        ("/ml/gateway/v1/chat/completions", {"model": "m"}, False),
        ("/ml/gateway/v1/chat/completions", {"model": "m", "stream": True}, True),
    ],
)
def test_a_streams_error_status_is_its_client_error(
    path: str, body: dict[str, object], streamed: bool, sdk: types.ModuleType
) -> None:
    """The chat API's stream is told by its URL, the Model Gateway's by its body: an
    error status answering one is WMLClientError, not its ApiRequestFailure."""
    httpx = pytest.importorskip("httpx")
    request = httpx.Request("POST", f"https://x.cloud.ibm.com{path}", json=body)
    err = status_error(provider="ibm", status=400, message="no")
    err.response = httpx.Response(400, request=request)
    moved = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(moved, sdk.WMLClientError)
    assert isinstance(moved, sdk.ApiRequestFailure) is not streamed
