"""The Azure OpenAI adapter: URLs, credentials and their environment policy, per-call
Entra ID tokens (sync and async). (Content filters: `test_azure_filters.py`.) Requests go
through `ChatModel` to respx routes (no network)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import AuthenticationError
from chatplex.messages import HumanMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from tests.providers._partner import for_call
from tests.providers.openai._azure import ENDPOINT
from tests.providers.openai._azure import KEY
from tests.providers.openai._azure import TOKEN
from tests.providers.openai._azure import clean_env  # noqa: F401 (autouse)

VERSION = "2024-10-21"
SAFE = {"filtered": False, "severity": "safe"}
FILTERS = {"hate": SAFE, "self_harm": SAFE, "sexual": SAFE, "violence": SAFE}
PROMPT_FILTERS = [{"prompt_index": 0, "content_filter_results": FILTERS}]


def url_of(model: str = "gpt-4o", **settings: Any) -> str:
    adapter = AzureOpenAIAdapter(**settings)
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model), stream=False)
    return request.url


def headers_of(adapter: AzureOpenAIAdapter) -> dict[str, str]:
    request = adapter.build_request([HumanMessage("hi")], CallSettings("d"), stream=False)
    return {k.lower(): v for k, v in adapter.authorize(request).headers.items()}


def completion(**extra: Any) -> dict[str, Any]:
    choice = {
        "index": 0,
        "finish_reason": "stop",
        "message": {"role": "assistant", "content": "Hello!"},
        "content_filter_results": FILTERS,
    }
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gpt-4o-2024-11-20",
        "choices": [choice],
        "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11},
        "prompt_filter_results": PROMPT_FILTERS,
    }
    choice.update(extra.pop("choice", {}))
    body.update(extra)
    return body


def sse(*events: dict[str, Any]) -> bytes:
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


def stream_events(finish: str = "stop") -> bytes:
    """An Azure stream as Azure sends it: a first event with the prompt's filter results
    only (empty id and model), content deltas with their own filter results, usage."""
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "gpt-4o-2024-11-20"}
    return sse(
        {"id": "", "object": "", "model": "", "created": 0, "choices": [],
         "prompt_filter_results": PROMPT_FILTERS},
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                              "finish_reason": None, "content_filter_results": {}}]},
        {**head, "choices": [{"index": 0, "delta": {"content": "Hello"},
                              "finish_reason": None, "content_filter_results": FILTERS}]},
        {**head, "choices": [{"index": 0, "delta": {"content": "!"},
                              "finish_reason": None, "content_filter_results": FILTERS}]},
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": finish,
                              "content_filter_results": {}}]},
        {**head, "choices": [],
         "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}},
    )  # fmt: skip


def model(**settings: Any) -> ChatModel:
    settings.setdefault("azure_endpoint", ENDPOINT)
    settings.setdefault("api_version", VERSION)
    settings.setdefault("max_retries", 0)
    credentials = {"api_key", "azure_ad_token", "azure_ad_token_provider"}
    if not credentials & set(settings) and "azure_ad_async_token_provider" not in settings:
        settings["api_key"] = KEY
    return init_chat_model("azure_openai:gpt-4o", **settings)


DEPLOYMENT_URL = f"{ENDPOINT}/openai/deployments/gpt-4o/chat/completions"


@pytest.fixture
def azure() -> Iterator[respx.Router]:
    with respx.mock(assert_all_called=False) as router:
        yield router


# -- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        # The deployment is the model's name, as the SDK puts the body's model in the path.
        (
            {"azure_endpoint": ENDPOINT + "/", "api_version": VERSION},
            f"{ENDPOINT}/openai/deployments/gpt-4o/chat/completions?api-version={VERSION}",
        ),
        (
            {"azure_endpoint": ENDPOINT, "api_version": VERSION, "azure_deployment": "prod 1"},
            f"{ENDPOINT}/openai/deployments/prod%201/chat/completions?api-version={VERSION}",
        ),
        # Azure's v1 API: no version, "v1", "preview"/"latest", or an endpoint ending in it.
        ({"azure_endpoint": ENDPOINT}, f"{ENDPOINT}/openai/v1/chat/completions"),
        (
            {"azure_endpoint": ENDPOINT, "api_version": "v1"},
            f"{ENDPOINT}/openai/v1/chat/completions",
        ),
        (
            {"azure_endpoint": ENDPOINT, "api_version": "preview"},
            f"{ENDPOINT}/openai/v1/chat/completions?api-version=preview",
        ),
        (
            {"azure_endpoint": ENDPOINT, "api_version": "latest"},
            f"{ENDPOINT}/openai/v1/chat/completions?api-version=latest",
        ),
        (
            {"azure_endpoint": ENDPOINT + "/openai/v1/", "api_version": VERSION},
            f"{ENDPOINT}/openai/v1/chat/completions",
        ),
        # base_url as given: naming its deployment, or the deployment inserted after it.
        (
            {"base_url": f"{ENDPOINT}/openai/deployments/x", "api_version": VERSION},
            f"{ENDPOINT}/openai/deployments/x/chat/completions?api-version={VERSION}",
        ),
        (
            {"base_url": "https://gw.example/azure/openai", "api_version": VERSION},
            f"https://gw.example/azure/openai/deployments/gpt-4o/chat/completions?api-version={VERSION}",
        ),
    ],
)
def test_url_per_configuration(settings: dict[str, Any], url: str) -> None:
    assert url_of(api_key=KEY, **settings) == url


def test_the_deployment_follows_a_per_call_model_override() -> None:
    adapter = AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_version=VERSION, api_key=KEY)
    urls = {
        adapter.build_request([HumanMessage("hi")], CallSettings(m), stream=False).url
        for m in ("a", "b/c")
    }
    assert urls == {
        f"{ENDPOINT}/openai/deployments/a/chat/completions?api-version={VERSION}",
        f"{ENDPOINT}/openai/deployments/b%2Fc/chat/completions?api-version={VERSION}",
    }


def named_by_deployment() -> AzureOpenAIAdapter:
    """An adapter named by its deployment only, as AzureChatOpenAI builds one."""
    return AzureOpenAIAdapter(
        azure_endpoint=ENDPOINT,
        azure_deployment="gpt-4o-mini",
        api_version=VERSION,
        api_key=KEY,
        body_model=False,
    )


def test_a_deployment_without_a_model_names_only_another_model_in_the_body() -> None:
    # AzureChatOpenAI named by its deployment sends `model` null, in its place (as
    # langchain-openai's payload sends an unset model_name); a copy renamed by
    # model_copy(update={"model_name": ...}) (or a call's model) sends it, to the same
    # deployment, as langchain-openai's payload then names it.
    adapter = named_by_deployment()

    def sent(model: str) -> Any:
        return adapter.build_request([HumanMessage("hi")], CallSettings(model), stream=False)

    unnamed = sent("gpt-4o-mini").json
    assert unnamed["model"] is None
    renamed = sent("other-model")
    assert list(unnamed) == list(renamed.json)
    assert renamed.json["model"] == "other-model"
    assert renamed.url == sent("gpt-4o-mini").url


def test_a_call_naming_a_model_names_it_in_the_body() -> None:
    # A call's `model=` (the deployment's name too) is named in the body, as
    # langchain-openai's payload names it; the adapter is not changed, a stream's usage
    # asked by the call kept.
    adapter = named_by_deployment()
    called = for_call(adapter, {"model": "gpt-4o-mini", "stream_usage": True})
    assert isinstance(called, AzureOpenAIAdapter) and called is not adapter
    request = called.build_request([HumanMessage("hi")], CallSettings("gpt-4o-mini"), stream=True)
    assert request.json["model"] == "gpt-4o-mini"
    assert request.json["stream_options"] == {"include_usage": True}
    plain = adapter.build_request([HumanMessage("hi")], CallSettings("gpt-4o-mini"), stream=False)
    assert plain.json["model"] is None
    assert for_call(adapter, {"stream_usage": adapter.include_usage}) is adapter


def test_version_and_endpoint_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-01-01-preview")
    assert url_of(api_key=KEY) == (
        f"{ENDPOINT}/openai/deployments/gpt-4o/chat/completions?api-version=2025-01-01-preview"
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "needs azure_endpoint"),
        ({"azure_endpoint": ENDPOINT, "base_url": ENDPOINT + "/openai"}, "not both"),
        (
            {"base_url": ENDPOINT + "/openai", "azure_deployment": "d"},
            "azure_deployment= goes with azure_endpoint",
        ),
        ({"azure_endpoint": "ftp://x"}, "http"),
        ({"azure_endpoint": ENDPOINT, "api_key": KEY, "azure_ad_token": TOKEN}, "one Azure"),
        (
            {"azure_endpoint": ENDPOINT, "api_key": KEY, "azure_ad_token_provider": lambda: "t"},
            "mutually exclusive",
        ),
        ({"azure_endpoint": ENDPOINT}, "credentials missing"),
    ],
)
def test_bad_settings_fail_at_construction(settings: dict[str, Any], message: str) -> None:
    settings.setdefault("api_version", VERSION)
    if "credentials missing" not in message and not {"api_key", "azure_ad_token"} & set(settings):
        settings["api_key"] = KEY
    with pytest.raises(ValueError, match=message):
        AzureOpenAIAdapter(**settings)


def test_a_token_provider_must_be_callable() -> None:
    with pytest.raises(TypeError, match="azure_ad_token_provider must be a function"):
        AzureOpenAIAdapter(azure_endpoint=ENDPOINT, azure_ad_token_provider="tok")  # type: ignore[arg-type]


# -- credentials -----------------------------------------------------------------------


def test_api_key_goes_as_the_api_key_header_not_bearer() -> None:
    headers = headers_of(AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_key=KEY))
    assert headers["api-key"] == KEY
    assert "authorization" not in headers


def test_ad_token_goes_as_bearer() -> None:
    headers = headers_of(AzureOpenAIAdapter(azure_endpoint=ENDPOINT, azure_ad_token=TOKEN))
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert "api-key" not in headers


def test_default_headers_replace_ours_whatever_their_case() -> None:
    adapter = AzureOpenAIAdapter(
        azure_endpoint=ENDPOINT, api_key=KEY, default_headers={"Api-Key": "other"}
    )
    request = adapter.build_request([HumanMessage("hi")], CallSettings("d"), stream=False)
    assert [(k, v) for k, v in request.headers.items() if k.lower() == "api-key"] == [
        ("Api-Key", "other")
    ]


def test_a_local_server_may_go_keyless() -> None:
    adapter = AzureOpenAIAdapter(azure_endpoint="http://127.0.0.1:9", api_version=VERSION)
    assert {"api-key", "authorization"} & set(headers_of(adapter)) == set()


@pytest.mark.parametrize(
    "endpoint",
    ["https://a.openai.azure.com", "https://b.cognitiveservices.azure.com"],
)
def test_environment_key_goes_to_azure_hosts_written_in_code(
    monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    assert headers_of(AzureOpenAIAdapter(azure_endpoint=endpoint))["api-key"] == KEY


def test_environment_key_goes_to_the_endpoint_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://gw.example")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    assert headers_of(AzureOpenAIAdapter())["api-key"] == KEY


def test_environment_ad_token_wins_over_the_environment_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", TOKEN)
    headers = headers_of(AzureOpenAIAdapter(azure_endpoint=ENDPOINT))
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert "api-key" not in headers


def test_an_explicit_key_wins_over_the_environment_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", TOKEN)
    headers = headers_of(AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_key="explicit"))
    assert headers == {"content-type": "application/json", "api-key": "explicit"}


@pytest.mark.parametrize("where", ["azure_endpoint", "base_url"])
def test_environment_credentials_never_reach_another_host_written_in_code(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", TOKEN)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    url = "https://gw.example" + ("/openai" if where == "base_url" else "")
    headers = headers_of(AzureOpenAIAdapter(**{where: url}, api_version=VERSION))
    assert {"api-key", "authorization"} & set(headers) == set()


def test_openai_api_key_is_never_sent_to_azure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    with pytest.raises(ValueError, match="credentials missing"):
        AzureOpenAIAdapter(azure_endpoint=ENDPOINT)


def test_a_401_says_why_the_environment_key_was_kept_back(
    monkeypatch: pytest.MonkeyPatch, azure: respx.Router
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    azure.post(url__startswith="https://gw.example/").respond(
        401, json={"error": {"code": "401", "message": "Access denied"}}
    )
    chat = init_chat_model(
        "azure_openai:d", azure_endpoint="https://gw.example", api_version=VERSION, max_retries=0
    )
    with pytest.raises(AuthenticationError, match="AZURE_OPENAI_API_KEY") as info:
        chat.invoke("hi")
    assert KEY not in str(info.value)


# -- per-call tokens ---------------------------------------------------------------------


def tokens_seen(router: respx.Router, url: str = DEPLOYMENT_URL, stream: bool = False) -> list[str]:
    seen: list[str] = []

    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        assert "api-key" not in request.headers
        if stream:
            return httpx.Response(
                200, content=stream_events(), headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=completion())

    router.post(url__startswith=url).mock(side_effect=reply)
    return seen


def counter(prefix: str) -> Any:
    calls = []

    def provider() -> str:
        calls.append(1)
        return f"{prefix}-{len(calls)}"

    return provider


@pytest.mark.parametrize("stream", [False, True])
def test_sync_token_provider_is_called_for_every_call(azure: respx.Router, stream: bool) -> None:
    seen = tokens_seen(azure, stream=stream)
    chat = model(azure_ad_token_provider=counter("sync"))
    for _ in range(2):
        reply = merge_chunks(chat.stream("hi")) if stream else chat.invoke("hi")
        assert reply.text == "Hello!"
    assert seen == ["Bearer sync-1", "Bearer sync-2"]


@pytest.mark.parametrize("stream", [False, True])
async def test_async_token_provider_is_awaited_for_every_async_call(
    azure: respx.Router, stream: bool
) -> None:
    seen = tokens_seen(azure, stream=stream)
    calls = []

    async def provider() -> str:
        calls.append(1)
        return f"async-{len(calls)}"

    chat = model(azure_ad_token_provider=counter("sync"), azure_ad_async_token_provider=provider)
    for _ in range(2):
        if stream:
            reply = merge_chunks([c async for c in chat.astream("hi")])
        else:
            reply = await chat.ainvoke("hi")
        assert reply.text == "Hello!"
    assert seen == ["Bearer async-1", "Bearer async-2"]
    # Sync calls use the sync provider.
    assert (merge_chunks(chat.stream("hi")) if stream else chat.invoke("hi")).text == "Hello!"
    assert seen[-1] == "Bearer sync-1"


async def test_async_calls_use_the_sync_provider_without_an_async_one(
    azure: respx.Router,
) -> None:
    seen = tokens_seen(azure)
    await model(azure_ad_token_provider=counter("s")).ainvoke("hi")
    assert seen == ["Bearer s-1"]


def test_an_async_only_provider_refuses_sync_calls_before_sending(azure: respx.Router) -> None:
    seen = tokens_seen(azure)

    async def provider() -> str:
        return "t"

    with pytest.raises(ValueError, match="async calls only"):
        model(azure_ad_async_token_provider=provider).invoke("hi")
    assert seen == []


def test_a_provider_returning_no_token_fails_before_sending(azure: respx.Router) -> None:
    seen = tokens_seen(azure)
    with pytest.raises(ValueError, match="non-empty str"):
        model(azure_ad_token_provider=lambda: "").invoke("hi")
    assert seen == []


def test_no_token_or_key_in_reprs_or_errors(azure: respx.Router) -> None:
    azure.post(url__startswith=DEPLOYMENT_URL).respond(
        401, json={"error": {"code": "401", "message": "Unauthorized"}}
    )
    for settings in ({"azure_ad_token": TOKEN}, {"azure_ad_token_provider": lambda: TOKEN},
                     {"api_key": KEY}):  # fmt: skip
        chat = model(**settings)
        with pytest.raises(AuthenticationError) as info:
            chat.invoke("hi")
        request = chat.build_request("hi")
        shown = " ".join(
            [repr(chat), repr(chat.adapter), repr(request), str(info.value), repr(info.value)]
        )
        shown += repr(pickle.loads(pickle.dumps(info.value)).__dict__)
        assert TOKEN not in shown and KEY not in shown
        assert TOKEN not in repr(request.headers) and KEY not in repr(request.headers)
    assert "azure_ad_token_provider=<set>" in repr(model(azure_ad_token_provider=str).adapter)


# -- replies ---------------------------------------------------------------------------------


def test_model_version_is_appended_to_the_model_name(azure: respx.Router) -> None:
    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=completion(model="gpt-4o"))
    reply = model(model_version="2024-11-20").invoke("hi")
    assert reply.response_metadata["model_name"] == "gpt-4o-2024-11-20"


def test_a_streams_model_name_is_the_events_without_model_version() -> None:
    # As langchain-openai's AzureChatOpenAI streams it (only a reply gets the version).
    parser = AzureOpenAIAdapter(
        azure_endpoint="https://r.openai.azure.com", api_key="k", model_version="2024-11-20"
    ).stream_parser({})
    delta = {"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}
    event = {"id": "c1", "model": "gpt-4o", "choices": [delta]}
    chunk = parser.feed(SSEEvent(data=json.dumps(event)))
    assert chunk is not None and chunk.response_metadata["model_name"] == "gpt-4o"


def test_an_azure_reply_is_priced_by_its_model(azure: respx.Router) -> None:
    from chatplex.chat.accounting.cost import reply_cost

    azure.post(url__startswith=DEPLOYMENT_URL).respond(200, json=completion())
    cost = reply_cost(model().invoke("hi"), url=DEPLOYMENT_URL)
    assert cost is not None and cost["total"] > 0


def test_responses_where_is_beside_the_deployments_not_under_one() -> None:
    # The openai SDK sends `/responses` (not a deployments endpoint) to the resource.
    adapter = AzureOpenAIAdapter(
        azure_endpoint=ENDPOINT, api_version=VERSION, azure_deployment="prod", api_key=KEY
    )
    assert adapter.responses_where().url == f"{ENDPOINT}/openai/responses?api-version={VERSION}"
    v1 = AzureOpenAIAdapter(azure_endpoint=ENDPOINT, api_version="v1", api_key=KEY)
    assert v1.responses_where().url == f"{ENDPOINT}/openai/v1/responses"
