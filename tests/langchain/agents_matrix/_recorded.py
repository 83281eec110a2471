"""The partner side of the matrix, replayed while nothing it depends on has changed
(the machinery: tests/_replayed.py, shared with the side-by-side suites).

Two thirds of the matrix's CPU is the partner packages running their side of each cell
(measured over three modules: 14.0 s of 20.6 s). What their side gives depends on its
scenario's code, the partner packages and LangChain, the scripted mock server and how
an exception is named (`Raised.of`); nothing of chatplex's drop-ins. So each module's
partner outcomes are kept in `recorded/<module>.json.gz` under a key made of exactly those
(`key_of`): the versions of the LangChain distributions and what they require, the
Python, the matrix's kit, the module's own source and the test helpers they import,
`chatplex/testing/` and the error modules. When the key is the module's, a cell's
partner side is read from there; otherwise (or for a cell not recorded) it runs live, as
before. chatplex's side always runs live and is compared with it as before.

The first partner cell of each module a worker meets still runs live and must equal its
recording: a recording that no longer says what the partner does fails there, whatever
the key says. A cell whose recording shows pieces in the scheduler's order
(`UNORDERED`) is not the check: any cell may be the first a worker meets, so the check
must not depend on which.

    make record-matrix        # runs the matrix with CHATPLEX_RECORD_PARTNERS=1: re-records

A module whose key changed runs live (slower, still checked) and is listed at the end of
the run, until it is recorded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from tests import _replayed
from tests._replayed import Tags
from tests._replayed import Unrecordable

__all__ = ["PARTNERS", "SERVER", "UNORDERED", "PartnerOutcomes", "Unrecordable"]

#: Where the recordings are, one file per test module.
HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"

#: The kit every module runs its cells with.
_KIT = tuple(HERE / name for name in ("_kit.py", "_generated.py", "conftest.py", "__init__.py"))
#: Test modules that run no partner side: they judge (`_cells.py`, its tables edited
#: often), record, count or report. Not part of any key.
_NOT_RUN_HERE = (
    frozenset(
        HERE / name for name in ("_cells.py", "_recorded.py", "_census.py", "test_recorded.py")
    )
    | _replayed.MACHINERY
)


#: What a recorded outcome shows when it holds the pieces of tasks LangGraph ran side by
#: side, each with why: they come in whichever order the tasks finish (the scheduler's,
#: not the partner's), so no recording of such a cell equals every live run, and the live
#: check takes the next recorded cell instead. In two live runs of the whole matrix,
#: every cell whose order moved showed it. Their judging does not read that order: each
#: is a kept `Difference` whose check looks for the split call.
UNORDERED: dict[str, str] = {
    "is not a valid tool": (
        "a streamed tool call split apart (langchain-mistralai's, langchain-cohere's) "
        "runs as two tool tasks at once, the nameless one refused with these words: "
        "their pieces and updates come in the order the two finish"
    ),
}

#: What stands for the server's address (its port is drawn per run) in a recording.
SERVER = "<matrix-server>"


def _tags() -> Tags:
    from ._kit import Hung  # (here: the kit imports this module)
    from ._kit import Raised

    return {"raised": (Raised, ("kind", "model_error")), "hung": (Hung, ("after",))}


def encode(value: Any, server: str) -> Any:
    """`value` (what `_kit.observe` gives) as JSON data that `decode` turns back into an
    equal value; the kit's `Raised` and `Hung` tagged by class, the server's address
    (`host:port`) as `SERVER`."""
    return _replayed.encode(value, server, SERVER, _tags())


def decode(data: Any, server: str) -> Any:
    """The value `encode` made `data` of, with the server at `server`."""
    return _replayed.decode(data, server, SERVER, _tags())


def key_of(module: Path, common: str) -> str:
    """The key of a test module's recording (`_replayed.key_of`)."""
    return _replayed.key_of(module, common, _NOT_RUN_HERE)


def sources_of(files: list[Path]) -> set[Path]:
    """`files` and the test helpers they import, but the judge's (`_replayed.sources_of`)."""
    return _replayed.sources_of(files, _NOT_RUN_HERE)


@dataclass
class PartnerOutcomes(_replayed.Recordings):
    """The matrix's recordings this process read, and the outcomes it ran."""

    directory: Path = RECORDED
    label: str = "agents matrix"
    target: str = "record-matrix"
    placeholder: str = SERVER
    kit: tuple[Path, ...] = _KIT
    not_run_here: frozenset[Path] = _NOT_RUN_HERE
    unordered: dict[str, str] = field(default_factory=lambda: UNORDERED)

    def tags(self) -> Tags:
        return _tags()


PARTNERS = PartnerOutcomes()
