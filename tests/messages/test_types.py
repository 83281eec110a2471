"""Tool-call and usage records (`_types.py`): `add_usage` sums field by field, token
details included, and `None` is its identity."""

from __future__ import annotations

from chatplex.messages import AIMessageChunk
from chatplex.messages import InvalidToolCall
from chatplex.messages import ToolCall
from chatplex.messages import ToolCallChunk
from chatplex.messages import add_usage
from tests.messages._builders import usage


def test_usage_is_summed_including_token_details() -> None:
    a = AIMessageChunk("", usage_metadata=usage(100, 0, in_details={"cache_read": 40}))
    b = AIMessageChunk("x")  # no usage: the identity
    c = AIMessageChunk("", usage_metadata=usage(0, 7, out_details={"reasoning": 3}))
    d = AIMessageChunk(
        "",
        usage_metadata=usage(
            5, 2, in_details={"cache_read": 1, "cache_creation": 4}, out_details={"reasoning": 1}
        ),
    )
    merged = a + b + c + d
    assert merged.usage_metadata == {
        "input_tokens": 105,
        "output_tokens": 9,
        "total_tokens": 114,
        "input_token_details": {"cache_read": 41, "cache_creation": 4},
        "output_token_details": {"reasoning": 4},
    }


def test_usage_stays_none_when_no_chunk_reports_it() -> None:
    assert (AIMessageChunk("a") + AIMessageChunk("b")).usage_metadata is None


def test_add_usage_none_is_identity() -> None:
    u = usage(1, 2)
    assert add_usage(None, None) is None
    assert add_usage(u, None) == u
    assert add_usage(None, u) == u


# --- add_usage itself -------------------------------------------------------------------


def test_details_on_one_side_are_copied_not_shared() -> None:
    with_details = usage(2, 3, in_details={"cache_read": 1}, out_details={"reasoning": 2})
    total = add_usage(usage(1, 1), with_details)
    assert total == usage(3, 4, in_details={"cache_read": 1}, out_details={"reasoning": 2})
    assert total is not None
    total["input_token_details"]["cache_read"] = 99  # type: ignore[typeddict-item]
    assert with_details["input_token_details"] == {"cache_read": 1}  # type: ignore[typeddict-item]
    reversed_total = add_usage(with_details, usage(1, 1))
    assert reversed_total == usage(3, 4, in_details={"cache_read": 1}, out_details={"reasoning": 2})


def test_details_are_summed_key_by_key() -> None:
    a = usage(1, 1, in_details={"cache_read": 1, "audio": 2})
    b = usage(1, 1, in_details={"cache_read": 3, "cache_creation": 4})
    assert add_usage(a, b) == usage(
        2, 2, in_details={"cache_read": 4, "audio": 2, "cache_creation": 4}
    )
    assert a == usage(1, 1, in_details={"cache_read": 1, "audio": 2})  # operands unchanged


def test_none_on_either_side_is_the_other() -> None:
    one = usage(1, 2)
    assert add_usage(None, one) is one and add_usage(one, None) is one
    assert add_usage(None, None) is None
    assert "input_token_details" not in (add_usage(usage(1, 1), usage(1, 1)) or {})


def test_tool_calls_are_plain_dicts() -> None:
    call: ToolCall = {"name": "f", "args": {"x": 1}, "id": "c"}
    chunk: ToolCallChunk = {"name": None, "args": '{"x"', "id": None, "index": 0}
    invalid: InvalidToolCall = {"name": "f", "args": "{", "id": "c", "error": "bad"}
    assert all(type(d) is dict for d in (call, chunk, invalid))
    assert call["args"]["x"] == 1
