"""Tokens counted as langchain-openai's `BaseChatOpenAI` counts them (its
`get_token_ids` and `get_num_tokens_from_messages`): tiktoken's encoding of the model
(`tiktoken_model_name` first), cl100k_base or o200k_base where tiktoken does not know the
name, and each message as Chat Completions sends it, with the per-message, per-name,
tool-call and image allowances of OpenAI's cookbook, as langchain-openai adds them.

These are the wire's counts (`TIKTOKEN_COUNTS`, the `token_counts` of OpenAI's adapters
and of the presets whose `DropIn` row says `counts_with_tiktoken`), read by both
families: chatplex's own models (`chat/token_counts.py`) and the drop-ins whose partner
class is `BaseChatOpenAI` or a subclass (`base_chat_openai.token_ids` /
`num_tokens_from_messages`, their records' hooks).

tiktoken stays optional: it is imported on the first count, never by `import chatplex`,
and its absence is an ImportError saying what to install. Its encodings are downloaded
on first use and cached (`TIKTOKEN_CACHE_DIR`), as for langchain-openai.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import warnings
from collections.abc import Sequence
from math import ceil
from typing import Any
from urllib.parse import urlparse

from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import ToolMessage
from .request import wire_message
from .spec import LANGCHAIN_OPENAI_DROPPED

__all__ = [
    "TIKTOKEN_COUNTS",
    "TIKTOKEN_MISSING",
    "TiktokenCounts",
    "count_message_tokens",
    "encoding_model",
    "token_ids",
]

logger = logging.getLogger(__name__)

TIKTOKEN_MISSING = (
    "counting tokens as langchain-openai does needs tiktoken: "
    "pip install tiktoken (or pip install 'chatplex[langchain]')"
)

#: Names tiktoken does not know that langchain-openai counts with o200k_base.
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-5", "gpt-6")
#: Models counted with 3 tokens a message and 1 a name (OpenAI's cookbook); others raise.
_COUNTED_PREFIXES = ("gpt-3.5-turbo", "gpt-4", "gpt-5", "gpt-6", "o1", "o3", "o4")
#: An image of `detail="low"`: a flat 85 tokens.
_LOW_DETAIL = 85


def _tiktoken() -> Any:
    try:
        import tiktoken
    except ImportError as exc:
        raise ImportError(TIKTOKEN_MISSING) from exc
    return tiktoken


def encoding_model(model: str) -> tuple[str, Any]:
    """The model name counted with and its tiktoken encoding (langchain-openai's
    `_get_encoding_model`: a name tiktoken does not know falls back by its prefix)."""
    tiktoken = _tiktoken()
    try:
        encoding = tiktoken.encoding_for_model(model)
    except KeyError:
        fallback = "o200k_base" if model.lower().startswith(_O200K_PREFIXES) else "cl100k_base"
        encoding = tiktoken.get_encoding(fallback)
    return model, encoding


def token_ids(model: str, text: str) -> list[int]:
    """`text`'s token ids in the model's encoding (langchain-openai's `get_token_ids`)."""
    _, encoding = encoding_model(model)
    return list(encoding.encode(text))


def count_message_tokens(
    model: str,
    messages: Sequence[BaseMessage],
    tools: Sequence[Any] | None = None,
    *,
    allow_fetching_images: bool = True,
) -> int:
    """The tokens `messages` take, as langchain-openai's `get_num_tokens_from_messages`
    counts them (`tools` are not counted: it warns, as there); NotImplementedError for a
    model outside OpenAI's cookbook, as there. Images are measured where Pillow is
    installed (data URLs; an image URL is not fetched here: it counts as none)."""
    if tools is not None:
        warnings.warn(
            "Counting tokens in tool schemas is not yet supported. Ignoring tools.",
            stacklevel=2,
        )
    model, encoding = encoding_model(model)
    if model.startswith("gpt-3.5-turbo-0301"):
        per_message, per_name = 4, -1  # <im_start>{role/name}\n{content}<im_end>\n
    elif model.startswith(_COUNTED_PREFIXES):
        per_message, per_name = 3, 1
    else:
        raise NotImplementedError(
            f"get_num_tokens_from_messages() is not presently implemented "
            f"for model {model}. See "
            "https://platform.openai.com/docs/guides/text-generation/managing-tokens"
            " for information on how messages are converted to tokens."
        )
    total = 0
    for message in (_counted(m) for m in messages):
        total += per_message
        for key, value in message.items():
            if key == "tool_call_id":  # langchain-openai's approximation
                total += 3
                continue
            if isinstance(value, list):  # content parts or tool calls
                total += sum(_part_tokens(p, encoding, allow_fetching_images) for p in value)
            elif value:
                total += len(encoding.encode(str(value)))
            else:
                continue
            if key == "name":
                total += per_name
    return total + 3  # every reply is primed with <im_start>assistant


class TiktokenCounts:
    """langchain-openai's counts as a wire's counter (`adapters.base.TokenCounts`)."""

    def token_ids(self, model: str, text: str) -> list[int]:
        return token_ids(model, text)

    def count_messages(
        self,
        model: str,
        messages: Sequence[BaseMessage],
        tools: Sequence[Any] | None = None,
        **keywords: Any,
    ) -> int:
        return count_message_tokens(model, messages, tools, **keywords)


#: The one counter OpenAI's wires and the langchain-openai subclasses' presets hold.
TIKTOKEN_COUNTS = TiktokenCounts()


def _counted(message: BaseMessage) -> dict[str, Any]:
    """A message as langchain-openai converts it to count it: its Chat Completions
    form, tool-call arguments as it writes them (non-ASCII kept), a tool result's parts
    without their extra keys."""
    wired = wire_message(message, LANGCHAIN_OPENAI_DROPPED)
    name = message.additional_kwargs.get("name")
    if name is not None and "name" not in wired and not isinstance(message, ToolMessage):
        wired["name"] = name  # langchain-openai reads it there too
    if isinstance(message, AIMessage) and "tool_calls" in wired:
        written = [json.dumps(c["args"], ensure_ascii=False) for c in message.tool_calls]
        for call, arguments in zip(wired["tool_calls"], written, strict=False):
            call["function"]["arguments"] = arguments
    if isinstance(message, ToolMessage) and isinstance(wired["content"], list):
        wired["content"] = [_plain_text(p) for p in wired["content"]]
    return wired


def _plain_text(part: Any) -> Any:
    if isinstance(part, dict) and part.get("type") == "text" and "text" in part:
        return {"type": "text", "text": part["text"]}
    return part


def _part_tokens(part: Any, encoding: Any, allow_fetching_images: bool) -> int:
    """One content part's or tool call's tokens (langchain-openai's loop body)."""
    if isinstance(part, str) or part["type"] == "text":
        text = part["text"] if isinstance(part, dict) else part
        return len(encoding.encode(text))
    if part["type"] == "image_url":
        if part["image_url"].get("detail") == "low":
            return _LOW_DETAIL
        if not allow_fetching_images:
            return 0
        size = _image_size(part["image_url"]["url"])
        return _image_tokens(*size) if size else 0
    if part["type"] == "function":  # not documented by OpenAI: an approximation
        function = part["function"]
        return len(encoding.encode(function["arguments"])) + len(encoding.encode(function["name"]))
    if part["type"] == "file":
        warnings.warn(
            "Token counts for file inputs are not supported. Ignoring file inputs.",
            stacklevel=2,
        )
        return 0
    raise ValueError(f"Unrecognized content block type\n\n{part}")


def _image_size(source: str) -> tuple[int, int] | None:
    """An image's width and height: Pillow reads a data URL's; None without Pillow, as
    langchain-openai logs it, and for a URL (not fetched: see `count_message_tokens`)."""
    try:
        from PIL import Image  # type: ignore[import-not-found]
    except ImportError:
        logger.info(
            "Unable to count image tokens. To count image tokens please install "
            "`pip install -U pillow httpx`."
        )
        return None
    if _is_url(source):
        logger.info("An image URL is not fetched to count its tokens: counted as none.")
        return None
    if source.startswith("data:image"):
        _, encoded = source.split(",", 1)
        with Image.open(io.BytesIO(base64.b64decode(encoded))) as image:
            width, height = image.size
        return int(width), int(height)
    return None


def _is_url(source: str) -> bool:
    try:
        parts = urlparse(source)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _image_tokens(width: int, height: int) -> int:
    """OpenAI's vision price: 170 a 512-pixel tile of the resized image, plus 85."""
    width, height = _resized(width, height)
    return 170 * ceil(height / 512) * ceil(width / 512) + 85


def _resized(width: int, height: int) -> tuple[int, int]:
    """The size OpenAI scales an image to: within 2048 on its longer side, then 768 on
    its shorter one."""
    if width > 2048 or height > 2048:
        if width > height:
            height, width = (height * 2048) // width, 2048
        else:
            width, height = (width * 2048) // height, 2048
    if width > 768 and height > 768:
        if width > height:
            width, height = (width * 768) // height, 768
        else:
            height, width = (height * 768) // width, 768
    return width, height
