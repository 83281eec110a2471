"""ChatBedrockConverse: langchain-aws's constructor (aliases, refused settings with
reasons, typos), `init_chat_model("bedrock_converse:...")`, and whole calls through the
attempt engine over an httpx transport: invoke, tool calls, structured output, usage,
a signature over the bytes sent, typed and retried errors, sync and async."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

import httpx
import pytest
from pydantic import BaseModel

from chatplex import HumanMessage
from chatplex import init_chat_model
from chatplex.adapters.request_types import CallSettings
from chatplex.chat import ChatModel
from chatplex.chat.sdk_agents import PartnerHeaders
from chatplex.core.retry import retry_policy
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import RateLimitError
from chatplex.providers.bedrock.dropin import create_cache_point
from tests._replies import cached_usage
from tests.providers.bedrock._converse import ChatBedrockConverse
from tests.providers.bedrock._keys import SECRET
from tests.providers.bedrock._keys import TOKEN
from tests.providers.bedrock._keys import example_signer

if TYPE_CHECKING:
    from chatplex.providers.bedrock.adapter import BedrockAdapter

pytest.importorskip("botocore")

MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"


pytestmark = pytest.mark.usefixtures("isolated_aws")


class Wire:
    """An httpx transport answering like Bedrock Converse; checks each request's
    signature against the bytes that were sent."""

    def __init__(self, answers: list[tuple[int, dict[str, Any], dict[str, str]]]) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body, headers = self.answers[min(len(self.requests), len(self.answers)) - 1]
        return httpx.Response(
            status,
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json", "x-amzn-requestid": "req-1", **headers},
        )

    def signature_covers_what_was_sent(self, request: httpx.Request) -> bool:
        when = datetime.datetime.strptime(request.headers["x-amz-date"], "%Y%m%dT%H%M%SZ")
        signed_names = request.headers["authorization"].split("SignedHeaders=")[1].split(",")[0]
        names = [
            n
            for n in signed_names.split(";")
            if n not in ("host", "x-amz-date", "x-amz-security-token")
        ]
        again = example_signer("us-east-1", when).sign(
            "POST", str(request.url), request.content, {n: request.headers[n] for n in names}
        )
        return bool(again["Authorization"] == request.headers["authorization"])


def reply(content: list[dict[str, Any]], stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop,
        "usage": {
            "inputTokens": 12,
            "outputTokens": 4,
            "totalTokens": 16,
            "cacheReadInputTokens": 3,
        },
        "metrics": {"latencyMs": 99},
    }


def keywords(wire: Wire, **settings: Any) -> dict[str, Any]:
    transport = httpx.MockTransport(wire.handler)
    no_wait = retry_policy(max_retries=2, jitter=0.0, sleep=lambda _: None)

    async def no_async_wait(_: float) -> None:
        return None

    no_wait_async = retry_policy(
        max_retries=2, jitter=0.0, sleep=lambda _: None, asleep=no_async_wait
    )
    return {
        "model": settings.pop("model", MODEL),
        "region_name": "us-east-1",
        "aws_access_key_id": "AKIDEXAMPLE",
        "aws_secret_access_key": SECRET,
        "aws_session_token": TOKEN,
        "http_client": httpx.Client(transport=transport),
        "http_async_client": httpx.AsyncClient(transport=transport),
        "retry_policy": no_wait_async if settings.pop("async_retry", False) else no_wait,
        "rate_limit": False,
        **settings,
    }


def model(wire: Wire, **settings: Any) -> ChatModel:
    """The model built (`dropin.build`): chatplex's own calls, errors and streams."""
    return ChatBedrockConverse(**keywords(wire, **settings))


def dropin_model(wire: Wire, **settings: Any) -> Any:
    """The LangChain drop-in on it: what langchain-aws's class does its own way
    (structured output, tool choices) is its record's hooks, read there."""
    import chatplex.langchain

    return chatplex.langchain.ChatBedrockConverse(**keywords(wire, **settings))


def test_invoke_sends_a_signed_converse_request_and_reads_the_reply() -> None:
    wire = Wire([(200, reply([{"text": "Bonjour"}]), {})])
    llm = model(wire, temperature=0, max_tokens=50, stop=["END"])
    message = llm.invoke([("system", "Translate."), ("human", "Hello")])
    assert message.text == "Bonjour"
    assert message.usage_metadata == cached_usage(15, 4, cache_read=3)
    assert message.response_metadata["metrics"] == {"latencyMs": [99]}
    (request,) = wire.requests
    assert request.url.raw_path == b"/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse"
    assert json.loads(request.content) == {
        "messages": [{"role": "user", "content": [{"text": "Hello"}]}],
        "system": [{"text": "Translate."}],
        "inferenceConfig": {"maxTokens": 50, "temperature": 0, "stopSequences": ["END"]},
    }
    assert request.headers["x-amz-security-token"] == TOKEN
    assert wire.signature_covers_what_was_sent(request)


def test_ainvoke_too() -> None:
    import asyncio

    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    message = asyncio.run(model(wire).ainvoke("hi"))
    assert message.text == "ok"
    assert wire.signature_covers_what_was_sent(wire.requests[0])


class Weather(BaseModel):
    city: str
    celsius: int


def test_tool_calls_and_structured_output_through_a_forced_tool() -> None:
    use = {
        "toolUse": {
            "toolUseId": "tu-1",
            "name": "Weather",
            "input": {"city": "Paris", "celsius": 18},
        }
    }
    wire = Wire([(200, reply([use], "tool_use"), {})])
    llm = model(wire)
    parsed = llm.with_structured_output(Weather).invoke("Weather in Paris?")
    assert parsed == Weather(city="Paris", celsius=18)
    body = json.loads(wire.requests[0].content)
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "Weather"}}
    assert body["toolConfig"]["tools"][0]["toolSpec"]["name"] == "Weather"
    message = llm.bind_tools([Weather]).invoke("Weather?")
    assert message.tool_calls == [
        {
            "name": "Weather",
            "args": {"city": "Paris", "celsius": 18},
            "id": "tu-1",
            "type": "tool_call",
        }
    ]


def test_throttling_is_a_rate_limit_error_and_is_retried() -> None:
    throttled = (429, {"message": "Too many requests"}, {"x-amzn-errortype": "ThrottlingException"})
    wire = Wire([throttled, (200, reply([{"text": "finally"}]), {})])
    message = model(wire).invoke("hi")
    assert message.text == "finally" and message.response_metadata["attempts"] == 2
    assert len(wire.requests) == 2
    always = Wire([throttled])
    with pytest.raises(RateLimitError) as caught:
        model(always, max_retries=0).invoke("hi")
    assert caught.value.error_type == "ThrottlingException" and caught.value.status == 429


def test_a_rejected_signature_is_an_authentication_error_never_showing_the_secret() -> None:
    rejected = {
        "message": "The request signature we calculated does not match the signature you provided."
    }
    wire = Wire([(403, rejected, {"x-amzn-errortype": "InvalidSignatureException"})])
    with pytest.raises(AuthenticationError) as caught:
        model(wire).invoke("hi")
    err = caught.value
    shown = f"{err} {err!r} {err.body}"
    assert "signature" in str(err) and not err.retryable
    assert SECRET not in shown and TOKEN not in shown


def test_a_validation_error_is_a_bad_request() -> None:
    wire = Wire([(400, {"message": "The provided model identifier is invalid."}, {})])
    with pytest.raises(BadRequestError, match="model identifier is invalid"):
        model(wire).invoke("hi")


def test_langchains_aliases_and_fields() -> None:
    llm = ChatBedrockConverse(
        model_id=MODEL,
        region_name="eu-west-1",
        aws_access_key_id="AK",
        aws_secret_access_key=SECRET,
        stop_sequences=["x"],
        base_url="http://127.0.0.1:1",
        guardrails={"guardrailIdentifier": "g", "guardrailVersion": "1"},
        additional_model_request_fields={"thinking": {"type": "enabled", "budget_tokens": 1024}},
        model_kwargs={"top_k": 3},
        performance_config={"latency": "optimized"},
        service_tier="priority",
        request_metadata={"team": "a"},
        system=["Be brief."],
        request_timeout=5,
    )
    assert (llm.model, llm.stop, llm.timeout) == (MODEL, ["x"], 5)
    adapter = cast("BedrockAdapter", llm.adapter)
    assert (adapter.region_name, adapter.vendor) == ("eu-west-1", "anthropic")
    assert llm.get_name() == "ChatBedrockConverse"
    body = llm.build_request("hi").json
    assert body["guardrailConfig"] == {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    assert body["additionalModelRequestFields"] == {
        "top_k": 3,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    }
    assert body["performanceConfig"] == {"latency": "optimized"}
    assert body["serviceTier"] == {"type": "priority"}
    assert body["requestMetadata"] == {"team": "a"}
    assert body["system"] == [{"text": "Be brief."}]
    assert SECRET not in repr(llm) + repr(llm.adapter)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temprature": 0}, r"'temprature' \(did you mean 'temperature'\?\)"),
        ({"client": object()}, "sends its own requests"),
        ({"config": object()}, "botocore.config.Config"),
        ({"raw_blocks": {"role": "user"}}, "raw_blocks must be a list of dicts"),
        ({"guard_last_turn_only": "yes"}, "guard_last_turn_only must be True or False"),
        ({"model": "a", "model_id": "b"}, "pass one of them"),
    ],
)
def test_what_is_refused_says_why(kwargs: dict[str, Any], match: str) -> None:
    kwargs.setdefault("model", MODEL)
    with pytest.raises(TypeError, match=match):
        ChatBedrockConverse(region_name="us-east-1", **kwargs)


def test_guard_last_turn_only_on_or_off_is_accepted() -> None:
    guard = {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    guarded = ChatBedrockConverse(
        model=MODEL, region_name="us-east-1", guard_last_turn_only=True, guardrail_config=guard
    )
    assert guarded.adapter.guard_last_turn is True  # type: ignore[union-attr]
    llm = ChatBedrockConverse(model=MODEL, region_name="us-east-1", guard_last_turn_only=False)
    assert llm.model == MODEL
    # The refused setting's name never becomes the model's name (it once shadowed name=).
    assert llm.get_name() == "ChatBedrockConverse"
    named = ChatBedrockConverse(model=MODEL, region_name="us-east-1", raw_blocks=None, name="m")
    assert named.get_name() == "m"


def test_guard_last_turn_only_without_a_guardrail_is_refused_as_langchain_aws_refuses_it() -> None:
    # (a ValidationError, a ValueError, when the model is built: nothing to guard with)
    partner = pytest.importorskip("langchain_aws").ChatBedrockConverse
    for cls in (partner, ChatBedrockConverse):
        with pytest.raises(ValueError, match="guard_last_turn_only=True"):
            cls(model=MODEL, region_name="us-east-1", guard_last_turn_only=True)


def test_raw_blocks_are_sent_in_place_of_the_messages_and_left_as_given() -> None:
    # langchain-aws's `raw_blocks`: Converse turns relayed as given, the call's messages
    # unread (an image chatplex would refuse included) and no system prompt (its
    # `system=` too), cache points put on a copy.
    raw = [{"role": "user", "content": [{"text": "hi"}, {"guardContent": {"text": {"text": "x"}}}]}]
    kept = json.loads(json.dumps(raw))
    keys = {"aws_access_key_id": "AK", "aws_secret_access_key": SECRET, "raw_blocks": raw}
    llm = ChatBedrockConverse(model=MODEL, region_name="us-east-1", system=["Be brief."], **keys)
    unread = [{"role": "user", "content": [{"type": "image", "url": "http://x/y.png"}]}]
    body = llm.build_request(unread).json
    assert (body["messages"], body["system"]) == (raw, [])
    settings = CallSettings(model=MODEL, extra_body={"cache_control": {"type": "ephemeral"}})
    marked = llm.adapter.build_request([HumanMessage("unread")], settings, stream=False).json  # type: ignore[union-attr]
    assert {"cachePoint": {"type": "default"}} in marked["messages"][0]["content"]
    assert raw == kept
    guard = {"guardrailIdentifier": "g", "guardrailVersion": "1"}
    guarded = ChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        guard_last_turn_only=True,
        guardrail_config=guard,
        **keys,
    )
    assert guarded.build_request("ignored").json["messages"] == raw


def test_stream_usage_is_langchains_warning_and_not_sent() -> None:
    # langchain-aws has no such field: LangChain warns, then sends it as an additional
    # model request field, which the model refuses (kept out, tests/partners/bedrock).
    wire = Wire([(200, reply([{"text": "Hi"}]), {})])
    with pytest.warns(UserWarning, match="stream_usage is not default parameter"):
        built = model(wire, stream_usage=False)
    assert built.invoke("Hi").usage_metadata is not None
    assert run_async(lambda: built.ainvoke("Hi")).usage_metadata is not None
    assert built.stream_usage is True
    assert all("additionalModelRequestFields" not in json.loads(r.content) for r in wire.requests)


def test_a_model_arn_needs_its_provider() -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc"
    with pytest.raises(ValueError, match="provider="):
        ChatBedrockConverse(model=arn, region_name="us-east-1")
    named = ChatBedrockConverse(model=arn, region_name="us-east-1", provider="meta")
    assert cast("BedrockAdapter", named.adapter).vendor == "meta"
    with pytest.raises(ValueError, match="needs model="):
        ChatBedrockConverse(region_name="us-east-1")


@pytest.mark.parametrize("provider", ["bedrock_converse"])  # "bedrock": test_invoke_dropin
def test_init_chat_model_with_langchains_names(provider: str) -> None:
    llm = init_chat_model(
        f"{provider}:anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-west-2",
        aws_access_key_id="AK",
        aws_secret_access_key=SECRET,
        additional_model_request_fields={"top_k": 2},
    )
    assert llm.model == "anthropic.claude-3-5-haiku-20241022-v1:0"  # the colon kept
    assert llm.provider == "bedrock_converse"
    request = llm.build_request("hi")
    assert request.url.endswith("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse")
    assert request.json["additionalModelRequestFields"] == {"top_k": 2}


@pytest.mark.parametrize("provider", ["bedrock_converse", "bedrock"])
@pytest.mark.parametrize("name", ["base_url", "endpoint_url"])
def test_init_chat_model_honours_the_endpoint(provider: str, name: str) -> None:
    # It was dropped (sent as a model request field) and the call signed to AWS's host.
    llm = init_chat_model(
        f"{provider}:anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-west-2",
        aws_access_key_id="AK",
        aws_secret_access_key=SECRET,
        **{name: "http://127.0.0.1:8123/proxy"},
    )
    request = llm.build_request("hi")
    assert request.url.startswith("http://127.0.0.1:8123/proxy/model/anthropic.")
    assert "additionalModelRequestFields" not in request.json
    assert "host;" in request.headers["authorization"]  # signed for the host it goes to


def test_init_chat_model_takes_langchain_aws_s_fields_in_both_families() -> None:
    # langchain-aws's own fields were sent as model request fields before.
    import chatplex.langchain

    names = {
        "region_name": "us-east-1",
        "aws_access_key_id": "AK",
        "aws_secret_access_key": SECRET,
        "provider": "anthropic",
        "base_model_id": "anthropic.claude-3-5-haiku-20241022-v1:0",
    }
    name = "bedrock_converse:us.anthropic.claude-3-5-haiku-20241022-v1:0"
    own = init_chat_model(name, **names)  # chatplex's model: the facts are its adapter's
    assert "additionalModelRequestFields" not in own.build_request("hi").json
    # Which tool choices the model takes is ChatBedrockConverse's (chatplex.langchain's).
    with pytest.raises(TypeError, match="chatplex.langchain"):
        init_chat_model(name, **names, supports_tool_choice_values=["auto"])
    llm = chatplex.langchain.init_chat_model(name, **names, supports_tool_choice_values=["auto"])
    assert isinstance(llm, chatplex.langchain.ChatBedrockConverse)
    assert list(llm.supports_tool_choice_values) == ["auto"]
    assert "additionalModelRequestFields" not in llm.chatplex_model.build_request("hi").json


def test_init_chat_model_refuses_what_it_cannot_honour() -> None:
    from botocore.config import Config

    with pytest.raises(ValueError, match="proxies"):
        init_chat_model(
            "bedrock_converse:m", region_name="us-east-1", config=Config(proxies={"a": "b"})
        )
    # chatplex's own model takes its retries as max_retries= (its error says so); as
    # LangChain's init_chat_model builds ChatBedrockConverse, a Config's retries hold.
    retries = Config(retries={"max_attempts": 3})
    with pytest.raises(ValueError, match="max_retries="):
        init_chat_model("bedrock_converse:m", region_name="us-east-1", config=retries)
    import chatplex.langchain

    built = chatplex.langchain.init_chat_model(
        "bedrock_converse:m", region_name="us-east-1", config=retries, disable_streaming=False
    )
    assert built.chatplex_model.max_retries == 3
    with pytest.raises(ValueError, match="default_headers"):
        init_chat_model(
            "bedrock_converse:m", region_name="us-east-1", default_headers={"x": "\u00e9"}
        )


def test_a_botocore_config_means_what_it_means_in_langchain_aws() -> None:
    from botocore.config import Config

    config = Config(region_name="eu-west-1", read_timeout=9, retries={"max_attempts": 1})
    llm = ChatBedrockConverse(
        model=MODEL, config=config, aws_access_key_id="A", aws_secret_access_key="S"
    )
    region = cast("BedrockAdapter", llm.adapter).region_name
    assert (region, llm.timeout, llm.max_retries) == ("eu-west-1", 9, 1)
    # Explicit settings win over the Config's, as langchain-aws merges them.
    llm = ChatBedrockConverse(
        model=MODEL,
        config=config,
        region_name="us-east-2",
        timeout=3,
        max_retries=0,
        aws_access_key_id="A",
        aws_secret_access_key="S",
    )
    region = cast("BedrockAdapter", llm.adapter).region_name
    assert (region, llm.timeout, llm.max_retries) == ("us-east-2", 3, 0)


def test_non_ascii_default_headers_fail_before_any_signer_sees_a_key() -> None:
    import chatplex.langchain

    with pytest.raises(ValueError, match="default_headers") as caught:
        chatplex.langchain.ChatBedrockConverse(
            model=MODEL,
            region_name="us-east-1",
            aws_access_key_id="AK",
            aws_secret_access_key=SECRET,
            aws_session_token=TOKEN,
            default_headers={"x-note": "caf\u00e9"},
        )
    frames = []
    tb = caught.tb
    while tb is not None:
        frames.append(repr(tb.tb_frame.f_locals))
        tb = tb.tb_next
    assert not any(SECRET in f or TOKEN in f for f in frames)


def run_async(fn: Callable[[], Any]) -> Any:
    import asyncio

    return asyncio.run(fn())


def test_async_errors_are_typed_too() -> None:
    throttled = (429, {"message": "slow"}, {"x-amzn-errortype": "ThrottlingException"})
    wire = Wire([throttled])
    llm = model(wire, max_retries=0, async_retry=True)
    with pytest.raises(RateLimitError):
        run_async(lambda: llm.ainvoke("hi"))


def test_there_is_no_batch_api_and_the_error_names_the_provider() -> None:
    llm = ChatBedrockConverse(
        model=MODEL, region_name="us-east-1", aws_access_key_id="AK", aws_secret_access_key="SK"
    )
    with pytest.raises(ValueError, match="'bedrock_converse' has no Batch API"):
        llm.submit_batch(["hi"])


def test_native_structured_output_with_method_json_schema() -> None:
    wire = Wire([(200, reply([{"text": '{"city": "Paris", "celsius": 18}'}]), {})])
    parsed = model(wire).with_structured_output(Weather, method="json_schema").invoke("Paris?")
    assert parsed == Weather(city="Paris", celsius=18)
    body = json.loads(wire.requests[0].content)
    definition = body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]
    assert definition["name"] == "Weather"
    assert json.loads(definition["schema"])["additionalProperties"] is False
    assert "toolConfig" not in body


def event_stream(*events: tuple[str, dict[str, Any]], exception: str | None = None) -> bytes:
    from chatplex.testing._mock_aws import encode_message

    frames = [
        encode_message(
            {":event-type": kind, ":content-type": "application/json", ":message-type": "event"},
            json.dumps(payload).encode(),
        )
        for kind, payload in events
    ]
    if exception is not None:
        headers = {":exception-type": exception, ":message-type": "exception"}
        frames.append(encode_message(headers, b'{"message": "Too many tokens"}'))
    return b"".join(frames)


TEXT_EVENTS = (
    ("messageStart", {"role": "assistant"}),
    ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Bon"}}),
    ("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "jour"}}),
    ("contentBlockStop", {"contentBlockIndex": 0}),
    ("messageStop", {"stopReason": "end_turn"}),
    ("metadata", {"usage": {"inputTokens": 12, "outputTokens": 4, "totalTokens": 16}}),
)


class StreamWire(Wire):
    def __init__(self, bodies: list[bytes]) -> None:
        super().__init__([])
        self.bodies = bodies

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self.bodies[min(len(self.requests), len(self.bodies)) - 1]
        headers = {"content-type": "application/vnd.amazon.eventstream"}
        return httpx.Response(200, content=body, headers=headers)


class TestStreamsThroughTheEngine:
    def test_stream_and_astream(self) -> None:
        import asyncio

        from chatplex.messages import merge_chunks

        wire = StreamWire([event_stream(*TEXT_EVENTS)])
        llm = model(wire)
        merged = merge_chunks(list(llm.stream("hi")))
        assert merged.text == "Bonjour"
        assert merged.usage_metadata == cached_usage(12, 4)
        assert wire.requests[0].url.path.endswith("/converse-stream")
        assert wire.signature_covers_what_was_sent(wire.requests[0])

        async def collect() -> str:
            return "".join([c.text async for c in model(wire, async_retry=True).astream("hi")])

        assert asyncio.run(collect()) == "Bonjour"

    def test_a_throttling_exception_before_any_content_is_retried(self) -> None:
        from chatplex.messages import merge_chunks

        throttled = event_stream(TEXT_EVENTS[0], exception="throttlingException")
        wire = StreamWire([throttled, event_stream(*TEXT_EVENTS)])
        assert merge_chunks(list(model(wire).stream("hi"))).text == "Bonjour"
        assert len(wire.requests) == 2

    def test_an_exception_after_content_keeps_the_partial_reply(self) -> None:
        from chatplex.errors import StreamError

        cut = event_stream(*TEXT_EVENTS[:2], exception="modelStreamErrorException")
        with pytest.raises(StreamError) as caught:
            list(model(StreamWire([cut])).stream("hi"))
        assert caught.value.partial is not None and caught.value.partial.text == "Bon"


def test_no_secret_in_errors_their_response_tracebacks_or_debug_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import traceback

    rejected = (
        403,
        {"message": "bad signature"},
        {"x-amzn-errortype": "InvalidSignatureException"},
    )
    llm = model(Wire([rejected]))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as caught:
        llm.invoke("hi")
    err = caught.value
    assert err.response is not None
    assert err.response.request.headers["x-amz-security-token"] == "***"
    shown = [
        str(err),
        repr(err),
        repr(dict(err.response.request.headers)),
        "".join(traceback.format_exception(err)),
        caplog.text,
        repr(llm),
        repr(llm.adapter),
    ]
    assert "CanonicalRequest" in caplog.text  # botocore's signer did log, masked
    for text in shown:
        assert SECRET not in text and TOKEN not in text


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.bedrock import dropin

    failures, tried = doctest.testmod(dropin)
    assert tried and not failures


def test_configurable_fields_take_langchain_aws_model_id() -> None:
    from langchain_core.runnables import ConfigurableField

    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    switch = dropin_model(wire).configurable_fields(model_id=ConfigurableField(id="which"))
    switch.with_config({"configurable": {"which": "amazon.nova-lite-v1:0"}}).invoke("hi")
    assert wire.requests[0].url.raw_path == b"/model/amazon.nova-lite-v1%3A0/converse"


def test_create_cache_point_as_langchain_aws() -> None:
    assert create_cache_point() == {"cachePoint": {"type": "default"}}
    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    llm = model(wire, system=["Long prompt", create_cache_point()])
    llm.invoke([("human", ["Question", create_cache_point()])])
    body = json.loads(wire.requests[0].content)
    assert body["system"] == [{"text": "Long prompt"}, {"cachePoint": {"type": "default"}}]
    assert body["messages"][0]["content"][1] == {"cachePoint": {"type": "default"}}


SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
THINKING = {"thinking": {"type": "enabled", "budget_tokens": 1024}}


@pytest.mark.parametrize(
    ("settings", "choice"),
    [
        ({}, {"tool": {"name": "Weather"}}),
        ({"model": "mistral.mistral-large-2407-v1:0"}, {"any": {}}),
        ({"model": "meta.llama3-1-70b-instruct-v1:0"}, None),
        ({"additional_model_request_fields": THINKING}, {"tool": {"name": "Weather"}}),
        ({"model": SONNET_4, "additional_model_request_fields": THINKING}, None),
        ({"model": SONNET_4}, {"tool": {"name": "Weather"}}),
        (
            {
                "model": SONNET_4,
                "additional_model_request_fields": THINKING,
                "supports_tool_choice_values": ["auto", "any"],
            },
            {"any": {}},
        ),
    ],
)
def test_structured_output_forces_the_tool_only_where_the_model_takes_it(
    settings: dict[str, Any], choice: dict[str, Any] | None
) -> None:
    use = {"toolUse": {"toolUseId": "t", "name": "Weather", "input": {"city": "P", "celsius": 1}}}
    wire = Wire([(200, reply([use], "tool_use"), {})])
    llm = dropin_model(wire, **settings)
    # langchain-aws's warning where it offers the tool unforced to a model that refuses
    # a forced tool beside thinking.
    warns = choice is None and "thinking" in settings.get("additional_model_request_fields", {})
    with pytest.warns(UserWarning) if warns else contextlib.nullcontext():
        structured = llm.with_structured_output(Weather)
    assert structured.invoke("w?") == Weather(city="P", celsius=1)
    body = json.loads(wire.requests[0].content)
    assert body["toolConfig"].get("toolChoice") == choice
    # bind_tools sends the choice it is given, whatever the model (as langchain-aws).
    plain = model(wire, **settings).bind_tools([Weather], tool_choice="Weather")
    forced = plain.build_request("hi").json
    assert forced["toolConfig"]["toolChoice"] == {"tool": {"name": "Weather"}}


@pytest.mark.parametrize("sync", [True, False])
def test_json_mode_is_function_calling_as_langchain_aws_makes_it(sync: bool) -> None:
    # Converse has no JSON mode: langchain-aws forces the schema's tool instead.
    use = {"toolUse": {"toolUseId": "t", "name": "Weather", "input": {"city": "P", "celsius": 1}}}
    wire = Wire([(200, reply([use], "tool_use"), {})])
    structured = dropin_model(wire).with_structured_output(Weather, method="json_mode")
    got = structured.invoke("w?") if sync else asyncio.run(structured.ainvoke("w?"))
    assert got == Weather(city="P", celsius=1)
    body = json.loads(wire.requests[0].content)
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "Weather"}}


def test_a_reply_without_the_tool_call_is_a_structured_output_error() -> None:
    from langchain_core.exceptions import OutputParserException

    wire = Wire([(200, reply([{"text": "It is sunny."}]), {})])
    llm = dropin_model(wire, model=SONNET_4, additional_model_request_fields=THINKING)
    with pytest.raises(OutputParserException), pytest.warns(UserWarning, match="forced tool"):
        llm.with_structured_output(Weather).invoke("w?")


def test_max_retries_left_to_boto3s_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    llm = ChatBedrockConverse(
        model=MODEL, region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="S"
    )
    assert llm.max_retries == 3


@pytest.mark.parametrize("sync", [True, False])
def test_a_calls_cache_control_goes_as_cache_points_as_langchain_aws_inserts_them(
    sync: bool,
) -> None:
    """What BedrockPromptCachingMiddleware passes (`cache_control=`): cachePoint blocks,
    no `additionalModelRequestFields.cache_control` (which Converse refuses)."""
    import asyncio

    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    llm = model(wire)
    said = [("system", "Be brief."), ("human", "Hi")]
    cache = {"type": "ephemeral", "ttl": "1h"}
    _ = (
        llm.invoke(said, cache_control=cache)
        if sync
        else asyncio.run(llm.ainvoke(said, cache_control=cache))
    )
    body = json.loads(wire.requests[0].content)
    point = {"cachePoint": {"type": "default", "ttl": "1h"}}
    assert body["system"] == [{"text": "Be brief."}, point]
    assert body["messages"] == [{"role": "user", "content": [{"text": "Hi"}, point]}]
    assert "additionalModelRequestFields" not in body


def test_a_claude_model_named_by_provider_gets_claudes_cache_points_sync_and_async() -> None:
    """`ChatBedrockConverse(model=<ARN>, provider="anthropic")`: a call's
    `cache_control` adds Claude's end-of-history point, as langchain-aws counts the
    model as Claude by its `provider`; the same bodies as its, sync and async."""
    import warnings

    from chatplex.testing import MockRequest
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_aws").ChatBedrockConverse
    arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123"
    history = [("user", "hi"), ("ai", "hello"), ("user", "more")]
    keys = {"region_name": "us-east-1", "aws_access_key_id": "a", "aws_secret_access_key": "b"}
    seen: list[MockRequest] = []

    def bodies(cls: Any, url: str) -> list[Any]:
        start = len(seen)
        with warnings.catch_warnings():  # (langchain-aws's notice for an unverified model)
            warnings.simplefilter("ignore")
            model = cls(model=arn, provider="anthropic", endpoint_url=url, **keys)
        model.invoke(history, cache_control={"type": "ephemeral"})
        asyncio.run(model.ainvoke(history, cache_control={"type": "ephemeral"}))
        return [r.json for r in seen[start:]]

    with MockServer(fault_plan=lambda request: seen.append(request) and None) as server:
        ours = bodies(ChatBedrockConverse, server.url)
        assert ours == bodies(partner, server.url)
    point = {"cachePoint": {"type": "default"}}
    assert all(point in body["messages"][-2]["content"] for body in ours)


def test_reasoning_effort_by_the_models_profile_at_construction_and_per_call() -> None:
    """langchain-aws's `reasoning_effort`: the model's fields (its profile's levels, its
    vendor's form) under those given, sync and async; a call's over the class's; a level
    the profile does not list refused; an ARN's read from its `base_model_id`."""
    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    given = {"top_k": 5, "output_config": {"effort": "high"}}
    llm = model(
        wire,
        model="us.anthropic.claude-sonnet-4-6",
        reasoning_effort="low",
        additional_model_request_fields=given,
    )
    llm.invoke("hi")
    asyncio.run(llm.ainvoke("hi", reasoning_effort="medium"))
    sent = [json.loads(r.content)["additionalModelRequestFields"] for r in wire.requests]
    assert sent == [
        {"thinking": {"type": "adaptive"}, "output_config": {"effort": "high"}, "top_k": 5},
        {"thinking": {"type": "adaptive"}, "output_config": {"effort": "medium"}, "top_k": 5},
    ]
    # Thinking on (adaptive) leaves Claude 4 models no forced tool, as langchain-aws infers.
    assert cast("BedrockAdapter", llm.adapter).tool_choice_values == ("auto",)
    with pytest.raises(ValueError, match=r"Valid values: \['low', 'medium', 'high'\]"):
        model(wire, model="amazon.nova-2-lite-v1:0", reasoning_effort="max")
    arn = "arn:aws:bedrock:us-east-1:1:application-inference-profile/p"
    nova = model(
        wire,
        model=arn,
        provider="amazon",
        base_model_id="amazon.nova-2-lite-v1:0",
        reasoning_effort="low",
    )
    nova.invoke("hi")
    assert json.loads(wire.requests[-1].content)["additionalModelRequestFields"] == {
        "reasoningConfig": {"type": "enabled", "maxReasoningEffort": "low"}
    }
    with pytest.warns(UserWarning, match="not supported for model anthropic.claude-3-5-haiku"):
        unsupported = model(wire, reasoning_effort="low")
    unsupported.invoke("hi")
    assert "additionalModelRequestFields" not in json.loads(wire.requests[-1].content)


def test_reasoning_effort_by_a_profile_given() -> None:
    """A `profile=` given (not empty) is the one langchain-aws reads the levels from, at
    construction and per call; one without levels warns and sends nothing; an empty one
    is looked up, as langchain-aws looks up a falsy profile. The warnings point at the
    module that asked for the fields (the class's; the request's per call), as
    langchain-aws's point at its class's module."""
    from chatplex.providers.bedrock import converse_dropin
    from chatplex.providers.bedrock import request

    wire = Wire([(200, reply([{"text": "ok"}]), {})])
    haiku_low = model(wire, profile={"reasoning_effort_levels": ["low"]}, reasoning_effort="low")
    with pytest.raises(ValueError, match=r"reasoning_effort='high' is not supported .* \['low'\]"):
        model(wire, profile={"reasoning_effort_levels": ["low"]}, reasoning_effort="high")
    with pytest.raises(ValueError, match=r"Valid values: \['low'\]"):
        haiku_low.invoke("hi", reasoning_effort="medium")
    haiku_low.invoke("hi")
    sent = json.loads(wire.requests[-1].content)["additionalModelRequestFields"]
    assert sent == {"thinking": {"type": "adaptive"}, "output_config": {"effort": "low"}}
    sonnet = "us.anthropic.claude-sonnet-4-6"
    with pytest.warns(UserWarning, match="not supported for model anthropic.claude-sonnet") as seen:
        unlisted = model(
            wire, model=sonnet, profile={"max_input_tokens": 9}, reasoning_effort="low"
        )
    assert seen[0].filename == converse_dropin.__file__  # (where the effort is read)
    unlisted.invoke("hi")
    assert "additionalModelRequestFields" not in json.loads(wire.requests[-1].content)
    with pytest.warns(UserWarning, match="not supported") as seen:
        unlisted.invoke("hi", reasoning_effort="low")
    assert seen[0].filename == request.__file__
    model(wire, model=sonnet, profile={}, reasoning_effort="max").invoke("hi")  # its own levels
    sent = json.loads(wire.requests[-1].content)["additionalModelRequestFields"]
    assert sent["output_config"] == {"effort": "max"}


def _keyed(**settings: Any) -> ChatModel:
    return ChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        aws_access_key_id="A",
        aws_secret_access_key="S",
        **settings,
    )


def sent(model: ChatModel) -> PartnerHeaders:
    """The SDK headers a call of `model` sends (boto3's, under its retries)."""
    assert model.sdk_headers is not None
    return model.sdk_headers.of(model)


def test_botocores_attempt_headers_follow_the_retry_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import copy

    from botocore.config import Config

    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    model = _keyed()
    headers = sent(model)
    assert headers.sync["User-Agent"].startswith("Boto3/")
    first, retried = headers.first_attempt(None, frozenset())
    again = headers.first_attempt(None, frozenset())[0]
    assert first.pop("amz-sdk-invocation-id") != again["amz-sdk-invocation-id"]  # one per call
    assert first == {"amz-sdk-request": "attempt=1; max=3"} and retried is not None
    assert headers.per_call  # so made for each call, never once per model
    assert retried(1, None) == [("amz-sdk-request", "attempt=2; max=3")]  # no response
    # After a response, botocore's ttl: its Date plus the read timeout (60).
    said = retried(1, "Sun, 01 Nov 2026 10:00:00 GMT")
    assert said == [("amz-sdk-request", "ttl=20261101T100100Z; attempt=2; max=3")]
    assert headers.first_attempt(None, frozenset({"amz-sdk-request"})) == ({}, None)  # given
    legacy = sent(_keyed(config=Config(retries={"mode": "legacy"})))
    assert " cfg/retry-mode#legacy " in legacy.sync["User-Agent"]
    assert legacy.first_attempt(None, frozenset())[0]["amz-sdk-request"] == "attempt=1"
    # max_retries= without timeout= leaves boto3 no read timeout (langchain-aws's merge):
    # botocore's ttl is then left out.
    untimed = sent(_keyed(max_retries=4))
    untimed_retried = untimed.first_attempt(None, frozenset())[1]
    assert untimed_retried is not None
    assert untimed_retried(1, "Sun, 01 Nov 2026 10:00:00 GMT") == [
        ("amz-sdk-request", "attempt=2; max=5")
    ]
    # A copy under other retries (a call's max_retries=) says so; the same object else.
    assert sent(model) is sent(model)
    bound = copy.copy(model)
    bound.max_retries = 6
    assert sent(bound).first_attempt(None, frozenset())[0]["amz-sdk-request"].endswith("max=7")


def test_timeout_or_max_retries_replace_the_configs_retries_as_in_langchain_aws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from botocore.config import Config

    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    config = Config(retries={"total_max_attempts": 6, "mode": "legacy"})
    assert _keyed(config=config).max_retries == 5
    assert _keyed(config=config, timeout=7).max_retries == 2  # boto3's default count
    headers = sent(_keyed(config=config, timeout=7))
    assert " cfg/retry-mode#standard " in headers.sync["User-Agent"]


def test_chatplex_own_family_sends_no_boto3_headers() -> None:
    model = init_chat_model(
        f"bedrock_converse:{MODEL}",
        region_name="us-east-1",
        aws_access_key_id="A",
        aws_secret_access_key="S",
    )
    assert model.sdk_headers is None


def test_the_environment_is_read_once_for_a_model_and_its_copies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import copy

    from chatplex.providers.bedrock import auth

    lookups: list[str | None] = []
    real = auth.boto3_defaults

    def counted(profile: str | None) -> auth.Boto3Defaults:
        lookups.append(profile)
        return real(profile)

    monkeypatch.setattr(auth, "boto3_defaults", counted)
    model = _keyed(max_retries=1)  # nothing of the environment needed to build it
    assert lookups == []
    copies = [copy.copy(model) for _ in range(3)]  # as a call's settings make them
    assert all(sent(c) is not None for c in [*copies, model])
    assert lookups == [None]


def _keys_only() -> ChatModel:
    """Built with keys and nothing else: its region, endpoint and retries the environment's."""
    return ChatBedrockConverse(model=MODEL, aws_access_key_id="A", aws_secret_access_key="S")


def test_each_build_reads_the_environment_and_config_file_afresh(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What one build read is never kept for the next: the variables, AWS_PROFILE and the
    config file (the `isolated_aws` one) as they are when each is built."""
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)

    def built() -> tuple[str, str, int | None]:
        adapter = cast("BedrockAdapter", _keys_only().adapter)
        return adapter.region_name, adapter.endpoint_url, _keys_only().max_retries

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert built() == ("eu-west-1", "https://bedrock-runtime.eu-west-1.amazonaws.com", 2)
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    assert built()[0] == "eu-west-2"
    monkeypatch.delenv("AWS_REGION")
    config = tmp_path / "config"
    config.write_text(
        "[default]\nregion = us-west-1\n"
        "[profile team]\nregion = ap-south-1\nendpoint_url = http://127.0.0.1:7005\n"
        "max_attempts = 5\n"
    )
    assert built() == ("us-west-1", "https://bedrock-runtime.us-west-1.amazonaws.com", 2)
    monkeypatch.setenv("AWS_PROFILE", "team")
    assert built() == ("ap-south-1", "http://127.0.0.1:7005", 4)
    config.write_text("[profile team]\nregion = ca-central-1\n")
    assert built() == ("ca-central-1", "https://bedrock-runtime.ca-central-1.amazonaws.com", 2)
    monkeypatch.setenv("AWS_PROFILE", "absent")
    from botocore.exceptions import ProfileNotFound

    with pytest.raises(ProfileNotFound, match="absent"):
        _keys_only()


def test_a_build_reads_the_environment_through_one_botocore_session(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its region, endpoint and boto3's retry defaults all read from the config file,
    through one Session (each costs milliseconds); none kept for the next build."""
    import botocore.session

    made: list[Any] = []

    class Counted(botocore.session.Session):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(botocore.session, "Session", Counted)
    (tmp_path / "config").write_text("[default]\nregion = us-west-1\nmax_attempts = 3\n")
    model = _keys_only()
    assert (model.adapter.region_name, model.max_retries) == ("us-west-1", 2)  # type: ignore[union-attr]
    assert len(made) == 1
    _keys_only()
    assert len(made) == 2 and made[0] is not made[1]
