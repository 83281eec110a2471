"""What ChatChatplex reads off the wrapped chatplex model: its name, the chat model
inside fallbacks, the keywords its partner refuses."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from _lckit import base_url
from pydantic import BaseModel

from chatplex.langchain import AzureChatOpenAI
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI
from chatplex.testing import MockServer
from tests._aws import isolate_aws
from tests._local_server import Answering
from tests._local_server import serving
from tests._recorded import sent_bodies


def test_from_the_environment_a_preset_keeps_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # A preset speaks the OpenAI wire; its name is the one the user gave, not the wire's.
    monkeypatch.setenv("CHATPLEX_MODEL", "groq:llama-3.1-8b-instant")
    monkeypatch.setenv("CHATPLEX_BASE_URL", base_url("groq"))
    model = ChatChatplex(api_key="k")
    assert (model.model, model.provider) == ("groq:llama-3.1-8b-instant", "openai")


def test_a_named_profile_with_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "chatplex.toml"
    config.write_text(
        "[profiles.cheap]\n"
        'model = "openai:gpt-4o-mini"\n'
        f'base_url = "{base_url("openai")}"\n'
        'api_key = "env:MOCK_KEY"\n'
        'fallbacks = ["claude"]\n'
        "[profiles.claude]\n"
        'model = "anthropic:claude-haiku-4-5"\n'
        f'base_url = "{base_url("anthropic")}"\n'
    )
    monkeypatch.setenv("CHATPLEX_CONFIG", str(config))
    monkeypatch.setenv("MOCK_KEY", "mock-key")
    model = ChatChatplex(chatplex_profile="cheap")
    # A profile with fallbacks is a chatplex runnable, not one ChatModel: it still works.
    assert model.invoke("hey").content == "Echo: hey"
    assert (model.model, model.provider) == ("openai:gpt-4o-mini", "openai")
    assert model._get_ls_params()["ls_model_name"] == "gpt-4o-mini"


async def _called(
    runnable: Any, mode: str, sync: bool, kwargs: dict[str, Any], given: Any = "hi"
) -> None:
    """`runnable` called with `given` and `kwargs` by `mode` ("invoke" or "stream"), sync
    or async, its stream read to the end."""
    if mode == "invoke" and sync:
        runnable.invoke(given, **kwargs)
    elif mode == "invoke":
        await runnable.ainvoke(given, **kwargs)
    elif sync:
        list(runnable.stream(given, **kwargs))
    else:
        [c async for c in runnable.astream(given, **kwargs)]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_a_keyword_the_partner_refuses_is_its_typeerror_before_any_request(
    sync: bool, mode: str
) -> None:
    # langchain-aws's ChatBedrockConverse renames a bound or per-call parallel_tool_calls
    # (None too) to parallelToolCalls, which its _converse_params() refuses; so does its
    # ChatBedrock on Converse (through a ChatBedrockConverse), not on InvokeModel.
    import chatplex.langchain

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    aws = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}
    with sent_bodies() as (server, bodies):
        given = {"model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "endpoint_url": server.url}
        model = chatplex.langchain.ChatBedrockConverse(**given, **aws)
        on_converse = chatplex.langchain.ChatBedrock(**given, **aws, beta_use_converse_api=True)
        for parallel, llm in itertools.product((False, True, None), (model, on_converse)):
            bound = llm.bind_tools([get_weather], parallel_tool_calls=parallel)
            for runnable, kwargs in ((bound, {}), (llm, {"parallel_tool_calls": parallel})):
                with pytest.raises(TypeError) as info:
                    await _called(runnable, mode, sync, kwargs)
                assert str(info.value) == (
                    "ChatBedrockConverse._converse_params() got an unexpected keyword "
                    "argument 'parallelToolCalls'"
                )
        assert bodies == []
        # Without it the call goes. chatplex's own model: Converse has no such field (in
        # additionalModelRequestFields the model refuses it): False is a ValueError at
        # binding, True asks for what Converse models do anyway and sends nothing.
        assert model.bind_tools([get_weather]).invoke("hi").content
        own = ChatChatplex(model="bedrock_converse:m", endpoint_url=server.url, **aws)
        with pytest.raises(ValueError, match="no parallel_tool_calls setting"):
            own.bind_tools([get_weather], parallel_tool_calls=False)
        assert own.bind_tools([get_weather], parallel_tool_calls=True).invoke("hi").content
        assert "additionalModelRequestFields" not in bodies[-1]
        on_invoke = chatplex.langchain.ChatBedrock(**given, **aws)
        assert on_invoke.bind_tools([get_weather], parallel_tool_calls=False).invoke("hi").content


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_a_keyword_converse_does_not_take_is_the_partners_typeerror(
    sync: bool, mode: str
) -> None:
    # langchain-aws's ChatBedrockConverse hands a call's keywords (bound or per call) to
    # its _converse_params(), respelt in camelCase: one that is not a Converse field is
    # its TypeError before any request. chatplex's own model sends it to the model.
    import chatplex.langchain

    aws = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}
    with sent_bodies() as (server, bodies):
        given = {"model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "endpoint_url": server.url}
        model = chatplex.langchain.ChatBedrockConverse(**given, **aws)
        calls = ((model.bind(top_k=5), {}, "topK"), (model, {"foo": 1}, "foo"))
        for runnable, kwargs, named in calls:
            with pytest.raises(TypeError) as info:
                await _called(runnable, mode, sync, kwargs)
            assert str(info.value) == (
                f"ChatBedrockConverse._converse_params() got an unexpected keyword argument "
                f"'{named}'"
            )
        assert bodies == []
        own = ChatChatplex(model="bedrock_converse:m", endpoint_url=server.url, **aws)
        assert own.bind(top_k=5).invoke("hi").content
        assert bodies[-1]["additionalModelRequestFields"] == {"top_k": 5}


@pytest.mark.parametrize(
    ("name", "module", "settings"),
    [
        (
            "ChatBedrockConverse",
            "langchain_aws",
            {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"},
        ),
        ("ChatOllama", "langchain_ollama", {}),
    ],
)
@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_messages_the_partner_cannot_format_raise_before_a_refused_keyword(
    name: str, module: str, settings: dict[str, Any], sync: bool, mode: str
) -> None:
    # langchain-aws and langchain-ollama format the messages before they pass the call's
    # keywords on: an image by URL (which neither sends) beside a keyword they refuse is
    # their image ValueError, not the keyword's TypeError. Without the image: the
    # TypeError. Nothing listens on the address: a request would fail otherwise.
    from langchain_core.messages import HumanMessage

    import chatplex.langchain

    partner_class = getattr(pytest.importorskip(module), name)
    url = "https://example.com/cat.png"
    image = HumanMessage([{"type": "text", "text": "See"}, {"type": "image", "url": url}])
    at = {"endpoint_url" if name == "ChatBedrockConverse" else "base_url": "http://127.0.0.1:9"}
    outcomes = []
    for cls in (partner_class, getattr(chatplex.langchain, name)):
        model = cls(model="m", **at, **settings)
        with pytest.raises(ValueError) as info:
            await _called(model, mode, sync, {"top_k": 5, "foo": 1}, [image])
        outcomes.append((type(info.value), str(info.value)))
        with pytest.raises(TypeError):
            await _called(model, mode, sync, {"top_k": 5, "foo": 1}, [HumanMessage("See")])
    theirs, ours = outcomes
    assert (
        ours == theirs == (ValueError, "Image data only supported through in-line base64 format.")
    )


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_two_stops_raise_before_a_refused_keyword_as_the_partners_do(
    sync: bool, mode: str
) -> None:
    # langchain-ollama's _chat_params checks a stop given both to the class and to the
    # call before its client refuses an unknown keyword: its ValueError, not the
    # keyword's TypeError. With one stop: the TypeError. Nothing listens on the address.
    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_ollama").ChatOllama
    outcomes = []
    for cls in (partner_class, chatplex.langchain.ChatOllama):
        model = cls(model="m", base_url="http://127.0.0.1:9", stop=["END"])
        with pytest.raises(ValueError) as info:
            await _called(model, mode, sync, {"stop": ["HALT"], "max_tokens": 42})
        outcomes.append((type(info.value), str(info.value)))
        with pytest.raises(TypeError, match="unexpected keyword argument 'max_tokens'"):
            await _called(model, mode, sync, {"max_tokens": 42})
    theirs, ours = outcomes
    assert ours == theirs == (ValueError, "`stop` found in both the input and default params.")


async def test_a_refused_keyword_without_credentials_is_still_the_partners_typeerror(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # langchain-aws reads credentials only at its request: the messages checked before
    # the refusal read none (nor sign anything) either.
    import chatplex.langchain

    isolate_aws(monkeypatch, tmp_path)
    model = chatplex.langchain.ChatBedrockConverse(
        model="anthropic.claude-3-5-sonnet-20240620-v1:0",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
    )
    for sync in (True, False):
        with pytest.raises(TypeError, match="unexpected keyword argument 'topK'"):
            await _called(model.bind(top_k=5), "invoke", sync, {})


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("ChatGroq", "langchain_groq"),
        ("ChatSambaNova", "langchain_sambanova"),
        ("ChatOllama", "langchain_ollama"),
    ],
)
@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
@pytest.mark.parametrize(
    ("keyword", "bound"), [("stream_usage", False), ("foo", False), ("foo", True)]
)
async def test_a_call_keyword_the_partner_sdk_does_not_take_is_its_typeerror(
    name: str, module: str, sync: bool, mode: str, keyword: str, bound: bool
) -> None:
    # These partners hand every call keyword (bound or per call) they do not read to
    # their SDK's client, which refuses any it does not take before any request (a
    # request would fail otherwise here: nothing listens on the address). `stream_usage`
    # is one: their classes have no such field.
    import chatplex.langchain

    partner_class = getattr(pytest.importorskip(module), name)
    settings = {"model": "m", "base_url": "http://127.0.0.1:9"}
    if name != "ChatOllama":
        settings["api_key"] = "k"
    outcomes = []
    for cls in (partner_class, getattr(chatplex.langchain, name)):
        model = cls(**settings)
        runnable, kwargs = (model.bind(**{keyword: 1}), {}) if bound else (model, {keyword: 1})
        with pytest.raises(TypeError) as info:
            await _called(runnable, mode, sync, kwargs)
        outcomes.append(str(info.value))
    theirs, ours = outcomes
    assert ours == theirs
    assert theirs.endswith(f"got an unexpected keyword argument '{keyword}'")


@pytest.mark.parametrize(
    ("name", "module", "create"),
    [
        ("ChatGroq", "langchain_groq", "Completions.create()"),
        ("ChatSambaNova", "langchain_sambanova", "CompletionsResource.create()"),
    ],
)
@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_stream_usage_when_built_is_kept_where_the_partner_raises_on_every_call(
    name: str, module: str, create: str, sync: bool, mode: str
) -> None:
    # A kept difference ("raises"): these partner classes have no `stream_usage` field,
    # so `stream_usage=` when the model is built goes to their model_kwargs (with a
    # warning) and every call hands it to their SDK's create(), which refuses it before
    # any request. The drop-in warns alike and shows it in model_kwargs, but takes it as
    # chatplex's usage switch and answers.
    import chatplex.langchain

    partner_class = getattr(pytest.importorskip(module), name)
    with MockServer() as server:
        settings = {"model": "m", "api_key": "k", "base_url": server.url, "max_retries": 0}
        with pytest.warns(UserWarning, match="stream_usage was transferred to model_kwargs"):
            theirs = partner_class(**settings, stream_usage=False)
        with pytest.raises(TypeError) as info:
            await _called(theirs, mode, sync, {})
        # (the async client's name is "Async" + the sync one's)
        assert str(info.value).endswith(
            f"{create} got an unexpected keyword argument 'stream_usage'"
        )
        # The drop-in warns as the partner does (its model_kwargs show the keyword), and
        # answers.
        with pytest.warns(UserWarning, match="stream_usage was transferred to model_kwargs"):
            ours = getattr(chatplex.langchain, name)(**settings, stream_usage=False)
        assert ours.model_kwargs == {"stream_usage": False}
        await _called(ours, mode, sync, {})  # answered, not raised
        assert ours.invoke("hi").content


@pytest.mark.parametrize("sync", [True, False])
async def test_ollamas_flat_option_per_call_is_the_clients_typeerror(sync: bool) -> None:
    # langchain-ollama takes `temperature=` when the model is built, not per call: there
    # it reaches `Client.chat()` unread, which refuses it.
    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_ollama").ChatOllama
    outcomes = []
    for cls in (partner_class, chatplex.langchain.ChatOllama):
        model = cls(model="m", base_url="http://127.0.0.1:9")
        with pytest.raises(TypeError) as info:
            await _called(model, "invoke", sync, {"temperature": 0.5})
        outcomes.append(str(info.value))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0].endswith("chat() got an unexpected keyword argument 'temperature'")


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_on_the_responses_api_the_models_max_tokens_wins_over_the_calls(
    sync: bool, mode: str
) -> None:
    # langchain-openai's Responses payload renames the call's `max_tokens` to
    # `max_output_tokens`, then the constructor's `max_completion_tokens` over it.
    from chatplex.langchain import ChatOpenAI

    with sent_bodies() as (server, bodies):
        given = {"model": "gpt-4.1", "api_key": "k", "base_url": server.openai_base_url}
        capped = ChatOpenAI(**given, use_responses_api=True, max_completion_tokens=16)
        await _called(capped, mode, sync, {"max_tokens": 42})
        await _called(ChatOpenAI(**given, use_responses_api=True), mode, sync, {"max_tokens": 42})
        # Chat Completions: the call's wins
        await _called(ChatOpenAI(**given, max_completion_tokens=16), mode, sync, {"max_tokens": 42})
    assert [b.get("max_output_tokens") for b in bodies[:2]] == [16, 42]
    assert bodies[2]["max_completion_tokens"] == 42


@pytest.mark.parametrize("wire", ["openai", "azure"])
def test_a_format_sent_on_every_call_is_read_as_a_calls(wire: str) -> None:
    """A `response_format` in `model_kwargs` is in each of langchain-openai's payloads,
    so its parse() reads the reply: the SDK's error with the reply's completion and
    HTTP response (not AzureChatOpenAI's own ValueError; its side by side:
    tests/partners/azure/test_azure_sidebyside.py)."""
    openai = pytest.importorskip("openai")
    from tests.langchain._lckit import openai_or_azure
    from tests.langchain.test_parsed_key import _Filtered

    cls = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    given = {"model_kwargs": {"response_format": {"type": "json_object"}}, "max_retries": 0}
    filtered = pytest.raises(openai.ContentFilterFinishReasonError)
    with serving(_Filtered) as url, filtered as raised:
        cls(**openai_or_azure(wire, url), **given).invoke("Something bad")
    assert type(raised.value.completion).__name__ == "ChatCompletion"
    assert raised.value.completion.id == "chatcmpl-1"
    assert raised.value.response.status_code == 200  # type: ignore[attr-defined]


class _Answer(BaseModel):
    """An answer."""

    text: str


class _Cut(Answering):
    """A Chat Completions server answering JSON (`finish`: "stop"), or JSON cut at the
    token limit ("length"), whole or streamed."""

    finish = "stop"

    def do_POST(self) -> None:
        body = json.loads(self.read_body())
        self.sent.append(body.get("response_format"))
        text = '{"text": "a"}' if self.finish == "stop" else '{"text": "a'
        head = {"id": "chatcmpl-1", "created": 1, "model": "gpt-4o-mini"}
        if not body.get("stream"):
            message = {"role": "assistant", "content": text}
            choice = {"index": 0, "message": message, "finish_reason": self.finish}
            whole = {**head, "object": "chat.completion", "choices": [choice]}
            self.answer(200, json.dumps(whole).encode())
            return
        deltas = [({"role": "assistant", "content": text}, None), ({}, self.finish)]
        events = [
            {**head, "object": "chat.completion.chunk", "choices": [choice]}
            for choice in [{"index": 0, "delta": d, "finish_reason": f} for d, f in deltas]
        ]
        sent = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events)
        self.answer(200, sent + b"data: [DONE]\n\n", "text/event-stream")


@pytest.mark.parametrize("wire", ["openai", "azure"])
def test_a_class_sent_on_every_call_is_read_as_a_calls(wire: str) -> None:
    """A pydantic class in `model_kwargs`' `response_format` goes, as in langchain-openai's
    payload, to the openai SDK's parse() (`call_format`): its JSON schema sent, the reply
    read into `parsed` (invoked and streamed), a cut reply the SDK's error; the drop-in
    raised a TypeError (the class is no JSON) where the partner answers."""
    openai = pytest.importorskip("openai")
    from tests.langchain._lckit import openai_or_azure

    cls = AzureChatOpenAI if wire == "azure" else ChatOpenAI
    given = {"model_kwargs": {"response_format": _Answer}, "max_retries": 0}
    sent: list[Any] = []
    with serving(_Cut, sent=sent) as url:
        model = cls(**openai_or_azure(wire, url), **given)
        reply = model.invoke("x")
        pieces = list(model.stream("x"))
    assert reply.additional_kwargs["parsed"] == _Answer(text="a")
    # (the stream's final completion's piece alone)
    assert [p.additional_kwargs["parsed"] for p in pieces if "parsed" in p.additional_kwargs] == [
        _Answer(text="a")
    ]
    assert [s["json_schema"]["name"] for s in sent] == ["_Answer", "_Answer"]
    with serving(_Cut, sent=[], finish="length") as url:
        model = cls(**openai_or_azure(wire, url), **given)
        with pytest.raises(openai.LengthFinishReasonError) as raised:
            model.invoke("x")
        assert type(raised.value.completion).__name__ == "ChatCompletion"
        with pytest.raises(openai.LengthFinishReasonError) as raised:
            list(model.stream("x"))
        assert type(raised.value.completion).__name__ == "ParsedChatCompletion[object]"
