"""A message's `.text` beside langchain-core's: a str that a script written for LangChain
before 1.0 may still call (`.text()`, with a deprecation warning), also as a chain's
`StrOutputParser` gives it."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def test_text_is_a_str_that_can_still_be_called() -> None:
    def scenario(m: Any) -> Any:
        message = m.AIMessage(content=[{"type": "text", "text": "a"}, "b"])
        parsed = m.StrOutputParser().invoke(m.AIMessage("hi"))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            called = message.text()
        return (
            type(message.text).__name__,
            isinstance(message.text, str),
            message.text,
            called,
            type(called).__name__,
            [issubclass(w.category, DeprecationWarning) for w in caught],
            type(parsed).__name__,
            parsed.upper(),
        )

    assert same(scenario)[3] == "ab"
