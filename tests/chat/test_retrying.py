"""`chat/retrying.py`: the retry policy a call runs under, the model's own or made from
its settings, and a drop-in's as its partner retries (`PartnerCalls`: the failures, the
statuses, a stream at all)."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex.adapters.partner_calls import PartnerCalls
from chatplex.chat import retrying
from chatplex.core.retry import retry_policy
from chatplex.errors import status_error


def test_the_retry_policy_is_the_models_own_or_made_from_its_settings() -> None:
    assert retrying.retry_policy_for(FakeChatModel(max_retries=4, max_retry_after=9.0)) is (
        retry_policy(4, 9.0)
    )
    own = retry_policy(0)
    assert retrying.retry_policy_for(FakeChatModel(retry_policy=own)) is own


def test_a_stream_is_sent_once_where_the_partner_retries_no_stream() -> None:
    """A drop-in whose partner's SDK retries a call's 429 but never a stream's request
    (`PartnerCalls.streams_retried`: the cohere SDK's) sends a stream's once; its calls
    keep their retries, and a `retry_policy` of its own is the stream's too."""

    busy = status_error(provider="p", status=429, message="slow down")
    model = FakeChatModel(max_retries=2)
    model.partner_calls = PartnerCalls(streams_retried=False)  # (as a drop-in's is set)
    assert retrying.retry_policy_for(model).delay(busy, 1) is not None
    assert retrying.retry_policy_for(model, stream=True).delay(busy, 1) is None
    assert retrying.retry_policy_for(FakeChatModel(max_retries=2), stream=True).delay(busy, 1)
    own = retry_policy(3)
    model.retry_policy = own
    assert retrying.retry_policy_for(model, stream=True) is own


def test_a_stream_runs_its_own_retry_loops_where_the_partner_gives_them() -> None:
    """`PartnerCalls.stream_retry_layers` (the Model Gateway's streams: ibm-watsonx-ai's
    transport loop alone): a stream's 429 is raised at the first, a call's is sent again
    by the outer loop; a 500 is retried by both."""
    from chatplex.core.retry_layers import RetryLayer

    inner = RetryLayer(frozenset({500}), retries=3, initial_delay=0.3, max_delay=3.0)
    outer = RetryLayer(frozenset({429}), retries=10, initial_delay=0.5, max_delay=8.0)
    model = FakeChatModel()
    model.partner_calls = PartnerCalls(retry_layers=(inner, outer), stream_retry_layers=(inner,))
    busy, broken = (status_error(provider="p", status=s, message="no") for s in (429, 500))
    call, stream = retrying.retry_policy_for(model), retrying.retry_policy_for(model, stream=True)
    assert call.delay(busy, 1) is not None and stream.delay(busy, 1) is None
    assert call.delay(broken, 1) is not None and stream.delay(broken, 1) is not None


def test_a_dropin_retries_only_the_statuses_its_partner_retries() -> None:
    """`PartnerCalls.statuses` (google-genai's six, from ChatGoogleGenerativeAI's partner
    record): an error of another status chatplex retries (409, 501, 505, 529) is raised
    at the first; a connection not made and an error of no status keep their retries,
    a connection closed without an answer its async ones alone (google-genai's aiohttp
    client retries it, its httpx one does not); chatplex's own family and
    `retry_policy=` retry every status they retry."""
    import httpx

    from chatplex.errors import APIConnectionError
    from chatplex.errors import StreamError
    from chatplex.langchain import ChatGoogleGenerativeAI

    engine = ChatGoogleGenerativeAI(model="gemini-2.5-flash", google_api_key="k").chatplex_model
    assert engine.partner_calls.statuses == {408, 429, 500, 502, 503, 504}
    policy = retrying.retry_policy_for(engine)
    for status in (408, 429, 500, 502, 503, 504, 409, 501, 505, 529, 400):
        error = status_error(provider="google_genai", status=status, message="no")
        retried = policy.delay(error, 1) is not None
        assert retried is (status in engine.partner_calls.statuses), status
        assert (retrying.retry_policy_for(FakeChatModel()).delay(error, 1) is not None) is (
            status != 400
        )
    cut = StreamError("cut", retryable=True)
    refused, closed = APIConnectionError("refused"), APIConnectionError("closed")
    refused.__cause__ = httpx.ConnectError("refused")
    closed.__cause__ = httpx.RemoteProtocolError("closed")
    assert policy.delay(refused, 1) is not None
    assert policy.delay(closed, 1) is None
    assert retrying.retry_policy_for(engine, asynchronous=True).delay(closed, 1) is not None
    assert policy.delay(cut, 1) is not None
    partners, engine.partner_calls = engine.partner_calls, PartnerCalls()
    try:
        busy = status_error(provider="google_genai", status=529, message="no")
        assert retrying.retry_policy_for(engine).delay(busy, 1) is not None
    finally:
        engine.partner_calls = partners


@pytest.mark.parametrize(
    ("dropin", "kinds"),
    [("ollama", frozenset()), ("mistralai", frozenset({"connection", "timeout"}))],
)
def test_a_dropins_retries_are_its_partners_chatplexs_as_an_option(
    dropin: str, kinds: frozenset[str]
) -> None:
    """Under a LangChain name, a wire whose partner retries fewer failures
    (`PartnerCalls.retries`, handed down from its partner record) retries only those:
    langchain-ollama none, langchain-mistralai httpx's request errors, never a 429 or a
    5xx; the same model under chatplex's own name, or given `retry_policy=`, retries
    every transient failure."""
    from chatplex.errors import APIConnectionError
    from chatplex.errors import APITimeoutError
    from chatplex.langchain import ChatMistralAI
    from chatplex.langchain import ChatOllama

    made = (
        ChatOllama(model="llama3.2")
        if dropin == "ollama"
        else ChatMistralAI(model="mistral-small-latest", api_key="k")
    )
    engine = made.chatplex_model
    assert engine.partner_calls.retries == kinds
    busy = status_error(provider="p", status=429, message="slow down")
    refused, slow = APIConnectionError("refused"), APITimeoutError("slow")
    policy = retrying.retry_policy_for(engine)
    assert policy.delay(busy, 1) is None
    assert (policy.delay(refused, 1) is not None) is ("connection" in kinds)
    assert (policy.delay(slow, 1) is not None) is ("timeout" in kinds)
    partners, engine.partner_calls = engine.partner_calls, PartnerCalls()  # chatplex's own
    try:
        assert retrying.retry_policy_for(engine).delay(busy, 1) is not None
    finally:
        engine.partner_calls = partners
    chatplexs = retry_policy(2)
    engine.retry_policy = chatplexs
    assert retrying.retry_policy_for(engine) is chatplexs


def test_chatmistralai_max_retries_counts_attempts_with_langchains_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under ChatMistralAI, `max_retries` is langchain-mistralai's tenacity
    `stop_after_attempt(max_retries)`: that many attempts in all (one at least), waiting
    4, 4, 4, 8, 10 s (LangChain's base retry decorator). Side by side on a server that
    resets each connection, the waits taken by injected sleeps (none real): the same
    attempts and waits as the partner's sync call; async too on our side."""
    import asyncio
    import time
    import warnings

    import chatplex.langchain
    from chatplex.testing import MockRequest
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_mistralai").ChatMistralAI
    waits: list[float] = []

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    def injected(*args: Any, **kwargs: Any) -> Any:  # chatplex's policy, sleeps recorded
        return retry_policy(*args, sleep=waits.append, asleep=asleep, **kwargs)

    monkeypatch.setattr(retrying, "_retry_policy", injected)
    monkeypatch.setattr(time, "sleep", waits.append)  # tenacity's sleep, the partner's
    seen: list[MockRequest] = []

    def attempts(cls: Any, retries: int, *, asynchronous: bool) -> tuple[int, list[float]]:
        del seen[:], waits[:]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(api_key="k", base_url=server.openai_base_url, max_retries=retries)
        with pytest.raises(Exception):  # noqa: B017, PT011 - the count is compared
            _ = asyncio.run(model.ainvoke("hi")) if asynchronous else model.invoke("hi")
        return len(seen), list(waits)

    plan = lambda request: seen.append(request) or "reset"  # noqa: E731
    with MockServer(fault_plan=plan) as server:
        for retries in (0, 1, 3, 6):
            ours = attempts(chatplex.langchain.ChatMistralAI, retries, asynchronous=False)
            assert ours[0] == max(retries, 1)
            # (the partner's async retries sleep in asyncio, which is not injected)
            assert ours == attempts(partner, retries, asynchronous=False)
            assert ours == attempts(chatplex.langchain.ChatMistralAI, retries, asynchronous=True)
    assert ours[1] == [4.0, 4.0, 4.0, 8.0, 10.0]


def test_docstring_examples() -> None:
    result = doctest.testmod(retrying)
    assert result.attempted >= 2 and result.failed == 0
