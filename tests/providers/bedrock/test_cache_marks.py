"""`cache_marks`: a call's `cache_control` placed where langchain-aws's own code places it
(its functions run on the same input, side by side)."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest

from chatplex.providers.bedrock.cache_marks import add_cache_points
from chatplex.providers.bedrock.cache_marks import mark_last_block

bedrock = pytest.importorskip("langchain_aws.chat_models.bedrock")
converse = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")

CLAUDE = "anthropic.claude-3-5-haiku-20241022-v1:0"
NOVA = "amazon.nova-pro-v1:0"
POINT = {"cachePoint": {"type": "default"}}
TOOL = {"toolSpec": {"name": "w", "inputSchema": {"json": {"type": "object"}}}}


def _body(*, tools: bool = True, own: int = 0, last_tool: bool = False) -> dict[str, Any]:
    last: list[Any] = [{"toolResult": {"toolUseId": "1", "content": [{"text": "sun"}]}}]
    body: dict[str, Any] = {
        "system": [{"text": "Be brief."}] + [POINT] * own,
        "messages": [
            {"role": "user", "content": [{"text": "Weather?"}]},
            {"role": "assistant", "content": [{"toolUse": {"toolUseId": "1", "name": "w"}}]},
            {"role": "user", "content": last if last_tool else [{"text": "And now?"}]},
        ],
        "inferenceConfig": {},
    }
    if tools:
        body["toolConfig"] = {"tools": [TOOL]}
    return body


def _langchain_aws(
    body: dict[str, Any], cache: dict[str, Any], model: str, **more: Any
) -> dict[str, Any]:
    # Explicit keys: the client is built, never called (no credential lookup).
    chat = converse.ChatBedrockConverse(
        model=model,
        region_name="us-west-2",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        **more,
    )
    params = {"toolConfig": body["toolConfig"]} if "toolConfig" in body else {}
    chat._apply_cache_points(cache, body["system"], body["messages"], params)
    return body


@pytest.mark.parametrize("model", [CLAUDE, NOVA])
@pytest.mark.parametrize("cache", [{"type": "ephemeral", "ttl": "5m"}, {"ttl": "1h"}])
@pytest.mark.parametrize(
    "shape",
    [{}, {"tools": False}, {"own": 1}, {"own": 4}, {"last_tool": True}],
    ids=["tools", "no-tools", "one-own", "full", "last-tool"],
)
def test_cache_points_go_where_langchain_aws_puts_them(
    model: str, cache: dict[str, Any], shape: dict[str, Any]
) -> None:
    ours = _body(**shape)
    theirs = _langchain_aws(copy.deepcopy(ours), cache, model)
    add_cache_points(ours, cache, model)
    assert ours == theirs
    assert ours != _body(**shape) or shape.get("own") == 4  # the full budget adds none


#: A provisioned model's ARN: its id names no vendor, its `provider=` does.
PROVISIONED = "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/abc123"


@pytest.mark.parametrize("vendor", ["anthropic", "meta"])
def test_a_claude_model_by_its_provider_gets_the_end_of_history_point(vendor: str) -> None:
    """langchain-aws counts a model as Claude by its `provider` too, not only by its
    base model id: the end-of-history point for `provider="anthropic"` alone."""
    cache = {"type": "ephemeral"}
    ours = _body(tools=False)
    with warnings.catch_warnings():  # (its streaming notice for an unverified model)
        warnings.simplefilter("ignore")
        theirs = _langchain_aws(copy.deepcopy(ours), cache, PROVISIONED, provider=vendor)
    add_cache_points(ours, cache, PROVISIONED, vendor)
    assert ours == theirs
    assert (POINT in ours["messages"][-2]["content"]) is (vendor == "anthropic")


def test_no_cache_control_adds_nothing() -> None:
    body = _body()
    add_cache_points(body, None, CLAUDE)
    mark_last_block(body["messages"], {})
    assert body == _body()


@pytest.mark.parametrize(
    "turns",
    [
        [{"role": "user", "content": "Hi"}],
        [
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
            }
        ],
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": []}],
    ],
    ids=["text", "blocks", "empty-last"],
)
def test_the_last_content_block_is_marked_as_langchain_aws_marks_it(
    turns: list[dict[str, Any]],
) -> None:
    cache = {"type": "ephemeral", "ttl": "1h"}
    theirs = copy.deepcopy(turns)
    bedrock._apply_cache_control_to_messages(cache, theirs)
    mark_last_block(turns, cache)
    assert turns == theirs
    assert "cache_control" in str(turns)
