"""The leak helpers' freeze (tests/_leaks.py): `frozen_heap` undoes its own freeze only;
and `warns_nothing` (tests/_warns.py) fails on a warning, not on a reclaimed socket.

The freeze is tried in a child interpreter: freezing and unfreezing here would undo the
worker's own freeze (tests/langchain/conftest.py's), which every later collection then
pays for.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tests._warns import warns_nothing

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import gc
held = [[n] for n in range(1000)]  # frozen before the module loads (the count sees it)
gc.freeze()
from tests import _leaks
with _leaks.frozen_heap():
    pass
seen = [gc.get_freeze_count() >= 1000]
gc.unfreeze()
with _leaks.frozen_heap():  # no freeze in force: its own, undone at its end
    seen.append(gc.get_freeze_count() > 0)
seen.append(gc.get_freeze_count())
gc.freeze()  # a freeze since the module loaded (the mark sees it): kept
frozen = gc.get_freeze_count()
with _leaks.frozen_heap():
    pass
seen.append(gc.get_freeze_count() >= frozen)
print(seen)
"""


def test_frozen_heap_keeps_a_freeze_in_force_and_undoes_its_own() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert ast.literal_eval(done.stdout) == [True, True, 0, True]


def test_warns_nothing_fails_on_a_warning_but_not_on_a_reclaimed_socket() -> None:
    with pytest.raises(UserWarning, match="said"), warns_nothing():
        warnings.warn("said", stacklevel=1)
    # A socket an earlier test left, reclaimed inside the block: shown, not raised.
    with warnings.catch_warnings(record=True) as seen, warns_nothing():
        warnings.warn("unclosed <socket.socket fd=3>", ResourceWarning, stacklevel=1)
    assert [w.category for w in seen] == [ResourceWarning]
