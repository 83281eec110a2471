"""The OpenAI-compatible drop-ins (`providers/compatible/dropin.py`): LangChain's constructor
parameters and aliases per class, refused settings, unknown keywords, the body
parameters they send, and a call over the mock server, sync and async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

import chatplex
import chatplex.langchain
from chatplex import init_chat_model
from chatplex.adapters.request_types import CallSettings
from chatplex.chat.model import ChatModel
from chatplex.messages import HumanMessage
from chatplex.providers.compatible.adapter import CompatibleAdapter
from chatplex.providers.compatible.dropin import owner_of
from chatplex.providers.compatible.dropin import preset_record_of
from chatplex.providers.compatible.spec import DROPINS
from chatplex.providers.compatible.spec import PROFILES
from chatplex.specs import spec
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest
from tests._dropins import chat_model
from tests._replies import chat_completion
from tests._warns import warns_nothing
from tests.providers.compatible._served import Recorder
from tests.providers.compatible._served import recorded_server
from tests.providers.compatible._served import without_preset_variables


class Preset:
    """A preset's class as these tests build it: its record's `build` (`PartnerClass.build`)
    of the keywords given, as its LangChain class builds its model."""

    def __init__(self, provider: str) -> None:
        self.provider, self.row, self.record = (
            provider,
            DROPINS[provider],
            preset_record_of(provider),
        )
        self.name = owner_of(self.row)

    def __call__(self, **keywords: Any) -> ChatModel:
        assert self.record.build is not None  # (every preset's)
        return self.record.build(keywords)

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Preset) and other.provider == self.provider

    def __hash__(self) -> int:
        return hash(self.provider)


ChatGroq, ChatFireworks, ChatMistralAI = Preset("groq"), Preset("fireworks"), Preset("mistralai")
ChatOpenRouter, ChatPerplexity = Preset("openrouter"), Preset("perplexity")
ChatTogether, ChatXAI = Preset("together"), Preset("xai")
#: Every declared drop-in, those made from a `DROPINS` row alone too (a new preset's
#: class is tested here without a line of its own).
CLASSES = sorted((Preset(name) for name in DROPINS), key=lambda cls: cls.name)
#: LangChain's own spelling of the key and base URL, per class (from its source).
KEY_ALIAS = {
    "ChatGroq": "groq_api_key",
    "ChatXAI": "xai_api_key",
    "ChatMistralAI": "mistral_api_key",
    "ChatFireworks": "fireworks_api_key",
    "ChatTogether": "together_api_key",
    "ChatPerplexity": "pplx_api_key",
    "ChatCerebras": "cerebras_api_key",
    "ChatOpenRouter": "openrouter_api_key",
}
BASE_ALIAS = {
    "ChatGroq": "groq_api_base",
    "ChatDeepSeek": "api_base",
    "ChatXAI": "xai_api_base",
    "ChatMistralAI": "endpoint",
    "ChatFireworks": "fireworks_api_base",
    "ChatTogether": "together_api_base",
    "ChatCerebras": "cerebras_api_base",
    "ChatOpenRouter": "openrouter_api_base",
}


def _alias(cls: Preset, target: str) -> str | None:
    """The class's own name for `target` ("api_key", "base_url") as its spec declares it."""
    return next((ours for ours, shared in cls.row.aliases.items() if shared == target), None)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[MockServer, Recorder]]:
    yield from recorded_server("drop-in reply")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_preset_variables(monkeypatch, "OPENROUTER_APP_URL", "OPENROUTER_APP_TITLE")


def _body(model: ChatModel) -> dict[str, Any]:
    adapter = model.adapter
    assert isinstance(adapter, CompatibleAdapter)
    return dict(adapter.build_request([HumanMessage("hi")], model._settings({}), stream=False).json)


def test_the_classes_are_langchains_and_exported() -> None:
    names = {cls.name for cls in CLASSES}
    for cls in CLASSES:  # named as the spec names LangChain's class, where it does
        assert spec(cls.row.provider).langchain_class in (None, cls.name)  # type: ignore[union-attr]
    assert names >= {
        "ChatGroq",
        "ChatDeepSeek",
        "ChatXAI",
        "ChatMistralAI",
        "ChatFireworks",
        "ChatTogether",
        "ChatPerplexity",
        "ChatCerebras",
        "ChatOpenRouter",
    }
    for cls in CLASSES:  # its LangChain class's record, built without an engine class
        lc_class = getattr(chatplex.langchain, cls.name)
        assert lc_class._record is cls.record
        assert getattr(chatplex.providers.compatible.dropin, cls.name) is cls.record
        assert cls.row.provider in PROFILES


@pytest.mark.parametrize("cls", CLASSES, ids=repr)
def test_invoke_over_the_mock_sync_and_async(
    cls: Preset, served: tuple[MockServer, Recorder]
) -> None:
    srv, recorder = served
    model = cls(model="m-1", api_key="k-drop", base_url=srv.openai_base_url, temperature=0)
    assert model.get_name() == cls.name and model.model == "m-1"
    assert model.invoke("hi").text == "drop-in reply"
    assert recorder.requests[-1].headers["authorization"] == "Bearer k-drop"
    # As its partner holds it: langchain-groq's validator raises 0 to 1e-8.
    zero = 1e-8 if cls == ChatGroq else 0
    assert recorder.requests[-1].json["temperature"] == zero  # type: ignore[index]
    reply = asyncio.run(model.ainvoke("hi"))
    assert reply.text == "drop-in reply" and reply.usage_metadata is not None


def test_mistrals_stream_usage_is_langchains_warning_and_not_sent(
    served: tuple[MockServer, Recorder],
) -> None:
    # langchain-mistralai has no such field: LangChain warns; it then sends it in the
    # body, which Mistral refuses (kept out, tests/partners/compatible). A stream keeps
    # the usage Mistral sends (`stream_usage` stays on), sync and async.
    srv, recorder = served
    before = len(recorder.requests)  # (the server is the module's)
    with pytest.warns(UserWarning, match="stream_usage was transferred to model_kwargs"):
        model = ChatMistralAI(
            model="m-1", api_key="k", base_url=srv.openai_base_url, stream_usage=False
        )
    assert model.stream_usage is True
    assert "".join(c.text for c in model.stream("hi")) == "drop-in reply"

    async def astream() -> str:
        return "".join([c.text async for c in model.astream("hi")])

    assert asyncio.run(astream()) == "drop-in reply"
    sent = recorder.requests[before:]
    assert [("stream_usage" in r.json) for r in sent] == [False, False]  # type: ignore[operator]
    with warns_nothing():  # a class with the field: taken, no warning
        ChatFireworks(model="m-1", api_key="k", base_url=srv.openai_base_url, stream_usage=False)


@pytest.mark.parametrize("cls", [ChatGroq, Preset("sambanova")], ids=repr)
def test_a_stream_usage_its_sdk_refuses_is_warned_of_and_taken(
    cls: Preset, served: tuple[MockServer, Recorder]
) -> None:
    # langchain-groq and -sambanova have no such field: LangChain's warning (in their
    # own copy's words), then their SDK refuses it (kept, tests/partners/compatible):
    # here taken as langchain-openai takes it, sync and async.
    srv, _ = served
    assert cls.row.stream_usage_moved == "taken"
    for given in (True, False):
        with pytest.warns(UserWarning, match="stream_usage was transferred to model_kw") as seen:
            model = cls(model="m-1", api_key="k", base_url=srv.openai_base_url, stream_usage=given)
        assert "\n" + " " * 20 + "stream_usage was" in str(seen[0].message)  # its indent
        assert model.stream_usage is given
        assert "".join(c.text for c in model.stream("hi")) == "drop-in reply"

        async def astream(model: ChatModel = model) -> str:
            return "".join([c.text async for c in model.astream("hi")])

        assert asyncio.run(astream()) == "drop-in reply"
    with warns_nothing():  # not given: no warning
        cls(model="m-1", api_key="k", base_url=srv.openai_base_url)


def test_perplexity_logs_a_moved_stream_usage(caplog: pytest.LogCaptureFixture) -> None:
    with warns_nothing():  # logged, as langchain-perplexity does, not warned
        model = ChatPerplexity(api_key="k", stream_usage=True)
    assert model.stream_usage is True
    [record] = [r for r in caplog.records if r.name == "langchain_perplexity.chat_models"]
    assert record.levelname == "WARNING"
    assert record.getMessage().startswith("WARNING! stream_usage is not a default parameter.")


@pytest.mark.parametrize("cls", CLASSES, ids=repr)
def test_the_key_and_base_url_aliases(cls: Preset, served: tuple[MockServer, Recorder]) -> None:
    srv, recorder = served
    name = cls.name
    settings: dict[str, Any] = {"model": "m"}
    key_alias, base_alias = _alias(cls, "api_key"), _alias(cls, "base_url")
    # The spelling read from LangChain's source is the one the spec declares.
    assert KEY_ALIAS.get(name, key_alias) == key_alias
    assert BASE_ALIAS.get(name, base_alias) == base_alias
    settings[key_alias or "api_key"] = "k-alias"
    settings[base_alias or "base_url"] = srv.openai_base_url
    cls(**settings).invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == "Bearer k-alias"
    if key_alias:
        with pytest.raises(TypeError, match="pass one of them"):
            cls(model="m", api_key="a", **{key_alias: "b"})
    if base_alias:
        with pytest.raises(TypeError, match="pass one of them"):
            cls(model="m", api_key="a", base_url="http://x/v1", **{base_alias: "http://y/v1"})


@pytest.mark.parametrize("cls", CLASSES, ids=repr)
def test_an_unknown_keyword_is_a_type_error_with_a_suggestion(cls: Preset) -> None:
    with pytest.raises(
        TypeError, match=r"unexpected keyword argument 'temprature' .*'temperature'"
    ):
        cls(model="m", api_key="k", temprature=0)
    with pytest.raises(TypeError, match=r"'zzz_unheard_of'"):
        cls(model="m", api_key="k", zzz_unheard_of=1)


@pytest.mark.parametrize("cls", CLASSES, ids=repr)
def test_refused_settings_say_why(cls: Preset) -> None:
    with pytest.raises(TypeError, match=r"client=\.\.\.\) is not supported: chatplex sends"):
        cls(model="m", api_key="k", client=object())
    with pytest.raises(TypeError, match="custom_get_token_ids"):
        cls(model="m", api_key="k", custom_get_token_ids=len)


def test_a_setting_its_class_ignores_warns_and_is_never_sent() -> None:
    # langchain-xai takes the retired Live Search's `search_parameters`, warns and sends
    # nothing; so does the drop-in (it raised before).
    xai = Preset("xai")
    with pytest.warns(DeprecationWarning, match=r"search_parameters \(Live Search\) is dep"):
        model = xai(model="grok-4", api_key="k", search_parameters={"mode": "auto"})
    assert "search_parameters" not in _body(model)
    with warns_nothing():
        xai(model="grok-4", api_key="k", search_parameters=None)


def test_a_call_names_the_presets_own_body_settings_as_its_partner_takes_them() -> None:
    # langchain-groq sends a call's `reasoning_format` (its groq SDK names it); the drop-in
    # refused it as no parameter of the Chat Completions API.
    model = ChatGroq(model="m", api_key="k", reasoning_format="parsed")
    adapter = model.adapter
    assert isinstance(adapter, CompatibleAdapter)
    assert {"reasoning_format", "reasoning_effort", "service_tier"} <= adapter.call_body_fields
    settings = model._settings({"reasoning_format": "hidden"})
    sent = adapter.build_request([HumanMessage("hi")], settings, stream=False).json
    assert sent["reasoning_format"] == "hidden"
    with pytest.raises(TypeError, match="'reasoning_formt'"):
        model._settings({"reasoning_formt": "hidden"})


@pytest.mark.parametrize(
    ("name", "keywords"),
    [
        ("groq", {"include_reasoning": False, "search_settings": {"include_images": True}}),
        ("sambanova", {"chat_template_kwargs": {"enable_thinking": False}, "do_sample": True}),
        ("fireworks", {"top_k": 5, "repetition_penalty": 1.1}),
    ],
)
def test_a_call_keyword_its_partners_sdk_sends_in_the_body_is_sent_as_given(
    name: str, keywords: dict[str, Any]
) -> None:
    """langchain-groq, -sambanova and -fireworks hand every call keyword to their SDK's
    `create()`, which sends the body fields it names: per call or bound, sync, async and
    streamed, the same bodies as the partner's, where the drop-in raised TypeError; a
    keyword that SDK does not take stays its TypeError."""
    ours_cls = Preset(name)
    partner = getattr(pytest.importorskip(f"langchain_{name}"), ours_cls.name)
    seen: list[MockRequest] = []

    def bodies(cls: Any, url: str) -> list[Any]:
        start = len(seen)
        model = cls(model="m", api_key="k", base_url=url, max_retries=0)
        model.invoke("hi", **keywords)
        list(model.bind(**keywords).stream("hi"))
        asyncio.run(model.ainvoke("hi", **keywords))
        with pytest.raises(TypeError, match="unexpected keyword argument 'no_such_field'"):
            model.invoke("hi", no_such_field=1)
        return [r.json for r in seen[start:]]

    with MockServer(fault_plan=lambda request: seen.append(request) and None) as server:
        ours = bodies(ours_cls, f"{server.url}/{name}")
        assert ours == bodies(partner, f"{server.url}/{name}")
    assert len(ours) == 3
    assert all(keywords.items() <= body.items() for body in ours)


def test_chat_completions_parameters_are_taken_and_checked() -> None:
    # seed is no field of langchain-groq's: moved into model_kwargs with its warning
    with pytest.warns(UserWarning, match="seed is not default parameter"):
        model = ChatGroq(model="m", api_key="k", seed=3, reasoning_effort="low")
    assert {"seed": 3, "reasoning_effort": "low"}.items() <= _body(model).items()
    with pytest.warns(UserWarning, match="seed is not default parameter"):
        shown = chatplex.langchain.ChatGroq(model="m", api_key="k", seed=3).model_kwargs
    assert shown == {"seed": 3}  # where langchain-groq shows it
    with (
        pytest.warns(UserWarning, match="logprobs is not default parameter"),
        pytest.raises(ValueError, match="ChatGroq: Groq does not accept 'logprobs'"),
    ):
        ChatGroq(model="m", api_key="k", logprobs=True)
    # None is no value (a script's unset option), as langchain-groq holds and sends it
    with pytest.warns(UserWarning, match="logprobs is not default parameter"):
        unset = chatplex.langchain.ChatGroq(model="m", api_key="k", logprobs=None)
    assert unset.model_kwargs == {"logprobs": None}


def test_langchains_defaults_are_sent() -> None:
    groq = ChatGroq(model="m", api_key="k")
    assert _body(groq)["temperature"] == 0.7
    # langchain-groq's validator raises a temperature of 0 to 1e-8, and sends that (what
    # Groq turns 0 into, console.groq.com/docs/openai); the others send 0.
    assert _body(ChatGroq(model="m", api_key="k", temperature=0))["temperature"] == 1e-8
    assert _body(ChatMistralAI(api_key="k", temperature=0))["temperature"] == 0
    mistral = ChatMistralAI(api_key="k")
    assert mistral.model == "mistral-small" and mistral.max_retries == 5 and mistral.timeout == 120
    assert ChatPerplexity(api_key="k").model == "sonar"
    assert ChatXAI(api_key="k").model == "grok-4"
    with pytest.raises(TypeError, match="ChatGroq needs model"):
        ChatGroq(api_key="k")


def test_provider_body_fields() -> None:
    groq = ChatGroq(model="m", api_key="k", reasoning_format="parsed")
    assert _body(groq)["reasoning_format"] == "parsed"
    mistral = ChatMistralAI(api_key="k", random_seed=5, safe_mode=True)
    body = _body(mistral)
    assert body["random_seed"] == 5 and body["safe_prompt"] is True
    pplx = ChatPerplexity(api_key="k", search_mode="academic", return_images=False)
    body = _body(pplx)
    assert body["search_mode"] == "academic" and "return_images" not in body  # False: not sent
    router = ChatOpenRouter(
        model="m", api_key="k", openrouter_provider={"order": ["x"]}, reasoning={"effort": "low"}
    )
    body = _body(router)
    assert body["provider"] == {"order": ["x"]} and body["reasoning"] == {"effort": "low"}


def test_openrouter_attribution_defaults_to_langchain_s_as_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """langchain-openrouter's `app_url` / `app_title` defaults: its variables, else
    LangChain's own; None or empty sends none (side by side: the partners' suite)."""

    def attribution(**given: Any) -> dict[str, str]:
        adapter = ChatOpenRouter(model="m", api_key="k", **given).adapter
        assert isinstance(adapter, CompatibleAdapter)
        headers = adapter.build_request([HumanMessage("x")], CallSettings(model="m"), stream=False)
        return {k: v for k, v in headers.headers.items() if k in ("HTTP-Referer", "X-Title")}

    langchain = {"HTTP-Referer": "https://docs.langchain.com", "X-Title": "LangChain"}
    assert attribution() == langchain
    assert attribution(app_url=None, app_title="") == {}
    monkeypatch.setenv("OPENROUTER_APP_URL", "https://env.example")
    monkeypatch.setenv("OPENROUTER_APP_TITLE", "")
    assert attribution() == {"HTTP-Referer": "https://env.example"}
    assert attribution(app_url=None) == {}
    # chatplex's own family attributes nothing unless set
    own = init_chat_model("openrouter:m", api_key="k").build_request("hi").headers
    assert own.get("HTTP-Referer") == "https://env.example" and "X-Title" not in own
    assert (
        "HTTP-Referer"
        not in init_chat_model("openrouter:m", api_key="k", app_url="").build_request("hi").headers
    )


def test_openrouter_attribution_from_the_constructor() -> None:
    router = ChatOpenRouter(model="m", api_key="k", app_url="https://me.example", app_title="Me")
    adapter = router.adapter
    assert isinstance(adapter, CompatibleAdapter)
    headers = adapter.build_request([HumanMessage("x")], CallSettings(model="m"), stream=False)
    assert headers.headers["HTTP-Referer"] == "https://me.example"
    assert headers.headers["X-Title"] == "Me"


@pytest.mark.parametrize(
    ("provider", "why"),
    [
        ("deepseek", "DeepSeek serves no Responses API"),
        ("nebius", "langchain-nebius builds no client for the Responses API"),
        ("cerebras", "Cerebras serves no Responses API"),
    ],
)
def test_responses_fields_refused_where_the_class_cannot_go_there(provider: str, why: str) -> None:
    """langchain-openai's Responses API fields, on a BaseChatOpenAI whose partner raises or
    is rejected there: a value choosing that API refused with why, None and False taken."""
    cls = Preset(provider)
    chosen = {"use_responses_api": True, "use_previous_response_id": True, "reasoning": {}}
    for name, value in {**chosen, "include": [], "truncation": "auto"}.items():
        with pytest.raises(TypeError, match=rf"\({name}=\.\.\.\) is not supported: {why}"):
            cls(model="m", api_key="k", **{name: value})
    with pytest.raises(TypeError, match=r"\(reasoning=\.\.\.\) is not supported"):
        cls(model="m", api_key="k", use_responses_api=False, reasoning={"effort": "low"})
    unchosen = {"use_responses_api": False, "use_previous_response_id": False, "reasoning": None}
    model = cls(model="m", api_key="k", include=None, context_management=None, **unchosen)
    assert "reasoning" not in _body(model) and "include" not in _body(model)


def test_perplexity_refuses_its_responses_api_switch() -> None:
    with pytest.raises(TypeError, match="use_responses_api"):
        ChatPerplexity(api_key="k", use_responses_api=True)
    assert ChatPerplexity(api_key="k", use_responses_api=None).model == "sonar"


#: The presets whose partner, a BaseChatOpenAI, switches to the Responses API, which
#: their provider serves at the same base URL (xAI's and Together's /v1/responses).
RESPONSES_SERVED = [ChatXAI, ChatTogether]


@pytest.mark.parametrize("cls", RESPONSES_SERVED, ids=repr)
@pytest.mark.parametrize(
    "switch",
    [{"reasoning": {"effort": "low"}}, {"use_responses_api": True}],
    ids=["reasoning", "use_responses_api"],
)
def test_a_responses_switch_sends_responses_requests_over_the_presets_connection(
    cls: Preset, switch: dict[str, Any], served: tuple[MockServer, Recorder]
) -> None:
    # As langchain-openai's BaseChatOpenAI under ChatXAI / ChatTogether: POST /responses
    # with `input` (and the `reasoning` given), the same key; its reply read as there.
    srv, recorder = served
    model = cls(model="m-1", api_key="k-resp", base_url=srv.openai_base_url, **switch)
    assert model.provider == "openai_responses" and model.provider_label == cls.row.provider
    before = len(recorder.requests)
    reply = model.invoke("hi")
    assert reply.text == "drop-in reply" and reply.response_metadata["object"] == "response"
    assert asyncio.run(model.ainvoke("hi")).text == "drop-in reply"
    assert "".join(chunk.text for chunk in model.stream("hi")) == "drop-in reply"
    sent = recorder.requests[before:]
    assert [r.path for r in sent] == ["/v1/responses"] * 3
    assert {r.headers["authorization"] for r in sent} == {"Bearer k-resp"}
    body = sent[0].json or {}
    assert [(i["role"], i["content"]) for i in body["input"]] == [("user", "hi")]
    assert "messages" not in body
    assert body.get("reasoning") == switch.get("reasoning")


@pytest.mark.parametrize("cls", RESPONSES_SERVED, ids=repr)
def test_a_calls_max_tokens_replaces_the_constructors_on_the_responses_api(
    cls: Preset, served: tuple[MockServer, Recorder]
) -> None:
    # A BaseChatOpenAI's payload holds the constructor's max_tokens under that name,
    # which the call's replaces (ChatOpenAI's own renames it past the call's: there the
    # constructor's wins, tests/providers/openai/test_choices.py).
    srv, recorder = served
    model = cls(model="m", api_key="k", base_url=srv.openai_base_url, max_tokens=16, reasoning={})
    model.invoke("hi", max_tokens=42)
    assert asyncio.run(model.ainvoke("hi")).text == "drop-in reply"
    assert [r.json["max_output_tokens"] for r in recorder.requests[-2:]] == [42, 16]  # type: ignore[index]


@pytest.mark.parametrize("cls", RESPONSES_SERVED, ids=repr)
def test_the_responses_api_goes_to_the_presets_own_host(cls: Preset) -> None:
    model = cls(model="m-1", api_key="k", reasoning={"effort": "low"})
    request = model.adapter.build_request([HumanMessage("hi")], model._settings({}), stream=False)  # type: ignore[union-attr]
    assert request.url == f"{PROFILES[cls.row.provider].base_url}/responses"
    # Chat Completions settings the Responses API has no parameter for are refused.
    with pytest.raises(TypeError, match="'seed'"):
        cls(model="m-1", api_key="k", reasoning={"effort": "low"}, seed=7)
    # Held on Chat Completions, a Responses setting is refused before any call.
    with pytest.raises(ValueError, match="reasoning is a Responses API setting"):
        cls(model="m-1", api_key="k", use_responses_api=False, reasoning={"effort": "low"})
    assert cls(model="m-1", api_key="k", use_responses_api=False).provider == "openai"


def test_a_preset_whose_partner_has_no_responses_fields_does_not_know_them() -> None:
    # langchain-groq has no such field (a BaseChatOpenAI's are refused: above).
    with pytest.raises(TypeError, match="unexpected keyword argument 'reasoning'"):
        ChatGroq(model="m-1", api_key="k", reasoning={"effort": "low"})


def test_init_chat_model_takes_the_same_body_fields() -> None:
    model = init_chat_model("groq:m", api_key="k", reasoning_format="hidden")
    assert model.extra_body == {"reasoning_format": "hidden"}


def test_the_environment_key_and_base_url_as_langchain_reads_them(
    monkeypatch: pytest.MonkeyPatch, served: tuple[MockServer, Recorder]
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    srv, recorder = served
    monkeypatch.setenv("GROQ_API_KEY", "gsk-env")
    monkeypatch.setenv("GROQ_API_BASE", srv.openai_base_url)
    # (its class's field reads its base URL variable: its record's build is handed the
    # value, and reads only its SDK's where none is: `DropIn.unset_base_variables`)
    chatplex.langchain.ChatGroq(model="m").invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == "Bearer gsk-env"
    monkeypatch.delenv("GROQ_API_BASE")
    ChatGroq(model="m", base_url=srv.openai_base_url).invoke("hi")
    assert "authorization" not in recorder.requests[-1].headers  # code's base_url: no env key


def test_init_chat_model_takes_the_classes_own_names_for_key_and_base_url(
    served: tuple[MockServer, Recorder],
) -> None:
    srv, recorder = served
    init_chat_model(
        "mistralai:m", mistral_api_key="k-mistral", endpoint=srv.openai_base_url
    ).invoke("hi")
    assert recorder.requests[-1].headers["authorization"] == "Bearer k-mistral"
    with pytest.raises(TypeError, match="pass one of them"):
        init_chat_model("groq:m", api_key="a", groq_api_key="b")


def test_docstring_examples() -> None:
    import doctest

    import chatplex.providers.compatible.dropin as module

    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


#: A reply's usage: a token each way.
_USAGE = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}


@respx.mock(assert_all_called=True)
def test_mistral_sends_its_own_names_on_the_wire(respx_mock: Any) -> None:
    reply = chat_completion("ok", id="74b5a048", model="mistral-small", usage=_USAGE)
    route = respx_mock.post("https://api.mistral.ai/v1/chat/completions").mock(
        return_value=httpx.Response(200, json=reply)
    )
    with pytest.warns(UserWarning, match="seed is not default parameter"):  # as its partner
        model = ChatMistralAI(mistral_api_key="k-m", random_seed=4, safe_mode=True, seed=None)
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    assert model.bind_tools([tool], tool_choice="required").invoke("hi").text == "ok"
    sent = json.loads(route.calls.last.request.content)
    assert sent["random_seed"] == 4 and sent["safe_prompt"] is True and "seed" not in sent
    assert sent["tool_choice"] == "required" and sent["temperature"] == 0.7
    assert "stream_options" not in sent
    assert route.calls.last.request.headers["authorization"] == "Bearer k-m"


def test_a_calls_top_p_replaces_mistrals_default(respx_mock: Any) -> None:
    # langchain-mistralai sends its top_p 1 unless the call gives one: the call's wins.
    reply = chat_completion("ok", id="74b5a048", model="mistral-small")
    route = respx_mock.post("https://api.mistral.ai/v1/chat/completions").mock(
        return_value=httpx.Response(200, json=reply)
    )
    model = ChatMistralAI(mistral_api_key="k-m")
    model.invoke("hi")
    assert json.loads(route.calls.last.request.content)["top_p"] == 1
    model.invoke("hi", top_p=0.9)
    assert json.loads(route.calls.last.request.content)["top_p"] == 0.9
    asyncio.run(model.bind(top_p=0.4).ainvoke("hi"))
    assert json.loads(route.calls.last.request.content)["top_p"] == 0.4


#: The classes with no `max_completion_tokens` field (every one but langchain-openai's
#: ChatOpenAI has it, as `max_tokens`' alias), and those that take it as that alias.
MOVING = [cls for cls in CLASSES if "max_completion_tokens" in cls.row.moved]
ALIASING = [cls for cls in CLASSES if cls not in MOVING]


def test_the_partners_without_the_field_move_max_completion_tokens() -> None:
    moving = {cls.name for cls in MOVING}
    assert moving >= {"ChatGroq", "ChatXAI", "ChatDeepSeek", "ChatTogether", "ChatMistralAI"}
    assert moving >= {"ChatFireworks", "ChatNebius", "ChatSambaNova", "ChatCerebras"}
    # (langchain-perplexity moves it too, then its SDK refuses it at every call)
    assert ChatPerplexity in ALIASING


@pytest.mark.parametrize("cls", MOVING, ids=repr)
def test_max_completion_tokens_goes_to_model_kwargs_with_langchains_warning(
    cls: Preset, served: tuple[MockServer, Recorder]
) -> None:
    srv, recorder = served
    base = {"model": "m", "api_key": "k", "base_url": srv.openai_base_url}
    with pytest.warns(UserWarning, match="max_completion_tokens was transferred to model_kwarg"):
        model = cls(**base, max_completion_tokens=7, max_tokens=3)
    assert model.max_tokens == 3  # its own field, beside the moved one
    before = len(recorder.requests)
    model.invoke("hi")
    asyncio.run(model.ainvoke("hi"))
    sent = [r.json for r in recorder.requests[before:]]
    assert [(b["max_completion_tokens"], b["max_tokens"]) for b in sent] == [(7, 3)] * 2  # type: ignore[index]
    with pytest.raises(ValueError, match="Found max_completion_tokens supplied twice"):
        cls(**base, max_completion_tokens=7, model_kwargs={"max_completion_tokens": 8})


@pytest.mark.parametrize("cls", ALIASING, ids=repr)
def test_max_completion_tokens_is_max_tokens(cls: Preset) -> None:
    assert cls(model="m", api_key="k", max_completion_tokens=7).max_tokens == 7
    assert cls(model="m", api_key="k").max_tokens == cls.row.max_tokens  # LangChain's
    with pytest.raises(TypeError, match="pass one of them"):
        cls(model="m", api_key="k", max_tokens=1, max_completion_tokens=2)


def test_a_preset_declared_only_as_data_gets_its_record(monkeypatch: pytest.MonkeyPatch) -> None:
    import chatplex.providers.compatible.dropin as module
    from chatplex.providers.compatible.preset import DropIn
    from chatplex.providers.compatible.spec import SPECS
    from chatplex.specs import ProviderSpec

    row = ProviderSpec("vllm", "x:y", langchain_class="ChatVLLM")
    monkeypatch.setattr(module, "SPECS", (*SPECS, row))
    monkeypatch.setitem(module.DROPINS, "vllm", DropIn("vllm", default_model="m"))
    monkeypatch.setattr(module, "RECORDS", dict(module.RECORDS))
    record = module.ChatVLLM
    assert record is module.RECORDS["vllm"] and record.build is not None
    model = record.build({"base_url": "http://localhost:8000/v1"})
    assert model.model == "m" and model.get_name() == "ChatVLLM"
    with pytest.raises(AttributeError):
        module.ChatNoSuch  # noqa: B018


def test_a_kept_tool_choice_keyword_is_sent_as_given() -> None:
    def tool(x: int) -> int:
        """Echo."""
        return x

    # (its LangChain class's model: its partner's ways of binding, `PartnerCalls`)
    mistral = chat_model("ChatMistralAI", api_key="k")
    bound = mistral.bind_tools([tool], tool_choice="any")
    assert _body(bound)["tool_choice"] == "any"  # langchain-mistralai sends it as is
    assert _body(mistral.bind_tools([tool], tool_choice="required"))["tool_choice"] == "required"
    # A later binding decides: the earlier kept keyword does not linger.
    assert _body(bound.bind_tools([tool], tool_choice="auto"))["tool_choice"] == "auto"
    assert "tool_choice" not in _body(bound.bind_tools([tool]))
    # Other presets send Chat Completions' keyword, as their packages do.
    groq = chat_model("ChatGroq", model="m", api_key="k")
    assert _body(groq.bind_tools([tool], tool_choice="any"))["tool_choice"] == "required"
    # Fireworks takes "any" too, and langchain-fireworks sends it as given (issue 47).
    fireworks = chat_model("ChatFireworks", model="m", api_key="k")
    assert _body(fireworks.bind_tools([tool], tool_choice="any"))["tool_choice"] == "any"


@respx.mock(assert_all_called=True)
def test_a_preset_only_chatplex_names_reaches_its_host_with_its_key(
    respx_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ChatHyperbolic: a row in spec.PRESETS and its export, no LangChain partner class.
    reply = chat_completion(
        "ok", id="hb-1", model="meta-llama/Llama-3.3-70B-Instruct", usage=_USAGE
    )
    route = respx_mock.post("https://api.hyperbolic.xyz/v1/chat/completions").mock(
        return_value=httpx.Response(200, json=reply)
    )
    monkeypatch.setenv("HYPERBOLIC_API_KEY", "hb-env")
    model = Preset("hyperbolic")(model="meta-llama/Llama-3.3-70B-Instruct")
    assert model.get_name() == "ChatHyperbolic" and model.invoke("hi").text == "ok"
    assert asyncio.run(model.ainvoke("hi")).text == "ok"
    assert route.call_count == 2
    assert all(call.request.headers["authorization"] == "Bearer hb-env" for call in route.calls)
    assert spec("hyperbolic").langchain_init is False  # type: ignore[union-attr]
    with pytest.raises(TypeError, match="model="):
        Preset("hyperbolic")()


_WEATHER = {
    "name": "weather",
    "description": "The weather at a place.",
    "parameters": {"type": "object", "properties": {"place": {"type": "string"}}},
}


def test_groq_sends_langchain_groqs_unset_fields_as_null(
    served: tuple[MockServer, Recorder],
) -> None:
    """langchain-groq's `_default_params` puts `stop`, `reasoning_format` and
    `reasoning_effort` in every body, null when unset: the same body, sync and async,
    plain, with tools and streamed; a value given (at construction or per call) wins."""
    partner = pytest.importorskip("langchain_groq").ChatGroq
    srv, recorder = served

    def bodies(cls: Any, **given: Any) -> list[Any]:
        model = cls(model="m", api_key="k", base_url=srv.openai_base_url, **given)
        start = len(recorder.requests)
        model.invoke("hi")
        model.bind_tools([_WEATHER]).invoke("hi")
        list(model.stream("hi", stop=["X"]))
        asyncio.run(model.ainvoke("hi"))
        return [r.json for r in recorder.requests[start:]]

    ours = bodies(ChatGroq)
    assert ours == bodies(partner)
    assert [(b["stop"], b["reasoning_format"], b["reasoning_effort"]) for b in ours] == [
        (None, None, None),
        (None, None, None),
        (["X"], None, None),
        (None, None, None),
    ]
    given = {"stop": ["END"], "reasoning_format": "parsed", "reasoning_effort": "low"}
    assert bodies(ChatGroq, **given) == bodies(partner, **given)
    # Another preset's partner sends no such nulls.
    assert "stop" not in _body(ChatMistralAI(api_key="k"))


def test_model_kwargs_extra_headers_go_as_the_partners_sdk_sends_them(
    served: tuple[MockServer, Recorder],
) -> None:
    """`model_kwargs={"extra_headers": ...}`: headers where the partner hands them to a
    Stainless SDK's `create()` (langchain-groq), under a call's own; a body field where
    it posts the model_kwargs as JSON itself (langchain-mistralai), as the partners do."""
    srv, recorder = served
    held = {"model_kwargs": {"extra_headers": {"X-Held": "1", "X-Both": "model"}}}
    groq = ChatGroq(model="m", api_key="k", base_url=srv.openai_base_url, **held)
    groq.invoke("hi", extra_headers={"x-both": "call"})
    sent = recorder.requests[-1]
    assert (sent.headers["x-held"], sent.headers["x-both"]) == ("1", "call")
    assert "extra_headers" not in sent.json  # type: ignore[operator]
    mistral = ChatMistralAI(api_key="k", base_url=srv.openai_base_url, **held)
    asyncio.run(mistral.ainvoke("hi"))
    sent = recorder.requests[-1]
    assert "x-held" not in sent.headers and sent.json["extra_headers"]["X-Held"] == "1"  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "given"),
    [("fireworks", {"stop": ["END"]}), ("perplexity", {"max_tokens": 50})],
)
def test_fireworks_and_perplexity_send_their_partners_unset_fields_as_null(
    served: tuple[MockServer, Recorder], name: str, given: dict[str, Any]
) -> None:
    """langchain-fireworks' every body has `stop`, langchain-perplexity's `max_tokens`,
    null when unset (`DropIn.body_nulls`): the same bodies, unset and set, sync and
    streamed, side by side."""
    srv, recorder = served
    partner = {
        "fireworks": ("langchain_fireworks", "ChatFireworks", {"base_url": srv.openai_base_url}),
        "perplexity": ("langchain_perplexity", "ChatPerplexity", {}),
    }
    module, cls_name, where = partner[name]
    theirs_cls = getattr(pytest.importorskip(module), cls_name)
    ours_cls = Preset(name)
    field = next(iter(DROPINS[name].body_nulls))

    def bodies(cls: Any, **settings: Any) -> list[Any]:
        start = len(recorder.requests)
        model = cls(model="m", api_key="k", **where, **settings)
        model.invoke("hi")
        list(model.stream("hi"))
        return [r.json for r in recorder.requests[start:]]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PERPLEXITY_BASE_URL", srv.openai_base_url)  # (its class takes none)
        for settings in ({}, given):
            ours = bodies(ours_cls, **settings)
            assert ours == bodies(theirs_cls, **settings)
            assert all(b[field] == settings.get(field) for b in ours)  # type: ignore[index]


def test_a_base_chat_openai_sends_a_given_n_of_one(respx_mock: Any) -> None:
    # langchain-openai's BaseChatOpenAI (ChatXAI, ChatDeepSeek, ChatTogether, ChatNebius)
    # leaves out only a None `n`: a given 1 is sent, as the partner sends it.
    reply = chat_completion("ok", id="c1", model="m")
    route = respx_mock.post("https://api.together.xyz/v1/chat/completions").mock(
        return_value=httpx.Response(200, json=reply)
    )
    together = Preset("together")
    assert together.row.sends_n_of_one
    together(api_key="k", n=1).invoke("hi")
    assert json.loads(route.calls.last.request.content)["n"] == 1
    asyncio.run(together(api_key="k", n=1).ainvoke("hi"))
    assert json.loads(route.calls.last.request.content)["n"] == 1
    together(api_key="k").invoke("hi")
    assert "n" not in json.loads(route.calls.last.request.content)


def test_the_groq_sdks_own_parameters_are_taken_at_construction_as_per_call() -> None:
    # langchain-groq moves them into model_kwargs (with langchain-core's warning) and
    # hands them to its SDK's create(); they were a TypeError here, taken per call only.
    langchain_groq = pytest.importorskip("langchain_groq")
    given = {"include_reasoning": True, "disable_tool_validation": True}
    with pytest.warns(UserWarning, match="is not default parameter"):
        theirs = langchain_groq.ChatGroq(model="m", api_key="k", **given)
    with pytest.warns(UserWarning, match="is not default parameter"):
        ours = chatplex.langchain.ChatGroq(model="m", api_key="k", **given)
    assert ours.model_kwargs == theirs.model_kwargs == given
    with pytest.warns(UserWarning, match="is not default parameter"):
        engine = ChatGroq(model="m", api_key="k", **given)
    assert given.items() <= _body(engine).items()


def test_fireworks_own_parameters_are_api_parameters_of_chatplexs_own_family() -> None:
    # Its SDK's create() takes them (`FIREWORKS_CREATE`): given when the model is built,
    # they are sent (per call: the test of a call's keywords above); a keyword nobody
    # takes stays a TypeError.
    model = init_chat_model("fireworks:m", api_key="k", top_k=5)
    assert _body(model)["top_k"] == 5
    with pytest.raises(TypeError, match="unexpected keyword argument 'num_ctx'"):
        init_chat_model("fireworks:m", api_key="k", num_ctx=5)
