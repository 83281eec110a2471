"""Where a warning points: the first frame outside chatplex, however many of chatplex's
own frames a call passes through (a method that delegates to a helper adds one, and a
fixed `stacklevel` would then point into chatplex)."""

from __future__ import annotations

import os
import sys

__all__ = ["user_stacklevel"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def user_stacklevel() -> int:
    """The `stacklevel` for a `warnings.warn` made by the function calling this one that
    shows the first caller outside chatplex (the user's line, or LangChain's)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level
