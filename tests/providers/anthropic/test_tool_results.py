"""A ToolMessage's reply as Anthropic's tool_result block: its cache breakpoint moved up."""

from __future__ import annotations

from chatplex.providers.anthropic.tool_results import tool_result

MARK = {"type": "ephemeral"}


def test_a_marked_block_moves_its_mark_to_the_tool_result() -> None:
    parts = [
        {"type": "text", "text": "The sum is"},
        {"type": "text", "text": "3", "cache_control": MARK},
    ]
    block = tool_result("toolu_01", parts, False, marks_up=True)
    assert block == {
        "type": "tool_result",
        "tool_use_id": "toolu_01",
        "content": [{"type": "text", "text": "The sum is"}, {"type": "text", "text": "3"}],
        "is_error": False,
        "cache_control": MARK,
    }
    assert parts[1]["cache_control"] == MARK  # the given blocks are left as they were


def test_the_last_mark_wins_and_none_leaves_no_mark() -> None:
    longer = {"type": "ephemeral", "ttl": "1h"}
    parts = [{"type": "text", "text": "a", "cache_control": MARK}]
    parts.append({"type": "text", "text": "b", "cache_control": longer})
    assert tool_result("t", parts, None, marks_up=True)["cache_control"] == longer
    plain = tool_result("t", "3", None, marks_up=True)
    assert plain == {"type": "tool_result", "tool_use_id": "t", "content": "3"}


def test_off_the_mark_stays_on_its_block() -> None:
    parts = [{"type": "text", "text": "3", "cache_control": MARK}]
    block = tool_result("t", parts, None, marks_up=False)
    assert block["content"] == parts and "cache_control" not in block
