"""ChatBedrock (InvokeModel, an Anthropic model) in the probe_y set's scripts
(`tests/partners/_probe_y.py`, its `FACTORIES`), compared as
`test_chatbedrock_sidebyside.py` compares, against a server that answers as Bedrock's
InvokeModel answers for Claude (Anthropic's Messages bodies, Bedrock's event stream)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import TOOL_NAMED_NONE
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import mul
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import REQUEST_ID
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use
from tests.partners.bedrock.test_converse_probe_y_factories import COPIES_REFUSED
from tests.partners.bedrock.test_converse_probe_y_factories import COUNTED
from tests.partners.bedrock.test_converse_probe_y_factories import attempted_script
from tests.partners.bedrock.test_converse_probe_y_factories import bedrock_scripts
from tests.partners.bedrock.test_converse_probe_y_factories import constructors
from tests.partners.bedrock.test_converse_probe_y_factories import copies_kept
from tests.partners.bedrock.test_converse_probe_y_factories import refused
from tests.partners.bedrock.test_converse_probe_y_factories import required_kept

_TEXT = invoke()
_JSON = invoke(text('{"total": 3}'))
_CALL = invoke(ADD_CALL, stop="tool_use")
_MUL = invoke(tool_use("mul", {"a": 2, "b": 3}), stop="tool_use")
_SUM = invoke(tool_use("Sum", {"total": 3}), stop="tool_use")


def answer(seen: Seen) -> Reply:
    """InvokeModel for Claude: CountTokens' count, a 400 for a prompt that says FAIL,
    for a tool or tool choice not in Anthropic's form and for a choice naming no offered
    tool (as Bedrock refuses them), a call of the tool forced, else the first, until
    the conversation holds a tool's result (Sum's where offered), JSON where asked, text."""
    body = seen.body or {}
    headers = {"x-amzn-requestid": REQUEST_ID}
    if seen.path.endswith("/count-tokens"):
        return Reply(200, [json.dumps(COUNTED).encode()], headers=headers)
    messages = json.dumps(body.get("messages", []))
    if "FAIL" in messages:
        return refused("The model returned the following errors: Bad prompt")
    tools = body.get("tools") or []
    if any("name" not in tool for tool in tools):
        return refused("tools.0: Input tag 'function' found using 'type' does not match")
    choice = body.get("tool_choice") or {}
    if choice.get("type") not in (None, "auto", "any", "tool", "none"):
        return refused("tool_choice: Input tag found using 'type' does not match")
    names = [tool["name"] for tool in tools]
    forced = choice.get("name")
    if forced is not None and forced not in names:
        return refused(f"tool_choice: tool '{forced}' not found in tools")
    if names and "tool_result" not in messages:
        called = forced or names[0]
        if called == "Sum":
            return _SUM(seen)
        return _CALL(seen) if called == "add" else _MUL(seen)
    if "JSON" in messages:
        return _JSON(seen)
    return _TEXT(seen)


make, _profile_make = constructors(MODEL)


OTHER = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


SCRIPTS = bedrock_scripts(answer, make, _profile_make, OTHER)
SCRIPTS["round_trip_keys_given"] = (
    answer,
    attempted_script(probe.round_trip(make, "AWS_SECRET_ACCESS_KEY")),
)
# `strict=True` warns on InvokeModel (and is not sent), on both sides: its label is a
# script of its own that reads the warning (pytest makes chatplex's an error).
SCRIPTS["tool_choices"] = (answer, probe.tool_choices(make, ("any", "required", "name", "serial")))


def strict_warned(cls: Any, url: str) -> Any:
    """`bind_tools([add, mul], strict=True, tool_choice="add")`, invoked: the reply and
    what was warned (by either)."""
    model = make(cls, url)
    return probe._warned(
        lambda: model.bind_tools([add, mul], strict=True, tool_choice="add").invoke("2*3?")
    )


SCRIPTS["strict_warned"] = (answer, strict_warned)
# Its tool form is Anthropic's: OpenAI's is the foreign one.
SCRIPTS["foreign_tool_forms"] = (
    answer,
    probe.foreign_tool_forms(make, probe.OPENAI_TOOL, probe.OPENAI_CHOICE),
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "tool_choices": (
        TOOL_NAMED_NONE,
        required_kept(
            {"type": "tool", "name": "required"},
            {"type": "any"},
            lambda body: body.get("tool_choice"),
        ),
    ),
    "copied_and_pickled": (COPIES_REFUSED, copies_kept),
    "foreign_tool_forms": (
        (
            probe.FUNCTION_REFUSED,
            Difference(
                Reason.REJECTED,
                "a tool given to a call in OpenAI's format (`{'type': 'function', "
                "'function': {...}}`), and a tool choice bound in OpenAI's format "
                "(`{'type': 'function', 'function': {'name': ...}}`), are put in an "
                "Anthropic model's body as given, which Bedrock refuses",
                "each is read and sent in Anthropic's format, as `bind_tools` sends a tool "
                "of any format",
            ),
        ),
        probe.foreign_forms_kept("ValidationException"),
    ),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchain_aws_chatbedrock = SUITE.same_test()
