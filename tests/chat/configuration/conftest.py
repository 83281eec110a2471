"""What the configuration tests share: `isolated`, a test with no CHATPLEX_* or provider
variable set and an empty working directory (so no chatplex.toml or pyproject.toml of
the machine's is read). test_factory.py asks for it; test_profiles.py and
test_configurable.py put every test of theirs in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatplex.chat.configuration.profiles import ENV_SETTINGS

#: The provider variables a configured model would read.
PROVIDER_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL")


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No CHATPLEX_* or provider variables, and an empty working directory (`tmp_path`)."""
    for var in ("CHATPLEX_MODEL", "CHATPLEX_PROFILE", "CHATPLEX_CONFIG", *ENV_SETTINGS):
        monkeypatch.delenv(var, raising=False)
    for var in PROVIDER_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path
