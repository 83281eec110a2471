"""ChatVertexAI side by side given google-genai `GenerateContentConfig` fields its class
has no field for, to the constructor and to one call. langchain-google-vertexai moves a
constructor's into `model_kwargs` with a warning and sends neither (its request builder
reads only the generation fields it knows). The drop-in sends each field Vertex AI takes,
and refuses, in google-genai's words, each that the Gemini API alone takes. Kept
differences, each checked as it is (the Gemini API's: `google/test_google_config_fields.py`).
A call's `logprobs` is sent as both read it; a constructor's safety settings or modalities in
the API's words, which it refuses, are sent (kept rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.google.test_google_config_fields import SENT_HERE
from tests.partners.google.test_google_config_fields import VERTEX_ALONE
from tests.partners.google.test_google_config_fields import given
from tests.partners.google.test_google_config_fields import refused_here
from tests.partners.google.test_google_config_fields import sent_here
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

#: What Vertex AI takes of them: keyword -> (the value given, where our body carries it).
SENT: dict[str, tuple[Any, tuple[str, ...]]] = {
    **{k: SENT_HERE[k] for k in ("speech_config", "audio_transcription_config")},
    "continuation_token": SENT_HERE["continuation_token"],
    "routing_config": (VERTEX_ALONE["routing_config"], ("generationConfig", "routingConfig")),
    "model_selection_config": (
        VERTEX_ALONE["model_selection_config"],
        ("generationConfig", "modelConfig"),
    ),
}
#: ... and given to the constructor alone (a call's are sent by both): its own fields it
#: never sends, and fields it has none for.
HELD_UNSENT: dict[str, tuple[Any, tuple[str, ...]]] = {
    "presence_penalty": (0.1, ("generationConfig", "presencePenalty")),
    "frequency_penalty": (0.2, ("generationConfig", "frequencyPenalty")),
}
CONSTRUCTOR_UNSENT: dict[str, tuple[Any, tuple[str, ...]]] = {
    "response_logprobs": (True, ("generationConfig", "responseLogprobs")),
    "media_resolution": ("MEDIA_RESOLUTION_LOW", ("generationConfig", "mediaResolution")),
}
#: What the Gemini API alone takes (google-genai refuses it on Vertex AI).
GEMINI_API_ALONE = {"enable_enhanced_civic_answers": True, "store": True}

#: How langchain-google-vertexai loses each, given to the constructor or to a call.
LOST = {
    False: "ChatVertexAI({k}=...) moves it into `model_kwargs` with a warning, which its "
    "requests never read",
    True: "a call given `{k}` drops it: its request builder reads only the generation "
    "fields it knows",
}

SCRIPTS: dict[str, Any] = {}
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {}
#: What the drop-in does with a field Vertex AI takes, given where (`_row`).
_SENT = "`{k}` is sent where Vertex AI reads it (`{at}`)"


def _row(
    keyword: str,
    value: Any,
    lost: str,
    ours: str,
    read: Callable[[Outcome], Outcome],
    *,
    per_call: bool = False,
) -> None:
    """The script giving `keyword` (to the constructor, or to a call), kept as a LOSES_DATA
    row: langchain-google-vertexai `lost` it, ours did `ours`, each checked by `read`."""
    script = given(keyword, value, model, per_call=per_call)
    SCRIPTS[script.__name__] = (vertex_replies(), script)
    DIFFERENCES[script.__name__] = (
        Difference(Reason.LOSES_DATA, f"{lost}, so the setting is never sent", ours),
        read,
    )


for _per_call, _lost in LOST.items():
    for _k, (_value, _path) in SENT.items():
        _ours = _SENT.format(k=_k, at=".".join(_path))
        _row(_k, _value, _lost.format(k=_k), _ours, sent_here(_value, _path), per_call=_per_call)
    for _k, _value in GEMINI_API_ALONE.items():
        _ours = (
            "each call raises google-genai's ValueError before any request: the parameter "
            "is only supported on the Gemini API, not on Vertex AI"
        )
        _row(_k, _value, _lost.format(k=_k), _ours, refused_here, per_call=_per_call)
    _ours = _SENT.format(k="image_config", at="generationConfig.imageConfig")
    _sent = sent_here({"aspectRatio": "1:1"}, ("generationConfig", "imageConfig"))  # (re-cased)
    _lost = LOST[_per_call].format(k="image_config")
    _row("image_config", {"aspect_ratio": "1:1"}, _lost, _ours, _sent, per_call=_per_call)
for _k, (_value, _path) in {**HELD_UNSENT, **CONSTRUCTOR_UNSENT}.items():
    _lost = (
        f"keeps ChatVertexAI({_k}=...) as its field and never sends it (a call's is sent)"
        if _k in HELD_UNSENT
        else LOST[False].format(k=_k) + " (a call's is sent)"
    )
    _ours = _SENT.format(k=_k, at=".".join(_path))
    _row(_k, _value, _lost, _ours, sent_here(_value, _path))


def logprobs_per_call(cls: Any, url: str) -> Any:
    """A call's `logprobs`, True and a number: `responseLogprobs` asked, and for a
    number that many top candidates per token, as for the constructor's."""
    built = model(cls, url)
    return [built.invoke("Hi", logprobs=given) for given in (True, 2)]


SCRIPTS["logprobs_per_call"] = (vertex_replies(), logprobs_per_call)

#: Constructor values in the API's words where its fields take the SDK's enum members:
#: keyword -> (the value, where our body carries it, as sent).
WORDS_REFUSED = {
    "safety_settings": (
        {"HARM_CATEGORY_HATE_SPEECH": "BLOCK_NONE"},
        ("safetySettings",),
        [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}],
    ),
    "response_modalities": (["TEXT"], ("generationConfig", "responseModalities"), ["TEXT"]),
}


def _built_with(keyword: str, value: Any) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return attempted(lambda: model(cls, url, **{keyword: value}).invoke("Hi").content)

    script.__name__ = f"{keyword}_words"
    return script


def _words_sent(path: tuple[str, ...], sent: Any) -> Callable[[Outcome], Outcome]:
    """Theirs refused the construction (pydantic's ValidationError); ours sent the words
    as the API reads them. Then ours read as theirs."""

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == {"refused": "ValidationError"} and not their_requests, theirs
        assert len(our_requests) == 1, our_requests
        place = our_requests[0]["body"]
        for key in path:
            place = place[key]
        assert place == sent, our_requests
        return theirs, theirs, their_requests, their_requests

    return normalized


for _k, (_value, _path, _as_sent) in WORDS_REFUSED.items():
    _script = _built_with(_k, _value)
    SCRIPTS[_script.__name__] = (vertex_replies(), _script)
    DIFFERENCES[_script.__name__] = (
        Difference(
            Reason.RAISES,
            f"ChatVertexAI({_k}=...) given in the API's words ({_value!r}) raises pydantic's "
            "ValidationError: its field takes the aiplatform SDK's enum members",
            f"the words are sent as Vertex AI reads them (`{'.'.join(_path)}`)",
        ),
        _words_sent(_path, _as_sent),
    )

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_config_fields_same_as_langchain_google_vertexai = SUITE.same_test()
