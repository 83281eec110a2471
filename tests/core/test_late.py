"""The late slots (`core/_late.py`): what `Runnable`'s own methods build, filled by
`chatplex/core/__init__.py` before any runnable can exist."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from chatplex.core import ChatPromptTemplate
from chatplex.core import RunnableLambda
from chatplex.core import RunnableRetry
from chatplex.core import RunnableSequence
from chatplex.core import RunnableWithFallbacks
from chatplex.core import coerce_to_runnable
from chatplex.core._late import LATE
from chatplex.core._late import Late
from tests._fresh import fresh_python


def test_every_slot_is_filled_once_chatplex_core_is_imported() -> None:
    assert Late.__slots__  # the slots are declared ...
    missing = [slot for slot in Late.__slots__ if not hasattr(LATE, slot)]
    assert missing == []  # ... and all of them filled


def test_importing_only_the_lowest_module_fills_them_too() -> None:
    # `chatplex.core._late` cannot be imported without its package's __init__ running
    # first: a fresh interpreter that asks for nothing else still finds every slot filled.
    code = (
        "from chatplex.core._late import LATE, Late\n"
        "print(sorted(s for s in Late.__slots__ if not hasattr(LATE, s)))\n"
    )
    out = fresh_python(code)
    assert out.stdout.strip() == "[]"


def test_a_fresh_late_has_no_slot_filled() -> None:
    empty = Late()
    for slot in Late.__slots__:
        with pytest.raises(AttributeError):
            getattr(empty, slot)


def test_the_slots_hold_what_the_modules_above_base_define() -> None:
    assert LATE.coerce is coerce_to_runnable
    assert LATE.sequence is RunnableSequence
    assert LATE.retry is RunnableRetry
    assert LATE.fallbacks is RunnableWithFallbacks
    prompt = ChatPromptTemplate.from_template("{topic}")
    assert issubclass(LATE.input_schema(prompt), BaseModel)
    assert list(LATE.input_schema(prompt).model_fields) == ["topic"]
    assert issubclass(LATE.output_schema(prompt), BaseModel)


def test_runnable_methods_build_through_the_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[Any, ...]] = []

    def sequence(*steps: Any, name: str | None = None) -> str:
        built.append(steps)
        return "a sequence"

    monkeypatch.setattr(LATE, "sequence", sequence)
    first, second = RunnableLambda(lambda x: x), RunnableLambda(lambda x: x)
    assert first | second == "a sequence"
    assert first.pipe(second) == "a sequence"
    assert built == [(first, second), (first, second)]
    monkeypatch.setattr(
        LATE, "retry", lambda bound, **kw: ("retry", bound, kw["stop_after_attempt"])
    )
    assert first.with_retry(stop_after_attempt=5) == ("retry", first, 5)
