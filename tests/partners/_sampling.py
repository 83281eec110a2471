"""The side-by-side script of a sampling value beyond the range OpenAI's API takes
(`temperature=3`) given to the constructor, on a wire whose API takes it, which each such
wire's `test_*_sampling_sidebyside.py` runs on its partner and its drop-in: built, then
invoked and streamed."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from tests.partners._sidebyside import attempted


def sampled(held: Mapping[str, Any], make: Callable[..., Any]) -> Callable[[Any, str], Any]:
    """The model built by `make` with `held`, invoked and streamed (each attempted: the
    reply's text)."""

    def script(cls: Any, url: str) -> Any:
        built = attempted(lambda: make(cls, url, **held))
        if isinstance(built, dict):  # refused: its error's class
            return built
        return [
            attempted(lambda: built.invoke("Hi").text),
            attempted(lambda: "".join(c.text for c in built.stream("Hi"))),
        ]

    script.__name__ = "sampled_" + "_".join(held)
    return script
