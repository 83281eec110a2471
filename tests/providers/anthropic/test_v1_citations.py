"""An Anthropic reply's cited text read as LangChain's v1 blocks, sent back cited
(`chatplex/providers/anthropic/v1_citations.py`; side by side with langchain-anthropic
in tests/partners/anthropic/)."""

from __future__ import annotations

from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.anthropic.request import to_wire_messages
from chatplex.providers.anthropic.v1_citations import cited_text_block

CHAR = {
    "type": "citation",
    "cited_text": "Paris is the capital.",
    "title": "Atlas",
    "extras": {"document_index": 0, "start_char_index": 0, "end_char_index": 21},
}
WEB = {
    "type": "citation",
    "url": "https://example.com",
    "title": "Example",
    "cited_text": "Blue sky.",
    "extras": {"encrypted_index": "Eo8B"},
}
PAGE = {"type": "citation", "cited_text": "p", "extras": {"start_page_number": 1, "x": 2}}
BLOCK = {
    "type": "citation",
    "cited_text": "b",
    "title": "T",
    "extras": {"document_index": 1, "start_block_index": 0, "end_block_index": 1},
}
FOUND = {"type": "citation", "cited_text": "s", "extras": {"search_result_index": 0}}


def test_each_kind_of_annotation_is_its_citation() -> None:
    block = {
        "type": "text",
        "text": "Paris.",
        "id": "lc_1",
        "annotations": [
            CHAR,
            WEB,
            PAGE,
            BLOCK,
            FOUND,
            {"type": "non_standard_annotation", "value": {"k": 1}},
        ],
    }
    assert cited_text_block(block) == {
        "type": "text",
        "citations": [
            {
                "cited_text": "Paris is the capital.",
                "document_index": 0,
                "document_title": "Atlas",
                "end_char_index": 21,
                "start_char_index": 0,
                "type": "char_location",
            },
            {
                "cited_text": "Blue sky.",
                "encrypted_index": "Eo8B",
                "title": "Example",
                "type": "web_search_result_location",
                "url": "https://example.com",
            },
            {"type": "page_location", "cited_text": "p", "start_page_number": 1, "x": 2},
            {
                "cited_text": "b",
                "document_index": 1,
                "document_title": "T",
                "start_block_index": 0,
                "end_block_index": 1,
                "type": "content_block_location",
            },
            {"type": "search_result_location", "cited_text": "s", "search_result_index": 0},
            {"k": 1},
        ],
        "text": "Paris.",
    }
    plain = {"type": "text", "text": "x"}
    assert cited_text_block(plain) is plain


def test_only_an_anthropic_reply_goes_back_cited() -> None:
    content = [{"type": "text", "text": "Paris.", "annotations": [CHAR]}]
    own = AIMessage(content, response_metadata={"model_provider": "anthropic"})
    other = AIMessage(content, response_metadata={"model_provider": "openai"})
    _, [_, mine, _] = to_wire_messages([HumanMessage("q"), own, HumanMessage("sure?")])
    _, [_, theirs, _] = to_wire_messages([HumanMessage("q"), other, HumanMessage("sure?")])
    assert mine["content"][0]["citations"][0]["type"] == "char_location"
    assert theirs["content"] == [{"type": "text", "text": "Paris."}]
