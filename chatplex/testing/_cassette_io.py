"""Cassette files in the wire-corpus format, and scrubbing of secrets (private).

A cassette named `greeting` holds one case per HTTP exchange, numbered in the order the
responses arrived: `greeting-0.json` (a JSON body) or `greeting-0.sse` (the raw
Server-Sent Events, byte for byte) next to `greeting-0.meta.json`, the sidecar with the
request (method, uri, headers, body), status and response headers -- the same layout as
the shared wire corpus, so corpus tooling reads recordings too.

Nothing secret is written: credential headers (and those the model marks with
`secret_headers=`) are replaced by `<scrubbed>`, cookies and organisation ids are
dropped, sensitive query parameters are masked, and every occurrence of a key seen in
the request or in a `*_API_KEY`-like environment variable is replaced anywhere in the
files.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..secret import is_secret_header
from ..secret.urls import is_secret_query

__all__ = [
    "SCRUBBED",
    "Exchange",
    "Recording",
    "Scrubber",
    "case_paths",
    "parse_body",
    "read_cassette",
    "remove_cassette",
    "write_exchange",
]

SCRUBBED = "<scrubbed>"
#: Scrubbed besides the credentials `chatplex.secret` knows (its names, and any header or
#: query parameter named like one: x-portkey-api-key, helicone-auth, sig...; the rules
#: shared with errors and logs): these name the account.
ACCOUNT_HEADERS = frozenset({"openai-organization", "openai-project"})
DROPPED_RESPONSE_HEADERS = frozenset(
    {"set-cookie", "openai-organization", "openai-project", "anthropic-organization-id"}
)
# Framing that belongs to the original connection, not to the replayed body.
HOP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}
)
_SECRET_ENV = re.compile(r"(API_?KEY|TOKEN|SECRET)$", re.IGNORECASE)
_MIN_SECRET = 8  # shorter values would scrub ordinary words
_EXTENSIONS = {"sse": ".sse", "json": ".json", "text": ".txt"}


@dataclass
class Exchange:
    """One live request and its response, as captured (not yet scrubbed)."""

    index: int
    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    response_headers: list[tuple[str, str]]
    body: bytes = b""
    #: The credential values the request carried by chatplex's rules, with the headers
    #: the model marked secret (`secret_headers=`) and those carrying its key, whatever
    #: their names (`chatplex.http.request_secrets`).
    secrets: list[str] = field(default_factory=list)


@dataclass
class Recording:
    """One recorded exchange, read back for replay."""

    index: int
    method: str
    path: str
    body: Any
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    used: bool = field(default=False, compare=False)


def _is_secret_header(name: str) -> bool:
    return is_secret_header(name, ACCOUNT_HEADERS)


class Scrubber:
    """Removes credentials from what is written.

    >>> s = Scrubber(["sk-SENTINEL-123"])
    >>> s.text("key sk-SENTINEL-123 here")
    'key <scrubbed> here'
    >>> s.url("https://x.test/v1?key=abc&alt=sse")
    'https://x.test/v1?key=%3Cscrubbed%3E&alt=sse'
    >>> s.url("https://user:pw@x.test/v1")
    'https://x.test/v1'
    """

    def __init__(self, secrets: Iterable[str], carried: Iterable[str] = ()) -> None:
        found = {s for s in secrets if len(s) >= _MIN_SECRET}
        self.secrets = sorted(found, key=len, reverse=True)  # longest first
        # (a header holding one of these is scrubbed whole, however short)
        self.carried = frozenset(carried)

    @classmethod
    def for_request(
        cls,
        headers: Iterable[tuple[str, str]],
        environ: Mapping[str, str] | None = None,
        carried: Iterable[str] = (),
    ) -> Scrubber:
        """Secrets from the request's credential headers, the credentials it `carried`
        (`Exchange.secrets`: what chatplex marked, under any name) and the environment's
        keys."""
        env = os.environ if environ is None else environ
        secrets = {v for k, v in env.items() if _SECRET_ENV.search(k)}
        carried = set(carried)
        for name, value in headers:
            if _is_secret_header(name):
                secrets.add(value)
                secrets.add(value.partition(" ")[2])  # "Bearer <key>"
        return cls(secrets | carried, carried)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, SCRUBBED)
        return value

    def content(self, value: bytes) -> bytes:
        for secret in self.secrets:
            value = value.replace(secret.encode(), SCRUBBED.encode())
        return value

    def url(self, url: str) -> str:
        parts = urlsplit(self.text(url))
        parts = parts._replace(netloc=parts.netloc.rpartition("@")[2])  # user info: a password
        if not parts.query:
            return urlunsplit(parts)
        pairs = [
            (k, SCRUBBED if is_secret_query(k) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        return urlunsplit(parts._replace(query=urlencode(pairs)))

    def headers(self, headers: Iterable[tuple[str, str]], *, response: bool) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            if response and key in DROPPED_RESPONSE_HEADERS:
                continue
            secret = _is_secret_header(key) or value in self.carried
            clean = SCRUBBED if secret else self.text(value)
            out[key] = f"{out[key]}, {clean}" if key in out else clean
        return out


def _kind(headers: Iterable[tuple[str, str]]) -> str:
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
    if "text/event-stream" in ctype:
        return "sse"
    return "json" if "json" in ctype else "text"


def _provider(path: str) -> str:
    if path.rstrip("/").endswith("/chat/completions"):
        return "openai"
    if path.rstrip("/").endswith("/v1/messages"):
        return "anthropic"
    return "unknown"


def parse_body(body: bytes) -> Any:
    """A request body as recorded and matched: parsed JSON, else text, None when empty."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")


def _identity(
    headers: list[tuple[str, str]], body: bytes
) -> tuple[list[tuple[str, str]], bytes, bool]:
    """The body without gzip/deflate, its headers without content-encoding, and whether
    anything was undone (the recorder asks for `identity`, so this is rare)."""
    encoding = next((v for k, v in headers if k.lower() == "content-encoding"), "").lower()
    if encoding not in ("gzip", "deflate", "x-gzip"):
        return headers, body, False
    plain = zlib.decompress(body, 47)  # 47: gzip or zlib header, detected
    return [(k, v) for k, v in headers if k.lower() != "content-encoding"], plain, True


def case_paths(directory: Path, name: str, index: int, kind: str) -> tuple[Path, Path]:
    """(body file, sidecar) of case `index` of cassette `name`."""
    case = f"{name}-{index}"
    return directory / (case + _EXTENSIONS[kind]), directory / (case + ".meta.json")


def write_exchange(
    directory: Path, name: str, exchange: Exchange, scrubber: Scrubber, *, source: str
) -> None:
    """Write one exchange as `<name>-<index>.<json|sse|txt>` + `.meta.json`, scrubbed."""
    headers, body, compressed = _identity(exchange.response_headers, exchange.body)
    kind = _kind(headers)
    body_path, meta_path = case_paths(directory, name, exchange.index, kind)
    path = urlsplit(exchange.url).path
    meta = {
        "cassette": name,
        "source_repo": "chatplex-recorder",
        "source_path": source,
        "source_commit": None,
        "interaction_index": exchange.index,
        "provider": _provider(path),
        "kind": kind,
        "status": exchange.status,
        "body_file": body_path.name,
        "body_fidelity": "verbatim-gunzipped" if compressed else "verbatim",
        "request": {
            "method": exchange.method,
            "uri": scrubber.url(exchange.url),
            "headers": scrubber.headers(exchange.request_headers, response=False),
            "body": parse_body(scrubber.content(exchange.request_body)),
        },
        "response_headers": scrubber.headers(headers, response=True),
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "notes": "Recorded by chatplex.testing; API keys and auth headers scrubbed.",
    }
    directory.mkdir(parents=True, exist_ok=True)
    body_path.write_bytes(scrubber.content(body))
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    meta_path.write_text(scrubber.text(text), encoding="utf-8")


def _sidecars(directory: Path, name: str) -> list[Path]:
    pattern = re.compile(re.escape(name) + r"-(\d+)\.meta\.json$")
    found = [p for p in directory.glob(f"{name}-*.meta.json") if pattern.match(p.name)]
    return sorted(found, key=lambda p: int(pattern.match(p.name).group(1)))  # type: ignore[union-attr]


def read_cassette(directory: Path, name: str) -> list[Recording]:
    """Every recorded exchange of cassette `name`, in recording order ([] if none)."""
    recordings: list[Recording] = []
    for meta_path in _sidecars(directory, name) if directory.is_dir() else []:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        request = meta.get("request") or {}
        headers = [
            (k, v)
            for k, v in (meta.get("response_headers") or {}).items()
            if k.lower() not in HOP_HEADERS
        ]
        recordings.append(
            Recording(
                index=int(meta.get("interaction_index", len(recordings))),
                method=str(request.get("method", "POST")).upper(),
                path=urlsplit(str(request.get("uri", ""))).path,
                body=request.get("body"),
                status=int(meta["status"]),
                headers=headers,
                content=(directory / meta["body_file"]).read_bytes(),
            )
        )
    return recordings


def remove_cassette(directory: Path, name: str) -> None:
    """Delete every file of cassette `name` (before re-recording it)."""
    for meta_path in _sidecars(directory, name) if directory.is_dir() else []:
        case = meta_path.name[: -len(".meta.json")]
        for ext in (*_EXTENSIONS.values(), ".meta.json"):
            (directory / (case + ext)).unlink(missing_ok=True)
