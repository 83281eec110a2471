"""An Anthropic reply's cited text read as LangChain's v1 blocks (`output_version="v1"`:
its citations as `annotations`), sent back as the cited text block it was, as
langchain-anthropic's `_convert_annotation_from_v1` writes it: each annotation as the
citation of its kind (the one whose fields its `extras` carry), keys as that function
orders them. Without this the block went back with no citations. Its server tools'
calls and results (v1 `server_tool_call`, `server_tool_result`) go back as the blocks
they were, as its `_convert_from_v1_to_anthropic` writes them (`server_block`).

>>> annotation = {"type": "citation", "cited_text": "Paris is...", "title": "Atlas",
...               "extras": {"document_index": 0, "start_char_index": 0, "end_char_index": 9}}
>>> cited_text_block({"type": "text", "text": "Paris.", "annotations": [annotation]})
{'type': 'text', 'citations': [{'cited_text': 'Paris is...', 'document_index': 0, \
'document_title': 'Atlas', 'end_char_index': 9, 'start_char_index': 0, 'type': 'char_location'}], \
'text': 'Paris.'}
"""

from __future__ import annotations

from typing import Any

__all__ = ["cited_text_block", "server_block"]


def cited_text_block(block: dict[str, Any]) -> dict[str, Any]:
    """A v1 text block with `annotations` as Anthropic's text block with `citations`; any
    other block as it is."""
    if block.get("type") != "text" or not isinstance(block.get("annotations"), list):
        return block
    out: dict[str, Any] = {"type": "text"}
    out["citations"] = [_citation(a) for a in block["annotations"]]
    if "text" in block:
        out["text"] = block["text"]
    return out


def server_block(block: dict[str, Any]) -> dict[str, Any]:
    """A v1 server tool call or result as Anthropic's block (`server_tool_use`, an MCP
    server's `mcp_tool_use`, the result's own type); any other block as it is.

    >>> call = {"type": "server_tool_call", "id": "s1", "name": "code_interpreter", "args": {}}
    >>> server_block(call)
    {'id': 's1', 'input': {}, 'name': 'code_execution', 'type': 'server_tool_use'}
    """
    kind = block.get("type")
    extras = block.get("extras")
    extras = extras if isinstance(extras, dict) else {}
    out: dict[str, Any] = {}
    if kind == "server_tool_call":
        if "id" in block:
            out["id"] = block["id"]
        out["input"] = block.get("args", {})
        if extras.get("partial_json"):
            out["input"], out["partial_json"] = {}, extras["partial_json"]
        name = block.get("name")
        if name == "code_interpreter":
            out["name"] = "code_execution"
        elif name == "remote_mcp":
            out.update({k: extras[k] for k in ("server_name",) if k in extras})
            if "tool_name" in extras:
                out["name"] = extras["tool_name"]
        else:
            out["name"] = block.get("name", "")
        out["type"] = "mcp_tool_use" if name == "remote_mcp" else "server_tool_use"
        return out
    if kind == "server_tool_result":
        if "output" in block:
            out["content"] = block["output"]
        result_type = extras.get("block_type", "")
        if result_type == "mcp_tool_result":
            out["is_error"] = block.get("status") == "error"
        if "tool_call_id" in block:
            out["tool_use_id"] = block["tool_call_id"]
        out["type"] = result_type
        return out
    return block


def _citation(annotation: Any) -> Any:
    if not isinstance(annotation, dict):
        return annotation
    if annotation.get("type") == "non_standard_annotation":
        return annotation.get("value")
    if annotation.get("type") != "citation":
        return annotation
    extras = annotation.get("extras") or {}
    if "url" in annotation:
        return _web_search_result(annotation, extras)
    if "start_char_index" in extras:
        return dict(sorted(_in_document("char_location", annotation, extras).items()))
    if "search_result_index" in extras:
        out: dict[str, Any] = {"type": "search_result_location"}
        out.update((k, v) for k in ("cited_text", "title") if (v := annotation.get(k)))
        out.update(extras)
        return out
    if "start_block_index" in extras:
        return _content_block(annotation, extras)
    if "start_page_number" in extras:
        return _in_document("page_location", annotation, extras)
    return annotation


def _in_document(kind: str, annotation: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """A citation of a document's characters or pages (`kind`): its text and title, then
    the extras."""
    out: dict[str, Any] = {"type": kind}
    if cited := annotation.get("cited_text"):
        out["cited_text"] = cited
    if title := annotation.get("title"):
        out["document_title"] = title
    out.update(extras)
    return out


def _web_search_result(annotation: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    out = _leading_fields(annotation, extras, "encrypted_index", "title")
    out["type"] = "web_search_result_location"
    out["url"] = annotation.get("url")
    out.update((k, v) for k, v in extras.items() if k not in out)
    return out


def _content_block(annotation: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    out = _leading_fields(annotation, extras, "document_index", "document_title")
    out.update((k, v) for k, v in extras.items() if k not in out)
    out["type"] = "content_block_location"
    return out


def _leading_fields(
    annotation: dict[str, Any], extras: dict[str, Any], index_key: str, title_key: str
) -> dict[str, Any]:
    """The keys a web search result and a content block citation start with, in
    langchain-anthropic's order: the cited text, the index (from `extras`) and the
    title (under `title_key`)."""
    out: dict[str, Any] = {}
    if cited := annotation.get("cited_text"):
        out["cited_text"] = cited
    if index_key in extras:
        out[index_key] = extras[index_key]
    if "title" in annotation:
        out[title_key] = annotation["title"]
    return out
