"""ChatOllama side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`ainvoke` and `astream` under `asyncio.wait_for`, an `astream` left midway and `generate`
over two conversations; and `format="json"` beside `keep_alive`, `num_ctx`, `num_predict`
and `seed`. Compared as the suite of `test_ollama_sidebyside.py` compares its
scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import merged
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, base_url=url, **settings)


def json_format_options(cls: Any, url: str) -> Any:
    """`format="json"` with `keep_alive`, `num_ctx`, `num_predict` and `seed`: invoked and
    streamed."""
    model = _make(cls, url, format="json", keep_alive="5m", num_ctx=2048, num_predict=50, seed=3)
    return [model.invoke("Give JSON"), merged(list(model.stream("Give JSON")))]


SCRIPTS = probe.rows(_make, ollama_replies())
SCRIPTS["json_format_options"] = (ollama_replies('{"total": 3}'), json_format_options)

SUITE = ollama_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_ollama = SUITE.same_test()
