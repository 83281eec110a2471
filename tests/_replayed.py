"""A partner side replayed while nothing it depends on has changed: what the agents
matrix (tests/langchain/agents_matrix/_recorded.py) and the side-by-side suites
(tests/partners/_replays.py) share.

Most of those suites' CPU is the partner packages running their side, and what their
side gives depends on its test's code, the partner packages and LangChain, the mock
server and chatplex's error modules; nothing of chatplex's drop-ins. So each test
module's partner outcomes are kept in `<directory>/<module>.json.gz` under a key made of
exactly those (`key_of`): the versions of the LangChain distributions and what they
require, the Python, the suite's kit, the module's own source and the test helpers they
import, `chatplex/testing/` and the error modules. When the key is the module's, a
partner run is read from there; otherwise (or for a run not recorded) it runs live. The
drop-in's side always runs live and is compared with it as before.

The first recorded partner run of each module a worker meets still runs live and must
equal its recording (`_check_against_live`): a recording that no longer says what the
partner does fails there, whatever the key says. Equal but for what the partner draws
afresh on each run (`_DRAWN`); a run whose recording shows pieces in a scheduler's order
(`Recordings.unordered`) is not the check. A test that fails with a replayed partner side
runs again live (`rerun_live_on_failure`), and that run is its verdict.

    CHATPLEX_RECORD_PARTNERS=1   every partner side runs live and is recorded
    CHATPLEX_LIVE_PARTNERS=1     every partner side runs live, nothing written
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
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests._compile_once import folder_lock
from tests._matrix_report import report as _report

_ROOT = Path(__file__).resolve().parents[1]

#: What a partner side reads of chatplex: the mock servers and what names its errors.
_CHATPLEX_SOURCES = ("chatplex/testing", "chatplex/errors.py", "chatplex/sdk_error_families.py")
#: Bumped when the encoding below changes.
_FORMAT = 1

MODE = (
    "record"
    if os.environ.get("CHATPLEX_RECORD_PARTNERS") == "1"
    else "live"
    if os.environ.get("CHATPLEX_LIVE_PARTNERS") == "1"
    else "replay"
)


class Unrecordable(TypeError):
    """An outcome holding a value JSON cannot give back as it was: that run stays live."""


#: A suite's own classes in its outcomes: tag -> (class, its fields), each given back
#: as `class(*fields)`.
Tags = dict[str, tuple[type, tuple[str, ...]]]


def encode(value: Any, server: str, placeholder: str, tags: Tags) -> Any:
    """`value` as JSON data that `decode` turns back into an equal value: the classes of
    `tags` tagged, a tuple and bytes tagged (bytes as base64), the server's address
    (`host:port`) as `placeholder`."""
    by_class = {cls: (tag, names) for tag, (cls, names) in tags.items()}

    def encoded(value: Any) -> Any:
        # A str or number of a subclass (LangChain's `TextAccessor`, an enum) comes back
        # as its base class, equal to it: what the suites compare with `==`.
        if isinstance(value, str):
            if placeholder in value:
                raise Unrecordable(f"{placeholder} in an outcome")
            return value.replace(server, placeholder)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, list):
            return [encoded(v) for v in value]
        if isinstance(value, dict):
            if "__t__" in value or not all(isinstance(k, str) for k in value):
                raise Unrecordable(f"a dict this encoding cannot hold: {list(value)[:5]}")
            return {encoded(k): encoded(v) for k, v in value.items()}
        kind = type(value)
        if kind in by_class:
            tag, names = by_class[kind]
            return {"__t__": tag, **{n: encoded(getattr(value, n)) for n in names}}
        if kind is tuple:  # (compared with `==`: a list would not equal it)
            return {"__t__": "tuple", "items": [encoded(v) for v in value]}
        if isinstance(value, bytes):
            return {"__t__": "bytes", "b64": base64.b64encode(value).decode()}
        raise Unrecordable(f"a {type(value).__name__} in the outcome")

    return encoded(value)


def decode(data: Any, server: str, placeholder: str, tags: Tags) -> Any:
    """The value `encode` made `data` of, with the server at `server`."""

    def decoded(data: Any) -> Any:
        if isinstance(data, str):
            return data.replace(placeholder, server)
        if isinstance(data, list):
            return [decoded(v) for v in data]
        if isinstance(data, dict):
            tag = data.get("__t__")
            if tag == "bytes":
                return base64.b64decode(data["b64"])
            if tag == "tuple":
                return tuple(decoded(v) for v in data["items"])
            if tag in tags:
                cls, names = tags[tag]
                return cls(*(decoded(data[n]) for n in names))
            return {decoded(k): decoded(v) for k, v in data.items()}
        return data

    return decoded(data)


def _digest_tree(digest: Any, path: Path) -> None:
    """Each file's path (from the checkout's root, wherever it is) and bytes."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        name = file.relative_to(_ROOT) if file.is_relative_to(_ROOT) else Path(file.name)
        digest.update(str(name).encode() + b"\0" + file.read_bytes() + b"\0")


@functools.cache  # both suites' keys read it: once per process
def _partner_versions() -> tuple[str, ...]:
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
    return tuple(sorted(f"{name}=={version}" for name, version in seen.items()))


def common_key(kit: list[Path], not_run_here: frozenset[Path]) -> str:
    """The part of every module's key that a suite's modules share: the partner
    packages, the Python, chatplex's sources a partner side reads and the suite's `kit`."""
    digest = hashlib.sha256(f"format {_FORMAT}\n{sys.version}\n{sys.platform}\n".encode())
    digest.update("\n".join(_partner_versions()).encode())
    for name in _CHATPLEX_SOURCES:
        _digest_tree(digest, _ROOT / name)
    for path in sorted(sources_of(kit, not_run_here)):
        _digest_tree(digest, path)
    return digest.hexdigest()


def key_of(module: Path, common: str, not_run_here: frozenset[Path]) -> str:
    """The key of a test module's recording: the shared part, the module's source and
    the test helpers it imports (`sources_of`)."""
    digest = hashlib.sha256(common.encode())
    for path in sorted(sources_of([module], not_run_here)):
        _digest_tree(digest, path)
    return digest.hexdigest()


def sources_of(files: list[Path], not_run_here: frozenset[Path]) -> set[Path]:
    """`files` and every module of the test tree they import, transitively (read from
    their import statements: a helper's source is part of what a partner side runs),
    but those that run none (`not_run_here`)."""
    found: set[Path] = set()
    todo = list(files)
    while todo:
        path = todo.pop()
        if path in found or path in not_run_here or not path.exists():
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


#: The replay machinery's own modules: they run no partner side.
MACHINERY = frozenset({_ROOT / "tests" / "_replayed.py", _ROOT / "tests" / "_matrix_report.py"})


@dataclass
class _Module:
    key: str
    #: The recording, when its key is this module's (else empty: all live).
    outcomes: dict[str, Any]
    fresh: bool
    #: What ran live in this process, by run (written when recording).
    ran: dict[str, Any] = field(default_factory=dict)
    #: The runs whose outcome no encoding gives back as it was, and why: they run live.
    unrecordable: dict[str, str] = field(default_factory=dict)
    checked: bool = False


@dataclass
class Recordings:
    """A suite's recordings this process read, and the partner runs it made (one per
    worker). A run is named by its test's name and how many partner runs the test made
    before it (`test[a]#0`)."""

    #: "record", "live" or "replay" (`MODE`).
    mode: str = MODE
    #: Where the recordings are read from and written to.
    directory: Path = Path("recorded")
    #: What the suite's report calls it, and the make target that records it again.
    label: str = "partners"
    target: str = "record-partners"
    #: What stands for the server's address (its port is drawn per run) in a recording.
    placeholder: str = "<server>"
    #: The files every module of the suite runs its partner side with (in every key).
    kit: tuple[Path, ...] = ()
    #: Test modules whose source is in no key: they run no partner side.
    not_run_here: frozenset[Path] = MACHINERY
    #: Words a recorded outcome shows when it holds pieces in a scheduler's order, with
    #: why: such a run is never the live check.
    unordered: dict[str, str] = field(default_factory=dict)
    modules: dict[str, _Module] = field(default_factory=dict)
    #: How many partner runs the test running now has made (a test may make several).
    runs: int = 0
    common: str | None = None
    #: The test running now (set by the suite's conftest).
    item: pytest.Item | None = None
    #: How many partner outcomes the test running now was given from a recording.
    replays: int = 0
    #: Set while a test runs again with its partner side live.
    live: bool = False
    #: The tests that ran again live after failing with a replayed partner side.
    reruns: list[str] = field(default_factory=list)

    def tags(self) -> Tags:
        """The suite's own classes its outcomes hold (none here)."""
        return {}

    def _module(self, source: Path) -> _Module:
        name = self.name_of(source)
        known = self.modules.get(name)
        if known is None:
            if self.common is None:
                self.common = common_key(list(self.kit), self.not_run_here)
            key = key_of(source, self.common, self.not_run_here)
            path = self.directory / f"{name}.json.gz"
            data = json.loads(gzip.decompress(path.read_bytes())) if path.exists() else {}
            fresh = data.get("key") == key
            outcomes = data.get("outcomes", {}) if fresh else {}
            known = self.modules[name] = _Module(key, outcomes, fresh)
        return known

    def name_of(self, source: Path) -> str:
        """A test module's recording's name: its path from the suite's folder (the one
        holding `directory`), dotted; a module outside it, by its own name."""
        home = self.directory.parent
        inside = source.with_suffix("").relative_to(home) if source.is_relative_to(home) else None
        return ".".join(inside.parts) if inside else source.stem

    def next_cell(self) -> tuple[_Module, str] | None:
        """The module and name of the partner run about to start (None outside a test)."""
        item = self.item
        if item is None:
            return None
        self.runs += 1
        return self._module(item.path), f"{item.name}#{self.runs - 1}"

    def replayed(self, module: _Module, cell: str, server: str) -> tuple[bool, Any]:
        """(True, the recorded outcome) when `cell` is to be replayed, else (False, None):
        once a run of its module was checked live, a recorded run is replayed. Not an
        xfailed test's: it fails, and a test failing on a replayed partner side runs
        again live, so its replayed run would only add a run."""
        if self.mode != "replay" or self.live or not module.checked or self._xfailed():
            return False, None
        if cell not in module.outcomes:
            return False, None
        self.replays += 1
        return True, self._decode(module.outcomes[cell], server)

    def ran(self, module: _Module, cell: str, server: str, outcome: Any) -> None:
        """A partner side run live: kept for the recording, and, for the first recorded
        run of a module in this process that is expected to pass (a failure of an
        xfailed one would hide a mismatch), checked against its recording."""
        if self.mode == "record":
            self._keep(module, cell, server, outcome)
        elif self.mode == "replay" and not module.checked and cell in module.outcomes:
            if self._xfailed():
                return
            recorded = self._decode(module.outcomes[cell], server)
            if any(sign in repr(recorded) for sign in self.unordered):
                return
            module.checked = True
            _check_against_live(cell, recorded, outcome, self.target)

    def starting(self, item: pytest.Item | None) -> None:
        """`item` runs now (None: no test), its partner runs counted from 0."""
        self.item, self.runs, self.replays, self.live = item, 0, 0, False

    def _xfailed(self) -> bool:
        return self.item is not None and self.item.get_closest_marker("xfail") is not None

    def _decode(self, data: Any, server: str) -> Any:
        return decode(data, server, self.placeholder, self.tags())

    def recordable(self, outcome: Any, server: str) -> Any:
        """`outcome` encoded, when its encoding gives it back equal; else Unrecordable."""
        encoded = encode(outcome, server, self.placeholder, self.tags())
        if self._decode(json.loads(json.dumps(encoded)), server) != outcome:
            raise Unrecordable("its encoding gives back another value")
        return encoded

    def _keep(self, module: _Module, cell: str, server: str, outcome: Any) -> None:
        try:
            module.ran[cell] = self.recordable(outcome, server)
        except Unrecordable as why:
            module.unrecordable[cell] = str(why)

    def write(self) -> list[str]:
        """The modules re-recorded (when recording): each file holds what ran here, with
        the runs of the recording it holds that this process did not reach, if its key
        is the same: another worker's of this run (a module's tests are shared out
        between workers), or a former run's. One process writes at a time."""
        written = []
        self.directory.mkdir(exist_ok=True)
        with folder_lock(str(self.directory)):  # the workers of a run write in turn
            for name, module in self.modules.items():
                if module.ran or module.unrecordable:
                    self._write(name, module)
                    written.append(name)
        return written

    def _write(self, name: str, module: _Module) -> None:
        path = self.directory / f"{name}.json.gz"
        held = json.loads(gzip.decompress(path.read_bytes())) if path.exists() else {}
        if held.get("key") != module.key:
            held = {}
        outcomes = {**held.get("outcomes", {}), **module.ran}
        unrecordable = {**held.get("unrecordable", {}), **module.unrecordable}
        recording: dict[str, Any] = {
            "key": module.key,
            "outcomes": {c: o for c, o in sorted(outcomes.items()) if c not in module.unrecordable},
        }
        unrecordable = {c: w for c, w in sorted(unrecordable.items()) if c not in module.ran}
        if unrecordable:  # (said, for who wonders why those run live)
            recording["unrecordable"] = unrecordable
        # mtime 0: the same recording is the same bytes.
        path.write_bytes(gzip.compress(json.dumps(recording).encode(), 9, mtime=0))

    def stale_modules(self) -> list[str]:
        """The modules met here whose recording is missing or not of their key."""
        if self.mode == "record":
            return []
        return sorted(name for name, module in self.modules.items() if not module.fresh)

    def hand_over(self, session: pytest.Session) -> None:
        """Recordings written (when recording); the modules whose partner side ran live
        for want of a recording of their key, and the tests run again live, handed to
        the terminal summary (from a worker, through its output)."""
        if self.mode == "record":
            self.write()
        figures = {"stale": self.stale_modules(), "reruns": self.reruns, "target": self.target}
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput.setdefault("replayed_partners", {})[self.label] = figures
        else:
            _report(session.config).add(self.label, figures)


def rerun_live_on_failure(recordings: Recordings) -> Callable[[pytest.Item], Iterator[None]]:
    """A `pytest_runtest_call` wrapper for a suite's conftest: a test whose partner side
    was replayed and that failed runs again with both sides live, and that run is its
    verdict. The recording is what the partner gives (the first live run of each module
    checks it), but a partner run can leave state a drop-in then meets (an SDK imported,
    which chatplex's errors then join; a LangChain warning given once per process),
    which replaying skips."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
        recordings.starting(item)
        try:
            try:
                return (yield)
            except Exception:
                if not recordings.replays:
                    raise
            recordings.starting(item)
            recordings.live = True
            recordings.reruns.append(item.nodeid.split("@", 1)[0])
            item.runtest()
            return None
        finally:
            recordings.starting(None)

    return pytest_runtest_call


def _check_against_live(cell: str, recorded: Any, live: Any, target: str) -> None:
    recorded, live = _steady(recorded), _steady(live)
    if recorded != live:
        from tests.langchain.agents_matrix._cells import where_they_differ

        raise AssertionError(
            f"the recorded partner outcome of {cell} is not what the partner gives now "
            f"(make {target} records it again):\n" + "\n".join(where_they_differ(recorded, live))
        )


#: What a partner side draws afresh on each run inside its text, where a suite's masking
#: by key does not reach, and what its judging masks there or does not read: a tool call
#: id langchain-mistralai makes up (`uuid4().hex`) or langchain-cohere's (a UUID),
#: repeated in the answer LangChain's agent gives a malformed call or printed with the
#: call; the mock server's reply ids (a prefix drawn per server, then a count of what it
#: answered before), printed with a message by `pretty_print`.
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
