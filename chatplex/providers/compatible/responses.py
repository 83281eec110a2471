"""The Responses API of a preset whose partner class is a langchain-openai
`BaseChatOpenAI` (langchain-xai's `ChatXAI(use_responses_api=True)`): OpenAI's Responses
adapter over the preset's connection, under a class of its own so that its partner
record (`partner.py`) can differ from ChatOpenAI's: a call's `max_tokens` is sent beside
the model's, not given way.
"""

from __future__ import annotations

from ...adapters.connection import adapter_repr
from ...adapters.structured_profile import StructuredProfile
from ...adapters.structured_profile import with_disabled_params
from ..openai.responses_adapter import OpenAIResponsesAdapter

__all__ = ["PresetResponsesAdapter"]


class PresetResponsesAdapter(OpenAIResponsesAdapter):
    """`OpenAIResponsesAdapter` for a preset's drop-in (built with `connection=`, the
    preset's adapter); its translation is OpenAI's."""

    @property
    def structured(self) -> StructuredProfile:  # type: ignore[override]
        """OpenAI's Responses profile, less what the preset's `disabled_params` disable
        (its partner's structured output filters them on either API)."""
        disabled = getattr(self._connection, "disabled_params", None)
        return with_disabled_params(OpenAIResponsesAdapter.structured, disabled)

    def __repr__(self) -> str:
        # Shown as the wire's adapter, as before it had a class of its own.
        return adapter_repr(self, "OpenAIResponsesAdapter", connection="_connection")
