"""OpenAI Batch API wire logic: request lines against the SDK's types, output and error
file rows against real-time parsing of the same bodies, and the job steps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types import BatchCreateParams
from openai.types.chat.completion_create_params import CompletionCreateParamsNonStreaming
from pydantic import ValidationError

from chatplex.adapters.batch_api import Reply
from chatplex.adapters.request_types import CallSettings
from chatplex.batches.errors import BatchCanceledError
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.errors import BatchFormatError
from chatplex.errors import BadRequestError
from chatplex.errors import RateLimitError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.batch import ENDPOINT
from chatplex.providers.openai.batch import LIMITS
from chatplex.providers.openai.batch import OpenAIBatches
from tests.adapters._corpus import shared_corpus_bytes
from tests.batches._sdk import validate_sdk
from tests.batches._steps import drive
from tests.providers.openai._batch import batch_request

ADAPTER = OpenAIAdapter(api_key="sk-test-secret")
API = OpenAIBatches(ADAPTER)


def _request(**settings: Any) -> Any:
    return batch_request(ADAPTER, "gpt-4o-mini", stream=False, **settings)


def test_the_documented_limits() -> None:
    assert (LIMITS.max_requests, LIMITS.max_bytes) == (50_000, 200 * 1024 * 1024)


def test_a_request_line_is_the_real_time_body_and_validates_against_the_sdk() -> None:
    request = _request(stop=("END",))
    line = json.loads(API.request_line("cpb1-7", request))
    assert line == {
        "custom_id": "cpb1-7",
        "method": "POST",
        "url": ENDPOINT,
        "body": {k: v for k, v in request.json.items() if k != "stream"},  # a batch's own
    }
    validate_sdk(CompletionCreateParamsNonStreaming, line["body"])
    assert "sk-test-secret" not in json.dumps(line)  # no credential in a request file


def test_the_sdk_validator_does_catch_a_bad_body() -> None:
    # The check above proves something only if a wrong body fails it.
    with pytest.raises(ValidationError):
        validate_sdk(
            CompletionCreateParamsNonStreaming,
            {"model": "m", "messages": [{"role": "robot", "content": "x"}]},
        )


def test_stream_fields_never_reach_a_batch_line() -> None:
    request = ADAPTER.build_request([HumanMessage("hi")], CallSettings("gpt-4o-mini"), stream=True)
    body = json.loads(API.request_line("x-1", request))["body"]
    assert "stream" not in body and "stream_options" not in body


def test_create_uploads_then_starts_a_batch_with_sdk_valid_params() -> None:
    file = Reply(200, {}, json.dumps({"id": "file-1"}).encode())
    batch = Reply(200, {}, json.dumps({"id": "batch_1", "status": "validating"}).encode())
    calls, kept = drive(API.create("/tmp/requests.jsonl", 3, "cpb-x/0"), [file, batch])
    upload, start = calls
    assert upload.path == "/files" and upload.upload == (
        {"purpose": "batch"},
        "/tmp/requests.jsonl",
    )
    assert start.path == "/batches" and start.idempotent is False  # never re-sent blindly
    validate_sdk(BatchCreateParams, dict(start.json or {}))
    assert kept == {"id": "batch_1", "input_file_id": "file-1", "status": "validating"}


def test_poll_reads_counts_and_result_files() -> None:
    body = {
        "id": "batch_1",
        "status": "completed",
        "request_counts": {"total": 10, "completed": 8, "failed": 2},
        "output_file_id": "file-out",
        "error_file_id": "file-err",
    }
    _, state = drive(API.poll({"id": "batch_1"}), [Reply(200, {}, json.dumps(body).encode())])
    assert state.ended and state.counts["succeeded"] == 8 and state.counts["errored"] == 2
    calls, paths = drive(API.download(state.refs, "/tmp/j0"), [Reply(200, {}), Reply(200, {})])
    assert [c.path for c in calls] == ["/files/file-out/content", "/files/file-err/content"]
    assert paths == ["/tmp/j0.output.jsonl", "/tmp/j0.errors.jsonl"]


def test_an_in_progress_batch_reports_its_pending_rows() -> None:
    body = {"id": "b", "status": "in_progress", "request_counts": {"total": 5, "completed": 1}}
    state = API.state(body)
    assert not state.ended and state.counts["pending"] == 4


@pytest.mark.parametrize("name", ["openai_nonstream_text.json", "openai_nonstream_tool_call.json"])
def test_an_output_row_parses_to_the_real_time_message(name: str) -> None:
    body = shared_corpus_bytes(name)
    line = {
        "id": "batch_req_1",
        "custom_id": "cpb1-0",
        "response": {"status_code": 200, "request_id": "req_9", "body": json.loads(body)},
        "error": None,
    }
    cid, message = API.parse_row(json.dumps(line).encode())
    assert cid == "cpb1-0"
    assert isinstance(message, AIMessage)
    assert message == ADAPTER.parse_response(body, {"x-request-id": "req_9"})


def test_an_error_status_row_is_the_typed_error_a_real_time_call_raises() -> None:
    body = json.loads(shared_corpus_bytes("openai_error_400_unsupported_value.json"))
    line = {"custom_id": "c-1", "response": {"status_code": 400, "request_id": "r", "body": body}}
    _, error = API.parse_row(json.dumps(line).encode())
    assert isinstance(error, BadRequestError)
    assert error.status == 400 and error.request_id == "r"
    assert error.message == body["error"]["message"]


def test_a_rate_limited_row_is_a_rate_limit_error() -> None:
    body = {"error": {"message": "slow down", "type": "rate_limit_error"}}
    line = {"custom_id": "c-2", "response": {"status_code": 429, "body": body}, "error": None}
    assert isinstance(API.parse_row(json.dumps(line).encode())[1], RateLimitError)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("batch_expired", BatchExpiredError), ("batch_cancelled", BatchCanceledError)],
)
def test_rows_that_never_ran(code: str, kind: type[Exception]) -> None:
    line = {"custom_id": "c-3", "response": None, "error": {"code": code, "message": "not run"}}
    _, error = API.parse_row(json.dumps(line).encode())
    assert type(error) is kind


@pytest.mark.parametrize("raw", [b"not json", b'{"response": null}', b'{"custom_id": "c"}'])
def test_an_unreadable_row_is_an_error_never_skipped(raw: bytes) -> None:
    with pytest.raises(BatchFormatError):
        API.parse_row(raw)
