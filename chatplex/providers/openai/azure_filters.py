"""Azure's content filters on the Chat Completions wire (`AzureOpenAIAdapter`): a refusal
as `ContentFilterError` carrying the filter's results, for an HTTP 400 with code
`content_filter` (`filter_error`) and for a reply whose finish_reason is
`content_filter` (`withheld_reply`); the stream parser, whose chunks keep no filter
results, as langchain-openai's keep none (`AzureStreamParser`); and the error families
under which a withheld reply reads as langchain-openai's plain ValueError
(`PARTNER_READING_FAMILIES`, the partner record's `partner_reading` copy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.headers import header_value
from ...errors import APIError
from ...errors import ContentFilterError
from ...messages import AIMessageChunk
from ...sdk_error_families import ErrorFamily
from ...sdk_error_families import sdk_words
from .errors import CHAT_ERROR_FAMILIES
from .errors import skipping
from .response import PROVIDER
from .stream import OpenAIStreamParser

__all__ = [
    "FILTERED",
    "PARTNER_READING_FAMILIES",
    "WITHHELD",
    "AzureStreamParser",
    "filter_error",
    "value_error",
    "withheld",
    "withheld_reply",
]

#: The code and finish_reason of a refusal by the filter.
FILTERED = "content_filter"
#: The words of an error for a reply Azure's filter withheld (langchain-openai's).
WITHHELD = "Azure has not provided the response due to a content filter being triggered"


def withheld(err: BaseException) -> bool:
    """Whether `err` is a reply the filter withheld (no HTTP status)."""
    return isinstance(err, ContentFilterError) and err.status is None


def value_error(err: BaseException, builtins: Any) -> type[BaseException] | None:
    """ValueError for a reply withheld by the filter, as langchain-openai raises it;
    None for any other error."""
    return ValueError if withheld(err) else None


def _withheld_words(err: BaseException) -> None:
    if withheld(err):
        sdk_words(err, WITHHELD)  # langchain-openai's, alone (chatplex's: `message`)


#: What the `partner_reading` copy (`partner.py`) declares: a withheld reply is
#: langchain-openai's plain ValueError alone, in its words, no class of the SDK's nor
#: LangChain's; every other error as the Chat Completions wire's.
PARTNER_READING_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily("builtins", value_error, _withheld_words),
    *(skipping(family, withheld) for family in CHAT_ERROR_FAMILIES),
)


def filter_error(error: APIError) -> ContentFilterError:
    """Azure's content-filter 400 (`error`, the Chat Completions wire's typed error) as
    `ContentFilterError` carrying `innererror.content_filter_result`."""
    data = error.body if isinstance(error.body, dict) else {}
    inner = data.get("innererror") or {}
    results = inner.get("content_filter_result") or inner.get("content_filter_results")
    return ContentFilterError(
        error.message,
        filter_results={"content_filter_results": results or {}},
        provider=error.provider,
        status=error.status,
        error_type=error.error_type,
        code=error.code,
        request_id=error.request_id,
        body=error.body,
        retryable=False,
    )


def withheld_reply(
    meta: Mapping[str, Any], choice: Mapping[str, Any], headers: Mapping[str, str]
) -> ContentFilterError:
    """A reply whose choice the filter withheld (finish_reason `content_filter`), as the
    typed error carrying the results (`status` None)."""
    results = {
        "prompt_filter_results": meta.get("prompt_filter_results"),
        "content_filter_results": choice.get("content_filter_results") or {},
    }
    return ContentFilterError(
        WITHHELD,
        filter_results={k: v for k, v in results.items() if v is not None},
        provider="openai",
        code=FILTERED,
        request_id=header_value(headers, "x-request-id"),
        body=dict(choice),
    )


class AzureStreamParser(OpenAIStreamParser):
    """The OpenAI stream parser over Azure's events, whose filter results no chunk keeps,
    as langchain-openai's stream keeps none: the first event (no choices, empty id and
    model, `prompt_filter_results`) is an empty chunk, as langchain-openai yields one for
    it; an event with only choice 0's `content_filter_results` is an empty chunk too.
    A finish_reason `content_filter` raises `ContentFilterError` with the results seen
    (`withheld_raises`; False: the chunk goes out with it, as langchain-openai's).
    The chunks' `model_name` is the event's, without `model_version` (which a reply's
    carries), as langchain-openai's stream gives it."""

    __slots__ = ("_filter_meta", "_withheld_raises")

    def __init__(
        self,
        request_id: str | None = None,
        *,
        sdk_events: bool = False,
        withheld_raises: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(request_id, raw_keys=False, sdk_events=sdk_events, headers=headers)
        self._filter_meta: dict[str, Any] = {}
        self._withheld_raises = withheld_raises

    def _chunk(self, obj: dict[str, Any]) -> AIMessageChunk | None:
        choices = obj.get("choices") or []
        if not choices and "prompt_filter_results" in obj and not obj.get("usage"):
            # The filter-only first event (issue 47), with the headers kept, if any, and
            # the wire that names the style its generation_info is written in.
            kept = self.first_headers()
            meta = {"headers": kept, "provider": PROVIDER} if kept else {"provider": PROVIDER}
            return AIMessageChunk(content="", response_metadata=meta)
        first = next((c for c in choices if isinstance(c, dict) and not c.get("index")), None)
        chunk = super()._chunk(obj)
        if first is not None and "content_filter_results" in first:
            self._filter_meta = {**self._filter_meta, **(first["content_filter_results"] or {})}
            if chunk is None:
                chunk = AIMessageChunk(content="", id=self._id)
        if self._withheld_raises and first is not None and first.get("finish_reason") == FILTERED:
            raise ContentFilterError(
                WITHHELD,
                filter_results={"content_filter_results": self._filter_meta},
                provider="openai",
                code=FILTERED,
                request_id=self._req_id,
                body=obj,
            )
        return chunk
