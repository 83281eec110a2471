"""`include_response_headers=True` on Chat Completions, side by side: ChatOpenAI and the
classes built on langchain-openai's `BaseChatOpenAI` (ChatXAI, ChatDeepSeek,
ChatTogether), each script run with the partner's class and with chatplex's against a
scripted server.

langchain-openai keeps the response's headers (`dict(raw_response.headers)`) in a reply's
`response_metadata["headers"]` and first in its `generation_info`, and on a stream's
first chunk (so in the merged message, and first in the `generation_info` its
`on_llm_end` gets). The suites of AzureChatOpenAI and of the Responses API run the same
script (`response_headers`).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._openai_scripts import SUM_SCHEMA
from tests.partners._openai_scripts import headers_read
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import unset
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import answer
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

pytest.importorskip("langchain_openai")

#: The classes compared: ChatOpenAI's, and three partners on its `BaseChatOpenAI`.
CLASSES = {"openai": OPENAI, **{n: PACKAGES[n] for n in ("xai", "deepseek", "together")}}


def _model(cls: Any, p: Package, url: str, **more: Any) -> Any:
    return cls(model=p.model, api_key=KEY, base_url=p.base(url), **more)


def response_headers(cls: Any, p: Package, url: str) -> Any:
    return headers_read(_model(cls, p, url, include_response_headers=True))


def response_headers_structured(cls: Any, p: Package, url: str) -> Any:
    """A structured call's raw reply (json_schema, through the SDK's `parse()`), and
    one through a forced tool: both keep the headers."""
    model = _model(cls, p, url, include_response_headers=True)
    return {
        method: model.with_structured_output(SUM_SCHEMA, method=method, include_raw=True)
        .invoke("1+2?")["raw"]
        .response_metadata["headers"]
        .keys()
        - {"date"}
        for method in ("json_schema", "function_calling")
    }


SCRIPTS = {
    "response_headers": (Script(), response_headers),
    "response_headers_structured": (
        Script('{"total": 3}', tool_args={"total": 3}),
        response_headers_structured,
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("package", sorted(CLASSES))
def test_same_as_langchain_openai(package: str, name: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(CLASSES[package], *SCRIPTS[name], server))


def test_the_headers_are_the_responses(server: ScriptedServer) -> None:
    """chatplex's reply holds the headers the server sent (not just the same as the
    partner's: both could be empty)."""
    server.handler = answer(Script(), OPENAI)
    with unset(("OPENAI_API_KEY", "OPENAI_BASE_URL")):
        got = response_headers(OPENAI.ours(), OPENAI, server.url)
    assert got["reply"]["headers"]["content-type"] == "application/json"
    assert got["chunks"][0]["headers"]["content-type"] == "text/event-stream"
    assert got["generation_info"]["order"][0] == "headers"
