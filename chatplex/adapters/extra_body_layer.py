"""The constructor's `extra_body`, and the request options given inside its
`model_kwargs`, under a call's own, as the LangChain classes whose SDK takes them as
request options send them (langchain-openai's and its subclasses', langchain-anthropic's).

A call's `extra_body` (given per call or bound) REPLACES the constructor's: their
payload is `{**default_params, **kwargs}`, so the call's mapping takes the key
`extra_body`, which the SDK merges over the body last. A model holds `model_kwargs`,
the named parameters and `extra_body` as one body: `ExtraBodyLayer`, which its adapter
holds (`with_layer`), remembers what the constructor's `extra_body` put there and what
it covered, so a call that gives one runs on a copy without it (`call_model`, a
`PartnerHooks.call_model`), and it covers a call's own body fields (`call_applied`, a
`PartnerCalls.call_applied`). The same payload merge has a call's `extra_headers` or
`extra_query` replace those `model_kwargs` gave: the layer keeps the model's own from
before them (`before`), which the call's copy takes.

>>> layer = ExtraBodyLayer.over({"user": "m"}, {"user": "e", "a": 1})
>>> layer.under({"user": "e", "a": 1, "seed": 2})
{'seed': 2, 'user': 'm'}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol
from typing import TypeVar

__all__ = ["ExtraBodyLayer", "call_applied", "call_model", "with_layer"]


@dataclass(frozen=True)
class ExtraBodyLayer:
    """The constructor's `extra_body` (`given`) and the body's values it covered
    (`shadowed`: from `model_kwargs` or a named parameter)."""

    given: Mapping[str, Any] = field(default_factory=dict)
    shadowed: Mapping[str, Any] = field(default_factory=dict)
    #: The model's request options (`extra_headers`, `extra_query`) as they were before
    #: those inside `model_kwargs` were merged in, by name: only those it gave.
    before: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def over(
        cls,
        body: Mapping[str, Any],
        extra_body: Mapping[str, Any] | None,
        before: Mapping[str, Any] | None = None,
    ) -> ExtraBodyLayer:
        """The layer `extra_body` makes merged over `body` (before it is); `before`: the
        request options as they were before `model_kwargs`' were merged in."""
        if not extra_body:
            return cls(before=dict(before or {}))
        shadowed = {k: body[k] for k in extra_body if k in body}
        return cls(dict(extra_body), shadowed, dict(before or {}))

    def under(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """`body` without this layer: what it covered back, what it added gone."""
        kept = {k: v for k, v in body.items() if k not in self.given}
        return {**kept, **{k: v for k, v in self.shadowed.items() if k in body}}


class _Holder(Protocol):
    """What holds a layer: an adapter (`Adapter.extra_body_layer`)."""

    extra_body_layer: ExtraBodyLayer | None


A = TypeVar("A", bound=_Holder)


def with_layer(adapter: A, layer: ExtraBodyLayer) -> A:
    """`adapter` holding the layer of the model a record's `build` makes on it
    (`Adapter.extra_body_layer`)."""
    adapter.extra_body_layer = layer
    return adapter


# (The models below are `ChatModel`s, not named: adapters/ sits under chat/.)
def _layer_of(model: Any) -> ExtraBodyLayer | None:
    """The layer `model`'s adapter holds, where it holds one that is not empty."""
    layer: ExtraBodyLayer | None = None if model.adapter is None else model.adapter.extra_body_layer
    return layer if layer is not None and (layer.given or layer.before) else None


def call_model(model: Any, keywords: Mapping[str, Any]) -> Any:
    """The model, or a copy without the constructor's `extra_body`, or the request
    options `model_kwargs` gave, where the call's keywords (as given) hold their own."""
    layer = _layer_of(model)
    if layer is None:
        return model
    replaced = {name: value for name, value in layer.before.items() if name in keywords}
    body = bool(layer.given) and "extra_body" in keywords
    if not (replaced or body):
        return model
    clone = copy.copy(model)
    for name, value in replaced.items():
        setattr(clone, name, value)
    if body:
        adapter = model.adapter
        assert adapter is not None  # (it holds the layer)
        clone.extra_body = layer.under(model.extra_body)
        clone.adapter = with_layer(copy.copy(adapter), ExtraBodyLayer())
    return clone


def call_applied(model: Any, settings: Mapping[str, Any]) -> None:
    """Once a call's settings are on the model's copy, the constructor's `extra_body`
    merged over them, as the SDK merges it last."""
    layer = _layer_of(model)
    if layer is not None:
        model.extra_body.update(layer.given)
