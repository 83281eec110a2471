"""Scripts the wires' probe_x modules share (tests/partners/<wire>/test_*_probe_x_scripts.py):
a production script's error handling and its resilience wrappers over an error status
(what it catches and reads, what its callbacks and events see, `with_retry`,
`with_fallbacks`, a batch that keeps going), and a model saved and loaded again. Each
factory takes a suite's constructor `make(cls, url, **settings)` (its retries off where
the script meets an error: the SDK's own retries wait) and gives a `script(cls, url)`."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest

from tests._warns import beta_warning_ignored
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import module_loop
from tests.partners._sidebyside import sum_schema

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]
#: The partner SDK's error classes a script names in `with_retry`, `with_fallbacks` or
#: its checks (imported when the script runs: the suite may skip its package).
Caught = Callable[[], tuple[type[BaseException], ...]]

#: One event loop for every async call of the set: a partner keeps its async HTTP client
#: bound to the loop of its first call, which a later `asyncio.run` would meet closed. A
#: probe_x module imports `shared_clients_closed` (autouse).
LOOP, shared_clients_closed = module_loop()


@dataclass
class Failing:
    """A scripted server that answers its first `failures` requests with an error
    status (`status`, `body`, `headers`: the provider's own), the rest with `answer`. A
    script restarts the count (`again`) before each run of a call: the partner's run
    and chatplex's then meet the same server."""

    answer: Callable[[Seen], Reply]
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    failures: int = 1
    _count: int = 0

    def again(self) -> None:
        self._count = 0

    def __call__(self, seen: Seen) -> Reply:
        self._count += 1
        if self._count > self.failures:
            return self.answer(seen)
        if isinstance(self.body, bytes):  # a proxy's page, not the provider's JSON
            return Reply(self.status, [self.body], "text/html", self.headers)
        return Reply(self.status, [json.dumps(self.body).encode()], headers=self.headers)


#: The attributes a script reads from a caught provider error.
ERROR_FIELDS = ("status_code", "message", "body", "request_id", "code", "type", "param")
ABSENT = "<no such attribute>"


def added_taken_out(theirs: Any, ours: Any) -> Any:
    """`ours` with each attribute their error lacks (`ABSENT` in `theirs`) read as
    absent: chatplex's typed error adds its fields (status, body, the provider's words,
    request id) to a partner's class that lacks them, and never changes one it has."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        return {
            k: ABSENT if theirs.get(k) == ABSENT else added_taken_out(theirs.get(k), v)
            for k, v in ours.items()
        }
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return [added_taken_out(t, o) for t, o in zip(theirs, ours, strict=True)]
    return ours


def same_test(suite: Suite) -> Callable[[str, ScriptedServer], None]:
    """`suite.same_test()`, each outcome's added error attributes taken out first."""

    @pytest.mark.parametrize("name", sorted(suite.scripts))
    def test(name: str, server: ScriptedServer) -> None:
        assert_same(without_added(suite.run(name, server)))

    return test


def without_added(outcome: Outcome) -> Outcome:
    """`outcome` with our error's added attributes taken out (`added_taken_out`)."""
    theirs, ours, their_requests, our_requests = outcome
    return theirs, added_taken_out(theirs, ours), their_requests, our_requests


def error_read(err: BaseException) -> dict[str, Any]:
    """What an `except` block reads of `err`: its class (module and name, as a log
    prints them), the attributes scripts read (`ABSENT` where it has none), the HTTP
    response's status and request id where it has one (botocore's `response` dict: its
    error and status), and its text."""
    kind = type(err)
    # (the server's Date header, which the cohere SDK's text shows, masked: it ticks)
    text = re.sub(r"'date': '[^']*'", "'date': <date>", str(err))
    out: dict[str, Any] = {"class": f"{kind.__module__}.{kind.__qualname__}", "text": text}
    out |= {n: getattr(err, n, ABSENT) for n in ERROR_FIELDS}
    response = getattr(err, "response", None)
    if isinstance(response, dict):  # botocore's ClientError
        meta = response.get("ResponseMetadata", {})
        out["response"] = {"Error": response.get("Error"), "status": meta.get("HTTPStatusCode")}
    elif response is not None:
        headers = getattr(response, "headers", {}) or {}
        # (google-genai's async client answers with aiohttp's response: `status`)
        status = getattr(response, "status_code", getattr(response, "status", None))
        out["response"] = {
            "status": status,
            "request_id": headers.get("x-request-id") or headers.get("request-id"),
        }
    return out


def error_names() -> tuple[Any, list[str]]:
    """A callback handler, and the class names of the errors its `on_llm_error` saw."""
    from langchain_core.callbacks import BaseCallbackHandler

    names: list[str] = []

    class Errors(BaseCallbackHandler):
        def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
            names.append(type(error).__name__)

    return Errors(), names


def _caught(run: Callable[[], Any]) -> Any:
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - what a script catches is observed
        return error_read(exc)
    return "no error"


async def _awaited_then_events(model: Any, server: Failing, handler: Any) -> dict[str, Any]:
    """`ainvoke` caught, then the events `astream_events` gave until it raised: in one
    event loop, as an async application runs them."""
    server.again()
    awaited = await _caught_async(model.ainvoke("Hi", config={"callbacks": [handler]}))
    server.again()
    seen: list[str] = []
    try:
        async for event in model.astream_events("Hi", version="v2"):
            seen.append(event["event"])
    except Exception as exc:  # noqa: BLE001 - what a script catches is observed
        return {"awaited": awaited, "events": seen, "raised": type(exc).__name__}
    return {"awaited": awaited, "events": seen, "raised": None}


async def _caught_async(call: Any) -> Any:
    try:
        await call
    except Exception as exc:  # noqa: BLE001 - what a script catches is observed
        return error_read(exc)
    return "no error"


def error_caught(make: Make, server: Failing) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A call meeting the provider's error status, its retries off: what the `except`
        block reads (invoked, and awaited, each with a callback), the class names the
        callback's `on_llm_error` saw, and the events `astream_events` gave before it raised."""
        handler, names = error_names()
        model = make(cls, url)
        server.again()
        invoked = _caught(lambda: model.invoke("Hi", config={"callbacks": [handler]}))
        later = LOOP.run_until_complete(_awaited_then_events(model, server, handler))
        return {"invoked": invoked, "callback": names, **later}

    return script


def retried_once(make: Make, server: Failing, caught: Caught) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_retry(retry_if_exception_type=..., stop_after_attempt=2)` over an error
        status then a reply, the retried class the partner's SDK's (`caught()`), the
        SDK's own retries off: the reply invoked, and awaited; the errors a callback saw."""
        handler, names = error_names()
        retrying = make(cls, url).with_retry(
            retry_if_exception_type=caught(), stop_after_attempt=2, wait_exponential_jitter=False
        )
        server.again()
        invoked = retrying.invoke("Hi", config={"callbacks": [handler]})
        server.again()
        awaited = LOOP.run_until_complete(retrying.ainvoke("Hi"))
        return {"invoked": invoked, "awaited": awaited, "callback": names}

    return script


def fallen_back(make: Make, server: Failing, caught: Caught) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_fallbacks(exceptions_to_handle=...)` from a model whose provider answers
        an error status to a second one of other settings, the handled class the
        partner's SDK's (`caught()`): the reply, streamed too, and the errors a callback
        saw."""
        handler, names = error_names()
        backup = make(cls, url, temperature=0.5)
        chain = make(cls, url).with_fallbacks([backup], exceptions_to_handle=caught())
        server.again()
        reply = chain.invoke("Hi", config={"callbacks": [handler]})
        server.again()
        streamed = [chunk.content for chunk in chain.stream("Hi")]
        return {"reply": reply, "streamed": streamed, "callback": names}

    return script


def batch_kept_going(make: Make, server: Failing, caught: Caught) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`batch`, `abatch` and `batch_as_completed` of two prompts, one at a time,
        `return_exceptions=True`, the first meeting an error status: per prompt, the
        reply, or the error's class and whether it is the partner's SDK's (`caught()`)."""

        def read(result: Any) -> Any:
            if isinstance(result, Exception):
                return [type(result).__name__, isinstance(result, caught())]
            return result

        model, config, prompts = make(cls, url), {"max_concurrency": 1}, ["One", "Two"]
        server.again()
        done = model.batch(prompts, config=config, return_exceptions=True)
        server.again()
        pending = model.abatch(prompts, config=config, return_exceptions=True)
        awaited = LOOP.run_until_complete(pending)
        server.again()
        completed = model.batch_as_completed(prompts, config=config, return_exceptions=True)
        return {
            "batch": [read(r) for r in done],
            "abatch": [read(r) for r in awaited],
            "as_completed": sorted((i, read(r)) for i, r in completed),
        }

    return script


def raw_kept(make: Make, methods: tuple[str, ...]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output(schema, include_raw=True)` of a reply that parses, per
        method: the keys of the result, the raw message, what was parsed, and no error."""
        out = {}
        for method in methods:
            chain = make(cls, url).with_structured_output(
                sum_schema(description="A sum."), method=method, include_raw=True
            )
            out[method] = attempted(lambda c=chain: c.invoke("1+2?"))
        return out

    return script


def divide(a: float, b: float) -> float:
    """Divide a by b."""
    return a / b


def tool_failed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """An agent's tool failing: a ToolMessage of `status="error"` with a text, and
        one of a list of blocks, sent back with the tool bound; then answered."""
        from langchain_core.messages import AIMessage
        from langchain_core.messages import HumanMessage
        from langchain_core.messages import ToolMessage

        calls = [
            {"name": "divide", "args": {"a": 1, "b": 0}, "id": "call_1", "type": "tool_call"},
            {"name": "divide", "args": {"a": 2, "b": 0}, "id": "call_2", "type": "tool_call"},
        ]
        blocks = [{"type": "text", "text": "ZeroDivisionError"}, {"type": "text", "text": "b=0"}]
        history = [
            HumanMessage("1/0 and 2/0?"),
            AIMessage("", tool_calls=calls),
            ToolMessage("Error: division by zero", tool_call_id="call_1", status="error"),
            ToolMessage(blocks, tool_call_id="call_2", status="error"),
        ]
        return attempted(lambda: make(cls, url).bind_tools([divide]).invoke(history))

    return script


def saved_and_loaded(make: Make, key: str, namespace: str) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A configured model shown (its repr, `model_dump()`, `model_dump_json()`: is its
        key in them?), saved with `dumps` (is its key in the text?) and loaded with
        `loads` (its key from `secrets_map`, the partner's namespace allowed): what the
        saved form holds, the loaded model's class, and its reply."""
        from langchain_core.load import dumps
        from langchain_core.load import loads

        model = make(cls, url, temperature=0.3)
        shown = {
            "repr": key in repr(model),
            "model_dump": attempted(lambda: key in repr(model.model_dump())),
            "model_dump_json": attempted(lambda: key in model.model_dump_json()),
        }
        text = dumps(model)
        saved = json.loads(text)
        secrets = {name: key for name in model.lc_secrets.values()}
        with beta_warning_ignored():
            loaded = attempted(
                lambda: loads(
                    text, secrets_map=secrets, valid_namespaces=[namespace], allowed_objects="all"
                )
            )
        reply = loaded if isinstance(loaded, dict) else attempted(lambda: loaded.invoke("Hi"))
        return {
            "key_in_text": key in text,
            "key_shown": shown,
            "saved": {k: saved.get(k) for k in ("lc", "type", "id")},
            "kwargs": saved.get("kwargs"),
            "loaded": type(loaded).__name__,
            "reply": reply,
        }

    return script


#: An error status as a provider sends it: (status, body, headers).
Status = tuple[int, Any, dict[str, str]]

#: A gateway's error page in front of any provider: HTML, no JSON.
BAD_GATEWAY: Status = (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", {})


def error_rows(
    make: Make,
    answer: Callable[[Seen], Reply],
    statuses: dict[str, Status],
    transient: str,
    caught: Caught,
) -> dict[str, tuple[Failing, Script]]:
    """A suite's rows (name -> (handler, script)) of the error scripts over its
    constructor `make` (retries off) and its reply `answer`: `error_caught` per status of
    `statuses` (label -> status), and, over the status labelled `transient` met once,
    `retried_once`, `fallen_back` and `batch_kept_going`, naming the SDK's classes
    `caught()` (those of the transient status)."""
    out: dict[str, tuple[Failing, Script]] = {}
    for label, status in statuses.items():
        failing = Failing(answer, *status, failures=1_000)
        out[f"error_caught_{label}"] = (failing, error_caught(make, failing))
    for factory in (retried_once, fallen_back, batch_kept_going):
        failing = Failing(answer, *statuses[transient])
        out[f"{factory.__name__}_{transient}"] = (failing, factory(make, failing, caught))
    return out


def rate_limited(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A model built with LangChain's `InMemoryRateLimiter` (a rate the calls never
        wait on): invoked, streamed, awaited and batched, and the limiter it holds."""
        from langchain_core.rate_limiters import InMemoryRateLimiter

        limiter = InMemoryRateLimiter(
            requests_per_second=10_000, check_every_n_seconds=0.001, max_bucket_size=10
        )
        model = make(cls, url, rate_limiter=limiter)

        async def awaited() -> list[Any]:
            return [await model.ainvoke("Hi"), await model.abatch(["One", "Two"])]

        return {
            "invoked": model.invoke("Hi"),
            "streamed": [chunk.content for chunk in model.stream("Hi")],
            "awaited": LOOP.run_until_complete(awaited()),
            "same_limiter": model.rate_limiter is limiter,
        }

    return script


def set_rows(
    make: Make,
    answer: Callable[[Seen], Reply],
    errors: tuple[dict[str, Status], str, Caught],
    structured: tuple[Callable[[Seen], Reply], tuple[str, ...]] | None,
    saved: tuple[str, str] | None,
) -> dict[str, tuple[Any, Script]]:
    """A suite's rows of the set: `error_rows(make, answer, *errors)`, `raw_kept` over
    `structured` (the server's answer, the methods), `tool_failed`, and
    `saved_and_loaded` where `saved` (the key, the partner's namespace) is given."""
    rows: dict[str, tuple[Any, Script]] = dict(error_rows(make, answer, *errors))
    if structured is not None:
        rows["raw_kept"] = (structured[0], raw_kept(make, structured[1]))
    rows["tool_failed"] = (answer, tool_failed(make))
    if saved is not None:
        rows["saved_and_loaded"] = (answer, saved_and_loaded(make, *saved))
    return rows


def sdk_class(module: str, name: str) -> Caught:
    """The `Caught` of one SDK class, `module.name` (imported when a script runs)."""
    return lambda: (getattr(importlib.import_module(module), name),)
