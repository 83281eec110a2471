"""`APIError.status_code`: the HTTP status under the SDKs' name, the same value as `status`."""

from __future__ import annotations

import pickle

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import NotFoundError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.errors import status_error


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 429, 500, 503, 529])
def test_status_code_is_status(status: int) -> None:
    err = status_error(provider="openai", status=status, message="no")
    assert err.status_code == err.status == status


def test_no_status_without_an_http_answer() -> None:
    assert APIConnectionError("refused", provider="openai").status_code is None
    assert StreamError("cut short", provider="anthropic").status_code is None


def test_status_code_follows_status_and_survives_pickling() -> None:
    err = status_error(provider="anthropic", status=404, message="no such model")
    assert isinstance(err, NotFoundError)
    copy = pickle.loads(pickle.dumps(err))
    assert copy.status_code == 404
    err.status = 410
    assert err.status_code == 410


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_failed_call_reports_status_code(sync: bool) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        body = {
            "error": {"message": "slow down", "type": "requests", "code": "rate_limit_exceeded"}
        }
        return httpx.Response(429, json=body)

    transport = httpx.MockTransport(refuse)
    model = init_chat_model(
        "openai:gpt-4o-mini",
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )
    with pytest.raises(RateLimitError) as info:
        if sync:
            model.invoke("hi")
        else:
            await model.ainvoke("hi")
    assert isinstance(info.value, APIError)
    assert info.value.status_code == info.value.status == 429
