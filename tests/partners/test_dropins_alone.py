"""The interpreters `dropins_alone` forks: a script there finds chatplex.langchain loaded
and nothing of a partner package or SDK, its own arguments and environment, and fails
its test when it fails."""

from __future__ import annotations

import json

import pytest

from tests.partners._dropins_alone import DropInsAlone

_SEEN = """
import json, os, sys
partners = ("openai", "anthropic", "groq", "langchain_openai", "langchain_anthropic")
print(json.dumps({
    "chatplex.langchain": "chatplex.langchain" in sys.modules,
    "partners": [name for name in partners if name in sys.modules],
    "argv": sys.argv[1:],
    "environment": dict(os.environ),
}))
import openai  # loaded by this script alone: the next one starts without it
"""


def test_each_script_starts_from_the_import_alone_with_its_own_environment(
    dropins_alone: DropInsAlone,
) -> None:
    for run in ("first", "second"):
        env = {"DROPINS_ALONE_SEEN": run, "PATH": "/usr/bin"}
        ran = dropins_alone.run(_SEEN, run, "x y", env=env)
        seen = json.loads(ran.stdout.strip().splitlines()[-1])
        assert seen == {
            "chatplex.langchain": True,
            "partners": [],
            "argv": [run, "x y"],
            "environment": env,  # in full: nothing of the test's
        }


def test_a_script_given_no_environment_has_the_tests(
    dropins_alone: DropInsAlone, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DROPINS_ALONE_SEEN", "the test's")
    ran = dropins_alone.run(_SEEN)
    seen = json.loads(ran.stdout.strip().splitlines()[-1])["environment"]
    assert seen["DROPINS_ALONE_SEEN"] == "the test's"


def test_a_failing_script_fails_with_its_error(dropins_alone: DropInsAlone) -> None:
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        dropins_alone.run("1 / 0")
