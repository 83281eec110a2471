"""ChatBedrockConverse side by side in scripts of the probe_u set
(`tests/partners/_probe_u.py`): a stop sequence given to the constructor and to the
call, tools bound as a pydantic model, a TypedDict and a JSON schema, `include_raw=True`
over a reply that is no JSON, a streamed call's `tool_call_chunks`, a tool result of text
and image blocks, a system message mid-conversation, `invoke([])` and
`disable_streaming`. Compared as the suite of `test_bedrock_sidebyside.py` compares its
scripts."""

from __future__ import annotations

from tests.partners import _probe_u as probe
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import make
from tests.partners.bedrock.test_bedrock_sidebyside import text

_CALL = converse(ADD_CALL, stop="tool_use")

NAMES = ("stop_in_both_places", "three_tool_forms", "include_raw_failure", "empty_input")
NAMES += ("streamed_call_pieces", "tool_result_blocks", "system_mid_history", "no_streaming")
NAMES += ("system_as_blocks",)

SCRIPTS = probe.rows(
    make,
    converse(),
    NAMES,
    replies={
        "three_tool_forms": _CALL,
        "streamed_call_pieces": _CALL,
        "include_raw_failure": converse(text("No JSON here.")),
    },
    arguments={"include_raw_failure": (("function_calling", "json_schema"),)},
)

SUITE = converse_suite.SUITE.beside(SCRIPTS, {})
test_probe_u_same_as_langchain_aws = SUITE.same_test()
