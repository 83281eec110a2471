"""Cassette files and scrubbing (`testing/_cassette_io.py`): what is written for one
exchange, read back, and never a secret."""

from __future__ import annotations

import json
from pathlib import Path

from chatplex.testing._cassette_io import Exchange
from chatplex.testing._cassette_io import Scrubber
from chatplex.testing._cassette_io import write_exchange


def test_custom_credential_headers_and_url_user_info_are_scrubbed(tmp_path: Path) -> None:
    exchange = Exchange(
        index=0,
        method="POST",
        url="https://user:hunter2-pw@gw.example.com/v1/chat/completions",
        request_headers=[
            ("x-portkey-api-key", "pk-SENTINEL-portkey-0123"),
            ("helicone-auth", "Bearer SENTINEL-helicone-0123"),
            ("x-team", "blue"),
        ],
        request_body=b'{"messages": [], "note": "pk-SENTINEL-portkey-0123"}',
        status=200,
        response_headers=[("content-type", "application/json"), ("x-request-id", "req_1")],
        body=b'{"echo": "SENTINEL-helicone-0123"}',
    )
    scrubber = Scrubber.for_request(exchange.request_headers, environ={})
    write_exchange(tmp_path, "gw", exchange, scrubber, source="test")
    meta = json.loads((tmp_path / "gw-0.meta.json").read_text())
    assert meta["request"]["uri"] == "https://gw.example.com/v1/chat/completions"
    assert meta["request"]["headers"]["x-team"] == "blue"
    assert meta["response_headers"]["x-request-id"] == "req_1"
    for path in tmp_path.iterdir():
        text = path.read_text()
        assert "SENTINEL" not in text and "hunter2" not in text, path.name


def test_known_credential_and_account_headers_are_scrubbed_whatever_their_case() -> None:
    sent = [
        ("Authorization", "Bearer sk-SENTINEL-0123"),
        ("OCP-Apim-Subscription-Key", "SENTINEL-apim-0123"),
        ("Cookie", "session=SENTINEL-cookie-0123"),
        ("OpenAI-Organization", "org-SENTINEL-0123"),
        ("openai-project", "proj_SENTINEL-0123"),
        ("Content-Type", "application/json"),
    ]
    headers = Scrubber([]).headers(sent, response=False)
    assert headers.pop("content-type") == "application/json"
    assert headers == dict.fromkeys(
        [
            "authorization",
            "ocp-apim-subscription-key",
            "cookie",
            "openai-organization",
            "openai-project",
        ],
        "<scrubbed>",
    )
