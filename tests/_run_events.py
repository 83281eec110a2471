"""What a model's callbacks see of its calls, as the tests that run a chatplex model
beside its LangChain counterpart record it: one handler class over either side's base
(LangChain's or chatplex's), so both sides are read by the same code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_events(
    handler_base: type,
    make: Callable[[Any], Any],
    start: Callable[[dict[str, Any]], tuple[Any, ...]],
    calls: Callable[[Any], None],
) -> list[Any]:
    """The ("start", *start(keywords)) and ("end", first generation's text) events of the
    model `make(handler)` builds, over `calls(model)`."""
    seen: list[Any] = []

    class Handler(handler_base):  # type: ignore[misc,valid-type]
        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            seen.append(("start", *start(kw)))

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            seen.append(("end", response.generations[0][0].text))

    calls(make(Handler()))
    return seen
