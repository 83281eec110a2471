"""ChatGoogleGenerativeAI side by side in scripts of the probe_u set
(`tests/partners/_probe_u.py`): a stop sequence given to the constructor and to the call, a
reply cache, tools bound as a pydantic model, a TypedDict and a JSON schema,
`include_raw=True` over a reply that is no JSON, a streamed call's `tool_call_chunks`, a tool
result of text and image blocks, a system message mid-conversation, one of text blocks and
`invoke([])`. Compared as the suite of `test_google_sidebyside.py` compares its scripts; the
Vertex AI suite runs the same scripts over its constructor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners import _probe_u as probe
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_probe_t_scripts import ADD_PART
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

NAMES = ("stop_in_both_places", "cached_second_call", "three_tool_forms", "include_raw_failure")
NAMES += ("streamed_call_pieces", "tool_result_blocks", "system_mid_history", "empty_input")
NAMES += ("system_as_blocks",)


def scripts_over(make: probe.Make, replies: Callable[..., Any]) -> dict[str, Any]:
    """The scripts over a backend's constructor (`make`) and scripted replies."""
    return probe.rows(
        make,
        replies(),
        NAMES,
        replies={
            "three_tool_forms": replies([ADD_PART]),
            "streamed_call_pieces": replies([ADD_PART]),
            "include_raw_failure": replies([{"text": "No JSON here."}]),
        },
        arguments={"include_raw_failure": (("function_calling", "json_schema"),)},
    )


SUITE = genai_suite.SUITE.beside(scripts_over(model, gemini_replies), {})
test_probe_u_same_as_langchain_google_genai = SUITE.same_test()
