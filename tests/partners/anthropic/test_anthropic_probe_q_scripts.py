"""ChatAnthropic in the probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a
script's tools and structured output send (nested models, `$defs`, `Optional`, `Literal`,
`Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI tool dict,
`@tool` functions), each as the Messages API's `input_schema` or output format, with
`strict=True` too; the parsed output of a scripted call or JSON text, and of one that
does not fit; compared as `test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.anthropic.test_anthropic_probe_y_scripts import answer as probe_y_answer
from tests.partners.anthropic.test_anthropic_probe_y_scripts import make
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

METHODS = ("function_calling", "json_schema")

answer = probe.answering(
    lambda name, args: streamed({**ADD_CALL, "name": name, "input": args}, stop="tool_use"),
    lambda text: streamed({"type": "text", "text": text}),
    probe.tool_names,
    probe_y_answer,
)
SCRIPTS = probe.answered_scripts(answer, make, METHODS, strict=METHODS, strict_tools=True)
DIFFERENCES: dict[str, Any] = {}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_probe_q_same_as_langchain_anthropic = SUITE.same_test()
