"""A stream's server-sent event (`adapters/sse_event.py`): its defaults, and the fast
`message_event` equal to the event `__init__` builds."""

from __future__ import annotations

import dataclasses

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.adapters.sse_event import message_event


def test_sse_event_defaults() -> None:
    assert SSEEvent() == SSEEvent(event="message", data="", id=None, retry=None)


@pytest.mark.parametrize(("data", "id", "retry"), [("d", None, None), ("{}", "7", 3000)])
def test_message_event_is_the_event_init_builds(
    data: str, id: str | None, retry: int | None
) -> None:
    fast, built = message_event(data, id, retry), SSEEvent("message", data, id, retry)
    assert fast == built and hash(fast) == hash(built) and repr(fast) == repr(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.data = "other"  # type: ignore[misc]
