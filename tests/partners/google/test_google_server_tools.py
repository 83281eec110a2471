"""ChatGoogleGenerativeAI side by side on Gemini's server-side tool steps: a reply's
`toolCall` / `toolResponse` parts (agentic media processing, which names no tool type;
a search step, which does) and a v1 reply's code execution blocks, read into a message,
streamed, and sent back in the next turn. Run as `test_google_sidebyside.py` runs its
scripts: the partner's class and chatplex's, the same constructor call, one server.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import merged
from tests.partners.google.test_google_sidebyside import CODE_PARTS
from tests.partners.google.test_google_sidebyside import _comparable_request
from tests.partners.google.test_google_sidebyside import _comparable_result
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

genai_partner = pytest.importorskip("langchain_google_genai")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatGoogleGenerativeAI as OurChat  # noqa: E402

#: Agentic video understanding: a media processing step (no `toolType`), then the answer.
MEDIA_PARTS = [
    {"toolCall": {"id": "mp_1", "args": {"video": "clip"}}},
    {"toolResponse": {"id": "mp_1", "response": {"frames": 3}}},
    {"text": "The video shows a cat."},
]
#: A search step Gemini ran itself (its tool type named), then the answer.
SEARCH_PARTS = [
    {"toolCall": {"id": "s_1", "toolType": "GOOGLE_SEARCH_WEB", "args": {"queries": ["cats"]}}},
    {"toolResponse": {"id": "s_1", "toolType": "GOOGLE_SEARCH_WEB", "response": {"hits": 2}}},
    {"text": "Cats are mammals."},
]
QUESTION = "What is in this video?"


def _ids_masked(message: Any) -> Any:
    """`message` with each server tool call's id drawn at random (a uuid4, in
    langchain-google-genai's, where the reply gave none) as `RANDOM`, once seen to be one."""
    for block in message.content if isinstance(message.content, list) else ():
        if isinstance(block, dict) and block.get("type") == "server_tool_call":
            assert len(str(uuid.UUID(block["id"]))) == 36
            block["id"] = RANDOM
    return message


def _steps(cls: Any, url: str, **settings: Any) -> Any:
    """The reply, its standard blocks, the stream merged, and the next turn's reply
    (the steps sent back as the partner sends them: a media step never)."""
    chat = model(cls, url, **settings)
    first = chat.invoke(QUESTION)
    streamed = merged(list(chat.stream(QUESTION)))
    again = chat.invoke([lc.HumanMessage(QUESTION), first, lc.HumanMessage("Why?")])
    return [first, first.content_blocks, streamed, again]


def media_processing(cls: Any, url: str) -> Any:
    return _steps(cls, url)


def media_processing_v1(cls: Any, url: str) -> Any:
    return _steps(cls, url, output_version="v1")


def search_step(cls: Any, url: str) -> Any:
    """A search step: its result goes back as a code execution result (the partner's
    way), its call with the partner's warning."""
    with pytest.warns(UserWarning, match="google_search_web"):
        return _steps(cls, url)


def code_execution_v1(cls: Any, url: str) -> Any:
    """Code execution under `output_version="v1"`: the code and its output as a server
    tool call and result, invoked and streamed, and sent back as Gemini's parts."""
    chat = model(cls, url, output_version="v1").bind_tools([{"code_execution": {}}])
    first = chat.invoke("What is 1 + 2? Run code.")
    streamed = merged(list(chat.stream("What is 1 + 2? Run code.")))
    again = chat.invoke(
        [lc.HumanMessage("What is 1 + 2? Run code."), first, lc.HumanMessage("Why?")]
    )
    return [_ids_masked(m) for m in (first, streamed, again)]


SCRIPTS = {
    "media_processing": (gemini_replies(MEDIA_PARTS), media_processing),
    "media_processing_v1": (gemini_replies(MEDIA_PARTS), media_processing_v1),
    "search_step": (gemini_replies(SEARCH_PARTS), search_step),
    "code_execution_v1": (gemini_replies(CODE_PARTS), code_execution_v1),
}

SUITE = Suite(
    SCRIPTS,
    genai_partner.ChatGoogleGenerativeAI,
    OurChat,
    {},
    result=_comparable_result,
    request=_comparable_request,
)
test_server_tool_steps_same_as_langchain_google_genai = SUITE.same_test()
