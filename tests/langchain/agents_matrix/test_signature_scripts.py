"""A LangChain user's script replaying a Gemini 3 conversation: its text blocks signed
in their `extras` (`{"type": "text", "text": ..., "extras": {"signature": ...}}`, as
langchain-google-genai writes a Gemini 3 reply's text parts), after a tool ran, on the
same model (gemini with a 3.x model, Gemini's own replies; a reply of Vertex AI's
partner signed in `thought_signature`) and handed to another wire
(the replies named a foreign provider too), invoked or awaited: the replies and what
each request carried of the conversation, the partner package's class beside
chatplex's, compared (`_kit.py`). The wires are those sending the history's messages
alike but for the signatures; the others' differences over list content (DeepSeek's
and SambaNova's assistant turns, Cohere's system turn, tool results of a list on the
Responses API, Vertex AI and Ollama) are not this set's."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core import messages

from chatplex.testing import MockRequest

from ._cells import _VERTEX_ASYNC_REST
from ._cells import Difference
from ._cells import family_test
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import requests_seen

pytestmark = pytest.mark.xdist_group("agents_matrix_signatures")

#: A signature as Gemini sends it (base64).
SIGNATURE = "c2lnbmF0dXJl"
#: What a request's body holds of the conversation, by wire: the keys compared.
_CONVERSATION = ("messages", "contents", "systemInstruction", "system", "input")


def _conversation(request: MockRequest) -> dict[str, Any]:
    """What a request carried of the conversation."""
    return {k: v for k, v in (request.json or {}).items() if k in _CONVERSATION}


#: The wires whose requests carry the history alike but for a text block's `extras`.
SIGNATURE_WIRES = tuple(
    w for w in WIRES if w not in ("responses", "ollama", "cohere", "deepseek", "sambanova")
)


def _signed(words: str) -> list[str | dict[str, Any]]:
    return [{"type": "text", "text": words, "extras": {"signature": SIGNATURE}}]


def _history(provider: str) -> list[messages.BaseMessage]:
    """A Gemini 3 exchange after its tool ran, every text signed; `provider`: the
    replies' `model_provider`."""
    meta = {"model_provider": provider}
    call = {"name": "get_weather", "args": {"location": "Paris"}, "id": "c1"}
    return [
        messages.SystemMessage(_signed("Be brief.")),
        messages.HumanMessage(_signed("What is the weather in Paris?")),
        messages.AIMessage(_signed("Checking."), tool_calls=[call], response_metadata=meta),
        messages.ToolMessage("It is sunny in Paris.", tool_call_id="c1"),
        messages.AIMessage(_signed("It is sunny."), response_metadata=meta),
        messages.HumanMessage("Sure?"),
        # langchain-google-vertexai's spelling of a text part's signature
        messages.AIMessage([{"type": "text", "text": "Yes.", "thought_signature": SIGNATURE}]),
        messages.HumanMessage("Thanks, and in Rome?"),
    ]


def _model(run: Run) -> Any:
    """The wire's model (gemini's a Gemini 3 one), with the weather tool where it takes
    tools."""
    settings = {"model": "gemini-3-pro-preview"} if run.wire.name == "gemini" else {}
    model = run.make(**settings)
    return model.bind_tools([get_weather]) if run.wire.tools else model


#: Gemini's own replies, then another provider's.
_PROVIDERS = ("google_genai", "openai")


def signed_text_replayed(run: Run) -> Any:
    """The history replayed with Gemini's own replies and with a foreign provider's,
    invoked: the replies and the conversation each request carried."""
    model = _model(run)
    with requests_seen(run, _conversation) as sent:
        replies = [model.invoke(_history(p)) for p in _PROVIDERS]
    return {"replies": replies, "sent": sent}


def signed_text_replayed_async(run: Run) -> Any:
    model = _model(run)

    async def awaited() -> Any:
        return [await model.ainvoke(_history(p)) for p in _PROVIDERS]

    with requests_seen(run, _conversation) as sent:
        try:
            replies = arun(awaited)
        except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
            return exc
    return {"replies": replies, "sent": sent}


SCENARIOS = {
    "signed_text_replayed": signed_text_replayed,
    "signed_text_replayed_async": signed_text_replayed_async,
}

#: Cells that differ on purpose (a closed reason, a check on LangChain's outcome).
SIGNATURE_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("signed_text_replayed_async", "vertex"): _VERTEX_ASYNC_REST,
}


test_signature_script = family_test(SCENARIOS, SIGNATURE_WIRES, differences=SIGNATURE_DIFFERENCES)
