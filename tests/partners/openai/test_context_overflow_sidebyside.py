"""A 400 of a context too long, side by side with langchain-openai's ChatOpenAI (Chat
Completions and the Responses API, invoked and streamed) against one scripted server:
the classes the error is (langchain-openai's own, the openai SDK's, langchain-core's
ModelError family) and what a script reads of it.

langchain-openai reads a context overflow in the error's text (`str(e)`, `e.message`:
"context_length_exceeded", "Input tokens exceed the configured limit", "prompt is too
long", "ContextWindowExceededError"), and the openai SDK writes only the body's message
there ("Error code: 400 - <message>"), not its `code`. So OpenAI's own overflow, its code
`context_length_exceeded` beside a message in plain words, is its
`OpenAIInvalidRequestError`; a message holding one of the words is its
`OpenAIContextOverflowError`. Words of an error that is no 400 are read apart
(`API_OVERFLOW`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import instance_of
from tests.partners.openai._both import both_models

openai = pytest.importorskip("openai")
langchain_openai = pytest.importorskip("langchain_openai")
lc_exceptions = pytest.importorskip("langchain_core.exceptions")
partner_module = pytest.importorskip("langchain_openai.chat_models.base")

#: OpenAI's reply to a prompt over the model's context: the code, and plain words.
OPENAI_OVERFLOW = {
    "message": "This model's maximum context length is 128000 tokens. However, your "
    "messages resulted in 130000 tokens. Please reduce the length of the messages.",
    "type": "invalid_request_error",
    "param": "messages",
    "code": "context_length_exceeded",
}
#: The Responses API's words for it.
RESPONSES_OVERFLOW = {
    "message": "Your input exceeds the context window of this model. Please adjust your "
    "input and try again.",
    "type": "invalid_request_error",
    "param": "input",
    "code": "context_length_exceeded",
}
#: A gateway's (LiteLLM's) overflow, its words in the message.
GATEWAY_OVERFLOW = {
    "message": "litellm.ContextWindowExceededError: prompt is too long",
    "type": None,
    "param": None,
    "code": "400",
}
#: The code's word in the message itself.
WORD_IN_MESSAGE = {**OPENAI_OVERFLOW, "message": "context_length_exceeded: too many tokens"}

ERRORS = {
    "openai": OPENAI_OVERFLOW,
    "responses": RESPONSES_OVERFLOW,
    "gateway": GATEWAY_OVERFLOW,
    "word_in_message": WORD_IN_MESSAGE,
}
_PARTNER_CLASSES = (
    "OpenAIContextOverflowError",
    "OpenAIAPIContextOverflowError",
    "OpenAIInvalidRequestError",
    "OpenAIAPIError",
)


def _read(err: BaseException) -> dict[str, Any]:
    """What a script's `except` clauses and reads see of the error."""
    partner = tuple(getattr(partner_module, name) for name in _PARTNER_CLASSES)
    return {
        **instance_of(err, *partner),
        **instance_of(
            err,
            openai.BadRequestError,
            openai.APIStatusError,
            openai.InternalServerError,
            lc_exceptions.ContextOverflowError,
            lc_exceptions.ModelInvalidRequestError,
            lc_exceptions.ModelAPIError,
        ),
        "class": type(err).__name__,
        "lead": next(
            c.__name__ for c in type(err).__mro__ if c.__module__ == partner_module.__name__
        ),
        "str": str(err),
        **{name: getattr(err, name, None) for name in ("message", "code", "type", "body")},
        "status_code": getattr(err, "status_code", None),
    }


def _both_raise(
    server: ScriptedServer, responses: bool, how: str, raised_as: type[BaseException]
) -> list[dict[str, Any]]:
    """What a script reads of the error each class raises, invoked or streamed."""
    seen = []
    for model in both_models(server, responses=responses):
        with pytest.raises(raised_as) as raised:
            model.invoke("hi") if how == "invoke" else list(model.stream("hi"))
        seen.append(_read(raised.value))
    return seen


@pytest.mark.parametrize("error", sorted(ERRORS))
@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_an_overflow_is_the_partners_class(
    server: ScriptedServer, error: str, responses: bool, how: str
) -> None:
    body = json.dumps({"error": ERRORS[error]}).encode()
    server.handler = lambda seen: Reply(400, [body])
    theirs, ours = _both_raise(server, responses, how, openai.BadRequestError)
    assert ours == theirs
    words = error in ("gateway", "word_in_message")
    assert theirs["ContextOverflowError"] is words  # (the scripts show both outcomes)


#: An overflow in words that is no 400 (a stream's error data, a 5xx): langchain-openai
#: reads "exceeds the context window" in any openai `APIError` that is no
#: `BadRequestError` and raises its `OpenAIAPIContextOverflowError` (the SDK's `APIError`
#: and langchain_core's `ContextOverflowError`, with no status or response). Kept: a
#: 5xx's status stays on the error (`DIFFERENCES`).
API_OVERFLOW = RESPONSES_OVERFLOW


def _status_dropped(theirs: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """Ours with the status langchain-openai's error drops, once it is seen to be a 5xx."""
    assert theirs["status_code"] is None and ours["status_code"] >= 500
    return {**ours, "status_code": None}


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "5xx-overflow": (
        Difference(
            Reason.LOSES_DATA,
            'a 5xx whose message says the input "exceeds the context window" is raised as '
            "its context-overflow error built with no response: the HTTP status is lost "
            "(`status_code` is no attribute of it)",
            "raises the same classes (langchain-openai's context-overflow class, the SDK's "
            "`APIError`, langchain-core's `ContextOverflowError`), keeping `status_code`",
        ),
        _status_dropped,
    )
}


def _stream_error(seen: Any) -> Reply:
    """A stream whose data holds an `error` object (the openai SDK raises its APIError
    for it, on both APIs)."""
    lines = [b"data: " + json.dumps({"error": API_OVERFLOW}).encode() + b"\n\n"]
    return Reply(200, lines, content_type="text/event-stream")


def _server_error(seen: Any) -> Reply:
    return Reply(500, [json.dumps({"error": API_OVERFLOW}).encode()])


@pytest.mark.parametrize(
    ("reply", "how"),
    [(_stream_error, "stream"), (_server_error, "invoke"), (_server_error, "stream")],
    ids=["stream-error-data", "500-invoked", "500-streamed"],
)
@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
def test_the_words_make_the_partners_overflow(
    server: ScriptedServer, reply: Any, how: str, responses: bool
) -> None:
    server.handler = reply
    theirs, ours = _both_raise(server, responses, how, openai.APIError)
    if reply is _server_error:
        ours = DIFFERENCES["5xx-overflow"][1](theirs, ours)
    assert ours == theirs
    assert theirs["ContextOverflowError"] and not theirs["APIStatusError"]
