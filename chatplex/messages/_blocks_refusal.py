"""LangChain 1.x's standard `refusal` block, as langchain-core's translators derive it
from each wire's reply: `{"type": "refusal", "refusal": <the model's words, "" when it
gave none>}`, with an `id`, a stream `index` and `extras` where the wire has them.

- a Chat Completions reply or stream piece: `additional_kwargs["refusal"]`, when set,
  one block after the others;

Refusals a model writes as ordinary text are not told apart, as in LangChain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "kwargs_refusal",
]

_Block = dict[str, Any]


def kwargs_refusal(additional_kwargs: Mapping[str, Any]) -> list[_Block]:
    """A Chat Completions reply's refusal (`additional_kwargs["refusal"]`) as a block, or
    none (a reply that refused nothing has `None`, or no key)."""
    refusal = additional_kwargs.get("refusal")
    return [{"type": "refusal", "refusal": refusal}] if refusal else []
