"""What a callback's `on_chat_model_start` gets among a structured run's options
(`ls_structured_output_format`, which LangSmith and tracers record): ChatFireworks,
ChatGroq, ChatMistralAI and ChatXAI side by side with their partner packages', the same
`with_structured_output` call against the same scripted server. langchain-openai's
subclasses name `strict` beside the method (but for json_mode); the others the method
alone."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import run_both
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import _comparable_request
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import answer


class Sum(BaseModel):
    """A sum."""

    total: int


def traced(cls: Any, p: Package, url: str) -> list[Any]:
    """Each method's run's `ls_structured_output_format` kwargs, as a callback gets them."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[Any] = []

    class Started(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(kwargs["options"].get("ls_structured_output_format", {}).get("kwargs"))

    for method in ("function_calling", "json_mode"):
        structured = _model(cls, p, url).with_structured_output(Sum, method=method)
        structured.invoke("1+2?", config={"callbacks": [Started()]})
    return seen


@pytest.mark.parametrize("package", ["fireworks", "groq", "mistralai", "xai"])
def test_a_structured_run_is_traced_as_its_partner_traces_it(
    package: str, server: ScriptedServer
) -> None:
    p = PACKAGES[package]
    server.handler = answer(Script('{"total": 3}', tool_args={"total": 3}), p)
    theirs, ours, their_requests, our_requests = run_both(
        server,
        lambda: traced(p.partner(), p, server.url),
        lambda: traced(p.ours(), p, server.url),
        result=lambda value: value,
        request=_comparable_request,
        collect=True,
    )
    calling = {"method": "function_calling", **({"strict": None} if package == "xai" else {})}
    assert theirs == [calling, {"method": "json_mode"}]
    assert ours == theirs
    assert our_requests == their_requests
