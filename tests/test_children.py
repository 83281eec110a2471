"""The suite's child-process guard (tests/_children.py): a child its owner never waited
for, or whose pipes it left open, is reported, killed, reaped and closed; one waited for
and closed is not; children of others, and of third-party code, are left alone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests._children import ChildGuard

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def guard() -> Iterator[ChildGuard]:
    guard = ChildGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.uninstall()


def test_a_child_left_running_with_its_pipes_open_is_reported_and_tidied(
    guard: ChildGuard,
) -> None:
    owner = object()
    guard.enter(owner)
    child = subprocess.Popen(SLEEPER, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    guard.leave(owner)
    [problem] = guard.check(owner)
    assert f"child pid {child.pid} started at tests/test_children.py:" in problem
    assert "never waited for" in problem and "stdout/stderr left open" in problem
    assert child.returncode is not None  # killed and reaped
    assert child.stdout is not None and child.stdout.closed
    assert guard.check(owner) == []  # reported once


def test_a_child_waited_for_but_with_a_pipe_left_open_is_reported(guard: ChildGuard) -> None:
    owner = object()
    guard.enter(owner)
    child = subprocess.Popen([sys.executable, "-c", "print('hi')"], stdout=subprocess.PIPE)
    guard.leave(owner)
    child.wait(30)
    [problem] = guard.check(owner)
    assert "stdout left open" in problem and "never waited" not in problem
    assert child.stdout is not None and child.stdout.closed


def test_children_ended_and_closed_by_their_owner_are_fine(guard: ChildGuard) -> None:
    owner = object()
    guard.enter(owner)
    done = subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True, check=True)
    with subprocess.Popen(SLEEPER, stdout=subprocess.PIPE) as child:
        child.kill()
    guard.leave(owner)
    assert done.stdout.strip() == b"1"
    assert guard.check(owner) == []


def test_only_the_owners_children_are_checked(guard: ChildGuard) -> None:
    test, fixture = object(), object()
    guard.enter(test)
    guard.enter(fixture)  # a fixture set up during the test owns what its setup starts
    by_fixture = subprocess.Popen(SLEEPER)
    guard.leave(fixture)
    by_test = subprocess.Popen(SLEEPER)
    guard.leave(test)
    [problem] = guard.check(test)
    assert f"child pid {by_test.pid} " in problem
    assert by_fixture.poll() is None  # not the test's: left running
    [problem] = guard.check(fixture)
    assert f"child pid {by_fixture.pid} " in problem and by_fixture.returncode is not None


def test_children_started_by_third_party_code_are_not_tracked(guard: ChildGuard) -> None:
    owner = object()
    guard.enter(owner)
    # As if a library outside the project (Ray, pip) started it.
    code = compile("child = subprocess.Popen(SLEEPER)", "/usr/lib/elsewhere/lib.py", "exec")
    scope: dict[str, Any] = {"subprocess": subprocess, "SLEEPER": SLEEPER}
    exec(code, scope)
    guard.leave(owner)
    child: subprocess.Popen[bytes] = scope["child"]
    try:
        assert guard.check(owner) == []
        assert child.poll() is None
    finally:
        child.kill()
        child.wait(30)


def test_uninstall_restores_popen() -> None:
    original = subprocess.Popen.__init__
    guard = ChildGuard()
    guard.install()
    assert subprocess.Popen.__init__ is not original
    guard.uninstall()
    assert subprocess.Popen.__init__ is original
