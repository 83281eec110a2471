"""ChatCerebras side by side: the OpenAI-compatible suite's scripts (tests/partners/
compatible/test_compatible_sidebyside.py) run with langchain-cerebras' `ChatCerebras` and
with chatplex's, against the same scripted Chat Completions server, compared field by
field with the requests. Its differences (`DIFFERENCES`, each with why) are taken out
before the comparison.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tests.partners._sidebyside import CUT_CALL
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import cut_call_invalid
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import raised
from tests.partners.compatible import test_compatible_sidebyside as suite

pytest.importorskip("langchain_cerebras")

CEREBRAS = suite.BESIDE["cerebras"]

Outcome = suite.Outcome


def _usage_lost(outcome: Outcome) -> Outcome:
    """Their stream asked for no usage and has none; ours asked (`stream_options`) and
    read it: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["usage"] is None and ours["usage"] is not None
    assert "stream_options" not in their_requests[0]["body"]
    assert our_requests[0]["body"].pop("stream_options") == {"include_usage": True}
    return theirs, {**ours, "usage": None}, their_requests, our_requests


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "timeout_not_a_number": suite.TIMEOUT_REFUSED_WHEN_BUILT,
    "invalid_tool_arguments_stream": (CUT_CALL, cut_call_invalid),
    "tool_choice_any_per_call": suite.ANY_PER_CALL,
    "tool_choice_named_per_call": suite.NAMED_PER_CALL,
    "stream_usage_on": (
        Difference(
            Reason.LOSES_DATA,
            "its own stream (not langchain-openai's) asks for no usage whatever "
            "`stream_usage` says: with `stream_usage=True` the stream's token usage is lost",
            "`stream_usage=True` asks for usage, as langchain-openai's stream does",
        ),
        _usage_lost,
    ),
    "stream_usage_per_call": (
        Difference(
            Reason.RAISES,
            "its own stream hands a call's `stream_usage` to the openai SDK's create(), "
            "whose TypeError the call raises",
            "a call's own `stream_usage` is taken as langchain-openai takes it: the stream "
            "asks for usage or not",
        ),
        suite._stream_usage_per_call_refused,
    ),
}

#: Scripts not run here, and why.
NOT_RUN = dict.fromkeys(suite.MAGISTRAL_SCRIPTS, suite._MAGISTRAL)


def run_both(name: str, server: ScriptedServer) -> Outcome:
    return kept_out(suite.run_package(CEREBRAS, name, server), DIFFERENCES, name)


@pytest.mark.parametrize("name", sorted(set(suite.SCRIPTS) - set(NOT_RUN)))
def test_same_as_langchain_cerebras(name: str, server: ScriptedServer) -> None:
    assert_same(run_both(name, server))


def test_the_rows_name_scripts_of_the_suite() -> None:
    assert set(DIFFERENCES) | set(NOT_RUN) <= set(suite.SCRIPTS)


class _Person(BaseModel):
    name: str
    age: int


_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "P", "schema": _Person.model_json_schema()},
}


def _refused(seen: Seen) -> Reply:
    error = {"message": "bad schema", "type": "invalid_request_error", "code": "wrong_format"}
    return Reply(status=400, pieces=[json.dumps(error).encode()])


def _stream_errors(cls: Any, url: str) -> list[Any]:
    """The class of what a sync stream raises on a 400: plain, with a call's
    `response_format`, and through `with_structured_output(method="json_schema")`."""
    model = suite._model(cls, CEREBRAS, url, max_retries=0)
    runs = [
        lambda: list(model.stream("Hi")),
        lambda: list(model.stream("Hi", response_format=_FORMAT)),
        lambda: list(model.with_structured_output(_Person, method="json_schema").stream("Hi")),
    ]
    return [type(raised(run)["error"]).__name__ for run in runs]


def test_a_sync_streams_error_is_its_partners_class(server: ScriptedServer) -> None:
    """langchain-cerebras' own sync `_stream` lets the openai SDK's error through, but
    opens a `response_format` stream (the SDK helper's) inside its `try`, which wraps it
    as langchain-openai's calls do."""
    server.handler = _refused
    theirs, ours = (
        _stream_errors(cls, server.url) for cls in (CEREBRAS.partner(), CEREBRAS.ours())
    )
    assert theirs == ["BadRequestError", "OpenAIInvalidRequestError", "OpenAIInvalidRequestError"]
    assert ours == theirs


def test_the_chat_clients_are_the_root_clients_resources() -> None:
    """langchain-cerebras' validator builds one SDK client a side and keeps its chat
    completions resource as `client` (`async_client`): one client, not two."""
    import chatplex.langchain

    partner = pytest.importorskip("langchain_cerebras")
    for cls in (partner.ChatCerebras, chatplex.langchain.ChatCerebras):
        model = cls(model="m", api_key="k", base_url="http://127.0.0.1:9/v1")
        assert model.client._client is model.root_client, cls
        assert model.async_client._client is model.root_async_client, cls


#: Its constructor's reasoning settings: none, reasoning asked for (`reasoning_effort`,
#: `disable_reasoning=False`, which it sends as given) and refused.
_REASONING = (
    {},
    {"disable_reasoning": False},
    {"disable_reasoning": True},
    {"reasoning_effort": "low"},
)


@pytest.mark.parametrize("settings", _REASONING, ids=["unset", "enabled", "disabled", "effort"])
def test_a_reasoning_reply_reads_as_theirs(
    settings: dict[str, Any], server: ScriptedServer
) -> None:
    """langchain-cerebras' sync `_generate` (`invoke`, a streamed one too) moves a reply's
    `reasoning` into a content block before the text where the model was built asking
    for reasoning; its `_agenerate` and streams keep it in additional_kwargs."""

    def run(cls: Any, p: suite.Package, url: str) -> Any:
        model = suite._model(cls, p, url, **settings)
        streamed = suite._model(cls, p, url, streaming=True, **settings)
        calls = [model.invoke("Hi"), asyncio.run(model.ainvoke("Hi")), streamed.invoke("Hi")]
        return [*calls, *model.batch(["Hi"]), merged(list(model.stream("Hi")))]

    script = suite.Script(content="Paris", reasoning="I think.")
    assert_same(suite.run_script(CEREBRAS, script, run, server))
