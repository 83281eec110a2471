"""`PartnerFields.written`: a construction's keywords in the partner class's serialized
form (its field names, the defaults it writes, floats, credential references);
`IdentifyingParams.of`: the identifying params it reports of them."""

from __future__ import annotations

from types import SimpleNamespace

from chatplex.chat.partner_form import Fallback
from chatplex.chat.partner_form import IdentifyingParams
from chatplex.chat.partner_form import PartnerFields
from chatplex.chat.partner_form import partner_fields
from chatplex.chat.partner_form import secret_reference
from chatplex.chat.partner_form import serialized_form
from chatplex.secret import Secret

FORM = PartnerFields(
    aliases={"model": "model_name", "api_key": "x_api_key", "timeout": "request_timeout"},
    defaults={"n": 1, "stream_usage": True},
    secrets={"x_api_key": "X_API_KEY", "x_token": "X_TOKEN"},
    floats=frozenset({"temperature", "request_timeout"}),
)


def test_keywords_are_written_under_the_partners_field_names_with_its_defaults() -> None:
    written = FORM.written({"model": "m", "timeout": 60, "max_tokens": 100}, {})
    assert written == {
        "model_name": "m",
        "request_timeout": 60.0,
        "max_tokens": 100,
        "n": 1,
        "stream_usage": True,
    }
    assert isinstance(written["request_timeout"], float)
    assert not isinstance(written["max_tokens"], float)  # an int field stays an int


def test_a_given_value_wins_over_a_default_even_falsy() -> None:
    written = FORM.written({"n": 2, "stream_usage": False}, {})
    assert written["n"] == 2 and written["stream_usage"] is False


def test_falsy_values_are_written_as_langchain_writes_them() -> None:
    # None and False are the defaults of the fields not listed: left out; 0 and [] are not.
    written = FORM.written({"top_p": None, "logprobs": False, "temperature": 0, "stop": []}, {})
    assert "top_p" not in written and "logprobs" not in written
    assert written["temperature"] == 0.0 and isinstance(written["temperature"], float)
    assert written["stop"] == []


def test_a_zero_temperature_is_written_as_the_partner_raises_it() -> None:
    form = PartnerFields(zero_temperature=1e-8)
    assert form.written({"temperature": 0}, {}) == {"temperature": 1e-8}
    assert form.written({"temperature": 0.5}, {}) == {"temperature": 0.5}
    assert form.written({"temperature": True}, {}) == {"temperature": True}  # not a number


def test_credentials_are_references_given_or_from_the_environment_never_values() -> None:
    given = {"api_key": Secret("sk-given"), "base_url": Secret("http://u:pw@host")}
    written = FORM.written(given, {"X_TOKEN": "t-env", "OTHER": "o"})
    assert written["x_api_key"] == secret_reference("X_API_KEY")
    assert written["x_token"] == secret_reference("X_TOKEN")
    assert "base_url" not in written  # a URL holding a credential is never written
    assert "sk-given" not in repr(written) and "t-env" not in repr(written)
    assert "x_token" not in FORM.written({}, {"X_TOKEN": ""})  # set but empty: none


def test_excluded_fields_are_never_written() -> None:
    form = PartnerFields(excluded=frozenset({"credentials"}))
    assert form.written({"credentials": object(), "project": "p"}, {}) == {"project": "p"}


def test_changed_settings_are_written_without_the_defaults() -> None:
    assert FORM.written({"model": "m2"}, {}, defaults=False) == {"model_name": "m2"}


def test_filled_fields_are_read_from_the_engine_as_json_values() -> None:
    form = PartnerFields(
        filled={"provider": "provider_name", "choices": "tool_choices", "n": "adapter.n"}
    )
    engine = SimpleNamespace(
        provider_name="anthropic", tool_choices=("auto", "any"), adapter=SimpleNamespace(n=3)
    )
    written = form.written({}, {}, engine=engine)
    assert written == {"provider": "anthropic", "choices": ["auto", "any"], "n": 3}
    assert form.written({"provider": "meta"}, {}, engine=engine)["provider"] == "meta"
    assert form.written({}, {}) == {}  # no engine: nothing filled


def test_completed_fields_are_written_from_the_engine_where_it_completed_them() -> None:
    form = PartnerFields(completed={"fields": "partner_fields"})
    given = {"fields": {"top_k": 5}}
    done = SimpleNamespace(partner_fields={"thinking": "on", "top_k": 5})
    assert form.written(given, {}, engine=done) == {"fields": {"thinking": "on", "top_k": 5}}
    untouched = SimpleNamespace(partner_fields=None)
    assert form.written(given, {}, engine=untouched) == given
    assert form.written(given, {}) == given  # no engine: as given


def test_fallbacks_are_written_as_the_partners_validators_fill_them() -> None:
    usage = Fallback(True, unless=("base", "BASE_URL"))
    form = PartnerFields(
        fallbacks={"url": Fallback("https://x", ("X_URL", "X_BASE")), "usage": usage}
    )
    assert form.written({}, {}) == {"url": "https://x", "usage": True}
    environ = {"X_URL": "", "X_BASE": "http://b"}  # the first variable set
    assert form.written({}, environ)["url"] == "http://b"
    assert form.written({"url": "http://u", "usage": None}, environ) == {
        "url": "http://u",
        "usage": True,
    }
    # Its default is None: a given False is written; given "base" (or BASE_URL set): unset.
    assert form.written({"usage": False}, {})["usage"] is False
    assert "usage" not in form.written({"base": "http://h"}, {})
    assert "usage" not in form.written({}, {"BASE_URL": "http://h"})
    assert form.written({}, {}, defaults=False) == {}  # settings changed on a built model
    unset = PartnerFields(fallbacks={"base": Fallback(None, ("B",))})
    assert unset.written({}, {}) == {} and unset.written({}, {"B": "h"}) == {"base": "h"}
    # As data (a provider's spec): its fields in order.
    read = partner_fields({"fallbacks": {"url": ("https://x", ("X_URL",))}})
    assert read is not None and read.fallbacks == {"url": Fallback("https://x", ("X_URL",))}


def test_inert_defaults_given_at_their_value_are_not_handed_on() -> None:
    form = PartnerFields(
        aliases={"model": "model_name"},
        defaults={"max_concurrent_requests": 64, "n": 1},
        inert=frozenset({"max_concurrent_requests"}),
    )
    given = {"model_name": "m", "max_concurrent_requests": 64, "n": 1}
    assert form.settable(given) == {"model_name": "m", "n": 1}  # n is not inert
    changed = {"max_concurrent_requests": 8}
    assert form.settable(changed) == changed  # another value: the drop-in's to refuse


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
    reading = partner_fields({"serialized": False, "environment": {"x_org": "X_ORG"}})
    assert reading is not None and reading.environment == {"x_org": "X_ORG"}
    assert serialized_form(reading) is None


def test_aliases_and_kept_keywords_are_indexed_by_field_in_their_order() -> None:
    form = PartnerFields(
        aliases={"model": "model_name", "name": "model_name", "api_key": "openai_api_key"},
        kept_in={"stop": "model_kwargs", "seed": "model_kwargs"},
    )
    assert form.aliases_of == {"model_name": ("model", "name"), "openai_api_key": ("api_key",)}
    assert form.kept_of == {"model_kwargs": ("stop", "seed")}
