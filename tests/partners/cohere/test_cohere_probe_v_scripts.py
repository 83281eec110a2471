"""ChatCohere side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`ainvoke` and `astream` under `asyncio.wait_for`, an `astream` left midway and `generate`
over two conversations; and a tool bound with Cohere's `tool_choice="REQUIRED"` beside a
bound `seed`. Compared as the suite of `test_cohere_sidebyside.py` compares its
scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import add
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import ADD_CALL
from tests.partners.cohere.test_cohere_sidebyside import ASTREAM_USAGE
from tests.partners.cohere.test_cohere_sidebyside import FLAT_TOOLS
from tests.partners.cohere.test_cohere_sidebyside import _flat_tools
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import _without_usage
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies


def required_tool_seeded(cls: Any, url: str) -> Any:
    """A tool bound with Cohere's own `tool_choice="REQUIRED"`, and a `seed` bound: invoked
    and awaited (a stream's call: the suite's kept `tool_call_stream`)."""
    bound = _model(cls, url).bind_tools([add], tool_choice="REQUIRED").bind(seed=7)
    return [bound.invoke("1+2?"), probe.LOOP.run_until_complete(bound.ainvoke("1+2?"))]


SCRIPTS = probe.rows(_model, cohere_replies())
SCRIPTS["required_tool_seeded"] = (cohere_replies(tool_call=ADD_CALL), required_tool_seeded)


def _astream_usage(outcome: Outcome) -> Outcome:
    """The awaited stream's usage_metadata taken out of both (theirs: billed units; ours:
    tokens); the awaited reply's compared."""
    theirs, ours, their_requests, our_requests = outcome
    theirs, ours = [theirs[0], _without_usage(theirs[1])], [ours[0], _without_usage(ours[1])]
    return theirs, ours, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Any, Any]] = {
    "awaited_with_deadline": (ASTREAM_USAGE, _astream_usage),
    "required_tool_seeded": (FLAT_TOOLS, _flat_tools),
}

SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_v_same_as_langchain_cohere = SUITE.same_test()
