"""A tool choice word its partner sends as given (Fireworks' and Mistral's "any", where
Chat Completions says "required"), given to one call rather than to `bind_tools`, and a
call's own choice over a bound "any": ChatFireworks and ChatMistralAI side by side with
langchain-fireworks' and -mistralai's, the same calls against the same scripted server.
LangChain hands a call's keywords to the request as they are, over the bound ones."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import TOOL
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import run_script


def per_call_choices(cls: Any, p: Package, url: str) -> list[Any]:
    """ "any" given to a call (invoked, awaited, streamed), then a bound "any" replaced by
    a call's "auto" and "required" and by a later `bind(tool_choice="none")`."""
    model = _model(cls, p, url)
    tools = model.bind_tools([add, mul])
    anyone = model.bind_tools([add, mul], tool_choice="any")
    return [
        tools.invoke("1+2?", tool_choice="any"),
        asyncio.run(tools.ainvoke("1+2?", tool_choice="any")),
        merged(list(tools.stream("1+2?", tool_choice="any"))),
        anyone.invoke("1+2?", tool_choice="auto"),
        anyone.invoke("1+2?", tool_choice="required"),
        anyone.bind(tool_choice="none").invoke("1+2?"),
    ]


@pytest.mark.parametrize("package", ["fireworks", "mistralai"])
def test_a_call_s_tool_choice_is_sent_as_its_partner_sends_it(
    package: str, server: ScriptedServer
) -> None:
    outcome = run_script(PACKAGES[package], TOOL, per_call_choices, server)
    theirs, ours, their_requests, our_requests = outcome
    sent = Counter(r["body"]["tool_choice"] for r in their_requests)
    assert sent == {"any": 3, "auto": 1, "required": 1, "none": 1}
    assert ours == theirs
    assert our_requests == their_requests
