"""ChatAnthropic side by side in scripts of the probe_u set (`tests/partners/_probe_u.py`): a
stop sequence given to the constructor and to the call, a reply cache, tools bound as a
pydantic model, a TypedDict and a JSON schema, `include_raw=True` over a reply that is no
JSON, a streamed call's `tool_call_chunks`, a tool result of text and image blocks,
`astream_events` with tags and metadata, a system message mid-conversation, named speakers, a
batch of one config per row and a system message of text blocks. Compared as the suite of
`test_anthropic_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_u as probe
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **settings)


_TEXT = streamed({"type": "text", "text": "Hello there, friend."})
_CALL = streamed(ADD_CALL, stop="tool_use")

NAMES = ("stop_in_both_places", "cached_second_call", "three_tool_forms", "include_raw_failure")
NAMES += ("streamed_call_pieces", "tool_result_blocks", "events_with_tags", "named_speakers")
NAMES += ("system_mid_history", "batch_configs_per_row", "system_as_blocks")

SCRIPTS = probe.rows(
    _make,
    _TEXT,
    NAMES,
    replies={
        "three_tool_forms": _CALL,
        "streamed_call_pieces": _CALL,
        "include_raw_failure": messages_reply({"type": "text", "text": "No JSON here."}),
    },
    arguments={"include_raw_failure": (("function_calling", "json_schema"),)},
)

SUITE = anthropic_suite(SCRIPTS)
test_probe_u_same_as_langchain_anthropic = SUITE.same_test()
