"""`configurable_alternatives` beside langchain-core's: the names, specs, schema and
errors a ported script prints."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core._families import same


def _alternatives(m: Any) -> Any:
    return m.ChatPromptTemplate.from_template("joke about {t}").configurable_alternatives(
        m.ConfigurableField(id="prompt", name="Prompt kind"),
        default_key="joke",
        poem=m.ChatPromptTemplate.from_template("poem about {t}"),
    )


def test_an_alternatives_specs_and_schema_list_the_keys() -> None:
    def scenario(m: Any) -> Any:
        alt = _alternatives(m)
        (spec,) = alt.config_specs
        return (
            alt.get_name(),
            spec.id,
            spec.default,
            repr(spec.annotation),
            [e.value for e in spec.annotation],
            alt.config_schema().model_json_schema(),
            (alt | m.StrOutputParser()).config_schema().model_json_schema(),
        )

    same(scenario)


def test_an_unknown_alternative_is_refused_in_langchains_words() -> None:
    def scenario(m: Any) -> str:
        with pytest.raises(ValueError) as info:
            _alternatives(m).invoke({"t": 1}, {"configurable": {"prompt": "sonnet"}})
        return str(info.value)

    assert same(scenario) == "Unknown alternative: sonnet"


def test_configurable_fields_are_named_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        tpl = m.PromptTemplate.from_template("Hello {name}").configurable_fields(
            template=m.ConfigurableField(id="tpl")
        )
        return tpl.get_name(), tpl.config_schema().model_json_schema()["title"]

    same(scenario)


def test_a_configurable_fields_spec_and_schema_name_its_type_as_langchains() -> None:
    """A field given no annotation is typed as the runnable declares it (LangChain reads
    the pydantic field's): `str` and `"type": "string"` for a template, not None."""

    def scenario(m: Any) -> Any:
        tpl = m.PromptTemplate.from_template("Hello {name}").configurable_fields(
            template=m.ConfigurableField(id="tpl")
        )
        (spec,) = tpl.config_specs
        return spec.annotation, tpl.config_schema().model_json_schema()

    assert same(scenario)[0] is str
