"""BedrockAdapter: endpoints and model ids in the URL, region and endpoint settings,
signed requests whose signature covers the bytes sent, Bedrock API keys, the stream
framing hook, budget keys and reprs without secrets, errors and replies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters.request_types import CallSettings
from chatplex.errors import RateLimitError
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock.adapter import BedrockAdapter
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from tests.providers.bedrock._keys import SECRET
from tests.providers.bedrock._keys import TOKEN
from tests.providers.bedrock._keys import WHEN
from tests.providers.bedrock._keys import example_signer
from tests.providers.bedrock._keys import keyed_with

pytest.importorskip("botocore")


pytestmark = pytest.mark.usefixtures("isolated_aws")


def keyed(**settings: object) -> BedrockAdapter:
    return keyed_with(BedrockAdapter, aws_session_token=TOKEN, **settings)


def test_registered_under_langchains_two_names() -> None:
    from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter

    assert adapter_class("bedrock_converse") is BedrockAdapter
    # LangChain's ChatBedrock speaks InvokeModel: "bedrock" is that wire (issue 38).
    assert adapter_class("bedrock") is BedrockInvokeAdapter


@pytest.mark.parametrize(
    ("model", "path"),
    [
        ("anthropic.claude-3-5-haiku-20241022-v1:0", "anthropic.claude-3-5-haiku-20241022-v1%3A0"),
        ("us.meta.llama3-2-1b-instruct-v1:0", "us.meta.llama3-2-1b-instruct-v1%3A0"),
        (
            "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile/abc123",
            "arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Aapplication-inference-profile%2Fabc123",
        ),
    ],
)
def test_model_ids_profiles_and_arns_are_encoded_in_the_path(model: str, path: str) -> None:
    adapter = keyed()
    base = "https://bedrock-runtime.us-west-2.amazonaws.com/model/"
    assert adapter.url(model, stream=False) == f"{base}{path}/converse"
    assert adapter.url(model, stream=True) == f"{base}{path}/converse-stream"


def test_the_request_is_signed_over_the_bytes_it_sends() -> None:
    adapter = keyed(default_headers={"X-Team": "a"})
    request = adapter.build_request(
        [HumanMessage("Hi")], CallSettings(model="m:0", max_tokens=5), stream=True
    )
    assert request.content is not None
    assert json.loads(request.content) == request.json
    assert request.json == {
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "system": [],  # sent empty, as langchain-aws sends it
        "inferenceConfig": {"maxTokens": 5},
    }
    headers = dict(request.headers)
    assert headers["accept"] == "application/vnd.amazon.eventstream"
    assert headers["x-team"] == "a"
    auth = headers["authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-west-2/bedrock/")
    assert "x-team" in auth  # default headers are signed too
    # The same bytes signed again at the same time give the same signature.
    again = example_signer("us-west-2", WHEN).sign(
        "POST",
        request.url,
        request.content,
        {
            "x-team": "a",
            "content-type": "application/json",
            "accept": "application/vnd.amazon.eventstream",
        },
    )
    assert again["Authorization"] == auth


def test_nothing_shows_a_secret() -> None:
    adapter = keyed()
    request = adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    shown = " ".join(
        [repr(adapter), repr(request), repr(request.headers), str(adapter.budget_key("m"))]
    )
    assert SECRET not in shown and TOKEN not in shown
    assert "AKIDEXAMPLE" not in str(adapter.budget_key("m"))


def test_region_endpoint_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    adapter = BedrockAdapter(aws_access_key_id="AK", aws_secret_access_key="SK")
    assert adapter.region_name == "eu-west-3"
    assert adapter.endpoint_url == "https://bedrock-runtime.eu-west-3.amazonaws.com"
    local = BedrockAdapter(
        endpoint_url="http://127.0.0.1:9000/", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    assert local.url("m", stream=False) == "http://127.0.0.1:9000/model/m/converse"
    with pytest.raises(ValueError, match="must not carry credentials"):
        BedrockAdapter(
            endpoint_url="https://u:p@x.example", aws_access_key_id="A", aws_secret_access_key="S"
        )
    with pytest.raises(ValueError, match="http:// or https://"):
        BedrockAdapter(endpoint_url="x.example", aws_access_key_id="A", aws_secret_access_key="S")


def test_no_region_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="no AWS region"):
        BedrockAdapter(aws_access_key_id="AK", aws_secret_access_key="SK")


def test_a_bedrock_api_key_is_a_bearer_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-xyz")
    adapter = BedrockAdapter(region_name="us-east-1")
    request = adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    assert dict(request.headers)["authorization"] == "Bearer bedrock-api-key-xyz"
    assert "bedrock-api-key-xyz" not in repr(adapter) + repr(request.headers)
    # The API key wins over AWS keys, as in langchain-aws (which warns and ignores them).
    both = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    request = both.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    assert dict(request.headers)["authorization"] == "Bearer bedrock-api-key-xyz"
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
    signed = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    request = signed.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    assert dict(request.headers)["authorization"].startswith("AWS4-HMAC-SHA256")
    assert adapter.budget_key("m") != signed.budget_key("m")
    # langchain-aws's field name is an alias of api_key.
    named = BedrockAdapter(region_name="us-east-1", bedrock_api_key="k2")
    request = named.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    assert dict(request.headers)["authorization"] == "Bearer k2"
    with pytest.raises(ValueError, match="not both"):
        BedrockAdapter(region_name="us-east-1", api_key="a", bedrock_api_key="b")


def test_keys_of_the_environment_are_read_when_the_model_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDATBUILD")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-at-build")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token-at-build")
    adapter = BedrockAdapter(region_name="us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLATER")  # as langchain-aws: not read again
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    request = adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    headers = dict(request.headers)
    assert "Credential=AKIDATBUILD/" in headers["authorization"]
    assert headers["x-amz-security-token"] == "token-at-build"
    assert "secret-at-build" not in repr(adapter)
    # Keys given in code, or a profile, are not mixed with the environment's.
    given = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    request = given.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    assert "Credential=AK/" in dict(request.headers)["authorization"]


def test_base_url_is_endpoint_urls_alias() -> None:
    adapter = keyed(base_url="http://127.0.0.1:9000/")
    assert adapter.url("m", stream=False) == "http://127.0.0.1:9000/model/m/converse"
    assert keyed(base_url="http://h:1", endpoint_url="http://h:1").endpoint_url == "http://h:1"
    with pytest.raises(ValueError, match="not both"):
        keyed(base_url="http://a:1", endpoint_url="http://b:1")


def test_the_endpoint_boto3_reads_from_the_environment_and_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7001")
    assert keyed().endpoint_url == "http://127.0.0.1:7001"
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:7002")
    assert keyed().endpoint_url == "http://127.0.0.1:7002"
    assert keyed(endpoint_url="http://127.0.0.1:7003").endpoint_url == "http://127.0.0.1:7003"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert keyed().endpoint_url == "https://bedrock-runtime.us-west-2.amazonaws.com"
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
    (tmp_path / "config").write_text("[default]\nendpoint_url = http://127.0.0.1:7004\n")
    assert keyed().endpoint_url == "http://127.0.0.1:7004"


def test_a_botocore_config_is_honoured_or_refused() -> None:
    from botocore.config import Config

    from chatplex.providers.bedrock.auth import client_config

    adapter = BedrockAdapter(
        config=Config(region_name="ap-south-1", user_agent_extra="x"),
        aws_access_key_id="AK",
        aws_secret_access_key="SK",
    )
    assert adapter.region_name == "ap-south-1"
    assert keyed(config=Config(region_name="ap-south-1")).region_name == "us-west-2"
    read = client_config(Config(read_timeout=7, retries={"max_attempts": 1}))
    assert (read.timeout, read.max_retries) == (7, 1)
    assert client_config(Config(retries={"total_max_attempts": 4})).max_retries == 3
    legacy = client_config(Config(retries={"mode": "legacy"}, read_timeout=9))
    assert (legacy.retry_mode, legacy.read_timeout, legacy.max_retries) == ("legacy", 9, None)
    with pytest.raises(ValueError, match="proxies"):
        keyed(config=Config(proxies={"https": "http://proxy:3128"}))
    with pytest.raises(ValueError, match="timeout= and max_retries="):
        keyed(config=Config(read_timeout=5))
    with pytest.raises(TypeError, match="botocore.config.Config"):
        keyed(config={"region_name": "x"})


@pytest.mark.parametrize(
    "headers",
    [{"x-note": "caf\u00e9"}, {"x-note": "a\r\nb"}, {"caf\u00e9": "v"}, {"x-n": 3}],
)
def test_headers_that_cannot_be_signed_are_refused_at_construction(
    headers: dict[str, object],
) -> None:
    # A value that is not text is a TypeError, a bad name or character a ValueError.
    with pytest.raises((ValueError, TypeError), match="default_headers"):
        keyed(default_headers=headers)


def test_missing_credentials_fail_before_any_request() -> None:
    adapter = BedrockAdapter(region_name="us-east-1")
    with pytest.raises(ValueError, match="no AWS credentials found"):
        adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)


def test_bad_calls_are_refused_before_any_request() -> None:
    adapter = keyed()
    with pytest.raises(ValueError, match="does not send"):
        adapter.build_request(
            [HumanMessage([{"type": "input_audio", "data": "x"}])],
            CallSettings(model="m"),
            stream=False,
        )
    with pytest.raises(TypeError, match="aws_secret_access_key must be"):
        BedrockAdapter(region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key=3)  # type: ignore[arg-type]


def test_the_stream_framing_hook_is_the_event_stream_decoder() -> None:
    assert isinstance(keyed().stream_framing(), EventStreamDecoder)


def test_responses_and_errors_go_through_the_adapter() -> None:
    adapter = keyed()
    message = {"role": "assistant", "content": [{"text": "ok"}]}
    body = json.dumps({"output": {"message": message}, "stopReason": "end_turn"}).encode()
    assert adapter.parse_response(body, {}).text == "ok"
    err = adapter.map_error(
        429, b'{"message":"slow down"}', {"x-amzn-errortype": "ThrottlingException"}
    )
    assert isinstance(err, RateLimitError) and err.retryable
    parser = adapter.stream_parser({"x-amzn-requestid": "r-7"})
    with pytest.raises(Exception, match="messageStop"):
        parser.finish()


def test_replies_are_named_by_the_model_asked_for() -> None:
    # Converse replies do not name their model: the per-call adapter names it, as
    # langchain-aws does (`response_metadata["model_name"]`).
    shared = keyed()
    one = shared.for_model("us.anthropic.claude-3-5-haiku-20241022-v1:0")
    assert shared.model is None and one.budget_key("m") == shared.budget_key("m")
    message = {"role": "assistant", "content": [{"text": "ok"}]}
    body = json.dumps({"output": {"message": message}, "stopReason": "end_turn"}).encode()
    assert "model_name" not in shared.parse_response(body, {}).response_metadata
    named = one.parse_response(body, {}).response_metadata["model_name"]
    assert named == "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    parser = one.stream_parser({})
    chunk = parser.feed(
        EventStreamMessage(
            headers={":message-type": "event", ":event-type": "metadata"},
            payload=json.dumps({"usage": {"inputTokens": 1, "outputTokens": 1}}).encode(),
        )
    )
    assert chunk is not None and chunk.response_metadata["model_name"] == named


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.bedrock import adapter
    from chatplex.providers.bedrock import eventstream

    for module in (adapter, eventstream):
        failures, tried = doctest.testmod(module)
        assert tried and not failures


def test_native_blocks_get_through_the_checks_and_bad_ones_do_not() -> None:
    adapter = keyed()
    cache = {"cachePoint": {"type": "default"}}
    request = adapter.build_request(
        [HumanMessage(["hi", cache])], CallSettings(model="m"), stream=False
    )
    assert request.json["messages"][0]["content"] == [{"text": "hi"}, cache]
    with pytest.raises(ValueError, match="has no 'type'"):
        adapter.build_request(
            [HumanMessage([{"cachePoint": {}, "extra": 1}])], CallSettings(model="m"), stream=False
        )


def test_an_api_key_goes_only_over_https() -> None:
    # As botocore refuses it: a Bearer key over plain http could be read on the way.
    keyed_http = BedrockAdapter(region_name="us-east-1", api_key="k", endpoint_url="http://h:9")
    with pytest.raises(ValueError, match="only over https"):  # on the call, as botocore
        keyed_http.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=False)
    signed = keyed(endpoint_url="http://127.0.0.1:9")  # SigV4 reveals no key: allowed
    assert signed.endpoint_url == "http://127.0.0.1:9"


def test_parallel_tool_calls_has_no_converse_field() -> None:
    # Converse has no such setting, and in additionalModelRequestFields the model refuses
    # it: True (what Converse models do anyway) sends nothing, False is refused.
    adapter = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=SECRET
    )
    assert adapter.parallel_tool_calls_body(True, None) == {}
    with pytest.raises(ValueError, match="no parallel_tool_calls setting.*leave it out"):
        adapter.parallel_tool_calls_body(False, "auto")
    # InvokeModel's body is the model's own: sent as given, as langchain-aws's ChatBedrock.
    invoke = adapter_class("bedrock")(region_name="us-east-1")
    assert invoke.parallel_tool_calls_body(False, None) == {"parallel_tool_calls": False}


def test_chatplex_bedrock_models_refuse_parallel_tool_calls_false_before_any_request() -> None:
    from chatplex.chat import init_chat_model

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    model = init_chat_model(
        "bedrock_converse:anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key=SECRET,
    )
    with pytest.raises(ValueError, match="parallel_tool_calls"):
        model.bind_tools([get_weather], parallel_tool_calls=False)
    bound = model.bind_tools([get_weather], parallel_tool_calls=True)
    assert "parallel_tool_calls" not in bound.extra_body


def test_structured_output_is_bound_as_langchain_aws_binds_it() -> None:
    # "json_schema" of a pydantic class: the model's own schema (nothing made required),
    # closed when sent; function calling: the tool strict when asked, no
    # parallel_tool_calls (Converse has none).
    from pydantic import BaseModel

    from chatplex.chat import init_chat_model
    from chatplex.chat.structured import forced_tool_model
    from chatplex.chat.structured import output_schema

    class Place(BaseModel):
        city: str
        country: str | None = None

    model = init_chat_model(
        "bedrock_converse:anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key=SECRET,
    )
    adapter = model.adapter
    assert isinstance(adapter, BedrockAdapter)
    settings = adapter.structured_output_settings(output_schema(Place), Place, "json_schema", None)
    assert settings == {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "Place", "schema": Place.model_json_schema()},
        }
    }
    assert (
        adapter.structured_output_settings(output_schema(Place), Place, "json_mode", None) is None
    )
    # A JSON-schema dict goes as given, its title and description in it (langchain-aws's).
    raw = {"title": "place", "description": "A place.", "type": "object", "properties": {}}
    settings = adapter.structured_output_settings(output_schema(raw), raw, "json_schema", None)
    assert settings["response_format"]["json_schema"] == {"name": "place", "schema": raw}
    assert adapter.structured.forced_tool_settings and not adapter.structured.single_call("m")
    forced = forced_tool_model(model, Place, strict=True)
    assert [(t.name, t.strict) for t in forced.tools] == [("Place", True)]
    assert "parallel_tool_calls" not in forced.extra_body


def test_a_standard_video_block_is_sent_not_refused() -> None:
    """A base64 video block (LangChain's standard form) is one the adapter sends, as
    Converse's `video` block, where the adapter's block check refused it."""
    video = {"type": "video", "base64": "AAAAIGZ0eXBpc29t", "mime_type": "video/mp4"}
    message = HumanMessage([{"type": "text", "text": "What is it?"}, video])
    request = keyed().build_request([message], CallSettings(model="m"), stream=False)
    sent = json.loads(request.content)["messages"][0]["content"][1]
    assert sent == {"video": {"format": "mp4", "source": {"bytes": "AAAAIGZ0eXBpc29t"}}}


def test_a_dropins_attempt_headers_go_unsigned() -> None:
    """botocore adds `amz-sdk-request` and `amz-sdk-invocation-id` after signing (a retry
    changes the first without signing again): a call's headers leave the signature as
    it is, and the adapter adds neither (chatplex's own family sends none)."""
    from chatplex.providers.bedrock.sdk_headers import first_attempt

    adapter = keyed()
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert not [name for name in request.headers if name.lower().startswith("amz-sdk-")]
    first = first_attempt("standard", 3, frozenset())
    sent = adapter.with_call_headers(request, first)
    assert {k: sent.headers[k] for k in first} == first
    assert sent.headers["authorization"] == request.headers["authorization"]
    assert "amz-sdk" not in sent.headers["authorization"]
    plain = adapter.with_call_headers(request, {"amz-sdk-request": "attempt=1"})
    assert "amz-sdk-invocation-id" not in plain.headers
