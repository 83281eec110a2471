"""A runnable's sync and async calls behind one `sync` switch, for the tests that run each
case both ways."""

from __future__ import annotations

from typing import Any

from chatplex.core.base import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


async def stream(r: Runnable[Any, Any], sync: bool, value: Any) -> list[Any]:
    if sync:
        return list(r.stream(value))
    return [x async for x in r.astream(value)]
