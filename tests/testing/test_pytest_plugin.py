"""The README's complete CI test is real: it runs, offline, in a fresh pytest session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_ci_test() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    [block] = [b for b in blocks if "def test_bot(chat_mock)" in b]
    return str(block)


def test_the_readme_ci_test_is_short() -> None:
    assert len(readme_ci_test().strip().splitlines()) < 15


def test_the_readme_ci_test_passes(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(test_bot=readme_ci_test())
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
