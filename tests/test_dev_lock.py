"""The test environment's lock (`requirements-dev.lock`, written by `make lock`) agrees
with pyproject.toml: every requirement `make test` installs has a pin there for this
Python, and the pin satisfies what pyproject asks. A requirement changed without
`make lock` fails here, by name, instead of as a resolver error in the install step."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
#: What the Makefile's .installed-dev installs beside the package: its extras.
DEV_EXTRAS = ("docs", "ray", "vertexai")


def _applies(requirement: Requirement, extra: str = "") -> bool:
    if requirement.marker is None:
        return True
    return requirement.marker.evaluate({**default_environment(), "extra": extra})


def _pins(text: str) -> dict[str, str]:
    """name -> version of the lock's pins whose markers hold for this Python."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line[0] in "# ":
            continue
        requirement = Requirement(line)
        if _applies(requirement):
            (specifier,) = requirement.specifier
            pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def _required() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    texts = [*project["project"]["dependencies"], *project["dependency-groups"]["dev"]]
    for extra in DEV_EXTRAS:
        texts += project["project"]["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def test_every_requirement_is_pinned_within_its_bounds() -> None:
    pins = _pins((ROOT / "requirements-dev.lock").read_text("utf-8"))
    required = [r for r in _required() if _applies(r)]
    assert len(required) > 40  # the project's, the dev group's and the extras' own
    wrong = {
        str(r): pins.get(canonicalize_name(r.name))
        for r in required
        if pins.get(canonicalize_name(r.name)) not in r.specifier
    }
    assert not wrong, f"run `make lock`: the lock's pins (None: missing) do not fit {wrong}"


def test_the_check_sees_a_pin_outside_its_bounds() -> None:
    pins = _pins("langchain-core==1.7.2\n    # via x\nnumpy==9.0 ; python_version < '3'\n")
    assert pins == {"langchain-core": "1.7.2"}
    assert pins["langchain-core"] not in Requirement("langchain-core==1.7.3").specifier


def test_make_installs_the_extras_this_test_reads() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert f"-e '.[{','.join(DEV_EXTRAS)}]'" in makefile
    assert " ".join(f"--extra {extra}" for extra in DEV_EXTRAS) in makefile
