"""Which backend langchain-google-genai's ChatGoogleGenerativeAI speaks to, and its
drop-in's: Vertex AI where `vertexai=True`, `GOOGLE_GENAI_USE_VERTEXAI` says so, or a
project or credentials are given; else the Gemini API. Both classes are built only: the
partner's SDK client says where it would send, the drop-in's adapter where it sends
(the calls themselves: test_google_vertex_backend_sidebyside.py)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import chatplex.langchain
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.genai_vertex import GenaiVertexAdapter

genai = pytest.importorskip("langchain_google_genai")
oauth2 = pytest.importorskip("google.oauth2.credentials")

_MODEL = "gemini-2.0-flash"


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    monkeypatch.delenv("GOOGLE_CLOUD_LOCATION", raising=False)
    monkeypatch.setenv("GOOGLE_API_KEY", "k-test")
    # (a project known: neither looks for Application Default Credentials when built)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-project")


def _partner_on_vertex(**keywords: Any) -> bool:
    """Whether the partner, built with `keywords`, would send to Vertex AI (its client's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = genai.ChatGoogleGenerativeAI(model=_MODEL, **keywords)
    return bool(model.client._api_client.vertexai)


def _backends(**keywords: Any) -> tuple[bool, bool]:
    """Whether the partner, then the drop-in, would send to Vertex AI."""
    ours = chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, **keywords)
    adapter = ours.chatplex_model.adapter
    assert isinstance(adapter, GeminiAdapter)
    return _partner_on_vertex(**keywords), isinstance(adapter, GenaiVertexAdapter)


def _token() -> Any:
    return oauth2.Credentials(token="tok-1")


@pytest.mark.parametrize(
    ("value", "vertexai"), [("true", None), ("1", None), ("YES", None), ("true", True)]
)
def test_the_variable_turns_both_to_vertex_ai(
    value: str, vertexai: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", value)
    keywords = {} if vertexai is None else {"vertexai": vertexai}
    assert _backends(**keywords) == (True, True)


@pytest.mark.parametrize("given", [{"project": "p"}, {"credentials": "token"}])
def test_a_project_or_credentials_turn_both_to_vertex_ai(given: dict[str, Any]) -> None:
    keywords = {k: _token() if v == "token" else v for k, v in given.items()}
    assert _backends(**keywords) == (True, True)
    # vertexai=False over them: the Gemini API (credentials are no key there: below)
    if "project" in given:
        assert _backends(vertexai=False, **keywords) == (False, False)


@pytest.mark.parametrize(
    ("value", "vertexai"), [("false", None), ("0", None), ("", None), ("yes", False)]
)
def test_the_variable_off_keeps_both_on_the_gemini_api(
    value: str, vertexai: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", value)
    keywords = {} if vertexai is None else {"vertexai": vertexai}
    assert _backends(**keywords) == (False, False)
    model = chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, **keywords)
    assert "generativelanguage.googleapis.com" in str(model.chatplex_model.adapter.base_url)


@pytest.mark.parametrize("value", ["true", "1"])
def test_vertexai_false_under_the_variable_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its Gemini API client reads the variable and sends to Vertex AI all the same
    (express mode, the key): not built; refused before any request, naming the way out."""
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", value)
    assert _partner_on_vertex(vertexai=False)
    with pytest.raises(TypeError, match="GOOGLE_GENAI_USE_VERTEXAI set is not supported"):
        chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, vertexai=False)


def test_credentials_on_the_gemini_api_are_its_missing_key() -> None:
    for cls in (genai.ChatGoogleGenerativeAI, chatplex.langchain.ChatGoogleGenerativeAI):
        with pytest.raises(ValueError, match="API key required for Gemini Developer API"):
            cls(model=_MODEL, vertexai=False, credentials=_token())


def test_a_gateway_of_ones_own_is_not_built() -> None:
    """A base URL of one's own without a project and a location given: google-genai sends
    every call (a count too) to that URL as it is; the drop-in says it is not built."""
    given = {"vertexai": True, "credentials": _token(), "base_url": "http://127.0.0.1:9/gw"}
    assert _partner_on_vertex(**given)
    with pytest.raises(NotImplementedError, match="a gateway's"):
        chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, **given)
