"""`AzureResponsesAdapter`: the Responses translation over Azure's connection (URL per
spelling of endpoint and version, credential headers, per-call Entra ID tokens, errors),
and through `init_chat_model` / `AzureChatOpenAI` against respx (no network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex.adapters import adapter_parameters
from chatplex.adapters.request_types import CallSettings
from chatplex.errors import ContentFilterError
from chatplex.errors import RateLimitError
from chatplex.messages import HumanMessage
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.azure_responses import AzureResponsesAdapter
from tests._dropins import engine
from tests.adapters._responses_fixtures import message_item
from tests.providers.openai._azure import ENDPOINT
from tests.providers.openai._azure import KEY
from tests.providers.openai._azure import TOKEN
from tests.providers.openai._azure import clean_env  # noqa: F401 (autouse)

AzureChatOpenAI = engine("AzureChatOpenAI")  # (its model: built from its record)

VERSION = "2025-03-01-preview"


def request_of(adapter: AzureResponsesAdapter, model: str = "prod") -> Any:
    return adapter.build_request([HumanMessage("hi")], CallSettings(model), stream=False)


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        # Not under the deployment: the SDK's path for every non-deployment endpoint.
        (
            {"azure_endpoint": ENDPOINT + "/", "api_version": VERSION, "azure_deployment": "d"},
            f"{ENDPOINT}/openai/responses?api-version={VERSION}",
        ),
        (
            {"azure_endpoint": ENDPOINT, "api_version": VERSION},
            f"{ENDPOINT}/openai/responses?api-version={VERSION}",
        ),
        # Azure's v1 API: "v1", "preview", no version, or an endpoint ending in it.
        ({"azure_endpoint": ENDPOINT, "api_version": "v1"}, f"{ENDPOINT}/openai/v1/responses"),
        (
            {"azure_endpoint": ENDPOINT, "api_version": "preview"},
            f"{ENDPOINT}/openai/v1/responses?api-version=preview",
        ),
        ({"azure_endpoint": ENDPOINT}, f"{ENDPOINT}/openai/v1/responses"),
        (
            {"azure_endpoint": ENDPOINT + "/openai/v1", "api_version": VERSION},
            f"{ENDPOINT}/openai/v1/responses",
        ),
        # base_url as given, `/responses` after it.
        (
            {"base_url": "https://gw.example/azure/openai", "api_version": VERSION},
            f"https://gw.example/azure/openai/responses?api-version={VERSION}",
        ),
    ],
)
def test_url_per_configuration(settings: dict[str, Any], url: str) -> None:
    request = request_of(AzureResponsesAdapter(api_key=KEY, **settings))
    assert request.url == url
    assert request.json["model"] == "prod"
    assert request.json["input"] == [{"type": "message", "role": "user", "content": "hi"}]


def test_the_key_goes_in_azures_header_and_never_in_a_repr() -> None:
    adapter = AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    headers = {k.lower(): v for k, v in request_of(adapter).headers.items()}
    assert headers["api-key"] == KEY
    assert "authorization" not in headers
    assert KEY not in repr(adapter) and "AzureResponsesAdapter(" in repr(adapter)


def test_an_ad_token_goes_as_bearer() -> None:
    adapter = AzureResponsesAdapter(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token=TOKEN
    )
    headers = {k.lower(): v for k, v in request_of(adapter).headers.items()}
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert "api-key" not in headers and TOKEN not in repr(adapter)


def test_token_providers_are_called_per_call() -> None:
    tokens = iter(["t-1", "t-2"])
    adapter = AzureResponsesAdapter(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_token_provider=lambda: next(tokens)
    )
    first = adapter.authorize(request_of(adapter))
    second = adapter.authorize(request_of(adapter))
    assert [first.headers["Authorization"], second.headers["Authorization"]] == [
        "Bearer t-1",
        "Bearer t-2",
    ]


def test_an_async_token_provider_serves_async_calls_only() -> None:
    async def token() -> str:
        return "async-t"

    adapter = AzureResponsesAdapter(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_ad_async_token_provider=token
    )
    authorized = asyncio.run(adapter.aauthorize(request_of(adapter)))
    assert authorized.headers["Authorization"] == "Bearer async-t"
    with pytest.raises(ValueError, match="async calls only"):
        adapter.authorize(request_of(adapter))


def test_its_keywords_are_the_chat_adapters_connection_and_its_own() -> None:
    chat = adapter_parameters(AzureOpenAIAdapter)
    own = ("body_model", "extra_block_types", "use_previous_response_id")
    shared = tuple(
        name for name in chat if name not in (*own, "include_usage", "completion_tokens")
    )
    assert adapter_parameters(AzureResponsesAdapter) == (*shared, *own)
    with pytest.raises(TypeError, match="include_usage"):
        AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_key=KEY, include_usage=True)


def test_no_credentials_for_an_azure_host_is_an_error_before_any_call() -> None:
    with pytest.raises(ValueError, match="credentials missing"):
        AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION)


def test_environment_keys_go_only_to_azure_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    azure = AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION)
    gateway = AzureResponsesAdapter(azure_endpoint="https://gw.example", api_version=VERSION)
    assert request_of(azure).headers["api-key"] == KEY
    assert "api-key" not in {k.lower() for k in request_of(gateway).headers}


def test_body_model_false_sends_the_model_null() -> None:
    # As langchain-openai's payload sends an unset model_name; the key stays in its place.
    adapter = AzureResponsesAdapter(
        azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY, body_model=False
    )
    named = AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    body = request_of(adapter).json
    assert body["model"] is None
    assert list(body) == list(request_of(named).json)


def test_errors_are_the_openai_wires_typed_errors() -> None:
    adapter = AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    limited = adapter.map_error(429, b'{"error": {"code": "429", "message": "slow down"}}', {})
    assert isinstance(limited, RateLimitError)
    assert limited.provider == "openai_responses" and limited.body == {
        "code": "429",
        "message": "slow down",
    }
    body = {"error": {"code": "content_filter", "message": "no", "innererror": {}}}
    filtered = adapter.map_error(400, json.dumps(body).encode(), {})
    assert isinstance(filtered, ContentFilterError)


def test_the_batch_api_is_not_built_and_says_so() -> None:
    adapter = AzureResponsesAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    with pytest.raises(NotImplementedError, match="Batch API"):
        adapter.batch_api_for("prod")


def reply(text: str) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1764000000,
        "status": "completed",
        "model": "gpt-4.1",
        "output": [message_item(text)],
        "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
    }


@pytest.fixture
def azure() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=True) as router:
        yield router


def test_azure_chat_openai_calls_the_responses_path(azure: respx.Router) -> None:
    route = azure.post(f"{ENDPOINT}/openai/responses").mock(
        return_value=httpx.Response(200, json=reply("Hello!"))
    )
    model = AzureChatOpenAI(
        azure_endpoint=ENDPOINT,
        azure_deployment="prod",
        api_version=VERSION,
        azure_ad_token_provider=lambda: TOKEN,
        use_responses_api=True,
    )
    message = model.invoke("hi")
    assert message.text == "Hello!"
    assert message.usage_metadata is not None and message.usage_metadata["total_tokens"] == 5
    sent = route.calls.last.request
    assert sent.url.params["api-version"] == VERSION
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(sent.content)["model"] == "prod"


def test_init_chat_model_calls_azures_responses_api_as_langchain(azure: respx.Router) -> None:
    # LangChain's init_chat_model("azure_openai:prod", ...) is AzureChatOpenAI(model="prod"):
    # the body names the model, the call goes beside the deployments.
    from chatplex import init_chat_model

    route = azure.post(f"{ENDPOINT}/openai/responses").mock(
        return_value=httpx.Response(200, json=reply("Hi!"))
    )
    model = init_chat_model(
        "azure_openai:prod", azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY,
        use_responses_api=True,
    )  # fmt: skip
    assert model.invoke("hi").text == "Hi!"
    sent = route.calls.last.request
    assert sent.headers["api-key"] == KEY and json.loads(sent.content)["model"] == "prod"
