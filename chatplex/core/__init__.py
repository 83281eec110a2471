"""The Runnable core: the protocol, its config, composition, lambdas, passthrough, prompts,
parsers, retries and fallbacks, events, run logs, schemas. It knows nothing about chat
models or HTTP (see ARCHITECTURE.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ..postimport import lazy_names
from ._late import LATE
from .base import Runnable
from .binding import RunnableBinding
from .chunks import AddableDict
from .composition import RunnableParallel
from .composition import RunnableSequence
from .composition import coerce_to_runnable
from .each import RunnableEach
from .foreign import ForeignRunnable
from .foreign import expose
from .lambdas import RunnableGenerator
from .lambdas import RunnableLambda
from .lambdas import chain
from .passthrough import RunnableAssign
from .passthrough import RunnablePassthrough
from .passthrough import RunnablePick
from .passthrough import assign_steps
from .reliability import RunnableRetry
from .reliability import RunnableWithFallbacks
from .run_config import DEFAULT_MAX_CONCURRENCY
from .run_config import RunnableConfig

if TYPE_CHECKING:  # loaded on first use (see `__getattr__` below)
    from .branch import RunnableBranch
    from .chat_history import BaseChatMessageHistory
    from .chat_history import InMemoryChatMessageHistory
    from .configurable import ConfigurableField
    from .configurable import ConfigurableFieldMultiOption
    from .configurable import ConfigurableFieldSingleOption
    from .configurable import ConfigurableFieldSpec
    from .configurable import RunnableConfigurableAlternatives
    from .configurable import RunnableConfigurableFields
    from .events import StreamEvent
    from .events import adispatch_custom_event
    from .events import dispatch_custom_event
    from .few_shot import FewShotChatMessagePromptTemplate
    from .handlers import AsyncCallbackHandler
    from .handlers import BaseCallbackHandler
    from .history import RunnableWithMessageHistory
    from .json_parser import JsonOutputParser
    from .json_parser import PydanticOutputParser
    from .json_parser import SimpleJsonOutputParser
    from .list_parsers import CommaSeparatedListOutputParser
    from .list_parsers import ListOutputParser
    from .list_parsers import MarkdownListOutputParser
    from .list_parsers import NumberedListOutputParser
    from .listeners import Run
    from .listeners import RunnableListeners
    from .message_templates import AIMessagePromptTemplate
    from .message_templates import HumanMessagePromptTemplate
    from .message_templates import SystemMessagePromptTemplate
    from .parsers import OutputParserException
    from .parsers import StrOutputParser
    from .prompts import ChatPromptTemplate
    from .prompts import ChatPromptValue
    from .prompts import MessagesPlaceholder
    from .string_prompts import PromptTemplate
    from .string_prompts import StringPromptValue
    from .tool_parsers import JsonOutputKeyToolsParser
    from .tool_parsers import JsonOutputToolsParser
    from .tool_parsers import PydanticToolsParser
    from .tools import ToolException
    from .xml_parser import XMLOutputParser

#: Names loaded when first used, so that a chat model pays only for the core it runs
#: on (measured with `python -X importtime -c "import chatplex; chatplex.ChatModel"`):
#: prompts, parsers and custom events are for chains.
_LAZY = {
    "ChatPromptTemplate": ".prompts",
    "ChatPromptValue": ".prompts",
    "MessagesPlaceholder": ".prompts",
    "OutputParserException": ".parsers",
    "StrOutputParser": ".parsers",
    "StreamEvent": ".events",
    "adispatch_custom_event": ".events",
    "dispatch_custom_event": ".events",
    "RunnableBranch": ".branch",
    "BaseChatMessageHistory": ".chat_history",
    "InMemoryChatMessageHistory": ".chat_history",
    "RunnableWithMessageHistory": ".history",
    "ConfigurableField": ".configurable",
    "ConfigurableFieldMultiOption": ".configurable",
    "ConfigurableFieldSingleOption": ".configurable",
    "ConfigurableFieldSpec": ".configurable",
    "RunnableConfigurableAlternatives": ".configurable",
    "RunnableConfigurableFields": ".configurable",
    "FewShotChatMessagePromptTemplate": ".few_shot",
    "AsyncCallbackHandler": ".handlers",
    "BaseCallbackHandler": ".handlers",
    "JsonOutputParser": ".json_parser",
    "PydanticOutputParser": ".json_parser",
    "SimpleJsonOutputParser": ".json_parser",
    "CommaSeparatedListOutputParser": ".list_parsers",
    "ListOutputParser": ".list_parsers",
    "MarkdownListOutputParser": ".list_parsers",
    "NumberedListOutputParser": ".list_parsers",
    "JsonOutputKeyToolsParser": ".tool_parsers",
    "JsonOutputToolsParser": ".tool_parsers",
    "PydanticToolsParser": ".tool_parsers",
    "XMLOutputParser": ".xml_parser",
    "ToolException": ".tools",
    "Run": ".listeners",
    "AIMessagePromptTemplate": ".message_templates",
    "HumanMessagePromptTemplate": ".message_templates",
    "SystemMessagePromptTemplate": ".message_templates",
    "RunnableListeners": ".listeners",
    "PromptTemplate": ".string_prompts",
    "StringPromptValue": ".string_prompts",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "AIMessagePromptTemplate",
    "AddableDict",
    "AsyncCallbackHandler",
    "BaseCallbackHandler",
    "BaseChatMessageHistory",
    "ChatPromptTemplate",
    "ChatPromptValue",
    "CommaSeparatedListOutputParser",
    "ConfigurableField",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSingleOption",
    "ConfigurableFieldSpec",
    "FewShotChatMessagePromptTemplate",
    "ForeignRunnable",
    "HumanMessagePromptTemplate",
    "InMemoryChatMessageHistory",
    "JsonOutputKeyToolsParser",
    "JsonOutputParser",
    "JsonOutputToolsParser",
    "ListOutputParser",
    "MarkdownListOutputParser",
    "MessagesPlaceholder",
    "NumberedListOutputParser",
    "OutputParserException",
    "PromptTemplate",
    "PydanticOutputParser",
    "PydanticToolsParser",
    "XMLOutputParser",
    "Run",
    "Runnable",
    "RunnableAssign",
    "RunnableBinding",
    "RunnableBranch",
    "RunnableConfig",
    "RunnableConfigurableAlternatives",
    "RunnableConfigurableFields",
    "RunnableGenerator",
    "RunnableLambda",
    "RunnableListeners",
    "RunnableParallel",
    "RunnablePassthrough",
    "RunnablePick",
    "RunnableRetry",
    "RunnableSequence",
    "RunnableWithFallbacks",
    "RunnableWithMessageHistory",
    "SimpleJsonOutputParser",
    "StrOutputParser",
    "StreamEvent",
    "StringPromptValue",
    "SystemMessagePromptTemplate",
    "ToolException",
    "adispatch_custom_event",
    "chain",
    "coerce_to_runnable",
    "dispatch_custom_event",
]


# Wire what `Runnable`'s own methods build (see `_late.py`). Schemas need pydantic, which
# `import chatplex` does not load: their module is imported on first use.
def _input_schema(runnable: Runnable[Any, Any]) -> Any:
    from .schemas import input_schema

    return input_schema(runnable)


def _output_schema(runnable: Runnable[Any, Any]) -> Any:
    from .schemas import output_schema

    return output_schema(runnable)


def _config_schema(runnable: Runnable[Any, Any], include: Any) -> Any:
    from .schemas import config_schema

    return config_schema(runnable, include)


def _graph(runnable: Runnable[Any, Any], config: RunnableConfig | None) -> Any:
    from .graph import runnable_graph

    return runnable_graph(runnable, config)


def _as_tool(runnable: Runnable[Any, Any], args_schema: Any, **options: Any) -> Any:
    from .tools import as_tool

    return as_tool(runnable, args_schema, **options)


def _prompt_template(
    template: str, template_format: str = "f-string", partial_variables: Any = None
) -> Any:
    from .string_prompts import PromptTemplate

    return PromptTemplate(
        template, template_format=template_format, partial_variables=partial_variables
    )


def _listeners(runnable: Runnable[Any, Any], *listeners: Any) -> Any:
    from .listeners import RunnableListeners

    return RunnableListeners(runnable, *listeners)


def _fields(runnable: Runnable[Any, Any], fields: dict[str, Any]) -> Any:
    from .configurable import RunnableConfigurableFields

    return RunnableConfigurableFields(runnable, fields)


def _config_specs(runnable: Runnable[Any, Any]) -> Any:
    from .configurable import config_specs_of

    return config_specs_of(runnable)


def _alternatives(
    runnable: Runnable[Any, Any],
    which: Any,
    default_key: str,
    prefix_keys: bool,
    alternatives: dict[str, Any],
) -> Any:
    from .configurable import RunnableConfigurableAlternatives

    return RunnableConfigurableAlternatives(
        which, runnable, alternatives, default_key=default_key, prefix_keys=prefix_keys
    )


LATE.coerce = coerce_to_runnable
LATE.prompt_template = _prompt_template
LATE.binding = RunnableBinding
LATE.pick = RunnablePick
LATE.assign = assign_steps
LATE.listeners = _listeners
LATE.configurable_fields = _fields
LATE.config_specs = _config_specs
LATE.configurable_alternatives = _alternatives
LATE.graph = _graph
LATE.config_schema = _config_schema
LATE.each = RunnableEach
LATE.as_tool = _as_tool
LATE.sequence = RunnableSequence
LATE.retry = RunnableRetry
LATE.fallbacks = RunnableWithFallbacks
LATE.input_schema = _input_schema
LATE.output_schema = _output_schema

# LangChain's isinstance checks accept chatplex runnables, whichever is imported first
# (see `foreign.py` and `chatplex/postimport.py`).
expose()
