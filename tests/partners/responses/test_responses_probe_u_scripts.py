"""ChatOpenAI on the Responses API side by side in scripts of the probe_u set
(`tests/partners/_probe_u.py`): a stop sequence given to the constructor and to the
call, a reply cache, tools bound as a pydantic model, a TypedDict and a JSON schema,
`include_raw=True` over a reply that is no JSON, a streamed call's `tool_call_chunks`
and a tool result of text and image blocks. Compared as the suite of
`test_responses_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_u as probe
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import TOOL
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import message_item

NAMES = ("stop_in_both_places", "cached_second_call", "three_tool_forms", "include_raw_failure")
NAMES += ("streamed_call_pieces", "tool_result_blocks", "system_as_blocks")

SCRIPTS = probe.rows(
    _model,
    Script(),
    NAMES,
    replies={
        "three_tool_forms": TOOL,
        "streamed_call_pieces": TOOL,
        "include_raw_failure": Script([message_item("No JSON here.")]),
    },
    arguments={"include_raw_failure": (("function_calling", "json_schema"),)},
)

SUITE = responses_suite.SUITE.beside(SCRIPTS, {})
test_probe_u_same_as_langchain_openai = SUITE.same_test()
