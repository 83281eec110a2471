"""The side-by-side script of an empty `stop` (`[]`, `""`) given to a call, alone and
over the model's own stop list, which the wires whose partner reads a call's stop as
`stop or self.stop` run on their partner and their drop-in
(`test_*_stop_empty_sidebyside.py`): the model's list is sent where the call's is
empty, and nothing where the model has none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import attempted


def stop_empty(make: Callable[..., Any]) -> Callable[[Any, str], Any]:
    """Per empty value, the call's outcome alone and over `stop=["END"]` (attempted)."""

    def script(cls: Any, url: str) -> Any:
        def called(empty: Any, **held: Any) -> Any:
            return attempted(lambda: make(cls, url, **held).invoke("Hi", stop=empty).text)

        return {
            repr(empty): {"alone": called(empty), "over_list": called(empty, stop=["END"])}
            for empty in ([], "")
        }

    return script
