from __future__ import annotations

from chatplex.bulk import idset
from chatplex.bulk.idset import IdSet
from chatplex.bulk.idset import id_key


def test_keys_tell_types_apart_and_are_stable() -> None:
    assert id_key(1) != id_key("1")
    assert id_key("abc") == id_key("abc")
    assert 0 <= id_key("abc") < 2**64


def test_membership_across_merges(monkeypatch) -> None:
    monkeypatch.setattr(idset, "_MIN_PENDING", 8)  # force many merges into the sorted array
    ids = IdSet()
    keys = [id_key(f"row-{i}") for i in range(1000)]
    for key in keys[:500]:
        ids.add(key)
    ids.add(keys[0])  # adding twice keeps one
    assert len(ids) == 500
    assert all(key in ids for key in keys[:500])
    assert not any(key in ids for key in keys[500:])
    assert len(ids._sorted) > 0  # merged, not all pending
    assert list(ids._sorted) == sorted(ids._sorted)
