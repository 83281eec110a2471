"""RecordedChatRun: what a chat-model call notes for a tracer that records its own runs.

(The run dict the LangSmith tracer builds from a record is compared with the general
path's in tests/tracing/test_langsmith_lane.py.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.chat.callbacks import ChatModelRun
from chatplex.chat.recorded_run import RecordedChatRun
from chatplex.chat.recorded_run import recorder_of
from chatplex.chat.recorded_run import start_run
from chatplex.core.tracers import add_tracer
from chatplex.core.tracers import remove_tracer
from chatplex.http import retry_policy
from chatplex.testing import MockServer
from tests._dropins import engine

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)


class Recorder:
    """A tracer that records chat runs itself: keeps the ended records."""

    records_chat_runs = True
    run_inline = True
    covered_by = None

    def __init__(self) -> None:
        self.records: list[RecordedChatRun] = []
        self.parents: list[Any] = []

    def parent_record(self, parent: Any) -> Any:
        self.parents.append(parent.run_id)
        return {"parent": parent.run_id}

    def record_chat_run(self, record: RecordedChatRun) -> None:
        self.records.append(record)

    # The general path's methods, for the calls that do not take the lane.
    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_llm_end(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_retry(self, *args: Any, **kwargs: Any) -> None:
        """Has one: the http layer's retries are reported to the run only then."""


@pytest.fixture()
def recorder() -> Any:
    tracer = Recorder()
    add_tracer(tracer)
    yield tracer
    remove_tracer(tracer)


def model(mock: MockServer, **options: Any) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", base_url=mock.openai_base_url, api_key="k", **options)


def test_recorder_of_wants_the_tracer_alone() -> None:
    tracer, other = Recorder(), object()
    assert recorder_of([tracer]) is tracer
    assert recorder_of([tracer, other]) is None
    assert recorder_of([other]) is None
    assert recorder_of((tracer,)) is None  # a caller's own tuple: the general path
    assert recorder_of(None) is None
    assert isinstance(start_run({"callbacks": [tracer]}, "M"), RecordedChatRun)
    assert type(start_run({"callbacks": [tracer, Recorder()]}, "M")) is ChatModelRun
    assert start_run({}, "M") is None


@pytest.mark.parametrize("sync", [True, False])
def test_a_call_is_recorded_whole(mock: MockServer, recorder: Recorder, sync: bool) -> None:
    chat = model(mock, temperature=0.5)
    history: list[Any] = ["hi"]
    config: Any = {"tags": ["t"], "metadata": {"k": 1}, "run_name": "named"}
    reply = chat.invoke(history, config) if sync else asyncio.run(chat.ainvoke(history, config))
    history.append("later")  # the record keeps the history as it was
    (record,) = recorder.records
    assert record.reply is reply and record.failure is None
    assert [m.content for m in record.messages] == ["hi"]
    assert record.name == "named" and record.tags == ["t"] and record.metadata == {"k": 1}
    assert record.params["temperature"] == 0.5 and record.serialized["name"] == "ChatOpenAI"
    assert 0 < record.start_time <= record.end_time
    assert record.token_time is None and record.retries is None
    assert record.parent_run_id is None and record.parent_record is None


@pytest.mark.parametrize("sync", [True, False])
def test_a_stream_records_its_first_token(mock: MockServer, recorder: Recorder, sync: bool) -> None:
    chat = model(mock)
    if sync:
        chunks = list(chat.stream("hello there"))
    else:

        async def consume() -> list[Any]:
            return [c async for c in chat.astream("hello there")]

        chunks = asyncio.run(consume())
    (record,) = recorder.records
    assert record.reply is not None and record.reply.text == "".join(c.text for c in chunks)
    assert record.token_time is not None
    assert record.start_time <= record.token_time <= record.end_time


def test_a_failure_and_its_retries_are_recorded(mock: MockServer, recorder: Recorder) -> None:
    chat = model(
        mock,
        default_headers={"x-mock-fault": "status=503"},
        retry_policy=retry_policy(max_retries=2, initial_delay=0.001, max_delay=0.002),
    )
    with pytest.raises(Exception, match="503") as raised:
        chat.invoke("hi")
    (record,) = recorder.records
    assert record.failure is raised.value and record.reply is None
    assert record.retries is not None
    assert [state.attempt_number for _, state in record.retries] == [1, 2]


def test_a_call_inside_a_chain_asks_for_its_parents_record(
    mock: MockServer, recorder: Recorder
) -> None:
    from chatplex.core import RunnableLambda

    chat = model(mock)
    RunnableLambda(lambda text: chat.invoke(text)).invoke("hi")
    (record,) = recorder.records
    assert record.parent_run_id is not None
    assert recorder.parents == [record.parent_run_id]
    assert record.parent_record == {"parent": record.parent_run_id}
    # The ids an event stream would report, made when read: the lambda's, then none.
    assert record.parent_ids == (str(record.parent_run_id),)
    assert record.parent.parent_ids == ()
    with pytest.raises(AttributeError, match="parent_ids follow its parent"):
        record.parent_ids = ()  # they follow the parent, never set apart from it


def test_records_share_one_list_per_set_of_tags_within_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A queued record's tags are the one list of those tags (a container less per record
    for the garbage collector to count); past the bound, tags made on the fly are kept
    as they come, not remembered."""
    from chatplex.chat import recorded_run

    first, again = ["seq:step:2", "mine"], ["seq:step:2", "mine"]
    assert recorded_run.shared_tags(first) is first
    assert recorded_run.shared_tags(again) is first and again == first
    assert recorded_run.shared_tags([]) is recorded_run.shared_tags([]) == []
    monkeypatch.setattr(recorded_run, "_TAGS", {(str(n),): [str(n)] for n in range(1_000)})
    fresh = ["made-on-the-fly"]
    assert recorded_run.shared_tags(fresh) is fresh
    assert ("made-on-the-fly",) not in recorded_run._TAGS


def test_a_recorded_calls_tags_are_shared(mock: MockServer, recorder: Recorder) -> None:
    chat = model(mock)
    chat.invoke("a", {"tags": ["mine"]})
    chat.invoke("b", {"tags": ["mine"]})
    one, two = recorder.records
    assert one.tags == ["mine"] and one.tags is two.tags
