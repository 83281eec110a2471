"""The leak helpers' freeze (tests/_leaks.py): `frozen_heap` undoes its own freeze only.

Run in a child interpreter: freezing and unfreezing here would undo the worker's own
freeze (tests/langchain/conftest.py's), which every later collection then pays for.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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
