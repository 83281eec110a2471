"""What a header may hold (`adapters/header_values.py`): no CR, LF, NUL or other control
character in a value (a tab and UTF-8 pass), an HTTP token as a name; the error names
the header, says where the character is, and never shows the value; an adapter refuses
such a header (its key with its file's newline) when it is built. The same check on
every path that sends: tests/http/test_request_headers.py,
tests/batches/test_transport_headers.py, tests/tracing/test_sender.py."""

from __future__ import annotations

import doctest
import pickle

import pytest

from chatplex.adapters import header_values as module
from chatplex.adapters.header_values import check_header
from chatplex.adapters.header_values import check_headers_sent
from chatplex.adapters.header_values import check_raw_headers
from chatplex.adapters.header_values import control_character
from chatplex.adapters.keys import hold_secrets
from chatplex.errors import InvalidHeaderError
from chatplex.secret import Secret
from tests._bad_headers import BAD
from tests._bad_headers import KEY


def test_where_the_character_is_in_words_that_quote_nothing() -> None:
    assert control_character(f"{KEY}\n") == "a line feed (LF) at its end"
    assert control_character(f"{KEY}\r\nX: y") == "a carriage return (CR) inside it"
    assert control_character(b"a\x00b") == "a NUL inside it"
    assert control_character(Secret(f"{KEY}\x1b")) == "a control character (U+001B) at its end"
    assert control_character("a\tb Zürich") is None and control_character(b"") is None


@pytest.mark.parametrize("case", BAD)
def test_every_form_of_a_value_is_refused_naming_the_header_only(case: str) -> None:
    value = BAD[case]
    for given in (value, value.encode(), Secret(value)):
        with pytest.raises(InvalidHeaderError) as caught:
            check_header("authorization", given)
        assert caught.value.header == "authorization" and KEY not in str(caught.value)
    with pytest.raises(InvalidHeaderError):
        check_raw_headers([(b"x-a", b"fine"), (b"authorization", value.encode())])
    with pytest.raises(InvalidHeaderError):
        check_headers_sent({"x-a": "fine", "authorization": value})


def test_a_tab_and_utf8_pass_and_a_bad_name_is_refused() -> None:
    check_raw_headers([(b"x-a", b"a\tb"), (b"x-b", "Zürich".encode())])
    check_raw_headers([])
    for name in (b"x-a\r\nx-injected", b"x a", b"", b"x:a"):
        with pytest.raises(InvalidHeaderError, match="not a header name"):
            check_raw_headers([(b"x-ok", b"v"), (name, b"v")])


def test_the_error_is_a_value_error_that_pickles_whole() -> None:
    with pytest.raises(ValueError) as caught:  # bad input, refused before any request
        check_header("x-api-key", f"{KEY}\n", "default_headers: ")
    err = caught.value
    assert isinstance(err, InvalidHeaderError) and str(err).startswith("default_headers: ")
    again = pickle.loads(pickle.dumps(err))
    assert again.header == "x-api-key" and str(again) == str(err)


@pytest.mark.parametrize("case", BAD)
def test_an_adapter_refuses_the_key_when_it_is_built(case: str) -> None:
    for value in (BAD[case], Secret(BAD[case])):
        with pytest.raises(InvalidHeaderError) as caught:
            hold_secrets({"Authorization": value}, frozenset())
        assert KEY not in str(caught.value)


def test_a_model_built_with_a_keys_trailing_newline_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chatplex import init_chat_model

    with pytest.raises(InvalidHeaderError, match="'Authorization' has a line feed") as given:
        init_chat_model("openai:gpt-4o-mini", api_key=KEY + "\n", base_url="http://127.0.0.1:9")
    monkeypatch.setenv("OPENAI_API_KEY", KEY + "\r")  # a .env file with CRLF line ends
    with pytest.raises(InvalidHeaderError, match="carriage return") as from_env:
        init_chat_model("openai:gpt-4o-mini")
    for err in (given.value, from_env.value):
        assert KEY not in str(err)


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0
