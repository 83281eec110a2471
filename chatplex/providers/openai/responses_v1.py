"""LangChain's standard content blocks (`output_version="v1"`) of a Responses reply given
back, as the Responses items and blocks they came from, as langchain-openai's
`_convert_from_v1_to_responses` turns them back (private to the Responses request).

- Reasoning: one `{"type": "reasoning", "reasoning": ...}` block per summary part, its
  item's id on each, joined back into one item's `summary` (`extras` spread).
- Built-in tools: a `server_tool_call` followed by its `server_tool_result` as one item:
  `web_search_call` (its action and status), `file_search_call` (queries, results),
  `code_interpreter_call` (code, container, outputs). A pair of another tool is left
  as it is (the request leaves out what is no Responses item).
- Tool search: its `server_tool_call` and `server_tool_result` (named `tool_search`), each
  as its own `tool_search_call` and `tool_search_output` item (their ids differ, so they
  are no pair).
- Citations: a text block's v1 `citation` annotations as `url_citation` (with a URL) or
  `file_citation`.
- Function calls: a tool call that came as a v1 `tool_call` block (its `extras` on the
  call) as its `function_call` item: the item's `id`, `arguments` as the reply wrote
  them (else compact JSON) and `status` from the extras (`function_call_item`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["function_call_item", "responses_blocks"]

#: A tool result's status as the Responses API writes it.
_STATUS = {"success": "completed", "error": "failed"}


def responses_blocks(content: list[Any]) -> list[Any]:
    """`content` with its standard blocks as the Responses ones they came from; other
    blocks as they are."""
    cited = [_tool_search_item(_with_responses_citations(b)) for b in content]
    return _calls_joined(_reasoning_joined(cited))


def function_call_item(call: Mapping[str, Any]) -> dict[str, Any] | None:
    """The `function_call` item of a tool call whose v1 block's `extras` it carries (None
    for another call), in langchain-openai's key order."""
    extras = call.get("extras")
    if not isinstance(extras, Mapping):
        return None
    item: dict[str, Any] = {"type": "function_call", "call_id": call["id"]}
    if "item_id" in extras:
        item["id"] = extras["item_id"]
    item["name"] = call["name"]
    if "arguments" in extras:
        item["arguments"] = extras["arguments"]
    else:
        item["arguments"] = json.dumps(call["args"], separators=(",", ":"))
    item.update({k: extras[k] for k in ("status", "namespace", "async") if k in extras})
    return item


def _reasoning_joined(content: list[Any]) -> list[Any]:
    out: list[Any] = []
    joining: dict[str, Any] | None = None  # the item the blocks just before went into
    for block in content:
        standard = isinstance(block, dict) and block.get("type") == "reasoning"
        if not standard or "summary" in block:
            out.append(block)
            joining = None
            continue
        part = (
            {"type": "summary_text", "text": block["reasoning"]} if "reasoning" in block else None
        )
        if joining is not None and part is not None and _same_item(joining, block):
            joining["summary"].append(part)
            continue
        item = {k: v for k, v in block.items() if k not in ("reasoning", "type")}
        item.update(item.pop("extras", None) or {})
        item.update(summary=[part] if part else [], type="reasoning")
        out.append(item)
        joining = item if part else None
    return out


def _same_item(item: Mapping[str, Any], block: Mapping[str, Any]) -> bool:
    return ("id" in item) == ("id" in block) and item.get("id") == block.get("id")


def _calls_joined(content: list[Any]) -> list[Any]:
    out: list[Any] = []
    i = 0
    while i < len(content):
        call = content[i]
        result = content[i + 1] if i + 1 < len(content) else None
        item = _call_item(call, result) if _is_pair(call, result) and result else None
        if item is None:
            out.append(call)
            i += 1
        else:
            out.append(item)
            i += 2
    return out


def _is_pair(call: Any, result: Any) -> bool:
    return (
        isinstance(call, dict)
        and call.get("type") == "server_tool_call"
        and isinstance(result, dict)
        and result.get("type") == "server_tool_result"
        and result.get("tool_call_id") == call.get("id")
    )


def _call_item(call: dict[str, Any], result: dict[str, Any]) -> dict[str, Any] | None:
    name, args = call.get("name"), call.get("args")
    item: dict[str, Any] = {"id": call["id"]}
    if name == "web_search":
        if "args" in call:
            item["action"] = args  # its sources are not sent back (OpenAI refuses them)
    elif name == "file_search":
        if isinstance(args, dict) and "queries" in args:
            item["queries"] = args["queries"]
        if "output" in result:
            item["results"] = result["output"]
    elif name == "code_interpreter":
        if isinstance(args, dict) and "code" in args:
            item["code"] = args["code"]
        extras = call.get("extras") or {}
        if "container_id" in call or "container_id" in extras:
            item["container_id"] = call.get("container_id", extras.get("container_id"))
        if "output" in result:
            item["outputs"] = result["output"]
    else:
        return None
    status = result.get("status")
    if status in _STATUS:
        item["status"] = _STATUS[status]
    elif not status and (result.get("extras") or {}).get("status"):
        item["status"] = result["extras"]["status"]
    item["type"] = f"{name}_call"
    return item


def _tool_search_item(block: Any) -> Any:
    """A tool search's v1 call or result as its Responses item, in langchain-openai's key
    order (the call's `call_id` is not sent back, as langchain-openai sends none); any
    other block as it is."""
    if not isinstance(block, dict):
        return block
    extras = block.get("extras") or {}
    if block.get("type") == "server_tool_call" and block.get("name") == "tool_search":
        item: dict[str, Any] = {"id": block["id"]}
        if extras.get("status"):
            item["status"] = extras["status"]
        item["type"] = "tool_search_call"
        if "args" in block:
            item["arguments"] = block["args"]
        if extras.get("execution"):
            item["execution"] = extras["execution"]
        return item
    if block.get("type") == "server_tool_result" and extras.get("name") == "tool_search":
        item = {"id": block.get("tool_call_id", "")}
        status = block.get("status")
        if status:
            item["status"] = _STATUS.get(status, status)
        item.update(type="tool_search_output", execution="server")
        output = block.get("output")
        if isinstance(output, dict) and "tools" in output:
            item["tools"] = output["tools"]
        return item
    return block


def _with_responses_citations(block: Any) -> Any:
    if not isinstance(block, dict) or block.get("type") != "text" or not block.get("annotations"):
        return block
    return {**block, "annotations": [_annotation(a) for a in block["annotations"]]}


def _annotation(note: Any) -> Any:
    if not isinstance(note, dict) or note.get("type") != "citation":
        return note
    out = {k: note[k] for k in ("end_index", "start_index") if k in note}
    if "url" in note:
        if "title" in note:
            out["title"] = note["title"]
        out.update(type="url_citation", url=note["url"])
        out.update(note.get("extras") or {})
        return out
    out["type"] = "file_citation"
    out.update(note.get("extras") or {})
    if "title" in note:
        out["filename"] = note["title"]
    return out
