"""`providers/compatible/preset_dropin.py`: what a preset's class does with its
constructor's keywords, as functions of its row (the drop-in's behaviour through them is
tests/providers/compatible/test_dropin.py's and the side-by-side suites')."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.chat.params import SettingRefused
from chatplex.providers.compatible.preset_dropin import aliases
from chatplex.providers.compatible.preset_dropin import declared_names
from chatplex.providers.compatible.preset_dropin import form_of
from chatplex.providers.compatible.preset_dropin import move_to_model_kwargs
from chatplex.providers.compatible.preset_dropin import responses_settings
from chatplex.providers.compatible.preset_dropin import sorted_keywords
from chatplex.providers.compatible.preset_dropin import structured_method
from chatplex.providers.compatible.preset_dropin import unnamed_parameters
from chatplex.providers.compatible.spec import DROPINS
from tests._warns import warns_nothing

_KNOWN = frozenset({"seed", "top_logprobs"})


def _held(name: str) -> Any:
    return None


def test_each_keyword_goes_where_its_row_says() -> None:
    row = DROPINS["groq"]
    kept = sorted_keywords(
        row,
        "ChatGroq",
        {"reasoning_format": "parsed", "seed": 3, "top_logprobs": None},
        known=_KNOWN,
        held=_held,
    )
    assert kept.body == {row.body["reasoning_format"]: "parsed"}
    assert kept.api_params == {"seed": 3}  # (a None is LangChain's "unset")


def test_an_unknown_keyword_is_a_type_error_naming_the_closest() -> None:
    with pytest.raises(TypeError, match="seed"):
        sorted_keywords(DROPINS["groq"], "ChatGroq", {"seeed": 1}, known=_KNOWN, held=_held)


def test_a_refused_setting_is_taken_at_the_value_its_class_holds() -> None:
    row = DROPINS["groq"]
    refused = next(iter(row.refused))
    held = sorted_keywords(row, "ChatGroq", {refused: "x"}, known=_KNOWN, held=lambda n: "x")
    assert held.api_params == held.body == {}
    with pytest.raises(SettingRefused, match=rf"ChatGroq\({refused}=\.\.\.\)"):
        sorted_keywords(row, "ChatGroq", {refused: "y"}, known=_KNOWN, held=lambda n: "x")


def test_an_ignored_setting_warns_only_when_given() -> None:
    row = DROPINS["xai"]
    name = next(iter(row.ignored))
    with pytest.warns(DeprecationWarning):
        sorted_keywords(row, "ChatXAI", {name: {"mode": "auto"}}, known=_KNOWN, held=_held)
    with warns_nothing():
        sorted_keywords(row, "ChatXAI", {name: None}, known=_KNOWN, held=_held)


def test_a_moved_keyword_lands_in_model_kwargs_once() -> None:
    row = next(r for r in DROPINS.values() if r.moved)
    name = row.moved[0]
    params: dict[str, Any] = {name: 5}
    with pytest.warns(UserWarning):
        move_to_model_kwargs(row, params)
    assert params == {"model_kwargs": {name: 5}}
    with pytest.raises(ValueError, match=f"Found {name} supplied twice"):
        move_to_model_kwargs(row, {name: 5, "model_kwargs": {name: 6}})


def test_the_responses_switch_is_taken_out_of_the_api_parameters() -> None:
    row = DROPINS["xai"]
    params: dict[str, Any] = {"reasoning": {"effort": "low"}, "seed": 1}
    chosen = responses_settings(row, "ChatXAI", params, None, "grok-4")
    assert chosen.settings == {"reasoning": {"effort": "low"}} and chosen.by_fields
    assert params == {"seed": 1}
    assert responses_settings(row, "ChatXAI", {}, None, "grok-4").settings is None


def test_names_of_the_row() -> None:
    row = DROPINS["mistralai"]
    assert aliases(row)["endpoint"] == "base_url"
    assert set(aliases(row)) <= set(declared_names(row))
    assert structured_method(DROPINS["deepseek"], "json_schema") == "function_calling"
    assert structured_method(row, None) is None
    unnamed = unnamed_parameters(row, declared_names(row))
    assert unnamed and not unnamed & set(declared_names(row))
    kept_in = form_of(row, unnamed).get("kept_in", {})
    assert all(kept_in[name] == "model_kwargs" for name in unnamed)
