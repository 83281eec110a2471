"""How a chatplex class is held to its langchain-core counterpart, member by member.

The members are read from langchain-core at run time (its class's public names and its
pydantic fields), so a langchain-core release that adds one shows up here as a new
member without a counterpart. A member matches when chatplex's class has it, of the same
kind (a value, a method, a classmethod), with the same parameters: the same positional
names in order, the same keyword-only names, `*args`/`**kwargs` where LangChain takes
them, equal defaults where a default is a plain value, and the values a `Literal`
parameter allows. Other annotations are not compared: chatplex's types are its own classes.

Run `python -m tests.core._conformance` for the figures.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Defaults compared by value; any other default (a sentinel object, a factory) only
#: has to exist on both sides.
_PLAIN = (type(None), bool, int, float, str, tuple)

_VALUE, _METHOD, _CLASSMETHOD = "value", "method", "classmethod"


@dataclass(frozen=True)
class Counterpart:
    """A langchain-core class and chatplex's: its class and an instance to read values."""

    label: str
    langchain: type
    chatplex: type
    instance: Callable[[], Any]


def members(cls: type) -> list[str]:
    """LangChain's public members: its class's names and its pydantic fields."""
    names = {n for n in dir(cls) if not n.startswith("_")}
    names.update(n for n in getattr(cls, "model_fields", {}) if not n.startswith("_"))
    return sorted(names)


def _kind(cls: type, name: str, instance: Any = None) -> str | None:
    try:
        attr = inspect.getattr_static(cls, name)
    except AttributeError:
        if name in getattr(cls, "model_fields", {}):
            return _VALUE
        return _VALUE if instance is not None and hasattr(instance, name) else None
    if isinstance(attr, (classmethod, staticmethod)):
        return _CLASSMETHOD
    if inspect.isfunction(attr):
        return _METHOD
    return _VALUE  # a property, a field, a class attribute


def _signature(cls: type, name: str) -> inspect.Signature:
    return inspect.signature(getattr(cls, name))


def _same_default(theirs: Any, ours: Any) -> bool:
    if theirs is inspect.Parameter.empty:
        return True  # LangChain requires it; chatplex may give a default
    if ours is inspect.Parameter.empty:
        return False
    if isinstance(theirs, _PLAIN):
        return bool(theirs == ours)
    return True


_LITERAL = re.compile(r"Literal\[([^\]]*)\]")


def _literal_values(annotation: Any) -> set[str]:
    """The values a `Literal[...]` annotation allows (read from its text), else empty."""
    found = _LITERAL.search(str(annotation))
    return {v.strip() for v in found.group(1).split(",")} if found else set()


def signature_difference(theirs: inspect.Signature, ours: inspect.Signature) -> str | None:
    """What differs between two signatures, or None."""

    def split(sig: inspect.Signature) -> tuple[list[str], set[str], bool, bool]:
        kinds = inspect.Parameter
        params = list(sig.parameters.values())
        positional = [
            p.name for p in params if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
        ]
        keyword = {p.name for p in params if p.kind is kinds.KEYWORD_ONLY}
        return (
            positional,
            keyword,
            any(p.kind is kinds.VAR_POSITIONAL for p in params),
            any(p.kind is kinds.VAR_KEYWORD for p in params),
        )

    t_pos, t_kw, t_args, t_kwargs = split(theirs)
    o_pos, o_kw, o_args, o_kwargs = split(ours)
    if t_pos != o_pos:
        return f"positional parameters {t_pos} (chatplex: {o_pos})"
    if not t_kw <= o_kw and not o_kwargs:
        return f"keyword-only parameters {sorted(t_kw - o_kw)} missing"
    if t_kw != o_kw and not t_kw <= o_kw:
        return f"keyword-only parameters {sorted(t_kw)} (chatplex: {sorted(o_kw)})"
    if t_args and not o_args:
        return "*args missing"
    if t_kwargs and not o_kwargs:
        return "**kwargs missing"
    for name, param in theirs.parameters.items():
        mine = ours.parameters.get(name)
        if mine is not None and not _same_default(param.default, mine.default):
            return f"default of {name}: {param.default!r} (chatplex: {mine.default!r})"
        allowed = _literal_values(param.annotation)
        if mine is not None and allowed and not allowed <= _literal_values(mine.annotation):
            return f"{name} takes {sorted(allowed)} (chatplex: {mine.annotation})"
    return None


def check(pair: Counterpart, name: str) -> str | None:
    """None when chatplex's class has `name` as LangChain's has it, else what differs."""
    theirs = _kind(pair.langchain, name)
    ours = _kind(pair.chatplex, name, pair.instance())
    if ours is None:
        return "missing"
    if theirs == _VALUE or ours == _VALUE:
        return None if theirs == ours else f"a {ours} in chatplex, a {theirs} in LangChain"
    if theirs == _CLASSMETHOD and ours != _CLASSMETHOD:
        return "a method in chatplex, a classmethod in LangChain"
    try:
        their_sig = _signature(pair.langchain, name)
        our_sig = _signature(pair.chatplex, name)
    except (TypeError, ValueError):  # a builtin without a signature: existence is all
        return None
    return signature_difference(their_sig, our_sig)


@dataclass(frozen=True)
class Row:
    label: str
    member: str
    difference: str | None  # None: chatplex has it as LangChain has it
    reason: str | None  # the listed reason, if any
    reason_key: str | None

    @property
    def matching(self) -> bool:
        return self.difference is None and self.reason is None


#: How a reason for a member that chatplex has, as a stub raising NotImplementedError,
#: begins (its signature matches; what it does is not built).
NOT_BUILT = "not built yet"


def _reason_key(
    pair: Counterpart, name: str, difference: str | None, reasons: dict[str, str]
) -> str | None:
    """The reason that applies: the class's own ("Class.member"), else the member's in
    every class where chatplex's differs or is a stub (a pydantic model of chatplex's
    has pydantic's members, which other classes list a reason for)."""
    own = f"{pair.label}.{name}"
    if own in reasons:
        return own
    general = reasons.get(name)
    if general is not None and (difference is not None or general.startswith(NOT_BUILT)):
        return name
    return None


def survey(pairs: list[Counterpart], reasons: dict[str, str]) -> list[Row]:
    """One row per (class, LangChain member)."""
    rows = []
    for pair in pairs:
        for name in members(pair.langchain):
            difference = check(pair, name)
            key = _reason_key(pair, name, difference, reasons)
            rows.append(Row(pair.label, name, difference, reasons.get(key or ""), key))
    return rows


def figures(rows: list[Row]) -> list[str]:
    """Lines of members checked, matching and with reasons, per class and in all."""
    lines = []
    for label in dict.fromkeys(r.label for r in rows):
        mine = [r for r in rows if r.label == label]
        lines.append(_figure(label, mine))
    lines.append(_figure("all", rows))
    return lines


def _figure(label: str, rows: list[Row]) -> str:
    matching = sum(r.matching for r in rows)
    listed = sum(r.reason is not None for r in rows)
    return f"{label}: {len(rows)} members, {matching} matching, {listed} with reasons"


if __name__ == "__main__":
    from tests.core.test_conformance import PAIRS
    from tests.core.test_conformance import REASONS

    table = survey(PAIRS, REASONS)
    print("\n".join(figures(table)))  # noqa: T201
    for row in table:
        if row.difference is not None and row.reason is None:
            print(f"UNLISTED {row.label}.{row.member}: {row.difference}")  # noqa: T201
