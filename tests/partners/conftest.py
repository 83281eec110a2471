"""The side-by-side suites' fixtures: each suite module gets its own scripted server on
127.0.0.1 (kit: `_sidebyside.py`), started once for its scripts; two fixtures
keep fixed costs out of every script's time (neither touches what
is compared: results, requests, errors); the scripts that import the drop-ins alone
share one interpreter per worker to fork from (`dropins_alone`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests._leaks import frozen_heap
from tests._replayed import rerun_live_on_failure
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)
from tests.partners._dropins_alone import DropInsAlone
from tests.partners._replays import RECORDINGS
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    """The module's server, and the module under `frozen_heap`: scripts whose partner
    package leaves sockets for the collector run `gc.collect()` after the partner's run
    (`run_both(collect=True)`), and a full collection walks every object a worker holds
    (~0.45 s each, most of those suites' time); frozen, it walks what the module made,
    and `run_both` freezes again after each, so the next walks what one script made."""
    with frozen_heap(), scripted_server() as running:
        yield running


@pytest.fixture(scope="package")
def dropins_alone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DropInsAlone]:
    """Scripts importing `chatplex.langchain` alone, each in an interpreter of its own,
    forked from one started on first use, kept while the worker runs this folder's
    tests (the import paid once, not per script). Package scope, not session: the
    child-process guard (tests/_children.py) then holds this fixture, not the test that
    first asked, to having ended it."""
    alone = DropInsAlone(tmp_path_factory.mktemp("dropins-alone"))
    try:
        yield alone
    finally:
        alone.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Under pytest-xdist (--dist loadgroup) the scripts forked from `dropins_alone` share
    # one worker, so its interpreter imports chatplex.langchain once, not once per worker.
    for item in items:
        if "dropins_alone" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("dropins_alone"))


@pytest.fixture
def chatplex_retries_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """chatplex's retries, in both families, without their waits: the retry policy each
    model is given has its sleeps injected (as tests/chat/test_retrying.py's). What is
    retried, and how many attempts, are the model's own: only the backoff (~0.5 s, then
    ~1 s) is not slept, where a suite compares requests and errors, not waits."""
    from chatplex.chat import retrying
    from chatplex.core.retry import retry_policy

    async def no_wait(seconds: float) -> None:
        return None

    def at_once(*args: Any, **kwargs: Any) -> Any:
        return retry_policy(*args, sleep=lambda seconds: None, asleep=no_wait, **kwargs)

    monkeypatch.setattr(retrying, "_retry_policy", at_once)


#: A test that fails with a replayed partner side runs again with both sides live
#: (`_replays.py`).
pytest_runtest_call = rerun_live_on_failure(RECORDINGS)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Recordings written (`make record-partners`); the modules whose partner side ran
    live for want of a recording of their key, handed to the terminal summary."""
    RECORDINGS.hand_over(session)
