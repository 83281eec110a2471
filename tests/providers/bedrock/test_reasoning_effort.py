"""`EffortRule` side by side with langchain-aws's own rule: for every model its profile
data names (and one it does not) and every level, the same fields, the same warning
(class and words) or the same ValueError."""

from __future__ import annotations

import functools
import types
import typing
import warnings
from typing import Any

import pytest

from chatplex.chat.partner_profiles import profile_table
from chatplex.providers.bedrock.model_defaults import base_model
from chatplex.providers.bedrock.reasoning_effort import EFFORTS
from chatplex.providers.bedrock.reasoning_effort import EffortRule
from chatplex.providers.bedrock.reasoning_effort import check_effort

converse = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")

LEVELS = ("none", "low", "medium", "high", "xhigh", "max")
#: Models of each translation, and of none (levels given by hand: their profiles have none).
UNPROFILED = (
    "moonshotai.kimi-k3",
    "zai.glm-5",
    "openai.gpt-7",
    "amazon.nova-pro-v1:0",
    "meta.llama4-scout",
    "mistral.mistral-large-2407-v1:0",
)


def _outcome(run: Any) -> Any:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            out: Any = run()
        except ValueError as exc:
            out = ("ValueError", str(exc))
    return out, [(w.category, str(w.message)) for w in seen]


def _theirs(levels: tuple[str, ...], base: str, effort: str) -> Any:
    partner = types.SimpleNamespace(profile={"reasoning_effort_levels": list(levels)})
    partner._get_base_model = lambda: base
    rule = converse.ChatBedrockConverse._reasoning_effort_fields
    return _outcome(functools.partial(rule, partner, effort))


def _cases() -> list[tuple[tuple[str, ...], str]]:
    table = profile_table("aws")
    profiled = [
        (tuple(profile.get("reasoning_effort_levels") or ()), base_model(name))
        for name, profile in table.items()
    ]
    return [*profiled, *((LEVELS, name) for name in UNPROFILED)]


def test_the_same_fields_warnings_and_errors_as_langchain_aws() -> None:
    cases = _cases()
    assert sum(1 for levels, _ in cases if levels) > 100  # the profiles do list levels
    for levels, base in cases:
        for effort in LEVELS:
            rule = EffortRule(levels, base)
            ours = _outcome(functools.partial(rule.fields, effort))
            assert ours == _theirs(levels, base, effort), (base, effort)


def test_the_warning_points_at_the_caller() -> None:
    with pytest.warns(UserWarning, match="not supported for model m; ignoring") as seen:
        assert EffortRule((), "m").fields("low") == {}
    assert seen[0].filename == __file__


def test_the_fields_are_new_each_time() -> None:
    rule = EffortRule(("low",), "anthropic.claude-opus-4-7")
    rule.fields("low")["thinking"]["type"] = "changed"
    assert rule.fields("low")["thinking"] == {"type": "adaptive"}


def test_the_class_takes_the_values_its_field_type_takes() -> None:
    literal = converse.ChatBedrockConverse.model_fields["reasoning_effort"].annotation
    assert set(EFFORTS) | {None} == set(typing.get_args(typing.get_args(literal)[0])) | {None}
    for effort in (*EFFORTS, None):
        check_effort(effort)
    with pytest.raises(ValueError, match="Input should be 'none', 'low', .* or 'max'"):
        check_effort("minimal")


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.bedrock import reasoning_effort

    failures, tried = doctest.testmod(reasoning_effort)
    assert failures == 0 and tried > 0
