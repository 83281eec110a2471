"""Azure OpenAI end to end over the embedded mock server's Azure routes: deployment
paths with `?api-version=`, the v1 path, the `api-key` header and Entra ID tokens;
invoke, stream, tool call, structured output, usage and the content-filter refusal,
sync and async (`chatplex.testing.MockServer` on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex import AzureChatOpenAI, ChatModel, ToolMessage, init_chat_model
from chatplex.errors import ContentFilterError
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer

KEY = "azure-mock-KEY-0123456789"
VERSION = "2024-10-21"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


def get_weather(city: str) -> str:
    """Current weather for a city.

    Args:
        city: The city name.
    """
    return f"sunny in {city}"


class City(BaseModel):
    name: str
    population: int


async def invoke(model: Any, sync: bool, value: Any) -> Any:
    return model.invoke(value) if sync else await model.ainvoke(value)


async def streamed(model: Any, sync: bool, value: Any) -> Any:
    if sync:
        return merge_chunks(model.stream(value)).to_message()
    return merge_chunks([c async for c in model.astream(value)]).to_message()


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
        reply = await invoke(model, sync, "hello azure")
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
        merged = await streamed(model, sync, "stream me")
        whole = await invoke(model, sync, "stream me")
        assert merged.text == whole.text == "Echo: stream me"
        assert merged.usage_metadata == whole.usage_metadata

    @pytest.mark.parametrize("sync", [True, False])
    async def test_tool_call_round_trip(self, server: MockServer, sync: bool) -> None:
        model = self.model(server).bind_tools([get_weather])
        question = "use the tool to get the weather"
        first = await invoke(model, sync, question)
        [call] = first.tool_calls
        assert (call["name"], call["args"]) == ("get_weather", {"city": "x"})
        again = await streamed(model, sync, question)
        assert [(c["name"], c["args"]) for c in again.tool_calls] == [
            ("get_weather", {"city": "x"})
        ]
        answer = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"] or "")
        final = await invoke(model, sync, [("human", question), first, answer])
        assert final.response_metadata["finish_reason"] == "stop"

    @pytest.mark.parametrize("sync", [True, False])
    async def test_structured_output(self, server: MockServer, sync: bool) -> None:
        model = AzureChatOpenAI(
            azure_endpoint=server.azure_endpoint,
            azure_deployment="prod",
            api_version=VERSION,
            api_key=KEY,
        ).with_structured_output(City)
        city = await invoke(model, sync, "a city please")
        assert isinstance(city, City)

    @pytest.mark.parametrize("sync", [True, False])
    async def test_entra_id_token_provider(self, server: MockServer, sync: bool) -> None:
        model = self.model(server, azure_ad_token_provider=lambda: "entra-token")
        assert (await invoke(model, sync, "hi")).text == "Echo: hi"

    @pytest.mark.parametrize("sync", [True, False])
    async def test_content_filter_refusal(self, server: MockServer, sync: bool) -> None:
        model = self.model(server, default_headers={"x-mock-fault": "content_filter"})
        with pytest.raises(ContentFilterError) as info:
            await invoke(model, sync, "hi")
        assert info.value.status == 400 and info.value.filter_results
        assert KEY not in str(info.value) + repr(info.value)
