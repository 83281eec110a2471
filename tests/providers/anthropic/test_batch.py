"""Anthropic Message Batches wire logic: request items against the SDK's types, result
rows against real-time parsing of the same bodies, and the job steps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic.types.messages.batch_create_params import Request
from pydantic import ValidationError

from chatplex.adapters.batch_api import Reply
from chatplex.adapters.request_types import CallSettings
from chatplex.batches.errors import BatchCanceledError
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.errors import BatchFormatError
from chatplex.batches.wire import CUSTOM_ID_PATTERN
from chatplex.errors import BadRequestError
from chatplex.errors import OverloadedError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.batch import LIMITS
from chatplex.providers.anthropic.batch import AnthropicBatches
from chatplex.providers.anthropic.batch import stream_body
from tests.adapters._corpus import shared_corpus_bytes
from tests.batches._sdk import validate_sdk

ADAPTER = AnthropicAdapter(api_key="sk-ant-test-secret")
API = AnthropicBatches(ADAPTER)


def _request() -> Any:
    return ADAPTER.build_request(
        [SystemMessage("Be brief."), HumanMessage("Define batch")],
        CallSettings("claude-3-5-haiku-latest", temperature=0.2, max_tokens=50, stop=("END",)),
        stream=False,
    )


def test_the_documented_limits() -> None:
    assert (LIMITS.max_requests, LIMITS.max_bytes) == (100_000, 256 * 1024 * 1024)


def test_an_item_is_the_real_time_body_and_validates_against_the_sdk() -> None:
    request = _request()
    item = json.loads(API.request_line("cpb1-7", request))
    assert item == {"custom_id": "cpb1-7", "params": dict(request.json)}
    assert CUSTOM_ID_PATTERN.match(item["custom_id"])
    validate_sdk(Request, item)
    assert "sk-ant-test-secret" not in json.dumps(item)


def test_the_sdk_validator_does_catch_a_bad_item() -> None:
    with pytest.raises(ValidationError):  # max_tokens is required by the SDK's type
        validate_sdk(Request, {"custom_id": "a", "params": {"model": "m", "messages": []}})


def test_the_body_is_streamed_from_the_item_file(tmp_path: Any) -> None:
    path = tmp_path / "items.jsonl"
    items = [{"custom_id": f"c-{i}", "params": {"n": "x" * 5000}} for i in range(40)]
    path.write_bytes(b"".join(json.dumps(i).encode() + b"\n" for i in items))
    chunks = list(stream_body(str(path)))
    assert len(chunks) > 2  # in pieces, not one buffer
    assert json.loads(b"".join(chunks)) == {"requests": items}
    once, per_line = API.framing()
    assert len(b"".join(chunks)) == path.stat().st_size - 40 + once + 40 * per_line - 1


def test_poll_and_download() -> None:
    body = {
        "id": "msgbatch_1",
        "processing_status": "ended",
        "request_counts": {"processing": 0, "succeeded": 3, "errored": 1, "expired": 1},
    }
    steps = API.poll({"id": "msgbatch_1"})
    call = next(steps)
    assert call.method == "GET" and call.path == "/v1/messages/batches/msgbatch_1"
    with pytest.raises(StopIteration) as done:
        steps.send(Reply(200, {}, json.dumps(body).encode()))
    state = done.value.value
    assert state.ended and state.counts["expired"] == 1 and state.counts["pending"] == 0
    download = API.download({"id": "msgbatch_1"}, "/tmp/j")
    call = next(download)
    # Built from the base URL, not the reply's results_url: the key goes nowhere else.
    assert call.path == "/v1/messages/batches/msgbatch_1/results"


@pytest.mark.parametrize(
    "name",
    [
        "anthropic_nonstream_text.json",
        "anthropic_nonstream_cache_usage.json",
        "anthropic_nonstream_parallel_tool_use.json",
        "anthropic_nonstream_thinking_tool_use.json",
    ],
)
def test_a_succeeded_row_parses_to_the_real_time_message(name: str) -> None:
    body = shared_corpus_bytes(name)
    line = {"custom_id": "cpb1-0", "result": {"type": "succeeded", "message": json.loads(body)}}
    cid, message = API.parse_row(json.dumps(line).encode())
    assert cid == "cpb1-0" and isinstance(message, AIMessage)
    assert message == ADAPTER.parse_response(body, {})


def test_an_errored_row_is_the_typed_error_of_its_type() -> None:
    body = json.loads(shared_corpus_bytes("anthropic_error_400_invalid_request.json"))
    line = {"custom_id": "c-1", "result": {"type": "errored", "error": body}}
    _, error = API.parse_row(json.dumps(line).encode())
    assert isinstance(error, BadRequestError)
    assert error.message == body["error"]["message"] and error.request_id == body["request_id"]
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
    line = {"custom_id": "c-2", "result": {"type": "errored", "error": overloaded}}
    assert isinstance(API.parse_row(json.dumps(line).encode())[1], OverloadedError)


@pytest.mark.parametrize(
    ("kind", "cls"), [("expired", BatchExpiredError), ("canceled", BatchCanceledError)]
)
def test_rows_that_never_ran(kind: str, cls: type[Exception]) -> None:
    _, error = API.parse_row(json.dumps({"custom_id": "c", "result": {"type": kind}}).encode())
    assert type(error) is cls


@pytest.mark.parametrize(
    "raw", [b"{", b'{"custom_id": "c"}', b'{"custom_id": "c", "result": {"type": "new"}}']
)
def test_an_unreadable_row_is_an_error_never_skipped(raw: bytes) -> None:
    with pytest.raises(BatchFormatError):
        API.parse_row(raw)
