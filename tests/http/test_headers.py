"""The direct path's headers are exactly httpx's: what is sent, and the reply's."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from chatplex.http._headers import ResponseHeaders
from chatplex.http._headers import response_headers
from chatplex.http._headers import wire_header_lines
from chatplex.http._headers import wire_headers

RAWS = [
    [(b"Host", b"x.example"), (b"Authorization", b"Bearer k"), (b"Content-Length", b"2")],
    [(b"X-Name", "é".encode()), (b"x-name", b"second"), (b"Set-Cookie", b"a=1")],  # utf-8
    [(b"X-Latin", b"\xe9")],  # not utf-8: httpx falls back to latin-1
    [],
]


def _made(raw: list[tuple[bytes, bytes]]) -> ResponseHeaders:
    return response_headers(SimpleNamespace(raw_headers=tuple(raw)))  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", RAWS)
def test_wire_headers_are_multi_items(raw: list[tuple[bytes, bytes]]) -> None:
    assert wire_headers(httpx.Headers(raw)) == httpx.Headers(raw).multi_items()


@pytest.mark.parametrize("raw", RAWS)
@pytest.mark.parametrize("encoding", [None, "iso-8859-1"])
def test_wire_header_lines_are_the_multi_items_in_utf8(
    raw: list[tuple[bytes, bytes]], encoding: str | None
) -> None:
    """As aiohttp writes httpx's headers: each decoded in the headers' encoding (found,
    or a caller's own), then UTF-8 -- Latin-1 bytes re-encoded, UTF-8 ones unchanged."""
    headers = httpx.Headers(raw)
    if encoding is not None:
        headers.encoding = encoding
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.multi_items())
    assert wire_header_lines(headers) == lines.encode("utf-8")


@pytest.mark.parametrize("raw", RAWS)
def test_response_headers_answer_as_httpx_headers(raw: list[tuple[bytes, bytes]]) -> None:
    """Names, case, order and encoding; every lookup (present, absent, any case, a
    repeated name joined by ", ") as `httpx.Headers` answers it."""
    reference = httpx.Headers(raw)
    made = _made(raw)
    assert isinstance(made, httpx.Headers)
    assert made.raw == reference.raw
    assert made.multi_items() == reference.multi_items()
    assert made.encoding == reference.encoding
    assert made == reference and dict(made) == dict(reference)
    assert repr(made) == repr(reference)  # credentials masked, the class named alike
    names = [key.decode("latin-1") for key, _ in raw] + ["absent", "X-NAME", "set-cookie2"]
    for name in names:
        assert made.get(name) == reference.get(name)
        assert made.get(name, "d") == reference.get(name, "d")
        assert (name in made) == (name in reference)
        if name in reference:
            assert made[name] == reference[name]
        else:
            with pytest.raises(KeyError):
                made[name]


def test_a_change_to_response_headers_is_seen_by_the_next_lookup() -> None:
    made = _made([(b"A", b"1"), (b"B", b"2")])
    assert made["a"] == "1"  # the index is built
    made["a"] = "changed"
    assert made["A"] == "changed"
    del made["b"]
    assert "b" not in made and made.get("b") is None
    made.update({"c": "3", "a": "again"})
    assert made["c"] == "3" and made["a"] == "again"
    assert made.pop("c") == "3" and "c" not in made
    assert made.setdefault("d", "4") == "4" and made["d"] == "4"
    made.encoding = "latin-1"  # a different decoding: the index follows
    assert made["a"] == "again"
    built = ResponseHeaders({"X-Y": "z"})
    assert built["x-y"] == "z" and built.raw == [(b"X-Y", b"z")]
