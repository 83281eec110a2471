"""A model's refusal on Chat Completions, side by side: ChatOpenAI and the classes built on
langchain-openai's `BaseChatOpenAI` (ChatXAI, ChatDeepSeek) against a scripted server whose
reply is a refusal (`message.refusal`, streamed as `delta.refusal` pieces), each script run
with the partner's class and with chatplex's.

langchain-openai's parser of a reply to a pydantic `response_format` raises its
`OpenAIRefusalError` in the refusal's words (`with_structured_output(method="json_schema")`,
streamed too; `include_raw=True` gives it as `parsing_error`), and its stream of such a call
carries the refusal whole on its final piece alone. Its structured output reads a reply a
content filter stopped as a refusal too, whatever the method; but a call with a
`response_format` (json_schema, json_mode, one bound) goes through the openai SDK's
parse() or its stream helper, which raises `openai.ContentFilterFinishReasonError` for it
first: on a whole reply, and on a stream at its finishing chunk for a class's format,
else reading the final completion (after the refusal check, unless `include_raw=True`
reads the whole stream first). A reply cut at the token limit raises its
`LengthFinishReasonError` on the same paths. Either error carries the completion as the
SDK read it: the whole reply's `ChatCompletion` (and the call's HTTP response), or a
stream's `ParsedChatCompletion` snapshot.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tests.langchain.test_parsed_key import WAYS
from tests.partners._openai_scripts import chunks_streamed
from tests.partners._openai_scripts import refusal_raised
from tests.partners._openai_scripts import refusal_read
from tests.partners._sidebyside import CHAT_USAGE
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import module_loop
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import run_both
from tests.partners._sidebyside import thirds
from tests.partners._sidebyside import unset
from tests.partners.compatible.test_compatible_sidebyside import KEY
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

pytest.importorskip("langchain_openai")

REFUSAL = "I can't help with that."

#: One loop for every async call: langchain-openai shares its default async client
#: across models, bound to the loop that first used it.
_LOOP, _shared_clients_closed = module_loop()

#: The classes compared: ChatOpenAI's, and two partners on its `BaseChatOpenAI`.
CLASSES = {"openai": OPENAI, "xai": PACKAGES["xai"], "deepseek": PACKAGES["deepseek"]}
#: ... and, for a reply cut short, a third (whose partner builds the openai SDK's client).
CUT_CLASSES = {**CLASSES, "together": PACKAGES["together"]}


def refused(seen: Seen) -> Reply:
    """A Chat Completions server refusing: the whole reply, or its stream (the refusal in
    pieces, then the finish, then the usage where the request asks for it)."""
    body = seen.body or {}
    head = {"id": "chatcmpl-1", "created": 1764000000, "model": body.get("model")}
    head["system_fingerprint"] = "fp_1"
    if not body.get("stream"):
        message = {"role": "assistant", "content": None, "refusal": REFUSAL}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        whole = {**head, "object": "chat.completion", "choices": [choice], "usage": CHAT_USAGE}
        return Reply(200, [json.dumps(whole).encode()])
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": None, "refusal": ""}]
    deltas += [{"refusal": piece} for piece in thirds(REFUSAL)]
    chunks = [
        {**head, "object": "chat.completion.chunk", "choices": [choice]}
        for choice in [{"index": 0, "delta": d, "finish_reason": None} for d in deltas]
        + [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    ]
    return chunks_streamed(body, chunks, head, CHAT_USAGE)


def filtered(seen: Seen) -> Reply:
    """A Chat Completions server whose content filter stopped the reply: no text, the
    finish reason `content_filter` (whole, or streamed as a finishing piece)."""
    body = seen.body or {}
    head = {"id": "chatcmpl-1", "created": 1764000000, "model": body.get("model")}
    if not body.get("stream"):
        choice = {"index": 0, "message": {"role": "assistant", "content": None}}
        choice["finish_reason"] = "content_filter"
        whole = {**head, "object": "chat.completion", "choices": [choice], "usage": CHAT_USAGE}
        return Reply(200, [json.dumps(whole).encode()])
    choices = [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None},
        {"index": 0, "delta": {}, "finish_reason": "content_filter"},
    ]
    chunks = [{**head, "object": "chat.completion.chunk", "choices": [c]} for c in choices]
    return chunks_streamed(body, chunks, head, CHAT_USAGE)


#: The text of a reply cut at the token limit: JSON begun, not ended.
CUT_TEXT = '{"text": "It was a dark'


def cut(seen: Seen) -> Reply:
    """A Chat Completions server whose reply stopped at the output-token limit: JSON
    begun, the finish reason `length` (whole, or streamed: the text in pieces, then the
    finish)."""
    body = seen.body or {}
    head = {"id": "chatcmpl-cut", "created": 1764000000, "model": body.get("model")}
    head["system_fingerprint"] = "fp_1"
    if not body.get("stream"):
        message = {"role": "assistant", "content": CUT_TEXT}
        choice = {"index": 0, "message": message, "finish_reason": "length"}
        whole = {**head, "object": "chat.completion", "choices": [choice], "usage": CHAT_USAGE}
        return Reply(200, [json.dumps(whole).encode()])
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": piece} for piece in thirds(CUT_TEXT)]
    choices = [{"index": 0, "delta": d, "finish_reason": None} for d in deltas]
    choices.append({"index": 0, "delta": {}, "finish_reason": "length"})
    chunks = [{**head, "object": "chat.completion.chunk", "choices": [c]} for c in choices]
    return chunks_streamed(body, chunks, head, CHAT_USAGE)


class Answer(BaseModel):
    """An answer."""

    text: str


def _model(cls: Any, p: Package, url: str) -> Any:
    return cls(model=p.model, api_key=KEY, base_url=p.base(url))


def refusal_invoke(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Something bad")


def refusal_structured(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url).with_structured_output(Answer, method="json_schema")
    return refusal_raised(lambda: model.invoke("Something bad"))


def refusal_structured_raw(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url)
    out = model.with_structured_output(Answer, method="json_schema", include_raw=True)
    got = out.invoke("Something bad")
    return {**got, "parsing_error": refusal_read(got["parsing_error"])}


def refusal_structured_stream(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url).with_structured_output(Answer, method="json_schema")
    return refusal_raised(lambda: list(model.stream("Something bad")))


def refusal_response_format_stream(cls: Any, p: Package, url: str) -> Any:
    """A call binding a pydantic `response_format` streamed: each piece's
    `additional_kwargs`, and the merged message (its refusal once)."""
    chunks = list(_model(cls, p, url).bind(response_format=Answer).stream("Something bad"))
    return {"pieces": [c.additional_kwargs for c in chunks], "merged": merged(chunks)}


def refusal_stream(cls: Any, p: Package, url: str) -> Any:
    return merged(list(_model(cls, p, url).stream("Something bad")))


SCRIPTS: dict[str, Callable[[Any, Package, str], Any]] = {
    "refusal_invoke": refusal_invoke,
    "refusal_structured": refusal_structured,
    "refusal_structured_raw": refusal_structured_raw,
    "refusal_structured_stream": refusal_structured_stream,
    "refusal_response_format_stream": refusal_response_format_stream,
    "refusal_stream": refusal_stream,
}


def _refusal_kept(outcome: Outcome) -> Outcome:
    """Our merged stream's refusal taken out, once seen to be the server's whole."""
    theirs, ours, their_requests, our_requests = outcome
    assert "refusal" not in theirs["additional_kwargs"]
    kwargs = dict(ours["additional_kwargs"])
    assert kwargs.pop("refusal") == REFUSAL
    return theirs, {**ours, "additional_kwargs": kwargs}, their_requests, our_requests


#: What the scripts show kept, the same for each class.
_KEPT: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "refusal_stream": (
        Difference(
            Reason.LOSES_DATA,
            "a streamed refusal is dropped: the merged stream has no `refusal` "
            "(langchain-openai reads none from a stream's deltas), though the whole reply "
            "has it",
            "the merged stream has the refusal in `additional_kwargs['refusal']`, as the "
            "whole reply has it",
        ),
        _refusal_kept,
    ),
}
#: (class, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {(package, name): kept for package in CLASSES for name, kept in _KEPT.items()}


def run_over(
    p: Package, script: Callable[[Any, Package, str], Any], server: ScriptedServer
) -> Outcome:
    """`script` run with `p`'s partner class and chatplex's, against `server`'s handler,
    without the environment either reads."""
    with unset((p.base_variable, p.key_variable, "OPENAI_API_KEY", "OPENAI_BASE_URL")):
        return run_both(
            server,
            lambda: script(p.partner(), p, server.url),
            lambda: script(p.ours(), p, server.url),
            result=observe,
            request=plain_request,
            collect=True,
        )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("package", sorted(CLASSES))
def test_same_as_langchain_openai(package: str, name: str, server: ScriptedServer) -> None:
    server.handler = refused
    outcome = run_over(CLASSES[package], SCRIPTS[name], server)
    assert_same(kept_out(outcome, DIFFERENCES, (package, name)))


def filtered_tool_call(cls: Any, p: Package, url: str) -> Any:
    """A forced tool's call stopped by a content filter, whole and streamed: a refusal
    whatever the method, as langchain-openai's step before its parser reads one."""
    model = _model(cls, p, url).with_structured_output(Answer, method="function_calling")
    return [
        refusal_raised(lambda: model.invoke("Something bad")),
        refusal_raised(lambda: list(model.stream("Something bad"))),
    ]


@pytest.mark.parametrize("package", sorted(CLASSES))
def test_a_content_filter_stop_is_a_refusal(package: str, server: ScriptedServer) -> None:
    server.handler = filtered
    assert_same(run_over(CLASSES[package], filtered_tool_call, server))


def _filter_read(err: BaseException) -> dict[str, Any]:
    """The openai SDK's error for a reply cut short (filtered, or at the token limit) as
    a script reads it (the refusal's as `refusal_read`): its class and words, the
    completion it carries (`_completion_read`) and the HTTP response's status."""
    sdk = importlib.import_module("openai")
    cut_errors = (sdk.ContentFilterFinishReasonError, sdk.LengthFinishReasonError)
    if not isinstance(err, cut_errors):
        return {"other": refusal_read(err)}
    response = getattr(err, "response", None)
    return {
        "cut_error": True,
        "sdk_error": isinstance(err, sdk.OpenAIError),
        "name": type(err).__name__,
        "str": str(err),
        "completion": _completion_read(err.completion),
        "response": None if response is None else response.status_code,
    }


def _completion_read(completion: Any) -> dict[str, Any] | None:
    """What a script reads of the SDK's completion: its class, id, model, fingerprint,
    each choice's finish reason and message (its class, role, text, refusal), the usage."""
    if completion is None:
        return None
    usage = completion.usage
    return {
        "type": type(completion).__name__,
        "id": completion.id,
        "model": completion.model,
        "object": completion.object,
        "system_fingerprint": completion.system_fingerprint,
        "choices": [
            {
                "index": c.index,
                "finish_reason": c.finish_reason,
                "message": type(c.message).__name__,
                "role": c.message.role,
                "content": c.message.content,
                "refusal": c.message.refusal,
            }
            for c in completion.choices
        ],
        "usage": None if usage is None else usage.model_dump(exclude_none=True),
    }


#: The runnables a script asks structured output of, over the model as built: the ways
#: through the SDK's parse() or its stream helper (`test_parsed_key.WAYS`).
_PARSED_WAYS = ("json_schema", "json_mode", "json_mode_raw", "dict_schema", "class_format")
_FORMATS = {name: WAYS[name] for name in (*_PARSED_WAYS, "json_object")}


def filtered_structured(cls: Any, p: Package, url: str) -> Any:
    """Each way of asking for a format, invoked and streamed, sync and async, over a
    reply a content filter stopped: what a script's `except` gets."""
    model = _model(cls, p, url)

    def each(runnable: Any) -> dict[str, Any]:
        async def pieces() -> list[Any]:
            return [piece async for piece in runnable.astream("Something bad")]

        runs = {
            "invoke": lambda: runnable.invoke("Something bad"),
            "ainvoke": lambda: _LOOP.run_until_complete(runnable.ainvoke("Something bad")),
            "stream": lambda: list(runnable.stream("Something bad")),
            "astream": lambda: _LOOP.run_until_complete(pieces()),
        }
        got = {}
        for how, run in runs.items():
            try:
                got[how] = {"returned": run()}
            except Exception as exc:  # noqa: BLE001 - the error is what is observed
                got[how] = _filter_read(exc)
        return got

    return {name: each(make(model)) for name, make in _FORMATS.items()}


@pytest.mark.parametrize("package", sorted(CUT_CLASSES))
def test_a_filtered_reply_to_a_format_raises_the_sdks_error(
    package: str, server: ScriptedServer
) -> None:
    server.handler = filtered
    outcome = run_over(CUT_CLASSES[package], filtered_structured, server)
    assert_same(outcome)
    theirs = outcome[0]
    # (ChatDeepSeek's json_schema is a tool call: its refusal check reads the stop)
    assert theirs["json_mode"]["invoke"]["cut_error"], theirs
    assert theirs["json_mode"]["invoke"]["completion"]["id"] == "chatcmpl-1", theirs
    assert theirs["json_mode"]["stream"]["other"]["refusal_error"], theirs


@pytest.mark.parametrize("package", sorted(CUT_CLASSES))
def test_a_reply_cut_at_the_token_limit_raises_the_sdks_error(
    package: str, server: ScriptedServer
) -> None:
    """The SDK's `LengthFinishReasonError` on each way, its completion the partner's: the
    whole reply's (with the HTTP response), a stream's `ParsedChatCompletion` snapshot
    (at the finishing chunk for a class's format, else the final one with the usage)."""
    server.handler = cut
    outcome = run_over(CUT_CLASSES[package], filtered_structured, server)
    assert_same(outcome)
    theirs = outcome[0]
    invoked, streamed = theirs["class_format"]["invoke"], theirs["class_format"]["stream"]
    assert invoked["name"] == "LengthFinishReasonError" and invoked["response"] == 200, theirs
    assert invoked["completion"]["choices"][0]["content"] == CUT_TEXT, theirs
    assert streamed["completion"]["type"] == "ParsedChatCompletion[object]", theirs
    assert streamed["completion"]["choices"][0]["content"] == CUT_TEXT, theirs


def test_the_refusal_is_langchain_openais_error_in_its_words(server: ScriptedServer) -> None:
    """What a script catching the partner's error gets: the class and the refusal."""
    server.handler = refused
    with unset(("OPENAI_API_KEY", "OPENAI_BASE_URL")):
        got = refusal_structured(OPENAI.ours(), OPENAI, server.url)
    assert got == {
        "refusal_error": True,
        "name": "OpenAIRefusalError",
        "str": REFUSAL,
        "args": (REFUSAL,),
    }
