"""ChatVertexAI side by side on a reply grounded with Google Search, whose usage counts
the search results' prompt tokens apart (`toolUsePromptTokenCount`, within
`totalTokenCount`). langchain-google-vertexai leaves them out of `input_tokens` (and
thinking tokens out of `output_tokens`: the suite's kept difference), so its parts do not
add up to its total; chatplex counts them as input, as langchain-google-genai does.
Compared as `test_vertex_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners.google.test_google_tool_use_tokens import TOOL_USE_USAGE
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies


def searched_usage(cls: Any, url: str) -> Any:
    """The usage of a reply grounded with Google Search."""
    return model(cls, url).invoke("Weather in Paris?").usage_metadata


_SEARCHED = TOOL_USE_USAGE["toolUsePromptTokenCount"]
_THOUGHTS = TOOL_USE_USAGE["thoughtsTokenCount"]


def _counted_apart(outcome: Outcome) -> Outcome:
    """Our input read without the search's tokens, our output without the thinking
    tokens, which theirs leaves out (once seen to be theirs plus those)."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours["input_tokens"] == theirs["input_tokens"] + _SEARCHED, (theirs, ours)
    assert ours["output_tokens"] == theirs["output_tokens"] + _THOUGHTS, (theirs, ours)
    assert ours["input_tokens"] + ours["output_tokens"] == ours["total_tokens"]
    read = {
        **ours,
        "input_tokens": ours["input_tokens"] - _SEARCHED,
        "output_tokens": ours["output_tokens"] - _THOUGHTS,
    }
    return theirs, read, their_requests, our_requests


SCRIPTS = {
    "searched_usage": (vertex_replies([{"text": "Sunny."}], usage=TOOL_USE_USAGE), searched_usage)
}

#: Script -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "searched_usage": (
        (
            Difference(
                Reason.LOSES_DATA,
                "leaves a server-side tool's prompt tokens (`toolUsePromptTokenCount`: "
                "Google Search's results the model read) out of `input_tokens` while "
                "`total_tokens` keeps them: its cost accounting undercounts grounded calls",
                "`usage_metadata['input_tokens']` counts a server-side tool's prompt "
                "tokens, as langchain-google-genai does: the parts add up to the total",
            ),
            vertex_suite._THOUGHT_TOKENS,
        ),
        _counted_apart,
    ),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_tool_use_tokens_same_as_langchain_google_vertexai = SUITE.same_test()
