"""The watsonx tests run with none of langchain-ibm's variables set (each test sets what
it reads)."""

from __future__ import annotations

from typing import Any

from tests._env import without_variables

#: langchain-ibm's environment variables, which the watsonx wire reads.
VARIABLES = (
    "WATSONX_URL",
    "WATSONX_API_KEY",
    "WATSONX_APIKEY",
    "WATSONX_TOKEN",
    "WATSONX_PROJECT_ID",
    "WATSONX_SPACE_ID",
)


_clean_env = without_variables(*VARIABLES, name="_clean_env")


def chat_reply(text: str, prompt_tokens: int) -> dict[str, Any]:
    """A watsonx chat reply saying `text` in one completion token."""
    message = {"role": "assistant", "content": text}
    usage = {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + 1}
    return {
        "id": "chat-1",
        "model_id": "ibm/granite",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"completion_tokens": 1, **usage},
    }
