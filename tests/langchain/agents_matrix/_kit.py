"""The kit of the agents-and-graphs matrix (issue 47): every wire's partner class and
chatplex's class of the same name, run on the same scenario against the same scripted
mock server, their outcomes made plain data and compared.

- `WIRES`: one row per wire (the partner package's class, how it is pointed at the
  server); the chatplex side uses the same constructor call, only the class differs, as
  in a script whose import line changed.
- `chatplex_class`: the one place that says which chatplex class a script gets for a
  LangChain name (`chatplex.langchain`'s: what a ported script imports).
- `observe`: messages, chunks, pydantic models, state dicts and exceptions as plain data
  (ids and timestamps drawn per reply masked), so the two runs compare with `==`.
- `Difference` / `DIFFERENCES` (in `_cells.py`): a cell that differs on purpose, with a
  reason from the closed set and a check that LangChain's outcome still shows it.
- `GAPS` (in `_cells.py`): cells that differ today because the drop-ins are not yet
  LangChain `BaseChatModel`s, xfailed strictly so that they fail once fixed.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import sys
import threading
import warnings
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from typing import TypeVar

import pytest
from langchain_core import chat_history
from langchain_core._api import LangChainBetaWarning
from langchain_core._api import LangChainDeprecationWarning
from langchain_core.runnables import history
from langchain_core.tools import tool

import chatplex
from chatplex.sdk_error_families import joined_classes
from chatplex.testing import MockRequest
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from chatplex.testing.script import Args
from tests._branches import settled as settled

from ._recorded import PARTNERS

#: What a field drawn per reply (an id, a time) is shown as.
RANDOM = "<random>"

#: How long one side of one cell may run before it counts as hung (a real hang, not a
#: slow machine: every scenario's replies come from the local server in milliseconds;
#: generous, as a loaded CI machine with a core pegged runs a cell for tens of seconds).
HANG_AFTER = 300.0

#: The config every agent run gets: an agent that loops (its model calling again and
#: again) ends in LangGraph's GraphRecursionError after this many steps, on either side,
#: rather than after LangGraph's default of 10,007, which took minutes of CPU and, once
#: its side was judged hung, kept burning it under the other cells. Every scenario
#: takes fewer than a dozen steps.
STEPS: dict[str, Any] = {"recursion_limit": 25}


#: The one tool the agents are given (the scripted server calls it for "weather in X").
@tool
def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


#: The user turns of a two-turn conversation, and the checkpointed thread it runs on.
TURNS = ("What is the weather in Paris?", "And the weather in Rome?")
THREAD = {"configurable": {"thread_id": "matrix"}, **STEPS}


def call_on(user_text: str, tool: str, args: Args) -> ScriptRule:
    """The rule most scripts are made of: a user turn that matches `user_text` (a regular
    expression) answered by a call of `tool` with `args` (as a rule takes them: `\\g<name>`
    fills a group in)."""
    return ScriptRule(user_text=user_text, call=tool, args=args)


SCRIPT = MockScript(
    rules=[
        call_on(r"weather in (?P<place>[^?.]+)", "get_weather", {"location": r"\g<place>"}),
        # After the tool ran, the structured answer (a ToolStrategy's tool, when offered),
        # not another weather call: a forced tool choice picks the first tool offered.
        ScriptRule(after_tool_result=True, call="Forecast", args={"city": "Paris", "degrees": 21}),
    ]
)

# ---- the wires ------------------------------------------------------------------------------

AWS_KEYS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "not-a-real-secret",
    "region_name": "us-east-1",
}


def scripted(script: MockScript) -> Any:
    """A module's autouse fixture that answers from `script` for the module's cells and
    puts the shared SCRIPT back after them (`_my_script = scripted(MY_SCRIPT)`)."""

    @pytest.fixture(scope="module", autouse=True)
    def _scripted(server: MockServer) -> Iterator[None]:
        server.settings.script = script
        try:
            yield
        finally:
            server.settings.script = SCRIPT

    return _scripted


def ask(text: str) -> dict[str, Any]:
    """An agent's or graph's input: one user message."""
    return {"messages": [("user", text)]}


def _vertex_credentials() -> Any:
    from google.oauth2 import credentials

    return credentials.Credentials(token="ya29.mock-token")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Wire:
    """One wire: the partner package's class and the constructor call pointing it at the
    server (`settings(url)`); chatplex's class of the same name takes the same call."""

    name: str
    module: str
    cls: str
    settings: Callable[[str], dict[str, Any]]
    #: Whether the wire takes client-side tools (Perplexity's Sonar does not).
    tools: bool = True

    def partner(self) -> Callable[..., Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(importlib.import_module(self.module), self.cls)  # type: ignore[no-any-return]


def _openai(model: str, path: str = "/v1", **more: Any) -> Callable[[str], dict[str, Any]]:
    return lambda url: {"model": model, "api_key": "sk-mock", "base_url": url + path, **more}


WIRES: dict[str, Wire] = {
    wire.name: wire
    for wire in (
        Wire("openai", "langchain_openai", "ChatOpenAI", _openai("gpt-4o-mini")),
        Wire(
            "responses",
            "langchain_openai",
            "ChatOpenAI",
            _openai("gpt-4.1-mini", use_responses_api=True),
        ),
        Wire(
            "azure",
            "langchain_openai",
            "AzureChatOpenAI",
            lambda url: {
                "azure_endpoint": url,
                "azure_deployment": "gpt-4o-mini",
                "api_version": "2024-10-21",
                "api_key": "azure-mock",
            },
        ),
        Wire(
            "anthropic",
            "langchain_anthropic",
            "ChatAnthropic",
            lambda url: {"model": "claude-haiku-4-5", "api_key": "sk-ant-mock", "base_url": url},
        ),
        Wire(
            "gemini",
            "langchain_google_genai",
            "ChatGoogleGenerativeAI",
            lambda url: {"model": "gemini-2.5-flash", "google_api_key": "g-mock", "base_url": url},
        ),
        Wire(
            "vertex",
            "langchain_google_vertexai",
            "ChatVertexAI",
            lambda url: {
                "model": "gemini-2.5-flash",
                "project": "proj",
                "location": "us-east5",
                "credentials": _vertex_credentials(),
                "api_transport": "rest",
                "base_url": url,
            },
        ),
        Wire(
            "bedrock_converse",
            "langchain_aws",
            "ChatBedrockConverse",
            lambda url: {
                "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                "endpoint_url": url,
                **AWS_KEYS,
            },
        ),
        Wire(
            "bedrock",
            "langchain_aws",
            "ChatBedrock",
            lambda url: {
                "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                "endpoint_url": url,
                **AWS_KEYS,
            },
        ),
        Wire(
            "ollama",
            "langchain_ollama",
            "ChatOllama",
            lambda url: {"model": "llama3.2", "base_url": url},
        ),
        Wire(
            "cohere",
            "langchain_cohere",
            "ChatCohere",
            lambda url: {
                "model": "command-a-03-2025",
                "cohere_api_key": "co-mock",
                "base_url": url,
            },
        ),
        # The OpenAI-compatible presets, each with its partner package.
        Wire("groq", "langchain_groq", "ChatGroq", _openai("llama-3.3-70b-versatile", "/groq")),
        Wire("xai", "langchain_xai", "ChatXAI", _openai("grok-4")),
        Wire("deepseek", "langchain_deepseek", "ChatDeepSeek", _openai("deepseek-chat")),
        Wire(
            "fireworks",
            "langchain_fireworks",
            "ChatFireworks",
            _openai("accounts/fireworks/models/llama-v3p1-8b-instruct", "/inference"),
        ),
        Wire(
            "mistralai",
            "langchain_mistralai",
            "ChatMistralAI",
            _openai("mistral-small-latest", "/mistral/v1"),
        ),
        Wire(
            "together",
            "langchain_together",
            "ChatTogether",
            _openai("meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        ),
        # Its base URL is read from PERPLEXITY_BASE_URL (set by the fixture), by both.
        Wire(
            "perplexity",
            "langchain_perplexity",
            "ChatPerplexity",
            lambda url: {"model": "sonar", "api_key": "pplx-mock"},
            tools=False,
        ),
        Wire(
            "nebius",
            "langchain_nebius",
            "ChatNebius",
            _openai("meta-llama/Llama-3.3-70B-Instruct-fast"),
        ),
        Wire(
            "sambanova",
            "langchain_sambanova",
            "ChatSambaNova",
            _openai("Meta-Llama-3.3-70B-Instruct"),
        ),
    )
}


def chatplex_class(name: str) -> Callable[..., Any]:
    """The chatplex class a script gets for the LangChain name `name`:
    `chatplex.langchain`'s (what a ported script imports). The one place to change."""
    from chatplex import langchain as over_langchain

    return getattr(over_langchain, name)  # type: ignore[no-any-return]


SIDES = ("langchain", "chatplex")


@dataclass
class Run:
    """What a scenario gets: a model factory for one side (`make(**more)`: the wire's
    constructor call, `more` added), the wire, the server."""

    wire: Wire
    side: str
    server: MockServer

    def make(self, **more: Any) -> Any:
        cls = self.wire.partner() if self.side == "langchain" else chatplex_class(self.wire.cls)
        settings = {**self.wire.settings(self.server.url), **more}
        with warnings.catch_warnings():
            # Construction's deprecation warnings (langchain-google-vertexai's
            # ChatVertexAI) are not what is compared.
            warnings.simplefilter("ignore")
            return cls(**settings)

    def fail_first(self, count: int, fault: str = "status=400") -> None:
        """The server answers the next `count` requests with `fault`, then as scripted."""
        left = [count]
        lock = threading.Lock()

        def plan(request: Any) -> str | None:
            with lock:
                if left[0] <= 0:
                    return None
                left[0] -= 1
                return fault

        self.server.settings.fault_plan = plan


Scenario = Callable[[Run], Any]

T = TypeVar("T")


#: How the server answers the request it got as the `count`th meanwhile: a fault spec, or
#: None (as scripted).
Answer = Callable[[MockRequest, int], "str | None"]


@contextmanager
def requests_seen(
    run: Run, what: Callable[[MockRequest], T], answer: Answer | None = None
) -> Iterator[list[T]]:
    """`what` of each request the server gets meanwhile, in arrival order; each answered
    as `answer` says (as scripted where it says None or is not given)."""
    seen: list[T] = []
    lock = threading.Lock()

    def plan(request: MockRequest) -> str | None:
        with lock:
            seen.append(what(request))
            count = len(seen)
        return answer(request, count) if answer else None

    run.server.settings.fault_plan = plan
    try:
        yield seen
    finally:
        run.server.settings.fault_plan = None


def json_body(request: MockRequest) -> dict[str, Any]:
    """A request's JSON body ({} where it has none)."""
    return request.json or {}


# ---- what a run gives, as plain data ----------------------------------------------------------


@dataclass(frozen=True)
class Raised:
    """An exception, by kind: the first class of its hierarchy that is not chatplex's
    own (chatplex's errors are also the SDK's and LangChain's classes their wire
    declares), and LangChain's `ModelError` family when it is one."""

    kind: str
    model_error: bool

    @classmethod
    def of(cls, exc: BaseException) -> Raised:
        kind = next(
            (k for k in joined_classes(exc) if not k.__module__.startswith("chatplex")), Exception
        )
        if kind in (Exception, BaseException):  # chatplex's own class, nothing else
            kind = type(exc)
        model_error = any(k.__name__ == "ModelError" for k in type(exc).__mro__)
        return cls(f"{kind.__module__}.{kind.__qualname__}", model_error)


@dataclass(frozen=True)
class Hung:
    """A run still going after `HANG_AFTER` seconds."""

    after: float = HANG_AFTER


#: Keys whose values are drawn per reply (ids, times): masked wherever they are.
_VOLATILE = frozenset(
    {
        "id",
        "call_id",
        "tool_call_id",
        "tool_use_id",
        "toolUseId",
        "created",
        "created_at",
        "request_id",
        "response_id",
        "responseId",
        "RequestId",
        "x-request-id",
        "system_fingerprint",
        "date",
        "signature",
        "item_id",
        "lc_run_id",
        "run_id",
        "x-amzn-requestid",
        "x-amz-request-id",
    }
)


def masked(value: Any) -> Any:
    """`value` with every volatile key's value shown as `RANDOM` (when set)."""
    if isinstance(value, Mapping):
        return {str(k): (RANDOM if k in _VOLATILE and v else masked(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(v) for v in value]
    return value


_AI_FIELDS = ("tool_calls", "invalid_tool_calls", "usage_metadata", "response_metadata")
_CHUNK_FIELDS = ("tool_call_chunks", "chunk_position")


def observe(value: Any) -> Any:
    """Plain data for what a scenario returned: a message as its type and fields (random
    ids masked), containers element by element, pydantic models and dataclasses as their
    class and fields, exceptions as `Raised`."""
    if isinstance(value, BaseException):
        return Raised.of(value)
    if hasattr(value, "content") and hasattr(value, "response_metadata"):
        return _message(value)
    if isinstance(value, Mapping):
        return {str(k): observe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [observe(v) for v in value]
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return {"model": type(value).__name__, **observe(value.model_dump())}
    return value


def outcome_of(call: Callable[[], Any]) -> Any:
    """`call()`'s value, or the exception it raised (as plain data, `Raised`)."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return Raised.of(exc)


def _message(message: Any) -> dict[str, Any]:
    kind = type(message).__name__
    out: dict[str, Any] = {
        "type": kind,
        "content": masked(message.content),
        "additional_kwargs": masked(message.additional_kwargs),
        "name": message.name,
        "id": RANDOM if message.id else message.id,
    }
    for name in (*_AI_FIELDS, *_CHUNK_FIELDS, "status", "artifact"):
        if hasattr(message, name):
            out[name] = masked(observe(getattr(message, name)))
    if hasattr(message, "tool_call_id"):
        out["tool_call_id"] = RANDOM if message.tool_call_id else message.tool_call_id
    return out


def merged_chunks(chunks: list[Any]) -> Any:
    """A stream's chunks added up, as a script that merges them does (None: no chunk)."""
    merged = None
    for chunk in chunks:
        merged = chunk if merged is None else merged + chunk
    return merged


def text_of(content: Any) -> str:
    """A message's or chunk's text: its string, or its text blocks joined."""
    if isinstance(content, str):
        return content
    return "".join(
        b if isinstance(b, str) else str(b.get("text", ""))
        for b in content
        if isinstance(b, str) or b.get("type") == "text"
    )


def with_history(runnable: Any, **keys: Any) -> tuple[Any, dict[str, Any]]:
    """`RunnableWithMessageHistory(runnable, ..., **keys)` over in-memory sessions (the
    class's own deprecation by LangChain ignored, either side), and the store of its
    sessions' histories by session id."""
    store: dict[str, Any] = {}

    def session(session_id: str) -> Any:
        return store.setdefault(session_id, chat_history.InMemoryChatMessageHistory())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chain = history.RunnableWithMessageHistory(runnable, session, **keys)
    return chain, store


# ---- running one cell ----------------------------------------------------------------------


def _in_thread(call: Callable[[], Any]) -> Any:
    """`call()`'s value (or the exception it raised), or `Hung()` after `HANG_AFTER` s."""
    box: list[Any] = []

    def target() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # noqa: BLE001 - what was raised is the outcome
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_AFTER)
    return box[0] if box else Hung()


#: How many modules imported since the last freeze make another worth its collection:
#: a partner package and its SDK are from ~50 (langchain-ollama, langchain-google-genai)
#: to 3,000 modules; a preset's package (langchain-groq, langchain-xai) is 5.
_REFREEZE_AFTER = 50


@dataclass
class _Freezer:
    """The heap frozen out of the garbage collector again once imports have grown it.

    Partner packages, their SDKs and chatplex's adapters are imported by the cells, after
    tests/langchain/conftest.py froze what collection loaded: up to ~600k objects that live
    as long as the worker, and that every full collection walked again -- a quarter of the
    CPU of a matrix module (test_model_api: ~4.2 of ~16 s, 27 collections of ~0.15 s).
    Garbage is collected first, so what cells make and drop is collected (and warns) as
    ever; a frozen object in a reference cycle is never reclaimed, so what lives only as
    long as a module (its server) may stay in memory once dropped, as with the
    collection-time freeze (closing it is its fixture's job, as before).
    """

    #: How many modules were imported at the last freeze.
    modules: int

    def after_imports(self) -> None:
        if len(sys.modules) - self.modules < _REFREEZE_AFTER:
            return
        with warnings.catch_warnings():
            # Coroutines google-genai's async error path left unawaited: reclaimed quietly,
            # as the modules' own collections do (test_failure_scripts, test_error_words).
            warnings.simplefilter("ignore", RuntimeWarning)
            gc.collect()
        gc.freeze()
        self.modules = len(sys.modules)


_FREEZER = _Freezer(len(sys.modules))


#: The warnings a drop-in gives in its partner's words where its partner gives them (the
#: partner's own are ignored on its side, so these are on ours): ChatBedrock's dropped
#: `strict=`, as langchain-aws's.
PARTNER_WARNINGS = ("The 'strict' parameter is only supported when using the Converse API",)


#: The wires whose partner was built in this process (`_left_by_a_partner`).
_PARTNERS_BUILT: set[str] = set()


def _left_by_a_partner(run: Run) -> None:
    """What a live partner side leaves in the process for the drop-in's side after it,
    left by a replayed one too: its constructor imports its SDK (langchain-groq's
    validator imports `groq`), whose classes chatplex's errors then join
    (`chatplex/sdk_errors.py`). Built once per wire."""
    if run.wire.name in _PARTNERS_BUILT:
        return
    _PARTNERS_BUILT.add(run.wire.name)
    run.make()


def run_side(scenario: Scenario, wire: Wire, side: str, server: MockServer) -> Any:
    """One side of one cell, as plain data (the server's fault plan reset around it);
    the partner's side replayed from its recording where `_recorded.py` allows."""
    run = Run(wire, side, server)
    server.settings.fault_plan = None
    cell = None
    if side == "langchain":
        # Imported before the clock starts (a first import may take long), and when
        # replayed too: the drop-ins see the partner classes a script would have loaded.
        wire.partner()
        cell = PARTNERS.next_cell()
        if cell is not None:
            replayed, outcome = PARTNERS.replayed(*cell, _address(server))
            if replayed:
                _left_by_a_partner(run)
                return outcome
    _FREEZER.after_imports()
    try:
        if side == "chatplex":
            with warnings.catch_warnings():
                if PARTNERS.replays:
                    # LangChain's own beta and deprecation warnings are given once per
                    # process, by whichever side calls first: live, the partner's (where
                    # they are ignored); replayed, this one.
                    warnings.filterwarnings("ignore", category=LangChainDeprecationWarning)
                    warnings.filterwarnings("ignore", category=LangChainBetaWarning)
                for words in PARTNER_WARNINGS:  # given as the partner gives them (ignored)
                    warnings.filterwarnings("ignore", words, UserWarning)
                return observe(_in_thread(lambda: scenario(run)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the partner package's own, not chatplex's
            outcome = observe(_in_thread(lambda: scenario(run)))
    finally:
        server.settings.fault_plan = None
    if cell is not None:
        PARTNERS.ran(*cell, _address(server), outcome)
    return outcome


def _address(server: MockServer) -> str:
    """The server's `host:port`, as its URLs and Host headers name it."""
    return server.url.split("://", 1)[-1].rstrip("/")


def run_cell(scenario: Scenario, wire: Wire, server: MockServer) -> tuple[Any, Any]:
    """(LangChain's outcome, chatplex's) of `scenario` on `wire`."""
    theirs, ours = (run_side(scenario, wire, side, server) for side in SIDES)
    return theirs, ours


_LOOP: asyncio.AbstractEventLoop | None = None
_LOOP_LOCK = threading.Lock()


def close_pools() -> None:
    """chatplex's shared clients closed, the async one on the worker's loop included: the
    loop outlives a module, and a later module of this worker (the http tests configure
    the pool) must find no client open."""

    with _LOOP_LOCK:
        loop = _LOOP
    if loop is not None:
        asyncio.run_coroutine_threadsafe(chatplex.aclose(), loop).result()
    chatplex.close()


def _loop() -> asyncio.AbstractEventLoop:
    """One event loop for the worker's async scenarios, in its own thread: a script runs
    on one loop, and clients a package caches across calls (langchain-openai's shared
    async httpx client) stay on the loop they were made on."""
    global _LOOP
    with _LOOP_LOCK:
        if _LOOP is None:
            _LOOP = asyncio.new_event_loop()
            threading.Thread(target=_LOOP.run_forever, daemon=True).start()
        return _LOOP


def arun(coroutine: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """An async scenario's body, run to its end on the worker's loop."""
    return asyncio.run_coroutine_threadsafe(coroutine(), _loop()).result()
