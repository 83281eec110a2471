"""Which backend langchain-google-genai's `ChatGoogleGenerativeAI` speaks to (its
`_determine_backend`): Vertex AI where `vertexai=True`, else where
`GOOGLE_GENAI_USE_VERTEXAI` says so, else where credentials or a project are given; the
Gemini API otherwise. Its drop-in (`dropin.py`) and the SDK client it builds for a
script (`genai_client.py`) both ask.

>>> on_vertex(None, None, "my-project"), on_vertex(False, None, "my-project")
(True, False)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["SDK_ON", "VARIABLE", "on_gemini_api", "on_vertex", "vertex_express"]

#: The variable that turns the class to Vertex AI where `vertexai` is not given.
VARIABLE = "GOOGLE_GENAI_USE_VERTEXAI"
#: Its values for Vertex AI and for the Gemini API, as the class reads them.
_ON, _OFF = ("true", "1", "yes"), ("false", "0", "no")
#: Its values google-genai's client reads for Vertex AI even where the class asked for
#: the Gemini API (`vertexai=False`).
SDK_ON = ("true", "1")


def on_vertex(vertexai: bool | None, credentials: Any, project: str | None) -> bool:
    """Whether the class sends to Vertex AI, of its `vertexai`, `credentials` and
    `project` fields and the environment."""
    if vertexai is not None:
        return bool(vertexai)
    switch = os.environ.get(VARIABLE, "").lower()
    if switch in _ON or switch in _OFF:
        return switch in _ON
    return credentials is not None or project is not None


def on_gemini_api(values: Mapping[str, Any]) -> bool:
    """Whether a constructor's keywords (before validation) choose the Gemini API, where
    LangSmith's gateway applies (it proxies no Vertex AI)."""
    return not on_vertex(values.get("vertexai"), values.get("credentials"), values.get("project"))


def vertex_express(credentials: Any, project: str | None, location: str | None) -> bool:
    """Whether google-genai's Vertex AI client takes an API key (express mode): only where
    no credentials, project or location are given nor `GOOGLE_CLOUD_PROJECT` /
    `GOOGLE_CLOUD_LOCATION` set, which win over a key it reads from the environment (as
    langchain-google-genai hands it its key)."""
    named = project or location or os.environ.get("GOOGLE_CLOUD_PROJECT")
    return credentials is None and not (named or os.environ.get("GOOGLE_CLOUD_LOCATION"))
