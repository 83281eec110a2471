"""`PartnerTraits`, the record of what a wire's LangChain partner package does
differently: its defaults are langchain-openai's ways (the Adapter's former defaults),
it is frozen, and a subclass's record is its base's with what differs replaced."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from chatplex.adapters import partner_traits as module
from chatplex.adapters.partner_traits import PartnerTraits


def test_the_defaults_are_the_plain_wires() -> None:
    plain = PartnerTraits()
    assert plain.bind_strict and plain.streams_json_format
    assert plain.response_format_class == "given"
    assert plain.strict_dropped == frozenset() and plain.strict_dropped_warning is None
    assert not (plain.binds_unset_tool_choice or plain.sends_unread_tool_choice)
    assert not (plain.true_choice_names_lone_tool or plain.binds_response_format)
    assert not (plain.think_stripped or plain.call_max_tokens_yields)
    assert (plain.builtin_tools, plain.invalid_arguments_words) == (None, None)
    assert plain.call_max_tokens_field is None
    assert plain.reply_sdk_models == {} and plain.metadata_sdk_models == {}
    # Every callable field's default is None: the behaviour its comment names.
    callables = [
        "bound_tool_form",
        "binds_as_given",
        "strict_dropped_for",
        "for_call",
        "partner_refusal",
        "check_partner_messages",
        "sdk_helper_adapter",
        "partner_reading",
    ]
    assert [getattr(plain, name) for name in callables] == [None] * len(callables)


def test_a_record_is_frozen_and_a_derived_one_replaces_only_what_differs() -> None:
    base = PartnerTraits(binds_unset_tool_choice=True, partner_refusal=lambda *a: "no")
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.bind_strict = False  # type: ignore[misc]
    derived = dataclasses.replace(base, bind_strict=False)
    assert not derived.bind_strict and derived.binds_unset_tool_choice
    assert derived.partner_refusal is base.partner_refusal
    assert PartnerTraits() == PartnerTraits() and derived != base


def test_the_module_imports_no_langchain_and_only_types_of_chatplex_beside_it() -> None:
    # A pure kit module: what it names of chatplex (Adapter, messages, SdkModel) is
    # imported for type checking only.
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    runtime = [node.module or "" for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert [name for name in runtime if "langchain" in name or name.startswith(".")] == []
    assert not hasattr(module, "Adapter") and not hasattr(module, "BaseMessage")
