"""`ChatCohere` (`providers/cohere/dropin.py`: its record's `build` and hooks), through
the drop-in (`chatplex.langchain.ChatCohere`) and the model it builds (`chatplex_model`):
langchain-cohere's constructor, its defaults and names on the wire, refused settings,
sync and async calls over respx, its token counts."""

from __future__ import annotations

import asyncio
import doctest
import functools
import json
import operator
from typing import Any

import httpx
import pytest
import respx
from langchain_core.messages import HumanMessage

from chatplex.langchain import ChatCohere
from chatplex.providers.cohere import dropin as module
from chatplex.providers.cohere import tokenizer
from tests._env import without_variables

URL = "https://api.cohere.com/v2/chat"
REPLY = {
    "id": "r-1",
    "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
    "usage": {"tokens": {"input_tokens": 2, "output_tokens": 1}},
}


_clean_env = without_variables("COHERE_API_KEY", "CO_API_KEY", "CO_API_URL", name="_clean_env")


@respx.mock(assert_all_called=True)
def test_langchains_parameters_on_the_wire_sync_and_async(respx_mock: Any) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    model = ChatCohere(
        model="command-a-03-2025",
        cohere_api_key="co-key",
        temperature=0.2,
        preamble="Be terse.",
        stop=["END"],
    )
    assert model.invoke("hi").content == "ok"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "model": "command-a-03-2025",
        "messages": [
            {"role": "system", "content": "Be terse."},
            {"role": "user", "content": "hi"},
        ],
        "stop_sequences": ["END"],
        "temperature": 0.2,
        "stream": False,
    }
    headers = route.calls.last.request.headers
    assert headers["authorization"] == "Bearer co-key"
    assert headers["x-client-name"] == "langchain:partner"
    assert asyncio.run(model.ainvoke("hi")).content == "ok"


def test_defaults_and_names() -> None:
    model = ChatCohere(model="command-r", cohere_api_key="k")
    built = model.chatplex_model
    assert model.get_name() == built.get_name() == "ChatCohere"
    assert model.model_name == built.model == "command-r"
    assert built.timeout == 300 and built.max_retries == 2 and built.temperature is None
    assert str(built.adapter.base_url) == "https://api.cohere.com"
    assert ChatCohere(model="m", api_key="k", timeout=5).chatplex_model.timeout == 5


def test_the_environment_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHERE_API_KEY", "co-env")
    assert ChatCohere(model="m").chatplex_model.adapter is not None
    monkeypatch.delenv("COHERE_API_KEY")
    with pytest.raises(ValueError, match="Cohere API key missing"):
        module.build({"model": "m"})  # (the drop-in raises its partner's: test_missing_key)


def test_refusals_and_unknown_keywords() -> None:
    with pytest.raises(ValueError, match="needs model"):
        ChatCohere(cohere_api_key="k")
    with pytest.raises(TypeError, match="client=...\\) is not supported"):
        ChatCohere(model="m", cohere_api_key="k", client=object())
    with pytest.raises(TypeError, match="pass one of them"):
        ChatCohere(model="m", cohere_api_key="a", api_key="b")
    model = ChatCohere(model="m", cohere_api_key="k", seed=4, k=10)
    assert model.chatplex_model.extra_body == {"seed": 4, "k": 10}


#: A v2 stream: one text delta, then the end with the usage.
_STREAM = "".join(
    f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
    for event in (
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "ok"}}}},
        {
            "type": "message-end",
            "delta": {"finish_reason": "COMPLETE", "usage": REPLY["usage"]},
        },
    )
)


def _merged(chunks: list[Any]) -> Any:
    return functools.reduce(operator.add, chunks)


@respx.mock(assert_all_called=True)
def test_langchains_stream_usage_is_taken_and_false_leaves_the_usage_out(
    respx_mock: Any,
) -> None:
    # langchain-cohere takes the keyword and ignores it; here it is LangChain's setting.
    respx_mock.post(URL).mock(
        side_effect=lambda request: httpx.Response(
            200, text=_STREAM, headers={"content-type": "text/event-stream"}
        )
    )
    counted = {"input_tokens": 2, "output_tokens": 1, "total_tokens": 3}

    async def merged_async(model: Any) -> Any:
        return _merged([chunk async for chunk in model.astream("hi")])

    for stream_usage, usage in ((True, counted), (False, None)):
        model = ChatCohere(model="m", cohere_api_key="k", stream_usage=stream_usage)
        assert model.chatplex_model.stream_usage is stream_usage
        merged = _merged(list(model.stream("hi")))
        assert merged.content == "ok" and merged.usage_metadata == usage
        assert asyncio.run(merged_async(model)).usage_metadata == usage
    per_call = ChatCohere(model="m", cohere_api_key="k").stream("hi", stream_usage=False)
    assert _merged(list(per_call)).usage_metadata is None


#: A streamed call with a tool plan, as Cohere's v2 API sends it.
_CALL_STREAM = "".join(
    f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
    for event in (
        {"type": "message-start", "id": "r-2", "delta": {"message": {"role": "assistant"}}},
        {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will add."}}},
        {
            "type": "tool-call-start",
            "index": 0,
            "delta": {
                "message": {
                    "tool_calls": {
                        "id": "add_1",
                        "type": "function",
                        "function": {"name": "add", "arguments": ""},
                    }
                }
            },
        },
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": '{"a": 1}'}}}},
        },
        {"type": "tool-call-end", "index": 0},
        {
            "type": "message-end",
            "delta": {
                "finish_reason": "TOOL_CALL",
                "usage": {"tokens": {"input_tokens": 2, "output_tokens": 1}},
            },
        },
    )
)
_ADD = {"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}


@respx.mock(assert_all_called=True)
def test_an_async_stream_yields_the_calls_whole_at_the_end_as_langchain_coheres(
    respx_mock: Any,
) -> None:
    """langchain-cohere's `_astream` yields a call and the tool plan on the last chunk
    only (its `_stream` yields the pieces): ChatCohere's streams do each the same;
    chatplex's own model streams the pieces both ways."""
    from chatplex import init_chat_model

    respx_mock.post(URL).mock(
        side_effect=lambda request: httpx.Response(
            200, text=_CALL_STREAM, headers={"content-type": "text/event-stream"}
        )
    )

    async def chunks_async(model: Any) -> list[Any]:
        return [chunk async for chunk in model.astream("hi")]

    dropin = ChatCohere(model="m", cohere_api_key="k").chatplex_model.bind_tools([_ADD])
    own = init_chat_model("cohere:m", api_key="k").bind_tools([_ADD])
    [last] = asyncio.run(chunks_async(dropin))
    assert last.content == "I will add." and last.chunk_position == "last"
    assert [(c["args"], c["index"]) for c in last.tool_call_chunks] == [('{"a": 1}', None)]
    assert last.tool_calls == [
        {"name": "add", "args": {"a": 1}, "id": "add_1", "type": "tool_call"}
    ]
    streamed: list[list[Any]] = [list(dropin.stream("hi")), asyncio.run(chunks_async(own))]
    for pieces in streamed:
        assert [c.content for c in pieces] == ["I will add.", "", "", ""]
        assert [c["index"] for p in pieces for c in p.tool_call_chunks] == [1, 1]
        assert _merged(pieces).tool_calls == last.tool_calls


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


def test_an_unknown_keyword_names_the_closest_one() -> None:
    with pytest.raises(TypeError, match=r"'temprature' \(did you mean 'temperature'\?\)"):
        ChatCohere(model="m", cohere_api_key="k", temprature=0)
    with pytest.raises(TypeError, match="'zzz_unheard_of'"):
        ChatCohere(model="m", cohere_api_key="k", zzz_unheard_of=1)


def test_tool_calling_is_function_calling(respx_mock: Any) -> None:
    """langchain-cohere's method="tool_calling" is its "function_calling": the schema's
    tool is sent and its call parsed, sync and async."""
    call = {"id": "c1", "type": "function", "function": {"name": "Pair", "arguments": '{"a": 1}'}}
    message = {"role": "assistant", "tool_plan": "Call.", "tool_calls": [call]}
    reply = {**REPLY, "finish_reason": "TOOL_CALL", "message": message}
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=reply))
    schema = {"title": "Pair", "type": "object", "properties": {"a": {"type": "integer"}}}
    model = ChatCohere(model="m", cohere_api_key="k").with_structured_output(
        schema, method="tool_calling"
    )
    assert model.invoke("hi") == {"a": 1}
    assert asyncio.run(model.ainvoke("hi")) == {"a": 1}
    sent = [json.loads(request.content) for request, _ in route.calls]
    assert [body["tools"][0]["function"]["name"] for body in sent] == ["Pair", "Pair"]


def test_coheres_own_tool_choice_words() -> None:
    """Bound as spelled (langchain-cohere binds them so: its callbacks' invocation params
    and cache keys say so), a plain str; LangChain's words as given too."""
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    model = ChatCohere(model="m", cohere_api_key="k")
    for given in ("REQUIRED", "NONE", "required", "none"):
        bound = model.bind_tools([tool], tool_choice=given).kwargs["tool_choice"]
        assert (bound, type(bound)) == (given, str)


@respx.mock(assert_all_called=True)
def test_a_count_without_a_tokenizer_file_is_the_tokenize_endpoints(respx_mock: Any) -> None:
    from chatplex.errors import AuthenticationError

    tokenizer.forget()
    record = {"name": "command-r", "tokenizer_url": None}
    respx_mock.get("https://api.cohere.com/v1/models/command-r").mock(
        return_value=httpx.Response(200, json=record)
    )
    tokens = {"tokens": [5, 6, 7], "token_strings": ["a", "b", "c"]}
    route = respx_mock.post("https://api.cohere.com/v1/tokenize").mock(
        side_effect=[httpx.Response(200, json=tokens), httpx.Response(401, json={"message": "no"})]
    )
    model = ChatCohere(model="command-r", cohere_api_key="co-key", max_retries=0)
    assert model.get_num_tokens("a b c") == 3
    sent = route.calls.last.request
    assert json.loads(sent.content) == {"text": "a b c", "model": "command-r"}
    assert sent.headers["sdk-api-warning-message"] == "offline_tokenizer_failed"
    assert sent.headers["authorization"] == "Bearer co-key"
    with pytest.raises(AuthenticationError):
        model.get_num_tokens("a b c")


FILE_URL = "https://storage.example/tokenizers/command-r.json"


class CohereCounts:
    """The model's record (naming `url`), its tokenizer file; records the requests."""

    def __init__(self, url: str | None = FILE_URL, file_status: int = 200) -> None:
        self.url, self.file_status = url, file_status
        self.seen: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path.startswith("/v1/models/"):
            return httpx.Response(200, json={"name": "command-r", "tokenizer_url": self.url})
        if request.url.path == "/v1/tokenize":
            words = json.loads(request.content)["text"].split()
            return httpx.Response(200, json={"tokens": list(range(len(words)))})
        return httpx.Response(self.file_status, content=word_tokenizer_file())

    def model(self, **settings: Any) -> Any:
        client = httpx.Client(transport=httpx.MockTransport(self.handler))
        return ChatCohere(
            model="command-r", cohere_api_key="co-key", http_client=client, **settings
        )


def test_the_tokenizer_file_is_fetched_once_without_the_key_and_counts_offline() -> None:
    pytest.importorskip("tokenizers")
    tokenizer.forget()
    cohere = CohereCounts()
    model = cohere.model(extra_headers={"x-gateway-token": "secret"})
    assert model.get_num_tokens("one two three") == 3
    record, file = cohere.seen
    assert (record.method, str(record.url)) == ("GET", "https://api.cohere.com/v1/models/command-r")
    assert record.headers["authorization"] == "Bearer co-key" and not record.content
    assert record.headers["x-gateway-token"] == "secret"
    assert (file.method, str(file.url)) == ("GET", FILE_URL)
    assert "authorization" not in file.headers and "x-gateway-token" not in file.headers
    # Kept for every model of that name in the process, as the SDK's cache.
    again = CohereCounts()
    assert again.model().get_num_tokens("a b") == 2
    # Messages: langchain-core's count, one per message of its buffer string ("Human: a b").
    assert again.model().get_num_tokens_from_messages([HumanMessage("a b")]) == 3
    assert again.seen == []
    tokenizer.forget()


@pytest.mark.parametrize(
    "cohere", [CohereCounts(url=None), CohereCounts(file_status=403)], ids=["no-url", "403"]
)
def test_without_a_tokenizer_file_the_count_is_the_endpoints(cohere: CohereCounts) -> None:
    tokenizer.forget()
    assert cohere.model(max_retries=0).get_num_tokens("one two") == 2
    assert cohere.seen[-1].url.path == "/v1/tokenize"
    assert tokenizer.kept("command-r") is None


def word_tokenizer_file() -> bytes:
    tokenizers = pytest.importorskip("tokenizers")
    words = tokenizers.Tokenizer(tokenizers.models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    words.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    return str(words.to_str()).encode()


def test_bound_tools_parameters_in_langchain_coheres_order() -> None:
    """A bound tool's parameters read as langchain-cohere writes them (its repr is part
    of a cache's key): `type`, `properties`, `required`, each property's `type` first."""
    parameters = {
        "properties": {"a": {"description": "The first.", "type": "integer", "enum": [1]}},
        "required": ["a"],
        "type": "object",
    }
    tool = {"type": "function", "function": {"name": "f", "parameters": parameters}}
    model = ChatCohere(model="m", cohere_api_key="k")
    [bound] = model.bind_tools([tool]).kwargs["tools"]
    sent = bound.function.parameters
    assert list(sent) == ["type", "properties", "required"]
    assert list(sent["properties"]["a"]) == ["type", "description", "enum"]
    assert sent == parameters
