"""`content_blocks` of an OpenAI Responses API reply (provider `openai_responses`): its
blocks in langchain-openai's `responses/v1` shapes read as LangChain 1.x standard blocks,
as LangChain's OpenAI translator reads them (`_convert_to_v1_from_responses`):

- `text`: kept, its `annotations` as standard citations (`url_citation`, `file_citation`);
- `reasoning`: one block per summary part (`reasoning` = the part's text), the item's
  other fields (`encrypted_content`, `status`) on the first (in `extras` when the
  summary is empty);
- `function_call`: the `tool_call` (or `invalid_tool_call`) with that `call_id`, the
  item's id and status in `extras`;
- `web_search_call` / `file_search_call`: a `server_tool_call` and its `server_tool_result`;
- `refusal`: the standard `refusal` block (`_blocks_refusal.responses_refusal`);
- other standard types are kept; everything else (code_interpreter_call, mcp_call...,
  which LangChain reads into server-tool blocks) is `non_standard` here.

Blocks carry no stream `index` (a merged message has none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

from ._blocks_refusal import responses_refusal

if TYPE_CHECKING:
    from ._messages import AIMessage

__all__ = ["responses_blocks"]

_Block = dict[str, Any]
#: Standard block types kept as they are (langchain_core's KNOWN_BLOCK_TYPES, those a
#: Responses reply can hold).
_STANDARD = frozenset({"image", "file", "tool_call", "server_tool_call"})
_SEARCH_ARGS = {"web_search_call": "web_search", "file_search_call": "file_search"}


def responses_blocks(message: AIMessage) -> list[_Block]:
    """The standard blocks of a Responses API reply's content (see the module doc)."""
    return list(_blocks(message))


def _blocks(message: AIMessage) -> Iterator[_Block]:
    for raw in message.content:
        if not isinstance(raw, dict):
            continue
        block = dict(raw)
        kind = block.get("type")
        if kind == "text":
            block.setdefault("text", "")
            if "annotations" in block:
                block["annotations"] = [_citation(a) for a in block["annotations"]]
            yield block
        elif kind == "reasoning":
            yield from _reasoning(block)
        elif kind == "function_call":
            call = _call_of(message, block.get("call_id"))
            if call is not None:
                extras: _Block = {"item_id": block["id"]} if "id" in block else {}
                extras.update((k, block[k]) for k in ("status", "namespace", "async") if k in block)
                if extras:
                    call["extras"] = {**call.get("extras", {}), **extras}
                yield call
        elif kind in _SEARCH_ARGS:
            yield from _search(block, kind)
        elif kind == "refusal":
            yield responses_refusal(block)
        elif kind in _STANDARD:
            yield block
        else:
            yield {"type": "non_standard", "value": block}


def _citation(annotation: Any) -> Any:
    if not isinstance(annotation, dict):
        return annotation
    kind = annotation.get("type")
    if kind == "url_citation":
        known = {"type", "url", "title", "cited_text", "start_index", "end_index"}
        out: _Block = {
            k: annotation[k] for k in ("end_index", "start_index", "title") if k in annotation
        }
        out["type"] = "citation"
        out["url"] = annotation["url"]
    elif kind == "file_citation":
        known = {"type", "title", "cited_text", "start_index", "end_index", "filename"}
        out = {"type": "citation"}
        if "filename" in annotation:
            out["title"] = annotation["filename"]
    else:
        return annotation
    extras = {k: v for k, v in annotation.items() if k not in known}
    if extras:
        out["extras"] = extras
    return out


def _reasoning(block: _Block) -> Iterator[_Block]:
    summary = block.pop("summary", None)
    if summary is None:
        yield block
        return
    common = {k: v for k, v in block.items() if k in ("type", "reasoning", "id")}
    extras = {k: v for k, v in block.items() if k not in ("type", "reasoning", "id")}
    if not summary:
        yield {**common, "extras": extras} if extras else common
        return
    for position, part in enumerate(summary):
        out = {**common, "reasoning": part.get("text", "") if isinstance(part, dict) else ""}
        if position == 0:
            out.update(extras)  # LangChain spreads them into the first part's block
        yield out


def _call_of(message: AIMessage, call_id: Any) -> _Block | None:
    if not call_id:
        return None
    for call in message.tool_calls:
        if call.get("id") == call_id:
            return {"type": "tool_call", "name": call["name"], "args": call["args"], "id": call_id}
    for bad in message.invalid_tool_calls:
        if bad.get("id") == call_id:
            return dict(bad)
    return None


def _search(block: _Block, kind: str) -> Iterator[_Block]:
    call: _Block = {"type": "server_tool_call", "name": _SEARCH_ARGS[kind], "id": block["id"]}
    output: Any = None
    if kind == "web_search_call":
        action = block.get("action")
        call["args"] = {}
        if isinstance(action, dict):
            call["args"] = {k: v for k, v in action.items() if k != "sources"}
            if "sources" in action:
                output = {"sources": action["sources"]}
        skip = {"type", "id", "action", "status"}
    else:
        call["args"] = {"queries": block.get("queries", [])}
        output = block.get("results") or None
        skip = {"type", "id", "queries", "results", "status"}
    call.update({k: v for k, v in block.items() if k not in skip})
    yield call
    result: _Block = {"type": "server_tool_result", "tool_call_id": block["id"]}
    if output is not None:
        result["output"] = output
    status = block.get("status")
    if status == "failed":
        result["status"] = "error"
    elif status == "completed":
        result["status"] = "success"
    elif status:
        result["extras"] = {"status": status}
    yield result
