"""The partner class's fields read on the drop-in (its declared fields, `field_store.py`):
for every drop-in whose partner package is installed, every field of the partner class
(`model_fields`, and its aliases where the partner answers them), read on both built with
the same keywords, holds the same value; a key is a `SecretStr` giving the same string,
masked in any repr. Generated from the partner classes: a partner release that adds a
field fails here until the drop-in answers it."""

from __future__ import annotations

import importlib
import importlib.util
import json
from typing import Any

import pydantic
import pydantic_core
import pytest
from _lckit import MODELS
from _lckit import UNIT_BASE_URL
from _lckit import BedrockIsolated
from langchain_core.load import dumpd
from langchain_core.runnables import ConfigurableField
from pydantic import SecretStr
from test_dropin_serialized import _KEY
from test_dropin_serialized import _SERIALIZED
from test_dropin_serialized import _params
from test_sdk_clients import _ATTRIBUTES as SDK_CLIENT_ATTRIBUTES

import chatplex
import chatplex.langchain
from chatplex.chat.partner_form import PartnerFields
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain import ChatChatplex
from chatplex.langchain.partner_fields import ABSENT

#: The drop-ins whose partner LangChain does not serialize (`test_dropin_model.py`'s
#: `_SERIALIZED` has the others): the partner's module, its wire, its connection and key.
_OTHERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "ChatOllama": ("langchain_ollama", "ollama", {"base_url": UNIT_BASE_URL}),
    "ChatCohere": (
        "langchain_cohere",
        "cohere",
        {"base_url": UNIT_BASE_URL, "cohere_api_key": _KEY},
    ),
    "ChatDeepSeek": (
        "langchain_deepseek",
        "deepseek",
        {"api_base": UNIT_BASE_URL, "api_key": _KEY},
    ),
    "ChatPerplexity": ("langchain_perplexity", "perplexity", {"api_key": _KEY}),
    "ChatTogether": (
        "langchain_together",
        "together",
        {"together_api_base": UNIT_BASE_URL, "api_key": _KEY},
    ),
    "ChatNebius": (
        "langchain_nebius",
        "nebius",
        {"nebius_api_base": UNIT_BASE_URL, "api_key": _KEY},
    ),
    # (ChatHyperbolic's package is not installed: read where it is, `_NAMES`)
    "ChatCerebras": ("langchain_cerebras", "cerebras", {"api_key": _KEY}),
    "ChatOpenRouter": ("langchain_openrouter", "openrouter", {"api_key": _KEY}),
    "ChatHyperbolic": ("langchain_hyperbolic", "hyperbolic", {"api_key": _KEY}),
    # (a token and IBM Cloud's URL, which its SDK requires: langchain-ibm asks nothing then)
    "ChatWatsonx": (
        "langchain_ibm",
        "ibm",
        {"url": "https://us-south.ml.cloud.ibm.com", "token": _KEY, "project_id": "p"},
    ),
    # (a fixed access token: langchain-google-vertexai's asks Google for none then)
    "ChatAnthropicVertex": (
        "langchain_google_vertexai.model_garden",
        "google_anthropic_vertex",
        {"project": "p", "base_url": UNIT_BASE_URL, "access_token": "t"},
    ),
}
#: Every drop-in whose partner package is installed.
_NAMES = [
    n
    for n in DROP_IN_MODULES
    if importlib.util.find_spec({**_SERIALIZED, **_OTHERS}[n][0]) is not None
]

_CLIENTS = (
    "the partner's SDK client objects: the drop-in calls through chatplex's HTTP layer, "
    "and builds no SDK client where its form declares none (`PartnerFields.clients`)"
)


def _built_clients(name: str) -> frozenset[str]:
    """The SDK client attributes the drop-in `name` builds as its partner does (its
    form's `clients`): each the same SDK class (`test_sdk_clients.py` checks how built)."""
    form = getattr(importlib.import_module(DROP_IN_MODULES[name]), name).fields
    return frozenset(form.clients) if form is not None else frozenset()


#: Fields the drop-in does not hold as the partner does, and why: the partner's SDK
#: objects, which chatplex does not build. Each still differs (checked), so a fix fails
#: the test and its row must go.
OPEN: dict[tuple[str, str], str] = {
    **{
        (name, field): _CLIENTS
        for name in DROP_IN_MODULES
        if not _built_clients(name)
        for field in ("client", "async_client", "root_client", "root_async_client")
        # (langchain-google-vertexai's hold None until its own first call: None here)
        if not (name == "ChatVertexAI" and field in ("client", "async_client"))
    },
    # (built for `model=`, which the cases give: its `watsonx_model` is None then)
    ("ChatWatsonx", "watsonx_model_gateway"): _CLIENTS,
    **{
        (name, "client_options"): (
            "a google.api_core ClientOptions object langchain-google-vertexai builds for its "
            "SDK client: chatplex builds no SDK client, so there is no honest value to hold"
        )
        for name in ("ChatVertexAI", "ChatAnthropicVertex")
    },
}

#: Kept differences, each held by its own test below.
KEPT: dict[tuple[str, str], str] = {
    ("ChatOllama", "num_predict"): (
        "langchain-ollama has no `max_tokens` and drops a given one (the model runs "
        "unlimited); the drop-in takes it as Ollama's `num_predict`"
    ),
    ("ChatAnthropicVertex", "access_token"): (
        "langchain-google-vertexai holds its OAuth token as a plain str, shown in its "
        "repr and written in its dumps; chatplex shows no credential anywhere (masked)"
    ),
}

_MANY = {"temperature": 0, "max_tokens": 100, "timeout": 60, "max_retries": 3, "stop": ["x"]}
_CASES = {"given": {}, "many": _MANY}


def test_every_drop_in_is_listed() -> None:
    assert set(DROP_IN_MODULES) == {*_SERIALIZED, *_OTHERS}


def _form(name: str) -> PartnerFields | None:
    return getattr(chatplex.langchain, name)._record.fields


def _partner_class(name: str) -> Any:
    return getattr(importlib.import_module({**_SERIALIZED, **_OTHERS}[name][0]), name)


def _build_params(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The keywords both classes are built with: `test_dropin_model.py`'s, or `_OTHERS`'."""
    if name in _SERIALIZED:
        return _params(name, settings)
    _, wire, connection = _OTHERS[name]
    return {"model": MODELS[wire], **connection, **settings}


def _pair(name: str, settings: dict[str, Any]) -> tuple[Any, Any]:
    params = _build_params(name, settings)
    return getattr(chatplex.langchain, name)(**params), _partner_class(name)(**params)


def _read(model: Any, name: str) -> Any:
    try:
        return getattr(model, name)
    except AttributeError:
        return ABSENT


def _kind(client: Any) -> Any:
    """An SDK client's class; a boto3 client's (made per session) by its name, service,
    region and endpoint."""
    meta = getattr(client, "meta", None)
    if meta is None or not hasattr(meta, "service_model"):
        return type(client)
    return (
        type(client).__name__,
        meta.service_model.service_name,
        meta.region_name,
        meta.endpoint_url,
    )


def _assert_same(name: str, field: str, dropin: Any, partner: Any) -> None:
    theirs, ours = _read(partner, field), _read(dropin, field)
    if (name, field) in KEPT:
        return
    if (name, field) in OPEN:
        assert ours != theirs, f"{name}.{field} now matches: drop its OPEN row"
        return
    if field in _built_clients(name):
        assert _kind(ours) == _kind(theirs), f"{name}.{field}: {ours!r} is not {theirs!r}"
        return
    if isinstance(theirs, SecretStr):
        assert isinstance(ours, SecretStr), f"{name}.{field}: {ours!r}"
        assert ours.get_secret_value() == theirs.get_secret_value()
        shown = repr(ours) + str(ours)
        assert not theirs.get_secret_value() or theirs.get_secret_value() not in shown
        return
    assert ours == theirs, f"{name}.{field}: {ours!r} != the partner's {theirs!r}"


def _assert_fields_match(name: str, dropin: Any, partner: Any) -> None:
    fields = type(partner).model_fields
    for field, info in fields.items():
        _assert_same(name, field, dropin, partner)
        # Its aliases, where the partner answers them (pydantic's are not attributes).
        if info.alias and _read(partner, info.alias) is not ABSENT:
            _assert_same(name, info.alias, dropin, partner)
    assert _KEY not in repr(dropin)
    _assert_dumps_match(name, dropin, partner)


def _assert_dumps_match(name: str, dropin: Any, partner: Any) -> None:
    """`model_dump()` gives the partner's keys in its order, each with its value (a key
    a `SecretStr` of the same string), and `model_dump_json()` the same text."""
    theirs, ours = partner.model_dump(), dropin.model_dump()
    assert list(ours) == list(theirs), f"{name}: the partner's keys are {list(theirs)}"
    kept = {field for (n, field) in KEPT if n == name}
    open_ = {field for (n, field) in OPEN if n == name}
    built = _built_clients(name)
    for field, value in theirs.items():
        if isinstance(value, SecretStr):
            assert isinstance(ours[field], SecretStr), f"{name}.{field}: {ours[field]!r}"
            assert ours[field].get_secret_value() == value.get_secret_value()
        elif field in open_:
            assert ours[field] is None and value is not None, f"{name}.{field} now matches"
        elif field in built:  # (an SDK client the partner dumps: langchain-cohere's)
            assert _kind(ours[field]) == _kind(value), f"{name}.{field}: {ours[field]!r}"
        elif field not in kept:
            assert ours[field] == value, f"{name}.{field}: {ours[field]!r} != {value!r}"
    json = {"exclude": kept | open_ | built}
    assert dropin.model_dump_json(**json) == partner.model_dump_json(**json)


def _by_field_names(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """`params` under the partner's field names where they were given by an alias
    (`model` -> `model_name`, `api_key` -> `openai_api_key`, ...; a keyword that is a
    field's own name stays)."""
    fields = _partner_class(name).model_fields
    by_alias = {f.alias: n for n, f in fields.items() if f.alias}
    return {k if k in fields else by_alias.get(k, k): v for k, v in params.items()}


class TestThePartnersFieldsReadTheSame(BedrockIsolated):
    @pytest.mark.filterwarnings("ignore")  # the partners' own (deprecations, Bedrock's keys)
    @pytest.mark.parametrize("case", list(_CASES))
    @pytest.mark.parametrize("name", _NAMES)
    def test_every_field_of_the_partner(self, name: str, case: str) -> None:
        dropin, partner = _pair(name, _CASES[case])
        _assert_fields_match(name, dropin, partner)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    def test_a_field_the_partner_resolves_from_the_model(self) -> None:
        # langchain-aws' ChatBedrock speaks Converse to a Nova model (`RESOLVED`).
        dropin, partner = _pair("ChatBedrock", {"model": "amazon.nova-lite-v1:0"})
        assert partner.beta_use_converse_api is True
        _assert_fields_match("ChatBedrock", dropin, partner)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize("name", _NAMES)
    def test_every_field_given_under_the_partners_field_names(self, name: str) -> None:
        # `model_name=`, `openai_api_key=`, `openai_api_base=`... where `_pair` gives
        # the aliases `model=`, `api_key=`, `base_url=`.
        renamed = _by_field_names(name, _build_params(name, _MANY))
        dropin = getattr(chatplex.langchain, name)(**renamed)
        partner = _partner_class(name)(**renamed)
        _assert_fields_match(name, dropin, partner)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize("name", _NAMES)
    def test_configurable_fields_of_the_partners_field_names_show_its_types(
        self, name: str
    ) -> None:
        # `configurable_fields(<its model field>=..., temperature=...)`: the config schema
        # a playground shows, each field typed as the partner's (its model a `str`
        # where the drop-in's `model` is `str | None`; langchain-groq's temperature a
        # `float`), under the partner's field name (langchain-aws' `model_id`).
        form = getattr(chatplex.langchain, name)._record.fields
        assert isinstance(form, PartnerFields)
        fields = {
            form.name("model"): ConfigurableField(id="model", name="Model"),
            "temperature": ConfigurableField(id="temperature"),
        }
        dropin, partner = _pair(name, {})
        theirs = partner.configurable_fields(**fields).get_config_jsonschema()
        assert dropin.configurable_fields(**fields).get_config_jsonschema() == theirs

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize(
        "name",
        [
            n
            for n in _NAMES
            # No key (AWS credentials, Google's, none), or none read into the field
            # (langchain-cohere's client reads CO_API_KEY itself: its field stays None).
            if n
            not in (
                "ChatBedrock",
                "ChatBedrockConverse",
                "ChatVertexAI",
                "ChatAnthropicVertex",
                "ChatOllama",
                "ChatCohere",
            )
        ],
    )
    def test_the_key_from_the_environment(self, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        form = getattr(chatplex.langchain, name)._record.fields
        assert isinstance(form, PartnerFields)
        field = form.name("api_key")
        variable = form.secrets[field]
        given = _build_params(name, _MANY)
        params = {k: v for k, v in given.items() if form.name(k) != field}
        monkeypatch.setenv(variable, _KEY)
        dropin = getattr(chatplex.langchain, name)(**params)
        partner = _partner_class(name)(**params)
        monkeypatch.delenv(variable)  # read at construction, as the partner reads it
        _assert_fields_match(name, dropin, partner)
        # Counted set where its validators write the key they read (LangChain's gateway
        # helper, langchain-openai's assignment), unset where they leave it.
        assert _dump_option_keys(name, dropin) == _dump_option_keys(name, partner)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize(
        ("name", "field"),
        [
            (name, field)
            for name in _NAMES
            for field, fallback in (_form(name).fallbacks if _form(name) else {}).items()
            if fallback.variables
        ],
    )
    def test_a_field_read_from_its_variable(
        self, name: str, field: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Its validator fills it from the variable where not given: held alike, and
        # counted as set alike (a field its own default factory reads is not).
        form = _form(name)
        params = {k: v for k, v in _build_params(name, {}).items() if form.name(k) != field}
        monkeypatch.setenv(form.fallbacks[field].variables[0], "http://127.0.0.1:9/from-env")
        dropin = getattr(chatplex.langchain, name)(**params)
        partner = _partner_class(name)(**params)
        assert _read(dropin, field) == _read(partner, field)
        assert _dump_option_keys(name, dropin) == _dump_option_keys(name, partner)


def test_a_key_and_headers_read_as_given_and_never_shown() -> None:
    headers = {"Authorization": f"Bearer {_KEY}", "X-Trace": "t1"}
    llm = chatplex.langchain.ChatOpenAI(
        model="gpt-4o", api_key=_KEY, base_url=UNIT_BASE_URL, default_headers=headers
    )
    assert llm.openai_api_key.get_secret_value() == _KEY
    assert llm.default_headers == headers
    assert llm.openai_api_base == UNIT_BASE_URL
    for shown in (repr(llm), repr(vars(llm)), repr(llm.default_headers), str(llm)):
        assert _KEY not in shown


def test_a_dump_holds_the_key_as_a_secret_and_no_credential_header() -> None:
    # Kept difference (a chatplex form never shows a key): langchain-openai dumps a
    # credential header in clear; the drop-in masks it, as its repr and `dumpd` do.
    headers = {"Authorization": f"Bearer {_KEY}", "X-Trace": "t1"}
    llm = chatplex.langchain.ChatOpenAI(model="gpt-4o", api_key=_KEY, default_headers=headers)
    dumped = llm.model_dump()
    assert dumped["openai_api_key"].get_secret_value() == _KEY
    assert dumped["default_headers"]["X-Trace"] == "t1"
    for shown in (repr(dumped), llm.model_dump_json()):
        assert _KEY not in shown
    from langchain_openai import ChatOpenAI as PartnerOpenAI

    partner = PartnerOpenAI(model="gpt-4o", api_key="k", default_headers=headers)
    assert _KEY in partner.model_dump_json()


def test_a_credential_in_the_base_url_is_redacted() -> None:
    url = f"http://127.0.0.1:9/v1?api-key={_KEY}"
    llm = chatplex.langchain.ChatOpenAI(model="gpt-4o", api_key="k", base_url=url)
    assert _KEY not in llm.openai_api_base + repr(vars(llm))
    assert llm.openai_api_base.startswith("http://127.0.0.1:9/v1?api-key=")


def test_the_filled_max_tokens_is_langchain_anthropics_per_model_default() -> None:
    from langchain_anthropic import ChatAnthropic as PartnerAnthropic

    params = {"model": "claude-haiku-4-5", "api_key": "k", "base_url": UNIT_BASE_URL}
    llm, partner = chatplex.langchain.ChatAnthropic(**params), PartnerAnthropic(**params)
    assert llm.max_tokens == partner.max_tokens
    assert llm.max_tokens is not None
    # Shown only: the request is unchanged, and so is the serialized form.
    assert llm.chatplex_model.max_tokens is None
    assert dumpd(llm) == dumpd(partner)


def test_settings_changed_by_configurable_fields_read_changed() -> None:
    llm = chatplex.langchain.ChatOpenAI(
        model="gpt-4o-mini", api_key="k", temperature=0, max_tokens=5
    )
    switch = llm.configurable_fields(max_tokens=ConfigurableField(id="n"))
    built, _ = switch._prepare({"configurable": {"n": 9}})
    assert (built.max_tokens, built.chatplex_model.max_tokens) == (9, 9)
    assert (built.temperature, built.openai_api_key.get_secret_value()) == (0.0, "k")
    assert llm.max_tokens == 5  # the original's
    # Unchanged settings shown as the partner's do not count as changed.
    same, _ = llm.configurable_fields(temperature=ConfigurableField(id="t"))._prepare({})
    assert same.chatplex_model is llm.chatplex_model


def test_ollamas_max_tokens_is_kept_as_num_predict_where_langchain_ollama_drops_it() -> None:
    from langchain_ollama import ChatOllama as PartnerOllama

    params = {"model": "llama3.2", "base_url": UNIT_BASE_URL, "max_tokens": 100}
    partner = PartnerOllama(**params)
    assert partner.num_predict is None and not hasattr(partner, "max_tokens")  # lost
    assert chatplex.langchain.ChatOllama(**params).num_predict == 100


@pytest.mark.parametrize("case", list(_CASES))
def test_model_dump_takes_the_partners_choices_of_keys(case: str) -> None:
    dropin, partner = _pair("ChatOpenAI", _CASES[case])
    for choices in (
        {"include": {"model_name", "n", "openai_api_key"}, "exclude": {"n"}},
        {"exclude_none": True},
        {"exclude_none": True, "mode": "json"},
    ):
        ours, theirs = dropin.model_dump(**choices), partner.model_dump(**choices)
        assert list(ours) == list(theirs), choices
        assert repr(ours) == repr(theirs)  # the key a masked SecretStr, or "**********"


def test_anthropic_vertex_holds_its_access_token_masked_where_the_partner_shows_it() -> None:
    token = "ya29.token-7f3a"
    dropin, partner = _pair("ChatAnthropicVertex", {"access_token": token})
    shown = repr(partner) + partner.model_dump_json()
    assert partner.access_token == token and token in shown  # the partner's, in clear
    assert dropin.access_token == "***"
    assert token not in repr(dropin) + dropin.model_dump_json() + str(dropin.model_dump())


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_anthropic_vertex_calls_the_location_of_the_vertex_sdks_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No location given: langchain-google-vertexai's is its Vertex AI SDK's default
    # (GOOGLE_CLOUD_REGION), which its anthropic SDK client calls.
    monkeypatch.setenv("GOOGLE_CLOUD_REGION", "europe-west1")
    dropin, partner = _pair("ChatAnthropicVertex", {})
    assert partner.location == partner.client.region == "europe-west1"
    assert dropin.location == dropin.chatplex_model.adapter.location == "europe-west1"


def _dump_option_keys(name: str, model: Any) -> dict[str, list[str]]:
    """The keys of `model`'s dumps with `exclude_unset=True` and with `by_alias=True`,
    but the fields it keeps on purpose (`KEPT`)."""
    kept = {field for (n, field) in KEPT if n == name}
    return {
        "set": [k for k in model.model_dump(exclude_unset=True) if k not in kept],
        "by_alias": [k for k in model.model_dump(by_alias=True) if k not in kept],
    }


class TestTheDumpsChoicesAreThePartners(BedrockIsolated):
    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize("case", list(_CASES))
    @pytest.mark.parametrize("name", _NAMES)
    def test_exclude_unset_and_by_alias_give_the_partners_keys(self, name: str, case: str) -> None:
        # Its validators' fields count as set (langchain-openai's `model_kwargs`,
        # `openai_organization`...); by alias, its fields under their aliases (`model`,
        # `api_key`, `base_url`...), in its order.
        dropin, partner = _pair(name, _CASES[case])
        ours, theirs = _dump_option_keys(name, dropin), _dump_option_keys(name, partner)
        assert ours == theirs

    @pytest.mark.parametrize("name", _NAMES)
    def test_the_declared_aliases_are_the_partners_fields(self, name: str) -> None:
        form = getattr(importlib.import_module(DROP_IN_MODULES[name]), name).fields
        assert form is not None
        fields = _partner_class(name).model_fields
        aliases = {n: f.serialization_alias for n, f in fields.items() if f.serialization_alias}
        assert dict(form.dump_aliases) == {n: a for n, a in aliases.items() if n in form.dumped}
        assert form.assigned <= set(fields)


def test_exclude_unset_and_by_alias_in_json_as_the_partners() -> None:
    from langchain_openai import ChatOpenAI as PartnerOpenAI

    params = {"model": "gpt-4o", "api_key": _KEY, "temperature": 0, "timeout": 3}
    dropin, partner = chatplex.langchain.ChatOpenAI(**params), PartnerOpenAI(**params)
    for choices in (
        {"exclude_unset": True},
        {"by_alias": True},
        {"exclude_unset": True, "by_alias": True},
    ):
        assert dropin.model_dump_json(**choices) == partner.model_dump_json(**choices), choices


def test_a_drop_in_held_in_a_model_dumps_as_the_partner() -> None:
    # pydantic serializes a field's model by its own serializer (a graph's state, a
    # config object holding the model): the partner's keys there too.
    holder = pydantic.create_model("Holder", llm=(Any, ...))
    dropin, partner = _pair("ChatAnthropic", _MANY)
    assert holder(llm=dropin).model_dump_json() == holder(llm=partner).model_dump_json()


def test_cohere_dumps_no_sdk_client_where_langchain_cohere_cannot_write_its_own() -> None:
    # Kept difference (LangChain raises): langchain-cohere's dump holds its SDK clients,
    # which model_dump_json cannot write; the drop-in builds none and writes null.
    dropin, partner = _pair("ChatCohere", {})
    with pytest.raises(pydantic_core.PydanticSerializationError, match="cohere.client.Client"):
        partner.model_dump_json()
    written = json.loads(dropin.model_dump_json())
    assert list(written) == list(partner.model_dump())
    assert (written["client"], written["async_client"]) == (None, None)


def test_chatplexs_own_name_and_a_class_with_no_partner_dump_chatplexs_settings() -> None:
    # ChatChatplex keeps its own fields; so does a drop-in with no partner class
    # (ChatHyperbolic declares its engine's settings as its fields, with no form).
    own = ChatChatplex(model="openai:gpt-4o", api_key=_KEY, base_url=UNIT_BASE_URL)
    undeclared = chatplex.langchain.ChatHyperbolic(model="llama3.1-8b", api_key=_KEY)
    for model in (own, undeclared):
        dumped = model.model_dump()
        assert {"model", "api_key", "base_url"} <= set(dumped)
        assert _KEY not in model.model_dump_json()
    assert undeclared._record.fields is None


#: The drop-ins whose partner LangChain does not serialize and which declare its fields.
_READ_ONLY = (
    "ChatCohere",
    "ChatDeepSeek",
    "ChatNebius",
    "ChatOllama",
    "ChatPerplexity",
    "ChatTogether",
)


@pytest.mark.parametrize("name", _READ_ONLY)
def test_a_partner_langchain_does_not_serialize_is_read_by_its_form_only(name: str) -> None:
    # Its form is declared beside its engine for reading its fields; the drop-in
    # serializes as chatplex's own class does, writing no partner field.
    form = getattr(chatplex.langchain, name)._record.fields
    assert form is not None and form.serialized is False
    module, provider, connection = _OTHERS[name]
    llm = getattr(chatplex.langchain, name)(model=MODELS[provider], temperature=0, **connection)
    assert dumpd(llm)["type"] == "not_implemented"


@pytest.mark.filterwarnings("ignore")  # langchain-perplexity's own ("stop was transferred")
def test_perplexitys_model_kwargs_hold_a_given_stop_and_survive_a_copy() -> None:
    partner_class = pytest.importorskip("langchain_perplexity").ChatPerplexity
    params: dict[str, Any] = {"model": "sonar", "api_key": _KEY, "stop": ["x"]}
    llm = chatplex.langchain.ChatPerplexity(**params, model_kwargs={"user": "u1"})
    partner = partner_class(**params, model_kwargs={"user": "u1"})
    assert llm.model_kwargs == partner.model_kwargs == {"user": "u1", "stop": ["x"]}
    copied, _ = llm.configurable_fields(temperature=ConfigurableField(id="t"))._prepare(
        {"configurable": {"t": 0.5}}
    )
    assert copied.model_kwargs == llm.model_kwargs and copied.temperature == 0.5


def test_an_engine_is_built_as_its_partner_holds_and_refuses_the_keywords() -> None:
    from chatplex.langchain.partner_fields import built_as_partner
    from chatplex.providers.compatible.dropin import ChatMistralAI as mistral
    from chatplex.providers.openai.dropin import ChatOpenAI as openai

    # An int timeout as the float langchain-openai holds; Mistral's partner types it int.
    assert built_as_partner(openai, {"api_key": "k", "timeout": 5}).timeout == 5.0
    assert type(built_as_partner(openai, {"api_key": "k", "timeout": 5}).timeout) is float
    assert type(built_as_partner(mistral, {"api_key": "k", "timeout": 5}).timeout) is int
    # A value of the wrong type: a ValueError (pydantic's ValidationError in a validator);
    # a name the engine does not take stays a TypeError.
    with pytest.raises(ValueError, match="stop must be"):
        built_as_partner(openai, {"api_key": "k", "stop": 5})
    with pytest.raises(TypeError, match="did you mean 'temperature'"):
        built_as_partner(openai, {"api_key": "k", "temprature": 0})


def test_a_records_default_hooks_look_its_profile_up_by_the_models_name() -> None:
    from chatplex.chat.model import ChatModel
    from chatplex.chat.partner_record import PartnerHooks

    engine = ChatModel(None, "models/m-001")
    # The defaults: the model's own name, the profile as found, the model's own target.
    assert PartnerHooks().profile_names(engine) == ("models/m-001",)
    assert PartnerHooks().profile(engine, {}) is None
    assert PartnerHooks().structured_target(engine, "json_mode", {}) == (engine, "json_mode")


#: The partners' SDK objects (their clients, langchain-ibm's model and gateway): their
#: validators build and set them, the drop-ins build theirs when first read.
_SDK_FIELDS = {*SDK_CLIENT_ATTRIBUTES, "watsonx_model", "watsonx_model_gateway"}
#: Counted as set by the partner alone, and why.
_SET_BY_THE_PARTNER_ALONE = {
    ("ChatVertexAI", "full_model_name"): (
        "langchain-google-vertexai writes its resource name once, at construction; the "
        "drop-in names the model again from its fields (a copy with another model_name "
        "sends that model), so the name is never held as given"
    ),
}


@pytest.mark.filterwarnings("ignore")  # the partners' own
@pytest.mark.parametrize("name", _NAMES)
def test_a_copy_counts_as_set_what_the_partners_copy_counts(name: str) -> None:
    dropin, partner = _pair(name, {})
    alone = {field for owner, field in _SET_BY_THE_PARTNER_ALONE if owner == name}
    for update in (None, {"temperature": 0.5}):
        ours, theirs = dropin.model_copy(update=update), partner.model_copy(update=update)
        assert ours.model_fields_set - _SDK_FIELDS == theirs.model_fields_set - _SDK_FIELDS - alone
