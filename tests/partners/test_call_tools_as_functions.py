"""A call's tools given as plain Python functions (`llm.invoke(x, tools=[add])`, where
`bind_tools([add])` is LangChain's way): the partner classes on the Chat Completions wire
hand the functions to their SDK as they are, which raises TypeError before any request
(the openai SDK reads each as a mapping; groq's, fireworks' and langchain-mistralai's
JSON encoders refuse a function). The drop-ins send each as the wire's tool, as
`bind_tools` would: a kept difference (LangChain raises), held here for each preset
built at a local server. ChatOpenAI's, AzureChatOpenAI's and ChatAnthropic's, with the
other provider's tool forms, are side by side in the probe_y set
(tests/partners/_probe_y.py, `foreign_tool_forms`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._builds import AT_URL
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import scripted_server

#: The Chat Completions classes (Anthropic's Messages ones, ChatAnthropic and
#: ChatAnthropicVertex, are answered in that wire's form: not served here).
NAMES = sorted(name for name in AT_URL if name not in ("ChatAnthropic", "ChatAnthropicVertex"))


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [json.dumps(chat_completion("hi")).encode()])
        yield served


def _both(name: str, url: str) -> list[Any]:
    module, keywords = AT_URL[name]
    partner = pytest.importorskip(module)
    built = {**keywords(url + "/v1"), "api_key": "k", "max_retries": 0}
    return [getattr(partner, name)(**built), getattr(chatplex.langchain, name)(**built)]


@pytest.mark.parametrize("name", NAMES)
def test_a_calls_function_tool_is_sent_as_the_wires_tool_where_the_partner_raises(
    name: str, server: ScriptedServer
) -> None:
    theirs, ours = _both(name, server.url)
    server.seen.clear()
    with pytest.raises(TypeError):
        theirs.invoke("hi", tools=[add])
    assert server.seen == []  # refused before any request
    assert ours.invoke("hi", tools=[add]).content == "hi"
    (seen,) = server.seen
    (tool,) = seen.body["tools"]
    assert tool["type"] == "function" and tool["function"]["name"] == "add"
    assert tool["function"]["parameters"]["required"] == ["a", "b"]
