"""`stream_call`: a `stream()`'s first step marked as its model's, and only that step."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator

import pytest

from chatplex.langchain.stream_call import astream_marked
from chatplex.langchain.stream_call import from_stream
from chatplex.langchain.stream_call import stream_marked


class _Model:
    """A model whose stream notes, at each step, whether the step was marked as its."""

    def __init__(self) -> None:
        self.seen: list[bool] = []
        self.closed = False

    def stream(self, n: int) -> Iterator[int]:
        try:
            for i in range(n):
                self.seen.append(from_stream(self))
                yield i
        finally:
            self.closed = True

    async def astream(self, n: int) -> AsyncIterator[int]:
        steps = self.stream(n)  # each step taken inside this one's
        try:
            for i in steps:
                yield i
        finally:
            steps.close()


@pytest.mark.parametrize("sync", [True, False])
async def test_only_the_first_step_of_the_models_own_stream_is_marked(sync: bool) -> None:
    model, other = _Model(), _Model()
    if sync:
        out = list(stream_marked(model, model.stream(3)))
        list(stream_marked(other, model.stream(1)))  # marked as another model's
    else:
        out = [i async for i in astream_marked(model, model.astream(3))]
        [i async for i in astream_marked(other, model.astream(1))]
    assert out == [0, 1, 2]
    assert model.seen == [True, False, False, False]
    assert not from_stream(model)  # nothing outlives the step


@pytest.mark.parametrize("sync", [True, False])
async def test_an_empty_stream_and_an_early_close(sync: bool) -> None:
    model = _Model()
    if sync:
        assert list(stream_marked(model, model.stream(0))) == []
        marked = stream_marked(model, model.stream(5))
        assert next(marked) == 0
        marked.close()
    else:
        assert [i async for i in astream_marked(model, model.astream(0))] == []
        amarked = astream_marked(model, model.astream(5))
        assert await anext(amarked) == 0
        await amarked.aclose()
    assert model.closed  # the inner stream is closed with the marked one
