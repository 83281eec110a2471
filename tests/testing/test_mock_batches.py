"""The mock server's Batch APIs over plain HTTP: OpenAI files + batches, Anthropic
message batches, the accelerated clock, validation, injected failures, cleanup."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx
import pytest

from chatplex.testing import MockServer

FAST = {"x-mock-batch-seconds": "0.05"}


def _wait(client: httpx.Client, url: str, done: str, key: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        body: dict[str, Any] = client.get(url).json()
        if body[key] in done:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.02)


def _openai_file(n: int, *, prefix: str = "c") -> bytes:
    lines = [
        {
            "custom_id": f"{prefix}-{i}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"n{i}"}]},
        }
        for i in range(n)
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def _upload(client: httpx.Client, base: str, content: bytes) -> str:
    reply = client.post(
        f"{base}/files", data={"purpose": "batch"}, files={"file": ("in.jsonl", content)}
    )
    assert reply.status_code == 200, reply.text
    file_id: str = reply.json()["id"]
    return file_id


def test_openai_batch_round_trip() -> None:
    with MockServer() as server, httpx.Client() as client:
        base = server.openai_base_url
        file_id = _upload(client, base, _openai_file(6))
        assert client.get(f"{base}/files/{file_id}").json()["purpose"] == "batch"
        create = {
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
        }
        batch = client.post(f"{base}/batches", json=create, headers=FAST).json()
        assert batch["status"] == "in_progress" and batch["request_counts"]["total"] == 6
        batch = _wait(client, f"{base}/batches/{batch['id']}", {"completed"}, "status")
        assert batch["request_counts"] == {"total": 6, "completed": 6, "failed": 0}
        out = client.get(f"{base}/files/{batch['output_file_id']}/content").text.splitlines()
        rows = [json.loads(line) for line in out]
        assert [r["custom_id"] for r in rows] == ["c-1", "c-3", "c-5", "c-0", "c-2", "c-4"]
        first = rows[0]["response"]
        assert first["status_code"] == 200
        assert first["body"]["choices"][0]["message"]["content"] == "Echo: n1"


def _responses_file(n: int) -> bytes:
    lines = [
        {
            "custom_id": f"r-{i}",
            "method": "POST",
            "url": "/v1/responses",
            "body": {"model": "gpt-4o-mini", "input": f"n{i}"},
        }
        for i in range(n)
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def test_openai_batch_of_responses_rows() -> None:
    with MockServer() as server, httpx.Client() as client:
        base = server.openai_base_url
        file_id = _upload(client, base, _responses_file(2))
        create = {"input_file_id": file_id, "endpoint": "/v1/responses", "completion_window": "24h"}
        batch = client.post(f"{base}/batches", json=create, headers=FAST).json()
        assert batch["endpoint"] == "/v1/responses"
        batch = _wait(client, f"{base}/batches/{batch['id']}", {"completed"}, "status")
        out = client.get(f"{base}/files/{batch['output_file_id']}/content").text.splitlines()
        bodies = {
            json.loads(line)["custom_id"]: json.loads(line)["response"]["body"] for line in out
        }
        assert bodies["r-0"]["object"] == "response"
        assert bodies["r-0"]["output"][0]["content"][0]["text"] == "Echo: n0"
        assert bodies["r-1"]["usage"]["output_tokens_details"] == {"reasoning_tokens": 0}
        # Rows must name the batch's endpoint and hold its body.
        chat_rows = _upload(client, base, _openai_file(1))
        create["input_file_id"] = chat_rows
        reply = client.post(f"{base}/batches", json=create)
        assert reply.status_code == 400 and "POST /v1/responses" in reply.text
        create["endpoint"] = "/v1/embeddings"
        assert client.post(f"{base}/batches", json=create).status_code == 400


def test_openai_input_files_are_validated() -> None:
    with MockServer() as server, httpx.Client() as client:
        base = server.openai_base_url
        duplicate = _openai_file(2, prefix="same").replace(b"same-1", b"same-0")
        file_id = _upload(client, base, duplicate)
        create = {
            "input_file_id": file_id,
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
        }
        reply = client.post(f"{base}/batches", json=create)
        assert reply.status_code == 400 and "duplicate custom_id" in reply.text
        no_purpose = client.post(f"{base}/files", files={"file": ("x.jsonl", b"{}")})
        assert no_purpose.status_code == 400
        assert client.get(f"{base}/batches/batch_nope").status_code == 404


def _anthropic_body(n: int) -> dict[str, Any]:
    return {
        "requests": [
            {
                "custom_id": f"r-{i}",
                "params": {
                    "model": "claude-3-5-haiku-latest",
                    "max_tokens": 10,
                    "messages": [{"role": "user", "content": f"n{i}"}],
                },
            }
            for i in range(n)
        ]
    }


def test_anthropic_batch_round_trip_with_injected_failures_once_per_id() -> None:
    headers = {**FAST, "x-mock-batch-errored": "0.3", "x-mock-batch-expired": "0.2"}
    with MockServer() as server, httpx.Client() as client:
        url = server.anthropic_base_url + "/v1/messages/batches"
        batch = client.post(url, json=_anthropic_body(200), headers=headers).json()
        assert batch["processing_status"] == "in_progress"
        assert client.get(f"{url}/{batch['id']}/results").status_code == 400  # not yet
        batch = _wait(client, f"{url}/{batch['id']}", {"ended"}, "processing_status")
        counts = batch["request_counts"]
        assert counts["errored"] > 0 and counts["expired"] > 0
        assert counts["succeeded"] + counts["errored"] + counts["expired"] == 200
        results = client.get(f"{url}/{batch['id']}/results").text.splitlines()
        kinds = {json.loads(line)["result"]["type"] for line in results}
        assert kinds == {"succeeded", "errored", "expired"}
        again = client.post(url, json=_anthropic_body(200), headers=headers).json()
        again = _wait(client, f"{url}/{again['id']}", {"ended"}, "processing_status")
        assert again["request_counts"]["succeeded"] == 200  # each id fails once


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["requests"][0].update(custom_id="bad id!"), "custom_id"),
        (lambda b: b["requests"][1].update(custom_id="r-0"), "duplicate"),
        (lambda b: b["requests"][0]["params"].pop("max_tokens"), "max_tokens"),
    ],
)
def test_anthropic_requests_are_validated(change: Any, message: str) -> None:
    body = _anthropic_body(2)
    change(body)
    with MockServer() as server, httpx.Client() as client:
        reply = client.post(server.anthropic_base_url + "/v1/messages/batches", json=body)
        assert reply.status_code == 400 and message in reply.text


def test_cancel_and_cleanup() -> None:
    server = MockServer().start()
    try:
        with httpx.Client() as client:
            url = server.anthropic_base_url + "/v1/messages/batches"
            slow = {"x-mock-batch-seconds": "60"}
            batch = client.post(url, json=_anthropic_body(3), headers=slow).json()
            canceled = client.post(f"{url}/{batch['id']}/cancel").json()
            assert canceled["processing_status"] == "canceling"
            batch = _wait(client, f"{url}/{batch['id']}", {"ended"}, "processing_status")
            assert batch["request_counts"]["canceled"] == 3
            folder = server._core.batches.directory
            assert os.listdir(folder)
            assert client.get(server.url + "/v1/unknown").status_code == 404
    finally:
        server.stop()
    assert not os.path.exists(folder)  # the files went with the server
