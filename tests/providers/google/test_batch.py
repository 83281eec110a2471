"""Gemini batch mode (inline requests): request items, job steps, result rows, and a
whole submit_batch → status → results run over an httpx MockTransport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex.adapters.batch_api import Reply
from chatplex.adapters.request_types import CallSettings
from chatplex.batches import submit_batch
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.errors import BatchFormatError
from chatplex.errors import BadRequestError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.batch import GeminiBatches
from tests.providers.google._gemini_fake import ChatGoogleGenerativeAI

KEY = "AIza-batch-secret"
ADAPTER = GeminiAdapter(api_key=KEY)
API = GeminiBatches(ADAPTER, "gemini-2.5-flash")


def answer(text: str) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"parts": [{"text": text}], "role": "model"}, "finishReason": "STOP"}
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5},
        "modelVersion": "gemini-2.5-flash",
    }


def test_an_item_is_the_real_time_body_with_its_key() -> None:
    request = ADAPTER.build_request(
        [HumanMessage("Hi")], CallSettings("gemini-2.5-flash", temperature=0.1), stream=False
    )
    item = json.loads(API.request_line("cp1-3", request))
    assert item == {"request": dict(request.json), "metadata": {"key": "cp1-3"}}
    assert KEY not in json.dumps(item)
    types = pytest.importorskip("google.genai.types")
    for content in item["request"]["contents"]:
        types.Content.model_validate(content)


def test_create_streams_the_batch_body(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    items = [
        {
            "request": {"contents": [{"parts": [{"text": "x" * 5000}]}]},
            "metadata": {"key": f"k-{i}"},
        }
        for i in range(30)
    ]
    path.write_bytes(b"".join(json.dumps(i).encode() + b"\n" for i in items))
    steps = API.create(str(path), 30, "handle/0")
    call = next(steps)
    assert call.method == "POST" and not call.idempotent
    assert call.path == "/v1beta/models/gemini-2.5-flash:batchGenerateContent"
    assert call.body is not None
    chunks = list(call.body())
    assert len(chunks) > 2
    sent = json.loads(b"".join(chunks))
    assert sent["batch"]["displayName"] == "handle/0"
    assert sent["batch"]["inputConfig"]["requests"]["requests"] == items
    operation = {"name": "batches/b1", "metadata": {"state": "BATCH_STATE_PENDING"}}
    with pytest.raises(StopIteration) as done:
        steps.send(Reply(200, {}, json.dumps(operation).encode()))
    assert done.value.value == {"id": "batches/b1", "status": "BATCH_STATE_PENDING"}
    once, _ = API.framing()
    assert once >= len(b"".join(chunks)) - sum(len(json.dumps(i)) for i in items) - 29


def test_poll_reads_state_and_stats() -> None:
    steps = API.poll({"id": "batches/b1"})
    call = next(steps)
    assert (call.method, call.path) == ("GET", "/v1beta/batches/b1")
    running = {
        "name": "batches/b1",
        "metadata": {
            "state": "BATCH_STATE_RUNNING",
            "batchStats": {
                "requestCount": "4",
                "successfulRequestCount": "1",
                "pendingRequestCount": "3",
            },
        },
    }
    with pytest.raises(StopIteration) as done:
        steps.send(Reply(200, {}, json.dumps(running).encode()))
    state = done.value.value
    assert not state.ended and state.counts["pending"] == 3 and state.counts["succeeded"] == 1
    expired = API.state(
        {
            "name": "b",
            "metadata": {
                "state": "BATCH_STATE_EXPIRED",
                "batchStats": {"requestCount": 2, "pendingRequestCount": 2},
            },
        }
    )
    assert expired.ended and expired.counts["expired"] == 2 and expired.counts["pending"] == 0


def test_rows_parse_as_real_time_replies_and_errors() -> None:
    ok = json.dumps({"response": answer("Hello"), "metadata": {"key": "k-0"}}).encode()
    cid, outcome = API.parse_row(ok)
    assert cid == "k-0" and isinstance(outcome, AIMessage) and outcome.text == "Hello"
    error = {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}
    cid, outcome = API.parse_row(json.dumps({"error": error, "metadata": {"key": "k-1"}}).encode())
    assert isinstance(outcome, BadRequestError) and outcome.message == "bad"
    blocked = {"promptFeedback": {"blockReason": "SAFETY"}}
    _, outcome = API.parse_row(
        json.dumps({"response": blocked, "metadata": {"key": "k-2"}}).encode()
    )
    assert isinstance(outcome, AIMessage) and outcome.text == ""  # a reply, saying why
    assert outcome.response_metadata["prompt_feedback"]["block_reason"] == "SAFETY"
    _, outcome = API.parse_row(
        json.dumps({"metadata": {"key": "k-3"}, "batchState": "BATCH_STATE_EXPIRED"}).encode()
    )
    assert isinstance(outcome, BatchExpiredError)
    with pytest.raises(BatchFormatError):
        API.parse_row(b'{"response": {}}')


class FakeGeminiBatches:
    """The Gemini batch endpoints, answering every inline request at once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.keys: set[str] = set()

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.keys.add(request.headers.get("x-goog-api-key", ""))
        path = request.url.path
        if path.endswith(":batchGenerateContent"):
            self.items = json.loads(request.read())["batch"]["inputConfig"]["requests"]["requests"]
            return httpx.Response(
                200, json={"name": "batches/b9", "metadata": {"state": "BATCH_STATE_PENDING"}}
            )
        if path == "/v1beta/batches/b9":
            answers = []
            for item in self.items:
                text = item["request"]["contents"][0]["parts"][0]["text"]
                if "fail" in text:
                    error = {"code": 400, "message": "bad row", "status": "INVALID_ARGUMENT"}
                    answers.append({"error": error, "metadata": item["metadata"]})
                else:
                    answers.append({"response": answer(text.upper()), "metadata": item["metadata"]})
            stats = {
                "requestCount": len(answers),
                "successfulRequestCount": len(answers) - 1,
                "failedRequestCount": 1,
            }
            return httpx.Response(
                200,
                json={
                    "name": "batches/b9",
                    "metadata": {"state": "BATCH_STATE_SUCCEEDED", "batchStats": stats},
                    "done": True,
                    "response": {"inlinedResponses": {"inlinedResponses": answers[::-1]}},
                },
            )
        return httpx.Response(
            404, json={"error": {"code": 404, "message": path, "status": "NOT_FOUND"}}
        )


def test_submit_batch_status_and_results_end_to_end(tmp_path: Path) -> None:
    fake = FakeGeminiBatches()
    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        base_url="http://gemini.test",
        http_client=httpx.Client(transport=httpx.MockTransport(fake.handler)),
    )
    job = submit_batch(model, ["one", "please fail", "three"], handle_dir=tmp_path)
    status = job.status()
    assert fake.keys == {KEY}
    assert status is not None
    results = job.results()
    assert [r.text if isinstance(r, AIMessage) else type(r).__name__ for r in results] == [
        "ONE",
        "BadRequestError",
        "THREE",
    ]
    saved = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    assert KEY not in saved
