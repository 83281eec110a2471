"""A computer-use loop on the Responses API, side by side: langchain-openai's ChatOpenAI
and the drop-in against one local server, the requests compared.

The script answers the model's `computer_call` with the screenshot it took, as
langchain-openai's documentation writes it: a ToolMessage marked
`additional_kwargs={"type": "computer_call_output"}` holding an `input_image` block (or
the image's URL as its text), safety checks acknowledged beside. langchain-openai sends
it as the `computer_call_output` item (its first `input_image`), not a
`function_call_output`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import ToolMessage

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import each_side

langchain_openai = pytest.importorskip("langchain_openai")

_SCREEN = "data:image/png;base64,iVBORw0KGgo="
_CALL = {
    "id": "cu_1",
    "type": "computer_call",
    "call_id": "call_c",
    "action": {"type": "click", "x": 10, "y": 20, "button": "left"},
    "pending_safety_checks": [],
    "status": "completed",
}
_TOOL = {"type": "computer_use_preview", "display_width": 1024, "display_height": 768}
_RESULTS = {
    "image_block": ToolMessage(
        content=[{"type": "input_image", "image_url": _SCREEN}],
        tool_call_id="call_c",
        additional_kwargs={"type": "computer_call_output"},
    ),
    "url_text": ToolMessage(
        content=_SCREEN,
        tool_call_id="call_c",
        additional_kwargs={
            "type": "computer_call_output",
            "acknowledged_safety_checks": [{"id": "sc_1", "code": "malicious_instructions"}],
        },
    ),
}


def _reply(output: list[Any], n: int) -> bytes:
    usage = {"input_tokens": 9, "output_tokens": 3, "total_tokens": 12}
    reply = {"id": f"resp_{n}", "object": "response", "created_at": 1, "status": "completed"}
    return json.dumps(
        {**reply, "model": "computer-use-preview", "output": output, "usage": usage}
    ).encode()


@pytest.mark.parametrize("result", list(_RESULTS))
def test_a_screenshot_goes_back_as_the_computer_calls_output(
    server: ScriptedServer, result: str
) -> None:
    done = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed"}
    done["content"] = [{"type": "output_text", "text": "Clicked.", "annotations": []}]
    server.handler = lambda seen: Reply(
        200, [_reply([done], 2) if len(seen.body["input"]) > 1 else _reply([_CALL], 1)]
    )

    def run(cls: Any) -> Any:
        model = cls(
            model="computer-use-preview",
            api_key="sk-k",
            base_url=server.url + "/v1",
            truncation="auto",
        ).bind_tools([{**_TOOL, "environment": "browser"}])
        turn = model.invoke("Click the button.")
        return [turn, model.invoke([HumanMessage("Click the button."), turn, _RESULTS[result]])]

    theirs, ours = each_side(
        server, (langchain_openai.ChatOpenAI, chatplex.langchain.ChatOpenAI), run
    )
    assert ours == theirs
    sent = ours[1][-1]["input"][-1]
    assert (sent["type"], sent["call_id"]) == ("computer_call_output", "call_c")
    assert sent["output"] == {"type": "input_image", "image_url": _SCREEN}
