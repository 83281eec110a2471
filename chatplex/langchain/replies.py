"""What LangChain gets back from the chatplex model under a `ChatChatplex`: a reply as a
`ChatResult` (one generation per candidate), a stream as `ChatGenerationChunk`s,
translated chunk by chunk and ended as the engine's own stream ends; where a drop-in's
partner passes LangSmith's gateway metadata on in `generation_info` (`reports_gateway`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import Required
from typing import TypedDict

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import agenerate_from_stream
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult
from pydantic import SecretStr

from ..chat.langsmith_gateway import GATEWAY_INFO
from ..chat.llm_results import ENGINE_KEYS
from ..chat.llm_results import choice_keys
from ..chat.llm_results import is_kind
from ..chat.llm_results import partner_style
from ..chat.llm_results import reply_fields
from ..chat.llm_results import reply_result
from ..chat.llm_results import response_fields_apart
from ..chat.llm_results import shaped_generation_info
from ..chat.llm_results import shaped_llm_output
from ..chat.llm_results import stream_generation_info
from ..chat.llm_results import unnamed_reply_style
from ..chat.llm_results import usage_on_each_candidate
from ..messages import OTHER_CANDIDATES
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import chunk_with_calls
from ..specs import OutputShape
from .constructed import chat_generation
from .constructed import chat_result_of
from .convert import StreamTranslator
from .convert import to_langchain_message
from .cut_calls import CallsSeen
from .cut_calls import mark_cut
from .helper_stream import HelperPieces
from .linear_merge import merge_linearly
from .text_pieces import text_piece

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .chat_protocol import LangChainChat

__all__ = [
    "Chunking",
    "Teller",
    "ageneration_chunks",
    "amerged_result",
    "areported",
    "as_made",
    "chat_result",
    "generation_chunks",
    "merged_result",
    "partner_teller",
    "reported",
    "reports_gateway",
    "usage_closes",
]


def chat_result(reply: Any, called: str | None = None, label: str | None = None) -> ChatResult:
    """The reply of the model `called` (its name) as LangChain's `ChatResult`; `label`:
    the wire a partner's drop-in was made for (its style where the reply names none)."""
    if not isinstance(reply, AIMessage):
        raise TypeError(f"a chat model returned {type(reply).__name__}, not AIMessage")
    if isinstance(reply, AIMessageChunk):
        reply = reply.to_message()
    # With n > 1 (OpenAI), the candidates after the first ride in its metadata: each is
    # a generation of its own, as langchain-openai returns them.
    first = to_langchain_message(reply, called)
    others = first.response_metadata.pop(OTHER_CANDIDATES, None) or ()
    # What the partner class puts beside the messages (`generation_info`, `llm_output`:
    # what `on_llm_end` and `generate()` show, and what LangChain copies into the
    # message's response_metadata), where chatplex rebuilds it key for key.
    style = partner_style(reply.response_metadata) or unnamed_reply_style(
        reply.response_metadata, label
    )
    usage = first.usage_metadata if usage_on_each_candidate(style) else None
    rest = (
        [_candidate(to_langchain_message(m, called), first, usage) for m in others]
        if others
        else []
    )
    messages = [first, *rest]
    if is_kind(style, "chat_completions"):
        infos, llm_output = reply_result(reply)
        if rest:
            messages = [_choice_only(m, info) for m, info in zip(messages, infos, strict=True)]
        provided = (llm_output or {}).get("model_provider")
        generations = [
            chat_generation(_provider_left_out(m, provided), info)
            for m, info in zip(messages, infos, strict=True)
        ]
        return chat_result_of(generations, llm_output)
    if is_kind(style, "reply_fields"):
        generations = [ChatGeneration(message=m) for m in messages]
        return ChatResult(generations=generations, llm_output=reply_fields(first.response_metadata))
    # The other partners copy their reply's keys (none for a style no spec declares).
    infos = [shaped_generation_info(m.response_metadata, style) for m in messages]
    if rest and response_fields_apart(style):
        keys = choice_keys(style)
        messages = [_choice_only(m, info, keys) for m, info in zip(messages, infos, strict=True)]
    generations = [chat_generation(m, info) for m, info in zip(messages, infos, strict=True)]
    return chat_result_of(generations, shaped_llm_output(first.response_metadata, style))


def _candidate(message: Any, first: Any, usage: Any) -> Any:
    """A candidate after the first (`n > 1`) as the partners make it: the reply's
    `usage` on it where its partner gives each choice's message the response's usage
    (`usage_on_each_candidate`), the first's `model_provider` (or none, as the first),
    and no `refusal` (langchain-openai writes the SDK's refusal on the first generation
    alone)."""
    kwargs = {k: v for k, v in message.additional_kwargs.items() if k != "refusal"}
    usage = message.usage_metadata or usage
    meta = dict(message.response_metadata)
    if "model_provider" in first.response_metadata:  # (a preset names its own wire)
        meta["model_provider"] = first.response_metadata["model_provider"]
    else:  # a partner that names none (langchain-sambanova) names none on any choice
        meta.pop("model_provider", None)
    return message.model_copy(
        update={"additional_kwargs": kwargs, "usage_metadata": usage, "response_metadata": meta}
    )


#: chatplex's own metadata keys a reply keeps until its partner's are written.
_OWN_KEYS = ENGINE_KEYS


def _choice_only(message: Any, info: Mapping[str, Any] | None, keys: Sequence[str] = ()) -> Any:
    """A candidate of several with only its choice's metadata (its
    `generation_info` keys, `model_provider`, then the response's fields its partner
    writes on each choice's message, `keys`, in that order): the response's other
    fields (model, id, usage...) are in the `llm_output`, which LangChain copies into a
    message only when it is the sole generation."""
    kept = (set(info or ()) | {"model_provider"} | _OWN_KEYS).difference(keys)
    source = message.response_metadata
    meta = {k: v for k, v in source.items() if k in kept}
    meta.update((k, source[k]) for k in keys if k in source)
    return message.model_copy(update={"response_metadata": meta})


def _provider_left_out(message: Any, provided: object) -> Any:
    """`message` without its `model_provider` where the llm_output carries it, as
    langchain-openai's Chat Completions message comes: LangChain adds it from there after
    writing `output_version="v1"` content, whose blocks, read without a provider, are
    LangChain's generic ones (a tool call's keys `type, id, name, args`)."""
    # In place: the message is this reply's own, just made (a copy costs a fifth of
    # `chat_result`, on every request).
    if provided is not None and message.response_metadata.get("model_provider") == provided:
        del message.response_metadata["model_provider"]
    return message


def merged_result(
    pieces: Iterator[ChatGenerationChunk],
    run: CallbackManagerForLLMRun | None,
    hook_kwargs: Mapping[str, Any] | None = None,
) -> ChatResult:
    """A stream's pieces merged into one reply, each reported to the run's handlers as it
    comes (its text, the piece and `hook_kwargs`): an `invoke` whose partner class
    streams underneath (`ProviderSpec.invoke_streams`)."""
    return generate_from_stream(reported(pieces, run, _as_text(hook_kwargs)))


async def amerged_result(
    pieces: AsyncIterator[ChatGenerationChunk],
    run: AsyncCallbackManagerForLLMRun | None,
    hook_kwargs: Mapping[str, Any] | None = None,
) -> ChatResult:
    """`merged_result` of an async stream."""
    return await agenerate_from_stream(areported(pieces, run, _as_text(hook_kwargs)))


#: What a stream tells each token's hook of one piece: the token and the hook's
#: keywords; None: nothing (`PartnerHooks.stream_tokens`).
Teller = Callable[[ChatGenerationChunk], "tuple[Any, dict[str, Any]] | None"]


#: Which of a piece's `generation_info` keys its message's metadata keeps as its
#: partner's stream makes it (`as_made`); None: the piece as translated.
Keeps = frozenset[str] | bool | None


def reported(
    pieces: Iterator[ChatGenerationChunk],
    run: CallbackManagerForLLMRun | None,
    tell: Teller,
    keeps: Keeps = None,
) -> Iterator[ChatGenerationChunk]:
    """`pieces` (each as its partner's stream makes it, where `keeps` says how), each
    reported to the run's handlers before it is given (`on_llm_new_token`, what `tell`
    says of it; no run: none)."""
    for piece in pieces:
        if keeps is not None:
            piece = as_made(piece, keeps)
        if run is not None and (told := tell(piece)) is not None:
            run.on_llm_new_token(told[0], **told[1])
        yield piece


async def areported(
    pieces: AsyncIterator[ChatGenerationChunk],
    run: AsyncCallbackManagerForLLMRun | None,
    tell: Teller,
    keeps: Keeps = None,
) -> AsyncIterator[ChatGenerationChunk]:
    """`reported` of an async stream."""
    async for piece in pieces:
        if keeps is not None:
            piece = as_made(piece, keeps)
        if run is not None and (told := tell(piece)) is not None:
            await run.on_llm_new_token(told[0], **told[1])
        yield piece


def partner_teller(model: Any, adapter: Any) -> tuple[Teller, Keeps] | None:
    """What a drop-in's stream tells each token's hook, as its partner's `_stream` does
    (`PartnerHooks.stream_tokens`, of its fields and the wire that streams), and how its
    pieces are made (`as_made`); None: it tells nothing (chatplex's own model under
    LangChain, and the partners that tell none)."""
    record = model._record
    told = None if record is None else record.hooks.stream_tokens
    if told is None or not model._under_partner_name:
        return None
    tell, keeps = told.tell, told.metadata_keeps

    def field(name: str) -> Any:
        return getattr(model, name, None)

    return (lambda piece: tell(field, adapter, piece)), keeps


def _as_text(hook_kwargs: Mapping[str, Any] | None) -> Teller:
    """Each piece told as its text and itself, with `hook_kwargs`."""
    extra = dict(hook_kwargs or {})
    return lambda piece: (piece.text, {"chunk": as_made(piece), **extra})


def as_made(
    piece: ChatGenerationChunk, metadata_keeps: frozenset[str] | bool = frozenset()
) -> ChatGenerationChunk:
    """`piece` as the partner's own stream makes it, which its `_stream` yields and
    reports: the keys of its `generation_info` left out of its message's metadata but
    `metadata_keeps` (True: all kept; `StreamTokens.metadata_keeps`). LangChain's
    `stream()` merges them into the message before it gives a piece, and the merged reply
    has them; its v3 events read a first piece's metadata as made."""
    info, meta = piece.generation_info, piece.message.response_metadata
    if metadata_keeps is True or not info or not any(key in info for key in meta):
        return piece
    keeps = metadata_keeps or frozenset()
    kept = {k: v for k, v in meta.items() if k not in info or k in keeps}
    message = piece.message.model_copy(update={"response_metadata": kept})
    return ChatGenerationChunk(message=message, generation_info=info)


def usage_closes(target: Any) -> bool:
    """The engine's `usage_closes_stream` (False for any other runnable): the `hold` of
    `generation_chunks`."""
    return getattr(target, "usage_closes_stream", False) is True


class Chunking(TypedDict, total=False):
    """The keywords of `generation_chunks` and `ageneration_chunks` (see
    `generation_chunks`): declared once for both."""

    hold: Required[bool]
    helper: HelperPieces | bool | None
    label: str | None
    gateway: bool


def generation_chunks(
    chunks: Iterator[Any], translate: StreamTranslator, **chunking: Unpack[Chunking]
) -> Iterator[ChatGenerationChunk]:
    """A chatplex model's stream as LangChain's pieces, as they come. With `hold` (the
    engine asked for a usage chunk its partner package would not ask for), an empty one
    (no text, no tool-call piece: the finish reason, the usage) waits for the next: a
    stream that ends on one ends on it marked `chunk_position="last"`, so LangChain adds
    no empty closing chunk of its own and the stream keeps the partner package's length,
    as the engine's own `stream` (`chatplex.chat.streams.closed`). Otherwise LangChain
    closes the stream as it closes any (a chunk the engine marked last, as an Anthropic
    stop, ends it). With `helper`, the pieces are those of the openai SDK's parsing
    helper's events, and the final completion's ends them (`helper_stream.py`): the
    chatplex model reads its stream as that helper (`helper_target`): a `HelperPieces`
    given the call's settings, or True for one without. `label`: the wire a partner's
    drop-in was made for (its style where the chunks name no provider)."""
    ending = _Ending(translate, **chunking)
    for chunk in chunks:
        yield from ending.passed_on(chunk)
    yield from ending.end()


async def ageneration_chunks(
    chunks: AsyncIterator[Any], translate: StreamTranslator, **chunking: Unpack[Chunking]
) -> AsyncIterator[ChatGenerationChunk]:
    """`generation_chunks` of an async stream."""
    ending = _Ending(translate, **chunking)
    async for chunk in chunks:
        for piece in ending.passed_on(chunk):
            yield piece
    for piece in ending.end():
        yield piece


class _Ending:
    """What `generation_chunks` and `ageneration_chunks` decide chunk by chunk: the
    piece each chunk becomes, which empty piece to hold back, and what ends the stream."""

    __slots__ = (
        "calls",
        "first",
        "gateway",
        "held",
        "helper",
        "hold",
        "label",
        "provider",
        "quiet",
        "style",
        "text_content",
        "translate",
    )

    def __init__(
        self,
        translate: StreamTranslator,
        hold: bool,
        helper: HelperPieces | bool | None = None,
        label: str | None = None,
        gateway: bool = False,
    ) -> None:
        self.translate = translate
        self.label = label  # a drop-in's wire: its style where no chunk names a provider
        # Whether LangSmith's gateway metadata goes into the first piece's info (its
        # partner's, `generation.reports_gateway`); then that info until it is given.
        self.gateway: bool | dict[str, Any] = gateway
        self.hold = hold
        # The SDK helper's pieces (none held: it streams its own end); True: pieces made
        # without the call's settings.
        self.helper = HelperPieces() if helper is True else helper or None
        self.held: ChatGenerationChunk | None = None
        # The partner's style, as the first chunk names it ("": it names one without).
        self.style: OutputShape | Literal[""] | None = None
        self.provider: Any = None  # ... and the provider it names
        # A piece's metadata that gave no `generation_info` (with none of chatplex's own
        # on its chunk): `_piece_info` reads nothing else, so an equal one gives none too.
        self.quiet: dict[str, Any] | None = None
        # The stream's first piece, through which LangChain merges the stream once it
        # ended (`linear_merge.py`); what a stream whose calls were cut short ends on
        # (`cut_calls.py`): its calls' fragments, and whether its last content was text.
        self.first: ChatGenerationChunk | None = None
        self.calls = CallsSeen()
        self.text_content = True

    def passed_on(self, chunk: Any) -> tuple[ChatGenerationChunk, ...]:
        """The pieces to yield now that `chunk` came (none if it translates to nothing):
        the one held before it (it did not end the stream), then `chunk`'s unless it is
        empty and held in turn."""
        ours = _as_chunk(chunk)
        if self.gateway is True and "gateway_metadata" in ours.response_metadata:
            self.gateway = {GATEWAY_INFO: ours.response_metadata["gateway_metadata"]}
        if self.style is None and "model_provider" in ours.response_metadata:
            self.style = partner_style(ours.response_metadata) or ""
            self.provider = ours.response_metadata["model_provider"]
        elif self.style is None:
            # A partner that names no provider (langchain-sambanova) still gives its
            # pieces' info, as its wire's style says.
            self.style = unnamed_reply_style(ours.response_metadata, self.label)
        message = self.translate.chunk(ours)
        if message is None:  # a chunk the partner package streams nothing for
            return () if self.helper is None else self._firsts(self.helper.pieces(ours, None))
        # (Azure's first piece, an event without choices, names no LangChain provider yet:
        # its info is the headers kept on it, else empty, as langchain-openai's.)
        choiceless = self.style is None and "provider" in ours.response_metadata
        info = self._info(ours, message) if self.style or choiceless else None
        shape = self.style or None
        if info is None and choiceless:
            info = {}
        elif info is None and self.first is None and is_kind(shape, "reply_fields"):
            info = {}  # (langchain-anthropic's first piece carries an empty generation_info)
        elif info is None and is_kind(shape, "chat_completions") and _usage_alone(ours, message):
            info = {}  # (a BaseChatOpenAI's chunk without choices: the usage one's is empty)
        info = self._with_gateway(info)
        piece = (
            text_piece(message)
            if info is None
            else ChatGenerationChunk(message=message, generation_info=info)
        )
        if self.helper is not None:
            return self._firsts(self.helper.pieces(ours, piece))
        if message.tool_call_chunks:
            self.calls.add(message)
        if self.first is None:
            self.first = piece
            merge_linearly(piece)  # LangChain merges the stream through its first piece
        self.text_content = isinstance(message.content, str)
        before = () if self.held is None else (self.held,)
        self.held = piece if self.hold and _is_empty(piece) else None
        return before if self.held is not None else (*before, piece)

    def _firsts(self, pieces: list[ChatGenerationChunk]) -> tuple[ChatGenerationChunk, ...]:
        """`pieces` to yield, the stream's first among them made to merge the stream in
        one pass."""
        if self.first is None and pieces:
            if isinstance(self.gateway, dict):
                info = self._with_gateway(pieces[0].generation_info)
                pieces[0] = ChatGenerationChunk(message=pieces[0].message, generation_info=info)
            self.first = pieces[0]
            merge_linearly(pieces[0])
        return tuple(pieces)

    def _with_gateway(self, info: dict[str, Any] | None) -> dict[str, Any] | None:
        """`info` with the gateway's metadata where it waits for a piece (the partner's
        first piece carries it), given once."""
        if not isinstance(self.gateway, dict):
            return info
        waiting, self.gateway = self.gateway, False
        return {**waiting, **(info or {})}

    def _info(self, chunk: AIMessageChunk, message: Any) -> dict[str, Any] | None:
        """`_piece_info`, known without asking for a stream's middle chunks."""
        meta = message.response_metadata
        if not chunk.response_metadata and meta == self.quiet:
            return None
        provider = self.provider or chunk.response_metadata.get("provider") or self.label
        info = _piece_info(chunk, message, provider, self.style or None)
        if info is None and not chunk.response_metadata:
            self.quiet = dict(meta)
        return info

    def end(self) -> tuple[ChatGenerationChunk, ...]:
        """The piece held at the end, marked last (none if none is held); the SDK
        helper's final completion."""
        if self.helper is not None:
            return self._firsts(self.helper.final())
        first = self.first
        cut = first is not None and self.calls.any_cut()
        closing = self.held
        if closing is None and cut:
            # LangChain's own closing chunk would let its merge repair the cut call.
            closing = ChatGenerationChunk(message=_closing_message(self.text_content))
        if closing is None:
            return ()
        closing.message.chunk_position = "last"  # type: ignore[attr-defined]
        if cut and first is not None:
            mark_cut(first, closing)
        return (closing,)


def _closing_message(text: bool) -> LCAIMessageChunk:
    """An empty chunk as LangChain's `stream()` closes a stream with (its id is given by
    LangChain, as to every piece without one)."""
    return LCAIMessageChunk(content="" if text else [], chunk_position="last")


def _piece_info(
    chunk: AIMessageChunk, piece: Any, provider: Any, style: OutputShape | None = None
) -> dict[str, Any] | None:
    """A piece's `generation_info` where the partner class gives it: the keys its style
    streams (the finish reason, the model's fields...) that the piece's own metadata
    carries (LangChain merges them into it, so a key another piece carries would be
    joined twice). Each key comes on one piece, so the merged stream's `on_llm_end`
    shows them once, as the partner's finishing chunk does. (`piece`: the chunk as
    LangChain's; `chunk`: chatplex's, with the provider's own finish word; `provider`:
    the stream's, which a partner's finishing piece may not name (langchain-groq's);
    `style`: the stream's, where no piece names a provider.)"""
    meta = dict(piece.response_metadata)
    if ("finish_reason" in meta or "headers" in meta) and "model_provider" not in meta:
        meta["model_provider"] = provider  # (read for the style; not in the info)
    if "raw_finish_reason" in chunk.response_metadata:
        meta["raw_finish_reason"] = chunk.response_metadata["raw_finish_reason"]
    return stream_generation_info(meta, style)


def _usage_alone(chunk: AIMessageChunk, message: Any) -> bool:
    """Whether a piece carries the usage alone: no text, call or finish reason (the
    chunk a Chat Completions stream sends after its choices, with none of its own)."""
    return bool(
        chunk.usage_metadata
        and "finish_reason" not in chunk.response_metadata
        and not message.content
        and not getattr(message, "tool_call_chunks", None)
    )


def _is_empty(piece: ChatGenerationChunk) -> bool:
    message = piece.message
    return not message.content and not getattr(message, "tool_call_chunks", None)


def _as_chunk(piece: Any) -> AIMessageChunk:
    if isinstance(piece, AIMessageChunk):
        return piece
    if isinstance(piece, AIMessage):  # a runnable that answers whole, not in pieces
        return chunk_with_calls(piece)
    raise TypeError(f"a chat model streamed {type(piece).__name__}, not AIMessageChunk")


def reports_gateway(model: LangChainChat, stream: Literal["sync", "async"] | None) -> bool:
    """Whether a drop-in's partner writes LangSmith's gateway metadata into a reply's
    `generation_info` (a `stream`'s first piece's: "sync" or "async"), where LangChain's
    tracer reads it, as its record's `GatewayReport` says."""
    form = model._record.fields if model._record is not None else None
    report = form.gateway_report if form is not None else None
    if report is None or not model._under_partner_name:
        return False
    if stream == "sync" and not report.sync_streams:
        return False
    if not stream:
        whatever_the_key = report.whole_replies
    else:
        whatever_the_key = report.streams_with is not None and getattr(
            model, report.streams_with, False
        )
    if whatever_the_key:
        return True
    key = getattr(model, report.key_field, None)
    return isinstance(key, SecretStr) and key.get_secret_value().startswith("lsv2_")
