"""ChatBedrock, built from its record: langchain-aws's constructor; InvokeModel for
Anthropic models and the prompt families (Meta, Mistral, Titan, DeepSeek, OpenAI, Qwen),
Converse when asked (or for Nova), other families refused at construction;
init_chat_model's `bedrock:` builds it. Its model (`invoke_dropin.build`) is checked as a
chatplex model; what a script reads and calls, on `chatplex.langchain.ChatBedrock`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatplex import init_chat_model
from chatplex.chat.model import ChatModel
from chatplex.chat.params import SettingRefused
from chatplex.chat.partner_record import PartnerClass
from chatplex.providers.bedrock import invoke_dropin
from chatplex.providers.bedrock.adapter import BedrockAdapter
from chatplex.providers.bedrock.invoke import BedrockInvokeAdapter
from tests._aws import AWS_VARIABLES
from tests._aws import isolate_aws

pytest.importorskip("botocore")

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": SECRET}


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    endpoints = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_MAX_ATTEMPTS")
    isolate_aws(monkeypatch, tmp_path, (*AWS_VARIABLES, *endpoints))
    yield


def make(model: str = MODEL, **settings: object) -> ChatModel:
    """Its record's model, built from these keywords as its fields hold them."""
    return invoke_dropin.build({"model": model, "region_name": "us-east-1", **KEYS, **settings})


def lc(model: str = MODEL, **settings: object) -> Any:
    """The LangChain chat model `chatplex.langchain` makes from its record."""
    import chatplex.langchain

    return chatplex.langchain.ChatBedrock(model=model, region_name="us-east-1", **KEYS, **settings)


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(invoke_dropin)
    assert failures == 0 and tried > 0


def test_anthropic_models_speak_invoke_model() -> None:
    assert isinstance(invoke_dropin.ChatBedrock, PartnerClass)  # built from its record
    llm = lc(model_kwargs={"top_k": 5}, temperature=0.2, max_tokens=64)
    model = llm.chatplex_model
    assert type(model.adapter) is BedrockInvokeAdapter and model.provider == "bedrock"
    assert (llm.beta_use_converse_api, llm.model_id, llm.model_kwargs) == (
        False,
        MODEL,
        {"top_k": 5},
    )
    request = model.build_request("Hi")
    assert request.url.endswith("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke")
    assert request.json == {
        "top_k": 5,
        "anthropic_version": "bedrock-2023-05-31",
        "messages": [{"role": "user", "content": "Hi"}],
        "max_tokens": 64,
        "temperature": 0.2,
    }
    assert SECRET not in repr(model) and SECRET not in repr(request.headers)


def test_profiles_and_a_given_provider() -> None:
    assert make("us.anthropic.claude-3-5-haiku-20241022-v1:0").adapter.provider == "bedrock"
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"
    model = make(arn, provider="anthropic")
    assert model.build_request("Hi").url.endswith("/invoke")
    with pytest.raises(ValueError, match="provider="):
        make(arn)


def test_nova_and_beta_use_converse_api_speak_converse() -> None:
    nova = lc("amazon.nova-lite-v1:0")
    assert nova.beta_use_converse_api and type(nova.chatplex_model.adapter) is BedrockAdapter
    assert nova.chatplex_model.build_request("Hi").url.endswith("/converse")
    asked = make(
        beta_use_converse_api=True,
        model_kwargs={"max_tokens": 64, "top_p": 0.5, "top_k": 3},
        guardrails={"guardrailIdentifier": "g-1", "guardrailVersion": "1"},
    )
    body = asked.build_request("Hi").json
    assert body["inferenceConfig"] == {"maxTokens": 64, "topP": 0.5}  # lifted, as langchain-aws
    assert body["additionalModelRequestFields"] == {"top_k": 3}
    assert body["guardrailConfig"] == {"guardrailIdentifier": "g-1", "guardrailVersion": "1"}
    with pytest.raises(NotImplementedError, match="'amazon.nova'"):  # given: kept, then refused
        make("amazon.nova-pro-v1:0", beta_use_converse_api=False)


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("cohere.command-r-v1:0", "cohere"),
        ("ai21.jamba-1-5-large-v1:0", "ai21"),
        ("writer.palmyra-x5-v1:0", "writer"),
        ("us.writer.palmyra-x4-v1:0", "writer"),
    ],
)
def test_other_families_are_refused_at_construction(model: str, family: str) -> None:
    with pytest.raises(NotImplementedError, match=f"'{family}'.*beta_use_converse_api=True"):
        make(model)
    assert make(model, beta_use_converse_api=True).build_request("Hi").url.endswith("/converse")


def test_converse_parameters_are_refused_on_invoke_model() -> None:
    with pytest.raises(TypeError, match="system=.*Converse parameter"):
        make(system=["Be brief."])
    with pytest.raises(TypeError, match="guardrailIdentifier"):
        make(guardrails={"trace": True})


def test_guardrails_service_tier_and_request_metadata_are_request_headers() -> None:
    model = make(
        guardrails={"guardrailIdentifier": "g-1", "guardrailVersion": "2", "trace": True},
        service_tier="priority",
        request_metadata={"team": "search"},
    )
    headers = model.build_request("Hi").headers
    assert headers["x-amzn-bedrock-request-metadata"] == '{"team": "search"}'

    assert headers["x-amzn-bedrock-guardrailidentifier"] == "g-1"
    assert headers["x-amzn-bedrock-guardrailversion"] == "2"
    assert headers["x-amzn-bedrock-trace"] == "ENABLED"
    assert headers["x-amzn-bedrock-service-tier"] == "priority"
    # langchain-aws's default guardrails (no identifier) are off: no header.
    off = make(guardrails={"guardrailIdentifier": None, "guardrailVersion": None, "trace": None})
    assert "x-amzn-bedrock-guardrailidentifier" not in off.build_request("Hi").headers


def test_init_chat_model_bedrock_speaks_invoke_model_in_both_families() -> None:
    from botocore.config import Config

    import chatplex.langchain

    for family in (init_chat_model, chatplex.langchain.init_chat_model):
        llm = family(f"bedrock:{MODEL}", region="us-west-2", model_kwargs={"top_k": 2}, **KEYS)
        engine = getattr(llm, "chatplex_model", llm)
        request = engine.build_request("hi")
        assert request.url == (
            "https://bedrock-runtime.us-west-2.amazonaws.com/model/"
            "anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke"
        )
        assert request.json["top_k"] == 2
    # LangChain's is ChatBedrock, a Config's retries held, a family it cannot build
    # refused when built; chatplex's own model refuses that family when called.
    config = Config(retries={"max_attempts": 3})
    lc = chatplex.langchain.init_chat_model(
        f"bedrock:{MODEL}", region_name="us-west-2", config=config
    )
    assert type(lc) is chatplex.langchain.ChatBedrock and lc.chatplex_model.max_retries == 3
    with pytest.raises(NotImplementedError, match="'writer'"):
        chatplex.langchain.init_chat_model(
            "bedrock:writer.palmyra-x5-v1:0", region_name="us-east-1"
        )
    writer = init_chat_model("bedrock:writer.palmyra-x5-v1:0", region_name="us-east-1", **KEYS)
    with pytest.raises(NotImplementedError, match="'writer'"):
        writer.build_request("hi")


@pytest.mark.parametrize("name", ["base_url", "endpoint_url"])
def test_the_endpoint_given_is_where_calls_go(name: str) -> None:
    import chatplex.langchain

    llm = chatplex.langchain.ChatBedrock(
        model=MODEL, region="eu-west-1", **KEYS, **{name: "http://127.0.0.1:8123/p"}
    )
    assert llm.region_name == "eu-west-1"
    assert llm.chatplex_model.build_request("Hi").url.startswith("http://127.0.0.1:8123/p/model/")


@pytest.mark.parametrize(
    "spelling",
    ["endpoint_url", "base_url", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL", "init"],
)
@pytest.mark.parametrize("converse", [False, True])
def test_calls_go_only_to_the_endpoint_configured(
    spelling: str, converse: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever the spelling, the call reaches the local server; a call to any other host
    # fails the test (tests/_netguard.py refuses every non-loopback connection).
    from chatplex.testing import MockServer

    with MockServer() as server:
        settings: dict[str, object] = {"beta_use_converse_api": converse, "max_retries": 0}
        if spelling.startswith("AWS_"):
            monkeypatch.setenv(spelling, server.url)
        elif spelling != "init":
            settings[spelling] = server.url
        if spelling == "init":
            model = init_chat_model(
                f"bedrock:{MODEL}", region_name="us-east-1", base_url=server.url, **KEYS, **settings
            )
        else:
            model = make(**settings)
        assert model.invoke("hello mock").text == "Echo: hello mock"
        assert "".join(c.text for c in model.stream("hello mock")) == "Echo: hello mock"


def test_no_frame_of_a_refused_construction_holds_a_key() -> None:
    try:
        lc("writer.palmyra-x5-v1:0", aws_session_token="session-token-in-clear")
    except NotImplementedError as exc:
        traceback = exc.__traceback__
    else:
        raise AssertionError("a Writer model on InvokeModel is refused")
    shown = []
    while traceback is not None:  # chatplex's frames (the test's own hold the keys)
        if traceback.tb_frame.f_globals["__name__"].startswith("chatplex."):
            shown.append(repr(traceback.tb_frame.f_locals))
        traceback = traceback.tb_next
    assert shown
    assert not any(SECRET in s or "session-token-in-clear" in s for s in shown)


def test_its_signature_shows_every_parameter_it_takes() -> None:
    import inspect

    import chatplex.langchain

    names = list(inspect.signature(chatplex.langchain.ChatBedrock).parameters)
    for name in (
        "beta_use_converse_api",
        "model_kwargs",
        "guardrails",
        "region_name",
        "endpoint_url",
    ):
        assert name in names
    assert names.count("model_kwargs") == 1 and names[-1] == "api_params"
    with pytest.raises(TypeError, match="did you mean 'temperature'"):
        make(temprature=0.2)


def _add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


FAMILY_MODELS = [
    "us.meta.llama3-1-70b-instruct-v1:0",
    "meta.llama4-scout-17b-instruct-v1:0",
    "meta.llama2-13b-chat-v1",
    "mistral.mistral-large-2402-v1:0",
    "amazon.titan-text-express-v1",
    "us.deepseek.r1-v1:0",
    "openai.gpt-oss-20b-1:0",
    "qwen.qwen3-32b-v1:0",
]


@pytest.mark.parametrize("model_id", FAMILY_MODELS)
def test_the_prompt_families_over_the_mock_server(model_id: str) -> None:
    # The mock answers each family in its own shape: the reply, the stream and the usage
    # read back as they were planned (an echo of the last user turn).
    from chatplex.messages import AIMessage
    from chatplex.messages import HumanMessage
    from chatplex.messages import SystemMessage
    from chatplex.messages import merge_chunks
    from chatplex.testing import MockServer

    with MockServer() as server:
        model = make(model_id, endpoint_url=server.url, max_retries=0)
        turns = [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello!")]
        messages = [*turns, HumanMessage("hello mock")]
        reply = model.invoke(messages)
        assert reply.text == "Echo: hello mock"
        assert reply.response_metadata["finish_reason"] == "stop"
        assert reply.usage_metadata is not None and reply.usage_metadata["output_tokens"] > 0
        chunks = list(model.stream(messages))
        merged = merge_chunks(chunks)
        assert merged.text == "Echo: hello mock" and len(chunks) > 3
        assert merged.usage_metadata == reply.usage_metadata
        with pytest.raises(ValueError, match="take no tools"):
            model.bind_tools([_add]).invoke("hi")


@pytest.mark.parametrize("method", ["json_schema", "json_mode", "function_calling"])
def test_structured_output_is_refused_on_the_prompt_families(method: str) -> None:
    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    llm = lc("us.meta.llama3-1-70b-instruct-v1:0")
    # Refused by `with_structured_output` itself, as langchain-aws refuses it.
    with pytest.raises(ValueError, match="Structured output is not supported for model meta"):
        llm.with_structured_output(Sum, method=method)


def test_json_schema_is_answered_by_function_calling_over_invoke_model() -> None:
    """langchain-aws's ChatBedrock binds the schema as a forced tool for every method:
    "json_schema" sends the tool, not a native output format."""
    from pydantic import BaseModel

    from chatplex.testing import MockServer

    class Sum(BaseModel):
        total: int

    seen: list[object] = []
    with MockServer() as server:
        server.settings.fault_plan = lambda request: seen.append(request.json)
        llm = lc(endpoint_url=server.url, max_retries=0)
        out = llm.with_structured_output(Sum, method="json_schema", include_raw=True).invoke("?")
    assert out["parsed"] == Sum(total=1)
    assert out["raw"].tool_calls[0]["name"] == "Sum"
    body = seen[0]
    assert isinstance(body, dict) and [t["name"] for t in body["tools"]] == ["Sum"]
    assert body["tool_choice"] == {"type": "tool", "name": "Sum"}


def test_the_models_cache_control_goes_at_the_top_only_a_calls_on_the_last_block() -> None:
    """langchain-aws's ChatBedrock sends its `model_kwargs` as the body's top-level
    fields (a `cache_control` there too) and puts only a call's `cache_control` on the
    last content block: the same bodies, sync, async and streamed, side by side."""
    import asyncio
    import warnings

    from chatplex.testing import MockRequest
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_aws").ChatBedrock
    seen: list[MockRequest] = []
    ttl = {"type": "ephemeral", "ttl": "1h"}

    def bodies(cls: type, url: str) -> list[object]:
        start = len(seen)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (construction's, not what is compared)
            model = cls(model_id=MODEL, region_name="us-east-1", endpoint_url=url, **KEYS)
            kept = cls(
                model_id=MODEL,
                region_name="us-east-1",
                endpoint_url=url,
                model_kwargs={"cache_control": ttl},
                **KEYS,
            )
        kept.invoke("hi")
        list(kept.stream("hi", cache_control={"type": "ephemeral"}))
        asyncio.run(kept.ainvoke("hi", cache_control={"type": "ephemeral"}))
        model.invoke("hi", cache_control={"type": "ephemeral"})
        return [r.json for r in seen[start:]]

    import chatplex.langchain

    with MockServer(fault_plan=lambda request: seen.append(request) and None) as server:
        ours = bodies(chatplex.langchain.ChatBedrock, server.url)
        assert ours == bodies(partner, server.url)
    assert [b.get("cache_control") for b in ours] == [ttl, ttl, ttl, None]  # type: ignore[union-attr]
    assert ours[0]["messages"] == [{"role": "user", "content": "hi"}]  # type: ignore[index]
    marked = [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]
    assert ours[1]["messages"][0]["content"] == marked  # type: ignore[index]


@pytest.mark.parametrize("model", [MODEL, "us.amazon.nova-2-lite-v1:0"])
def test_reasoning_effort_is_chatbedrockconverses_not_its_own(model: str) -> None:
    """langchain-aws's ChatBedrock has no `reasoning_effort`: it keeps it in model_kwargs,
    sent raw in the InvokeModel body or dropped over Converse. Unknown here, in both
    modes, as any other keyword it has no field for; None is no effort."""
    with pytest.raises(TypeError, match="'reasoning_effort'; ChatBedrockConverse"):
        make(model, reasoning_effort="low")
    assert make(model, reasoning_effort=None).model == model


def test_the_key_maps_and_tools_prompt_are_held_and_handed_to_the_adapter() -> None:
    """langchain-aws's three fields: held as given (its defaults when not), on Converse
    too; the stop key map's changed entries and the tools prompt on the InvokeModel
    adapter (a dropped entry as None); values its pydantic fields refuse, refused (a
    tools prompt of None taken: the field holds it after an assignment)."""
    from chatplex.providers.bedrock.dropin_record import STOP_REASON_KEYS
    from chatplex.providers.bedrock.dropin_record import STOP_SEQUENCE_KEYS

    plain = lc()
    assert plain.provider_stop_sequence_key_name_map == STOP_SEQUENCE_KEYS
    assert plain.provider_stop_reason_key_map == STOP_REASON_KEYS
    assert plain.system_prompt_with_tools == ""
    assert plain.chatplex_model.adapter.stream_stop_keys == {}
    keys = {**STOP_SEQUENCE_KEYS, "deepseek": "stop", "mistral": "stop"}
    del keys["anthropic"]
    model = lc(provider_stop_sequence_key_name_map=keys, system_prompt_with_tools="Tools.")
    assert model.provider_stop_sequence_key_name_map == keys
    adapter = model.chatplex_model.adapter
    assert isinstance(adapter, BedrockInvokeAdapter)
    assert adapter.stream_stop_keys == {"deepseek": "stop", "mistral": "stop", "anthropic": None}
    assert adapter.system_prompt_with_tools == "Tools."
    nova = lc(
        "amazon.nova-lite-v1:0", provider_stop_reason_key_map={}, system_prompt_with_tools="T"
    )
    assert nova.provider_stop_reason_key_map == {} and nova.system_prompt_with_tools == "T"
    for name, value in (
        ("provider_stop_sequence_key_name_map", None),
        ("provider_stop_reason_key_map", {"anthropic": 1}),
        ("system_prompt_with_tools", ["Tools."]),
    ):
        with pytest.raises(TypeError, match=name):
            make(**{name: value})
    # None: what the LangChain class's field holds once assigned it (its constructor
    # refuses it, as its pydantic field does): held, and no prompt sent.
    unset = lc()
    unset.system_prompt_with_tools = None
    assert unset.system_prompt_with_tools is None
    assert "system" not in unset.chatplex_model.build_request("Hi").json
    assert "system" not in make(system_prompt_with_tools=None).build_request("Hi").json


def test_bedrock_parts_are_its_constructor_as_a_function() -> None:
    """`bedrock_parts`: the adapter (holding langchain-aws's fields as its validators
    leave them), the model id and ChatModel's settings, for each API, refused as the
    constructor refuses."""
    given = {"model": MODEL, "region_name": "us-east-1", **KEYS, "temperature": 0.3}
    guardrails = {"guardrailIdentifier": "g", "guardrailVersion": "1", "trace": True}
    adapter, name, chosen = invoke_dropin.bedrock_parts(
        "ChatBedrock", {**given, "guardrails": guardrails, "model_kwargs": {"max_tokens": 9}}, ()
    )
    assert type(adapter) is BedrockInvokeAdapter and name == MODEL
    assert adapter._headers["x-amzn-bedrock-guardrailidentifier"] == "g"
    held = adapter.chat_bedrock
    assert held is not None
    assert (chosen["temperature"], chosen["max_tokens"], held.max_tokens) == (0.3, 9, 9)
    assert (held.converse, held.guardrails, held.model_kwargs) == (False, guardrails, {})
    adapter, name, chosen = invoke_dropin.bedrock_parts(
        "ChatBedrock", {**given, "model": "amazon.nova-lite-v1:0", "stop_sequences": ["x"]}, ()
    )
    assert type(adapter) is BedrockAdapter and adapter.chat_bedrock is not None
    assert adapter.chat_bedrock.converse is True
    assert chosen["stop"] == ["x"]
    with pytest.raises(SettingRefused, match="is a Converse parameter"):
        invoke_dropin.bedrock_parts("ChatBedrock", {**given, "system": ["s"]}, ())
