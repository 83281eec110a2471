"""enable_from_env: the switches LangChain users already set, read once."""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from chatplex import tracing
from chatplex.core.tracers import remove_tracer
from chatplex.core.tracers import tracers
from chatplex.tracing.langsmith import LangSmithTracer


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    yield
    for tracer in tracers():
        remove_tracer(tracer)


def test_off_by_default() -> None:
    assert tracing.enable_from_env({}) == []
    assert tracing.enable_from_env({"LANGSMITH_TRACING": "false"}) == []
    assert tracers() == ()


@pytest.mark.parametrize("name", ["LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2"])
def test_langsmith_switch_uses_chatplex_sender(name: str) -> None:
    env = {name: "true", "LANGSMITH_ENDPOINT": "http://127.0.0.1:9/", "LANGSMITH_PROJECT": "p"}
    assert tracing.enable_from_env(env) == ["langsmith"]
    assert tracing.enable_from_env(env) == ["langsmith"]  # once
    (tracer,) = tracers()
    assert isinstance(tracer, LangSmithTracer) and tracer.sender is not None
    assert tracer.sender.settings.endpoint == "http://127.0.0.1:9"
    assert tracer.sender.project == "p"


def test_unsupported_setting_falls_back_to_the_langsmith_client() -> None:
    pytest.importorskip("langsmith")
    env = {"LANGSMITH_TRACING": "true", "LANGSMITH_RUNS_ENDPOINTS": '{"http://x": "k"}'}
    assert tracing.enable_from_env(env) == ["langsmith"]
    (tracer,) = tracers()
    assert tracer.sender is None  # the langsmith client sends
    # The client's import was started in the background (the first run needs it).
    for thread in threading.enumerate():
        if thread.name == "chatplex-import-langsmith.run_trees":
            thread.join(timeout=60)
    assert "langsmith.run_trees" in sys.modules


def test_unsupported_setting_without_langsmith_is_logged_and_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    env = {"LANGSMITH_TRACING": "true", "LANGSMITH_OTEL_ENABLED": "true"}
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        assert tracing.enable_from_env(env) == ["langsmith"]
    assert "LANGSMITH_OTEL_ENABLED not supported" in caplog.text
    (tracer,) = tracers()
    assert tracer.sender is not None


def test_a_bad_setting_is_logged_and_tracing_stays_off(caplog: pytest.LogCaptureFixture) -> None:
    env = {"LANGSMITH_TRACING": "true", "LANGSMITH_TRACING_SAMPLING_RATE": "lots"}
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        assert tracing.enable_from_env(env) == []
    assert "SAMPLING_RATE must be a number, got 'lots'" in caplog.text
    assert tracers() == ()


def test_tracing_on_imports_no_langsmith() -> None:
    code = (
        "import sys, chatplex\n"
        "from chatplex.core.tracers import tracers\n"
        "assert tracers(), 'no tracer registered'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'langsmith'))"
    )
    env = {
        "PATH": "/usr/bin",
        "PYTHONPATH": ":".join(sys.path),
        "LANGSMITH_TRACING": "true",
        "LANGSMITH_ENDPOINT": "http://127.0.0.1:9",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_otel_switch() -> None:
    pytest.importorskip("opentelemetry")
    from chatplex.tracing.otel import OTelTracer
    from chatplex.tracing.otel import uninstrument

    try:
        assert tracing.enable_from_env({"CHATPLEX_OTEL": "1"}) == ["otel"]
        assert any(isinstance(t, OTelTracer) for t in tracers())
    finally:
        uninstrument()


def test_a_switch_without_its_package_warns_and_skips(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="chatplex.tracing"):
        assert tracing.enable_from_env({"CHATPLEX_OTEL": "1"}) == []
    assert "chatplex[otel]" in caplog.text


def test_import_chatplex_loads_neither_library_when_off() -> None:
    code = (
        "import sys, chatplex\n"
        "chatplex.init_chat_model('fake:any', responses=['x']).invoke('hi')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('langsmith', 'opentelemetry') or m.startswith('chatplex.tracing')))"
    )
    env = {"PATH": "/usr/bin", "PYTHONPATH": ":".join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("rate", ["0.5", "lots"])
def test_no_frame_holds_the_environments_keys_while_tracing_is_switched_on(
    rate: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process's environment is read a variable at a time: a frame that held
    `os.environ` (a bad setting's error passes through them) would show LangSmith's key."""
    from tests.test_secrets import FRAME_KEY
    from tests.test_secrets import FrameWatch

    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    monkeypatch.setenv("LANGSMITH_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("LANGSMITH_API_KEY", FRAME_KEY)
    monkeypatch.setenv("LANGSMITH_TRACING_SAMPLING_RATE", rate)
    with FrameWatch() as watch:
        enabled = tracing.enable_from_env()
    assert enabled == ([] if rate == "lots" else ["langsmith"])
    watch.assert_clean("enable_from_env")
