"""What a script hands `get_num_tokens_from_messages` besides LangChain's messages (the
tuples, strings and dicts a prompt or `invoke` takes), side by side with langchain-aws:
ChatBedrockConverse counts them through Bedrock's CountTokens as the messages LangChain
coerces them to (its conversion's), and, after a failed count, raises LangChain's
ValueError as its fallback does; ChatBedrock's count of a Claude model reads each item
as a message (an AttributeError there, a TypeError here: both raise, see below)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import chatplex.langchain
from chatplex.testing import MockServer
from chatplex.testing._mock_types import MockRequest
from tests.providers.bedrock.test_count_tokens import CLAUDE
from tests.providers.bedrock.test_count_tokens import KEYS
from tests.providers.bedrock.test_count_tokens import WORDS
from tests.providers.bedrock.test_count_tokens import isolated_aws  # noqa: F401 - autouse

langchain_aws = pytest.importorskip("langchain_aws")

COERCED = [
    [("system", "Be brief."), ("human", "Hello there")],
    ["Hello there"],
    [{"role": "user", "content": "Hello there"}, ("ai", "Hi!")],
]


def _outcome(model: Any, messages: list[Any]) -> Any:
    try:
        return model.get_num_tokens_from_messages(messages)
    except Exception as err:  # noqa: BLE001 - compared: the class a script catches
        return type(err).__name__


@pytest.mark.parametrize("messages", COERCED)
def test_converse_counts_what_langchain_coerces(messages: list[Any]) -> None:
    seen: list[MockRequest] = []
    outcomes = []
    with MockServer(fault_plan=seen.append) as server:
        for cls in (langchain_aws.ChatBedrockConverse, chatplex.langchain.ChatBedrockConverse):
            model = cls(model=CLAUDE, endpoint_url=server.url, **KEYS)
            outcomes.append(_outcome(model, messages))
    theirs, ours = outcomes
    assert ours == theirs
    assert isinstance(theirs, int)
    partner, counted = seen
    assert counted.path == partner.path and counted.json == partner.json


@pytest.mark.parametrize("messages", COERCED)
def test_a_failed_converse_count_falls_back_as_langchain_aws(
    messages: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    outcomes = []
    refused = MockServer(fault_plan=lambda _: "status=400")
    with refused as server, caplog.at_level(logging.ERROR):
        for cls in (langchain_aws.ChatBedrockConverse, chatplex.langchain.ChatBedrockConverse):
            model = cls(model=CLAUDE, endpoint_url=server.url, max_retries=0, **KEYS, **WORDS)
            outcomes.append(_outcome(model, messages))
    theirs, ours = outcomes
    assert ours == theirs == "ValueError"
