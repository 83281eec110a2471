"""What google-genai's async client leaves behind on an error: aiohttp's `json()`
coroutine, never awaited. `UNAWAITED_JSON`, the marks that let its warnings pass (as an
error, one would break whatever test runs when it is reclaimed), and
`collected_at_the_end`, a module fixture (autouse where imported) reclaiming them once,
at the module's end, not in a later module's test."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

UNAWAITED_JSON = [
    pytest.mark.filterwarnings(
        "ignore:coroutine .ClientResponse.json. was never awaited:RuntimeWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <coroutine object ClientResponse.json"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


@pytest.fixture(scope="module", autouse=True)
def collected_at_the_end() -> Iterator[None]:
    """The coroutines google-genai's async error path left behind, reclaimed once, at the
    module's end (a collection per test costs up to a second)."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gc.collect()
