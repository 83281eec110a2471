"""The Model Gateway wire (`providers/watsonx/gateway.py`): one path for calls and
streams, no `version`, the model as `model`, no project or space sent, `stream: true`
for a stream, the chat API's IAM token; whole calls (invoke and stream, sync and async)
over respx, the gateway's `data:` lines ending with `[DONE]`."""

from __future__ import annotations

import doctest
import json
from typing import Any

import httpx
import pytest
import respx

from chatplex.adapters.request_types import CallSettings
from chatplex.chat.model import ChatModel
from chatplex.errors import BadRequestError
from chatplex.errors import MissingKeyError
from chatplex.messages import HumanMessage
from chatplex.providers.watsonx import gateway as module
from chatplex.providers.watsonx.auth import IAM_URL
from chatplex.providers.watsonx.gateway import WatsonxGatewayAdapter
from tests.providers._speccheck import assert_every_path_says
from tests.providers.watsonx.test_adapter import IAM
from tests.providers.watsonx.test_adapter import KEY

BASE = "https://us-south.ml.cloud.ibm.com"
URL = f"{BASE}/ml/gateway/v1/chat/completions"
HEAD = {"model": "openai/gpt-4o"}
MESSAGE = {"role": "assistant", "content": "Hello"}
USAGE = {"prompt_tokens": 4, "completion_tokens": 1, "total_tokens": 5}
REPLY = {
    **HEAD,
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": MESSAGE, "finish_reason": "stop"}],
    "usage": USAGE,
}
CHUNKS = [
    {**HEAD, "id": "chatcmpl-2", "choices": [{"index": 0, "delta": {"content": "He"}}]},
    {**HEAD, "id": "chatcmpl-2", "choices": [{"index": 0, "delta": {"content": "llo"}}]},
    {**HEAD, "id": "chatcmpl-2", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {**HEAD, "id": "chatcmpl-2", "choices": [], "usage": USAGE},
]
STREAM = "".join(f"data: {json.dumps(c)}\n\n" for c in CHUNKS) + "data: [DONE]\n\n"


def _adapter(**given: Any) -> WatsonxGatewayAdapter:
    return WatsonxGatewayAdapter(**{"api_key": KEY, "base_url": BASE, **given})


def _request(adapter: WatsonxGatewayAdapter, *, stream: bool = False) -> Any:
    settings = CallSettings(model="openai/gpt-4o", max_tokens=5)
    return adapter.build_request([HumanMessage("hi")], settings, stream=stream)


def test_calls_and_streams_go_to_the_gateway_without_a_version() -> None:
    adapter = _adapter()
    assert _request(adapter).url == URL
    assert _request(adapter, stream=True).url == URL
    assert adapter.base_url == BASE


def test_the_body_names_the_model_and_no_project_or_space() -> None:
    for scope in ({}, {"project_id": "p-1"}, {"space_id": "s-1"}):
        body = _request(_adapter(**scope)).json
        assert body == {
            "messages": [{"role": "user", "content": "hi"}],
            "model": "openai/gpt-4o",
            "max_tokens": 5,
        }
    assert _request(_adapter(), stream=True).json["stream"] is True


def test_the_key_goes_only_to_iam_and_the_call_carries_the_token() -> None:
    iam = IAM()
    adapter = _adapter()
    sent = iam.authorized(adapter, _request(adapter))
    assert sent.headers["Authorization"] == "Bearer tok-1"
    assert KEY in iam.keys[0] and KEY not in repr(sent) and KEY not in repr(adapter)


def test_no_credential_is_the_missing_key_class() -> None:
    with pytest.raises(MissingKeyError):
        WatsonxGatewayAdapter(base_url=BASE)


@respx.mock(assert_all_called=True)
def test_invoke_and_stream_sync_and_async(respx_mock: Any) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("stream"):
            headers = {"content-type": "text/event-stream"}
            return httpx.Response(200, content=STREAM.encode(), headers=headers)
        return httpx.Response(200, json=REPLY)

    respx_mock.post(URL).mock(side_effect=answer)
    respx_mock.post(IAM_URL).mock(side_effect=IAM())
    model = ChatModel(_adapter(), "openai/gpt-4o")
    message = model.invoke("hi")
    assert message.usage_metadata == {"input_tokens": 4, "output_tokens": 1, "total_tokens": 5}
    assert respx_mock.calls.last.request.headers["Authorization"] == "Bearer tok-1"
    pieces = list(model.stream("hi"))
    assert "".join(str(p.content) for p in pieces) == "Hello"
    assert any(p.usage_metadata for p in pieces)
    assert_every_path_says(model, "Hello")


@respx.mock
def test_an_error_status_is_typed(respx_mock: Any) -> None:
    body = {"error": {"message": "bad model", "type": "invalid_request_error"}}
    respx_mock.post(URL).mock(return_value=httpx.Response(400, json=body))
    respx_mock.post(IAM_URL).mock(side_effect=IAM())
    with pytest.raises(BadRequestError) as caught:
        ChatModel(_adapter(), "openai/gpt-4o", max_retries=0).invoke("hi")
    assert caught.value.status == 400 and KEY not in str(caught.value)


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0
