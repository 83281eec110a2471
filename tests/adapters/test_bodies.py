"""Reading a reply body on the error path (`adapters/bodies.py`)."""

from __future__ import annotations

import doctest
import json

import pytest

from chatplex.adapters import bodies
from chatplex.adapters.bodies import SNIPPET_CHARS
from chatplex.adapters.bodies import error_member
from chatplex.adapters.bodies import loads
from chatplex.adapters.bodies import reply_object
from chatplex.adapters.bodies import reply_status_error
from chatplex.adapters.bodies import snippet
from chatplex.adapters.bodies import unparsed_text
from chatplex.errors import APIError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError


def test_the_examples_hold() -> None:
    failures, tried = doctest.testmod(bodies)
    assert tried and not failures


def test_a_body_that_is_not_json_is_none() -> None:
    assert loads(b'[1, {"a": null}]') == [1, {"a": None}]
    assert loads('{"a": 1}') == {"a": 1}
    assert loads(b"\xff\xfe{") is None  # not UTF-8
    assert loads(b"") is None
    assert loads(b'{"a": ') is None  # cut off


def test_a_snippet_is_stripped_bounded_and_never_fails_to_decode() -> None:
    assert snippet(b"\n  x  \n") == "x"
    assert snippet(b"a\xffb") == "a\ufffdb"
    long = snippet(b" " + b"y" * (SNIPPET_CHARS + 10))
    assert long == "y" * SNIPPET_CHARS


def test_a_reply_without_a_json_object_is_an_error_quoting_it() -> None:
    assert reply_object(b'{"id": "r"}', "openai") == {"id": "r"}
    for body in (b"<html>502 Bad Gateway</html>", b"[1, 2]", b'{"cut": '):
        with pytest.raises(APIError, match="not a JSON object") as caught:
            reply_object(body, "ollama")
        assert caught.value.provider == "ollama"
        # Bytes that are not JSON may be the road's (retried); other JSON is the server's
        # whole answer, which would come again (not retried: each attempt is billed).
        assert caught.value.retryable is (body != b"[1, 2]")
        assert body.decode().strip() in str(caught.value)


def test_the_error_member_is_a_message_an_error_object_or_none() -> None:
    assert error_member({"error": "busy"}) == "busy"
    assert error_member({"error": {"message": "m", "code": 1}}) == {"message": "m", "code": 1}
    for data in ({"error": None}, {"error": 5}, {"message": "top"}, [{"error": "x"}], None, "e"):
        assert error_member(data) is None


def test_an_error_reply_keeps_what_its_body_says_and_its_json() -> None:
    body = b'{"message": "slow down"}'
    err = reply_status_error(
        "acme", 429, body, {}, data=loads(body), message="slow down", code=7, request_id="r1"
    )
    assert isinstance(err, RateLimitError) and err.retryable
    assert (err.message, err.code, err.request_id) == ("slow down", 7, "r1")
    assert err.body == {"message": "slow down"} and err.provider == "acme"


def test_an_error_reply_saying_nothing_quotes_its_body_else_its_status() -> None:
    page = reply_status_error(
        "acme", 502, b" <html>Bad gateway</html> ", {}, data=None, message=None
    )
    assert isinstance(page, ServerError)
    assert page.message == page.body == "<html>Bad gateway</html>"
    empty = reply_status_error("acme", 503, b"", {}, data=None, message="")
    assert (empty.message, empty.body, empty.code, empty.request_id) == ("HTTP 503", "", None, None)


def test_only_a_401_says_why_the_key_was_withheld() -> None:
    note = " (a key in the URL was not sent)"
    refused = reply_status_error("acme", 401, b"", {}, data=None, message="no", withheld=note)
    assert refused.message == "no" + note
    other = reply_status_error("acme", 403, b"", {}, data=None, message="no", withheld=note)
    assert other.message == "no"


def test_a_reply_that_is_not_json_is_chained_to_the_decoders_error() -> None:
    """A drop-in raises the decoder's own error, as its partner lets it through; a reply
    that is JSON but no object has none."""
    with pytest.raises(APIError) as caught:
        reply_object(b'{"cut": "hal', "openai")
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)
    assert caught.value.__cause__.doc == '{"cut": "hal'
    with pytest.raises(APIError) as whole:
        reply_object(b"[1, 2]", "openai")
    assert whole.value.__cause__ is None


def test_an_unparsed_body_is_its_text_as_it_came() -> None:
    """A proxy's page keeps its line breaks and spaces (what an SDK's error holds of
    it); a JSON body, or a response with no bytes, has none."""
    import httpx

    page = b"<html>\r\n<body>502 Bad Gateway</body>\r\n</html>\r\n"
    assert unparsed_text(httpx.Response(502, content=page)) == page.decode()
    assert unparsed_text(httpx.Response(502, content=b"")) == ""
    assert unparsed_text(httpx.Response(400, content=b'{"error": "no"}')) is None
    assert unparsed_text(None) is None
