"""A structured call whose tool goes unforced, answered in text, side by side with
langchain-aws: `with_structured_output(Schema)` on a Bedrock model that takes no forced
tool choice (or not beside thinking), and a reply without the tool's call.

langchain-aws adds its `_raise_if_no_tool_calls` step (an `OutputParserException`, with
a UserWarning as the runnable is built) only where it names the model as one refusing a
forced tool beside thinking (ChatBedrockConverse), or on every unforced reply over
InvokeModel (ChatBedrock): elsewhere the reply parses to None (`parsed: None` with
`include_raw=True`, a `None` piece or none at all in a stream). Each script runs with
both classes against one scripted server; what it returns or raises, what it warned and
what it sent are compared.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests._aws import every_aws_variable
from tests._aws import isolate_aws
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import run_both
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock import test_chatbedrock_sidebyside as invoke_suite

langchain_aws = pytest.importorskip("langchain_aws")
pydantic = pytest.importorskip("pydantic")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402
from chatplex.langchain import ChatBedrockConverse as OurChatBedrockConverse  # noqa: E402

THINKING = {"thinking": {"type": "enabled", "budget_tokens": 1024}}

#: (class name, model, settings): ChatBedrockConverse raising only on the first three
#: (a model refusing a forced tool beside thinking), ChatBedrock over InvokeModel on each
#: unforced one, over Converse as ChatBedrockConverse.
MODELS = {
    "converse_sonnet4_thinking": (
        "ChatBedrockConverse",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        {"additional_model_request_fields": THINKING},
    ),
    "converse_deepseek_v3_effort": (
        "ChatBedrockConverse",
        "us.deepseek.v3-v1:0",
        {"additional_model_request_fields": {"reasoning_effort": "high"}},
    ),
    "converse_claude37_told_no_choice": (
        "ChatBedrockConverse",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        {"supports_tool_choice_values": []},
    ),
    "converse_sonnet55_never_forced": (
        "ChatBedrockConverse",
        "us.anthropic.claude-sonnet-5-5-v1:0",
        {},
    ),
    "converse_llama31": ("ChatBedrockConverse", "us.meta.llama3-1-70b-instruct-v1:0", {}),
    "converse_mistral_7b": ("ChatBedrockConverse", "mistral.mistral-7b-instruct-v0:2", {}),
    "invoke_sonnet55_never_forced": ("ChatBedrock", "us.anthropic.claude-sonnet-5-5-v1:0", {}),
    "invoke_sonnet4_thinking": (
        "ChatBedrock",
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        {"model_kwargs": THINKING},
    ),
    "invoke_on_converse_llama31": (
        "ChatBedrock",
        "us.meta.llama3-1-70b-instruct-v1:0",
        {"beta_use_converse_api": True},
    ),
}
CLASSES = {
    "ChatBedrockConverse": (langchain_aws.ChatBedrockConverse, OurChatBedrockConverse),
    "ChatBedrock": (langchain_aws.ChatBedrock, OurChatBedrock),
}


class Sum(pydantic.BaseModel):
    total: int


def _structured(model: Any, how: str) -> Any:
    if how == "include_raw":
        out = model.with_structured_output(Sum, include_raw=True).invoke("1+2?")
        return {k: out[k] for k in ("parsed", "raw")} | {"error": repr(out["parsing_error"])}
    if how == "stream":
        return list(model.with_structured_output(Sum).stream("1+2?"))
    if how == "dict_schema":
        return model.with_structured_output(Sum.model_json_schema()).invoke("1+2?")
    return model.with_structured_output(Sum).invoke("1+2?")


def _script(cls: Any, url: str, model: str, settings: dict[str, Any], how: str) -> Any:
    """What the script gets, or the class of what it raised, and the warnings' classes."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            built = cls(
                model=model,
                endpoint_url=url,
                region_name="us-east-1",
                **converse_suite.KEYS,
                **settings,
            )
            result = _structured(built, how)
        except Exception as exc:  # noqa: BLE001 - the error is what is observed
            result = {"raised": type(exc).__name__}
    warned = sorted({w.category.__name__ for w in seen if w.category is UserWarning})
    return {"result": result, "warned": warned}


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    isolate_aws(monkeypatch, tmp_path, every_aws_variable())
    yield


@pytest.mark.parametrize("how", ["invoke", "include_raw", "stream", "dict_schema"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_reply_without_the_unforced_call(name: str, how: str, server: ScriptedServer) -> None:
    kind, model, settings = MODELS[name]
    theirs, ours = CLASSES[kind]
    over_converse = kind == "ChatBedrockConverse" or settings.get("beta_use_converse_api")
    said = "The total is 3."
    server.handler = (
        converse_suite.converse(converse_suite.text(said))
        if over_converse
        else invoke_suite.invoke(invoke_suite.text(said))
    )
    outcome = run_both(
        server,
        lambda: _script(theirs, server.url, model, settings, how),
        lambda: _script(ours, server.url, model, settings, how),
        result=converse_suite._comparable_result,
        request=lambda seen: seen.body,
    )
    assert_same(outcome)
