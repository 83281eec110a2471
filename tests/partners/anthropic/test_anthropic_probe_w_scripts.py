"""ChatAnthropic in the probe_w set's scripts (`tests/partners/_probe_w.py`), its
v0 image and PDF blocks among them, compared as `test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

from tests.partners import _probe_w as probe
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: type, url: str, **settings: object) -> object:
    return cls(model=MODEL, api_key=KEY, base_url=url, **settings)


_TEXT = streamed({"type": "text", "text": "Hello there, friend."})

SCRIPTS = probe.rows(_make, _TEXT, (*probe.EVERY_WIRE, "v0_base64_blocks"))

SUITE = anthropic_suite(SCRIPTS)
test_probe_w_same_as_langchain_anthropic = SUITE.same_test()
