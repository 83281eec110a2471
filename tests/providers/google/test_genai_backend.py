"""`genai_backend`: langchain-google-genai's choice of backend (`on_vertex`), in its order:
`vertexai` given, then `GOOGLE_GENAI_USE_VERTEXAI`, then credentials or a project; and
when google-genai's Vertex AI client takes a key (`vertex_express`)."""

from __future__ import annotations

import pytest

from chatplex.providers.google.genai_backend import on_vertex
from chatplex.providers.google.genai_backend import vertex_express


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


@pytest.mark.parametrize(
    ("variables", "credentials", "project", "location", "expected"),
    [
        ({}, None, None, None, True),  # a key alone: express mode
        ({}, object(), None, None, False),  # credentials win over the key
        ({}, None, "p", None, False),
        ({}, None, None, "us-central1", False),
        ({"GOOGLE_CLOUD_PROJECT": "p"}, None, None, None, False),  # so does the environment's
        ({"GOOGLE_CLOUD_LOCATION": "eu"}, None, None, None, False),
    ],
)
def test_express_mode_is_a_key_with_nothing_else_to_name_the_project(
    variables: dict[str, str],
    credentials: object,
    project: str | None,
    location: str | None,
    expected: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert vertex_express(credentials, project, location) is expected
