"""`RunnableBranch` beside langchain-core's: a badly formed branch is refused with the
same class and words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core._families import same


def _yes(x: Any) -> bool:
    return True


def _one(x: Any) -> int:
    return 1


FORMS: list[tuple[Any, ...]] = [
    (),
    (_one,),
    ("a", "b"),
    ((_yes, _one), (_yes, _one)),
    ((_yes, _one, _one), _one),
    ("x", _one),
]


@pytest.mark.parametrize("form", FORMS)
def test_a_bad_branch_is_refused_as_langchains(form: tuple[Any, ...]) -> None:
    def scenario(m: Any) -> Any:
        with pytest.raises((TypeError, ValueError)) as info:
            m.RunnableBranch(*form)
        return type(info.value).__name__, str(info.value)

    same(scenario)
