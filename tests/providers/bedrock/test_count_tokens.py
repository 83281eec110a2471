"""Bedrock's CountTokens (`providers/bedrock/count_tokens.py`, the drop-ins'
`get_num_tokens_from_messages`) beside langchain-aws's: `ChatBedrockConverse` and
`ChatBedrock` send the same signed request (path, body; ChatBedrock's InvokeModel body
byte for byte) and get the same count from the same mock server; a model langchain-aws
does not count, or keywords, get LangChain's own count; a failed count falls back
(Converse, logged) or raises botocore's error class (ChatBedrock), as langchain-aws's."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage
from langchain_core.messages import ToolMessage

import chatplex
import chatplex.langchain
from chatplex.providers.bedrock.count_tokens import TOOLS_IGNORED
from chatplex.providers.bedrock.count_tokens import read_input_tokens
from chatplex.testing import MockServer
from chatplex.testing._mock_types import MockRequest
from tests._aws import every_aws_variable
from tests._aws import isolate_aws
from tests._warns import warns_nothing

langchain_aws = pytest.importorskip("langchain_aws")
botocore_exceptions = pytest.importorskip("botocore.exceptions")

CLAUDE = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
COUNTED_PATH = "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/count-tokens"
KEYS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "not-a-real-secret",
    "region_name": "us-east-1",
}
SAID = [SystemMessage("Be brief."), HumanMessage("Hello there"), AIMessage("Hi, friend!")]
#: LangChain's own count without GPT-2 (transformers is not installed): words.
WORDS: dict[str, Any] = {"custom_get_token_ids": lambda text: text.split()}


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """No AWS setting of the machine leaks in."""
    isolate_aws(monkeypatch, tmp_path, every_aws_variable())
    yield


def both(name: str, server: MockServer, **settings: Any) -> tuple[Any, Any]:
    """langchain-aws's class `name` and chatplex's, on `server`."""
    common = {"model": CLAUDE, "endpoint_url": server.url, **KEYS, **settings}
    return getattr(langchain_aws, name)(**common), getattr(chatplex.langchain, name)(**common)


def recording() -> tuple[list[MockRequest], Callable[[MockRequest], None]]:
    seen: list[MockRequest] = []
    return seen, seen.append


def invoke_body(request: MockRequest) -> bytes:
    assert request.json is not None
    return base64.b64decode(request.json["input"]["invokeModel"]["body"])


def counted_beside(name: str, **settings: Any) -> tuple[MockRequest, MockRequest]:
    """langchain-aws's count request and chatplex's, the two counts checked equal."""
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        theirs, ours = both(name, server, **settings)
        expected = theirs.get_num_tokens_from_messages(SAID)
        assert ours.get_num_tokens_from_messages(SAID) == expected == 9
    partner, counted = seen
    assert counted.path == partner.path
    assert counted.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    return partner, counted


@pytest.mark.parametrize("settings", [{}, {"base_model_id": "anthropic.claude-sonnet-4-5-v1:0"}])
def test_converse_count_is_langchain_aws(settings: dict[str, Any]) -> None:
    partner, counted = counted_beside("ChatBedrockConverse", **settings)
    assert counted.path.endswith("/count-tokens")
    assert counted.json == partner.json


def test_converse_counts_tool_blocks_as_they_are() -> None:
    """A conversation that called a tool, counted: its toolUse and toolResult blocks go to
    CountTokens as they are, as langchain-aws sends them, with no warning (a chat call
    without tools writes them as text; a count is not one)."""
    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "t1"}
    said = [HumanMessage("Weather?"), AIMessage("", tool_calls=[call])]
    said.append(ToolMessage("sunny", tool_call_id="t1"))
    seen, record = recording()
    with MockServer(fault_plan=record) as server, warns_nothing():
        theirs, ours = both("ChatBedrockConverse", server)
        assert ours.get_num_tokens_from_messages(said) == theirs.get_num_tokens_from_messages(said)
    partner, counted = seen
    assert counted.json == partner.json
    assert "toolUse" in str(counted.json) and "toolResult" in str(counted.json)


def test_converse_counts_its_raw_blocks_in_place_of_the_messages() -> None:
    """With `raw_blocks`, what a call sends is what is counted, as langchain-aws counts."""
    raw = [{"role": "user", "content": [{"text": "Hello there, counted"}]}]
    seen, record = recording()
    with MockServer(fault_plan=record) as server:
        theirs, ours = both("ChatBedrockConverse", server, raw_blocks=raw)
        assert ours.get_num_tokens_from_messages(SAID) == theirs.get_num_tokens_from_messages(SAID)
    partner, counted = seen
    assert counted.json == partner.json
    assert "counted" in str(counted.json) and "Be brief" not in str(counted.json)


@pytest.mark.parametrize("settings", [{}, {"max_tokens": 100}, {"beta_use_converse_api": True}])
def test_chatbedrock_count_is_langchain_aws(settings: dict[str, Any]) -> None:
    partner, counted = counted_beside("ChatBedrock", **settings)
    assert counted.path == COUNTED_PATH
    assert invoke_body(counted) == invoke_body(partner)  # byte for byte, spacing included


@pytest.mark.parametrize("name", ["ChatBedrockConverse", "ChatBedrock"])
def test_a_system_prompt_alone_is_counted_as_langchain_aws(name: str) -> None:
    """What trim_messages(token_counter=model, include_system=True) counts first: the
    system message by itself (Converse: with a "." user turn; InvokeModel: no turn)."""
    seen, record = recording()
    alone = [SystemMessage("Be brief.")]
    with MockServer(fault_plan=record) as server:
        theirs, ours = both(name, server)
        assert ours.get_num_tokens_from_messages(alone) == theirs.get_num_tokens_from_messages(
            alone
        )
    partner, counted = seen
    assert counted.path == partner.path
    if name == "ChatBedrock":
        assert invoke_body(counted) == invoke_body(partner)
    else:
        assert counted.json == partner.json


@pytest.mark.parametrize(
    ("name", "model"),
    [("ChatBedrockConverse", "amazon.nova-lite-v1:0"), ("ChatBedrock", "meta.llama3-8b-v1:0")],
)
def test_a_model_langchain_aws_does_not_count_gets_langchains_count(name: str, model: str) -> None:
    with MockServer() as server:
        theirs, ours = both(name, server, model=model, **WORDS)
        expected = theirs.get_num_tokens_from_messages(SAID)
        assert ours.get_num_tokens_from_messages(SAID) == expected
        assert server.stats.requests == 0


def test_converse_ignores_tools_with_langchain_aws_warning() -> None:
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    with MockServer() as server:
        theirs, ours = both("ChatBedrockConverse", server)
        with pytest.warns(UserWarning, match=TOOLS_IGNORED):
            expected = theirs.get_num_tokens_from_messages(SAID, tools=[get_weather])
        with pytest.warns(UserWarning, match=TOOLS_IGNORED):
            assert ours.get_num_tokens_from_messages(SAID, tools=[get_weather]) == expected


def test_a_failed_converse_count_falls_back_as_langchain_aws(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with MockServer(fault_plan=lambda request: "status=400") as server:
        theirs, ours = both("ChatBedrockConverse", server, max_retries=0, **WORDS)
        with caplog.at_level(logging.WARNING):
            expected = theirs.get_num_tokens_from_messages(SAID)
            got = ours.get_num_tokens_from_messages(SAID)
    assert got == expected
    fell_back = [r.getMessage() for r in caplog.records if "Using fallback." in r.getMessage()]
    assert len(fell_back) == 2
    assert all(m.startswith("count_tokens API failed: ") for m in fell_back)


def test_a_failed_chatbedrock_count_raises_botocores_class_as_chat_calls() -> None:
    with MockServer(fault_plan=lambda request: "status=400") as server:
        theirs, ours = both("ChatBedrock", server, max_retries=0)
        with pytest.raises(botocore_exceptions.ClientError) as partner:
            theirs.get_num_tokens_from_messages(SAID)
        with pytest.raises(botocore_exceptions.ClientError) as counted:
            ours.get_num_tokens_from_messages(SAID)
        with pytest.raises(botocore_exceptions.ClientError) as chatted:
            ours.invoke(SAID)
    assert type(counted.value) is type(chatted.value)
    assert counted.value.response["Error"]["Code"] == partner.value.response["Error"]["Code"]


def test_a_throttled_count_is_retried() -> None:
    faults = iter(["status=503"])  # the first request's, then none

    with MockServer(fault_plan=lambda request: next(faults, None)) as server:
        ours = chatplex.langchain.ChatBedrock(
            model=CLAUDE, endpoint_url=server.url, max_retries=2, **KEYS
        )
        assert ours.get_num_tokens_from_messages(SAID) == 9
        assert server.stats.requests == 2


@pytest.mark.parametrize("name", ["ChatBedrockConverse", "ChatBedrock"])
def test_keywords_are_langchains_type_error(name: str) -> None:
    with MockServer() as server:
        theirs, ours = both(name, server)
        with pytest.raises(TypeError):
            theirs.get_num_tokens_from_messages(SAID, colour="red")
        with pytest.raises(TypeError, match="colour"):
            ours.get_num_tokens_from_messages(SAID, colour="red")
        assert server.stats.requests == 0


def test_bad_input_is_refused_before_any_request() -> None:
    # (ChatBedrockConverse counts what LangChain coerces, as langchain-aws's count does:
    # tests/partners/bedrock/test_count_coerced_probe_o.py)
    with MockServer() as server:
        _, ours = both("ChatBedrock", server)
        with pytest.raises(TypeError, match="item 0 is a tuple"):
            ours.get_num_tokens_from_messages([("user", "hi")])
        assert server.stats.requests == 0


@pytest.mark.parametrize("reply", [b'{"inputTokens": "9"}', b'{"input_tokens": 9}', b"[]"])
def test_a_reply_without_a_count_is_malformed(reply: bytes) -> None:
    with pytest.raises((TypeError, KeyError)):
        read_input_tokens(reply)
