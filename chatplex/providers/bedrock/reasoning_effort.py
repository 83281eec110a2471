"""langchain-aws's `reasoning_effort` on ChatBedrockConverse: the model request fields
an effort becomes, by the model's profile and vendor.

langchain-aws translates it only for a model whose profile lists
`reasoning_effort_levels` (its data, which chatplex ships: `chatplex/langchain/profiles/
aws.json`): a level outside them is a ValueError; a model without levels, or of a family
it has no translation for, gets a UserWarning ('reasoning_effort is not supported for
model ...; ignoring.') and nothing is sent. The fields go under
`additional_model_request_fields`, whose own keys win (at construction over the
class's, per call over the call's).

>>> EffortRule(("low", "high"), "anthropic.claude-opus-4-7").fields("low")
{'thinking': {'type': 'adaptive'}, 'output_config': {'effort': 'low'}}
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["EFFORTS", "EffortRule", "check_effort"]

#: The values langchain-aws's `reasoning_effort` field takes (its type, a Literal).
EFFORTS = ("none", "low", "medium", "high", "xhigh", "max")

_Fields = Callable[[str], dict[str, Any]]


def _nova(effort: str) -> dict[str, Any]:
    return {"reasoningConfig": {"type": "enabled", "maxReasoningEffort": effort}}


def _claude(effort: str) -> dict[str, Any]:
    return {"thinking": {"type": "adaptive"}, "output_config": {"effort": effort}}


def _top_level(effort: str) -> dict[str, Any]:
    return {"reasoning_effort": effort}


def _openai(effort: str) -> dict[str, Any]:
    return {"reasoning": {"effort": effort}}


#: langchain-aws's translations (`utils.reasoning_effort_additional_fields`), in its
#: order: (whether the rule matches by the id's start or by a part of it, the id parts,
#: the fields) for the base model id, lowercased. The first that matches is used.
_TRANSLATIONS: tuple[tuple[bool, tuple[str, ...], _Fields], ...] = (
    (True, ("amazon.nova-2",), _nova),
    (False, ("claude",), _claude),
    (True, ("openai.gpt-oss",), _top_level),
    (True, ("openai.gpt-",), _openai),
    (True, ("moonshot.", "moonshotai.", "zai.glm-"), _top_level),
)


def _translated(base_model: str, effort: str) -> dict[str, Any]:
    model = base_model.lower()
    for by_start, parts, fields in _TRANSLATIONS:
        if model.startswith(parts) if by_start else any(p in model for p in parts):
            return fields(effort)
    return {}


def check_effort(effort: str | None) -> None:
    """The class's `reasoning_effort` as its field's type takes it: a value outside
    `EFFORTS` is refused at construction, whatever the model (langchain-aws's pydantic
    error; a call's is checked against the model's levels only)."""
    if effort is not None and effort not in EFFORTS:
        allowed = ", ".join(repr(e) for e in EFFORTS[:-1])
        raise ValueError(f"reasoning_effort: Input should be {allowed} or {EFFORTS[-1]!r}")


@dataclass(frozen=True)
class EffortRule:
    """One model's `reasoning_effort` rule: the levels its profile lists (empty: none)
    and its base model (the id without its regional prefix, or `base_model_id`), which
    the warning names and the translation reads."""

    levels: tuple[str, ...]
    base_model: str

    def fields(self, effort: str) -> dict[str, Any]:
        """The model request fields `effort` becomes ({}: none, warned); a level the
        profile does not list is a ValueError, as langchain-aws raises it."""
        ignored = f"reasoning_effort is not supported for model {self.base_model}; ignoring."
        if not self.levels:
            warnings.warn(ignored, stacklevel=2)
            return {}
        if effort not in self.levels:
            raise ValueError(
                f"reasoning_effort={effort!r} is not supported for model "
                f"{self.base_model}. Valid values: {list(self.levels)}"
            )
        fields = _translated(self.base_model, effort)
        if not fields:
            warnings.warn(ignored, stacklevel=2)
        return fields
