"""Every wait is bounded with nothing configured, in both families (decision 001): a
server that accepts and then says nothing ends a call by the shared pool's read timeout
(600 s unless `chatplex.http.configure_pool` says otherwise), sync and async, invoke and
stream; and the troubleshooting page names the defaults the code has, finite."""

from __future__ import annotations

import json
import math
import pathlib
import re
import subprocess
import sys

from chatplex.http import PoolSettings
from tests._silent import SilentServer

#: The child: both families' models with no timeout of their own, against the silent
#: server, under a pool read timeout of 0.25 s (the default's 600 s, shortened to test it:
#: the 8 calls wait for it one after another, 8 s with 1 s).
_CHILD = """
import asyncio, json, sys, time
from chatplex.http import configure_pool
configure_pool(read_timeout=0.25)
import chatplex
from chatplex.errors import APITimeoutError
from chatplex.langchain import ChatOpenAI

url = sys.argv[1] + "/v1"
models = {
    "chatplex": chatplex.init_chat_model("openai:m", base_url=url, api_key="sk-x", max_retries=0),
    "langchain": ChatOpenAI(model="m", base_url=url, api_key="sk-x", max_retries=0),
}

async def astream(model):
    async for _ in model.astream("hi"):
        pass

calls = {
    "invoke": lambda m: m.invoke("hi"),
    "stream": lambda m: list(m.stream("hi")),
    "ainvoke": lambda m: asyncio.run(m.ainvoke("hi")),
    "astream": lambda m: asyncio.run(astream(m)),
}
seen = {}
for family, model in models.items():
    for mode, call in calls.items():
        started = time.monotonic()
        try:
            call(model)
            outcome = "returned"
        except APITimeoutError as err:
            outcome = type(err).__name__
        seen[f"{family} {mode}"] = [outcome, time.monotonic() - started]
print(json.dumps(seen))
"""


def test_a_stalled_server_ends_every_call_by_the_pool_read_timeout(silent: SilentServer) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, silent.url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert len(seen) == 8
    for call, (outcome, elapsed) in seen.items():
        # A stream that opened no piece yet ends by its idle bound, the same read timeout.
        # (under the drop-in, langchain-openai's own timeout class, as it raises it)
        named = ("APITimeoutError", "StreamIdleTimeoutError", "OpenAITimeoutError")
        assert outcome in (named[2:] if call.startswith("langchain") else named[:2]), call
        # 0.25 s read timeout; generous for a busy machine, far below the 600 s default.
        assert elapsed < 30, (call, elapsed)


def test_the_troubleshooting_page_names_the_default_bounds() -> None:
    page = (pathlib.Path(__file__).parents[2] / "docs" / "troubleshooting.md").read_text()
    found = re.search(r"at most (\d+) s to\s+connect and (\d+) s", page)
    assert found, "the Deadlines section must name the default bounds"
    defaults = PoolSettings()
    assert (float(found[1]), float(found[2])) == (defaults.connect_timeout, defaults.read_timeout)
    assert defaults.read_timeout is not None and math.isfinite(defaults.read_timeout)
