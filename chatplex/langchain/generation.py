"""ChatChatplex's generation hooks (`_generate`, `_agenerate`, `_stream`, `_astream`):
the chatplex model and settings of a call, its reply or stream in LangChain's pieces, and
the reply as the wire's partner package makes it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import BaseMessage as LCBaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult

from ..adapters.tool_choice import normalise_tool_choice
from ..adapters.tool_choice import parallel_from_choice
from ..adapters.tools import to_tool_specs
from ..chat.call_hooks import cache_under_langchain
from ..chat.dropin import tool_call_body
from ..chat.langsmith_gateway import GATEWAY_INFO
from ..chat.model import ChatModel
from ..chat.tool_binding import builtin_tool_reader
from ..core import Runnable
from .convert import StreamTranslator
from .convert import mark_last_attempt
from .convert import partner_id
from .convert import partner_metadata
from .deadline import engine_config
from .from_langchain import to_chatplex_messages
from .helper_stream import HelperPieces
from .helper_stream import helper_target
from .parsed_key import aparsed_at_end
from .parsed_key import cut_error
from .parsed_key import mark_parsed
from .parsed_key import parsed_at_end
from .replies import Chunking
from .replies import ageneration_chunks
from .replies import amerged_result
from .replies import areported
from .replies import chat_result
from .replies import generation_chunks
from .replies import merged_result
from .replies import partner_teller
from .replies import reported
from .replies import reports_gateway
from .replies import usage_closes
from .sdk_replies import asdk_pieces
from .sdk_replies import sdk_pieces
from .sdk_replies import with_sdk_objects
from .stream_call import from_stream
from .structured import call_format
from .structured import streamed_format
from .tool_binding import choice_kept_without_tools
from .tool_binding import sent_as_given
from .tool_errors import partner_words
from .traits import partner_traits
from .wrapped import adapter_of
from .wrapped import allowed_attempts
from .wrapped import declared_spec
from .wrapped import for_call
from .wrapped import invoke_streams
from .wrapped import partner_max_tokens
from .wrapped import primary
from .wrapped import refuse_partner_keywords
from .wrapped import with_model_name

if TYPE_CHECKING:
    from .chat_protocol import LangChainChat

__all__ = ["Generation"]

#: A call's model name and the chatplex model that answers it (`_target`).
_Call = tuple[str, Runnable[Any, Any]]


@dataclass(frozen=True, slots=True)
class Generation:
    """One call of `ChatChatplex`'s generation hooks: its model, LangChain's messages,
    `stop` and keywords; each hook is the method of its name (without the underscore)."""

    model: LangChainChat
    messages: list[LCBaseMessage]
    stop: list[str] | None
    kwargs: dict[str, Any]

    def generate(self, run_manager: CallbackManagerForLLMRun | None) -> ChatResult:
        """`model._generate(messages, stop, run_manager, **kwargs)`."""
        model, kwargs = self.model, self.kwargs
        called, target = _target(model, self.messages, self.stop, kwargs)
        if not _streams_underneath(model, target):
            try:
                reply = target.invoke(
                    to_chatplex_messages(self.messages), engine_config(target), **kwargs
                )
            except Exception as exc:
                if report := _failure_report(model, target):
                    _reported(report, exc, run_manager)
                raise
            _signalled(model, target, run_manager)
            return _generated(model, _result(model, reply, called, target, kwargs))
        pieces = _StreamPlan(model, self.messages, (called, target), kwargs).pieces()
        merged = merged_result(pieces, run_manager, _token_kwargs(model, target))
        return _generated(model, _as_partner(model, merged, primary(target), kwargs))

    async def agenerate(self, run_manager: AsyncCallbackManagerForLLMRun | None) -> ChatResult:
        """`model._agenerate(messages, stop, run_manager, **kwargs)`."""
        model, kwargs = self.model, self.kwargs
        called, target = _target(model, self.messages, self.stop, kwargs, asynchronous=True)
        if _streams_underneath(model, target):
            apieces = _StreamPlan(model, self.messages, (called, target), kwargs).apieces()
            merged = await amerged_result(apieces, run_manager, _token_kwargs(model, target))
            return _as_partner(model, merged, primary(target), kwargs)
        messages = to_chatplex_messages(self.messages)
        try:
            reply = await target.ainvoke(messages, engine_config(target), **kwargs)
        except Exception as exc:
            if report := _failure_report(model, target):
                _reported(report, exc, run_manager.get_sync() if run_manager else None)
            raise
        _signalled(model, target, run_manager.get_sync() if run_manager else None)
        return _result(model, reply, called, target, kwargs)

    def stream(self, run: CallbackManagerForLLMRun | None) -> Iterator[ChatGenerationChunk]:
        """`model._stream(messages, stop, run, **kwargs)`. LangChain reports each token to
        the callbacks itself (and adds the closing chunk_position="last" chunk: the engine
        adds none inside it) where it hands no run; a drop-in's pieces are as its
        partner's `_stream` makes them, and it tells the run it is handed what that
        `_stream` tells (`PartnerHooks.stream_tokens`)."""
        plan, report, how, told = self._stream_ways(asynchronous=False)
        pieces = plan.pieces() if report is None else _logged_if_refused(plan.pieces(), report)
        pieces = pieces if how is None else _V1Blocks(how).pieces(pieces)
        return pieces if told is None else reported(pieces, run, *told)

    def astream(
        self, run: AsyncCallbackManagerForLLMRun | None
    ) -> AsyncIterator[ChatGenerationChunk]:
        """`model._astream(messages, stop, run, **kwargs)`."""
        plan, report, how, told = self._stream_ways(asynchronous=True)
        pieces = plan.apieces() if report is None else _alogged_if_refused(plan.apieces(), report)
        pieces = pieces if how is None else _V1Blocks(how).apieces(pieces)
        return pieces if told is None else areported(pieces, run, *told)

    def _stream_ways(self, *, asynchronous: bool) -> tuple[_StreamPlan, Any, str | None, Any]:
        """Both streams' parts: the plan, a refused call's failure report, how its v1
        blocks are written and what it tells each token's hook (`partner_teller`)."""
        plan = self._stream_plan(asynchronous=asynchronous)
        model, target = self.model, plan.target
        report, how = _failure_report(model, target), _v1_written(model, target)
        return plan, report, how, partner_teller(model, plan.adapter)

    def _stream_plan(self, *, asynchronous: bool) -> _StreamPlan:
        model, messages, kwargs = self.model, self.messages, self.kwargs
        call = _target(
            model,
            messages,
            self.stop,
            kwargs,
            uncached=from_stream(model),
            asynchronous=asynchronous,
            streaming=True,
        )
        return _StreamPlan(model, messages, call, kwargs)


def _generated(model: LangChainChat, result: ChatResult) -> ChatResult:
    """A sync call's result as its partner's own `_generate` reshapes it
    (`PartnerHooks.generated`): in place, its generations' text kept as made."""
    record = model._record
    reshape = None if record is None else record.hooks.generated
    if reshape is None:
        return result

    def field(name: str) -> Any:
        return getattr(model, name, None)

    for generation in result.generations:
        message = generation.message
        reshaped = reshape(field, message.content, message.additional_kwargs)
        if reshaped is not None:
            message.content, message.additional_kwargs = reshaped
    return result


def _streams_underneath(model: LangChainChat, target: Runnable[Any, Any]) -> bool:
    """Whether an invoke streams underneath: the wire's partner class always does
    (`ProviderSpec.invoke_streams`), or the drop-in's does when given `streaming=True`
    (`PartnerHooks.generate_streams`)."""
    if invoke_streams(target):
        return True
    record = model._record
    return (
        record is not None
        and record.hooks.generate_streams
        and getattr(model, "streaming", False) is True
    )


def _v1_written(model: LangChainChat, target: Runnable[Any, Any]) -> str | None:
    """How this stream's v1 blocks are written where its partner writes them itself
    (`PartnerTraits.v1_stream_indexed`); None: LangChain's way."""
    if getattr(model, "output_version", None) != "v1":
        return None
    return partner_traits(adapter_of(primary(target))).v1_stream_indexed


class _V1Blocks:
    """A stream's pieces with their v1 blocks written as its partner writes them
    (`PartnerTraits.v1_stream_indexed` names the partners): "kinds", reasoning, text and
    tool-call pieces indexed "lc_reasoning", "lc_text", "lc_tc_<i>" (numbered in order
    of kind, a call 0 would merge into the reasoning before it); "content", text as a
    text block, numbered among the content's blocks alone; "marked", only the metadata's
    mark. In place: the pieces are this stream's own."""

    __slots__ = ("how", "index", "kind")

    def __init__(self, how: str) -> None:
        self.how = how
        self.index = -1  # "content": the last block's number, and its kind
        self.kind: Any = ""

    def piece(self, piece: ChatGenerationChunk) -> ChatGenerationChunk:
        message = piece.message
        if not isinstance(message, LCAIMessageChunk):
            return piece
        if self.how == "marked":
            _mark_v1(message)
            return piece
        if self.how == "kinds":
            if isinstance(message.content, str):
                message.content = _kinds(message)
                _mark_v1(message)
            return piece
        content = message.content
        blocks: list[Any] = (
            [{"type": "text", "text": content}] if isinstance(content, str) else content
        )
        for block in blocks:
            if isinstance(block, dict):
                kind = "reference" if "reference" in block else block.get("type")
                if kind is not None and kind != self.kind:
                    self.kind, self.index = kind, self.index + 1
                # (over the number the plain stream gave it, where its text is a str)
                block["index"] = self.index
        message.content = blocks
        return piece

    def pieces(self, pieces: Iterator[ChatGenerationChunk]) -> Iterator[ChatGenerationChunk]:
        return (self.piece(piece) for piece in pieces)

    async def apieces(
        self, pieces: AsyncIterator[ChatGenerationChunk]
    ) -> AsyncIterator[ChatGenerationChunk]:
        async for piece in pieces:
            yield self.piece(piece)


def _mark_v1(message: LCAIMessageChunk) -> None:
    message.response_metadata = {**message.response_metadata, "output_version": "v1"}


def _kinds(message: LCAIMessageChunk) -> list[Any]:
    """A chunk's reasoning, text and tool-call pieces as v1 blocks, each kind indexed
    apart ("kinds")."""
    blocks: list[Any] = []
    if reasoning := message.additional_kwargs.get("reasoning_content"):
        blocks.append({"type": "reasoning", "reasoning": reasoning, "index": "lc_reasoning"})
    if message.content:
        blocks.append({"type": "text", "text": message.content, "index": "lc_text"})
    for call in message.tool_call_chunks:
        block = {"type": "tool_call_chunk", "id": call["id"], "name": call["name"]}
        block["args"] = call["args"]
        if call["index"] is not None:
            block["index"] = f"lc_tc_{call['index']}"
        blocks.append(block)
    return blocks


def _target(
    model: LangChainChat,
    messages: list[LCBaseMessage],
    stop: list[str] | None,
    kwargs: dict[str, Any],
    *,
    uncached: bool = False,
    asynchronous: bool = False,
    streaming: bool = False,
) -> _Call:
    """The model name called and the chatplex model for this call (of `messages`), and
    (in `kwargs`) its per-call settings; `uncached`: chatplex's reply cache is skipped unless the
    call names one; `asynchronous`: an async call's; `streaming`: a stream's."""
    # The keywords as given (before chatplex adds its own), as the partner reads them.
    engine = primary(model.chatplex_model)
    refuse_partner_keywords(engine, kwargs, asynchronous, messages, stop, streaming)
    target = cast("Runnable[Any, Any]", model.chatplex_model)
    name = kwargs.pop("model", None)
    if name is not None and name != model._sent_model_name:
        target = with_model_name(target, name)
    # The adapter sees the call's `model=` too (a wire whose body names a model only when
    # one is given: Azure's deployment URL).
    record = model._record
    hooks = None if record is None else record.hooks
    target = for_call(target, kwargs if name is None else {**kwargs, "model": name}, hooks)
    for word in () if hooks is None else hooks.call_only:
        kwargs.pop(word, None)  # (read by `call_model` alone)
    kwargs.pop("stream", None)  # LangChain's switch, not a setting
    choice = kwargs.get("tool_choice")
    as_given = partner_traits(adapter_of(engine)).retries_and_calls.choices_as_given
    if isinstance(choice, str) and choice in as_given:
        # A word its partner sends as given ("any"), this call's as a binding's.
        kwargs["extra_body"] = {**(kwargs.get("extra_body") or {}), "tool_choice": choice}
    if choice is not None and not isinstance(choice, str):
        # A choice bound as an object (bind(tool_choice={...}), or a bind_tools that binds
        # the wire's own form, Anthropic's): read into the one spelling chatplex sends
        # (the wire's built-in tool dicts among the tools read as they are sent).
        # Its parallel-calls flag (Anthropic's `disable_parallel_tool_use`, bound so by
        # bind_tools(parallel_tool_calls=...)) is sent as the wire sends that setting.
        adapter = adapter_of(primary(target))
        if sent_as_given(adapter, choice):  # the wire's own kind (the Responses API's mcp)
            del kwargs["tool_choice"]
            kwargs["extra_body"] = {**(kwargs.get("extra_body") or {}), "tool_choice": choice}
            choice = None
        choice, parallel = parallel_from_choice(choice)
        specs = to_tool_specs(kwargs.get("tools") or [], builtin=builtin_tool_reader(adapter))
        kept = choice_kept_without_tools(model, adapter)
        kwargs["tool_choice"] = normalise_tool_choice(choice, specs, kept_without_tools=kept)
        if parallel is not None:
            body = tool_call_body(adapter, parallel, kwargs["tool_choice"])
            kwargs["extra_body"] = {**(kwargs.get("extra_body") or {}), **body}
    if stop is not None:
        kwargs["stop"] = stop
    if uncached:
        kwargs.setdefault("cache", False)
    engine = primary(target)  # (the call's: read once, for what follows)
    if "cache" not in kwargs:  # LangChain's caches are LangChain's to run
        chosen = cache_under_langchain(getattr(engine, "cache", None))
        # A chat model called itself with no cache setting reads a call LangChain makes
        # so already (`call_hooks.call_cache`): nothing to bind, no copy of it a call.
        if chosen is not False or target is not engine or not _unset_cache(engine):
            kwargs["cache"] = chosen
    partner_max_tokens(engine, kwargs)
    call_format(engine, kwargs)  # an agent's response_format, as the wire spells it
    return (name if isinstance(name, str) and name else model._sent_model_name), target


def _unset_cache(engine: Any) -> bool:
    """Whether `engine` is a chat model without a cache setting of its own."""
    return isinstance(engine, ChatModel) and engine.cache is None


def _failure_report(model: LangChainChat, target: Any) -> tuple[str, str] | None:
    """How a drop-in's partner reports a failed call itself
    (`PartnerTraits.failure_report`); None for chatplex's own model."""
    if not model._under_partner_name:
        return None
    return partner_traits(adapter_of(primary(target))).failure_report


def _reported(
    report: tuple[str, str], error: Exception, run_manager: CallbackManagerForLLMRun | None
) -> None:
    """`error` reported as the partner reports it before LangChain does: logged, with
    its traceback, and handed to the callbacks' `on_llm_error` (the async run's too: its
    partner reports from the thread LangChain runs its sync call in)."""
    _log_failure(report)
    if run_manager is not None:
        run_manager.on_llm_error(error)


def _signalled(
    model: LangChainChat, target: Runnable[Any, Any], run_manager: CallbackManagerForLLMRun | None
) -> None:
    """What a drop-in's partner tells the callbacks after a reply it returns
    (`PartnerTraits.reply_signal`), handed to their `on_llm_error` as it hands it."""
    if run_manager is None or not model._under_partner_name:
        return
    adapter = adapter_of(primary(target))
    read = partner_traits(adapter).reply_signal
    signal = None if read is None or adapter is None else read(adapter)
    if signal is not None:
        error, keywords = signal
        run_manager.on_llm_error(error, **keywords)


class _Opening:
    """A stream's opening, watched: a failure before its first piece (the request
    refused) is logged as its partner logs it (`_reported`'s log; it tells no callback
    there). The sync and async streams drive it alike."""

    def __init__(self, report: tuple[str, str]) -> None:
        self.report = report
        self.opened = False

    def __enter__(self) -> _Opening:
        return self

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        if isinstance(error, Exception) and not self.opened:
            _log_failure(self.report)


def _logged_if_refused(
    pieces: Iterator[ChatGenerationChunk], report: tuple[str, str]
) -> Iterator[ChatGenerationChunk]:
    """`pieces`, a stream whose failure before its first piece is logged (`_Opening`)."""
    with _Opening(report) as opening:
        for piece in pieces:
            opening.opened = True
            yield piece


async def _alogged_if_refused(
    pieces: AsyncIterator[ChatGenerationChunk], report: tuple[str, str]
) -> AsyncIterator[ChatGenerationChunk]:
    """`_logged_if_refused` of an async stream."""
    with _Opening(report) as opening:
        async for piece in pieces:
            opening.opened = True
            yield piece


def _log_failure(report: tuple[str, str]) -> None:
    """The failure being handled, logged with its traceback as its partner logs it
    (`PartnerTraits.failure_report`: the logger's name and the words)."""
    logger, words = report
    logging.getLogger(logger).exception(words)


def _named(model: LangChainChat, called: str) -> str | None:
    return None if model._under_partner_name else called


def _token_kwargs(model: LangChainChat, target: Any) -> dict[str, Any]:
    """What a streaming invoke's partner gives each token's hook beside the piece
    (`ProviderSpec.invoke_token_verbose`)."""
    declared = declared_spec(target)
    return {"verbose": model.verbose} if declared and declared.invoke_token_verbose else {}


def _result(
    model: LangChainChat, reply: Any, called: str, target: Any, settings: dict[str, Any]
) -> ChatResult:
    """`reply` as LangChain's `ChatResult` (`_as_partner`'s); a drop-in's with the wire it
    was made for (its partner's result style where the reply names no provider, and the
    fields its partner keeps as its SDK's objects made so), chatplex's own model's as its
    own."""
    engine = primary(target)
    result = chat_result(reply, _named(model, called), _label(model, engine))
    if model._under_partner_name:
        result = with_sdk_objects(result, adapter_of(engine))
    return _as_partner(model, result, engine, settings)


def _label(model: LangChainChat, engine: Any) -> str | None:
    """A drop-in's wire, the one its model (`engine`, the chat model that answers) was
    made for (its partner's result style where the reply names no provider); None for
    chatplex's own model."""
    return getattr(engine, "provider_label", None) if model._under_partner_name else None


def _as_partner(
    model: LangChainChat, result: ChatResult, engine: Any, settings: dict[str, Any]
) -> ChatResult:
    """A reply's LangChain message as its wire's partner package makes it: `parsed`
    beside a response_format reply, an invalid call's error in its words, botocore's
    mark of a reply on the last attempt allowed, and (a drop-in's) the partner's id and
    response_metadata keys only. `engine`: the chat model that answered (`primary`)."""
    # A wire's partner record declares its partner's words (None: chatplex's own).
    words = partner_traits(adapter_of(engine)).invalid_arguments_words
    result = partner_words(mark_parsed(result, engine, settings), words)
    allowed = allowed_attempts(engine)
    # A reply of chatplex's own cache keeps its id: a hit shows the reply it repeats
    # (LangChain's caches keep the id LangChain gave the first).
    cached = settings.get("cache") not in (None, False)
    for generation in result.generations:
        message = generation.message
        metadata = mark_last_attempt(message.response_metadata, allowed)
        if model._under_partner_name:
            gateway = metadata.get("gateway_metadata")
            if gateway is not None and reports_gateway(model, None):
                info = {GATEWAY_INFO: gateway, **(generation.generation_info or {})}
                generation.generation_info = info
            wire = metadata.get("provider") or metadata.get("model_provider")
            kept = message.id if cached else partner_id(message.id, wire)
            if kept is not message.id:  # (an assignment is pydantic's, a call each)
                message.id = kept
            metadata = partner_metadata(metadata)
        if metadata is not message.response_metadata:
            message.response_metadata = metadata
    return result


class _StreamPlan:
    """What a stream of `call` needs, for both twins: its model, the runnable that streams
    (a drop-in's helper where the partner streams through one), the history in chatplex's
    messages, the translator of its chunks into LangChain's and how they are cut."""

    def __init__(
        self,
        model: LangChainChat,
        messages: list[LCBaseMessage],
        call: _Call,
        kwargs: dict[str, Any],
    ) -> None:
        called, target = call
        if model._under_partner_name:
            kwargs = streamed_format(primary(target), kwargs)
        self.target = target
        self.translate = StreamTranslator(
            blocks=_blocks_requested(target, kwargs, messages),
            model_name=_named(model, called),
            partner=model._under_partner_name,
            label=getattr(primary(target), "provider_label", None),
            allowed=allowed_attempts(primary(target)),
        )
        self.history = to_chatplex_messages(messages)
        helper = helper_target(target, kwargs) if model._under_partner_name else None
        self.source: Runnable[Any, Any] = helper or target
        self.chunking: Chunking = {
            "hold": usage_closes(target),
            "helper": None if helper is None else HelperPieces(kwargs, cut_error(helper.adapter)),
            "label": _label(model, primary(target)),
        }
        # A drop-in's stream as its partner's: the fields it keeps as its SDK's objects
        # made so, a structured reply's object on its last piece.
        self.as_partner = helper is None and model._under_partner_name
        self.adapter = adapter_of(primary(target))
        self.kwargs = kwargs
        self.model = model  # (whether its stream passes the gateway's metadata on)

    def pieces(self) -> Iterator[ChatGenerationChunk]:
        """The stream of the model the call names (`_target`'s) as LangChain's pieces."""
        chunks = self.source.stream(self.history, engine_config(self.source), **self.kwargs)
        chunking: Chunking = {**self.chunking, "gateway": reports_gateway(self.model, "sync")}
        pieces = generation_chunks(chunks, self.translate, **chunking)
        if self.as_partner:
            pieces = parsed_at_end(sdk_pieces(pieces, self.adapter), self.target, self.kwargs)
        return pieces

    def apieces(self) -> AsyncIterator[ChatGenerationChunk]:
        """`pieces` of an async stream."""
        chunks = self.source.astream(self.history, engine_config(self.source), **self.kwargs)
        chunking: Chunking = {**self.chunking, "gateway": reports_gateway(self.model, "async")}
        apieces = ageneration_chunks(chunks, self.translate, **chunking)
        if not self.as_partner:
            return apieces
        return aparsed_at_end(asdk_pieces(apieces, self.adapter), self.target, self.kwargs)


def _blocks_requested(
    target: Any, kwargs: dict[str, Any], messages: Sequence[LCBaseMessage]
) -> bool:
    """Whether LangChain's ChatAnthropic would stream this request's text as blocks: with
    tools, MCP servers, thinking on, or cited documents in it (its `_tools_in_params`,
    `_thinking_in_params`, `_documents_in_params`). Only Anthropic streams read it."""
    body: dict[str, Any] = {}
    for source in (getattr(primary(target), "extra_body", None), kwargs):
        if isinstance(source, dict):
            body.update(source)
            for key in ("model_kwargs", "extra_body"):
                if isinstance(source.get(key), dict):
                    body.update(source[key])
    if body.get("tools") or body.get("mcp_servers"):
        return True
    if getattr(primary(target), "tools", None):  # bound on the engine (a forced tool)
        return True
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
        return True
    return any(
        _cited_document(block)
        for message in messages
        if isinstance(message.content, list)
        for block in message.content
    )


def _cited_document(block: Any) -> bool:
    """Whether a content block is sent as a document with citations on: a `document`
    block's own `citations`, or a standard `file` / `text-plain` block's (given on it,
    in its `extras` or its `metadata`, as the partner reads them)."""
    if not isinstance(block, dict):
        return False
    if block.get("type") == "document":
        citations = block.get("citations")
    elif block.get("type") in ("file", "text-plain"):
        found = (block, block.get("extras"), block.get("metadata"))
        citations = next(
            (f["citations"] for f in found if isinstance(f, dict) and "citations" in f), None
        )
    else:
        return False
    return isinstance(citations, dict) and bool(citations.get("enabled"))
