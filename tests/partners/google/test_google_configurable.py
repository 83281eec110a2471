"""ChatGoogleGenerativeAI and ChatVertexAI side by side on configurable fields that are
the partner class's own (not langchain-core's): `configurable_fields(thinking_budget=...,
max_output_tokens=...)` takes them, each call's configured value rebuilds the model with
it (what is sent changes), the config schema names them (their types and descriptions
are not the partner's: left), and a name neither class has is refused alike.
`model_copy(update=...)` of the same fields, beside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.partners.google import test_google_sidebyside as gemini
from tests.partners.google._suites import gemini_suite
from tests.partners.google._suites import vertex_suite
from tests.partners.vertex import test_vertex_sidebyside as vertex

configurable = pytest.importorskip("langchain_core.runnables")


def _refused(run: Callable[[], Any]) -> str:
    """The class of what `run` raised (its words list each class's fields)."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return type(exc).__name__
    return "nothing raised"


def _configured(model: Any) -> Any:
    field = configurable.ConfigurableField
    chat = model.configurable_fields(
        temperature=field(id="temperature"),
        thinking_budget=field(id="budget", name="Thinking budget"),
        max_output_tokens=field(id="longest"),
    )
    plain = chat.invoke("Hi")
    given = {"configurable": {"budget": 0, "longest": 9, "temperature": 0.5}}
    schema = chat.get_config_jsonschema()["$defs"]["Configurable"]["properties"]
    copied = model.model_copy(update={"thinking_budget": 7, "max_output_tokens": 50})
    return {
        "plain": plain,
        "configured": chat.invoke("Hi", config=given),
        "schema": {k: v.get("title") for k, v in schema.items()},  # (not their types)
        "copied": [copied.invoke("Hi"), copied.thinking_budget, copied.max_output_tokens],
        "unknown": _refused(lambda: model.configurable_fields(nothing=field(id="x"))),
    }


def gemini_partner_fields(cls: Any, url: str) -> Any:
    return _configured(gemini.model(cls, url, temperature=0.2))


def vertex_partner_fields(cls: Any, url: str) -> Any:
    return _configured(vertex.model(cls, url, temperature=0.2))


GEMINI_SUITE = gemini_suite(
    {"partner_fields": (gemini.gemini_replies(), gemini_partner_fields)},
)
VERTEX_SUITE = vertex_suite(
    {"partner_fields": (vertex.vertex_replies(), vertex_partner_fields)},
)
test_gemini_configurable_same_as_langchain = GEMINI_SUITE.same_test()
test_vertex_configurable_same_as_langchain = VERTEX_SUITE.same_test()
