"""ChatGoogleGenerativeAI side by side given google-genai `GenerateContentConfig` fields its
class has no field for, each to the constructor. langchain-google-genai logs "Unexpected
argument", moves the keyword into `model_kwargs` with LangChain's warning, and never
sends it. The drop-in sends each field the Gemini API takes, and refuses at each call,
in google-genai's words, each that Vertex AI alone takes (the SDK refuses them given to
a call). Kept differences, each checked as it is."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

#: Fields the Gemini API takes: keyword -> (the value given, where our body carries it).
SENT_HERE: dict[str, tuple[Any, tuple[str, ...]]] = {
    "tool_config": ({"function_calling_config": {"mode": "AUTO"}}, ("toolConfig",)),
    "speech_config": (
        {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}},
        ("generationConfig", "speechConfig"),
    ),
    "enable_enhanced_civic_answers": (True, ("generationConfig", "enableEnhancedCivicAnswers")),
    "audio_transcription_config": ({}, ("generationConfig", "audioTranscriptionConfig")),
    "store": (True, ("store",)),
    "continuation_token": ("Y29udGludWU=", ("continuationToken",)),
}
#: ... and how one is written there where that is not as given (the API's camelCase).
SENT_AS = {"tool_config": {"functionCallingConfig": {"mode": "AUTO"}}}
#: Fields Vertex AI alone takes (google-genai refuses them on the Gemini API).
VERTEX_ALONE: dict[str, Any] = {
    "audio_timestamp": True,
    "routing_config": {"auto_mode": {"model_routing_preference": "BALANCED"}},
    "model_selection_config": {"feature_selection_preference": "BALANCED"},
}


def given(
    keyword: str, value: Any, make: Callable[..., Any] = model, *, per_call: bool = False
) -> Callable[[Any, str], Any]:
    """The script giving `keyword` to the constructor built by `make` (or to one call)."""

    def script(cls: Any, url: str) -> Any:
        if per_call:
            built = make(cls, url)
            return attempted(lambda: built.invoke("Hi", **{keyword: value}).content)
        with warnings.catch_warnings():  # (theirs: moved into model_kwargs)
            warnings.simplefilter("ignore")
            built = make(cls, url, **{keyword: value})
        return attempted(lambda: built.invoke("Hi").content)

    script.__name__ = f"{keyword}_{'per_call' if per_call else 'given'}"
    return script


def sent_here(value: Any, path: tuple[str, ...]) -> Callable[[Outcome], Outcome]:
    """Their request without the field; ours with it (`value`) where the API reads it
    (`path`), taken out once seen."""

    *outer, last = path

    def normalized(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == ours, (theirs, ours)
        for request in their_requests:
            assert last not in _within(request["body"], outer), request
        for request in our_requests:
            assert _within(request["body"], outer).pop(last) == value, request
        return theirs, ours, their_requests, our_requests

    return normalized


def _within(body: dict[str, Any], outer: list[str]) -> dict[str, Any]:
    """The object of `body` at the keys `outer` (an empty one where a key is missing)."""
    for key in outer:
        body = body.get(key) or {}
    return body


def refused_here(outcome: Outcome) -> Outcome:
    """Theirs answered, the field unsent; ours refused with google-genai's ValueError
    before any request. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValueError"} and not our_requests, (ours, our_requests)
    assert not isinstance(theirs, dict) and len(their_requests) == 1, theirs
    return theirs, theirs, their_requests, their_requests


def response_modalities_per_call(cls: Any, url: str) -> Any:
    """A call's `response_modalities` as the API's words (`["TEXT"]`), not the SDK's
    `Modality` members."""
    built = model(cls, url)
    return attempted(lambda: built.invoke("Hi", response_modalities=["TEXT"]).content)


def _modalities_sent(outcome: Outcome) -> Outcome:
    """Theirs raised before any request; ours sent the words as given. Then ours read as
    theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "AttributeError"} and not their_requests, theirs
    sent = [r["body"]["generationConfig"]["responseModalities"] for r in our_requests]
    assert sent == [["TEXT"]], our_requests
    return theirs, theirs, their_requests, their_requests


SCRIPTS = {
    **{f"{k}_given": (gemini_replies(), given(k, v)) for k, (v, _) in SENT_HERE.items()},
    **{f"{k}_given": (gemini_replies(), given(k, v)) for k, v in VERTEX_ALONE.items()},
}

_MOVED_UNSENT = (
    "has no field for it: the keyword is moved into `model_kwargs` with a warning, which "
    "its requests never read, so the setting is never sent"
)
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    **{
        f"{k}_given": (
            Difference(
                Reason.LOSES_DATA,
                f"ChatGoogleGenerativeAI({k}=...) {_MOVED_UNSENT}",
                f"`{k}` is sent where the Gemini API reads it (`{'.'.join(SENT_HERE[k][1])}`)",
            ),
            sent_here(SENT_AS.get(k, SENT_HERE[k][0]), SENT_HERE[k][1]),
        )
        for k in SENT_HERE
    },
    **{
        f"{k}_given": (
            Difference(
                Reason.LOSES_DATA,
                f"ChatGoogleGenerativeAI({k}=...) {_MOVED_UNSENT}",
                "each call raises google-genai's ValueError before any request: the "
                "parameter is only supported on Vertex AI, not on the Gemini API",
            ),
            refused_here,
        )
        for k in VERTEX_ALONE
    },
}

SCRIPTS["response_modalities_per_call"] = (gemini_replies(), response_modalities_per_call)
DIFFERENCES["response_modalities_per_call"] = (
    Difference(
        Reason.RAISES,
        "a call's `response_modalities` given as the API's words (`['TEXT']`) raises "
        "AttributeError ('str' object has no attribute 'value') before any request: it "
        "reads each as google-genai's `Modality` member",
        "the words are sent as given (`generationConfig.responseModalities`), as the "
        "constructor's are",
    ),
    _modalities_sent,
)

#: A JSON schema for the reply, given to the constructor with the JSON media type and
#: without it (the Gemini API reads the schema only beside `application/json`).
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}
SCRIPTS["response_json_schema_given"] = (
    gemini_replies(),
    given(
        "response_json_schema",
        SCHEMA,
        lambda cls, url, **kw: model(cls, url, response_mime_type="application/json", **kw),
    ),
)
SCRIPTS["response_json_schema_alone_given"] = (
    gemini_replies(),
    given("response_json_schema", SCHEMA),
)
DIFFERENCES["response_json_schema_given"] = (
    Difference(
        Reason.LOSES_DATA,
        f"ChatGoogleGenerativeAI(response_json_schema=...) {_MOVED_UNSENT} (the JSON "
        "media type given beside it is sent alone)",
        "the schema is sent where the Gemini API reads it "
        "(`generationConfig.responseJsonSchema`), as a call's is",
    ),
    sent_here(SCHEMA, ("generationConfig", "responseJsonSchema")),
)
DIFFERENCES["response_json_schema_alone_given"] = (
    Difference(
        Reason.LOSES_DATA,
        f"ChatGoogleGenerativeAI(response_json_schema=...) {_MOVED_UNSENT}",
        "each call raises the ValueError langchain-google-genai raises for a call's schema "
        "without `response_mime_type='application/json'`, before any request",
    ),
    refused_here,
)

SUITE = genai_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_config_fields_same_as_langchain_google_genai = SUITE.same_test()
