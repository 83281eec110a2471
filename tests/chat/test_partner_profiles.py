"""The partner profiles chatplex ships, read below `chatplex.langchain`: the table by
name (the same object each time), the first profile of the names a partner looks up."""

from __future__ import annotations

import json
from pathlib import Path

from chatplex.chat.partner_profiles import found_profile
from chatplex.chat.partner_profiles import profile_table

SHIPPED = Path(__file__).resolve().parents[2] / "chatplex" / "langchain" / "profiles"


def test_a_table_is_the_shipped_file_read_once() -> None:
    shipped = json.loads((SHIPPED / "aws.json").read_text(encoding="utf-8"))
    assert profile_table("aws") == shipped
    assert profile_table("aws") is profile_table("aws")
    assert profile_table(None) == {}


def test_the_first_name_with_a_profile_wins_and_is_a_copy() -> None:
    base = "anthropic.claude-opus-4-7"
    found = found_profile("aws", ("us.not-a-model", base, "amazon.nova-2-lite-v1:0"))
    assert found == profile_table("aws")[base]
    found["reasoning_effort_levels"] = []
    assert profile_table("aws")[base]["reasoning_effort_levels"]
    assert found_profile("aws", ("nothing",)) == {}
    assert found_profile(None, (base,)) == {}
