"""A drop-in's `batch_as_completed`, `abatch_as_completed` and `batch(return_exceptions=
True)` against a server that stalls: the calls still running are cut when the caller
leaves the iterator early or Ctrl-C reaches it, sync and async (chatplex/langchain/
batching.py). LangChain's own wait there for each stalled call to time out (its pool's
exit joins the threads; its async iterator leaves the tasks running, each holding its
socket): the partner packages, whose calls are LangChain's, do the same. A kept
difference: the partner holds the caller (or the socket) until each read's timeout,
600 s by default; every wait bounded and cancellation clean is chatplex's promise.

The stalled reads are bounded by the model's `timeout` (60 s), so a regression fails on
the time taken rather than hanging the suite.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from _faultkit import PROMPTLY
from _faultkit import until

import chatplex.langchain as dropins
from tests._calls import connections_left
from tests._leaks import no_resource_warnings
from tests._silent import SilentServer
from tests._silent import closed_by_the_peer
from tests._silent import interrupted

#: The stalled reads' own bound: far past PROMPTLY, so only a cut read ends in time.
STALL_BOUND = 60
#: An input refused before anything is sent (no messages): its row ends at once, with
#: its error, while the others wait for the silent server.
REFUSED: list[Any] = []

names = pytest.mark.parametrize("name", ["ChatOpenAI", "ChatAnthropic"])


def _model(name: str, silent: SilentServer) -> Any:
    url = silent.url + "/v1" if name == "ChatOpenAI" else silent.url
    cls = getattr(dropins, name)
    return cls(model="m", base_url=url, api_key="sk-test", timeout=STALL_BOUND, max_retries=0)


def _all_closed(silent: SilentServer, requests: int) -> None:
    """The server held `requests` requests, and the client closed each connection."""
    assert len(silent._held) == requests  # and no retry came
    for connection in list(silent._held):
        connection.settimeout(PROMPTLY)
        assert closed_by_the_peer(connection)


def _wait_for_requests(silent: SilentServer, requests: int) -> None:
    deadline = time.monotonic() + PROMPTLY
    while silent.requests_read < requests and time.monotonic() < deadline:
        time.sleep(0.01)


@names
def test_leaving_batch_as_completed_early_cuts_the_calls_still_running(
    silent: SilentServer, name: str
) -> None:
    model = _model(name, silent)
    before = set(threading.enumerate())  # (an earlier test's pools are none of this one's)
    started = time.monotonic()
    results = model.batch_as_completed([REFUSED, "a", "b"], return_exceptions=True)
    index, error = next(results)
    assert (index, type(error)) == (0, ValueError)
    _wait_for_requests(silent, 2)
    results.close()  # a `break`: LangChain's pool would wait for both stalled reads
    assert time.monotonic() - started < PROMPTLY
    _all_closed(silent, 2)
    left = set(threading.enumerate()) - before
    assert not [t for t in left if t.name.startswith("ThreadPoolExecutor")]


@names
async def test_leaving_abatch_as_completed_early_cancels_the_calls_still_running(
    silent: SilentServer, name: str
) -> None:
    model = _model(name, silent)
    with no_resource_warnings():
        results = model.abatch_as_completed([REFUSED, "a", "b"], return_exceptions=True)
        index, error = await anext(results)
        assert (index, type(error)) == (0, ValueError)
        await until(lambda: silent.requests_read == 2, "the server never held the requests")
        await results.aclose()  # LangChain's leaves both calls running, unawaited
        mine = asyncio.current_task()
        assert [task for task in asyncio.all_tasks() if task is not mine] == []
        assert connections_left(sync=False) == 0
    _all_closed(silent, 2)


@names
@pytest.mark.parametrize("how", ["batch_as_completed", "batch_returning_exceptions"])
def test_ctrl_c_cuts_the_calls_in_flight(silent: SilentServer, name: str, how: str) -> None:
    model = _model(name, silent)
    if how == "batch_as_completed":
        took = interrupted(
            lambda: list(model.batch_as_completed(["a", "b", "c"])), silent, 3, PROMPTLY
        )
    else:
        took = interrupted(
            lambda: model.batch(["a", "b", "c"], return_exceptions=True), silent, 3, PROMPTLY
        )
    assert took < PROMPTLY  # not the stalled reads' 60 s: they were cut
    _all_closed(silent, 3)
