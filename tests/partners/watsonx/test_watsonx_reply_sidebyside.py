"""ChatWatsonx side by side, the reply side and structured output: langchain-ibm's
`ChatWatsonx` and chatplex's run one script against one scripted server (as in
test_watsonx_sidebyside.py), which answers the chat API with the reply or the stream
events given, and what each returned (or raised) and sent is compared: several choices
(`n > 1`) as several generations, the reply's and the stream's metadata, `strict=`
in `with_structured_output`'s requests. Differences kept on purpose (`DIFFERENCES`,
each with why) are checked by their own scripts below.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel
from typing_extensions import TypedDict

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import observe
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import TEXT
from tests.partners.watsonx.test_watsonx_sidebyside import USAGE
from tests.partners.watsonx.test_watsonx_sidebyside import _as_is
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401
from tests.partners.watsonx.test_watsonx_sidebyside import _reply
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import ours
from tests.partners.watsonx.test_watsonx_sidebyside import run
from tests.partners.watsonx.test_watsonx_sidebyside import run_sides
from tests.partners.watsonx.test_watsonx_sidebyside import theirs


def _events(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        b"id: %d\nevent: message\ndata: %s\n\n" % (i, json.dumps(e).encode())
        for i, e in enumerate(events)
    )


def streamed(
    server: ScriptedServer, script: Callable[[Any], Any], events: list[dict[str, Any]], **given: Any
) -> Outcome:
    """`script(model)` on each side, the chat stream answering `events`."""

    def answer(seen: Seen) -> Reply:
        if seen.path.startswith("/ml/v1/text/chat_stream"):
            return Reply(pieces=[_events(events)], content_type="text/event-stream")
        return _service(seen)

    return run_sides(
        server, script, lambda: answer, lambda seen: seen.path.startswith("/ml/v1/"), **given
    )


HEAD = {"id": "chat-1", "model_id": MODEL, "model": MODEL, "created": 1700000000}


def _event(delta: dict[str, Any], finish: str | None = None, **fields: Any) -> dict[str, Any]:
    return {**HEAD, "choices": [{"index": 0, "finish_reason": finish, "delta": delta}], **fields}


def _merged(pieces: list[Any]) -> Any:
    merged = pieces[0]
    for piece in pieces[1:]:
        merged += piece
    return merged


async def _astreamed(model: Any) -> list[Any]:
    return [piece async for piece in model.astream("hi")]


def _stream_ways() -> dict[str, Callable[[Any], Any]]:
    """A stream read as its chunks, merged, and under `invoke(streaming=True)`; sync
    and async."""
    return {
        "chunks": lambda m: [observe(p) for p in m.stream("hi")],
        "achunks": lambda m: [observe(p) for p in asyncio.run(_astreamed(m))],
        "merged": lambda m: observe(_merged(list(m.stream("hi")))),
        "amerged": lambda m: observe(_merged(asyncio.run(_astreamed(m)))),
    }


def _calls() -> dict[str, Callable[[Any, Any], Any]]:
    """A call, sync and async, of a runnable and its input."""
    return {
        "sync": lambda runnable, given: runnable.invoke(given),
        "async": lambda runnable, given: asyncio.run(runnable.ainvoke(given)),
    }


def _generated(model: Any, how: str) -> Any:
    """`generate()` (or `agenerate()`): each generation's text and info, the llm_output."""
    prompts = [[HumanMessage("hi")]]
    result = model.generate(prompts) if how == "sync" else asyncio.run(model.agenerate(prompts))
    rows = [[(g.text, g.generation_info) for g in row] for row in result.generations]
    return rows, result.llm_output


# -- several choices (n > 1) -------------------------------------------------------------

TWO_CHOICES = {
    **TEXT,
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "A"}, "finish_reason": "stop"},
        {
            "index": 1,
            "message": {"role": "assistant", "content": "B"},
            "finish_reason": "length",
            "logprobs": {"content": []},
        },
        {"index": 2, "message": {"role": "assistant", "content": "C"}, "finish_reason": None},
    ],
}


@pytest.mark.parametrize("how", ["sync", "async"])
def test_each_choice_is_a_generation(how: str, cloud: ScriptedServer) -> None:
    """Each choice a generation with its finish reason (and logprobs), a choice with
    none showing the one before, as langchain-ibm's shared info record does."""
    their, ours, their_chats, our_chats = run(
        cloud, lambda m: _generated(m, how), chat=TWO_CHOICES, n=3
    )
    assert [text for text, _ in their[0][0]] == ["A", "B", "C"]
    assert ours == their
    assert our_chats == their_chats


@pytest.mark.parametrize("how", ["sync", "async"])
def test_invoke_of_several_choices_shows_the_first_s_own(how: str, cloud: ScriptedServer) -> None:
    """LangChain copies the llm_output into a message only when it is the sole
    generation: the first choice's message shows its finish reason alone."""
    call = _calls()[how]
    their, ours, _, _ = run(cloud, lambda m: call(m, "hi"), chat=TWO_CHOICES, n=3)
    assert their["response_metadata"] == {"finish_reason": "stop"}
    assert ours == their


@pytest.mark.parametrize("how", ["sync", "async"])
def test_one_choice_s_generation_info(how: str, cloud: ScriptedServer) -> None:
    chat = {**TEXT, "choices": [{**TEXT["choices"][0], "logprobs": {"content": []}}]}
    their, ours, _, _ = run(cloud, lambda m: _generated(m, how), chat=chat)
    assert their[0][0][0][1] == {"finish_reason": "stop", "logprobs": {"content": []}}
    assert ours == their


# -- the reply's fields ------------------------------------------------------------------


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in TEXT.items() if k != key}


REPLIES = {
    # No `model_id`: named by the model's.
    "no_model_id": _without("model_id"),
    "null_model_id": {**TEXT, "model_id": None},
    "null_fingerprint": {**TEXT, "system_fingerprint": None},
    "fingerprint": {**TEXT, "system_fingerprint": "fp-1"},
    "null_usage": {**TEXT, "usage": None},
    "no_usage": _without("usage"),
}


@pytest.mark.parametrize("how", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(REPLIES))
def test_reply_fields_as_langchain_ibm_reads_them(
    name: str, how: str, cloud: ScriptedServer
) -> None:
    call = _calls()[how]
    their, ours, _, _ = run(cloud, lambda m: call(m, "hi"), chat=REPLIES[name])
    assert ours == their


# -- streams -----------------------------------------------------------------------------

STREAMS = {
    "fingerprint": [
        _event({"role": "assistant", "content": "Hi"}),
        _event({}, "stop", system_fingerprint="fp"),
    ],
    # A chunk naming the model by `model_id` alone: no model_name (langchain-ibm reads `model`).
    "model_id_only": [
        _event({"role": "assistant", "content": "Hi"}),
        {
            "id": "chat-1",
            "model_id": MODEL,
            "choices": [{"index": 0, "finish_reason": "stop", "delta": {}}],
        },
    ],
    "model_differs": [
        _event({"role": "assistant", "content": "Hi"}),
        {
            **HEAD,
            "model": "other/model",
            "choices": [{"index": 0, "finish_reason": "stop", "delta": {}}],
        },
    ],
    # An event without choices or usage: an empty chunk.
    "no_choices": [
        _event({"role": "assistant", "content": "Hi"}),
        {**HEAD, "choices": []},
        _event({}, "stop"),
    ],
}


@pytest.mark.parametrize("way", sorted(_stream_ways()))
@pytest.mark.parametrize("name", sorted(STREAMS))
def test_stream_as_langchain_ibm_streams_it(name: str, way: str, cloud: ScriptedServer) -> None:
    their, ours, their_chats, our_chats = streamed(cloud, _stream_ways()[way], STREAMS[name])
    assert ours == their
    assert our_chats == their_chats


# -- structured output's strict ----------------------------------------------------------


class Joke(BaseModel):
    """A joke."""

    setup: str


class JokeDict(TypedDict):
    """A joke."""

    setup: str


JSON_SCHEMA = {
    "title": "Joke",
    "description": "A joke.",
    "type": "object",
    "properties": {"setup": {"type": "string"}},
}
FUNCTION = {"name": "Joke", "description": "A joke.", "parameters": JSON_SCHEMA}
CALLED = _reply(
    {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "Joke", "arguments": '{"setup": "s"}'},
            }
        ],
    },
    "tool_calls",
)
ANSWERED = _reply({"role": "assistant", "content": '{"setup": "s"}'})
SCHEMAS: dict[str, Any] = {
    "pydantic": Joke,
    "typeddict": JokeDict,
    "json_schema": JSON_SCHEMA,
    "function": FUNCTION,
}


@pytest.mark.parametrize("how", ["sync", "async"])
@pytest.mark.parametrize("strict", [True, False, None])
@pytest.mark.parametrize("method", ["function_calling", "json_schema"])
@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_strict_sent_as_langchain_ibm_sends_it(
    schema: str, method: str, strict: bool | None, how: str, cloud: ScriptedServer
) -> None:
    """The forced tool carries `strict` as given (strict: every property required, no
    other); a json_schema format of a schema that is no pydantic model too."""
    chat = CALLED if method == "function_calling" else ANSWERED
    call = _calls()[how]

    def script(model: Any) -> Any:
        structured = model.with_structured_output(SCHEMAS[schema], method=method, strict=strict)
        return call(structured, "joke")

    their, ours, their_chats, our_chats = run(cloud, script, chat=chat)
    assert our_chats == their_chats
    assert ours == their


RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "Joke", "schema": {"type": "object"}, "strict": True},
}


@pytest.mark.parametrize("how", ["sync", "async"])
@pytest.mark.parametrize("include_raw", [False, True])
def test_json_mode_takes_a_response_format_dict(
    include_raw: bool, how: str, cloud: ScriptedServer
) -> None:
    """JSON mode sends no schema: one in OpenAI's response-format shape is taken."""
    call = _calls()[how]

    def script(model: Any) -> Any:
        structured = model.with_structured_output(
            RESPONSE_FORMAT, method="json_mode", include_raw=include_raw
        )
        return call(structured, "joke")

    their, ours, their_chats, our_chats = run(cloud, script, chat=ANSWERED)
    assert their_chats[0]["body"]["response_format"] == {"type": "json_object"}
    assert ours == their
    assert our_chats == their_chats


def test_a_response_format_s_strict_given_again_is_refused_alike(cloud: ScriptedServer) -> None:
    """A response format whose `strict` differs from the one given: langchain-ibm's
    ValueError, in its words, before any request."""
    cloud.handler = _service
    said = []
    for model in (theirs(), ours(cloud.url)):
        with pytest.raises(ValueError) as raised:
            model.with_structured_output(RESPONSE_FORMAT, method="json_schema", strict=False)
        said.append(str(raised.value))
    assert said[1] == said[0]


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --

_STREAM_USAGE_TOTAL = Difference(
    Reason.LOSES_DATA,
    "a stream whose usage comes on several chunks counts the prompt once in the merged "
    "input tokens but keeps each later chunk's total as sent: the merged total_tokens "
    "counts the prompt again (more than input plus output)",
    "each later chunk's total leaves the prompt out too: the merged total is input plus output",
)
_STREAM_WITHOUT_FINISH = Difference(
    Reason.LOSES_DATA,
    "ends a stream whose body stops before any chunk gives a finish reason without an "
    "error: the reply is cut short and reads as complete",
    "raises ibm-watsonx-ai's WMLClientError after the chunks that came, saying the "
    "stream ended before a finish reason",
)

_FORMAT_WITHOUT_STRICT = Difference(
    Reason.RAISES,
    "`with_structured_output` given a response-format dict with no `strict` of its own "
    "and `strict=True` or False raises KeyError (its message about the two strict values "
    "reads the one the dict lacks)",
    "raises ValueError with that message, the dict's strict named as None",
)


#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "stream_usage_total": (_STREAM_USAGE_TOTAL, _as_is),
    "stream_without_finish": (_STREAM_WITHOUT_FINISH, _as_is),
    "format_without_strict": (_FORMAT_WITHOUT_STRICT, _as_is),
}

USAGE_TWICE = [
    _event({"role": "assistant", "content": "Hello"}, usage=USAGE),
    _event({"content": ""}, "stop", usage=USAGE),
]


@pytest.mark.parametrize("way", ["merged", "amerged"])
def test_stream_usage_total(way: str, cloud: ScriptedServer) -> None:
    their, ours, _, _ = streamed(cloud, _stream_ways()[way], USAGE_TWICE)
    assert their["usage_metadata"] == {"input_tokens": 5, "output_tokens": 6, "total_tokens": 16}
    assert ours["usage_metadata"] == {"input_tokens": 5, "output_tokens": 6, "total_tokens": 11}
    del their["usage_metadata"], ours["usage_metadata"]
    assert ours == their


@pytest.mark.parametrize("way", ["merged", "amerged"])
def test_stream_without_finish(way: str, cloud: ScriptedServer) -> None:
    events = [_event({"role": "assistant", "content": "Hi"}), _event({"content": "!"})]
    their, ours, _, _ = streamed(cloud, _stream_ways()[way], events)
    assert their["content"] == "Hi!"
    assert "finish_reason" not in their["response_metadata"]
    assert ours["raised"]["WMLClientError"]


@pytest.mark.parametrize("strict", [True, False])
def test_format_without_strict(strict: bool, cloud: ScriptedServer) -> None:
    given = {"name": "Joke", "schema": {"type": "object"}}
    cloud.handler = _service
    with pytest.raises(KeyError):
        theirs().with_structured_output(given, method="json_schema", strict=strict)
    with pytest.raises(ValueError, match="set to None"):
        ours(cloud.url).with_structured_output(given, method="json_schema", strict=strict)


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
