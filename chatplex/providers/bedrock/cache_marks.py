"""A call's `cache_control=` keyword (what langchain-aws's `BedrockPromptCachingMiddleware`
passes) placed as langchain-aws's models place it, never sent as a field of its own.

- Converse (`ChatBedrockConverse._apply_cache_points`): `cachePoint` blocks after the
  system prompt, the last turn, the last tool and (Claude, none of the caller's own) the
  turn before the last, at most four in all with the caller's; `ttl` kept unless "5m"
  (Nova takes none), the `type` always "default"; Nova gets none beside tool blocks or
  tools.
- InvokeModel (`_apply_cache_control_to_messages`): the setting on the last content
  block of the last turn with content (a text turn becomes one text block).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["add_cache_points", "mark_last_block"]

#: Bedrock's limit of cache points in one request.
_MAX_CACHE_POINTS = 4


def add_cache_points(
    body: dict[str, Any],
    cache_control: Mapping[str, Any] | None,
    base_model: str,
    vendor: str | None = None,
) -> None:
    """Add the Converse `cachePoint` blocks `cache_control` asks for to `body`, in place;
    a Claude model's (by its base model id, or its `vendor` "anthropic", as
    langchain-aws reads its `provider`) its end-of-history point too."""
    if not cache_control:
        return
    base = base_model.lower()
    nova = "amazon.nova" in base
    point: dict[str, Any] = {"type": "default"}
    ttl = cache_control.get("ttl")
    if ttl and ttl != "5m" and not nova:
        point["ttl"] = ttl
    system: list[Any] = body.get("system", [])
    turns: list[dict[str, Any]] = body.get("messages", [])
    tools: list[Any] | None = body.get("toolConfig", {}).get("tools")
    own = sum(map(_is_point, system)) + sum(map(_is_point, tools or []))
    own += sum(sum(map(_is_point, t["content"])) for t in turns if isinstance(t["content"], list))
    budget = _MAX_CACHE_POINTS - own
    if budget > 0 and system and not any(map(_is_point, system)):
        system.append({"cachePoint": dict(point)})
        budget -= 1
    if budget > 0 and turns and _markable(turns[-1].get("content"), nova):
        turns[-1]["content"].append({"cachePoint": dict(point)})
        budget -= 1
    if budget > 0 and tools and not nova and not any(map(_is_point, tools)):
        tools.append({"cachePoint": dict(point)})
        budget -= 1
    # Claude's end-of-history point (Bedrock's simplified cache management).
    claude = "anthropic" in base or vendor == "anthropic"
    if budget > 0 and claude and not nova and own == 0 and len(turns) >= 2:
        before = turns[-2].get("content")
        if (
            isinstance(before, list)
            and not any(map(_is_point, before))
            and not (before and "reasoningContent" in before[-1])
        ):
            before.append({"cachePoint": dict(point)})


def mark_last_block(turns: list[dict[str, Any]], cache_control: Mapping[str, Any] | None) -> None:
    """Put `cache_control` on the last content block of the last turn with content, in
    place (InvokeModel's Anthropic body)."""
    if not cache_control:
        return
    for turn in reversed(turns):
        content = turn.get("content")
        if isinstance(content, list) and content:
            for block in reversed(content):
                if isinstance(block, dict):
                    block["cache_control"] = dict(cache_control)
                    break
            return
        if isinstance(content, str):
            turn["content"] = [
                {"type": "text", "text": content, "cache_control": dict(cache_control)}
            ]
            return


def _markable(content: Any, nova: bool) -> bool:
    """A last turn that takes a cache point: a block list without one (Nova: and
    without tool use or results)."""
    if not isinstance(content, list) or any(map(_is_point, content)):
        return False
    return not nova or not any(
        isinstance(b, dict) and ("toolResult" in b or "toolUse" in b) for b in content
    )


def _is_point(block: Any) -> bool:
    """A `cachePoint` block with a type, as langchain-aws counts them."""
    point = block.get("cachePoint") if isinstance(block, dict) else None
    return isinstance(point, dict) and point.get("type") is not None
