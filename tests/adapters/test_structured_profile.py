"""`StructuredProfile`: a wire's structured-output facts, one frozen record."""

from __future__ import annotations

import dataclasses

import pytest

from chatplex.adapters.structured_profile import StructuredProfile


def test_the_defaults_are_the_chat_completions_wire_s() -> None:
    profile = StructuredProfile()
    assert (profile.method, profile.json_mode) == (None, "json_mode")
    assert not (profile.schema_enforced or profile.strict_refused or profile.partials)
    assert (profile.parsed_key, profile.parsed_none) == (False, True)
    assert (profile.forces_tool_call, profile.tools_refused, profile.tool_choice) == (
        True,
        None,
        None,
    )


def test_a_single_call_is_asked_only_with_the_forced_tool_settings() -> None:
    assert StructuredProfile().single_call("gpt-4o") is False
    forced = StructuredProfile(forced_tool_settings=True)
    assert forced.single_call("any-model") is True
    azure = dataclasses.replace(forced, single_call_models=frozenset({"gpt-4o"}))
    assert (azure.single_call("gpt-4o"), azure.single_call("my-deployment")) == (True, False)
    converse = dataclasses.replace(forced, single_call_models=frozenset())
    assert converse.single_call("gpt-4o") is False


def test_the_record_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        StructuredProfile().method = "json_schema"  # type: ignore[misc]


def test_the_module_examples_hold() -> None:
    import doctest

    from chatplex.adapters import structured_profile

    failures, tried = doctest.testmod(structured_profile)
    assert (failures, tried > 0) == (0, True)
