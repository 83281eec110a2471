"""ChatWatsonx in the probe_w set's scripts (`tests/partners/_probe_w.py`) but OpenAI's
own (its prompt cache, its reasoning models' temperature), a v0 image block among them;
compared as `test_watsonx_probe_y_scripts.py` compares."""

from __future__ import annotations

import json
from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.watsonx.test_watsonx_probe_u_scripts import same_test
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _named
from tests.partners.watsonx.test_watsonx_probe_y_scripts import _to_the_server  # noqa: F401
from tests.partners.watsonx.test_watsonx_probe_y_scripts import answer
from tests.partners.watsonx.test_watsonx_probe_y_scripts import make
from tests.partners.watsonx.test_watsonx_sidebyside import USAGE
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401
from tests.partners.watsonx.test_watsonx_sidebyside import _reply


def two_calls(seen: Seen) -> Reply:
    """`answer`, but a chat request offering tools, before their results, is answered
    by calls of `add` and of `mul` (a stream: one event per call, then the finish)."""
    body = seen.body if seen.path.startswith("/ml/v1/text/chat") else {}
    messages = body.get("messages") or []
    if not body.get("tools") or any(m.get("role") == "tool" for m in messages):
        return answer(seen)
    arguments = '{"a": 2, "b": 3}'
    calls = [
        {"id": f"call-{n}", "type": "function", "function": {"name": n, "arguments": arguments}}
        for n in ("add", "mul")
    ]
    model = body["model_id"]
    if not seen.path.startswith("/ml/v1/text/chat_stream"):
        reply = _reply({"role": "assistant", "content": "", "tool_calls": calls}, "tool_calls")
        return Reply(pieces=[json.dumps(_named(reply, model)).encode()])
    head = {"id": "chat-two", "model_id": model, "model": model, "created": 1700000000}
    deltas = [{"tool_calls": [{"index": i, **call}]} for i, call in enumerate(calls)]
    choices = [{"index": 0, "finish_reason": None, "delta": delta} for delta in deltas]
    events = [{**head, "choices": [choice]} for choice in choices]
    last = {"index": 0, "finish_reason": "tool_calls", "delta": {"content": ""}}
    events.append({**head, "choices": [last], "usage": USAGE})
    data = "".join(f"data: {json.dumps(event)}\n\n" for event in events)
    return Reply(pieces=[data.encode()], content_type="text/event-stream")


SCRIPTS = probe.rows(make, answer, (*probe.EVERY_WIRE, "structured_streamed"))
SCRIPTS["two_calls_run"] = (two_calls, probe.two_calls_run(make))
# (the chat API takes an image in a question, no file)
SCRIPTS["v0_base64_blocks"] = (answer, probe.v0_base64_blocks(make, pdf=False))

DIFFERENCES: dict[str, Any] = {}

test_probe_w_same_as_langchain_ibm = same_test(SCRIPTS, DIFFERENCES)
