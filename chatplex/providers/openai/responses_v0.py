"""langchain-openai's `output_version="v0"` shape of a Responses reply (its v0.3 format),
both ways, as its `_convert_to_v03_ai_message` and langchain-core's
`_convert_from_v03_ai_message` write it (private to the Responses adapter):

- out (`v03_message`, a reply or each streamed chunk): the text blocks stay in
  `content` (without their message item id, which becomes the message's `id`; a
  response id `resp_...` there goes); the last reasoning item goes to
  `additional_kwargs["reasoning"]`, built-in tool items to `["tool_outputs"]`, the
  refusal to `["refusal"]`, function call items out (their item ids by call id in
  `["__openai_function_call_ids__"]`, the calls being in `tool_calls`);
- back (`from_v03_message`, a v0.3 turn given back): those items again in
  langchain-core's order (reasoning, code interpreter, MCP and image calls, text,
  refusal, function calls, computer calls, MCP lists and approvals, then the rest).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from ...messages import AIMessage

__all__ = ["FUNCTION_CALL_IDS", "TOOL_OUTPUTS", "from_v03_message", "v03_message"]

_M = TypeVar("_M", bound=AIMessage)

#: langchain-openai's key for the function call item ids (by call id).
FUNCTION_CALL_IDS = "__openai_function_call_ids__"
#: Items v0.3 keeps in `additional_kwargs["tool_outputs"]`.
TOOL_OUTPUTS = frozenset(
    {
        "web_search_call",
        "file_search_call",
        "computer_call",
        "code_interpreter_call",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "image_generation_call",
        "tool_search_call",
        "tool_search_output",
        "apply_patch_call",
        "apply_patch_call_output",
    }
)
#: The order a v0.3 turn's items are given back in (web and file search calls are not
#: in it: they go after, with whatever else is unknown).
_ORDER = (
    "reasoning",
    "code_interpreter_call",
    "mcp_call",
    "image_generation_call",
    "text",
    "refusal",
    "function_call",
    "computer_call",
    "mcp_list_tools",
    "mcp_approval_request",
)
#: What marks a turn as v0.3 (beside a `msg_...` id with a `resp_...` response id).
_V03_KEYS = ("reasoning", "tool_outputs", "refusal", FUNCTION_CALL_IDS)


def v03_message(message: _M, *, has_reasoning: bool = False) -> _M:
    """`message` (a reply, or a streamed chunk: `has_reasoning` once an earlier chunk
    carried reasoning, whose later pieces then lose their `id` and `type` to merge
    into it) in the v0.3 shape."""
    if not isinstance(message.content, list):
        return message
    extra = dict(message.additional_kwargs)
    content: list[Any] = []
    msg_id = message.id
    for block in message.content:
        kind = block.get("type") if isinstance(block, dict) else None
        if not isinstance(block, dict):
            content.append(block)
        elif kind == "reasoning":
            drop = ("index", "id", "type") if has_reasoning else ("index",)
            extra["reasoning"] = {k: v for k, v in block.items() if k not in drop}
        elif kind in TOOL_OUTPUTS:
            extra["tool_outputs"] = [*extra.get("tool_outputs", []), block]
        elif kind == "function_call":
            ids = extra[FUNCTION_CALL_IDS] = dict(extra.get(FUNCTION_CALL_IDS) or {})
            if block.get("call_id") and block.get("id"):
                ids[block["call_id"]] = block["id"]
        elif kind == "refusal":
            if block.get("refusal"):
                extra["refusal"] = block["refusal"]
        elif kind == "text":
            if "id" in block:
                msg_id = block["id"]
            content.append({k: v for k, v in block.items() if k != "id"})
        elif set(block) == {"id", "index"} and str(block["id"]).startswith("msg_"):
            content.append({"index": block["index"]})
        else:
            content.append(block)
    if isinstance(msg_id, str) and msg_id.startswith("resp_"):
        msg_id = None
    return message.model_copy(update={"content": content, "additional_kwargs": extra, "id": msg_id})


def from_v03_message(message: AIMessage) -> AIMessage:
    """A v0.3 turn given back in the Responses items' shape (another turn as it is)."""
    extra = message.additional_kwargs
    content = message.content
    response_id = message.response_metadata.get("id")
    if not isinstance(content, list) or not all(isinstance(b, dict) for b in content):
        return message
    if not any(k in extra for k in _V03_KEYS) and not (
        isinstance(message.id, str)
        and message.id.startswith("msg_")
        and isinstance(response_id, str)
        and response_id.startswith("resp_")
    ):
        return message
    buckets: dict[str, list[Any]] = {key: [] for key in _ORDER}
    unknown: list[Any] = []
    if reasoning := extra.get("reasoning"):
        typed = reasoning if "type" in reasoning else {**reasoning, "type": "reasoning"}
        buckets["reasoning"].append(typed)
    if refusal := extra.get("refusal"):
        buckets["refusal"].append({"type": "refusal", "refusal": refusal})
    for block in content:
        if isinstance(block, dict) and block.get("type") == "text":
            copied = dict(block)
            if isinstance(message.id, str) and message.id.startswith("msg_"):
                copied["id"] = message.id
            buckets["text"].append(copied)
        else:
            unknown.append(block)
    buckets["function_call"] = _function_calls(message, extra.get(FUNCTION_CALL_IDS))
    for block in extra.get("tool_outputs", []):
        if isinstance(block, dict) and block.get("type") in buckets:
            buckets[block["type"]].append(block)
        else:
            unknown.append(block)
    given = [b for key in _ORDER for b in buckets[key]] + unknown
    kept = {k: v for k, v in extra.items() if k not in ("reasoning", "refusal", "tool_outputs")}
    new_id = response_id if "id" in message.response_metadata else message.id
    return message.model_copy(update={"content": given, "additional_kwargs": kept, "id": new_id})


def _function_calls(message: AIMessage, ids: Any) -> list[dict[str, Any]]:
    """The turn's calls as function call items, with their item ids where known."""
    ids = ids if isinstance(ids, Mapping) else {}
    calls = []
    for c in message.tool_calls:
        call = {
            "type": "function_call",
            "name": c["name"],
            "arguments": json.dumps(c["args"], ensure_ascii=False),
            "call_id": c["id"],
        }
        if item_id := ids.get(c["id"]):
            call["id"] = item_id
        calls.append(call)
    return calls
