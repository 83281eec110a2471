"""The Mistral AI preset (chatplex/providers/compatible/presets_own_reading/mistralai.py)."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible.presets_own_reading.mistralai import MISTRALAI


def test_its_body_defaults_and_seed_name_are_langchain_mistralai_s() -> None:
    """langchain-mistralai sends its `top_p` default in every body, and names the seed
    `random_seed`: the row's defaults and rename are the same."""
    chat_mistralai = pytest.importorskip("langchain_mistralai").ChatMistralAI
    defaults = chat_mistralai(api_key="k")._default_params
    dropin = MISTRALAI.named_dropin
    assert dropin is not None and dropin.body_defaults
    assert {key: defaults[key] for key in dropin.body_defaults} == dropin.body_defaults
    assert MISTRALAI.profile.renames == {"seed": "random_seed"}
    assert "random_seed" in chat_mistralai.model_fields and "seed" not in defaults
