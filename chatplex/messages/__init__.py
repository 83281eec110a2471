"""Message values, stream-chunk merging, usage records and input coercion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postimport import lazy_names
from ._border import answer_older_pydantic
from ._border import install_langchain_view
from ._chunk_builders import OTHER_CANDIDATES
from ._chunk_builders import chunk_with_calls
from ._chunk_builders import merge_cut_short
from ._chunk_builders import pieces_held
from ._chunk_builders import reply_as_chunk
from ._chunk_builders import text_chunk
from ._chunk_builders import with_other_candidates
from ._coerce import ROLE_ALIASES
from ._coerce import coerce_messages
from ._coerce import message_from_role
from ._coerce import message_list
from ._coerce import normalise_role
from ._lazy import LazyMetadata
from ._lazy import LazyValue
from ._merge import merge_content
from ._messages import CALL_PLACE_KEY
from ._messages import CHAT_ROLE_KEY
from ._messages import FUNCTION_RESULT_KEY
from ._messages import AIMessage
from ._messages import AIMessageChunk
from ._messages import AnyMessage
from ._messages import BaseMessage
from ._messages import HumanMessage
from ._messages import PydanticMarks
from ._messages import SystemMessage
from ._messages import ToolMessage
from ._messages import answers_by_name
from ._messages import content_text
from ._messages import has_metadata
from ._messages import merge_chunks
from ._messages import metadata_value
from ._messages import peek_usage
from ._messages import set_metadata
from ._tool_calls import NOT_JSON
from ._tool_calls import parse_args
from ._types import Content
from ._types import InputTokenDetails
from ._types import InvalidToolCall
from ._types import OutputTokenDetails
from ._types import PieceFields
from ._types import ToolCall
from ._types import ToolCallChunk
from ._types import UsageMetadata
from ._types import add_usage

if TYPE_CHECKING:
    from ._blocks import anthropic_style_blocks
    from ._blocks import chat_completions_blocks
    from ._blocks import generate_content_blocks
    from ._blocks import keep_index_and_extras
    from ._blocks import messages_api_blocks
    from ._blocks import register_blocks
    from ._blocks_responses import responses_blocks
    from ._dicts import convert_to_messages
    from ._dicts import message_from_dict
    from ._dicts import message_to_dict
    from ._dicts import messages_from_dict
    from ._dicts import messages_to_dict
    from ._langchain import to_langchain
    from ._openai_dicts import convert_to_openai_messages
    from ._partial_json import parse_partial_json
    from .utils import count_tokens_approximately
    from .utils import filter_messages
    from .utils import get_buffer_string
    from .utils import merge_message_runs
    from .utils import message_chunk_to_message
    from .utils import trim_messages

#: Loaded on first use, not by `import chatplex` (module `__getattr__`, PEP 562).
_LAZY = {
    "anthropic_style_blocks": "._blocks",
    "chat_completions_blocks": "._blocks",
    "generate_content_blocks": "._blocks",
    "messages_api_blocks": "._blocks",
    "responses_blocks": "._blocks_responses",
    "keep_index_and_extras": "._blocks",
    "convert_to_messages": "._dicts",
    "message_from_dict": "._dicts",
    "message_to_dict": "._dicts",
    "messages_from_dict": "._dicts",
    "messages_to_dict": "._dicts",
    "parse_partial_json": "._partial_json",
    "register_blocks": "._blocks",
    "to_langchain": "._langchain",
    "convert_to_openai_messages": "._openai_dicts",
    "count_tokens_approximately": ".utils",
    "filter_messages": ".utils",
    "get_buffer_string": ".utils",
    "merge_message_runs": ".utils",
    "message_chunk_to_message": ".utils",
    "trim_messages": ".utils",
}


# Once LangChain's message classes load (or now, if they are loaded), chatplex messages
# pass LangChain's isinstance checks (see `_border.py`).
install_langchain_view()


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "BaseMessage",
    "Content",
    "CALL_PLACE_KEY",
    "CHAT_ROLE_KEY",
    "ROLE_ALIASES",
    "FUNCTION_RESULT_KEY",
    "HumanMessage",
    "InputTokenDetails",
    "InvalidToolCall",
    "LazyMetadata",
    "LazyValue",
    "NOT_JSON",
    "OTHER_CANDIDATES",
    "OutputTokenDetails",
    "PieceFields",
    "PydanticMarks",
    "SystemMessage",
    "ToolCall",
    "ToolCallChunk",
    "ToolMessage",
    "UsageMetadata",
    "add_usage",
    "answer_older_pydantic",
    "answers_by_name",
    "anthropic_style_blocks",
    "chat_completions_blocks",
    "generate_content_blocks",
    "chunk_with_calls",
    "coerce_messages",
    "content_text",
    "convert_to_messages",
    "convert_to_openai_messages",
    "count_tokens_approximately",
    "filter_messages",
    "get_buffer_string",
    "has_metadata",
    "keep_index_and_extras",
    "merge_chunks",
    "merge_cut_short",
    "merge_content",
    "merge_message_runs",
    "message_chunk_to_message",
    "messages_api_blocks",
    "metadata_value",
    "message_from_dict",
    "message_from_role",
    "message_list",
    "message_to_dict",
    "messages_from_dict",
    "messages_to_dict",
    "normalise_role",
    "parse_args",
    "parse_partial_json",
    "peek_usage",
    "pieces_held",
    "register_blocks",
    "reply_as_chunk",
    "responses_blocks",
    "set_metadata",
    "text_chunk",
    "to_langchain",
    "trim_messages",
    "with_other_candidates",
]
