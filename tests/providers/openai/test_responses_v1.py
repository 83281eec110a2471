"""LangChain's standard blocks of a Responses reply given back as the Responses items and
blocks they came from (`providers/openai/responses_v1.py`), as langchain-openai's
`_convert_from_v1_to_responses` turns them back."""

from __future__ import annotations

from chatplex.providers.openai.responses_v1 import responses_blocks


def test_a_search_call_and_its_result_are_one_web_search_call_item() -> None:
    action = {"type": "search", "query": "news"}
    blocks = [
        {"type": "server_tool_call", "name": "web_search", "args": action, "id": "ws_1"},
        {"type": "server_tool_result", "tool_call_id": "ws_1", "status": "success"},
        {"type": "text", "text": "Hi", "id": "msg_1"},
    ]
    assert responses_blocks(blocks) == [
        {"id": "ws_1", "action": action, "status": "completed", "type": "web_search_call"},
        {"type": "text", "text": "Hi", "id": "msg_1"},
    ]


def test_file_search_and_code_interpreter_pairs_and_a_lone_call() -> None:
    blocks = [
        {"type": "server_tool_call", "name": "file_search", "id": "fs", "args": {"queries": ["q"]}},
        {"type": "server_tool_result", "tool_call_id": "fs", "status": "error", "output": []},
        {
            "type": "server_tool_call",
            "name": "code_interpreter",
            "id": "ci",
            "args": {"code": "1+1"},
            "extras": {"container_id": "cntr"},
        },
        {"type": "server_tool_result", "tool_call_id": "ci", "extras": {"status": "done"}},
        {"type": "server_tool_call", "name": "web_search", "id": "lone"},
    ]
    assert responses_blocks(blocks) == [
        {
            "id": "fs",
            "queries": ["q"],
            "results": [],
            "status": "failed",
            "type": "file_search_call",
        },
        {
            "id": "ci",
            "code": "1+1",
            "container_id": "cntr",
            "status": "done",
            "type": "code_interpreter_call",
        },
        {"type": "server_tool_call", "name": "web_search", "id": "lone"},  # no result after it
    ]


def test_v1_citations_are_url_and_file_citations() -> None:
    url = {"type": "citation", "url": "u", "title": "T", "start_index": 0, "end_index": 2}
    document = {"type": "citation", "title": "a.pdf", "extras": {"file_id": "f1", "index": 3}}
    (block,) = responses_blocks([{"type": "text", "text": "Hi", "annotations": [url, document]}])
    assert block["annotations"] == [
        {"end_index": 2, "start_index": 0, "title": "T", "type": "url_citation", "url": "u"},
        {"type": "file_citation", "file_id": "f1", "index": 3, "filename": "a.pdf"},
    ]


def test_standard_reasoning_parts_are_joined_by_item() -> None:
    blocks = [
        {"type": "reasoning", "reasoning": "One.", "id": "rs_1"},
        {"type": "reasoning", "reasoning": "Two.", "id": "rs_1"},
        {"type": "reasoning", "reasoning": "Other.", "id": "rs_2"},
    ]
    assert [b["summary"] for b in responses_blocks(blocks)] == [
        [{"type": "summary_text", "text": "One."}, {"type": "summary_text", "text": "Two."}],
        [{"type": "summary_text", "text": "Other."}],
    ]


def test_a_tool_search_call_and_its_output_are_their_own_items() -> None:
    # Their ids differ (the output item's is its own): no pair, each its own item, as
    # langchain-openai sends them back; the call's `call_id` stays out, as there.
    found = {"tools": [{"type": "function", "name": "lookup", "defer_loading": True}]}
    blocks = [
        {
            "type": "server_tool_call",
            "name": "tool_search",
            "id": "ts_1",
            "args": {"query": "order"},
            "extras": {"call_id": "c1", "execution": "server", "status": "completed"},
        },
        {
            "type": "server_tool_result",
            "tool_call_id": "tso_1",
            "output": found,
            "status": "success",
            "extras": {"name": "tool_search", "call_id": "c1", "execution": "server"},
        },
    ]
    assert responses_blocks(blocks) == [
        {
            "id": "ts_1",
            "status": "completed",
            "type": "tool_search_call",
            "arguments": {"query": "order"},
            "execution": "server",
        },
        {"id": "tso_1", "status": "completed", "type": "tool_search_output", "execution": "server"}
        | found,
    ]
