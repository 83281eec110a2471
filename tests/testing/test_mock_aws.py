"""What the mock server's Bedrock wires share (`testing/_mock_aws.py`): the
`/model/{modelId}/...` paths, Bedrock-shaped errors, mid-stream exception messages, the
SigV4 check, event-stream frames botocore reads."""

from __future__ import annotations

import json

import pytest

from chatplex.errors import AuthenticationError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.stream import BedrockStreamParser
from chatplex.testing._mock_aws import check_auth
from chatplex.testing._mock_aws import encode_message
from chatplex.testing._mock_aws import error_body
from chatplex.testing._mock_aws import model_path
from chatplex.testing._mock_aws import stream_error

botocore_eventstream = pytest.importorskip("botocore.eventstream")


@pytest.mark.parametrize(
    ("status", "type_", "cls", "name"),
    [
        (429, "requests", RateLimitError, "ThrottlingException"),
        (401, "invalid_request_error", AuthenticationError, "UnrecognizedClientException"),
        (503, "server_error", ServerError, "ServiceUnavailableException"),
        (429, "ModelNotReadyException", ServerError, "ModelNotReadyException"),
    ],
)
def test_error_bodies_read_back_as_typed_errors(
    status: int, type_: str, cls: type, name: str
) -> None:
    body = error_body(status, type_, "mock says no", None, "rid")
    assert json.loads(body)["__type"].endswith("#" + name)
    err = error_from(status, body, {})
    assert isinstance(err, cls) and err.error_type == name and err.message == "mock says no"


def test_a_mid_stream_error_is_an_exception_message() -> None:
    (message,) = EventStreamDecoder().feed(stream_error("server_error", "boom", None))
    assert message.message_type == "exception"
    assert message.headers[":exception-type"] == "internalServerException"
    with pytest.raises(StreamError, match="boom") as caught:
        BedrockStreamParser().feed(message)
    assert caught.value.error_type == "InternalServerException"


def test_the_sigv4_check() -> None:
    assert check_auth({}) is not None
    assert check_auth({"Authorization": "Basic abc"}) is not None
    assert check_auth({"authorization": "AWS4-HMAC-SHA256 Credential=AK/..."}) is None
    assert check_auth({"authorization": "Bearer bedrock-key"}) is None


def test_encode_message_frames_are_what_botocore_reads() -> None:
    frame = encode_message({":event-type": "ping"}, b"{}")
    buffer = botocore_eventstream.EventStreamBuffer()
    buffer.add_data(frame)
    (message,) = list(buffer)
    assert message.headers == {":event-type": "ping"} and message.payload == b"{}"


def test_model_paths_name_the_model_and_the_stream() -> None:
    actions = ("/converse", "/converse-stream")
    assert model_path("/model/m%3A0/converse-stream", actions) == ("m:0", True)
    assert model_path("/model/m/converse", actions) == ("m", False)
    assert model_path("/model//converse", actions) is None
    assert model_path("/model/a/b/converse", actions) is None
    assert model_path("/v1/chat/completions", actions) is None


def test_docstring_examples() -> None:
    import doctest

    from chatplex.testing import _mock_aws

    result = doctest.testmod(_mock_aws)
    assert result.attempted >= 1 and result.failed == 0
