"""`RunnablePassthrough` and `RunnableAssign` (`core/passthrough.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import RunnablePassthrough
from chatplex.runnables import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


@pytest.mark.parametrize("sync", [True, False])
async def test_passthrough_assign(sync: bool) -> None:
    chain = RunnablePassthrough.assign(n=lambda d: len(d["text"]))
    assert await call(chain, sync, {"text": "abcd"}) == {"text": "abcd", "n": 4}
    with pytest.raises(TypeError, match="dict input"):
        await call(chain, sync, "not a dict")
