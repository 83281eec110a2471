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
`bind_tools` is `ChatChatplex`'s. `with_structured_output` takes langchain-openai's /
langchain-anthropic's `method=` (default: the engine's, `json_schema` for OpenAI,
`function_calling` for Anthropic): `function_calling` is LangChain's own (a forced tool
call, parsed); `json_schema` sends the provider's structured-output format and
`json_mode` OpenAI's JSON mode (Anthropic: `json_schema`, as LangChain maps it), the
reply text parsed by LangChain's JSON / pydantic parsers; `include_raw=True` gives
`{"raw", "parsed", "parsing_error"}` as LangChain does.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, ClassVar

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import model_validator

from ..chat import AzureChatOpenAI as AzureEngine
from ..chat import ChatAnthropic as AnthropicEngine
from ..chat import ChatModel
from ..chat import ChatOpenAI as OpenAIEngine
from ..chat.structured import METHODS
from .model import ChatChatplex, _with_model_name

__all__ = ["AzureChatOpenAI", "ChatAnthropic", "ChatOpenAI"]

#: Keywords LangChain's side keeps: `BaseChatModel`'s fields, and `streaming` (LangChain
#: streams on `invoke` with it, and callbacks see each token).
_LANGCHAIN_SIDE = frozenset(BaseChatModel.model_fields) | {"streaming"}

#: Settings shown on the LangChain object too (`llm.temperature`), read from the engine.
_SHOWN = ("temperature", "max_tokens", "top_p", "stop", "timeout", "max_retries")


class _OverChatplex(ChatChatplex):
    """A `ChatChatplex` whose constructor is a chatplex drop-in model's (`_engine`)."""

    _engine: ClassVar[type[ChatModel]]

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

    def with_structured_output(
        self,
        schema: Any = None,
        *,
        method: str | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> LCRunnable[Any, Any]:
        """Replies parsed into `schema`, by `method` (see the module doc)."""
        method = method or self._engine.structured_output_method
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
        anthropic = self.provider == "anthropic"
        if method == "function_calling":
            return super().with_structured_output(schema, include_raw=include_raw, **kwargs)
        if kwargs:
            raise TypeError(f"with_structured_output got unexpected arguments {sorted(kwargs)}")
        if method == "json_mode" and anthropic:
            method = "json_schema"
        if schema is None and method == "json_schema":
            raise ValueError("method='json_schema' needs a schema (only json_mode works without)")
        llm = self.bind(
            **_format_request(schema, method, anthropic, strict),
            ls_structured_output_format={
                "kwargs": {"method": method, "strict": strict},
                "schema": None if schema is None else convert_to_json_schema(schema),
            },
        )
        pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
        parser: LCRunnable[Any, Any] = (
            PydanticOutputParser(pydantic_object=schema) if pydantic else JsonOutputParser()
        )
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        unparsed = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parsed.with_fallbacks(
            [unparsed], exception_key="parsing_error"
        )


def _format_request(
    schema: Any, method: str, anthropic: bool, strict: bool | None
) -> dict[str, Any]:
    """The request parameters that ask for `schema` in the reply text (read by
    LangChain's converters: pydantic v1/v2 classes, TypedDicts, JSON-schema dicts)."""
    if method == "json_mode":
        if strict is not None:
            raise ValueError("strict= is not supported with method='json_mode'")
        return {"response_format": {"type": "json_object"}}
    function = convert_to_openai_tool(schema)["function"]
    if anthropic:  # Anthropic's structured outputs are strict by design: strict= is moot
        fmt = {"type": "json_schema", "schema": function["parameters"]}
        return {"output_config": {"format": fmt}}
    inner: dict[str, Any] = {"name": function["name"], "schema": function["parameters"]}
    if function.get("description"):
        inner["description"] = function["description"]
    if strict is not None:
        inner["strict"] = strict
    return {"response_format": {"type": "json_schema", "json_schema": inner}}


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

    @property
    def _llm_type(self) -> str:
        return "openai-chat"  # langchain-openai's: LangChain's cache keys include it


class ChatAnthropic(_OverChatplex):
    """langchain-anthropic's `ChatAnthropic` constructor over chatplex (see the module
    doc and `chatplex.ChatAnthropic` for the parameters and the deliberate differences)."""

    _engine = AnthropicEngine

    @property
    def _llm_type(self) -> str:
        return "anthropic-chat"


class AzureChatOpenAI(_OverChatplex):
    """langchain-openai's `AzureChatOpenAI` constructor over chatplex (see
    `chatplex.AzureChatOpenAI` for the parameters and the deliberate differences)."""

    _engine = AzureEngine

    @property
    def _llm_type(self) -> str:
        return "azure-openai-chat"  # langchain-openai's: LangChain's cache keys include it
