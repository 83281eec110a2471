"""Groq's `executed_tools` as langchain-groq keeps them: dumped by the groq SDK's model
(its declared fields, null where unsent), a stream delta's trimmed; as sent where the
SDK is not there (side by side with langchain-groq: tests/partners/compatible/
test_groq_compound_sidebyside.py)."""

from __future__ import annotations

import pytest

from chatplex.providers.compatible import executed_tools

SEARCH = {"index": 0, "type": "search", "arguments": '{"query": "weather"}'}


def test_each_is_dumped_with_every_field_the_sdk_declares() -> None:
    pytest.importorskip("groq")
    (dumped,) = executed_tools.dumped([{**SEARCH, "output": "Sunny"}])
    assert dumped == {
        **SEARCH,
        "output": "Sunny",
        "browser_results": None,
        "code_results": None,
        "search_results": None,
    }


def test_what_is_no_list_or_no_dict_is_kept_as_sent() -> None:
    assert executed_tools.dumped("ran") == "ran"
    assert executed_tools.dumped([SEARCH, "x"])[1] == "x"


def test_a_deltas_call_with_its_output_keeps_its_index_and_output_alone() -> None:
    assert executed_tools.streamed([{**SEARCH, "output": "Sunny"}]) == [
        {"index": 0, "output": "Sunny"}
    ]


def test_a_deltas_call_without_output_keeps_all_but_the_output() -> None:
    (delta,) = executed_tools.streamed([{**SEARCH, "output": None}])
    assert "output" not in delta
    assert {k: delta[k] for k in SEARCH} == SEARCH


def test_without_the_sdk_they_are_kept_as_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executed_tools, "_model", lambda: None)
    assert executed_tools.dumped([SEARCH]) == [SEARCH]
    assert executed_tools.streamed([{**SEARCH, "output": "Sunny"}]) == [
        {"index": 0, "output": "Sunny"}
    ]
