"""Scripts the wires' probe_v modules share (tests/partners/<wire>/test_*_probe_v_scripts.py):
each factory takes a suite's constructor `make(cls, url, **settings)` and gives a
`script(cls, url)` that its suite runs with the partner's class and with chatplex's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import module_loop

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]

#: One event loop for every async script of the set: a partner keeps its async HTTP client
#: per base URL, bound to the loop of its first call, which a later `asyncio.run` would
#: meet closed. A probe_v module imports `shared_clients_closed` (autouse).
LOOP, shared_clients_closed = module_loop()


def awaited_with_deadline(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`ainvoke`, and an `astream` collected, each under `asyncio.wait_for` with a
        deadline the reply comes well within."""
        model = make(cls, url)

        async def collected() -> list[Any]:
            return [c async for c in model.astream("Say hello")]

        async def run() -> list[Any]:
            reply = await asyncio.wait_for(model.ainvoke("Hi"), timeout=30)
            chunks = await asyncio.wait_for(collected(), timeout=30)
            return [reply, merged(chunks)]

        return LOOP.run_until_complete(run())

    return script


def astream_left_midway(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """An `astream` left after its first chunk with text (`break`), then the same
        model awaited again: the chunk, and the second reply."""
        model = make(cls, url)

        async def run() -> list[Any]:
            first = None
            async for chunk in model.astream("Say hello"):
                if chunk.content:
                    first = chunk
                    break
            return [first, await model.ainvoke("Again")]

        return LOOP.run_until_complete(run())

    return script


def generate_several(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`generate` over two conversations: each generation's text, message and
        `generation_info`, and the result's `llm_output`."""
        from langchain_core.messages import HumanMessage

        result = make(cls, url).generate([[HumanMessage("One")], [HumanMessage("Two")]])
        generations = [
            [{"text": g.text, "message": g.message, "info": g.generation_info} for g in row]
            for row in result.generations
        ]
        return {"generations": generations, "llm_output": result.llm_output}

    return script


def tool_result_cached(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A tool result of text blocks, its last marked for Anthropic's prompt cache."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_01"}
        result = [
            {"type": "text", "text": "The sum is"},
            {"type": "text", "text": "3", "cache_control": {"type": "ephemeral"}},
        ]
        history = [
            HumanMessage("1+2?"),
            AIMessage("", tool_calls=[call]),
            ToolMessage(result, tool_call_id="toolu_01"),
        ]
        return make(cls, url).bind_tools([add]).invoke(history)

    return script


def stream_usage_toggled(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`stream_usage=False` given to the constructor, then True given to one call:
        each stream's last chunk (its usage_metadata), and the merged second stream."""
        model = make(cls, url, stream_usage=False)
        off = list(model.stream("Hi"))
        on = list(model.stream("Hi", stream_usage=True))
        return {"off": off[-1], "on": on[-1], "merged": merged(on)}

    return script


def rows(make: Make, reply: Any, names: tuple[str, ...] = ()) -> dict[str, tuple[Any, Script]]:
    """A suite's rows of the shared scripts `names` (every wire's, by default) over its
    constructor `make`, each answered by `reply`."""
    return {name: (reply, FACTORIES[name](make)) for name in names or EVERY_WIRE}


FACTORIES: dict[str, Callable[[Make], Script]] = {
    factory.__name__: factory
    for factory in (
        awaited_with_deadline,
        astream_left_midway,
        generate_several,
        tool_result_cached,
        stream_usage_toggled,
    )
}
#: The scripts every wire runs.
EVERY_WIRE = ("awaited_with_deadline", "astream_left_midway", "generate_several")
