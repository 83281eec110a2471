"""chatplex/chat/body_reading.py: the adapter of a call that is not a chat (a token
count, a credential exchange), as the HTTP layer uses it."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from chatplex.chat.body_reading import BodyReading
from chatplex.errors import APIError
from chatplex.errors import BadRequestError


def _refused(status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
    return BadRequestError(f"refused: {body.decode()}", status=status)


def test_a_reply_body_goes_to_read_and_an_error_status_to_refused() -> None:
    seen: list[bytes] = []
    reading = BodyReading("acme", (), seen.append, _refused, lambda model: ("acme", model))
    assert reading.provider == "acme" and reading.error_families == ()
    assert reading.parse_response(b'{"n": 3}', {}).content == ""
    assert seen == [b'{"n": 3}']
    error = reading.map_error(400, b"no", {})
    assert isinstance(error, BadRequestError) and "refused: no" in str(error)
    assert reading.budget_key("m") == ("acme", "m")


def test_it_builds_no_chat_request_and_does_not_stream() -> None:
    reading = BodyReading("acme", (), lambda body: None, _refused, lambda model: ())
    with pytest.raises(NotImplementedError, match="comes built"):
        reading.build_request([], {}, stream=False)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError, match="does not stream"):
        reading.stream_parser({})
