"""Checks every adapter runs on the messages before translating them: bad input is a
ValueError/TypeError naming the message (and block, and character) before any HTTP call,
instead of a provider's 400 about the JSON body, or something silently sent.

- content must be a str or a list of blocks (None only for an assistant turn that makes
  tool calls, as OpenAI's wire format has it);
- a block's `type` must be one the adapter declares (`BlockTypes`): an unknown one (a
  typo, another provider's block) is refused rather than forwarded;
- all text must be encodable as UTF-8: a lone surrogate (a JSON `\\ud83d` escape cut in
  half, bytes decoded with `surrogateescape`) is named by message and character position;
- the same input means the same on every wire: one check, refusing only what the
  wire's provider refuses with a 400 (what LangChain's partner package sends and the
  provider answers is sent); each wire says what its provider takes where providers
  differ:

  - a user turn of empty text (`""`, or empty text blocks only): refused unless the wire
    passes `empty_text=True` (OpenAI's Chat Completions and the OpenAI-compatible
    servers and the Responses API answer it, as langchain-openai sends it; a wire whose
    partner sends a placeholder in its place passes it too, and says so where it does;
    Anthropic refuses blank text, as most other providers do, though a wire may first
    leave a turn of no content out, as its partner does);
  - an empty block list (`[]`): refused unless `empty_list=True` (a wire whose partner
    sends it as empty text or a placeholder; OpenAI refuses an empty content array),
    or, for an assistant turn, `empty_reply=True` (the Responses
    API, where an assistant turn is its output items and one of no blocks is none, as
    langchain-openai sends it: a stream's empty first chunk kept as a message);
  - a `ToolMessage` answering no tool call of an earlier assistant turn: refused unless
    `results_need_calls=False` (a local server that only fills its prompt template with
    it); every other provider refuses it with a 400 (the tool-call pairing check of
    OpenAI, Azure and the compatible servers, the Responses API's `call_id` lookup,
    Anthropic's `tool_use_id`, each wire's own pairing of a result with its call), which
    LangChain's partner packages send to get that 400: chatplex says so before sending;
  - a result answering a function call by name (legacy function calling,
    `messages.FUNCTION_RESULT_KEY`): refused, a TypeError, unless the wire sends it
    (`function_results=True`), where it answers no call id;
  - a LangChain `ChatMessage` of a role chatplex does not know
    (`messages.CHAT_ROLE_KEY`): refused, a ValueError naming the known roles, unless
    the wire writes the role as given (`chat_roles=True`: a prompt template);
  - always refused (every provider does): inline data that is not valid base64 (a data
    URL, a LangChain `image` / `file` / `audio` block, an Anthropic `source`), a data
    URL or a standard `image` block whose media type is not an image, an `image_url`
    with no URL, no messages at all, content of another type (None but for an assistant
    turn making tool calls).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Container
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import NotRequired
from typing import TypedDict
from typing import Unpack

from ..messages import CHAT_ROLE_KEY
from ..messages import AIMessage
from ..messages import BaseMessage
from ..messages import HumanMessage
from ..messages import ToolMessage
from ..messages import answers_by_name
from ..messages import normalise_role

__all__ = [
    "BlockTypes",
    "CreateRefusal",
    "base64_data_url",
    "check_call",
    "check_headers",
    "check_messages",
    "check_text",
    "image_block_url",
    "inline_image",
    "not_sendable",
    "unexpected_keyword",
]


@dataclass(frozen=True, slots=True)
class BlockTypes:
    """The content-block types an adapter sends: exact names, plus name suffixes for
    families that keep growing (Anthropic's server-tool results: `*_tool_result`)."""

    names: frozenset[str]
    suffixes: tuple[str, ...] = ()

    def allows(self, kind: str) -> bool:
        return kind in self.names or (bool(self.suffixes) and kind.endswith(self.suffixes))

    def plus(self, extra: Iterable[str]) -> BlockTypes:
        """These types and `extra` (an adapter's `extra_block_types=` setting)."""
        extra = [extra] if isinstance(extra, str) else list(extra)
        for name in extra:
            if not isinstance(name, str) or not name:
                raise TypeError(f"extra_block_types must be block type names, got {name!r}")
        return BlockTypes(self.names | frozenset(extra), self.suffixes) if extra else self

    def describe(self) -> str:
        known = sorted(self.names) + [f"*{suffix}" for suffix in self.suffixes]
        return ", ".join(known)


class CheckRules(TypedDict):
    """`check_messages`'s keywords, as `check_call` hands them on."""

    provider: str
    block_types: BlockTypes
    results_need_calls: NotRequired[bool]
    empty_text: NotRequired[bool]
    empty_list: NotRequired[bool]
    empty_reply: NotRequired[bool]
    function_results: NotRequired[bool]
    chat_roles: NotRequired[bool]


def unexpected_keyword(function: str, keywords: Iterable[str], taken: Container[str]) -> str | None:
    """Python's TypeError words for a call of `function` (named as that error names it:
    `Client.chat()`), whose parameters are `taken`, given the first of `keywords` that
    is not; None: it takes them all. A partner package that hands a call's keywords to
    such a function fails so before any request (`PartnerTraits.partner_refusal`)."""
    for name in keywords:
        if name not in taken:
            return f"{function} got an unexpected keyword argument '{name}'"
    return None


@dataclass(frozen=True, slots=True)
class CreateRefusal:
    """`PartnerTraits.partner_unknown_keyword` of a partner that hands a call's keywords
    to an SDK resource's `create()` (`Messages.create()`), an async call's to its async
    client's (`AsyncMessages.create()`): Python's TypeError. A record, not a closure, so
    that the traits holding it pickle.

    >>> print(CreateRefusal("Messages")(None, "seed", 3, False))
    Messages.create() got an unexpected keyword argument 'seed'
    >>> print(CreateRefusal("Responses")(None, "seed", 3, True))
    AsyncResponses.create() got an unexpected keyword argument 'seed'
    """

    resource: str

    def __call__(self, adapter: Any, name: str, value: Any, asynchronous: bool) -> Exception:
        client = f"Async{self.resource}" if asynchronous else self.resource
        return TypeError(unexpected_keyword(f"{client}.create()", (name,), ()))


def check_call(messages: Sequence[BaseMessage], **rules: Unpack[CheckRules]) -> None:
    """`check_messages` for one call, which also needs at least one message."""
    if not messages:
        raise ValueError("cannot call a chat model with an empty list of messages")
    check_messages(messages, **rules)


def check_messages(
    messages: Sequence[BaseMessage],
    *,
    provider: str,
    block_types: BlockTypes,
    results_need_calls: bool = True,
    empty_text: bool = False,
    empty_list: bool = False,
    empty_reply: bool = False,
    function_results: bool = False,
    chat_roles: bool = False,
) -> None:
    """Raise ValueError/TypeError for the first message an adapter must not send.

    What providers differ on, each wire says (see the module docstring): with
    `results_need_calls=False` a `ToolMessage` may answer no earlier tool call (a server
    that only fills a prompt template with it); with `empty_text=True` a user turn may
    be empty text, with `empty_list=True` any turn an empty list of blocks, with
    `empty_reply=True` an assistant turn, with `function_results=True` a result may
    answer a function call by name (`messages.answers_by_name`), and with
    `chat_roles=True` a `ChatMessage` may be of any role (`messages.CHAT_ROLE_KEY`)."""
    calls: set[str] = set()  # the tool-call ids of the assistant turns so far
    for i, message in enumerate(messages):
        if not isinstance(message, BaseMessage):
            raise TypeError(f"message {i}: expected a message, got {type(message).__name__}")
        content: Any = message.content
        if (
            isinstance(message, HumanMessage)
            and not empty_text
            and (content == "" or (content and _only_empty_text(content)))
        ):
            raise ValueError(
                f"message {i}: a user message of empty text ({content!r}), which the "
                f"{provider} API refuses; send some text or content blocks"
            )
        if isinstance(content, str):
            check_text(content, i, "its text")
        elif isinstance(content, list):
            if (
                not content
                and not empty_list
                and not (isinstance(message, AIMessage) and (message.tool_calls or empty_reply))
            ):
                raise ValueError(
                    f"message {i}: content is an empty list of blocks, which the {provider} "
                    "API refuses"
                )
            for j, block in enumerate(content):
                _check_block(block, i, j, provider, block_types)
        elif content is None:
            if not (isinstance(message, AIMessage) and message.tool_calls):
                raise ValueError(
                    f"message {i}: content is None; a {message.type} message needs text "
                    "(a str) or a list of content blocks"
                )
        else:
            raise TypeError(
                f"message {i}: content must be a str or a list of content blocks, "
                f"got {type(content).__name__}"
            )
        if message.name is not None:
            check_text(message.name, i, "its name")
        given_role = message.additional_kwargs.get(CHAT_ROLE_KEY)
        if given_role is not None and not chat_roles:
            normalise_role(given_role, index=i)  # (a ValueError for a role no API has)
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                _check_strings(call, i, f"tool call {call.get('name')!r}")
            calls.update(_call_ids(message))
        elif answers_by_name(message):
            if not function_results:
                # Not named by `provider`: a preset's wire names its base API there.
                raise TypeError(
                    f"message {i}: a function result by name (LangChain's FunctionMessage, "
                    "legacy function calling), which this chat model's API does not take; "
                    "use ToolMessage (with the tool_call_id of the call it answers)"
                )
        elif (
            results_need_calls
            and isinstance(message, ToolMessage)
            and message.tool_call_id not in calls
        ):
            raise ValueError(
                f"message {i}: a tool result for tool call {message.tool_call_id!r}, which no "
                "earlier assistant message made (a history cut between a call and its "
                "result?); keep the assistant message with its tool_calls before it"
            )


def _only_empty_text(content: Any) -> bool:
    """Blocks that say nothing: text blocks of empty text only (as `""` is)."""
    return isinstance(content, list) and all(
        (isinstance(b, dict) and b.get("type") == "text" and b.get("text") == "") or b == ""
        for b in content
    )


def _call_ids(message: AIMessage) -> Iterable[str]:
    """The ids of the tool calls an assistant turn made: parsed, invalid, or kept in its
    content blocks (`tool_use`, `function_call` items of a Responses history)."""
    for call in (*message.tool_calls, *message.invalid_tool_calls):
        if call.get("id"):
            yield str(call["id"])
    if isinstance(message.content, list):
        for block in message.content:
            if isinstance(block, dict):
                for key in ("id", "call_id"):
                    if isinstance(block.get(key), str):
                        yield block[key]


def check_text(text: str, index: int, where: str) -> None:
    """ValueError naming message `index` and the character position if `text` holds a
    character UTF-8 cannot encode. ASCII text (most of it) costs one C-speed scan."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise ValueError(
            f"message {index}: {where} has a character that cannot be sent as UTF-8 at "
            f"position {exc.start} ({char!r}, a lone surrogate: text decoded with "
            "'surrogateescape', or a JSON \\u escape cut in half); fix or drop it"
        ) from None


def _check_block(block: Any, i: int, j: int, provider: str, block_types: BlockTypes) -> None:
    if isinstance(block, str):  # a bare string is a text block
        check_text(block, i, f"content block {j}")
        return
    if not isinstance(block, dict):
        raise TypeError(
            f"message {i}: a content block must be a dict or a str; block {j} is a "
            f"{type(block).__name__}"
        )
    kind = block.get("type")
    if not isinstance(kind, str) or not block_types.allows(kind):
        what = "has no 'type'" if kind is None else f"has type {kind!r}"
        raise ValueError(
            f"message {i}: content block {j} {what}, which the {provider} adapter does not "
            f"send. Known types: {block_types.describe()}. If the server takes it, "
            "declare it with the adapter setting extra_block_types=[...]"
        )
    _check_strings(block, i, f"content block {j}")
    _check_inline_data(block, kind, i, j)


def _check_inline_data(block: Mapping[str, Any], kind: str, i: int, j: int) -> None:
    """Inline data must be valid base64, and what is given as an image must be one."""
    where = f"message {i}: content block {j}"
    if kind == "image_url":
        ref = block.get("image_url")
        url = ref.get("url") if isinstance(ref, Mapping) else ref
        if isinstance(url, str) and url.startswith("data:"):
            media, data = _data_url(url, where)
            if not media.startswith("image/"):
                raise ValueError(f"{where}: an image_url data URL of type {media!r}, not an image")
            _check_base64(data, where)
        elif not url:
            raise ValueError(f"{where}: an image_url with no URL")
        return
    if kind == "image":  # LangChain's standard block: its media type says what it is
        given: Any = block.get("mime_type")
        url = block.get("url")
        if given is None and isinstance(url, str) and url.startswith("data:"):
            given = _data_url(url, where)[0]
        if isinstance(given, str) and given and not given.lower().startswith("image/"):
            raise ValueError(f"{where}: an image block of type {given!r}, not an image")
    source = block.get("source")
    if isinstance(source, Mapping) and source.get("type") == "base64":  # Anthropic's shape
        _check_base64(source.get("data"), where)
        return
    inline: Any = block.get("base64")
    if inline is None and block.get("source_type") == "base64":  # LangChain's older shape
        inline = block.get("data")
    if inline is not None:
        _check_base64(inline, where)
    url = block.get("url")
    if kind in ("image", "file", "audio") and isinstance(url, str) and url.startswith("data:"):
        _check_base64(_data_url(url, where)[1], where)


def _data_url(url: str, where: str) -> tuple[str, str]:
    """(media type, base64 data) of a `data:<type>;base64,<data>` URL."""
    header, comma, data = url[5:].partition(",")
    if not comma or not header.endswith(";base64"):
        raise ValueError(f"{where}: a data URL must be data:<type>;base64,<data>")
    return header.removesuffix(";base64").split(";")[0].lower(), data


def not_sendable(message: object, adapter: str) -> TypeError:
    """The error for a message `adapter` (as a sentence names it: "the OpenAI adapter")
    cannot send: one of none of the four chat message types.

    >>> not_sendable(object(), "the OpenAI adapter")
    TypeError('the OpenAI adapter cannot send a object; use SystemMessage, HumanMessage, \
AIMessage or ToolMessage')
    """
    return TypeError(
        f"{adapter} cannot send a {type(message).__name__}; use SystemMessage, HumanMessage, "
        "AIMessage or ToolMessage"
    )


def base64_data_url(url: str, where: str, destination: str) -> tuple[str, str]:
    """(media type as written, base64 data) of a `data:<media type>[;...];base64,<data>`
    URL; any other data URL is a ValueError at `where` saying that only those can be sent
    `destination` ("to Anthropic").

    >>> base64_data_url("data:image/png;base64,iVBO", "message 0", "to Anthropic")
    ('image/png', 'iVBO')
    """
    header, comma, data = url[5:].partition(",")
    params = header.split(";")
    if not comma or params[-1] != "base64" or not params[0]:
        raise ValueError(
            f"{where}: only base64 data URLs (data:<media type>;base64,...) can be sent "
            f"{destination}"
        )
    return params[0], data


def image_block_url(block: Mapping[str, Any], provider: str) -> str:
    """LangChain's standard image block (`url`, `base64` + `mime_type`, or the 0.x
    `source_type` form) as the URL of an `image_url` part: a data URL for inline data, as
    the wires that take `image_url` parts send it; a ValueError naming `provider` for one
    it cannot send (no media type, or a file id).

    >>> image_block_url({"type": "image", "base64": "iVBO", "mime_type": "image/png"}, "X")
    'data:image/png;base64,iVBO'
    """
    inline = inline_image(block)
    if inline is not None:
        mime, data = inline
        return f"data:{mime};base64,{data}"
    url = block.get("url")
    if not isinstance(url, str) or not url:
        raise ValueError(f"{provider} takes an image block by url or base64 data, not by file id")
    return url


def inline_image(block: Mapping[str, Any], where: str = "") -> tuple[str, Any] | None:
    """(media type, base64 data) of LangChain's standard image block sent inline
    (`base64` + `mime_type`, or the 0.x `source_type="base64"` form's `data`); None for
    one by URL or file id; a ValueError (after `where`, when given) for inline data
    without its media type.

    >>> inline_image({"type": "image", "base64": "iVBO", "mime_type": "image/png"})
    ('image/png', 'iVBO')
    """
    data = block.get("base64")
    if data is None and block.get("source_type") == "base64":
        data = block.get("data")
    if data is None:
        return None
    mime = block.get("mime_type")
    if not isinstance(mime, str) or not mime:
        said = "an image block with base64 data needs its mime_type"
        raise ValueError(f"{where}: {said}" if where else said)
    return mime, data


def _check_base64(data: Any, where: str) -> None:
    if not isinstance(data, str) or not data:
        raise ValueError(f"{where}: its base64 data is empty or not a str")
    try:  # padding may be left off (providers take it so); anything else is not base64
        base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{where}: its base64 data is not valid base64") from None


def _check_strings(value: Any, i: int, where: str) -> None:
    """Every str inside `value` (dicts, lists), checked by `check_text`."""
    if isinstance(value, str):
        check_text(value, i, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_text(key, i, where)
            _check_strings(item, i, f"{where}, field {key!r}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_strings(item, i, where)


_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


def check_headers(headers: Mapping[str, Any] | None, setting: str) -> None:
    """ValueError/TypeError, naming the header (never quoting its value: it may be a key),
    for headers no request can carry: a name that is not an HTTP token, a value that is
    not a str (or bytes), or one with a character outside printable ASCII (httpx encodes values as
    ASCII; a CR or LF would end the header). Checked when the adapter is built, before a
    signer or a request ever sees them.

    >>> check_headers({"x-note": "Zürich"}, "default_headers")
    Traceback (most recent call last):
    ...
    ValueError: default_headers: the value of 'x-note' has a character that is not ...
    """
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(
            f"{setting} must be a dict of header names to values, got {type(headers).__name__}"
        )
    for name, value in (headers or {}).items():
        if not isinstance(name, str) or not name or not _TOKEN_CHARS.issuperset(name):
            raise ValueError(f"{setting}: {name!r} is not a header name (an HTTP token)")
        if isinstance(value, bytes):  # sent as given, as httpx sends bytes values
            continue
        if not isinstance(value, str):
            raise TypeError(
                f"{setting}: the value of {name!r} is a {type(value).__name__}, not a str"
            )
        for position, char in enumerate(value):
            if not (" " <= char <= "~" or char == "\t"):
                shown = repr(char) if char.isprintable() and not char.isascii() else "a control"
                raise ValueError(
                    f"{setting}: the value of {name!r} has a character that is not printable "
                    f"ASCII ({shown}, position {position}); HTTP header values are ASCII"
                )
