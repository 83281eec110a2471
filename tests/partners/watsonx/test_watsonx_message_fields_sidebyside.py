"""ChatWatsonx side by side, a message's own fields: the name a message carries in
`additional_kwargs` (as langchain-ibm reads it beside `name`), a reply's `name`,
`audio` and legacy `function_call` (kept as langchain-ibm keeps them, and sent back), and
`max_tokens=0` (watsonx.ai's "the model's own limit", sent as given), and
what langchain-ibm refuses or sends that the chat API does not take: a call's
`guided_json=` and `extra_body=`, LangChain's standard audio and video blocks. Run as
test_watsonx_sidebyside.py runs its scripts; kept differences (`DIFFERENCES`) each have
their test below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage
from langchain_core.messages import ToolMessage

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import observe
from tests.partners.watsonx.test_watsonx_reply_sidebyside import _event
from tests.partners.watsonx.test_watsonx_reply_sidebyside import _merged
from tests.partners.watsonx.test_watsonx_reply_sidebyside import streamed
from tests.partners.watsonx.test_watsonx_sidebyside import _as_is
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401
from tests.partners.watsonx.test_watsonx_sidebyside import _reply
from tests.partners.watsonx.test_watsonx_sidebyside import run

#: The two ways a call is made: each script runs with both.
CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "invoke": lambda m, given: m.invoke(given),
    "ainvoke": lambda m, given: asyncio.run(m.ainvoke(given)),
}

NAMED = [
    SystemMessage("Be brief.", additional_kwargs={"name": "rules"}),
    HumanMessage("2 + 3?", additional_kwargs={"name": "bob"}),
    AIMessage("5.", additional_kwargs={"name": "bot"}),
    # `name` first; an empty one gives way to `additional_kwargs`'
    HumanMessage("And 3 + 4?", name="ann", additional_kwargs={"name": "bob"}),
    HumanMessage("And 4 + 5?", name="", additional_kwargs={"name": "bob"}),
    AIMessage("", tool_calls=[{"name": "add", "args": {"a": 4, "b": 5}, "id": "c-1"}]),
    # (a tool result's name is not sent)
    ToolMessage("9", tool_call_id="c-1", name="add", additional_kwargs={"name": "add"}),
]


@pytest.mark.parametrize("call", sorted(CALLS))
def test_names_in_additional_kwargs_sent_as_langchain_ibm(call: str, cloud: ScriptedServer) -> None:
    their, ours, their_sent, our_sent = run(cloud, lambda m: CALLS[call](m, NAMED))
    assert ours == their
    assert our_sent == their_sent
    names = [turn.get("name") for turn in our_sent[0]["body"]["messages"]]
    assert names == ["rules", "bob", "bot", "ann", "bob", None, None]


AUDIO = {"id": "audio-1", "data": "AAAA", "expires_at": 1700003600, "transcript": "Hello"}
#: A reply whose message has a name, an audio reply and a legacy function call.
FIELDS = _reply(
    {
        "role": "assistant",
        "content": "Hello",
        "name": "bot",
        "audio": AUDIO,
        "function_call": {"name": "add", "arguments": '{"a": 2, "b": 3}'},
    }
)


def _sent_back(model: Any) -> Any:
    """The reply, then the reply sent back as the history's assistant turn."""
    first = model.invoke("hi")
    return [first, model.invoke([HumanMessage("hi"), first, HumanMessage("again")])]


async def _asent_back(model: Any) -> Any:
    """`_sent_back` awaited, in one event loop (langchain-ibm's async client keeps its
    first)."""
    first = await model.ainvoke("hi")
    return [first, await model.ainvoke([HumanMessage("hi"), first, HumanMessage("again")])]


SENT_BACK: dict[str, Callable[[Any], Any]] = {
    "invoke": _sent_back,
    "ainvoke": lambda m: asyncio.run(_asent_back(m)),
}


@pytest.mark.parametrize("call", sorted(SENT_BACK))
def test_reply_fields_kept_and_sent_back_as_langchain_ibm(call: str, cloud: ScriptedServer) -> None:
    their, ours, their_sent, our_sent = run(cloud, SENT_BACK[call], chat=FIELDS)
    assert ours == their
    assert our_sent == their_sent
    assert ours[0]["name"] == "bot"
    assert set(ours[0]["additional_kwargs"]) == {"function_call", "audio"}
    turn = our_sent[1]["body"]["messages"][1]
    assert (turn["audio"], turn["function_call"]["name"]) == ({"id": "audio-1"}, "add")


#: A legacy function call streamed: its name (null after the first delta) and arguments.
FUNCTION_STREAM = [
    _event({"role": "assistant", "content": "", "function_call": {"name": "add"}}),
    _event({"function_call": {"name": None, "arguments": '{"a": 2, '}}),
    _event({"function_call": {"arguments": '"b": 3}'}}),
    _event({"content": ""}, "stop"),
]


async def _astreamed(model: Any) -> list[Any]:
    return [piece async for piece in model.astream("hi")]


STREAM_WAYS: dict[str, Callable[[Any], Any]] = {
    "chunks": lambda m: [observe(p) for p in m.stream("hi")],
    "merged": lambda m: observe(_merged(list(m.stream("hi")))),
    "amerged": lambda m: observe(_merged(asyncio.run(_astreamed(m)))),
}


@pytest.mark.parametrize("way", sorted(STREAM_WAYS))
def test_streamed_function_call_kept_as_langchain_ibm(way: str, cloud: ScriptedServer) -> None:
    their, ours, _, _ = streamed(cloud, STREAM_WAYS[way], FUNCTION_STREAM)
    assert ours == their
    if way != "chunks":
        call = ours["additional_kwargs"]["function_call"]
        assert call == {"name": "add", "arguments": '{"a": 2, "b": 3}'}


#: `max_tokens=0`, which watsonx.ai reads as the model's own limit: given to the
#: constructor, in its `params`, to a call (sync, async, streamed, bound, over the
#: model's), and in a call's `params`: script -> (script, the constructor's keywords).
ZERO_MAX_TOKENS: dict[str, tuple[Callable[[Any], Any], dict[str, Any]]] = {
    "constructor": (lambda m: [m.invoke("hi"), m.max_tokens], {"max_tokens": 0}),
    "params": (lambda m: [m.invoke("hi"), m.params], {"params": {"max_tokens": 0}}),
    "call": (lambda m: m.invoke("hi", max_tokens=0), {}),
    "call_over_model": (lambda m: m.invoke("hi", max_tokens=0), {"max_tokens": 20}),
    "acall": (lambda m: asyncio.run(m.ainvoke("hi", max_tokens=0)), {}),
    "stream": (lambda m: [c.content for c in m.stream("hi", max_tokens=0)], {}),
    "bound": (lambda m: m.bind(max_tokens=0).invoke("hi"), {}),
    "call_params": (lambda m: m.invoke("hi", params={"max_tokens": 0}), {"max_tokens": 20}),
}


@pytest.mark.parametrize("name", sorted(ZERO_MAX_TOKENS))
def test_zero_max_tokens_sent_as_langchain_ibm(name: str, cloud: ScriptedServer) -> None:
    script, given = ZERO_MAX_TOKENS[name]
    their, ours, their_sent, our_sent = run(cloud, script, **given)
    assert ours == their
    assert our_sent == their_sent
    assert [request["body"]["max_tokens"] for request in our_sent] == [0]


def _traced_max_tokens(model: Any, **call: Any) -> Any:
    """The `ls_max_tokens` a callback's run start is told of a call (`-`: none)."""
    from langchain_core.callbacks import BaseCallbackHandler

    told: list[Any] = []

    class Told(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            told.append((kwargs.get("metadata") or {}).get("ls_max_tokens", "-"))

    model.invoke("hi", config={"callbacks": [Told()]}, **call)
    return told


#: The model's max_tokens and a call's: what LangSmith's params report of each.
TRACED = {
    "constructor": ({"max_tokens": 0}, {}),
    "call": ({}, {"max_tokens": 0}),
    "call_over_model": ({"max_tokens": 5}, {"max_tokens": 0}),
    "model_under_call": ({"max_tokens": 0}, {"max_tokens": 7}),
    "params": ({"params": {"max_tokens": 0}}, {}),
}


@pytest.mark.parametrize("name", sorted(TRACED))
def test_zero_max_tokens_traced_as_langchain_ibm(name: str, cloud: ScriptedServer) -> None:
    given, call = TRACED[name]
    their, ours, _, _ = run(cloud, lambda m: _traced_max_tokens(m, **call), **given)
    assert ours == their


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --

#: A call's keywords langchain-ibm hands to ibm-watsonx-ai's `ModelInference.chat()`,
#: which takes neither.
CALL_KEYWORDS = {
    "guided_json": {"guided_json": {"type": "object"}},
    "extra_body": {"extra_body": {"guided_choice": ["yes", "no"]}},
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("given", sorted(CALL_KEYWORDS))
def test_call_body_keywords(given: str, call: str, cloud: ScriptedServer) -> None:
    keywords = CALL_KEYWORDS[given]
    scripts = {
        "invoke": lambda m: m.invoke("hi", **keywords),
        "ainvoke": lambda m: asyncio.run(m.ainvoke("hi", **keywords)),
    }
    their, ours, their_sent, our_sent = run(cloud, scripts[call])
    assert their == {"raised": {**_NONE_RAISED, "TypeError": True}} and their_sent == []
    assert ours["content"] == "Hello there"
    (request,) = our_sent
    sent = keywords.get("extra_body", keywords)
    assert {k: request["body"][k] for k in sent} == sent


_NONE_RAISED = {
    "ApiRequestFailure": False,
    "WMLClientError": False,
    "ValueError": False,
    "TypeError": False,
}

#: LangChain's standard audio and video blocks, beside a question.
MEDIA = {
    "audio": {"type": "audio", "base64": "AAAA", "mime_type": "audio/wav"},
    "video": {"type": "video", "base64": "AAAA", "mime_type": "video/mp4"},
    "video_url": {"type": "video", "url": "https://example.com/v.mp4"},
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("media", sorted(MEDIA))
def test_standard_media_blocks(media: str, call: str, cloud: ScriptedServer) -> None:
    question = [HumanMessage([{"type": "text", "text": "What is this?"}, MEDIA[media]])]
    their, ours, their_sent, our_sent = run(cloud, lambda m: CALLS[call](m, question))
    assert their["content"] == "Hello there"
    assert their_sent[0]["body"]["messages"][0]["content"][1] == MEDIA[media]
    assert ours == {"raised": {**_NONE_RAISED, "ValueError": True}} and our_sent == []


_CALL_BODY_KEYWORDS = Difference(
    Reason.RAISES,
    "a call's `guided_json=` (or another chat parameter it has no field for) and "
    "`extra_body=` raise TypeError (`ModelInference.chat() got an unexpected keyword "
    "argument`) before any request",
    "`guided_json` and the other chat parameters are sent in the body, as given to the "
    "constructor; `extra_body`'s fields are sent in the body as they are",
)
_STANDARD_MEDIA = Difference(
    Reason.REJECTED,
    "sends LangChain's standard `audio` and `video` blocks (`{'type': 'audio', 'base64': "
    "..., 'mime_type': ...}`) as given, types the chat API has no part of (its user "
    "parts: text, image_url, video_url, input_audio)",
    "refuses them with a ValueError naming the block's type and the ones it sends "
    "(`input_audio`, `video_url`...), before any request",
)

#: Script -> (why it differs, how its outcome is read): each checked by its test above.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "call_body_keywords": (_CALL_BODY_KEYWORDS, _as_is),
    "standard_media_blocks": (_STANDARD_MEDIA, _as_is),
}


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
