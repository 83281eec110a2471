"""ChatAnthropic side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`ainvoke` and `astream` under `asyncio.wait_for`, an `astream` left midway and `generate`
over two conversations. Compared as the suite of `test_anthropic_sidebyside.py` compares
its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **settings)


SCRIPTS = probe.rows(_make, streamed({"type": "text", "text": "Hello there, friend."}))

SUITE = anthropic_suite(SCRIPTS)
test_probe_v_same_as_langchain_anthropic = SUITE.same_test()
