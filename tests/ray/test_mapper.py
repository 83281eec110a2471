"""`ChatMapper` on one batch, without a cluster (chatplex/ray/_mapper.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")
pa = pytest.importorskip("pyarrow")

from chatplex.ray import OUTPUT_COLUMNS, ChatMapper  # noqa: E402

pytestmark = pytest.mark.ray


class Echo:
    """A runnable that fails on "bad" and counts how many rows are in the air."""

    def __init__(self) -> None:
        self.in_air = self.most = 0

    async def ainvoke(self, value: Any, config: Any = None) -> str:
        self.in_air += 1
        self.most = max(self.most, self.in_air)
        await asyncio.sleep(0.001)
        self.in_air -= 1
        if value == "bad":
            raise ValueError("bad row")
        return value.upper()


async def test_outcomes_are_columns_and_in_flight_is_bounded() -> None:
    echo = Echo()
    mapper = ChatMapper(echo, max_in_flight=3)
    batch = pa.table({"id": list(range(10)), "prompt": ["a", "bad"] * 5})
    out = await mapper(batch)
    assert out.column_names == ["id", "prompt", *OUTPUT_COLUMNS]
    assert out.column("text").to_pylist() == ["A", None] * 5
    assert out.column("error").to_pylist() == [None, "ValueError: bad row"] * 5
    assert echo.most == 3


async def test_a_factory_builds_the_runnable_and_old_outcomes_are_replaced() -> None:
    mapper = ChatMapper(Echo, input_column="q")
    earlier = pa.table({"q": ["x"], "text": ["stale"], "error": ["old"]})
    out = await mapper(earlier)
    assert out.column("text").to_pylist() == ["X"] and out.column("error").to_pylist() == [None]


def test_what_is_not_a_runnable_is_refused() -> None:
    with pytest.raises(TypeError, match="ainvoke"):
        ChatMapper(42)
    with pytest.raises(ValueError, match="max_in_flight"):
        ChatMapper(Echo(), max_in_flight=0)
