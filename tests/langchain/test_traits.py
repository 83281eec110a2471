"""`partner_traits`: an adapter's partner record found by its class's method resolution
order, each class's provider package declaring its records (`partner.py`'s `TRAITS`)."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.langchain import traits as module
from chatplex.langchain.traits import partner_traits
from chatplex.langchain.traits import strict_dropped
from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter
from chatplex.providers.bedrock.partner import TRAITS as BEDROCK
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.partner import TRAITS as OPENAI


def test_a_subclasss_own_record_is_picked_over_its_bases() -> None:
    invoke = BedrockInvokeAdapter.__new__(BedrockInvokeAdapter)
    assert partner_traits(invoke) is BEDROCK["BedrockInvokeAdapter"]
    assert partner_traits(invoke) is not BEDROCK["BedrockAdapter"]
    assert not partner_traits(invoke).bind_strict  # its own; Converse's binds strict


def test_a_subclass_without_a_record_has_its_nearest_bases() -> None:
    class Signed(OpenAIAdapter):  # (declared in this test module: no partner.py beside it)
        pass

    assert partner_traits(Signed(api_key="k")) is OPENAI["OpenAIAdapter"]


def test_an_unknown_adapter_and_no_adapter_get_the_defaults() -> None:
    class Unknown(adapter_class("openai").__mro__[-2]):  # Adapter itself
        provider = "unknown"
        build_request = parse_response = stream_parser = map_error = budget_key = None

    assert partner_traits(Unknown()) == PartnerTraits()  # type: ignore[abstract]
    assert partner_traits(None) == PartnerTraits()


def test_groqs_record_drops_bind_strict_through_the_lookup() -> None:
    groq = adapter_class("groq")(api_key="k")
    assert not partner_traits(groq).bind_strict
    assert strict_dropped(groq, "llama-3.3-70b-versatile") == {"json_mode", "json_schema"}
    assert strict_dropped(None, "m") == frozenset()
    azure = adapter_class("azure_openai")(
        azure_endpoint="https://r.openai.azure.com", api_version="2024-10-21", api_key="k"
    )
    assert partner_traits(azure).call_max_tokens_field == "max_tokens"


def test_a_package_without_a_partner_module_declares_no_records() -> None:
    assert module._records("tests.langchain.test_traits") == {}
    assert module._records("builtins") == {}


def test_an_import_error_inside_a_partner_module_is_raised(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "brokenwire"  # type: ignore[operator]
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "partner.py").write_text("import no_such_module_for_chatplex_tests\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ModuleNotFoundError, match="no_such_module_for_chatplex_tests"):
            module._records("brokenwire.adapter")
    finally:
        for name in ("brokenwire", "brokenwire.partner"):
            sys.modules.pop(name, None)


def test_records_are_frozen_so_a_lookup_cannot_change_another_adapters() -> None:
    found = partner_traits(adapter_class("openai")(api_key="k"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.bind_strict = False  # type: ignore[misc]
