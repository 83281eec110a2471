"""What the mock tests comparing chatplex with the openai SDK read alike: a reply's
values with the number the mock server drew for it (its ids) masked."""

from __future__ import annotations

from typing import Any


def renumbered(value: Any, number: str) -> Any:
    """`value` with every `number` in its strings read as "<n>"."""
    if isinstance(value, str):
        return value.replace(number, "<n>")
    if isinstance(value, dict):
        return {k: renumbered(v, number) for k, v in value.items()}
    if isinstance(value, list):
        return [renumbered(v, number) for v in value]
    return value
