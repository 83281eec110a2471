"""`GenaiVertexAdapter` (providers/google/genai_vertex.py): langchain-google-genai's Gemini
translation sent where google-genai sends a Vertex AI client's calls. Where each call
goes and with which credential; what is sent and read is the Gemini adapter's
(tests/partners/google/test_google_vertex_backend_sidebyside.py holds both to the
partner)."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import HumanMessage
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.genai_vertex import GenaiVertexAdapter

credentials = pytest.importorskip("google.oauth2.credentials")


@pytest.fixture(autouse=True)
def _no_google_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_VERTEX_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _token(quota: str | None = None) -> Any:
    return credentials.Credentials(token="tok-1", quota_project_id=quota)


def _sent(
    adapter: GenaiVertexAdapter, model: str = "gemini-2.5-flash", stream: bool = False
) -> tuple[str, dict[str, str]]:
    request = adapter.build_request([HumanMessage("Hi")], CallSettings(model=model), stream=stream)
    return request.url, {k.lower(): str(v) for k, v in request.headers.items()}


@pytest.mark.parametrize(
    ("location", "url"),
    [
        (None, "https://aiplatform.googleapis.com/v1beta1/projects/p/locations/global/"),
        ("global", "https://aiplatform.googleapis.com/v1beta1/projects/p/locations/global/"),
        ("us", "https://aiplatform.us.rep.googleapis.com/v1beta1/projects/p/locations/us/"),
        (
            "europe-west4",
            "https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/p/locations/"
            "europe-west4/",
        ),
    ],
)
def test_a_project_s_calls_go_to_its_location_with_a_bearer_token(
    location: str | None, url: str
) -> None:
    adapter = GenaiVertexAdapter(project="p", location=location, credentials=_token())
    sent, headers = _sent(adapter)
    assert sent == url + "publishers/google/models/gemini-2.5-flash:generateContent"
    assert headers["authorization"] == "Bearer tok-1"
    assert "x-goog-api-key" not in headers
    assert isinstance(adapter, GeminiAdapter)  # (its translation and replies)


def test_model_names_are_named_as_google_genai_names_them() -> None:
    adapter = GenaiVertexAdapter(project="p", location="us-central1", credentials=_token())
    base = "https://us-central1-aiplatform.googleapis.com/v1beta1/"
    scoped = base + "projects/p/locations/us-central1/"
    for model, path in [
        ("models/gemini-2.5-flash", scoped + "publishers/google/models/gemini-2.5-flash"),
        ("meta/llama-4", scoped + "publishers/meta/models/llama-4"),
        ("publishers/google/models/g", scoped + "publishers/google/models/g"),
        ("projects/q/locations/l/endpoints/7", base + "projects/q/locations/l/endpoints/7"),
    ]:
        assert _sent(adapter, model, stream=True)[0] == f"{path}:streamGenerateContent?alt=sse"


def test_an_api_key_alone_is_express_mode() -> None:
    adapter = GenaiVertexAdapter(api_key="AQ-express")
    url, headers = _sent(adapter)
    assert url == (
        "https://aiplatform.googleapis.com/v1beta1/publishers/google/models/"
        "gemini-2.5-flash:generateContent"
    )
    assert headers["x-goog-api-key"] == "AQ-express" and "authorization" not in headers
    assert "AQ-express" not in repr(adapter)


def test_a_project_or_credentials_beside_a_key_win_over_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for given in ({"project": "p", "credentials": _token()}, {"credentials": _token()}):
        if "project" not in given:
            monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "from-env")
        url, headers = _sent(GenaiVertexAdapter(api_key="AQ-k", **given))
        assert "/projects/" in url and "x-goog-api-key" not in headers
        assert headers["authorization"] == "Bearer tok-1"


def test_the_credentials_quota_project_is_billed() -> None:
    adapter = GenaiVertexAdapter(project="p", credentials=_token(quota="billing"))
    assert _sent(adapter)[1]["x-goog-user-project"] == "billing"


def test_a_base_url_of_ones_own_needs_a_project_and_a_location() -> None:
    made = GenaiVertexAdapter(
        project="p", location="l", credentials=_token(), base_url="http://127.0.0.1:9"
    )
    assert _sent(made)[0].startswith("http://127.0.0.1:9/v1beta1/projects/p/locations/l/")
    with pytest.raises(NotImplementedError, match="a gateway's"):
        GenaiVertexAdapter(project="p", credentials=_token(), base_url="http://127.0.0.1:9")
    # One of Google's hosts is no gateway: the path is the usual one.
    google = GenaiVertexAdapter(
        project="p", credentials=_token(), base_url="https://private.googleapis.com"
    )
    assert _sent(google)[0].startswith("https://private.googleapis.com/v1beta1/projects/p/")


def test_bad_settings_are_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="api_version must look like"):
        GenaiVertexAdapter(project="p", credentials=_token(), api_version="beta")
    with pytest.raises(ValueError, match="location must be"):
        GenaiVertexAdapter(project="p", credentials=_token(), location="us central")
    with pytest.raises(NotImplementedError, match="batch prediction"):
        GenaiVertexAdapter(api_key="AQ-k").batch_api_for("gemini-2.5-flash")


def test_a_refusal_leaves_no_key_in_clear_in_its_frames() -> None:
    with pytest.raises(NotImplementedError, match="a gateway's") as raised:
        GenaiVertexAdapter(api_key="AQ-secret-77", credentials=_token(), base_url="http://h:1")
    frames = [
        frame
        for frame, _ in traceback.walk_tb(raised.value.__traceback__)
        if frame.f_code.co_filename.endswith("/google/genai_vertex.py")
    ]
    assert frames
    for frame in frames:
        assert "AQ-secret-77" not in repr(frame.f_locals)
