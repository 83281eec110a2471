"""The providers' declared specs: every wire's `spec.py` loads, names are unique, each
names an adapter that exists and a LangChain class; LangChain's bare-name inference."""

from __future__ import annotations

import warnings

import pytest

from chatplex import specs
from chatplex.adapters import adapter_class
from chatplex.specs import KeyOrder
from chatplex.specs import SdkModel
from tests._fresh import fresh_python


def test_every_wire_folder_declares_its_providers() -> None:
    declared = specs.specs()
    assert set(declared) >= {
        "openai",
        "openai_responses",
        "azure_openai",
        "anthropic",
        "google_genai",
        "google_vertexai",
        "bedrock",
        "bedrock_converse",
        "ollama",
        "groq",
        "xai",
        "deepseek",
    }
    for name, spec in declared.items():
        assert spec.name == name
        module, _, cls = spec.adapter.partition(":")
        assert adapter_class(name).__name__ == cls and module.startswith("chatplex.")


def test_a_name_declared_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    specs.specs.cache_clear()
    monkeypatch.setattr(specs, "WIRES", (*specs.WIRES, "ollama"))
    try:
        with pytest.raises(RuntimeError, match="'ollama' is declared twice"):
            specs.specs()
    finally:
        specs.specs.cache_clear()


def test_litellms_prefixes_are_read_off_the_specs(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = {
        "a": specs.ProviderSpec("a", "m:A", litellm_prefixes=("a", "a/chat")),
        "b": specs.ProviderSpec("b", "m:B", litellm_prefixes=("b_ai",)),
    }
    monkeypatch.setattr(specs, "specs", lambda: declared)
    read = specs.litellm_prefixes.__wrapped__  # (the cached table stays the package's)
    assert read() == {"a": "a", "a/chat": "a", "b_ai": "b"}
    declared["c"] = specs.ProviderSpec("c", "m:C", litellm_prefixes=("b_ai",))
    with pytest.raises(RuntimeError, match="'b_ai' is declared twice"):
        read()


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("gpt-4o-mini", "openai"),
        ("o3-mini", "openai"),
        ("chatgpt-4o-latest", "openai"),
        ("text-davinci-003", "openai"),
        ("claude-sonnet-4-5", "anthropic"),
        ("Claude-3", "anthropic"),
        ("gemini-2.5-flash", "google_vertexai"),
        ("amazon.nova-pro-v1:0", "bedrock"),
        ("anthropic.claude-3-haiku", "bedrock"),
        ("meta.llama3", "bedrock"),
        ("mistral-large-latest", "mistralai"),
        ("mixtral-8x7b", "mistralai"),
        ("deepseek-chat", "deepseek"),
        ("grok-4", "xai"),
        ("sonar-pro", "perplexity"),
        ("accounts/fireworks/models/llama", "fireworks"),
        ("command-r", "cohere"),
        ("solar-pro", "upstage"),
        ("llama3.2", None),
    ],
)
def test_bare_names_are_inferred_as_langchain_infers_them(model: str, provider: str | None) -> None:
    assert specs.infer_provider(model) == provider


def test_langchain_agrees_where_it_is_installed() -> None:
    base = pytest.importorskip("langchain.chat_models.base")
    infer = getattr(base, "_attempt_infer_model_provider", None)
    if infer is None:
        pytest.skip("this langchain has no _attempt_infer_model_provider")
    models = ("gpt-4o", "o1", "claude-3", "gemini-pro", "amazon.titan", "mistral-small")
    models += ("deepseek-r1", "grok-3", "sonar", "command-r", "accounts/fireworks/x")
    for model in models:
        with warnings.catch_warnings():  # LangChain warns its gemini default will change
            warnings.simplefilter("ignore", DeprecationWarning)
            theirs = infer(model)
        assert specs.infer_provider(model) == theirs, model


def test_import_chatplex_loads_no_spec() -> None:
    code = "import sys, chatplex; print(sorted(m for m in sys.modules if 'providers' in m))"
    out = fresh_python(code)
    assert out.stdout.strip() == "[]"


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(specs)
    assert failures == 0 and tried > 0


def test_every_init_rule_is_data_that_loads_and_names_each_setting_once() -> None:
    # What chatplex's own init_chat_model keeps of a LangChain class's constructor is
    # declared (no partner constructor is built): each `unless` a loadable predicate,
    # and no setting declared two ways.
    for declared in specs.specs().values():
        for default in declared.init_defaults:
            assert default.unless is None or callable(specs.declared_object(default.unless))
        names = [
            *(d.name for d in declared.init_defaults),
            *(name for name, _ in declared.inert_settings),
            *(name for name, _ in declared.adapter_attributes),
            *declared.partner_settings,
        ]
        assert len(names) == len(set(names)), declared.name
    genai = specs.spec("google_genai")
    assert genai is not None
    assert [(d.name, d.value) for d in genai.init_defaults] == [
        ("temperature", 0.7),
        ("candidate_count", 1),
    ]


def test_every_declared_blocks_reading_loads_as_a_function() -> None:
    """`ProviderSpec.blocks` names a function of the provider's folder; a typo would
    only show the day a reply of that provider is read, so each is loaded here."""
    import importlib

    declared = {s.name: s.blocks for s in specs.specs().values() if s.blocks}
    assert "bedrock_converse" in declared
    for name, path in declared.items():
        module, _, function = path.partition(":")
        assert module.startswith("chatplex.providers."), name
        assert callable(getattr(importlib.import_module(module), function)), name


def test_a_wire_declares_its_chat_completions_server_and_the_presets_serve_it() -> None:
    """Ollama's OpenAI endpoint is declared in its own folder and collected by the
    registry: the compatible wire serves it without naming it."""
    rows = specs.chat_completions_servers()
    assert (
        "ollama_openai",
        "Ollama (OpenAI endpoint)",
        "http://localhost:11434/v1",
        "ollama",
    ) in rows
    assert {row[0] for row in rows} <= set(specs.specs())


def test_declared_object_imports_what_a_spec_names() -> None:
    from chatplex.providers.bedrock.blocks import converse_blocks

    assert specs.declared_object("chatplex.providers.bedrock.blocks:converse_blocks") is (
        converse_blocks
    )
    with pytest.raises(AttributeError):
        specs.declared_object("chatplex.providers.bedrock.blocks:no_such_reading")


def test_the_hooks_a_spec_names_load_and_its_styles_are_known() -> None:
    """The init_chat_model hooks (`init_settings`, `adapter_defaults`, `wire_choice`) load
    as functions; `llm_output` is an `OutputShape` chat/llm_results.py reads; a spec's
    API parameters hold its header parameters and its beyond-SDK ones (issue 48: the
    tables that were shared code's, declared in the provider folders)."""
    for declared in specs.specs().values():
        for path in (declared.init_settings, declared.adapter_defaults, declared.wire_choice):
            if path is not None:
                assert callable(specs.declared_object(path)), (declared.name, path)
        assert declared.llm_output is None or isinstance(declared.llm_output, specs.OutputShape)
        known = declared.api_parameters or frozenset()
        assert {name for name, _ in declared.header_parameters} <= known, declared.name
        assert {name for name, _ in declared.beyond_sdk} <= known, declared.name
    assert specs.spec("anthropic").llm_output.kind == "reply_fields"  # type: ignore[union-attr]
    assert specs.spec("openai").llm_output is specs.CHAT_COMPLETIONS_SHAPE  # type: ignore[union-attr]


def test_only_anthropic_streams_in_indexed_blocks() -> None:
    # langchain-anthropic's stream (`langchain.convert.StreamTranslator`), and Claude on
    # Vertex AI's (its wire's); every other partner class streams chatplex's chunks as
    # they are.
    assert [name for name, declared in specs.specs().items() if declared.indexed_stream] == [
        "anthropic",
        "google_anthropic_vertex",
    ]


def test_a_key_order_puts_first_then_the_rest_as_they_came_then_last() -> None:
    order = KeyOrder(
        first=("token_usage", "id"),
        last=("model_provider",),
        inner=(("token_usage", KeyOrder(first=("completion_tokens",))),),
    )
    data = {
        "model_provider": "openai",
        "extra": 1,
        "id": "x",
        "other": 2,
        "token_usage": {"prompt_tokens": 1, "completion_tokens": 2},
    }
    out = order.apply(data)
    assert list(out) == ["token_usage", "id", "extra", "other", "model_provider"]
    assert list(out["token_usage"]) == ["completion_tokens", "prompt_tokens"]
    assert out == data  # the same entries: only the order differs
    assert list(data) == ["model_provider", "extra", "id", "other", "token_usage"]  # untouched
    empty = KeyOrder()
    assert empty.apply(data) is data  # nothing declared: no copy on the hot path


def test_an_sdk_models_dump_has_its_fields_in_order_then_the_items_own() -> None:
    model = SdkModel("sdk.types:Item", ("date", "title", "url"))
    dumped = model.dump({"url": "u", "rank": 1, "title": None})
    assert list(dumped.items()) == [("date", None), ("title", None), ("url", "u"), ("rank", 1)]
    assert model.dumps([{"url": "u"}, "odd"]) == [{"date": None, "title": None, "url": "u"}, "odd"]
    assert model.dumps(None) is None and model.dumps({"url": "u"}) == {"url": "u"}
