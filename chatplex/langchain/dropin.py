"""`ChatOpenAI` and `ChatAnthropic` as LangChain chat models: langchain-openai's and
langchain-anthropic's constructors, chatplex's engine underneath.

For code that keeps LangChain everywhere else (LangGraph agents, LangChain's callbacks,
caches and rate limiters), only the import line changes:

>>> from chatplex.langchain import ChatOpenAI                        # doctest: +SKIP
>>> llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)              # doctest: +SKIP
>>> create_react_agent(llm, tools).invoke({"messages": [("user", "hi")]})  # doctest: +SKIP

Each is a `ChatChatplex` (a LangChain `BaseChatModel`) over chatplex's own drop-in model
of the same name (`chatplex.ChatOpenAI` / `chatplex.ChatAnthropic`), which takes the
constructor parameters: the same names, aliases, checks and refusals (each with its
reason), and the same requests. The settings of LangChain's `BaseChatModel` (`callbacks`,
`tags`, `metadata`, `cache`, `rate_limiter`, `name`, `disable_streaming`, ...) and
`streaming` stay LangChain's, as they are in langchain-openai: LangChain runs them.
`bind_tools` and `with_structured_output` are `ChatChatplex`'s: `method=` as
langchain-openai / langchain-anthropic take it, by default the engine's (`json_schema`
for OpenAI, `function_calling` for Anthropic; see `chatplex.langchain.structured`).
"""

from __future__ import annotations

from typing import Any
from typing import ClassVar

from langchain_core.language_models import BaseChatModel
from pydantic import model_validator

from ..chat import ChatModel
from ..providers.anthropic.dropin import ChatAnthropic as AnthropicEngine
from ..providers.openai.azure_dropin import AzureChatOpenAI as AzureEngine
from ..providers.openai.dropin import ChatOpenAI as OpenAIEngine
from .model import _FIELD_SETTINGS
from .model import ChatChatplex
from .model import _with_model_name

__all__ = ["AzureChatOpenAI", "ChatAnthropic", "ChatOpenAI"]

#: Keywords LangChain's side keeps: `BaseChatModel`'s fields, and `streaming` (LangChain
#: streams on `invoke` with it, and callbacks see each token).
_LANGCHAIN_SIDE = frozenset(BaseChatModel.model_fields) | {"streaming"}

#: Settings shown on the LangChain object too (`llm.temperature`), read from the engine.
_SHOWN = _FIELD_SETTINGS


class _OverChatplex(ChatChatplex):
    """A `ChatChatplex` whose constructor is a chatplex drop-in model's (`_engine`)."""

    _engine: ClassVar[type[ChatModel]]
    #: The partner class's `_llm_type` (LangChain's cache keys include it).
    _partner_llm_type: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _collect_settings(cls, values: Any) -> Any:
        """Replaces ChatChatplex's: every keyword but LangChain's own builds the engine."""
        if not isinstance(values, dict):
            return values
        if values.get("chatplex_model") is not None:
            return _rebound(values)
        langchain_side = {k: v for k, v in values.items() if k in _LANGCHAIN_SIDE}
        settings = {k: v for k, v in values.items() if k not in _LANGCHAIN_SIDE}
        return {**langchain_side, "chatplex_model": cls._engine(**settings)}

    @model_validator(mode="after")
    def _show_settings(self) -> _OverChatplex:
        for name, value in _shown(self.chatplex_model).items():
            setattr(self, name, value)
        return self

    @property
    def provider(self) -> str:
        return str(getattr(self.chatplex_model, "provider", None) or self._engine.provider)

    @property
    def _llm_type(self) -> str:
        return self._partner_llm_type


def _shown(engine: Any) -> dict[str, Any]:
    """What the LangChain object shows of its engine: the model name (without a
    provider prefix, as langchain-openai's `model_name`), the settings, the base URL."""
    shown = {"model": getattr(engine, "model", None)}
    for name in _SHOWN:
        value = getattr(engine, name, None)
        shown[name] = [value] if name == "stop" and isinstance(value, str) else value
    shown["base_url"] = getattr(getattr(engine, "adapter", None), "base_url", None)
    return {k: v for k, v in shown.items() if v is not None}


def _rebound(values: dict[str, Any]) -> dict[str, Any]:
    """A copy LangChain builds from a model's fields, some changed (its
    `configurable_fields` does): the changed settings are bound on a copy of the engine."""
    engine = values["chatplex_model"]
    current = _shown(engine)
    changed = {}
    for name in ("model", *_SHOWN, "base_url"):
        value = values.pop(name, None)
        if value is not None and value != current.get(name):
            changed[name] = value
    if "base_url" in changed:
        raise ValueError("base_url cannot change on a built model: build another one")
    name = changed.pop("model", None)
    if changed:
        engine = engine.bind(**changed)
    if name is not None:
        engine = _with_model_name(engine, name)
    return {**values, "chatplex_model": engine}


class ChatOpenAI(_OverChatplex):
    """langchain-openai's `ChatOpenAI` constructor over chatplex (see the module doc and
    `chatplex.ChatOpenAI` for the parameters and the deliberate differences)."""

    _engine = OpenAIEngine
    _partner_llm_type = "openai-chat"


class ChatAnthropic(_OverChatplex):
    """langchain-anthropic's `ChatAnthropic` constructor over chatplex (see the module
    doc and `chatplex.ChatAnthropic` for the parameters and the deliberate differences)."""

    _engine = AnthropicEngine
    _partner_llm_type = "anthropic-chat"


class AzureChatOpenAI(_OverChatplex):
    """langchain-openai's `AzureChatOpenAI` constructor over chatplex (see
    `chatplex.AzureChatOpenAI` for the parameters and the deliberate differences)."""

    _engine = AzureEngine
    _partner_llm_type = "azure-openai-chat"
