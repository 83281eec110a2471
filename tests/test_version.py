"""One version: pyproject's, `chatplex.__version__`, and the User-Agent's."""

from __future__ import annotations

import tomllib
from pathlib import Path

import chatplex
from chatplex.version import USER_AGENT
from chatplex.version import __version__

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_version_is_pyprojects() -> None:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    assert chatplex.__version__ == __version__ == project["version"]
    assert f"chatplex/{__version__}" == USER_AGENT
