"""Which wire answers which path: the mock server's registry of wires (private).

`WIRES` is searched in order and the first `MockWire` whose `match` accepts the path
(without its query) answers it, so specific wires come before general ones: Azure's
`/openai/deployments/.../chat/completions` before Chat Completions' "any path ending in
`/chat/completions`". A new wire is one import and one entry here.
"""

from __future__ import annotations

from ._mock_wire import MockWire
from ._mock_wire_anthropic import WIRE as ANTHROPIC
from ._mock_wire_azure import RESPONSES_WIRE as AZURE_RESPONSES
from ._mock_wire_azure import WIRE as AZURE
from ._mock_wire_bedrock import INVOKE_WIRE as BEDROCK_INVOKE
from ._mock_wire_bedrock import WIRE as BEDROCK
from ._mock_wire_cohere import WIRE as COHERE
from ._mock_wire_gemini import WIRE as GEMINI
from ._mock_wire_ollama import WIRE as OLLAMA
from ._mock_wire_openai import WIRE as CHAT_COMPLETIONS
from ._mock_wire_presets import GROQ, MISTRAL
from ._mock_wire_responses import WIRE as RESPONSES

__all__ = ["WIRES", "wire_for"]

#: Specific before general; one entry per wire.
WIRES: list[MockWire] = [
    ANTHROPIC,
    GEMINI,  # /v1beta/models/{m}:generateContent and Vertex's publishers/google paths
    BEDROCK,  # /model/{id}/converse(-stream)
    BEDROCK_INVOKE,  # /model/{id}/invoke(-with-response-stream), Anthropic bodies
    OLLAMA,  # /api/chat
    COHERE,  # /v2/chat
    AZURE,  # before Chat Completions: its paths end in /chat/completions too
    AZURE_RESPONSES,  # before Responses: its paths end in /responses too
    GROQ,  # /groq/openai/v1/chat/completions: before Chat Completions, as Azure
    MISTRAL,  # /mistral/v1/chat/completions
    CHAT_COMPLETIONS,  # general: any path ending in /chat/completions
    RESPONSES,  # general: any path ending in /responses
]


def wire_for(path: str) -> MockWire | None:
    """The first wire in `WIRES` that answers `path` (no query), or None."""
    return next((wire for wire in WIRES if wire.match(path)), None)
