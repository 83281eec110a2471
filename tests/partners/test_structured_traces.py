"""What a callback's `on_chat_model_start` gets among a structured run's options
(`ls_structured_output_format`, which LangSmith and tracers record) where a partner
names it its own way: langchain-google-genai and -vertexai name json_mode as asked (their
wire sends it as a schema). Side by side with the partner classes, the same calls against
chatplex's mock server (whatever the reply parses to: the run's start is what is
compared). The compatible wires' are tests/partners/compatible/test_structured_traced.py;
langchain-cohere's, which binds none, tests/partners/cohere/ (a kept difference)."""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex.langchain
from chatplex.testing import MockServer
from tests.langchain.agents_matrix._kit import WIRES as MATRIX_WIRES

METHODS = ("function_calling", "json_schema", "json_mode")
_NONE = "<not traced>"


class Sum(BaseModel):
    """A sum."""

    total: int


#: The partner classes compared, pointed at the server as the agents matrix points them.
WIRES = ("gemini", "vertex")


def traced(cls: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Each method's run's `ls_structured_output_format` kwargs, as a callback gets them."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: dict[str, Any] = {}

    for method in METHODS:

        class Started(BaseCallbackHandler):
            def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
                found = kwargs["options"].get("ls_structured_output_format")
                seen[method] = _NONE if found is None else found["kwargs"]  # noqa: B023

        schema = Sum.model_json_schema() if method == "json_mode" else Sum
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structured = cls(**settings).with_structured_output(schema, method=method)
            # The reply's parse (the mock server's echo is no JSON) is not compared.
            with contextlib.suppress(Exception):
                structured.invoke("1+2?", config={"callbacks": [Started()]})
    return seen


@pytest.mark.parametrize("wire", WIRES)
def test_a_structured_run_is_traced_as_its_partner_traces_it(wire: str) -> None:
    row = MATRIX_WIRES[wire]
    with MockServer() as server:
        theirs = traced(row.partner(), row.settings(server.url))
        ours = traced(getattr(chatplex.langchain, row.cls), row.settings(server.url))
    assert ours == theirs
    assert theirs["json_mode"] == {"method": "json_mode"}
