"""The mock server's registry of wires (`testing/_mock_routes.py`)."""

from __future__ import annotations

import pytest

from chatplex.testing._mock_routes import WIRES
from chatplex.testing._mock_routes import wire_for


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


#: One path each wire answers (as its clients send it) -> the wire that must answer it.
SAMPLE_PATHS = {
    "/v1/chat/completions": "openai",
    "/v1/responses": "responses",
    "/v1/messages": "anthropic",
    "/v1/messages/count_tokens": "anthropic",
    "/v1/projects/p/locations/l/publishers/anthropic/models/c:rawPredict": "anthropic_vertex",
    "/openai/deployments/d/chat/completions": "azure",
    "/azure/openai/responses": "azure_responses",
    "/model/m/converse": "bedrock",
    "/model/m/invoke": "bedrock_invoke",
    "/model/m/count-tokens": "bedrock",
    "/v2/chat": "cohere",
    "/v1beta/models/gemini-2.5-flash:generateContent": "gemini",
    "/api/chat": "ollama",
    "/ml/v1/text/chat": "watsonx",
    "/groq/openai/v1/chat/completions": "groq",
    "/mistral/v1/chat/completions": "mistralai",
}


def test_every_declared_wire_module_is_routed() -> None:
    """A new `_mock_wire_<name>.py` needs no registry edit: its declared wires route."""
    from chatplex.testing import _mock_wire_cohere
    from chatplex.testing import _mock_wire_presets

    assert _mock_wire_cohere.WIRE in WIRES
    assert {_mock_wire_presets.GROQ.name, _mock_wire_presets.MISTRAL.name} <= {
        wire.name for wire in WIRES
    }
    assert {wire.name for wire in WIRES} == set(SAMPLE_PATHS.values())


def test_general_wires_come_last() -> None:
    flags = [wire.general for wire in WIRES]
    assert flags == sorted(flags) and flags.count(True) == 2


@pytest.mark.parametrize("path", list(SAMPLE_PATHS))
def test_specific_wires_claim_disjoint_paths(path: str) -> None:
    """Module-name order among the specific wires is safe only if at most one of them
    accepts any path: the sample path of every wire is accepted by it alone (the general
    wires aside)."""
    specific = [wire.name for wire in WIRES if not wire.general and wire.match(path)]
    assert specific == (
        [] if SAMPLE_PATHS[path] in ("openai", "responses") else [SAMPLE_PATHS[path]]
    )
    assert wire_for(path).name == SAMPLE_PATHS[path]
