from __future__ import annotations

import subprocess
import sys

import pytest

import chatplex.http


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def test_importing_the_package_does_not_import_httpx() -> None:
    out = run("import sys, chatplex, chatplex.http; print('httpx' in sys.modules)")
    assert out == "False"


def test_names_load_on_first_access() -> None:
    out = run(
        "import sys, chatplex.http as h; f = h.send; "
        "print('httpx' in sys.modules, f is h.send, f.__module__)"
    )
    assert out == "True True chatplex.http._send"


def test_every_exported_name_resolves() -> None:
    for name in chatplex.http.__all__:
        assert getattr(chatplex.http, name) is not None
    assert set(chatplex.http.__all__) <= set(dir(chatplex.http))


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = chatplex.http.nope
