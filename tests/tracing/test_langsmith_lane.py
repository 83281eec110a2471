"""A chat-model call recorded for the LangSmith tracer (`chat/recorded_run.py`) is sent as
the same run, byte for byte but for its ids and times, as the handler protocol's path
sends it (`on_chat_model_start` ... `on_llm_end`); the lane is taken only when the tracer
is the call's one listener.

Each case runs twice against the mock server: with the tracer alone (the lane), and with
a user handler beside it (the general path); the multipart bodies the sender would post
are compared after the run ids and the times are replaced by placeholders.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.chat import ChatModel
from chatplex.chat.callbacks import ChatModelRun
from chatplex.chat.recorded_run import RecordedChatRun
from chatplex.core.tracers import add_tracer
from chatplex.core.tracers import remove_tracer
from chatplex.http import retry_policy
from chatplex.providers.openai.dropin import build  # (ChatOpenAI's plain model)
from chatplex.testing import MockServer
from chatplex.tracing.langsmith import LangSmithTracer
from chatplex.tracing.sender import LangSmithSender
from chatplex.tracing.sender import SenderSettings

BOUNDARY = "lane-boundary"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_TIME = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")
DOTTED_TIME = re.compile(rb"\d{8}T\d{6}\d{6}Z")
LENGTH = re.compile(rb"Content-Length: \d+")
#: The mock server's reply and request ids (a counter per reply: each path has its own).
MOCK_ID = re.compile(rb"(chatcmpl-mock|req_mock)[0-9a-f]+")


class CapturingSender(LangSmithSender):
    """Keeps the bodies it would post (the real wire form), with their boundary replaced
    by `BOUNDARY`, instead of posting them."""

    def __init__(self) -> None:
        super().__init__(SenderSettings(endpoint="http://127.0.0.1:9", api_key="lsv2-k"))
        self.bodies: list[bytes] = []

    def _post(self, body: bytes | list[bytes], content_type: str, count: int) -> None:
        boundary = content_type.split("boundary=")[1]
        whole = body if isinstance(body, bytes) else b"".join(body)
        self.bodies.append(whole.replace(boundary.encode(), BOUNDARY.encode()))


class Bystander:
    """A user handler: its presence sends the call down the general callback path."""

    def __init__(self) -> None:
        self.ends = 0

    def on_llm_end(self, response: Any, **_: Any) -> None:
        self.ends += 1


def normalized(bodies: list[bytes]) -> list[bytes]:
    """The body's parts with run ids numbered by first appearance, times and the mock's
    reply ids blanked."""
    ids: dict[bytes, bytes] = {}

    def number(match: re.Match[bytes]) -> bytes:
        return ids.setdefault(match.group(0), b"<id%d>" % len(ids))

    parts = []
    for body in bodies:  # (how the runs were split into batches is the timer's business)
        for part in body.split(f"--{BOUNDARY}".encode())[1:-1]:
            part = UUID.sub(number, part)
            part = DOTTED_TIME.sub(b"<t>", ISO_TIME.sub(b"<time>", part))
            part = MOCK_ID.sub(rb"\1<n>", part)
            head, payload = part.split(b"\r\n\r\n", 1)
            # A run's `dotted_order` key comes before or after `end_time` as the sender
            # thread first asked for it (a child's order reads its parent's): either path.
            payload = json.dumps(
                json.loads(payload), sort_keys=True, separators=(",", ":")
            ).encode()
            parts.append(LENGTH.sub(b"Content-Length: <n>", head) + payload)
    return parts


def both_paths(call: Callable[[Any], Any]) -> tuple[list[bytes], list[bytes]]:
    """The bodies of `call` traced through the lane, then through the general path."""
    out = []
    for bystander in (None, Bystander()):
        sender = CapturingSender()
        tracer = LangSmithTracer(sender=sender, project_name="lane")
        add_tracer(tracer)
        try:
            call(None if bystander is None else {"callbacks": [bystander]})
            tracer.flush()
        finally:
            remove_tracer(tracer)
        assert sender.bodies, "nothing was sent"
        if bystander is not None:
            assert bystander.ends or b'"error"' in b"".join(sender.bodies)
        out.append(normalized(sender.bodies))
    return out[0], out[1]


def model(mock: MockServer, **options: Any) -> ChatModel:
    return build(
        {"model": "gpt-4o-mini", "base_url": mock.openai_base_url, "api_key": "sk-test", **options}
    )


def test_an_invoke_is_sent_as_the_general_path_sends_it(mock: MockServer) -> None:
    chat = model(mock, temperature=0.2, max_tokens=50, stop=["x"])
    lane, general = both_paths(
        lambda cfg: chat.invoke("hi", {**(cfg or {}), "tags": ["t1"], "metadata": {"k": "v"}})  # type: ignore[arg-type]
    )
    assert lane == general
    joined = b"".join(lane)
    assert b'"usage_metadata"' in joined and b'"ls_temperature":0.2' in joined
    assert b'"tags":["t1"]' in joined and b'"k":"v"' in joined


def test_a_reply_with_other_candidates_is_sent_the_same(mock: MockServer) -> None:
    chat = model(mock, n=2)
    lane, general = both_paths(lambda cfg: chat.invoke("hi", cfg))
    assert lane == general
    outputs = next(p for p in lane if b'"generations"' in p)
    assert outputs.count(b'"type":"ChatGeneration"') == 2  # the reply, its other candidate


def test_an_async_invoke_and_a_chain_are_sent_the_same(mock: MockServer) -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "be brief"), ("human", "{q}")])
    chain = prompt | model(mock) | StrOutputParser()
    lane, general = both_paths(lambda cfg: asyncio.run(chain.ainvoke({"q": "a"}, cfg)))
    assert lane == general
    assert sum(p.count(b'name="post.') for p in lane) >= 4  # the chain, its three steps


@pytest.mark.parametrize("sync", [True, False])
def test_a_stream_is_sent_the_same_with_its_first_token(mock: MockServer, sync: bool) -> None:
    chat = model(mock)

    def stream(cfg: Any) -> None:
        if sync:
            assert "".join(c.text for c in chat.stream("hi there", cfg))
        else:

            async def consume() -> list[Any]:
                return [c async for c in chat.astream("hi there", cfg)]

            assert asyncio.run(consume())

    lane, general = both_paths(stream)
    assert lane == general
    assert b'"new_token"' in b"".join(lane)


def test_a_failure_with_retries_is_sent_the_same(mock: MockServer) -> None:
    chat = model(
        mock,
        default_headers={"x-mock-fault": "status=503"},
        retry_policy=retry_policy(max_retries=2, initial_delay=0.001, max_delay=0.002),
    )

    def failing(cfg: Any) -> None:
        with pytest.raises(Exception, match="503"):
            chat.invoke("hi", cfg)

    lane, general = both_paths(failing)
    assert lane == general
    joined = b"".join(lane)
    assert joined.count(b'"name":"retry"') == 2 and b"Traceback" in joined


def test_the_lane_is_taken_only_when_the_tracer_listens_alone(mock: MockServer) -> None:
    """The tracer alone: a recorded run; with a user handler or inside
    `get_usage_metadata_callback`, the general one (they must hear the call)."""
    from chatplex.chat.callbacks import get_usage_metadata_callback

    seen: list[type] = []
    chat = model(mock)
    original = ChatModel._prepare

    def spy(self: Any, *args: Any) -> Any:
        prepared = original(self, *args)
        seen.append(type(prepared.run))
        return prepared

    tracer = LangSmithTracer(sender=CapturingSender(), project_name="lane")
    add_tracer(tracer)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ChatModel, "_prepare", spy)
            chat.invoke("a")
            bystander = Bystander()
            chat.invoke("b", {"callbacks": [bystander]})
            with get_usage_metadata_callback() as usage:
                chat.invoke("c")
        tracer.flush()
    finally:
        remove_tracer(tracer)
    assert seen == [RecordedChatRun, ChatModelRun, ChatModelRun]
    assert bystander.ends == 1 and usage.usage_metadata
    assert len(tracer.sender.bodies) >= 1  # type: ignore[union-attr]


def _refuse(text: str) -> str:
    raise ValueError(f"refused {text}")


@pytest.mark.parametrize("how", ["invoke", "stream", "stream_fail", "abatch", "fail"])
def test_a_chain_told_without_the_handler_protocol_is_sent_the_same(
    mock: MockServer, how: str
) -> None:
    """Chain runs the tracer alone hears (`RecordedChainRun`): the same parts as the
    handler protocol's, for an invoke, a stream (the parser starts on its first piece,
    its input unknown then: its end tells it), a stream whose last step fails on what it
    read (its error tells it), a batch and a failing step."""
    headers = {"x-mock-fault": "status=400"} if how == "fail" else {}
    prompt = ChatPromptTemplate.from_messages([("system", "be brief"), ("human", "{q}")])
    chain = prompt | model(mock, default_headers=headers) | StrOutputParser()
    if how == "stream_fail":
        chain = chain | RunnableLambda(_refuse)

    def call(cfg: Any) -> None:
        if how == "invoke":
            assert chain.invoke({"q": "a"}, cfg)
        elif how == "stream":
            assert "".join(chain.stream({"q": "a"}, cfg))
        elif how == "stream_fail":
            with pytest.raises(ValueError, match="refused"):
                "".join(chain.stream({"q": "a"}, cfg))
        elif how == "abatch":
            assert len(asyncio.run(chain.abatch([{"q": "a"}, {"q": "b"}], cfg))) == 2
        else:
            with pytest.raises(Exception, match="400"):
                chain.invoke({"q": "a"}, cfg)

    lane, general = both_paths(call)
    assert lane == general
    joined = b"".join(lane)
    assert b'"run_type":"prompt"' in joined
    if how.startswith("stream"):  # the parser's input as its end told it, not the start's
        assert b'"content":"Echo: a"' in joined and b'{"input":""}' not in joined
    if how == "fail":  # the model and the sequence failed; the parser never ran
        assert joined.count(b'"name":"error"') == 2 and b'"run_type":"parser"' not in joined
    else:
        assert b'"run_type":"parser"' in joined


def test_a_chain_run_takes_the_lane_only_when_the_tracer_listens_alone(
    mock: MockServer,
) -> None:
    from chatplex.core import _traced
    from chatplex.core.runs import RecordedChainRun
    from chatplex.tracing.records import ChainRecord

    made: list[type] = []
    original = _traced._new_run

    def spy(runnable: Any, config: Any) -> Any:
        run = original(runnable, config)
        if run is not None:  # the model reports itself: no chain run
            made.append(type(run))
        return run

    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | model(mock) | StrOutputParser()
    tracer = LangSmithTracer(sender=CapturingSender(), project_name="lane")
    add_tracer(tracer)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_traced, "_new_run", spy)
            chain.invoke({"q": "a"})
            lane = list(made)
            made.clear()
            chain.invoke({"q": "a"}, {"callbacks": [Bystander()]})
        tracer.flush()
    finally:
        remove_tracer(tracer)
    assert len(lane) == 3 and all(issubclass(kind, RecordedChainRun) for kind in lane)
    assert lane == [ChainRecord] * 3  # the tracer's own, its record written in place
    assert not any(issubclass(kind, RecordedChainRun) for kind in made) and len(made) == 3


def test_a_chains_records_share_their_handler_and_listener_lists(mock: MockServer) -> None:
    """The records of a traced chain wait queued until the tracer's thread writes them:
    the lists no one changes in place are one per tracer (its handlers) or one for all
    (no listeners, the one plain handler's kinds), not two or three per record, so a
    queue of them keeps fewer containers for Python's garbage collector to count."""
    from chatplex.chat.recorded_run import NO_LISTENERS
    from chatplex.chat.recorded_run import SHARED_KINDS
    from chatplex.tracing.records import ChainRecord

    chain = ChatPromptTemplate.from_messages([("human", "{q}")]) | model(mock) | StrOutputParser()
    tracer = LangSmithTracer(sender=CapturingSender(), project_name="lane")
    queued: list[Any] = []
    put = tracer._batcher.put
    tracer._batcher.put = lambda run: (queued.append(run), put(run))  # type: ignore[method-assign]
    add_tracer(tracer)
    try:
        chain.invoke({"q": "a"})
        chain.invoke({"q": "b"})
        tracer.flush()
    finally:
        remove_tracer(tracer)
    kinds = [type(run) for run in queued]
    assert kinds.count(ChainRecord) == 6 and kinds.count(RecordedChatRun) == 2
    assert all(run.handlers is tracer.alone_handlers for run in queued)
    assert tracer.alone_handlers == [tracer]
    assert all(run.listeners is NO_LISTENERS for run in queued) and NO_LISTENERS == []
    chat_runs = [run for run in queued if type(run) is RecordedChatRun]
    assert all(run.kinds is SHARED_KINDS for run in chat_runs) and SHARED_KINDS == [0]
    assert len(tracer.sender.bodies) >= 1  # type: ignore[union-attr]
