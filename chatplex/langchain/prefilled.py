"""A drop-in's `with_structured_output` by a method of its partner's own that prefills
the reply (`chatplex.chat.partner_record.Prefill`, langchain-aws's "prompt_prefill"):
the schema's instructions added to the leading system message (one made where there is
none), the assistant's turn begun with the prefill, the reply stopped at the closing
stop and its text parsed as JSON (a pydantic class's object), as the partner builds it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING
from typing import Any

from langchain_core.messages import AIMessage
from langchain_core.messages import BaseMessage
from langchain_core.messages import SystemMessage
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.output_parsers import PydanticOutputParser
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableLambda
from langchain_core.runnables import RunnableMap
from langchain_core.runnables import RunnablePassthrough
from langchain_core.utils.pydantic import is_basemodel_subclass

from ..chat.partner_record import Prefill

if TYPE_CHECKING:
    from .chat_protocol import LangChainChat

__all__ = ["prefilled", "with_system_text"]


def prefilled(
    llm: LangChainChat,
    prefill: Prefill,
    method: str,
    schema: Any,
    include_raw: bool,
    kwargs: dict[str, Any],
) -> LCRunnable[Any, Any]:
    """`llm.with_structured_output(schema, method=method, ...)` by `prefill`: a pydantic
    class or a JSON schema dict (anything else its ValueError, as the partner's); the
    call's `stop` words, the model's own and the prefill's bound as its stops; `kwargs`
    bound as given."""
    pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
    if pydantic:
        json_schema = dict(schema.model_json_schema())
    elif isinstance(schema, Mapping):
        json_schema = copy.deepcopy(dict(schema))
    else:
        raise ValueError(
            f"Unsupported schema type: {type(schema)}. Expected a Pydantic model class or a dict."
        )
    instructions = prefill.instructions(json_schema)  # (which may edit the schema traced)

    def prepare(given: Any) -> list[BaseMessage]:
        messages = llm._convert_input(given).to_messages()  # (its ValueError, as the partner's)
        return [*with_system_text(messages, instructions), AIMessage(content=prefill.value)]

    held = llm.chatplex_model.stop
    own = [held] if isinstance(held, str) else list(held or ())
    stops = list({*own, *(kwargs.pop("stop", None) or []), prefill.stop})
    traced = {"kwargs": {"method": method}, "schema": json_schema}
    bound = llm.bind(stop=stops, ls_structured_output_format=traced, **kwargs)
    parser: Any = PydanticOutputParser(pydantic_object=schema) if pydantic else JsonOutputParser()
    prepared = RunnableLambda(prepare)
    if not include_raw:
        chain: LCRunnable[Any, Any] = prepared | bound | parser
        return chain
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    unparsed = RunnablePassthrough.assign(parsed=lambda _: None)
    return (
        prepared
        | RunnableMap(raw=bound)
        | parsed.with_fallbacks([unparsed], exception_key="parsing_error")
    )


def with_system_text(messages: list[BaseMessage], text: str) -> list[BaseMessage]:
    """`messages` with `text` added to the leading system message (after a blank line;
    to a list content's last block holding a text, where the blocks after it, a cache
    point's, keep covering it; a `{"text": ...}` block where none does), made anew of
    that content alone as the partner makes it; or a system message of `text` put first
    where none leads."""
    if not messages or not isinstance(messages[0], SystemMessage):
        return [SystemMessage(content=text), *messages]
    system = messages[0]
    content: Any = system.content
    if isinstance(content, str):
        content = content + "\n\n" + text
    else:
        content = list(content)
        last = next(
            (
                i
                for i in range(len(content) - 1, -1, -1)
                if isinstance(content[i], dict) and "text" in content[i]
            ),
            None,
        )
        if last is None:
            content.append({"text": text})
        else:
            block = dict(content[last])
            block["text"] = block["text"] + "\n\n" + text
            content[last] = block
    return [SystemMessage(content=content), *messages[1:]]
