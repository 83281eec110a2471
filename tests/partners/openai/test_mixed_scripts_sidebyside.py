"""Chat Completions scripts that combine features, side by side with langchain-openai's
ChatOpenAI against one scripted server: logprobs streamed, strict structured output in a
batch whose rows fail apart (`return_exceptions`)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pydantic import BaseModel

from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")

_LOGPROBS = [
    {"token": "Hi", "logprob": -0.1, "bytes": [72, 105], "top_logprobs": []},
    {"token": " there", "logprob": -0.3, "bytes": None, "top_logprobs": []},
]


def _chunk(delta: dict[str, Any], finish: str | None = None, **more: Any) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, **more}
    event = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o"}
    return b"data: " + json.dumps({**event, "choices": [choice]}).encode() + b"\n\n"


def _reply(seen: Seen) -> Reply:
    """Text with logprobs (streamed piece by piece where asked); a city as JSON for a
    structured call, a refusal for "Refuse", a 500 for "Fail", broken JSON for "Break"."""
    body = seen.body
    said = json.dumps(body["messages"])
    if "Fail" in said:
        return Reply(500, [b'{"error": {"message": "boom", "type": "server_error"}}'])
    if body.get("response_format"):
        message: dict[str, Any] = {"role": "assistant", "content": '{"name": "Paris"}'}
        if "Refuse" in said:
            message = {"role": "assistant", "content": None, "refusal": "I can't."}
        if "Break" in said:
            message = {"role": "assistant", "content": '{"name": '}
        whole = chat_completion("", created=1)
        whole["choices"][0]["message"] = message
        return Reply(200, [json.dumps(whole).encode()])
    if body.get("stream"):
        pieces = [
            _chunk({"role": "assistant", "content": ""}),
            *(
                _chunk({"content": p["token"]}, logprobs={"content": [p], "refusal": None})
                for p in _LOGPROBS
            ),
            _chunk({}, "stop"),
            b"data: [DONE]\n\n",
        ]
        return Reply(200, pieces, content_type="text/event-stream")
    whole = chat_completion("Hi there", created=1)
    whole["choices"][0]["logprobs"] = {"content": _LOGPROBS, "refusal": None}
    return Reply(200, [json.dumps(whole).encode()])


def _model(cls: Any, url: str, **more: Any) -> Any:
    return cls(model="gpt-4o", api_key="sk-k", base_url=url + "/v1", max_retries=0, **more)


def logprobs_streamed(cls: Any, url: str) -> Any:
    """Each chunk's logprobs, the merged stream's, and an invoke's."""
    model = _model(cls, url, logprobs=True, top_logprobs=2)
    chunks = list(model.stream("Hi"))
    return {
        "pieces": [c.response_metadata.get("logprobs") for c in chunks],
        "merged": merged(chunks).response_metadata.get("logprobs"),
        "invoked": model.invoke("Hi").response_metadata.get("logprobs"),
    }


def logprobs_bound_astream(cls: Any, url: str) -> Any:
    """logprobs bound per call, streamed async through a prompt chain."""
    from langchain_core.prompts import ChatPromptTemplate

    chain = ChatPromptTemplate.from_template("Say {x}") | _model(cls, url).bind(logprobs=True)

    async def main() -> Any:
        return [c async for c in chain.astream({"x": "hi"})]

    chunks = asyncio.run(main())
    return [observe(c) for c in chunks]


class City(BaseModel):
    """A city."""

    name: str


def _outcome(value: Any) -> Any:
    """A row's value, or what a script's `except` clauses see of its error."""
    if not isinstance(value, BaseException):
        return observe(value)
    import openai
    from langchain_core.exceptions import ModelError
    from langchain_core.exceptions import OutputParserException

    classes = (openai.APIError, OutputParserException, ModelError, ValueError, RuntimeError)
    return {"raised": type(value).__name__, **instance_of(value, *classes), "str": str(value)}


def strict_schema_batch(cls: Any, url: str) -> Any:
    """with_structured_output(method="json_schema", strict=True) batched with
    return_exceptions: a city, a refusal, a server error, broken JSON."""
    out = _model(cls, url).with_structured_output(City, method="json_schema", strict=True)
    rows = ["A city?", "Refuse", "Fail", "Break"]
    return [_outcome(v) for v in out.batch(rows, return_exceptions=True)]


def strict_schema_batch_raw(cls: Any, url: str) -> Any:
    """The same, include_raw=True: parsing errors kept beside the raw reply. (Sync: the
    module's one async script has langchain-openai's async client, which it caches per
    base URL, bound to its loop.)"""
    out = _model(cls, url).with_structured_output(
        City, method="json_schema", strict=True, include_raw=True
    )
    rows = ["A city?", "Refuse", "Fail", "Break"]
    got = out.batch(rows, return_exceptions=True)
    return [
        _outcome(v)
        if isinstance(v, BaseException)
        else {k: _outcome(x) if k == "parsing_error" else observe(x) for k, x in v.items()}
        for v in got
    ]


SCRIPTS = {
    script.__name__: script
    for script in (
        logprobs_streamed,
        logprobs_bound_astream,
        strict_schema_batch,
        strict_schema_batch_raw,
    )
}

test_same_as_langchain_openai = scripts_test(SCRIPTS, _reply)
