"""What a Batch API client sends, read and checked without a server: create bodies,
OpenAI input files, Anthropic's `requests` list, multipart uploads."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest

from chatplex.testing import _mock_batch_input
from chatplex.testing._mock_batch_input import Refusal
from chatplex.testing._mock_batch_input import check_input_file
from chatplex.testing._mock_batch_input import json_object
from chatplex.testing._mock_batch_input import multipart_upload
from chatplex.testing._mock_batch_input import split_requests
from chatplex.testing._mock_http import HttpRequest


def test_doctests() -> None:
    failures, tried = doctest.testmod(_mock_batch_input)
    assert tried and not failures


def _row(cid: str, **changes: Any) -> dict[str, Any]:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    row = {"custom_id": cid, "method": "POST", "url": "/v1/chat/completions", "body": body}
    row.update(changes)
    return row


def _input_file(tmp_path: Path, rows: list[dict[str, Any]]) -> str:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(row) + "\n\n" for row in rows))  # blank lines skipped
    return str(path)


def test_json_object_refuses_what_is_not_json() -> None:
    with pytest.raises(Refusal, match="must be JSON") as caught:
        json_object(b"{")
    assert (caught.value.status, caught.value.kind) == (400, "invalid_request_error")


def test_an_input_file_counts_its_requests(tmp_path: Path) -> None:
    path = _input_file(tmp_path, [_row("a"), _row("b")])
    assert check_input_file(path, "/v1/chat/completions") == 2


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row("a"), _row("a")], "line 3: duplicate custom_id 'a'"),
        ([_row("a", url="/v1/embeddings")], "method/url must be POST /v1/chat/completions"),
        ([_row("a", body={"model": "m"})], "body must hold a messages list"),
        ([_row("a"), _row("b", body={"model": "other", "messages": []})], "the same model"),
        ([{"method": "POST"}], "custom_id is required"),
        ([], "holds no requests"),
    ],
)
def test_an_input_file_is_checked_as_the_api_checks_it(
    tmp_path: Path, rows: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(Refusal, match=message):
        check_input_file(_input_file(tmp_path, rows), "/v1/chat/completions")


def test_a_responses_input_file_needs_an_input(tmp_path: Path) -> None:
    row = _row("a", url="/v1/responses", body={"model": "m", "input": "hi"})
    assert check_input_file(_input_file(tmp_path, [row]), "/v1/responses") == 1
    with pytest.raises(Refusal, match="body must hold an input"):
        check_input_file(_input_file(tmp_path, [{**row, "body": {}}]), "/v1/responses")


def _request(cid: str, **params: Any) -> dict[str, Any]:
    return {"custom_id": cid, "params": {"max_tokens": 5, "messages": [], **params}}


def test_anthropic_requests_are_written_one_per_line(tmp_path: Path) -> None:
    out = tmp_path / "requests.jsonl"
    body = json.dumps({"requests": [_request("r-1"), _request("r-2", model="m")]}, indent=2)
    assert split_requests(body.encode(), str(out)) == 2
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [_request("r-1"), _request("r-2", model="m")]


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        ([_request("bad id!")], r"requests.0.custom_id: must match"),
        ([_request("r"), _request("r")], "duplicate custom_id 'r'"),
        ([{"custom_id": "r", "params": {"max_tokens": 5}}], "params.messages: Field required"),
        ([{"custom_id": "r", "params": {"messages": []}}], "params.max_tokens: Field required"),
        ([], "at least one request"),
    ],
)
def test_anthropic_requests_are_checked_as_the_api_checks_them(
    tmp_path: Path, requests: list[dict[str, Any]], message: str
) -> None:
    body = json.dumps({"requests": requests}).encode()
    with pytest.raises(Refusal, match=message):
        split_requests(body, str(tmp_path / "requests.jsonl"))


def test_a_body_without_requests_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Refusal, match="requests: Field required"):
        split_requests(b"{}", str(tmp_path / "requests.jsonl"))


def _upload(body: bytes, content_type: str) -> HttpRequest:
    return HttpRequest("POST", "/v1/files", "HTTP/1.1", {"content-type": content_type}, body)


def test_a_multipart_upload_gives_its_fields_and_file() -> None:
    body = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n'
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="in.jsonl"\r\n'
        b"Content-Type: application/jsonl\r\n\r\n"
        b'{"a": 1}\n\r\n'
        b"--xyz--\r\n"
    )
    fields, filename, content = multipart_upload(
        _upload(body, 'multipart/form-data; boundary="xyz"')
    )
    assert (fields, filename, content) == ({"purpose": "batch"}, "in.jsonl", b'{"a": 1}\n')


def test_an_upload_that_is_not_multipart_is_refused() -> None:
    with pytest.raises(Refusal, match="expected a multipart/form-data upload"):
        multipart_upload(_upload(b"{}", "application/json"))
