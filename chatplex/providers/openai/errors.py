"""The exceptions scripts written for langchain-openai catch, as error families of the
OpenAI wires (Chat Completions, the Responses API, Azure; `sdk_errors.ErrorFamily`):
langchain-openai's own classes (`OpenAIInvalidRequestError` for a 400,
`OpenAIRateLimitError` for a 429...: each the openai SDK's class and langchain_core's
ModelError class at once), the openai SDK's, and langchain_core's ModelError family
(for a script that has not imported langchain-openai). An error langchain-openai
re-raises unchanged (a 409, a 422) is the SDK's class alone."""

from __future__ import annotations

from ...sdk_errors import LANGCHAIN_MODEL_ERRORS
from ...sdk_errors import ErrorFamily
from ...sdk_errors import partner_family
from ...sdk_errors import stainless_family

__all__ = ["ERROR_FAMILIES"]

#: What the OpenAI adapters declare (`error_families`); the partner package's family
#: first, so its class leads the error's hierarchy as in langchain-openai's own error.
ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    partner_family("langchain_openai.chat_models.base", "OpenAI", broken_stream=True),
    stainless_family("openai", inner_body=True, plain_events=True),
    LANGCHAIN_MODEL_ERRORS,
)
