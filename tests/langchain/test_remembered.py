"""`Remembered`: what a drop-in keeps to answer faster is never part of its state."""

from __future__ import annotations

import copy
import pickle

from chatplex.langchain.remembered import Remembered
from chatplex.langchain.sdk_clients import ClientCache


class _Kept(Remembered):
    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: list[int] = []


def test_two_of_a_kind_are_equal_whatever_they_remember() -> None:
    full, empty = _Kept(), _Kept()
    full.values.append(1)
    assert full == empty and hash(full) == hash(empty)
    assert full != ClientCache() and ClientCache() != full
    assert full != object()


def test_a_copy_or_a_pickle_starts_with_nothing_remembered() -> None:
    full = _Kept()
    full.values.append(1)
    for other in (copy.deepcopy(full), pickle.loads(pickle.dumps(full))):
        assert type(other) is _Kept and other.values == []


def test_the_drop_ins_caches_are_remembered() -> None:
    clients = ClientCache()
    clients.get("client", object)
    assert clients == ClientCache() and repr(copy.deepcopy(clients)) == "ClientCache([])"
