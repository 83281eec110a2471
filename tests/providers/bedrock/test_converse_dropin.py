"""ChatBedrockConverse's own ways (and ChatBedrock's) as functions of a plain `ChatModel`
on a Bedrock adapter (`converse_dropin.py`, `invoke_dropin.py`): their records' hooks
(decision 013)."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from chatplex.chat import ChatModel
from chatplex.providers.bedrock import converse_dropin as hooks
from chatplex.providers.bedrock.adapter import BedrockAdapter
from tests._dropins import chat_model
from tests._warns import warns_nothing

pytest.importorskip("botocore")

SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
KEYS = {"region_name": "us-east-1", "aws_access_key_id": "A", "aws_secret_access_key": "S"}


class Weather(BaseModel):
    city: str


def plain(model: str, values: tuple[str, ...], base: str | None = None) -> ChatModel:
    adapter = BedrockAdapter(
        region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="S"
    )
    adapter.tool_choice_values, adapter.base_model_id, adapter.vendor = values, base, "anthropic"
    return ChatModel(adapter, model)


def test_the_profile_key_and_count_read_the_base_model_from_the_adapter() -> None:
    llm = plain(SONNET_4, ("auto",))
    assert hooks.profile_names(llm) == (SONNET_4, "anthropic.claude-sonnet-4-20250514-v1:0")
    named = plain("arn:aws:bedrock:x", ("auto",), base="anthropic.claude-3-haiku-v1:0")
    assert hooks.profile_names(named)[1] == "anthropic.claude-3-haiku-v1:0"
    found = {"mid_conversation_tools": True, "max_input_tokens": 1}
    assert hooks.profile(llm, found) == {"max_input_tokens": 1}
    engine = chat_model("ChatBedrockConverse", model=SONNET_4, **KEYS)
    assert hooks.counts_messages(llm) is hooks.counts_messages(engine) is True


@pytest.mark.parametrize(
    ("values", "sent", "raises"),
    [
        (("auto", "any", "tool"), "Weather", None),  # forced: the model itself
        (("auto", "any"), "any", None),
        (("auto",), None, False),  # unforced: raises only where langchain-aws checks
    ],
)
def test_structured_output_binds_the_choice_the_model_takes(
    values: tuple[str, ...], sent: str | None, raises: bool | None
) -> None:
    llm = plain("meta.llama3-1-70b-instruct-v1:0", values)
    with warns_nothing():  # (no warning: not a model langchain-aws warns of)
        target, method = hooks.structured_target(llm, None, Weather)
    assert method == "function_calling"
    assert (target is llm) == ("tool" in values)
    if raises is not None:
        assert hooks.unforced_reply_raises(target) is raises
    assert hooks.tools_to_bind(target, [Weather], "Weather") == ([Weather], sent)
    # (the model's own binding is left as given)
    assert hooks.tools_to_bind(llm, [Weather], "Weather") == ([Weather], "Weather")


def test_a_thinking_claude_offered_the_tool_unforced_warns_and_raises() -> None:
    llm = plain(SONNET_4, ("auto",))
    with pytest.warns(UserWarning, match="forced tool calling"):
        target, _ = hooks.structured_target(llm, "json_mode", Weather)
    assert hooks.unforced_reply_raises(target)
    assert hooks.tools_to_bind(target, [Weather], "Weather") == ([Weather], None)


def test_chatbedrocks_ways_read_which_api_its_adapter_speaks() -> None:
    from chatplex.providers.bedrock import invoke_dropin
    from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter

    converse = plain(SONNET_4, ("auto",))
    invoke = ChatModel(BedrockInvokeAdapter.from_converse(converse.adapter), SONNET_4)  # type: ignore[arg-type]
    # Over InvokeModel: json_schema by function calling, every unforced reply checked,
    # no warning; over Converse: ChatBedrockConverse's answer, warned for this model.
    with warns_nothing():
        target, method = invoke_dropin.structured_target(invoke, "json_schema", Weather)
    assert method == "function_calling" and invoke_dropin.unforced_reply_raises(target)
    with pytest.warns(UserWarning, match="forced tool calling"):
        target, method = invoke_dropin.structured_target(converse, None, Weather)
    assert method == "function_calling" and invoke_dropin.unforced_reply_raises(target)
    assert invoke_dropin.counted_model_id(invoke) == "anthropic.claude-sonnet-4-20250514-v1:0"
    assert invoke_dropin.counts_messages(invoke) == hooks.counts_messages(converse)


async def test_a_call_of_no_messages_goes_as_one_dot_turn_where_its_partner_sends_it() -> None:
    """chatplex's own model refuses `invoke([])` before any request; ChatBedrockConverse
    sends it as one "." user turn, as langchain-aws does (Converse answers it), and
    ChatBedrock (InvokeModel) refuses it, as langchain-aws's ChatBedrock does."""
    own = plain(SONNET_4, ("auto",))
    with pytest.raises(ValueError, match="empty list"):
        own.invoke([])
    with pytest.raises(ValueError, match="empty list"):
        await own.ainvoke([])
    converse = chat_model("ChatBedrockConverse", model=SONNET_4, **KEYS)
    assert converse.partner_calls.empty_input_sent
    request = converse.adapter.build_request([], converse._settings({}), stream=False)
    assert json.loads(request.content)["messages"] == [{"role": "user", "content": [{"text": "."}]}]
    invoke = chat_model("ChatBedrock", model="anthropic.claude-3-haiku-20240307-v1:0", **KEYS)
    with pytest.raises(ValueError, match="empty list"):
        invoke.invoke([])
