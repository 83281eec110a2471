"""The IBM Cloud IAM token (`providers/watsonx/auth.py`), pure: the exchange IBM
documents as a request, the cache until 80% of the token's lifetime (an injected
clock), typed errors that never show the key, tokens that are no header value refused,
a refused token dropped. Sent through a model (sync and async, one exchange for
concurrent callers): test_auth_bounds.py."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from chatplex.adapters.base import CredentialFetch
from chatplex.adapters.reading import MalformedReply
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.providers.watsonx.auth import GRANT_TYPE
from chatplex.providers.watsonx.auth import IAM_URL
from chatplex.providers.watsonx.auth import MAX_REPLY_BYTES
from chatplex.providers.watsonx.auth import IAMToken
from chatplex.secret import Secret

KEY = "ibm-cloud-key-123+/="


def _token(name: str, lifetime: int = 3600) -> bytes:
    return json.dumps(
        {"access_token": name, "token_type": "Bearer", "expires_in": lifetime}
    ).encode()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fetch(token: IAMToken) -> CredentialFetch:
    fetch = token.fetch()
    assert fetch is not None
    return fetch


def test_the_key_is_exchanged_as_ibm_documents_it() -> None:
    fetch = _fetch(IAMToken(Secret(KEY)))
    request = fetch.request
    assert request.method == "POST" and request.url == IAM_URL
    assert IAM_URL == "https://iam.cloud.ibm.com/identity/token"
    assert request.content is not None
    assert dict(urllib.parse.parse_qsl(request.content.decode())) == {
        "grant_type": GRANT_TYPE,
        "apikey": KEY,
    }
    assert GRANT_TYPE == "urn:ibm:params:oauth:grant-type:apikey"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert fetch.max_bytes == MAX_REPLY_BYTES and KEY not in repr(request)


def test_the_token_is_cached_until_80_percent_of_its_lifetime() -> None:
    clock = Clock()
    token = IAMToken(Secret(KEY), clock=clock)
    assert token.authorization() is None
    _fetch(token).read(_token("t-1", 3600))
    assert token.fetch() is None and token.authorization() == Secret("Bearer t-1")
    clock.now += 0.8 * 3600 - 1  # still fresh: nothing to fetch
    assert token.fetch() is None
    clock.now += 1  # 80% gone: refreshed before it expires
    assert token.authorization() is None
    _fetch(token).read(_token("t-2", 3600))
    assert str(token.authorization().get()) == "Bearer t-2"  # type: ignore[union-attr]


def test_a_refused_key_is_a_typed_error_without_the_key() -> None:
    body = json.dumps(
        {
            "errorCode": "BXNIM0415E",
            "errorMessage": f"Provided API key {KEY} could not be found.",
            "context": {"requestId": "iam-1"},
        }
    ).encode()
    err = _fetch(IAMToken(Secret(KEY))).refused(400, body, {})
    assert isinstance(err, BadRequestError) and "could not be found" in str(err)
    assert err.status == 400 and err.code == "BXNIM0415E" and err.request_id == "iam-1"
    quoted = urllib.parse.quote_plus(KEY)
    echoed = _fetch(IAMToken(Secret(KEY))).refused(401, f"bad apikey={quoted}".encode(), {})
    assert isinstance(echoed, AuthenticationError)
    for shown in (err, echoed):
        for text in (str(shown), repr(shown), repr(vars(shown))):
            assert KEY not in text and quoted not in text


def test_a_reply_without_a_token_or_with_wrong_types_is_an_error() -> None:
    with pytest.raises(APIError, match="no access_token"):
        _fetch(IAMToken(Secret(KEY))).read(b'{"expires_in": 3600}')
    with pytest.raises(APIError, match="not a JSON object") as cut:
        _fetch(IAMToken(Secret(KEY))).read(b'{"access')
    assert cut.value.retryable is True
    with pytest.raises(MalformedReply, match="expires_in"):
        _fetch(IAMToken(Secret(KEY))).read(b'{"access_token": "t", "expires_in": "soon"}')


@pytest.mark.parametrize(
    "access",
    ["tok\r\nX-Injected: yes", "tok\n", "tok\x00", "tök"],
    ids=["crlf", "lf", "nul", "utf8"],
)
def test_a_token_that_is_no_header_value_is_refused(access: str) -> None:
    token = IAMToken(Secret(KEY))
    with pytest.raises(APIError, match="not a header value") as caught:
        _fetch(token).read(json.dumps({"access_token": access, "expires_in": 3600}).encode())
    assert access not in str(caught.value) and token.authorization() is None


def test_a_refused_token_is_dropped_and_another_is_not() -> None:
    token = IAMToken(Secret(KEY))
    assert token.drop("Bearer t-1") is False  # none held: nothing to renew
    _fetch(token).read(_token("t-1"))
    assert token.drop("Bearer other") is True and token.authorization() is not None
    assert token.drop("Bearer t-1") is True and token.authorization() is None
    assert token.drop(None) is False


def test_neither_key_nor_token_is_in_the_repr() -> None:
    token = IAMToken(Secret(KEY))
    _fetch(token).read(_token("tok-secret"))
    assert KEY not in repr(token) and "tok-secret" not in repr(token)
    assert repr(token) == f"IAMToken(url={IAM_URL!r})"
