"""`ChatOpenAI(http_socket_options=...)` side by side.

- Options given: langchain-openai builds its httpx clients with a transport that sets
  them on every connection; the drop-in builds its httpx clients the same way and sends
  through them. An option the system does not have fails the connection on both sides,
  which shows the options reach the sockets.
- `()` / `[]`: langchain-openai's switch that turns its keepalive defaults off (its docs'
  kill-switch). chatplex's own connections set none, so the drop-in takes it, reads it
  back, and the call is the partner's.

What the made clients hold (and a proxy beside the options): tests/chat/test_proxied.py."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners.openai._both import at_server
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")

KEEPALIVE = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
#: An option number no system has: setting it fails (ENOPROTOOPT) when connecting.
NO_SUCH_OPTION = [(socket.SOL_SOCKET, 54321, 1)]


def _switched_off(off: Any) -> Any:
    def script(cls: Any, url: str) -> Any:
        model = at_server(cls, url, http_socket_options=off)
        return {"read": model.http_socket_options, "reply": model.invoke("Hi")}

    return script


def options_given(cls: Any, url: str) -> Any:
    model = at_server(cls, url, http_socket_options=KEEPALIVE)
    return {
        "read": model.http_socket_options,
        "invoke": model.invoke("Hi"),
        "ainvoke": asyncio.run(model.ainvoke("Hi")),
        "stream": "".join(str(chunk.content) for chunk in model.stream("Hi")),
    }


def options_given_beside_a_client(cls: Any, url: str) -> Any:
    import httpx

    with httpx.Client() as own:  # the sync calls through it; the async ones with the options
        model = at_server(cls, url, http_socket_options=NO_SUCH_OPTION, http_client=own)
        reply = model.invoke("Hi")
        try:
            asyncio.run(model.ainvoke("Hi"))
        except Exception as err:  # noqa: BLE001 (what each raises is what is compared)
            return {"invoke": reply, "ainvoke raised": type(err).__name__}
    return {"invoke": reply, "ainvoke raised": None}


def option_the_system_lacks(cls: Any, url: str) -> Any:
    model = at_server(cls, url, http_socket_options=NO_SUCH_OPTION)
    raised = []
    for call in (lambda: model.invoke("Hi"), lambda: asyncio.run(model.ainvoke("Hi"))):
        try:
            call()
        except Exception as err:  # noqa: BLE001
            raised.append(type(err).__name__)
    return raised


def read_back_without_a_base_url(cls: Any, url: str) -> Any:
    """Options given to a model of OpenAI's own host: its fields as read back. The
    clients the options build are its calls' own, no field's (langchain-openai fills
    `http_client` only through a proxy), and streams ask for usage as they do there."""
    model = cls(model="gpt-4o-mini", api_key="sk-k", http_socket_options=KEEPALIVE)
    return {
        "http_client": model.http_client,
        "http_async_client": model.http_async_client,
        "stream_usage": model.stream_usage,
        "set": sorted(model.model_fields_set & {"http_client", "stream_usage"}),
    }


SCRIPTS = {
    "empty_tuple": _switched_off(()),
    "empty_list": _switched_off([]),
    "options_given": options_given,
    "options_given_beside_a_client": options_given_beside_a_client,
    "option_the_system_lacks": option_the_system_lacks,
    "read_back_without_a_base_url": read_back_without_a_base_url,
}


_REPLY = chat_completion("Hello", created=1)
#: The reply as one stream chunk: its text in a delta.
_CHUNK = {**_REPLY, "object": "chat.completion.chunk", "usage": None}
_CHUNK["choices"] = [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": "stop"}]


def _answer(seen: Any) -> Reply:
    if (seen.body or {}).get("stream"):
        events = [f"data: {json.dumps(_CHUNK)}\n\n".encode(), b"data: [DONE]\n\n"]
        return Reply(200, events, "text/event-stream")
    return Reply(200, [json.dumps(_REPLY).encode()])


test_same_as_langchain_openai = scripts_test(SCRIPTS, _answer)
