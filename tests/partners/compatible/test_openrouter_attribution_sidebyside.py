"""ChatOpenRouter's app attribution headers (`HTTP-Referer`, `X-Title`,
`X-OpenRouter-Categories`) side by side with langchain-openrouter's class, against the
suite's scripted server: its `app_url` / `app_title` fields default to its variables
(`OPENROUTER_APP_URL` / `OPENROUTER_APP_TITLE`), else to LangChain's own
("https://docs.langchain.com", "LangChain"); None or empty sends none; `default_headers`
win over them whatever their case. And a structured call as it sends it (json_mode,
which it has not, taken as json_schema with its warning). Measured against its 0.2.9
wheel with openrouter 0.10.8 (both dev dependencies).
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import run_both
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import answer

OPENROUTER = Package(
    "openrouter",
    "langchain_openrouter",
    "ChatOpenRouter",
    "openrouter",
    "openai/gpt-4o-mini",
    "OPENROUTER_API_BASE",
    "OPENROUTER_API_KEY",
    "/api/v1",
    "deepseek/deepseek-r1",
)
VARIABLES = ("OPENROUTER_APP_URL", "OPENROUTER_APP_TITLE")
ATTRIBUTION = ("http-referer", "x-title", "x-openrouter-categories")

#: Case -> (the variables set, the constructor's keywords).
CASES: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "defaults": ({}, {}),
    "from_variables": (
        {"OPENROUTER_APP_URL": "https://env.example", "OPENROUTER_APP_TITLE": "Env"},
        {},
    ),
    "empty_variables": ({"OPENROUTER_APP_URL": "", "OPENROUTER_APP_TITLE": ""}, {}),
    "none_given": ({"OPENROUTER_APP_URL": "https://env.example"}, {"app_url": None}),
    "empty_given": ({}, {"app_url": "", "app_title": "Mine"}),
    "given": ({}, {"app_url": "https://me.example", "app_title": "Me"}),
    "categories": ({}, {"app_categories": ["cli-agent", "programming-app"]}),
    "default_headers_win": (
        {},
        {"default_headers": {"x-title": "Hdr", "HTTP-REFERER": "https://h.example"}},
    ),
}


def _invoked(cls: Any, server: ScriptedServer, given: dict[str, Any]) -> Any:
    base = OPENROUTER.base(server.url)
    return cls(model=OPENROUTER.model, api_key=KEY, base_url=base, max_retries=0, **given)


@pytest.mark.parametrize("case", sorted(CASES))
def test_attribution_as_langchain_openrouter_sends_it(
    case: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = OPENROUTER.partner()
    ours = chatplex.langchain.ChatOpenRouter
    variables, given = CASES[case]
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    server.handler = answer(Script(), OPENROUTER)
    outcome = run_both(
        server,
        lambda: _invoked(theirs, server, given).invoke("Hi").content,
        lambda: _invoked(ours, server, given).invoke("Hi").content,
        result=observe,
        request=compared_headers(ATTRIBUTION),
        collect=True,
    )
    assert_same(outcome)


def _structured(cls: Any, server: ScriptedServer, method: str) -> Any:
    """`with_structured_output(Sum, method=...)` invoked, with the warnings it gave."""
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model = _invoked(cls, server, {}).with_structured_output(Sum, method=method)
        reply = model.invoke("1+2?")
    said = sorted({str(w.message) for w in seen if issubclass(w.category, UserWarning)})
    return {"reply": reply.model_dump(), "warned": said}


@pytest.mark.parametrize("method", ["json_mode", "json_schema"])
def test_a_structured_call_as_langchain_openrouter_sends_it(
    method: str, server: ScriptedServer
) -> None:
    # langchain-openrouter has no json_mode: it warns and sends a json_schema format.
    server.handler = answer(Script(content='{"total": 3}'), OPENROUTER)
    outcome = run_both(
        server,
        lambda: _structured(OPENROUTER.partner(), server, method),
        lambda: _structured(chatplex.langchain.ChatOpenRouter, server, method),
        result=observe,
        request=plain_request,
        collect=True,
    )
    assert_same(outcome)
