"""`ChatOllama` (`providers/ollama/dropin.py`: its record's `build` and hooks), through
the drop-in (`chatplex.langchain.ChatOllama`) and the model it builds (`chatplex_model`):
langchain-ollama's constructor on chatplex's native Ollama wire; the same settings send
the same request body as langchain-ollama's ChatOllama (captured from its own client on
a mock transport) and the same reply reads the same."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from chatplex.chat import ChatModel
from chatplex.langchain import ChatOllama
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.ollama import dropin as module

REPLY = {
    "model": "llama3.2",
    "created_at": "2026-11-23T15:00:00Z",
    "message": {"role": "assistant", "content": '{"a": 1}'},
    "done": True,
    "done_reason": "stop",
    "total_duration": 5,
    "load_duration": 1,
    "prompt_eval_count": 9,
    "prompt_eval_duration": 2,
    "eval_count": 4,
    "eval_duration": 2,
}
TOOL_REPLY = {
    **REPLY,
    "message": {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"function": {"name": "add", "arguments": {"a": 1, "b": 2}}}],
    },
}


class Server:
    """A mock Ollama: records bodies, answers JSON or NDJSON as the body asks."""

    def __init__(self, reply: dict[str, Any] = REPLY) -> None:
        self.reply = reply
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.bodies.append(body)
        if body.get("stream", True):
            msg = self.reply["message"]
            lines = [
                {"model": self.reply["model"], "message": msg, "done": False},
                {**self.reply, "message": {"role": "assistant", "content": ""}},
            ]
            content = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
            return httpx.Response(
                200, content=content, headers={"content-type": "application/x-ndjson"}
            )
        return httpx.Response(200, json=self.reply)


def built(**kw: Any) -> ChatModel:
    """The model the drop-in builds from `kw`."""
    model: ChatModel = ChatOllama(**kw).chatplex_model
    return model


def ours(server: Server, **kw: Any) -> ChatModel:
    transport = httpx.MockTransport(server)
    return built(
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        **kw,
    )


SETTINGS: dict[str, Any] = {
    "model": "llama3.2",
    "temperature": 0.3,
    "num_ctx": 8192,
    "num_predict": 128,
    "top_k": 40,
    "top_p": 0.9,
    "seed": 7,
    "stop": ["\n\n"],
    "repeat_penalty": 1.1,
    "mirostat": 2,
    "mirostat_eta": 0.1,
    "mirostat_tau": 5.0,
    "keep_alive": "10m",
    "reasoning": True,
    "format": "json",
}


def test_the_constructor_sends_what_it_says() -> None:
    server = Server()
    model = ours(server, **SETTINGS)
    assert model.get_name() == "ChatOllama" and model.max_tokens == 128
    assert str(model.adapter.base_url) == "http://localhost:11434"
    model.invoke("Hi")
    (sent,) = server.bodies
    assert sent["options"] == {
        "temperature": 0.3,
        "top_p": 0.9,
        "num_predict": 128,
        "stop": ["\n\n"],
        "num_ctx": 8192,
        "top_k": 40,
        "seed": 7,
        "repeat_penalty": 1.1,
        "mirostat": 2,
        "mirostat_eta": 0.1,
        "mirostat_tau": 5.0,
    }
    assert sent["keep_alive"] == "10m" and sent["think"] is True and sent["format"] == "json"


def test_max_tokens_is_sent_as_num_predict_where_langchain_ollama_drops_it() -> None:
    """langchain-ollama's ChatOllama has no max_tokens and drops it without a word (the
    reply is unbounded: LangChain loses data, issue 47); the drop-in sends it as
    num_predict, sync and async."""
    from langchain_ollama import ChatOllama as Partner

    assert "max_tokens" not in Partner(model="m", max_tokens=5)._chat_params([])["options"]
    server = Server()
    model = ours(server, model="m", max_tokens=5)
    assert model.max_tokens == 5
    model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    assert [body["options"] for body in server.bodies] == [{"num_predict": 5}] * 2


def test_max_tokens_and_a_different_num_predict_are_refused_before_any_request() -> None:
    server = Server()
    with pytest.raises(ValueError, match="max_tokens=5 and num_predict=9"):
        ours(server, model="m", max_tokens=5, num_predict=9)
    assert ours(server, model="m", max_tokens=5, num_predict=5).max_tokens == 5
    assert server.bodies == []


def test_client_kwargs_headers_and_timeout() -> None:
    server = Server()
    seen: list[httpx.Request] = []

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return server(request)

    model = built(
        model="m",
        client_kwargs={"headers": {"Authorization": "Bearer tok-9"}, "timeout": 30},
        http_client=httpx.Client(transport=httpx.MockTransport(spy)),
    )
    model.invoke("Hi")
    assert seen[0].headers["authorization"] == "Bearer tok-9"
    assert "tok-9" not in repr(model)


def test_other_client_kwargs_build_the_clients_as_the_ollama_sdk_does() -> None:
    """httpx settings in `client_kwargs` go to both clients, `sync_client_kwargs` /
    `async_client_kwargs` to one each (a script's request hooks, its transport)."""
    server = Server()
    hooked: list[str] = []

    def note(request: httpx.Request) -> None:
        hooked.append(f"sync {request.url.path} {request.headers.get('x-team')}")

    async def anote(request: httpx.Request) -> None:
        hooked.append(f"async {request.url.path} {request.headers.get('x-team')}")

    model = built(
        model="m",
        client_kwargs={"transport": httpx.MockTransport(server), "headers": {"x-team": "a"}},
        sync_client_kwargs={"event_hooks": {"request": [note]}},
        async_client_kwargs={"event_hooks": {"request": [anote]}},
    )
    assert model.invoke("Hi").content
    assert asyncio.run(model.ainvoke("Hi")).content
    assert hooked == ["sync /api/chat a", "async /api/chat a"]
    with pytest.raises(TypeError, match="http_client"):
        module.build(
            {"model": "m", "client_kwargs": {"verify": False}, "http_client": httpx.Client()}
        )
    with pytest.raises(TypeError, match="sync_client_kwargs must be a dict"):
        module.build({"model": "m", "sync_client_kwargs": [("timeout", 3)]})


def test_refused_and_unknown_settings() -> None:
    with pytest.raises(TypeError, match="needs model"):
        module.build({})
    with pytest.raises(TypeError, match="did you mean 'num_ctx'"):
        module.build({"model": "m", "num_ctxt": 4096})
    with pytest.raises(TypeError, match="custom_get_token_ids"):
        module.build({"model": "m", "custom_get_token_ids": len})
    with pytest.raises(ValueError, match="logprobs"):
        built(model="m", logprobs=False, top_logprobs=3)
    # Other Ollama options and API fields are taken as keywords.
    assert built(model="m", min_p=0.05, num_batch=8).extra_body == {
        "min_p": 0.05,
        "num_batch": 8,
    }


@pytest.mark.parametrize("asked", [True, False])
def test_stream_usage_is_ignored_as_langchain_ollama_ignores_it(asked: bool) -> None:
    # Not a TypeError (it was one): langchain-ollama takes and ignores it; the body is
    # the same, and a stream still ends with Ollama's usage, sync and async.
    plain, given = Server(), Server()
    list(ours(plain, model="llama3.2").stream("Hi"))
    model = ours(given, model="llama3.2", stream_usage=asked)
    streamed = list(model.stream("Hi"))

    async def astreamed() -> list[Any]:
        return [chunk async for chunk in model.astream("Hi")]

    for chunks in (streamed, asyncio.run(astreamed())):
        usage = [c.usage_metadata for c in chunks if c.usage_metadata]
        assert usage == [{"input_tokens": 9, "output_tokens": 4, "total_tokens": 13}]
    assert given.bodies[0] == plain.bodies[0]


def test_structured_output_sends_the_schema_as_format() -> None:
    server = Server()
    schema = {
        "title": "A",
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "required": ["a"],
    }
    got = ours(server, model="llama3.2").with_structured_output(schema).invoke("Give a")
    assert got == {"a": 1}
    sent_format = server.bodies[0]["format"]
    assert sent_format["properties"] == {"a": {"type": "integer"}}
    assert "response_format" not in server.bodies[0]


def test_tool_calls_sync_and_async() -> None:
    server = Server(TOOL_REPLY)

    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    model = ours(server, model="llama3.2").bind_tools([add])
    reply = model.invoke("1+2?")
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("add", {"a": 1, "b": 2})]
    assert server.bodies[0]["tools"][0]["function"]["name"] == "add"
    streamed = list(model.stream("1+2?"))
    merged = streamed[0]
    for chunk in streamed[1:]:
        merged = merged + chunk
    assert [(c["name"], c["args"]) for c in merged.tool_calls] == [("add", {"a": 1, "b": 2})]
    # Each reply draws its calls' ids, as langchain-ollama does.
    assert merged.tool_calls[0]["id"] != reply.tool_calls[0]["id"]


@pytest.mark.parametrize(
    "choice", ["none", "any", "add", {"type": "function", "function": {"name": "add"}}]
)
def test_bind_tools_binds_no_tool_choice_as_langchain_ollama(choice: Any) -> None:
    # langchain-ollama's bind_tools ignores tool_choice: "none" offers the tools too.
    server = Server(TOOL_REPLY)

    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    transport = httpx.MockTransport(server)
    model = ChatOllama(
        model="llama3.2",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
    ).bind_tools([add], tool_choice=choice)
    assert model.kwargs.get("tool_choice") is None  # type: ignore[attr-defined]
    model.invoke("1+2?")
    asyncio.run(model.ainvoke("1+2?"))
    assert [[t["function"]["name"] for t in b["tools"]] for b in server.bodies] == [["add"]] * 2
    assert all("tool_choice" not in b for b in server.bodies)


async def test_async_invoke() -> None:
    reply = await ours(Server(), model="llama3.2").ainvoke("Hi")
    assert reply.text == '{"a": 1}'
    assert reply.usage_metadata == {"input_tokens": 9, "output_tokens": 4, "total_tokens": 13}


# ---- side by side with langchain-ollama ------------------------------------------------


def theirs(server: Server, **kw: Any) -> Any:
    langchain_ollama = pytest.importorskip("langchain_ollama")
    return langchain_ollama.ChatOllama(
        client_kwargs={"transport": httpx.MockTransport(server)}, **kw
    )


def test_every_langchain_ollama_parameter_is_taken_or_refused() -> None:
    langchain_ollama = pytest.importorskip("langchain_ollama")
    import inspect

    names = set(inspect.signature(ChatOllama).parameters)
    fields = set(langchain_ollama.ChatOllama.model_fields)
    refused = {"custom_get_token_ids", "disable_streaming", "output_version", "profile"}
    assert fields - names - refused == set()


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """A body without what differs by design: `stream` (langchain-ollama always
    streams), and the empty `images` and `tools` lists it sends."""
    out = {k: v for k, v in body.items() if k != "stream" and not (k == "tools" and not v)}
    out["messages"] = [
        {k: v for k, v in m.items() if not (k == "images" and not v)} for m in body["messages"]
    ]
    return out


def test_the_same_settings_send_the_same_body_as_langchain_ollama() -> None:
    mine, reference = Server(), Server()
    settings = {k: v for k, v in SETTINGS.items() if k != "format"}
    messages = [
        SystemMessage("Be brief."),
        HumanMessage("What is 1+2?"),
        AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "c1"}]),
        ToolMessage("3", tool_call_id="c1"),
    ]
    ours(mine, **settings).invoke(messages)
    lc = pytest.importorskip("langchain_core.messages")
    theirs(reference, **settings).invoke(
        [
            lc.SystemMessage("Be brief."),
            lc.HumanMessage("What is 1+2?"),
            lc.AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "c1"}]),
            lc.ToolMessage("3", tool_call_id="c1"),
        ]
    )
    a, b = _comparable(mine.bodies[0]), _comparable(reference.bodies[0])
    # langchain-ollama names the tool result by id only; Ollama matches by tool_name.
    b["messages"][3].pop("tool_call_id", None)
    a["messages"][3].pop("tool_name", None)
    # ... and sends the call's id and type, which Ollama ignores.
    for call in b["messages"][2].get("tool_calls", []):
        call.pop("id", None)
        call.pop("type", None)
    assert a == b


def test_the_same_reply_reads_the_same_as_langchain_ollama() -> None:
    for reply in (REPLY, TOOL_REPLY):
        mine = ours(Server(reply), model="llama3.2").invoke("Hi")
        ref = theirs(Server(reply), model="llama3.2").invoke("Hi")
        assert mine.text == ref.text
        assert [(c["name"], c["args"]) for c in mine.tool_calls] == [
            (c["name"], c["args"]) for c in ref.tool_calls
        ]
        assert dict(mine.usage_metadata or {}) == dict(ref.usage_metadata or {})
        for key in ("model_name", "model_provider", "done_reason", "eval_count"):
            assert mine.response_metadata[key] == ref.response_metadata[key], key


def test_check_call_refuses_a_stop_given_to_the_model_and_the_call() -> None:
    # langchain-ollama's check, which a drop-in's keyword refusal runs first too.
    model = built(model="m", base_url="http://127.0.0.1:9", stop=["END"])
    with pytest.raises(ValueError, match="`stop` found in both the input and default params"):
        model.check_call({"stop": ["HALT"]})
    model.check_call({"stop": None, "max_tokens": 42})  # the call's own stop only
    built(model="m", base_url="http://127.0.0.1:9").check_call({"stop": ["HALT"]})
