"""`Introspection` (`core/_introspection.py`): the event, log and schema accessors every
runnable has, each a thin door to its implementation module."""

from __future__ import annotations


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import _introspection

    failures, _ = doctest.testmod(_introspection, optionflags=doctest.ELLIPSIS)
    assert failures == 0
