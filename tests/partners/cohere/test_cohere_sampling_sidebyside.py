"""ChatCohere side by side on a temperature above the range OpenAI's API takes
(`temperature=3`): Cohere's API takes any non-negative temperature, and langchain-cohere
sends it as given. The drop-in refused it when the model was built (a ValidationError
naming OpenAI's range); it now sends it as given too, and so does
`init_chat_model("cohere:...")`."""

from __future__ import annotations

from typing import Any

from tests.partners._sampling import sampled
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

#: Each constructor's temperature, above OpenAI's range.
HELD: dict[str, dict[str, Any]] = {"hot": {"temperature": 3}, "hotter": {"temperature": 4.5}}

SCRIPTS = {
    f"sampled_{name}": (cohere_replies(), sampled(held, _model)) for name, held in HELD.items()
}
SUITE = cohere_suite.SUITE.beside(SCRIPTS, {})
test_sampling_same_as_langchain_cohere = SUITE.same_test()
