"""ChatOpenAI on the Responses API with `output_version="v0"` side by side: the scripts of
`test_responses_sidebyside.py`'s suite, each class built with `output_version="v0"`
(langchain-openai's v0.3 shape: text in `content`; reasoning, built-in tool items and
the refusal in `additional_kwargs`, function call item ids by call id), invoked,
ainvoked, streamed, astreamed, and each reply given back in a second turn."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from tests.adapters._responses_fixtures import REFUSAL_ITEM
from tests.adapters._responses_fixtures import message_item
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import clients_closed_after_module
from tests.partners._sidebyside import merged
from tests.partners.responses.test_responses_sidebyside import CITATION
from tests.partners.responses.test_responses_sidebyside import LOOP
from tests.partners.responses.test_responses_sidebyside import REASONING_ITEM
from tests.partners.responses.test_responses_sidebyside import SUITE
from tests.partners.responses.test_responses_sidebyside import WEB_ITEM
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import call_item
from tests.partners.responses.test_responses_sidebyside import run_async

#: The Responses suite's loop, borrowed: chatplex's clients on it closed after this module.
_shared_clients_closed = clients_closed_after_module(LOOP)

lc = pytest.importorskip("langchain_core.messages")
pytest.importorskip("langchain_openai")

QUESTION = "Weather in Paris, and 1+2?"


def _v0(cls: Any, url: str) -> Any:
    from tests.partners._sidebyside import add

    model = _model(cls, url, model="o4-mini", output_version="v0")
    return model.bind_tools([{"type": "web_search"}, add])


def switched(cls: Any, url: str) -> Any:
    """A Chat Completions model (no `use_responses_api`) switched to the Responses API by
    the built-in tool bound: its replies in the v0.3 shape too."""
    model = _model(cls, url, model="o4-mini", output_version="v0", use_responses_api=None)
    bound = model.bind_tools([{"type": "web_search"}])
    return [bound.invoke(QUESTION), merged(list(bound.stream(QUESTION)))]


def invoke(cls: Any, url: str) -> Any:
    return _v0(cls, url).invoke(QUESTION)


def ainvoke(cls: Any, url: str) -> Any:
    return run_async(_v0(cls, url).ainvoke(QUESTION))


def stream(cls: Any, url: str) -> Any:
    chunks = list(_v0(cls, url).stream(QUESTION))
    return {"chunks": chunks, "merged": merged(chunks)}


def astream(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in _v0(cls, url).astream(QUESTION)]

    chunks = run_async(run())
    return {"chunks": chunks, "merged": merged(chunks)}


def round_trip(cls: Any, url: str) -> Any:
    """The v0 reply given back (its items read out of `additional_kwargs`), invoked and
    streamed: the second request is compared."""
    model = _v0(cls, url)
    first = model.invoke(QUESTION)
    streamed = merged(list(model.stream(QUESTION)))
    turns = [lc.HumanMessage(QUESTION), first, lc.HumanMessage("Sure?")]
    again = [lc.HumanMessage(QUESTION), streamed, lc.HumanMessage("Sure?")]
    return [model.invoke(turns), model.invoke(again)]


#: A reply of every item v0.3 moves: reasoning, a web search, cited text, a call.
EVERY = Script(
    [
        REASONING_ITEM,
        WEB_ITEM,
        message_item("Sunny.", [CITATION]),
        call_item(None, {"a": 1, "b": 2}),
    ]
)
REFUSED = Script([REFUSAL_ITEM])

SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    "v0_invoke": (EVERY, invoke),
    "v0_ainvoke": (EVERY, ainvoke),
    "v0_stream": (EVERY, stream),
    "v0_astream": (EVERY, astream),
    "v0_round_trip": (EVERY, round_trip),
    "v0_refusal": (REFUSED, invoke),
    "v0_refusal_stream": (REFUSED, stream),
    "v0_switched": (EVERY, switched),
}
V0 = dataclasses.replace(SUITE, scripts=SCRIPTS, differences={})


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_v0_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    assert_same(V0.run(name, server))


def _fields(message: Any) -> dict[str, Any]:
    calls = [{k: c[k] for k in ("name", "args", "id")} for c in message.tool_calls]
    return {
        "content": message.content,
        "additional_kwargs": message.additional_kwargs,
        "tool_calls": calls,
        "id": message.id,
    }


@pytest.mark.parametrize("how", ["invoke", "stream", "ainvoke"])
def test_the_own_family_replies_in_v0_as_langchain_openai(how: str, server: ScriptedServer) -> None:
    """`chatplex.init_chat_model(..., output_version="v0")` on the Responses API: the
    v0.3 shape, as langchain-openai's ChatOpenAI gives it for the same reply."""
    import chatplex
    from chatplex.messages import AIMessageChunk
    from chatplex.messages import HumanMessage
    from tests.partners._sidebyside import add
    from tests.partners.responses.test_responses_sidebyside import KEY
    from tests.partners.responses.test_responses_sidebyside import answer

    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    server.handler = answer(EVERY)
    settings = {"api_key": KEY, "base_url": server.url + "/v1", "use_responses_api": True}
    theirs_model = partner(model="o4-mini", output_version="v0", **settings)
    ours_model = chatplex.init_chat_model("openai:o4-mini", output_version="v0", **settings)
    replies = []
    for model, human in ((theirs_model, lc.HumanMessage), (ours_model, HumanMessage)):
        bound = model.bind_tools([{"type": "web_search"}, add])
        if how == "stream":
            chunks = list(bound.stream([human(QUESTION)]))
            reply = chunks[0]
            for chunk in chunks[1:]:
                reply = reply + chunk
        elif how == "ainvoke":
            reply = run_async(bound.ainvoke([human(QUESTION)]))
        else:
            reply = bound.invoke([human(QUESTION)])
        replies.append(reply)
    theirs, ours = replies
    assert isinstance(ours, AIMessageChunk) == (how == "stream")
    assert ours.additional_kwargs["reasoning"]["id"] == "rs_1"  # (not responses/v1 blocks)
    assert _fields(ours) == _fields(theirs)
