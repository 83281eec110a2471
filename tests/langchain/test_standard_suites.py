"""LangChain's own standard tests for chat-model integrations (`langchain-tests`), run on
`ChatChatplex` for every wire (OpenAI's, Anthropic's, Azure's, Gemini's and Vertex AI's,
Bedrock's, Ollama's, Cohere's, and OpenAI-compatible presets whose partner packages
differ), against the embedded scripted mock server, with chatplex's no-network guard on.
Capabilities are declared as the partner packages' own standard-test classes declare
them (all of them keep LangChain's defaults for the ones used here).

Every skip is the suite's own, from a capability flag below or the internet list in
conftest.py, and each is listed with its reason in the README. An `xfail` marks a test
that needs a chatplex feature still being built (it names the feature and the issue).
"""

from __future__ import annotations

from typing import Any

from _lckit import AZURE_VERSION
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS
from _lckit import UNIT_BASE_URL
from _lckit import VERTEX_SETTINGS
from _lckit import BedrockIsolated
from _lckit import Capabilities
from _lckit import FakeGoogleCredentials
from _lckit import base_url
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests

from chatplex.langchain import ChatChatplex


class _Capabilities(Capabilities):
    """What ChatChatplex does, the same for the unit and the integration suite."""

    provider = "openai"

    @property
    def chat_model_class(self) -> type[ChatChatplex]:
        return ChatChatplex


class _Unit(_Capabilities, ChatModelUnitTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": f"{self.provider}:{MODELS[self.provider]}", "base_url": UNIT_BASE_URL}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        # ChatChatplex() with no model reads it from the environment, as init_chat_model().
        env = {
            "CHATPLEX_MODEL": f"{self.provider}:{MODELS[self.provider]}",
            "CHATPLEX_BASE_URL": UNIT_BASE_URL,
        }
        return env, {}, {"model": env["CHATPLEX_MODEL"], "model_name": MODELS[self.provider]}


class _Integration(_Capabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"{self.provider}:{MODELS[self.provider]}",
            "base_url": base_url(self.provider),
            "api_key": "mock-key",
        }


class TestOpenAIWireUnit(_Unit):
    provider = "openai"


class TestAnthropicWireUnit(_Unit):
    provider = "anthropic"


class TestOpenAIWireIntegration(_Integration):
    provider = "openai"


class TestAnthropicWireIntegration(_Integration):
    provider = "anthropic"


class TestAzureWireUnit(_Unit):
    provider = "azure_openai"

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"azure_openai:{MODELS['azure_openai']}",
            "azure_endpoint": UNIT_BASE_URL,
            "api_version": AZURE_VERSION,
        }


class TestAzureWireIntegration(_Integration):
    provider = "azure_openai"

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"azure_openai:{MODELS['azure_openai']}",
            "azure_endpoint": base_url("openai").removesuffix("/v1"),  # the server's root
            "api_version": AZURE_VERSION,
            "api_key": "mock-key",
        }


class TestGeminiWireUnit(_Unit):
    provider = "google_genai"


class TestGeminiWireIntegration(_Integration):
    provider = "google_genai"


class TestOpenAIResponsesWireUnit(_Unit):
    provider = "openai_responses"


class TestOpenAIResponsesWireIntegration(_Integration):
    provider = "openai_responses"


class TestOllamaWireUnit(_Unit):
    provider = "ollama"  # Ollama's native /api/chat


class TestOllamaWireIntegration(_Integration):
    provider = "ollama"

    @property
    def has_tool_choice(self) -> bool:
        return False  # Ollama's API has no tool_choice (langchain-ollama declares the same)


class _BedrockUnit(BedrockIsolated, _Unit):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"{self.provider}:{MODELS[self.provider]}",
            "endpoint_url": UNIT_BASE_URL,
            **BEDROCK_CREDENTIALS,
        }

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        env = {
            "CHATPLEX_MODEL": f"{self.provider}:{MODELS[self.provider]}",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": BEDROCK_CREDENTIALS["aws_secret_access_key"],
        }
        expected = {"model": env["CHATPLEX_MODEL"], "model_name": MODELS[self.provider]}
        return env, {}, expected


class _BedrockIntegration(BedrockIsolated, _Integration):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"{self.provider}:{MODELS[self.provider]}",
            "endpoint_url": base_url(self.provider),
            **BEDROCK_CREDENTIALS,
        }


class TestBedrockWireUnit(_BedrockUnit):
    provider = "bedrock_converse"


class TestBedrockWireIntegration(_BedrockIntegration):
    provider = "bedrock_converse"


class TestBedrockInvokeWireUnit(_BedrockUnit):
    provider = "bedrock"  # InvokeModel, LangChain's ChatBedrock (Anthropic models)


class TestBedrockInvokeWireIntegration(_BedrockIntegration):
    provider = "bedrock"


class TestPerplexityWireIntegration(_Integration):
    provider = "perplexity"  # Chat Completions at its own root, no tools

    @property
    def has_tool_calling(self) -> bool:
        return False  # Sonar takes no tools on Chat Completions (langchain-perplexity's too)

    @property
    def has_tool_choice(self) -> bool:
        return False


class TestVertexWireUnit(_Unit):
    # Vertex AI's express mode (an API key, no project, no credentials): the suite adds
    # `api_key="test"` to most models it builds; the others get it here, so nothing looks
    # for Application Default Credentials (files, the metadata server).
    provider = "google_vertexai"

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {**super().chat_model_params, "api_key": "test"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        env, extra, expected = super().init_from_env_params
        # Express mode from the environment too.
        return {**env, "CHATPLEX_API_KEY": "test"}, extra, expected


class TestVertexWireIntegration(_Integration):
    provider = "google_vertexai"

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "model": f"google_vertexai:{MODELS['google_vertexai']}",
            "base_url": base_url("google_vertexai"),
            **VERTEX_SETTINGS,
            "credentials": FakeGoogleCredentials(),
        }


class TestCohereWireUnit(_Unit):
    provider = "cohere"  # Cohere's v2 Chat API


class TestCohereWireIntegration(_Integration):
    provider = "cohere"


# The OpenAI-compatible presets whose partner packages differ from ChatOpenAI (reply
# shapes, stream usage, reasoning fields, base-URL paths): each its own wire profile.


class TestGroqWireUnit(_Unit):
    provider = "groq"


class TestGroqWireIntegration(_Integration):
    provider = "groq"


class TestMistralWireUnit(_Unit):
    provider = "mistralai"


class TestMistralWireIntegration(_Integration):
    provider = "mistralai"


class TestDeepSeekWireUnit(_Unit):
    provider = "deepseek"


class TestDeepSeekWireIntegration(_Integration):
    provider = "deepseek"


class TestXAIWireUnit(_Unit):
    provider = "xai"


class TestXAIWireIntegration(_Integration):
    provider = "xai"


class TestFireworksWireUnit(_Unit):
    provider = "fireworks"


class TestFireworksWireIntegration(_Integration):
    provider = "fireworks"


class TestTogetherWireUnit(_Unit):
    provider = "together"


class TestTogetherWireIntegration(_Integration):
    provider = "together"
