"""The shapes of the presets' profiles (chatplex/providers/compatible/profile.py)."""

from __future__ import annotations

import dataclasses

import pytest

from chatplex.providers.compatible.profile import OPENAI_USAGE_NULLS
from chatplex.providers.compatible.profile import Profile
from chatplex.providers.compatible.profile import ReplyStyle
from chatplex.providers.compatible.profile import StopRule


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


def test_a_stop_rule_reads_profiled_models_by_profile_and_others_by_name() -> None:
    rule = StopRule(
        profiled=frozenset({"r-1"}),
        listed=frozenset({"r-1", "r-plain"}),
        prefixes=("r-",),
        words=("fast",),
    )
    assert rule.drops("r-1") and not rule.drops("r-plain")  # the profile decides
    assert rule.drops("r-9") and rule.drops("x-fast-2") and not rule.drops("x-2")


def test_xais_stop_rule_lists_its_shipped_profiles() -> None:
    """The xAI row's profiled models are the shipped profiles' (profiles/xai.json), by
    `reasoning_output`; and agree with langchain-xai's own rule where it is installed."""
    from chatplex.chat.partner_profiles import profile_table
    from chatplex.providers.compatible.adapter import preset_adapter_class

    rule = preset_adapter_class("xai").profile.stop_dropped
    assert rule is not None
    table = profile_table("xai")
    assert rule.listed == set(table)
    assert rule.profiled == {n for n, p in table.items() if p.get("reasoning_output")}
    chat_models = pytest.importorskip("langchain_xai.chat_models")
    for name in [*table, "grok-4", "grok-3-mini", "grok-code-fast-1", "grok-2"]:
        profile = chat_models._get_default_model_profile(name)
        theirs = (
            bool(profile.get("reasoning_output"))
            if profile
            else chat_models._model_rejects_stop(name)
        )
        assert rule.drops(name) is theirs, name
