"""ChatGoogleGenerativeAI in the probe_w set's scripts (`tests/partners/_probe_w.py`),
v0 image and PDF blocks among them; a `@tool`'s default is the suite's kept one."""

from __future__ import annotations

import warnings
from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import merged
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import KEY
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

SCRIPTS = probe.rows(model, gemini_replies(), (*probe.EVERY_WIRE, "v0_base64_blocks"))
SCRIPTS |= probe.rows(model, gemini_replies([{"text": '{"total": 3}'}]), ("structured_streamed",))
_CALLS = [{"functionCall": {"name": n, "args": {"a": 2, "b": 3}}} for n in ("add", "mul")]
SCRIPTS |= probe.rows(model, gemini_replies(_CALLS), ("two_calls_run",))


def image_generated(cls: Any, url: str) -> Any:
    """An image model asked for text and an image (`response_modalities` as the
    package's enums, `image_config`'s aspect ratio); a reply of both: invoked and
    streamed, and read as `content_blocks`."""
    from langchain_google_genai import Modality

    drawn = cls(
        model="gemini-2.5-flash-image",
        base_url=url,
        google_api_key=KEY,
        response_modalities=[Modality.TEXT, Modality.IMAGE],
        image_config={"aspect_ratio": "16:9"},
    )
    reply, whole = drawn.invoke("Draw a dot"), merged(list(drawn.stream("Draw a dot")))
    return [reply, whole, reply.content_blocks]


def spoken(cls: Any, url: str) -> Any:
    """A text-to-speech model (`-tts`), no modality or voice given; a reply of audio:
    invoked (read as `content_blocks` too) and streamed."""
    tts = cls(model="gemini-2.5-flash-preview-tts", base_url=url, google_api_key=KEY)
    reply = tts.invoke("Say hi")
    return [reply, reply.content_blocks, merged(list(tts.stream("Say hi")))]


def thinking_config_given(cls: Any, url: str) -> Any:
    """`thinking_config` given as google-genai's `ThinkingConfig` and as a dict (with
    `thinking_level` beside it: what each call warns of), each invoked and streamed; and
    one given to a call."""
    from google.genai.types import ThinkingConfig

    typed = ThinkingConfig(thinking_budget=128, include_thoughts=True)
    models = [
        model(cls, url, thinking_config=typed),
        model(cls, url, thinking_config={"thinking_budget": 64}, thinking_level="low"),
    ]
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        replies = [m.invoke("1+2?") for m in models]
        streams = [merged(list(m.stream("1+2?"))) for m in models]
    per_call = model(cls, url).invoke("1+2?", thinking_config={"include_thoughts": True})
    said = [(w.category.__name__, str(w.message)) for w in warned]
    return [*replies, *streams, per_call, said]


_IMAGE = {"inlineData": {"mimeType": "image/png", "data": PNG}}
_AUDIO = {"inlineData": {"mimeType": "audio/L16;codec=pcm;rate=24000", "data": "AAAA"}}
SCRIPTS["image_generated"] = (gemini_replies([{"text": "A dot."}, _IMAGE]), image_generated)
SCRIPTS["spoken"] = (gemini_replies([_AUDIO]), spoken)
SCRIPTS["thinking_config_given"] = (gemini_replies(), thinking_config_given)


def _default_kept(outcome: Outcome) -> Outcome:
    """Their `scale` declared by `parameters` without `factor`'s default, ours by
    `parametersJsonSchema` with it: read as theirs once both are seen."""
    theirs, ours = probe.bodies(outcome)
    their_scale, our_scale = (b["tools"][0]["functionDeclarations"][1] for b in (theirs, ours))
    assert "default" not in their_scale["parameters"]["properties"]["factor"], their_scale
    assert our_scale.pop("parametersJsonSchema")["properties"]["factor"]["default"] == 2.0
    our_scale["parameters"] = their_scale["parameters"]
    return outcome


DIFFERENCES: dict[str, Any] = {
    "function_tool_named": (genai_suite.DIFFERENCES["tool_with_default"][0], _default_kept)
}
SUITE = genai_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_w_same_as_langchain_google_genai = SUITE.same_test()
