"""`Secret`: a credential that never shows itself (repr, str, pickling).

The bottom layer: adapters hold their API keys in it, configuration profiles keep keys
read from files and the environment in it until a model is built.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Secret"]


class Secret:
    """An API key that never shows itself: repr/str are masked, `get()` reveals it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("Secret values are not picklable")
