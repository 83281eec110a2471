"""ChatOpenAI (providers/openai/dropin.py): max_tokens sent as langchain-openai sends
it. Its aliases, refusals and API-parameter checks, shared with ChatAnthropic, are tested
in tests/chat/test_dropin_models.py; its Responses-API choice in
tests/providers/openai/test_choices.py."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex import init_chat_model
from tests._dropins import engine
from tests.chat.test_dropin_models import _chatplex_body
from tests.chat.test_dropin_models import _langchain_body

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)


@pytest.mark.parametrize("base_url", [None, "https://gateway.example/v1"])
@pytest.mark.parametrize("name", ["gpt-4o-mini", "o3", "gpt-5"])
@pytest.mark.parametrize("alias", ["max_tokens", "max_completion_tokens"])
def test_openai_sends_max_completion_tokens_as_langchain_openai(
    base_url: str | None, name: str, alias: str
) -> None:
    import langchain_openai

    settings: dict[str, Any] = {alias: 50}
    if base_url:
        settings["base_url"] = base_url
    theirs = langchain_openai.ChatOpenAI(model=name, api_key="sk-test", **settings)
    ours = ChatOpenAI(model=name, api_key="sk-test", **settings)
    expected = _langchain_body(theirs, theirs)
    got = _chatplex_body(ours)
    assert got == expected
    assert got["max_completion_tokens"] == 50 and "max_tokens" not in got
    assert _chatplex_body(ours.bind(max_tokens=5))["max_completion_tokens"] == 5


def test_init_chat_models_openai_model_sends_max_completion_tokens_anywhere() -> None:
    # As LangChain's init_chat_model (a ChatOpenAI): max_completion_tokens to any server.
    model = init_chat_model(
        "openai:llama3", base_url="http://127.0.0.1:9/v1", api_key="k", max_tokens=9
    )
    body = _chatplex_body(model)
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body


def test_openai_proxy_given_or_from_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`openai_proxy=` given or `OPENAI_PROXY` set: the calls (sync, async) go through
    it, as langchain-openai's ChatOpenAI builds its httpx clients with it (the mock
    server as the forward proxy: it gets the absolute URL of a host that does not exist
    and answers it as OpenAI's API), and
    its field reads it; with an httpx client given too, its ValueError. Unset, no client
    of the model's own; AzureChatOpenAI still refuses the keyword (its partner's clients
    ignore it)."""
    import asyncio

    import httpx

    import chatplex.langchain
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    settings: dict[str, Any] = {"model": "gpt-4o-mini", "api_key": "k", "max_retries": 0}
    target = "http://openai.invalid/v1"

    def outcome(cls: Any, **more: Any) -> list[Any]:
        model = cls(base_url=target, **settings, **more)
        seen = [model.openai_proxy]

        async def ainvoked() -> Any:
            try:
                return await model.ainvoke("hi")
            finally:  # (closed on the loop that used it)
                await model.http_async_client.aclose()

        seen.append(model.invoke("hi").text)
        seen.append(asyncio.run(ainvoked()).text)
        model.http_client.close()
        return seen

    with MockServer() as proxy:
        monkeypatch.setenv("OPENAI_PROXY", proxy.url)
        ours = outcome(chatplex.langchain.ChatOpenAI)  # (LangChain's name)
        assert ours == outcome(partner)
        assert ours == [proxy.url, "Echo: hi", "Echo: hi"]
        own = httpx.Client()
        for cls in (chatplex.langchain.ChatOpenAI, partner):
            with pytest.raises(ValueError, match="Cannot specify 'openai_proxy' if one of"):
                cls(http_client=own, **settings)
        own.close()
        monkeypatch.delenv("OPENAI_PROXY")
        named = outcome(chatplex.langchain.ChatOpenAI, openai_proxy=proxy.url)  # the keyword
        assert named == outcome(partner, openai_proxy=proxy.url) == ours
    plain = ChatOpenAI(**settings)
    assert plain.http_client is None and plain.http_async_client is None


def test_azures_proxy_api_type_and_socket_options_are_held_as_langchain_openai_holds_them() -> None:
    """AzureChatOpenAI's `openai_proxy`, `openai_api_type` and `http_socket_options` are
    fields its clients never read: built with them (a proxy on a closed port, an API type
    not Azure's, a socket option no system has, which fails a connection it is set on), a
    call goes straight to the deployment, and each reads back as given (the type in its
    `lc_attributes` too)."""
    import chatplex.langchain
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_openai").AzureChatOpenAI
    with MockServer() as server:
        seen = []
        for cls in (partner, chatplex.langchain.AzureChatOpenAI):
            model = cls(
                azure_endpoint=server.url, azure_deployment="d", api_key="k",
                api_version="2024-10-21", max_retries=0,
                openai_proxy="http://127.0.0.1:9", openai_api_type="open_ai",
                http_socket_options=[(socket.SOL_SOCKET, 54321, 1)],
            )  # fmt: skip
            read = (model.openai_proxy, model.openai_api_type, model.lc_attributes)
            read += (model.http_socket_options,)
            seen.append((read, model.invoke("hi").text))
    assert seen[0] == seen[1]
    assert seen[1][0][:2] == ("http://127.0.0.1:9", "open_ai")
    assert seen[1][0][3] == [(socket.SOL_SOCKET, 54321, 1)]
    assert seen[1][1] == "Echo: hi"


#: Temperatures given to models langchain-openai's `validate_temperature` reads.
TEMPERATURE_CASES = [
    {"model": "gpt-5-nano", "temperature": 0},
    {"model": "GPT-5-mini", "temperature": 0.2},
    {"model": "gpt-5-nano", "temperature": 1},
    {"model": "gpt-5-chat-latest", "temperature": 0},
    {"model": "gpt-5.1", "temperature": 0, "reasoning_effort": "none"},
    {"model": "o1"},
    {"model": "o1", "temperature": 0.5},
    {"model": "gpt-4o", "temperature": 0},
]
_TEMPERATURE_IDS = [",".join(f"{k}={v}" for k, v in s.items()) for s in TEMPERATURE_CASES]


@pytest.mark.parametrize("responses", [False, True], ids=["chat", "responses"])
@pytest.mark.parametrize("settings", TEMPERATURE_CASES, ids=_TEMPERATURE_IDS)
def test_temperature_as_langchain_openais_validator_leaves_it(
    settings: dict[str, Any], responses: bool
) -> None:
    """A gpt-5 model (but a "-chat" one, or one whose reasoning effort is "none") given
    another temperature than 1 sends none (the API refuses it); an o1 model given none
    sends 1: the body langchain-openai sends, on either API."""
    import langchain_openai

    given = {**settings, "api_key": "sk-test", "use_responses_api": responses}
    theirs = langchain_openai.ChatOpenAI(**given)
    ours = ChatOpenAI(**given)
    expected = _langchain_body(theirs, theirs).get("temperature", "<absent>")
    assert _chatplex_body(ours).get("temperature", "<absent>") == expected


@pytest.mark.parametrize("settings", TEMPERATURE_CASES, ids=_TEMPERATURE_IDS)
def test_the_dropins_temperature_fields_read_as_langchain_openais(
    settings: dict[str, Any],
) -> None:
    """What a script reads back of the drop-in (`temperature`, its identifying params,
    the LangSmith params a tracer records, its serialized kwargs) is the temperature
    langchain-openai's validator leaves: None for a gpt-5 model given 0, 1.0 for an o1
    model given none."""
    import langchain_openai

    import chatplex.langchain

    theirs = langchain_openai.ChatOpenAI(**settings, api_key="sk-test")
    ours = chatplex.langchain.ChatOpenAI(**settings, api_key="sk-test")
    assert _temperature_fields(ours) == _temperature_fields(theirs)


def _temperature_fields(model: Any) -> tuple[Any, ...]:
    """Its temperature as a script reads it back (`repr`s: 1 is not the 1.0 shown)."""
    from langchain_core.load import dumpd

    return (
        repr(dumpd(model)["kwargs"].get("temperature", "<absent>")),
        repr(model.temperature),
        repr(model._identifying_params.get("temperature", "<absent>")),
        repr(model._get_ls_params().get("ls_temperature", "<absent>")),
    )


def test_a_gpt5_responses_body_sends_no_temperature_given_per_call() -> None:
    """On the Responses API, langchain-openai leaves a gpt-5 model's temperature out of
    the body whatever set it (a call's too), sync and async alike."""
    import asyncio

    from chatplex.testing import MockServer

    with MockServer() as server:
        ours = ChatOpenAI(
            model="gpt-5-nano",
            api_key="sk-test",
            base_url=server.openai_base_url,
            use_responses_api=True,
        )
        sent = _recorded(server)
        ours.invoke("hi", temperature=0.4)
        asyncio.run(ours.ainvoke("hi", temperature=0.4))
    assert len(sent) == 2 and all("temperature" not in body for body in sent)


def _recorded(server: Any) -> list[dict[str, Any]]:
    """The JSON bodies the mock server gets from now on, in arrival order."""
    sent: list[dict[str, Any]] = []
    server.settings.fault_plan = lambda request: sent.append(request.json or {})
    return sent


class _Subjects(BaseModel):
    subjects: list[str]


@pytest.mark.parametrize("name", ["gpt-3.5-turbo-0125", "gpt-4-turbo", "gpt-4"])
@pytest.mark.parametrize("method", [None, "json_schema"])
def test_json_schema_goes_by_function_calling_on_a_model_without_it(
    name: str, method: str | None
) -> None:
    """`with_structured_output` ("json_schema", asked or the default) on a model without
    Structured Outputs binds the schema's tool, with langchain-openai's warning, as it
    does; a model with them keeps `response_format`. Invoked and awaited."""
    import asyncio

    from chatplex.testing import MockServer

    with MockServer() as server:
        sent = _recorded(server)
        model = ChatOpenAI(model=name, api_key="sk-test", base_url=server.openai_base_url)
        with pytest.warns(UserWarning, match=f"Cannot use method='json_schema' with model {name}"):
            structured = model.with_structured_output(_Subjects, method=method)
        assert isinstance(structured.invoke("animals"), _Subjects)
        assert isinstance(asyncio.run(structured.ainvoke("animals")), _Subjects)
        kept = ChatOpenAI(model="gpt-4o", api_key="sk-test", base_url=server.openai_base_url)
        kept.with_structured_output(_Subjects, method=method).invoke("animals")
    assert [b["tool_choice"]["function"]["name"] for b in sent[:2]] == ["_Subjects"] * 2
    assert all("response_format" not in b for b in sent[:2])
    assert sent[2]["response_format"]["type"] == "json_schema" and "tools" not in sent[2]


def test_a_function_message_goes_as_langchain_openai_sends_it_sync_and_async() -> None:
    """A legacy function call (in the assistant turn's additional_kwargs) and its
    FunctionMessage answer: the messages langchain-openai's payload holds, by invoke
    and by ainvoke."""
    import asyncio

    import langchain_openai
    from langchain_core import messages as lc

    import chatplex.langchain
    from chatplex.testing import MockServer

    call = {"name": "get_weather", "arguments": '{"location": "Paris"}'}
    history = [
        lc.HumanMessage("Weather?"),
        lc.AIMessage("", additional_kwargs={"function_call": call}),
        lc.FunctionMessage("It is sunny.", name="get_weather"),
    ]
    theirs = langchain_openai.ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    expected = theirs._get_request_payload(history)["messages"]
    assert expected[2] == {"content": "It is sunny.", "name": "get_weather", "role": "function"}
    with MockServer() as server:
        ours = chatplex.langchain.ChatOpenAI(
            model="gpt-4o-mini", api_key="sk-test", base_url=server.openai_base_url
        )
        sent = _recorded(server)
        ours.invoke(history)
        asyncio.run(ours.ainvoke(history))
    assert [body["messages"] for body in sent] == [expected, expected]
