"""What the Azure adapter tests share: the resource's endpoint, a key and an Entra ID
token (sentinels a test finds in what was sent, or not), and an environment without the
Azure and OpenAI variables the clients read (`clean_env`, autouse where imported)."""

from __future__ import annotations

from tests._env import without_variables

ENDPOINT = "https://res.openai.azure.com"
KEY = "azure-KEY-0123456789-sentinel"
TOKEN = "eyJ-AD-TOKEN-sentinel-0123456789"
ENV = (
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "OPENAI_API_VERSION",
    "OPENAI_API_KEY",
)


clean_env = without_variables(*ENV, name="clean_env")
