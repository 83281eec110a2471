"""ChatCohere side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`ainvoke` and `astream` under `asyncio.wait_for`, an `astream` left midway and `generate`
over two conversations. Compared as the suite of `test_cohere_sidebyside.py` compares its
scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import ASTREAM_USAGE
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import _without_usage
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

SCRIPTS = probe.rows(_model, cohere_replies())


def _astream_usage(outcome: Outcome) -> Outcome:
    """The awaited stream's usage_metadata taken out of both (theirs: billed units; ours:
    tokens); the awaited reply's compared."""
    theirs, ours, their_requests, our_requests = outcome
    theirs, ours = [theirs[0], _without_usage(theirs[1])], [ours[0], _without_usage(ours[1])]
    return theirs, ours, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Any, Any]] = {
    "awaited_with_deadline": (ASTREAM_USAGE, _astream_usage),
}

SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_v_same_as_langchain_cohere = SUITE.same_test()
