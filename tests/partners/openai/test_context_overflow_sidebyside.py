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
`OpenAIContextOverflowError`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
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
)


def _read(err: BaseException) -> dict[str, Any]:
    """What a script's `except` clauses and reads see of the error."""
    partner = tuple(getattr(partner_module, name) for name in _PARTNER_CLASSES)
    return {
        **instance_of(err, *partner),
        **instance_of(
            err,
            openai.BadRequestError,
            lc_exceptions.ContextOverflowError,
            lc_exceptions.ModelInvalidRequestError,
        ),
        "class": type(err).__name__,
        "lead": next(
            c.__name__ for c in type(err).__mro__ if c.__module__ == partner_module.__name__
        ),
        "str": str(err),
        "code": getattr(err, "code", None),
        "body": getattr(err, "body", None),
    }


@pytest.mark.parametrize("error", sorted(ERRORS))
@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_an_overflow_is_the_partners_class(
    server: ScriptedServer, error: str, responses: bool, how: str
) -> None:
    body = json.dumps({"error": ERRORS[error]}).encode()
    server.handler = lambda seen: Reply(400, [body])
    seen = []
    for model in both_models(server, responses=responses):
        with pytest.raises(openai.BadRequestError) as raised:
            model.invoke("hi") if how == "invoke" else list(model.stream("hi"))
        seen.append(_read(raised.value))
    theirs, ours = seen
    assert ours == theirs
    words = error in ("gateway", "word_in_message")
    assert theirs["ContextOverflowError"] is words  # (the scripts show both outcomes)
