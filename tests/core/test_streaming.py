"""How a runnable streams (`core/streaming.py`): each piece under the call's deadline, a
runnable with only `invoke` streaming its one result, the hook's iterator closed when the
stream is left."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from tests.core._echo import Echo


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_deadline(sync: bool) -> None:
    # 50 words 0.1 s apart (5 s) against a 1 s deadline: the first arrives with time to
    # spare on a loaded machine, the last never does.
    words = " ".join(f"w{i}" for i in range(50))
    model = FakeChatModel(responses=[words], chunk_delay=0.1)
    got: list[str] = []
    with pytest.raises(DeadlineExceededError):
        if sync:
            for c in model.stream("x", {"timeout": 1.0}):
                got.append(c.text)
        else:
            async for c in model.astream("x", {"timeout": 1.0}):
                got.append(c.text)
    assert 1 <= len(got) < 50


@pytest.mark.parametrize("sync", [True, False])
async def test_a_runnable_with_only_invoke_streams_its_one_result(sync: bool) -> None:
    echo = Echo()
    if sync:
        assert list(echo.stream("x")) == ["x"]
        assert list(echo.transform(iter(["a", "b", "c"]))) == ["abc"]  # collected, then run
    else:
        assert [p async for p in echo.astream("x")] == ["x"]

        async def pieces() -> AsyncIterator[str]:
            for piece in ("a", "b", "c"):
                yield piece

        assert [p async for p in echo.atransform(pieces())] == ["abc"]


def test_leaving_a_stream_early_closes_the_hooks_iterator() -> None:
    closed: list[bool] = []

    class Endless(Echo):
        def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
            try:
                while True:
                    yield input
            finally:
                closed.append(True)

    stream = Endless().stream(1)
    assert next(stream) == 1
    stream.close()  # type: ignore[attr-defined]
    assert closed == [True]
