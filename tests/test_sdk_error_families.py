"""The transport and decoder families (`chatplex.sdk_error_families`): a failure in
transit as the httpx or aiohttp error an SDK lets through, a stream that broke off as
its HTTP client's error, a reply that is not JSON as the decoder's error; what failed in
transit (`failure_kind`) and the SDK's words (`sdk_words`)."""

from __future__ import annotations

import json
import pickle
import ssl
import sys
import types

import httpx
import openai
import pytest

from chatplex import errors
from chatplex.sdk_error_families import aiohttp_bridge_cut_family
from chatplex.sdk_error_families import aiohttp_families
from chatplex.sdk_error_families import bridged_failures
from chatplex.sdk_error_families import cut_stream_family
from chatplex.sdk_error_families import decode_family
from chatplex.sdk_error_families import except_cut_streams
from chatplex.sdk_error_families import failure_kind
from chatplex.sdk_error_families import joined_classes
from chatplex.sdk_error_families import transport_family
from chatplex.sdk_error_langchain import LANGCHAIN_MODEL_ERRORS
from chatplex.sdk_error_langchain import partner_family
from chatplex.sdk_error_stainless import sdk_class_for
from chatplex.sdk_error_stainless import stainless_family
from chatplex.sdk_errors import sdk_compatible

lc_exceptions = pytest.importorskip("langchain_core.exceptions")


def test_transport_family_makes_timeouts_and_refused_connections_httpxs_own() -> None:
    request = httpx.Request("POST", "http://127.0.0.1:9/v2/chat")
    families = (transport_family(),)
    slow = sdk_compatible(errors.APITimeoutError("slow"), families)
    late = sdk_compatible(errors.DeadlineExceededError("late"), families)
    refused = sdk_compatible(errors.APIConnectionError("refused"), families, lambda: request)
    status = sdk_compatible(errors.RateLimitError("busy", status=429), families)
    assert isinstance(slow, httpx.TimeoutException) and isinstance(late, httpx.TimeoutException)
    assert isinstance(refused, httpx.ConnectError)
    assert refused.request is request  # httpx's property reads what chatplex holds
    assert not isinstance(status, httpx.HTTPError)  # an error status is the SDK's, not httpx's


def test_transport_family_is_the_httpx_error_under_it_in_its_words() -> None:
    """A failure whose cause is httpx's error is that error's class and words, as a
    client built on httpx lets it through; chatplex's words stay as `provider_message`
    (and on chatplex's own models, as they were)."""
    families = (transport_family(),)
    refused = errors.APIConnectionError("connection to http://h:9/ failed", provider="p")
    refused.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    shown = sdk_compatible(refused, families)
    assert isinstance(shown, httpx.ConnectError)
    assert str(shown) == "[Errno 111] Connection refused"
    assert shown.provider_message == "connection to http://h:9/ failed"
    cut = errors.StreamError("stream from h broke off", provider="p")
    cut.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    broken = sdk_compatible(cut, families)
    assert isinstance(broken, httpx.RemoteProtocolError) and str(broken) == "peer closed connection"
    slow = errors.APITimeoutError("read timeout: h sent nothing within 1 s", provider="p")
    slow.__cause__ = httpx.ReadTimeout("timed out")
    assert isinstance(sdk_compatible(slow, families), httpx.ReadTimeout)
    own = errors.APIConnectionError("connection to http://h:9/ failed", provider="p")
    own.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    kept = sdk_compatible(own, families, words=False)
    assert isinstance(kept, httpx.ConnectError)
    assert str(kept) == "p: connection to http://h:9/ failed"
    event = errors.StreamError("busy", provider="p", error_type="server_error")
    event.__cause__ = httpx.RemoteProtocolError("x")
    assert not isinstance(sdk_compatible(event, families), httpx.HTTPError)  # the provider's


def test_transport_family_words_async_failures_as_httpxs_own_async_client() -> None:
    """chatplex's async client words a refused connection as aiohttp ("Connection
    refused"); httpx's own async client says "All connection attempts failed": the httpx
    error it raised carries those words (`httpcore_words`), which the partner's are."""
    families = (transport_family(),)
    refused = errors.APIConnectionError("connection to http://h:9/ failed", provider="p")
    cause = httpx.ConnectError("Connection refused")
    cause.httpcore_words = "All connection attempts failed"  # type: ignore[attr-defined]
    refused.__cause__ = cause
    shown = sdk_compatible(refused, families)
    assert isinstance(shown, httpx.ConnectError)
    assert str(shown) == "All connection attempts failed"
    assert shown.provider_message == "connection to http://h:9/ failed"
    own = errors.APIConnectionError("connection to http://h:9/ failed", provider="p")
    own.__cause__ = cause
    assert str(sdk_compatible(own, families, words=False)) == "p: connection to http://h:9/ failed"


def test_an_sdk_that_lets_cut_streams_through_raises_its_clients_error() -> None:
    """`except_cut_streams` leaves a stream that broke off to `cut_stream_family`, which
    picks the class of the same name in the SDK's HTTP client (another module than
    httpx: by name); an error event, a malformed event, a refused connection stay the
    SDK's."""
    client = types.ModuleType("httpx2_like")
    client.RemoteProtocolError = type("RemoteProtocolError", (Exception,), {})  # type: ignore[attr-defined]
    sdk = types.ModuleType("sdk_like")
    sdk.APIConnectionError = type("APIConnectionError", (Exception,), {})  # type: ignore[attr-defined]
    sdk.APIStatusError = type("APIStatusError", (Exception,), {})  # type: ignore[attr-defined]
    pick = except_cut_streams(sdk_class_for)
    cut_family = cut_stream_family("httpx2_like")
    cut = errors.StreamError("broke off", provider="p")
    cut.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    assert pick(cut, sdk) is None
    assert cut_family.pick(cut, client) is client.RemoteProtocolError  # type: ignore[attr-defined]
    malformed = errors.StreamError("bad event", provider="p")
    malformed.__cause__ = ValueError("not JSON")
    event = errors.StreamError("busy", provider="p", error_type="server_error")
    refused = errors.APIConnectionError("refused", provider="p")
    refused.__cause__ = httpx.ConnectError("refused")
    assert pick(malformed, sdk) is sdk.APIConnectionError  # type: ignore[attr-defined]
    assert pick(event, sdk) is sdk.APIStatusError  # type: ignore[attr-defined]
    assert pick(refused, sdk) is sdk.APIConnectionError  # type: ignore[attr-defined]
    for other in (malformed, event, refused):
        assert cut_family.pick(other, client) is None


def test_aiohttp_families_are_httpxs_error_sync_and_aiohttps_async() -> None:
    """For an SDK over httpx (sync) and aiohttp (async): httpx's own error is its class
    and words; one chatplex's async client raised for aiohttp's exception is that
    exception's class, in aiohttp's words; neither for an async error with no aiohttp
    exception (a lean connection's) nor for a failure with no httpx error under it."""
    import aiohttp

    families = aiohttp_families()
    synced = errors.StreamError("stream from h broke off", provider="p")
    synced.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    shown = sdk_compatible(synced, families)
    assert isinstance(shown, httpx.RemoteProtocolError) and str(shown) == "peer closed connection"
    cut = errors.StreamError("stream from h broke off", provider="p")
    cause = httpx.RemoteProtocolError("Response payload is not completed")
    cause.httpcore_words = "peer closed connection"  # type: ignore[attr-defined]
    cause.aiohttp_class = aiohttp.ClientPayloadError  # type: ignore[attr-defined]
    cut.__cause__ = cause
    shown = sdk_compatible(cut, families)
    assert isinstance(shown, aiohttp.ClientPayloadError)
    assert not isinstance(shown, httpx.HTTPError)
    assert str(shown) == "Response payload is not completed"
    assert shown.provider_message == "stream from h broke off"  # type: ignore[attr-defined]
    lean = errors.APIConnectionError("connection to h failed", provider="p")
    lean.__cause__ = httpx.ConnectError("Connection refused")
    lean.__cause__.httpcore_words = "All connection attempts failed"  # type: ignore[attr-defined]
    late = errors.APITimeoutError("h sent nothing within 1 s", provider="p")
    for untouched in (lean, late):
        assert type(sdk_compatible(untouched, families)) is type(untouched)
    # A passed deadline (chatplex's own) is httpx's timeout on both paths: with the sync
    # client's error under it and with none (the async watch's).
    synced_deadline = errors.DeadlineExceededError("the call's deadline passed")
    synced_deadline.__cause__ = httpx.ReadTimeout("timed out")
    for deadline in (synced_deadline, errors.DeadlineExceededError("passed")):
        assert type(sdk_compatible(deadline, families)).__name__ == "TimeoutException"


def test_sdk_words_give_str_and_args_and_survive_pickling() -> None:
    """`sdk_words`: `str()` and `args` as the SDK's error builds them (args may differ
    from the text, as api-core's and ollama's do); chatplex's message stays a field."""
    from chatplex.sdk_error_families import sdk_words

    err = errors.status_error(provider="p", status=400, message="bad")
    sdk_words(err, "bad (status code: 400)", "bad")
    assert (str(err), err.args, err.message) == ("bad (status code: 400)", ("bad",), "bad")
    copy = pickle.loads(pickle.dumps(err))
    assert (str(copy), copy.args) == ("bad (status code: 400)", ("bad",))
    sdk_words(err, "only the text")
    assert err.args == ("only the text",)


def test_failure_kind_names_what_failed_in_transit() -> None:
    assert failure_kind(errors.APITimeoutError("slow")) == "timeout"
    assert failure_kind(errors.DeadlineExceededError("late")) == "timeout"
    assert failure_kind(errors.APIConnectionError("refused")) == "connection"
    assert failure_kind(errors.StreamError("cut")) == "stream"
    assert failure_kind(errors.StreamError("busy", error_type="server_error")) is None
    assert failure_kind(errors.status_error(provider="openai", status=500, message="m")) is None


def _undecoded(cls: type[errors.APIError], text: str) -> errors.APIError:
    """chatplex's error for a reply or an event that is not JSON, chained to the
    decoder's error as the adapters raise it."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        err = cls(f"response body is not a JSON object: {text}", provider="openai")
        err.__cause__ = exc
        return err
    raise AssertionError("the text is JSON")


@pytest.mark.parametrize("cls", [errors.APIError, errors.StreamError])
def test_decode_family_makes_a_reply_that_is_not_json_the_decoders_error(
    cls: type[errors.APIError],
) -> None:
    """A body cut in half or a malformed event is json's JSONDecodeError in its words and
    fields, first in the hierarchy and none of the SDK's or LangChain's classes (the SDKs
    let the decoder's error through); chatplex's words stay as `provider_message`; on
    chatplex's own models, its words are kept."""
    families = (
        decode_family(),
        partner_family("langchain_openai.chat_models.base", "OpenAI", broken_stream=True),
        stainless_family("openai"),
        LANGCHAIN_MODEL_ERRORS,
    )
    shown = sdk_compatible(_undecoded(cls, '{"id": "r", "cho'), families)
    assert isinstance(shown, json.JSONDecodeError) and isinstance(shown, cls)
    first = next(c for c in joined_classes(shown) if not c.__module__.startswith("chatplex"))
    assert first is json.JSONDecodeError
    assert type(shown).__qualname__ == "JSONDecodeError"  # as a traceback names it
    assert not isinstance(shown, (openai.OpenAIError, lc_exceptions.ModelError))
    assert str(shown) == "Unterminated string starting at: line 1 column 13 (char 12)"
    assert (shown.msg, shown.pos, shown.lineno, shown.colno) == (
        "Unterminated string starting at",
        12,
        1,
        13,
    )
    assert shown.doc == '{"id": "r", "cho'
    assert shown.provider_message == 'response body is not a JSON object: {"id": "r", "cho'
    own = sdk_compatible(_undecoded(cls, "{"), families, words=False)
    assert isinstance(own, json.JSONDecodeError)
    assert str(own) == "openai: response body is not a JSON object: {"
    plain = sdk_compatible(cls("not an object: [1]", provider="openai"), families)
    assert not isinstance(plain, json.JSONDecodeError)


def _refused(port: int) -> errors.APIConnectionError:
    """What chatplex's async client raises for a refused connection: the httpx error
    under it marked with what aiohttp's connector error is made of (`_lean`)."""
    import aiohttp

    request = httpx.Request("POST", f"http://127.0.0.1:{port}/v1beta/models/m:generateContent")
    cause = httpx.ConnectError("Connection refused", request=request)
    cause.httpcore_words = "All connection attempts failed"  # type: ignore[attr-defined]
    cause.aiohttp_class = aiohttp.ClientConnectorError  # type: ignore[attr-defined]
    cause.os_error = ConnectionRefusedError(  # type: ignore[attr-defined]
        111, f"Connect call failed ('127.0.0.1', {port})"
    )
    cause.ssl_context = ssl.create_default_context()  # type: ignore[attr-defined]
    refused = errors.APIConnectionError("connection to h failed", provider="p")
    refused.__cause__ = cause
    return refused


def test_aiohttp_families_word_a_refused_connection_as_aiohttps_connector() -> None:
    """A refused connection met by chatplex's async client is aiohttp's
    ClientConnectorError in its words, built by aiohttp's own class: naming the SSL
    context where the SDK passes one with each request, else "default"; with its
    `host`, `port`, `ssl`, `os_error`, `errno`; chatplex's words kept as
    `provider_message`; picklable (the SSL context left behind)."""
    import aiohttp

    refused = _refused(4242)
    context = refused.__cause__.ssl_context  # type: ignore[union-attr]
    named = sdk_compatible(refused, aiohttp_families(ssl_per_request=True))
    assert isinstance(named, aiohttp.ClientConnectorError)
    assert str(named) == (
        f"Cannot connect to host 127.0.0.1:4242 ssl:{context} "
        "[Connect call failed ('127.0.0.1', 4242)]"
    )
    assert (named.host, named.port, named.ssl) == ("127.0.0.1", 4242, context)
    assert isinstance(named.os_error, ConnectionRefusedError) and named.errno == 111
    assert named.provider_message == "connection to h failed"  # type: ignore[attr-defined]
    assert named.args[1] is named.os_error
    copy = pickle.loads(pickle.dumps(named))
    assert isinstance(copy, aiohttp.ClientConnectorError) and str(copy) == str(named)
    plain = sdk_compatible(_refused(4242), aiohttp_families())
    assert str(plain).startswith("Cannot connect to host 127.0.0.1:4242 ssl:default [")
    own = sdk_compatible(_refused(4242), aiohttp_families(ssl_per_request=True), words=False)
    assert isinstance(own, aiohttp.ClientConnectorError)
    assert str(own) == "p: connection to h failed"
    assert str(pickle.loads(pickle.dumps(own))) == "p: connection to h failed"


def test_transport_family_makes_the_async_bounds_timeout_httpxs_read_timeout() -> None:
    """chatplex's async bound's timeout (marked by `_watch`: no httpx error under it) is
    the read timeout httpx's own async client raises for the wait, with its words (none),
    as the sync client's is (its httpx error under it); chatplex's own models keep its
    words. A passed deadline is httpx's `TimeoutException` whatever was under it: the
    same class on the sync path (an httpx error under it) and the async one (none)."""
    families = (transport_family(),)

    def bound() -> errors.APITimeoutError:
        late = errors.APITimeoutError("h sent no complete reply within 1 s", provider="p")
        late.httpx_class = "ReadTimeout"  # type: ignore[attr-defined]
        return late

    shown = sdk_compatible(bound(), families)
    assert type(shown).__name__ == "ReadTimeout" and isinstance(shown, httpx.ReadTimeout)
    assert (str(shown), shown.args) == ("", ("",))
    assert shown.provider_message == "h sent no complete reply within 1 s"  # type: ignore[attr-defined]
    assert str(sdk_compatible(bound(), families, words=False)).startswith("p: h sent no")
    sync_deadline = errors.DeadlineExceededError("the call's deadline passed")
    sync_deadline.__cause__ = httpx.ReadTimeout("timed out")
    async_deadline = errors.DeadlineExceededError("the call's deadline passed")
    for deadline in (sync_deadline, async_deadline):
        late = sdk_compatible(deadline, families)
        assert type(late).__name__ == "TimeoutException", type(late).__mro__
        assert not isinstance(late, httpx.ReadTimeout)


def test_aiohttp_families_word_the_async_bounds_timeout_as_aiohttps_total_timeout() -> None:
    """chatplex's async bound's timeout (marked by `_watch`) is asyncio's TimeoutError
    with no words and no arguments, as aiohttp's total timeout raises it, chatplex's
    words kept as `provider_message`; chatplex's own models keep its words; a timeout
    of the sync client (no mark) is not aiohttp's."""
    families = aiohttp_families()

    def bound() -> errors.APITimeoutError:
        late = errors.APITimeoutError("h sent no complete reply within 1 s", provider="p")
        late.aiohttp_class = TimeoutError  # type: ignore[attr-defined]
        return late

    shown = sdk_compatible(bound(), families)
    assert isinstance(shown, TimeoutError)
    assert (str(shown), shown.args) == ("", ())
    assert shown.provider_message == "h sent no complete reply within 1 s"  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(shown))
    assert (str(copy), copy.args) == ("", ())
    own = sdk_compatible(bound(), families, words=False)
    assert str(own) == "p: h sent no complete reply within 1 s"
    synced = errors.APITimeoutError("h sent no complete reply within 1 s", provider="p")
    assert str(sdk_compatible(synced, families)) == "p: h sent no complete reply within 1 s"


def test_the_aiohttp_bridge_family_maps_aiohttps_class_as_the_transport_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`aiohttp_bridge_cut_family`: a cut stream chatplex's async client saw as aiohttp's
    exception is the httpx class httpx-aiohttp's map gives it (the most specific target
    matched), in the words of the error under it; a sync cut is httpx's own, in httpx's
    words; another error, or no transport module loaded, none."""
    transport = types.ModuleType("httpx_aiohttp.transport")
    base = type("ClientConnectionError", (Exception,), {})
    payload = type("ClientPayloadError", (base,), {})
    transport.AIOHTTP_EXC_MAP = {  # type: ignore[attr-defined]
        base: httpx.TransportError,
        payload: httpx.ReadError,
    }
    family = aiohttp_bridge_cut_family()
    cut = errors.StreamError("stream from h broke off", provider="p")
    cause = httpx.RemoteProtocolError("Response payload is not completed")
    cause.aiohttp_class = payload  # type: ignore[attr-defined]
    cut.__cause__ = cause
    monkeypatch.delitem(sys.modules, "httpx_aiohttp.transport", raising=False)
    assert family.pick(cut, httpx) is None
    monkeypatch.setitem(sys.modules, "httpx_aiohttp.transport", transport)
    shown = sdk_compatible(cut, (family,))
    assert isinstance(shown, httpx.ReadError)
    assert str(shown) == "Response payload is not completed"
    synced = errors.StreamError("stream from h broke off", provider="p")
    synced.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    assert family.pick(synced, httpx) is httpx.RemoteProtocolError
    event = errors.StreamError("busy", provider="p", error_type="server_error")
    assert family.pick(event, httpx) is None


def test_bridged_failures_pick_a_refused_async_connection_as_the_transports_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`bridged_failures`: a connection chatplex's async client could not make (marked
    as aiohttp's ClientConnectorError) is what httpx-aiohttp's transport raises for it,
    httpx's ConnectTimeout: the family's timeout class, in the SDK's words for it; the
    sync client's refused connection (no mark), or no transport module loaded, stays a
    failed connection."""
    pytest.importorskip("httpx_aiohttp.transport")
    families = (
        bridged_failures(stainless_family("openai")),
        bridged_failures(LANGCHAIN_MODEL_ERRORS),
    )
    shown = sdk_compatible(_refused(4242), families)
    assert isinstance(shown, openai.APITimeoutError)
    assert isinstance(shown, lc_exceptions.ModelTimeoutError)
    assert isinstance(shown, errors.APIConnectionError)  # chatplex's class stays its own
    assert str(shown) == "Request timed out."
    synced = errors.APIConnectionError("connection to h failed", provider="p")
    synced.__cause__ = httpx.ConnectError("Connection refused")
    plain = sdk_compatible(synced, families)
    assert not isinstance(plain, openai.APITimeoutError)
    assert isinstance(plain, openai.APIConnectionError) and str(plain) == "Connection error."
    monkeypatch.delitem(sys.modules, "httpx_aiohttp.transport")
    unbridged = sdk_compatible(_refused(4242), families)
    assert not isinstance(unbridged, openai.APITimeoutError)
    assert isinstance(unbridged, lc_exceptions.ModelConnectionError)
