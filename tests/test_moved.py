"""Old import paths of moved code: the same objects, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex import moved
from tests._zygote import Zygote

ROOT = Path(__file__).resolve().parents[1]
#: What the moved modules' new homes import of the standard library (~half of a child's
#: CPU when each started its own interpreter): warm in the zygote, so a child loads only
#: chatplex's modules, which is what is checked. `import chatplex` is the scripts' own first
#: line; nothing of chatplex beyond it is loaded before the fork.
_WARM = (
    "asyncio",
    "base64",
    "concurrent.futures",
    "copy",
    "dataclasses",
    "hashlib",
    "inspect",
    "ipaddress",
    "logging",
    "mimetypes",
    "pathlib",
    "ssl",
    "subprocess",
    "textwrap",
    "traceback",
    "urllib.parse",
    "uuid",
    "chatplex",
)


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    """Each script in a process of its own, forked (tests/_zygote.py), as `python -c` in
    this checkout would be."""
    folder = tmp_path_factory.mktemp("moved-zygote")
    started = Zygote(folder, dict(os.environ), _WARM, public_names=False)
    try:
        yield started
    finally:
        started.close()


@pytest.mark.parametrize(("old", "new"), sorted(moved.MOVED_MODULES.items()))
def test_an_old_module_path_is_the_new_module(old: str, new: str, zygote: Zygote) -> None:
    code = (
        "import warnings, importlib, chatplex\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"new = importlib.import_module({new!r})\n"
        "assert old is new, (old, new)\n"
        "print([(w.category.__name__, str(w.message)) for w in seen])\n"
    )
    out = zygote.run(code, ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "DeprecationWarning" in out.stdout and f"moved to {new}" in out.stdout


def test_an_old_submodule_imported_from_its_package_is_the_new_module(zygote: Zygote) -> None:
    # `from chatplex.adapters import anthropic` (not only `import chatplex.adapters.anthropic`)
    code = (
        "import warnings, chatplex\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    from chatplex.adapters import anthropic\n"
        "    from chatplex.batches import openai\n"
        "import chatplex.providers.anthropic.adapter as adapter\n"
        "import chatplex.providers.openai.batch as batch\n"
        "assert anthropic is adapter and openai is batch\n"
        "print(sorted(str(w.message) for w in seen if w.category is DeprecationWarning))\n"
    )
    out = zygote.run(code, ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "chatplex.adapters.anthropic moved to chatplex.providers.anthropic.adapter" in out.stdout
    assert "chatplex.batches.openai moved to chatplex.providers.openai.batch" in out.stdout


@pytest.mark.parametrize(("place", "new"), sorted(moved.MOVED_NAMES.items()))
def test_an_old_name_is_the_new_object(place: tuple[str, str], new: str) -> None:
    package, name = place
    with pytest.warns(DeprecationWarning, match=f"moved to {new}.{name}"):
        value = getattr(importlib.import_module(package), name)
    assert value is getattr(importlib.import_module(new), name)


def test_names_never_there_are_still_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        moved.moved_name("chatplex.chat", "NoSuchThing")
    import chatplex.chat

    with pytest.raises(AttributeError):
        chatplex.chat.NoSuchThing  # noqa: B018


def test_the_finder_answers_only_moved_paths() -> None:
    assert moved._FINDER.find_spec("chatplex.adapters.nope") is None
    found = moved._FINDER.find_spec("chatplex.adapters.ollama")
    assert found is not None and found.name == "chatplex.adapters.ollama"
    moved.install()
    assert sys.meta_path.count(moved._FINDER) == 1  # installed once, by import chatplex


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(moved)
    assert failures == 0 and tried > 0
