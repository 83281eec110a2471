"""The partner side of the matrix, replayed while nothing it depends on has changed.

Two thirds of the matrix's CPU is the partner packages running their side of each cell
(measured over three modules: 14.0 s of 20.6 s). What their side gives depends on its
scenario's code, the partner packages and LangChain, the scripted mock server and how
an exception is named (`Raised.of`); nothing of chatplex's drop-ins. So each module's
partner outcomes are kept in `recorded/<module>.json.gz` under a key made of exactly those
(`key_of`): the versions of the LangChain distributions and what they require, the
Python, the matrix's kit, the module's own source and the test helpers they import,
`chatplex/testing/` and the error modules. When the key is the
module's, a cell's partner side is read from there; otherwise (or for a cell not
recorded) it runs live, as before. chatplex's side always runs live and is compared
with it as before.

The first partner cell of each module a worker meets still runs live and must equal its
recording (`_check_against_live`): a recording that no longer says what the partner does
fails there, whatever the key says. Equal but for what the partner draws afresh on each
run (`_DRAWN`); a cell whose recording shows pieces in the scheduler's order
(`UNORDERED`) is not the check: any cell may be the first a worker meets, so the check
must not depend on which.

    make record-matrix        # runs the matrix with CHATPLEX_RECORD_PARTNERS=1: re-records

A module whose key changed runs live (slower, still checked) and is listed at the end of
the run (`stale_modules`), until it is recorded again.
"""

from __future__ import annotations

import ast
import base64
import functools
import gzip
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from dataclasses import field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

#: Where the recordings are, one file per test module.
HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"
_ROOT = HERE.parents[2]

#: What a partner side reads of chatplex: the mock server and what names its errors.
_CHATPLEX_SOURCES = ("chatplex/testing", "chatplex/errors.py", "chatplex/sdk_error_families.py")
#: The kit every module runs its cells with.
_KIT = ("_kit.py", "_generated.py", "conftest.py", "__init__.py")
#: Test modules that run no partner side: they judge (`_cells.py`, its tables edited
#: often), record, count or report. Not part of any key.
_NOT_RUN_HERE = frozenset(
    HERE / name for name in ("_cells.py", "_recorded.py", "_census.py", "test_recorded.py")
) | {_ROOT / "tests" / "_matrix_report.py"}
#: Bumped when the encoding below changes.
_FORMAT = 1

#: "record": every partner side runs live and is recorded (CHATPLEX_RECORD_PARTNERS=1);
#: "live": every partner side runs live, nothing written (CHATPLEX_LIVE_PARTNERS=1);
#: "replay" otherwise.
MODE = (
    "record"
    if os.environ.get("CHATPLEX_RECORD_PARTNERS") == "1"
    else "live"
    if os.environ.get("CHATPLEX_LIVE_PARTNERS") == "1"
    else "replay"
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


class Unrecordable(TypeError):
    """An outcome holding a value JSON cannot give back as it was: that cell runs live."""


#: What stands for the server's address (its port is drawn per run) in a recording.
SERVER = "<matrix-server>"


def encode(value: Any, server: str) -> Any:
    """`value` (what `_kit.observe` gives) as JSON data that `decode` turns back into an
    equal value; the kit's `Raised` and `Hung` tagged by class, the server's address
    (`host:port`) as `SERVER`."""
    from ._kit import Hung  # (here: the kit imports this module)
    from ._kit import Raised

    def encoded(value: Any) -> Any:
        if isinstance(value, str):
            if SERVER in value:
                raise Unrecordable(f"{SERVER} in an outcome")
            return value.replace(server, SERVER)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, list):
            return [encoded(v) for v in value]
        if isinstance(value, dict):
            if "__t__" in value or not all(isinstance(k, str) for k in value):
                raise Unrecordable(f"a dict this encoding cannot hold: {list(value)[:5]}")
            return {encoded(k): encoded(v) for k, v in value.items()}
        if isinstance(value, Raised):
            return {"__t__": "raised", "kind": value.kind, "model_error": value.model_error}
        if isinstance(value, Hung):
            return {"__t__": "hung", "after": value.after}
        if isinstance(value, bytes):
            return {"__t__": "bytes", "b64": base64.b64encode(value).decode()}
        raise Unrecordable(f"a {type(value).__name__} in the outcome")

    return encoded(value)


def decode(data: Any, server: str) -> Any:
    """The value `encode` made `data` of, with the server at `server`."""
    from ._kit import Hung
    from ._kit import Raised

    def decoded(data: Any) -> Any:
        if isinstance(data, str):
            return data.replace(SERVER, server)
        if isinstance(data, list):
            return [decoded(v) for v in data]
        if isinstance(data, dict):
            tag = data.get("__t__")
            if tag == "raised":
                return Raised(data["kind"], data["model_error"])
            if tag == "hung":
                return Hung(data["after"])
            if tag == "bytes":
                return base64.b64decode(data["b64"])
            return {decoded(k): decoded(v) for k, v in data.items()}
        return data

    return decoded(data)


def _digest_tree(digest: Any, path: Path) -> None:
    """Each file's path (from the checkout's root, wherever it is) and bytes."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        name = file.relative_to(_ROOT) if file.is_relative_to(_ROOT) else Path(file.name)
        digest.update(str(name).encode() + b"\0" + file.read_bytes() + b"\0")


def _partner_versions() -> list[str]:
    """`name==version` of every installed LangChain and LangGraph distribution (the
    partner packages among them) and of everything they require, transitively: what a
    partner side runs. Not the test tools (nor langchain-tests, which brings pytest's),
    which change often and run no partner code."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    installed = {canonicalize_name(d.metadata["Name"]): d for d in metadata.distributions()}
    todo = [
        name
        for name in installed
        if name.startswith(("langchain", "langgraph")) and name != "langchain-tests"
    ]
    seen: dict[str, str] = {}
    while todo:
        name = todo.pop()
        dist = installed.get(name)
        if name in seen or dist is None:
            continue
        seen[name] = dist.version
        for text in dist.requires or ():
            required = Requirement(text)
            if required.marker is None or required.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(required.name))
    return sorted(f"{name}=={version}" for name, version in seen.items())


def _common_key() -> str:
    """The part of every module's key that the modules share."""
    digest = hashlib.sha256(f"format {_FORMAT}\n{sys.version}\n{sys.platform}\n".encode())
    digest.update("\n".join(_partner_versions()).encode())
    for name in _CHATPLEX_SOURCES:
        _digest_tree(digest, _ROOT / name)
    for path in sorted(sources_of([HERE / name for name in _KIT])):
        _digest_tree(digest, path)
    return digest.hexdigest()


def key_of(module: Path, common: str) -> str:
    """The key of a test module's recording: the shared part, the module's source and
    the test helpers it imports (`sources_of`)."""
    digest = hashlib.sha256(common.encode())
    for path in sorted(sources_of([module])):
        _digest_tree(digest, path)
    return digest.hexdigest()


def sources_of(files: list[Path]) -> set[Path]:
    """`files` and every module of the test tree they import, transitively (read from
    their import statements: a helper's source is part of what a partner side runs),
    but those that run none (`_NOT_RUN_HERE`)."""
    found: set[Path] = set()
    todo = list(files)
    while todo:
        path = todo.pop()
        if path in found or path in _NOT_RUN_HERE or not path.exists():
            continue
        found.add(path)
        todo += _imported_test_modules(path)
    return found


@functools.cache  # a helper is imported by most modules: read once per process
def _imported_test_modules(path: Path) -> list[Path]:
    package = path.relative_to(_ROOT).parent.parts if path.is_relative_to(_ROOT) else ()
    names: list[tuple[str, ...]] = []
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names += [tuple(alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = (*base, *(node.module or "").split(".")) if node.module else base
            names.append(module)
            names += [(*module, alias.name) for alias in node.names]
    modules = []
    for name in names:
        if name[:1] != ("tests",):
            continue
        where = _ROOT.joinpath(*name)
        modules += [p for p in (where.with_suffix(".py"), where / "__init__.py") if p.exists()]
    return modules


@dataclass
class _Module:
    key: str
    #: The recording, when its key is this module's (else empty: all live).
    outcomes: dict[str, Any]
    fresh: bool
    #: What ran live in this process, by cell (written when recording).
    ran: dict[str, Any] = field(default_factory=dict)
    checked: bool = False


@dataclass
class PartnerOutcomes:
    """The recordings this process read, and the outcomes it ran (one per worker)."""

    mode: str = MODE
    #: Where the recordings are read from and written to.
    directory: Path = RECORDED
    modules: dict[str, _Module] = field(default_factory=dict)
    #: How many partner runs the test running now has made (a test may make several).
    runs: int = 0
    common: str | None = None
    #: The test running now (the matrix's autouse fixture sets it).
    item: pytest.Item | None = None
    #: How many partner outcomes the test running now was given from a recording.
    replays: int = 0
    #: Set while a test runs again with its partner side live (the matrix's conftest).
    live: bool = False
    #: The tests that ran again live after failing with a replayed partner side.
    reruns: list[str] = field(default_factory=list)

    def _module(self, source: Path) -> _Module:
        name = source.stem
        known = self.modules.get(name)
        if known is None:
            if self.common is None:
                self.common = _common_key()
            key = key_of(source, self.common)
            path = self.directory / f"{name}.json.gz"
            data = json.loads(gzip.decompress(path.read_bytes())) if path.exists() else {}
            fresh = data.get("key") == key
            outcomes = data.get("outcomes", {}) if fresh else {}
            known = self.modules[name] = _Module(key, outcomes, fresh)
        return known

    def next_cell(self) -> tuple[_Module, str] | None:
        """The module and cell of the partner run about to start (None outside a test):
        the test's name and how many partner runs it made before this one."""
        item = self.item
        if item is None:
            return None
        self.runs += 1
        return self._module(item.path), f"{item.name}#{self.runs - 1}"

    def replayed(self, module: _Module, cell: str, server: str) -> tuple[bool, Any]:
        """(True, the recorded outcome) when `cell` is to be replayed, else (False, None):
        once a cell of its module was checked live, a recorded cell is replayed. Not an
        xfailed one's: it fails, and a test failing on a replayed partner side runs again
        live (the matrix's conftest), so its replayed run would only add a run."""
        if self.mode != "replay" or self.live or not module.checked or self._xfailed():
            return False, None
        if cell not in module.outcomes:
            return False, None
        self.replays += 1
        return True, decode(module.outcomes[cell], server)

    def ran(self, module: _Module, cell: str, server: str, outcome: Any) -> None:
        """A partner side run live: kept for the recording, and, for the first recorded
        cell of a module in this process that is expected to pass (a failure of an
        xfailed cell would hide a mismatch), checked against its recording."""
        if self.mode == "record":
            self._keep(module, cell, server, outcome)
        elif self.mode == "replay" and not module.checked and cell in module.outcomes:
            if self._xfailed():
                return
            recorded = decode(module.outcomes[cell], server)
            if _unordered(recorded):
                return
            module.checked = True
            _check_against_live(cell, recorded, outcome)

    def starting(self, item: pytest.Item | None) -> None:
        """`item` runs now (None: no test), its partner runs counted from 0."""
        self.item, self.runs, self.replays, self.live = item, 0, 0, False

    def _xfailed(self) -> bool:
        return self.item is not None and self.item.get_closest_marker("xfail") is not None

    @staticmethod
    def _keep(module: _Module, cell: str, server: str, outcome: Any) -> None:
        try:
            encoded = encode(outcome, server)
        except Unrecordable:
            return
        if decode(json.loads(json.dumps(encoded)), server) == outcome:
            module.ran[cell] = encoded

    def write(self) -> list[str]:
        """The modules re-recorded (when recording): each file holds what ran here, with
        the cells of its former recording this run did not reach, if its key is the same."""
        written = []
        for name, module in self.modules.items():
            if not module.ran:
                continue
            outcomes = {**module.outcomes, **module.ran} if module.fresh else dict(module.ran)
            self.directory.mkdir(exist_ok=True)
            text = json.dumps({"key": module.key, "outcomes": dict(sorted(outcomes.items()))})
            # mtime 0: the same recording is the same bytes.
            packed = gzip.compress(text.encode(), 9, mtime=0)
            (self.directory / f"{name}.json.gz").write_bytes(packed)
            written.append(name)
        return written

    def stale_modules(self) -> list[str]:
        """The modules met here whose recording is missing or not of their key."""
        if self.mode == "record":
            return []
        return sorted(name for name, module in self.modules.items() if not module.fresh)


def _unordered(recorded: Any) -> bool:
    shown = repr(recorded)
    return any(sign in shown for sign in UNORDERED)


def _check_against_live(cell: str, recorded: Any, live: Any) -> None:
    recorded, live = _steady(recorded), _steady(live)
    if recorded != live:
        from ._cells import where_they_differ

        raise AssertionError(
            f"the recorded partner outcome of {cell} is not what the partner gives now "
            "(make record-matrix records it again):\n"
            + "\n".join(where_they_differ(recorded, live))
        )


PARTNERS = PartnerOutcomes()


#: What a partner side draws afresh on each run inside its text, where masking by key
#: (`_kit.masked`) does not reach, and what a module's judging masks there or does not
#: read: a tool call id langchain-mistralai makes up (`uuid4().hex`) or langchain-cohere's
#: (a UUID), repeated in the answer LangChain's agent gives a malformed call or printed
#: with the call; the mock server's reply ids (a prefix drawn per server, then a count of
#: what it answered before), printed with a message by `pretty_print`.
_DRAWN = re.compile(
    r"(?<![0-9a-f])(?:[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?![0-9a-f])"
    r"|mock[0-9a-f]{8}[0-9]{6,}"
)


def _steady(value: Any) -> Any:
    """`value` with each string holding a JSON object read as that object (the partner
    side's key order there is not the partner's to keep: the Vertex SDK writes a function
    call's arguments from a protobuf map, in an order that changes from run to run), and
    what is drawn per run (`_DRAWN`) in other strings masked."""
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    if isinstance(value, str) and value.startswith("{"):
        try:
            return _steady(json.loads(value))
        except ValueError:
            pass
    if isinstance(value, str):
        return _DRAWN.sub("<drawn>", value)
    return value
