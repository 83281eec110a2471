"""langchain-aws's `ChatBedrockConverse`'s own ways, as functions of any `ChatModel` on
a Converse adapter (`BedrockAdapter`): its profile key and adjustment, its per-model
`disable_streaming`, its CountTokens count, and `with_structured_output`'s tool forced
only where the model takes a forced choice. What each reads of the model is on its
adapter (`base_model_id`, `vendor`, `tool_choice_values`, `raw_turns`), so a record's
`PartnerHooks` can name them (decision 013, slice 4); the engines' methods delegate to
them (`dropin.py`, and `invoke_dropin.py`'s ChatBedrock on Converse).

>>> counted_model_id("us.anthropic.claude-sonnet-4-20250514-v1:0", None)
'anthropic.claude-sonnet-4-20250514-v1:0'
"""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from .model_defaults import base_model
from .model_defaults import disable_streaming as partner_disable_streaming
from .model_defaults import is_application_profile
from .model_defaults import thinking_unforced

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import BaseMessage
    from .adapter import BedrockAdapter

__all__ = [
    "counted_model_id",
    "counts_messages",
    "disable_streaming",
    "num_tokens_from_messages",
    "profile",
    "profile_names",
    "settings",
    "structured_target",
    "tools_to_bind",
    "unforced_reply_raises",
]

logger = logging.getLogger("chatplex.providers.bedrock.dropin")
#: The logger langchain-aws's class warns on (a handler or filter set on it sees ours too).
_PARTNER_LOG = logging.getLogger("langchain_aws.chat_models.bedrock_converse")

#: langchain-aws's warning as with_structured_output offers the tool unforced.
_UNFORCED = (
    "ChatBedrockConverse structured output relies on forced tool calling, which is not "
    "supported for this model: a reply without the tool's call raises "
    "OutputParserException. Consider adjusting your prompt to ensure the tool is called."
)


def _adapter(model: ChatModel) -> BedrockAdapter:
    return cast("BedrockAdapter", model.adapter)


def counted_model_id(model_id: str, base_model_id: str | None) -> str:
    """The model langchain-aws counts and checks by: `base_model_id`, else the id
    without its regional prefix."""
    return base_model_id or base_model(model_id)


def _counted(model: ChatModel) -> str:
    return counted_model_id(model.model, _adapter(model).base_model_id)


def settings(values: dict[str, Any]) -> dict[str, Any]:
    """The constructor's keywords as langchain-aws's `build_extra` leaves them:
    `model_kwargs` (which it has no field for) merged into
    `additional_model_request_fields` (whose own keys win), with its warning. A model id
    not a string fails where its validator first reads it, before its field is checked
    (no provider given: an AttributeError, as there)."""
    from ...chat.partner_warnings import say

    model = values.get("model_id", values.get("model"))
    if model is not None and not isinstance(model, str) and not values.get("provider"):
        raise AttributeError(f"{type(model).__name__!r} object has no attribute 'startswith'")
    moved = values.pop("model_kwargs", None)
    if moved:
        say(
            "ChatBedrockConverse uses 'additional_model_request_fields' instead of "
            "'model_kwargs'. Your parameters have been automatically converted.",
            outer=-3,
        )
        own = values.get("additional_model_request_fields") or {}
        values["additional_model_request_fields"] = {**moved, **own}
    return values


def profile_names(model: ChatModel) -> tuple[str, ...]:
    """The model id, then its base model (`base_model_id`, else without its regional
    prefix), as langchain-aws's `_get_base_model()`."""
    return (model.model, _counted(model))


def profile(model: ChatModel, found: dict[str, Any]) -> dict[str, Any]:
    """Converse hoists every system message and declares tools up front (langchain-aws):
    empty, not None, where the data has no such model."""
    found.pop("mid_conversation_system_messages", None)
    found.pop("mid_conversation_tools", None)
    return found


def disable_streaming(model: ChatModel, given: bool | str | None) -> bool | str | None:
    """langchain-aws's per-model default where none is given: False where it streams
    the model, "tool_calling" where only without tools (Meta, Mistral...), True (with
    its warning) where it has not verified the model streams. An application inference
    profile's is read from its base model (`base_model_id`), given or not."""
    application = is_application_profile(model.model)
    if given is not None and not application:
        return given
    adapter = _adapter(model)
    named = _counted(model) if application else adapter.base_model_id or model.model
    vendor = adapter.vendor or ""
    chosen = partner_disable_streaming(vendor, named.lower())
    if chosen is True:
        _PARTNER_LOG.warning(
            "Streaming disabled for model '%s': provider '%s' is not verified as "
            "streaming-capable with ChatBedrockConverse, so calls will fall back to the "
            "non-streaming Converse API. If this model does support streaming, pass "
            "disable_streaming=False to override.",
            named.lower(),
            vendor,
        )
    return chosen


def counts_messages(model: ChatModel) -> bool:
    """langchain-aws asks Bedrock's CountTokens for the models it names
    (`count_tokens.counted`); LangChain's count for the others."""
    from .count_tokens import counted

    return counted(_counted(model))


def num_tokens_from_messages(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
    *,
    stacklevel: int = 3,
) -> int | None:
    """langchain-aws's count: Bedrock's CountTokens of the Converse input, tools ignored
    with its warning (`stacklevel` from here); None (LangChain's count) for keywords (its
    signature takes none, LangChain's raises) and, as langchain-aws, after a failed
    request (logged)."""
    from ...chat.side_call import side_call
    from .count_tokens import TOOLS_IGNORED
    from .count_tokens import converse_input
    from .count_tokens import read_input_tokens
    from .request import converse_fields

    if keywords:
        return None
    if tools is not None:
        warnings.warn(TOOLS_IGNORED, stacklevel=stacklevel)
    adapter = _adapter(model)
    try:
        # The chat body's fields, tool blocks kept: a chat call without tools writes
        # them as text (and warns), langchain-aws's count sends them as they are. Its
        # `raw_blocks` in place of the messages, where there are any.
        chat = converse_fields(messages, model._settings({}), raw_turns=adapter.raw_turns or None)
        request = adapter.count_tokens_request(_counted(model), converse_input(chat))
        return side_call(model, request, read_input_tokens)
    except Exception as exc:  # noqa: BLE001 - langchain-aws falls back on any failure
        logger.warning(f"count_tokens API failed: {exc}. Using fallback.")
        return None


def unforced_reply_raises(model: ChatModel) -> bool:
    """Whether a structured reply without the unforced tool's call raises: langchain-aws's
    ChatBedrockConverse checks it only for the models that refuse a forced tool beside
    thinking; on any other a reply without the call is None."""
    return thinking_unforced(_counted(model))


def tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    """`bind_tools` sends the tool choice as given; inside `with_structured_output`, the
    one the model takes (its adapter's `structured_choice`)."""
    held = _adapter(model).structured_choice
    return tools, held[0] if held else tool_choice


def structured_target(
    model: ChatModel,
    method: str | None,
    schema: Any,
    *,
    warns: bool | None = None,
    stacklevel: int = 2,
) -> tuple[ChatModel, str | None]:
    """`with_structured_output`: with "function_calling", the schema's tool is forced
    only where the model takes a forced tool (its adapter's `tool_choice_values` has
    "tool"), else `any` tool where it takes that, else offered without a choice (a
    reply without the call then raises `StructuredOutputError` where
    `unforced_reply_raises`, with langchain-aws's warning where `warns`, default: that
    same answer, at `stacklevel` from here), as langchain-aws does: a copy binding that
    choice (`tools_to_bind`). langchain-aws answers every method but "json_schema" (and
    its own "prompt_prefill") by function calling, "json_mode" included (with no schema,
    json_mode keeps chatplex's error: there is no tool to force, and Converse has no
    JSON mode)."""
    method = method or model.structured_output_method
    if method == "json_mode" and schema is not None:
        method = "function_calling"
    adapter = _adapter(model)
    values = adapter.tool_choice_values
    if method != "function_calling" or "tool" in values:
        return model, method
    choice = "any" if "any" in values else None
    if choice is None and (unforced_reply_raises(model) if warns is None else warns):
        warnings.warn(_UNFORCED, UserWarning, stacklevel=stacklevel)
    held = copy.copy(adapter)
    held.structured_choice = (choice,)
    loose = copy.copy(model)
    loose.adapter = held
    return loose, method
