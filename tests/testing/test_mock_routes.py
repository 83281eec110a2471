"""The mock server's registry of wires (`testing/_mock_routes.py`)."""

from __future__ import annotations

import pytest

from chatplex.testing._mock_routes import WIRES, wire_for


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/chat/completions", "openai"),
        ("/chat/completions", "openai"),
        ("/openai/v1/chat/completions", "openai"),
        ("/api/v1/chat/completions", "openai"),
        ("/v1/messages", "anthropic"),
        ("/health", None),
        ("/v1/batches", None),
    ],
)
def test_each_path_finds_its_wire(path: str, name: str | None) -> None:
    wire = wire_for(path)
    assert (wire.name if wire else None) == name


def test_wire_names_are_unique_and_the_first_match_wins() -> None:
    names = [wire.name for wire in WIRES]
    assert len(names) == len(set(names))
    for path in ("/v1/chat/completions", "/v1/messages"):
        first = next(wire for wire in WIRES if wire.match(path))
        assert wire_for(path) is first
