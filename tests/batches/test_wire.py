"""custom ids: unique by construction, valid for both providers, mapped back exactly."""

from __future__ import annotations

import pytest

from chatplex.batches.wire import CUSTOM_ID_PATTERN, Limits, custom_id, index_of


def test_ids_are_unique_valid_and_map_back() -> None:
    ids = [custom_id("cpb0123abcd", i) for i in range(120_000)]
    assert len(set(ids)) == len(ids)  # duplicates are impossible: one id per index
    assert all(CUSTOM_ID_PATTERN.match(cid) for cid in (ids[0], ids[-1]))
    assert [index_of("cpb0123abcd", cid, 120_000) for cid in ids[:3]] == [0, 1, 2]
    assert index_of("cpb0123abcd", ids[-1], 120_000) == 119_999


@pytest.mark.parametrize(
    "cid", ["other-1", "cpb0123abcd-", "cpb0123abcd-x", "cpb0123abcd-5", 7, None, "cpb0123abcd"]
)
def test_ids_this_batch_never_sent_map_to_none(cid: object) -> None:
    assert index_of("cpb0123abcd", cid, 5) is None


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Limits(0, 10)
