"""ChatGoogleGenerativeAI side by side on a call's keyword given as None over the model's
own value (`invoke(x, top_k=None)`, or bound): langchain-google-genai lays a call's
keywords over the model's and google-genai leaves every None out of the request, so
the field is not sent (`topK`, `seed`, `maxOutputTokens`, `presencePenalty`,
`responseMimeType`, the thinking fields); a call's `safety_settings=None` keeps the
model's. The drop-in sent each as null, and the model's thinking config as it was."""

from __future__ import annotations

from typing import Any

from tests.partners._call_none import cleared
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

#: Each keyword a call gives as None, and the model's own value of it.
HELD: dict[str, dict[str, Any]] = {
    "temperature": {"temperature": 0.3},
    "top_k": {"top_k": 5},
    "seed": {"seed": 3},
    "max_output_tokens": {"max_output_tokens": 50},
    "presence_penalty": {"presence_penalty": 0.5},
    "response_mime_type": {"response_mime_type": "application/json"},
    "thinking_budget": {"thinking_budget": 100},
    "include_thoughts": {"include_thoughts": True, "thinking_budget": 100},
    "thinking_level": {"thinking_level": "low"},
    "safety_settings": {"safety_settings": {"HARM_CATEGORY_HARASSMENT": "BLOCK_NONE"}},
}


SCRIPTS = {
    f"call_none_{field}": (gemini_replies(), cleared(field, held, model))
    for field, held in HELD.items()
}
SUITE = genai_suite.SUITE.beside(SCRIPTS, {})
test_call_none_same_as_langchain_google_genai = SUITE.same_test()
