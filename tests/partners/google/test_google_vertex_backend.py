"""Where langchain-google-genai's ChatGoogleGenerativeAI speaks to Vertex AI instead of
the Gemini API (`GOOGLE_GENAI_USE_VERTEXAI` set, or a `project` given), its drop-in,
which speaks the Gemini API only, refuses before any request, naming ChatVertexAI; it
never sends to the Gemini API what the partner sends to Vertex AI. Both classes are
built only: the partner's SDK client says where it would send."""

from __future__ import annotations

import warnings

import pytest

import chatplex.langchain

genai = pytest.importorskip("langchain_google_genai")

_MODEL = "gemini-2.0-flash"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    monkeypatch.setenv("GOOGLE_API_KEY", "k-test")


def _partner_on_vertex(**keywords: object) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = genai.ChatGoogleGenerativeAI(model=_MODEL, **keywords)
    return bool(model.client._api_client.vertexai)


@pytest.mark.parametrize(
    ("value", "vertexai"),
    # (its SDK reads "true" and "1" over a vertexai=False given; the partner, "yes" too)
    [("true", None), ("1", None), ("YES", None), ("true", False), ("1", False)],
)
def test_the_variable_turns_the_partner_to_vertex_and_the_drop_in_refuses(
    value: str, vertexai: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", value)
    keywords = {} if vertexai is None else {"vertexai": vertexai}
    assert _partner_on_vertex(**keywords)
    with pytest.raises(
        TypeError, match="GOOGLE_GENAI_USE_VERTEXAI set is not supported.*ChatVertexAI"
    ):
        chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, **keywords)


def test_a_project_turns_the_partner_to_vertex_and_the_drop_in_refuses() -> None:
    assert _partner_on_vertex(project="p")
    with pytest.raises(TypeError, match=r"\(project=\.\.\.\) is not supported.*ChatVertexAI"):
        chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, project="p")


@pytest.mark.parametrize(
    ("value", "vertexai"), [("false", None), ("0", None), ("", None), ("yes", False)]
)
def test_the_variable_off_keeps_both_on_the_gemini_api(
    value: str, vertexai: bool | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", value)
    keywords = {} if vertexai is None else {"vertexai": vertexai}
    assert not _partner_on_vertex(**keywords)
    model = chatplex.langchain.ChatGoogleGenerativeAI(model=_MODEL, **keywords)
    assert "generativelanguage.googleapis.com" in str(model.chatplex_model.adapter.base_url)
