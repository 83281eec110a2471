"""A reply carrying OpenAI's legacy `function_call` (what a model asked with `functions=`
answers), side by side: ChatOpenAI and two classes on langchain-openai's `BaseChatOpenAI`
(ChatXAI, ChatDeepSeek) against a scripted server whose reply is such a call (whole, or
streamed as `delta.function_call` pieces), each script run with the partner's class and
with chatplex's, sync and async.

langchain-openai keeps the call in `additional_kwargs["function_call"]`
(`_convert_dict_to_message`; a stream's pieces by `_convert_delta_to_message_chunk`, a
piece's null name as "", merging joins them); no tool call is made of it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.utils.function_calling import convert_to_openai_function

from tests.partners._openai_scripts import chunks_streamed
from tests.partners._sidebyside import CHAT_USAGE
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import unset
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI
from tests.partners.compatible.test_openai_refusal_sidebyside import run_over

pytest.importorskip("langchain_openai")

#: The classes compared: ChatOpenAI's, and two partners on its `BaseChatOpenAI`.
CLASSES = {"openai": OPENAI, "xai": PACKAGES["xai"], "deepseek": PACKAGES["deepseek"]}

ARGUMENTS = '{"a": 1, "b": 2}'
FUNCTIONS = [convert_to_openai_function(add)]


def called(seen: Seen) -> Reply:
    """A Chat Completions server answering with a legacy function call: the whole reply,
    or its stream (the name first, the arguments in pieces, each later piece with a null
    name, then the finish and the usage where the request asks for it)."""
    body = seen.body or {}
    head = {"id": "chatcmpl-1", "created": 1764000000, "model": body.get("model")}
    head["system_fingerprint"] = "fp_1"
    if not body.get("stream"):
        call = {"name": "add", "arguments": ARGUMENTS}
        message = {"role": "assistant", "content": None, "function_call": call}
        choice = {"index": 0, "message": message, "finish_reason": "function_call"}
        whole = {**head, "object": "chat.completion", "choices": [choice], "usage": CHAT_USAGE}
        return Reply(200, [json.dumps(whole).encode()])
    first = {
        "role": "assistant",
        "content": None,
        "function_call": {"name": "add", "arguments": ""},
    }
    deltas: list[dict[str, Any]] = [first]
    deltas += [
        {"function_call": {"name": None, "arguments": ARGUMENTS[:6]}},
        {"function_call": {"arguments": ARGUMENTS[6:]}},
    ]
    chunks = [
        {**head, "object": "chat.completion.chunk", "choices": [choice]}
        for choice in [{"index": 0, "delta": d, "finish_reason": None} for d in deltas]
        + [{"index": 0, "delta": {}, "finish_reason": "function_call"}]
    ]
    return chunks_streamed(body, chunks, head, CHAT_USAGE)


def _model(cls: Any, p: Package, url: str) -> Any:
    return cls(model=p.model, api_key=KEY, base_url=p.base(url)).bind(functions=FUNCTIONS)


def function_call_invoke(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Add 1 and 2")


def function_call_stream(cls: Any, p: Package, url: str) -> Any:
    """Each piece's `additional_kwargs`, and the merged message."""
    chunks = list(_model(cls, p, url).stream("Add 1 and 2"))
    return {"pieces": [c.additional_kwargs for c in chunks], "merged": merged(chunks)}


def function_call_async(cls: Any, p: Package, url: str) -> Any:
    """`ainvoke`, then `astream` (its pieces' `additional_kwargs`, and the merged message),
    in one event loop (the partner's async client is pooled per base URL: a second loop
    would find the first one's connection)."""

    async def run() -> Any:
        model = _model(cls, p, url)
        whole = await model.ainvoke("Add 1 and 2")
        chunks = [c async for c in model.astream("Add 1 and 2")]
        return whole, chunks

    whole, chunks = asyncio.run(run())
    pieces = [c.additional_kwargs for c in chunks]
    return {"ainvoke": whole, "pieces": pieces, "merged": merged(chunks)}


def function_call_generate(cls: Any, p: Package, url: str) -> Any:
    """`generate()`: the generation's message, as a script reading `generations` sees it."""
    result = _model(cls, p, url).bound.generate(
        [[HumanMessage("Add 1 and 2")]], functions=FUNCTIONS
    )
    return result.generations[0][0].message


SCRIPTS: dict[str, Callable[[Any, Package, str], Any]] = {
    "function_call_invoke": function_call_invoke,
    "function_call_stream": function_call_stream,
    "function_call_async": function_call_async,
    "function_call_generate": function_call_generate,
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("package", sorted(CLASSES))
def test_same_as_langchain_openai(package: str, name: str, server: ScriptedServer) -> None:
    server.handler = called
    assert_same(run_over(CLASSES[package], SCRIPTS[name], server))


def test_the_call_is_in_additional_kwargs(server: ScriptedServer) -> None:
    """What a script reading the legacy call gets: its name and arguments as sent."""
    server.handler = called
    with unset(("OPENAI_API_KEY", "OPENAI_BASE_URL")):
        got = function_call_invoke(OPENAI.ours(), OPENAI, server.url)
        streamed = function_call_stream(OPENAI.ours(), OPENAI, server.url)["merged"]
    for message in (got, streamed):
        assert message.additional_kwargs["function_call"] == {"name": "add", "arguments": ARGUMENTS}
        assert message.tool_calls == []
