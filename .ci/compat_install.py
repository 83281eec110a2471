"""`make compat-install`: the wheel installs, and a call works, where the metadata says.

For the lowest and the highest Python the classifiers declare (requires-python's floor
must be the lowest of them), the built wheel goes into a fresh virtual environment twice,
from the package index:

* lowest: every required dependency at the floor pyproject declares (a constraints file
  of `name==floor`; uv's `--resolution lowest-direct` would lower nothing, as the wheel is
  the only direct requirement). A floor that cannot install beside the others fails here,
  naming the conflict, and the versions installed are checked to be the floors;
* highest: the newest versions the index has.

The `langchain` extra goes in with it (at its floors in the lowest): where chatplex meets
langchain-core and pydantic at once (its messages are LangChain's for `isinstance`, a
drop-in is a LangChain chat model), an older pydantic or langchain-core breaks what
neither breaks alone, and the call checks that border.

Wheels only (`--only-binary :all:`): a floor that would need a compiler on one of the
Pythons (aiohttp 3.10.0 on 3.13) is not one a user can count on. Then
`.ci/compat_call.py` runs in that environment, from a folder outside the checkout:
calls through each dependency against the embedded mock server. Each extra is not
installed (Ray alone is a minute) but resolved at its floors, beside the required ones,
for both Pythons from wheels (`uv pip compile`): an extra's floor with no wheel for a
Python, or in conflict with a required floor, fails naming it.

    .venv/bin/python .ci/compat_install.py --uv .venv/bin/uv --wheel dist/chatplex-*.whl

`--stamp FILE` (what `make test` gives, in .venv/): the run is skipped when what it
checks has not changed since the last run that passed, as FILE records it: a digest of
pyproject.toml, of the lock files there are (uv.lock, pylock.toml), of this script and
compat_call.py, and of the interpreters found. It waits 2-4.5 min on the package index and
the disk, for what only those decide. Where the environment says CI (`CI=true`, as CI
services set it) it always runs, so a change of chatplex's code that needs a dependency
above its declared floor is caught there.

Interpreters are looked up by version: in $PYENV_ROOT (default ~/.pyenv) /versions/X.Y.*,
then `pythonX.Y` on PATH; a missing one fails naming the version and where it looked.
Runs with the standard library and `packaging` (which pip and build bring).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CALL = ROOT / ".ci" / "compat_call.py"
#: What decides the outcome, beside the interpreters (the lock files that exist).
DECIDING = (
    "pyproject.toml",
    "uv.lock",
    "pylock.toml",
    ".ci/compat_install.py",
    ".ci/compat_call.py",
)
_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (3\.\d+)$")


class CompatError(RuntimeError):
    """A declared floor, a Python or an install that does not hold (the message says which)."""


def declared_pythons(project: dict[str, object]) -> tuple[str, str]:
    """The lowest and highest `X.Y` the classifiers list; requires-python must agree."""
    classifiers = project.get("classifiers", [])
    assert isinstance(classifiers, list)
    versions = sorted(
        {m.group(1) for c in classifiers if (m := _CLASSIFIER.match(str(c)))},
        key=lambda v: tuple(int(p) for p in v.split(".")),
    )
    if not versions:
        raise CompatError("pyproject lists no 'Programming Language :: Python :: 3.X' classifier")
    lowest, highest = versions[0], versions[-1]
    requires = str(project.get("requires-python", ""))
    if requires != f">={lowest}":
        raise CompatError(
            f"requires-python is {requires!r} but the lowest Python classifier is {lowest}: "
            f"write requires-python = '>={lowest}' (or the classifier)"
        )
    return lowest, highest


def floor_constraints(dependencies: Sequence[str]) -> dict[str, str]:
    """Each required dependency's declared floor (`>=X`) as a `name==X` pin."""
    floors: dict[str, str] = {}
    for line in dependencies:
        requirement = Requirement(line)
        if requirement.marker is not None:  # its floor would hold on some Pythons only
            raise CompatError(f"{line!r} has a marker: pin its floor per Python here first")
        lower = [s.version for s in requirement.specifier if s.operator == ">="]
        if len(lower) != 1:
            raise CompatError(f"{line!r} declares no single '>=' floor to install at")
        floors[requirement.name] = lower[0]
    return floors


def find_python(version: str, environ: dict[str, str] | None = None) -> Path:
    """The interpreter of Python `version` (X.Y): pyenv's, else `pythonX.Y` on PATH."""
    environ = dict(os.environ) if environ is None else environ
    root = Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found = sorted(root.glob(f"{version}.*/bin/python{version}"), key=_patch_level)
    if found:
        return found[-1]
    on_path = shutil.which(f"python{version}", path=environ.get("PATH"))
    if on_path:
        return Path(on_path)
    raise CompatError(
        f"Python {version} (declared by pyproject's classifiers) is not installed: looked "
        f"for {root}/{version}.*/bin/python{version} and python{version} on PATH; install "
        f"it (pyenv install {version}) or change the classifiers"
    )


def _patch_level(path: Path) -> tuple[int, ...]:
    tail = path.parents[1].name.split(".")
    return tuple(int(p) if p.isdigit() else -1 for p in tail)


def _run(command: Sequence[str | Path], cwd: str | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=600, cwd=cwd
    )
    if result.returncode != 0:
        shown = " ".join(str(c) for c in command)
        raise CompatError(f"{shown}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


#: The extra installed with the wheel (`INSTALLED_EXTRA`'s floors pinned with the required
#: ones in the lowest environment): the call checks chatplex's border with LangChain.
INSTALLED_EXTRA = "langchain"


def install_and_call(
    uv: Path, wheel: Path, python: Path, home: Path, floors: dict[str, str] | None
) -> str:
    """A fresh venv at `home`, the wheel and its `INSTALLED_EXTRA` in it (at `floors`
    when given), then the call."""
    shutil.rmtree(home, ignore_errors=True)
    _run([uv, "venv", "--quiet", "--python", python, home])
    venv_python = home / "bin" / "python"
    install: list[str | Path] = [uv, "pip", "install", "--quiet", "--only-binary", ":all:"]
    install += [
        "--python",
        venv_python,
        f"chatplex[{INSTALLED_EXTRA}] @ {wheel.resolve().as_uri()}",
    ]
    if floors is not None:
        constraints = home / "floors.txt"
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in floors.items()), "utf-8")
        try:
            _run([*install, "--constraints", constraints])
        except CompatError as exc:
            raise CompatError(f"the declared floors cannot be installed together:\n{exc}") from None
        _check_installed(venv_python, floors)
    else:
        _run(install)
    with tempfile.TemporaryDirectory() as outside:  # not the checkout: the wheel is imported
        return _run([venv_python, CALL], cwd=outside).strip()


def check_extras_resolve(
    uv: Path, wheel: Path, version: str, project: dict[str, Any], floors: dict[str, str]
) -> list[str]:
    """Resolve each extra at its floors beside the required floors, for Python `version`,
    from wheels only; the extras checked (a CompatError names one that does not resolve)."""
    extras = sorted(set(project.get("optional-dependencies", {})) - {"docs"})
    with tempfile.TemporaryDirectory() as folder:
        for extra in extras:
            pins = {**floors, **floor_constraints(project["optional-dependencies"][extra])}
            constraints = Path(folder, f"{extra}.txt")
            constraints.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()), "utf-8")
            wanted = Path(folder, f"{extra}.in")
            wanted.write_text(f"chatplex[{extra}] @ {wheel.resolve().as_uri()}\n", "utf-8")
            command: list[str | Path] = [uv, "pip", "compile", "--quiet", "--only-binary"]
            command += [":all:", "--python-version", version, "-c", constraints, wanted]
            try:
                _run(command)
            except CompatError as exc:
                raise CompatError(
                    f"chatplex[{extra}] at its declared floors does not resolve on Python "
                    f"{version} (wheels only):\n{exc}"
                ) from None
    return extras


def _check_installed(venv_python: Path, floors: dict[str, str]) -> None:
    code = "import sys, importlib.metadata as m; print(*(m.version(n) for n in sys.argv[1:]))"
    got = _run([venv_python, "-c", code, *floors]).split()
    wrong = [
        f"{name} {version} (floor {floor})"
        for (name, floor), version in zip(floors.items(), got, strict=True)
        if _release(version) != _release(floor)
    ]
    if wrong:
        raise CompatError(f"installed above the declared floor: {', '.join(wrong)}")


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _timed(
    label: str, uv: Path, wheel: Path, python: Path, home: Path, pins: dict[str, str] | None
) -> str:
    start = time.monotonic()
    said = install_and_call(uv, wheel, python, home, pins)
    return f"{label:>7} deps, {said} ({time.monotonic() - start:.1f} s)"


def _extras_line(
    uv: Path, wheel: Path, version: str, project: dict[str, Any], floors: dict[str, str]
) -> str:
    extras = check_extras_resolve(uv, wheel, version, project, floors)
    return f" extras at their floors resolve on Python {version}: {', '.join(extras)}"


def stamp_key(root: Path, pythons: Sequence[Path]) -> str:
    """A digest of what decides the outcome: `DECIDING`'s files under `root` (by name and
    content; a missing lock file counts as missing) and the interpreters' paths."""
    digest = hashlib.sha256()
    for name in DECIDING:
        path = root / name
        content = path.read_bytes() if path.is_file() else b"<none>"
        digest.update(f"{name}\0{len(content)}\0".encode() + content)
    for python in pythons:
        digest.update(f"python\0{python}\0".encode())
    return digest.hexdigest()


def unchanged(stamp: Path, key: str, environ: dict[str, str] | None = None) -> bool:
    """Whether the last run that passed (`stamp`) checked what `key` names, outside CI."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get("CI", "").lower() in ("true", "1"):
        return False
    try:
        return stamp.read_text("utf-8").strip() == key
    except OSError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", type=Path, required=True, help="the uv executable")
    parser.add_argument("--wheel", type=Path, required=True, help="the built wheel")
    parser.add_argument("--into", type=Path, default=ROOT / ".venv" / "compat")
    parser.add_argument(
        "--stamp", type=Path, help="skip if unchanged since the run that passed wrote it"
    )
    args = parser.parse_args(argv)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    try:
        pythons = [(v, find_python(v)) for v in declared_pythons(project)]
        key = stamp_key(ROOT, [python for _, python in pythons])
        if args.stamp is not None:
            if unchanged(args.stamp, key):
                print(
                    f"compat-install: skipped, as pyproject.toml, the lock files, the scripts "
                    f"and the Pythons are those of the last run that passed ({args.stamp}; "
                    f"CI=true, or deleting it, runs it)"
                )
                return 0
            args.stamp.unlink(missing_ok=True)
        floors = floor_constraints(project["dependencies"])
        lowest_pins = {
            **floors,
            **floor_constraints(project["optional-dependencies"][INSTALLED_EXTRA]),
        }
        jobs: list[Callable[[], str]] = []
        for version, python in pythons:
            for label, pins in (("lowest", lowest_pins), ("highest", None)):
                home = args.into / f"{version}-{label}"
                jobs.append(partial(_timed, label, args.uv, args.wheel, python, home, pins))
            jobs.append(partial(_extras_line, args.uv, args.wheel, version, project, floors))
        for job in jobs:  # one at a time: two at once was slower on a 2-core machine
            print(job(), flush=True)
    except CompatError as exc:
        print(f"compat-install: {exc}", file=sys.stderr)
        return 1
    if args.stamp is not None:
        args.stamp.parent.mkdir(parents=True, exist_ok=True)
        args.stamp.write_text(key + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
