"""The fields an OpenAI Chat Completions reply carries as None because langchain-openai
reads a non-stream reply through the openai SDK's models (`refusal`, `logprobs`,
`system_fingerprint`, the usage `*_details` and their unsent counts), and an Anthropic
reply as langchain-anthropic reads it through the anthropic SDK's (`container`,
`stop_details`, usage fields), which a stream's chunks do not carry: taken off where a
test compares a reply with its merged stream."""

from __future__ import annotations

from typing import Any

from chatplex.providers.anthropic.response import SDK_MESSAGE_FIELDS
from chatplex.providers.anthropic.response import SDK_USAGE_FIELDS

_METADATA = ("logprobs", "system_fingerprint", *SDK_MESSAGE_FIELDS)
_USAGE = ("completion_tokens_details", "prompt_tokens_details")


def without_sdk_nones(message: Any) -> Any:
    """A copy of `message` without those fields where they are None."""
    kwargs = {k: v for k, v in message.additional_kwargs.items() if (k, v) != ("refusal", None)}
    metadata = {
        k: v for k, v in message.response_metadata.items() if not (k in _METADATA and v is None)
    }
    usage = metadata.get("token_usage")
    if isinstance(usage, dict):
        metadata["token_usage"] = {
            k: _without_none_counts(v) if k in _USAGE else v
            for k, v in usage.items()
            if not (k in _USAGE and v is None)
        }
    anthropic_usage = metadata.get("usage")  # Anthropic's raw usage, read the same way
    if isinstance(anthropic_usage, dict):
        metadata["usage"] = {
            k: v for k, v in anthropic_usage.items() if not (k in SDK_USAGE_FIELDS and v is None)
        }
    return message.model_copy(update={"additional_kwargs": kwargs, "response_metadata": metadata})


def _without_none_counts(details: Any) -> Any:
    """A details record without the counts the SDK's model shows as None."""
    if not isinstance(details, dict):
        return details
    return {k: v for k, v in details.items() if v is not None}
