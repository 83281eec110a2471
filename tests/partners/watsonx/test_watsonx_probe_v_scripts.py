"""ChatWatsonx in the probe_v set's scripts (`tests/partners/_probe_v.py`): `ainvoke` and
`astream` under `asyncio.wait_for`, an `astream` left midway, `generate` over two
conversations, a tool result of text blocks marked for Anthropic's prompt cache and
`stream_usage` toggled (and given to the constructor alone); compared as
`test_watsonx_probe_y_scripts.py` compares."""

from __future__ import annotations

from typing import Any

from tests._merged_text import merged
from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import attempted
from tests.partners.watsonx.test_watsonx_probe_u_scripts import blocks_as_text
from tests.partners.watsonx.test_watsonx_probe_u_scripts import same_test
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _to_the_server  # noqa: F401
from tests.partners.watsonx.test_watsonx_probe_y_scripts import answer
from tests.partners.watsonx.test_watsonx_probe_y_scripts import make
from tests.partners.watsonx.test_watsonx_sidebyside import _TOOL_BLOCKS
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401

SCRIPTS = probe.rows(make, answer, tuple(probe.FACTORIES))
# A call's `stream_usage` is no keyword of langchain-ibm's: what refused it is compared.
_toggled = SCRIPTS["stream_usage_toggled"][1]
SCRIPTS["stream_usage_toggled"] = (answer, lambda cls, url: attempted(lambda: _toggled(cls, url)))


def stream_usage_off(cls: Any, url: str) -> Any:
    """`stream_usage=False` given to the constructor alone: the merged stream."""
    return merged(list(make(cls, url, stream_usage=False).stream("Hi")))


SCRIPTS["stream_usage_off"] = (answer, stream_usage_off)

#: The usage `answer` reports, as a message holds it.
_USAGE = {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}


def _call_usage_taken(outcome: Outcome) -> Outcome:
    """Theirs raised at the call's `stream_usage=True`, before its request (its first
    stream sent); ours streamed it with its usage. Ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "TypeError"} and len(their_requests) == 1, theirs
    assert ours["merged"]["usage_metadata"] == _USAGE, ours
    assert our_requests == their_requests * 2, our_requests  # (no field of it sent)
    return theirs, theirs, their_requests, their_requests


def _usage_left_out(outcome: Outcome) -> Outcome:
    """Their stream kept its usage (the setting dropped), ours left it out: ours read as
    theirs once each is seen; the requests, the same."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["usage_metadata"] == _USAGE and ours["usage_metadata"] is None, ours
    return theirs, {**ours, "usage_metadata": _USAGE}, their_requests, our_requests


#: A call's `stream_usage`, handed to ibm-watsonx-ai's chat call.
CALL_STREAM_USAGE_RAISES = Difference(
    Reason.RAISES,
    "a call's `stream_usage` (`stream(..., stream_usage=True)`, `invoke(..., "
    "stream_usage=False)`) is handed to ibm-watsonx-ai's chat call, which raises a "
    "TypeError (an unexpected keyword argument) before any request",
    "a call's `stream_usage` is taken as LangChain's chat models take it: True keeps the "
    "stream's token usage, False leaves it out",
)
#: `stream_usage`, no field of langchain-ibm's.
STREAM_USAGE_DROPPED = Difference(
    Reason.LOSES_DATA,
    "has no `stream_usage` setting and drops `stream_usage=False` given to the "
    "constructor without a word, as any unknown keyword: the stream carries its token "
    "usage all the same",
    "`stream_usage` is a setting of chatplex's chat models: False leaves the token usage "
    "out of the stream, as on LangChain's OpenAI models",
)

DIFFERENCES: dict[str, Any] = {
    "tool_result_cached": (_TOOL_BLOCKS, blocks_as_text),
    "stream_usage_toggled": (CALL_STREAM_USAGE_RAISES, _call_usage_taken),
    "stream_usage_off": (STREAM_USAGE_DROPPED, _usage_left_out),
}

test_probe_v_same_as_langchain_ibm = same_test(SCRIPTS, DIFFERENCES)
