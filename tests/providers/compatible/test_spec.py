"""The OpenAI-compatible providers' declared names: one per profile."""

from __future__ import annotations

from chatplex.providers.compatible.adapter import PROFILES
from tests.providers._speccheck import check_wire


def test_one_spec_per_profile() -> None:
    specs = {s.name: s for s in check_wire("compatible").SPECS}
    assert set(specs) == set(PROFILES)
    assert specs["groq"].langchain_class == "ChatGroq"
    assert specs["openrouter"].adapter.endswith(":OpenRouterAdapter")


def test_every_dropin_row_names_a_profile_and_has_its_class() -> None:
    from chatplex.providers.compatible.dropin import preset_dropin_class
    from chatplex.providers.compatible.spec import DROPINS

    assert set(DROPINS) <= set(PROFILES)
    assert all(preset_dropin_class(name).dropin is DROPINS[name] for name in DROPINS)
