"""What the presets' call tests share: a mock server that records each request it
received, and an environment without any preset's key or base URL variables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import chatplex
from chatplex.providers.compatible.adapter import PROFILES
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest


class Recorder:
    """A fault plan that records the headers and bodies the server received."""

    def __init__(self) -> None:
        self.requests: list[MockRequest] = []

    def __call__(self, request: MockRequest) -> str | None:
        self.requests.append(request)
        return None


def recorded_server(reply_text: str) -> Iterator[tuple[MockServer, Recorder]]:
    """A module's server answering `reply_text`, with its recorder (a fixture's body)."""
    recorder = Recorder()
    with MockServer(reply_text=reply_text, fault_plan=recorder) as srv:
        yield srv, recorder
    chatplex.close()


def without_preset_variables(patch: pytest.MonkeyPatch, *more: str) -> None:
    """Every preset's key and base URL variables unset, and `more`."""
    for profile in PROFILES.values():
        for variable in (*profile.key_variables, *profile.base_variables):
            patch.delenv(variable, raising=False)
    for variable in more:
        patch.delenv(variable, raising=False)
