"""The shapes of the presets' profiles (chatplex/providers/compatible/profile.py)."""

from __future__ import annotations

import dataclasses

import pytest

from chatplex.providers.compatible.profile import OPENAI_USAGE_NULLS
from chatplex.providers.compatible.profile import Profile
from chatplex.providers.compatible.profile import ReplyStyle


def test_usage_nulls_are_the_optional_fields_of_the_openai_sdks_usage_models() -> None:
    usage = pytest.importorskip("openai.types.completion_usage")
    models = {
        "": usage.CompletionUsage,
        "prompt_tokens_details": usage.PromptTokensDetails,
        "completion_tokens_details": usage.CompletionTokensDetails,
    }
    for where, names in OPENAI_USAGE_NULLS:
        optional = {n for n, f in models[where].model_fields.items() if not f.is_required()}
        assert set(names) == optional, where


def test_a_style_defaults_to_chatopenais_usage_nulls_and_profiles_are_frozen() -> None:
    assert ReplyStyle("deepseek").usage_nulls == OPENAI_USAGE_NULLS
    profile = Profile("local", "Local", "http://127.0.0.1:1/v1")
    assert profile.style is None and profile.key_variables == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.base_url = "http://elsewhere"  # type: ignore[misc]
