"""ChatCohere side by side on a call's keyword given as None (`invoke(x, seed=None)`, or
bound): langchain-cohere leaves it out of the request. The drop-in sent it as null
(`p`, `k`, `seed`, `frequency_penalty`, `documents`). A call's `temperature=None` over
the model's is kept apart: theirs hands it to its request builder beside the model's,
a TypeError before any request; ours sends no temperature (the API's default)."""

from __future__ import annotations

from typing import Any

from tests.partners._call_none import cleared
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

#: Each keyword a call gives as None, and the model's own value of it (none: Cohere's
#: own parameters, which ChatCohere has no field for).
HELD: dict[str, dict[str, Any]] = {
    "p": {},
    "k": {},
    "seed": {},
    "frequency_penalty": {},
    "documents": {},
    "temperature": {"temperature": 0.3},
}


def _temperature_refused(outcome: Outcome) -> Outcome:
    """Theirs refused each way with a TypeError before any request; ours sent each
    without a temperature. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == [{"refused": "TypeError"}] * 3 and not their_requests, theirs
    assert len(our_requests) == 3, our_requests
    assert not any("temperature" in r["body"] for r in our_requests), our_requests
    return theirs, theirs, their_requests, their_requests


SCRIPTS = {
    f"call_none_{field}": (cohere_replies(), cleared(field, held, _model))
    for field, held in HELD.items()
}
TEMPERATURE_REFUSED = Difference(
    Reason.RAISES,
    "a call's `temperature=None` over the model's is handed to its request builder "
    "beside the model's: TypeError (got multiple values for keyword argument "
    "'temperature'), nothing sent",
    "the call is sent without a temperature: the call's None over the model's, as "
    "langchain-openai and langchain-anthropic read a call's None",
)
DIFFERENCES = {"call_none_temperature": (TEMPERATURE_REFUSED, _temperature_refused)}
SUITE = cohere_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_call_none_same_as_langchain_cohere = SUITE.same_test()
