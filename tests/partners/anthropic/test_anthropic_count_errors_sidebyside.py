"""ChatAnthropic's `get_num_tokens_from_messages` failing, side by side: langchain-anthropic
calls the SDK's `messages.count_tokens` outside the `try` that re-raises its calls' errors
as its own classes (`AnthropicRateLimitError`...), so a count raises the anthropic SDK's
own class (`anthropic.RateLimitError`), which the drop-in raises there too."""

from __future__ import annotations

import json

import pytest
from langchain_core.messages import HumanMessage

import chatplex.langchain
from tests._silent import SilentServer
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import raised

langchain_anthropic = pytest.importorskip("langchain_anthropic")


def _error(status: int, kind: str, message: str) -> Reply:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return Reply(status, [json.dumps(body).encode()], headers={"request-id": "req_1"})


#: Status → the error Anthropic's API answers a count with.
STATUSES = {
    400: ("invalid_request_error", "prompt is too long: 300000 tokens > 200000 maximum"),
    429: ("rate_limit_error", "Number of request tokens has exceeded your rate limit."),
    500: ("api_error", "Internal server error"),
}


def _both_raised(url: str) -> tuple[BaseException, BaseException]:
    keywords = {"model": "claude-sonnet-4-5", "api_key": "k", "base_url": url}
    keywords |= {"max_retries": 0, "timeout": 0.5}
    messages = [HumanMessage("Hi")]
    classes = (langchain_anthropic.ChatAnthropic, chatplex.langchain.ChatAnthropic)
    theirs, ours = (cls(**keywords) for cls in classes)
    return (
        raised(lambda: theirs.get_num_tokens_from_messages(messages))["error"],
        raised(lambda: ours.get_num_tokens_from_messages(messages))["error"],
    )


def _same_class(theirs: BaseException, ours: BaseException) -> None:
    assert type(theirs).__module__.startswith("anthropic")  # (the SDK's, unwrapped)
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, type(theirs))


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_a_counts_error_status_is_the_sdks_class(status: int, server: ScriptedServer) -> None:
    server.handler = lambda seen: _error(status, *STATUSES[status])
    theirs, ours = _both_raised(server.url)
    _same_class(theirs, ours)
    assert getattr(ours, "status_code", None) == getattr(theirs, "status_code", None) == status


def test_a_counts_timeout_is_the_sdks_class(silent: SilentServer) -> None:
    _same_class(*_both_raised(silent.url))
