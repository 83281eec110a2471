"""ChatGoogleGenerativeAI side by side in scripts of the probe_v set
(`tests/partners/_probe_v.py`): `ainvoke` and `astream` under `asyncio.wait_for`, an
`astream` left midway and `generate` over two conversations. Compared as the suite of
`test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

SCRIPTS = probe.rows(model, gemini_replies())

SUITE = genai_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_google_genai = SUITE.same_test()
