"""The watsonx adapter (`providers/watsonx/adapter.py`): where requests go and with which
credential (the key only to IAM, the token per call, refreshed near expiry), typed errors
with IBM's message and trace, structured output's `response_format`, and whole calls
(invoke and stream, sync and async) over respx."""

from __future__ import annotations

import asyncio
import doctest
import json
from typing import Any

import httpx
import pytest
import respx
from pydantic import BaseModel

from chatplex.adapters.request_types import CallSettings
from chatplex.chat.model import ChatModel
from chatplex.chat.structured import output_schema
from chatplex.errors import APIError
from chatplex.errors import BadRequestError
from chatplex.errors import ChatplexError
from chatplex.errors import MissingKeyError
from chatplex.errors import NotFoundError
from chatplex.messages import HumanMessage
from chatplex.providers.watsonx import adapter as module
from chatplex.providers.watsonx.adapter import WatsonxAdapter
from chatplex.providers.watsonx.auth import IAM_URL
from tests.providers._speccheck import assert_every_path_says
from tests.providers.watsonx.conftest import chat_reply

BASE = "https://us-south.ml.cloud.ibm.com"
CHAT = f"{BASE}/ml/v1/text/chat"
STREAM_URL = f"{BASE}/ml/v1/text/chat_stream"
KEY = "ibm-key-secret"
REPLY = chat_reply("Hello", 4)
CHUNKS = [
    {"id": "chat-2", "choices": [{"index": 0, "delta": {"content": "He"}}]},
    {"id": "chat-2", "choices": [{"index": 0, "delta": {"content": "llo"}}]},
    {
        "id": "chat-2",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": REPLY["usage"],
    },
]
STREAM = "".join(
    f"id: {i}\nevent: message\ndata: {json.dumps(c)}\n\n" for i, c in enumerate(CHUNKS)
)


class IAM:
    """IAM's token endpoint: a new token per exchange, lifetime 3600 s; a respx side
    effect, or `authorized` as the chat layer authorises (the exchange when due)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def _body(self, form: bytes) -> bytes:
        self.keys.append(form.decode())
        return json.dumps({"access_token": f"tok-{len(self.keys)}", "expires_in": 3600}).encode()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=self._body(request.content))

    def authorized(self, adapter: WatsonxAdapter, request: Any) -> Any:
        fetch = adapter.credential_fetch()
        if fetch is not None:
            assert fetch.request.content is not None
            fetch.read(self._body(fetch.request.content))
        return adapter.authorize(request)


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def _adapter(**given: Any) -> WatsonxAdapter:
    settings: dict[str, Any] = {"api_key": KEY, "base_url": BASE, "project_id": "p-1"}
    return WatsonxAdapter(**{**settings, **given})


def _request(adapter: WatsonxAdapter, *, stream: bool = False) -> Any:
    return adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=stream)


def test_where_requests_go_and_the_version_they_ask() -> None:
    adapter = _adapter()
    assert _request(adapter).url == f"{CHAT}?version={module.API_VERSION}"
    assert _request(adapter, stream=True).url == f"{STREAM_URL}?version={module.API_VERSION}"
    assert adapter.base_url == BASE
    assert (
        _adapter(version="2024-05-01")
        .build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
        .url.endswith("?version=2024-05-01")
    )


def test_the_key_goes_only_to_iam_and_each_call_carries_the_token() -> None:
    iam, clock = IAM(), Clock()
    adapter = _adapter(clock=clock)
    built = _request(adapter)
    assert "Authorization" not in built.headers  # built without credentials: no I/O
    with pytest.raises(APIError, match="no IBM Cloud IAM token is held"):
        adapter.authorize(built)  # the chat layer fetches it first
    sent = iam.authorized(adapter, built)
    assert sent.headers["Authorization"] == "Bearer tok-1" and iam.keys == [
        f"grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey={KEY}"
    ]
    assert KEY not in json.dumps(sent.json) and KEY not in repr(sent)
    assert iam.authorized(adapter, _request(adapter)).headers["Authorization"] == "Bearer tok-1"
    clock.now = 0.8 * 3600  # near expiry: a fresh token
    assert iam.authorized(adapter, _request(adapter)).headers["Authorization"] == "Bearer tok-2"
    async_sent = asyncio.run(adapter.aauthorize(_request(adapter)))
    assert async_sent.headers["Authorization"] == "Bearer tok-2" and len(iam.keys) == 2
    assert adapter.authorizes_calls is True


def test_a_bearer_token_given_is_sent_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = _adapter(api_key=None, token="given-token")
    assert adapter.authorize(_request(adapter)).headers["Authorization"] == "Bearer given-token"
    monkeypatch.setenv("WATSONX_TOKEN", "env-token")
    from_env = _adapter(api_key=None)
    assert from_env.authorize(_request(from_env)).headers["Authorization"] == "Bearer env-token"


def test_a_gateways_user_info_is_sent_as_basic_auth_without_a_key() -> None:
    adapter = _adapter(api_key=None, base_url="https://user:pw@gateway.example")
    request = adapter.authorize(_request(adapter))
    assert request.headers["Authorization"] == "Basic dXNlcjpwdw=="
    assert request.url.startswith("https://gateway.example/ml/v1/text/chat?")
    assert "pw" not in repr(adapter)


def test_the_environment_as_langchain_ibm_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATSONX_URL", "https://eu-de.ml.cloud.ibm.com")
    monkeypatch.setenv("WATSONX_APIKEY", "deprecated-key")
    monkeypatch.setenv("WATSONX_SPACE_ID", "s-1")
    iam = IAM()
    adapter = WatsonxAdapter()
    request = iam.authorized(adapter, _request(adapter))
    assert request.url.startswith("https://eu-de.ml.cloud.ibm.com/ml/v1/text/chat?")
    assert request.json["space_id"] == "s-1" and iam.keys[-1].endswith("apikey=deprecated-key")
    monkeypatch.setenv("WATSONX_API_KEY", "preferred-key")  # langchain-ibm's first
    monkeypatch.setenv("WATSONX_PROJECT_ID", "p-9")  # a space before a project
    adapter = WatsonxAdapter()
    request = iam.authorized(adapter, _request(adapter))
    assert request.json["space_id"] == "s-1" and "project_id" not in request.json
    assert iam.keys[-1].endswith("apikey=preferred-key")
    monkeypatch.delenv("WATSONX_SPACE_ID")
    adapter = WatsonxAdapter()
    assert iam.authorized(adapter, _request(adapter)).json["project_id"] == "p-9"


@pytest.mark.parametrize(
    ("given", "variables", "billed"),
    [
        ({"project_id": None, "space_id": "s-1"}, {"WATSONX_PROJECT_ID": "p"}, {"space_id": "s-1"}),
        ({"project_id": "p-1", "space_id": "s-1"}, {}, {"space_id": "s-1"}),
        ({"project_id": "p-1"}, {"WATSONX_SPACE_ID": "s-env"}, {"space_id": "s-env"}),
        ({"project_id": "p-1"}, {}, {"project_id": "p-1"}),
    ],
)
def test_a_space_wins_over_a_project_as_in_ibm_watsonx_ai(
    given: dict[str, str | None],
    variables: dict[str, str],
    billed: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert _adapter(**given).scope == billed


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"base_url": None}, "service URL"),
        ({"project_id": None}, "project or a space"),
        ({"api_key": None}, "credentials"),
    ],
)
def test_what_is_missing_is_said_at_construction(given: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _adapter(**given)


def test_no_credential_is_the_one_missing_key_class_of_every_provider() -> None:
    """chatplex's own family refuses a model built with no key in one class for every
    provider: `MissingKeyError` (a ValueError), naming the wire that refused."""
    with pytest.raises(MissingKeyError, match="credentials") as raised:
        _adapter(api_key=None)
    assert raised.value.adapter_class is WatsonxAdapter


def test_the_repr_shows_no_credential() -> None:
    adapter = _adapter()
    IAM().authorized(adapter, _request(adapter))
    shown = repr(adapter)
    assert KEY not in shown and "tok-1" not in shown and "p-1" in shown
    assert budget_free_of_key(adapter)


def budget_free_of_key(adapter: WatsonxAdapter) -> bool:
    key = adapter.budget_key("m")
    return key[0] == "ibm" and KEY not in "".join(key) and key[2] != ""


def test_an_error_is_typed_with_ibms_message_code_and_trace() -> None:
    body = {
        "errors": [{"code": "model_not_supported", "message": "Model 'x' is not supported"}],
        "trace": "trace-1",
        "status_code": 404,
    }
    err = _adapter().map_error(404, json.dumps(body).encode(), {})
    assert isinstance(err, NotFoundError) and err.status == 404
    assert err.message == "Model 'x' is not supported" and err.code == "model_not_supported"
    assert err.request_id == "trace-1"
    headed = _adapter().map_error(400, b"bad gateway text", {"X-Global-Transaction-Id": "g-1"})
    assert isinstance(headed, BadRequestError) and headed.request_id == "g-1"
    assert headed.message == "bad gateway text"


class Answer(BaseModel):
    """An answer."""

    city: str


def test_structured_output_as_langchain_ibm_binds_it() -> None:
    adapter = _adapter()
    spec = output_schema(Answer)
    assert adapter.structured_output_settings(spec, Answer, "json_schema", None) == {
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "Answer",
                "description": "An answer.",
                "schema": Answer.model_json_schema(),
            },
        }
    }
    assert adapter.structured_output_settings(spec, Answer, "json_mode", None) == {
        "response_format": {"type": "json_object"}
    }
    with pytest.raises(ValueError, match="strict"):
        adapter.structured_output_settings(spec, Answer, "json_mode", True)
    schema = {"title": "answer", "type": "object", "properties": {"city": {"type": "string"}}}
    fmt = adapter.structured_output_settings(output_schema(schema), schema, "json_schema", True)
    assert fmt["response_format"]["json_schema"]["strict"] is True
    assert fmt["response_format"]["json_schema"]["name"] == "answer"
    assert adapter.structured.method == "function_calling"


@respx.mock(assert_all_called=True)
def test_invoke_and_stream_sync_and_async(respx_mock: Any) -> None:
    respx_mock.post(url__startswith=CHAT + "?").mock(return_value=httpx.Response(200, json=REPLY))
    respx_mock.post(url__startswith=STREAM_URL).mock(
        return_value=httpx.Response(
            200, content=STREAM.encode(), headers={"content-type": "text/event-stream"}
        )
    )
    respx_mock.post(IAM_URL).mock(side_effect=IAM())
    model = ChatModel(_adapter(), "ibm/granite", temperature=0.3)
    message = model.invoke("hi")
    assert message.content == "Hello" and message.response_metadata["finish_reason"] == "stop"
    assert message.usage_metadata == {"input_tokens": 4, "output_tokens": 1, "total_tokens": 5}
    request = respx_mock.calls.last.request
    assert request.headers["Authorization"] == "Bearer tok-1"
    assert json.loads(request.content) == {
        "model_id": "ibm/granite",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.3,
        "project_id": "p-1",
    }
    assert_every_path_says(model, "Hello")


@respx.mock
def test_a_bad_request_raises_the_typed_error(respx_mock: Any) -> None:
    body = {"errors": [{"code": "invalid_input_argument", "message": "bad"}], "trace": "t-2"}
    respx_mock.post(url__startswith=CHAT).mock(return_value=httpx.Response(400, json=body))
    respx_mock.post(IAM_URL).mock(side_effect=IAM())
    model = ChatModel(_adapter(), "ibm/granite", max_retries=0)
    with pytest.raises(BadRequestError, match="bad") as caught:
        model.invoke("hi")
    assert caught.value.request_id == "t-2" and KEY not in str(caught.value)


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


def test_a_context_is_refused_as_ibm_watsonx_ai_refuses_it() -> None:
    """`context` is a chat prompt deployment's: for a model, ibm-watsonx-ai's `chat()`
    raises its WMLClientError (where imported) before any request; an empty one is not
    sent."""
    sdk = pytest.importorskip("ibm_watsonx_ai.wml_client_error")
    adapter = _adapter()
    with_context = CallSettings(model="m", extra_body={"context": "some context"})
    with pytest.raises(ChatplexError, match="chat prompt deployment") as raised:
        adapter.build_request([HumanMessage("hi")], with_context, stream=False)
    assert isinstance(raised.value, sdk.WMLClientError)
    empty = CallSettings(model="m", extra_body={"context": ""})
    assert "context" not in adapter.build_request([HumanMessage("hi")], empty, stream=False).json
