"""ChatBedrock over InvokeModel (Anthropic's models) side by side with langchain-aws's: the
order of content blocks, in the request (a system prompt of several blocks, images before
or after the text, an assistant turn whose text and tool calls interleave, tool results
followed by text, tool calls not written in the content) and in the parsed reply (text and
tool calls interleaved, thinking first), invoked, streamed and awaited. Scripted as the
ChatBedrock suite scripts InvokeModel; each request and reply compared whole."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners.bedrock.test_bedrock_sidebyside import _comparable_result
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import _request_with_options
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import thinking
from tests.partners.bedrock.test_chatbedrock_sidebyside import tool_use

langchain_aws = pytest.importorskip("langchain_aws")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402

IMAGE = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
ADD = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_1", "type": "tool_call"}
MUL = {"name": "mul", "args": {"a": 3, "b": 4}, "id": "toolu_2", "type": "tool_call"}


def _use(call: dict[str, Any]) -> dict[str, Any]:
    return tool_use(call["name"], call["args"], call["id"])


def _history() -> list[Any]:
    """A conversation whose turns hold blocks of several kinds, in orders scripts write."""
    return [
        lc.SystemMessage([{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Add."}]),
        lc.HumanMessage([IMAGE, {"type": "text", "text": "What is 1+2 and 3*4?"}]),
        lc.AIMessage(
            [text("Adding first."), _use(ADD), text("Then multiplying."), _use(MUL)],
            tool_calls=[ADD, MUL],
        ),
        lc.ToolMessage("3", tool_call_id="toolu_1"),
        lc.ToolMessage([{"type": "text", "text": "12"}], tool_call_id="toolu_2"),
        lc.HumanMessage("And now?"),
        # (a call of tool_calls alone, its text a string; then a text after a call, and a
        # call not written in the content)
        lc.AIMessage("Once more.", tool_calls=[ADD]),
        lc.ToolMessage("3", tool_call_id="toolu_1"),
        lc.AIMessage([_use(MUL), text("And adding.")], tool_calls=[MUL, ADD]),
        lc.ToolMessage("3", tool_call_id="toolu_1"),
        lc.ToolMessage("12", tool_call_id="toolu_2"),
        lc.HumanMessage([{"type": "text", "text": "Look:"}, IMAGE, {"type": "text", "text": "?"}]),
    ]


DOCUMENT = {
    "type": "document",
    "source": {"type": "text", "media_type": "text/plain", "data": "The sky is blue."},
}


def _user_blocks() -> list[Any]:
    """User turns whose blocks are of kinds langchain-aws sorts: Anthropic's own document
    block after the text, tool results beside text in one message, thinking after text."""
    return [
        lc.HumanMessage([{"type": "text", "text": "Read this:"}, DOCUMENT]),
        lc.AIMessage([text("Read."), thinking("Blue.")]),
        lc.HumanMessage([IMAGE, {"type": "text", "text": "And this?"}, DOCUMENT, IMAGE]),
        lc.AIMessage("Adding.", tool_calls=[ADD]),
        lc.HumanMessage(
            [
                {"type": "text", "text": "Here:"},
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "3"},
            ]
        ),
    ]


def user_blocks_sent(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add]).invoke(_user_blocks())


def user_blocks_streamed(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).bind_tools([add]).stream(_user_blocks())))


def history_sent(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add, mul]).invoke(_history())


def history_streamed(cls: Any, url: str) -> Any:
    return merged(list(make(cls, url).bind_tools([add, mul]).stream(_history())))


def reply_invoked(cls: Any, url: str) -> Any:
    return make(cls, url).bind_tools([add, mul]).invoke("1+2 and 3*4?")


def reply_streamed(cls: Any, url: str) -> Any:
    chunks = list(make(cls, url).bind_tools([add, mul]).stream("1+2 and 3*4?"))
    return {"chunks": chunks, "merged": merged(chunks)}


def reply_astreamed(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in make(cls, url).bind_tools([add, mul]).astream("1+2 and 3*4?")]

    chunks = asyncio.run(run())
    return {"chunks": chunks, "merged": merged(chunks)}


def reply_sent_back(cls: Any, url: str) -> Any:
    """The reply, appended to the history as a script's loop appends it, sent again."""
    model = make(cls, url).bind_tools([add, mul])
    reply = model.invoke("1+2 and 3*4?")
    results = [lc.ToolMessage("3", tool_call_id=c["id"]) for c in reply.tool_calls]
    return model.invoke([lc.HumanMessage("1+2 and 3*4?"), reply, *results])


def streamed_reply_sent_back(cls: Any, url: str) -> Any:
    model = make(cls, url).bind_tools([add, mul])
    reply = merged(list(model.stream("1+2 and 3*4?")))
    results = [lc.ToolMessage("3", tool_call_id=c["id"]) for c in reply.tool_calls]
    return model.invoke([lc.HumanMessage("1+2 and 3*4?"), reply, *results])


INTERLEAVED = invoke(
    text("Adding."), _use(ADD), text("Multiplying."), _use(MUL), text("Done."), stop="tool_use"
)
THOUGHT = invoke(
    thinking("Two sums."), text("Adding."), _use(ADD), text("Then."), _use(MUL), stop="tool_use"
)
SCRIPTS: dict[str, tuple[Any, Any]] = {
    "history_sent": (invoke(), history_sent),
    "history_streamed": (invoke(), history_streamed),
    "user_blocks_sent": (invoke(), user_blocks_sent),
    "user_blocks_streamed": (invoke(), user_blocks_streamed),
    "interleaved_invoked": (INTERLEAVED, reply_invoked),
    "interleaved_streamed": (INTERLEAVED, reply_streamed),
    "interleaved_astreamed": (INTERLEAVED, reply_astreamed),
    "interleaved_sent_back": (INTERLEAVED, reply_sent_back),
    "interleaved_streamed_sent_back": (INTERLEAVED, streamed_reply_sent_back),
    "thinking_interleaved_invoked": (THOUGHT, reply_invoked),
    "thinking_interleaved_streamed": (THOUGHT, reply_streamed),
    "thinking_interleaved_sent_back": (THOUGHT, reply_sent_back),
    "thinking_interleaved_streamed_sent_back": (THOUGHT, streamed_reply_sent_back),
}

SUITE = Suite(
    SCRIPTS,
    langchain_aws.ChatBedrock,
    OurChatBedrock,
    {},
    result=_comparable_result,
    request=_request_with_options,
)
test_same_as_langchain_aws = SUITE.same_test()
