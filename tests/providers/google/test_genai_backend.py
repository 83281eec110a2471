"""`genai_backend.on_vertex`: langchain-google-genai's choice of backend, in its order:
`vertexai` given, then `GOOGLE_GENAI_USE_VERTEXAI`, then credentials or a project."""

from __future__ import annotations

import pytest

from chatplex.providers.google.genai_backend import on_vertex


@pytest.mark.parametrize(
    ("variable", "vertexai", "credentials", "project", "expected"),
    [
        (None, None, None, None, False),  # the Gemini API by default
        (None, None, object(), None, True),  # credentials are Vertex AI's
        (None, None, None, "p", True),  # so is a project
        (None, False, object(), "p", False),  # vertexai given decides
        ("TRUE", None, None, None, True),
        ("yes", None, None, None, True),
        ("no", None, object(), "p", False),  # the variable decides before them
        ("0", True, None, None, True),  # vertexai given decides before it
        ("maybe", None, None, None, False),  # a value it does not read: as unset
        ("maybe", None, None, "p", True),
    ],
)
def test_the_backend_is_chosen_in_langchain_google_genai_s_order(
    variable: str | None,
    vertexai: bool | None,
    credentials: object,
    project: str | None,
    expected: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if variable is None:
        monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    else:
        monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", variable)
    assert on_vertex(vertexai, credentials, project) is expected
