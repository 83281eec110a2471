"""ChatOllama side by side on a call's keyword given as None over the model's own value
(`invoke(x, temperature=None)`, or bound): langchain-ollama lays the call's keywords
over the model's options and its SDK leaves every None out, so neither is sent; a
call's `options=None` is no options. The drop-in refused `options=None` (a TypeError)."""

from __future__ import annotations

from typing import Any

from tests.partners._call_none import cleared
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

#: Each keyword a call gives as None, and the model's own value of it.
HELD: dict[str, dict[str, Any]] = {
    "temperature": {"temperature": 0.3},
    "top_k": {"top_k": 5},
    "num_predict": {"num_predict": 50},
    "seed": {"seed": 3},
    "format": {"format": "json"},
    "options": {},
}


def _model(cls: Any, url: str, **held: Any) -> Any:
    return cls(model=MODEL, base_url=url, **held)


SCRIPTS = {
    f"call_none_{field}": (ollama_replies(), cleared(field, held, _model))
    for field, held in HELD.items()
}
SUITE = ollama_suite.SUITE.beside(SCRIPTS, {})
test_call_none_same_as_langchain_ollama = SUITE.same_test()
