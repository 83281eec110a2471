"""langchain-google-genai's SDK client as the drop-in builds it (`genai_client.py`):
its User-Agent (with the telemetry tag where its variable is set), a legacy
`client_options` dict's endpoint, and an ImportError naming google-genai without it."""

from __future__ import annotations

import sys

import pytest

from chatplex.providers.google.genai_client import gemini_client

pytest.importorskip("google.genai")

AGENT = "langchain-google-genai/9.9.9-ChatGoogleGenerativeAI"


def _options(**keywords: object) -> object:
    return gemini_client(api_key="k-test", **keywords)._api_client._http_options  # type: ignore[arg-type]


def test_its_user_agent_then_the_scripts_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_AGENT_ENGINE_ID", raising=False)
    options = _options(headers={"user-agent": AGENT, "x-team": "a"}, api_version="v1")
    # (the SDK puts its own name first)
    assert options.headers["user-agent"].endswith(f" {AGENT}") and options.headers["x-team"] == "a"
    assert options.api_version == "v1"


def test_the_telemetry_tag_where_its_variable_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_AGENT_ENGINE_ID", "engine-1")
    options = _options(headers={"user-agent": AGENT})
    assert options.headers["user-agent"].endswith(f" {AGENT}+remote_reasoning_engine")
    # (a script's own User-Agent is sent as given)
    assert _options(headers={"user-agent": "mine/1"}).headers["user-agent"].endswith(" mine/1")


def test_a_client_options_dict_names_the_endpoint() -> None:
    options = _options(base_url={"api_endpoint": "https://gemini.example"})
    assert options.base_url == "https://gemini.example"


def test_without_google_genai_an_import_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.genai", None)
    with pytest.raises(ImportError, match="pip install google-genai"):
        gemini_client(api_key="k-test")
