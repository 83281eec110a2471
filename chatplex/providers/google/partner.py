"""What langchain-google-genai does beyond the Gemini API's translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`.

>>> TRAITS["GeminiAdapter"].bind_strict
False
"""

from __future__ import annotations

from ...adapters.partner_traits import PartnerTraits

__all__ = ["TRAITS"]

#: The Gemini API adapter's record (Vertex AI's partner, langchain-google-vertexai, has
#: the defaults).
TRAITS: dict[str, PartnerTraits] = {
    "GeminiAdapter": PartnerTraits(
        # langchain-google-genai consumes `bind_tools(..., strict=...)` unsent (Gemini's
        # schemas are enforced as given): the tools go as without it, not made strict.
        bind_strict=False,
        # A call's response_format given as a pydantic class is not sent: it reads only
        # a dict there.
        response_format_class="dropped",
    ),
}
