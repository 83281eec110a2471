"""A tool, tool choice or output schema no request can carry is refused by a drop-in with
an error the partner's `except` catches: LangChain's partners raise ValueError there
(langchain-core's `convert_to_openai_tool`, their `tool_choice` checks), chatplex a
`ToolDefinitionError`, which is a ValueError and a TypeError (chatplex's own family's
class for it). Each case runs on the partner class too: its error must be a ValueError,
and the drop-in's an instance of the partner's error's class."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._builds import PARTNER_BUILDS

CLASSES = {
    name: PARTNER_BUILDS[name] for name in ("ChatOpenAI", "ChatAnthropic", "ChatGoogleGenerativeAI")
}


def _weather(city: str) -> str:
    """The weather in a city."""
    return city


#: (drop-in name, what the script does, the script)
CASES: list[tuple[str, str, Callable[[Any], Any]]] = [
    ("ChatOpenAI", "tool_choice=5", lambda m: m.bind_tools([_weather], tool_choice=5)),
    ("ChatOpenAI", "schema=5", lambda m: m.with_structured_output(5)),
    ("ChatAnthropic", "tools=[5]", lambda m: m.bind_tools([5])),
    ("ChatAnthropic", "a string for a tool", lambda m: m.bind_tools(["weather"])),
    ("ChatAnthropic", "tool_choice=5", lambda m: m.bind_tools([_weather], tool_choice=5)),
    ("ChatAnthropic", "schema=None", lambda m: m.with_structured_output(None)),
    ("ChatGoogleGenerativeAI", "tools=5", lambda m: m.bind_tools(5)),
    ("ChatGoogleGenerativeAI", "schema=5", lambda m: m.with_structured_output(5)),
]


def _raised(make: Callable[[], Any], script: Callable[[Any], Any]) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
    with pytest.raises(Exception) as info:  # noqa: PT011 - the class is what is compared
        script(model)
    return info.value


@pytest.mark.parametrize(("name", "what", "script"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_bad_tool_or_schema_raises_what_the_partners_except_catches(
    name: str, what: str, script: Callable[[Any], Any]
) -> None:
    module, keywords = CLASSES[name]
    partner = getattr(pytest.importorskip(module), name)
    theirs = _raised(lambda: partner(**keywords), script)
    ours = _raised(lambda: getattr(chatplex.langchain, name)(**keywords), script)
    assert isinstance(theirs, ValueError)
    assert isinstance(ours, type(theirs)) and isinstance(ours, TypeError)
