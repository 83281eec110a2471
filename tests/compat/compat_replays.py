"""LangChain's side of the side-by-side cases, replayed while nothing it depends on has
changed (tests/_replayed.py, as the agents matrix's and the partner suites').

Each case runs its LangChain script, then the ported one (`compat_harness.run_case`).
What LangChain's side gives, its observation and the request bodies' `wire` keys,
depends on the case's source, the harness, the mock server, the partner packages and
this folder's conftest, nothing of chatplex's drop-ins. So it is recorded per test and
run (`test_side_by_side[case]#0`) in `recorded/test_compat.json.gz` and replayed while
the key holds; the ported script always runs live and is compared with it as before.

The cases and the harness are imported by bare name, which the key's walk of `tests.`
imports does not follow: they are the kit, in every key.

    make record-partners      # runs this folder with CHATPLEX_RECORD_PARTNERS=1 too
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compat_harness import Case
from compat_harness import run_ported
from compat_harness import run_reference

from tests._replayed import MACHINERY
from tests._replayed import Recordings

HERE = Path(__file__).resolve().parent

#: The harness, the cases, the order runner and the server's fixture.
_KIT = (*sorted(HERE.glob("compat_*.py")), HERE / "conftest.py")
#: The module that runs no LangChain side: this one.
_NOT_RUN_HERE = MACHINERY | {HERE / "compat_replays.py"}

#: Recorded again by `make record-partners` (the default target).
RECORDINGS = Recordings(
    directory=HERE / "recorded",
    label="compat side by side",
    placeholder="<mock-server>",
    kit=_KIT,
    not_run_here=_NOT_RUN_HERE,
)


def run_case_replayed(case: Case, server: str) -> tuple[Any, Any]:
    """`run_case` with LangChain's observation read from its recording where `RECORDINGS`
    allows, the mock server at `server` (`host:port`); the ported script always runs."""
    cell = RECORDINGS.next_cell()
    replayed, recorded = RECORDINGS.replayed(*cell, server) if cell else (False, None)
    if not replayed:
        recorded = run_reference(case)
        if cell is not None:
            RECORDINGS.ran(*cell, server, recorded)
    return recorded, run_ported(case)
