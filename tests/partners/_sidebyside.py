"""The kit of the side-by-side suites: a scripted server on 127.0.0.1 that records what it
was sent, and `observe`, which turns what a script returned (or raised) into plain data,
so the partner package's run and chatplex's compare with `==`.

A script is run twice, with the partner package's class and with chatplex's drop-in of
the same name, against the same server and the same constructor call (only the class
differs, as in a script whose import line changed). What may differ is taken out by the
suite that runs it (its `DIFFERENCES`: script -> (why, normaliser)), never silently, and
only for a reason of the closed set `Reason`: LangChain's behaviour is itself a failure
for the user. `why` is a `Difference` (or a tuple of them, one per difference the script
shows) naming the reason and the LangChain outcome that shows it; `problems` says what
makes one invalid, and tests/partners/test_reasons.py runs it over every suite.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import dataclasses
import enum
import functools
import gc
import http.server
import importlib
import json
import logging
import os
import re
import threading
import warnings
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest

from tests._branches import settled
from tests._merged_text import merged
from tests.partners._replays import RECORDINGS


class Reason(enum.Enum):
    """Why a difference from LangChain is kept: the closed set. Under a LangChain name
    chatplex behaves as LangChain does, cosmetics included; it differs only where
    LangChain's behaviour is itself a failure for the user, of one of these kinds. A
    difference of any other kind (chatplex's preference) is an option, off by default,
    or chatplex's own name, never a kept difference."""

    RAISES = "LangChain raises an error"
    HANGS = "LangChain hangs"
    LOSES_DATA = "LangChain loses or corrupts data"
    REJECTED = "LangChain sends a request the provider rejects"


@dataclass(frozen=True)
class Difference:
    """One kept difference: its reason, what LangChain does that shows it (the
    exception it raises, the field it drops, the request the provider refuses), and
    what chatplex does instead. Both texts are read by users in the documentation:
    plain words, no test names, no repository paths."""

    reason: Reason
    langchain: str
    chatplex: str


#: A kept row's `why`: one difference, or one per difference the script shows.
Why = Difference | tuple[Difference, ...]

#: What a user-facing text may not hold: a repository path or a Python file.
_PATHY = re.compile(r"(?:\b(?:tests|chatplex|adapters|providers|chat)/|\w\.py\b)")


def differences(why: object) -> tuple[object, ...]:
    """The differences a row's `why` holds (anything else as it is, for `problems`)."""
    return why if isinstance(why, tuple) else (why,)


def problems(why: object, scripts: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What makes a kept row's `why` invalid (empty: valid): not a `Difference` with a
    reason of the closed set, no LangChain outcome, or texts that name a test (one of
    `scripts`) or a repository path."""
    found: list[str] = []
    items = differences(why)
    if not items:
        found.append("no difference given")
    for item in items:
        if not isinstance(item, Difference):
            found.append(f"not a Difference with a closed reason: {item!r:.80}")
            continue
        if not isinstance(item.reason, Reason):
            found.append(f"reason {item.reason!r} is not one of {[r.name for r in Reason]}")
        for name, text in (("langchain", item.langchain), ("chatplex", item.chatplex)):
            if not isinstance(text, str) or not text.strip():
                found.append(f"no {name} text")
                continue
            if _PATHY.search(text):
                found.append(f"{name} text names a repository path: {text!r:.80}")
            named = {s for s in scripts if "_" in s and re.search(rf"\b{re.escape(s)}\b", text)}
            if named:
                found.append(f"{name} text names tests {sorted(named)}: {text!r:.80}")
    return found


#: A stream that ends inside a tool call's arguments: kept on every wire whose partner
#: merges its chunks with LangChain's merge (`cut_call_invalid` reads the outcome).
CUT_CALL = Difference(
    Reason.LOSES_DATA,
    'a stream that ends inside a tool call\'s arguments (`{"a": 1, "b": `) merges into '
    'a valid call whose arguments LangChain repaired (`{"a": 1}`): an agent runs the '
    "tool on arguments the model never finished",
    "the merged stream, and an invoke that streams, have the call in `invalid_tool_calls` "
    "with its arguments as sent and why, as a whole reply whose arguments are no JSON has it",
)


def cut_call_invalid(outcome: Outcome) -> Outcome:
    """Our merged stream's cut call (invalid, its raw arguments) read as their repaired
    one, once both are seen to be the same call."""
    from langchain_core.utils.json import parse_partial_json

    theirs, ours, their_requests, our_requests = outcome
    (cut,) = ours["invalid_tool_calls"]
    (repaired,) = theirs["tool_calls"]
    assert not ours["tool_calls"] and not theirs["invalid_tool_calls"]
    assert cut["error"] and cut["name"] == repaired["name"]
    assert parse_partial_json(cut["args"]) == repaired["args"]
    ours = {**ours, "tool_calls": theirs["tool_calls"], "invalid_tool_calls": []}
    return theirs, ours, their_requests, our_requests


#: What a message field holds that is drawn at random per run (ids), shown as this.
RANDOM = "<random>"


@dataclass
class Reply:
    """One answer of the scripted server: a status, headers, and the body's pieces
    (each written and flushed on its own: a stream's lines)."""

    status: int = 200
    pieces: list[bytes] = field(default_factory=list)
    content_type: str = "application/json"
    #: More response headers (a request id, an error type).
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


Handler = Callable[[Seen], Reply]


def cut_in_half(answer: Handler) -> Handler:
    """`answer`'s reply with its body cut in half: a 200 whose JSON never ends."""

    def cut(seen: Seen) -> Reply:
        reply = answer(seen)
        body = b"".join(reply.pieces)
        return Reply(reply.status, [body[: len(body) // 2]], reply.content_type, reply.headers)

    return cut


class ScriptedServer:
    """A local HTTP/1.1 server answering with `handler(request)` (set per script) and
    keeping every request it received in `seen`."""

    def __init__(self) -> None:
        self.handler: Handler = lambda seen: Reply(404, [b'{"error": "no script"}'])
        self.seen: list[Seen] = []
        outer = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                seen = Seen(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                outer.seen.append(seen)
                reply = outer.handler(seen)
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("transfer-encoding", "chunked")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                for piece in reply.pieces:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        # stop()'s shutdown() waits for the serving loop to look, every `poll_interval`
        # (0.5 s by default): half a second of each module's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    try:
        yield server
    finally:
        server.stop()


#: What one script gives to compare: (theirs, ours, their requests, our requests).
Outcome = tuple[Any, Any, list[Any], list[Any]]


#: The three ways a call is made: `sent_once(model, how)`.
CALL_WAYS = ("invoke", "ainvoke", "stream")


def sent_once(model: Any, how: str, prompt: str = "hi") -> None:
    """One call of `model`, made `how` (`CALL_WAYS`), its error ignored: for tests that
    read only what it sent."""
    with contextlib.suppress(Exception):
        if how == "invoke":
            model.invoke(prompt)
        elif how == "ainvoke":
            asyncio.run(model.ainvoke(prompt))
        else:
            list(model.stream(prompt))


def each_side(
    server: ScriptedServer, classes: tuple[Any, Any], script: Callable[[Any], Any]
) -> list[tuple[Any, list[Any]]]:
    """Per class of `classes` (the partner's, then chatplex's), the server's record
    cleared first: what `script(cls)` returned (`observe`d), and the bodies it sent."""
    out = []
    for cls in classes:
        server.seen.clear()
        out.append((observe(script(cls)), [seen.body for seen in server.seen]))
    return out


def in_order(requests: list[Any]) -> list[Any]:
    """Requests in a stable order: a batch's run concurrently, in any order."""
    return sorted(requests, key=lambda r: json.dumps(r, sort_keys=True))


def beyond(ours: Iterable[Any], theirs: Iterable[Any]) -> list[Any]:
    """Our requests that theirs do not match, each of theirs matched once (a kept
    difference's reading where ours sent more: its requests then read as theirs)."""
    more = list(ours)
    for request in theirs:
        more.remove(request)
    return more


def _collected() -> None:
    """Garbage collected, and what survived frozen out of later collections.

    A suite module runs under `frozen_heap` (tests/partners/conftest.py), but the partner
    packages it imports on first use, and the classes and caches they build lazily, are
    made after that freeze: unfrozen, every later collection walked them again (in the
    OpenAI-compatible suite, from ~0.5 ms to ~40 ms a script as the heap grew: 8.1 s of
    CPU for its and the Azure suites' 485 collections; 0.2 s frozen). Frozen here, each
    collection walks what was made since the previous script's: everything the
    partner's run made and dropped is collected (and warns) in that run's block, as
    before. As with `frozen_heap`, a survivor that later becomes
    garbage in a reference cycle is not reclaimed (until `frozen_heap` unfreezes, when it
    froze first).
    """
    gc.collect()
    gc.freeze()


def run_both(
    server: ScriptedServer,
    theirs: Callable[[], Any],
    ours: Callable[[], Any],
    *,
    result: Callable[[Any], Any],
    request: Callable[[Seen], Any],
    collect: bool = False,
) -> Outcome:
    """Run the partner package's script, then chatplex's, against `server` (its handler
    set by the caller), and give what each returned and sent, read by `result` and
    `request`. The partner's run has its warnings silenced (its own, not chatplex's);
    `collect` runs the garbage collector after it, for a package whose clients leave
    sockets for the collector to close, then freezes what survived (`_collected`).
    The partner's (result, requests) is replayed from its recording where `_replays.py`
    allows; chatplex's side always runs."""
    address = server.url.split("://", 1)[-1]
    run = RECORDINGS.next_cell()
    replayed, recorded = RECORDINGS.replayed(*run, address) if run else (False, None)
    if replayed:
        their_result, their_requests = recorded
    else:
        server.seen.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            their_result = result(theirs())
            if collect:
                _collected()
        their_requests = in_order([request(seen) for seen in server.seen])
        if run is not None:
            RECORDINGS.ran(*run, address, [their_result, their_requests])
    server.seen.clear()
    our_result = result(ours())
    our_requests = in_order([request(seen) for seen in server.seen])
    return their_result, our_result, their_requests, our_requests


def run_row(
    server: ScriptedServer,
    row: tuple[Handler, Callable[[Any, str], Any]],
    theirs: Any,
    ours: Any,
    **reading: Any,
) -> Outcome:
    """A suite's script row, (the server's handler, script(cls, url)), run with the
    partner's class `theirs` and with chatplex's `ours` (`reading`: `run_both`'s)."""
    handler, script = row
    server.handler = handler
    return run_both(
        server, lambda: script(theirs, server.url), lambda: script(ours, server.url), **reading
    )


@dataclass(frozen=True)
class Suite:
    """A side-by-side suite's one run of a script: its rows (`scripts`: name -> (the
    server's handler, script(cls, url)); with `answer`, name -> (what the server answers,
    script), the handler `answer(what)`), the partner's class `theirs` and chatplex's
    `ours`, how a result and a request are read, the environment it runs without
    (`env`), and its kept `differences` taken out. `not_yet`: scripts that differ today
    (a strict xfail each)."""

    scripts: dict[str, tuple[Any, Callable[..., Any]]]
    theirs: Any
    ours: Any
    differences: dict[str, tuple[Any, Any]]
    result: Callable[[Any], Any]
    request: Callable[[Seen], Any]
    collect: bool = False
    env: tuple[str, ...] = ()
    answer: Callable[[Any], Handler] | None = None
    not_yet: dict[str, str] = field(default_factory=dict)

    def run(self, name: str, server: ScriptedServer) -> Outcome:
        what, script = self.scripts[name]
        handler = self.answer(what) if self.answer else what
        reading = {"result": self.result, "request": self.request, "collect": self.collect}
        with unset(self.env):
            outcome = run_row(server, (handler, script), self.theirs, self.ours, **reading)
        return kept_out(outcome, self.differences, name)

    def beside(self, scripts: dict[str, Any], differences: dict[str, Any]) -> Suite:
        """Another set of `scripts` run as this suite runs its own (the same classes,
        readings and environment), with its own kept `differences`."""
        return dataclasses.replace(self, scripts=scripts, differences=differences, not_yet={})

    def same_test(self) -> Callable[[str, ScriptedServer], None]:
        """The suite's test, for its module to name `test_same_as_*`: every script, run
        with both classes, returns (or raises) the same and sends the same."""
        names = [
            pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=self.not_yet[n]))
            if n in self.not_yet
            else n
            for n in sorted(self.scripts)
        ]

        @pytest.mark.parametrize("name", names)
        def test(name: str, server: ScriptedServer) -> None:
            assert_same(self.run(name, server))

        return test

    def tables_test(self) -> Callable[[], None]:
        """The suite's test of its tables (`assert_sound_tables`, its `not_yet` too), for
        its module to name `test_at_least_25_scripts`; and of chatplex's class: the one
        `chatplex.langchain` gives under the partner's name, as a script imports it."""

        def test() -> None:
            assert_sound_tables(self.scripts, self.differences, self.not_yet)
            assert (
                getattr(importlib.import_module("chatplex.langchain"), self.theirs.__name__)
                is self.ours
            )

        return test


@contextlib.contextmanager
def unset(variables: tuple[str, ...]) -> Iterator[pytest.MonkeyPatch]:
    """The environment without `variables` (the settings a client would read from it)."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in variables:
            patch.delenv(variable, raising=False)
        yield patch


def kept_out(outcome: Outcome, differences: dict[Any, tuple[Any, Any]], key: Any) -> Outcome:
    """`outcome` with the script's kept difference taken out: its row of the suite's
    `DIFFERENCES` (key -> (why, normaliser)), where it has one."""
    if key in differences:
        outcome = differences[key][1](outcome)
    return outcome


def assert_same(outcome: Outcome) -> None:
    """chatplex's run returned (or raised) what the partner's did, and sent what it sent."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == theirs
    assert our_requests == their_requests


def assert_sound_tables(
    scripts: dict[str, Any], differences: dict[str, tuple[Any, Any]], *more: dict[str, Any]
) -> None:
    """A suite's tables: at least 25 scripts, every kept difference (and every row of
    `more`: its NOT_YET...) one of them, and every kept difference with its why."""
    assert len(scripts) >= 25
    for table in (differences, *more):
        assert set(table) <= set(scripts)
    assert all(why for why, _ in differences.values())


def comparable_request(seen: Seen, headers: tuple[str, ...]) -> Any:
    """A request of an OpenAI-style wire as the comparison reads it: method, path (with
    the query), the `headers` a script's constructor decides (the rest, user agents and
    SDK telemetry `x-stainless-*`, name the client that sent them), and the body without
    `stream: false` (the API's default). Fields sent as null are compared: a script
    asserting a body (respx) sees them."""
    body = seen.body
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if (k, v) != ("stream", False)}
    compared = {k: v for k, v in seen.headers.items() if k in headers}
    return {"method": seen.method, "path": seen.path, "headers": compared, "body": body}


def compared_headers(headers: tuple[str, ...]) -> Callable[[Seen], Any]:
    """A suite's `request` for an OpenAI-style wire: `comparable_request` comparing
    `headers`."""
    return functools.partial(comparable_request, headers=headers)


def plain_request(seen: Seen) -> Any:
    """A request as a suite compares it where no header is the script's to decide: its
    method, path and body."""
    return {"method": seen.method, "path": seen.path, "body": seen.body}


#: The openai SDK's error classes (and those of the SDKs built as it is) a script catches.
OPENAI_ERRORS = (
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "NotFoundError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
)


def error_classes(err: BaseException, sdk: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """Which of the classes `names` of the module `sdk` (those it has) and which of
    langchain-core's `Model*Error` classes `err` is."""
    exceptions = importlib.import_module("langchain_core.exceptions")
    model_errors = [n for n in dir(exceptions) if n.startswith("Model") and n.endswith("Error")]
    return {
        "sdk": {n: isinstance(err, getattr(sdk, n)) for n in names if hasattr(sdk, n)},
        "langchain": {n: isinstance(err, getattr(exceptions, n)) for n in model_errors},
    }


def instance_of(err: BaseException, *classes: type) -> dict[str, bool]:
    """Which of `classes` `err` is, by class name: what a script's `except` clauses see."""
    return {cls.__name__: isinstance(err, cls) for cls in classes}


def openai_error(err: BaseException, sdk: Any) -> dict[str, Any]:
    """An error as a script on the openai SDK reads it: the classes it is, and the
    attributes scripts read."""
    fields = ("status_code", "body", "code", "type", "param", "message")
    return {**error_classes(err, sdk, OPENAI_ERRORS), **{n: getattr(err, n, None) for n in fields}}


_MESSAGE_FIELDS = (
    "content",
    "additional_kwargs",
    "response_metadata",
    "usage_metadata",
    "tool_calls",
    "invalid_tool_calls",
    "name",
    "chunk_position",  # a chunk's: LangChain ends each stream on one marked "last"
)


def each_dict(value: Any, change: Callable[[dict[str, Any]], None]) -> Any:
    """A copy of `value` (dicts in lists in dicts...), `change` run on each dict in it once
    its own items are copied (the innermost first): how a suite reads its observed
    results before comparing them."""
    if isinstance(value, dict):
        out = {k: each_dict(v, change) for k, v in value.items()}
        change(out)
        return out
    if isinstance(value, list):
        return [each_dict(v, change) for v in value]
    return value


def observe(value: Any) -> Any:
    """Plain data for what a script returned: a message as its type and fields (random
    ids masked), containers element by element, pydantic models as dicts."""
    kind = type(value).__name__
    if hasattr(value, "content") and hasattr(value, "response_metadata"):
        out: dict[str, Any] = {"type": kind.removesuffix("Chunk")}
        for name in _MESSAGE_FIELDS:
            if hasattr(value, name):
                out[name] = observe(getattr(value, name))
        out["tool_calls"] = [_masked_call(c) for c in out.get("tool_calls") or []]
        return out
    if isinstance(value, dict):
        return {str(k): observe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return settled([observe(v) for v in value])
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return {"model": type(value).__name__, **observe(value.model_dump())}
    return value


def blocks_observed(value: Any) -> Any:
    """`observe(value)` with each tool call block's id (drawn at random per run by
    several partners, as a message's calls' ids) masked: `content_blocks` compared."""

    def mask(block: dict[str, Any]) -> None:
        if block.get("type") == "tool_call" and block.get("id"):
            block["id"] = RANDOM

    return each_dict(observe(value), mask)


def _masked_call(call: Any) -> Any:
    if isinstance(call, dict) and "id" in call:
        return {**call, "id": RANDOM if call["id"] else call["id"]}
    return call


def thirds(text: str) -> list[str]:
    """`text` in three pieces (a fourth for what is left): a stream's deltas."""
    step = max(1, len(text) // 3)
    return [text[i : i + step] for i in range(0, len(text), step)]


@dataclass(frozen=True)
class ChatScript:
    """What a scripted Chat Completions server answers: text, or tool calls, or an error."""

    content: str = "Hello there, friend."
    tool_args: dict[str, Any] | None = None  # a call of the request's first tool
    #: The call's arguments as sent, when they are no JSON of `tool_args` (a model's
    #: malformed output).
    raw_args: str | None = None
    finish: str = "stop"
    status: int = 200
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None


#: A Chat Completions reply's usage, without details.
CHAT_USAGE = {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}


def tool_call_deltas(call: Any, pieces: list[str], *, whole: bool = False) -> list[Any]:
    """An OpenAI stream's deltas for one tool call: its id and name, then its arguments
    in `pieces` (or, `whole`, the arguments in the first delta, as Mistral streams them)."""
    opening = {"name": call["function"]["name"], "arguments": "".join(pieces) if whole else ""}
    first = {"index": 0, "id": call["id"], "type": "function", "function": opening}
    rest = [] if whole else pieces
    return [{"tool_calls": [first]}] + [
        {"tool_calls": [{"index": 0, "function": {"arguments": part}}]} for part in rest
    ]


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def mul(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


#: The tool choices `bound_choices` binds, by label: (choice, how many of add and mul).
CHOICES: dict[str, tuple[Any, int]] = {
    "None": (None, 2),
    "auto": ("auto", 2),
    "none": ("none", 2),
    "empty": ("", 2),  # an unset setting passed on: no choice, as `if tool_choice:` reads it
    "any": ("any", 2),
    "required": ("required", 2),
    "a tool's name": ("add", 2),
    "True, one tool": (True, 1),
    "True, two tools": (True, 2),
}

#: The choice object naming the tool `add` in OpenAI's form (langchain-openai's
#: docstring's), which every partner package takes.
NAMED = {"type": "function", "function": {"name": "add"}}


def bound_choices(
    model: Any, objects: dict[str, Any] | None = None, *, skipped: tuple[str, ...] = ()
) -> dict[str, Any]:
    """What `model.bind_tools` binds for each tool choice of `CHOICES` (but `skipped`)
    and each choice object of `objects` (label -> object; OpenAI's `NAMED` by default),
    the tools aside: what `bound.kwargs`, callbacks and tracers see. A choice the class
    refuses gives its error's class."""
    choices = {k: v for k, v in CHOICES.items() if k not in skipped}
    choices.update((k, (v, 2)) for k, v in (objects or {"object": NAMED}).items())
    found: dict[str, Any] = {}
    for label, (choice, count) in choices.items():
        try:
            kwargs = model.bind_tools([add, mul][:count], tool_choice=choice).kwargs
        except Exception as exc:  # noqa: BLE001 - what it raises is observed
            found[label] = {"raised": type(exc).__name__}
        else:
            found[label] = {k: v for k, v in kwargs.items() if k != "tools"}
    return found


def called_choice(model: Any, choice: Any = "add") -> dict[str, Any]:
    """`model.bind_tools([add, mul], tool_choice=choice)` invoked: the `tool_choice` among
    the invocation params a callback's `on_chat_model_start` received (what LangSmith and
    tracers record), and the reply."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[Any] = []

    class Started(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append(kwargs["invocation_params"].get("tool_choice", "<not bound>"))

    bound = model.bind_tools([add, mul], tool_choice=choice)
    reply = bound.invoke("1+2?", config={"callbacks": [Started()]})
    return {"invocation_params_tool_choice": seen, "reply": reply}


def choices_kept(kept: dict[str, tuple[Any, Any]]) -> Callable[[Outcome], Outcome]:
    """A `bound_choices` script's normaliser: each choice of `kept` (label -> (their bound
    `tool_choice` or error's class, ours)) seen to be so, then ours read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        ours = dict(ours)
        for label, (their_choice, our_choice) in kept.items():
            assert _bound_choice(theirs[label]) == their_choice, label
            assert _bound_choice(ours[label]) == our_choice, label
            ours[label] = theirs[label]
        return theirs, ours, their_requests, our_requests

    return normalise


def _bound_choice(bound: Any) -> Any:
    return bound.get("raised", bound.get("tool_choice", "<not bound>"))


class ScriptsOver:
    """Scripts written once over a suite's `model(cls, url, **settings)`: a suite's rows
    hold its bound methods, each a `script(cls, url)`. Here, those every chat wire runs
    alike; a family's scripts add theirs (`google/_scripts.py`, `_openai_scripts.py`)."""

    def __init__(self, model: Callable[..., Any]) -> None:
        self.model = model

    def tool_choice_bound(self, cls: Any, url: str) -> Any:
        """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
        tracers see), the tools aside: None, the words, a tool's name, True beside one tool
        and beside two, a choice object."""
        return bound_choices(self.model(cls, url))

    def tool_choice_invocation_params(self, cls: Any, url: str) -> Any:
        """The tool choice a callback's `on_chat_model_start` receives among the invocation
        params for a call forcing a tool by its name, and the reply (the request compared)."""
        return called_choice(self.model(cls, url))

    def stop_text(self, cls: Any, url: str) -> Any:
        """`stop` given as one string (not a list), to a call and to the constructor:
        each attempted (`text_stop_kept` reads the outcome where a partner refuses it)."""
        return {
            "per_call": attempted(lambda: self.model(cls, url).invoke("Hi", stop="END")),
            "constructed": attempted(lambda: self.model(cls, url, stop="END").invoke("Hi")),
        }

    def stop_empty(self, cls: Any, url: str) -> Any:
        """`stop=[]` given to a call, to the constructor, and to a call of a model built
        with a stop string: whether `[]` is sent or left out, each attempted."""
        return {
            "per_call": attempted(lambda: self.model(cls, url).invoke("Hi", stop=[])),
            "constructed": attempted(lambda: self.model(cls, url, stop=[]).invoke("Hi")),
            "over_text": attempted(lambda: self.model(cls, url, stop="END").invoke("Hi", stop=[])),
        }

    def call_timeout_object(self, cls: Any, url: str, sdk: str = "openai") -> Any:
        """`timeout` given to a call as an HTTP client's `Timeout` object, which a partner
        hands its SDK's create(): httpx's (one value; per phase) and the `sdk`'s own,
        each attempted."""
        import httpx

        own = importlib.import_module(sdk).Timeout
        given = {"httpx": httpx.Timeout(5), "phases": httpx.Timeout(5, connect=2), sdk: own(5)}
        return {
            name: attempted(lambda t=timeout: self.model(cls, url).invoke("Hi", timeout=t))
            for name, timeout in given.items()
        }

    def constructed_timeout_object(self, cls: Any, url: str) -> Any:
        """`timeout=httpx.Timeout(5, connect=2)` given to the constructor (for its SDK
        client): the reply, the field as held and as `dumpd` writes it, attempted."""
        import httpx
        from langchain_core.load import dumpd

        def run() -> Any:
            model = self.model(cls, url, timeout=httpx.Timeout(5, connect=2))
            held = getattr(model, "request_timeout", None)
            written = dumpd(model).get("kwargs", {}).get("request_timeout")
            if isinstance(written, dict) and written.get("type") == "not_implemented":
                # Named by its class's `__module__`, which each Stainless SDK imported
                # rewrites for the httpx classes it re-exports: the last one imported
                # names it, whichever partner ran. The class's own name is kept.
                written = {**written, "id": written["id"][-1:]}
            return {"reply": model.invoke("Hi"), "held": repr(held), "written": written}

        return attempted(run)

    def unknown_keyword(self, cls: Any, url: str) -> Any:
        """A keyword the class has no field for, a misspelt setting (`temprature=0.2`),
        given to the constructor and called (`UNKNOWN_IGNORED` where its partner's
        pydantic config ignores it)."""
        return attempted(lambda: self.model(cls, url, temprature=0.2).invoke("Hi"))

    def stream_chunks(self, cls: Any, url: str) -> Any:
        chunks = list(self.model(cls, url).stream("Say hello"))
        return {
            "texts": [c.content for c in chunks],  # every chunk, the empty ones too
            "positions": [c.chunk_position for c in chunks],
            "merged": merged(chunks),
        }

    def astream_chunks(self, cls: Any, url: str) -> Any:
        async def run() -> list[Any]:
            return [c async for c in self.model(cls, url).astream("Say hello")]

        chunks = asyncio.run(run())
        return {
            "texts": [c.content for c in chunks],  # every chunk, the empty ones too
            "positions": [c.chunk_position for c in chunks],
            "merged": merged(chunks),
        }

    def image_data_url(self, cls: Any, url: str) -> Any:
        """A PNG sent as a data URL in an `image_url` block, beside a text."""
        from langchain_core.messages import HumanMessage

        message = HumanMessage(
            content=[
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
            ]
        )
        return self.model(cls, url).invoke([message])

    def chain_with_prompt(self, cls: Any, url: str) -> Any:
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate

        prompt = ChatPromptTemplate.from_messages([("system", "Be {style}."), ("human", "{q}")])
        chain = prompt | self.model(cls, url) | StrOutputParser()
        return chain.invoke({"style": "brief", "q": "Hi"})


#: langchain-anthropic's (and langchain-aws's ChatBedrock's, for Anthropic's models)
#: choice words read as a tool's name; and its refusal of True.
TOOL_NAMED_NONE = Difference(
    Reason.REJECTED,
    "binds tool_choice='none' and 'required' as a tool of that name "
    "(`{'type': 'tool', 'name': 'none'}`): the request forces a tool nobody offered, "
    "which Anthropic's API refuses",
    "'none' is bound and sent as Anthropic's `{'type': 'none'}` (no tool), 'required' as "
    "`{'type': 'any'}` (any of the offered tools)",
)
TRUE_REFUSED = Difference(
    Reason.RAISES,
    "refuses tool_choice=True with a ValueError (an unrecognized tool_choice type)",
    "True is a choice of any tool, as langchain-openai reads it: `{'type': 'any'}` is "
    "bound and sent",
)
#: What langchain-anthropic (and langchain-aws's ChatBedrock, for Anthropic's models)
#: binds where it differs, and what chatplex binds and sends (`choices_kept`'s table).
ANTHROPIC_KEPT: dict[str, tuple[Any, Any]] = {
    "none": ({"type": "tool", "name": "none"}, {"type": "none"}),
    "required": ({"type": "tool", "name": "required"}, {"type": "any"}),
    "True, one tool": ("ValueError", {"type": "any"}),
    "True, two tools": ("ValueError", {"type": "any"}),
}
#: langchain-aws's ChatBedrockConverse's choice words read as a tool's name, and its
#: refusal of another API's choice object.
CONVERSE_WORDS_AS_TOOL = Difference(
    Reason.REJECTED,
    "binds tool_choice='none', 'required' and True as a tool of that name "
    "(`{'tool': {'name': 'required'}}`): the request forces a tool nobody offered, which "
    "Bedrock refuses",
    "'required' and True are bound and sent as Converse's `{'any': {}}` (any of the "
    "offered tools); 'none', which Converse has not, is bound as the word and refused "
    "when called, naming the way (call the model without tools)",
)
CONVERSE_OBJECT_REFUSED = Difference(
    Reason.RAISES,
    "refuses a tool_choice object of another API (OpenAI's `{'type': 'function', "
    "'function': {'name': ...}}`, Anthropic's `{'type': 'tool', 'name': ...}`) with a "
    "ValueError",
    "the object is read, and bound and sent as Converse's object of the same choice "
    "(`{'tool': {'name': ...}}`)",
)
#: langchain-groq's, -fireworks' and -sambanova's refusal of True beside more tools.
TRUE_BESIDE_TOOLS_REFUSED = Difference(
    Reason.RAISES,
    "refuses tool_choice=True beside more than one tool with a ValueError",
    "True beside several tools is a choice of any of them, as langchain-openai reads it: "
    "'required' is bound and sent (beside one tool, that tool, as LangChain binds it)",
)


def init_chat_model_for(cls: Any, ours: Any) -> Callable[..., Any]:
    """The `init_chat_model` a script run with `cls` calls: chatplex's where `cls` is
    chatplex's class `ours`, LangChain's otherwise."""
    if cls is ours:
        from chatplex.langchain import init_chat_model
    else:
        from langchain.chat_models import init_chat_model
    return init_chat_model


def sum_schema(**more: Any) -> dict[str, Any]:
    """A JSON schema of a sum (`{"total": int}`), with `more` keys (a description...): a
    structured script's, new at each call (a partner may change the schema it is given)."""
    properties = {"total": {"type": "integer"}}
    return {
        "title": "Sum",
        **more,
        "type": "object",
        "properties": properties,
        "required": ["total"],
    }


#: A PNG of one pixel, base64: an image block's data.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def metadata_key_orders(model: Any) -> dict[str, Any]:
    """The order of `model`'s response_metadata keys (what `print` shows; `==` does not
    see it): invoked, on each chunk of a stream, and merged."""
    chunks = list(model.stream("Say hello"))
    return {
        "invoke": list(model.invoke("Say hello").response_metadata),
        "chunks": [list(c.response_metadata) for c in chunks],
        "merged": list(merged(chunks).response_metadata),
    }


def constructed(make: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """The model `make` builds, and what its construction warned of: each warning's
    class, words and the line it points at (in the script, as LangChain's does),
    and each record logged (its logger, level and words)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            model = make()
    finally:
        root.removeHandler(handler)
    said = {
        "warned": [
            (w.category.__name__, str(w.message), os.path.basename(w.filename), w.lineno)
            for w in seen
            # (a socket an earlier run left, collected now: no word of the construction)
            if not issubclass(w.category, (DeprecationWarning, ResourceWarning))
        ],
        "logged": [(r.name, r.levelname, r.getMessage()) for r in records],
    }
    return model, said


def raised(run: Callable[[], Any]) -> dict[str, Any]:
    """What `run` raised, as the attributes scripts read; AssertionError if it did not."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"error": exc}
    raise AssertionError("the script was expected to raise")


def attempted(run: Callable[[], Any]) -> Any:
    """What `run` returned, or the class name of what it raised (`{"refused": name}`): a
    script of a kept RAISES row (`refused_before_sending` reads it)."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"refused": type(exc).__name__}


def refused_before_sending(
    error: str, sent: Callable[[dict[str, Any]], bool]
) -> Callable[[Outcome], Outcome]:
    """A kept RAISES row's normaliser: their `attempted` script refused, raising `error`
    (a class name), before any request; ours answered, its one request's body as `sent`
    checks it. Then ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == {"refused": error} and not their_requests, (theirs, their_requests)
        assert not (isinstance(ours, dict) and "refused" in ours), ours
        assert len(our_requests) == 1 and sent(our_requests[0]["body"]), our_requests
        return theirs, theirs, their_requests, their_requests

    return normalise


def unknown_ignored(partner: str) -> Difference:
    """Why a keyword the `partner` package's class ignores is refused by its drop-in."""
    return Difference(
        Reason.LOSES_DATA,
        f"{partner} builds the model without a word and drops the keyword (its pydantic "
        "config ignores a name it has no field for): a misspelt `temprature=0.2` is never "
        "applied, the request is sent at the server's temperature",
        "the constructor raises TypeError (`SettingRefused`), naming the closest setting "
        "(`did you mean 'temperature'?`), before any request",
    )


def unknown_refused(outcome: Outcome) -> Outcome:
    """An `unknown_keyword` row's normaliser: theirs built and called, its request without
    the keyword; ours refused it with chatplex's TypeError, before any request. Then ours
    is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "SettingRefused"} and not our_requests, (ours, our_requests)
    assert not (isinstance(theirs, dict) and "refused" in theirs), theirs
    assert len(their_requests) == 1, their_requests
    assert "temprature" not in str(their_requests[0]["body"]), their_requests
    return theirs, theirs, their_requests, their_requests


def text_stop_refused(sent_as: str, per_call: str = "") -> Difference:
    """Why `stop="END"` is kept where the partner refuses it given to its constructor
    (and to a call, as `per_call` tells): chatplex sends it as `sent_as` (a body field)."""
    return Difference(
        Reason.RAISES,
        'refuses `stop` given to the constructor as one string (`stop="END"`) with a '
        f"pydantic ValidationError (its field takes a list){per_call}",
        f'one string is one stop sequence: sent as `{sent_as}: ["END"]`',
    )


def text_stop_bare(sent_as: str, refusal: str) -> Difference:
    """Why `stop="END"` given to a call is kept where the partner sends the bare string
    as `sent_as`, which its provider refuses (`refusal`, how)."""
    return Difference(
        Reason.REJECTED,
        "sends `stop` given to a call as one string as the bare string "
        f'(`{sent_as}: "END"`), {refusal}',
        f'sent as `{sent_as}: ["END"]`',
    )


def text_stop_kept(
    per_call: str | None, sent: Callable[[dict[str, Any]], Any]
) -> Callable[[Outcome], Outcome]:
    """`ScriptsOver.stop_text`'s normaliser where the partner refuses `stop="END"` given to
    its constructor (pydantic's ValidationError: its field is a list), and given to a call
    raises `per_call` (a class name) before sending, or, where None, sends it as the bare
    string: ours sent both as the list `["END"]`, read from each request's body by `sent`.
    Then ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs["constructed"] == {"refused": "ValidationError"}, theirs
        if per_call is None:
            assert [sent(r["body"]) for r in their_requests] == ["END"], their_requests
        else:
            assert theirs["per_call"] == {"refused": per_call} and not their_requests
        assert [sent(r["body"]) for r in our_requests] == [["END"], ["END"]], our_requests
        assert not any(isinstance(v, dict) and "refused" in v for v in ours.values()), ours
        return theirs, theirs, their_requests, their_requests

    return normalise


def with_content_or_last(chunks: list[Any], *, by_text: bool = False) -> list[Any]:
    """The chunks with content, and LangChain's closing chunk (`chunk_position="last"`),
    which every wire's stream must end on. For the wires whose other empty chunks still
    differ from their partner package's (a Responses event's, Bedrock's
    `messageStart`/`contentBlockStop`: issue 47, not yet the partner's): those alone are
    left out.
    `by_text`: content is judged by its text (Responses chunks carry textless blocks)."""
    return [c for c in chunks if (c.text if by_text else c.content) or c.chunk_position == "last"]


def module_loop() -> tuple[asyncio.AbstractEventLoop, Any]:
    """One event loop for a module's async scripts (langchain-openai binds its default
    async client to the loop of its first call, for the whole process), and the autouse
    fixture that closes chatplex's shared clients on it after the module's tests (bind it
    to a module-level name). The loop is closed when the process exits: it lives as
    long as the clients bound to it, and a module imported for its tables alone
    (tests/_porting_tables.py) runs no test to close it."""
    loop = asyncio.new_event_loop()
    atexit.register(loop.close)
    return loop, clients_closed_after_module(loop)


def clients_closed_after_module(loop: asyncio.AbstractEventLoop) -> Any:
    """An autouse fixture closing chatplex's shared clients on `loop` (another module's,
    borrowed) after this module's tests: a loop never closed keeps its client, where a
    later test of the same worker expects the pool closed (`configure_pool`)."""

    @pytest.fixture(scope="module", autouse=True)
    def shared_clients_closed() -> Iterator[None]:
        yield
        from chatplex.http import aclose

        loop.run_until_complete(aclose())

    return shared_clients_closed
