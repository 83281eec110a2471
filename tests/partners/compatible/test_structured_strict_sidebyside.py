"""`strict=` on every structured-output method, and `generate()` over a cached reply, side
by side: ChatOpenAI and the OpenAI-compatible partner packages, each script run with the
partner's class and with chatplex's against a scripted server.

Each partner decides what `with_structured_output(..., strict=True)` does per method:
langchain-openai raises for JSON mode and sends the schema strict otherwise;
langchain-fireworks and -mistralai pop the keyword before looking at the method (their
requests carry no `additionalProperties: false` it would add, and JSON mode works);
langchain-xai's function calling and langchain-groq's json_schema drop a True alone, and
send `strict=False` as given; langchain-groq names a json_schema's `strict` (and its
schema as strict as sent) in the run's traced format, where one is sent.

A reply served from a model's cache comes as a row without `llm_output`: `generate()`
still reports what the partner's `_combine_llm_outputs` makes of no rows (its
`token_usage` empty and its own `model_name`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

lc = pytest.importorskip("langchain_core.messages")
pydantic = pytest.importorskip("pydantic")

#: The classes compared: ChatOpenAI's and every compatible partner package's; ChatGroq
#: on a model it keeps a json_schema's strict on too.
CLASSES = {
    "openai": OPENAI,
    **PACKAGES,
    "groq strict model": dataclasses.replace(PACKAGES["groq"], model="openai/gpt-oss-20b"),
}


class Sum(pydantic.BaseModel):
    """A sum."""

    total: int = pydantic.Field(description="the total")


def _model(cls: Any, p: Package, url: str, **more: Any) -> Any:
    if p.base_in_environment:  # run_script has set it
        return cls(model=p.model, api_key=KEY, **more)
    return cls(model=p.model, api_key=KEY, base_url=p.base(url), **more)


def _strict_each_method(cls: Any, p: Package, url: str, strict: bool) -> Any:
    """`strict=` with each method: the parsed object and the run's traced format (what
    a callback's `on_chat_model_start` gets), or the error's class."""
    from langchain_core.callbacks import BaseCallbackHandler

    found: dict[str, Any] = {}

    class Started(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            found[f"{method} traced"] = kwargs["options"].get("ls_structured_output_format")

    for method in ("json_schema", "function_calling", "json_mode"):
        try:
            structured = _model(cls, p, url).with_structured_output(
                Sum, method=method, strict=strict
            )
            found[method] = structured.invoke("1+2?", config={"callbacks": [Started()]})
        except Exception as exc:  # noqa: BLE001 - what it raises is compared
            found[method] = {"raised": type(exc).__name__}
    return found


def strict_each_method(cls: Any, p: Package, url: str) -> Any:
    return _strict_each_method(cls, p, url, strict=True)


def not_strict_each_method(cls: Any, p: Package, url: str) -> Any:
    """`strict=False`: sent as such where the partner drops only a True."""
    return _strict_each_method(cls, p, url, strict=False)


def cached_generate(cls: Any, p: Package, url: str) -> Any:
    """A model with its own cache: the second `generate()` is served from it."""
    from langchain_core.caches import InMemoryCache

    model = _model(cls, p, url, cache=InMemoryCache())
    first, second = (model.generate([[lc.HumanMessage("hi")]]) for _ in range(2))
    return {
        "first": first.llm_output,
        "second": second.llm_output,
        "message": second.generations[0][0].message,
        "info": second.generations[0][0].generation_info,
    }


SCRIPTS = {
    "strict_each_method": (Script('{"total": 3}', tool_args={"total": 3}), strict_each_method),
    "not_strict_each_method": (
        Script('{"total": 3}', tool_args={"total": 3}),
        not_strict_each_method,
    ),
    "cached_generate": (Script(), cached_generate),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("package", sorted(CLASSES))
def test_same_as_the_partner_package(package: str, name: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(CLASSES[package], *SCRIPTS[name], server))
