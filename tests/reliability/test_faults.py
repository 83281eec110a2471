"""Every fault the server can inject, on both wire protocols, sync and async, invoke and
stream: transient ones are retried (and the attempts counted the same by the client and
the server), permanent ones are not, and a stream that already yielded a chunk is never
retried but fails with a `StreamError` carrying the partial reply."""

from __future__ import annotations

from typing import Any

import pytest
from _faultkit import NEVER
from _faultkit import FaultPlan
from _faultkit import VirtualTime
from _faultkit import each_way
from _faultkit import make_model
from _faultkit import parity
from _faultkit import stream_into

from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import PermissionDeniedError
from chatplex.errors import QuotaExceededError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.http import retry_policy
from chatplex.messages import merge_chunks
from chatplex.sdk_errors import chatplex_class  # the class raised, SDK-compatible or not
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream

#: Faults injected on the first attempt only; the second attempt must succeed.
TRANSIENT = {
    "429-retry-after-seconds": "status=429;retry_after=0.05",
    "429-retry-after-ms": "status=429;retry_after_ms=50",
    "500": "status=500",
    "502": "status=502",
    "503": "status=503",
    "529": "status=529",
    "reset": "reset",
    "stall": f"stall={NEVER:g}",  # far longer than READ_TIMEOUT
    "midstream-close": "midstream_close;after=0",
    "truncated": "truncated_sse;after=0",
    "malformed-json": "malformed_json;after=0",
    "html-error-page": "html_error",
    "error-payload-200": "error_payload_200",
    "error-event-before-content": "stream_error_event;after=0",
}
#: The read timeout of the stall case only (other cases keep the default timeouts, so a
#: loaded machine cannot make a healthy retry time out): it must fire on the stall, and
#: not on the retry that follows -- one local echo, answered in milliseconds.
READ_TIMEOUT = 1.0


@each_way
@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "stream"])
@pytest.mark.parametrize("fault", list(TRANSIENT.values()), ids=list(TRANSIENT))
async def test_a_transient_fault_is_retried(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool, streaming: bool, fault: str
) -> None:
    model = make_model(mock, provider, timeout=READ_TIMEOUT if "stall" in fault else None)
    headers = plan.on(fault)
    text = f"{provider} {fault}"
    if streaming:
        chunks = await ask_stream(model, sync, text, extra_headers=headers)
        reply: Any = merge_chunks(chunks)
        attempts = chunks[0].response_metadata["attempts"]
    else:
        reply = await ask(model, sync, text, extra_headers=headers)
        attempts = reply.response_metadata["attempts"]
    assert reply.text == f"Echo: {text}"
    assert attempts == 2 == mock.stats.attempts[headers["x-request-key"]]
    assert mock.stats.faults_total == 1


@parity
async def test_retry_after_as_an_http_date_is_honoured(
    mock: MockServer, plan: FaultPlan, sync: bool
) -> None:
    # The policy's sleeps are virtual (the wait it chose is recorded, not slept; the date
    # is read against the real clock all the same), its own backoff in milliseconds.
    time_ = VirtualTime()
    policy = retry_policy(
        2, initial_delay=0.005, max_delay=0.02, jitter=0.0, sleep=time_.sleep, asleep=time_.asleep
    )
    model = make_model(mock, "openai", retry_policy=policy)
    headers = plan.on("status=429;retry_after_date=1")  # whole seconds: 1-2 s from now
    reply = await ask(model, sync, "dated", extra_headers=headers)
    assert reply.text == "Echo: dated" and reply.response_metadata["attempts"] == 2
    [waited] = time_.slept
    assert 0.5 < waited <= 2.0  # the date's wait, not a backoff of the policy's own


@each_way
async def test_anthropic_style_overload_before_the_first_chunk_is_retried(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    headers = plan.on("status=529", "stream_error_event;after=0")
    chunks = await ask_stream(model, sync, "busy", extra_headers=headers)
    assert merge_chunks(chunks).text == "Echo: busy"
    assert chunks[0].response_metadata["attempts"] == 3


@each_way
async def test_retries_run_out_with_the_last_error(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    headers = plan.always("status=503")
    with pytest.raises(ServerError) as info:
        await ask(model, sync, "down", extra_headers=headers)
    assert info.value.status == 503 and info.value.attempts == 3
    assert mock.stats.attempts[headers["x-request-key"]] == 3


PERMANENT: dict[str, tuple[str, str, type[APIError]]] = {
    "400": ("status=400", "status=400", BadRequestError),
    "401": ("status=401", "status=401", AuthenticationError),
    "403": ("status=403", "status=403", PermissionDeniedError),
    "404": ("status=404", "status=404", NotFoundError),
    "422": ("status=422", "status=422", BadRequestError),
    "quota": (
        "status=429;type=insufficient_quota",
        "status=429;message=Your credit balance is too low to access the Anthropic API.",
        QuotaExceededError,
    ),
    "should-retry-false": (
        "status=503;should_retry=false",
        "status=503;should_retry=false",
        ServerError,
    ),
}


@each_way
@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "stream"])
@pytest.mark.parametrize("case", list(PERMANENT.values()), ids=list(PERMANENT))
async def test_a_permanent_failure_is_sent_once(
    mock: MockServer,
    plan: FaultPlan,
    provider: str,
    sync: bool,
    streaming: bool,
    case: tuple[str, str, type[APIError]],
) -> None:
    openai_spec, anthropic_spec, expected = case
    model = make_model(mock, provider)
    headers = plan.always(openai_spec if provider == "openai" else anthropic_spec)
    with pytest.raises(expected) as info:
        if streaming:
            await ask_stream(model, sync, "no", extra_headers=headers)
        else:
            await ask(model, sync, "no", extra_headers=headers)
    assert chatplex_class(info.value) is expected and not info.value.retryable
    assert info.value.attempts == 1 == mock.stats.attempts[headers["x-request-key"]]


@each_way
async def test_the_server_can_ask_for_a_retry_of_a_400(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    headers = plan.on("status=400;should_retry=true")
    reply = await ask(model, sync, "again", extra_headers=headers)
    assert reply.response_metadata["attempts"] == 2


#: Faults after two content deltas have reached the caller.
AFTER_FIRST_CHUNK = {
    "midstream-close": "midstream_close;after=2",
    "truncated": "truncated_sse;after=2",
    "error-event": "stream_error_event;after=2",
    "malformed-json": "malformed_json;after=2",
}


@each_way
@pytest.mark.parametrize("fault", list(AFTER_FIRST_CHUNK.values()), ids=list(AFTER_FIRST_CHUNK))
async def test_a_stream_failing_after_its_first_chunk_is_not_retried(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool, fault: str
) -> None:
    model = make_model(mock, provider)
    headers = plan.always(fault)
    seen: list[Any] = []
    with pytest.raises(StreamError) as info:
        await stream_into(seen, model, sync, "one two three four", extra_headers=headers)
    err = info.value
    assert err.attempts == 1 == mock.stats.attempts[headers["x-request-key"]]
    assert err.partial is not None and err.partial.text == merge_chunks(seen).text
    assert merge_chunks(seen).text.startswith("Echo:")


@each_way
async def test_a_stream_going_quiet_before_any_content_is_retried_then_times_out(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    # Every event is a minute apart: the metadata event arrives, then silence past the
    # idle timeout before any content -- nothing reached the caller, so each attempt is
    # retried. (Silence after content, which is not retried: tests/http/test_retry.py.)
    model = make_model(mock, provider, stream_idle_timeout=0.3)
    headers = {**plan.on(), "x-mock-chunk-delay": f"{NEVER:g}"}
    seen: list[Any] = []
    with pytest.raises(StreamIdleTimeoutError) as info:
        await stream_into(seen, model, sync, "slow reply", extra_headers=headers)
    err = info.value
    assert seen == [] and isinstance(err, StreamError) and err.partial is not None
    assert err.attempts == 3 == mock.stats.attempts[headers["x-request-key"]]
