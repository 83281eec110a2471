"""A header no request may carry (a key with its file's newline, a crafted CR/LF, a
NUL) is refused where `build_request` builds the request, before anything is sent, on
every path of the http layer (send, asend, stream, astream, on the shared pool: the
async one writes header lines itself), with `InvalidHeaderError` naming the header and
never showing its value (the rule itself: tests/adapters/test_header_values.py)."""

from __future__ import annotations

import asyncio
import pickle

import pytest
from _httpkit import FakeAdapter
from _httpkit import LocalServer
from _httpkit import call
from _httpkit import collect

from chatplex.adapters.request_types import HTTPRequest
from chatplex.errors import InvalidHeaderError
from tests._bad_headers import BAD
from tests._bad_headers import KEY


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
