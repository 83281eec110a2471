"""The warnings a partner class gives at construction, given in its words and class:
LangChain's moved-to-model_kwargs `UserWarning` (at the line the partner's points at)
and the "Unexpected argument" record some classes log."""

from __future__ import annotations

import doctest
import logging
import warnings
from typing import Any

import pytest

from chatplex.chat import partner_warnings
from chatplex.chat.partner_warnings import moved_to_model_kwargs
from chatplex.chat.partner_warnings import refuse_given_twice
from chatplex.chat.partner_warnings import say_moved
from chatplex.chat.partner_warnings import unexpected_argument
from chatplex.specs import MoveWarning
from tests._warns import warns_nothing


def test_doctests() -> None:
    assert doctest.testmod(partner_warnings).failed == 0


def _build(params: dict[str, Any], outer: int = 0) -> bool:
    return moved_to_model_kwargs(params, "stream_usage", outer=outer)


def test_a_given_keyword_is_taken_out_with_langchains_words_at_the_callers_line() -> None:
    params = {"stream_usage": False, "seed": 1}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert _build(params) is True
    assert params == {"seed": 1}
    [warning] = seen
    assert warning.category is UserWarning
    assert str(warning.message) == (
        "WARNING! stream_usage is not default parameter.\n"
        "                stream_usage was transferred to model_kwargs.\n"
        "                Please confirm that stream_usage is what you intended."
    )
    # `_build` is this file's: the first frame outside chatplex is its caller's line.
    assert (warning.filename, warning.lineno) == (__file__, _build_line())


def test_outer_points_that_many_frames_above() -> None:
    def caller() -> None:
        _build({"stream_usage": True}, outer=2)  # above _build: this line, then its caller

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        line = _line() + 1
        caller()
    assert [w.lineno for w in seen] == [line]


def test_a_keyword_not_given_says_nothing() -> None:
    params = {"seed": 1}
    with warns_nothing():
        assert _build(params) is False
    assert params == {"seed": 1}


def test_a_packages_own_copy_is_said_in_its_words_indent_and_place() -> None:
    # langchain-groq's copy: its own indent, pointing a frame inside the construction
    # (here: this test's caller), as its `stacklevel=2` lands in pydantic's `__init__`.
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        say_moved("max_completion_tokens", MoveWarning(outer=-1, indent=20))
    [warning] = seen
    assert str(warning.message) == (
        "WARNING! max_completion_tokens is not default parameter.\n"
        "                    max_completion_tokens was transferred to model_kwargs.\n"
        "                    Please confirm that max_completion_tokens is what you intended."
    )
    assert warning.filename.endswith("partner_warnings.py")  # a frame below this line


def test_a_package_that_logs_it_warns_nothing(caplog: pytest.LogCaptureFixture) -> None:
    how = MoveWarning(indent=20, article="a", logger="partner.chat_models")
    with caplog.at_level(logging.WARNING), warns_nothing():
        say_moved("stream_usage", how)
    [record] = caplog.records
    assert (record.name, record.levelname) == ("partner.chat_models", "WARNING")
    assert record.getMessage().splitlines() == [
        "WARNING! stream_usage is not a default parameter.",
        "                    stream_usage was transferred to model_kwargs.",
        "                    Please confirm that stream_usage is what you intended.",
    ]


def test_unexpected_argument_is_logged_on_the_partners_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        unexpected_argument("partner.chat_models", "ChatX", "stream_usage", "streaming")
        unexpected_argument("partner.chat_models", "ChatX", "zzz", None)
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "partner.chat_models",
            "WARNING",
            "Unexpected argument 'stream_usage' provided to ChatX. Did you mean: 'streaming'?",
        ),
        ("partner.chat_models", "WARNING", "Unexpected argument 'zzz' provided to ChatX."),
    ]


def _line() -> int:
    import sys

    return sys._getframe(1).f_lineno


def _build_line() -> int:
    import inspect

    lines, start = inspect.getsourcelines(_build)
    return start + next(i for i, text in enumerate(lines) if "moved_to_model_kwargs(" in text)


def test_the_first_keyword_also_inside_model_kwargs_is_refused_in_langchains_words() -> None:
    with pytest.raises(ValueError, match=r"^Found top_p supplied twice\.$"):
        refuse_given_twice(["seed", "top_p", "stop"], {"stop": None, "top_p": 0.5})
    refuse_given_twice(["seed"], {"top_p": 0.5})  # not inside it: taken
    refuse_given_twice(["seed"], None)  # no model_kwargs given
