"""LiteLLM's `provider/model` names, as the "Coming from LiteLLM" page lists them: each
is refused at `init_chat_model`, before any request, by an error naming the chatplex
spelling the page gives. The cases are read from the page's table, so the page and the
code cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex.chat import init_chat_model
from chatplex.langchain import init_chat_model as langchain_init_chat_model
from chatplex.specs import litellm_prefixes

PAGE = Path(__file__).resolve().parents[3] / "docs" / "litellm.md"

#: What stands for a model name in the page's cells, and the name the test writes there.
_PLACEHOLDERS = {"<model id>": "anthropic.claude-3-haiku", "<deployment>": "my-gpt", "...": "m1"}


def _table() -> list[tuple[str, str]]:
    """(LiteLLM name, chatplex name) for every `provider/` name of the page's model-string
    table, placeholders filled in: a row's chatplex name is its first `provider:model`."""
    section = PAGE.read_text(encoding="utf-8").split("## Model strings", 1)[1].split("\n## ")[0]
    cases: list[tuple[str, str]] = []
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) < 4 or "`" not in cells[1]:
            continue
        theirs = [name for name in re.findall(r"`([^`]+)`", cells[1]) if "/" in name]
        ours = next(name for name in re.findall(r"`([^`]+)`", cells[2]) if ":" in name)
        cases.extend((_filled(name), _filled(ours)) for name in theirs)
    return cases


def _filled(name: str) -> str:
    for placeholder, value in _PLACEHOLDERS.items():
        name = name.replace(placeholder, value)
    return name


CASES = _table()


def test_the_page_lists_every_prefix_the_code_knows() -> None:
    listed = {name.rsplit("/", 1)[0] for name, _ in CASES}
    listed |= {name.split("/", 1)[0] for name, _ in CASES}
    assert len(CASES) >= 26
    assert set(litellm_prefixes()) <= listed


@pytest.mark.parametrize("build", [init_chat_model, langchain_init_chat_model])
@pytest.mark.parametrize(("litellm", "chatplex"), CASES)
def test_a_litellm_name_is_refused_naming_the_chatplex_spelling(
    build: Callable[..., Any], litellm: str, chatplex: str
) -> None:
    # With a key given, a name the provider would refuse must not build silently.
    with pytest.raises(ValueError, match=f"did you mean {re.escape(repr(chatplex))}"):
        build(litellm, api_key="k-test")


@pytest.mark.parametrize(
    "name",
    ["groq:openai/gpt-oss-120b", "openrouter:anthropic/claude-3.5-sonnet", "together:x/y"],
)
def test_a_provider_named_before_the_slash_is_not_litellm(name: str) -> None:
    provider = name.split(":", 1)[0]
    model = init_chat_model(name, api_key="k-test")
    assert model.model == name.split(":", 1)[1]
    assert model.adapter is not None and model.adapter.preset == provider


def test_the_provider_keyword_with_a_slashed_model_is_not_litellm() -> None:
    model = init_chat_model("openai/gpt-oss-120b", model_provider="groq", api_key="k-test")
    assert model.model == "openai/gpt-oss-120b"
