"""The scripted mock server the standard suites run against, and its rules.

LangChain's integration suite asks for specific answers: a call of `magic_function`
with `{"input": 3}` for "magic_function(3)", Unicode names carried into tool arguments,
a weather lookup in its agent loop, a joke with `setup` and `punchline` in JSON mode
(which carries no schema). These rules give exactly those answers; a forced
`tool_choice` (structured output goes through one) gets example arguments from the
schema (`MockScript`'s defaults).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests._aws import isolate_aws
from tests._weather import MAGIC_FUNCTION_RULE

__all__ = [
    "AZURE_VERSION",
    "BEDROCK_CREDENTIALS",
    "MODELS",
    "OVERRIDES",
    "STANDARD_SCRIPT",
    "UNIT_BASE_URL",
    "VERTEX_SETTINGS",
    "BedrockIsolated",
    "Capabilities",
    "FakeGoogleCredentials",
    "base_url",
    "openai_or_azure",
    "set_server",
    "weather_rule",
]


def weather_rule(place: str = r"[^?.]+") -> ScriptRule:
    """A rule calling get_weather(location) for "weather in X", X matched by `place`."""
    return ScriptRule(
        user_text=rf"weather in (?P<place>{place})",
        call="get_weather",
        args={"location": r"\g<place>"},
    )


STANDARD_SCRIPT = MockScript(
    rules=[
        MAGIC_FUNCTION_RULE,
        ScriptRule(
            user_text=r"named '(?P<name>[^']+)' \((?P<what>[^)]*)\)",
            call="unicode_customer",
            args={"customer_name": r"\g<name>", "description": r"\g<what>"},
        ),
        weather_rule(r"[^?]+"),
        # JSON mode has no schema to answer from: the suite's prompt names the keys.
        ScriptRule(
            user_text=r"JSON with 'setup' and 'punchline' keys",
            schema=True,
            data={"setup": "Why do cats sit on keyboards?", "punchline": "To keep tabs."},
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


# ---- What the standard suites build models with (ChatChatplex's and the drop-ins') ----

#: The model of each wire, and the one `supports_model_override` switches to.
MODELS = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "azure_openai": "gpt-4o-mini",
    "google_genai": "gemini-2.5-flash",
    "openai_responses": "gpt-4.1-mini",
    "ollama": "llama3.2",
    "bedrock_converse": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "bedrock": "us.anthropic.claude-3-5-haiku-20241022-v1:0",  # InvokeModel (ChatBedrock)
    "anthropic_bedrock": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "google_anthropic_vertex": "claude-haiku-4-5@20251001",
    "perplexity": "sonar",
    "google_vertexai": "gemini-2.5-flash",
    "cohere": "command-a-03-2025",
    "groq": "llama-3.3-70b-versatile",
    "mistralai": "mistral-large-latest",
    "deepseek": "deepseek-chat",
    "xai": "grok-4",
    "fireworks": "accounts/fireworks/models/llama-v3p3-70b-instruct",
    "together": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "nebius": "meta-llama/Llama-3.3-70B-Instruct",
    "sambanova": "Meta-Llama-3.3-70B-Instruct",
    "cerebras": "llama-3.3-70b",
    "openrouter": "openai/gpt-4o-mini",
    "hyperbolic": "meta-llama/Llama-3.3-70B-Instruct",
    "ibm": "ibm/granite-3-8b-instruct",
}
OVERRIDES = {
    "openai": "gpt-4o",
    "anthropic": "claude-sonnet-4-5",
    "azure_openai": "gpt-4o",
    "google_genai": "gemini-2.5-pro",
    "openai_responses": "gpt-4.1",
    "ollama": "qwen3",
    "bedrock_converse": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "bedrock": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic_bedrock": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "google_anthropic_vertex": "claude-sonnet-4-5@20250929",
    "perplexity": "sonar-pro",
    "google_vertexai": "gemini-2.5-pro",
    "cohere": "command-r-plus-08-2024",
    "groq": "llama-3.1-8b-instant",
    "mistralai": "mistral-small-latest",
    "deepseek": "deepseek-reasoner",
    "xai": "grok-3-mini",
    "fireworks": "accounts/fireworks/models/qwen3-235b-a22b",
    "together": "Qwen/Qwen2.5-7B-Instruct-Turbo",
    "nebius": "Qwen/Qwen3-32B",
    "sambanova": "DeepSeek-V3-0324",
    "cerebras": "qwen-3-32b",
    "openrouter": "anthropic/claude-sonnet-4.5",
    "hyperbolic": "Qwen/Qwen2.5-72B-Instruct",
    "ibm": "meta-llama/llama-3-3-70b-instruct",
}
#: Azure's settings besides the model: the deployment is the model's name (so a
#: model override calls another deployment), `?api-version=` on every request.
AZURE_VERSION = "2024-10-21"


def openai_or_azure(wire: str, url: str) -> dict[str, Any]:
    """A ChatOpenAI's settings against the mock server at `url`, or ("azure") an
    AzureChatOpenAI's."""
    if wire == "azure":  # Azure streams its usage by default
        return {
            "azure_endpoint": url,
            "azure_deployment": "gpt-4o-mini",
            "api_version": AZURE_VERSION,
            "api_key": "azure-mock",
        }
    return {"model": "gpt-4o-mini", "api_key": "sk-mock", "base_url": url + "/v1"}


#: Bedrock Converse: the fake AWS credentials requests are signed with (SigV4; the mock
#: checks the header is there, not the signature), and a region; never real ones.
BEDROCK_CREDENTIALS = {
    "region_name": "us-east-1",
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}


class Capabilities:
    """What chatplex's LangChain chat models declare to LangChain's standard suites, the
    same for the unit and the integration suite (a suite's class adds its
    `chat_model_class`, and `provider`, the wire: a key of `MODELS` and `OVERRIDES`)."""

    provider = "openai"

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        # Image blocks (LangChain's and OpenAI's) are sent by both wires (test_convert.py),
        # but with this flag on the suite downloads an image, in test_anthropic_inputs too.
        # Off keeps that test offline; the image tests themselves are skipped with their
        # true reason (they need the internet) in conftest.py.
        return False

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return OVERRIDES[self.provider]

    @property
    def supports_anthropic_inputs(self) -> bool:
        # Anthropic-native history (tool_use/tool_result/thinking blocks) is sent as it
        # is on the Anthropic wire; the OpenAI adapter does not translate thinking blocks.
        return self.provider == "anthropic"


class BedrockIsolated:
    """botocore never reads this machine's AWS files, environment or instance metadata."""

    @pytest.fixture(autouse=True)
    def _isolated_aws(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        isolate_aws(monkeypatch, tmp_path)


class FakeGoogleCredentials:
    """What the Vertex AI wire asks of google-auth credentials: a token after `refresh`
    (never Application Default Credentials, never a real token)."""

    token: str | None = None
    valid = False
    project_id = "proj"

    def refresh(self, request: Any) -> None:
        self.token, self.valid = "ya29.test", True


#: Vertex AI's settings besides the model: a project and a location (the URL's path),
#: fake credentials.
VERTEX_SETTINGS = {"project": "proj", "location": "us-east5"}
