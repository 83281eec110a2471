"""A header no request may carry (a key with its file's newline, a crafted CR/LF, a
NUL) is refused before anything is sent, on every path of the http layer (send, asend,
stream, astream, on the shared pool: the async one writes header lines itself), with
`InvalidHeaderError` naming the header and never showing its value."""

from __future__ import annotations

import asyncio
import pickle

import pytest
from _httpkit import FakeAdapter
from _httpkit import LocalServer
from _httpkit import call
from _httpkit import collect

from chatplex.adapters.header_values import check_raw_headers
from chatplex.adapters.keys import hold_secrets
from chatplex.adapters.request_types import HTTPRequest
from chatplex.errors import InvalidHeaderError
from chatplex.secret import Secret

KEY = "sk-never-shown-4242"
#: name -> a value a server must never receive.
BAD = {
    "crlf-injection": f"Bearer {KEY}\r\nX-Injected: yes",
    "file-newline": f"Bearer {KEY}\n",
    "bare-cr": f"Bearer {KEY}\rX",
    "nul": f"Bearer {KEY}\x00",
    "other-control": f"Bearer {KEY}\x1b",
}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("streamed", [False, True], ids=["reply", "stream"])
@pytest.mark.parametrize("case", BAD)
def test_nothing_is_sent_and_the_error_names_the_header_only(
    server: LocalServer, sync: bool, streamed: bool, case: str
) -> None:
    adapter = FakeAdapter(server.url)
    request = HTTPRequest("POST", server.url + "/json", {"authorization": BAD[case]}, {})
    before = server.connections
    with pytest.raises(InvalidHeaderError) as caught:
        asyncio.run((collect if streamed else call)(sync, adapter, request, retry=None))
    err = caught.value
    assert err.header == "authorization" and isinstance(err, ValueError)
    assert KEY not in str(err) and KEY not in repr(err) and "Nothing was sent" in str(err)
    assert server.connections == before  # refused before any connection was opened
    assert pickle.loads(pickle.dumps(err)).header == "authorization"


def test_a_tab_and_utf8_pass_and_a_bad_name_is_refused() -> None:
    check_raw_headers([(b"x-a", b"a\tb"), (b"x-b", "Zürich".encode())])
    with pytest.raises(InvalidHeaderError, match="not a header name"):
        check_raw_headers([(b"x-a\r\nx-injected", b"v")])


@pytest.mark.parametrize("case", BAD)
def test_an_adapter_refuses_the_key_when_it_is_built(case: str) -> None:
    for value in (BAD[case], Secret(BAD[case])):
        with pytest.raises(InvalidHeaderError) as caught:
            hold_secrets({"Authorization": value}, frozenset())
        assert KEY not in str(caught.value)


def test_a_model_built_with_a_keys_trailing_newline_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chatplex.lean import init_chat_model

    with pytest.raises(InvalidHeaderError, match="'Authorization' has a line feed") as given:
        init_chat_model("openai:gpt-4o-mini", api_key=KEY + "\n", base_url="http://127.0.0.1:9")
    monkeypatch.setenv("OPENAI_API_KEY", KEY + "\r")  # a .env file with CRLF line ends
    with pytest.raises(InvalidHeaderError, match="carriage return") as from_env:
        init_chat_model("openai:gpt-4o-mini")
    for err in (given.value, from_env.value):
        assert KEY not in str(err)
