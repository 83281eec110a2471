"""`partner_traits`: an adapter's partner record found by its class's method resolution
order, each class's provider package declaring its records (`partner.py`'s `TRAITS`);
`missing_key_error`: what a drop-in raises built with no key, from that record."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters.partner_traits import MissingKeyForm
from chatplex.adapters.partner_traits import PartnerTraits
from chatplex.errors import ChatplexError
from chatplex.errors import MissingKeyError
from chatplex.langchain import traits as module
from chatplex.langchain.traits import missing_key_error
from chatplex.langchain.traits import partner_traits
from chatplex.langchain.traits import strict_dropped
from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter
from chatplex.providers.bedrock.partner import TRAITS as BEDROCK
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.partner import TRAITS as OPENAI
from tests._fresh import fresh_python


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


def test_missing_key_error_is_none_where_the_partner_raises_a_value_error() -> None:
    """No record names one (langchain-anthropic's, -google-genai's partners), or no wire
    was named: the drop-in lets chatplex's MissingKeyError through, which pydantic wraps
    in its ValidationError, as the partner's own validator's ValueError."""
    anthropic = adapter_class("anthropic")
    assert missing_key_error(MissingKeyError("no key", adapter_class=anthropic)) is None
    assert missing_key_error(MissingKeyError("no key")) is None


def test_missing_key_error_is_the_records_sdk_error_in_its_words_and_fields() -> None:
    form = MissingKeyForm(__name__, "SdkError", lambda: "set SDK_KEY", {"body": "b"}, args=())
    with pytest.MonkeyPatch.context() as patch:  # a record naming it, as a partner.py would
        patch.setattr(module, "_class_traits", lambda cls: PartnerTraits(missing_key=form))
        err = missing_key_error(MissingKeyError("no key", adapter_class=OpenAIAdapter))
    assert isinstance(err, SdkError) and isinstance(err, ChatplexError)
    assert not isinstance(err, ValueError)  # pydantic lets it through
    assert (type(err).__module__, type(err).__qualname__) == (__name__, "SdkError")
    assert (str(err), err.args, err.body) == ("set SDK_KEY", (), "b")  # type: ignore[attr-defined]


class SdkError(Exception):
    """An SDK's error class, for the record above (this module is imported)."""


def test_the_sdk_is_loaded_for_it_as_the_partner_package_imports_it() -> None:
    """The error is the SDK's class, named as it, whatever the script imported (a fresh
    interpreter imports none): its partner package imports its SDK with itself."""
    code = (
        "import sys\n"
        "from chatplex.errors import MissingKeyError\n"
        "from chatplex.langchain.traits import missing_key_error\n"
        "from chatplex.providers.compatible.adapter import preset_adapter_class as cls\n"
        "assert 'groq' not in sys.modules and 'openai' not in sys.modules, 'imported before'\n"
        "grq = missing_key_error(MissingKeyError('x', adapter_class=cls('groq')))\n"
        "together = missing_key_error(MissingKeyError('x', adapter_class=cls('together')))\n"
        "import groq, openai\n"
        "assert isinstance(grq, groq.GroqError) and isinstance(together, openai.OpenAIError)\n"
        "print(type(grq).__module__, type(grq).__name__, grq)\n"
        "print(type(together).__module__, type(together).__name__, together)\n"
    )
    out = fresh_python(code)
    groq, together = out.stdout.splitlines()
    assert groq.startswith("groq GroqError The api_key client option must be set")
    assert "GROQ_API_KEY environment variable" in groq
    assert together.startswith("openai OpenAIError ") and "OPENAI_API_KEY" in together
