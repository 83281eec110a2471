"""The Cohere adapter (`providers/cohere/adapter.py`): where requests go and with which
key, typed errors with Cohere's message and the request id, structured output's
`response_format`, and whole calls (invoke and stream, sync and async) over respx."""

from __future__ import annotations

import asyncio
import doctest
import json
from typing import Any

import httpx
import pytest
import respx

from chatplex.adapters.request_types import CallSettings
from chatplex.chat.model import ChatModel
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import RateLimitError
from chatplex.messages import HumanMessage
from chatplex.providers.cohere import adapter as module
from chatplex.providers.cohere.adapter import CohereAdapter
from tests._env import without_variables
from tests.providers._speccheck import assert_every_path_says

URL = "https://api.cohere.com/v2/chat"
REPLY = {
    "id": "r-1",
    "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]},
    "usage": {
        "billed_units": {"input_tokens": 3, "output_tokens": 1},
        "tokens": {"input_tokens": 9, "output_tokens": 1},
    },
}
STREAM = "".join(
    f"event: {o['type']}\ndata: {json.dumps(o)}\n\n"
    for o in (
        {"id": "r-2", "type": "message-start", "delta": {"message": {"role": "assistant"}}},
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "He"}}}},
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "llo"}}}},
        {"type": "message-end", "delta": {"finish_reason": "COMPLETE", "usage": REPLY["usage"]}},
    )
).encode()


_clean_env = without_variables("COHERE_API_KEY", "CO_API_KEY", "CO_API_URL", name="_clean_env")


def _request(adapter: CohereAdapter) -> Any:
    return adapter.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)


def test_a_bound_empty_tool_list_goes_as_langchain_cohere_sends_it() -> None:
    adapter = CohereAdapter(api_key="k")
    assert adapter.empty_tool_list_sent  # langchain-cohere's bind_tools([]): `tools: []`
    assert adapter.keeps_choice_without_tools  # ... and its tool_choice beside it
    bound = CallSettings(model="m", tool_list_bound=True)
    request = adapter.build_request([HumanMessage("hi")], bound, stream=False)
    assert list(request.json)[:3] == ["model", "messages", "tools"]  # the SDK's order
    assert request.json["tools"] == []
    assert "tools" not in _request(adapter).json  # nothing bound: no member


def test_the_key_and_where_it_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    with pytest.raises(ValueError, match="Cohere API key missing"):
        CohereAdapter()
    monkeypatch.setenv("CO_API_KEY", "co-sdk-env")
    assert _request(CohereAdapter()).headers["Authorization"] == "Bearer co-sdk-env"
    monkeypatch.setenv("COHERE_API_KEY", "co-lc-env")  # langchain-cohere's comes first
    assert _request(CohereAdapter()).headers["Authorization"] == "Bearer co-lc-env"
    # A base URL written in code for another host gets no environment key ...
    local = _request(CohereAdapter(base_url="http://127.0.0.1:9/"))
    assert "Authorization" not in local.headers and local.url == "http://127.0.0.1:9/v2/chat"
    # ... one from the environment (the SDK's CO_API_URL) does.
    monkeypatch.setenv("CO_API_URL", "http://gateway.example")
    sent = _request(CohereAdapter())
    assert sent.url == "http://gateway.example/v2/chat"
    assert sent.headers["Authorization"] == "Bearer co-lc-env"


def test_the_key_is_never_shown() -> None:
    adapter = CohereAdapter(api_key="co-secret-1")
    assert "co-secret-1" not in repr(adapter) and "co-secret-1" not in repr(_request(adapter))
    assert "co-secret-1" not in repr(adapter.budget_key("m"))


def test_an_error_is_typed_with_status_message_and_request_id() -> None:
    adapter = CohereAdapter(api_key="k")
    body = json.dumps({"id": "body-id", "message": "invalid api token"}).encode()
    err = adapter.map_error(401, body, {"x-request-id": "req-7"})
    assert isinstance(err, AuthenticationError)
    assert err.status == 401 and "invalid api token" in str(err) and err.request_id == "req-7"
    limited = adapter.map_error(429, b'{"message": "slow down"}', {})
    assert isinstance(limited, RateLimitError) and limited.retryable
    assert adapter.map_error(400, body, {}).request_id == "body-id"
    plain = adapter.map_error(502, b"<html>bad gateway</html>", {})
    assert "bad gateway" in str(plain)


def test_structured_output_settings() -> None:
    from pydantic import BaseModel

    from chatplex.chat.structured import output_schema

    class Answer(BaseModel):
        city: str

    adapter = CohereAdapter(api_key="k")
    spec = output_schema(Answer)
    settings = adapter.structured_output_settings(spec, Answer, "json_schema", None)
    assert settings == {
        "response_format": {"type": "json_object", "json_schema": Answer.model_json_schema()}
    }
    mode = adapter.structured_output_settings(spec, Answer, "json_mode", None)
    assert mode == {"response_format": {"type": "json_object"}}
    with pytest.raises(ValueError, match="strict"):
        adapter.structured_output_settings(spec, Answer, "json_schema", True)
    # Cohere enforces the schema: strict= is moot (LangChain's path drops it, as
    # langchain-cohere ignores it; chatplex's own refuses it, as on Gemini).
    assert adapter.structured.schema_enforced is True
    model = ChatModel(adapter, "command-a-03-2025")
    with pytest.raises(ValueError, match="strict"):
        model.with_structured_output(Answer, method="json_schema", strict=True)


@respx.mock(assert_all_called=True)
def test_invoke_and_stream_sync_and_async(respx_mock: Any) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["stream"]:
            return httpx.Response(
                200, content=STREAM, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=REPLY)

    respx_mock.post(URL).mock(side_effect=reply)
    model = ChatModel(CohereAdapter(api_key="k"), "command-a-03-2025", temperature=0.3)
    message = model.invoke("hi")
    assert message.content == "Hello" and message.response_metadata["finish_reason"] == "COMPLETE"
    assert message.usage_metadata == {"input_tokens": 9, "output_tokens": 1, "total_tokens": 10}
    sent = json.loads(respx_mock.calls.last.request.content)
    assert sent == {
        "model": "command-a-03-2025",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.3,
        "stream": False,
    }
    assert_every_path_says(model, "Hello")


@respx.mock
def test_a_bad_request_raises_the_typed_error(respx_mock: Any) -> None:
    respx_mock.post(URL).mock(
        return_value=httpx.Response(400, json={"id": "e-1", "message": "invalid model"})
    )
    model = ChatModel(CohereAdapter(api_key="k"), "nope", max_retries=0)
    with pytest.raises(BadRequestError, match="invalid model") as caught:
        model.invoke("hi")
    assert caught.value.status == 400 and caught.value.request_id == "e-1"


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


def test_default_headers_replace_ours_and_bad_ones_fail_at_construction() -> None:
    adapter = CohereAdapter(api_key="co-1", default_headers={"content-type": "text/x"})
    request = adapter.build_request(
        [HumanMessage("Hi")], CallSettings(model="command-a-03-2025"), stream=False
    )
    assert request.headers["content-type"] == "text/x"
    assert request.headers["Authorization"] == "Bearer co-1"
    with pytest.raises(ValueError, match="default_headers: the value of 'x-note'"):
        CohereAdapter(api_key="co-1", default_headers={"x-note": "line\r\nX-Evil: 1"})


def test_a_calls_documents_are_repeated_in_the_reply_as_langchain_cohere_does() -> None:
    # langchain-cohere's generation info repeats the call's `documents` (after the finish
    # reason invoked; after the token count on the stream's last chunk): the drop-in's
    # replies lacked them.
    langchain_cohere = pytest.importorskip("langchain_cohere")
    import chatplex.langchain
    from chatplex.testing import MockServer

    documents = [{"id": "doc-1", "data": {"text": "The grass is green."}}]
    seen: list[Any] = []
    with MockServer() as server:
        for cls in (langchain_cohere.ChatCohere, chatplex.langchain.ChatCohere):
            model = cls(model="command-a-03-2025", cohere_api_key="co-k", base_url=server.url)
            invoked = model.invoke("hi", documents=documents)
            *_, last = model.stream("hi", documents=documents)

            async def streamed(model: Any = model) -> Any:
                return [c async for c in model.astream("hi", documents=documents)][-1]

            plain = model.invoke("hi")
            seen.append((invoked, last, asyncio.run(streamed()), plain))
        chatplex.close()
    theirs, ours = seen
    assert [list(m.response_metadata) for m in ours[:2]] == [
        list(m.response_metadata) for m in theirs[:2]
    ]
    for their, our in zip(theirs, ours, strict=True):
        assert our.additional_kwargs.get("documents") == their.additional_kwargs.get("documents")
        assert our.response_metadata.get("documents") == their.response_metadata.get("documents")
    assert theirs[0].response_metadata["documents"] == documents
    assert "documents" not in ours[3].response_metadata  # a call without them
