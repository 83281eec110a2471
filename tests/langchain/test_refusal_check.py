"""`langchain/refusal_check.py`: what counts as a refusal of a structured reply (a
standard refusal block, a content-filter stop), the error it raises, and the step that
checks each piece before the parser, sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core.exceptions import ModelRefusalError  # noqa: E402
from langchain_core.messages import AIMessage  # noqa: E402
from langchain_core.messages import AIMessageChunk  # noqa: E402

from chatplex.langchain.refusal_check import raise_on_refusal  # noqa: E402
from chatplex.langchain.refusal_check import refusal_check  # noqa: E402

#: langchain-openai's class, by module and name (imported by the check where it raises).
ERROR = ("langchain_openai.chat_models.base", "OpenAIRefusalError")
OPENAI = {"model_provider": "openai"}


def _refused(message: Any, **kwargs: Any) -> BaseException:
    with pytest.raises(ModelRefusalError) as info:
        raise_on_refusal(message, ERROR, **kwargs)
    assert type(info.value).__name__ == "OpenAIRefusalError"
    assert info.value.raw_message is message  # type: ignore[attr-defined]
    return info.value


def test_a_refusal_block_raises_in_its_words() -> None:
    message = AIMessage("", additional_kwargs={"refusal": "No."}, response_metadata=OPENAI)
    assert str(_refused(message)) == "No."


def test_a_content_filter_stop_is_a_refusal() -> None:
    stopped = AIMessage("{", response_metadata={**OPENAI, "finish_reason": "content_filter"})
    assert "content filter" in str(_refused(stopped))
    incomplete = {"incomplete_details": {"reason": "content_filter"}}
    assert "content filter" in str(_refused(AIMessage("", response_metadata=incomplete)))


def test_a_refusal_only_in_additional_kwargs_counts_for_any_provider_when_asked() -> None:
    """No translator reads xAI's replies: its refusal is no block, so the partner's
    parser sees none; chatplex's own models ask for it whatever the provider."""
    message = AIMessage(
        "", additional_kwargs={"refusal": "No."}, response_metadata={"model_provider": "xai"}
    )
    raise_on_refusal(message, ERROR)  # (no block: passes)
    assert str(_refused(message, any_provider=True)) == "No."


def test_a_reply_that_answers_passes() -> None:
    raise_on_refusal(
        AIMessage('{"a": 1}', response_metadata={**OPENAI, "finish_reason": "stop"}), ERROR
    )


def test_the_step_passes_pieces_on_and_raises_at_the_refusing_one() -> None:
    step = refusal_check(ERROR)
    assert step.name == "_check_refusal"  # (its runs' name in events, as the partner's)
    pieces = [
        AIMessageChunk("a", response_metadata=OPENAI),
        AIMessageChunk("b", response_metadata=OPENAI),
    ]
    assert [p.content for p in step.transform(iter(pieces))] == ["a", "b"]

    async def gather(items: list[Any]) -> list[Any]:
        async def feed() -> Any:
            for item in items:
                yield item

        return [p async for p in step.atransform(feed())]

    assert [p.content for p in asyncio.run(gather(pieces))] == ["a", "b"]
    refusing = AIMessageChunk("", additional_kwargs={"refusal": "No."}, response_metadata=OPENAI)
    with pytest.raises(ModelRefusalError):
        list(step.transform(iter([pieces[0], refusing])))
    with pytest.raises(ModelRefusalError):
        asyncio.run(gather([pieces[0], refusing]))
