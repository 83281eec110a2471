"""What a callback's `on_llm_new_token` is given (each piece's token, `generation_info`
and message) and `on_llm_end`'s result, side by side with the partner classes, against
chatplex's mock server, where a partner hands its callbacks pieces of its own making:
AzureChatOpenAI's stream opens on an event without choices (its filter results), whose
piece langchain-openai gives an empty `generation_info`; ChatOllama's invoke streams
underneath and reports its pieces as its stream makes them, the finishing piece's
fields in `generation_info` alone (LangChain's `stream()` copies them into the message
before it reports a piece). ChatBedrock given `streaming=True` reports its own pieces
too. The whole probe (every drop-in, every way of calling, events, run names and tags)
found these two differences only; the others the suites keep, each with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.callbacks import BaseCallbackHandler

import chatplex.langchain
from chatplex.testing import MockServer
from tests.langchain.agents_matrix._kit import WIRES
from tests.partners._sidebyside import module_loop
from tests.partners._sidebyside import observe

LOOP, _shared_clients_closed = module_loop()

#: Fields the server draws per request (Ollama's timestamps and durations).
_PER_REQUEST = frozenset(
    {"created_at", "total_duration", "load_duration", "prompt_eval_duration", "eval_duration"}
)


def _steady(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<drawn>" if k in _PER_REQUEST else _steady(v) for k, v in value.items()}
    return value


def _piece(token: str, chunk: Any) -> dict[str, Any]:
    return {
        "token": token,
        "class": type(chunk).__name__,
        "generation_info": _steady(chunk.generation_info),
        "message": _steady(observe(chunk.message)),
    }


def _ended(response: Any) -> list[Any]:
    return [
        [(type(g).__name__, _steady(g.generation_info), _steady(observe(g.message))) for g in row]
        for row in response.generations
    ]


class _Told(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.seen.append(_piece(token, kwargs["chunk"]))

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(_ended(response))


class _AsyncTold(AsyncCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.seen.append(_piece(token, kwargs["chunk"]))

    async def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.seen.append(_ended(response))


def _told(model: Any, how: str) -> list[Any]:
    """What the callbacks were told of one call of `model`, made `how`."""
    told = _AsyncTold() if how.startswith("a") else _Told()
    config: Any = {"callbacks": [told]}
    if how == "invoke":
        model.invoke("hi", config)
    elif how == "ainvoke":
        LOOP.run_until_complete(model.ainvoke("hi", config))
    elif how == "stream":
        list(model.stream("hi", config))
    else:

        async def streamed() -> None:
            [_ async for _ in model.astream("hi", config)]

        LOOP.run_until_complete(streamed())
    return told.seen


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


CASES = [
    ("azure", "stream", {}),
    ("azure", "astream", {}),
    ("ollama", "invoke", {}),
    ("ollama", "ainvoke", {}),
    ("bedrock", "invoke", {"streaming": True}),
]


@pytest.mark.filterwarnings("ignore")  # the partners' own (deprecations)
@pytest.mark.parametrize(("wire", "how", "more"), CASES, ids=[f"{w}-{h}" for w, h, _ in CASES])
def test_callbacks_are_told_of_the_pieces_as_by_the_partner(
    mock: MockServer, wire: str, how: str, more: dict[str, Any]
) -> None:
    row = WIRES[wire]
    settings = {**row.settings(mock.url), **more}
    theirs = _told(row.partner()(**settings), how)
    ours = _told(getattr(chatplex.langchain, row.cls)(**settings), how)
    assert ours == theirs
    assert len(theirs) > 2  # pieces, then the end


def test_azures_first_piece_has_an_empty_generation_info(mock: MockServer) -> None:
    """The event without choices that opens Azure's stream: `{}`, not None, as every
    chunk without choices of langchain-openai's (a callback reads `.get` on it)."""
    settings = WIRES["azure"].settings(mock.url)
    first, *_ = _told(chatplex.langchain.AzureChatOpenAI(**settings), "stream")
    assert first["generation_info"] == {} and first["token"] == ""


def test_ollamas_invoke_reports_the_finishing_fields_in_generation_info_alone(
    mock: MockServer,
) -> None:
    settings = WIRES["ollama"].settings(mock.url)
    *_, last, end = _told(chatplex.langchain.ChatOllama(**settings), "invoke")
    assert last["generation_info"]["done_reason"] == "stop"
    assert last["message"]["response_metadata"] == {}
    ((_, _, message),) = end[0]
    assert message["response_metadata"]["done_reason"] == "stop"  # the merged reply has them
