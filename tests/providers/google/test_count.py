"""providers/google/count.py: the countTokens bodies the partner classes send, and the
number read from the reply."""

from __future__ import annotations

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.google.count import contents_body
from chatplex.providers.google.count import text_body
from chatplex.providers.google.count import total_tokens

FULL = "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash"


def test_a_text_is_one_content_without_a_role_as_google_genai_sends_it() -> None:
    assert text_body("Say hi") == {"contents": [{"parts": [{"text": "Say hi"}]}]}


def test_messages_are_the_chat_requests_contents_without_the_system_message() -> None:
    said = [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello.")]
    assert contents_body(FULL, said) == {
        "model": FULL,
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello."}]},
        ],
    }


def test_a_text_blocks_signature_is_not_counted_as_langchain_google_vertexai_sends_none() -> None:
    signed = [{"type": "text", "text": "Hi", "extras": {"signature": "c2ln"}}]
    body = contents_body(FULL, [HumanMessage(signed), AIMessage(signed)])
    assert [c["parts"] for c in body["contents"]] == [[{"text": "Hi"}], [{"text": "Hi"}]]


def test_the_total_is_read_and_a_missing_one_is_zero() -> None:
    assert total_tokens(b'{"totalTokens": 12, "cachedContentTokenCount": 3}') == 12
    assert total_tokens(b'{"promptTokensDetails": []}') == 0


@pytest.mark.parametrize(
    "reply", [b"[]", b'"7"', b'{"totalTokens": "7"}', b'{"totalTokens": true}', b"{"]
)
def test_a_reply_of_another_shape_is_a_value_or_type_error(reply: bytes) -> None:
    with pytest.raises((TypeError, ValueError)):
        total_tokens(reply)
