"""ChatOllama side by side on sampling values out of the range OpenAI's API takes
(`temperature=3`, a negative temperature, `top_p=2`): Ollama's API checks none, and
langchain-ollama sends them as given. The drop-in refused them when the model was built
(a ValidationError naming OpenAI's range); it now sends them as given too, and so does
`init_chat_model("ollama:...")`."""

from __future__ import annotations

from typing import Any

from tests.partners._sampling import sampled
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

#: Each constructor's sampling values, out of OpenAI's ranges.
HELD: dict[str, dict[str, Any]] = {
    "hot": {"temperature": 3},
    "below_zero": {"temperature": -0.5},
    "wide_top_p": {"top_p": 2, "temperature": 2.5},
}


def _model(cls: Any, url: str, **held: Any) -> Any:
    return cls(model=MODEL, base_url=url, **held)


SCRIPTS = {
    f"sampled_{name}": (ollama_replies(), sampled(held, _model)) for name, held in HELD.items()
}
SUITE = ollama_suite.SUITE.beside(SCRIPTS, {})
test_sampling_same_as_langchain_ollama = SUITE.same_test()
