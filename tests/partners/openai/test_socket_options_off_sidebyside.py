"""`ChatOpenAI(http_socket_options=())` side by side: langchain-openai's switch that turns
its TCP keepalive options off (its docs' kill-switch, which also gives httpx its proxy
variables back). chatplex's connections take no such options, so the switch changes
nothing there: the drop-in takes it and reads it back, and the call is the partner's.
Options given (a non-empty sequence) stay refused, naming `http_client=`
(tests/langchain/test_dropin_model.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners.openai._both import at_server
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")


def _switched_off(off: Any) -> Any:
    def script(cls: Any, url: str) -> Any:
        model = at_server(cls, url, http_socket_options=off)
        return {"read": model.http_socket_options, "reply": model.invoke("Hi")}

    return script


SCRIPTS = {"empty_tuple": _switched_off(()), "empty_list": _switched_off([])}

test_same_as_langchain_openai = scripts_test(
    SCRIPTS, lambda seen: Reply(200, [json.dumps(chat_completion("Hello", created=1)).encode()])
)
