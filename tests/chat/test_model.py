"""`ChatModel` (`chat/model.py`): settings checked at construction, on `bind` and per call;
copies that leave the model alone; the request it builds through its adapter; the hooks
it sends through."""

from __future__ import annotations

import asyncio
import copy
import json
import math
import pickle
from typing import Any

import httpx
import pytest

from chatplex import AIMessage
from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex.http import RateLimit
from chatplex.providers.openai.adapter import OpenAIAdapter


async def invoke(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> AIMessage:
    if sync:
        return model.invoke(input, **kwargs)
    return await model.ainvoke(input, **kwargs)


# --- settings validation ----------------------------------------------------------------


BAD_SETTINGS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"temperature": -0.1}, ValueError, "temperature"),
    ({"temperature": 2.01}, ValueError, "temperature"),
    ({"temperature": math.nan}, ValueError, "temperature"),
    ({"temperature": math.inf}, ValueError, "temperature"),
    ({"temperature": "0.5"}, ValueError, "temperature"),
    ({"temperature": True}, ValueError, "temperature"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": -5}, ValueError, "max_tokens"),
    ({"max_tokens": 10.0}, ValueError, "max_tokens"),
    ({"max_tokens": "100"}, ValueError, "max_tokens"),
    ({"max_tokens": True}, ValueError, "max_tokens"),
    ({"top_p": -0.01}, ValueError, "top_p"),
    ({"top_p": 1.01}, ValueError, "top_p"),
    ({"top_p": math.nan}, ValueError, "top_p"),
    ({"top_p": False}, ValueError, "top_p"),
    ({"stop": 5}, TypeError, "stop"),
    ({"stop": [1, 2]}, TypeError, "stop"),
    ({"stop": ["ok", None]}, TypeError, "stop"),
    ({"stop": b"\n"}, TypeError, "stop"),
    ({"stop": {"a": 1}}, TypeError, "stop"),
]


GOOD_SETTINGS: list[dict[str, Any]] = [
    {"temperature": 0},
    {"temperature": 2},
    {"temperature": 0.7},
    {"top_p": 0},
    {"top_p": 1},
    {"max_tokens": 1},
    {"stop": "\n"},
    {"stop": ["\n", "END"]},
    {"stop": ("x",)},
    {"stop": []},
]


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bad_settings_fail_at_construction(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    with pytest.raises(exc, match=name):
        FakeChatModel(**settings)


@pytest.mark.parametrize("settings", GOOD_SETTINGS)
def test_good_settings_are_accepted(settings: dict[str, Any]) -> None:
    model = FakeChatModel(responses=["ok"], **settings)
    for key, value in settings.items():
        assert getattr(model, key) == value
    assert model.invoke("hi").text == "ok"


@pytest.mark.parametrize(
    ("settings", "name"),
    [({"timeout": 0}, "timeout"), ({"timeout": -1}, "timeout"), ({"max_retries": -1}, "retries")],
)
def test_bad_client_settings_fail_at_construction(settings: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FakeChatModel(**settings)


def test_empty_model_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="model"):
        FakeChatModel(model="")


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
@pytest.mark.parametrize("sync", [True, False])
async def test_bad_call_overrides_raise_before_anything_runs(
    sync: bool, settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        await invoke(model, "hi", sync, **settings)
    received: list[AIMessage] = []
    with pytest.raises(exc, match=name):
        if sync:
            for chunk in model.stream("hi", **settings):
                received.append(chunk)
        else:
            async for chunk in model.astream("hi", **settings):
                received.append(chunk)
    assert received == []
    assert model.calls == []  # nothing reached the "provider"


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bind_validates_at_bind_time(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        model.bind(**settings)
    assert model.calls == []


def test_bind_returns_a_configured_copy() -> None:
    model = FakeChatModel(responses=["ok"], temperature=0.1)
    bound = model.bind(temperature=0.9, max_tokens=50, stop=["\n"], seed=7)
    assert isinstance(bound, FakeChatModel)
    assert bound is not model
    assert (bound.temperature, bound.max_tokens, bound.stop) == (0.9, 50, ["\n"])
    assert bound.extra_body == {"seed": 7}
    assert (model.temperature, model.max_tokens, model.stop) == (0.1, None, None)
    assert model.extra_body == {}
    assert bound.invoke("hi").text == "ok"


@pytest.mark.parametrize("sync", [True, False])
async def test_valid_call_overrides_do_not_change_the_model(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"])
    reply = await invoke(model, "hi", sync, temperature=1.5, max_tokens=3, stop="x")
    assert reply.text == "ok"
    assert (model.temperature, model.max_tokens, model.stop) == (None, None, None)


# --- over an adapter ---------------------------------------------------------------------

KEY = "sk-SENTINEL-model-0123"


class Wire:
    """An httpx MockTransport answering like OpenAI; records each request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        reply = {
            "id": "chatcmpl-1",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "hi"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
        }
        return httpx.Response(200, json=reply, headers={"x-request-id": "req_m"})

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def model_over(wire: Wire, **settings: Any) -> ChatModel:
    transport = httpx.MockTransport(wire.handler)
    return ChatModel(
        OpenAIAdapter(api_key=KEY),
        "gpt-test",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        **settings,
    )


@pytest.mark.parametrize("sync", [True, False])
async def test_a_call_sends_the_models_settings_through_its_adapter(sync: bool) -> None:
    wire = Wire()
    model = model_over(wire, temperature=0.3, stop="END", seed=7, extra_headers={"x-app": "a"})
    reply = await invoke(model, "hello", sync)
    assert reply.text == "hi" and reply.usage_metadata == {
        "input_tokens": 3,
        "output_tokens": 1,
        "total_tokens": 4,
        "input_token_details": {},
        "output_token_details": {},
    }
    [body] = wire.bodies
    assert body["model"] == "gpt-test" and body["temperature"] == 0.3
    assert body["stop"] == ["END"] and body["seed"] == 7  # a provider extra, unchanged
    assert body["messages"] == [{"role": "user", "content": "hello"}]
    headers = wire.requests[0].headers
    assert headers["x-app"] == "a" and headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("sync", [True, False])
async def test_per_call_settings_and_headers_go_on_top_without_changing_the_model(
    sync: bool,
) -> None:
    wire = Wire()
    model = model_over(wire, extra_headers={"x-app": "a"})
    await invoke(model, "hi", sync, max_tokens=5, extra_headers={"x-trace": "t"}, user="u1")
    [body] = wire.bodies
    assert body["max_tokens"] == 5 and body["user"] == "u1"
    assert wire.requests[0].headers["x-app"] == "a"
    assert wire.requests[0].headers["x-trace"] == "t"
    assert model.max_tokens is None and model.extra_headers == {"x-app": "a"}
    assert model.extra_body == {}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_model_copies_and_pickles_with_its_key_and_answers(sync: bool) -> None:
    """What multiprocessing and a process pool hand a model across with; LangChain's
    models pickle too (their key a SecretStr). Every wire's own adapter, own settings."""
    from chatplex.lean import init_chat_model
    from chatplex.testing import MockServer

    with MockServer() as server:
        for name, base in (
            ("openai:gpt-4o-mini", server.openai_base_url),
            ("anthropic:claude-haiku-4-5", server.anthropic_base_url),
        ):
            model = init_chat_model(name, base_url=base, api_key=KEY, temperature=0.3)
            for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
                assert type(other) is type(model) and other.adapter is not model.adapter
                assert other.temperature == 0.3 and KEY not in repr(other)
                reply = await invoke(other, "hello", sync)
                assert reply.text == "Echo: hello"
            assert KEY.encode() in pickle.dumps(model)  # the cost, as LangChain's


def test_the_provider_comes_from_the_adapter_and_the_key_never_shows() -> None:
    model = model_over(Wire(), temperature=0.5)
    assert model.provider == "openai"
    assert repr(model) == "ChatModel(provider='openai', model='gpt-test', temperature=0.5)"
    assert KEY not in repr(model) and KEY not in repr(model.bind(temperature=1))


def test_a_model_without_an_adapter_cannot_send() -> None:
    model = ChatModel(None, "nothing")
    assert model.provider == "unknown"
    with pytest.raises(NotImplementedError, match="ChatModel has no adapter"):
        model.invoke("hi")


def test_bind_tools_gives_a_copy_offering_the_tools() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return city

    model = model_over(Wire())
    with_tools = model.bind_tools([get_weather], tool_choice="get_weather")
    assert [t.name for t in with_tools.tools] == ["get_weather"]
    assert with_tools.tool_choice == "get_weather"
    assert model.tools == () and model.tool_choice is None
    with pytest.raises(ValueError, match="nope"):
        model.bind_tools([get_weather], tool_choice="nope")


class _Hooked(FakeChatModel):
    """A model whose LangChain class binds its own way: through the hooks only."""

    def _tools_to_bind(self, tools: Any, tool_choice: Any) -> tuple[Any, Any]:
        return [t for t in tools if callable(t)], {"pick": "required"}.get(tool_choice, tool_choice)

    def _finish_binding(self, clone: ChatModel, tools: Any, tool_choice: Any) -> ChatModel:
        clone.extra_body = {"given": [t for t in tools if not callable(t)], "asked": tool_choice}
        return clone

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        return self.bind(temperature=0), "json_schema" if method == "mine" else method


def test_drop_ins_change_what_is_bound_through_the_hooks() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return city

    bound = _Hooked().bind_tools([get_weather, {"type": "web_search"}], tool_choice="pick")
    assert [t.name for t in bound.tools] == ["get_weather"] and bound.tool_choice == "required"
    assert bound.extra_body == {"given": [{"type": "web_search"}], "asked": "pick"}
    schema = {"title": "Answer", "type": "object", "properties": {"a": {"type": "string"}}}
    structured = _Hooked(responses=['{"a": "x"}']).with_structured_output(schema, method="mine")
    assert structured.invoke("q") == {"a": "x"}


def test_call_settings_normalise_stop() -> None:
    model = FakeChatModel(stop="END", temperature=0.1)
    settings = model._settings({})
    assert (settings.model, settings.stop, settings.temperature) == ("fake-chat", ("END",), 0.1)
    assert model._settings({"stop": ["a", "b"]}).stop == ("a", "b")
    assert model._settings({"stop": []}).stop is None


def test_rate_limit_setting() -> None:
    limited = FakeChatModel(rate_limit={"requests_per_minute": 60})
    assert limited.rate_limit == RateLimit(requests_per_minute=60)
    assert FakeChatModel().rate_limit is None
    assert FakeChatModel(rate_limit={}).rate_limit is None  # nothing limited: no limiter
    assert limited.bind(rate_limit=None).rate_limit is None


def test_input_and_output_types_for_the_schemas() -> None:
    from chatplex.core import schemas

    model = FakeChatModel()
    assert model.InputType is schemas.ChatModelInput
    assert model.OutputType is schemas.ChatModelOutput  # an AIMessage, described as LangChain
    assert "AIMessage" in model.get_output_jsonschema()["$defs"]


class _PerCallAuth(OpenAIAdapter):
    """An adapter with the per-call auth hooks (as Azure's Entra ID token providers)."""

    def __init__(self) -> None:
        super().__init__(base_url="http://auth.test/v1")
        self.calls: list[str] = []

    def authorize(self, request: Any) -> Any:
        import dataclasses

        self.calls.append("sync")
        return dataclasses.replace(request, headers={**request.headers, "x-auth": "sync"})

    async def aauthorize(self, request: Any) -> Any:
        import dataclasses

        self.calls.append("async")
        return dataclasses.replace(request, headers={**request.headers, "x-auth": "async"})


async def test_the_adapter_authorizes_every_call_sync_and_async() -> None:
    seen: list[str] = []
    reply = {"id": "c", "model": "m", "choices": [{"index": 0, "message": {"content": "ok"},
                                                   "finish_reason": "stop"}]}  # fmt: skip
    events = (
        b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"ok"},'
        b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["x-auth"])
        if json.loads(request.content).get("stream"):
            return httpx.Response(
                200, content=events, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=reply)

    adapter = _PerCallAuth()
    model = ChatModel(
        adapter,
        "m",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    assert model.invoke("hi").text == "ok"
    assert "".join(c.text for c in model.stream("hi")) == "ok"
    assert (await model.ainvoke("hi")).text == "ok"
    assert "".join([c.text async for c in model.astream("hi")]) == "ok"
    assert seen == ["sync", "sync", "async", "async"]
    assert adapter.calls == seen


def test_invocation_params_name_the_provider_users_chose_not_its_wire() -> None:
    from chatplex.adapters.base import CallSettings
    from chatplex.lean import init_chat_model

    groq = init_chat_model("groq:llama-3.3-70b-versatile", api_key="gsk-example")
    assert groq.provider == "openai" and groq.provider_label == "groq"
    params = groq._invocation_params(CallSettings(model="llama-3.3-70b-versatile"))
    assert params["provider"] == "groq"
    plain = init_chat_model("openai:gpt-4o-mini", api_key="sk-example")
    assert plain.provider_label == "openai"


@pytest.mark.parametrize("sync", [True, False])
def test_listeners_see_the_messages_a_chat_model_sent(sync: bool) -> None:
    # As LangChain's chat-model run records them: RunnableWithMessageHistory saves these,
    # so (role, text) input must be stored as HumanMessages, not as the raw tuples.
    from chatplex.messages import HumanMessage
    from chatplex.messages import SystemMessage

    seen: list[Any] = []
    model = FakeChatModel(responses=["ok"]).bind(stop=["x"])
    chain = model.with_listeners(on_start=lambda run: seen.append(run.inputs))
    given = [("system", "be brief"), ("human", "hi")]
    chain.invoke(given) if sync else asyncio.run(chain.ainvoke(given))
    [messages] = seen[0]["messages"]
    assert [type(m) for m in messages] == [SystemMessage, HumanMessage]
    assert [m.content for m in messages] == ["be brief", "hi"]


def test_an_adapter_must_implement_the_declared_interface() -> None:
    # Shared code calls the interface's members (issue 48): an object that only looks
    # like an adapter fails here, before any request, naming what it must be.
    class LooksLikeOne:
        provider = "x"

    with pytest.raises(TypeError, match=r"subclass of chatplex\.adapters\.base\.Adapter"):
        ChatModel(LooksLikeOne(), "m")  # type: ignore[arg-type]


# --- a batch that raises: the finished, paid replies are kept ------------------------------


class EchoOrRefuse(Wire):
    """Answers each prompt with its own text; a 400 (permanent: not retried) for "bad"."""

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        prompt = json.loads(request.content)["messages"][-1]["content"]
        if prompt == "bad":
            error = {"error": {"message": "refused", "type": "invalid_request_error"}}
            return httpx.Response(400, json=error)
        reply = {
            "id": f"chatcmpl-{prompt}",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": prompt.upper()}}],
        }
        return httpx.Response(200, json=reply)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_keeps_its_finished_replies_on_the_error_and_in_the_cache(
    sync: bool,
) -> None:
    from chatplex import InMemoryCache
    from chatplex.errors import BadRequestError

    wire = EchoOrRefuse()
    model = model_over(wire, cache=InMemoryCache())
    prompts = ["p0", "p1", "p2", "bad", "p4"]
    config: Any = {"max_concurrency": 1}  # in input order: p0-p2 finish, "bad" fails
    with pytest.raises(BadRequestError) as caught:  # LangChain's raise stays the default
        if sync:
            model.batch(prompts, config)
        else:
            await model.abatch(prompts, config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    assert {i: m.text for i, m in finished.items()} == {0: "P0", 1: "P1", 2: "P2"}
    assert len(wire.requests) == 4  # p4 never sent; the 400 not retried
    # The cache kept them: running the finished prompts again sends nothing.
    again = model.batch(prompts[:3]) if sync else await model.abatch(prompts[:3])
    assert [m.text for m in again] == ["P0", "P1", "P2"] and len(wire.requests) == 4


def test_a_model_leaves_token_counts_to_langchain_core_unless_its_wire_counts() -> None:
    """Every counting hook's default is langchain-core's count (None), and the engine
    does not count messages (so the LangChain chat model does not convert them)."""
    model = FakeChatModel(responses=["x"])
    assert model.langchain_token_ids("a b") is None
    assert model.langchain_num_tokens("a b") is None
    assert model.langchain_counts_messages() is False
    assert model.langchain_num_tokens_from_messages([], None, {}) is None


_ANTHROPIC_REPLY = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "ok"}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 1, "output_tokens": 1},
}
_GEMINI_REPLY = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
}


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("model", "reply", "builtin", "sent"),
    [
        (
            "anthropic:claude-sonnet-4-5",
            _ANTHROPIC_REPLY,
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        ),
        (
            "google_genai:gemini-2.5-flash",
            _GEMINI_REPLY,
            {"google_search": {}},
            {"googleSearch": {}},
        ),
    ],
)
async def test_bind_tools_sends_a_wires_builtin_tool_in_its_place(
    model: str, reply: dict[str, Any], builtin: dict[str, Any], sent: dict[str, Any], sync: bool
) -> None:
    import respx

    from chatplex.lean import init_chat_model

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    chat = init_chat_model(model, api_key="k", base_url="https://gw.example")
    bound = chat.bind_tools([builtin, get_weather])
    with respx.mock:
        route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
        answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert answer.text == "ok"
    tools = json.loads(route.calls.last.request.content)["tools"]
    assert tools[0] == sent
    assert "get_weather" in json.dumps(tools[1])  # the function, after it
