"""ChatWatsonx(model=...) side by side: langchain-ibm sends a model named by `model=` (not
`model_id=`) to IBM's Model Gateway (`POST {url}/ml/gateway/v1/chat/completions`,
OpenAI's chat completions format, ibm-watsonx-ai's `Gateway`), with the IAM token of
the chat API. Each script runs with its class and with chatplex's against one scripted
server answering IAM and the gateway, and what it returns or raises is compared field by
field, with the gateway requests (path and query, body, the headers a script decides)
and how many of them a refused call sends.

langchain-ibm's requests to `*.cloud.ibm.com` reach the local server (conftest.py); its
retry waits are not slept (`ibm_at_once`), nor are chatplex's
(`chatplex_retries_at_once`). Differences kept on purpose (`DIFFERENCES`) are checked
by their own scripts below.
"""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex.langchain
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import observe
from tests.partners.watsonx import test_watsonx_sidebyside as chat_api
from tests.partners.watsonx.test_watsonx_retries import _ASYNC_RETRY
from tests.partners.watsonx.test_watsonx_retries import _STALE_TOKEN
from tests.partners.watsonx.test_watsonx_retries import async_retry_seen
from tests.partners.watsonx.test_watsonx_retries import ibm_at_once  # noqa: F401 - a fixture
from tests.partners.watsonx.test_watsonx_retries import stale_token_seen
from tests.partners.watsonx.test_watsonx_sidebyside import _BUILT_OFFLINE
from tests.partners.watsonx.test_watsonx_sidebyside import CLOUD
from tests.partners.watsonx.test_watsonx_sidebyside import TOKEN
from tests.partners.watsonx.test_watsonx_sidebyside import USAGE
from tests.partners.watsonx.test_watsonx_sidebyside import _astreamed
from tests.partners.watsonx.test_watsonx_sidebyside import _chat_request
from tests.partners.watsonx.test_watsonx_sidebyside import _chunks
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import built_offline


@pytest.fixture(autouse=True)
def _partner_installed() -> None:
    """Each test needs langchain-ibm and its SDK's errors imported, as a script catching
    them has them; the module is read without them (its `DIFFERENCES`)."""
    pytest.importorskip("langchain_ibm")
    pytest.importorskip("ibm_watsonx_ai.wml_client_error")


GATEWAY = "/ml/gateway/v1/chat/completions"
#: A model the gateway routes to its provider.
MODEL = "openai/gpt-4o"
#: The constructor's keywords both are given (and `url`: IBM Cloud's, or the server's).
BUILT = {"model": MODEL, "api_key": "ibm-key"}
HEAD = {"id": "chatcmpl-1", "created": 1700000000, "model": MODEL}


def _reply(message: dict[str, Any], finish: str = "stop") -> dict[str, Any]:
    choice = {"index": 0, "message": message, "finish_reason": finish}
    return {**HEAD, "object": "chat.completion", "choices": [choice], "usage": USAGE}


TEXT = _reply({"role": "assistant", "content": "Hello there"})


def _called(name: str, arguments: str) -> dict[str, Any]:
    call = {"id": "call-1", "type": "function", "function": {"name": name, "arguments": arguments}}
    return _reply({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")


def _events(deltas: list[dict[str, Any]], finish: str = "stop") -> list[bytes]:
    """The gateway's stream: OpenAI's chunks as `data:` lines, the usage in a chunk of
    no choices, then `[DONE]`."""
    chunk = {**HEAD, "object": "chat.completion.chunk"}
    events = [
        {**chunk, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas
    ]
    events.append({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    events.append({**chunk, "choices": [], "usage": USAGE})
    return [b"data: %s\n\n" % json.dumps(e).encode() for e in events] + [b"data: [DONE]\n\n"]


TEXT_EVENTS = _events([{"role": "assistant", "content": ""}, {"content": "Hel"}, {"content": "lo"}])
_CALL_START = {"index": 0, "id": "call-1", "type": "function"}
CALL_EVENTS = _events(
    [
        {"role": "assistant", "content": None, "tool_calls": [
            {**_CALL_START, "function": {"name": "add", "arguments": ""}}
        ]},
        {"tool_calls": [{"index": 0, "function": {"arguments": '{"a": 2, '}}]},
        {"tool_calls": [{"index": 0, "function": {"arguments": '"b": 3}'}}]},
    ],
    "tool_calls",
)  # fmt: skip


def _gateway(
    seen: Seen,
    chat: dict[str, Any] | None = None,
    events: list[bytes] | None = None,
    status: int = 200,
) -> Reply:
    """IAM and the gateway as the two clients meet them: a call answered `chat`, a
    stream `events`, or, with another `status`, an OpenAI-style error body."""
    if seen.path.startswith("/identity/token"):
        return Reply(pieces=[json.dumps({"access_token": TOKEN, "expires_in": 3600}).encode()])
    if not seen.path.startswith(GATEWAY):
        return Reply(404, [b'{"errors": [{"code": "not_found", "message": "no route"}]}'])
    if status != 200:
        error = {"message": "refused", "type": "invalid_request_error", "code": "bad"}
        return Reply(status, [json.dumps({"error": error}).encode()])
    if isinstance(seen.body, dict) and seen.body.get("stream"):
        return Reply(pieces=events or TEXT_EVENTS, content_type="text/event-stream")
    return Reply(pieces=[json.dumps(chat or TEXT).encode()])


def theirs(**given: Any) -> Any:
    return chat_api.theirs(built=BUILT, **given)


def ours(url: str, **given: Any) -> Any:
    return chat_api.ours(url, built=BUILT, **given)


Handler = Callable[[Seen], Reply]


def run(
    server: ScriptedServer,
    script: Callable[[Any], Any],
    answer: Callable[[], Handler],
    **given: Any,
) -> Outcome:
    """`script(model)` with langchain-ibm's model, then chatplex's (built with `given`),
    each answered by a fresh `answer()`: what each returned (or raised), and the requests
    each sent but IAM's."""
    return chat_api.run_sides(
        server,
        script,
        answer,
        lambda seen: not seen.path.startswith("/identity/"),
        built=BUILT,
        **given,
    )


class Person(BaseModel):
    """Someone named."""

    name: str


def _answered(**reply: Any) -> Callable[[], Handler]:
    return lambda: lambda seen: _gateway(seen, **reply)


def _plain() -> Handler:
    return _gateway


#: Script -> (what it does with the model, the server's answer, the constructor's keywords).
SCRIPTS: dict[str, tuple[Callable[[Any], Any], Callable[[], Handler], dict[str, Any]]] = {
    # the chat API's own scripts, answered by the gateway's plain reply
    **{
        name: (chat_api.SCRIPTS[name][0], _plain, chat_api.SCRIPTS[name][2])
        for name in ("invoke", "ainvoke", "settings", "history", "stream", "astream")
    },
    # project_id and space_id are taken, and the gateway is sent neither
    "project": (lambda m: m.invoke("hi"), _plain, {"project_id": "proj-1"}),
    "space": (lambda m: m.invoke("hi"), _plain, {"space_id": "space-1"}),
    "params": (lambda m: m.invoke("hi"), _plain, {"params": {"temperature": 0.2, "n": 1}}),
    "call_params": (
        lambda m: m.invoke("hi", params={"top_p": 0.3}, logprobs=True),
        _plain,
        {"temperature": 0.5},
    ),
    "tool_named": (
        lambda m: m.bind_tools([add], tool_choice="add").invoke("2 + 3?"),
        _answered(chat=_called("add", '{"a": 2, "b": 3}')),
        {},
    ),
    "tool_auto": (
        lambda m: m.bind_tools([add]).invoke("2 + 3?"),
        _answered(chat=_called("add", '{"a": 2, "b": 3}')),
        {},
    ),
    "structured": (
        lambda m: m.with_structured_output(Person).invoke("who?"),
        _answered(chat=_called("Person", '{"name": "Ann"}')),
        {},
    ),
    "structured_json_mode": (
        lambda m: m.with_structured_output(Person, method="json_mode").invoke("who?"),
        _answered(chat=_reply({"role": "assistant", "content": '{"name": "Ann"}'})),
        {},
    ),
    "stream_tool_call": (
        lambda m: _chunks(list(m.bind_tools([add]).stream("2 + 3?"))),
        _answered(events=CALL_EVENTS),
        {},
    ),
    "streaming_invoke": (lambda m: m.invoke("hi"), _plain, {"streaming": True}),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_ibm(name: str, cloud: ScriptedServer) -> None:
    script, answer, given = SCRIPTS[name]
    their_result, our_result, their_sent, our_sent = run(cloud, script, answer, **given)
    assert their_sent and their_sent[0]["path"] == GATEWAY
    assert our_result == their_result
    assert our_sent == their_sent


def _calling(how: str) -> Callable[[Any], Any]:
    if how == "invoke":
        return lambda m: m.invoke("hi").content
    if how == "ainvoke":
        return lambda m: asyncio.run(m.ainvoke("hi")).content
    if how == "stream":
        return lambda m: "".join(str(c.content) for c in m.stream("hi"))
    return lambda m: "".join(str(c.content) for c in asyncio.run(_astreamed(m)))


def _refusing(status: int, fails: int = 1_000) -> Callable[[], Handler]:
    """Fresh gateways, each refusing its first `fails` requests with `status`."""

    def fresh() -> Handler:
        sent: list[str] = []

        def handler(seen: Seen) -> Reply:
            if seen.path.startswith(GATEWAY):
                sent.append(seen.path)
                if len(sent) <= fails:
                    return _gateway(seen, status=status)
            return _gateway(seen)

        return handler

    return fresh


@pytest.mark.parametrize("status", [400, 404, 422])
@pytest.mark.parametrize("how", ["invoke", "ainvoke", "stream"])
def test_an_error_status_is_the_sdk_s_class(how: str, status: int, cloud: ScriptedServer) -> None:
    """A call's is ibm-watsonx-ai's ApiRequestFailure, a stream's its WMLClientError
    (not ApiRequestFailure)."""
    their_result, our_result, their_sent, our_sent = run(cloud, _calling(how), _refusing(status))
    assert their_result["raised"]["WMLClientError"]
    assert their_result["raised"]["ApiRequestFailure"] is (how != "stream")
    assert our_result == their_result
    assert our_sent == their_sent


#: (how, status refused every time) -> the requests ibm-watsonx-ai sends: a call's in its
#: two loops (its transport's, its rate-limit loop's), a stream's in its transport's alone.
SENT = {
    **{("invoke", s): n for s, n in {408: 1, 429: 11, 500: 4, 503: 44}.items()},
    **{(how, s): n for how in ("stream", "astream") for s, n in {429: 1, 500: 4, 503: 4}.items()},
}


def _both_sent(server: ScriptedServer, how: str, status: int, fails: int = 1_000) -> list[Any]:
    """(requests, outcome) of langchain-ibm's model, then the drop-in's."""
    their_result, our_result, their_sent, our_sent = run(
        server, _calling(how), _refusing(status, fails)
    )
    return [(len(their_sent), their_result), (len(our_sent), our_result)]


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize(("how", "status"), sorted(SENT))
def test_sent_as_often_as_ibm_watsonx_ai_sends(
    how: str, status: int, cloud: ScriptedServer
) -> None:
    their, our = _both_sent(cloud, how, status)
    assert their[0] == SENT[how, status]
    assert our == their


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
@pytest.mark.parametrize("how", ["invoke", "stream"])
def test_the_reply_after_refusals(how: str, cloud: ScriptedServer) -> None:
    their, our = _both_sent(cloud, how, 500, fails=2)
    assert their == (3, "Hello there" if how == "invoke" else "Hello")
    assert our == their


def test_what_a_tracer_reads(cloud: ScriptedServer) -> None:
    """LangSmith's `ls_*` params (the gateway's model named), and the fields read back."""

    def read(model: Any) -> dict[str, Any]:
        return {
            "ls": model._get_ls_params(),
            "fields": {k: getattr(model, k) for k in ("model", "model_id", "project_id")},
        }

    cloud.handler = _gateway
    for given in ({}, {"temperature": 0.5, "project_id": "proj-1"}):
        assert read(ours(cloud.url, **given)) == read(theirs(**given))


def test_model_and_model_id_refused_together(cloud: ScriptedServer) -> None:
    cloud.handler = _gateway
    for build in (theirs, lambda **given: ours(cloud.url, **given)):
        with pytest.raises(ValueError, match="mutually exclusive"):
            build(model_id="ibm/granite-3-8b-instruct", project_id="proj-1")


def test_init_chat_model_names_a_model_id_as_langchain_does(cloud: ScriptedServer) -> None:
    """LangChain's `init_chat_model("ibm:...")` builds `ChatWatsonx(model_id=...)`: the
    chat API's model, not the gateway's; the drop-in's `init_chat_model` the same."""
    init = pytest.importorskip("langchain.chat_models").init_chat_model
    name, scope = "ibm:ibm/granite-3-8b-instruct", {"api_key": "ibm-key", "project_id": "p-1"}
    cloud.handler = _service
    sent = []
    for build in (
        lambda: init(name, url=CLOUD, **scope),
        lambda: chatplex.langchain.init_chat_model(
            name, url=cloud.url, iam_url=f"{cloud.url}/identity/token", **scope
        ),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = build()
        cloud.seen.clear()
        reply = model.invoke("hi")
        chats = [_chat_request(s) for s in cloud.seen if s.path.startswith("/ml/")]
        sent.append((observe(reply), (model.model_id, model.model), chats))
    assert sent[0][2][0]["path"].startswith("/ml/v1/text/chat?")
    assert sent[1] == sent[0]


# -- Kept differences: each script shows LangChain's outcome, then chatplex's. --

_STOP_PER_CALL = Difference(
    Reason.REJECTED,
    "through the Model Gateway (`model=`), sends a call's stop words (`invoke(..., "
    "stop=[...])`) as `stop_sequences`, which the OpenAI chat completions format the "
    "gateway takes does not have (its field is `stop`)",
    "sent as `stop`, as the constructor's `stop` is",
)

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "gateway_stop_per_call": (_STOP_PER_CALL, lambda outcome: outcome),
    "gateway_async_retry": (_ASYNC_RETRY, lambda outcome: outcome),
    "gateway_stale_token": (_STALE_TOKEN, lambda outcome: outcome),
    "gateway_built_offline": (_BUILT_OFFLINE, lambda outcome: outcome),
}


def test_gateway_stop_per_call(cloud: ScriptedServer) -> None:
    _, _, their_sent, our_sent = run(cloud, lambda m: m.invoke("hi", stop=["END"]), _plain)
    assert their_sent[0]["body"].pop("stop_sequences") == ["END"]
    assert our_sent[0]["body"].pop("stop") == ["END"]
    assert our_sent == their_sent


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
def test_gateway_async_retry(cloud: ScriptedServer) -> None:
    async_retry_seen(*_both_sent(cloud, "ainvoke", 429))


@pytest.mark.usefixtures("ibm_at_once", "chatplex_retries_at_once")
def test_gateway_stale_token(cloud: ScriptedServer) -> None:
    """IAM's first token refused with 401 four times (the transport's loop), a fresh
    one taken."""
    stale_token_seen(*_both_sent(cloud, "invoke", 401, fails=4))


def test_gateway_built_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert built_offline(monkeypatch, theirs, lambda: ours(CLOUD)).model == MODEL


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
