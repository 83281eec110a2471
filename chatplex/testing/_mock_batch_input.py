"""What a Batch API client sends, read and checked as the APIs check it (private, for
`_mock_batches.py`): a create call's JSON body, an OpenAI input file's lines, Anthropic's
`requests` list (written to a file one item at a time: the list is never built), and a
multipart file upload. What the APIs refuse raises `Refusal`: the status and message
the mock server answers with.

>>> json_object(b'{"input_file_id": "file-1"}')
{'input_file_id': 'file-1'}
>>> json_object(b"[]")
Traceback (most recent call last):
    ...
chatplex.testing._mock_batch_input.Refusal: the body must be a JSON object
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._mock_http import HttpRequest
from ._mock_replies import dumps

__all__ = [
    "ROW_BODY",
    "Refusal",
    "check_input_file",
    "json_object",
    "multipart_upload",
    "split_requests",
]

#: OpenAI's batch endpoints: what a row's body must hold (key, types, in words).
ROW_BODY: dict[str, tuple[str, Any, str]] = {
    "/v1/chat/completions": ("messages", list, "a messages list"),
    "/v1/responses": ("input", (str, list), "an input"),
}
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class Refusal(Exception):
    """A request the Batch API refuses: answered with `status` and the error `kind`."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind


def json_object(body: bytes) -> dict[str, Any]:
    """A create call's body, which must be a JSON object."""
    try:
        value = json.loads(body)
    except ValueError:
        raise Refusal(400, "the body must be JSON") from None
    if not isinstance(value, dict):
        raise Refusal(400, "the body must be a JSON object")
    return value


def check_input_file(path: str, endpoint: str) -> int:
    """Validate an OpenAI input file as the API does; return its number of requests."""
    seen: set[str] = set()
    model = None
    with open(path, "rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                raise Refusal(400, f"line {number}: not valid JSON") from None
            cid = item.get("custom_id") if isinstance(item, dict) else None
            if not isinstance(cid, str):
                raise Refusal(400, f"line {number}: custom_id is required")
            if cid in seen:
                raise Refusal(400, f"line {number}: duplicate custom_id {cid!r}")
            seen.add(cid)
            if item.get("method") != "POST" or item.get("url") != endpoint:
                raise Refusal(400, f"line {number}: method/url must be POST {endpoint}")
            body = item.get("body")
            key, kinds, what = ROW_BODY[endpoint]
            if not isinstance(body, dict) or not isinstance(body.get(key), kinds):
                raise Refusal(400, f"line {number}: body must hold {what}")
            if model is not None and body.get("model") != model:
                raise Refusal(400, f"line {number}: every request must use the same model")
            model = body.get("model")
    if not seen:
        raise Refusal(400, "the input file holds no requests")
    return len(seen)


def split_requests(body: bytes, path: str) -> int:
    """Write `{"requests": [...]}`'s items to `path`, one per line, decoding one item at
    a time (the list is never built); return how many, checking ids as Anthropic does."""
    text = body.decode("utf-8")
    start = text.find("[", text.find('"requests"'))
    if start < 0:
        raise Refusal(400, "requests: Field required")
    decoder = json.JSONDecoder()
    seen: set[str] = set()
    position = start + 1
    with open(path, "wb") as out:
        while True:
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            if position >= len(text) or text[position] == "]":
                break
            item, position = decoder.raw_decode(text, position)
            cid = item.get("custom_id") if isinstance(item, dict) else None
            if not isinstance(cid, str) or not _CUSTOM_ID.match(cid):
                raise Refusal(
                    400, f"requests.{len(seen)}.custom_id: must match ^[a-zA-Z0-9_-]{{1,64}}$"
                )
            if cid in seen:
                raise Refusal(400, f"requests: duplicate custom_id {cid!r}")
            params = item.get("params")
            if not isinstance(params, dict) or not isinstance(params.get("messages"), list):
                raise Refusal(400, f"requests.{len(seen)}.params.messages: Field required")
            if "max_tokens" not in params:
                raise Refusal(400, f"requests.{len(seen)}.params.max_tokens: Field required")
            seen.add(cid)
            out.write(dumps(item) + b"\n")
    if not seen:
        raise Refusal(400, "requests: at least one request is required")
    return len(seen)


def multipart_upload(request: HttpRequest) -> tuple[dict[str, str], str | None, bytes | None]:
    """(text fields, the file's name, the file's bytes) of a multipart/form-data body."""
    ctype = request.headers.get("content-type", "")
    match = re.search(r'boundary="?([^";]+)"?', ctype)
    if not ctype.startswith("multipart/form-data") or match is None:
        raise Refusal(400, "expected a multipart/form-data upload")
    delimiter = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    filename: str | None = None
    content: bytes | None = None
    for part in request.body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part.partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        disposition = head.decode("latin-1")
        name = re.search(r'name="([^"]*)"', disposition)
        file = re.search(r'filename="([^"]*)"', disposition)
        if name is None:
            continue
        if file is not None:
            filename, content = file.group(1), data
        else:
            fields[name.group(1)] = data.decode()
    return fields, filename, content
