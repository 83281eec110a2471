"""Claude on Vertex AI's adapter: Anthropic's body at Vertex AI's rawPredict, its token."""

from __future__ import annotations

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import HumanMessage
from chatplex.providers.google.anthropic_vertex import AnthropicVertexAdapter
from chatplex.providers.google.anthropic_vertex import default_base_url

MODEL = "claude-sonnet-4-5@20250929"


def _request(stream: bool, **settings: object) -> object:
    adapter = AnthropicVertexAdapter(project="p-1", location="europe-west1", access_token="tok")
    return adapter.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=stream)


@pytest.mark.parametrize("stream", [False, True])
def test_the_request_is_anthropics_body_at_its_model_endpoint(stream: bool) -> None:
    request = _request(stream)
    method = "streamRawPredict" if stream else "rawPredict"
    assert request.url == (
        "https://europe-west1-aiplatform.googleapis.com/v1/projects/p-1/locations/"
        f"europe-west1/publishers/anthropic/models/{MODEL}:{method}"
    )
    assert "model" not in request.json and request.json["anthropic_version"]
    assert request.json.get("stream", False) is stream
    assert request.headers["Authorization"] == "Bearer tok"
    assert not any(name.lower() == "anthropic-version" for name in request.headers)
    assert "tok" not in repr(request.headers)


def test_the_base_url_of_each_region() -> None:
    assert default_base_url("us") == "https://aiplatform.us.rep.googleapis.com/v1"
    assert default_base_url("global") == "https://aiplatform.googleapis.com/v1"


def test_a_project_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    with pytest.raises(ValueError, match="project"):
        AnthropicVertexAdapter(access_token="tok")


def test_no_batch_api() -> None:
    adapter = AnthropicVertexAdapter(project="p", access_token="tok")
    with pytest.raises(NotImplementedError, match="google_anthropic_vertex"):
        adapter.batch_api_for(MODEL)
