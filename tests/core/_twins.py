"""A runnable's (and a chat model's) sync and async calls behind one `sync` switch, for
the tests that run each case both ways."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.core.base import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


async def batch(r: Runnable[Any, Any], sync: bool, inputs: list[Any], **kw: Any) -> list[Any]:
    return r.batch(inputs, **kw) if sync else await r.abatch(inputs, **kw)


async def stream(r: Runnable[Any, Any], sync: bool, value: Any) -> list[Any]:
    if sync:
        return list(r.stream(value))
    return [x async for x in r.astream(value)]


async def reply_and_chunks(
    model: Any, sync: bool, value: Any, **call: Any
) -> tuple[Any, list[Any]]:
    """A chat model's reply to `value` and its stream's chunks, both sync or both async."""
    if sync:
        return model.invoke(value, **call), list(model.stream(value, **call))
    return await model.ainvoke(value, **call), [c async for c in model.astream(value, **call)]


async def texts_until(
    model: Any, sync: bool, value: Any, error: type[BaseException]
) -> tuple[list[str], Any]:
    """The texts of a chat model's stream up to the `error` it ends with (pytest fails
    the test if it does not), and that error: sync or async."""
    received: list[str] = []
    with pytest.raises(error) as info:
        if sync:
            for chunk in model.stream(value):
                received.append(chunk.text)
        else:
            async for chunk in model.astream(value):
                received.append(chunk.text)
    return received, info.value


def transformed(r: Runnable[Any, Any], sync: bool, pieces: list[Any]) -> list[Any]:
    """What `r.transform` (or `atransform`, in its own loop) yields for these pieces."""
    if sync:
        return list(r.transform(iter(pieces)))

    async def given() -> Any:
        for piece in pieces:
            yield piece

    async def run() -> list[Any]:
        return [out async for out in r.atransform(given())]

    return asyncio.run(run())
