"""langchain-core's v3 event stream of the drop-ins, side by side with their partner
classes: `model.stream_events(input, version="v3")` (a `ChatModelStream`) and
`await model.astream_events(input, version="v3")` (an `AsyncChatModelStream`), each made
with the partner's class and with chatplex's of the same name against the same scripted
mock server on 127.0.0.1.

What a script reads of the stream is compared: the stream's class, the `.text` deltas,
`.tool_calls`, the assembled `.output` (usage included), the raw protocol events
replayed, `done`, the error raised (its class) and what a callback handler heard (the
run's start, its end or error, each `on_stream_event`'s kind). Ids drawn per run (the
message's `lc_run--` id, the mock's call and request ids) are masked.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.callbacks import BaseCallbackHandler

from chatplex.testing import MockRequest
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests._drawn import masked_matches
from tests._genai_leftovers import UNAWAITED_JSON
from tests._genai_leftovers import collected_at_the_end  # noqa: F401 - autouse
from tests.langchain.agents_matrix._kit import WIRES
from tests.langchain.agents_matrix._kit import chatplex_class
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import blocks_observed
from tests.partners._sidebyside import module_loop

pytestmark = [
    pytest.mark.filterwarnings("ignore::langchain_core._api.LangChainBetaWarning"),
    # google-genai's async client subclasses aiohttp's session, which aiohttp warns of,
    # and leaves aiohttp's `json()` coroutine unawaited on an error (reclaimed at the
    # module's end: `collected_at_the_end`).
    pytest.mark.filterwarnings("ignore:Inheritance class:DeprecationWarning"),
    *UNAWAITED_JSON,
]

LOOP, _shared_clients_closed = module_loop()

#: The wires compared, and what each is built with beyond its matrix row
#: (`openai+usage`: Chat Completions asked for usage in its stream).
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "openai": ("openai", {}),
    "openai+usage": ("openai", {"stream_usage": True}),
    "anthropic": ("anthropic", {}),
    "gemini": ("gemini", {}),
    "bedrock_converse": ("bedrock_converse", {}),
}

#: Each scenario's prompt; the server answers by it (`_fault`, `SCRIPT`).
PROMPTS = {
    "text": "hello there",
    "tool_call": "add 1 and 2",
    "error_event": "fail after one piece",
    "cut": "cut after one piece",
}

SCRIPT = MockScript(rules=[ScriptRule(user_text=r"\badd\b", call="add", args={"a": 1, "b": 2})])


def _fault(request: MockRequest) -> str | None:
    """An error event, or a connection closed, after the reply's first piece, as the
    prompt asks."""
    said = json.dumps(request.json)
    if "fail after" in said:
        return "stream_error_event;after=1"
    if "cut after" in said:
        return "midstream_close;after=1"
    return None


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        server.settings.script = SCRIPT
        server.settings.fault_plan = _fault
        yield server


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _models(case: str, url: str, *, tools: bool) -> list[Any]:
    """The partner's model, then chatplex's, built with the same call."""
    wire_name, more = CASES[case]
    wire = WIRES[wire_name]
    pytest.importorskip(wire.module)
    models = []
    for cls in (wire.partner(), chatplex_class(wire.cls)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(**wire.settings(url), **more)
        models.append(model.bind_tools([add]) if tools else model)
    return models


class _Heard(BaseCallbackHandler):
    """What a sync callback handler hears of the run, in order."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.heard.append("start")

    def on_stream_event(self, event: Any, **kwargs: Any) -> None:
        self.heard.append(f"event:{event.get('event')}")

    def on_llm_end(self, *args: Any, **kwargs: Any) -> None:
        self.heard.append("end")

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.heard.append(f"error:{type(error).__name__}")


class _AsyncHeard(AsyncCallbackHandler):
    """`_Heard`, for async runs."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    async def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
        self.heard.append("start")

    async def on_stream_event(self, event: Any, **kwargs: Any) -> None:
        self.heard.append(f"event:{event.get('event')}")

    async def on_llm_end(self, *args: Any, **kwargs: Any) -> None:
        self.heard.append("end")

    async def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.heard.append(f"error:{type(error).__name__}")


#: Ids drawn per run: the stream's message id, the mock server's call and request ids.
_DRAWN = re.compile(r"lc_run--[0-9a-f-]{36}|\b\w+_mock[0-9a-f]{8}\d{6}\b")


def _seen(found: dict[str, Any]) -> Any:
    return masked_matches(blocks_observed(found), _DRAWN, RANDOM)


def _events_until_raised(stream: Any) -> dict[str, Any]:
    """The raw events a fresh iteration replays, and the error it ends on."""
    events: list[Any] = []
    try:
        for event in stream:
            events.append(event)
    except Exception as exc:  # noqa: BLE001 - the class is compared
        return {"events": events, "replay_raised": type(exc).__name__}
    return {"events": events}


def _read_sync(model: Any, prompt: str) -> Any:
    """What a sync script reads: the text deltas, the calls, the message, the events."""
    handler = _Heard()
    stream = model.stream_events(prompt, {"callbacks": [handler]}, version="v3")
    found: dict[str, Any] = {"class": type(stream).__name__, "deltas": []}
    try:
        for delta in stream.text:
            found["deltas"].append(delta)
        found["text"] = str(stream.text)
        found["tool_calls"] = stream.tool_calls.get()
        found["output"] = stream.output
    except Exception as exc:  # noqa: BLE001 - the class is compared
        found["raised"] = type(exc).__name__
    found.update(_events_until_raised(stream))
    found["done"] = stream.done
    found["heard"] = handler.heard
    return _seen(found)


async def _aevents_until_raised(stream: Any) -> dict[str, Any]:
    events: list[Any] = []
    try:
        async for event in stream:
            events.append(event)
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 - the class is compared
        return {"events": events, "replay_raised": type(exc).__name__}
    return {"events": events}


async def _produced(stream: Any) -> None:
    """Until the stream's producer task ended: it tells the handlers of an error after
    the stream failed (the script sees the error first), as langchain-core runs it."""
    task = stream._producer_task
    if task is not None:
        await asyncio.wait([task])


async def _read_async(model: Any, prompt: str) -> Any:
    """`_read_sync`, as an async script reads it (awaiting the projections and the
    stream itself)."""
    handler = _AsyncHeard()
    stream = await model.astream_events(prompt, {"callbacks": [handler]}, version="v3")
    found: dict[str, Any] = {"class": type(stream).__name__, "deltas": []}
    try:
        async for delta in stream.text:
            found["deltas"].append(delta)
        found["text"] = await stream.text
        found["tool_calls"] = await stream.tool_calls
        found["output"] = await stream.output
        found["awaited"] = await stream
    except Exception as exc:  # noqa: BLE001 - the class is compared
        found["raised"] = type(exc).__name__
    found.update(await _aevents_until_raised(stream))
    found["done"] = stream.done
    await _produced(stream)
    found["heard"] = handler.heard
    return _seen(found)


def _read(model: Any, prompt: str, asynchronous: bool) -> Any:
    if asynchronous:
        return LOOP.run_until_complete(_read_async(model, prompt))
    return _read_sync(model, prompt)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("scenario", sorted(PROMPTS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_v3_stream_reads_as_under_the_partner(
    mock: MockServer, case: str, scenario: str, asynchronous: bool
) -> None:
    theirs, ours = (
        _read(model, PROMPTS[scenario], asynchronous)
        for model in _models(case, mock.url, tools=scenario == "tool_call")
    )
    assert ours == theirs
    _assert_scenario_shown(scenario, theirs)


def _assert_scenario_shown(scenario: str, theirs: Any) -> None:
    """The partner's run shows what the scenario is about (else the comparison is idle)."""
    if scenario == "text":
        assert theirs["deltas"] and theirs["text"] == "".join(theirs["deltas"])
    elif scenario == "tool_call":
        assert [(c["name"], c["args"]) for c in theirs["tool_calls"]] == [("add", {"a": 1, "b": 2})]
    else:  # an error after the first piece: that piece reached the script, then the error
        assert len(theirs["deltas"]) == 1 and "raised" in theirs
        assert theirs["heard"][0] == "start" and theirs["heard"][-1].startswith("error:")


@pytest.fixture
def slow(mock: MockServer) -> Iterator[MockServer]:
    """The server with a pause between a stream's events: a script that leaves after the
    first piece leaves while the rest is still on its way."""
    mock.settings.chunk_delay = 0.2
    try:
        yield mock
    finally:
        mock.settings.chunk_delay = 0.0


def _left_sync(model: Any) -> Any:
    """A sync script that takes the first piece and leaves the stream unread."""
    handler = _Heard()
    stream = model.stream_events(PROMPTS["text"], {"callbacks": [handler]}, version="v3")
    first = next(iter(stream.text))
    found = {"first": first, "done": stream.done, "events": list(stream._events)}
    del stream
    gc.collect()  # what the stream held is reclaimed: nothing more is heard
    return _seen({**found, "heard": handler.heard})


async def _left_async(model: Any, *, at_once: bool) -> Any:
    """An async script that closes the stream (`aclose()`) after the first piece, or
    `at_once`, before reading anything: what it reads then, and what a handler heard."""
    handler = _AsyncHeard()
    stream = await model.astream_events(PROMPTS["text"], {"callbacks": [handler]}, version="v3")
    found: dict[str, Any] = {}
    if not at_once:
        async for delta in stream.text:
            found["first"] = delta
            break
    await stream.aclose()
    found["done"] = stream.done
    try:
        await stream.output
    except BaseException as exc:  # noqa: BLE001 - CancelledError's class is compared
        found["output_raised"] = type(exc).__name__
    found.update(await _aevents_until_raised(stream))
    return _seen({**found, "heard": handler.heard})


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_sync_v3_stream_left_after_its_first_piece_is_left_as_under_the_partner(
    slow: MockServer, case: str
) -> None:
    theirs, ours = (_left_sync(model) for model in _models(case, slow.url, tools=False))
    assert ours == theirs
    assert theirs["first"] and not theirs["done"] and "end" not in theirs["heard"]


@pytest.mark.parametrize("at_once", [False, True], ids=["after_a_piece", "at_once"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_async_v3_stream_closed_early_is_cancelled_as_under_the_partner(
    slow: MockServer, case: str, at_once: bool
) -> None:
    theirs, ours = (
        LOOP.run_until_complete(_left_async(model, at_once=at_once))
        for model in _models(case, slow.url, tools=False)
    )
    assert ours == theirs
    assert theirs["done"] and theirs["output_raised"] == "CancelledError"
    assert theirs["heard"][-1] == "error:CancelledError"


def _configurable_v3(init: Any, url: str) -> list[str]:
    """What a configurable model (no model chosen at construction) does for v3: the
    class a sync call raises, and the class awaiting the async call raises."""
    model = init(configurable_fields=("model", "model_provider"), api_key="k", base_url=url)
    config: Any = {"configurable": {"model": "gpt-4o-mini", "model_provider": "openai"}}

    async def awaited() -> Any:
        return await model.astream_events("hi", config, version="v3")

    raised = []
    for run in (lambda: model.stream_events("hi", config, version="v3"),
                lambda: LOOP.run_until_complete(awaited())):  # fmt: skip
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - the class is compared
            raised.append(type(exc).__name__)
    return raised


def test_a_configurable_model_refuses_v3_as_langchains_does(mock: MockServer) -> None:
    """langchain's configurable model is no chat model: v3 is refused (sync), and its
    async method is a generator of v2 events, which cannot be awaited."""
    theirs = pytest.importorskip("langchain.chat_models").init_chat_model
    from chatplex.langchain import init_chat_model as ours

    url = mock.url + "/v1"
    assert _configurable_v3(ours, url) == _configurable_v3(theirs, url)
    assert _configurable_v3(theirs, url) == ["NotImplementedError", "TypeError"]
