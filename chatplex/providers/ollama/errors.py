"""The exceptions scripts written for langchain-ollama catch, as error families of the
Ollama wire (`sdk_error_families.ErrorFamily`): an error status or an error line is the ollama
SDK's `ResponseError` (its `error` the server's words, its `status_code` the status);
a failed connection is httpx's `ConnectError` and a timeout httpx's
`TimeoutException`, which langchain-ollama lets through from the client underneath.
Its `str()` is the SDK's ("<the server's words> (status code: 400)"), its `args` the
server's words."""

from __future__ import annotations

from typing import Any

from ...errors import APIConnectionError
from ...errors import APIError
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import decode_family
from ...sdk_error_families import sdk_words
from ...sdk_error_families import transport_family

__all__ = ["ERROR_FAMILIES"]


def _is_response_error(err: BaseException) -> bool:
    """Whether the SDK raises its `ResponseError` for `err` (which has no `response`)."""
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return False
    # neither a status nor an error line: no ResponseError stands for it
    return err.status is not None or err.body is not None


def _response_error(err: BaseException, ollama: Any) -> type[BaseException] | None:
    found = getattr(ollama, "ResponseError", None) if _is_response_error(err) else None
    return found if isinstance(found, type) else None


def _fill_response_error(err: BaseException) -> None:
    # The server's own words, as the SDK reads them from `{"error": ...}` (chatplex's
    # message may add a hint), and the SDK's `str()`: "<error> (status code: <status>)".
    fields = err.__dict__
    body = fields.get("body")
    said = body.get("error") if isinstance(body, dict) else None
    if not isinstance(body, dict) and fields.get("status") is not None:
        # a body that is no JSON (a proxy's page): the SDK's `error` is its text as sent
        said = getattr(fields.get("response"), "text", None)
    fields.setdefault("error", said if isinstance(said, str) else fields.get("message"))
    if fields.get("status") is None:  # an error line inside a stream: the SDK's -1
        fields.setdefault("http_status", -1)  # `status_code` (issue 47); `status` stays None
    error = fields["error"]
    sdk_words(err, f"{error} (status code: {getattr(err, 'status_code', -1)})", error)


#: What the Ollama adapter declares (`OllamaAdapter.error_families`).
ERROR_FAMILIES = (
    decode_family(),  # a body or a line that is not JSON: the SDK lets json's through
    # (loaded for a drop-in's error: langchain-ollama always imports the ollama SDK)
    ErrorFamily(
        "ollama",
        _response_error,
        _fill_response_error,
        partner_loads=True,
        responseless=_is_response_error,
    ),
    transport_family(),
)
