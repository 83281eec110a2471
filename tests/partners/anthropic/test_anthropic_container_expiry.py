"""ChatAnthropic side by side on a code execution reply's `container`: langchain-anthropic
reads a whole reply through the SDK's model, its `expires_at` a datetime it gives as
`isoformat()` ("+00:00" where the API wrote "Z"; a string the SDK cannot read as
given), and a stream's as the SDK's JSON dump of it ("Z" for UTC, a fraction in six
digits). Each script runs with
both classes against the same scripted Messages server, invoked, streamed and with
betas (the SDK's beta client); what each returns and sends is compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import ANSWER
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import closing_fields

partner = pytest.importorskip("langchain_anthropic")

#: `expires_at` as the API may write it: UTC as "Z", with a fraction, an offset, UTC as
#: an offset; and a string that is no time at all.
EXPIRIES = {
    "utc": "2026-12-01T00:00:00Z",
    "fraction": "2026-12-01T00:00:00.25Z",
    "offset": "2026-12-01T02:00:00+02:00",
    "zero_offset": "2026-12-01T00:00:00+00:00",
    "unreadable": "soon",
}


def with_container(expires_at: str) -> Callable[[Seen], Reply]:
    """A scripted Messages API whose reply ran in a container expiring at `expires_at`:
    a whole reply with it at the top, a stream with it in the closing delta."""
    container = {"id": "cntr_1", "expires_at": expires_at}
    stream = closing_fields(delta={"container": container})

    def answer(seen: Seen) -> Reply:
        if (seen.body or {}).get("stream"):
            return stream(seen)
        reply = {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": [ANSWER],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 12, "output_tokens": 7},
            "container": container,
        }
        return Reply(200, [json.dumps(reply).encode()], headers={"request-id": "req_01"})

    return answer


def container_read(cls: Any, url: str) -> Any:
    """The reply's `container`: invoked, streamed (merged), and invoked with betas."""
    model = cls(model=MODEL, api_key=KEY, base_url=url)
    beta = cls(model=MODEL, api_key=KEY, base_url=url, betas=["code-execution-2025-08-25"])
    return {
        "invoked": model.invoke("Run it").response_metadata.get("container"),
        "streamed": merged(list(model.stream("Run it"))).response_metadata.get("container"),
        "beta": beta.invoke("Run it").response_metadata.get("container"),
    }


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    f"container_expiry_{form}": (with_container(expires_at), container_read)
    for form, expires_at in EXPIRIES.items()
}

SUITE = anthropic_suite(SCRIPTS)
test_same_as_langchain_anthropic = SUITE.same_test()


def test_an_invoked_replys_expiry_is_the_sdks_datetime_as_iso(server: Any) -> None:
    """What the comparison holds both to, read from ours: "+00:00" invoked, "Z" streamed."""
    _, ours, _, _ = SUITE.run("container_expiry_utc", server)
    iso = "2026-12-01T00:00:00+00:00"
    assert ours["invoked"]["expires_at"] == ours["beta"]["expires_at"] == iso
    assert ours["streamed"]["expires_at"] == EXPIRIES["utc"]
