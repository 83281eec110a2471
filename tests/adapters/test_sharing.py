"""The kit's one-copy helpers (`adapters/sharing.py`): every wire's reply parser shares
repeated strings, usage keys and constant metadata heads through them."""

from __future__ import annotations

import pytest

from chatplex.adapters import sharing
from chatplex.adapters.sharing import OWN_HEAD_KEYS
from chatplex.adapters.sharing import shared
from chatplex.adapters.sharing import shared_keys
from chatplex.adapters.sharing import shared_template
from chatplex.adapters.sharing import shared_tuple


def test_equal_strings_become_one_copy_and_other_values_pass_through() -> None:
    built = "".join(["end", "_turn"])
    assert shared(built) is shared("end_turn") and shared(built) == "end_turn"
    assert shared(None) is None and shared(3) == 3
    listed = ["a"]
    assert shared(listed) is listed


def test_usage_keys_are_interned_at_every_depth_and_values_kept() -> None:
    raw = {"".join(["in", "put"]): 3, "details": {"".join(["ca", "ched"]): 1}, 2: [1]}
    copied = shared_keys(raw)
    assert copied == raw and copied is not raw and copied["details"] is not raw["details"]
    key = next(iter(copied))
    assert key is shared("input")
    assert next(iter(copied["details"])) is shared("cached")


def test_a_template_blanks_the_reply_own_entries_and_is_one_dict_per_constants() -> None:
    head_1 = {"id": "r-1", "model_name": "m", "request_id": "q-1", "service_tier": "x"}
    head_2 = {"id": "r-2", "model_name": "m", "request_id": "q-2", "service_tier": "x"}
    one, two = shared_template(head_1), shared_template(head_2)
    assert one is two
    assert one == {"id": None, "model_name": "m", "request_id": None, "service_tier": "x"}
    assert set(OWN_HEAD_KEYS) == {"id", "request_id"}
    assert shared_template({**head_1, "model_name": "other"}) is not one
    assert shared_tuple(("a", "b")) is shared_tuple(tuple(["a", "b"]))


def test_the_shared_table_is_bounded_and_unhashable_values_are_not_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharing, "_SHARED", {})
    monkeypatch.setattr(sharing, "_SHARED_MAX", 4)
    for i in range(10):
        shared_template({"id": i, "system_fingerprint": f"fp_{i}"})
        assert len(sharing._SHARED) <= 4
    odd = {"system_fingerprint": ["a list"]}
    assert shared_template(odd) == odd and shared_template(odd) is not shared_template(odd)
