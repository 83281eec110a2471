"""What a script sees of a chat model's error, read the same way in a fresh interpreter
and in the test's: it imports nothing but the standard library, so a script that runs it
has loaded only what its own imports and the call loaded."""

from __future__ import annotations

import warnings
from typing import Any


def raised(module: Any, name: str, sdk: str, model: str) -> dict[str, Any]:
    """The error `module`'s class `name` raises for the call the server refuses: its
    class, the first class of `sdk` in its hierarchy, its status and its words."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            getattr(module, name)(model=model, max_retries=0).invoke("hi")
        except Exception as err:  # noqa: BLE001 - the error is what is compared
            top = type(err).__mro__
            sdk_class = next(c for c in top if c.__module__.partition(".")[0] == sdk)
            return {
                "class": [type(err).__module__, type(err).__qualname__],
                "sdk_class": [sdk_class.__module__, sdk_class.__qualname__],
                "status_code": getattr(err, "status_code", None),
                "words": str(err),
            }
    raise AssertionError("no error raised")
