"""The provider registry (`chat/configuration/registry.py`): "provider:model" names and bare-name
inference, the built-in providers, and third-party adapters through the
`chatplex.adapters` entry points.

A real distribution is faked with a `*.dist-info` folder on `sys.path`, so
`importlib.metadata` finds it exactly as it finds an installed package.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex import init_chat_model
from chatplex import specs
from chatplex.chat.configuration import registry as models
from chatplex.chat.configuration.registry import PROVIDERS
from chatplex.chat.configuration.registry import adapter_settings
from chatplex.chat.configuration.registry import build
from chatplex.chat.configuration.registry import provider_factory
from chatplex.chat.configuration.registry import register_provider
from chatplex.chat.configuration.registry import split_model_name
from tests.chat._model_wire import without_provider_env

# --- names and the built-in providers -----------------------------------------------


def test_init_chat_model_unknown_provider_lists_known_ones() -> None:
    with pytest.raises(ValueError, match="'nope'") as info:
        init_chat_model("nope:some-model")
    text = str(info.value)
    for name in ("openai", "anthropic", "fake"):
        assert name in text
    assert ", ".join(sorted(PROVIDERS)) in text


@pytest.mark.parametrize("name", ["openai:", ":gpt-4o", ":"])
def test_malformed_provider_model_string(name: str) -> None:
    with pytest.raises(ValueError, match="provider:model"):
        init_chat_model(name)


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("gpt-4o-mini", "openai"),
        ("gpt-4.1", "openai"),
        ("o1", "openai"),
        ("o1-mini", "openai"),
        ("o3-mini", "openai"),
        ("o4-mini", "openai"),
        ("chatgpt-4o-latest", "openai"),
        ("claude-sonnet-4-5", "anthropic"),
        ("claude-3-5-haiku-latest", "anthropic"),
        # LangChain's `_attempt_infer_model_provider`, on the lower-cased name.
        ("GPT-4o", "openai"),
        ("text-davinci-003", "openai"),
        ("command-r-plus", "cohere"),
        ("accounts/fireworks/models/llama-v3p1-8b-instruct", "fireworks"),
        ("gemini-2.0-flash", "google_vertexai"),
        ("amazon.nova-pro-v1", "bedrock"),
        ("anthropic.claude-3-haiku", "bedrock"),
        ("meta.llama3-70b", "bedrock"),
        ("mistral-large-latest", "mistralai"),
        ("mixtral-8x7b", "mistralai"),
        ("deepseek-chat", "deepseek"),
        ("grok-4", "xai"),
        ("sonar-pro", "perplexity"),
        ("solar-pro", "upstage"),
    ],
)
def test_bare_name_inference(name: str, provider: str) -> None:
    assert split_model_name(name) == (provider, name)


#: Bare names LangChain infers as a provider chatplex has no wire for (read from the
#: table, so the row a new wire removes leaves this test): (prefix, provider).
_NOT_AVAILABLE = [(prefix + "-x", provider) for prefix, provider in specs._ELSEWHERE]


@pytest.mark.parametrize(("name", "provider"), _NOT_AVAILABLE)
def test_an_inferred_provider_that_is_not_available_is_named(name: str, provider: str) -> None:
    assert provider not in PROVIDERS
    with pytest.raises(ValueError) as info:
        init_chat_model(name)
    text = str(info.value)
    assert f"says {provider!r}" in text and "not available" in text
    assert "'provider:model'" in text


@pytest.mark.parametrize(
    ("name", "provider"),
    [("grok-4", "xai"), ("deepseek-chat", "deepseek"), ("mistral-small", "mistralai")],
)
def test_a_bare_name_builds_its_inferred_preset(name: str, provider: str) -> None:
    model = init_chat_model(name, api_key="k-test")
    assert model.adapter is not None and model.adapter.preset == provider  # type: ignore[attr-defined]
    assert model.model == name


@pytest.mark.parametrize("name", ["llama3", "qwen2.5", ""])
def test_ambiguous_bare_name_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="provider:model") as info:
        init_chat_model(name, responses=["x"])
    assert "fake" in str(info.value) and "openai" in str(info.value)


def test_explicit_provider_keeps_the_rest_of_the_name() -> None:
    assert split_model_name("openai:ft:gpt-4o-mini:org::id") == (
        "openai",
        "ft:gpt-4o-mini:org::id",
    )


@pytest.mark.parametrize(
    ("name", "provider"),
    [("gpt-4o-mini", "openai"), ("o3-mini", "openai"), ("claude-sonnet-4-5", "anthropic")],
)
def test_init_chat_model_bare_name_builds_the_provider(name: str, provider: str) -> None:
    model = init_chat_model(name, api_key="sk-test-not-real", temperature=0)
    assert type(model) is ChatModel
    assert (model.provider, model.model, model.temperature) == (provider, name, 0)
    assert "sk-test-not-real" not in repr(model)


def test_a_built_in_provider_gives_its_adapter_the_adapters_own_settings() -> None:
    model = build(
        "anthropic:claude-test",
        {"api_key": "sk-a", "base_url": "http://127.0.0.1:9/", "temperature": 0},
    )
    assert type(model) is ChatModel and model.provider == "anthropic"
    assert model.adapter is not None and model.adapter.base_url == "http://127.0.0.1:9"  # type: ignore[attr-defined]
    assert model.temperature == 0 and model.extra_body == {}  # nothing leaked into the body


def test_adapter_settings_are_the_built_in_adapters_parameters() -> None:
    names = adapter_settings()
    assert {"api_key", "base_url", "default_headers"} <= names
    assert "temperature" not in names


def test_register_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "PROVIDERS", dict(models.PROVIDERS))
    made: list[tuple[str, dict[str, object]]] = []

    def factory(model: str, **settings: object) -> ChatModel:
        made.append((model, settings))
        return FakeChatModel(model=model)

    register_provider("mine", factory)
    assert provider_factory("mine") is factory
    assert build("mine:m-1", {"x": 1}).model == "m-1"
    assert made == [("m-1", {"x": 1})]


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(models)
    assert failures == 0 and tried > 0


# --- third-party adapters: the chatplex.adapters entry points --------------------------

PLUGIN = """
from chatplex import FakeChatModel

LOADED = True

def factory(model, **settings):
    return FakeChatModel([f"plugin {model}"], model=model, **settings)

def not_a_model(model, **settings):
    return "not a chat model"

NOT_CALLABLE = 42
"""


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch: pytest.MonkeyPatch) -> None:
    without_provider_env(monkeypatch)


def install_fake_distribution(root: Path, entry_points: str) -> None:
    dist = root / "chatplex_plugin_demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: chatplex-plugin-demo\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text("[chatplex.adapters]\n" + entry_points, encoding="utf-8")
    (root / "chatplex_plugin_demo.py").write_text(PLUGIN, encoding="utf-8")


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    install_fake_distribution(
        tmp_path,
        "demo = chatplex_plugin_demo:factory\n"
        "broken = chatplex_plugin_demo_missing:factory\n"
        "wrong = chatplex_plugin_demo:not_a_model\n"
        "constant = chatplex_plugin_demo:NOT_CALLABLE\n"
        "fake = chatplex_plugin_demo:factory\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    # Loaded providers are remembered in PROVIDERS: give each test its own copy.
    monkeypatch.setattr(models, "PROVIDERS", dict(models.PROVIDERS))
    yield tmp_path
    sys.modules.pop("chatplex_plugin_demo", None)


def test_an_installed_adapter_is_found_and_loaded_on_first_use(plugin: Path) -> None:
    assert "chatplex_plugin_demo" not in sys.modules
    init_chat_model("fake:any")  # a built-in name never loads plugins
    assert "chatplex_plugin_demo" not in sys.modules
    model = init_chat_model("demo:some-model", temperature=0.5)
    assert "chatplex_plugin_demo" in sys.modules
    assert isinstance(model, ChatModel)
    assert (model.model, model.temperature) == ("some-model", 0.5)
    assert model.invoke("hi").text == "plugin some-model"
    assert "demo" in models.PROVIDERS  # later calls skip the scan


def test_built_in_names_never_scan_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> dict[str, Any]:
        raise AssertionError("entry points scanned for a built-in provider")

    monkeypatch.setattr(models, "_entry_points", boom)
    assert isinstance(init_chat_model("fake:any"), FakeChatModel)


def test_a_built_in_provider_wins_over_an_entry_point_of_the_same_name(plugin: Path) -> None:
    reply = init_chat_model("fake:any", responses=["built-in"]).invoke("hi")
    assert reply.text == "built-in"


def test_unknown_provider_lists_built_ins_and_installed_adapters(plugin: Path) -> None:
    with pytest.raises(ValueError, match="unknown provider 'nope'") as info:
        init_chat_model("nope:model")
    known = str(info.value).split("known providers: ")[1]
    names = known.split(", ")
    assert names == sorted(names)
    assert {
        "anthropic",
        "azure_openai",
        "broken",
        "constant",
        "demo",
        "fake",
        "openai",
        "wrong",
    } <= set(names)
    installed = {"broken", "constant", "demo", "wrong"}  # the plugin fixture's
    assert known == ", ".join(sorted({*models.PROVIDERS, *installed}))
    assert "openai_responses" in names


def test_a_misspelt_provider_gets_a_suggestion() -> None:
    with pytest.raises(ValueError, match="unknown provider 'opnai'; did you mean 'openai'"):
        init_chat_model("opnai:gpt-4o-mini")
    with pytest.raises(ValueError, match="unknown provider 'zzz'; known providers") as info:
        init_chat_model("zzz:model")
    assert "did you mean" not in str(info.value)  # nothing close: no guess


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("groq/llama-3.1-8b-instant", "groq:llama-3.1-8b-instant"),
        ("openai/gpt-4o", "openai:gpt-4o"),
        ("Anthropic/claude-3-5-haiku-latest", "anthropic:claude-3-5-haiku-latest"),
        ("together_ai/meta-llama/Llama-3-8b", "together:meta-llama/Llama-3-8b"),
        ("fireworks_ai/llama-v3", "fireworks:llama-v3"),
    ],
)
def test_a_litellm_provider_slash_model_string_gets_a_suggestion(name: str, meant: str) -> None:
    with pytest.raises(ValueError, match=f"did you mean '{meant}'") as info:
        init_chat_model(name)
    assert "write it as 'provider:model'" in str(info.value)


@pytest.mark.parametrize("name", ["meta-llama/Llama-3-8B", "llama3", "zzz/model"])
def test_a_slash_with_no_close_provider_gets_no_guess(name: str) -> None:
    with pytest.raises(ValueError, match="cannot tell the provider") as info:
        split_model_name(name)
    assert "did you mean" not in str(info.value)


def test_an_adapter_that_fails_to_import_is_named(plugin: Path) -> None:
    with pytest.raises(ImportError, match="entry point 'broken'.*chatplex_plugin_demo_missing"):
        init_chat_model("broken:model")


def test_an_adapter_must_be_a_factory_of_chat_models(plugin: Path) -> None:
    with pytest.raises(TypeError, match="'constant' is not callable"):
        init_chat_model("constant:model")
    with pytest.raises(TypeError, match="provider 'wrong' returned str, not a ChatModel"):
        init_chat_model("wrong:model")


def test_entry_points_through_monkeypatched_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    class Entry:
        name = "patched"
        value = "somewhere:factory"

        def load(self) -> Any:
            return lambda model, **settings: FakeChatModel(["patched"], model=model)

    def entry_points(*, group: str) -> list[Entry]:
        assert group == "chatplex.adapters"
        return [Entry()]

    monkeypatch.setattr(models, "PROVIDERS", dict(models.PROVIDERS))
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert init_chat_model("patched:x").invoke("hi").text == "patched"


@pytest.mark.parametrize(
    ("provider", "settings", "adapter"),
    [
        ("openai", {"api_key": "k"}, "OpenAIResponsesAdapter"),
        (
            "azure_openai",
            {"api_key": "k", "azure_endpoint": "https://r.openai.azure.com", "api_version": "v1"},
            "AzureResponsesAdapter",
        ),
    ],
)
def test_the_responses_switches_build_the_specs_responses_adapter(
    provider: str, settings: dict[str, Any], adapter: str
) -> None:
    # Declared per provider (`ProviderSpec.responses_adapter`), not named by the registry.
    declared = specs.spec(provider)
    assert declared is not None and declared.responses_adapter is not None
    assert declared.responses_adapter.endswith(f":{adapter}")
    for switch in ({"use_responses_api": True}, {"reasoning": {"effort": "low"}}):
        model = init_chat_model(f"{provider}:gpt-4.1", **settings, **switch)
        assert type(model.adapter).__name__ == adapter
        assert model.provider == "openai_responses"
        assert model.build_request("hi").url.split("?")[0].endswith("/responses")
    chat = init_chat_model(f"{provider}:gpt-4.1", **settings, use_responses_api=False)
    assert type(chat.adapter).__name__ != adapter


def test_a_provider_without_a_responses_api_refuses_its_switch() -> None:
    assert specs.spec("anthropic").responses_adapter is None  # type: ignore[union-attr]
    with pytest.raises(TypeError, match="use_responses_api"):
        init_chat_model("anthropic:claude-sonnet-4-5", api_key="k", use_responses_api=True)


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("google_genai:gemini-2.5-flash", {"api_key": "k"}),
        ("google_vertexai:gemini-2.5-flash", {"api_key": "k"}),
        ("bedrock_converse:m", {"region_name": "us-east-1", "api_key": "k"}),
        ("bedrock:anthropic.m", {"region": "us-east-1", "api_key": "k"}),
    ],
)
def test_a_partner_name_builds_chatplexs_own_model_on_its_wire(
    name: str, settings: dict[str, Any]
) -> None:
    # chatplex's own family builds no LangChain class's constructor: a ChatModel over
    # the wire's adapter, with what the spec declares of that class (ChatBedrock's
    # `region` alias here).
    model = init_chat_model(name, **settings)
    assert type(model) is ChatModel
    assert type(model.adapter).__name__ == specs.spec(name.split(":")[0]).adapter.split(":")[1]  # type: ignore[union-attr]
    assert "langchain" not in type(model).__module__


def test_a_specs_init_rules_give_its_partners_defaults_and_refuse_its_partners_own() -> None:
    genai = init_chat_model("google_genai:gemini-2.5-flash", api_key="k")
    assert genai.build_request("hi").json["generationConfig"] == {
        "temperature": 0.7,
        "candidateCount": 1,
    }
    # Its class's names for settings (the key's, `n`) are taken too.
    given = init_chat_model(
        "google_genai:gemini-2.5-flash", google_api_key="k", temperature=0.1, n=2
    )
    assert given.build_request("hi").json["generationConfig"] == {
        "temperature": 0.1,
        "candidateCount": 2,
    }
    # Gemini 3 and later keep the model's own temperature, as langchain-google-genai.
    three = init_chat_model("google_genai:gemini-3-pro-preview", api_key="k")
    assert "temperature" not in three.build_request("hi").json["generationConfig"]
    # An inert setting at its value changes nothing; at another it is refused.
    vertex = init_chat_model("google_vertexai:gemini-2.5-flash", api_key="k", api_transport="rest")
    request = vertex.build_request("hi")
    assert "api_transport" not in str(request.json)
    assert "/v1beta1/" in request.url  # langchain-google-vertexai's endpoint version
    with pytest.raises(TypeError, match="api_transport takes only 'rest'"):
        init_chat_model("google_vertexai:gemini-2.5-flash", api_key="k", api_transport="grpc")
    # langchain-aws's model facts go to the adapter, never into the request; a setting
    # only its class honours is refused, naming the class.
    bedrock = init_chat_model(
        "bedrock_converse:arn:aws:bedrock:us-east-1:1:application-inference-profile/x",
        region_name="us-east-1",
        api_key="k",
        provider="anthropic",
        base_model_id="anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    assert (bedrock.adapter.vendor, bedrock.adapter.base_model_id) == (  # type: ignore[attr-defined]
        "anthropic",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
    )
    assert "additionalModelRequestFields" not in bedrock.build_request("hi").json
    with pytest.raises(TypeError, match="ChatBedrockConverse.*chatplex.langchain"):
        init_chat_model(
            "bedrock_converse:m", region_name="us-east-1", supports_tool_choice_values=["auto"]
        )


def test_a_presets_body_fields_are_taken_and_its_aliases_renamed() -> None:
    from chatplex.chat.configuration.registry import take_body_parameters

    settings = {"random_seed": 1, "temperature": 0, "endpoint": "http://h"}
    assert take_body_parameters("mistralai", settings) == {"random_seed": 1}
    assert settings == {"temperature": 0, "base_url": "http://h"}
    assert take_body_parameters("vllm", {"x": 1}) == {}
    assert take_body_parameters("no-such", {"x": 1}) == {}
    with pytest.raises(TypeError):  # an alias and its name together
        take_body_parameters("groq", {"groq_api_key": "a", "api_key": "b"})
