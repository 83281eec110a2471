"""ChatOllama side by side in scripts of the probe_u set (`tests/partners/_probe_u.py`): a
reply cache, tools bound as a pydantic model, a TypedDict and a JSON schema,
`include_raw=True` over a reply that is no JSON, a streamed call's `tool_call_chunks`, a
tool result of text and image blocks, named speakers and `astream_events` with tags and
metadata. Compared as the suite of `test_ollama_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_u as probe
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import ADD_CALL
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, base_url=url, **settings)


_CALL = ollama_replies("", tool_calls=ADD_CALL)

NAMES = ("cached_second_call", "three_tool_forms", "include_raw_failure", "named_speakers")
NAMES += ("streamed_call_pieces", "tool_result_blocks", "events_with_tags")
NAMES += ("batch_configs_per_row", "system_as_blocks")

SCRIPTS = probe.rows(
    _make,
    ollama_replies(),
    NAMES,
    replies={
        "three_tool_forms": _CALL,
        "streamed_call_pieces": _CALL,
        "include_raw_failure": ollama_replies("No JSON here."),
    },
    arguments={"include_raw_failure": (("function_calling", "json_mode", "json_schema"),)},
)

#: Its tool result names the tool (`tool_name`): the suite's kept difference.
DIFFERENCES = {"tool_result_blocks": ollama_suite.DIFFERENCES["tool_round_trip"]}

SUITE = ollama_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_u_same_as_langchain_ollama = SUITE.same_test()
