import asyncio

import pytest

from chatplex.core import RunnableLambda
from chatplex.core.each import RunnableEach


def test_each_item_runs_in_order_sync_and_async() -> None:
    each = RunnableLambda(lambda x: x * 10).map()
    assert isinstance(each, RunnableEach)
    assert each.invoke([1, 2, 3]) == [10, 20, 30]
    assert asyncio.run(each.ainvoke([4])) == [40]


def test_an_item_that_fails_fails_the_call() -> None:
    with pytest.raises(ZeroDivisionError):
        RunnableLambda(lambda x: 1 // x).map().invoke([1, 0])
