"""chatplex/dropins.py: the table of drop-in names, and when they are LangChain chat
models."""

from __future__ import annotations

import importlib
import importlib.util

import pytest

from chatplex import dropins


@pytest.mark.parametrize("name", sorted(dropins.DROP_IN_MODULES))
def test_each_name_is_a_class_of_that_name_in_its_module(name: str) -> None:
    engine = getattr(importlib.import_module(dropins.DROP_IN_MODULES[name]), name)
    assert engine.__name__ == name


def test_langchain_is_wanted_where_langchain_core_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(dropins.LEAN_SWITCH, raising=False)
    assert dropins.langchain_wanted() is True  # the dev environment has langchain-core


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_the_lean_switch_keeps_the_engines(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(dropins.LEAN_SWITCH, value)
    assert dropins.langchain_wanted() is False


@pytest.mark.parametrize("value", ["", "0", "no"])
def test_other_values_of_the_switch_change_nothing(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(dropins.LEAN_SWITCH, value)
    assert dropins.langchain_wanted() is True


def test_without_langchain_core_the_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(dropins.LEAN_SWITCH, raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "langchain_core" else real(n, *a)
    )
    assert dropins.langchain_wanted() is False


def test_a_broken_install_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, *args: object) -> None:
        raise ValueError("langchain_core.__spec__ is None")

    monkeypatch.delenv(dropins.LEAN_SWITCH, raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", broken)
    assert dropins.langchain_wanted() is False
