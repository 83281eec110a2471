"""A LangChain user's scripts over how a chat model is made, configured and traced:
`init_chat_model` by "provider:model" and by `model_provider=` (its class, fields, reply,
stream, usage), configurable models (a prefix, listed fields, no model until the call,
tools and structured output on one, one in a chain under a handler), the environment
(keys and base URLs read from it, when a key is read, no key at all), every callback
hook's arguments (start, token, end, error), a LangSmith trace posted to a recording
client, an async handler, `astream_log` and `astream_events(v1)`, runnables composed
around the model (bind, types, assign/pick, fallbacks to another wire), copies and
pickles, and `dumps`/`loads` with a namespace filter, sync and async, on the wires a
script most often imports: LangChain's `init_chat_model` or the partner class beside
chatplex's `init_chat_model` or drop-in, compared (`_kit.py`)."""

from __future__ import annotations

import copy
import pickle
import threading
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from langchain_core import callbacks
from langchain_core import load
from langchain_core import output_parsers
from langchain_core import prompts
from langchain_core import runnables
from langchain_core._api.deprecation import LangChainDeprecationWarning
from langsmith import Client as LangSmithClient
from langsmith import tracing_context

import chatplex
import chatplex.langchain
from chatplex.testing import MockRequest

from ._cells import family_test
from ._kit import RANDOM
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import chatplex_class
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from .test_agents import token
from .test_scripts import FORECAST
from .test_scripts import HELLO
from .test_scripts import INIT_PROVIDER
from .test_scripts import SCRIPT_WIRES
from .test_scripts import SECRETS
from .test_scripts import Forecast

chat_models = pytest.importorskip("langchain.chat_models")

pytestmark = pytest.mark.xdist_group("agents_matrix_config_scripts")


@dataclass
class _Seen:
    """The requests the server got meanwhile: path, JSON body, headers."""

    requests: list[MockRequest] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [r.path.split("?")[0] for r in self.requests]

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r.json or {} for r in self.requests]


@contextmanager
def _requests(run: Run, fail: int = 0, fault: str = "status=400") -> Iterator[_Seen]:
    """The requests the server gets meanwhile; the first `fail` answered with `fault`."""
    seen = _Seen()
    lock = threading.Lock()

    def plan(request: MockRequest) -> str | None:
        with lock:
            seen.requests.append(request)
            return fault if len(seen.requests) <= fail else None

    run.server.settings.fault_plan = plan
    try:
        yield seen
    finally:
        run.server.settings.fault_plan = None


# ---- init_chat_model ------------------------------------------------------------------------


def _init(run: Run) -> Callable[..., Any]:
    """The script's `init_chat_model`: LangChain's, or chatplex's (the import swapped)."""
    if run.side == "langchain":
        return chat_models.init_chat_model  # type: ignore[no-any-return]
    return chatplex.langchain.init_chat_model


def _settings(run: Run) -> tuple[str, dict[str, Any]]:
    """The wire's model name and its other constructor settings."""
    settings = run.wire.settings(run.server.url)
    return settings.pop("model"), settings


def _made(model: Any) -> dict[str, Any]:
    """What a script reads off a model it built: its class, its fields' names, a reply,
    the stream's pieces."""
    return {
        "class": type(model).__name__,
        "fields": list(model.model_dump()),
        "invoke": model.invoke(HELLO),
        "stream": [token(c, {}) for c in model.stream(HELLO)],
    }


def init_provider_string(run: Run) -> Any:
    """`init_chat_model("provider:model", ...)`."""
    name, settings = _settings(run)
    return _made(_init(run)(f"{INIT_PROVIDER[run.wire.name]}:{name}", **settings))


def init_model_provider(run: Run) -> Any:
    """`init_chat_model("model", model_provider=..., temperature=...)`."""
    name, settings = _settings(run)
    model = _init(run)(
        name, model_provider=INIT_PROVIDER[run.wire.name], temperature=0.5, **settings
    )
    return {"class": type(model).__name__, "temperature": model.temperature, **_made(model)}


def init_prefixed(run: Run) -> Any:
    """`init_chat_model(..., configurable_fields="any", config_prefix="foo")` set per
    call: the reply and the settings each request carried."""
    name, settings = _settings(run)
    model = _init(run)(
        f"{INIT_PROVIDER[run.wire.name]}:{name}",
        configurable_fields="any",
        config_prefix="foo",
        **settings,
    )
    config = {"configurable": {"foo_temperature": 0.2, "foo_max_tokens": 50}}
    with _requests(run) as seen:
        reply = model.invoke(HELLO, config=config)
        plain = model.invoke(HELLO)
    return {"reply": reply, "plain": plain, "sent": [_sent(b) for b in seen.bodies]}


def init_listed_fields(run: Run) -> Any:
    """`configurable_fields=("temperature",)`: a call setting a listed field and one not
    listed (ignored), then `with_config(configurable=...)` making it the default."""
    name, settings = _settings(run)
    model = _init(run)(
        f"{INIT_PROVIDER[run.wire.name]}:{name}",
        configurable_fields=("temperature",),
        config_prefix="x",
        **settings,
    )
    given = {"configurable": {"x_temperature": 0.2, "x_max_tokens": 50}}
    with _requests(run) as seen:
        reply = model.invoke(HELLO, config=given)
        configured = model.with_config(configurable={"x_temperature": 0.2}).invoke(HELLO)
    return {
        "reply": reply,
        "configured": configured,
        "sent": [_sent(b) for b in seen.bodies],
    }


def _sent(body: dict[str, Any]) -> dict[str, Any]:
    """A request body's members (top level or one level down) holding 0.2 or 50."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        inner = value.items() if isinstance(value, dict) else ()
        for name, held in [(key, value), *((f"{key}.{k}", v) for k, v in inner)]:
            if not isinstance(held, bool) and held in (0.2, 50):
                found[name] = held
    return found


def _unnamed(run: Run) -> tuple[Any, dict[str, Any]]:
    """`init_chat_model(**settings)` with no model, and the config naming it per call."""
    name, settings = _settings(run)
    model = _init(run)(**settings)
    return model, {"configurable": {"model": f"{INIT_PROVIDER[run.wire.name]}:{name}"}}


def init_no_model(run: Run) -> Any:
    """`init_chat_model()` with no model, the model named per call: invoke, stream."""
    model, config = _unnamed(run)
    return {
        "invoke": model.invoke(HELLO, config=config),
        "stream": [token(c, {}) for c in model.stream(HELLO, config=config)],
    }


def init_no_model_async(run: Run) -> Any:
    async def body() -> Any:
        model, config = _unnamed(run)
        return {
            "invoke": await model.ainvoke(HELLO, config=config),
            "stream": [token(c, {}) async for c in model.astream(HELLO, config=config)],
        }

    return arun(body)


def configurable_tools(run: Run) -> Any:
    """`bind_tools` and `with_structured_output` on a model named per call."""
    model, config = _unnamed(run)
    called = model.bind_tools([get_weather]).invoke(TURNS[0], config=config)
    structured = outcome_of(
        lambda: model.with_structured_output(Forecast).invoke(FORECAST, config=config)
    )
    return {"called": called, "structured": observe(structured)}


def configurable_tools_async(run: Run) -> Any:
    async def body() -> Any:
        model, config = _unnamed(run)
        called = await model.bind_tools([get_weather]).ainvoke(TURNS[0], config=config)
        structured = await model.with_structured_output(Forecast).ainvoke(FORECAST, config=config)
        return {"called": called, "structured": structured}

    return arun(body)


def configurable_chain(run: Run) -> Any:
    """A model named per call in `prompt | model | StrOutputParser()` under a handler,
    the model's own class name, and its `astream_events(v2)`."""
    model, config = _unnamed(run)
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "Say hello to my {who}")])
    chain = prompt | model | output_parsers.StrOutputParser()
    handler = _Hooks()
    text = chain.invoke({"who": "friend"}, {**config, "callbacks": [handler]})

    async def body() -> Any:
        return [
            {"event": e["event"], "name": e["name"], "tags": e.get("tags")}
            async for e in model.astream_events(HELLO, config, version="v2")
        ]

    return {
        "class": type(model).__name__,
        "text": text,
        "hooks": [h["hook"] for h in handler.seen],
        "start": next(h for h in handler.seen if h["hook"] == "start"),
        "events": arun(body),
    }


# ---- the environment ------------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    """How a wire reads its key and base URL from the environment: the variables holding
    the key (`{}` is the key's words), the settings the wire's constructor call gives
    them in code, and the variables of the base URL (its path after the server's)."""

    keys: dict[str, str]
    in_code: tuple[str, ...]
    bases: tuple[str, ...] = ()
    path: str = ""


#: The keys a scenario puts in the environment, and what the server is shown as seeing.
KEY_WORDS = ("env-key-one", "env-key-two")

ENV: dict[str, Env] = {
    "openai": Env(
        {"OPENAI_API_KEY": "sk-{}"},
        ("api_key", "base_url"),
        ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
        "/v1",
    ),
    "anthropic": Env(
        {"ANTHROPIC_API_KEY": "sk-ant-{}"},
        ("api_key", "base_url"),
        ("ANTHROPIC_BASE_URL", "ANTHROPIC_API_URL"),
    ),
    "gemini": Env({"GOOGLE_API_KEY": "g-{}"}, ("google_api_key",)),
    "bedrock_converse": Env(
        {"AWS_ACCESS_KEY_ID": "AKID{}", "AWS_SECRET_ACCESS_KEY": "secret-{}"},
        ("aws_access_key_id", "aws_secret_access_key"),
    ),
    "ollama": Env({}, ("base_url",), ("OLLAMA_HOST",)),
    "groq": Env({"GROQ_API_KEY": "gsk-{}"}, ("api_key", "base_url"), ("GROQ_API_BASE",), "/groq"),
    "mistralai": Env(
        {"MISTRAL_API_KEY": "{}"}, ("api_key", "base_url"), ("MISTRAL_BASE_URL",), "/mistral/v1"
    ),
}


def _shown(request: MockRequest) -> dict[str, Any]:
    """Where a request went and which of `KEY_WORDS` each header carried (the key
    itself masked)."""
    keys = {
        name: next(w for w in KEY_WORDS if w in value.lower())
        for name, value in request.headers.items()
        if any(w in value.lower() for w in KEY_WORDS)
    }
    return {"path": request.path.split("?")[0], "keys": dict(sorted(keys.items()))}


def _key_env(patch: pytest.MonkeyPatch, env: Env, words: str) -> None:
    for name, form in env.keys.items():
        patch.setenv(name, form.format(words))


def _from_env(run: Run, base: str | None) -> Any:
    """The wire's class built with its key (and, with `base`, its base URL) from the
    environment: what the server saw of an invoke."""
    env = ENV[run.wire.name]
    with pytest.MonkeyPatch.context() as patch:
        _key_env(patch, env, KEY_WORDS[0])
        settings = run.wire.settings(run.server.url)
        drop = set(env.in_code) - ({"base_url"} if base is None else set())
        if base is not None:
            patch.setenv(base, run.server.url + env.path)
        kept = {k: v for k, v in settings.items() if k not in drop}
        with _requests(run) as seen:
            reply = outcome_of(lambda: _construct(run, kept).invoke(HELLO))
    return {"reply": reply, "seen": [_shown(r) for r in seen.requests]}


def _construct(run: Run, settings: dict[str, Any]) -> Any:
    cls = run.wire.partner() if run.side == "langchain" else chatplex_class(run.wire.cls)
    return cls(**settings)


def env_settings(run: Run) -> Any:
    """The key from the environment (`*_API_KEY`) and the base URL from each variable the
    partner reads (`OPENAI_BASE_URL`, `OPENAI_API_BASE`, `OLLAMA_HOST`...), or given in
    code beside the key from the environment: where the request went, which key it
    carried."""
    bases = ENV[run.wire.name].bases
    return {base or "in code": _from_env(run, base) for base in (*bases, None)}


def env_key_read_when(run: Run) -> Any:
    """A key read from the environment at construction or at the call: the environment
    changes between the two."""
    env = ENV[run.wire.name]
    with pytest.MonkeyPatch.context() as patch:
        _key_env(patch, env, KEY_WORDS[0])
        settings = run.wire.settings(run.server.url)
        in_code = set(env.in_code) - {"base_url"}
        model = _construct(run, {k: v for k, v in settings.items() if k not in in_code})
        _key_env(patch, env, KEY_WORDS[1])
        with _requests(run) as seen:
            reply = outcome_of(lambda: model.invoke(HELLO))
    return {"reply": reply, "seen": [_shown(r) for r in seen.requests]}


def env_no_key(run: Run) -> Any:
    """No key anywhere (none in code, none in the environment): whether building the
    model raises, and what, or else what its first call raises (and sends)."""
    env = ENV[run.wire.name]
    with pytest.MonkeyPatch.context() as patch:
        for name in env.keys:
            patch.delenv(name, raising=False)
        settings = run.wire.settings(run.server.url)
        in_code = set(env.in_code) - {"base_url"}
        built = outcome_of(
            lambda: _construct(run, {k: v for k, v in settings.items() if k not in in_code})
        )
        if not hasattr(built, "invoke"):
            return {"built": built}
        with _requests(run) as seen:
            reply = outcome_of(lambda: built.invoke(HELLO))
    return {"built": type(built).__name__, "reply": reply, "sent": len(seen.requests)}


# ---- callbacks ------------------------------------------------------------------------------


def _lc_versions_out(metadata: Any) -> Any:
    """Run metadata without `lc_versions` (test_scripts.py's model_metadata compares it)."""
    return masked({k: v for k, v in (metadata or {}).items() if k != "lc_versions"})


class _Hooks(callbacks.BaseCallbackHandler):
    """Every chat-model hook's arguments, as plain data."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: Any, parent_run_id: Any = None, **kw: Any
    ) -> None:
        self.seen.append(_start(serialized, messages, run_id, parent_run_id, kw))

    def on_llm_new_token(self, token: Any, **kw: Any) -> None:
        self.seen.append(_new_token(token, kw))

    def on_llm_end(self, response: Any, **kw: Any) -> None:
        self.seen.append(_end(response, kw))

    def on_llm_error(self, error: BaseException, **kw: Any) -> None:
        self.seen.append(_error(error, kw))


class _AsyncHooks(callbacks.AsyncCallbackHandler):
    """The same, as an async handler."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def on_chat_model_start(
        self, serialized: Any, messages: Any, *, run_id: Any, parent_run_id: Any = None, **kw: Any
    ) -> None:
        self.seen.append(_start(serialized, messages, run_id, parent_run_id, kw))

    async def on_llm_new_token(self, token: Any, **kw: Any) -> None:
        self.seen.append(_new_token(token, kw))

    async def on_llm_end(self, response: Any, **kw: Any) -> None:
        self.seen.append(_end(response, kw))

    async def on_llm_error(self, error: BaseException, **kw: Any) -> None:
        self.seen.append(_error(error, kw))


def _common(kw: dict[str, Any]) -> dict[str, Any]:
    return {
        "keys": sorted(kw),
        "run_id": RANDOM if kw.get("run_id") else None,
        "parent_run_id": RANDOM if kw.get("parent_run_id") else None,
        "tags": sorted(kw.get("tags") or ()),
    }


def _start(serialized: Any, messages: Any, run_id: Any, parent: Any, kw: dict[str, Any]) -> Any:
    return {
        "hook": "start",
        "serialized": {k: masked(v) for k, v in (serialized or {}).items() if k != "kwargs"},
        "serialized_kwargs": sorted((serialized or {}).get("kwargs") or ()),
        "messages": observe(messages),
        "run_id": RANDOM if run_id else None,
        "parent_run_id": RANDOM if parent else None,
        "keys": sorted(kw),
        "tags": sorted(kw.get("tags") or ()),
        "metadata": _lc_versions_out(kw.get("metadata")),
        "invocation_params": masked(kw.get("invocation_params")),
        "options": masked(kw.get("options")),
        "name": kw.get("name"),
        "batch_size": kw.get("batch_size"),
    }


def _new_token(text: Any, kw: dict[str, Any]) -> Any:
    chunk = kw.pop("chunk", None)
    return {"hook": "token", "token": text, "chunk": type(chunk).__name__, **_common(kw)}


def _end(response: Any, kw: dict[str, Any]) -> Any:
    generation = response.generations[0][0]
    return {
        "hook": "end",
        "generation": type(generation).__name__,
        "generation_info": masked(generation.generation_info),
        "llm_output": masked(response.llm_output),
        "message": observe(generation.message),
        **_common(kw),
    }


def _error(error: BaseException, kw: dict[str, Any]) -> Any:
    return {"hook": "error", "error": observe(error), **_common(kw)}


CONFIGURED = {"run_name": "weather_model", "tags": ["matrix"], "metadata": {"user": "u1"}}


def hooks(run: Run) -> Any:
    """`model.with_config(run_name=..., tags=..., metadata=...)` under a handler
    recording every hook's arguments: an invoke, a stream, a batch, and a refused call
    (400, `on_llm_error`)."""
    model = run.make().with_config(**CONFIGURED)
    out: dict[str, Any] = {}
    for name, call in (
        ("invoke", lambda c: model.invoke(HELLO, c)),
        ("stream", lambda c: list(model.stream(HELLO, c))),
        # One at a time: the two runs' hooks in a known order.
        ("batch", lambda c: model.batch([HELLO, HELLO], {**c, "max_concurrency": 1})),
    ):
        handler = _Hooks()
        call({"callbacks": [handler]})
        out[name] = handler.seen
    handler = _Hooks()
    with _requests(run, fail=1):
        out["refused"] = outcome_of(lambda: model.invoke(HELLO, {"callbacks": [handler]}))
    out["refused_hooks"] = handler.seen
    return out


def async_hooks(run: Run) -> Any:
    """An `AsyncCallbackHandler` over `ainvoke` and `astream`."""

    async def body() -> Any:
        model = run.make().with_config(**CONFIGURED)
        invoked, streamed = _AsyncHooks(), _AsyncHooks()
        await model.ainvoke(HELLO, {"callbacks": [invoked]})
        async for _ in model.astream(HELLO, {"callbacks": [streamed]}):
            pass
        return {"invoke": invoked.seen, "stream": streamed.seen}

    return arun(body)


# ---- LangSmith -----------------------------------------------------------------------------


class _RecordingClient(LangSmithClient):
    """A LangSmith client that posts nothing: it records the runs it is given."""

    def __init__(self) -> None:
        super().__init__(api_key="ls-mock", api_url="http://127.0.0.1:9", auto_batch_tracing=False)
        self.created: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []

    def create_run(self, *args: Any, **kwargs: Any) -> None:
        self.created.append(kwargs)

    def update_run(self, *args: Any, **kwargs: Any) -> None:
        self.updated.append(kwargs)


def _posted(client: _RecordingClient) -> Any:
    """The runs a tracer posted, as LangSmith would store them."""
    out = []
    for created in client.created:
        extra = created.get("extra") or {}
        update = next((u for u in client.updated if u.get("run_id") == created.get("id")), {})
        outputs = update.get("outputs") or {}
        generations = outputs.get("generations") or [[]]
        out.append(
            {
                "name": created.get("name"),
                "run_type": created.get("run_type"),
                "inputs": masked(created.get("inputs")),
                "invocation_params": masked(extra.get("invocation_params")),
                "ls": {
                    k: v for k, v in (extra.get("metadata") or {}).items() if k.startswith("ls_")
                },
                "tags": sorted(created.get("tags") or ()),
                "outputs": {
                    "llm_output": masked(outputs.get("llm_output")),
                    "generations": [masked(g) for g in generations[0]],
                },
                "tokens": sum(
                    1 for e in update.get("events") or () if e.get("name") == "new_token"
                ),
                "error": update.get("error") is not None,
            }
        )
    return out


def langsmith_trace(run: Run) -> Any:
    """`tracing_context(enabled=True, client=...)` around an invoke and a stream of
    `model.with_config(...)`: the runs the tracer posted."""
    client = _RecordingClient()
    model = run.make().with_config(**CONFIGURED)
    with tracing_context(enabled=True, client=client, project_name="matrix"):
        model.invoke(HELLO)
        for _ in model.stream(HELLO):
            pass
    return _posted(client)


def langsmith_trace_async(run: Run) -> Any:
    async def body() -> Any:
        client = _RecordingClient()
        model = run.make().with_config(**CONFIGURED)
        with tracing_context(enabled=True, client=client, project_name="matrix"):
            await model.ainvoke(HELLO)
            async for _ in model.astream(HELLO):
                pass
        return _posted(client)

    return arun(body)


# ---- streams of a chain's log and events ----------------------------------------------------


def _op(op: dict[str, Any]) -> dict[str, Any]:
    value = op.get("value")
    if hasattr(value, "content"):
        shown: Any = token(value, {})
    elif isinstance(value, dict):
        shown = sorted(value)
    else:
        shown = type(value).__name__
    return {"op": op["op"], "path": op["path"], "value": shown}


def stream_log(run: Run) -> Any:
    """`(prompt | model).astream_log(...)`: every op's path and value (its keys, or the
    chunk as a stream piece), and the final output."""
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "Say hello to my {who}")])
    chain = prompt | run.make()

    async def body() -> Any:
        ops: list[Any] = []
        final = None
        with _deprecated_alike():
            async for patch in chain.astream_log({"who": "friend"}):
                ops += [_op(o) for o in patch.ops]
                final = patch if final is None else final + patch
        return {"ops": ops, "final": observe(final.state["final_output"])}  # type: ignore[union-attr]

    return arun(body)


@contextmanager
def _deprecated_alike() -> Iterator[None]:
    """LangChain's deprecation warning of `astream_log` and `astream_events(v1)`, the
    same on both sides (LangChain's own Runnable methods), not compared."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainDeprecationWarning)
        yield


def stream_events_v1(run: Run) -> Any:
    """`model.astream_events(..., version="v1")`: each event's kind, name, tags and what
    its data holds."""

    async def body() -> Any:
        model = run.make().with_config(**CONFIGURED)
        with _deprecated_alike():
            events = [e async for e in model.astream_events(HELLO, version="v1")]
        return [
            {
                "event": event["event"],
                "name": event["name"],
                "tags": event.get("tags"),
                "data": sorted(event.get("data") or {}),
                "chunk": token(event["data"]["chunk"], {}) if "chunk" in event["data"] else None,
                "output": observe(event["data"].get("output")),
            }
            for event in events
        ]

    return arun(body)


# ---- runnables composed around the model ----------------------------------------------------


def composed(run: Run) -> Any:
    """`bind(temperature=...)`, `with_types(...)`, and a parallel whose output is
    `assign`ed and `pick`ed: the replies and the temperature each request carried."""
    model = run.make()
    typed = model.with_types(input_type=str)
    picked = (
        runnables.RunnableParallel(reply=model)
        .assign(text=lambda d: d["reply"].text)
        .pick(["text"])
    )
    with _requests(run) as seen:
        bound = model.bind(temperature=0.2).invoke(HELLO)
        typed_reply = typed.invoke(HELLO)
        picked_out = picked.invoke(HELLO)
    return {
        "bound": bound,
        "typed": typed_reply,
        "typed_input": typed.get_input_schema().model_json_schema(),
        "picked": picked_out,
        "sent": [_sent(b) for b in seen.bodies],
    }


#: The wire each wire falls back to (another wire, another shape of request).
FALLBACK_WIRE = {wire: "anthropic" if wire == "openai" else "openai" for wire in SCRIPT_WIRES}


def fallback_other_wire(run: Run) -> Any:
    """`with_fallbacks([<another wire's class>])` where this wire's call gets a 500:
    the reply and the paths the server saw."""
    other = Run(WIRES[FALLBACK_WIRE[run.wire.name]], run.side, run.server)
    chain = run.make(max_retries=0).with_fallbacks([other.make()])
    with _requests(run, fail=1, fault="status=500") as seen:
        reply = chain.invoke(HELLO)
    return {"reply": reply, "paths": seen.paths}


# ---- copies, pickles, serialization ---------------------------------------------------------


def copies(run: Run) -> Any:
    """`copy.deepcopy`, `model_copy(update=...)`, `pickle` (what the partner does: raises
    or works) and `model == model.model_copy()`."""
    model = run.make(temperature=0.3)
    deep = outcome_of(lambda: copy.deepcopy(model))
    updated = model.model_copy(update={"temperature": 0.9})
    pickled = outcome_of(lambda: type(pickle.loads(pickle.dumps(model))).__name__)
    copied = hasattr(deep, "invoke")
    return {
        "deep": type(deep).__name__ if copied else deep,
        "deep_equal": deep == model,
        "deep_reply": deep.invoke(HELLO) if copied else None,
        "updated": [updated.temperature, model.temperature],
        "updated_reply": updated.invoke(HELLO),
        "pickled": pickled,
        "equal": model == model.model_copy(),
    }


def load_namespaces(run: Run) -> Any:
    """`loads(dumps(model), secrets_map=..., valid_namespaces=[...])` (the partner's
    package as the namespace), then `dumpd` of a bound model in a chain."""
    model = run.make(temperature=0.3)
    namespace = run.wire.module.split(".")[0]
    loaded = outcome_of(
        lambda: load.loads(
            load.dumps(model),
            secrets_map=SECRETS,
            valid_namespaces=[namespace],
            allowed_objects="all",
        )
    )
    prompt = prompts.ChatPromptTemplate.from_messages([("user", "{q}")])
    chain = prompt | model.bind(stop=["END"])
    return {
        "loaded": _class_path(loaded) if hasattr(loaded, "invoke") else loaded,
        "loaded_temperature": getattr(loaded, "temperature", None),
        # Unmasked: its ids are class paths (the namespace a loader checks), not random.
        "chain": load.dumpd(chain),
    }


def _class_path(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


SCENARIOS = {
    "init_provider_string": init_provider_string,
    "init_model_provider": init_model_provider,
    "init_prefixed": init_prefixed,
    "init_listed_fields": init_listed_fields,
    "init_no_model": init_no_model,
    "init_no_model_async": init_no_model_async,
    "configurable_tools": configurable_tools,
    "configurable_tools_async": configurable_tools_async,
    "configurable_chain": configurable_chain,
    "env_settings": env_settings,
    "env_key_read_when": env_key_read_when,
    "env_no_key": env_no_key,
    "hooks": hooks,
    "async_hooks": async_hooks,
    "langsmith_trace": langsmith_trace,
    "langsmith_trace_async": langsmith_trace_async,
    "stream_log": stream_log,
    "stream_events_v1": stream_events_v1,
    "composed": composed,
    "fallback_other_wire": fallback_other_wire,
    "copies": copies,
    "load_namespaces": load_namespaces,
}


# The groq SDK's client wrapper, copied by deepcopy/pickle half-built, fails in __del__.
test_config_script = family_test(
    SCENARIOS,
    SCRIPT_WIRES,
    marks=[
        pytest.mark.filterwarnings(
            "ignore:Exception ignored in. <function SyncHttpxClientWrapper.__del__"
            ":pytest.PytestUnraisableExceptionWarning"
        )
    ],
)
