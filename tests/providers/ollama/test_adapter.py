"""The Ollama adapter: base URL (`OLLAMA_HOST`), keys and headers, error mapping, and
calls end to end through a chat model over a mock transport, sync and async."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from typing_extensions import TypedDict

from chatplex.adapters import adapter_class
from chatplex.adapters.partner_calls import PartnerCalls
from chatplex.adapters.request_types import CallSettings
from chatplex.chat import ChatModel
from chatplex.chat import init_chat_model
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.messages import HumanMessage
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.adapter import ollama_host
from tests._env import without_variables
from tests._recorded import sent_bodies

DONE = {
    "done": True,
    "done_reason": "stop",
    "prompt_eval_count": 11,
    "eval_count": 3,
    "total_duration": 100,
}
REPLY = {
    "model": "llama3.2",
    "created_at": "2026-11-23T15:00:00Z",
    "message": {"role": "assistant", "content": "Hi there"},
    **DONE,
}
STREAM = b"".join(
    json.dumps(line).encode() + b"\n"
    for line in [
        {"model": "llama3.2", "message": {"role": "assistant", "content": "Hi"}, "done": False},
        {"model": "llama3.2", "message": {"role": "assistant", "content": " there"}, "done": False},
        {**REPLY, "message": {"role": "assistant", "content": ""}},
    ]
)
NDJSON = {"content-type": "application/x-ndjson"}


_no_env = without_variables("OLLAMA_HOST", "OLLAMA_API_KEY", name="_no_env")


def test_registered_as_ollama() -> None:
    assert adapter_class("ollama") is OllamaAdapter
    assert OllamaAdapter.stream_framing.__name__ == "NDJSONDecoder"


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("localhost", "http://localhost:11434"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://gpu-box", "http://gpu-box"),
        ("https://ollama.example/proxy/", "https://ollama.example/proxy"),
        ("[::1]:11435", "http://[::1]:11435"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        (":11435", "http://127.0.0.1:11435"),  # (the ollama SDK's: this machine's port)
    ],
)
def test_hosts_as_ollama_clients_read_them(given: str, url: str) -> None:
    assert ollama_host(given) == url
    assert OllamaAdapter(base_url=given).base_url == url


def test_the_base_url_comes_from_ollama_host_else_localhost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert OllamaAdapter().base_url == "http://localhost:11434"
    monkeypatch.setenv("OLLAMA_HOST", "gpu-box:9999")
    assert OllamaAdapter().base_url == "http://gpu-box:9999"
    assert OllamaAdapter(base_url="other").base_url == "http://other:11434"  # given wins


def test_bad_hosts_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        ollama_host(" ")
    with pytest.raises(ValueError, match="port"):
        ollama_host("box:port")
    with pytest.raises(TypeError):
        ollama_host(11434)  # type: ignore[arg-type]


def request(adapter: OllamaAdapter, stream: bool = False) -> Any:
    return adapter.build_request([HumanMessage("Hi")], CallSettings(model="m"), stream=stream)


def test_no_key_by_default_and_headers_as_given() -> None:
    sent = request(OllamaAdapter(default_headers={"X-Team": "a"}))
    assert sent.url == "http://localhost:11434/api/chat"
    assert "Authorization" not in sent.headers and sent.headers["X-Team"] == "a"


def test_an_api_key_is_a_bearer_never_shown() -> None:
    adapter = OllamaAdapter(base_url="https://ollama.com", api_key="ollama-secret-1")
    sent = request(adapter)
    assert sent.headers["Authorization"] == "Bearer ollama-secret-1"
    assert "ollama-secret-1" not in repr(adapter) + repr(sent) + repr(sent.headers)
    assert "ollama-secret-1" not in "".join(adapter.budget_key("m"))


def test_the_environment_key_goes_only_to_ollama_com(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("OLLAMA_API_KEY", "env-key-2")
    assert "Authorization" not in request(OllamaAdapter()).headers
    cloud = request(OllamaAdapter(base_url="https://ollama.com"))
    assert cloud.headers["Authorization"] == "Bearer env-key-2"


def test_no_messages_go_as_an_empty_list_which_ollama_takes() -> None:
    # (Ollama answers by loading the model; whether a call may be empty is the caller's)
    sent = OllamaAdapter().build_request([], CallSettings(model="m"), stream=False)
    assert sent.json["messages"] == []


@pytest.mark.parametrize(
    ("status", "body", "cls", "text"),
    [
        (
            404,
            b'{"error":"model \\"nope\\" not found, try pulling it first"}',
            NotFoundError,
            'model "nope" not found, try pulling it first',
        ),
        (404, b'{"error":"model \'x\' not found"}', NotFoundError, "ollama pull"),
        (400, b'{"error":"invalid options: foo"}', BadRequestError, "invalid options: foo"),
        (500, b'{"error":"llama runner process has terminated"}', ServerError, "terminated"),
        (502, b"<html>bad gateway</html>", ServerError, "bad gateway"),
    ],
)
def test_error_statuses_are_typed(status: int, body: bytes, cls: type, text: str) -> None:
    err = OllamaAdapter().map_error(status, body, {})
    assert type(err) is cls and text in str(err)
    assert err.provider == "ollama" and err.status == status
    assert err.retryable is (status >= 500)


# ---- end to end through a chat model (mock transport) ----------------------------------


def handler(seen: list[dict[str, Any]]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        if body["model"] == "missing":
            return httpx.Response(404, json={"error": "model 'missing' not found"})
        if body["stream"]:
            return httpx.Response(200, content=STREAM, headers=NDJSON)
        return httpx.Response(200, json=REPLY)

    return answer


def model(seen: list[dict[str, Any]], name: str = "llama3.2", **kw: Any) -> ChatModel:
    transport = httpx.MockTransport(handler(seen))
    return init_chat_model(
        f"ollama:{name}",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
        **kw,
    )


async def test_a_call_of_no_messages_is_refused_unless_the_partner_sends_it() -> None:
    """chatplex's own model refuses `invoke([])` before any request; one whose partner
    sends it (`PartnerCalls.empty_input_sent`, ChatOllama's) sends `messages: []`."""
    seen: list[dict[str, Any]] = []
    own = model(seen)
    with pytest.raises(ValueError, match="empty list"):
        own.invoke([])
    with pytest.raises(ValueError, match="empty list"):
        await own.ainvoke([])
    assert not seen
    sending = model(seen)
    sending.partner_calls = PartnerCalls(empty_input_sent=True)
    assert sending.invoke([]).text == (await sending.ainvoke([])).text == "Hi there"
    assert [b["messages"] for b in seen] == [[], []]


def test_invoke_and_stream_agree() -> None:
    seen: list[dict[str, Any]] = []
    chat = model(seen, temperature=0, num_ctx=4096, keep_alive="10m")
    whole = chat.invoke("Hi")
    chunks = list(chat.stream("Hi"))
    assert whole.text == "Hi there" and [c.text for c in chunks][:2] == ["Hi", " there"]
    merged = chunks[0]
    for c in chunks[1:]:
        merged = merged + c
    assert merged.text == whole.text and merged.usage_metadata == whole.usage_metadata
    assert whole.usage_metadata == {"input_tokens": 11, "output_tokens": 3, "total_tokens": 14}
    assert [b["stream"] for b in seen] == [False, True]
    assert seen[0]["options"] == {"temperature": 0, "num_ctx": 4096}
    assert seen[0]["keep_alive"] == "10m"


async def test_async_invoke_and_stream() -> None:
    seen: list[dict[str, Any]] = []
    chat = model(seen)
    whole = await chat.ainvoke("Hi")
    texts = [c.text async for c in chat.astream("Hi")]
    assert whole.text == "Hi there" and "".join(texts) == "Hi there"


def test_a_missing_model_is_not_found_sync_and_stream() -> None:
    seen: list[dict[str, Any]] = []
    with pytest.raises(NotFoundError, match="missing"):
        model(seen, "missing").invoke("Hi")
    with pytest.raises(NotFoundError) as raised:
        list(model(seen, "missing").stream("Hi"))
    # chatplex's hint is in its typed message (`str()` is the ollama SDK's words when a
    # script imported it: sdk_errors).
    assert "ollama pull" in raised.value.message


async def test_an_error_line_mid_stream_keeps_the_partial() -> None:
    broken = (
        b'{"model":"m","message":{"role":"assistant","content":"Hal"},"done":false}\n'
        b'{"error":"an error was encountered while running the model"}\n'
    )
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=broken, headers=NDJSON)
    )
    chat = init_chat_model(
        "ollama:m", http_async_client=httpx.AsyncClient(transport=transport), max_retries=0
    )
    got: list[str] = []
    with pytest.raises(StreamError, match="while running the model") as caught:
        async for chunk in chat.astream("Hi"):
            got.append(chunk.text)
    assert got == ["Hal"] and caught.value.partial is not None
    assert caught.value.partial.text == "Hal"


def test_an_unknown_keyword_names_the_closest() -> None:
    with pytest.raises(TypeError, match="num_ctx"):
        init_chat_model("ollama:m", num_ctxx=1)


def test_structured_output_defaults_to_format_on_this_wire() -> None:
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={**REPLY, "message": {"content": '{"n": 2}'}})

    chat = init_chat_model(
        "ollama:m", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    schema = {"title": "N", "type": "object", "properties": {"n": {"type": "integer"}}}
    assert chat.with_structured_output(schema).invoke("n?") == {"n": 2}
    assert seen[0]["format"]["properties"] == {"n": {"type": "integer"}}
    assert seen[0]["tools"] == []  # no tool offered: the ollama SDK's empty list
    # An explicit method is still honoured.
    chat.with_structured_output(schema, method="json_mode").invoke("n?")
    assert seen[1]["format"] == "json"


class Reminder(TypedDict):
    """A reminder to set."""

    task: str
    minutes: int


def _json_model(seen: list[dict[str, Any]], content: str) -> ChatModel:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={**REPLY, "message": {"content": content}})

    transport = httpx.MockTransport(answer)
    return init_chat_model(
        "ollama:m",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    )


async def test_a_typeddict_and_an_untitled_dict_go_as_langchain_ollama_sends_them() -> None:
    seen: list[dict[str, Any]] = []
    chat = _json_model(seen, '{"task": "call", "minutes": 5}')
    # A TypedDict: langchain-core's convert_to_json_schema (title, description), every
    # property required.
    assert chat.with_structured_output(Reminder).invoke("r?") == {"task": "call", "minutes": 5}
    assert seen[0]["format"] == {
        "title": "Reminder",
        "description": "A reminder to set.",
        "type": "object",
        "properties": {"task": {"type": "string"}, "minutes": {"type": "integer"}},
        "required": ["task", "minutes"],
    }
    # A JSON-schema dict without a title: sent as given (langchain-ollama needs no name),
    # where a wire that names its schema refuses it.
    untitled = {"type": "object", "properties": {"task": {"type": "string"}}}
    got = await chat.with_structured_output(untitled).ainvoke("r?")
    assert got == {"task": "call", "minutes": 5}
    assert seen[1]["format"] == untitled and seen[1]["tools"] == []
    with pytest.raises(ValueError):
        chat.with_structured_output(untitled, method="function_calling")


def test_there_is_no_batch_api_and_the_error_names_the_provider() -> None:
    from chatplex.batches.submit import batch_api

    with pytest.raises(ValueError, match="provider 'ollama' has no Batch API"):
        batch_api(init_chat_model("ollama:m"))


def test_user_info_in_ollama_host_is_basic_auth_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "me:pw-secret-7@gpu-box:8080")
    adapter = OllamaAdapter()
    sent = request(adapter)
    assert adapter.base_url == "http://gpu-box:8080"
    assert sent.headers["Authorization"].startswith("Basic ")
    assert "pw-secret-7" not in repr(adapter) + repr(sent) + "".join(adapter.budget_key("m"))
    with pytest.raises(ValueError, match="together with an API key"):
        OllamaAdapter(api_key="k")


@pytest.mark.parametrize("sync", [True, False])
async def test_bind_tools_drops_strict_as_langchain_ollama_does(sync: bool) -> None:
    # langchain-ollama binds `strict=True` as a call keyword its `_chat_params` drops: the
    # tools go as `convert_to_openai_tool` makes them without it (defaults kept, only
    # the required properties required, no additionalProperties).
    from chatplex.langchain import ChatOllama

    def lookup(query: str, limit: int = 5) -> str:
        """Look something up."""
        return query

    with sent_bodies() as (server, bodies):
        bound = ChatOllama(model="llama3.2", base_url=server.url).bind_tools([lookup], strict=True)
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    (function,) = (tool["function"] for tool in bodies[0]["tools"])
    assert "strict" not in function and "strict" not in bodies[0]
    assert function["parameters"] == {
        "type": "object",
        "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "default": 5}},
        "required": ["query"],
    }
