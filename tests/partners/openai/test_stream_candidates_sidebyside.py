"""Several candidates (`n=2`) streamed on Chat Completions, side by side: langchain-openai's
ChatOpenAI and the drop-in against one local server whose stream interleaves the two
choices' deltas (`index` 0 and 1), as the API streams them.

langchain-openai reads every choice's delta as a piece of one message: the merged stream
joins the candidates' texts ("Paris" + "Lyon": "ParisLyon") and their finish reasons and
model names ("stopstop"). The drop-in streams candidate 0 and hands the others over whole
in `response_metadata["other_candidates"]`, as its non-stream reply has them (the kept
row below)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import merged
from tests.partners.openai._both import assert_same_as_langchain_openai

langchain_openai = pytest.importorskip("langchain_openai")

_ANSWERS = ("Paris", "Lyon")


def _streamed(seen: Seen) -> Reply:
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1}
    head["model"] = "gpt-4o-mini-2024-07-18"
    choices = [
        {"index": n, "delta": {"role": "assistant", "content": text}, "finish_reason": None}
        for n, text in enumerate(_ANSWERS)
    ]
    choices += [{"index": n, "delta": {}, "finish_reason": "stop"} for n in range(2)]
    events = [{**head, "choices": [choice]} for choice in choices]
    pieces = [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]
    return Reply(200, pieces, "text/event-stream")


def _model(cls: Any, url: str) -> Any:
    return cls(model="gpt-4o-mini", api_key="sk-k", base_url=url + "/v1", n=2)


def stream_two_candidates(cls: Any, url: str) -> Any:
    return merged(list(_model(cls, url).stream("A city in France?")))


SCRIPTS = {
    "stream_two_candidates": stream_two_candidates,
}


def _candidates_apart(outcome: Outcome) -> Outcome:
    """Theirs joined the two candidates; ours has the first, the second whole beside it.
    Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["content"] == "".join(_ANSWERS)
    assert theirs["response_metadata"]["finish_reason"] == "stopstop"
    assert ours["content"] == _ANSWERS[0]
    meta = ours["response_metadata"]
    assert meta["finish_reason"] == "stop"
    (other,) = meta["other_candidates"]
    assert other["content"] == _ANSWERS[1]
    return theirs, theirs, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    name: (
        Difference(
            Reason.LOSES_DATA,
            "a stream of several candidates (`n=2`) merges them into one message: their "
            'texts joined ("Paris" and "Lyon" read "ParisLyon"), their finish reasons and '
            'model names too ("stopstop")',
            "streams the first candidate and gives the others whole in "
            "`response_metadata['other_candidates']`, as the reply without streaming has them",
        ),
        _candidates_apart,
    )
    for name in SCRIPTS
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    server.handler = _streamed
    assert_same_as_langchain_openai(server, SCRIPTS[name], DIFFERENCES, name)
