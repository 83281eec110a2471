"""VertexAIAdapter (`providers/google/vertex_adapter.py`): its URLs, credentials (bearer tokens
refreshed, express mode's key), model resource names, replies and errors named by its
provider, and the requests langchain-google-vertexai sends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.sse_event import SSEEvent
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.vertex_adapter import VertexAIAdapter
from chatplex.providers.google.vertex_adapter import vertex_model_name
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google.test_adapter import HI
from tests.providers.google.test_adapter import KEY


@pytest.mark.parametrize("stream", [False, True])
def test_vertex_writes_tool_results_and_the_system_as_langchain_google_vertexai(
    stream: bool,
) -> None:
    """Vertex AI's wire sends a text tool result as `{"content": ...}` and the system
    instruction with its role, as its partner does; the Gemini API's keeps its own."""
    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"}
    history = [
        SystemMessage("Be brief."),
        HumanMessage("Weather?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("Sunny", tool_call_id="c1"),
    ]
    settings = CallSettings(model="m")
    vertex = VertexAIAdapter(project="p", location="us-central1", api_key=KEY)
    sent = vertex.build_request(history, settings, stream=stream).json
    assert sent["systemInstruction"]["role"] == "system"
    answer = sent["contents"][2]["parts"][0]["functionResponse"]
    assert answer == {"name": "get_weather", "response": {"content": "Sunny"}}
    gemini = GeminiAdapter(api_key=KEY).build_request(history, settings, stream=stream).json
    assert "role" not in gemini["systemInstruction"]
    assert gemini["contents"][2]["parts"][0]["functionResponse"]["response"] == {"output": "Sunny"}


class FakeCredentials:
    """What google-auth credentials look like to the adapter."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.valid = False
        self.refreshes = 0
        self.project_id = "creds-project"

    def refresh(self, request: Any) -> None:
        self.refreshes += 1
        self.token, self.valid = f"ya29.token-{self.refreshes}", True


def test_vertex_urls_and_bearer_tokens_refreshed_when_expired() -> None:
    creds = FakeCredentials()
    adapter = VertexAIAdapter(project="my-proj", location="europe-west4", credentials=creds)
    request = adapter.build_request(HI, CallSettings(model="gemini-2.5-pro"), stream=True)
    assert request.url == (
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-proj/locations/"
        "europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
    )
    assert request.headers["Authorization"] == "Bearer ya29.token-1"
    adapter.build_request(HI, CallSettings(model="m"), stream=False)
    assert creds.refreshes == 1  # still valid: reused
    creds.valid = False  # expired
    again = adapter.build_request(HI, CallSettings(model="m"), stream=False)
    assert again.headers["Authorization"] == "Bearer ya29.token-2" and creds.refreshes == 2
    for shown in (repr(adapter), repr(again), repr(again.headers), str(adapter.budget_key("m"))):
        assert "ya29" not in shown


def test_vertex_project_from_credentials_and_global_location(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "global")
    adapter = VertexAIAdapter(credentials=FakeCredentials())
    request = adapter.build_request(HI, CallSettings(model="gemini-2.5-flash"), stream=False)
    assert request.url == (
        "https://aiplatform.googleapis.com/v1/projects/creds-project/locations/global/"
        "publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert adapter.provider == "google_vertexai"


def test_bad_input_fails_before_the_token_refresh() -> None:
    creds = FakeCredentials()
    adapter = VertexAIAdapter(project="p", credentials=creds)
    with pytest.raises(ValueError):
        adapter.build_request([], CallSettings(model="m"), stream=False)
    assert creds.refreshes == 0


def test_vertex_express_mode_uses_an_api_key_and_no_project() -> None:
    adapter = VertexAIAdapter(api_key=KEY, location="global")
    request = adapter.build_request(HI, CallSettings(model="gemini-2.5-flash"), stream=False)
    assert request.url == (
        "https://aiplatform.googleapis.com/v1/publishers/google/models/"
        "gemini-2.5-flash:generateContent"
    )
    assert request.headers["x-goog-api-key"] == KEY and "Authorization" not in request.headers
    assert KEY not in repr(adapter)
    with pytest.raises(ValueError, match="not both"):
        VertexAIAdapter(api_key=KEY, credentials=FakeCredentials())


def test_vertex_replies_name_their_provider() -> None:
    adapter = VertexAIAdapter(project="p", credentials=FakeCredentials())
    raw = json.dumps(
        {"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]}
    ).encode()
    assert adapter.parse_response(raw, {}).response_metadata["model_provider"] == "google_vertexai"
    first = adapter.stream_parser({}).feed(SSEEvent(data=raw.decode()))
    assert first is not None and first.response_metadata["provider"] == "google_vertexai"


def test_a_vertex_reply_without_model_version_is_named_by_the_model_asked() -> None:
    shared = VertexAIAdapter(project="p", credentials=FakeCredentials())
    reply = {"candidates": [{"content": {"parts": [{"text": "ok"}]}}, {"index": 1}]}
    raw = json.dumps(reply).encode()
    asked = shared.for_model("gemini-2.5-flash").parse_response(raw, {})
    others = asked.response_metadata["other_candidates"]
    assert asked.response_metadata["model_name"] == "gemini-2.5-flash"
    assert others[0].response_metadata["model_name"] == "gemini-2.5-flash"
    named = json.dumps({**reply, "modelVersion": "gemini-2.5-flash-001"}).encode()
    kept = shared.for_model("gemini-2.5-flash").parse_response(named, {})
    assert kept.response_metadata["model_name"] == "gemini-2.5-flash-001"
    assert shared.parse_response(raw, {}).response_metadata["model_name"] is None


def test_vertex_errors_name_their_provider() -> None:
    from chatplex.errors import APIError

    adapter = VertexAIAdapter(project="p", credentials=FakeCredentials())
    failed = json.dumps({"error": {"code": 500, "message": "boom"}}).encode()
    with pytest.raises(APIError) as info:
        adapter.parse_response(failed, {})
    assert info.value.provider == "google_vertexai"
    with pytest.raises(APIError) as info:
        adapter.stream_parser({}).feed(SSEEvent(data=failed.decode()))
    assert info.value.provider == "google_vertexai"
    assert adapter.map_error(500, b"{}", {}).provider == "google_vertexai"


def test_vertex_model_name_is_langchain_google_vertexais_rule() -> None:
    google = "projects/p/locations/l/publishers/google/models/m"
    assert vertex_model_name("m", "p", "l") == vertex_model_name("models/m", "p", "l") == google
    meta = "publishers/meta/models/llama"
    assert vertex_model_name(meta, "p", "l") == f"projects/p/locations/l/{meta}"
    endpoint = "projects/p/locations/l/endpoints/123"
    assert vertex_model_name(endpoint, "p", "l") == endpoint
    assert vertex_model_name("m", "p", "l", express=True) == "publishers/google/models/m"


@pytest.mark.parametrize("parallel", [False, True])
def test_vertex_sends_nothing_of_parallel_tool_calls_as_langchain_google_vertexai(
    parallel: bool,
) -> None:
    # langchain-google-vertexai binds parallel_tool_calls and drops it without a word
    # (Vertex AI has no such setting): the drop-in's request goes without it, sync and async.
    import asyncio

    from chatplex.langchain import ChatVertexAI
    from tests.providers.google._gemini_fake import FakeCredentials
    from tests.providers.google._gemini_fake import Gemini

    def book(day: str) -> str:
        """Book a table."""
        return day

    server = Gemini()
    model = ChatVertexAI(
        model="gemini-2.5-flash",
        project="p",
        credentials=FakeCredentials(),
        http_client=server.client(),
        http_async_client=server.async_client(),
    )
    bound = model.bind_tools([book], parallel_tool_calls=parallel)
    bound.invoke("Book Monday")
    asyncio.run(bound.ainvoke("Book Monday"))
    assert len(server.requests) == 2
    for number in (0, 1):
        body = server.body(number)
        assert [d["name"] for d in body["tools"][0]["functionDeclarations"]] == ["book"]
        assert "parallel" not in json.dumps(body).lower()


@pytest.mark.parametrize(("choice", "mode"), [("any", "ANY"), ("required", "ANY")])
def test_vertex_sends_any_with_no_tools_as_langchain_google_vertexai(
    choice: str, mode: str
) -> None:
    # A drop-in binds it (`keeps_choice_without_tools`), as langchain-google-vertexai
    # does, which sends mode ANY with no function declared ('required' as a function of
    # that name, which Vertex AI refuses: the side matrix's kept row).
    assert VertexAIAdapter.keeps_choice_without_tools
    settings = CallSettings(model="gemini-2.5-flash", tool_choice=choice, tool_list_bound=True)
    vertex = VertexAIAdapter(project="p", location="us-central1", api_key=KEY)
    body = vertex.build_request(HI, settings, stream=False).json
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": mode}}
    assert "tools" not in body


def test_the_credentials_quota_project_goes_with_each_request() -> None:
    """As google-auth applies credentials (`x-goog-user-project`), over one given in
    any spelling; none where the credentials name no quota project."""
    oauth2 = pytest.importorskip("google.oauth2.credentials")
    billed = oauth2.Credentials("t", quota_project_id="billing-1")
    adapter = VertexAIAdapter(
        project="p", credentials=billed, default_headers={"X-Goog-User-Project": "other"}
    )
    request = adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert [v for k, v in request.headers.items() if k.lower() == "x-goog-user-project"] == [
        "billing-1"
    ]
    plain = VertexAIAdapter(project="p", credentials=oauth2.Credentials("t"))
    request = plain.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert not [k for k in request.headers if k.lower() == "x-goog-user-project"]


def test_a_model_named_by_its_own_resource_path_is_called_at_that_path() -> None:
    # As the aiplatform client routes `model`: a tuned model's endpoint (any path that is
    # not a publisher's model) under the API version, not under publishers/google/models.
    adapter = VertexAIAdapter(project="p", location="europe-west4", credentials=FakeCredentials())
    endpoint = "projects/p/locations/europe-west4/endpoints/123"
    base = "https://europe-west4-aiplatform.googleapis.com/v1/"

    def url(model: str, on: VertexAIAdapter = adapter) -> str:
        return on.build_request(HI, CallSettings(model=model), stream=False).url

    assert url(endpoint) == f"{base}{endpoint}:generateContent"
    assert url("models/gemini-2.5-pro") == (
        f"{base}projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro"
        ":generateContent"
    )
    adapter.resource = endpoint  # every call goes there, whatever model it names
    assert url("gemini-2.5-pro") == f"{base}{endpoint}:generateContent"
    with pytest.raises(ValueError, match="not a Gemini model name"):
        url("projects/p/../x", VertexAIAdapter(project="p", credentials=FakeCredentials()))


def test_as_partner_a_reply_and_its_stream_are_named_by_the_model_asked() -> None:
    # langchain-google-vertexai names replies by its model_name, not the reply's
    # modelVersion (a tuned endpoint's reply names its base model).
    shared = VertexAIAdapter(project="p", credentials=FakeCredentials(), as_partner=True)
    reply = {"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]}
    raw = json.dumps({**reply, "modelVersion": "gemini-2.5-flash-001"}).encode()
    asked = shared.for_model("projects/p/locations/l/endpoints/1")
    assert asked.parse_response(raw, {}).response_metadata["model_name"] == asked.model
    chunk = asked.stream_parser({}).feed(SSEEvent(data=raw.decode()))
    assert chunk is not None and chunk.response_metadata["model_name"] == asked.model
    own = VertexAIAdapter(project="p", credentials=FakeCredentials()).for_model("m")
    assert own.parse_response(raw, {}).response_metadata["model_name"] == "gemini-2.5-flash-001"
    chunk = own.stream_parser({}).feed(SSEEvent(data=raw.decode()))
    assert chunk is not None and chunk.response_metadata["model_name"] == "gemini-2.5-flash-001"
