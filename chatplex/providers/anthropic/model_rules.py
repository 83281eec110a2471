"""The newest Claude models' own rules on a request's sampling and thinking, checked
before any request as langchain-anthropic checks them (its ValueErrors, in its words):
Fable 5 and Sonnet 5.5 take no `top_k` and only the default `top_p` and `temperature`,
nor thinking turned off; Opus 5, Fable 5 and Sonnet 5.5 take no budgeted thinking; Opus 5
takes thinking off only at an effort of `high` or below. Fable 5's sampling fields,
at their defaults, are left out of the request.

>>> check_model_rules({"model": "claude-fable-5", "top_k": 5})
Traceback (most recent call last):
ValueError: `top_k` is not supported for claude-fable-5.
>>> body = {"model": "claude-fable-5", "temperature": 1}
>>> check_model_rules(body); body
{'model': 'claude-fable-5'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["check_model_rules"]

#: The models that take only default sampling and never thinking turned off.
_DEFAULT_SAMPLING = ("claude-fable-5", "claude-sonnet-5-5")
#: The models that take adaptive thinking alone, never a thinking budget.
_ADAPTIVE_ONLY = ("claude-opus-5", "claude-fable-5", "claude-sonnet-5-5")
#: The efforts at which Opus 5 refuses thinking turned off.
_OPUS_HIGHEST = frozenset({"xhigh", "max"})


def check_model_rules(body: dict[str, Any]) -> None:
    """Refuse what `body`'s model does not take (ValueError, langchain-anthropic's words);
    leave Fable 5's sampling fields out of it."""
    model = str(body.get("model") or "")
    thinking = body.get("thinking")
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    if model.startswith(_DEFAULT_SAMPLING):
        _default_sampling(model, body, kind)
    if model.startswith(_ADAPTIVE_ONLY) and kind == "enabled":
        raise ValueError(
            '`thinking={"type": "enabled", "budget_tokens": ...}` is not supported for '
            f"{model}; use adaptive thinking and `output_config.effort` instead."
        )
    output_config = body.get("output_config")
    effort = output_config.get("effort") if isinstance(output_config, Mapping) else None
    if model.startswith("claude-opus-5") and kind == "disabled" and effort in _OPUS_HIGHEST:
        raise ValueError(
            f'`thinking={{"type": "disabled"}}` is not supported for {model} with '
            f"`output_config.effort={effort!r}`; use adaptive thinking, omit `thinking`, "
            "or set effort to `high` or below."
        )
    if model.startswith("claude-fable-5"):
        for name in ("temperature", "top_k", "top_p"):
            body.pop(name, None)


def _default_sampling(model: str, body: Mapping[str, Any], kind: Any) -> None:
    if body.get("top_k") is not None:
        raise ValueError(f"`top_k` is not supported for {model}.")
    for name in ("top_p", "temperature"):
        if body.get(name) is not None and body[name] != 1:
            raise ValueError(f"`{name}` is not supported for {model} at non-default values.")
    if kind == "disabled":
        raise ValueError(
            f'`thinking={{"type": "disabled"}}` is not supported for {model}; omit '
            "`thinking` to use adaptive thinking."
        )
