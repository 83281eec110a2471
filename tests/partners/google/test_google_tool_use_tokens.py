"""ChatGoogleGenerativeAI side by side on a reply grounded with Google Search, whose usage
counts the search results' prompt tokens apart (`toolUsePromptTokenCount`, within
`totalTokenCount`): langchain-google-genai counts them as input tokens, invoked and on
each streamed piece (Gemini's counts are running totals there). Compared as
`test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import merged
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

#: A grounded reply's usage: the prompt, the search results read, the answer and the
#: thinking, all within the total.
TOOL_USE_USAGE = {
    "promptTokenCount": 120,
    "toolUsePromptTokenCount": 40,
    "candidatesTokenCount": 30,
    "thoughtsTokenCount": 10,
    "totalTokenCount": 200,
    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 120}],
    "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": 40}],
}
GROUNDED = gemini_replies([{"text": "Sunny in Paris."}], usage=TOOL_USE_USAGE)


def searched_usage(cls: Any, url: str) -> Any:
    """A model with Google Search bound: the usage of its reply, of each streamed piece
    and of their sum."""
    chat = model(cls, url).bind_tools([{"google_search": {}}])
    chunks = list(chat.stream("Weather in Paris?"))
    return {
        "invoked": chat.invoke("Weather in Paris?").usage_metadata,
        "pieces": [c.usage_metadata for c in chunks],
        "streamed": merged(chunks).usage_metadata,
    }


SCRIPTS = {"searched_usage": (GROUNDED, searched_usage)}

SUITE = genai_suite.SUITE.beside(SCRIPTS, {})
test_tool_use_tokens_same_as_langchain_google_genai = SUITE.same_test()


def test_search_tokens_are_input(server: ScriptedServer) -> None:
    """Where the compared value is: the input counts the search's tokens, and the parts
    add up to the total."""
    _, ours, _, _ = SUITE.run("searched_usage", server)
    for usage in (ours["invoked"], ours["streamed"]):
        assert usage["input_tokens"] == 160
        assert usage["input_tokens"] + usage["output_tokens"] == usage["total_tokens"] == 200
