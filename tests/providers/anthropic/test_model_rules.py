"""The newest Claude models' rules, checked before any request (`model_rules.py`)."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from chatplex.providers.anthropic import model_rules
from chatplex.providers.anthropic.model_rules import check_model_rules


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"model": "claude-sonnet-5-5", "top_k": 5}, "`top_k` is not supported"),
        ({"model": "claude-fable-5", "top_p": 0.5}, "`top_p` is not supported"),
        ({"model": "claude-sonnet-5-5", "temperature": 0.2}, "`temperature` is not supported"),
        ({"model": "claude-fable-5-1", "thinking": {"type": "disabled"}}, "omit `thinking`"),
        (
            {"model": "claude-opus-5", "thinking": {"type": "enabled", "budget_tokens": 9}},
            "use adaptive thinking",
        ),
        (
            {
                "model": "claude-opus-5-5",
                "thinking": {"type": "disabled"},
                "output_config": {"effort": "xhigh"},
            },
            "set effort to `high` or below",
        ),
    ],
)
def test_what_a_newest_model_does_not_take_is_refused(body: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        check_model_rules(body)


def test_what_they_take_is_sent_and_fable_leaves_its_default_sampling_out() -> None:
    opus = {"model": "claude-opus-5", "temperature": 0.2, "thinking": {"type": "disabled"}}
    check_model_rules(opus)
    assert opus == {"model": "claude-opus-5", "temperature": 0.2, "thinking": {"type": "disabled"}}
    fable = {"model": "claude-fable-5", "temperature": 1, "top_p": 1}
    check_model_rules(fable)
    assert fable == {"model": "claude-fable-5"}
    older = {"model": "claude-sonnet-4-5", "top_k": 5, "thinking": {"type": "enabled"}}
    check_model_rules(older)
    assert older["top_k"] == 5


def test_docstring_examples() -> None:
    result = doctest.testmod(model_rules)
    assert result.attempted and not result.failed
