"""A reply that fails the pydantic class bound as `response_format` (langchain-openai's
`with_structured_output(method="json_schema")`) raises pydantic's `ValidationError`
carrying the call's HTTP response as `.response`, as langchain-openai's `_generate`
sets it on whatever its request block raises: its status, headers, body and request
URL. On Chat Completions and the Responses API, sync and async, raw or not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from tests._replies import chat_completion
from tests.adapters._responses_fixtures import message_item
from tests.adapters._responses_fixtures import response
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import module_loop
from tests.partners.openai._both import both_models

langchain_openai = pytest.importorskip("langchain_openai")


class Answer(BaseModel):
    count: int


_TEXT = '{"count": "many"}'
#: One loop for every async call: langchain-openai shares its default async client
#: across models, bound to the loop that first used it.
_LOOP, _shared_clients_closed = module_loop()


def _reply(seen: Seen) -> Reply:
    if seen.path.endswith("/responses"):
        body: dict[str, Any] = response([message_item(_TEXT)], model="gpt-4.1")
    else:
        body = chat_completion(_TEXT, created=1)
    return Reply(200, [json.dumps(body).encode()], headers={"x-request-id": "req_7"})


def _response_of(err: BaseException) -> Any:
    """What a script reads of the error's `.response`."""
    got = err.response  # type: ignore[attr-defined]
    return {
        "class": type(err).__name__,
        "status": got.status_code,
        "request_id": got.headers.get("x-request-id"),
        "id": got.json()["id"],
        "url": str(got.request.url),
        "method": got.request.method,
    }


@pytest.mark.parametrize("responses", [False, True], ids=["chat-completions", "responses"])
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "include_raw"])
def test_a_reply_failing_its_class_raises_with_the_response(
    server: ScriptedServer, responses: bool, how: str
) -> None:
    server.handler = _reply
    seen = []
    for model in both_models(server, responses=responses):
        structured = model.with_structured_output(
            Answer, method="json_schema", include_raw=how == "include_raw"
        )
        with pytest.raises(ValidationError) as raised:
            if how == "ainvoke":
                _LOOP.run_until_complete(structured.ainvoke("how many?"))
            else:
                structured.invoke("how many?")
        seen.append(_response_of(raised.value))
    theirs, ours = seen
    assert ours == theirs
    assert ours["status"] == 200 and ours["request_id"] == "req_7"
