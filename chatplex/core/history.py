"""`RunnableWithMessageHistory`, as langchain-core's: a runnable that reads a session's
history before each call and writes the call's input and output messages after it.

>>> from chatplex import FakeChatModel, InMemoryChatMessageHistory
>>> store = {}
>>> def session(session_id):
...     return store.setdefault(session_id, InMemoryChatMessageHistory())
>>> chat = RunnableWithMessageHistory(FakeChatModel(responses=["hello", "bye"]), session)
>>> chat.invoke("hi", {"configurable": {"session_id": "a"}}).text
'hello'
>>> print(store["a"])
Human: hi
AI: hello

The session is chosen by `config["configurable"]`: `session_id` by default, or the ids
of `history_factory_config`'s specs, passed to `get_session_history` by name. What the
wrapped runnable gets, and what is stored:

- no keys: the history followed by the input's messages (a text is a `HumanMessage`);
- `input_messages_key` alone: the input dict, that key's messages after the history;
- `history_messages_key`: the input dict with the history under that key.

The output is stored as messages: a message as is, a text as an `AIMessage`, a dict's
`output_messages_key` (or its only key, or `"output"`). A stream is stored once it ends,
its pieces merged (a chat model's as one `AIMessageChunk`, as LangChain's); a call that
fails stores nothing. Sync calls use the history's sync methods, async ones its async
twins. As in LangChain, where the write is a listener's, a turn that cannot be stored (an
output without messages, a store that fails) is logged as a warning (logger
`chatplex.history`) and the call still returns its output.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from ..messages import AIMessage
from ..messages import BaseMessage
from ..messages import HumanMessage
from .base import Runnable
from .batching import Batch
from .chunks import add_chunks
from .composition import coerce_to_runnable
from .configurable import ConfigurableFieldSpec
from .configurable import config_specs_of
from .configurable import unique_specs
from .run_config import RunnableConfig

__all__ = ["RunnableWithMessageHistory"]

logger = logging.getLogger("chatplex.history")

#: The spec LangChain gives a history with no `history_factory_config`.
_SESSION_ID = ConfigurableFieldSpec(
    id="session_id",
    annotation=str,
    name="Session ID",
    description="Unique identifier for a session.",
    default="",
    is_shared=True,
)

_NOTHING: Any = object()


def _as_messages(value: Any, text_as: type[BaseMessage]) -> list[BaseMessage]:
    if isinstance(value, str):
        return [text_as(value)]
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError(
        f"Expected str, BaseMessage, list[BaseMessage], or tuple[BaseMessage]. Got {value}."
    )


def _pluck(value: dict[str, Any], key: str | None, fallback: str) -> Any:
    """A dict's messages: its `key`, else its only key's, else `fallback`'s."""
    if key is None:
        key = next(iter(value)) if len(value) == 1 else fallback
    return value[key]


@dataclass(frozen=True, slots=True)
class _Turn:
    """One call's session: its history and the config the wrapped runnable gets."""

    history: Any  # a BaseChatMessageHistory, or anything with its members
    config: RunnableConfig


class RunnableWithMessageHistory(Runnable[Any, Any]):
    """Runs `runnable` with a session's history, then stores the new messages in it.

    Args:
        runnable: a chat model, or a chain taking messages or a dict (a prompt with a
            `MessagesPlaceholder`), ending in a chat model or a parser.
        get_session_history: returns the history (`BaseChatMessageHistory`) of a
            session, given the `configurable` values of `history_factory_config`'s ids
            (by position when there is one, by name when there are several).
        input_messages_key: the input dict's key holding the new messages.
        output_messages_key: the output dict's key holding the reply.
        history_messages_key: the input dict's key the history is passed under.
        history_factory_config: the `ConfigurableFieldSpec`s naming the session's
            `configurable` keys (default: one `session_id`).

    Raises:
        ValueError: at a call, when `config["configurable"]` lacks a key
            `get_session_history` needs, or its parameters do not match the specs' ids
            (before anything runs, as LangChain's), or an input or output holds no
            messages.
    """

    def __init__(
        self,
        runnable: Any,
        get_session_history: Callable[..., Any],
        *,
        input_messages_key: str | None = None,
        output_messages_key: str | None = None,
        history_messages_key: str | None = None,
        history_factory_config: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise NotImplementedError(
                "RunnableWithMessageHistory takes no RunnableBinding fields "
                f"({', '.join(sorted(kwargs))}): use runnable.with_config(...) or "
                "runnable.bind(...) on the runnable it wraps"
            )
        self.runnable: Runnable[Any, Any] = coerce_to_runnable(runnable)
        self.get_session_history = get_session_history
        self.input_messages_key = input_messages_key
        self.output_messages_key = output_messages_key
        self.history_messages_key = history_messages_key
        self.history_factory_config = list(history_factory_config or [_SESSION_ID])
        self._parameters = list(inspect.signature(get_session_history).parameters)

    def _base_name(self) -> str:
        # LangChain's is a binding of `history | runnable` whose name is that chain's,
        # "RunnableSequence" (`get_name()`, schema titles); its runs keep its own name.
        return "RunnableSequence"

    def _run_name(self) -> str:
        return "RunnableWithMessageHistory"

    def get_input_schema(self, config: RunnableConfig | None = None) -> Any:
        """What a caller passes, as LangChain's: the input key's messages (a text or a
        message too, when the history has its own key), else a list of messages. Not
        the wrapped runnable's: the history is filled in, not passed."""
        from typing import Union

        from .schemas import AnyMessage
        from .schemas import _object
        from .schemas import _root

        messages = list[AnyMessage]
        name = "RunnableWithChatHistoryInput"
        if not self.input_messages_key:
            return _root(name, messages)
        text_too = Union[str, AnyMessage, messages]  # noqa: UP007 - types known at run time
        given = text_too if self.history_messages_key else messages
        return _object(name, {self.input_messages_key: (given, ...)})

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        """The wrapped runnable's specs and the session's, one per id."""
        return unique_specs([*config_specs_of(self), *self.history_factory_config])

    # ---- the session -------------------------------------------------------------------

    def _expected(self) -> list[str]:
        return [spec.id for spec in self.history_factory_config]

    def _check_keys(self, config: RunnableConfig) -> None:
        """LangChain's error for a call whose `configurable` lacks a session key."""
        expected = self._expected()
        missing = set(expected) - set(config.get("configurable") or {})
        if missing and self._parameters:
            example = {"configurable": dict.fromkeys(missing, "[your-value-here]")}
            raise ValueError(
                f"Missing keys {sorted(missing)} in config['configurable'] "
                f"Expected keys are {sorted(expected)}."
                "When using via .invoke() or .stream(), pass in a config; "
                f"e.g., chain.invoke({ {self.input_messages_key: 'foo'} }, {example})"
            )

    def _turn(self, config: RunnableConfig) -> _Turn:
        self._check_keys(config)
        expected = self._expected()
        configurable = dict(config.get("configurable") or {})
        if len(expected) == 1:
            if self._parameters:
                history = self.get_session_history(configurable[expected[0]])
            else:
                history = self.get_session_history()
        else:
            if set(expected) != set(self._parameters):
                raise ValueError(
                    f"Expected keys {sorted(expected)} do not match parameter names "
                    f"{sorted(self._parameters)} of get_session_history."
                )
            history = self.get_session_history(**{key: configurable[key] for key in expected})
        # As LangChain's: the wrapped runnable finds the history in its config too.
        configurable["message_history"] = history
        return _Turn(history, {**config, "configurable": configurable})

    # ---- messages in and out (one plan for the sync and async shells) ------------------

    def _input_messages(self, value: Any) -> list[BaseMessage]:
        if isinstance(value, dict):
            value = _pluck(value, self.input_messages_key, "input")
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], list):
            if len(value) != 1:  # a chat model's batch shape: one list of messages
                raise ValueError(f"Expected a single list of messages. Got {value}.")
            return list(value[0])
        return _as_messages(value, HumanMessage)

    def _output_messages(self, value: Any) -> list[BaseMessage]:
        if isinstance(value, dict):
            value = _pluck(value, self.output_messages_key, "output")
        return _as_messages(value, AIMessage)

    def _entered(self, input: Any, historic: list[BaseMessage]) -> Any:
        """What the wrapped runnable gets: the input with the history put in."""
        key = self.history_messages_key or self.input_messages_key
        if key and not isinstance(input, dict):  # a ValueError, as LangChain's
            raise ValueError(
                f"RunnableWithMessageHistory with a messages key ({key!r}) takes a dict "
                f"input, got {type(input).__name__}"
            )
        if self.history_messages_key:
            return {**input, key: list(historic)}
        if self.input_messages_key:
            own = self._input_messages(input[self.input_messages_key])
            return {**input, key: [*historic, *own]}
        return [*historic, *self._input_messages(input)]

    def _new(self, given: Any, output: Any, stored: int) -> list[BaseMessage]:
        """The messages a call adds: its input's (those after the `stored` history when
        the history came first in them) and its output's."""
        inputs = self._input_messages(given)
        if not self.history_messages_key:
            inputs = inputs[stored:]
        return [*inputs, *self._output_messages(output)]

    # ---- sync and async shells ---------------------------------------------------------

    def _write(self, history: Any, given: Any, output: Any) -> None:
        try:
            history.add_messages(self._new(given, output, len(history.messages)))
        except Exception as exc:  # LangChain's write is a listener: its error is logged
            logger.warning("RunnableWithMessageHistory stored nothing: %r", exc)

    async def _awrite(self, history: Any, given: Any, output: Any) -> None:
        try:
            stored = len(await history.aget_messages())
            await history.aadd_messages(self._new(given, output, stored))
        except Exception as exc:
            logger.warning("RunnableWithMessageHistory stored nothing: %r", exc)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        turn = self._turn(config)
        given = self._entered(input, turn.history.messages)
        output = self.runnable.invoke(given, turn.config, **kwargs)
        self._write(turn.history, given, output)
        return output

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        turn = self._turn(config)
        given = self._entered(input, await turn.history.aget_messages())
        output = await self.runnable.ainvoke(given, turn.config, **kwargs)
        await self._awrite(turn.history, given, output)
        return output

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        turn = self._turn(config)
        given = self._entered(input, turn.history.messages)
        output = _NOTHING
        for piece in self.runnable.stream(given, turn.config, **kwargs):
            output = piece if output is _NOTHING else add_chunks(output, piece)
            yield piece
        self._write(turn.history, given, None if output is _NOTHING else output)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        turn = self._turn(config)
        given = self._entered(input, await turn.history.aget_messages())
        output = _NOTHING
        async for piece in self.runnable.astream(given, turn.config, **kwargs):
            output = piece if output is _NOTHING else add_chunks(output, piece)
            yield piece
        await self._awrite(turn.history, given, None if output is _NOTHING else output)

    # A batch checks every input's session keys before any runs, as LangChain's, then
    # runs each input's call; the batch made each input's run, so the calls make none.

    def _batch(self, batch: Batch) -> list[Any]:
        for config in batch.configs:
            self._check_keys(config)
        return replace(batch, runnable=_Calls(self)).default_batch()

    async def _abatch(self, batch: Batch) -> list[Any]:
        for config in batch.configs:
            self._check_keys(config)
        return await replace(batch, runnable=_Calls(self)).default_abatch()


class _Calls(Runnable[Any, Any]):
    """A `RunnableWithMessageHistory`'s calls with no run of their own: what its batch
    runs per input, under the run the batch made for it."""

    _run_type = None

    def __init__(self, owner: RunnableWithMessageHistory) -> None:
        self._owner = owner

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self._owner._invoke(input, config, **kwargs)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return await self._owner._ainvoke(input, config, **kwargs)
