"""A drop-in's structured output by a method of its partner's own that prefills the reply
(`chatplex/langchain/prefilled.py`), on ChatBedrockConverse's "prompt_prefill": the
instructions added to the system message, the stops bound, the reply parsed (sync and
async), a schema it cannot take refused. Side by side with langchain-aws:
tests/partners/bedrock/test_converse_probe_q_scripts.py."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage
from pydantic import BaseModel

import chatplex.langchain
from chatplex.langchain.prefilled import with_system_text

URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse"


class Pair(BaseModel):
    """Two numbers."""

    a: int
    b: int


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    return chatplex.langchain.ChatBedrockConverse(
        model="m", region_name="us-east-1", stop_sequences=["END"], disable_streaming=True
    )


def test_the_instructions_follow_the_systems_text() -> None:
    asked = HumanMessage("hi")
    assert with_system_text([asked], "Do.") == [SystemMessage("Do."), asked]
    assert with_system_text([SystemMessage("Be brief."), asked], "Do.")[0].content == (
        "Be brief.\n\nDo."
    )
    blocks = [{"type": "text", "text": "Be brief."}, {"cachePoint": {"type": "default"}}]
    [system, _] = with_system_text([SystemMessage(blocks), asked], "Do.")
    assert system.content == [{"type": "text", "text": "Be brief.\n\nDo."}, blocks[1]]
    [system, _] = with_system_text([SystemMessage([blocks[1]]), asked], "Do.")
    assert system.content == [blocks[1], {"text": "Do."}]


def test_prompt_prefill_sends_the_prefill_and_parses_the_reply(model: Any, respx_mock: Any) -> None:
    reply = {
        "output": {"message": {"role": "assistant", "content": [{"text": '{"a": 1, "b": 2}'}]}},
        "stopReason": "stop_sequence",
        "usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7},
    }
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=reply))
    structured = model.with_structured_output(Pair, method="prompt_prefill")
    assert structured.invoke("Two numbers?") == Pair(a=1, b=2)
    assert asyncio.run(structured.ainvoke("Two numbers?")) == Pair(a=1, b=2)
    for request, _ in route.calls:
        body = json.loads(request.content)
        assert body["messages"][-1] == {"role": "assistant", "content": [{"text": "```json"}]}
        assert "## Response Schema:" in body["system"][0]["text"]
        assert sorted(body["inferenceConfig"]["stopSequences"]) == ["END", "```"]


def test_prompt_prefill_refuses_a_typeddict(model: Any) -> None:
    from typing_extensions import TypedDict

    class Loose(TypedDict):
        a: int

    with pytest.raises(ValueError, match="Unsupported schema type"):
        model.with_structured_output(Loose, method="prompt_prefill")
