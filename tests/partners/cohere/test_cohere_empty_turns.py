"""ChatCohere given a user turn of no text (`HumanMessage("")`, `HumanMessage([])`):
langchain-cohere sends it as `content: ""`, which Cohere's chat API refuses ("message must
be at least 1 token long or tool results must be specified"); the drop-in refuses it
before any request, sync and async, with a ValueError naming the message. Kept rows
(`DIFFERENCES`), each held by its script."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners.cohere.test_cohere_sidebyside import _model
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

langchain_cohere = pytest.importorskip("langchain_cohere")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatCohere as OurChatCohere  # noqa: E402


def _sent_then_refused(content: Any, server: ScriptedServer, sync: bool) -> tuple[Any, str]:
    """The messages langchain-cohere sent for a user turn of `content`, and the
    ValueError the drop-in raised before any request."""
    server.handler = cohere_replies()
    server.seen.clear()
    _model(langchain_cohere.ChatCohere, server.url).invoke([lc.HumanMessage(content)])
    (sent,) = server.seen
    server.seen.clear()
    ours = _model(OurChatCohere, server.url)
    with pytest.raises(ValueError) as error:
        if sync:
            ours.invoke([lc.HumanMessage(content)])
        else:
            asyncio.run(ours.ainvoke([lc.HumanMessage(content)]))
    assert server.seen == []
    return sent.body["messages"], str(error.value)


@pytest.mark.parametrize("sync", [True, False], ids=["invoke", "ainvoke"])
def test_empty_user_text(server: ScriptedServer, sync: bool) -> None:
    sent, refused = _sent_then_refused("", server, sync)
    assert sent == [{"content": "", "role": "user"}]
    assert "a user message of empty text" in refused


@pytest.mark.parametrize("sync", [True, False], ids=["invoke", "ainvoke"])
def test_empty_block_list(server: ScriptedServer, sync: bool) -> None:
    sent, refused = _sent_then_refused([], server, sync)
    assert sent == [{"content": "", "role": "user"}]
    assert "an empty list of blocks" in refused


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())


# -- Kept differences: each script shows LangChain's request, then chatplex's refusal. --


def _as_is(outcome: Outcome) -> Outcome:
    return outcome


def _refused_blank(given: str) -> Difference:
    return Difference(
        Reason.REJECTED,
        f'sends a user message of {given} as `content: ""`, which Cohere\'s chat API '
        "refuses (a message must be at least one token long)",
        "refused before any request, with a ValueError naming the message",
    )


#: Script -> (why it differs, how its outcome is read): each checked by its test above.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "empty_user_text": (_refused_blank('empty text (`HumanMessage("")`)'), _as_is),
    "empty_block_list": (_refused_blank("no blocks (`HumanMessage([])`)"), _as_is),
}
