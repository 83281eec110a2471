"""Azure OpenAI end to end over the embedded mock server's Azure routes: deployment
paths with `?api-version=`, the v1 path, the `api-key` header and Entra ID tokens;
invoke, stream, tool call, structured output, usage and the content-filter refusal,
sync and async (`chatplex.testing.MockServer` on 127.0.0.1). And a differential oracle
over the same server: the official SDK's `AzureOpenAI` (the plain client on the v1 API)
sends chatplex's request body and must read the same text, tool calls, usage and
content-filter results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import ChatModel
from chatplex import ToolMessage
from chatplex import init_chat_model
from chatplex.errors import ContentFilterError
from chatplex.messages import merge_chunks
from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_merged
from tests._dropins import engine
from tests._replies import renumbered
from tests._weather import City
from tests._weather import get_weather
from tests._weather import weather_history

AzureChatOpenAI = engine("AzureChatOpenAI")  # (its model: built from its record)

KEY = "azure-mock-KEY-0123456789"
VERSION = "2024-10-21"


class TestAzureOverTheMockServer:
    def model(self, server: MockServer, **settings: Any) -> ChatModel:
        settings.setdefault("api_version", VERSION)
        if "azure_ad_token_provider" not in settings:
            settings.setdefault("api_key", KEY)
        return init_chat_model(
            "azure_openai:my-gpt4o", azure_endpoint=server.azure_endpoint, **settings
        )

    @pytest.mark.parametrize("sync", [True, False])
    @pytest.mark.parametrize("version", [VERSION, "v1"])
    async def test_invoke_with_usage(self, server: MockServer, sync: bool, version: str) -> None:
        model = self.model(server, api_version=version)
        reply = await ask(model, sync, "hello azure")
        assert reply.text == "Echo: hello azure"
        assert reply.usage_metadata["output_tokens"] == 3  # the mock counts words
        assert reply.response_metadata["finish_reason"] == "stop"
        assert "prompt_filter_results" in reply.response_metadata
        assert "content_filter_results" in reply.response_metadata
        path = "/azure" + (
            "/openai/v1/chat/completions"
            if version == "v1"
            else "/openai/deployments/my-gpt4o/chat/completions"
        )
        assert server.stats.by_path.get(path, 0) >= 1

    @pytest.mark.parametrize("sync", [True, False])
    async def test_stream_merges_to_the_non_stream_reply(
        self, server: MockServer, sync: bool
    ) -> None:
        model = self.model(server)
        merged = await ask_merged(model, sync, "stream me")
        whole = await ask(model, sync, "stream me")
        assert merged.text == whole.text == "Echo: stream me"
        assert merged.usage_metadata == whole.usage_metadata

    @pytest.mark.parametrize("sync", [True, False])
    async def test_tool_call_round_trip(self, server: MockServer, sync: bool) -> None:
        model = self.model(server).bind_tools([get_weather])
        question = "use the tool to get the weather"
        first = await ask(model, sync, question)
        [call] = first.tool_calls
        assert (call["name"], call["args"]) == ("get_weather", {"city": "x"})
        again = await ask_merged(model, sync, question)
        assert [(c["name"], c["args"]) for c in again.tool_calls] == [
            ("get_weather", {"city": "x"})
        ]
        answer = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"] or "")
        final = await ask(model, sync, [("human", question), first, answer])
        assert final.response_metadata["finish_reason"] == "stop"

    @pytest.mark.parametrize("sync", [True, False])
    async def test_structured_output(self, server: MockServer, sync: bool) -> None:
        model = AzureChatOpenAI(
            azure_endpoint=server.azure_endpoint,
            azure_deployment="prod",
            api_version=VERSION,
            api_key=KEY,
        ).with_structured_output(City)
        city = await ask(model, sync, "a city please")
        assert isinstance(city, City)

    @pytest.mark.parametrize("sync", [True, False])
    async def test_entra_id_token_provider(self, server: MockServer, sync: bool) -> None:
        model = self.model(server, azure_ad_token_provider=lambda: "entra-token")
        assert (await ask(model, sync, "hi")).text == "Echo: hi"

    @pytest.mark.parametrize("sync", [True, False])
    async def test_content_filter_refusal(self, server: MockServer, sync: bool) -> None:
        model = self.model(server, default_headers={"x-mock-fault": "content_filter"})
        with pytest.raises(ContentFilterError) as info:
            await ask(model, sync, "hi")
        assert info.value.status == 400 and info.value.filter_results
        assert KEY not in str(info.value) + repr(info.value)


# ---- a differential oracle: the official SDK's AzureOpenAI over the same mock server ----

try:
    import openai
except ImportError:  # pragma: no cover - the dev extra has it
    openai = None

SEEN: list[tuple[str, dict[str, Any], dict[str, Any]]] = []


def _seen(request: MockRequest) -> None:
    SEEN.append((request.path, dict(request.headers), dict(request.json or {})))


@pytest.fixture(scope="module")
def recorded() -> Iterator[MockServer]:
    with MockServer(fault_plan=_seen) as srv:
        yield srv


#: name -> (chatplex model built from the plain one, the input)
AZURE_CASES: dict[str, tuple[Any, Any]] = {
    "text": (lambda m: m, "hello from both clients"),
    "tool_call": (lambda m: m.bind_tools([get_weather]), "use the tool for Paris"),
    "tool_result_turn": (lambda m: m.bind_tools([get_weather]), weather_history()),
    "structured": (lambda m: m.with_structured_output(City, include_raw=True), "a city"),
}


def _ours(message: AIMessage, stream: bool) -> dict[str, Any]:
    assert isinstance(message.id, str)
    meta = message.response_metadata
    usage = meta["token_usage"] if not stream else None
    read = {
        "text": message.text,
        "tool_calls": [[c["name"], c["args"], c["id"]] for c in message.tool_calls],
        "usage": {
            k: (message.usage_metadata or {}).get(k)
            for k in ("input_tokens", "output_tokens", "total_tokens")
        },
        "token_usage": usage,
        "filters": None
        if stream
        else [meta["prompt_filter_results"], meta["content_filter_results"]],
    }
    return renumbered(read, message.id.removeprefix("chatcmpl-"))


def _theirs(completion: Any) -> dict[str, Any]:
    [choice] = completion.choices
    message = choice.message
    read = {
        "text": message.content or "",
        "tool_calls": [
            [c.function.name, json.loads(c.function.arguments), c.id]
            for c in message.tool_calls or ()
        ],
        "usage": {
            "input_tokens": completion.usage.prompt_tokens,
            "output_tokens": completion.usage.completion_tokens,
            "total_tokens": completion.usage.total_tokens,
        },
        "token_usage": completion.usage.model_dump(),  # as langchain-openai shows it
        # Azure's fields beyond OpenAI's: the SDK keeps them as extra attributes.
        "filters": [completion.prompt_filter_results, choice.content_filter_results],
    }
    return renumbered(read, completion.id.removeprefix("chatcmpl-"))


def _theirs_streamed(chunks: list[Any]) -> dict[str, Any]:
    text, calls, usage = "", {}, None
    for chunk in chunks:
        usage = chunk.usage or usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for piece in choice.delta.tool_calls or ():
                call = calls.setdefault(piece.index, ["", "", None])
                call[0] += piece.function.name or ""
                call[1] += piece.function.arguments or ""
                call[2] = piece.id or call[2]
    read = {
        "text": text,
        "tool_calls": [[n, json.loads(a), i] for n, a, i in calls.values()],
        "usage": {
            "input_tokens": usage.prompt_tokens,
            "output_tokens": usage.completion_tokens,
            "total_tokens": usage.total_tokens,
        },
        "token_usage": None,
        "filters": None,
    }
    # Azure's first chunk (the prompt's filter results) has no id.
    number = next(c.id for c in chunks if c.id).removeprefix("chatcmpl-")
    return renumbered(read, number)


def _sdk_client(server: MockServer, version: str, async_: bool) -> Any:
    if version == "v1":  # the /openai/v1/ API: the plain client, as Azure documents it
        plain = openai.AsyncOpenAI if async_ else openai.OpenAI
        return plain(base_url=server.azure_endpoint + "/openai/v1/", api_key=KEY, max_retries=0)
    azure = openai.AsyncAzureOpenAI if async_ else openai.AzureOpenAI
    return azure(
        azure_endpoint=server.azure_endpoint, api_key=KEY, api_version=version, max_retries=0
    )


@pytest.mark.skipif(openai is None, reason="the openai SDK (dev extra) is the oracle")
class TestTheSDKReadsTheSameReplies:
    """`openai.AzureOpenAI` / `AsyncAzureOpenAI` (and the plain client on the v1 API)
    send chatplex's request body to the same mock server: the same path, a credential
    header, and the same text, tool calls (with their ids), usage and content-filter
    results read back."""

    def chat(self, server: MockServer, version: str) -> Any:
        return AzureChatOpenAI(
            azure_endpoint=server.azure_endpoint,
            azure_deployment="my-gpt4o",
            api_version=version,
            api_key=KEY,
        )

    @pytest.mark.parametrize("sync", [True, False])
    @pytest.mark.parametrize("version", [VERSION, "v1"])
    @pytest.mark.parametrize(
        ("case", "stream"),
        # Structured output with include_raw reads a whole reply: not streamed.
        [
            (c, s)
            for c in sorted(AZURE_CASES)
            for s in (False, True)
            if not (s and c == "structured")
        ],
    )
    async def test_same_reading(
        self, recorded: MockServer, case: str, version: str, stream: bool, sync: bool
    ) -> None:
        build, value = AZURE_CASES[case]
        chat = build(self.chat(recorded, version))
        SEEN.clear()
        if stream:
            reply = await ask_merged(chat, sync, value)
        else:
            reply = await ask(chat, sync, value)
        if case == "structured":
            assert reply["parsed"] == City(name="x", population=1)
            reply = reply["raw"]
        [(path, headers, body)] = SEEN
        assert headers.get("api-key") == KEY
        # On a deployment URL chatplex's body's model is null (as langchain-openai's, when
        # none was given; the v1 API's URL names none, its body does); the SDK wants one,
        # and puts it into the same path.
        assert body["model"] == ("my-gpt4o" if version == "v1" else None)
        body = {**body, "model": "my-gpt4o"}
        client = _sdk_client(recorded, version, not sync)
        if sync:
            with client:
                answer = client.chat.completions.create(**body)
                sdk = _theirs_streamed(list(answer)) if stream else _theirs(answer)
        else:
            async with client:
                answer = await client.chat.completions.create(**body)
                sdk = _theirs_streamed([c async for c in answer]) if stream else _theirs(answer)
        sdk_path, sdk_headers, sdk_body = SEEN[-1]
        assert (sdk_path, sdk_body) == (path, body)  # same route, chatplex's body unchanged
        assert sdk_headers.get("api-key") == KEY or sdk_headers.get("authorization")
        assert _ours(reply, stream) == sdk
        if case == "tool_call":
            assert sdk["tool_calls"] == [["get_weather", {"city": "x"}, "call_<n>"]]


# -- the Responses API (use_responses_api=True) --------------------------------------------


def responses_model(server: MockServer, **settings: Any) -> ChatModel:
    settings.setdefault("api_key", KEY)
    return AzureChatOpenAI(
        azure_endpoint=server.azure_endpoint,
        azure_deployment="prod",
        api_version="2025-03-01-preview",
        use_responses_api=True,
        max_retries=0,
        **settings,
    )


def test_responses_api_invoke_stream_and_tokens_on_the_mock(server: MockServer) -> None:
    model = responses_model(server)
    message = model.invoke("hi")
    assert message.text == "Echo: hi"
    assert message.response_metadata["model_name"] == "prod"  # the deployment as the model
    streamed = merge_chunks(list(model.stream("hi")))
    assert streamed.text == "Echo: hi"
    tokens = responses_model(server, api_key=None, azure_ad_token_provider=lambda: "tok")
    assert tokens.invoke("hi").text == "Echo: hi"


async def test_responses_api_async_on_the_mock(server: MockServer) -> None:
    async def token() -> str:
        return "async-tok"

    model = responses_model(server, api_key=None, azure_ad_async_token_provider=token)
    assert (await model.ainvoke("hi")).text == "Echo: hi"


def test_responses_api_without_a_credential_is_azures_401(server: MockServer) -> None:
    from chatplex.errors import AuthenticationError

    model = responses_model(server, api_key=None)  # not an Azure host: no error until sent
    with pytest.raises(AuthenticationError):
        model.invoke("hi")
