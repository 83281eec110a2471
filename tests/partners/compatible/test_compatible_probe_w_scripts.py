"""ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner packages
(langchain-groq, -mistralai, -deepseek, -xai, -fireworks, -together, -perplexity) in the
probe_w set's scripts (`tests/partners/_probe_w.py`), run as the compatible suite runs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import merged
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_probe_v_scripts import over
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

#: The packages these scripts run over: ChatOpenAI's, and every preset's of the table.
RUN = {"openai": OPENAI, **PACKAGES}

#: The server's answer to a script, where not `Script()`'s text.
ANSWERS = {
    "prompt_cache_marked": Script(usage=probe.CACHED_USAGE),
    "structured_streamed": Script('{"total": 3}'),
}

#: The scripts of OpenAI's own fields, run with ChatOpenAI alone.
OPENAI_ONLY = {("openai", "prompt_cache_marked"), ("openai", "structured_streamed")}

#: (package, script) -> why it is not run: the suite's reason for its named choice.
LEFT = {("perplexity", "function_tool_named"): suite.NOT_RUN["perplexity", "tool_choice_named"]}


def test_temperature_by_model_same_as_langchain_openai(server: ScriptedServer) -> None:
    """ChatOpenAI on Chat Completions: a temperature given to reasoning models."""

    def make_on(cls: Any, url: str, name: str, **more: Any) -> Any:
        return cls(model=name, api_key=suite.KEY, base_url=OPENAI.base(url), **more)

    run = lambda cls, p, url: probe.temperature_by_model(make_on)(cls, url)  # noqa: E731
    assert_same(suite.run_script(OPENAI, Script(), run, server))


def perplexity_search_settings(cls: Any, p: Package, url: str) -> Any:
    """Perplexity's search settings given to the constructor (a mode, domain and
    recency filters, images and related questions, web search options, a media
    response): invoked and streamed."""
    from langchain_perplexity.types import MediaResponse
    from langchain_perplexity.types import WebSearchOptions

    model = suite._model(
        cls,
        p,
        url,
        search_mode="academic",
        search_domain_filter=["arxiv.org"],
        search_recency_filter="week",
        return_images=True,
        return_related_questions=True,
        last_updated_after_filter="1/1/2025",
        web_search_options=WebSearchOptions(search_context_size="high", search_type="pro"),
        media_response=MediaResponse(overrides={"return_videos": True}),
    )
    return [model.invoke("News?"), merged(list(model.stream("News?")))]


def test_perplexity_search_same_as_langchain_perplexity(server: ScriptedServer) -> None:
    outcome = suite.run_script(PACKAGES["perplexity"], Script(), perplexity_search_settings, server)
    assert_same(outcome)


@pytest.mark.parametrize(
    ("package", "name"),
    sorted({(p, n) for p in RUN for n in probe.EVERY_WIRE} - set(LEFT) | OPENAI_ONLY),
)
def test_probe_w_same_as_the_partner_package(
    package: str, name: str, server: ScriptedServer
) -> None:
    """The shared script over the package's constructor, with its class and chatplex's."""
    run = over(probe.FACTORIES[name])  # type: ignore[arg-type]
    assert_same(suite.run_script(RUN[package], ANSWERS.get(name, Script()), run, server))
