"""AzureChatOpenAI (Chat Completions) in the probe_q set's scripts
(`tests/partners/_probe_q.py`): the schemas a script's tools and structured output send
(nested models, `$defs`, `Optional`, `Literal`, `Enum`, unions, a recursive model, a
TypedDict, a JSON schema dict, an OpenAI tool dict, `@tool` functions), as its tools and
`response_format`, with `strict=True` where taken; the parsed output of a scripted call
or JSON text, and of one that does not fit; answered as the probe_y set's deployment
answers the rest, compared as `test_azure_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners.azure import test_azure_probe_y_scripts as probe_y
from tests.partners.azure import test_azure_sidebyside as azure_suite
from tests.partners.azure.test_azure_sidebyside import Script

METHODS = ("function_calling", "json_schema", "json_mode")

answer = probe.answering(
    lambda name, args: azure_suite.answer(Script(tool_args=args)),
    lambda text: azure_suite.answer(Script(text)),
    probe.function_names,
    probe_y.answer,
)
SCRIPTS = probe.answered_scripts(
    answer, probe_y.make, METHODS, strict=("function_calling", "json_schema"), strict_tools=True
)
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(azure_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_q_same_as_langchain_openai = SUITE.same_test()
