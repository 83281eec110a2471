"""OpenAI Batch API rows for the Responses API: request lines to `/v1/responses` valid for
the SDK's types, and output rows parsed by the Responses adapter exactly as a real-time
reply of the same body."""

from __future__ import annotations

import json
from typing import Any

from openai.types import BatchCreateParams
from openai.types.responses.response_create_params import ResponseCreateParamsNonStreaming

from chatplex.adapters.batch_api import Reply
from chatplex.batches.submit import batch_api
from chatplex.errors import BadRequestError
from chatplex.messages import AIMessage
from chatplex.providers.openai.batch import OpenAIBatches
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter
from tests._dropins import engine
from tests.adapters._responses_fixtures import message_item
from tests.batches._sdk import validate_sdk
from tests.providers.openai._batch import batch_request

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

ADAPTER = OpenAIResponsesAdapter(api_key="sk-test-secret")
API = OpenAIBatches(ADAPTER)
REPLY = {
    "id": "resp_b1",
    "object": "response",
    "status": "completed",
    "model": "gpt-4.1",
    "output": [message_item("A batch is...")],
    "usage": {"input_tokens": 9, "output_tokens": 4, "total_tokens": 13},
}


def _request(**settings: Any) -> Any:
    return batch_request(ADAPTER, "gpt-4.1", stream=True, **settings)


def test_a_request_line_goes_to_responses_with_the_sdks_fields() -> None:
    request = _request(extra_body={"reasoning": {"effort": "low"}})
    line = json.loads(API.request_line("cpb1-3", request))
    body = {k: v for k, v in request.json.items() if k != "stream"}
    assert line == {"custom_id": "cpb1-3", "method": "POST", "url": "/v1/responses", "body": body}
    # (pydantic cannot build a validator for the SDK's whole ResponseCreateParams: its
    # recursive definitions panic pydantic-core; test_responses_adapter_sdk.py (here)
    # sends such bodies through the SDK instead.)
    params = ResponseCreateParamsNonStreaming
    assert set(line["body"]) <= params.__required_keys__ | params.__optional_keys__
    assert "sk-test-secret" not in json.dumps(line)


def test_the_batch_is_created_for_the_responses_endpoint() -> None:
    steps = API.create("/tmp/requests.jsonl", 2, "cpb-y/0")
    next(steps)
    start = steps.send(Reply(200, {}, json.dumps({"id": "file-1"}).encode()))
    assert start.path == "/batches" and (start.json or {})["endpoint"] == "/v1/responses"
    validate_sdk(BatchCreateParams, dict(start.json or {}))


def test_an_output_row_parses_to_the_real_time_message() -> None:
    line = {
        "custom_id": "cpb1-0",
        "response": {"status_code": 200, "request_id": "req_9", "body": REPLY},
        "error": None,
    }
    cid, message = API.parse_row(json.dumps(line).encode())
    assert cid == "cpb1-0" and isinstance(message, AIMessage)
    expected = ADAPTER.parse_response(json.dumps(REPLY).encode(), {"x-request-id": "req_9"})
    assert message == expected
    assert message.text == "A batch is..."


def test_an_error_row_is_the_real_time_error() -> None:
    error = {"error": {"message": "bad", "type": "invalid_request_error", "code": None}}
    line = {"custom_id": "c", "response": {"status_code": 400, "request_id": "r", "body": error}}
    _, outcome = API.parse_row(json.dumps(line).encode())
    assert isinstance(outcome, BadRequestError) and outcome.provider == "openai_responses"


def test_a_responses_model_gets_the_responses_batch_api() -> None:
    api = batch_api(ChatOpenAI(api_key="k", use_responses_api=True))
    assert isinstance(api, OpenAIBatches)
    assert (api.name, api.endpoint) == ("openai_responses", "/v1/responses")
    chat = batch_api(ChatOpenAI(api_key="k"))
    assert (chat.name, chat.endpoint) == ("openai", "/v1/chat/completions")
