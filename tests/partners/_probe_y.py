"""Scripts the wires' probe_y modules share (tests/partners/<wire>/test_*_probe_y_scripts.py):
scripts on LangChain-core's features around a chat model (its callbacks' arguments, its
cache, its configurable forms, its introspection, a serialization round trip, an agent's
streamed messages). Each factory takes a suite's constructor `make(cls, url, **settings)`
and gives a `script(cls, url)` that its suite runs with the partner's class and with
chatplex's."""

from __future__ import annotations

import contextlib
import copy
import gc
import re
import sys
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from typing import Any

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from typing_extensions import TypedDict

from tests._tiktoken import offline_tiktoken
from tests._warns import beta_warning_ignored
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import module_loop
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import sum_schema

Make = Callable[..., Any]
Script = Callable[[Any, str], Any]

#: The scripts every wire's module runs, by name: each factory takes the module's
#: constructor `make(cls, url, **settings)` (`@shared` puts it here).
FACTORIES: dict[str, Callable[[Make], Script]] = {}


def shared(factory: Callable[[Make], Script]) -> Callable[[Make], Script]:
    FACTORIES[factory.__name__] = factory
    return factory


#: One event loop for every async call of the set (a partner keeps its async client bound
#: to its first call's loop). A probe_y module imports `shared_clients_closed` (autouse),
#: and `tiktoken_offline` (autouse) where its scripts count tokens with tiktoken.
LOOP, shared_clients_closed = module_loop()


@pytest.fixture(autouse=True)
def tiktoken_offline(tmp_path: Path) -> Iterator[None]:
    """tiktoken's cl100k_base read from a cache filled here; no download."""
    with offline_tiktoken(tmp_path / "tiktoken"):
        yield


def _plain(value: Any) -> Any:
    """`value` as plain data a comparison reads: a UUID or a class as its text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "content") and hasattr(value, "response_metadata"):
        return value
    return type(value).__name__


def _recorder() -> tuple[Any, list[Any]]:
    from langchain_core.callbacks import BaseCallbackHandler

    seen: list[Any] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            seen.append(
                {
                    "start": _plain(serialized),
                    "messages": messages,
                    "kw": sorted(kw),
                    "invocation_params": _plain(kw.get("invocation_params")),
                    "options": _plain(kw.get("options")),
                    "metadata": _plain(kw.get("metadata")),
                }
            )

        def on_llm_new_token(self, token: str, **kw: Any) -> None:
            chunk = kw.get("chunk")
            seen.append({"token": token, "kw": sorted(kw), "chunk": type(chunk).__name__})

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            seen.append(
                {
                    "llm_output": _plain(response.llm_output),
                    "generations": [
                        [{"info": _plain(g.generation_info), "type": type(g).__name__} for g in row]
                        for row in response.generations
                    ],
                    "kw": sorted(kw),
                }
            )

    return Recorder(), seen


@shared
def callback_arguments(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A handler's every argument of a chat model's run (the serialized model, the
        invocation params and options, metadata, each new token's, the LLMResult),
        invoked with a bound stop and streamed with tools."""
        handler, seen = _recorder()
        model = make(cls, url, temperature=0.2, max_tokens=50)
        model.invoke("Hi", stop=["END"], config={"callbacks": [handler]})
        bound = model.bind_tools([add])
        list(bound.stream("1+2?", config={"callbacks": [handler]}))
        return seen

    return script


@shared
def v3_tokens(make: Make, *, asynchronous: bool = True) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`stream_events(version="v3")`, sync and async (unless not `asynchronous`), of a
        text and a tool call: what a handler's `on_llm_new_token` hears of each piece
        (LangChain's v2 event path hears only what the model's `_stream` reports to the
        run it is handed): the token, the hook's keywords, the piece as made (its message;
        not its `generation_info`, which `stream()` hands a handler the same, and
        `callback_arguments` leaves out too)."""
        from langchain_core.callbacks import BaseCallbackHandler

        heard: list[Any] = []

        class Tokens(BaseCallbackHandler):
            def on_llm_new_token(self, token: str, **kw: Any) -> None:
                chunk = kw.get("chunk")
                message = getattr(chunk, "message", None)
                shown = {k: v for k, v in kw.items() if k not in _RUN_KEYWORDS}
                heard.append(
                    {
                        "token": token,
                        "kw": _plain(shown),
                        "content": getattr(message, "content", None),
                        "metadata": _undated(_plain(getattr(message, "response_metadata", None))),
                        "usage": getattr(message, "usage_metadata", None),
                        "position": getattr(message, "chunk_position", None),
                    }
                )

        async def streamed(bound: Any, config: Any) -> None:
            with _v3_beta_quiet():
                await (await bound.astream_events("1+2?", config, version="v3"))

        model = make(cls, url)
        out = {}
        for name, bound in (("text", model), ("call", model.bind_tools([add]))):
            config: Any = {"callbacks": [Tokens()]}
            list(bound.stream_events("1+2?", config, version="v3"))
            if asynchronous:
                LOOP.run_until_complete(streamed(bound, config))
            out[name], heard[:] = list(heard), []
        return out

    return script


@shared
def v3_events(make: Make, *, asynchronous: bool = True, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`stream_events(version="v3")`'s protocol events, sync and async (unless not
        `asynchronous`), of a text and a tool call: each as given but its run's id
        (drawn per run) and the reply's date (`_event_read`)."""

        async def streamed(bound: Any) -> list[Any]:
            with _v3_beta_quiet():
                return [e async for e in await bound.astream_events("1+2?", version="v3")]

        model = make(cls, url, **settings)
        out: dict[str, Any] = {}
        for name, bound in (("text", model), ("call", model.bind_tools([add]))):
            runs = [list(bound.stream_events("1+2?", version="v3"))]
            if asynchronous:
                runs.append(LOOP.run_until_complete(streamed(bound)))
            out[name] = [[_event_read(_plain(e)) for e in run] for run in runs]
        return out

    return script


@shared
def v3_events_v1(make: Make, *, asynchronous: bool = True) -> Script:
    """`v3_events` of a model built with `output_version="v1"`."""
    return v3_events(make, asynchronous=asynchronous, output_version="v1")


@contextlib.contextmanager
def _v3_beta_quiet() -> Iterator[None]:
    """LangChain's beta warning of its async v3 stream left out: `BaseChatModel` gives it
    once per process, to whichever class streams first (a replayed partner side leaves
    it to chatplex's; its tests' warnings are errors)."""
    from langchain_core._api.beta_decorator import LangChainBetaWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainBetaWarning)
        yield


def _event_read(event: Any) -> Any:
    """`event` with a message's run id (`lc_run--<uuid>`, LangChain's) as `<run>`, its
    metadata `_undated`."""
    if not isinstance(event, dict):
        return event
    if isinstance(event.get("metadata"), dict):
        _undated(event["metadata"])
    if str(event.get("id", "")).startswith("lc_run--"):
        return {**event, "id": "<run>"}
    return event


#: The keywords LangChain's callback manager gives every hook (the run's ids and tags).
_RUN_KEYWORDS = frozenset({"run_id", "parent_run_id", "tags"})


def _undated(metadata: Any) -> Any:
    """`metadata` without the reply's `date` header where it keeps botocore's
    `ResponseMetadata` (the second each reply was sent: the two sides may straddle one)."""
    headers = ((metadata or {}).get("ResponseMetadata") or {}).get("HTTPHeaders")
    if isinstance(headers, dict):
        headers.pop("date", None)
    return metadata


@shared
def events_metadata(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`astream_events(version="v2")` of a model with sampling settings: each event's
        name, metadata and the keys of its data, the start's input."""
        model = make(cls, url, temperature=0.3, max_tokens=40)

        async def run() -> list[Any]:
            return [e async for e in model.astream_events("Hi", version="v2")]

        events = LOOP.run_until_complete(run())
        return [
            {
                "event": e["event"],
                "name": e["name"],
                "metadata": e["metadata"],
                "data": sorted(e["data"]),
                "input": e["data"].get("input") if e["event"] == "on_chat_model_start" else None,
                "output": e["data"].get("output") if e["event"] == "on_chat_model_end" else None,
            }
            for e in events
            if e["event"] != "on_chat_model_stream"
        ]

    return script


@shared
def cached_then_streamed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`cache=InMemoryCache()`: invoked, then streamed and awaited on the same prompt
        (cache hits): what each returns (ids, usage, metadata), and the chunks."""
        from langchain_core.caches import InMemoryCache

        model = make(cls, url, cache=InMemoryCache())
        first = model.invoke("Hi")
        chunks = list(model.stream("Hi"))
        again = LOOP.run_until_complete(model.ainvoke("Hi"))
        return {
            "first": first,
            "chunks": chunks,
            "ids": [first.id is not None, [c.id for c in chunks] == [first.id] * len(chunks)],
            "again_same_id": again.id == first.id,
            "again": again,
        }

    return script


@shared
def global_cache(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`set_llm_cache(InMemoryCache())`: one model invoked twice, one given
        `cache=False` invoked twice, a bound one invoked twice."""
        from langchain_core.caches import InMemoryCache
        from langchain_core.globals import set_llm_cache

        set_llm_cache(InMemoryCache())
        try:
            model = make(cls, url)
            uncached = make(cls, url, cache=False)
            bound = model.bind(stop=["END"])
            return [
                model.invoke("Hi"),
                model.invoke("Hi"),
                uncached.invoke("Hi"),
                uncached.invoke("Hi"),
                bound.invoke("Hi"),
                bound.invoke("Hi"),
            ]
        finally:
            set_llm_cache(None)

    return script


def usage_by_model(make: Make, other: str) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`UsageMetadataCallbackHandler` over two models of different names, invoked and
        streamed: its totals by model name."""
        from langchain_core.callbacks import UsageMetadataCallbackHandler

        handler = UsageMetadataCallbackHandler()
        config = {"callbacks": [handler]}
        make(cls, url).invoke("Hi", config=config)
        list(make(cls, url, model=other).stream("Hi", config=config))
        return handler.usage_metadata

    return script


@shared
def introspected(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """What a script reads of a model: `_llm_type`, `_identifying_params`,
        `lc_secrets`, `lc_attributes`, `is_lc_serializable`, `get_lc_namespace`, the
        model's name, its input and output schemas' titles, `model_dump()`'s keys."""
        model = make(cls, url, temperature=0.1)
        return {
            "llm_type": model._llm_type,
            "identifying": _plain(model._identifying_params),
            "secrets": model.lc_secrets,
            "attributes": _plain(model.lc_attributes),
            "serializable": model.is_lc_serializable(),
            "namespace": model.get_lc_namespace(),
            "name": model.get_name(),
            "input": model.get_input_schema().model_json_schema().get("title"),
            "output": model.get_output_schema().model_json_schema().get("title"),
            "dumped": sorted(model.model_dump()),
            "ls_params": _plain(model._get_ls_params()),
        }

    return script


def round_trip(make: Make, key_name: str) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`dumps` then `loads` with a `secrets_map`, and `dumpd` then `load`: the loaded
        model's class, and its reply; `model_copy(update=...)`'s reply."""
        from langchain_core.load import dumpd
        from langchain_core.load import dumps
        from langchain_core.load import load
        from langchain_core.load import loads

        model = make(cls, url, temperature=0.1)
        text = dumps(model)
        with beta_warning_ignored():  # (given once a process: see its docstring)
            loaded = loads(text, secrets_map={key_name: "sk-loaded"}, allowed_objects="all")
            again = load(dumpd(model), secrets_map={key_name: "sk-loaded"}, allowed_objects="all")
        copied = model.model_copy(update={"temperature": 0.7})
        return {
            "loaded": type(loaded).__name__,
            "reply": loaded.invoke("Hi"),
            "again": again.invoke("Hi"),
            "copied": copied.invoke("Hi"),
            "copied_temperature": copied.temperature,
            "original_temperature": model.temperature,
        }

    return script


@shared
def v1_stream_summed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`output_version="v1"`, tools bound: streamed and summed (`+`), the sum's
        content blocks, text, tool calls and chunks, usage, the last chunk's position;
        invoked: its content blocks and text."""
        model = make(cls, url, output_version="v1").bind_tools([add])
        chunks = list(model.stream("1+2?"))
        total = merged(chunks)
        reply = make(cls, url, output_version="v1").invoke("Hi")
        return {
            "total": total,
            "blocks": total.content_blocks,
            "text": total.text,
            "call_chunks": total.tool_call_chunks,
            "positions": [c.chunk_position for c in chunks],
            "reply_blocks": reply.content_blocks,
            "reply_text": reply.text,
        }

    return script


@shared
def v0_blocks_read(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The default output version: a tool call invoked and streamed, read as
        `content_blocks` and `.text`."""
        model = make(cls, url).bind_tools([add])
        reply = model.invoke("1+2?")
        total = merged(list(model.stream("1+2?")))
        return [reply.content_blocks, reply.text, total.content_blocks, total.text]

    return script


@shared
def configurable_dropin(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The drop-in made configurable: `configurable_fields(temperature=...)` and
        `configurable_alternatives` of two models; their config specs, and each chosen
        by `with_config`."""
        from langchain_core.runnables import ConfigurableField

        model = make(cls, url).configurable_fields(
            temperature=ConfigurableField(id="temp", name="Temperature"),
            max_tokens=ConfigurableField(id="most"),
        )
        specs = [(s.id, s.name, s.default) for s in model.config_specs]
        hot = model.with_config(configurable={"temp": 0.9, "most": 5}).invoke("Hi")
        either = make(cls, url).configurable_alternatives(
            ConfigurableField(id="which"), default_key="a", b=make(cls, url, temperature=0.0)
        )
        return {
            "specs": specs,
            "hot": hot,
            "b": either.with_config(configurable={"which": "b"}).invoke("Hi"),
            "a": either.invoke("Hi"),
        }

    return script


@shared
def batch_failing_row(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`batch` with `return_exceptions=True` and `max_concurrency=1` whose middle
        prompt fails; `abatch_as_completed` of two prompts."""
        model = make(cls, url, max_retries=0)
        rows = model.batch(
            ["One", "FAIL", "Two"], config={"max_concurrency": 1}, return_exceptions=True
        )

        async def completed() -> list[Any]:
            return sorted([(i, r.text) async for i, r in model.abatch_as_completed(["One", "Two"])])

        return {
            "rows": [type(r).__name__ if isinstance(r, Exception) else r for r in rows],
            "completed": LOOP.run_until_complete(completed()),
        }

    return script


_CHOICES: dict[str, dict[str, Any]] = {
    "any": {"tool_choice": "any"},
    "required": {"tool_choice": "required"},
    "name": {"tool_choice": "mul"},
    "serial": {"parallel_tool_calls": False},
    "strict": {"strict": True, "tool_choice": "add"},
}


@shared
def tool_choices(make: Make, labels: tuple[str, ...] = tuple(_CHOICES)) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`bind_tools` with each choice ("any", "required", a name, a dict of the
        wire's), `parallel_tool_calls=False` and `strict=True`: each invoked."""
        model = make(cls, url)
        out = {}
        for label in labels:
            bound = model.bind_tools([add, mul], **_CHOICES[label])
            out[label] = attempted(lambda b=bound: b.invoke("2*3?"))
        return out

    return script


class Sum(TypedDict):
    """A sum."""

    total: Annotated[int, ..., "The total."]


@shared
def structured_forms(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output` of a TypedDict with `include_raw=True`, and of a JSON
        schema dict with `method="json_mode"` and `include_raw=True`: invoked."""
        model = make(cls, url)
        schema = sum_schema(description="A sum.")
        return {
            "typed": attempted(
                lambda: model.with_structured_output(Sum, include_raw=True).invoke("1+2?")
            ),
            "json_mode": attempted(
                lambda: model.with_structured_output(
                    schema, method="json_mode", include_raw=True
                ).invoke("1+2? JSON")
            ),
        }

    return script


@shared
def agent_streamed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`create_agent` with one tool, streamed as "messages" and as "updates": each
        piece's class, content, tool call chunks, metadata keys and node."""
        from langchain.agents import create_agent

        agent = create_agent(make(cls, url), tools=[add])
        question = {"messages": [("user", "1+2?")]}
        pieces = [
            [
                type(piece).__name__,
                piece.content,
                getattr(piece, "tool_call_chunks", None),
                sorted(k for k in meta if k.startswith(("ls_", "langgraph_node"))),
                {k: meta[k] for k in meta if k.startswith("ls_")},
                meta.get("langgraph_node"),
            ]
            for piece, meta in agent.stream(question, stream_mode="messages")
        ]
        updates = [
            {node: [type(m).__name__ for m in step["messages"]] for node, step in update.items()}
            for update in agent.stream(question, stream_mode="updates")
        ]
        return {"pieces": pieces, "updates": updates}

    return script


@shared
def react_agent_streamed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """LangGraph's `create_react_agent`, invoked: the messages' classes and the final
        reply."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from langgraph.prebuilt import create_react_agent

            agent = create_react_agent(make(cls, url), tools=[add])
        result = agent.invoke({"messages": [("user", "1+2?")]})
        return [type(m).__name__ for m in result["messages"]] + [result["messages"][-1].text]

    return script


@shared
def counted_trimmed(make: Make, **settings: Any) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`get_num_tokens`, `get_num_tokens_from_messages` (with tools) and
        `trim_messages(token_counter=model)`: what each gives or raises."""
        from langchain_core.language_models import base as language_models
        from langchain_core.messages import trim_messages

        # langchain-core warns of its GPT-2 fallback counter once a process (a module
        # flag), to whichever side counts first: both count as after that warning, so
        # the outcome does not hang on the order (a replayed partner side counts nothing).
        language_models._GPT2_TOKENIZER_WARNED = True
        model = make(cls, url, **settings)
        history = [
            ("system", "Be brief."),
            ("human", "One two three"),
            ("ai", "Four."),
            ("human", "Five?"),
        ]
        from langchain_core.messages import convert_to_messages

        messages = convert_to_messages(history)
        return {
            "text": attempted(lambda: model.get_num_tokens("One two three four")),
            "messages": attempted(lambda: model.get_num_tokens_from_messages(messages)),
            "tools": attempted(
                lambda: _warned(lambda: model.get_num_tokens_from_messages(messages, tools=[add]))
            ),
            "trimmed": attempted(
                lambda: trim_messages(
                    messages,
                    max_tokens=20,
                    token_counter=model,
                    strategy="last",
                    include_system=True,
                )
            ),
        }

    return script


def _warned(run: Callable[[], Any]) -> Any:
    """What `run` returns, and the warnings it gave (class and words)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        value = run()
    return {"value": value, "warned": [(w.category.__name__, str(w.message)) for w in seen]}


@shared
def profiled_and_tagged(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`model.profile`; a model given `tags`, `metadata` and `name` by its
        constructor, invoked with a handler: what its callbacks see."""
        handler, seen = _recorder()
        model = make(cls, url, tags=["ctor"], metadata={"team": "a"}, name="helper")
        model.invoke("Hi", config={"callbacks": [handler], "tags": ["call"]})
        return {
            "profile": _plain(make(cls, url).profile),
            "name": model.get_name(),
            "seen": seen,
        }

    return script


@shared
def streaming_disabled(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`disable_streaming=True` and `"tool_calling"` (tools bound and not): streamed,
        the chunks; `streaming=True` invoked: the reply and its new tokens."""
        handler, seen = _recorder()
        off = make(cls, url, disable_streaming=True)
        calls = make(cls, url, disable_streaming="tool_calling")
        on = make(cls, url, streaming=True)
        return {
            "off": list(off.stream("Hi")),
            "calls_bound": list(calls.bind_tools([add]).stream("1+2?")),
            "calls_plain": list(calls.stream("Hi")),
            "on": on.invoke("Hi", config={"callbacks": [handler]}),
            "tokens": [s.get("token") for s in seen if "token" in s],
        }

    return script


@shared
def structured_tool_streamed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_structured_output(schema, method="function_calling")` streamed: the
        partial outputs; and a chain of a prompt, the bound tools and a tools parser."""
        from langchain_core.output_parsers.openai_tools import JsonOutputToolsParser
        from langchain_core.prompts import ChatPromptTemplate

        model = make(cls, url)
        partial = list(
            model.with_structured_output(sum_schema(), method="function_calling").stream("1+2?")
        )
        prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
        chain = prompt | model.bind_tools([add]) | JsonOutputToolsParser()
        return {"partial": partial, "parsed": chain.invoke({"q": "1+2?"})}

    return script


@shared
def history_runnable(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`RunnableWithMessageHistory` over the model: two turns of one session, the
        replies and the history kept."""
        from langchain_core.chat_history import InMemoryChatMessageHistory
        from langchain_core.runnables.history import RunnableWithMessageHistory

        store: dict[str, Any] = {}

        def history(session: str) -> Any:
            # LangChain's deprecation of its own class, given once a process: whichever
            # side builds one first would meet it (chatplex's, where the partner's side
            # is replayed).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                return store.setdefault(session, InMemoryChatMessageHistory())

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # LangChain's, on its class
            chat = RunnableWithMessageHistory(make(cls, url), history)
        config = {"configurable": {"session_id": "s1"}}
        replies = [chat.invoke("Hi", config=config), chat.invoke("Again", config=config)]
        return {"replies": replies, "kept": store["s1"].messages}

    return script


def _id_shape(value: Any) -> Any:
    """An id as its shape: a run's drawn UUID masked, the rest as sent."""
    import re

    return re.sub(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", str(value)
    )


@shared
def message_ids(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """The ids a script stores a reply under: invoked, each chunk of a stream and
        their sum, a batch's, a tool call's stream, a cached reply's."""
        model = make(cls, url)
        chunks = list(model.stream("Hi"))
        called = list(model.bind_tools([add]).stream("1+2?"))
        return {
            "invoke": _id_shape(model.invoke("Hi").id),
            "chunks": sorted({_id_shape(c.id) for c in chunks}),
            "merged": _id_shape(merged(chunks).id),
            "batch": [_id_shape(m.id) for m in model.batch(["One", "Two"])],
            "called": _id_shape(merged(called).id),
            "call_ids": [c["id"] for c in merged(called).tool_calls],
        }

    return script


def foreign_tool_forms(make: Make, tool: dict[str, Any], choice: dict[str, Any]) -> Script:
    def script(cls: Any, url: str) -> Any:
        """Tools given to a call (`invoke(..., tools=[...])`) as a Python function and as
        another API's `tool` dict, and a tool bound with another API's `choice` object:
        each invoked (or what refused it). Each given a copy of its own: a partner's SDK
        may fill the dict in, which would reach the scripts run after it."""
        model = make(cls, url)
        forced = model.bind_tools([add, mul], tool_choice=copy.deepcopy(choice))
        return {
            "function": attempted(lambda: model.invoke("1+2?", tools=[add])),
            "foreign_tool": attempted(lambda: model.invoke("1+2?", tools=[copy.deepcopy(tool)])),
            "foreign_choice": attempted(lambda: forced.invoke("2*3?")),
        }

    return script


#: Another API's forms of the tool `add` and of a choice of `mul` (`foreign_tool_forms`):
#: OpenAI's, given to ChatAnthropic, and Anthropic's, given to ChatOpenAI.
OPENAI_TOOL = convert_to_openai_tool(add)
OPENAI_CHOICE = {"type": "function", "function": {"name": "mul"}}
ANTHROPIC_TOOL = {
    "name": "add",
    "description": "Add two integers.",
    "input_schema": OPENAI_TOOL["function"]["parameters"],
}
ANTHROPIC_CHOICE = {"type": "tool", "name": "mul"}


def foreign_forms_kept(refused: str) -> Callable[[Outcome], Outcome]:
    """`foreign_tool_forms`'s normaliser: theirs refused the function before any request
    (TypeError) and sent the other two forms as given, which the server refused as the
    provider does (`refused`: the class of that error); ours sent each in the wire's form
    and answered. Then ours is read as theirs."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs == {
            "function": {"refused": "TypeError"},
            "foreign_tool": {"refused": refused},
            "foreign_choice": {"refused": refused},
        }, theirs
        assert len(their_requests) == 2 and len(our_requests) == 3, (their_requests, our_requests)
        assert not any(isinstance(v, dict) and "refused" in v for v in ours.values()), ours
        calls = [ours[k]["tool_calls"][0]["name"] for k in ("function", "foreign_tool")]
        assert calls == ["add", "add"] and ours["foreign_choice"]["tool_calls"], ours
        return theirs, theirs, their_requests, their_requests

    return normalise


#: Why a call's Python function tool is kept where the partner serializes it as given.
FUNCTION_REFUSED = Difference(
    Reason.RAISES,
    "a Python function given to a call as a tool (`invoke(..., tools=[add])`) raises a "
    "TypeError (the function is not JSON serializable) before any request",
    "the function is converted as `bind_tools` converts it, and sent",
)


#: Why `foreign_tool_forms` is kept (with the provider's name, the API the tool and
#: choice are foreign to).
def foreign_forms_why(provider: str, tool: str, choice: str) -> Why:
    return (
        FUNCTION_REFUSED,
        Difference(
            Reason.REJECTED,
            f"a tool given to a call in another API's format ({tool}), and a tool choice "
            f"bound in another API's format ({choice}), are sent as given, which "
            f"{provider}'s API refuses",
            f"each is read and sent in {provider}'s format, as `bind_tools` sends a tool "
            "of any format",
        ),
    )


@shared
def copied_and_pickled(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """A configured model copied (`copy.copy`, `copy.deepcopy`,
        `model_copy(deep=True)`) and pickled then unpickled (as multiprocessing and a
        job queue hand it on): each copy invoked (or what refused it)."""
        import copy
        import pickle

        model = make(cls, url, temperature=0.3)
        # A refused deep copy leaves half-copied SDK clients whose `__del__` fails (no
        # `_state`): their errors unreported while the copies run and once collected,
        # not in a later test.
        hook = sys.unraisablehook
        sys.unraisablehook = lambda unraisable: None
        try:
            out = {
                "copy": attempted(lambda: copy.copy(model).invoke("Hi")),
                "deepcopy": attempted(lambda: copy.deepcopy(model).invoke("Hi")),
                "model_copy_deep": attempted(lambda: model.model_copy(deep=True).invoke("Hi")),
                "pickled": attempted(lambda: pickle.loads(pickle.dumps(model)).invoke("Hi")),
            }
            gc.collect()
        finally:
            sys.unraisablehook = hook
        return out

    return script


#: `copied_and_pickled`'s copies that langchain-openai's classes refuse.
_DEEP = ("deepcopy", "model_copy_deep", "pickled")

#: Why `copied_and_pickled` is kept for langchain-openai's classes.
COPIES_REFUSED = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
    "pickled: a TypeError (cannot pickle '_thread.RLock' object) from the openai SDK's "
    "clients it holds",
    "the copy, or the unpickled model, is the same model: it sends the same request and "
    "reads the reply alike",
)


def copies_kept(outcome: Outcome) -> Outcome:
    """`copied_and_pickled`'s normaliser for langchain-openai's classes: theirs refused
    the deep copies and the pickle (TypeError) and sent the shallow copy's request alone;
    ours answered each with that reply, each request the same as theirs. Then ours read
    as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert all(theirs[k] == {"refused": "TypeError"} for k in _DEEP), theirs
    assert all(ours[k] == theirs["copy"] for k in _DEEP), ours
    assert len(their_requests) == 1 and our_requests == their_requests * 4, our_requests
    return theirs, theirs, their_requests, their_requests


@shared
def agent_checkpointed(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`create_agent` with an `InMemorySaver` and a tool that fails: two turns of one
        thread (the second sends the first's messages back), then a third streamed as
        messages."""
        from langchain.agents import create_agent
        from langgraph.checkpoint.memory import InMemorySaver

        def broken(a: int) -> int:
            """Fails."""
            raise ValueError("nope")

        saver = InMemorySaver()
        agent = create_agent(make(cls, url), tools=[add, broken], checkpointer=saver)
        config = {"configurable": {"thread_id": "t1"}}
        agent.invoke({"messages": [("user", "1+2?")]}, config)
        second = agent.invoke({"messages": [("user", "And again?")]}, config)
        third = {"messages": [("user", "Third")]}
        pieces = [
            (type(piece).__name__, piece.content, meta.get("langgraph_node"))
            for piece, meta in agent.stream(third, config, stream_mode="messages")
        ]
        return {"second": [_id_shape(m.id) for m in second["messages"]], "pieces": pieces}

    return script


@shared
def listened_runs(make: Make) -> Script:
    def script(cls: Any, url: str) -> Any:
        """`with_listeners(on_end=...)`: each run's name, type, extra (invocation params,
        options, metadata), inputs, outputs (ids masked) and tags; invoked and
        streamed."""
        runs: list[Any] = []

        def ended(run: Any) -> None:
            fields = ("name", "run_type", "extra", "inputs", "outputs", "tags")
            runs.append({name: _id_masked(_plain(getattr(run, name))) for name in fields})

        model = make(cls, url, temperature=0.2).with_listeners(on_end=ended)
        model.invoke("Hi")
        list(model.stream("Hi"))
        return runs

    return script


def _id_masked(value: Any) -> Any:
    """`value` with every run id drawn per run (a UUID in a text) masked."""
    if isinstance(value, dict):
        return {k: _id_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_id_masked(v) for v in value]
    return _id_shape(value) if isinstance(value, str) else value


@shared
def cache_keys(make: Make, forced: str = "add") -> Script:
    def script(cls: Any, url: str) -> Any:
        """The keys a cache stores replies under (prompt, model's string): a persistent
        cache filled by the partner's class is hit by the drop-in's. Invoked, with a
        stop, with a tool bound and forced (`forced`: its name, or the wire's word), and
        streamed."""
        from langchain_core.caches import InMemoryCache

        cache = InMemoryCache()
        model = make(cls, url, cache=cache, temperature=0.5)
        model.invoke("Hi")
        model.invoke("Hi", stop=["X"])
        model.bind_tools([add], tool_choice=forced).invoke("1+2?")
        list(model.stream("Yo"))
        return sorted([list(key) for key in cache._cache])

    return script


#: An object's address in a text (a class LangChain does not serialize is dumped as its
#: repr, which holds its clients').
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def addresses_masked(value: Any) -> Any:
    """`value` with each object's address in its texts masked."""
    if isinstance(value, dict):
        return {k: addresses_masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(addresses_masked(v) for v in value)
    return _ADDRESS.sub(" at 0x…", value) if isinstance(value, str) else value
