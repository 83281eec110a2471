"""`generate()`'s rows combined into one `llm_output` (`chatplex/chat/combined_outputs.py`),
side by side with the partner packages' `_combine_llm_outputs`. The other partners'
styles: `test_llm_results.py`'s `test_combined_shaped_outputs_are_the_partners`."""

from __future__ import annotations

import pytest

pytest.importorskip("langchain_openai")

from langchain_openai import ChatOpenAI  # noqa: E402

from chatplex.chat.combined_outputs import combine_llm_outputs  # noqa: E402
from chatplex.chat.combined_outputs import combine_shaped_outputs  # noqa: E402
from chatplex.providers.bedrock.spec import CHATBEDROCK_SHAPE  # noqa: E402


def test_combine_llm_outputs_is_langchain_openais() -> None:
    """For generate(): the rows' llm_output combined as langchain-openai combines them."""
    rows = [
        {
            "token_usage": {
                "prompt_tokens": 4,
                "completion_tokens": 2,
                "total_tokens": 6,
                "prompt_tokens_details": {"cached_tokens": 1, "audio_tokens": None},
            },
            "model_name": "gpt-4o-mini",
            "system_fingerprint": "fp_1",
        },
        None,
        {
            "token_usage": {
                "prompt_tokens": 5,
                "completion_tokens": 3,
                "total_tokens": 8,
                "prompt_tokens_details": {"cached_tokens": 2},
            },
            "model_name": "gpt-4o-mini",
            "system_fingerprint": "fp_2",
        },
    ]
    theirs = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")._combine_llm_outputs(rows)
    assert combine_llm_outputs(rows) == theirs


def test_one_row_combined_is_langchain_openais_and_a_copy_of_its_counts() -> None:
    """LangChain's `agenerate` combines one row a call: its counts are copied at once (a
    None count left out at the top, kept in a nested record), as langchain-openai's
    combine gives them, and the combined record is not the row's (a later row's sum
    never changes the row it came from)."""
    row = {
        "token_usage": {
            "prompt_tokens": 4,
            "reasoning": None,
            "prompt_tokens_details": {"cached_tokens": 1, "audio_tokens": None},
        },
        "model_name": "gpt-4o-mini",
    }
    theirs = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")._combine_llm_outputs([row])
    ours = combine_llm_outputs([row])
    assert ours == theirs
    assert list(ours["token_usage"]) == ["prompt_tokens", "prompt_tokens_details"]
    ours["token_usage"]["prompt_tokens_details"]["cached_tokens"] += 1
    assert row["token_usage"]["prompt_tokens_details"] == {"cached_tokens": 1, "audio_tokens": None}


def test_a_style_that_merges_its_rows_sums_their_counts_and_keeps_the_last_keys() -> None:
    # langchain-aws's: the rows' dicts merged in order, `usage` summed key by key, a row
    # without an llm_output adding nothing.
    rows = [
        {"usage": {"input_tokens": 3, "output_tokens": 1}, "stop_reason": "end_turn"},
        None,
        {"usage": {"input_tokens": 2, "output_tokens": 4}, "model_id": "m"},
    ]
    assert combine_shaped_outputs(rows, CHATBEDROCK_SHAPE) == {
        "usage": {"input_tokens": 5, "output_tokens": 5},
        "stop_reason": "end_turn",
        "model_id": "m",
    }
    assert combine_shaped_outputs([None], CHATBEDROCK_SHAPE) == {"usage": {}}
