"""The constructor's `extra_body` under a call's own, as langchain-openai's classes send it.

A call's `extra_body` (given per call or bound) REPLACES the constructor's: their
`_get_request_payload` builds `{**self._default_params, **kwargs}`, so the call's mapping
takes the key `extra_body`, which the openai SDK merges over the body. A model holds
`model_kwargs`, the named parameters and `extra_body` as one body: `ExtraBodyLayer`
remembers what the constructor's `extra_body` put there and what it covered, so a call
that gives one runs on a copy without it (`base_chat_openai.call_model`).

>>> layer = ExtraBodyLayer.over({"user": "m"}, {"user": "e", "a": 1})
>>> layer.under({"user": "e", "a": 1, "seed": 2})
{'seed': 2, 'user': 'm'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

__all__ = ["ExtraBodyLayer"]


@dataclass(frozen=True)
class ExtraBodyLayer:
    """The constructor's `extra_body` (`given`) and the body's values it covered
    (`shadowed`: from `model_kwargs` or a named parameter)."""

    given: Mapping[str, Any] = field(default_factory=dict)
    shadowed: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def over(cls, body: Mapping[str, Any], extra_body: Mapping[str, Any] | None) -> ExtraBodyLayer:
        """The layer `extra_body` makes merged over `body` (before it is)."""
        if not extra_body:
            return cls()
        return cls(dict(extra_body), {k: body[k] for k in extra_body if k in body})

    def under(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """`body` without this layer: what it covered back, what it added gone."""
        kept = {k: v for k, v in body.items() if k not in self.given}
        return {**kept, **{k: v for k, v in self.shadowed.items() if k in body}}
