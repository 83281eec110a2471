"""The side-by-side script of a call's keyword given as None over the model's own value
(`invoke(x, top_k=None)`), which each wire's `test_*_call_none_sidebyside.py` runs on
its partner and its drop-in."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from tests.partners._sidebyside import attempted


def cleared(
    field: str, held: Mapping[str, Any], make: Callable[..., Any]
) -> Callable[[Any, str], Any]:
    """The model built by `make` with `held` (the model's own `field`, and what goes
    with it), then called with `field=None`: invoked, streamed and bound (each attempted:
    the reply's text)."""

    def script(cls: Any, url: str) -> Any:
        with warnings.catch_warnings():  # (a field a partner moves into model_kwargs)
            warnings.simplefilter("ignore")
            built = make(cls, url, **held)
        given = {field: None}
        return [
            attempted(lambda: built.invoke("Hi", **given).text),
            attempted(lambda: "".join(c.text for c in built.stream("Hi", **given))),
            attempted(lambda: built.bind(**given).invoke("Hi").text),
        ]

    script.__name__ = f"call_none_{field}"
    return script
