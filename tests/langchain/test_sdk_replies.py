"""A reply's fields as the partner keeps them where its SDK parsed them
(`chatplex/langchain/sdk_replies.py`): the perplexity SDK's `ApiPublicSearchResultOutput`
objects on ChatPerplexity's invoked replies, built as that SDK builds them (compared with
the SDK's own parsing of the same reply), its dumps on streams and where the SDK cannot
be imported; the ollama SDK's `Logprob`s in ChatOllama's `response_metadata`, invoked
and streamed, as its validation makes them; chatplex's own models keep the JSON as
sent. Sync and async, invoke and stream, against the mock server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult

import chatplex
import chatplex.langchain
from chatplex.adapters import adapter_class
from chatplex.langchain import ChatChatplex
from chatplex.langchain.sdk_replies import asdk_pieces
from chatplex.langchain.sdk_replies import sdk_items
from chatplex.langchain.sdk_replies import sdk_pieces
from chatplex.langchain.sdk_replies import with_sdk_objects
from chatplex.langchain.traits import partner_traits
from chatplex.specs import SdkModel
from chatplex.testing import MockRequest
from chatplex.testing import MockServer

_MODEL = partner_traits(adapter_class("perplexity")(api_key="k")).reply_sdk_models["search_results"]
#: A full result, one without its required `title` and with a key the SDK does not
#: declare, and an item that is no object.
_FOUND: list[Any] = [
    {
        "title": "A",
        "url": "https://a.example",
        "date": "2025-01-02",
        "last_updated": None,
        "snippet": "A says so.",
        "source": "web",
    },
    {"url": "https://b.example", "date": None, "rank": 2},
    "odd",
]


def _sdk_parsed(found: list[Any]) -> Any:
    """The search results as the perplexity SDK's client parses a reply carrying them
    (its default, unvalidated construction)."""
    api = pytest.importorskip("perplexity.generated.api")
    models = pytest.importorskip("perplexity._models")
    reply = {"id": "r", "created": 1, "model": "sonar", "choices": [], "search_results": found}
    return models.construct_type(value=reply, type_=api.CompletionResponseOutput).search_results


def test_the_items_are_the_sdks_objects_as_it_builds_them() -> None:
    theirs, ours = _sdk_parsed(_FOUND), sdk_items(_FOUND, _MODEL)
    assert [type(o) for o in ours] == [type(t) for t in theirs]
    assert type(ours[0]).__name__ == "ApiPublicSearchResultOutput"
    assert ours == theirs and repr(ours) == repr(theirs)
    for mine, sdk in zip(ours[:2], theirs[:2], strict=True):
        assert mine.model_fields_set == sdk.model_fields_set
        assert mine.to_dict() == sdk.to_dict()  # only what the reply gave
        assert json.dumps(mine.model_dump()) == json.dumps(sdk.model_dump())  # key order too
    assert ours[0].url == "https://a.example" and ours[1].title is None
    assert ours[1].rank == 2  # the extra key kept, as the SDK keeps it


def test_the_dumps_stand_in_where_the_sdk_cannot_be_imported() -> None:
    dumps = [
        {
            "date": "2025-01-02",
            "last_updated": None,
            "snippet": "A says so.",
            "source": "web",
            "title": "A",
            "url": "https://a.example",
        },
        {
            "date": None,
            "last_updated": None,
            "snippet": None,
            "source": None,
            "title": None,
            "url": "https://b.example",
            "rank": 2,
        },
        "odd",
    ]
    for path in ("no_such_sdk.types:Result", "json:NoSuchClass", "json:dumps"):
        got = sdk_items(_FOUND, SdkModel(path, _MODEL.fields))
        assert json.dumps(got) == json.dumps(dumps)  # the SDK's dump, key order too
    assert json.dumps(dumps) == json.dumps(
        [t.model_dump() for t in _sdk_parsed(_FOUND)[:2]] + ["odd"]
    )
    assert sdk_items(None, _MODEL) is None and sdk_items("text", _MODEL) == "text"


def test_only_the_modelled_fields_of_a_wire_that_declares_them_change() -> None:
    kept = {"citations": ["https://a.example"], "search_results": _FOUND[:1]}
    result = ChatResult(
        generations=[ChatGeneration(message=AIMessage("x", additional_kwargs=kept))]
    )
    given = result.generations[0].message.additional_kwargs
    for adapter in (None, adapter_class("groq")(api_key="k")):
        assert with_sdk_objects(result, adapter).generations[0].message.additional_kwargs is given
    made = with_sdk_objects(result, adapter_class("perplexity")(api_key="k"))
    got = made.generations[0].message.additional_kwargs
    assert list(got) == ["citations", "search_results"] and got["citations"] is given["citations"]
    assert got["search_results"][0].title == "A" and given["search_results"] == _FOUND[:1]


# ---- ChatPerplexity against the mock server ------------------------------------------


def _reply(request: MockRequest) -> bytes | list[bytes]:
    head = {"id": "r1", "created": 1, "model": "sonar", "search_results": _FOUND[:2]}
    if not request.stream:
        message = {"role": "assistant", "content": "A [1]."}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return json.dumps({**head, "choices": [choice]}).encode()
    choice = {"index": 0, "delta": {"content": "A [1]."}, "finish_reason": "stop"}
    return [b"data: " + json.dumps({**head, "choices": [choice]}).encode() + b"\n\n"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockServer]:
    with MockServer() as running:
        running.settings.raw_reply = _reply
        monkeypatch.setenv("PERPLEXITY_BASE_URL", running.url)
        yield running


def _results(message: Any) -> list[Any]:
    return list(message.additional_kwargs["search_results"])


def test_chatperplexity_invoked_gives_objects_streamed_gives_dumps(server: MockServer) -> None:
    sdk = _sdk_parsed(_FOUND[:2])
    model = chatplex.langchain.ChatPerplexity(model="sonar", api_key="pplx-k", max_retries=0)

    async def both() -> tuple[Any, Any]:
        reply = await model.ainvoke("hi")
        return reply, [chunk async for chunk in model.astream("hi")]

    invoked = model.invoke("hi")
    areply, achunks = asyncio.run(both())
    for message in (invoked, areply):
        assert _results(message) == sdk and _results(message)[0].url == "https://a.example"
    dumps = [t.model_dump() for t in sdk]
    for chunks in (list(model.stream("hi")), achunks):
        assert json.dumps(_results(chunks[0])) == json.dumps(dumps)
    # A streaming invoke is its stream merged, as langchain-perplexity's: the dumps.
    streaming = chatplex.langchain.ChatPerplexity(model="sonar", api_key="pplx-k", streaming=True)
    assert _results(streaming.invoke("hi")) == dumps


def test_chatplexs_own_model_keeps_the_json_as_sent(server: MockServer) -> None:
    own = ChatChatplex(model="perplexity:sonar", api_key="pplx-k")
    assert _results(own.invoke("hi")) == _FOUND[:2]


def test_docstring_examples() -> None:
    import doctest

    from chatplex.langchain import sdk_replies

    failures, tried = doctest.testmod(sdk_replies)
    assert failures == 0 and tried > 0


# ---- response_metadata fields, invoked and streamed: ChatOllama's logprobs -------------

_LOGPROBS_MODEL = partner_traits(adapter_class("ollama")()).metadata_sdk_models["logprobs"]
#: A token with its top alternatives, one without them, one the SDK refuses (no token).
_LOGPROBS: list[Any] = [
    {"token": "Hi", "logprob": -0.5, "top_logprobs": [{"token": "Hi", "logprob": -0.5}]},
    {"token": "!", "logprob": -0.1},
    {"logprob": -1.0},
]


def _sdk_logprobs(items: list[Any]) -> Any:
    """The log probabilities as the ollama SDK's client parses a reply carrying them."""
    types = pytest.importorskip("ollama._types")
    message = {"role": "assistant", "content": "Hi!"}
    return types.ChatResponse.model_validate({"message": message, "logprobs": items}).logprobs


def test_validated_items_are_the_sdks_models_as_its_validation_makes_them() -> None:
    types = pytest.importorskip("ollama._types")
    ours = sdk_items(_LOGPROBS, _LOGPROBS_MODEL)
    theirs = _sdk_logprobs(_LOGPROBS[:2])
    assert ours[:2] == theirs and repr(ours[:2]) == repr(theirs)
    assert type(ours[0].top_logprobs[0]) is types.TokenLogprob  # nested: its model too
    assert ours[0]["token"] == "Hi" and ours[1].top_logprobs is None
    assert ours[2] is _LOGPROBS[2]  # refused by the SDK: kept as it came
    unimportable = SdkModel("no_such_sdk:Logprob", _LOGPROBS_MODEL.fields, validated=True)
    assert sdk_items(_LOGPROBS[1:2], unimportable) == [{**_LOGPROBS[1], "top_logprobs": None}]


def _piece(metadata: dict[str, Any], info: dict[str, Any] | None = None) -> ChatGenerationChunk:
    return ChatGenerationChunk(
        message=AIMessageChunk("x", response_metadata=metadata), generation_info=info
    )


def test_a_streams_metadata_fields_are_made_so_piece_by_piece() -> None:
    pytest.importorskip("ollama")
    ollama = adapter_class("ollama")()
    pieces = [_piece({"logprobs": _LOGPROBS[:1]}, {"logprobs": _LOGPROBS[:1]}), _piece({})]
    for adapter in (None, adapter_class("groq")(api_key="k")):
        given = iter(pieces)
        assert sdk_pieces(given, adapter) is given

    async def streamed() -> list[ChatGenerationChunk]:
        async def given() -> AsyncIterator[ChatGenerationChunk]:
            for piece in [_piece({"logprobs": _LOGPROBS[1:2]}), _piece({"model_name": "m"})]:
                yield piece

        return [piece async for piece in asdk_pieces(given(), ollama)]

    made = list(sdk_pieces(iter(pieces), ollama))
    first = made[0]
    assert type(first.message.response_metadata["logprobs"][0]).__name__ == "Logprob"
    assert first.generation_info is not None
    assert type(first.generation_info["logprobs"][0]).__name__ == "Logprob"
    assert made[1].message.response_metadata == {}
    amade = asyncio.run(streamed())
    assert amade[0].message.response_metadata["logprobs"][0].token == "!"
    assert amade[1].message.response_metadata == {"model_name": "m"}


def test_a_whole_replys_metadata_fields_are_made_so() -> None:
    pytest.importorskip("ollama")
    metadata = {"model": "m", "logprobs": _LOGPROBS[:1]}
    result = ChatResult(
        generations=[ChatGeneration(message=AIMessage("x", response_metadata=metadata))]
    )
    got = with_sdk_objects(result, adapter_class("ollama")()).generations[0].message
    assert list(got.response_metadata) == ["model", "logprobs"]
    assert got.response_metadata["logprobs"][0].top_logprobs[0].token == "Hi"
    assert metadata["logprobs"] == _LOGPROBS[:1]  # the reply's own dict left as it was


def _ollama_reply(request: MockRequest) -> bytes | list[bytes]:
    head = {"model": "llama3.2", "created_at": "2026-11-26T12:00:00Z"}
    done = {"done": True, "done_reason": "stop", "prompt_eval_count": 3, "eval_count": 2}
    pieces = [("Hi", _LOGPROBS[:1]), ("!", _LOGPROBS[1:2])]
    if not request.stream:
        message = {"role": "assistant", "content": "Hi!"}
        return json.dumps({**head, "message": message, **done, "logprobs": _LOGPROBS[:2]}).encode()
    lines = [
        {**head, "message": {"role": "assistant", "content": text}, "done": False, "logprobs": lp}
        for text, lp in pieces
    ]
    lines.append({**head, "message": {"role": "assistant", "content": ""}, **done})
    return [json.dumps(line).encode() + b"\n" for line in lines]


def test_chatollama_gives_the_sdks_logprobs_invoked_and_streamed() -> None:
    sdk = _sdk_logprobs(_LOGPROBS[:2])
    with MockServer() as running:
        running.settings.raw_reply = _ollama_reply
        model = chatplex.langchain.ChatOllama(model="llama3.2", base_url=running.url, logprobs=True)

        async def both() -> tuple[Any, list[Any]]:
            return await model.ainvoke("hi"), [c async for c in model.astream("hi")]

        areply, achunks = asyncio.run(both())
        for message in (model.invoke("hi"), areply):
            assert message.response_metadata["logprobs"] == sdk
        for chunks in (list(model.stream("hi")), achunks):
            assert [c.response_metadata.get("logprobs") for c in chunks[:2]] == [sdk[:1], sdk[1:]]
        own = ChatChatplex(model="ollama:llama3.2", base_url=running.url, logprobs=True)
        assert own.invoke("hi").response_metadata["logprobs"] == _LOGPROBS[:2]  # the JSON
