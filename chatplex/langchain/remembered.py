"""`Remembered`: what a drop-in keeps in a private attribute to answer faster (the SDK
clients it built, the partner field values it read), never part of its state."""

from __future__ import annotations

from typing import Any

__all__ = ["Remembered"]


class Remembered:
    """Never compared: two models equal by their fields are equal, whatever either
    remembers. A copy or a pickle of a model starts with nothing remembered (a subclass
    is built with no argument)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self))

    def __hash__(self) -> int:
        return 0

    def __deepcopy__(self, memo: dict[int, Any]) -> Remembered:
        return type(self)()

    def __reduce__(self) -> tuple[type[Remembered], tuple[()]]:
        return type(self), ()
