"""`chatplex/langchain/deprecation.py`: a deprecated partner class's warnings, given by
its drop-in as the partner's decorators give them. langchain-google-vertexai 3.2
deprecates `ChatVertexAI` (for `ChatGoogleGenerativeAI`, which reaches Vertex AI): each
class built, side by side, warns the same words of the same categories at the script's
line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import chatplex.langchain
from chatplex.langchain import deprecation

vertexai = pytest.importorskip("langchain_google_vertexai")
oauth2 = pytest.importorskip("google.oauth2.credentials")


def _settings() -> dict[str, Any]:
    return {
        "model": "gemini-2.5-flash",
        "project": "p",
        "credentials": oauth2.Credentials(token="t"),
    }


def _warned(build: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """The warnings of `build()`: category, words, and the file they point at. (Not a
    ResourceWarning: a socket an earlier test of this worker left is reported by the
    collection that frees it, which may run inside `build()`.)"""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        build()
    return [
        (w.category.__name__, str(w.message), w.filename)
        for w in seen
        if not issubclass(w.category, ResourceWarning)
    ]


#: A script building `ChatVertexAI` twice in a fresh process: each build's warnings
#: (category, words, whether they point at the script's line).
_SCRIPT = """
import json, sys, warnings
from google.oauth2.credentials import Credentials
module = __import__(sys.argv[1], fromlist=["ChatVertexAI"])
settings = dict(model="gemini-2.5-flash", project="p", credentials=Credentials(token="t"))
builds = []
for _ in range(2):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        module.ChatVertexAI(**settings)
    builds.append([(w.category.__name__, str(w.message), w.filename == __file__) for w in seen])
print(json.dumps(builds))
"""


def _in_a_fresh_process(module: str, tmp_path: Path) -> Any:
    script = tmp_path / f"build_{module.replace('.', '_')}.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), module],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_it_warns_as_the_partner_warns(tmp_path: Path) -> None:
    """Each side in a process of its own: LangChain's warning is once a process."""
    theirs = _in_a_fresh_process("langchain_google_vertexai", tmp_path)
    ours = _in_a_fresh_process("chatplex.langchain", tmp_path)
    assert ours == theirs
    first, again = ours
    assert [(category, at_line) for category, _, at_line in first] == [
        ("DeprecationWarning", True),
        ("LangChainDeprecationWarning", True),
    ]
    assert "deprecated in LangChain 3.2.0 and will be removed in 4.0.0" in first[1][1]
    assert [category for category, _, _ in again] == ["DeprecationWarning"]  # (once)


def test_a_subclass_and_init_chat_model_give_no_langchain_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deprecation, "_WARNED", set())  # (as in a fresh process)

    class Mine(chatplex.langchain.ChatVertexAI):  # type: ignore[misc, valid-type]
        pass

    assert _warned(lambda: Mine(**_settings())) == []
    made = _warned(
        lambda: chatplex.langchain.init_chat_model(
            "google_vertexai:gemini-2.5-flash",
            project="p",
            credentials=oauth2.Credentials(token="t"),
        )
    )
    assert [category for category, _, _ in made] == ["DeprecationWarning"]
    # (the first a script builds itself still gives it)
    built = _warned(lambda: chatplex.langchain.ChatVertexAI(**_settings()))
    assert [category for category, _, _ in built] == [
        "DeprecationWarning",
        "LangChainDeprecationWarning",
    ]


def test_a_class_not_deprecated_warns_of_nothing() -> None:
    assert _warned(lambda: chatplex.langchain.ChatOpenAI(model="gpt-4o", api_key="k")) == []
