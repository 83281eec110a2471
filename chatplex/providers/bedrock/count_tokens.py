"""Bedrock's CountTokens (`POST /model/{modelId}/count-tokens`), as langchain-aws asks it
in `get_num_tokens_from_messages`: pure translation, no I/O.

langchain-aws counts only the models its `count_tokens_api_supported_for_model` names
(`counted`); for any other it runs LangChain's own count. `ChatBedrockConverse` counts a
Converse input (its messages and system, as a chat call sends them), `ChatBedrock` an
InvokeModel body of an Anthropic model (`anthropic_version`, `max_tokens`, messages,
system), as JSON text in a blob (base64 on the wire, as botocore sends it).

>>> counted("anthropic.claude-3-5-haiku-20241022-v1:0"), counted("amazon.nova-lite-v1:0")
(True, False)
>>> converse_input({"messages": [1], "system": [], "inferenceConfig": {}})
{'input': {'converse': {'messages': [1]}}}
>>> read_input_tokens(b'{"inputTokens": 12}')
12
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict

__all__ = [
    "INVOKE_MAX_TOKENS",
    "TOOLS_IGNORED",
    "converse_input",
    "counted",
    "invoke_input",
    "read_input_tokens",
]

#: The model names langchain-aws asks CountTokens for (a substring of the model id).
_COUNTED = ("claude-3-5-", "claude-3-7-", "claude-opus-4-", "claude-sonnet-4-", "claude-haiku-4-")

#: `max_tokens` of a counted InvokeModel body when the model sets none (langchain-aws's).
INVOKE_MAX_TOKENS = 8192

#: langchain-aws's warning when `ChatBedrockConverse` is given tools to count.
TOOLS_IGNORED = (
    "Tool schemas are not yet supported by AWS Bedrock count_tokens API. Ignoring tools parameter."
)


def counted(model_id: str) -> bool:
    """Whether langchain-aws asks CountTokens for `model_id` (else LangChain counts)."""
    return any(name in model_id for name in _COUNTED)


def converse_input(chat: Mapping[str, Any]) -> dict[str, Any]:
    """The CountTokens body of a Converse chat body `chat`: its messages, and its
    system when it has one."""
    converse: dict[str, Any] = {"messages": chat["messages"]}
    if chat.get("system"):
        converse["system"] = chat["system"]
    return {"input": {"converse": converse}}


def invoke_input(anthropic: Mapping[str, Any], max_tokens: int | None) -> dict[str, Any]:
    """The CountTokens body of an Anthropic InvokeModel body `anthropic` (its messages
    and system), as langchain-aws writes it: keys in its order, `json.dumps`' spacing."""
    body: dict[str, Any] = {
        "anthropic_version": anthropic["anthropic_version"],
        "max_tokens": max_tokens or INVOKE_MAX_TOKENS,
        "messages": anthropic["messages"],
    }
    if anthropic.get("system"):
        body["system"] = anthropic["system"]
    blob = base64.b64encode(json.dumps(body).encode()).decode("ascii")
    return {"input": {"invokeModel": {"body": blob}}}


def read_input_tokens(body: bytes) -> int:
    """The reply's `inputTokens` (a missing or wrong-typed one is `MalformedReply`)."""
    count = reply_count(reply_dict(json.loads(body), "body").get("inputTokens"), "inputTokens")
    if count is None:
        raise KeyError("the CountTokens reply has no inputTokens")
    return count
