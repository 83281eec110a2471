"""Whether a frame's locals show a needle as `traceback` renders them (`repr`), with what
the frames still running have already found clean remembered (`Looks`).

The frame watch of tests/test_secrets.py looks at a frame at each call it makes, and
most of its locals are then the same objects, unchanged, as at its previous look: a
value found clean is shown again only when its state differs (an object's own
attributes; a plain container's items, at every depth of plain containers: the
objects, held so that their ids stay theirs), or once the frame whose look found it
returned or yielded. A value whose state is the same objects, one of which changed in
place (a dict an attribute holds, an object in a list), is shown again at the first
look after that frame's end, or at a look that meets the changed one with its own
state changed.
"""

from __future__ import annotations

import collections
from itertools import compress
from itertools import repeat
from types import BuiltinFunctionType
from types import FrameType
from types import FunctionType
from types import MemberDescriptorType
from types import MethodType
from types import ModuleType
from typing import Any

#: Plain containers: the repr of one is its items' (and keys') reprs between brackets,
#: commas, colons and spaces, so a needle holding none of those is in it only if it is
#: in one of its items'.
CONTAINERS = frozenset({dict, list, tuple, set, frozenset})
_IS_CONTAINER = CONTAINERS.__contains__
_DELIMITERS = set("{}[](),: ")
#: Types whose repr holds no needle: a number's, None's, True's and False's are made of
#: these characters alone (`Looks` checks that every needle has one they lack).
_NOT_SHOWING = frozenset({type(None), bool, int, float, complex})
_NUMBER_CHARACTERS = set("0123456789+-.()eEjinfaNoTrulsF")
#: Objects whose repr is their name (a class's, a function's, a module's): shown each
#: look, as cheap as a look at their state would be.
_NAMED = (type, FunctionType, BuiltinFunctionType, ModuleType)
#: Kinds holding state beyond their attributes (items, an exception's arguments): never
#: taken as unchanged by their attributes (a plain container's items are its state).
_STATE_BEYOND_ATTRIBUTES = (
    dict,
    list,
    set,
    frozenset,
    tuple,
    bytearray,
    collections.deque,
    BaseException,
)
_UNSET = object()


def _items(container: Any) -> tuple[Any, ...]:
    return (*container, *container.values()) if type(container) is dict else tuple(container)


def _state(container: Any) -> tuple[tuple[int, ...], list[Any]]:
    """A plain container's items, and those of every plain container among them at every
    depth: their ids (each container's preceded by its length, so that no two shapes
    read alike) and the objects themselves, held while the state is remembered so that
    no other object can take one of their ids."""
    held: list[Any] = []
    ids: list[int] = []
    pending = [container]
    within = {id(container)}
    while pending:
        items = _items(pending.pop())
        held.extend(items)
        ids.append(len(items))
        ids.extend(map(id, items))
        for item in compress(items, map(_IS_CONTAINER, map(type, items))):
            if id(item) not in within:
                within.add(id(item))
                pending.append(item)
    return tuple(ids), held


_SLOTS: dict[type, tuple[MemberDescriptorType, ...]] = {}
_READ_SLOT = MemberDescriptorType.__get__


def _read_slot(slot: MemberDescriptorType, value: Any) -> Any:
    try:
        return _READ_SLOT(slot, value)
    except AttributeError:
        return _UNSET


def _attributes(value: Any) -> tuple[tuple[int, ...], list[Any]] | None:
    """An object's own attributes (its `__dict__`'s names and values, its slots'
    values) as `_state` gives them, not the items of its containers (None: it has no
    attributes, or state beyond them)."""
    if isinstance(value, _STATE_BEYOND_ATTRIBUTES):
        return None
    kind = type(value)
    slots = _SLOTS.get(kind)
    if slots is None:
        found = (d for k in kind.__mro__ for d in vars(k).values())
        slots = _SLOTS[kind] = tuple(d for d in found if type(d) is MemberDescriptorType)
    try:
        attributes = object.__getattribute__(value, "__dict__")
    except AttributeError:
        attributes = None
    if type(attributes) is not dict:
        if not slots:
            return None
        attributes = {}
    try:
        values = [*attributes, *attributes.values(), *map(_READ_SLOT, slots, repeat(value))]
    except AttributeError:  # (a slot never set)
        values = [*attributes, *attributes.values(), *(_read_slot(s, value) for s in slots)]
    return (len(attributes), *map(id, values)), values


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception as exc:  # noqa: BLE001 - a repr that raises is a bug too
        return f"<repr raised {exc!r}>"


class Looks:
    """Looks at frames' locals for `needles` (strs that no repr escapes), remembering
    what each look found clean until its frame returns or yields (`forget`)."""

    def __init__(self, needles: tuple[str, ...]) -> None:
        assert all(repr(n) == f"'{n}'" and repr(n.encode()) == f"b'{n}'" for n in needles)
        assert not any(_DELIMITERS & set(n) for n in needles)
        assert all(set(n) - _NUMBER_CHARACTERS for n in needles)
        self._needles = needles
        self._bytes_needles = tuple(n.encode() for n in needles)
        # id -> (its state's ids, the objects held, the id of the frame whose look found it)
        self._clean: dict[int, tuple[tuple[int, ...], list[Any], int]] = {}
        self._found_by: dict[int, list[int]] = {}

    def showing(self, frame: FrameType) -> list[str]:
        """The names of `frame`'s locals whose repr holds a needle."""
        # One look: an object met twice (`self`, and a bound method's `__self__`) is
        # looked at once, and a container met within itself shows "..." there.
        results: dict[int, bool] = {}
        owner = id(frame)
        return [n for n, v in frame.f_locals.items() if self._shows(v, owner, results)]

    def forget(self, frame: FrameType) -> None:
        """What `frame`'s looks found: its frame no longer runs (or waits)."""
        owner = id(frame)
        for key in self._found_by.pop(owner, ()):
            known = self._clean.get(key)
            if known is not None and known[2] == owner:
                del self._clean[key]

    def _in_text(self, text: str) -> bool:
        return any(needle in text for needle in self._needles)

    def _shows(self, value: Any, owner: int, results: dict[int, bool]) -> bool:
        kind = type(value)
        if kind in _NOT_SHOWING:
            return False
        if kind is str:  # (its own text: a needle is in it exactly where in its repr)
            return self._in_text(value)
        if kind is bytes:
            return any(needle in value for needle in self._bytes_needles)
        if kind is MethodType:  # (its repr: its name and its object's repr)
            name = str(getattr(value.__func__, "__qualname__", ""))
            return self._in_text(name) or self._shows(value.__self__, owner, results)
        key = id(value)
        known = results.get(key)
        if known is not None:
            return known
        results[key] = False
        if isinstance(value, _NAMED) or kind.__repr__ is object.__repr__:
            results[key] = found = self._in_text(_repr(value))
            return found
        container = kind in CONTAINERS
        state = _state(value) if container else _attributes(value)
        remembered = self._clean.get(key)
        if state is not None and remembered is not None and remembered[0] == state[0]:
            return False
        if container:
            found = any(self._shows(item, owner, results) for item in _items(value))
        else:
            found = self._in_text(_repr(value))
        results[key] = found
        if found:
            self._clean.pop(key, None)
        elif state is not None:
            self._clean[key] = (*state, owner)
            self._found_by.setdefault(owner, []).append(key)
        return found
