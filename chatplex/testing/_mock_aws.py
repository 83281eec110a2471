"""AWS's side of the mock server's Bedrock wires (private): what Converse
(`_mock_wire_bedrock.py`) and InvokeModel (`_mock_wire_bedrock_invoke.py`) share -- the
`/model/{modelId}/{action}` paths, AWS event-stream framing (`encode_message`: prelude,
headers, payload, CRC32s; `event_message`: one JSON event), Bedrock's exception names in
error bodies (`__type`, what clients read when the `x-amzn-errortype` header is absent)
and mid-stream exception messages, and the SigV4 check.

>>> model_path("/model/us.meta.llama3%3A0/invoke", ("/invoke", "/invoke-with-response-stream"))
('us.meta.llama3:0', False)
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from ._mock_replies import dumps

__all__ = [
    "EVENT_STREAM",
    "MODEL_PREFIX",
    "check_auth",
    "encode_message",
    "error_body",
    "event_message",
    "model_path",
    "stream_error",
]

EVENT_STREAM = "application/vnd.amazon.eventstream"
MODEL_PREFIX = "/model/"
#: Chat Completions error types (what the core passes) → Bedrock's exception names.
_EXCEPTIONS = {
    "rate_limit_exceeded": "ThrottlingException",
    "rate_limit_error": "ThrottlingException",
    "insufficient_quota": "ServiceQuotaExceededException",
    "invalid_request_error": "ValidationException",
    "authentication_error": "UnrecognizedClientException",
    "permission_error": "AccessDeniedException",
    "not_found_error": "ResourceNotFoundException",
    "overloaded_error": "ServiceUnavailableException",
    "server_error": "InternalServerException",
    "api_error": "InternalServerException",
}


def model_path(path: str, actions: tuple[str, str]) -> tuple[str, bool] | None:
    """(model id, stream) of a `/model/{modelId}{action}` path, `actions` an API's
    (reply, stream) pair (Converse's, InvokeModel's); None for another path."""
    if not path.startswith(MODEL_PREFIX):
        return None
    for action in actions:
        if path.endswith(action):
            model = path[len(MODEL_PREFIX) : -len(action)]
            if model and "/" not in model:
                return unquote(model), action == actions[1]
    return None


_PRELUDE = struct.Struct(">II")
_U32 = struct.Struct(">I")


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One AWS event-stream message with string headers (type 7)."""
    block = bytearray()
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        block += bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value))
        block += raw_value
    total = 12 + len(block) + len(payload) + 4
    prelude = _PRELUDE.pack(total, len(block))
    message = prelude + _U32.pack(zlib.crc32(prelude)) + bytes(block) + payload
    return message + _U32.pack(zlib.crc32(message))


def event_message(kind: str, payload: dict[str, Any]) -> bytes:
    """One event-stream `event` message of `kind` carrying `payload` as JSON."""
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, dumps(payload))


_BY_STATUS = {
    400: "ValidationException",
    401: "UnrecognizedClientException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
    529: "ServiceUnavailableException",
}


def _exception_name(status: int | None, type_: str, code: str | None) -> str:
    """Bedrock's exception name: one given as such (`x-mock-fault: ...;type=
    ModelNotReadyException`), else the status's, else the Chat Completions type's."""
    for given in (code, type_):
        if given and given.endswith("Exception"):
            return given
    by_status = _BY_STATUS.get(status or 0)
    if by_status:
        return by_status
    return _EXCEPTIONS.get(code or "") or _EXCEPTIONS.get(type_) or "InternalServerException"


def error_body(status: int, type_: str, message: str, code: str | None, request_id: str) -> bytes:
    """An error reply: `{"message": ..., "__type": "<namespace>#<Exception>"}`."""
    name = _exception_name(status, type_, code)
    return dumps({"message": message, "__type": f"com.amazon.coral.service#{name}"})


def stream_error(type_: str, message: str, code: str | None) -> bytes:
    """An exception message mid-stream (`:message-type: exception`)."""
    name = _exception_name(None, type_, code)
    headers = {
        ":exception-type": name[:1].lower() + name[1:],
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, dumps({"message": message}))


def check_auth(headers: Mapping[str, str]) -> str | None:
    """Why a request is refused: no SigV4 `Authorization` header (nor a Bearer key)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if value is None:
        return "Missing Authentication Token: the request is not signed (SigV4)"
    if not value.startswith(("AWS4-HMAC-SHA256 ", "Bearer ")):
        return "the Authorization header is not a SigV4 signature nor a Bedrock API key"
    return None
