"""ChatBedrock (InvokeModel, an Anthropic model) in the probe_y set's scripts
(`tests/partners/_probe_y.py`, its `FACTORIES`), compared as
`test_chatbedrock_sidebyside.py` compares, against a server that answers as Bedrock's
InvokeModel answers for Claude (Anthropic's Messages bodies, Bedrock's event stream)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
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
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import mul
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import REQUEST_ID
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use
from tests.partners.bedrock.test_converse_probe_y_factories import COPIES_REFUSED
from tests.partners.bedrock.test_converse_probe_y_factories import COUNTED
from tests.partners.bedrock.test_converse_probe_y_factories import copies_kept
from tests.partners.bedrock.test_converse_probe_y_factories import fresh_default_session
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


def make(cls: Any, url: str, **settings: Any) -> Any:
    """The suite's constructor call, the model given or the suite's."""
    settings.setdefault("model", MODEL)
    return cls(endpoint_url=url, region_name="us-east-1", **KEYS, **settings)


#: The keys in the default profile of the credentials file.
DEFAULT_PROFILE = "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n"


def _profile_make(cls: Any, url: str, **settings: Any) -> Any:
    """The model built with no keys: botocore reads them from the default profile of the
    credentials file (where a script's machine keeps them), which `dumps` leaves out."""
    Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(DEFAULT_PROFILE)
    settings.setdefault("model", MODEL)
    return cls(endpoint_url=url, region_name="us-east-1", **settings)


def _attempted(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """`script`'s result, or the class of what it raised (`{"refused": name}`): for a
    factory's script that raises on one side."""
    return lambda cls, url: attempted(lambda: script(cls, url))


OTHER = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def _word_ids(text: str) -> list[int]:
    return [len(word) for word in text.split()]


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()
}
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, OTHER))
SCRIPTS["counted_trimmed_own_ids"] = (
    answer,
    probe.counted_trimmed(make, custom_get_token_ids=_word_ids),
)
# The keys in the credentials file: `dumps` writes a key given to the constructor as a
# secret, and `loads` needs both in its map (given one, both classes refuse alike).
SCRIPTS["round_trip"] = (
    answer,
    fresh_default_session(probe.round_trip(_profile_make, "AWS_SECRET_ACCESS_KEY")),
)
SCRIPTS["round_trip_keys_given"] = (
    answer,
    _attempted(probe.round_trip(make, "AWS_SECRET_ACCESS_KEY")),
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
