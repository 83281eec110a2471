"""The machine-wide budget: one file, every process of the machine (chatplex/http/
_budget_machine.py). Pacing is checked on a fake clock; sharing with real processes."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _httpkit import FakeClock
from _httpkit import wait_for_state

from chatplex.errors import DeadlineExceededError
from chatplex.errors import LockTimeoutError
from chatplex.http import RateLimit
from chatplex.http import get_budget
from chatplex.http._budget_machine import MachineBudget
from chatplex.http._budget_machine import budget_file
from chatplex.http._budget_machine import machine_budget
from chatplex.http._budget_shared import Outcome
from chatplex.http._schedule import STALE_AHEAD

EMPTY = {"x-ratelimit-remaining-requests": "0"}


def budget(path: Path, limit: RateLimit, clock: FakeClock) -> MachineBudget:
    return MachineBudget(limit, path, clock=clock, sleep=clock.sleep, asleep=clock.asleep)


def test_two_handles_on_one_file_share_one_pace(tmp_path: Path) -> None:
    clock, limit = FakeClock(), RateLimit(requests_per_minute=60)
    a, b = budget(tmp_path / "b", limit, clock), budget(tmp_path / "b", limit, clock)
    a.acquire(1).release(status=200)
    b.acquire(1).release(status=200)  # the burst (1 s of 1/s: two) is shared
    start = clock.now
    a.acquire(1).release(status=200)
    assert clock.now - start == pytest.approx(1.0)
    b.acquire(1).release(status=200)
    assert clock.now - start == pytest.approx(2.0)
    assert a.in_flight == b.in_flight == 0


async def test_async_acquire_waits_its_turn_and_respects_the_deadline(tmp_path: Path) -> None:
    clock, limit = FakeClock(), RateLimit(requests_per_minute=60)
    b = budget(tmp_path / "b", limit, clock)
    for _ in range(2):
        (await b.aacquire(1)).release(status=200)
    with pytest.raises(DeadlineExceededError):
        await b.aacquire(1, deadline=clock.now + 0.5)
    assert b.in_flight == 0  # a refused waiter holds nothing
    before = clock.now
    (await b.aacquire(1, deadline=clock.now + 5)).release(status=200)
    assert clock.now - before == pytest.approx(1.0)


def test_a_429_with_retry_after_pauses_every_sharer(tmp_path: Path) -> None:
    clock, limit = FakeClock(), RateLimit(requests_per_minute=6000)
    a, b = budget(tmp_path / "b", limit, clock), budget(tmp_path / "b", limit, clock)
    # a 429 saying the server's bucket is empty: the limit's (a bare one is its own delay)
    a.acquire(1).release(status=429, retry_after=3.0, headers=EMPTY)
    before = clock.now
    b.acquire(1).release(status=200)
    assert clock.now - before == pytest.approx(3.0)


def test_the_cap_counts_every_sharer_and_release_frees_a_slot(tmp_path: Path) -> None:
    clock, limit = FakeClock(), RateLimit(max_in_flight=2)
    a, b = budget(tmp_path / "b", limit, clock), budget(tmp_path / "b", limit, clock)
    first, second = a.acquire(1), b.acquire(1)
    with pytest.raises(DeadlineExceededError):
        a.acquire(1, deadline=clock.now + 0.1)
    first.release(status=200)
    first.release(status=200)  # only the first release counts
    b.acquire(1).release(status=200)
    second.release(status=200)
    assert a.in_flight == 0


async def test_waiters_of_one_process_queue_in_order_and_one_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = MachineBudget(RateLimit(max_in_flight=1), tmp_path / "b")  # real clock
    polls = 0
    try_once = b._try

    def counted(tokens: int, deadline: float | None) -> object:
        nonlocal polls
        polls += 1
        return try_once(tokens, deadline)

    monkeypatch.setattr(b, "_try", counted)
    held = await b.aacquire(1)
    order: list[int] = []

    async def wait(i: int) -> None:
        permit = await b.aacquire(1, deadline=time.monotonic() + 30)
        order.append(i)
        await asyncio.sleep(0.01)
        permit.release(status=200)

    waiters = [asyncio.ensure_future(wait(i)) for i in range(10)]
    await asyncio.sleep(0.2)  # 40 polls' time for each of them, were they all polling
    held.release(status=200)
    await asyncio.gather(*waiters)
    assert order == list(range(10))
    assert polls < 150  # ten waiters each polling every 5 ms for 0.2 s would be 400+


def _hold_and_die(path: str, held: int) -> None:
    b = MachineBudget(RateLimit(max_in_flight=held), Path(path))
    for _ in range(held):
        b.acquire(1)
    os._exit(0)  # dies holding its slots, without releasing


def test_slots_of_a_dead_process_are_reaped(tmp_path: Path) -> None:
    path = tmp_path / "b"
    child = multiprocessing.get_context("spawn").Process(target=_hold_and_die, args=(path, 2))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    b = MachineBudget(RateLimit(max_in_flight=2), path)
    assert b.in_flight == 2  # what the dead process left...
    permit = b.acquire(1, deadline=time.monotonic() + 5)  # ...is reaped at the cap
    assert b.in_flight == 1
    permit.release(status=200)


def test_numbers_left_by_another_boot_are_reset(tmp_path: Path) -> None:
    clock, limit = FakeClock(), RateLimit(requests_per_minute=60)
    b = budget(tmp_path / "b", limit, clock)
    b.acquire(1).release(status=200)
    clock.now -= 2 * STALE_AHEAD  # the clock restarted: the file's numbers are far ahead
    before = clock.now
    b.acquire(1).release(status=200)
    assert clock.now == before


def test_get_budget_picks_the_machine_budget_by_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_BUDGET_DIR", str(tmp_path))
    key = ("openai", "http://127.0.0.1/v1", "d1g3st", f"m-{os.getpid()}-{time.time()}")
    limit = RateLimit(requests_per_minute=60, scope="machine")
    b = get_budget(key, limit)
    assert isinstance(b, MachineBudget)
    assert b is machine_budget(key, limit)
    assert b.path == budget_file(key) and b.path.parent == tmp_path
    assert "d1g3st" not in b.path.name and "openai" not in b.path.name
    faster = RateLimit(requests_per_minute=120, scope="machine")
    assert get_budget(key, faster) is b and b.limit == faster


def test_a_forked_child_opens_its_own_file(tmp_path: Path) -> None:
    b = MachineBudget(RateLimit(max_in_flight=4), tmp_path / "b")
    held = b.acquire(1)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own lock and row, the parent's slot still counted
        permit = b.acquire(1)
        os.write(write, str(b.in_flight).encode())
        permit.release(status=200)
        os._exit(0)
    os.close(write)
    seen = os.read(read, 16)
    os.waitpid(pid, 0)
    assert seen == b"2"
    held.release(status=200)
    assert b.in_flight == 0


# ---- four processes against a server enforcing the limit (small: bench has the figures) ----


@pytest.fixture(scope="module")
def four_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Four spawned worker processes, shared by the runs below: spawning them (each
    importing chatplex) is most of a run's cost on a loaded machine. Each run's server
    has its own port, so its budget key and budget file are new to every worker."""
    budgets = str(tmp_path_factory.mktemp("budgets"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CHATPLEX_BUDGET_DIR", budgets)  # the spawned workers inherit it
        with multiprocessing.get_context("spawn").Pool(4) as pool:
            yield pool


@pytest.mark.parametrize("scope", ["machine", "process"])
def test_four_processes_share_one_budget_or_overshoot(scope: str, four_workers: Any) -> None:
    from _scalekit import REQUEST_TOKENS
    from _scalekit import drive

    from chatplex.testing import MockServer
    from chatplex.testing.limited_server import LimitedServer

    rpm = 1200.0
    limit = {"requests_per_minute": rpm, "tokens_per_minute": rpm * REQUEST_TOKENS}
    limit["scope"] = scope
    context = multiprocessing.get_context("spawn")
    limited = LimitedServer(requests_per_minute=rpm, tokens_per_minute=rpm * REQUEST_TOKENS)
    with MockServer() as warm, limited as srv, context.Manager() as manager:
        # Each worker makes its cold first call to `warm`, then all four start together.
        ready = manager.Barrier(4)
        args = [
            (srv.base_url, limit, 0.0, 3.0, 4, worker, warm.openai_base_url, ready)
            for worker in range(4)
        ]
        results = four_workers.starmap(drive, args, chunksize=1)
        stats = srv.stats
    failed, sent = sum(r["failed"] for r in results), sum(r["ok"] for r in results)
    limited_share = stats.limited / stats.requests
    if scope == "machine":
        assert failed == 0
        assert limited_share < 0.01, stats
        # Every process was served (none starved). How close they get to the limit depends
        # on the machine's speed: bench/bench_scale.py measures it (>= 95 %); a loaded CI
        # host cannot (the same check on Ray saw 59 % with a core pegged).
        assert all(r["ok"] > 0 for r in results), results
    else:  # each process has the whole budget to itself: four times too fast
        assert limited_share > 0.05, stats
        # A bare 429 no longer halves a process's pace at once (sporadic ones must not):
        # until a process has counted enough of them, a few calls may run out of retries.
        assert failed <= 0.1 * (failed + sent)


# ---- a lost or stopped sharer ------------------------------------------------------------


needs_proc = pytest.mark.skipif(
    not os.path.exists("/proc/self/stat"), reason="reads process states in Linux's /proc"
)


@needs_proc
def test_slots_of_a_killed_process_not_yet_reaped_are_freed_at_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "b"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # takes both slots, says so, and waits to be killed
        child = MachineBudget(RateLimit(max_in_flight=2), path)
        child.acquire(1)
        child.acquire(1)
        os.write(write, b"held")
        time.sleep(60)
        os._exit(0)
    try:
        os.close(write)
        assert os.read(read, 4) == b"held"
        os.kill(pid, signal.SIGKILL)  # and no waitpid: a zombie
        wait_for_state(pid, "Z")
        b = MachineBudget(RateLimit(max_in_flight=2), path)
        assert b.in_flight == 2
        first = b.acquire(1, deadline=time.monotonic() + 5)  # at the cap: both freed
        second = b.acquire(1, deadline=time.monotonic() + 5)
        assert b.in_flight == 2  # the two are this process's now
        first.release(status=200)
        second.release(status=200)
        assert b.in_flight == 0
    finally:
        os.close(read)
        os.waitpid(pid, 0)


def test_a_row_left_by_an_earlier_process_with_the_same_pid_is_freed(tmp_path: Path) -> None:
    b = MachineBudget(RateLimit(max_in_flight=1), tmp_path / "b")
    b.acquire(1)
    with b._locked() as view:  # as if the holder had died and its pid were reused
        from chatplex.http import _budget_machine as machine

        pid, held, started = machine._ROW.unpack_from(view, machine._offset(b._row))
        assert (pid, held) == (os.getpid(), 1)
        machine._ROW.pack_into(view, machine._offset(b._row), pid, held, started - 1)
    fresh = MachineBudget(RateLimit(max_in_flight=1), tmp_path / "b")
    fresh.acquire(1, deadline=time.monotonic() + 5).release(status=200)
    assert fresh.in_flight == 0


def _stopped_lock_holder(path: Path) -> int:
    """A forked child that takes the file lock of `path` and stops itself (SIGSTOP)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        holder = MachineBudget(RateLimit(max_in_flight=4), path)
        with holder._locked():
            os.write(write, b"L")
            os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"L"
    os.close(read)
    wait_for_state(pid, "T")
    return pid


def _resume_and_reap(pid: int) -> None:
    os.kill(pid, signal.SIGCONT)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@needs_proc
def test_a_stopped_lock_holder_costs_a_caller_its_deadline_not_more(tmp_path: Path) -> None:
    path = tmp_path / "b"
    b = MachineBudget(RateLimit(max_in_flight=4), path)
    b.acquire(1).release(status=200)  # the file exists and is mapped
    pid = _stopped_lock_holder(path)
    try:
        start = time.monotonic()
        with pytest.raises(DeadlineExceededError, match=rf"{path}, held by pid {pid} \(stopped\)"):
            b.acquire(1, deadline=start + 0.5)
        assert time.monotonic() - start < 0.5 + 4.0  # generous: only a stall crosses it
    finally:
        _resume_and_reap(pid)
    b.acquire(1, deadline=time.monotonic() + 5).release(status=200)  # free again
    assert b.in_flight == 0


@needs_proc
async def test_a_stopped_lock_holder_neither_overruns_nor_blocks_the_event_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "b"
    b = MachineBudget(RateLimit(max_in_flight=4), path)
    pid = _stopped_lock_holder(path)  # before this process's first use: the file is new
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    try:
        start = time.monotonic()
        with pytest.raises(DeadlineExceededError, match=rf"held by pid {pid} \(stopped\)"):
            await b.aacquire(1, deadline=start + 0.5)
        assert time.monotonic() - start < 0.5 + 4.0
        assert ticks >= 3  # the loop ran while this call waited (blocked, it ticks once)
    finally:
        ticker.cancel()
        _resume_and_reap(pid)
    (await b.aacquire(1, deadline=time.monotonic() + 5)).release(status=200)
    assert b.in_flight == 0


@needs_proc
async def test_without_a_deadline_the_lock_wait_ends_with_the_holders_pid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chatplex.http import _budget_machine as machine

    monkeypatch.setattr(machine, "LOCK_WAIT", 0.25)
    path = tmp_path / "b"
    b = MachineBudget(RateLimit(max_in_flight=4), path)
    pid = _stopped_lock_holder(path)
    try:
        for attempt in (lambda: b.acquire(1), lambda: asyncio.run(b.aacquire(1))):
            with pytest.raises(LockTimeoutError, match=rf"held over 0.25 s by pid {pid}") as err:
                await asyncio.to_thread(attempt)
            assert (err.value.holder, err.value.path) == (pid, str(path))
            assert isinstance(err.value, TimeoutError)
    finally:
        _resume_and_reap(pid)


def test_a_planted_symlink_is_refused_and_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_bytes(b"mine")
    home = tmp_path / "budgets"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("CHATPLEX_BUDGET_DIR", str(home))
    key = ("openai", "http://127.0.0.1/v1", "d1g3st", f"planted-{os.getpid()}-{time.time()}")
    budget_file(key).symlink_to(precious)
    b = get_budget(key, RateLimit(max_in_flight=2, scope="machine"))
    with pytest.raises(PermissionError, match="symbolic link"):
        b.acquire(1)
    with pytest.raises(PermissionError, match="symbolic link"):
        asyncio.run(b.aacquire(1))
    assert precious.read_bytes() == b"mine"


@needs_proc
async def test_a_release_during_a_stall_returns_at_once_and_is_settled_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "b"
    b = MachineBudget(RateLimit(max_in_flight=4), path)
    held = [b.acquire(1), await b.aacquire(1)]  # answers on their way when the holder stops
    pid = _stopped_lock_holder(path)
    try:
        start = time.monotonic()
        held[0].release(status=200)  # neither waits 5 s nor raises: owed
        await asyncio.to_thread(held[1].release, status=200)
        assert time.monotonic() - start < 3.0  # generous: RELEASE_WAIT is 0.05 s each
        assert len(b._owed) == 2
    finally:
        _resume_and_reap(pid)
    assert b.in_flight == 0  # the next lock settled both
    assert b._owed == []


def test_close_settles_what_is_owed(tmp_path: Path) -> None:
    b = MachineBudget(RateLimit(max_in_flight=4), tmp_path / "b")
    permit = b.acquire(1)
    b._owed.append((permit, Outcome(status=200)))  # as a release during a stall leaves it
    permit.released = True
    b.close()
    assert b._owed == [] and MachineBudget(RateLimit(4), tmp_path / "b").in_flight == 0


def test_a_pace_cut_by_one_script_does_not_hold_back_later_scripts(tmp_path: Path) -> None:
    """A machine budget keeps what its pace learned for every later process: one script
    whose calls each met a 429 saying nothing is `remaining` leaves a pace of a few
    requests a minute in the file. A later script pays two intervals of it at most (its
    first held request's, and the next, charged before that request's success grew the
    pace -- by more the longer no 429 came), none once FORGET_AFTER passed with no 429
    (tests/http/test_pace_forget.py); then its waits keep falling."""
    clock, limit = FakeClock(), RateLimit(max_in_flight=4, scope="machine")
    first = budget(tmp_path / "b", limit, clock)
    nothing_left = {"x-ratelimit-remaining-requests": "0"}
    for _ in range(12):  # each call: a 429, then its retry's 200
        before = clock.now
        first.acquire(1).release(status=429, retry_after=0.0, headers=nothing_left)
        clock.sleep(0.5)
        first.acquire(1).release(status=200)
        call = clock.now - before
    assert call > 5.0  # the pace was cut: each call waits out its intervals
    clock.sleep(590.0)  # ten minutes later (not yet FORGET_AFTER), another process
    later = budget(tmp_path / "b", limit, clock)
    waits = []
    for _ in range(12):
        before = clock.now
        later.acquire(1).release(status=200)
        waits.append(clock.now - before)
        clock.sleep(0.1)
    assert max(waits) <= call
    assert all(w < 1.0 for w in waits[3:])  # grown past 60/min...
    assert waits[3:] == sorted(waits[3:], reverse=True)  # ...and still growing
