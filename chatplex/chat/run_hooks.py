"""How a `ChatModel` call runs (its `_invoke`, `_ainvoke`, `_stream` and `_astream`
call these): the `Call` its `_prepare` describes sent through the sender's I/O hooks, its
callback run told of the reply, the tokens or the error, and the stream ended on
LangChain's last chunk where LangChain does not add it. The model is read through the
`Described` protocol (`chat/call.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ..core.chunks import aclose_iterator
from ..core.chunks import close_iterator
from ..core.run_config import RunnableConfig
from ..core.run_config import deadline_cut
from ..errors import DeadlineExceededError
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import merge_chunks
from .send_hooks import deadline_error

if TYPE_CHECKING:
    from .call import Described
    from .call import Transport

__all__ = ["ainvoke", "astream", "invoke", "stream"]


def invoke(
    self: Described, input: Any, config: RunnableConfig, overrides: Mapping[str, Any]
) -> AIMessage:
    call = self._prepare(input, config, overrides)
    model, messages, settings, run = call.sender, call.messages, call.settings, call.run
    if run is None:
        if model.streaming:  # streaming=True: the reply comes as a stream, merged
            from .streams import merged

            return merged(model._send_stream(messages, settings, config))
        return model._send(messages, settings, config)
    run.start(messages, self._serialized(), self._invocation_params(settings))
    try:
        if run.listeners or model.streaming:  # someone wants tokens: stream
            chunks = model._send_stream(messages, settings, config)
            if _closes_stream(config):  # heard as LangChain's invoke reports it
                from .streams import closed  # loaded with the first stream

                chunks = closed(chunks, usage_closes=model.usage_closes_stream)
            message = run.collect(chunks)
        else:
            message = model._send(messages, settings, config)
    except BaseException as exc:
        run.error(_as_raised(model, exc))
        raise
    run.end(message)
    return message


async def ainvoke(
    self: Described, input: Any, config: RunnableConfig, overrides: Mapping[str, Any]
) -> AIMessage:
    call = self._prepare(input, config, overrides, True)
    model, messages, settings, run = call.sender, call.messages, call.settings, call.run
    if run is None:
        if model.streaming:
            from .streams import amerged

            return await amerged(model._asend_stream(messages, settings, config))
        return await model._asend(messages, settings, config)
    await run.astart(messages, self._serialized(), self._invocation_params(settings))
    try:
        if run.listeners or model.streaming:
            achunks = model._asend_stream(messages, settings, config)
            if _closes_stream(config):
                from .streams import aclosed

                achunks = aclosed(achunks, usage_closes=model.usage_closes_stream)
            message = await run.acollect(achunks)
        else:
            message = await model._asend(messages, settings, config)
    except BaseException as exc:
        await run.aerror(_as_raised(model, deadline_cut(exc, config) or exc))
        raise
    await run.aend(message)
    return message


def stream(
    self: Described, input: Any, config: RunnableConfig, overrides: Mapping[str, Any]
) -> Iterator[AIMessageChunk]:
    call = self._prepare(input, config, overrides)
    model, messages, settings, run = call.sender, call.messages, call.settings, call.run
    chunks = model._send_stream(messages, settings, config)
    if _closes_stream(config):  # ended on LangChain's last chunk
        from .streams import closed  # loaded with the first stream

        chunks = closed(chunks, usage_closes=model.usage_closes_stream)
    if run is None:
        yield from chunks
        return
    run.start(messages, self._serialized(), self._invocation_params(settings))
    seen: list[AIMessageChunk] = []
    try:
        for chunk in chunks:
            seen.append(chunk)
            run.token(chunk)
            yield chunk
    except GeneratorExit:
        raise  # the consumer stopped early: not an error
    except BaseException as exc:
        run.error(_as_raised(model, exc))
        raise
    finally:
        close_iterator(chunks)
    run.end(merge_chunks(seen))


async def astream(
    self: Described, input: Any, config: RunnableConfig, overrides: Mapping[str, Any]
) -> AsyncIterator[AIMessageChunk]:
    call = self._prepare(input, config, overrides, True)
    model, messages, settings, run = call.sender, call.messages, call.settings, call.run
    chunks = model._asend_stream(messages, settings, config)
    if _closes_stream(config):
        from .streams import aclosed

        chunks = aclosed(chunks, usage_closes=model.usage_closes_stream)
    try:
        if run is None:
            async for chunk in chunks:
                yield chunk
            return
        await run.astart(messages, self._serialized(), self._invocation_params(settings))
        seen: list[AIMessageChunk] = []
        try:
            async for chunk in chunks:
                seen.append(chunk)
                await run.atoken(chunk)
                yield chunk
        except GeneratorExit:
            raise
        except BaseException as exc:
            await run.aerror(_as_raised(model, deadline_cut(exc, config) or exc))
            raise
        await run.aend(merge_chunks(seen))
    finally:
        await aclose_iterator(chunks)


def _closes_stream(config: RunnableConfig) -> bool:
    """Whether `stream` ends on LangChain's empty last chunk itself: not inside
    LangChain's own `BaseChatModel.stream` (`chatplex.langchain`), which adds it."""
    return config.get("_traced_by") != "langchain"


def _as_raised(model: Transport, exc: BaseException) -> BaseException:
    """`exc` as its callback run is told it: a deadline's error already in the class the
    call raises (moved in place: the same error goes on up)."""
    return deadline_error(model, exc) if isinstance(exc, DeadlineExceededError) else exc
