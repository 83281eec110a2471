"""The transport over httpx.MockTransport: calls, uploads, streamed bodies, atomic
downloads, typed errors, and which failures are retried (a job start only after 429)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex.adapters.batch_api import Call
from chatplex.adapters.batch_api import Reply
from chatplex.adapters.batch_api import Steps
from chatplex.batches.transport import Transport
from chatplex.core.retry import retry_policy
from chatplex.errors import APIConnectionError
from chatplex.errors import AuthenticationError
from chatplex.errors import NotFoundError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.secret import MaskedHeaders

KEY = "sk-transport-secret"
ADAPTER = OpenAIAdapter(api_key=KEY, base_url="http://batch.test/v1")


async def _no_wait(_: float) -> None:
    return None


POLICY = retry_policy(2, sleep=lambda _: None, asleep=_no_wait, jitter=0.0)


def _headers() -> MaskedHeaders:
    return MaskedHeaders({"Authorization": f"Bearer {KEY}", "content-type": "application/json"})


def _run(
    handler: Callable[[httpx.Request], httpx.Response], steps: Callable[[], Steps[Any]], sync: bool
) -> Any:
    mock = httpx.MockTransport(handler)
    if sync:
        with httpx.Client(transport=mock) as client:
            transport = Transport(
                ADAPTER, "http://batch.test/v1", _headers(), retry=POLICY, client=client
            )
            return transport.run(steps())

    async def main() -> Any:
        async with httpx.AsyncClient(transport=mock) as client:
            transport = Transport(
                ADAPTER, "http://batch.test/v1", _headers(), retry=POLICY, async_client=client
            )
            return await transport.arun(steps())

    return asyncio.run(main())


SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


@SYNC
def test_steps_get_each_reply_and_credentials_go_only_in_headers(
    sync: bool, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    upload = tmp_path / "requests.jsonl"
    upload.write_bytes(b'{"custom_id":"a-0"}\n')

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": f"obj{len(seen)}"})

    def steps() -> Steps[list[str]]:
        ids = []
        for call in (
            Call("POST", "/files", upload=({"purpose": "batch"}, str(upload))),
            Call("POST", "/batches", json={"input_file_id": "f"}),
            Call("POST", "/stream", body=lambda: iter([b'{"requests":[', b"1,2", b"]}"])),
            Call("GET", "/batches/x"),
        ):
            reply: Reply = yield call
            ids.append(json.loads(reply.body)["id"])
        return ids

    assert _run(handler, steps, sync) == ["obj1", "obj2", "obj3", "obj4"]
    files, create, streamed, get = seen
    assert str(files.url) == "http://batch.test/v1/files"
    assert files.headers["content-type"].startswith("multipart/form-data")
    body = files.read()
    assert b'name="purpose"' in body and b'{"custom_id":"a-0"}' in body
    assert json.loads(create.read()) == {"input_file_id": "f"}
    assert streamed.read() == b'{"requests":[1,2]}'
    assert streamed.headers["content-type"] == "application/json"
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in seen)


@SYNC
def test_downloads_stream_to_a_whole_file(sync: bool, tmp_path: Path) -> None:
    payload = b"".join(b'{"row": %d}\n' % i for i in range(5000))
    target = tmp_path / "out.jsonl"

    def steps() -> Steps[None]:
        yield Call("GET", "/files/f/content", download_to=str(target))

    _run(lambda request: httpx.Response(200, content=payload), steps, sync)
    assert target.read_bytes() == payload
    assert not list(tmp_path.glob("*.partial"))


@SYNC
def test_error_statuses_are_the_adapters_typed_errors(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": {"message": "No such batch", "type": "invalid_request_error"}}
        return httpx.Response(404, json=body, headers={"x-request-id": "req_42"})

    def steps() -> Steps[None]:
        yield Call("GET", "/batches/nope")

    with pytest.raises(NotFoundError) as caught:
        _run(handler, steps, sync)
    assert caught.value.request_id == "req_42" and caught.value.message == "No such batch"
    assert KEY not in repr(caught.value) and KEY not in str(caught.value)


@SYNC
def test_an_error_body_that_echoes_the_key_is_kept_without_it(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        said = f"Incorrect API key provided: {KEY}. Find your key at ..."
        return httpx.Response(401, json={"error": {"message": said, "code": KEY}})

    def steps() -> Steps[None]:
        yield Call("POST", "/batches", json={"input_file_id": "file-1"})

    with pytest.raises(AuthenticationError) as caught:
        _run(handler, steps, sync)
    err = caught.value
    shown = [repr(err), str(err), err.message, json.dumps(err.body), repr(err.args), err.code]
    assert "Incorrect API key provided: ***" in err.message
    assert not [text for text in shown if KEY in str(text)]


@SYNC
def test_reads_are_retried_but_a_job_start_only_after_a_429(sync: bool) -> None:
    statuses: list[int] = []

    def flaky(first: int) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            status = first if not statuses or statuses[-1] == 0 else 200
            statuses.append(status if status != 200 else 0)
            return httpx.Response(status, json={"id": "b", "error": {"message": "x"}})

        return handler

    def get() -> Steps[bytes]:
        return (yield Call("GET", "/batches/b")).body

    def start() -> Steps[bytes]:
        return (yield Call("POST", "/batches", json={}, idempotent=False)).body

    _run(flaky(500), get, sync)
    assert statuses == [500, 0]  # a read: retried
    statuses.clear()
    with pytest.raises(ServerError):
        _run(flaky(500), start, sync)
    assert statuses == [500]  # a start: a lost reply may have started a billed job
    statuses.clear()
    _run(flaky(429), start, sync)
    assert statuses == [429, 0]  # 429: the provider did not process it


@SYNC
def test_no_answer_is_a_connection_error(sync: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    def steps() -> Steps[None]:
        yield Call("GET", "/batches/b")

    with pytest.raises(APIConnectionError) as caught:
        _run(handler, steps, sync)
    assert caught.value.attempts == 3  # retried twice


def test_repr_hides_the_key() -> None:
    transport = Transport(ADAPTER, "http://batch.test/v1?key=secret", _headers(), retry=POLICY)
    assert KEY not in repr(transport) and "secret" not in repr(transport)
    assert isinstance(RateLimitError("x"), Exception)
