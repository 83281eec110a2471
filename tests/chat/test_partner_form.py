"""`PartnerFields`: what a partner class's validators fill (`fallen_back`), a value as its
field holds it (`typed`, `held`); `IdentifyingParams.of`: the identifying params it
reports of its fields."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chatplex.chat.partner_form import Fallback
from chatplex.chat.partner_form import IdentifyingParams
from chatplex.chat.partner_form import PartnerFields
from chatplex.chat.partner_form import partner_fields
from chatplex.chat.partner_form import serialized_form

FORM = PartnerFields(
    aliases={"model": "model_name", "api_key": "x_api_key", "timeout": "request_timeout"},
    defaults={"n": 1, "stream_usage": True},
    secrets={"x_api_key": "X_API_KEY", "x_token": "X_TOKEN"},
    floats=frozenset({"temperature", "request_timeout"}),
)


def test_fallbacks_are_filled_as_the_partners_validators_fill_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def environ(**variables: str) -> None:
        for name in ("X_URL", "X_BASE", "BASE_URL", "B", "ORG"):
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    usage = Fallback(True, unless=("base", "BASE_URL"))
    form = PartnerFields(
        fallbacks={"url": Fallback("https://x", ("X_URL", "X_BASE")), "usage": usage}
    )
    environ()
    assert form.fallen_back({}) == {"url": "https://x", "usage": True}
    environ(X_URL="", X_BASE="http://b")  # the first variable set
    assert form.fallen_back({"url": None})["url"] == "http://b"  # None: not given
    assert form.fallen_back({"url": "u"}) == {"usage": True}  # given: not filled
    assert form.fallen_back({"url": ""}) == {"usage": True}  # (empty: given too)
    # Given "base" (or BASE_URL set): usage left unset.
    environ()
    assert "usage" not in form.fallen_back({"base": "http://h"})
    environ(BASE_URL="http://h")
    assert "usage" not in form.fallen_back({})
    unset = PartnerFields(fallbacks={"base": Fallback(None, ("B",))})
    environ()
    assert unset.fallen_back({}) == {}
    environ(B="h")
    assert unset.fallen_back({}) == {"base": "h"}
    # `empty`: an empty value is filled too (langchain-openai's `org or os.getenv(...)`),
    # to None where no variable is set.
    org = PartnerFields(fallbacks={"org": Fallback(None, ("ORG",), empty=True)})
    environ(ORG="o")
    assert org.fallen_back({"org": ""}) == {"org": "o"}
    assert org.fallen_back({"org": "mine"}) == {}
    environ()
    assert org.fallen_back({"org": ""}) == {"org": None}
    # As data (a provider's spec): its fields in order.
    read = partner_fields({"fallbacks": {"url": ("https://x", ("X_URL",))}})
    assert read is not None and read.fallbacks == {"url": Fallback("https://x", ("X_URL",))}


REPORTED = IdentifyingParams(
    always={"model_name": "model_name", "stream": "streaming", "trace": "guardrails.trace"},
    unless_none={"temperature": "temperature"},
    unless_empty={"stop": "stop"},
    derived={"provider": "adapter.vendor"},
    spread="model_kwargs",
    unset={"model_kwargs": {"default": 1}},
)
ENGINE = SimpleNamespace(adapter=SimpleNamespace(vendor="v"))


def test_identifying_params_read_the_partners_fields_each_by_its_rule() -> None:
    values = {
        "model_name": "m",
        "streaming": True,
        "guardrails": {"trace": "on"},
        "temperature": 0.0,
        "stop": ["x"],
        "model_kwargs": {"user": "u"},
    }
    assert REPORTED.of(values, ENGINE) == {
        "model_name": "m",
        "stream": True,
        "trace": "on",
        "provider": "v",
        "temperature": 0.0,  # falsy, but not None: reported
        "stop": ["x"],
        "user": "u",
    }


def test_unset_fields_are_none_or_left_out_or_their_unset_value() -> None:
    assert REPORTED.of({"stop": []}, ENGINE) == {
        "model_name": None,
        "stream": None,
        "trace": None,
        "provider": "v",
        "default": 1,
    }


def test_invocation_params_put_the_first_keys_before_langchains_and_may_repeat() -> None:
    first = IdentifyingParams(
        always={"model_name": "model_name"}, invoked_first={"model": ("base", "model_name")}
    )
    values = {"model_name": "m", "base": None}
    assert first.invoked(values, ENGINE, {"stop": ["x"]}) == {"model": "m", "stop": ["x"]}
    assert list(first.invoked({**values, "base": "b"}, ENGINE, {})) == ["model"]
    again = IdentifyingParams(unless_none={"stop": "stop"}, invoked_again=True)
    # The field set on the model wins over the call's stop, as in langchain-fireworks.
    assert again.invoked({"stop": ["s"]}, ENGINE, {"stop": ["x"]}) == {"stop": ["s"]}
    assert IdentifyingParams().invoked({"stop": ["s"]}, ENGINE, {"stop": ["x"]}) == {"stop": ["x"]}


def test_invocation_params_end_with_the_last_keys_set_unless_the_call_gives_them() -> None:
    # langchain-google-vertexai's `thinking_budget`: the model's after LangChain's
    # params, where set; a call's keyword (in LangChain's params) stays where it is.
    last = IdentifyingParams(invoked_last={"thinking_budget": "budget"})
    langchain = {"_type": "t", "stop": None}
    assert list(last.invoked({"budget": 128}, ENGINE, langchain).items()) == [
        ("_type", "t"),
        ("stop", None),
        ("thinking_budget", 128),
    ]
    assert last.invoked({"budget": None}, ENGINE, langchain) == langchain
    called = {"thinking_budget": 0, **langchain}
    assert list(last.invoked({"budget": 128}, ENGINE, called).items()) == list(called.items())


def test_set_fields_are_laid_into_a_mapping_key() -> None:
    merged = IdentifyingParams(
        always={"config": "config"}, merged={"config": {"effort": "reasoning_effort"}}
    )
    given = {"config": {"a": 1}, "reasoning_effort": "low"}
    assert merged.of(given, ENGINE) == {"config": {"a": 1, "effort": "low"}}
    assert merged.of({"reasoning_effort": "low"}, ENGINE) == {"config": {"effort": "low"}}
    assert merged.of({"config": None}, ENGINE) == {"config": None}  # nothing set: as given


def test_a_spec_declares_its_identifying_params_as_data() -> None:
    form = partner_fields({"aliases": {"model": "model_name"}, "identifying": {"spread": "k"}})
    assert form is not None and form.identifying == IdentifyingParams(spread="k")
    assert partner_fields({"identifying": False}) == PartnerFields(identifying=False)
    assert partner_fields({}) is None


def test_a_spec_declares_its_default_params_as_data() -> None:
    # Their own params (keywords as data), or the identifying params' keys left out.
    form = partner_fields({"default_params": {"always": {"model": "model_name"}}})
    assert form is not None and form.default_params == IdentifyingParams(
        always={"model": "model_name"}
    )
    rest = partner_fields({"identifying": {"spread": "k"}, "default_params": frozenset({"m"})})
    assert rest is not None and rest.default_params == frozenset({"m"})
    assert PartnerFields().default_params is None  # none declared: it has none


def test_a_settings_value_as_the_partners_field_holds_it() -> None:
    # What the partner's `_get_ls_params` reads: its default filled in, its float.
    engine = SimpleNamespace(adapter=SimpleNamespace(default_max_tokens=64000))
    form = PartnerFields(filled={"max_tokens": "adapter.default_max_tokens"})
    assert form.held("max_tokens", None, engine) == 64000
    assert form.held("max_tokens", 7, engine) == 7
    assert repr(form.held("temperature", 0, engine)) == "0.0"
    assert form.held("temperature", None, engine) is None
    groq = PartnerFields(zero_temperature=1e-08)
    assert groq.held("temperature", 0, engine) == 1e-08
    assert groq.held("temperature", 0.5, engine) == 0.5


def test_a_form_for_reading_only_is_not_the_serialized_form() -> None:
    assert serialized_form(FORM) is FORM
    assert serialized_form(PartnerFields(serialized=False, aliases={"a": "b"})) is None
    assert serialized_form(None) is None
    reading = partner_fields({"serialized": False, "aliases": {"org": "x_org"}})
    assert reading is not None and reading.name("org") == "x_org"
    assert serialized_form(reading) is None
