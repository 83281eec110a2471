"""Each drop-in's declared partner fields (`PartnerClass.declared`) are its partner class's
own pydantic fields (not `BaseChatModel`'s): the same names, annotations, defaults,
aliases and exclusions, and each environment variable declared is one the partner reads
that field from. A difference is listed with its reason, and a listed one must still
differ."""

from __future__ import annotations

import inspect
import os
from importlib import import_module
from typing import Any

import pytest

from chatplex.chat.partner_record import REQUIRED
from chatplex.chat.partner_record import PartnerClass
from chatplex.chat.partner_record import PartnerField
from chatplex.dropins import DROP_IN_MODULES
from tests.partners._builds import PARTNER_BUILDS

BaseChatModel = pytest.importorskip("langchain_core.language_models").BaseChatModel
PydanticUndefined = pytest.importorskip("pydantic_core").PydanticUndefined

#: (drop-in name, field name, fact) -> why the declared one differs from the partner's
#: ("name": the field itself is declared by one side only).
DIFFERENCES: dict[tuple[str, str, str], str] = {
    # (ibm-watsonx-ai's classes, which chatplex does not depend on)
    **{
        ("ChatWatsonx", field, "annotation"): "an ibm-watsonx-ai class: not a dependency"
        for field in ("params", "watsonx_model", "watsonx_model_gateway", "watsonx_client")
    },
    # An annotation naming an SDK's type: chatplex loads no Google SDK, so the plain
    # values the partner takes are declared.
    ("ChatGoogleGenerativeAI", "client", "annotation"): "google-genai's Client (an SDK object)",
    ("ChatGoogleGenerativeAI", "media_resolution", "annotation"): "google-genai's str enum",
    ("ChatGoogleGenerativeAI", "response_modalities", "annotation"): "google-genai's str enum",
    ("ChatGoogleGenerativeAI", "safety_settings", "annotation"): "google-genai's str enums",
    ("ChatGoogleGenerativeAI", "thinking_config", "annotation"): (
        "google-genai's ThinkingConfig, made a dict by its field validator"
    ),
    ("ChatVertexAI", "client_options", "annotation"): "google-api-core's ClientOptions",
    ("ChatVertexAI", "examples", "annotation"): "langchain-core's messages (no LangChain below)",
    ("ChatVertexAI", "response_modalities", "annotation"): "the Vertex AI SDK's int enum",
    ("ChatVertexAI", "safety_settings", "annotation"): (
        "the Vertex AI SDK's SafetySetting list or int-enum dict"
    ),
    ("ChatAnthropicVertex", "client_options", "annotation"): "google-api-core's ClientOptions",
    ("ChatAnthropicVertex", "credentials", "annotation"): "google-auth's Credentials",
    ("ChatAnthropicVertex", "response_modalities", "annotation"): "the Vertex AI SDK's int enum",
    ("ChatAnthropicVertex", "safety_settings", "annotation"): (
        "the Vertex AI SDK's SafetySetting list or int-enum dict"
    ),
    # A kept difference (agents matrix `read_timeout`, Reason.RAISES): langchain-aws's int
    # field refuses timeout=0.1 at construction; the drop-in times the call out.
    ("ChatBedrockConverse", "timeout", "annotation"): "a float timeout taken (its int refuses)",
    # ... and compatible_sidebyside `fractional_timeout` (Reason.RAISES): langchain-mistralai's.
    ("ChatMistralAI", "timeout", "annotation"): "a float timeout taken (its int refuses)",
    **dict.fromkeys(
        [("ChatPerplexity", f, "annotation") for f in ("web_search_options", "media_response")],
        "langchain-perplexity's own types: chatplex imports no partner package",
    ),
}

#: The value a variable is set to when checking that a field is read from it, where a
#: plain string would not pass the partner's validation.
ENV_VALUES: dict[str, str] = {
    "LANGCHAIN_OPENAI_STREAM_CHUNK_TIMEOUT_S": "7.5",
    # (the Vertex AI SDK checks a region it reads: ChatVertexAI's location)
    "GOOGLE_CLOUD_REGION": "europe-west4",
    "CLOUD_ML_REGION": "europe-west4",
    "OPENAI_PROXY": "http://proxy.example:8080",  # its httpx clients are built through it
    "CEREBRAS_PROXY": "http://proxy.example:8080",  # the same (langchain-cerebras')
    "WATSONX_URL": "https://eu-de.ml.cloud.ibm.com",  # ibm-watsonx-ai takes IBM's alone
}

#: Keywords given beside a variable where the partner checks its field together with
#: another (langchain-aws: an access key id without its secret key raises).
ENV_KEYWORDS: dict[str, dict[str, str]] = {
    "AWS_ACCESS_KEY_ID": {"aws_secret_access_key": "s"},
    "AWS_SECRET_ACCESS_KEY": {"aws_access_key_id": "a"},
    "AWS_SESSION_TOKEN": {"aws_access_key_id": "a", "aws_secret_access_key": "s"},
}


def record(name: str) -> PartnerClass:
    return getattr(import_module(DROP_IN_MODULES[name]), name)


def partner_class(name: str) -> Any:
    if record(name).partner_class is None:
        pytest.skip(f"{name} has no partner class: its fields are its own")
    if name not in PARTNER_BUILDS:  # its partner package is not installed here
        pytest.skip(f"{name}'s partner package is not installed")
    return getattr(pytest.importorskip(PARTNER_BUILDS[name][0]), name)


def own_fields(cls: Any) -> dict[str, Any]:
    return {n: f for n, f in cls.model_fields.items() if n not in BaseChatModel.model_fields}


def partner_facts(field: Any) -> dict[str, Any]:
    if field.default_factory is None:
        default = REQUIRED if field.default is PydanticUndefined else field.default
    else:
        default = field.get_default(call_default_factory=True, validated_data={})
    return {
        "annotation": field.annotation,
        "default": default,
        "alias": field.alias,
        "excluded": bool(field.exclude),
    }


def declared_facts(field: PartnerField) -> dict[str, Any]:
    return {
        "annotation": field.annotation,
        "default": field.default_value(),
        "alias": field.alias,
        "excluded": field.excluded,
    }


def declared(name: str) -> tuple[PartnerField, ...]:
    fields = record(name).declared
    assert fields, f"{name}'s fields are not declared"
    return fields


@pytest.fixture
def no_declared_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every variable any record declares is unset: defaults are the partner's own."""
    for name in DROP_IN_MODULES:
        for field in record(name).declared:
            for variable in field.env:
                monkeypatch.delenv(variable, raising=False)


@pytest.mark.usefixtures("no_declared_variables")
@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_the_declared_fields_are_the_partners(name: str) -> None:
    fields = {f.name: f for f in declared(name)}
    theirs = own_fields(partner_class(name))
    found: dict[tuple[str, str, str], str] = {}
    for field in sorted(set(fields) ^ set(theirs)):
        found[(name, field, "name")] = "declared" if field in fields else "not declared"
    for field in sorted(set(fields) & set(theirs)):
        ours, partner = declared_facts(fields[field]), partner_facts(theirs[field])
        for fact in ours:
            if ours[fact] != partner[fact]:
                found[(name, field, fact)] = f"{ours[fact]!r} != {partner[fact]!r}"
    listed = {key for key in DIFFERENCES if key[0] == name}
    assert {k: v for k, v in found.items() if k not in listed} == {}
    assert sorted(listed - set(found)) == []  # a listed difference still differs


# (langchain-google-vertexai's ChatVertexAI warns of its deprecation when built)
@pytest.mark.filterwarnings(
    r"ignore:(The class `ChatVertexAI` was deprecated|Use \[`ChatGoogleGenerativeAI`\])"
    ":DeprecationWarning"
)
@pytest.mark.filterwarnings(  # (langchain-ibm's and its SDK's, reading older variables)
    "ignore:Environment variable 'WATSONX_APIKEY' is deprecated:DeprecationWarning",
    "ignore:The `instance_id` parameter is deprecated:DeprecationWarning",
)
@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_each_declared_variable_is_read_into_its_field(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields = declared(name)
    cls = partner_class(name)
    reads = [(f, variable) for f in fields for variable in f.env]
    for field, variable in reads:
        for other in {v for _, v in reads}:
            monkeypatch.delenv(other, raising=False)
        value = ENV_VALUES.get(variable, "value-from-" + variable.lower())
        monkeypatch.setenv(variable, value)
        given = {**PARTNER_BUILDS[name][1], **ENV_KEYWORDS.get(variable, {})}
        keywords = {k: v for k, v in given.items() if k not in field.spellings}
        held = getattr(cls(**keywords), field.name)
        read = held.get_secret_value() if hasattr(held, "get_secret_value") else held
        # (a number's variable is read as the field's number)
        assert read == value or str(read) == value, (field.name, variable, os.environ.get(variable))


@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_the_declared_fields_hold_what_its_form_names(name: str) -> None:
    """Without the partner package too: each field the record's form dumps or shows (but
    LangChain's own) is declared once, and each alias the form knows is the field's."""
    fields = declared(name)
    names = [f.name for f in fields]
    assert len(set(names)) == len(names)
    form = record(name).fields
    if form is None:
        return
    base = set(BaseChatModel.model_fields)
    assert sorted({*form.dumped, *form.shown} - base - set(names)) == []
    aliases = {f.alias: f.name for f in fields if f.alias is not None}
    assert {k: v for k, v in form.aliases.items() if k in aliases and aliases[k] != v} == {}


@pytest.mark.parametrize(
    "name", [n for n in sorted(DROP_IN_MODULES) if record(n).partner_class is None]
)
def test_a_class_with_no_partner_declares_settings_its_engine_takes(name: str) -> None:
    """No partner class declares them (ChatHyperbolic): each field, and each alias, is a
    keyword its model is built from (its record's `build`, else its engine's), so what
    the class took before it had fields still reaches its model under the same names."""
    found = getattr(import_module(DROP_IN_MODULES[name]), name)
    spellings = [spelling for f in declared(name) for spelling in f.spellings]
    build = found.build if isinstance(found, PartnerClass) else None
    if build is None:
        taken = inspect.signature(found).parameters
        assert [spelling for spelling in spellings if spelling not in taken] == []
        return
    for spelling in spellings:  # (an unknown keyword is a TypeError naming it)
        assert build({spelling: None, "model": "m", "api_key": "k"}).model == "m"
    with pytest.raises(TypeError, match="no_such_setting"):
        build({"model": "m", "api_key": "k", "no_such_setting": None})
