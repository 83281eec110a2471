"""ChatBedrock (InvokeModel, an Anthropic model) side by side in scripts of the probe_u
set (`tests/partners/_probe_u.py`): a stop sequence given to the constructor and to the
call, a reply cache, tools bound as a pydantic model, a TypedDict and a JSON schema, a
system message mid-conversation and a system message of text blocks. Compared as
the suite of `test_chatbedrock_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_u as probe
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import in_order
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

NAMES = ("stop_in_both_places", "cached_second_call", "three_tool_forms")
NAMES += ("system_mid_history", "system_as_blocks")

SCRIPTS = probe.rows(
    make, invoke(), NAMES, replies={"three_tool_forms": invoke(ADD_CALL, stop="tool_use")}
)


def _constructed_stop_sent(outcome: Outcome) -> Outcome:
    """Our stream's request without the constructor's stop sequence it carried (theirs
    sent none), once the call's own is seen sent by both."""
    theirs, ours, their_requests, our_requests = outcome
    stops = [r["body"].get("stop_sequences") for r in their_requests]
    assert sorted(stops, key=str) == [None, ["HALT"]], stops
    [streamed] = [r for r in our_requests if r["path"].endswith("invoke-with-response-stream")]
    assert streamed["body"].pop("stop_sequences") == ["END"], streamed
    return theirs, ours, their_requests, in_order(our_requests)


#: langchain-aws's ChatBedrock holding the constructor's stop sequences unsent.
CONSTRUCTED_STOP_DROPPED = Difference(
    reason=Reason.LOSES_DATA,
    langchain="holds `stop` given to the constructor (its `stop_sequences` field) and never sends "
    "it for an Anthropic model: the reply runs past the stop sequence the script set",
    chatplex="the constructor's stop sequences are sent as `stop_sequences` in every request, "
    "unless a call gives its own, as on ChatAnthropic",
)
DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "stop_in_both_places": (CONSTRUCTED_STOP_DROPPED, _constructed_stop_sent),
}

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_u_same_as_langchain_aws = SUITE.same_test()
