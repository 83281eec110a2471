"""The OpenAI-compatible presets (`adapters/compatible.py`): every provider over the mock
server (invoke, stream, tool call, structured output, usage; sync and async), the
environment-key policy per provider, and each declared quirk on the request body."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from pydantic import BaseModel

import chatplex
from chatplex import init_chat_model
from chatplex.adapters import BUILTIN_ADAPTERS
from chatplex.adapters import adapter_class
from chatplex.adapters import adapter_parameters
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.errors import AuthenticationError
from chatplex.errors import MissingKeyError
from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.compatible.adapter import CompatibleAdapter
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.missing_key import keyless_key
from chatplex.providers.compatible.spec import PROFILES
from chatplex.testing import MockServer
from tests._dropins import chat_model
from tests.providers.compatible._served import Recorder
from tests.providers.compatible._served import recorded_server
from tests.providers.compatible._served import without_preset_variables

NAMES = sorted(PROFILES)
KEYED = [name for name in NAMES if PROFILES[name].official_host]
LOCAL = [name for name in NAMES if not PROFILES[name].official_host]
SENTINEL = "env-SENTINEL-key-9d1f"
HI = [HumanMessage("hi")]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[MockServer, Recorder]]:
    yield from recorded_server("hello from the mock")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_preset_variables(
        monkeypatch,
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENROUTER_APP_URL",
        "OPENROUTER_APP_TITLE",
    )


def _model(name: str, srv: MockServer, **settings: Any) -> Any:
    return init_chat_model(f"{name}:test-model", base_url=srv.openai_base_url, **settings)


class Answer(BaseModel):
    city: str
    degrees: int


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


# --- registry ----------------------------------------------------------------------------


#: The presets whose partner package sends a bound empty tool list, which the provider
#: takes (langchain-deepseek's is refused: not here).
EMPTY_TOOL_LIST_SENT = (
    "groq",
    "mistralai",
    "xai",
    "fireworks",
    "together",
    "nebius",
    "sambanova",
    "perplexity",
    "cerebras",
)


@pytest.mark.parametrize("name", NAMES)
def test_a_bound_empty_tool_list_is_sent_where_the_profile_says(name: str) -> None:
    adapter = adapter_class(name)(api_key="k")
    # These partners' `bind_tools([])` send `tools: []`; the others' send none, or send
    # one the provider refuses (DeepSeek: "Invalid 'tools': empty array").
    assert adapter.empty_tool_list_sent is (name in EMPTY_TOOL_LIST_SENT)
    bound = adapter.build_request(
        [HumanMessage("hi")], CallSettings("m", tool_list_bound=True), stream=False
    )
    unbound = adapter.build_request([HumanMessage("hi")], CallSettings("m"), stream=False)
    assert unbound.json.get("tools", "unsent") == "unsent"
    expected = [] if adapter.empty_tool_list_sent else "unsent"
    assert bound.json.get("tools", "unsent") == expected


#: The presets whose partner package writes every system message as "system", a
#: developer-role one too (langchain-openai and those built on it send "developer").
DEVELOPER_AS_SYSTEM = ("groq", "mistralai", "fireworks", "sambanova")


@pytest.mark.parametrize("name", NAMES)
def test_a_developer_message_keeps_its_role_where_the_profile_says(name: str) -> None:
    adapter = adapter_class(name)(api_key="k")
    developer = SystemMessage("Be brief.", additional_kwargs={"__openai_role__": "developer"})
    sent = adapter.build_request(
        [developer, HumanMessage("hi")], CallSettings("m"), stream=False
    ).json["messages"][0]
    expected = "system" if name in DEVELOPER_AS_SYSTEM else "developer"
    assert adapter.developer_role_sent is (name not in DEVELOPER_AS_SYSTEM)
    assert sent == {"role": expected, "content": "Be brief."}


#: The presets whose partner package converts no FunctionMessage (it raises): the legacy
#: call is left out, its answer refused before any request.
NO_FUNCTION_CALLS = ("mistralai", "sambanova", "perplexity")
_LEGACY = {"name": "get_weather", "arguments": '{"location": "Paris"}'}


@pytest.mark.parametrize("name", NAMES)
def test_legacy_function_calling_goes_where_the_profile_says(name: str) -> None:
    adapter = adapter_class(name)(api_key="k")
    call = AIMessage("", additional_kwargs={"function_call": _LEGACY})
    answer = ToolMessage(
        "It is sunny.",
        tool_call_id="get_weather",
        name="get_weather",
        additional_kwargs={FUNCTION_RESULT_KEY: True},
    )
    history = [HumanMessage("Weather?"), call, answer]
    sends = name not in NO_FUNCTION_CALLS
    assert adapter.function_calls_sent is sends
    if not sends:
        with pytest.raises(TypeError, match="message 2: a function result by name"):
            adapter.build_request(history, CallSettings("m"), stream=False)
        turn = adapter.build_request(history[:2], CallSettings("m"), stream=False).json
        assert "function_call" not in turn["messages"][1]
        return
    sent = adapter.build_request(history, CallSettings("m"), stream=False).json["messages"]
    assert sent[1:] == [
        {"role": "assistant", "content": None, "function_call": _LEGACY},
        {"role": "function", "content": "It is sunny.", "name": "get_weather"},
    ]


def test_every_profile_is_a_registered_provider_with_its_own_adapter() -> None:
    for name in NAMES:
        cls = adapter_class(name)
        assert issubclass(cls, CompatibleAdapter) and cls.profile is PROFILES[name]
        assert BUILTIN_ADAPTERS[name].endswith(":" + cls.__name__)
        assert "api_key" in adapter_parameters(cls) and "base_url" in adapter_parameters(cls)
    assert preset_adapter_class("groq") is preset_adapter_class("groq")
    # "ollama" is the native /api/chat adapter, not a preset of the OpenAI wire.
    assert "ollama" not in PROFILES
    assert BUILTIN_ADAPTERS["ollama"] == "chatplex.providers.ollama.adapter:OllamaAdapter"
    with pytest.raises(KeyError):
        preset_adapter_class("nope")


def test_a_profile_field_left_none_is_the_openai_adapters() -> None:
    from chatplex.providers.openai.adapter import OpenAIAdapter

    openai = OpenAIAdapter(api_key="sk-test")
    for name in NAMES:
        adapter = preset_adapter_class(name)(api_key="k-test", base_url="http://127.0.0.1:1/v1")
        profile = PROFILES[name]
        for member in (
            "dropped_input_blocks",
            "text_extras_roles",
            "rebuilt_text_roles",
            "tool_text_keys",
            "content_part_keys",
        ):
            own = getattr(profile, member)
            expected = getattr(openai, member) if own is None else own
            assert getattr(adapter, member) == expected, (name, member)
    mistral = preset_adapter_class("mistralai")(api_key="k-test")
    assert mistral.tool_text_keys == {"type", "text"} != openai.tool_text_keys


def test_the_wire_stays_openai_and_the_preset_names_the_provider() -> None:
    model = init_chat_model("groq:llama-3.3-70b-versatile", api_key="gsk-test")
    assert model.provider == "openai"  # the wire: structured output, errors, batches
    adapter = model.adapter
    assert isinstance(adapter, CompatibleAdapter) and adapter.preset == "groq"
    assert adapter.base_url == "https://api.groq.com/openai/v1"
    assert "gsk-test" not in repr(adapter) and "GroqAdapter" in repr(adapter)


def test_openrouter_takes_its_attribution_settings_through_init_chat_model() -> None:
    model = init_chat_model("openrouter:openai/gpt-4o", api_key="k", app_title="My app")
    assert model.extra_body == {}  # a setting of the adapter, not a body parameter


# --- every provider over the mock server ------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_invoke_and_stream_sync(name: str, served: tuple[MockServer, Recorder]) -> None:
    srv, _ = served
    model = _model(name, srv, api_key="k-test")
    reply = model.invoke("hi")
    assert reply.text == "hello from the mock"
    assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0
    chunks = list(model.stream("hi"))
    merged = merge_chunks(chunks)
    assert len(chunks) > 1 and merged.text == reply.text
    if PROFILES[name].stream_options:
        assert merged.usage_metadata == reply.usage_metadata
    else:  # not asked for (Mistral sends it unasked; the mock only when asked)
        assert "stream_options" not in served[1].requests[-1].json  # type: ignore[operator]


@pytest.mark.parametrize("name", NAMES)
def test_invoke_and_stream_async(name: str, served: tuple[MockServer, Recorder]) -> None:
    srv, _ = served
    model = _model(name, srv, api_key="k-test")

    async def run() -> tuple[Any, Any]:
        reply = await model.ainvoke("hi")
        merged = merge_chunks([chunk async for chunk in model.astream("hi")])
        return reply, merged

    reply, merged = asyncio.run(run())
    assert reply.text == merged.text == "hello from the mock"
    assert reply.usage_metadata["total_tokens"] > 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_tool_call(name: str, sync: bool, served: tuple[MockServer, Recorder]) -> None:
    srv, _ = served
    bound = _model(name, srv, api_key="k-test").bind_tools([WEATHER], tool_choice="get_weather")
    reply = bound.invoke("weather in Paris?") if sync else asyncio.run(bound.ainvoke("x"))
    assert [call["name"] for call in reply.tool_calls] == ["get_weather"]
    assert isinstance(reply.tool_calls[0]["args"], dict)
    streamed = merge_chunks(list(bound.stream("weather in Paris?")))
    assert [call["name"] for call in streamed.tool_calls] == ["get_weather"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_structured_output(
    name: str, sync: bool, served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, recorder = served
    monkeypatch.setattr(srv.settings, "reply_text", None)  # the mock answers in the schema
    structured = _model(name, srv, api_key="k-test").with_structured_output(Answer)
    answer = structured.invoke("Paris?") if sync else asyncio.run(structured.ainvoke("Paris?"))
    assert isinstance(answer, Answer)
    body = recorder.requests[-1].json or {}
    if PROFILES[name].structured_output_method == "json_schema":
        # Perplexity takes no tools, ChatSambaNova defaults to it: the schema goes as
        # response_format.
        assert body["response_format"]["type"] == "json_schema" and "tools" not in body
    elif PROFILES[name].structured_tool_choice:
        # Any tool, not the tool by name, as langchain-mistralai asks ("any"; a model not
        # built as the drop-in sends Chat Completions' spelling of it).
        assert body["tool_choice"] == "required" and len(body["tools"]) == 1
    else:  # the model's default, function calling, as LangChain's classes default to
        assert body["tool_choice"]["function"]["name"] == "Answer"


# --- the environment's key ------------------------------------------------------------


@pytest.mark.parametrize("name", KEYED)
def test_the_environment_key_goes_to_a_base_url_written_in_code_as_the_partners_send_it(
    name: str, served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 47: every SDK and partner package sends its environment key to any base URL
    (a LiteLLM or vLLM proxy given in code gets it); so does chatplex by default."""
    monkeypatch.delenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", raising=False)
    srv, recorder = served
    monkeypatch.setenv(PROFILES[name].key_variables[0], SENTINEL)
    _model(name, srv).invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == f"Bearer {SENTINEL}"


@pytest.mark.parametrize("name", KEYED)
def test_the_environment_key_never_goes_to_a_base_url_written_in_code(
    name: str, served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    srv, recorder = served
    monkeypatch.setenv(PROFILES[name].key_variables[0], SENTINEL)
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL + "-openai")
    _model(name, srv).invoke("hi")
    headers = recorder.requests[-1].headers
    # No key, so none sent; or, where the partner package sends its no-key word
    # (langchain-mistralai's "Bearer None"), that word.
    keyless = keyless_key(name)
    assert headers.get("authorization") == (f"Bearer {keyless.get()}" if keyless else None)
    assert SENTINEL not in json.dumps(dict(headers))


@pytest.mark.parametrize("name", KEYED)
def test_an_explicit_key_goes_anywhere(name: str, served: tuple[MockServer, Recorder]) -> None:
    srv, recorder = served
    _model(name, srv, api_key="k-explicit").invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == "Bearer k-explicit"


@pytest.mark.parametrize("name", [n for n in KEYED if PROFILES[n].base_variables])
def test_the_environment_key_goes_to_a_base_url_from_the_environment(
    name: str, served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    srv, recorder = served
    profile = PROFILES[name]
    monkeypatch.setenv(profile.key_variables[-1], SENTINEL)
    monkeypatch.setenv(profile.base_variables[0], srv.openai_base_url)
    init_chat_model(f"{name}:test-model").invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == f"Bearer {SENTINEL}"


@pytest.mark.parametrize("name", KEYED)
def test_the_official_host_gets_the_environment_key(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = PROFILES[name]
    monkeypatch.setenv(profile.key_variables[-1], SENTINEL)
    adapter = adapter_class(name)()
    request = adapter.build_request(HI, CallSettings(model="m"), stream=False)
    assert request.url.startswith(f"https://{profile.official_host}/")
    assert request.headers["Authorization"] == f"Bearer {SENTINEL}"
    assert SENTINEL not in repr(adapter) and SENTINEL not in repr(request)


@pytest.mark.parametrize("name", KEYED)
def test_no_key_for_the_official_host_is_a_missing_key_error_naming_the_variable(
    name: str,
) -> None:
    """chatplex's one class for every preset, naming the preset's adapter (whose partner
    record says what the drop-in raises instead: tests/partners/test_missing_key.py)."""
    profile = PROFILES[name]
    with pytest.raises(MissingKeyError, match=f"{profile.title} API key missing") as info:
        init_chat_model(f"{name}:m")
    assert profile.key_variables[0] in str(info.value)
    assert type(info.value) is MissingKeyError and isinstance(info.value, ValueError)
    assert info.value.adapter_class is preset_adapter_class(name)


@pytest.mark.parametrize("name", LOCAL)
def test_local_servers_go_keyless_and_read_no_environment_key(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    adapter = adapter_class(name)()
    request = adapter.build_request(HI, CallSettings(model="m"), stream=False)
    assert request.url == PROFILES[name].base_url + "/chat/completions"
    assert "Authorization" not in request.headers


def test_a_401_says_why_the_environment_key_was_kept_back(
    served: tuple[MockServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    srv, _ = served
    monkeypatch.setenv("GROQ_API_KEY", SENTINEL)
    adapter = adapter_class("groq")(base_url=srv.openai_base_url)
    error = adapter.map_error(401, b'{"error": {"message": "no key"}}', {})
    assert isinstance(error, AuthenticationError)
    assert "GROQ_API_KEY goes only to api.groq.com" in str(error)
    assert SENTINEL not in str(error)


# --- declared quirks (request bodies) ---------------------------------------------------


def _body(name: str, stream: bool = False, **settings: Any) -> dict[str, Any]:
    adapter = adapter_class(name)(api_key="k")
    request = adapter.build_request(HI, CallSettings(model="m", **settings), stream=stream)
    return dict(request.json)


@pytest.mark.parametrize(
    ("model", "sent"),
    [
        ("grok-4", False),  # not in langchain-xai's profiles: by its name
        ("grok-3-mini", False),
        ("grok-code-fast-1", False),
        ("grok-2", True),
        ("grok-4.20-0309-non-reasoning", True),  # profiled, no reasoning_output
        ("grok-build-0.1", False),  # profiled with reasoning_output
    ],
)
def test_xai_sends_no_stop_where_chatxai_drops_it(model: str, sent: bool) -> None:
    """langchain-xai's ChatXAI drops `stop` for the models xAI rejects it for (by their
    profile's `reasoning_output`, else by name); the drop-in's request does the same,
    a `stop` given through `extra_body` too. Other presets keep it."""
    adapter = adapter_class("xai")(api_key="k")
    for settings in (
        CallSettings(model=model, stop=("x",)),
        CallSettings(model=model, extra_body={"stop": ["x"]}),
    ):
        body = adapter.build_request(HI, settings, stream=False).json
        assert ("stop" in body) is sent
    assert _body("deepseek", stop=("x",))["stop"] == ["x"]


@pytest.mark.parametrize("param", ["logprobs", "top_logprobs", "logit_bias"])
def test_groq_refuses_what_its_api_rejects_before_any_request(param: str) -> None:
    with pytest.raises(ValueError, match=rf"Groq \(groq\) does not accept '{param}'"):
        _body("groq", extra_body={param: 1})


def test_groq_takes_sdk_style_base_urls() -> None:
    adapter = adapter_class("groq")(api_key="k", base_url="https://api.groq.com")
    assert adapter.build_request(HI, CallSettings(model="m"), stream=False).url == (
        "https://api.groq.com/openai/v1/chat/completions"
    )


def test_mistral_renames_seed_and_sends_the_required_tool_choice() -> None:
    tool = ToolSpec("get_weather", "Weather.", {"type": "object"})
    body = _body("mistralai", True, extra_body={"seed": 7}, tools=(tool,), tool_choice="required")
    assert body["random_seed"] == 7 and "seed" not in body
    assert body["tool_choice"] == "required"  # Mistral takes it, langchain-mistralai sends it
    assert "stream_options" not in body


def test_body_field_is_the_profiles_name_for_a_keyword() -> None:
    mistral = adapter_class("mistralai")(api_key="k")
    assert mistral.body_field("seed") == "random_seed"
    assert mistral.body_field("random_seed") == "random_seed"
    assert adapter_class("groq")(api_key="k").body_field("seed") == "seed"


def test_openrouter_sends_its_attribution_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    cls = adapter_class("openrouter")
    adapter = cls(api_key="k", app_url="https://example.org", app_categories=["cli-agent"])
    monkeypatch.setenv("OPENROUTER_APP_TITLE", "From env")
    from_env = cls(api_key="k")
    headers = adapter.build_request(HI, CallSettings(model="m"), stream=False).headers
    assert headers["HTTP-Referer"] == "https://example.org"
    assert headers["X-OpenRouter-Categories"] == "cli-agent" and "X-Title" not in headers
    env_headers = from_env.build_request(HI, CallSettings(model="m"), stream=False).headers
    assert env_headers["X-Title"] == "From env" and "HTTP-Referer" not in env_headers


def test_deepseek_reasoning_content_is_in_additional_kwargs_as_langchain_deepseek() -> None:
    adapter = adapter_class("deepseek")(api_key="k")
    message = {"role": "assistant", "content": "4", "reasoning_content": "2+2 is 4"}
    body = {"id": "d", "model": "deepseek-reasoner", "choices": [{"index": 0, "message": message}]}
    reply = adapter.parse_response(json.dumps(body).encode(), {})
    assert reply.additional_kwargs["reasoning_content"] == "2+2 is 4"
    assert reply.content == reply.text == "4"
    assert reply.response_metadata["model_provider"] == "deepseek"


@respx.mock(assert_all_called=True)
def test_the_request_goes_to_the_providers_host_with_its_body(respx_mock: Any) -> None:
    route = respx_mock.post("https://api.deepseek.com/v1/chat/completions").mock(
        return_value=httpx.Response(
            200,
            json={
                "id": "d",
                "model": "deepseek-chat",
                "choices": [{"index": 0, "message": {"content": "ok"}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )
    )
    model = init_chat_model("deepseek:deepseek-chat", api_key="k-test", temperature=0)
    assert model.invoke("hi").text == "ok"
    sent = json.loads(route.calls.last.request.content)
    assert sent["model"] == "deepseek-chat" and sent["temperature"] == 0
    assert route.calls.last.request.headers["authorization"] == "Bearer k-test"


# --- cost: a reply from each preset's host is priced by genai-prices -----------------------

#: A model genai-prices lists for each provider (None: no price there, documented).
PRICED_MODEL = {
    "groq": "llama-3.3-70b-versatile",
    "deepseek": "deepseek-chat",
    "xai": "grok-3",
    "mistralai": "mistral-large-latest",
    "fireworks": "accounts/fireworks/models/deepseek-v3p2",
    "together": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "perplexity": "sonar",
    "cerebras": "llama-3.3-70b",
    "openrouter": "openai/gpt-4o",
}
#: genai-prices prices the Hugging Face router only by its per-provider paths
#: (router.huggingface.co/groq...), not its /v1 endpoint; local servers have no price.
UNPRICED = {"huggingface": "openai/gpt-oss-120b", "vllm": "gpt-oss-20b"}
UNPRICED |= {"lmstudio": "gpt-oss-20b", "ollama_openai": "gpt-oss-20b"}


@pytest.mark.parametrize("name", NAMES)
def test_a_reply_from_the_providers_host_is_priced(name: str) -> None:
    from chatplex.chat.accounting.cost import cost_of
    from chatplex.chat.accounting.usage import track_usage

    # A preset genai-prices does not list (SambaNova, Nebius) is checked under a name
    # OpenAI prices: it must still come out unpriced, never at OpenAI's price.
    model_name = PRICED_MODEL.get(name) or UNPRICED.get(name, "gpt-4o-mini")
    profile = PROFILES[name]
    body = {
        "id": "c",
        "model": model_name,
        "choices": [{"index": 0, "message": {"content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100},
    }
    with respx.mock(assert_all_called=True) as router:
        router.post(profile.base_url + "/chat/completions").mock(
            return_value=httpx.Response(200, json=body)
        )
        model = init_chat_model(f"{name}:{model_name}", api_key="k-test")
        with track_usage():
            reply = model.invoke("hi")
    cost = reply.response_metadata["cost"]
    if name in PRICED_MODEL:
        assert cost is not None and cost["total"] > 0
        # The same figure as the table gives for that host.
        url = profile.base_url + "/chat/completions"
        assert cost == cost_of(reply.usage_metadata, model_name, provider=name, url=url)
    else:  # never priced as OpenAI's model of the same name
        assert cost is None


def test_docstring_examples() -> None:
    import doctest

    import chatplex.providers.compatible.adapter as module

    result = doctest.testmod(module)
    assert result.attempted >= 3 and result.failed == 0


def test_only_groq_takes_openais_batch_api() -> None:
    from chatplex.batches.submit import batch_api
    from chatplex.providers.openai.batch import OpenAIBatches

    assert isinstance(batch_api(init_chat_model("groq:m", api_key="k")), OpenAIBatches)
    for name in [n for n in NAMES if not PROFILES[n].batch_api]:
        model = init_chat_model(f"{name}:m", api_key="k")
        with pytest.raises(ValueError, match=f"provider '{name}' has no OpenAI-shaped Batch API"):
            batch_api(model)


@pytest.mark.parametrize("how", ["init_chat_model", "ChatOpenRouter"])
def test_an_app_url_with_a_query_token_is_sent_as_the_referer(how: str) -> None:
    # A URL with a credential-looking query is held as a Secret by the first frame; the
    # referer is not where calls go, and goes out as given (it raised a TypeError).

    url = "https://app.example/?token=abc"
    if how == "init_chat_model":
        model = chatplex.init_chat_model("openrouter:m", api_key="k", app_url=url)
    else:
        model = chat_model("ChatOpenRouter", model="m", api_key="k", app_url=url)
    assert model.build_request("hi").headers["HTTP-Referer"] == url


_OPENAI = "langchain_openai.chat_models.base:_convert_message_to_dict"
#: Each preset whose partner package is installed, by its message conversion function.
_PARTNER_CONVERSIONS = {
    "groq": "langchain_groq.chat_models:_convert_message_to_dict",
    "mistralai": "langchain_mistralai.chat_models:_convert_message_to_mistral_chat_message",
    "fireworks": "langchain_fireworks.chat_models:_convert_message_to_dict",
    "sambanova": "langchain_sambanova.chat_models:_convert_message_to_dict",
    "deepseek": _OPENAI,  # its class is a BaseChatOpenAI
    "xai": _OPENAI,
    "together": _OPENAI,
    "nebius": _OPENAI,
}


@pytest.mark.parametrize(("name", "function"), _PARTNER_CONVERSIONS.items())
def test_other_apis_blocks_in_a_user_turn_go_as_the_partner_sends_them(
    name: str, function: str
) -> None:
    # langchain-openai (and its subclasses) drop thinking blocks, langchain-fireworks
    # `reasoning` too; langchain-groq, -mistralai and -sambanova send every block.
    import importlib

    from langchain_core.messages import HumanMessage as LCHumanMessage

    module, _, attribute = function.partition(":")
    convert = getattr(importlib.import_module(module), attribute)
    blocks = [
        {"type": "text", "text": "hi"},
        {"type": "thinking", "thinking": "hmm", "signature": "s"},
        {"type": "reasoning", "summary": []},
        {"type": "text", "text": "there"},
    ]
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    sent = adapter.build_request([HumanMessage(blocks)], CallSettings(model="m"), stream=False)
    assert sent.json["messages"] == [convert(LCHumanMessage(blocks))]


@pytest.mark.parametrize("name", ["fireworks", "sambanova"])
def test_named_turns_and_a_call_written_by_hand_go_as_the_partner_sends_them(name: str) -> None:
    # The docs' messages page: neither API's message has a `name` (both partners drop
    # it); langchain-fireworks sends a hand-written call's `content: []` as it is.
    import importlib

    from langchain_core import messages as lc

    from chatplex.langchain.from_langchain import to_chatplex_messages

    module, _, attribute = _PARTNER_CONVERSIONS[name].partition(":")
    convert = getattr(importlib.import_module(module), attribute)
    call = {"name": "get_weather", "args": {"location": "SF"}, "id": "call_123"}
    turns = [
        lc.SystemMessage("Be brief.", name="rules"),
        lc.HumanMessage("Hello!", name="alice", id="msg_123"),
        lc.AIMessage(content=[], tool_calls=[call], name="bot"),
        lc.ToolMessage("Sunny", tool_call_id="call_123"),
        lc.AIMessage("It is sunny.", name="bot"),
    ]
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    sent = adapter.build_request(to_chatplex_messages(turns), CallSettings(model="m"), stream=False)
    assert sent.json["messages"] == [convert(t) for t in turns]
    assert not any("name" in m for m in sent.json["messages"])


def test_fireworks_parts_are_cut_to_its_sdks_content_part() -> None:
    # langchain-fireworks keeps a part's type, text, image_url and video_url alone
    # (Fireworks refuses other keys): a file by id goes as `{"type": "file"}`, a text
    # block with an `index` as its text.
    from langchain_core import messages as lc
    from langchain_fireworks.chat_models import _convert_message_to_dict

    from chatplex.langchain.from_langchain import to_chatplex_messages

    image = {"type": "image_url", "image_url": {"url": "https://x/y.png"}, "detail": "low"}
    turns = [
        lc.HumanMessage([{"type": "text", "text": "Read."}, {"type": "file", "file_id": "f-1"}]),
        lc.HumanMessage([{"type": "text", "text": "Look.", "index": 0}]),
        lc.HumanMessage([{"type": "text", "text": "See."}, image]),
        lc.AIMessage([{"type": "text", "text": "ok", "id": "b1"}]),
    ]
    adapter = preset_adapter_class("fireworks")(api_key="k", base_url="http://127.0.0.1:9")
    sent = adapter.build_request(to_chatplex_messages(turns), CallSettings(model="m"), stream=False)
    assert sent.json["messages"] == [_convert_message_to_dict(t) for t in turns]
    assert sent.json["messages"][0]["content"][1] == {"type": "file"}


@pytest.mark.parametrize("name", ["groq", "xai", "together", "nebius", "fireworks"])
def test_an_assistant_turns_text_after_its_reasoning_goes_as_the_partner_sends_it(
    name: str,
) -> None:
    # langchain-groq and langchain-openai's subclasses send the text blocks left as a
    # list; langchain-fireworks makes one text block a string (its sanitizer).
    import importlib

    from langchain_core.messages import AIMessage as LCAIMessage

    module, _, attribute = _PARTNER_CONVERSIONS[name].partition(":")
    convert = getattr(importlib.import_module(module), attribute)
    blocks = [
        {"type": "thinking", "thinking": "hmm", "signature": "s"},
        {"type": "text", "text": "Hello, friend!"},
    ]
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    sent = adapter.build_request([AIMessage(blocks)], CallSettings(model="m"), stream=False)
    assert sent.json["messages"][0]["content"] == convert(LCAIMessage(blocks))["content"]


def test_fireworks_turns_go_as_langchain_fireworks_sends_them() -> None:
    # Its text blocks left after reasoning as a list (two or more), and content of one
    # text block as its text, in every role (its `_sanitize_chat_completions_content`).
    from langchain_core import messages as lc
    from langchain_fireworks.chat_models import _convert_message_to_dict

    from chatplex.langchain.from_langchain import to_chatplex_messages

    one = {"type": "text", "text": "One."}
    two = {"type": "text", "text": "Two."}
    thought = {"type": "reasoning", "reasoning": "hmm"}
    turns = [
        lc.SystemMessage([one]),
        lc.HumanMessage([one]),
        lc.AIMessage([thought, one, two]),
        lc.AIMessage([thought, one]),
        lc.AIMessage([one, two]),
        lc.AIMessage([one], tool_calls=[{"name": "add", "args": {}, "id": "call_1"}]),
        lc.ToolMessage([one], tool_call_id="call_1"),
        lc.HumanMessage([one, two]),
    ]
    adapter = preset_adapter_class("fireworks")(api_key="k", base_url="http://127.0.0.1:9")
    assert adapter.lone_text_as_string and adapter.assistant_text_blocks
    sent = adapter.build_request(to_chatplex_messages(turns), CallSettings(model="m"), stream=False)
    theirs = [_convert_message_to_dict(t) for t in turns]
    assert [m["content"] for m in sent.json["messages"]] == [m["content"] for m in theirs]
    assert [m["content"] for m in sent.json["messages"]][:4] == [
        "One.",
        "One.",
        [one, two],
        "One.",
    ]


@pytest.mark.parametrize("name", ["deepseek", "vllm", "hyperbolic"])
def test_an_assistant_turns_text_after_its_reasoning_is_one_string_elsewhere(name: str) -> None:
    # langchain-deepseek joins an assistant turn's text blocks (DeepSeek takes a string);
    # a server without a partner package gets what every server takes.
    blocks = [{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "Hi"}]
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    assert adapter.assistant_text_blocks is False
    sent = adapter.build_request([AIMessage(blocks)], CallSettings(model="m"), stream=False)
    assert sent.json["messages"][0]["content"] == "Hi"


#: A reply's text blocks (a Responses reply's `id`, `annotations`; cache markers), each
#: preset's partner class and what it builds its request with.
MARKED_TEXT = [
    {"type": "text", "text": "Hi", "id": "msg_1", "annotations": [{"type": "url_citation"}]},
    {"type": "text", "text": " there", "cache_control": {"type": "ephemeral"}},
    {"type": "text", "text": "!", "prompt_cache_breakpoint": {"ttl": "5m"}},
]
TEXT_PARTNERS = {
    "groq": ("langchain_groq", "ChatGroq"),  # each block as given
    "perplexity": ("langchain_perplexity", "ChatPerplexity"),  # as given
    "xai": ("langchain_xai", "ChatXAI"),  # BaseChatOpenAI: langchain-openai's rebuild
    "together": ("langchain_together", "ChatTogether"),
    "nebius": ("langchain_nebius", "ChatNebius"),
    "mistralai": ("langchain_mistralai", "ChatMistralAI"),  # a tool result's: type, text
}


def _partner_messages(name: str, history: list[Any]) -> list[dict[str, Any]]:
    module, class_name = TEXT_PARTNERS[name]
    partner = getattr(pytest.importorskip(module), class_name)(api_key="k", model="m")
    if name == "groq":
        return list(partner._create_message_dicts(history, None)[0])
    if name == "perplexity":
        return [partner._convert_message_to_dict(m) for m in history]
    if name == "mistralai":
        return list(partner._create_message_dicts(history, None)[0])
    return list(partner._get_request_payload(history)["messages"])


@pytest.mark.parametrize("name", sorted(TEXT_PARTNERS))
def test_a_replys_text_blocks_go_back_as_each_partner_sends_them(name: str) -> None:
    from langchain_core import messages as lc

    from chatplex.langchain.from_langchain import to_chatplex_messages

    call = {"name": "add", "args": {"a": 1}, "id": "call_1"}
    history = [
        lc.HumanMessage("q"),
        lc.AIMessage(MARKED_TEXT, tool_calls=[call]),
        lc.ToolMessage(MARKED_TEXT, tool_call_id="call_1"),
        lc.AIMessage(MARKED_TEXT),
    ]
    adapter = preset_adapter_class(name)(api_key="k", base_url="http://127.0.0.1:9")
    sent = adapter.build_request(
        to_chatplex_messages(history), CallSettings(model="m"), stream=False
    )
    assert sent.json["messages"] == _partner_messages(name, history)


@pytest.mark.parametrize(("name", "said"), [("sambanova", False), ("together", True)])
def test_a_call_that_does_not_stream_says_so_where_its_partner_does(name: str, said: bool) -> None:
    # langchain-sambanova's body has no "stream" unless it streams; langchain-openai's
    # subclasses send "stream": false.
    adapter = adapter_class(name)(api_key="k")
    assert (
        "stream" in adapter.build_request(HI, CallSettings(model="m"), stream=False).json
    ) is said
    assert adapter.build_request(HI, CallSettings(model="m"), stream=True).json["stream"] is True


@pytest.mark.parametrize("name", NAMES)
def test_a_choice_goes_beside_a_bound_empty_tool_list_where_the_profile_says(name: str) -> None:
    adapter = adapter_class(name)(api_key="k")
    # langchain-groq, -mistralai, -xai, -fireworks, -together, -nebius, -sambanova and
    # -perplexity send bind_tools([], tool_choice=...) with the choice beside `tools: []`
    # (the same packages as send the list); the others leave the choice out.
    assert adapter.keeps_choice_without_tools is (name in EMPTY_TOOL_LIST_SENT)
    for choice in ("auto", "required") if adapter.keeps_choice_without_tools else ("auto",):
        settings = CallSettings("m", tool_list_bound=True, tool_choice=choice)
        body = adapter.build_request([HumanMessage("hi")], settings, stream=False).json
        sent = choice if adapter.keeps_choice_without_tools else "unsent"
        assert body.get("tool_choice", "unsent") == sent
