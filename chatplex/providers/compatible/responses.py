"""The Responses API of a preset whose partner class is a langchain-openai
`BaseChatOpenAI` (langchain-xai's `ChatXAI(use_responses_api=True)`): OpenAI's Responses
adapter over the preset's connection, under a class of its own so that its partner
record (`partner.py`) can differ from ChatOpenAI's: a call's `max_tokens` is sent beside
the model's, not given way.
"""

from __future__ import annotations

from ...adapters.connection import adapter_repr
from ...adapters.structured_profile import with_disabled_params
from ..openai.responses_adapter import OpenAIResponsesAdapter
from .adapter import CompatibleAdapter

__all__ = ["PresetResponsesAdapter"]


class PresetResponsesAdapter(OpenAIResponsesAdapter):
    """`OpenAIResponsesAdapter` for a preset's drop-in (built with `connection=`, the
    preset's adapter); its translation is OpenAI's, its structured output less what the
    preset's `disabled_params` disable (its partner's filters them on either API)."""

    def __init__(self, connection: CompatibleAdapter, *, use_previous_response_id: bool = False):
        super().__init__(connection=connection, use_previous_response_id=use_previous_response_id)
        self.structured = with_disabled_params(self.structured, connection.disabled_params)

    def __repr__(self) -> str:
        # Shown as the wire's adapter, as before it had a class of its own.
        return adapter_repr(self, "OpenAIResponsesAdapter", connection="_connection")
