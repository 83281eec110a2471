"""AnthropicBedrockAdapter: Anthropic's Messages body on InvokeModel as the anthropic
SDK's `AnthropicBedrock` sends it (paths, body, headers, SigV4), Bedrock's guardrail
headers (the model's, a call's), its stream parser (Anthropic's events in `chunk`
messages, the usage split as langchain-aws's, an exception message as the SDK's error
event), and calls end to end through chatplex's own family on the mock server."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.errors import MissingKeyError
from chatplex.errors import StreamError
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock import anthropic_bedrock
from chatplex.providers.bedrock.anthropic_bedrock import AnthropicBedrockAdapter
from chatplex.providers.bedrock.anthropic_bedrock import AnthropicBedrockStreamParser
from chatplex.providers.bedrock.anthropic_bedrock import guardrail_headers
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from tests._aws import isolate_aws
from tests.providers.bedrock._keys import SECRET
from tests.providers.bedrock._keys import keyed_with

pytest.importorskip("botocore")
pytestmark = pytest.mark.usefixtures("isolated_aws")

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
GUARDRAIL = {"guardrailIdentifier": "gr-1", "guardrailVersion": "2", "trace": "enabled"}


def keyed(**settings: Any) -> AnthropicBedrockAdapter:
    return keyed_with(AnthropicBedrockAdapter, **settings)


def built(adapter: AnthropicBedrockAdapter, stream: bool = False, **settings: Any) -> Any:
    given = CallSettings(**{"model": MODEL, **settings})
    return adapter.build_request([HumanMessage("Hi")], given, stream=stream)


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(anthropic_bedrock)
    assert failures == 0 and tried > 0


def test_paths_are_invoke_and_its_stream_the_model_id_as_the_sdk_quotes_it() -> None:
    base = f"https://bedrock-runtime.us-west-2.amazonaws.com/model/{MODEL}"
    assert built(keyed()).url == base + "/invoke"
    streamed = built(keyed(), stream=True)
    assert streamed.url == base + "/invoke-with-response-stream"
    assert streamed.headers["accept"] == "application/vnd.amazon.eventstream"


@pytest.mark.parametrize("stream", [False, True])
def test_the_body_is_anthropics_without_model_or_stream(stream: bool) -> None:
    adapter = keyed(default_max_tokens=64)
    body = built(adapter, stream=stream).json
    assert body == {
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
        "anthropic_version": "bedrock-2023-05-31",
    }


def test_signed_with_sigv4_and_no_anthropic_key_or_version_header() -> None:
    request = built(keyed())
    assert request.headers["authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-west-2/bedrock/"
    )
    assert "anthropic-version" not in request.headers and "x-api-key" not in request.headers
    assert json.loads(request.content or b"") == request.json  # (the bytes signed)


def test_betas_go_in_the_body_too_as_the_sdk_moves_them() -> None:
    request = built(keyed(default_headers={"anthropic-beta": "a-2025,b-2026"}))
    assert request.json["anthropic_beta"] == ["a-2025", "b-2026"]
    assert request.headers["anthropic-beta"] == "a-2025,b-2026"


def test_a_user_profile_id_goes_in_the_body_as_the_sdk_sends_it_on_bedrock() -> None:
    request = built(keyed(), extra_body={"user_profile_id": "u-1"})
    assert request.json["user_profile_id"] == "u-1"
    assert "anthropic-user-profile-id" not in request.headers


def test_the_models_guardrail_headers_and_a_calls_in_their_place() -> None:
    adapter = keyed(guardrail_config=GUARDRAIL)
    headers = built(adapter).headers
    assert headers["x-amzn-bedrock-guardrailidentifier"] == "gr-1"
    assert headers["x-amzn-bedrock-trace"] == "ENABLED"
    other = {"guardrailIdentifier": "gr-2", "guardrailVersion": "3"}
    request = built(adapter, extra_body={"guardrail_config": other})
    assert request.headers["x-amzn-bedrock-guardrailidentifier"] == "gr-2"
    assert "x-amzn-bedrock-trace" not in request.headers
    assert "guardrail_config" not in request.json
    assert "guardrail_config" in adapter.call_body_fields


def test_an_incomplete_guardrail_is_refused_before_any_call() -> None:
    with pytest.raises(ValueError, match="requires both 'guardrailIdentifier'"):
        keyed(guardrail_config={"guardrailIdentifier": "gr-1"})
    assert guardrail_headers(None) == {}


def test_the_endpoint_from_the_sdks_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", "http://127.0.0.1:9/proxy")
    assert built(keyed()).url.startswith("http://127.0.0.1:9/proxy/model/")
    assert keyed(endpoint_url="http://127.0.0.1:8").endpoint_url == "http://127.0.0.1:8"


def test_no_key_in_its_repr() -> None:
    adapter = keyed(aws_session_token="a-session-token")
    assert SECRET not in repr(adapter) and "a-session-token" not in repr(adapter)
    assert adapter.registry_name == "anthropic_bedrock"
    assert adapter.batch_api_for(MODEL) is None


def _chunk(event: dict[str, Any]) -> EventStreamMessage:
    raw = base64.b64encode(json.dumps(event).encode()).decode()
    headers = {":event-type": "chunk", ":message-type": "event"}
    return EventStreamMessage(headers, json.dumps({"bytes": raw}).encode())


_START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": [],
        "usage": {"input_tokens": 10, "output_tokens": 1, "cache_read_input_tokens": 5},
    },
}
_EVENTS = [
    _START,
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}},
    {"type": "message_stop"},
]


def test_a_streams_usage_is_split_as_langchain_aws_reports_it() -> None:
    parser = AnthropicBedrockStreamParser("req-1")
    chunks = [c for c in (parser.feed(_chunk(e)) for e in _EVENTS) if c is not None]
    parser.finish()
    assert chunks[0].usage_metadata == {
        "input_tokens": 15,
        "output_tokens": 0,
        "total_tokens": 15,
        "input_token_details": {"cache_read": 5},
    }
    closing = next(c for c in chunks if c.response_metadata.get("stop_reason"))
    assert closing.usage_metadata == {"input_tokens": 0, "output_tokens": 3, "total_tokens": 3}
    assert "".join(c.content for c in chunks if isinstance(c.content, str)) == "Hi"


def test_an_exception_message_is_the_sdks_error_event() -> None:
    parser = AnthropicBedrockStreamParser("req-1")
    parser.feed(_chunk(_START))
    headers = {":exception-type": "throttlingException", ":message-type": "exception"}
    message = EventStreamMessage(headers, json.dumps({"message": "Too many tokens"}).encode())
    with pytest.raises(StreamError, match="Too many tokens") as caught:
        parser.feed(message)
    assert caught.value.error_type == "throttlingException"


def test_a_chunk_that_is_no_base64_event_is_a_stream_error() -> None:
    headers = {":event-type": "chunk", ":message-type": "event"}
    with pytest.raises(StreamError, match="base64 JSON event"):
        AnthropicBedrockStreamParser().feed(EventStreamMessage(headers, b'{"bytes": "!!"}'))


def test_chatplexs_own_model_calls_it_sync_and_async() -> None:
    from chatplex import init_chat_model
    from chatplex.testing import MockServer

    with MockServer() as server:
        model = init_chat_model(
            f"anthropic_bedrock:{MODEL}",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="example-secret",
        )
        assert model.invoke("Say hi").text
        assert asyncio.run(model.ainvoke("Say hi")).text
        assert "".join(piece.text for piece in model.stream("Count to three"))
        paths = server.stats.by_path
    assert paths == {
        f"/model/{MODEL}/invoke": 2,
        f"/model/{MODEL}/invoke-with-response-stream": 1,
    }, paths


def test_no_aws_credentials_is_the_sdks_runtime_error_too_and_pickles_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The anthropic SDK's AnthropicBedrock raises RuntimeError there; chatplex's own
    # family keeps its one class (MissingKeyError) and botocore's name.
    import botocore.exceptions

    isolate_aws(monkeypatch, tmp_path)
    adapter = AnthropicBedrockAdapter(region_name="us-east-1")
    with pytest.raises(MissingKeyError) as raised:
        adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    err = raised.value
    assert isinstance(err, RuntimeError)
    assert isinstance(err, botocore.exceptions.NoCredentialsError)
    assert (type(err).__module__, type(err).__qualname__) == (
        "botocore.exceptions",
        "NoCredentialsError",
    )
    for copied in (pickle.loads(pickle.dumps(err)), copy.deepcopy(err)):
        assert type(copied) is type(err) and str(copied) == str(err)
