"""Field values built on first read: a reply's `response_metadata` (`LazyMetadata`) and
`usage_metadata` (`LazyValue`) are made only when someone reads them, through the
`BuiltOnRead` descriptor `_messages.py` puts on those fields. Most replies of a batch are
never asked for them.

A reply is read on two threads when it is traced: the caller's and the tracer's sender's
(which writes the run). Whichever builds a value first keeps it in the message
(`keep_first`): both threads get that one object, and an edit made to it is not
replaced by the other thread's build."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = [
    "LAZY_TYPES",
    "PENDING",
    "BuiltOnRead",
    "DerivedOnRead",
    "LazyMetadata",
    "LazyValue",
    "keep_first",
]


class LazyMetadata:
    """A reply's `response_metadata` not built yet: the dict is made on first read.

    Most replies of a batch are never asked for their metadata, and most of it is the
    same for every reply of a model (provider, model name, fingerprint, tier): `head` is
    one dict shared by those replies (never handed out, never mutated), `keys`/`values`
    the reply's own entries. Reading `message.response_metadata` builds a fresh `dict`
    (head's entries in order, the reply's own values in their places or after), stores it
    in the message and returns it, so what a user sees and mutates is the reply's own
    dict, as before; equality, repr, pickling, copies and dumps all read it that way.
    """

    __slots__ = ("head", "keys", "values")

    def __init__(self, head: dict[str, Any], keys: tuple[str, ...], values: tuple[Any, ...]):
        self.head = head
        self.keys = keys
        self.values = values

    def build(self) -> dict[str, Any]:
        """The metadata as the reply's own dict (its dict values copied too: a `LazyValue`
        may be built from the same token usage, and must not see the user's edits)."""
        meta = dict(self.head)
        for key, value in zip(self.keys, self.values, strict=True):
            # (a call only for a dict value: one per value was a third of the build)
            meta[key] = _own_copy(value) if type(value) is dict else value
        return meta

    def get(self, key: str) -> Any:
        """One entry, without building the dict."""
        for own, value in zip(self.keys, self.values, strict=True):
            if own == key:
                return value
        return self.head.get(key)


def _own_copy(value: Any) -> Any:
    if type(value) is dict:
        # A copy (C), then its nested dicts copied in their places (their order kept): no
        # comprehension's frame, a call only for a nested dict (a traced reply's token
        # usage is built on the tracer's thread).
        copied = value.copy()
        for key, item in value.items():
            if type(item) is dict:
                copied[key] = _own_copy(item)
        return copied
    return value


class LazyValue:
    """A field value made on first read, `make(source)` (an AI message's
    `usage_metadata` from the reply's raw usage: three dicts a reply fewer while no one
    reads it). `make` must return a fresh value each call and leave `source` as it is."""

    __slots__ = ("make", "source")

    def __init__(self, make: Callable[[Any], Any], source: Any) -> None:
        self.make = make
        self.source = source

    def build(self) -> Any:
        """The value."""
        return self.make(self.source)


#: The types `BuiltOnRead` builds on first read.
LAZY_TYPES = (LazyMetadata, LazyValue)


class BuiltOnRead:
    """`BaseMessage.response_metadata` / `AIMessage.usage_metadata`: a `LazyMetadata` or
    `LazyValue` in the slot is built on first read (and the value kept). Writes go
    straight to the slot."""

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, owner)
        while type(value) in LAZY_TYPES:  # (again if another lazy value replaced it)
            value = keep_first(self.slot, obj, value, value.build())
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)


#: Held only to compare and store a slot (`keep_first`), never while building.
_STORING = threading.Lock()


def keep_first(slot: Any, obj: Any, unbuilt: Any, built: Any) -> Any:
    """Store `built` in `obj`'s `slot` if it still holds `unbuilt`, and return what the
    slot holds then: another thread's build that got there first is kept (the user may
    already be editing it), and both threads return the same object."""
    _STORING.acquire()  # (not `with`: twice the cost)
    try:
        now = slot.__get__(obj)
        if now is unbuilt:
            slot.__set__(obj, built)
            now = built
    finally:
        _STORING.release()
    return now


#: A slot's value not derived yet (`DerivedOnRead`).
PENDING: Any = object()


class DerivedOnRead:
    """A slot's value, derived by `derive(obj)` the first time it is read after it was set
    to `PENDING` (a chunk's tool calls, from its fragments). Writes go straight to the
    slot (the dataclass `__init__` and users assigning calls)."""

    __slots__ = ("derive", "slot")

    def __init__(self, slot: Any, derive: Callable[[Any], None]) -> None:
        self.slot, self.derive = slot, derive

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.slot.__get__(obj, owner)
        if value is PENDING:
            self.derive(obj)
            value = self.slot.__get__(obj, owner)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)
