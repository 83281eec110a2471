"""The path a call-time `max_tokens` takes, module by module, in each family.

Counted, not timed: a trace records, in call order, each chatplex module whose called
function receives the value (a marker number, found in its arguments up to two levels
of containers or attributes deep), and counts the steps that climb back to a higher
layer (ARCHITECTURE.md's layer table). One warm call first, so imports are not counted.

    python bench/path_of_a_setting.py [chatplex|langchain ...]
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

#: Top to bottom, as ARCHITECTURE.md's layer table orders them.
LAYERS = (
    "chatplex.langchain",
    "chatplex.providers",
    "chatplex.batches",
    "chatplex.chat",
    "chatplex.http",
    "chatplex.adapters",
    "chatplex.core",
    "chatplex.messages",
)
MARK = 777_001


def _holds(value: Any, depth: int = 0) -> bool:
    if type(value) is int:
        return value == MARK
    if depth > 2:
        return False
    if isinstance(value, dict):
        return any(_holds(v, depth + 1) for v in list(value.values())[:50])
    if isinstance(value, list | tuple):
        return any(_holds(v, depth + 1) for v in value[:50])
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and depth < 2:
        return any(_holds(v, depth + 1) for v in list(attributes.values())[:80])
    return False


def _layer(module: str) -> int:
    return next((i for i, prefix in enumerate(LAYERS) if module.startswith(prefix)), -1)


def trace(family: str) -> list[str]:
    """The modules, in call order, that a call-time max_tokens passes through."""
    from chatplex.testing import MockServer

    path: list[str] = []

    def tracer(frame: FrameType, event: str, arg: Any) -> None:
        module = frame.f_globals.get("__name__", "")
        new = not path or path[-1] != module
        ours = event == "call" and module.startswith("chatplex.") and new
        if ours and any(_holds(v) for v in frame.f_locals.values()):
            path.append(module)

    with MockServer() as server:
        if family == "langchain":
            from chatplex.langchain import ChatOpenAI

            model: Any = ChatOpenAI(
                model="gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-bench"
            )
        else:
            import chatplex

            model = chatplex.init_chat_model(
                "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-bench"
            )
        model.invoke("warm")
        sys.settrace(tracer)  # type: ignore[arg-type]
        try:
            model.invoke("hi", max_tokens=MARK)
        finally:
            sys.settrace(None)
    return path


def main(families: list[str]) -> None:
    for family in families:
        path = trace(family)
        climbs = sum(1 for a, b in zip(path, path[1:], strict=False) if _layer(b) < _layer(a))
        print(
            f"{family}: {len(dict.fromkeys(path))} modules, {len(path)} steps, "
            f"{climbs} climbs back up"
        )
        print("  " + " -> ".join(m.removeprefix("chatplex.") for m in path))


if __name__ == "__main__":
    main(sys.argv[1:] or ["chatplex", "langchain"])
