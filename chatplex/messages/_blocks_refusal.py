"""LangChain 1.x's standard `refusal` block, as langchain-core's translators derive it
from each wire's reply: `{"type": "refusal", "refusal": <the model's words, "" when it
gave none>}`, with an `id`, a stream `index` and `extras` where the wire has them.

- a Responses API `refusal` content part: its `id` and `index` kept, its other keys (and
  its own `extras`, under them) in `extras`;
- a Chat Completions reply or stream piece: `additional_kwargs["refusal"]`, when set,
  one block after the others;
- an Anthropic `refusal` block: its words, `extras` and `index`; a reply stopped for
  refusal (`stop_reason` "refusal") without one gets one from `stop_details`
  (`explanation` the words, `category` in `extras`), after the others;
- a blocked generateContent reply (finish reason SAFETY, PROHIBITED_CONTENT or BLOCKLIST,
  or the prompt's `block_reason`): one block after the others, `finish_message` the
  words, the reasons in `extras`.

Refusals a model writes as ordinary text are not told apart, as in LangChain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "anthropic_refusal",
    "blocked_refusal",
    "kwargs_refusal",
    "responses_refusal",
    "stop_refusal",
]

_Block = dict[str, Any]


def responses_refusal(part: _Block) -> _Block:
    """The refusal block of a Responses API `refusal` content part."""
    out: _Block = {"type": "refusal", "refusal": part.get("refusal", "")}
    out.update((key, part[key]) for key in ("id", "index") if key in part)
    extras = {k: v for k, v in part.items() if k not in _RESPONSES_KNOWN}
    if part.get("extras"):
        extras = {**part["extras"], **extras}  # the part's own keys win
    if extras:
        out["extras"] = extras
    return out


_RESPONSES_KNOWN = frozenset({"type", "refusal", "id", "index", "extras"})


def kwargs_refusal(additional_kwargs: Mapping[str, Any]) -> list[_Block]:
    """A Chat Completions reply's refusal (`additional_kwargs["refusal"]`) as a block, or
    none (a reply that refused nothing has `None`, or no key)."""
    refusal = additional_kwargs.get("refusal")
    return [{"type": "refusal", "refusal": refusal}] if refusal else []


def anthropic_refusal(block: _Block) -> _Block:
    """The refusal block of an Anthropic `refusal` content block (keys other than its
    words, `extras` and `index` are left out, as LangChain's translator leaves them)."""
    out: _Block = {"type": "refusal", "refusal": block.get("refusal", "")}
    if block.get("extras"):
        out["extras"] = block["extras"]
    if "index" in block:
        out["index"] = block["index"]
    return out


def stop_refusal(blocks: list[_Block], response_metadata: Mapping[str, Any]) -> list[_Block]:
    """`blocks` with the refusal an Anthropic reply reports by its stop reason added,
    unless a refusal block already says it."""
    if response_metadata.get("stop_reason") != "refusal":
        return blocks
    if any(block["type"] == "refusal" for block in blocks):
        return blocks
    details = response_metadata.get("stop_details")
    if not isinstance(details, dict):
        details = {}
    out: _Block = {"type": "refusal", "refusal": details.get("explanation") or ""}
    if category := details.get("category"):
        out["extras"] = {"category": category}
    return [*blocks, out]


#: generateContent's finish reasons for a candidate it blocked.
_BLOCKED_FINISHES = frozenset({"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST"})


def blocked_refusal(response_metadata: Mapping[str, Any]) -> list[_Block]:
    """The refusal block of a generateContent reply it blocked (its candidate's finish reason, or
    the prompt's feedback), or none."""
    extras: _Block = {}
    finish_reason = _reason_name(response_metadata.get("finish_reason"))
    if finish_reason in _BLOCKED_FINISHES:
        extras["finish_reason"] = finish_reason
    feedback = response_metadata.get("prompt_feedback")
    if isinstance(feedback, dict):
        block_reason = _reason_name(feedback.get("block_reason"))
        if block_reason and block_reason != "BLOCKED_REASON_UNSPECIFIED":
            extras["block_reason"] = block_reason
    if not extras:
        return []
    words = response_metadata.get("finish_message") or ""
    return [{"type": "refusal", "refusal": words, "extras": extras}]


def _reason_name(reason: object) -> str | None:
    """A finish or block reason's name: the SDK's enum member gives its `name`, its str
    form ("FinishReason.SAFETY") the part after the dot."""
    if not reason:
        return None
    return str(getattr(reason, "name", reason)).rsplit(".", 1)[-1]
