"""langchain/dropin_model.py's token counts: a drop-in counts as its engine says its partner
class counts (the provider's count, the messages at once where the partner counts them
so), else as langchain-core counts."""

from __future__ import annotations

import json
from typing import Any

import httpx
from langchain_core.messages import AIMessage
from langchain_core.messages import FunctionMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage

from chatplex.langchain import ChatGoogleGenerativeAI
from chatplex.langchain import ChatOllama
from chatplex.langchain import ChatVertexAI

SAID = [SystemMessage("Be brief."), HumanMessage("Say hello"), AIMessage("Hello there, Ann!")]


class Counter:
    """Answers countTokens with a token per word of the body's texts; keeps the bodies."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        texts = [p["text"] for c in body["contents"] for p in c["parts"]]
        return httpx.Response(200, json={"totalTokens": sum(len(t.split()) for t in texts)})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))


def test_gemini_counts_with_gemini_one_message_at_a_time_as_its_partner() -> None:
    counter = Counter()
    llm = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash", api_key="k", http_client=counter.client()
    )
    assert llm.get_num_tokens("Say hello") == 2
    # langchain-core's count over the partner's get_num_tokens: each message as text.
    assert llm.get_num_tokens_from_messages(SAID) == 3 + 3 + 4
    texts = [b["contents"][0]["parts"][0]["text"] for b in counter.bodies[1:]]
    assert texts == ["System: Be brief.", "Human: Say hello", "AI: Hello there, Ann!"]
    # A FunctionMessage too, one message at a time as its text, as langchain-core counts it.
    assert llm.get_num_tokens_from_messages([FunctionMessage("ok", name="f")]) == 2


def test_vertex_counts_the_conversation_in_one_call_as_its_partner() -> None:
    counter = Counter()
    llm = ChatVertexAI(
        model="gemini-2.5-flash",
        project="p",
        api_key=None,
        credentials=_Credentials(),
        http_client=counter.client(),
    )
    assert llm.get_num_tokens_from_messages(SAID) == 2 + 3
    assert len(counter.bodies) == 1
    assert [c["role"] for c in counter.bodies[0]["contents"]] == ["user", "model"]
    assert llm.get_num_tokens("one two three") == 3


def test_a_drop_in_whose_partner_counts_offline_counts_as_langchain_core() -> None:
    words = ChatOllama(
        model="llama3", custom_get_token_ids=lambda text: list(range(len(text.split())))
    )
    assert words.get_num_tokens("a b c") == 3
    assert words.get_num_tokens_from_messages(SAID) == 3 + 3 + 4


class _Credentials:
    token = "ya29.test"
    valid = True
    project_id = "p"

    def refresh(self, request: Any) -> None:
        """Never needed: the token is valid."""
