"""chatplex's `RunnableWithMessageHistory` beside langchain-core's: how a call finds
its session (`config["configurable"]`, `history_factory_config`), the errors when it
cannot, batches over sessions, and which of a store's methods each kind of call uses."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

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


_MISSING = (
    "Missing keys ['session_id'] in config['configurable'] Expected keys are ['session_id']."
    "When using via .invoke() or .stream(), pass in a config; e.g., chain.invoke({None: "
    "'foo'}, {'configurable': {'session_id': '[your-value-here]'}})"
)


def test_a_missing_session_id_is_a_value_error_before_any_call() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        calls: list[Any] = []
        _, get = sessions(kit)
        chat = kit.History(received(kit, "r", calls), get)
        errors: list[str] = []

        async def run() -> Any:
            for attempt in ("call", "stream", "batch"):
                with pytest.raises(ValueError) as info:
                    if attempt == "call":
                        await call_once(chat, sync, "q", None)
                    elif attempt == "stream":
                        await streamed(chat, sync, "q", {"configurable": {}})
                    elif sync:  # raised, even where failures would be returned
                        chat.batch(["q", "q"], [cfg("b"), {}], return_exceptions=True)
                    else:
                        await chat.abatch(["q", "q"], [cfg("b"), {}], return_exceptions=True)
                errors.append(str(info.value))
            return errors, calls

        return asyncio.run(run())

    (errors, calls), _ = both_ways(scenario)
    assert errors == [_MISSING] * 3
    assert calls == []


def test_a_stream_raises_the_missing_session_at_its_first_piece() -> None:
    def scenario(kit: Any) -> Any:
        _, get = sessions(kit)
        stream = kit.History(kit.model(["r"]), get).stream("q")
        with pytest.raises(ValueError, match="Missing keys"):
            next(stream)
        return True

    same(scenario)


def test_a_session_getter_without_parameters_needs_no_key() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        shared = kit.InMemory()
        chat = kit.History(kit.model(["r1", "r2"]), lambda: shared)

        async def run() -> Any:
            await call_once(chat, sync, "q1", None)
            await call_once(chat, sync, "q2", cfg("ignored"))
            return seen(shared.messages)

        return asyncio.run(run())

    stored, _ = both_ways(scenario)
    assert [m[2] for m in stored] == ["q1", "r1", "q2", "r2"]


def _by_user(kit: Any) -> tuple[dict[Any, Any], Any, list[Any]]:
    store: dict[Any, Any] = {}

    def get(user_id: str, conversation_id: str) -> Any:
        return store.setdefault((user_id, conversation_id), kit.InMemory())

    specs = [
        kit.Spec(id="user_id", annotation=str, name="User", default="", is_shared=True),
        kit.Spec(id="conversation_id", annotation=str, name="Conv", default="", is_shared=True),
    ]
    return store, get, specs


def test_several_factory_specs_pass_their_keys_by_name() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get, specs = _by_user(kit)
        chat = kit.History(kit.model(["r1", "r2", "r3"]), get, history_factory_config=specs)
        both = {"configurable": {"user_id": "u", "conversation_id": "c1"}}
        other = {"configurable": {"user_id": "u", "conversation_id": "c2"}}

        async def run() -> Any:
            await call_once(chat, sync, "q1", both)
            await call_once(chat, sync, "q2", other)
            await call_once(chat, sync, "q3", both)
            with pytest.raises(ValueError) as missing:
                await call_once(chat, sync, "q", {"configurable": {"user_id": "u"}})
            return {k: seen(v.messages) for k, v in store.items()}, str(missing.value)

        return asyncio.run(run())

    (stored, missing), _ = both_ways(scenario)
    assert [m[2] for m in stored[("u", "c1")]] == ["q1", "r1", "q3", "r3"]
    assert missing.startswith("Missing keys ['conversation_id'] in config['configurable'] ")


def test_factory_specs_that_do_not_match_the_getter_are_a_value_error() -> None:
    def scenario(kit: Any) -> Any:
        _, _, specs = _by_user(kit)

        def get(user: str, conversation: str) -> Any:
            return kit.InMemory()

        chat = kit.History(kit.model(["r"]), get, history_factory_config=specs)
        config = {"configurable": {"user_id": "u", "conversation_id": "c"}}
        with pytest.raises(ValueError) as info:
            chat.invoke("q", config)
        return str(info.value)

    assert same(scenario) == (
        "Expected keys ['conversation_id', 'user_id'] do not match parameter names "
        "['conversation', 'user'] of get_session_history."
    )


def test_config_specs_name_the_session_keys() -> None:
    def scenario(kit: Any) -> Any:
        _, get, specs = _by_user(kit)
        default = kit.History(kit.model(["r"]), get)
        custom = kit.History(kit.model(["r"]), get, history_factory_config=specs)
        return [
            [(s.id, s.annotation, s.name, s.default, s.is_shared) for s in r.config_specs]
            for r in (default, custom)
        ]

    assert [[spec[0] for spec in specs] for specs in same(scenario)] == [
        ["session_id"],
        ["conversation_id", "user_id"],
    ]


def test_a_batch_keeps_each_session_apart() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.Lambda(lambda m: f"echo {m[-1].content}"), get)
        configs = [cfg("x"), cfg("y"), cfg("x")]

        async def run() -> Any:
            if sync:
                outs = chat.batch(["1", "2"], configs[:2])
            else:
                outs = await chat.abatch(["1", "2"], configs[:2])
            return outs, {k: seen(v.messages) for k, v in sorted(store.items())}

        return asyncio.run(run())

    (outs, stored), _ = both_ways(scenario)
    assert outs == ["echo 1", "echo 2"]
    assert [m[2] for m in stored["y"]] == ["2", "echo 2"]


def test_sync_calls_use_the_sync_store_and_async_calls_the_async_twins() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        used: list[str] = []

        class Recording(kit.Base):
            def __init__(self) -> None:
                self.kept: list[Any] = []

            @property
            def messages(self) -> list[Any]:
                used.append("messages")
                return self.kept

            def add_messages(self, messages: Any) -> None:
                used.append("add_messages")
                self.kept.extend(messages)

            async def aget_messages(self) -> list[Any]:
                used.append("aget_messages")
                return self.kept

            async def aadd_messages(self, messages: Any) -> None:
                used.append("aadd_messages")
                self.kept.extend(messages)

            def clear(self) -> None:
                self.kept = []

        history = Recording()
        chat = kit.History(kit.model(["r1", "r2"]), lambda session_id: history)

        async def run() -> Any:
            await call_once(chat, sync, "q", cfg("s"))
            await streamed(chat, sync, "q", cfg("s"))
            return sorted(set(used)), len(history.kept)

        return asyncio.run(run())

    on_sync, on_async = both_ways(scenario)
    assert on_sync == (["add_messages", "messages"], 4)
    assert on_async == (["aadd_messages", "aget_messages"], 4)


def test_the_runnable_finds_the_history_in_its_config() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        found: list[Any] = []

        def step(messages: Any, config: Any) -> str:
            configurable = config["configurable"]
            found.append((configurable["session_id"], configurable["message_history"]))
            return "r"

        chat = kit.History(kit.Lambda(step), get)

        async def run() -> Any:
            await call_once(chat, sync, "q", cfg("h"))
            return [(sid, history is store["h"]) for sid, history in found]

        return asyncio.run(run())

    assert both_ways(scenario) == ([("h", True)], [("h", True)])


def test_a_watched_batch_reports_one_run_per_input() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        names: list[str] = []

        class Handler(kit.Handler):
            def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
                names.append(kw.get("name") or "")

        chat = kit.History(kit.model(["r1", "r2"]), get)
        configs = [{**cfg(s), "callbacks": [Handler()]} for s in ("x", "y")]

        async def run() -> Any:
            if sync:
                outs = chat.batch(["1", "2"], configs)
            else:
                outs = await chat.abatch(["1", "2"], configs)
            return len(outs), len(store["x"].messages), len(store["y"].messages)

        counts = asyncio.run(run())
        return counts, names.count("RunnableWithMessageHistory")

    assert both_ways(scenario) == (((2, 2, 2), 2), ((2, 2, 2), 2))


def test_a_session_bound_with_with_config() -> None:
    def scenario(kit: Any, sync: bool) -> Any:
        store, get = sessions(kit)
        chat = kit.History(kit.model(["r1", "r2"]), get)
        alice = chat.with_config(configurable={"session_id": "alice"})

        async def run() -> Any:
            await call_once(alice, sync, "q1", None)
            await call_once(alice, sync, "q2", cfg("bob"))  # the call's config wins
            return {k: seen(v.messages) for k, v in sorted(store.items())}

        return asyncio.run(run())

    stored, _ = both_ways(scenario)
    assert [m[2] for m in stored["alice"]] == ["q1", "r1"]
    assert [m[2] for m in stored["bob"]] == ["q2", "r2"]
