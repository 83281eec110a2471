"""ChatBedrockConverse in the probe_q set's scripts (`tests/partners/_probe_q.py`): the
schemas a script's tools and structured output send (nested models, `$defs`, `Optional`,
`Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI
tool dict, `@tool` functions), each as Converse's `toolSpec.inputSchema` or output
format, with `strict=True` where taken; the parsed output of a scripted call or JSON
text, and of one that does not fit; answered as the probe_y set's Converse API answers
the rest, compared as `test_bedrock_sidebyside.py` compares."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import heard
from tests.partners._probe_z import within
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import text
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use
from tests.partners.bedrock.test_converse_probe_y_factories import answer as probe_y_answer
from tests.partners.bedrock.test_converse_probe_y_factories import make

METHODS = ("function_calling", "json_schema", "prompt_prefill")


def declared(body: dict[str, Any]) -> list[str]:
    """The tools a Converse request offers, by name."""
    tools = (body.get("toolConfig") or {}).get("tools") or []
    return [tool["toolSpec"]["name"] for tool in tools if "toolSpec" in tool]


answer = probe.answering(
    lambda name, args: converse(tool_use(name, args), stop="tool_use"),
    lambda words: converse(text(words)),
    declared,
    probe_y_answer,
)
SCRIPTS = probe.answered_scripts(
    answer, make, METHODS, strict=("function_calling",), strict_tools=True
)


def prefill_beside_system(cls: Any, url: str) -> Any:
    """`method="prompt_prefill"` on a conversation that has a system message (its text,
    and its blocks before a cache point), and on a model given its own stop sequence:
    each invoked (the instructions go after the system's text, the stops together)."""
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    asked = HumanMessage(probe.question("Person"))
    blocks = [{"type": "text", "text": "Be brief."}, {"cachePoint": {"type": "default"}}]
    model = make(cls, url)
    structured = model.with_structured_output(probe.Person, method="prompt_prefill")
    stopping = make(cls, url, stop_sequences=["```"])
    return {
        "text": structured.invoke([SystemMessage("Be brief."), asked]),
        "blocks": structured.invoke([SystemMessage(blocks), asked]),
        "own_stop": stopping.with_structured_output(probe.TEAM, method="prompt_prefill").invoke(
            probe.question("Team")
        ),
    }


SCRIPTS["prompt_prefill_beside_system"] = (answer, heard(prefill_beside_system))

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    # (the suite's: a TypedDict refused by its json_schema method)
    "json_schema_Order": (
        converse_suite.DIFFERENCES["structured_typeddict"][0],
        within(probe.refused_unsent("ValueError")),
    ),
}

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_q_same_as_langchain_aws_converse = SUITE.same_test()
