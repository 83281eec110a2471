"""chatplex's `RunnableWithMessageHistory` beside langchain-core's: the same script, on
models scripted with the same replies, must return the same outputs, leave the same
messages in each session and raise the same errors, sync and async. What goes in and out
here; sessions, keys and batches in `test_history_sessions.py`."""

from __future__ import annotations

import asyncio
import doctest
from typing import Any

import pytest

from chatplex.core import history as history_module
from tests.core._history_kit import CHATPLEX
from tests.core._history_kit import NO_DEPRECATION
from tests.core._history_kit import both_ways
from tests.core._history_kit import call_once
from tests.core._history_kit import cfg
from tests.core._history_kit import received
from tests.core._history_kit import same
from tests.core._history_kit import seen
from tests.core._history_kit import sessions
from tests.core._history_kit import streamed

pytestmark = NO_DEPRECATION


def test_a_chat_model_remembers_the_conversation() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        model = kit.model(["hello", "I remember"])
        chat = kit.History(model, get)

        async def run() -> Any:
            first = await call_once(chat, sync, "hi", cfg("a"))
            second = await call_once(chat, sync, [kit.Human("do you remember?")], cfg("a"))
            return seen([first, second]), seen(store["a"].messages), str(store["a"])

        return asyncio.run(run())

    on_sync, on_async = both_ways(scenario)
    assert on_sync == on_async
    assert on_sync[1] == [
        ("HumanMessage", "human", "hi"),
        ("AIMessage", "ai", "hello"),
        ("HumanMessage", "human", "do you remember?"),
        ("AIMessage", "ai", "I remember"),
    ]


def test_a_string_a_message_and_a_list_are_the_input_messages() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.model(["r1", "r2", "r3", "r4"]), get)
        inputs = ["text", kit.Human("message"), [kit.System("s"), kit.Human("list")]]
        inputs.append([[kit.Human("a chat model's batch shape")]])

        async def run() -> Any:
            for value in inputs:
                await call_once(chat, sync, value, cfg("s"))
            return seen(store["s"].messages)

        return asyncio.run(run())

    stored, _ = both_ways(scenario)
    assert [m[2] for m in stored] == [
        *("text", "r1", "message", "r2", "s", "list", "r3"),
        *("a chat model's batch shape", "r4"),
    ]


def test_the_runnable_gets_the_history_before_the_new_messages() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        _, get = sessions(kit)
        given: list[Any] = []
        chat = kit.History(received(kit, kit.AI("ok"), given), get)

        async def run() -> Any:
            await call_once(chat, sync, "one", cfg("s"))
            await call_once(chat, sync, "two", cfg("s"))
            await call_once(chat, sync, "fresh", cfg("other"))
            return given

        return asyncio.run(run())

    given, _ = both_ways(scenario)
    assert given[1] == [
        ("HumanMessage", "human", "one"),
        ("AIMessage", "ai", "ok"),
        ("HumanMessage", "human", "two"),
    ]
    assert given[2] == [("HumanMessage", "human", "fresh")]


def _prompt(kit: Any) -> Any:
    return kit.Prompt.from_messages(
        [("system", "Be brief."), kit.Placeholder("history"), ("human", "{question}")]
    )


@pytest.mark.parametrize("parsed", [False, True], ids=["model", "str_parser"])
def test_a_chain_with_a_history_key_ending_in_a_model_or_a_parser(parsed: bool) -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chain = _prompt(kit) | kit.model(["Paris.", "About 2 million."])
        if parsed:
            chain = chain | kit.Str()
        chat = kit.History(
            chain, get, input_messages_key="question", history_messages_key="history"
        )

        async def run() -> Any:
            first = await call_once(chat, sync, {"question": "Capital of France?"}, cfg("q"))
            second = await call_once(chat, sync, {"question": "Its population?"}, cfg("q"))
            return seen([first, second]), seen(store["q"].messages)

        return asyncio.run(run())

    (outputs, stored), _ = both_ways(scenario)
    assert outputs == (["Paris.", "About 2 million."] if parsed else outputs)
    assert [m[:2] for m in stored] == [("HumanMessage", "human"), ("AIMessage", "ai")] * 2


def test_an_input_key_alone_carries_the_history_and_the_new_messages() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        given: list[Any] = []
        chat = kit.History(received(kit, "reply", given), get, input_messages_key="question")

        async def run() -> Any:
            await call_once(chat, sync, {"question": "q1", "lang": "fr"}, cfg("k"))
            await call_once(chat, sync, {"question": [kit.Human("q2")], "lang": "fr"}, cfg("k"))
            return given, seen(store["k"].messages)

        return asyncio.run(run())

    (given, stored), _ = both_ways(scenario)
    assert given[1] == {
        "question": [
            ("HumanMessage", "human", "q1"),
            ("AIMessage", "ai", "reply"),
            ("HumanMessage", "human", "q2"),
        ],
        "lang": "fr",
    }
    assert len(stored) == 4


def test_a_dict_input_without_keys_gives_its_only_key_or_input() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        given: list[Any] = []
        chat = kit.History(received(kit, "r", given), get)

        async def run() -> Any:
            await call_once(chat, sync, {"anything": "only key"}, cfg("d"))
            await call_once(chat, sync, {"input": "the input key", "other": 1}, cfg("d"))
            with pytest.raises(KeyError):
                await call_once(chat, sync, {"a": "x", "b": "y"}, cfg("d"))
            return given, seen(store["d"].messages)

        return asyncio.run(run())

    (given, stored), _ = both_ways(scenario)
    assert given[0] == [("HumanMessage", "human", "only key")]
    assert [m[2] for m in stored] == ["only key", "r", "the input key", "r"]


@pytest.mark.parametrize(
    ("output", "key"),
    [
        ({"answer": "by its key", "n": 1}, "answer"),
        ({"only": "its only key"}, None),
        ({"output": "the output key", "n": 1}, None),
        ("a text", None),
        (["list one", "list two"], None),
    ],
    ids=["output_key", "only_key", "output_fallback", "text", "list"],
)
def test_the_output_messages(output: Any, key: str | None) -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        reply = [kit.AI(t) for t in output] if isinstance(output, list) else output
        chat = kit.History(kit.Lambda(lambda _: reply), get, output_messages_key=key)

        async def run() -> Any:
            out = await call_once(chat, sync, "q", cfg("o"))
            return seen(out), seen(store["o"].messages)

        return asyncio.run(run())

    (_, stored), _ = both_ways(scenario)
    assert stored[0] == ("HumanMessage", "human", "q")
    assert all(m[0] == "AIMessage" for m in stored[1:])


def test_an_input_without_messages_is_a_value_error_before_the_call() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        calls: list[Any] = []
        chat = kit.History(received(kit, "r", calls), get)

        async def run() -> Any:
            with pytest.raises(ValueError) as bad_input:
                await call_once(chat, sync, 5, cfg("v"))
            return str(bad_input.value), calls, store["v"].messages

        return asyncio.run(run())

    (bad_input, calls, stored), _ = both_ways(scenario)
    assert (
        bad_input == "Expected str, BaseMessage, list[BaseMessage], or tuple[BaseMessage]. Got 5."
    )
    assert calls == []
    assert stored == []


def test_a_keyed_history_given_no_dict_is_a_value_error() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        keyed = [
            {"input_messages_key": "q"},
            {"input_messages_key": "q", "history_messages_key": "h"},
        ]

        async def run() -> Any:
            for keys in keyed:
                chat = kit.History(kit.model(["r"]), get, **keys)
                with pytest.raises(ValueError, match="dict"):
                    await call_once(chat, sync, "not a dict", cfg("v"))
            return store["v"].messages

        return asyncio.run(run())

    assert both_ways(scenario) == ([], [])


class _Failing:
    """A store whose writes fail (a database down), in either family."""

    @staticmethod
    def of(kit: Any) -> Any:
        class Store(kit.Base):
            messages: list[Any] = []

            def add_messages(self, messages: Any) -> None:
                raise OSError("the store is down")

            def clear(self) -> None:
                pass

        return Store()


@pytest.mark.parametrize("broken", ["output", "store"])
def test_a_turn_that_cannot_be_stored_is_logged_and_the_output_returned(
    broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        if broken == "store":
            store["v"] = _Failing.of(kit)
        reply = 42 if broken == "output" else "fine"
        chat = kit.History(kit.Lambda(lambda _: reply), get)

        async def run() -> Any:
            caplog.clear()
            out = await call_once(chat, sync, "q", cfg("v"))
            warned = [r.levelname for r in caplog.records]
            return out, store["v"].messages, warned

        return asyncio.run(run())

    (out, stored, warned), _ = both_ways(scenario)
    assert out == (42 if broken == "output" else "fine")
    assert stored == []
    assert warned == ["WARNING"]
    assert any("Got 42" in r.getMessage() or "down" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("ending", ["model", "chain_model", "chain_str"])
def test_a_stream_is_stored_merged_once_it_ends(ending: str) -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        model = kit.model(["first reply", "second reply"])
        keys: dict[str, Any] = {}
        runnable: Any = model
        if ending != "model":
            keys = {"input_messages_key": "question", "history_messages_key": "history"}
            runnable = _prompt(kit) | model
            if ending == "chain_str":
                runnable = runnable | kit.Str()
        chat = kit.History(runnable, get, **keys)

        def value(text: str) -> Any:
            return {"question": text} if keys else text

        async def run() -> Any:
            pieces = await streamed(chat, sync, value("one"), cfg("st"))
            after_first = len(store["st"].messages)
            await streamed(chat, sync, value("two"), cfg("st"))
            texts = [p if isinstance(p, str) else p.content for p in pieces]
            # a text piece's class is the parser's business (LangChain's is a str subclass)
            kinds = {"str" if isinstance(p, str) else type(p).__name__ for p in pieces}
            return "".join(texts), kinds, after_first, seen(store["st"].messages)

        return asyncio.run(run())

    (text, kinds, after_first, stored), _ = both_ways(scenario)
    assert text == "first reply"
    assert kinds == ({"str"} if ending == "chain_str" else {"AIMessageChunk"})
    assert after_first == 2
    # A chat model's stream is stored as LangChain stores it: one merged AIMessageChunk.
    if ending == "chain_str":
        assert stored[3] == ("AIMessage", "ai", "second reply")
    else:
        assert stored[3] == ("AIMessageChunk", "AIMessageChunk", "second reply")


def test_a_stream_left_early_or_a_failed_call_stores_nothing() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.model(["a long reply", "another long reply"]), get)

        def boom(_: Any) -> Any:
            raise RuntimeError("boom")

        failing = kit.History(kit.Lambda(boom), get)

        async def run() -> Any:
            if sync:
                stream = chat.stream("q", cfg("e"))
                next(stream)
                stream.close()
            else:
                astream = chat.astream("q", cfg("e"))
                await astream.__anext__()
                await astream.aclose()
            with pytest.raises(RuntimeError, match="boom"):
                await call_once(failing, sync, "q", cfg("e"))
            return store["e"].messages

        return asyncio.run(run())

    assert both_ways(scenario) == ([], [])


def _shape(schema: dict[str, Any]) -> Any:
    """A JSON schema's outline: title, type, required keys, each property's kinds (the
    message definitions are each library's own)."""

    def kinds(node: dict[str, Any]) -> list[str]:
        return sorted(str(n.get("type", "message")) for n in node.get("anyOf", [node]))

    properties = schema.get("properties", {})
    return (
        schema["title"],
        schema["type"],
        schema.get("required"),
        {key: kinds(value) for key, value in properties.items()},
    )


def test_the_input_schema_is_what_a_caller_passes() -> None:
    def scenario(kit: Any) -> Any:
        _, get = sessions(kit)
        chain = _prompt(kit) | kit.model(["r"])
        return [
            _shape(kit.History(kit.model(["r"]), get).get_input_jsonschema()),
            _shape(
                kit.History(
                    chain, get, input_messages_key="question", history_messages_key="history"
                ).get_input_jsonschema()
            ),
            _shape(kit.History(chain, get, input_messages_key="question").get_input_jsonschema()),
        ]

    shapes = same(scenario)
    # the history is filled in, so it is not part of what a caller passes
    assert shapes[1] == (
        "RunnableWithChatHistoryInput",
        "object",
        ["question"],
        {"question": ["array", "message", "string"]},
    )


def test_langchains_binding_fields_are_not_built_and_say_so() -> None:
    _, get = sessions(CHATPLEX)
    with pytest.raises(NotImplementedError, match=r"\(config, kwargs\).*with_config"):
        CHATPLEX.History(CHATPLEX.model(["r"]), get, config={"tags": ["t"]}, kwargs={})


def test_the_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(history_module)
    assert tried > 0
    assert failures == 0


def test_inside_a_chain_its_stream_goes_on_and_the_turn_is_stored() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.model(["streamed on", "again"]), get) | kit.Str()

        async def run() -> Any:
            pieces = await streamed(chat, sync, "q", cfg("c"))
            return "".join(pieces), seen(store["c"].messages)

        return asyncio.run(run())

    on_sync, on_async = both_ways(scenario)
    assert on_sync == on_async
    assert on_sync == (
        "streamed on",
        [("HumanMessage", "human", "q"), ("AIMessageChunk", "AIMessageChunk", "streamed on")],
    )


def test_astream_events_show_the_run_and_the_models_tokens() -> None:
    """What a chat UI reads: the root run's start and end, and the model's tokens
    (LangChain's internal steps, `load_history` and the like, are its own)."""

    def scenario(kit: Any) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.model(["token by token"]), get)

        async def run() -> Any:
            events = [e async for e in chat.astream_events("q", cfg("ev"), version="v2")]
            root = [e["event"] for e in events if e["name"] == "RunnableWithMessageHistory"]
            tokens = [
                e["data"]["chunk"].content for e in events if e["event"] == "on_chat_model_stream"
            ]
            ends = [e["data"]["output"] for e in events if e["event"] == "on_chain_end"]
            return root[0], root[-1], "".join(tokens), seen(ends[-1]), seen(store["ev"].messages)

        return asyncio.run(run())

    first, last, text, output, stored = same(scenario)
    assert (first, last, text) == ("on_chain_start", "on_chain_end", "token by token")
    assert output[2] == "token by token"
    assert len(stored) == 2


def test_its_name_is_langchains_and_its_runs_keep_their_own() -> None:
    """LangChain's is a binding of `history | runnable`: `get_name()` (and every title
    made of it) is that chain's, "RunnableSequence", while its runs, sync and async, those
    of a binding of it, its events and its run log are named "RunnableWithMessageHistory"."""

    def scenario(kit: Any, sync: bool) -> Any:
        _, get = sessions(kit)
        prompt = kit.Prompt.from_messages([kit.Placeholder("q")])
        keyed = kit.History(prompt | kit.model(["r"] * 4), get, input_messages_key="q")
        chat = kit.History(kit.model(["r"] * 4), get)
        names: list[str] = []
        heard = {"on_start": lambda run: names.append(run.name)}

        async def run() -> Any:
            await call_once(chat.with_listeners(**heard), sync, "hi", cfg("a"))
            bound = chat.with_config(tags=["t"]).with_listeners(**heard)
            await call_once(bound, sync, "hi", cfg("a"))
            await call_once(keyed.with_listeners(**heard), sync, {"q": "hi"}, cfg("b"))
            events = [e async for e in chat.astream_events("hi", cfg("c"), version="v2")]
            names.append(events[0]["name"])
            log = [patch async for patch in chat.astream_log("hi", cfg("c"))]
            state = log[0]
            for patch in log[1:]:
                state = state + patch
            names.append(state.state["name"])
            return names

        described = [
            chat.get_name(),
            chat.get_name("Input"),
            chat.get_name(name="mine"),
            keyed.get_name(),
            chat.with_config(tags=["t"]).get_name(),
            chat.get_config_jsonschema()["title"],
        ]
        return described, asyncio.run(run())

    on_sync, on_async = both_ways(scenario)
    assert on_sync == on_async
    described, runs = on_sync
    assert described == [
        "RunnableSequence",
        "RunnableSequenceInput",
        "mine",
        "RunnableSequence",
        "RunnableSequence",
        "RunnableSequenceConfig",
    ]
    assert runs == ["RunnableWithMessageHistory"] * 5  # listeners, events, the run log
