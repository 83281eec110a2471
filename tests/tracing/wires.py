"""Every provider wire chatplex speaks, as the tracing tests drive it over the mock server:
the model to build, and what its traces should say (`gen_ai.provider.name`, the
provider's finish words, whether its replies carry an id).

A test module imports `WIRES` and the autouse fixture `no_aws_files` (Bedrock's model
gets its keys as arguments; nothing of the machine's AWS setup is read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chatplex import init_chat_model
from chatplex.testing import MockServer
from tests._dropins import engine

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)
AzureChatOpenAI = engine("AzureChatOpenAI")  # (the same)

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)
ChatVertexAI = engine("ChatVertexAI")  # (the same)
ChatBedrockConverse = engine("ChatBedrockConverse")  # (the same)

__all__ = ["OPENAI", "WIRES", "Wire", "model_for", "no_aws_files"]


@pytest.fixture(autouse=True)
def no_aws_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bedrock's model gets its keys as arguments: nothing of this machine's AWS setup.
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class FakeGoogleCredentials:
    """What ChatVertexAI asks of google-auth credentials: a token after `refresh`."""

    token: str | None = None
    valid = False
    project_id = "proj"

    def refresh(self, request: Any) -> None:
        self.token, self.valid = "ya29.test", True


@dataclass(frozen=True)
class Wire:
    """One provider wire as the tests drive it over the mock server."""

    name: str  # chatplex's provider name (the test id)
    build: Callable[..., Any]  # (mock, headers, **settings) -> the chat model
    model: str
    run_name: str  # the model's class name: LangSmith's run name, as LangChain's class
    ls_provider: str  # LangSmith's `ls_provider`, as LangChain's integration says it
    provider: str  # OpenTelemetry's `gen_ai.provider.name`
    text_stop: str  # `gen_ai.response.finish_reasons` of a text reply: the provider's word
    tool_stop: str  # ... of a reply calling a tool
    has_response_id: bool = True  # the reply carries an id (Bedrock's, Ollama's do not)

    def __str__(self) -> str:
        return self.name


def _openai(mock: MockServer, headers: dict[str, str], **settings: Any) -> Any:
    return ChatOpenAI(
        model="gpt-4o-mini",
        base_url=mock.openai_base_url,
        api_key="k",
        default_headers=headers,
        **settings,
    )


WIRES = [
    Wire(
        "openai", _openai, "gpt-4o-mini", "ChatOpenAI", "openai", "openai",
        text_stop="stop", tool_stop="tool_calls",
    ),
    Wire(
        "anthropic",
        lambda mock, headers, **s: ChatAnthropic(
            model="claude-sonnet-4-5", base_url=mock.anthropic_base_url, api_key="k",
            default_headers=headers, **s,
        ),
        "claude-sonnet-4-5", "ChatAnthropic", "anthropic", "anthropic",
        text_stop="end_turn", tool_stop="tool_use",
    ),
    Wire(
        "openai_responses",
        lambda mock, headers, **s: _openai(mock, headers, use_responses_api=True, **s),
        "gpt-4o-mini", "ChatOpenAI", "openai", "openai",
        text_stop="completed", tool_stop="completed",
    ),
    Wire(
        "azure_openai",
        lambda mock, headers, **s: AzureChatOpenAI(
            azure_endpoint=mock.azure_endpoint, azure_deployment="gpt-4o-mini", api_key="k",
            api_version="2024-10-21", default_headers=headers, **s,
        ),
        "gpt-4o-mini", "AzureChatOpenAI", "azure", "azure.ai.openai",
        text_stop="stop", tool_stop="tool_calls",
    ),
    Wire(
        "google_genai",
        lambda mock, headers, **s: init_chat_model(
            "google_genai:gemini-2.5-flash", base_url=mock.url, api_key="k",
            default_headers=headers, **s,
        ),
        "gemini-2.5-flash", "ChatGoogleGenerativeAI", "google_genai", "gcp.gen_ai",
        text_stop="STOP", tool_stop="STOP",  # its responseId is the message's id
    ),
    Wire(
        "google_vertexai",
        lambda mock, headers, **s: ChatVertexAI(
            model="gemini-2.5-flash", project="proj", location="us-east5",
            credentials=FakeGoogleCredentials(), base_url=mock.url, extra_headers=headers, **s,
        ),
        "gemini-2.5-flash", "ChatVertexAI", "google_vertexai", "gcp.vertex_ai",
        text_stop="STOP", tool_stop="STOP",
    ),
    Wire(
        "bedrock_converse",
        lambda mock, headers, **s: ChatBedrockConverse(
            model="anthropic.claude-3-5-haiku-20241022-v1:0", region_name="us-east-1",
            endpoint_url=mock.url, aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret", default_headers=headers, **s,
        ),
        "anthropic.claude-3-5-haiku-20241022-v1:0", "ChatBedrockConverse", "amazon_bedrock",
        "aws.bedrock", text_stop="end_turn", tool_stop="tool_use", has_response_id=False,
    ),
    Wire(
        "ollama",
        lambda mock, headers, **s: init_chat_model(
            "ollama:llama3.2", base_url=mock.url, default_headers=headers, **s
        ),
        "llama3.2", "ChatOllama", "ollama", "ollama",
        text_stop="stop", tool_stop="stop", has_response_id=False,
    ),
    Wire(
        "ibm",
        lambda mock, headers, **s: init_chat_model(
            "ibm:ibm/granite-3-8b-instruct", base_url=mock.url, token="t", project_id="p",
            default_headers=headers, **s,
        ),
        "ibm/granite-3-8b-instruct", "ChatWatsonx", "ibm", "ibm.watsonx.ai",
        text_stop="stop", tool_stop="tool_calls",
    ),
]  # fmt: skip
OPENAI = WIRES[0]


def model_for(
    wire: Wire, mock: MockServer, headers: dict[str, str] | None = None, **settings: Any
) -> Any:
    return wire.build(mock, headers or {}, **settings)
