"""A drop-in's refusal check of a structured reply, as langchain-openai's
`BaseChatOpenAI.with_structured_output` checks it: `refusal_check` is the step each
reply piece passes before the parser (its `_check_refusal`, so a stream still streams),
and `raise_on_refusal` what that step and its pydantic parser read. A refusal is a
standard `refusal` content block (what langchain-core's translator of the reply's
provider finds: none where it has no translator, ChatXAI's) or a reply stopped by a
content filter; it raises the partner's error (`PartnerTraits.refusal_error`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from functools import partial
from typing import Any

from langchain_core.runnables import RunnableGenerator

from .traits import partner_error

__all__ = ["raise_on_refusal", "refusal_check"]

#: langchain-core's `ModelRefusalError` words for a refusal that gives none.
_REFUSED = "Model refused to produce the requested output"
#: langchain-openai's words for a reply its content filter stopped.
_FILTERED = "Model output was stopped by a content filter"


def raise_on_refusal(
    message: Any, refusal_error: tuple[str, str], *, any_provider: bool = False
) -> None:
    """Raise `refusal_error` (module, class name) where `message` is a refusal: its
    words (else langchain-core's), the message as its `raw_message`. `any_provider`:
    a refusal in `additional_kwargs` counts whatever the reply's provider (chatplex's
    own models, which no translator decides for)."""
    kept = message.additional_kwargs.get("refusal") if any_provider else None
    if kept:
        raise _refused(refusal_error, kept, message)
    for block in message.content_blocks:
        if block["type"] == "refusal":
            raise _refused(refusal_error, block.get("refusal") or _REFUSED, message)
    metadata = message.response_metadata
    details = metadata.get("incomplete_details")
    incomplete = details.get("reason") if isinstance(details, dict) else None
    if "content_filter" in (metadata.get("finish_reason"), incomplete):
        raise _refused(refusal_error, _FILTERED, message)


def _refused(refusal_error: tuple[str, str], words: str, message: Any) -> BaseException:
    return partner_error(refusal_error, words, args=(words,), fields={"raw_message": message})


def refusal_check(refusal_error: tuple[str, str]) -> RunnableGenerator[Any, Any]:
    """The step passing each reply piece on, a refusal raised (`raise_on_refusal`),
    named as langchain-openai's step is in a run's events and traces."""
    # Partials of module functions, not closures: the structured model pickles and
    # deep-copies.
    return RunnableGenerator(
        partial(_check_refusal, refusal_error),
        partial(_acheck_refusal, refusal_error),
        name="_check_refusal",
    )


def _check_refusal(refusal_error: tuple[str, str], messages: Iterator[Any]) -> Iterator[Any]:
    for message in messages:
        raise_on_refusal(message, refusal_error)
        yield message


async def _acheck_refusal(
    refusal_error: tuple[str, str], messages: AsyncIterator[Any]
) -> AsyncIterator[Any]:
    async for message in messages:
        raise_on_refusal(message, refusal_error)
        yield message
