"""The cohere SDK's classes for chatplex's errors (`providers/cohere/errors.py`): what
a script written for langchain-cohere catches, with the fields it reads."""

from __future__ import annotations

import pytest

from chatplex.errors import APIConnectionError
from chatplex.errors import APITimeoutError
from chatplex.errors import status_error
from chatplex.providers.cohere.errors import ERROR_FAMILIES
from chatplex.providers.cohere.errors import SDK_CLASSES
from chatplex.sdk_errors import sdk_compatible


@pytest.mark.parametrize("status", sorted(SDK_CLASSES))
def test_an_error_status_is_the_sdks_class_for_it(status: int) -> None:
    cohere = pytest.importorskip("cohere")
    err = status_error(
        provider="cohere", status=status, message="no", request_id="r-1", body={"message": "no"}
    )
    moved = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(moved, getattr(cohere, SDK_CLASSES[status]))
    assert isinstance(moved, cohere.core.ApiError) and isinstance(moved, type(err))
    assert moved.status_code == status and moved.body == {"message": "no"}  # type: ignore[attr-defined]
    assert moved.request_id == "r-1"  # type: ignore[attr-defined]


def test_a_status_the_sdk_names_none_for_is_its_api_error() -> None:
    cohere = pytest.importorskip("cohere")
    moved = sdk_compatible(status_error(provider="cohere", status=502, message="x"), ERROR_FAMILIES)
    assert isinstance(moved, cohere.core.ApiError)
    assert not isinstance(moved, cohere.InternalServerError)


def test_transport_errors_are_httpxs() -> None:
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("cohere")
    timeout = sdk_compatible(APITimeoutError("slow", provider="cohere"), ERROR_FAMILIES)
    assert isinstance(timeout, httpx.TimeoutException)
    refused = sdk_compatible(APIConnectionError("refused", provider="cohere"), ERROR_FAMILIES)
    assert isinstance(refused, httpx.ConnectError)


def test_the_words_are_the_sdks_api_errors() -> None:
    cohere = pytest.importorskip("cohere")
    httpx = pytest.importorskip("httpx")
    body = {"id": "r-1", "message": "no"}
    response = httpx.Response(400, json=body, headers={"x-request-id": "r-1"})
    err = status_error(provider="cohere", status=400, message="no", body=body)
    err.response = response
    moved = sdk_compatible(err, ERROR_FAMILIES)
    theirs = cohere.BadRequestError(body=body, headers=dict(response.headers))
    assert (str(moved), moved.args) == (str(theirs), theirs.args)
    assert moved.message == "no"  # chatplex's typed field, unchanged
