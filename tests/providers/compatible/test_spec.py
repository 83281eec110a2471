"""The OpenAI-compatible providers' declared names: one per profile."""

from __future__ import annotations

from chatplex.adapters.compatible import PROFILES
from tests.providers._speccheck import check_wire


def test_one_spec_per_profile() -> None:
    specs = {s.name: s for s in check_wire("compatible").SPECS}
    assert set(specs) == set(PROFILES)
    assert specs["groq"].langchain_class == "ChatGroq"
    assert specs["openrouter"].adapter.endswith(":OpenRouterAdapter")
