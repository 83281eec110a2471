"""ChatGoogleGenerativeAI side by side in scripts of the probe_v set
(`tests/partners/_probe_v.py`): `ainvoke` and `astream` under `asyncio.wait_for`, an
`astream` left midway and `generate` over two conversations; and its own: a reply blocked
for safety under `safety_settings`, and thought and cached tokens counted under
`thinking_budget` with `include_thoughts`. Compared as the suite of
`test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import merged
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

THOUGHT_PARTS = [{"text": "Add them.", "thought": True}, {"text": "3"}]
THOUGHT_USAGE = {
    "promptTokenCount": 9,
    "candidatesTokenCount": 4,
    "thoughtsTokenCount": 5,
    "cachedContentTokenCount": 4,
    "totalTokenCount": 18,
}


def gemini_rows(make: probe.Make, replies: Callable[..., Any], package: str) -> dict[str, Any]:
    """The Gemini scripts of the set over a backend's constructor (`make`), scripted
    replies and partner package (whose enums a script imports)."""

    def safety_blocked(cls: Any, url: str) -> Any:
        """A harassment threshold given as LangChain's enums; the reply blocked for
        safety (no content, its ratings): invoked and streamed."""
        enums = importlib.import_module(package)
        threshold = enums.HarmBlockThreshold.BLOCK_ONLY_HIGH
        built = make(
            cls, url, safety_settings={enums.HarmCategory.HARM_CATEGORY_HARASSMENT: threshold}
        )
        return [built.invoke("Hi"), merged(list(built.stream("Hi")))]

    def thinking_usage(cls: Any, url: str) -> Any:
        """`thinking_budget` and `include_thoughts`; a reply of a thought and text whose
        usage counts thought and cached tokens: invoked and streamed, and their usage."""
        built = make(cls, url, thinking_budget=128, include_thoughts=True)
        reply, whole = built.invoke("1+2?"), merged(list(built.stream("1+2?")))
        return [reply, whole, reply.usage_metadata, whole.usage_metadata]

    return {
        **probe.rows(make, replies(), ("generate_several",)),
        "safety_blocked": (replies([], finish="SAFETY"), safety_blocked),
        "thinking_usage": (replies(THOUGHT_PARTS, usage=THOUGHT_USAGE), thinking_usage),
    }


SCRIPTS = probe.rows(model, gemini_replies())
SCRIPTS |= gemini_rows(model, gemini_replies, "langchain_google_genai")

SUITE = genai_suite.SUITE.beside(SCRIPTS, {})
test_probe_v_same_as_langchain_google_genai = SUITE.same_test()
