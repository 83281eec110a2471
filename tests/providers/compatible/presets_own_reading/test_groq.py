"""The Groq preset (chatplex/providers/compatible/presets_own_reading/groq.py)."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.presets_own_reading.groq import GROQ


def test_its_strict_schema_models_are_langchain_groq_s() -> None:
    """langchain-groq keeps a json_schema's `strict` on these models only (elsewhere it
    drops it): the row names the same."""
    chat_models = pytest.importorskip("langchain_groq.chat_models")
    assert GROQ.profile.strict_schema_models == chat_models._STRICT_STRUCTURED_OUTPUT_MODELS
