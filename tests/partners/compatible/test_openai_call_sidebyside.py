"""A call's own settings on ChatOpenAI's Chat Completions, side by side: `stop` given as
one string (to the constructor and to a call) and as an empty list, and `timeout` given
as an HTTP client's `Timeout` object; each script run with langchain-openai's class and
with chatplex's against a scripted server, compared with the requests sent.

langchain-openai hands `stop` to the openai SDK as given: one string is sent as the
string (`"stop": "END"`, which Chat Completions takes beside a list), and a call's `[]`
as `[]` (a constructor's `[]` is left out: its default params drop an empty stop). The
compatible suite runs the same scripts under the classes built on it and the other
presets' (`test_compatible_sidebyside.SCRIPTS`), AzureChatOpenAI's suite under its class.

langchain-openai hands a call's `timeout` to the SDK's create(), which takes a
`Timeout` (httpx's, or its own): its read timeout then bounds the attempt here, as a
timeout in seconds does.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

pytest.importorskip("langchain_openai")

SCRIPTS = {
    name: suite.SCRIPTS[name]
    for name in (
        "stop_text",
        "stop_empty",
        "per_call_stop",
        "call_timeout_object",
        "constructed_timeout_object",
    )
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(OPENAI, *SCRIPTS[name], server))


def test_one_string_is_sent_as_the_string(server: ScriptedServer) -> None:
    """What both sent is the string itself (not the same list on both sides), and a
    call's `[]` is sent (not left out on both sides)."""
    _, _, _, sent = suite.run_script(OPENAI, *SCRIPTS["stop_text"], server)
    assert [r["body"]["stop"] for r in sent] == ["END", "END"]
    _, _, _, sent = suite.run_script(OPENAI, *SCRIPTS["stop_empty"], server)
    stops = [r["body"].get("stop", "<left out>") for r in sent]  # (requests sorted)
    assert sorted(stops, key=str) == ["<left out>", [], []]


def test_a_timeout_objects_read_timeout_bounds_the_call(server: ScriptedServer) -> None:
    """A server slower than the `Timeout`'s read timeout: both classes end the call
    with the openai SDK's timeout error, soon after it (not at the default timeout)."""
    import httpx
    import openai

    def stalled(seen: Any) -> Reply:
        time.sleep(3.0)
        return Reply(200, [b"{}"])

    server.handler = stalled
    for cls in (OPENAI.partner(), OPENAI.ours()):
        base = OPENAI.base(server.url)
        model = cls(model=OPENAI.model, api_key=suite.KEY, base_url=base, max_retries=0)
        started = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            model.invoke("Hi", timeout=httpx.Timeout(0.3))
        assert time.monotonic() - started < 2.5, cls  # at 0.3 s, not at the reply's 3 s
