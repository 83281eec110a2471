"""The Bedrock wire's error family: a chatplex error from Converse is also botocore's
`ClientError` (its subclass named by the code, `EventStreamError` for an exception
event in a stream), with `response` and `operation_name` as boto3 sets them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex.errors import APIError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.providers.bedrock.errors import ERROR_FAMILIES
from chatplex.providers.bedrock.errors import BotoResponse
from chatplex.providers.bedrock.eventstream import UnfinishedMessage
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.response import stream_cut
from chatplex.sdk_error_families import joined_classes
from chatplex.sdk_errors import sdk_compatible

exceptions = pytest.importorskip("botocore.exceptions")

HEADERS = {"x-amzn-requestid": "rid-1", "x-amzn-errortype": "ThrottlingException:http://x/"}


def throttled() -> RateLimitError:
    body = json.dumps({"message": "Too many requests."}).encode()
    err = error_from(429, body, HEADERS)
    assert isinstance(err, RateLimitError)
    request = httpx.Request(
        "POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"
    )
    err.response = httpx.Response(429, headers=HEADERS, content=body, request=request)
    return err


def test_an_error_reply_is_the_client_error_boto3_raises() -> None:
    err = sdk_compatible(throttled(), ERROR_FAMILIES)
    assert isinstance(err, RateLimitError)  # still chatplex's
    assert isinstance(err, exceptions.ClientError)
    assert "ThrottlingException" in [c.__name__ for c in type(err).__mro__]
    assert err.response["Error"] == {"Message": "Too many requests.", "Code": "ThrottlingException"}
    meta = err.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 429 and meta["RequestId"] == "rid-1"
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == "rid-1"
    assert meta["RetryAttempts"] == 0
    assert err.operation_name == "Converse"
    assert err.response.status_code == 429  # the HTTP response's attributes still answer
    with pytest.raises(exceptions.ClientError):
        raise err


def test_the_same_code_is_the_same_class() -> None:
    first = sdk_compatible(throttled(), ERROR_FAMILIES)
    second = sdk_compatible(throttled(), ERROR_FAMILIES)
    assert type(first) is type(second)


def test_an_exception_event_in_a_stream_is_an_event_stream_error() -> None:
    err = StreamError(
        "ThrottlingException: Slow down.",
        provider="bedrock_converse",
        error_type="ThrottlingException",
        body={"message": "Slow down."},
    )
    err = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(err, exceptions.EventStreamError)
    assert err.response == {"Error": {"Message": "Slow down.", "Code": "throttlingException"}}
    assert err.operation_name == "ConverseStream"


def test_a_response_without_http_answers_no_attribute() -> None:
    shown = BotoResponse({"Error": {}}, None)
    assert shown == {"Error": {}}
    with pytest.raises(AttributeError):
        shown.status_code  # noqa: B018


@pytest.mark.parametrize(
    ("action", "operation"),
    [("invoke", "InvokeModel"), ("invoke-with-response-stream", "InvokeModelWithResponseStream")],
)
def test_invoke_models_errors_name_its_operations(action: str, operation: str) -> None:
    err = throttled()
    url = f"https://bedrock-runtime.us-east-1.amazonaws.com/model/m/{action}"
    err.request = httpx.Request("POST", url)
    assert sdk_compatible(err, ERROR_FAMILIES).operation_name == operation
    in_stream = StreamError("ThrottlingException: Slow down.", provider="bedrock")
    assert sdk_compatible(in_stream, ERROR_FAMILIES).operation_name == (
        "InvokeModelWithResponseStream"
    )


@pytest.mark.parametrize(
    ("attempts", "allowed", "said"),
    [
        (1, 1, " (reached max retries: 0)"),  # max_retries=0: the only attempt spent
        (3, 3, " (reached max retries: 2)"),
        (1, 3, ""),  # a non-retryable error before the last attempt: botocore says none
        (1, None, ""),  # no retry policy known
    ],
)
def test_the_words_are_botocores_and_say_when_the_attempts_ran_out(
    attempts: int, allowed: int | None, said: str
) -> None:
    plain = throttled()
    plain.attempts, plain.max_attempts = attempts, allowed
    err = sdk_compatible(plain, ERROR_FAMILIES)
    text = f"An error occurred (ThrottlingException) when calling the Converse operation{said}: "
    assert str(err) == text + "Too many requests." and err.args == (str(err),)
    assert err.message == "Too many requests."  # chatplex's typed field, unchanged
    assert err.response["ResponseMetadata"].get("MaxAttemptsReached", False) is bool(said)
    assert err.response["message"] == "Too many requests."  # the modeled error's member


def test_a_code_botocore_does_not_model_is_client_error_itself() -> None:
    body = json.dumps({"message": "The security token is invalid."}).encode()
    headers = {"x-amzn-requestid": "rid-2", "x-amzn-errortype": "UnrecognizedClientException"}
    err = sdk_compatible(error_from(401, body, headers), ERROR_FAMILIES)
    assert exceptions.ClientError in type(err).__bases__  # no subclass named by the code
    assert "UnrecognizedClientException" not in [c.__name__ for c in type(err).__mro__]
    assert "message" not in err.response  # botocore reads no members for it


def too_long(code: str = "ValidationException:http://x/") -> BaseException:
    body = json.dumps({"message": "Input is too long for requested model."}).encode()
    return error_from(400, body, {"x-amzn-requestid": "rid-3", "x-amzn-errortype": code})


def test_a_context_overflow_is_langchain_aws_class_as_it_re_raises_it() -> None:
    """langchain-aws's ChatBedrockConverse re-raises a ValidationException saying the
    input is too long as its class of both botocore's and its BedrockContextOverflowError
    (a langchain_core ContextOverflowError); any other 400 stays botocore's alone."""
    converse = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    from langchain_core.exceptions import ContextOverflowError

    err = sdk_compatible(too_long(), ERROR_FAMILIES)
    assert isinstance(err, converse.BedrockContextOverflowError)
    assert isinstance(err, ContextOverflowError) and isinstance(err, exceptions.ClientError)
    leading = next(k for k in joined_classes(err) if not k.__module__.startswith("chatplex"))
    assert leading.__module__ == converse.__name__  # the partner's class leads
    assert err.response["Error"]["Code"] == "ValidationException"
    other = error_from(
        400, b'{"message": "Malformed input request."}', {"x-amzn-errortype": "ValidationException"}
    )
    assert not isinstance(sdk_compatible(other, ERROR_FAMILIES), ContextOverflowError)


def test_the_invoke_wire_reads_no_context_overflow() -> None:
    """langchain-aws's ChatBedrock lets botocore's error through, an overflow included."""
    from langchain_core.exceptions import ContextOverflowError

    from chatplex.providers.bedrock.errors import CLIENT_ERRORS

    err = sdk_compatible(too_long(), CLIENT_ERRORS)
    assert isinstance(err, exceptions.ClientError)
    assert not isinstance(err, ContextOverflowError)


def _cut_reply() -> APIError:
    """chatplex's error for a Converse reply cut in half, chained to the decoder's."""
    try:
        json.loads('{"output": {"mess')
    except json.JSONDecodeError as exc:
        err = APIError("malformed response body from h: " + str(exc), provider="bedrock_converse")
        err.__cause__ = exc
        return err
    raise AssertionError("the text is JSON")


def test_a_reply_that_is_not_json_is_langchain_aws_value_error() -> None:
    """botocore's parser raises nothing for a body that is not JSON; langchain-aws then
    finds no `output` and raises its ValueError: that class and words, no ClientError;
    chatplex's words kept as `provider_message`, its own models' words kept."""
    from chatplex.providers.bedrock.errors import CLIENT_ERRORS

    err = sdk_compatible(_cut_reply(), ERROR_FAMILIES)
    assert isinstance(err, ValueError) and not isinstance(err, exceptions.ClientError)
    assert str(err).startswith("No 'output' key found in the response from the Bedrock")
    assert err.args == (str(err),)
    assert err.provider_message.startswith("malformed response body from h: Unterminated")
    assert isinstance(err.__cause__, json.JSONDecodeError)
    own = sdk_compatible(_cut_reply(), ERROR_FAMILIES, words=False)
    assert str(own).startswith("bedrock_converse: malformed response body from h")
    invoke = sdk_compatible(_cut_reply(), CLIENT_ERRORS)  # ChatBedrock: botocore's
    assert isinstance(invoke, exceptions.ClientError) and not isinstance(invoke, ValueError)


def _ended(cause: BaseException | None) -> StreamError:
    err = stream_cut("converse-stream", "messageStop", "bedrock_converse", None)
    err.__cause__ = cause
    return err


@pytest.mark.parametrize(
    "cut",
    [
        lambda: _ended(None),  # between messages: the parser's finish
        lambda: _ended(UnfinishedMessage("the stream ended inside an event-stream message")),
    ],
)
def test_a_stream_that_ended_before_message_stop_is_langchain_aws_connection_error(
    cut: Any,
) -> None:
    """botocore's parser ends the stream quietly, and langchain-aws raises its
    ConnectionError for the missing messageStop: that class (an OSError: the error is a
    copy, fields and chain kept) and words, no EventStreamError."""
    err = cut()
    shown = sdk_compatible(err, ERROR_FAMILIES)
    assert isinstance(shown, ConnectionError) and isinstance(shown, StreamError)
    assert not isinstance(shown, exceptions.ClientError)
    assert str(shown) == "Incomplete Bedrock response stream: missing messageStop event."
    assert shown.provider_message == "converse-stream ended before messageStop"
    assert shown.__cause__ is err.__cause__ and shown.provider == "bedrock_converse"
    with pytest.raises(ConnectionError):
        raise shown
    broke = StreamError("stream from h broke off", provider="bedrock_converse")
    broke.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    still = sdk_compatible(broke, ERROR_FAMILIES)  # urllib3's, where it is imported (below)
    assert not isinstance(still, ConnectionError)


def test_a_refused_connection_is_botocores_endpoint_connection_error() -> None:
    """boto3's client raises EndpointConnectionError for a connection it could not make,
    naming the URL it sent to with the model id quoted whole (langchain-aws lets it
    through); a timeout is none of it."""
    from chatplex.errors import APIConnectionError
    from chatplex.errors import APITimeoutError

    url = "http://127.0.0.1:9/model/us.anthropic.claude-3-5-haiku-20241022-v1:0/converse"
    refused = APIConnectionError("connection failed", provider="bedrock_converse")
    refused.request = httpx.Request("POST", url)  # type: ignore[attr-defined]
    shown = sdk_compatible(refused, ERROR_FAMILIES)
    assert isinstance(shown, exceptions.EndpointConnectionError)
    quoted = url.replace("v1:0", "v1%3A0")
    assert str(shown) == f'Could not connect to the endpoint URL: "{quoted}"'
    assert shown.kwargs == {"endpoint_url": quoted}  # type: ignore[attr-defined]
    assert shown.provider_message == "connection failed"  # type: ignore[attr-defined]
    late = sdk_compatible(APITimeoutError("slow", provider="bedrock_converse"), ERROR_FAMILIES)
    assert not isinstance(late, exceptions.EndpointConnectionError)


def test_a_timeout_before_any_reply_is_botocores_read_or_connect_timeout() -> None:
    """boto3's client raises ReadTimeoutError for a reply's head that did not come in
    time, ConnectTimeoutError for a connection that was not made in time, each naming the
    URL (langchain-aws lets them through); a stream gone quiet after its head and a
    passed deadline (chatplex's own bound: boto3 has none) are neither."""
    from chatplex.errors import APITimeoutError
    from chatplex.errors import DeadlineExceededError
    from chatplex.errors import StreamIdleTimeoutError

    url = "http://127.0.0.1:9/model/us.anthropic.claude-3-5-haiku-20241022-v1:0/converse"
    quoted = url.replace("v1:0", "v1%3A0")

    def timed_out(kind: type[APITimeoutError], cause: Exception | None = None) -> Any:
        err = kind("slow", provider="bedrock_converse")
        err.request = httpx.Request("POST", url)  # type: ignore[attr-defined]
        err.__cause__ = cause
        return sdk_compatible(err, ERROR_FAMILIES)

    read = timed_out(APITimeoutError, httpx.ReadTimeout("timed out"))
    assert isinstance(read, exceptions.ReadTimeoutError)
    assert str(read) == f'Read timeout on endpoint URL: "{quoted}"'
    assert read.kwargs == {"endpoint_url": quoted}  # type: ignore[attr-defined]
    assert read.provider_message == "slow"  # type: ignore[attr-defined]
    assert isinstance(timed_out(StreamIdleTimeoutError), exceptions.ReadTimeoutError)
    connect = timed_out(APITimeoutError, httpx.ConnectTimeout("timed out"))
    assert isinstance(connect, exceptions.ConnectTimeoutError)
    assert str(connect) == f'Connect timeout on endpoint URL: "{quoted}"'
    quiet = StreamIdleTimeoutError("quiet", provider="bedrock_converse", partial=[])
    deadline = DeadlineExceededError("the call's deadline passed")
    for neither in (quiet, deadline):
        assert not isinstance(sdk_compatible(neither, ERROR_FAMILIES), exceptions.BotoCoreError)


def test_a_stream_that_broke_off_is_urllib3s_protocol_error() -> None:
    """botocore reads the event stream through urllib3 and lets its ProtocolError through
    ("Response ended prematurely" for a chunked body cut between chunks); an exception
    event stays botocore's EventStreamError."""
    urllib3 = pytest.importorskip("urllib3.exceptions")
    cut = StreamError("stream from h broke off", provider="bedrock_converse")
    cut.__cause__ = httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body (incomplete chunked read)"
    )
    shown = sdk_compatible(cut, ERROR_FAMILIES)
    assert isinstance(shown, urllib3.ProtocolError)
    assert not isinstance(shown, exceptions.ClientError)
    assert str(shown) == "Response ended prematurely"
    assert shown.provider_message == "stream from h broke off"  # type: ignore[attr-defined]
    event = StreamError("busy", provider="bedrock_converse", error_type="throttlingException")
    assert isinstance(sdk_compatible(event, ERROR_FAMILIES), exceptions.EventStreamError)
