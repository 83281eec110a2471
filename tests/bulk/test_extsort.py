from __future__ import annotations

import random
from pathlib import Path

import pytest

from chatplex.bulk.extsort import PairSorter
from chatplex.bulk.extsort import last_per_key


def test_pairs_come_back_in_order_holding_at_most_a_run(tmp_path: Path) -> None:
    rng = random.Random(7)
    pairs = [(rng.randrange(2**64), rng.randrange(2**64)) for _ in range(500)]
    pairs += [(2**64 - 1, 2**64 - 1), (0, 0), pairs[0]]  # the extremes, and a pair twice
    sorter = PairSorter(tmp_path, run_size=7, fan_in=3)  # many runs, merged in passes
    for a, b in pairs:
        sorter.add(a, b)
    assert sorter.most_held == 7
    merged = sorter.sorted()
    assert len(list(tmp_path.iterdir())) <= 3  # runs beyond fan_in merged before reading
    assert list(merged) == sorted(pairs)
    assert list(tmp_path.iterdir()) == []  # each run removed once read


def test_nothing_added_gives_nothing(tmp_path: Path) -> None:
    assert list(PairSorter(tmp_path).sorted()) == []


def test_sizes_that_cannot_sort_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="run_size"):
        PairSorter(tmp_path, run_size=0)
    with pytest.raises(ValueError, match="fan_in"):
        PairSorter(tmp_path, fan_in=1)


def test_last_per_key_keeps_the_largest_value_of_each_key() -> None:
    pairs = [(1, 5), (1, 9), (2, 3), (4, 1), (4, 2), (4, 7)]
    assert list(last_per_key(iter(pairs))) == [(1, 9), (2, 3), (4, 7)]
    assert list(last_per_key(iter([]))) == []
