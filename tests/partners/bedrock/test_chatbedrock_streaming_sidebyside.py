"""ChatBedrock given `streaming=True`, called with a plain `invoke()` or `ainvoke()`, side
by side with langchain-aws's: LangChain then streams the call (langchain-core's
`_should_stream` reads the field), so both send `invoke-with-response-stream`; the
message, usage and metadata are the merged stream's, and a callback handler sees each
piece's token. Where LangChain does not stream the call itself (`disable_streaming`),
langchain-aws's `_generate` streams it all the same, as it reads `streaming` too.
Also `set_system_prompt_with_tools`, langchain-aws's method that assigns its
`system_prompt_with_tools` field (its own `bind_tools` calls it for a model it binds by
an XML prompt; a script calls it to put a prompt before the system's)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - the autouse fixture: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import _OBJECT_JOINED
from tests.partners.bedrock.test_chatbedrock_sidebyside import _STREAM_USAGE_LOST
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import DEEPSEEK_R1
from tests.partners.bedrock.test_chatbedrock_sidebyside import GPT_OSS
from tests.partners.bedrock.test_chatbedrock_sidebyside import LLAMA
from tests.partners.bedrock.test_chatbedrock_sidebyside import MISTRAL
from tests.partners.bedrock.test_chatbedrock_sidebyside import NOVA
from tests.partners.bedrock.test_chatbedrock_sidebyside import QWEN
from tests.partners.bedrock.test_chatbedrock_sidebyside import TITAN
from tests.partners.bedrock.test_chatbedrock_sidebyside import chatbedrock_suite
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make
from tests.partners.bedrock.test_chatbedrock_sidebyside import prompt_invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text

langchain_aws = pytest.importorskip("langchain_aws")
lc = pytest.importorskip("langchain_core.messages")
lc_callbacks = pytest.importorskip("langchain_core.callbacks")

from chatplex.langchain import ChatBedrock as OurChatBedrock  # noqa: E402


class Tokens(lc_callbacks.BaseCallbackHandler):
    """What a callback handler sees of a call: each new token, with its chunk's text,
    and the result's generations' messages."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        self.seen.append(("token", token, type(chunk).__name__, getattr(chunk, "text", None)))

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(("end", response.llm_output, response.generations[0][0].message))


class AsyncTokens(lc_callbacks.AsyncCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        self.seen.append(("token", token, type(chunk).__name__, getattr(chunk, "text", None)))

    async def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(("end", response.llm_output, response.generations[0][0].message))


def streaming_calls(model: str | None = None, **settings: Any) -> Callable[[Any, str], Any]:
    """`invoke()` and `ainvoke()` of a model given `streaming=True`, each with a handler
    (sync, then async): the replies and what each handler saw."""

    def script(cls: Any, url: str) -> Any:
        model_ = make(cls, url, **({"model": model} if model else {}), streaming=True, **settings)
        tokens, atokens = Tokens(), AsyncTokens()
        reply = model_.invoke("Say hello", config={"callbacks": [tokens]})
        areply = asyncio.run(model_.ainvoke("Say hello", config={"callbacks": [atokens]}))
        return {"reply": reply, "areply": areply, "seen": tokens.seen, "aseen": atokens.seen}

    return script


def streaming_tool_call(**settings: Any) -> Callable[[Any, str], Any]:
    """Tools bound on a model given `streaming=True`: an invoke, and what a handler saw."""

    def script(cls: Any, url: str) -> Any:
        tokens = Tokens()
        bound = make(cls, url, streaming=True, **settings).bind_tools([_add])
        return bound.invoke("What is 1+2?", config={"callbacks": [tokens]}), tokens.seen

    return script


def unstreamed_meta(cls: Any, url: str) -> Any:
    """A Meta model given `streaming=True` whose calls LangChain does not stream
    (`disable_streaming=True`): `invoke()` and `ainvoke()`, each with a handler."""
    model = make(cls, url, model=LLAMA, streaming=True, disable_streaming=True)
    tokens = Tokens()
    reply = attempted(lambda: model.invoke("Say hello", config={"callbacks": [tokens]}))
    areply = attempted(lambda: asyncio.run(model.ainvoke("Say hello")))
    return {
        "reply": reply,
        "areply": areply,
        "tokens": [s[1] for s in tokens.seen if s[0] == "token"],
    }


def _add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def system_prompt_set(system: Any = None, model: str | None = None) -> Callable[[Any, str], Any]:
    """`set_system_prompt_with_tools` on a model, then a call (and a stream), with a
    system message (`system`) or none: what the method returns, what the field then
    holds and dumps."""

    def script(cls: Any, url: str) -> Any:
        model_ = make(cls, url, **({"model": model} if model else {}))
        returned = model_.set_system_prompt_with_tools("Tools: add(a, b).")
        given = [lc.SystemMessage(system)] if system is not None else []
        messages = [*given, lc.HumanMessage("What is 1+2?")]
        held = (model_.system_prompt_with_tools, model_.model_dump()["system_prompt_with_tools"])
        return returned, held, model_.invoke(messages), list(model_.stream(messages))

    return script


def system_prompt_set_none(cls: Any, url: str) -> Any:
    """The method called without its argument, with two, and given None (which the
    field then holds: nothing is put before the system prompt)."""
    model = make(cls, url)
    called = [
        attempted(lambda: model.set_system_prompt_with_tools()),
        attempted(lambda: model.set_system_prompt_with_tools("A", "B")),
    ]
    returned = model.set_system_prompt_with_tools(xml_tools_system_prompt=None)
    return called, returned, model.system_prompt_with_tools, model.invoke("Hi")


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "streaming_calls_anthropic": (invoke(), streaming_calls()),
    "streaming_calls_thinking": (
        invoke(text("Hi.")),
        streaming_calls(model_kwargs={"thinking": {"type": "enabled", "budget_tokens": 1024}}),
    ),
    "streaming_tool_call": (
        invoke(text("Let me add."), ADD_CALL, stop="tool_use"),
        streaming_tool_call(),
    ),
    "streaming_calls_meta": (prompt_invoke("meta"), streaming_calls(LLAMA)),
    "streaming_calls_nova": (converse(), streaming_calls(NOVA)),
    "streaming_calls_converse": (converse(), streaming_calls(beta_use_converse_api=True)),
    "streaming_unstreamed_anthropic": (invoke(), streaming_calls(disable_streaming=True)),
    "streaming_unstreamed_nova": (converse(), streaming_calls(NOVA, disable_streaming=True)),
    "streaming_unstreamed_tools": (
        invoke(text("Let me add."), ADD_CALL, stop="tool_use"),
        streaming_tool_call(disable_streaming="tool_calling"),
    ),
    "streaming_unstreamed_meta": (prompt_invoke("meta"), unstreamed_meta),
    "streaming_calls_mistral": (prompt_invoke("mistral"), streaming_calls(MISTRAL)),
    "streaming_calls_titan": (prompt_invoke("amazon"), streaming_calls(TITAN)),
    "streaming_calls_deepseek": (prompt_invoke("deepseek"), streaming_calls(DEEPSEEK_R1)),
    "streaming_calls_gpt_oss": (prompt_invoke("openai"), streaming_calls(GPT_OSS)),
    "streaming_calls_qwen": (prompt_invoke("qwen"), streaming_calls(QWEN)),
    "system_prompt_set": (invoke(), system_prompt_set()),
    "system_prompt_set_with_system": (invoke(), system_prompt_set("Be brief.")),
    "system_prompt_set_none": (invoke(), system_prompt_set_none),
    "system_prompt_set_nova": (converse(), system_prompt_set("Be brief.", NOVA)),
}


def _streamed_reply_kept(outcome: Outcome) -> Outcome:
    """Theirs streamed each call, then raised UnboundLocalError; ours streamed the same
    requests and returned the merged reply, its tokens reported: read as theirs once
    both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    refused = {"refused": "UnboundLocalError"}
    assert theirs["reply"] == theirs["areply"] == refused, theirs
    assert ours["reply"]["content"] == ours["areply"]["content"] != "", ours
    assert "".join(ours["tokens"]) == ours["reply"]["content"] == "".join(theirs["tokens"])
    paths = {r["path"].rsplit("/", 1)[-1] for r in [*their_requests, *our_requests]}
    assert paths == {"invoke-with-response-stream"}, paths
    return theirs, theirs, their_requests, our_requests


def _object_once(outcome: Outcome) -> Outcome:
    """Their merged message (each reply, and the one each handler's `on_llm_end` saw)
    with Chat Completions' `object` once, as ours, not LangChain's join of the five
    chunks' copies (the main suite's `_merged_once`)."""
    theirs, ours, their_requests, our_requests = outcome
    once = "chat.completion.chunk"
    for message in _merged_messages(theirs):
        assert message["response_metadata"]["object"] == once * 5, message
        message["response_metadata"]["object"] = once
    return theirs, ours, their_requests, our_requests


def _closing_usage(outcome: Outcome) -> Outcome:
    """Their merged message with the invocation's usage of ours (langchain-aws yields
    no closing chunk with it for Titan), and their handlers' tokens with that closing
    chunk's empty token, once both are checked (the main suite's
    `_their_closing_usage`)."""
    theirs, ours, their_requests, our_requests = outcome
    for mine, message in zip(_merged_messages(ours), _merged_messages(theirs), strict=True):
        assert message["usage_metadata"] is None and mine["usage_metadata"], (message, mine)
        message["usage_metadata"] = mine["usage_metadata"]
    for key in ("seen", "aseen"):
        tokens = [e for e in theirs[key] if e[0] == "token"]
        mine = [e for e in ours[key] if e[0] == "token"]
        closing = ["token", "", "ChatGenerationChunk", ""]
        assert len(mine) == len(tokens) + 1 and closing in mine, (mine, tokens)
        extra = len(mine) - 1 - mine[::-1].index(closing)  # (the last empty one)
        theirs[key].insert(extra, closing)
    return theirs, ours, their_requests, our_requests


def _merged_messages(result: Any) -> list[Any]:
    """A `streaming_calls` result's merged messages: each reply's, and each handler's
    `on_llm_end` one."""
    return [result["reply"], result["areply"], result["seen"][-1][2], result["aseen"][-1][2]]


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    # langchain-aws's own, held by the main suite for the stream and streaming invoke:
    "streaming_calls_gpt_oss": (_OBJECT_JOINED, _object_once),
    "streaming_calls_qwen": (_OBJECT_JOINED, _object_once),
    "streaming_calls_titan": (_STREAM_USAGE_LOST, _closing_usage),
    "streaming_unstreamed_meta": (
        Difference(
            Reason.RAISES,
            "a model of a family other than Anthropic given streaming=True, whose call "
            "LangChain does not stream itself (disable_streaming=True) streams the "
            "call, then raises UnboundLocalError (its `_generate` reads a body it never "
            "had): the reply is lost",
            "the call streams the same request and returns the merged reply, each token "
            "reported to the run's handlers",
        ),
        _streamed_reply_kept,
    ),
}

SUITE = chatbedrock_suite(SCRIPTS, DIFFERENCES)
test_same_as_langchain_aws = SUITE.same_test()


def test_set_system_prompt_with_tools_has_the_partners_signature() -> None:
    import inspect

    ours = inspect.signature(OurChatBedrock.set_system_prompt_with_tools)
    theirs = inspect.signature(langchain_aws.ChatBedrock.set_system_prompt_with_tools)
    assert list(ours.parameters) == list(theirs.parameters) == ["self", "xml_tools_system_prompt"]


def test_each_kept_difference_is_a_script_with_its_why() -> None:
    assert set(DIFFERENCES) <= set(SCRIPTS)
    assert all(why for why, _ in DIFFERENCES.values())
