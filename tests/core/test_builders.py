"""`Builders` (`core/_builders.py`): the methods every runnable has that build another
runnable from it -- composition, bindings, retries, fallbacks."""

from __future__ import annotations

from chatplex.core import RunnableRetry
from chatplex.core import RunnableSequence
from chatplex.core import RunnableWithFallbacks
from tests.core._echo import Echo


def test_composition_methods() -> None:
    echo = Echo()
    assert echo.with_config(run_name="renamed").get_name() == "renamed"
    assert isinstance(echo | (lambda x: x), RunnableSequence)
    assert isinstance((lambda x: x) | echo, RunnableSequence)
    assert len(echo.pipe(lambda x: x, lambda x: x).steps) == 3
    retry = echo.with_retry(stop_after_attempt=4, retry_if_exception_type=(KeyError,))
    assert isinstance(retry, RunnableRetry) and retry.bound is echo
    fallbacks = echo.with_fallbacks([Echo()], exceptions_to_handle=(KeyError,))
    assert isinstance(fallbacks, RunnableWithFallbacks) and fallbacks.runnable is echo


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import _builders

    failures, tried = doctest.testmod(_builders)
    assert failures == 0 and tried > 0
