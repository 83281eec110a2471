"""The Gemini wire's error families: chatplex's errors are also the classes scripts for
langchain-google-genai catch (its own, google-genai's), once those are imported."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.errors import COUNT_ERROR_FAMILIES
from chatplex.providers.google.errors import quota_failure
from chatplex.providers.google.stream import GeminiStreamParser
from chatplex.sdk_errors import sdk_compatible

partner = pytest.importorskip("langchain_google_genai.chat_models")
genai_errors = pytest.importorskip("google.genai.errors")

ADAPTER = GeminiAdapter(api_key="k", base_url="http://127.0.0.1:9")


def failed(status: int, google_status: str, message: str = "It failed.") -> BaseException:
    body = {"error": {"code": status, "message": message, "status": google_status}}
    err = ADAPTER.map_error(status, json.dumps(body).encode(), {})
    return sdk_compatible(err, ADAPTER.error_families)


@pytest.mark.parametrize(
    ("status", "word", "name"),
    [
        (400, "INVALID_ARGUMENT", "GoogleInvalidRequestError"),
        (401, "UNAUTHENTICATED", "GoogleAuthenticationError"),
        (403, "PERMISSION_DENIED", "GooglePermissionDeniedError"),
        (404, "NOT_FOUND", "GoogleModelNotFoundError"),
        (429, "RESOURCE_EXHAUSTED", "GoogleRateLimitError"),
        (409, "ABORTED", "ChatGoogleGenerativeAIError"),
    ],
)
def test_a_4xx_is_the_partner_class_of_its_status_and_no_client_error(
    status: int, word: str, name: str
) -> None:
    err = failed(status, word)
    assert isinstance(err, getattr(partner, name))
    assert isinstance(err, partner.ChatGoogleGenerativeAIError)
    # langchain-google-genai's own 4xx classes wrap the SDK's ClientError, are none:
    # `except ClientError` around its model never fires, nor here.
    assert not isinstance(err, genai_errors.ClientError)
    # None of the SDK's fields either (no code, no details); chatplex's own stay.
    assert err.code is None and not hasattr(err, "details")  # type: ignore[attr-defined]
    assert err.status == status and err.message == "It failed."  # type: ignore[attr-defined]
    assert str(err).startswith(f"Error calling model 'unknown' ({word}): {status} {word}.")


def test_without_the_partner_imported_a_4xx_is_still_named_and_worded_as_its_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A script that never imported langchain-google-genai still meets its class's name,
    words and LangChain class (`ModelInvalidRequestError`), and no ClientError, as the
    partner raises it; chatplex's own models keep the SDK's ClientError."""
    from langchain_core.exceptions import ModelInvalidRequestError

    monkeypatch.delitem(sys.modules, "langchain_google_genai.chat_models")
    err = failed(400, "INVALID_ARGUMENT")
    named = (type(err).__module__, type(err).__name__)
    assert named == ("langchain_google_genai.chat_models", "GoogleInvalidRequestError")
    assert isinstance(err, ModelInvalidRequestError)
    assert not isinstance(err, genai_errors.ClientError)
    assert str(err).startswith("Error calling model 'unknown' (INVALID_ARGUMENT): 400 ")
    body = {"error": {"code": 400, "message": "It failed.", "status": "INVALID_ARGUMENT"}}
    mapped = ADAPTER.map_error(400, json.dumps(body).encode(), {})
    own = sdk_compatible(mapped, ADAPTER.error_families, words=False)
    assert isinstance(own, genai_errors.ClientError)
    assert own.code == 400 and own.details["error"]["status"] == "INVALID_ARGUMENT"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("status", "word"), [(400, "INVALID_ARGUMENT"), (503, "UNAVAILABLE")])
def test_a_failed_count_is_the_sdks_class_the_partner_imported_or_not(
    status: int, word: str
) -> None:
    """langchain-google-genai lets a failed `countTokens` through as google-genai raised
    it: ClientError / ServerError with the SDK's fields and text, none of its own."""
    body = {"error": {"code": status, "message": "It failed.", "status": word}}
    mapped = ADAPTER.map_error(status, json.dumps(body).encode(), {})
    err = sdk_compatible(mapped, COUNT_ERROR_FAMILIES)
    sdk_class = genai_errors.ClientError if status < 500 else genai_errors.ServerError
    assert isinstance(err, sdk_class) and err.code == status  # type: ignore[attr-defined]
    assert not isinstance(err, partner.ChatGoogleGenerativeAIError)
    assert not isinstance(err, partner.GoogleAPIError)
    assert str(err).startswith(f"{status} {word}.")
    connection = sdk_compatible(
        APIConnectionError("down", provider="google_genai"), COUNT_ERROR_FAMILIES
    )
    assert not isinstance(connection, genai_errors.APIError)


def test_a_context_overflow_is_langchains_context_overflow_error() -> None:
    err = failed(400, "INVALID_ARGUMENT", "The input exceeds the maximum number of tokens allowed")
    assert isinstance(err, partner.GoogleContextOverflowError)
    # that class is the SDK's ClientError, built from it: its fields and text
    assert isinstance(err, genai_errors.ClientError) and err.code == 400  # type: ignore[attr-defined]
    assert str(err).startswith("400 INVALID_ARGUMENT.")


def test_a_5xx_is_googles_api_error_a_server_error() -> None:
    err = failed(503, "UNAVAILABLE")
    assert isinstance(err, partner.GoogleAPIError) and isinstance(err, genai_errors.ServerError)
    assert not isinstance(err, partner.ChatGoogleGenerativeAIError)  # as there


def test_an_error_event_in_a_stream_is_an_sdk_api_error_and_a_failed_connection_none() -> None:
    event = StreamError("overloaded", provider="google_genai", error_type="UNAVAILABLE")
    assert isinstance(sdk_compatible(event, ADAPTER.error_families), genai_errors.APIError)
    lost = sdk_compatible(APIConnectionError("refused"), ADAPTER.error_families)
    assert not isinstance(lost, genai_errors.APIError)


def test_an_event_that_is_not_json_is_google_genais_and_a_body_jsons_own() -> None:
    """google-genai raises its `UnknownApiResponseError` for a streamed event that is not
    JSON, quoting it whole, and lets json's error through for a reply body: so do the
    drop-ins, chatplex's words kept as `provider_message`."""

    data = '{"candidates": [{"content": "' + "x" * 600
    with pytest.raises(StreamError) as caught:
        GeminiStreamParser().feed(SSEEvent(data=data))
    event = sdk_compatible(caught.value, ADAPTER.error_families)
    assert isinstance(event, genai_errors.UnknownApiResponseError)
    assert not isinstance(event, json.JSONDecodeError)
    assert str(event) == f"Failed to parse response as JSON. Raw response: {data}"
    assert event.provider_message.startswith("stream event is not a JSON object: {")
    try:
        json.loads('{"candid')
    except json.JSONDecodeError as exc:
        body = APIError("malformed response body from h", provider="google_genai")
        body.__cause__ = exc
    reply = sdk_compatible(body, ADAPTER.error_families)
    assert isinstance(reply, json.JSONDecodeError)
    assert not isinstance(reply, genai_errors.UnknownApiResponseError)
    assert str(reply) == "Unterminated string starting at: line 1 column 2 (char 1)"


def test_an_error_event_with_a_code_is_raised_by_it_as_google_genai_does() -> None:
    """google-genai raises an error event by its `error.code` as a reply by its status
    (`APIError.raise_error`): a 500 event is its ServerError, which langchain-google-genai
    wraps as GoogleAPIError (a ModelError), worded "500 INTERNAL. {the event}"; a 4xx
    event langchain-google-genai's class of that status."""
    from chatplex.providers.google.response import payload_error

    data = {"error": {"code": 500, "message": "It failed.", "status": "INTERNAL"}}
    event = sdk_compatible(payload_error(data, StreamError), ADAPTER.error_families)
    assert isinstance(event, partner.GoogleAPIError)
    assert isinstance(event, genai_errors.ServerError)
    assert str(event) == f"500 INTERNAL. {data}"
    assert event.code == 500 and event.details == data  # type: ignore[attr-defined]
    data = {"error": {"code": 429, "message": "Slow down.", "status": "RESOURCE_EXHAUSTED"}}
    busy = sdk_compatible(payload_error(data, StreamError), ADAPTER.error_families)
    assert isinstance(busy, partner.GoogleRateLimitError)


def test_a_failure_in_transit_is_the_http_clients_error_google_genai_lets_through() -> None:
    import httpx

    refused = APIConnectionError("connection to h failed", provider="google_genai")
    refused.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    shown = sdk_compatible(refused, ADAPTER.error_families)
    assert isinstance(shown, httpx.ConnectError) and not isinstance(shown, genai_errors.APIError)
    assert str(shown) == "[Errno 111] Connection refused"


def test_a_refused_async_connection_names_the_ssl_context_as_google_genai_passes_one() -> None:
    """google-genai passes its SSL context with each aiohttp request, so aiohttp's words
    for a refused connection name it: chatplex's async client's, here."""
    import ssl

    import aiohttp
    import httpx

    request = httpx.Request("POST", "http://127.0.0.1:9/v1beta/models/m:generateContent")
    cause = httpx.ConnectError("Connection refused", request=request)
    context = ssl.create_default_context()
    marks = {  # what chatplex's async client marks its error with (`http._lean`)
        "aiohttp_class": aiohttp.ClientConnectorError,
        "os_error": ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)"),
        "httpcore_words": None,
        "ssl_context": context,
    }
    for name, value in marks.items():
        setattr(cause, name, value)
    refused = APIConnectionError("connection to h failed", provider="google_genai")
    refused.__cause__ = cause
    shown = sdk_compatible(refused, ADAPTER.error_families)
    assert isinstance(shown, aiohttp.ClientConnectorError)
    assert str(shown) == (
        f"Cannot connect to host 127.0.0.1:9 ssl:{context} [Connect call failed ('127.0.0.1', 9)]"
    )


# ---- Vertex AI: google-api-core's classes, as the aiplatform client raises -------------


#: An error's ErrorInfo detail, as Vertex AI sends it.
ERROR_INFO = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "QUOTA", "domain": "d"}


def vertex_adapter() -> Any:
    """A VertexAIAdapter over credentials that are valid and never refreshed."""
    from chatplex.providers.google.vertex_adapter import VertexAIAdapter

    class Token:
        token, valid, project_id = "t", True, "p"

        def refresh(self, request: object) -> None:
            raise AssertionError("never refreshed")

    return VertexAIAdapter(credentials=Token(), base_url="http://127.0.0.1:9")


def vertex_failed(status: int, google_status: str) -> BaseException:
    adapter = vertex_adapter()
    info = ERROR_INFO
    body = {"error": {"code": status, "message": "No.", "status": google_status, "details": [info]}}
    err = adapter.map_error(status, json.dumps(body).encode(), {})
    return sdk_compatible(err, adapter.error_families)


@pytest.mark.parametrize(
    ("status", "word", "name"),
    [
        (400, "INVALID_ARGUMENT", "BadRequest"),
        (403, "PERMISSION_DENIED", "Forbidden"),
        (429, "RESOURCE_EXHAUSTED", "TooManyRequests"),
        (500, "INTERNAL", "InternalServerError"),
        (418, "UNKNOWN", "GoogleAPICallError"),
    ],
)
def test_a_vertex_error_is_google_api_cores_class_of_its_status(
    status: int, word: str, name: str
) -> None:
    api_core = pytest.importorskip("google.api_core.exceptions")
    err = vertex_failed(status, word)
    assert isinstance(err, getattr(api_core, name))
    assert not isinstance(err, partner.ChatGoogleGenerativeAIError)
    assert (err.reason, err.domain, err.errors) == ("QUOTA", "d", [])  # type: ignore[attr-defined]
    assert err.details[0]["reason"] == "QUOTA"  # type: ignore[attr-defined]
    assert err.message == "No."  # type: ignore[attr-defined]


def test_a_vertex_error_reads_as_api_cores_with_the_rest_url_and_no_query() -> None:
    """api-core's `message` ("POST <url>: words") and `str()` ("<code> <message>
    <details>"), the URL the aiplatform REST transport's (its own query, never the one
    sent: a query can carry a key)."""
    pytest.importorskip("google.api_core.exceptions")
    import httpx

    adapter = vertex_adapter()
    url = "http://127.0.0.1:9/v1/projects/p/locations/l/publishers/google/models/m:generateContent"
    request = httpx.Request("post", url + "?key=secret-key")
    info = ERROR_INFO
    body = {
        "error": {"code": 429, "message": "No.", "status": "RESOURCE_EXHAUSTED", "details": [info]}
    }
    err = adapter.map_error(429, json.dumps(body).encode(), {})
    err = sdk_compatible(err, adapter.error_families, lambda: request)
    rest = url + "?%24alt=json%3Benum-encoding%3Dint"
    assert err.message == f"POST {rest}: No."  # type: ignore[attr-defined]
    assert str(err) == f"429 POST {rest}: No. {[info]}"
    assert "secret-key" not in str(err) + repr(err)


@pytest.mark.parametrize(
    ("status", "word", "prefix", "fields"),
    [
        (400, "INVALID_ARGUMENT", "Error calling model 'gemini-x' (INVALID_ARGUMENT): ", None),
        (500, "INTERNAL", "", "sdk"),
    ],
)
def test_a_gemini_error_reads_as_google_genais(
    status: int, word: str, prefix: str, fields: str | None
) -> None:
    """`str()` is the SDK's text (langchain-google-genai's around it for its 4xx
    classes); as a google-genai class (a 5xx), `status` is Google's word and `code` the
    status; as langchain-google-genai's own 4xx class, none of the SDK's fields. The HTTP
    status stays `status_code`."""
    import httpx

    body = {"error": {"code": status, "message": "No.", "status": word}}
    err = ADAPTER.map_error(status, json.dumps(body).encode(), {})
    url = "http://127.0.0.1:9/v1beta/models/gemini-x:generateContent"
    err = sdk_compatible(err, ADAPTER.error_families, lambda: httpx.Request("POST", url))
    expected = (word, status, status) if fields else (status, status, None)
    assert (err.status, err.status_code, err.code) == expected  # type: ignore[attr-defined]
    assert str(err) == f"{prefix}{status} {word}. {body}"


# Gemini's quota errors, as the budget reads them: RetryInfo's delay and QuotaFailure.
RETRY = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "13s"}
QUOTA = {
    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
    "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_requests"}],
}


def quota_error(*details: dict[str, object]) -> bytes:
    error = {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}
    return json.dumps({"error": {**error, "details": list(details)}}).encode()


def test_a_quota_failure_is_read_from_the_error_details() -> None:
    assert quota_failure(json.loads(quota_error(RETRY, QUOTA)))
    assert quota_failure([json.loads(quota_error(QUOTA))])  # a stream's error, in a list
    assert not quota_failure(json.loads(quota_error(RETRY)))
    for odd in (None, [], "x", {"error": "x"}, {"error": {"details": {"@type": "x"}}}):
        assert not quota_failure(odd)


def test_a_429_with_a_retry_delay_and_a_quota_failure_is_a_spent_limit() -> None:
    spent = ADAPTER.map_error(429, quota_error(RETRY, QUOTA), {})
    assert isinstance(spent, RateLimitError) and spent.retry_after == 13.0
    assert spent.limit_spent  # the budget takes it as a limit's 429, as `remaining: 0`
    delayed = ADAPTER.map_error(429, quota_error(RETRY), {})
    assert delayed.retry_after == 13.0 and not getattr(delayed, "limit_spent", False)


@pytest.mark.parametrize(
    ("code", "word", "name"),
    [(400, "INVALID_ARGUMENT", "GoogleInvalidRequestError"), (500, "INTERNAL", "GoogleAPIError")],
)
def test_a_stream_whose_200_body_is_the_error_is_raised_by_its_code(
    code: int, word: str, name: str
) -> None:
    """A stream request answered 200 with `{"error": {...}}` as the whole body:
    google-genai reads it as a chunk of the stream and raises it by its `error.code`, as
    a reply of that status (langchain-google-genai's class of it); so do the drop-ins."""
    data = {"error": {"code": code, "message": "It failed.", "status": word}}
    with pytest.raises(APIError) as caught:
        ADAPTER.parse_response(json.dumps(data).encode(), {"x-request-id": "rq-7"})
    assert caught.value.status_code is None and caught.value.code == code
    err = sdk_compatible(caught.value, ADAPTER.error_families)
    assert isinstance(err, getattr(partner, name))
    assert err.request_id == "rq-7"  # type: ignore[attr-defined]
    if code >= 500:
        assert isinstance(err, genai_errors.ServerError)
        assert err.code == code and err.details == data  # type: ignore[attr-defined]
        assert str(err) == f"{code} {word}. {data}"
    else:
        assert str(err) == f"Error calling model 'unknown' ({word}): {code} {word}. {data}"
