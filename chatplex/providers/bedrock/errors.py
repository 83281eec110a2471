"""The exceptions scripts written for langchain-aws catch, as the Bedrock wire's error
family (`sdk_errors.ErrorFamily`).

langchain-aws lets botocore's errors through: a Converse error reply is a
`botocore.exceptions.ClientError` (boto3's client raises its subclass named after the
error code, `ThrottlingException`, `ValidationException`...), read as
`e.response["Error"]["Code"]` / `["Message"]` and
`e.response["ResponseMetadata"]["HTTPStatusCode"]` / `["RequestId"]`, and
`e.operation_name` ("Converse", "ConverseStream", "InvokeModel",
"InvokeModelWithResponseStream"). A chatplex error from Bedrock is also
such a class, whose `response` is that dict and still answers the `httpx.Response`
attributes chatplex's errors expose (`status_code`, `headers`, `request`...). A code
bedrock-runtime does not model (a 401's `UnrecognizedClientException`) is `ClientError`
itself, as boto3 raises it; a modeled one carries its body's members (`message`). Its
`str()` and `args` are botocore's template ("An error occurred (<code>) when calling the
<operation> operation[ (reached max retries: N)]: <message>").
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ...errors import APIConnectionError
from ...errors import APIError
from ...errors import StreamError
from ...sdk_errors import ErrorFamily
from ...sdk_errors import sdk_words

__all__ = ["ERROR_FAMILIES", "BotoResponse"]


class BotoResponse(dict):  # type: ignore[type-arg]
    """botocore's error response (a dict), which also answers the attributes of the
    HTTP response it came from (`e.response.status_code` as on chatplex's errors)."""

    __slots__ = ("_http",)

    def __init__(self, fields: Mapping[str, Any], http: Any) -> None:
        super().__init__(fields)
        self._http = http

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        http = object.__getattribute__(self, "_http")
        if http is None:
            raise AttributeError(name)
        return getattr(http, name)


_classes: dict[str, type[BaseException]] = {}
_classes_lock = threading.Lock()


def _client_error(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    """A `ClientError` subclass named by the error code, as boto3's client raises."""
    if isinstance(err, APIConnectionError) or not isinstance(err, APIError):
        return None
    base = getattr(exceptions, "ClientError", None)
    if not isinstance(base, type):
        return None
    if isinstance(err, StreamError):  # an exception event inside a stream
        found = getattr(exceptions, "EventStreamError", base)
        return found if isinstance(found, type) else base
    name = err.error_type if isinstance(err.error_type, str) else None
    if not name or not name.isidentifier() or _members(name) is None:
        return base  # boto3's client raises ClientError itself for a code not modeled
    with _classes_lock:
        found = _classes.get(name)
        if found is None or not issubclass(found, base):
            found = _classes[name] = type(name, (base,), {"__module__": "botocore.errorfactory"})
    return found


_MODELED: dict[str, tuple[str, ...]] = {}


def _members(code: str) -> tuple[str, ...] | None:
    """The members botocore reads from the error body of bedrock-runtime's modeled error
    `code` (from botocore's own service model, read once), None for a code it does not
    model; without the model at hand every code counts as modeled, with its message."""
    if not _MODELED:
        try:
            from botocore.loaders import create_loader

            model = create_loader().load_service_model("bedrock-runtime", "service-2")
            shapes = model.get("shapes", {})
        except Exception:  # an old or stripped botocore
            shapes = {}
        found = {
            name: tuple(shape.get("members", {}))
            for name, shape in shapes.items()
            if shape.get("exception")
        }
        _MODELED.update(found or {"*": ("message",)})
    return _MODELED.get(code, _MODELED.get("*"))


def _fill_client_error(err: BaseException) -> None:
    fields = err.__dict__
    http = fields.get("response")
    headers = getattr(http, "headers", None) or {}
    status = fields.get("status")
    code = fields.get("error_type")
    if isinstance(err, StreamError) and isinstance(code, str):
        code = code[:1].lower() + code[1:]
    said = fields.get("body")
    message = said.get("message") if isinstance(said, dict) else None
    error = {
        "Message": message if isinstance(message, str) else fields.get("message"),
        "Code": code,
    }
    shown: dict[str, Any] = {"Error": error}
    members = _members(code or "") if not isinstance(err, StreamError) else None
    if isinstance(said, dict):  # a modeled error's members, read from its body
        shown.update((name, said[name]) for name in members or () if name in said)
    retry = ""
    if not isinstance(err, StreamError):  # botocore's stream errors have no metadata
        attempts = fields.get("attempts") or 1
        shown["ResponseMetadata"] = {
            "RequestId": fields.get("request_id"),
            "HTTPStatusCode": status,
            "HTTPHeaders": {str(k).lower(): v for k, v in dict(headers).items()},
            "RetryAttempts": max(0, attempts - 1),
        }
        allowed = fields.get("max_attempts")
        if isinstance(allowed, int) and attempts >= allowed:
            # botocore's standard retry mode marks the reply that spent the last attempt,
            # retryable or not, and its words say so.
            shown["ResponseMetadata"]["MaxAttemptsReached"] = True
            retry = f" (reached max retries: {attempts - 1})"
    fields["response"] = BotoResponse(shown, http)
    request = fields.get("request")
    url = str(getattr(request, "url", "") or "")
    stream = isinstance(err, StreamError) or url.endswith(_STREAM_ACTIONS)
    invoke = url.endswith(_INVOKE_ACTIONS) or fields.get("provider") == "bedrock"
    operation = fields.setdefault("operation_name", _OPERATIONS[invoke, stream])
    # botocore's `ClientError.MSG_TEMPLATE`.
    sdk_words(
        err,
        f"An error occurred ({code or 'Unknown'}) when calling the {operation} "
        f"operation{retry}: {error['Message'] or 'Unknown'}",
    )


#: Each API's actions (the path's last part), and botocore's operation names.
_STREAM_ACTIONS = ("/converse-stream", "/invoke-with-response-stream")
_INVOKE_ACTIONS = ("/invoke", "/invoke-with-response-stream")
_OPERATIONS = {
    (False, False): "Converse",
    (False, True): "ConverseStream",
    (True, False): "InvokeModel",
    (True, True): "InvokeModelWithResponseStream",
}


#: What the Bedrock adapter declares (`BedrockAdapter.error_families`).
ERROR_FAMILIES = (ErrorFamily("botocore.exceptions", _client_error, _fill_client_error),)
