"""The scripted mock server the standard suites run against, and its rules.

LangChain's integration suite asks for specific answers: a call of `magic_function`
with `{"input": 3}` for "magic_function(3)", Unicode names carried into tool arguments,
a weather lookup in its agent loop. These rules give exactly those answers; a forced
`tool_choice` (structured output goes through one) gets example arguments from the
schema (`MockScript`'s defaults).
"""

from __future__ import annotations

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule

__all__ = ["STANDARD_SCRIPT", "UNIT_BASE_URL", "base_url", "set_server"]

STANDARD_SCRIPT = MockScript(
    rules=[
        ScriptRule(
            user_text=r"magic_function\((\d+)\)", call="magic_function", args=r'{"input": \1}'
        ),
        ScriptRule(
            user_text=r"named '(?P<name>[^']+)' \((?P<what>[^)]*)\)",
            call="unicode_customer",
            args={"customer_name": r"\g<name>", "description": r"\g<what>"},
        ),
        ScriptRule(
            user_text=r"weather in (?P<place>[^?]+)",
            call="get_weather",
            args={"location": r"\g<place>"},
        ),
    ]
)

#: Where the mock serves a preset as the provider streams it: Groq's client appends
#: `/openai/v1` itself, Mistral's takes its base URL with `/v1`.
PRESET_PATHS = {"groq": "/groq", "mistralai": "/mistral/v1"}

#: Unit suites build models but never call them: a loopback address nothing listens on.
UNIT_BASE_URL = "http://127.0.0.1:9"

_server: MockServer | None = None


def set_server(server: MockServer | None) -> None:
    global _server
    _server = server


def base_url(provider: str) -> str:
    if _server is None:
        raise RuntimeError("the standard_server fixture has not started the mock server")
    # The Responses API is served at the OpenAI base URL too (`/v1/responses`); Groq and
    # Mistral at their prefixes (they stream usage unasked, `_mock_wire_presets.py`); the
    # other wires (Anthropic, Gemini, Ollama, ...) take the server's root.
    if provider.startswith("openai"):
        return _server.openai_base_url
    return _server.url + PRESET_PATHS.get(provider, "")
