"""ChatBedrock (InvokeModel, an Anthropic model) in the probe_q set's scripts
(`tests/partners/_probe_q.py`): the schemas a script's tools and structured output send
(nested models, `$defs`, `Optional`, `Literal`, `Enum`, unions, a recursive model, a
TypedDict, a JSON schema dict, an OpenAI tool dict, `@tool` functions), each as the
Anthropic body's `input_schema`, with `strict=True` too; the parsed output of a scripted
call, and of one that does not fit; answered as the probe_y set's InvokeModel answers
the rest, compared as `test_chatbedrock_sidebyside.py` compares."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_probe_y_factories import answer as probe_y_answer
from tests.partners.bedrock.test_chatbedrock_probe_y_factories import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use

#: Its `with_structured_output` takes no method: the schema's tool, forced.
METHODS = ("function_calling",)

answer = probe.answering(
    lambda name, args: invoke(tool_use(name, args), stop="tool_use"),
    lambda words: invoke(text(words)),
    probe.tool_names,
    probe_y_answer,
)
SCRIPTS = probe.answered_scripts(answer, make, METHODS, strict=METHODS, strict_tools=True)
DIFFERENCES: dict[str, Any] = {}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_q_same_as_langchain_aws_chatbedrock = SUITE.same_test()
