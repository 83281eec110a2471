"""The other candidates of a stream and its cumulative usage (`adapters/candidates.py`)."""

from __future__ import annotations

import doctest

from chatplex.adapters import candidates
from chatplex.adapters.candidates import CumulativeUsage
from chatplex.adapters.candidates import OtherCandidates
from chatplex.adapters.candidates import usage_minus
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk


def test_the_examples_hold() -> None:
    failures, tried = doctest.testmod(candidates)
    assert tried and not failures


def test_other_candidates_are_merged_whole_in_index_order_then_forgotten() -> None:
    others = OtherCandidates()
    assert not others
    others.add(2, AIMessageChunk(content="b", response_metadata={"finish_reason": None}))
    others.add(1, AIMessageChunk(content="a"))
    others.add(2, AIMessageChunk(content="c", response_metadata={"finish_reason": "stop"}))
    assert others
    head = {"model_name": "m", "finish_reason": None}
    taken = others.take(head, "resp-1")
    assert [type(m) for m in taken] == [AIMessage, AIMessage]
    assert [m.content for m in taken] == ["a", "bc"]
    assert [m.id for m in taken] == ["resp-1", "resp-1"]
    # The head comes first: a candidate's own metadata wins over it.
    assert taken[0].response_metadata["model_name"] == "m"
    assert taken[1].response_metadata["finish_reason"] == "stop"
    assert not others and others.take(head, "resp-1") == []


def test_cumulative_usage_is_reported_as_increases() -> None:
    usage = CumulativeUsage()
    assert usage.increase(None) is None
    first = {"input_tokens": 2, "output_tokens": 1, "total_tokens": 3}
    assert usage.increase(first) == first
    later = {
        "input_tokens": 2,
        "output_tokens": 6,
        "total_tokens": 8,
        "output_token_details": {"reasoning": 4},
    }
    assert usage.increase(later) == {
        "input_tokens": 0,
        "output_tokens": 5,
        "total_tokens": 5,
        "output_token_details": {"reasoning": 4},
    }
    # A chunk without usage reports none, and the next one counts from nothing.
    assert usage.increase(None) is None
    assert usage.increase(first) == first


def test_usage_minus_counts_missing_fields_as_zero() -> None:
    assert usage_minus({"a": 3, "d": {"x": 5, "y": 1}}, {"a": 1, "d": {"x": 2}}) == {
        "a": 2,
        "d": {"x": 3, "y": 1},
    }
    assert usage_minus({"d": {"x": 1}}, {"d": 4}) == {"d": {"x": 1}}
    assert usage_minus(7, None) == 7
