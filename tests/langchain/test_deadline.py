"""chatplex/langchain/deadline.py: the run config's `timeout` bounds a drop-in's whole call,
as it bounds a call of chatplex's own family (decision 001), sync and async, invoke and
stream, against a server that accepts and then says nothing, or stops mid-stream."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda

from chatplex.errors import DeadlineExceededError
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI
from tests._calls import ask_stream
from tests._fresh import fresh_python
from tests._silent import SilentServer

#: This checkout (the fresh interpreter imports chatplex and the tests from it).
ROOT = Path(__file__).resolve().parents[2]

#: Far above any deadline here, far below the test's patience: a call that ignored its
#: deadline would end by this read timeout, and the assertion on the elapsed time fails.
_READ_TIMEOUT = 60.0

#: What a deadline of 0.5 s may take on a busy shared machine before it is called ignored.
_PATIENCE = 20.0


def _openai(url: str) -> Any:
    return ChatOpenAI(
        model="m", api_key="sk-test", base_url=f"{url}/v1", timeout=_READ_TIMEOUT, max_retries=0
    )


def _anthropic(url: str) -> Any:
    return ChatAnthropic(
        model="claude-x",
        api_key="sk-test",
        base_url=url,
        default_request_timeout=_READ_TIMEOUT,
        max_retries=0,
    )


def _bounded(call: Any) -> float:
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        call()
    elapsed = time.monotonic() - started
    assert elapsed < _PATIENCE, f"the 0.5 s deadline was held for {elapsed:.1f} s"
    return elapsed


@pytest.mark.parametrize("make", [_openai, _anthropic], ids=["openai", "anthropic"])
def test_invoke_and_stream_end_at_the_deadline_against_a_silent_server(
    silent: SilentServer, make: Any
) -> None:
    model = make(silent.url)
    config: Any = {"timeout": 0.5}
    _bounded(lambda: model.invoke("hi", config=config))
    _bounded(lambda: list(model.stream("hi", config=config)))
    _bounded(lambda: asyncio.run(model.ainvoke("hi", config=config)))
    _bounded(lambda: asyncio.run(ask_stream(model, False, "hi", config=config)))


def test_a_stream_that_stops_mid_way_ends_at_the_deadline_with_what_came(
    stops_mid_stream: SilentServer,
) -> None:
    model = _openai(stops_mid_stream.url)
    got: list[str] = []

    def read() -> None:
        for chunk in model.stream("hi", config={"timeout": 0.5}):
            got.append(chunk.text)

    _bounded(read)
    assert "Hel" in got  # the piece that came is handed on before the deadline ends it
    _bounded(lambda: asyncio.run(ask_stream(model, False, "hi", config={"timeout": 0.5})))


def _v3_events(model: Any, sync: bool, config: Any) -> list[Any]:
    """The events of LangChain's v3 stream (`stream_events` / `astream_events`)."""
    if sync:
        return list(model.stream_events("hi", version="v3", config=config))

    async def events() -> list[Any]:
        stream = await model.astream_events("hi", version="v3", config=config)
        return [event async for event in stream]

    return asyncio.run(events())


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
@pytest.mark.parametrize("make", [_openai, _anthropic], ids=["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_v3_stream_ends_at_the_deadline_against_a_silent_server(
    silent: SilentServer, make: Any, sync: bool
) -> None:
    """LangChain's v3 stream starts the call from its pump, after `stream_events` has
    returned: the deadline fixed when it was asked for holds there too."""
    _bounded(lambda: _v3_events(make(silent.url), sync, {"timeout": 0.5}))


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_v3_stream_that_stops_mid_way_ends_at_the_deadline_with_what_came(
    stops_mid_stream: SilentServer, sync: bool
) -> None:
    model = _openai(stops_mid_stream.url)
    got: list[Any] = []
    handler = _Heard(got)
    _bounded(lambda: _v3_events(model, sync, {"timeout": 0.5, "callbacks": [handler]}))
    assert "Hel" in got  # the piece that came was told before the deadline ended the call


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
@pytest.mark.parametrize("given", ["an id", "None"])
def test_a_v3_stream_keeps_the_run_id_its_config_gives(silent: SilentServer, given: str) -> None:
    """The deadline goes with the run's id: one the config gives is the run's (handlers
    see it), and a `run_id` of None is LangChain's "draw one"."""
    run_id = uuid.uuid4() if given == "an id" else None
    heard: list[Any] = []
    config = {"timeout": 0.5, "run_id": run_id, "callbacks": [_Heard(heard)]}
    _bounded(lambda: _v3_events(_openai(silent.url), True, config))
    started = [entry for entry in heard if isinstance(entry, uuid.UUID)]
    assert len(started) == 1 and (run_id is None or started == [run_id])


class _Heard(BaseCallbackHandler):
    """The tokens a v3 stream tells its run's handlers."""

    def __init__(self, tokens: list[Any]) -> None:
        self.tokens = tokens

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)

    def on_chat_model_start(self, *args: Any, run_id: uuid.UUID, **kwargs: Any) -> None:
        self.tokens.append(run_id)


def test_the_deadline_reaches_the_model_inside_langchains_chain_and_lambda(
    silent: SilentServer,
) -> None:
    model = _openai(silent.url)
    chain = ChatPromptTemplate.from_template("{topic}") | model
    _bounded(lambda: chain.invoke({"topic": "tea"}, config={"timeout": 0.5}))  # type: ignore[arg-type]
    # A model called inside a lambda inherits the enclosing run's config.
    inside = RunnableLambda(lambda text: model.invoke(text))
    _bounded(lambda: inside.invoke("hi", config={"timeout": 0.5}))  # type: ignore[arg-type]
    _bounded(lambda: model.with_config(timeout=0.5).invoke("hi"))  # type: ignore[call-arg]


def test_a_bad_timeout_is_refused_before_any_request(silent: SilentServer) -> None:
    model = _openai(silent.url)
    for bad in (0, -1, "5", True):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            model.invoke("hi", config={"timeout": bad})  # type: ignore[typeddict-unknown-key]


def test_without_a_timeout_the_call_is_the_same_as_before(silent: SilentServer) -> None:
    # No deadline: the engine's own bounds (here its 60 s read timeout) hold; a reply
    # that comes is read in full. Checked on the mock server's normal reply.
    from chatplex.testing import MockServer

    with MockServer() as server:
        model = ChatOpenAI(model="m", api_key="sk-test", base_url=server.openai_base_url)
        assert model.invoke("hi").content
        assert model.invoke("hi", config={"timeout": 30}).content  # type: ignore[typeddict-unknown-key]


@pytest.mark.parametrize("make", [_openai, _anthropic], ids=["openai", "anthropic"])
def test_every_path_raises_the_deadline_as_the_partners_sdk_class(
    silent: SilentServer, make: Any
) -> None:
    """What `except openai.APITimeoutError` catches around a sync call it catches around
    the async one too: the engine's async watch may fire before the wire's bound, and
    its error is the wire's class as well (`ChatModel._deadline_error`)."""
    import anthropic
    import openai

    model = make(silent.url)
    sdk_class = openai.APITimeoutError if make is _openai else anthropic.APITimeoutError
    config: Any = {"timeout": 0.5}
    paths = {
        "invoke": lambda: model.invoke("hi", config=config),
        "ainvoke": lambda: asyncio.run(model.ainvoke("hi", config=config)),
        "stream": lambda: list(model.stream("hi", config=config)),
        "astream": lambda: asyncio.run(ask_stream(model, False, "hi", config=config)),
        "abatch": lambda: asyncio.run(model.abatch(["hi"], config=config)),
    }
    kinds = {}
    for path, call in paths.items():
        with pytest.raises(DeadlineExceededError) as caught:
            call()
        kinds[path] = isinstance(caught.value, sdk_class)
    assert kinds == dict.fromkeys(paths, True)


def test_a_deadline_passed_before_the_engine_is_called_is_the_sdks_class_too() -> None:
    """A handler that outlasts the deadline before the request: no request is sent, and
    the error is the one a deadline met on the wire raises (`engine_config`)."""
    import openai
    from langchain_core.callbacks import BaseCallbackHandler

    class Slow(BaseCallbackHandler):
        def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
            time.sleep(0.3)

    model = ChatOpenAI(model="m", api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    config: Any = {"timeout": 0.1, "callbacks": [Slow()]}
    for call in (
        lambda: model.invoke("hi", config=config),
        lambda: asyncio.run(model.ainvoke("hi", config=config)),
    ):
        with pytest.raises(openai.APITimeoutError) as caught:
            call()
        assert isinstance(caught.value, DeadlineExceededError)


_FIRST_DEADLINE = """
import asyncio, json, sys
import chatplex.langchain
from tests._silent import SilentServer
assert "openai" not in sys.modules and "anthropic" not in sys.modules
server = SilentServer()
seen = {}
for name, sdk, url, path in (
    ("ChatOpenAI", "openai", server.url + "/v1", "invoke"),
    ("ChatAnthropic", "anthropic", server.url, "ainvoke"),
):
    model = getattr(chatplex.langchain, name)(model="m", base_url=url, api_key="k", max_retries=0)
    built = set(sys.modules)
    try:
        if path == "invoke":
            model.invoke("hi", config={"timeout": 0.2})
        else:
            asyncio.run(model.ainvoke("hi", config={"timeout": 0.2}))
    except TimeoutError as err:
        raised = isinstance(err, sys.modules[sdk].APITimeoutError)
    imported = sorted(m for m in set(sys.modules) - built if m.partition(".")[0] == sdk)
    seen[name] = {"sdk_class": raised, "loaded_when_built": sdk in built, "imported": imported}
print(json.dumps(seen))
"""


def test_a_first_deadline_in_a_process_imports_nothing_once_it_passed() -> None:
    """The SDK whose class a drop-in's errors take is imported when the drop-in is built
    (its partner package imports it with itself), not by the first error: a deadline's
    error would otherwise wait for that import (0.3-0.9 s for openai here) after the
    deadline. A fresh interpreter, where no SDK was imported: ChatOpenAI's sync call,
    then ChatAnthropic's async one."""
    ran = fresh_python(_FIRST_DEADLINE, cwd=ROOT)
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    each = {"sdk_class": True, "loaded_when_built": True, "imported": []}
    assert seen == {"ChatOpenAI": each, "ChatAnthropic": each}
