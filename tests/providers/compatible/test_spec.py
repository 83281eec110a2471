"""The OpenAI-compatible providers' declared names: one per profile."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

from chatplex.providers.compatible import presets_chat_openai
from chatplex.providers.compatible import presets_default_reading
from chatplex.providers.compatible import presets_own_reading
from chatplex.providers.compatible.preset import Preset
from chatplex.providers.compatible.spec import PRESETS
from chatplex.providers.compatible.spec import PROFILES
from chatplex.specs import chat_completions_servers
from tests.providers._speccheck import check_wire


def test_one_spec_per_profile() -> None:
    specs = {s.name: s for s in check_wire("compatible").SPECS}
    assert set(specs) == set(PROFILES)
    assert specs["groq"].langchain_class == "ChatGroq"
    assert specs["openrouter"].adapter.endswith(":OpenRouterAdapter")


def test_every_dropin_row_names_a_profile_and_has_its_record() -> None:
    from chatplex.providers.compatible.dropin import preset_record_of
    from chatplex.providers.compatible.spec import DROPINS

    assert set(DROPINS) <= set(PROFILES)
    assert all(preset_record_of(name).build is not None for name in DROPINS)


#: The modules of presets_own_reading/, a row each.
OWN_READING = tuple(
    importlib.import_module(f"{presets_own_reading.__name__}.{module.name}")
    for module in pkgutil.iter_modules(presets_own_reading.__path__)
)


def test_every_written_row_is_a_preset_once_and_the_declared_servers_the_rest() -> None:
    modules = (*OWN_READING, presets_chat_openai, presets_default_reading)
    written = [row for m in modules for row in vars(m).values() if isinstance(row, Preset)]
    assert written and all(PRESETS.count(row) == 1 for row in written)
    rest = [row for row in PRESETS if row not in written]
    declared = [(name, url, price) for name, _, url, price in chat_completions_servers()]
    assert declared, "no folder declares an OpenAI-compatible endpoint"
    assert [(r.profile.name, r.profile.base_url, r.price_id) for r in rest] == declared


#: The rows naming their LangChain partner class.
PARTNERED = [row for row in PRESETS if row.named_dropin and row.named_dropin.partner_class]


@pytest.mark.parametrize("row", PARTNERED, ids=lambda row: row.profile.name)
def test_a_row_is_written_beside_those_of_its_partner_s_kind(row: Preset) -> None:
    """A `BaseChatOpenAI` partner's row is in presets_chat_openai.py, and only there (where
    the partner package is installed)."""
    base = pytest.importorskip("langchain_openai.chat_models.base").BaseChatOpenAI
    dropin = row.named_dropin
    assert dropin is not None and dropin.partner_class is not None
    path, _, name = dropin.partner_class.partition(":")
    partner: Any = getattr(pytest.importorskip(path), name)
    written_as_subclass = row in vars(presets_chat_openai).values()
    assert issubclass(partner, base) == written_as_subclass


@pytest.mark.parametrize(
    "module", OWN_READING, ids=lambda module: module.__name__.rpartition(".")[2]
)
def test_an_own_reading_row_reads_replies_as_its_partner_does_not_as_langchain_openai(
    module: Any,
) -> None:
    (row,) = [row for row in vars(module).values() if isinstance(row, Preset)]
    style = row.profile.style
    assert style is not None  # no refusal or parsed key
    assert not style.refusal_key and not style.parsed_key
    # The raw calls kept in additional_kwargs, but by langchain-openrouter.
    assert style.raw_tool_calls == (row.profile.name != "openrouter")
