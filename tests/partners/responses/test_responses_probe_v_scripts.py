"""ChatOpenAI on the Responses API side by side in scripts of the probe_v set
(`tests/partners/_probe_v.py`): `ainvoke` and `astream` under `asyncio.wait_for`, an
`astream` left midway and `generate` over two conversations; and `reasoning` as a dict
over a reply of a reasoning summary whose usage counts reasoning and cached tokens.
Compared as the suite of
`test_responses_sidebyside.py` compares its scripts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import merged
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import REASONING
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model


def reasoning_summary_usage(cls: Any, url: str) -> Any:
    """`reasoning` as a dict (an effort and a summary); a reply of a reasoning summary and
    text whose usage counts reasoning and cached tokens: invoked and streamed, read as
    `content_blocks` too."""
    model = _model(cls, url, reasoning={"effort": "low", "summary": "auto"})
    reply, whole = model.invoke("How many r's?"), merged(list(model.stream("How many r's?")))
    return [reply, whole, reply.content_blocks, whole.content_blocks]


_DETAILED = {
    "input_tokens": 12,
    "input_tokens_details": {"cached_tokens": 4},
    "output_tokens": 7,
    "output_tokens_details": {"reasoning_tokens": 3},
    "total_tokens": 19,
}

SCRIPTS = probe.rows(_model, Script())
SCRIPTS["reasoning_summary_usage"] = (
    replace(REASONING, extra={"usage": _DETAILED}),
    reasoning_summary_usage,
)

SUITE = responses_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_openai = SUITE.same_test()
