"""`ChatChatplex`: a chatplex chat model as a LangChain `BaseChatModel`.

LangChain drives the run (prompts, callbacks and tracing, tool binding, structured
output, LangGraph); chatplex does the call underneath: its pooled clients and aiohttp
transport, retries, the shared rate limiter, deadlines and typed errors. The async hooks
await chatplex's async path (no executor thread), and streams are chatplex's streams,
chunk for chunk.

>>> llm = ChatChatplex(model="openai:gpt-4o-mini", temperature=0)     # doctest: +SKIP
>>> chain = ChatPromptTemplate.from_template("Say hi to {name}") | llm  # doctest: +SKIP
>>> ChatChatplex.from_model(init_chat_model("anthropic:claude-haiku-4-5"))  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import json
import weakref
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from operator import attrgetter
from typing import Any
from typing import ClassVar
from typing import cast

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models import LangSmithParams
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import BaseMessage as LCBaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.outputs import ChatResult
from langchain_core.runnables import ConfigurableField as LCConfigurableField
from langchain_core.runnables import ConfigurableFieldMultiOption as LCMultiOption
from langchain_core.runnables import ConfigurableFieldSingleOption as LCSingleOption
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableConfig as LCRunnableConfig
from langchain_core.runnables import RunnableSerializable as LCRunnableSerializable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict
from pydantic import Field
from pydantic import SecretStr
from pydantic import model_validator

from ..adapters.base import Adapter
from ..adapters.tools import given_cache_control
from ..adapters.tools import normalise_tool_choice
from ..adapters.tools import to_tool_specs
from ..chat import ChatModel
from ..chat import init_chat_model
from ..chat.call_hooks import cache_under_langchain
from ..chat.callbacks import ls_provider
from ..chat.dropin import LANGCHAIN_ALIASES
from ..chat.dropin import pick
from ..chat.dropin import tool_call_body
from ..chat.llm_results import combine_llm_outputs
from ..chat.llm_results import combine_shaped_outputs
from ..chat.llm_results import partner_style
from ..chat.llm_results import style_of
from ..chat.partner_form import PartnerFields
from ..chat.partner_form import serialized_form
from ..chat.sending import retry_policy_for
from ..chat.settings import is_secret_name
from ..core import Runnable
from ..messages import AIMessage
from ..secret import MASK
from ..secret import is_secret_header
from ..secret import redact_url
from ..specs import LangSmithRule
from ..specs import ProviderSpec
from ..specs import spec
from .convert import StreamTranslator
from .convert import mark_last_attempt
from .convert import partner_id
from .convert import partner_metadata
from .convert import to_chatplex_messages
from .helper_stream import HelperPieces
from .helper_stream import helper_target
from .replies import ageneration_chunks
from .replies import amerged_result
from .replies import chat_result
from .replies import generation_chunks
from .replies import merged_result
from .replies import usage_closes
from .stream_call import astream_marked
from .stream_call import from_stream
from .stream_call import stream_marked
from .structured import call_format
from .structured import mark_parsed
from .tool_errors import partner_words
from .trace_versions import OWN

__all__ = ["ChatChatplex", "to_langchain"]


def _is_builtin_tool(tool: Any) -> bool:
    """An OpenAI built-in tool dict (`{"type": "web_search"}`), as `ChatOpenAI` reads it."""
    from ..chat.openai_model import is_builtin_tool  # only when tools are bound

    return is_builtin_tool(tool)


#: The settings LangChain's chat classes carry as fields (`llm.temperature`); so do
#: ChatChatplex and the drop-ins (`langchain/dropin.py`).
_FIELD_SETTINGS = ("temperature", "max_tokens", "top_p", "stop", "timeout", "max_retries")
#: Fields that configure the chatplex model (the rest configure LangChain's side).
_SETTINGS = (*_FIELD_SETTINGS, "api_key", "base_url")


#: The chatplex models ChatChatplex built from its own fields. LangChain copies a model
#: by building it again from its fields (`configurable_fields` does, with some changed):
#: given one of these with the fields, it is built again from them, not refused.
_FROM_FIELDS: weakref.WeakSet[Any] = weakref.WeakSet()


class ChatChatplex(BaseChatModel):
    """A LangChain chat model whose calls go through a chatplex chat model.

    Build it from a "provider:model" name and chatplex settings, as
    `init_chat_model` takes them (`rate_limit`, `extra_headers`, `default_headers`,
    `retry_policy`, provider extras...: anything not a field below is passed on):

        ChatChatplex(model="openai:gpt-4o-mini", temperature=0,
                     rate_limit={"requests_per_minute": 500})

    With no `model`, the model comes from the environment (`CHATPLEX_MODEL`) or a
    `chatplex.toml` profile, as `init_chat_model()` reads them (`chatplex_profile=` names
    the profile). Or wrap a chatplex model
    you already have (its settings stay its own): `ChatChatplex.from_model(model)`.

    Per call, `model=` switches the model name and `stop=`, `temperature=`, ... override
    settings; chatplex's typed errors (`chatplex.errors`) propagate unchanged.

    LangChain's spellings are taken as chatplex's `ChatOpenAI` / `ChatAnthropic` take
    them (one table, `chat/dropin.py`): `model_name=`, `openai_api_key=` /
    `anthropic_api_key=`, `max_completion_tokens=` / `max_tokens_to_sample=`,
    `request_timeout=` / `default_request_timeout=`, `openai_api_base=`, ...
    """

    model_config = ConfigDict(
        protected_namespaces=(),
        arbitrary_types_allowed=True,
        populate_by_name=True,
        # A validation error would quote the arguments (keys, a base URL's credentials).
        hide_input_in_errors=True,
    )

    model: str | None = None
    """The "provider:model" name (e.g. "anthropic:claude-haiku-4-5")."""
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    stop: list[str] | None = Field(default=None, alias="stop_sequences")
    timeout: float | None = None
    """Seconds for each HTTP attempt (chatplex's `timeout`)."""
    max_retries: int | None = None
    """Retries of transient failures (chatplex's default: 2)."""
    api_key: SecretStr | None = None
    base_url: str | None = None
    streaming: bool | None = False
    """Stream even on `invoke` (LangChain's switch; callbacks then see every token). A
    drop-in not given it reads as its partner's default (None: langchain-google-genai's)."""
    chatplex_profile: str | None = None
    """A named chatplex configuration profile (`init_chat_model(profile=...)`); the field
    `profile` is LangChain's (model capabilities)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Other chatplex settings and provider extras, passed to `init_chat_model`."""
    chatplex_model: Any = Field(default=None, exclude=True, repr=False)
    """The chatplex model the calls go through (built from the fields, or `from_model`)."""

    @model_validator(mode="before")
    @classmethod
    def _collect_settings(cls, values: Any) -> Any:
        """Keyword arguments that are not fields are chatplex settings: `model_kwargs`."""
        if not isinstance(values, dict):
            return values
        values = langchain_spellings(cls.__name__, values)
        if values.get("chatplex_model") in _FROM_FIELDS:
            del values["chatplex_model"]  # a copy made from the fields: rebuilt from them
        known = set(cls.model_fields) | {
            f.alias for f in cls.model_fields.values() if f.alias is not None
        }
        extra = {k: values.pop(k) for k in list(values) if k not in known}
        if extra:
            values["model_kwargs"] = {**values.get("model_kwargs", {}), **extra}
        return values

    @model_validator(mode="after")
    def _build(self) -> ChatChatplex:
        if self.chatplex_model is not None:
            given = [k for k in (*_SETTINGS, "chatplex_profile") if getattr(self, k) is not None]
            given += list(self.model_kwargs)
            if given:
                raise ValueError(
                    f"{', '.join(given)}: set these on the chatplex model passed to "
                    "from_model(), not on ChatChatplex"
                )
            if self.model is None:
                self.model = _model_name(self.chatplex_model)
            return self
        settings = {k: getattr(self, k) for k in _SETTINGS if getattr(self, k) is not None}
        if self.api_key is not None:
            settings["api_key"] = self.api_key.get_secret_value()
        settings.update(self.model_kwargs)
        # chatplex's own class: stream usage asked of every server (init_chat_model asks
        # only OpenAI's own host for it, as LangChain's does).
        settings.setdefault("stream_usage", True)
        self.chatplex_model = init_chat_model(self.model, profile=self.chatplex_profile, **settings)
        _FROM_FIELDS.add(self.chatplex_model)
        if self.model is None:  # from the environment or a profile: say which
            self.model = _model_name(self.chatplex_model)
        self._mask_credentials()
        return self

    @model_validator(mode="after")
    def _set_chatplex_version(self) -> ChatChatplex:
        # langchain-core names itself (and langchain) in every trace's `lc_versions`;
        # a partner class adds its package: this class adds what `_named_versions`
        # says. (`_add_version` is langchain-core's since 1.1; before, no versions.)
        add_version = getattr(self, "_add_version", None)
        if add_version is not None:
            for package, number in self._named_versions():
                add_version(package, number)
        return self

    def _named_versions(self) -> tuple[tuple[str, str], ...]:
        """The packages this class names in a trace's `lc_versions`: chatplex, whose
        class it is."""
        return OWN

    def _mask_credentials(self) -> None:
        """The chatplex model holds the credentials now (as `Secret`s): the fields keep
        them masked -- the base URL's user info and query credentials, credential headers
        and secret-named settings in `model_kwargs` -- so `repr`, `model_dump(_json)`,
        `langchain_core.load.dumps` and the `serialized` dict every callback and tracer
        (LangSmith) gets never hold them. (`api_key` is a `SecretStr`: masked already.)"""
        if self.base_url is not None:
            self.base_url = redact_url(self.base_url)
        if self.model_kwargs:
            self.model_kwargs = _masked(self.model_kwargs)

    @property
    def lc_secrets(self) -> dict[str, str]:
        """LangChain's secrets map (field -> environment variable): a serializer that
        supports it writes a reference to the variable, never the key."""
        return {"api_key": f"{self._wire.upper()}_API_KEY"}

    @classmethod
    def from_model(cls, model: Runnable[Any, AIMessage], **options: Any) -> ChatChatplex:
        """Wrap a chatplex chat model (`init_chat_model(...)`, a `FakeChatModel`, one
        with fallbacks...). `options` are LangChain-side fields only (`callbacks`, `tags`,
        `name`, `output_version`, `streaming`, `disable_streaming`...)."""
        if not isinstance(model, Runnable):
            raise TypeError(f"from_model() takes a chatplex chat model, got {type(model).__name__}")
        return cls(chatplex_model=model, **options)

    def __repr_args__(self) -> Any:
        # Extras may hold credentials (default_headers={"x-api-key": ...}): mask them.
        for name, value in super().__repr_args__():
            yield name, (_masked(value) if name == "model_kwargs" else value)

    # ---- identity, for LangChain's tracing ---------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "chatplex"

    @property
    def provider(self) -> str:
        """The wire API underneath ("openai", "anthropic", ...; of the primary model when
        the chatplex model has fallbacks)."""
        return self._wire

    @property
    def _wire(self) -> str:
        # What chatplex reads the wire by (a drop-in's `provider` may be its partner's field).
        return str(getattr(_primary(self.chatplex_model), "provider", None) or "chatplex")

    @property
    def model_name(self) -> str | None:
        """The model name sent to the provider (without the provider prefix); a drop-in's
        is its partner's field."""
        return self._sent_model_name

    @property
    def _sent_model_name(self) -> str:
        name = getattr(_primary(self.chatplex_model), "model", None)
        return name if isinstance(name, str) else (self.model or "").partition(":")[2]

    @property
    def _identifying_params(self) -> dict[str, Any]:
        # Never the key: these go to callbacks and traces.
        return {
            "model": self.model,
            "provider": self._wire,
            "model_name": self.model_name,
            "temperature": self._setting("temperature"),
            "max_tokens": self._setting("max_tokens"),
        }

    def _setting(self, name: str) -> Any:
        value = getattr(self, name, None)
        return value if value is not None else getattr(_primary(self.chatplex_model), name, None)

    def _ls_rule(self) -> tuple[str, LangSmithRule]:
        """The provider name the engine answers to and how its LangChain class reports
        LangSmith's metadata (its spec's `ls_rule`; LangChain's default when none)."""
        name = str(getattr(_primary(self.chatplex_model), "provider_label", self._wire))
        declared = spec(name)
        return name, declared.ls_rule if declared else LangSmithRule()

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """As the provider's LangChain class reports them: each read where its spec's
        `ls_rule` says (the call's keyword, else the model's setting, as the partner's
        field holds it: `PartnerFields.held`)."""
        engine = _primary(self.chatplex_model)
        name, rule = self._ls_rule()
        form = serialized_form(getattr(engine, "langchain_fields", None)) or PartnerFields()

        def setting(field: str) -> Any:
            return form.held(field, self._setting(field), engine)

        model = kwargs.get("model")
        if not model:
            found = (getattr(engine, attribute, None) for attribute in rule.model_attributes)
            model = next((v for v in found if v), None) or self._sent_model_name
            version = getattr(engine, rule.model_version, None) if rule.model_version else None
            if version and version not in model:
                model = f"{model}-{version.lstrip('-')}"
        params = LangSmithParams(
            ls_provider=ls_provider(name),  # as LangChain's class names it
            ls_model_name=model.removeprefix(rule.model_prefix),
            ls_model_type="chat",
        )
        temperature = kwargs["temperature"] if "temperature" in kwargs else setting("temperature")
        if temperature is not None or rule.temperature_unset:
            params["ls_temperature"] = temperature
        if rule.max_tokens_keyword is not None:
            max_tokens = kwargs.get(rule.max_tokens_keyword)
            if max_tokens is None and rule.max_tokens_setting:
                max_tokens = setting("max_tokens")
            if max_tokens:
                params["ls_max_tokens"] = max_tokens
        own_stop = self._setting("stop") if rule.stop_setting else None
        call_stop = stop or kwargs.get("stop") or own_stop
        if call_stop:
            params["ls_stop"] = [call_stop] if isinstance(call_stop, str) else list(call_stop)
        if rule.invocation:
            invoked = {key: attrgetter(attr)(engine) for key, attr in rule.invocation}
            params["ls_invocation_params"] = {k: v for k, v in invoked.items() if v is not None}  # type: ignore[typeddict-unknown-key]
        return params

    # ---- tools -------------------------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> LCRunnable[LanguageModelInput, LCAIMessage]:
        """Offer tools (LangChain tools, functions, pydantic/TypedDict classes, OpenAI or
        Anthropic tool dicts). `tool_choice`: "auto", "none", "any"/"required", True, a
        tool name or a provider's tool-choice dict. Checked now, as chatplex checks them."""
        builtin = [t for t in tools if isinstance(t, dict) and _is_builtin_tool(t)]
        if builtin and self._builtin_tools() is not None:
            # Built-in tools (web_search, file_search...) its wire knows: sent, or switched to.
            return self._with_builtin_tools(builtin)._bind_functions(
                [t for t in tools if not _is_builtin_tool(t)], tool_choice, kwargs
            )
        return self._bind_functions(tools, tool_choice, kwargs)

    def _bind_functions(
        self, tools: Sequence[Any], tool_choice: Any, kwargs: dict[str, Any]
    ) -> LCRunnable[LanguageModelInput, LCAIMessage]:
        formatted: list[dict[str, Any]] = []
        seen: set[str] = set()
        # `strict=True`: OpenAI's strict function schemas, made as langchain-openai makes them.
        strict = kwargs.pop("strict", None)
        for tool in tools:
            spec = convert_to_openai_tool(tool, strict=strict)
            control = given_cache_control(tool)
            if control is not None:
                # An Anthropic tool dict's (or a LangChain tool's `extras`) prompt-cache
                # breakpoint, which the OpenAI form drops: kept beside it (`to_tool_specs`
                # reads it; the wires without prompt caching ignore it), as
                # langchain-anthropic sends it.
                spec = {**spec, "cache_control": control}
            key = json.dumps(_untitled(spec), sort_keys=True, default=str)
            if key not in seen:  # a class and its JSON schema are one tool, not two
                seen.add(key)
                formatted.append(spec)
        specs = to_tool_specs(formatted)  # a bad tool fails here, not as a provider's 400
        builtin = self.chatplex_model.extra_body.get("tools") if self._on_responses() else None
        if isinstance(tool_choice, str) and tool_choice in {t["type"] for t in builtin or ()}:
            kwargs["tool_choice"] = tool_choice  # a built-in tool, by its type
        else:
            choice = normalise_tool_choice(tool_choice, specs)
            if choice is not None:
                kwargs["tool_choice"] = choice
        if kwargs.get("parallel_tool_calls") is not None:
            kwargs.update(_parallel_calls(self.chatplex_model, kwargs))
        return self.bind(tools=formatted, **kwargs)

    def configurable_fields(self, **kwargs: Any) -> LCRunnableSerializable[Any, Any]:
        """LangChain's, reading a partner class's field names (`model_name`...) as the
        fields they stand for (`LANGCHAIN_ALIASES`), and chatplex's `ConfigurableField`s
        (`from chatplex import ConfigurableField`) as LangChain's, the only ones its
        per-call step reads."""
        fields = {
            (key if key in type(self).model_fields else LANGCHAIN_ALIASES.get(key, key)): (
                _langchain_field(field)
            )
            for key, field in kwargs.items()
        }
        return super().configurable_fields(**fields)

    def with_structured_output(
        self,
        schema: Any = None,
        *,
        method: str | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> LCRunnable[LanguageModelInput, Any]:
        """Replies parsed into `schema`. `method`: "function_calling", "json_schema" or
        "json_mode"; by default the chatplex model's own (its adapter's, e.g.
        "json_schema" on a wire that cannot force a tool), else LangChain's
        "function_calling". See `chatplex.langchain.structured`."""
        from .structured import structured_output

        return structured_output(
            self,
            _primary(self.chatplex_model),
            schema,
            method=method,
            include_raw=include_raw,
            strict=strict,
            kwargs=kwargs,
            missing_call_raises=not self._under_partner_name,
        )

    def _builtin_tools(self) -> str | None:
        """What built-in tool dicts are to the chatplex model's wire (its adapter's
        `builtin_tools`, read through a binding too); None for a model without one
        (fallbacks, a fake)."""
        adapter = _adapter_of(self.chatplex_model)
        return adapter.builtin_tools if adapter is not None else None

    def _on_responses(self) -> bool:
        return self._builtin_tools() == "sent"

    def _with_builtin_tools(self, builtin: list[dict[str, Any]]) -> ChatChatplex:
        """A copy whose chatplex model sends `builtin` in the Responses API's `tools`
        (a `ChatOpenAI` switches to that API, as langchain-openai does)."""
        from ..providers.openai.dropin import ChatOpenAI as Engine  # only models given such tools

        inner = self.chatplex_model
        if isinstance(inner, Engine):
            switched = inner.bind_tools(builtin)
        elif self._on_responses():
            switched = inner.bind(extra_body={"tools": [dict(t) for t in builtin]})
        else:
            kinds = ", ".join(sorted(str(t["type"]) for t in builtin))
            raise ValueError(
                f"built-in tools ({kinds}) need the OpenAI Responses API: use "
                "ChatOpenAI, or a model of provider 'openai_responses'"
            )
        return self.model_copy(update={"chatplex_model": switched})

    # ---- calls -------------------------------------------------------------------------

    def _target(
        self, stop: list[str] | None, kwargs: dict[str, Any]
    ) -> tuple[str, Runnable[Any, Any]]:
        """The model name called and the chatplex model for this call, and (in `kwargs`)
        its per-call settings."""
        target = cast("Runnable[Any, Any]", self.chatplex_model)
        name = kwargs.pop("model", None)
        if name is not None and name != self._sent_model_name:
            target = _with_model_name(target, name)
        target = _for_call(target, kwargs)
        kwargs.pop("stream", None)  # LangChain's switch, not a setting
        choice = kwargs.get("tool_choice")
        if choice is not None and not isinstance(choice, str):
            # bind(tool_choice={...}) without bind_tools: the one spelling chatplex sends.
            specs = to_tool_specs(kwargs.get("tools") or [])
            kwargs["tool_choice"] = normalise_tool_choice(choice, specs)
        if stop is not None:
            kwargs["stop"] = stop
        if "cache" not in kwargs:  # LangChain's caches are LangChain's to run
            kwargs["cache"] = cache_under_langchain(getattr(_primary(target), "cache", None))
        _refuse_partner_keywords(_primary(target), kwargs)
        _partner_max_tokens(_primary(target), kwargs)
        call_format(_primary(target), kwargs)  # an agent's response_format, as the wire spells it
        return (name if isinstance(name, str) and name else self._sent_model_name), target

    #: Whether this class stands under a partner's name (a drop-in, `dropin.py`) and so
    #: behaves as the partner class where chatplex's own name behaves as chatplex's:
    #: - a reply that names no model is left so (ChatChatplex adds LangChain's standard
    #:   `response_metadata["model_name"]`, the model called, which some wires lack);
    #: - replies and chunks carry only the response_metadata keys the wire's partner
    #:   package writes (`convert.partner_metadata`), where ChatChatplex keeps chatplex's;
    #: - `with_structured_output(method="function_calling")` gives None for a reply
    #:   without the call, as every partner's parser does, where ChatChatplex raises
    #:   `OutputParserException` (never a silent None);
    #: - `stream()` / `astream()` skip chatplex's reply cache, as LangChain's
    #:   `BaseChatModel.stream` skips every cache (an invoke, streaming underneath or not,
    #:   is still answered from it), where ChatChatplex answers a cached prompt's stream
    #:   from the cache.
    _under_partner_name: ClassVar[bool] = False

    def _named(self, called: str) -> str | None:
        return None if self._under_partner_name else called

    def _generate(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        called, target = self._target(stop, kwargs)
        if _invoke_streams(target):
            pieces = self._pieces(messages, (called, target), kwargs)
            merged = merged_result(pieces, run_manager, self._token_kwargs(target))
            return self._as_partner(merged, target, kwargs)
        reply = target.invoke(to_chatplex_messages(messages), _INSIDE_LANGCHAIN, **kwargs)
        return self._as_partner(chat_result(reply, self._named(called)), target, kwargs)

    def _token_kwargs(self, target: Any) -> dict[str, Any]:
        """What a streaming invoke's partner gives each token's hook beside the piece
        (`ProviderSpec.invoke_token_verbose`)."""
        declared = _declared_spec(target)
        return {"verbose": self.verbose} if declared and declared.invoke_token_verbose else {}

    def _combine_llm_outputs(self, llm_outputs: list[dict[str, Any] | None], /) -> dict[str, Any]:
        # `generate()`'s llm_output: langchain-openai combines its rows' (each names its
        # provider); rows that do not name theirs, as the wire's partner class combines
        # them (langchain-groq's, langchain-mistralai's), else LangChain's empty one.
        if any(o and partner_style(o) == "chat_completions" for o in llm_outputs):
            return combine_llm_outputs(llm_outputs)
        engine = _primary(self.chatplex_model)
        return combine_shaped_outputs(
            llm_outputs, style_of(getattr(engine, "provider_label", None) or self._wire)
        )

    def _as_partner(
        self, result: ChatResult, target: Runnable[Any, Any], settings: dict[str, Any]
    ) -> ChatResult:
        """A reply's LangChain message as its wire's partner package makes it: `parsed`
        beside a response_format reply, an invalid call's error in its words, botocore's
        mark of a reply on the last attempt allowed, and (a drop-in's) the partner's id and
        response_metadata keys only."""
        engine = _primary(target)
        # A wire's adapter declares its partner's words (None: chatplex's own).
        adapter = _adapter_of(engine)
        words = adapter.invalid_arguments_words if adapter is not None else None
        result = partner_words(mark_parsed(result, engine, settings), words)
        allowed = _allowed_attempts(engine)
        # A reply of chatplex's own cache keeps its id: a hit shows the reply it repeats
        # (LangChain's caches keep the id LangChain gave the first).
        cached = settings.get("cache") not in (None, False)
        for generation in result.generations:
            message = generation.message
            metadata = mark_last_attempt(message.response_metadata, allowed)
            if self._under_partner_name:
                wire = metadata.get("provider") or metadata.get("model_provider")
                message.id = message.id if cached else partner_id(message.id, wire)
                metadata = partner_metadata(metadata)
            message.response_metadata = metadata
        return result

    async def _agenerate(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        called, target = self._target(stop, kwargs)
        if _invoke_streams(target):
            apieces = self._apieces(messages, (called, target), kwargs)
            merged = await amerged_result(apieces, run_manager, self._token_kwargs(target))
            return self._as_partner(merged, target, kwargs)
        reply = await target.ainvoke(to_chatplex_messages(messages), _INSIDE_LANGCHAIN, **kwargs)
        return self._as_partner(chat_result(reply, self._named(called)), target, kwargs)

    def _should_stream(
        self,
        *,
        async_api: bool,
        run_manager: CallbackManagerForLLMRun | AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> bool:
        streams = super()._should_stream(async_api=async_api, run_manager=run_manager, **kwargs)
        if not streams or not _json_format(kwargs.get("response_format")):
            return streams
        # A wire whose partner makes JSON-format calls whole (Groq refuses to stream them).
        adapter = _primary(self.chatplex_model).adapter
        return adapter is None or adapter.streams_json_format

    def stream(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[LCAIMessageChunk]:
        chunks = super().stream(input, config, stop=stop, **kwargs)
        return stream_marked(self, chunks) if self._under_partner_name else chunks

    def astream(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[LCAIMessageChunk]:
        chunks = super().astream(input, config, stop=stop, **kwargs)
        return astream_marked(self, chunks) if self._under_partner_name else chunks

    def _stream(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        # LangChain reports each token to the callbacks itself (and adds the closing
        # chunk_position="last" chunk: the engine adds none inside it), so this only
        # translates.
        if from_stream(self):
            kwargs.setdefault("cache", False)
        yield from self._pieces(messages, self._target(stop, kwargs), kwargs)

    def _pieces(
        self, messages: list[LCBaseMessage], call: _Call, kwargs: dict[str, Any]
    ) -> Iterator[ChatGenerationChunk]:
        """The stream of the model `call` names (`_target`'s) as LangChain's pieces."""
        target, history, translate = self._translating(messages, call, kwargs)
        helper = helper_target(target, kwargs) if self._under_partner_name else None
        chunks = (helper or target).stream(history, _INSIDE_LANGCHAIN, **kwargs)
        return generation_chunks(
            chunks,
            translate,
            hold=usage_closes(target),
            helper=None if helper is None else HelperPieces(kwargs),
        )

    def _translating(
        self, messages: list[LCBaseMessage], call: _Call, kwargs: dict[str, Any]
    ) -> tuple[Runnable[Any, Any], list[Any], StreamTranslator]:
        """What a stream of `call` needs: its model, the history in chatplex's messages
        and the translator of its chunks into LangChain's."""
        called, target = call
        translate = StreamTranslator(
            blocks=_blocks_requested(target, kwargs, messages),
            model_name=self._named(called),
            partner=self._under_partner_name,
        )
        return target, to_chatplex_messages(messages), translate

    async def _astream(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        if from_stream(self):
            kwargs.setdefault("cache", False)
        async for piece in self._apieces(messages, self._target(stop, kwargs), kwargs):
            yield piece

    def _apieces(
        self, messages: list[LCBaseMessage], call: _Call, kwargs: dict[str, Any]
    ) -> AsyncIterator[ChatGenerationChunk]:
        """`_pieces` of an async stream."""
        target, history, translate = self._translating(messages, call, kwargs)
        helper = helper_target(target, kwargs) if self._under_partner_name else None
        chunks = (helper or target).astream(history, _INSIDE_LANGCHAIN, **kwargs)
        return ageneration_chunks(
            chunks,
            translate,
            hold=usage_closes(target),
            helper=None if helper is None else HelperPieces(kwargs),
        )


#: chatplex's configurable fields by name -> LangChain's (the same fields, in order).
_LANGCHAIN_FIELDS: dict[str, type[Any]] = {
    "ConfigurableField": LCConfigurableField,
    "ConfigurableFieldSingleOption": LCSingleOption,
    "ConfigurableFieldMultiOption": LCMultiOption,
}


def _langchain_field(field: Any) -> Any:
    """`field` as LangChain's class of that name (a chatplex one is a NamedTuple of the
    same fields); anything else as it is."""
    kind = _LANGCHAIN_FIELDS.get(type(field).__name__)
    if kind is None or isinstance(field, kind) or not hasattr(field, "_asdict"):
        return field
    return kind(**field._asdict())


#: A call's model name and the chatplex model that answers it (`ChatChatplex._target`).
_Call = tuple[str, Runnable[Any, Any]]

#: The config of the wrapped model's call: LangChain reports this call to its handlers
#: and tracer itself, so process-wide tracers LangChain covers (LangSmith) skip it
#: (`chatplex.core.tracers`); copied by every call, never changed.
_INSIDE_LANGCHAIN: Any = {"_traced_by": "langchain"}


def langchain_spellings(owner: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` with LangChain's other names for settings (`LANGCHAIN_ALIASES`) under
    chatplex's; a setting given twice with two values is a TypeError (which never shows a
    key's value)."""
    out = dict(values)
    for alias in [k for k in values if k in LANGCHAIN_ALIASES]:
        setting = LANGCHAIN_ALIASES[alias]
        given, value = out.get(setting), out.pop(alias)
        if is_secret_name(setting):
            if given is not None and value is not None and _raw(given) != _raw(value):
                raise TypeError(f"{owner} got {setting}= and {alias}=: pass one of them")
            out[setting] = given if given is not None else value
        else:
            out[setting] = pick(owner, **{setting: given, alias: value})
    return out


def _raw(secret: Any) -> Any:
    reveal = getattr(secret, "get_secret_value", None) or getattr(secret, "get", None)
    return reveal() if callable(reveal) else secret


def to_langchain(model: Runnable[Any, AIMessage], **options: Any) -> ChatChatplex:
    """`ChatChatplex.from_model(model, **options)`: a chatplex model for LangChain."""
    return ChatChatplex.from_model(model, **options)


def _masked(value: Any, key: str = "", extra: frozenset[str] = frozenset()) -> Any:
    """Settings with credentials masked: secret-named settings, credential headers (and
    the `secret_headers=` the settings name), and credentials in URLs."""
    if key and (is_secret_name(key) or is_secret_header(key, extra)):
        return MASK
    if isinstance(value, dict):
        names = value.get("secret_headers")
        if isinstance(names, str):
            names = (names,)
        if isinstance(names, (list, tuple, set, frozenset)):
            extra = extra | {str(n).lower() for n in names}
        return {k: _masked(v, str(k), extra) for k, v in value.items()}
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return value


def _untitled(node: Any) -> Any:
    """A schema without pydantic's generated `title`s (which differ between a class and
    its `model_json_schema()`), to compare tools."""
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    if not isinstance(node, dict):
        return node
    return {k: _untitled(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}


def _allowed_attempts(engine: Any) -> int | None:
    """The attempts in all the retry policy of the chatplex model `engine` allows."""
    if not isinstance(engine, ChatModel):
        return None
    allowed = getattr(retry_policy_for(engine).stop, "max_attempt_number", None)
    return allowed if isinstance(allowed, int) else None


def _primary(model: Any) -> Any:
    """The chat model inside wrappers (fallbacks, retries, bindings), for its name only."""
    for _ in range(8):
        if isinstance(getattr(model, "model", None), str):
            return model
        inner = getattr(model, "runnable", None) or getattr(model, "bound", None)
        if inner is None:
            break
        model = inner
    return model


def _json_format(response_format: Any) -> bool:
    """Whether a call's `response_format` asks for JSON (json_schema or json_object)."""
    return isinstance(response_format, dict) and response_format.get("type") in (
        "json_schema",
        "json_object",
    )


def _invoke_streams(target: Any) -> bool:
    """Whether the wire's partner class streams its `invoke` (`ProviderSpec.invoke_streams`)."""
    declared = _declared_spec(target)
    return declared is not None and declared.invoke_streams


def _declared_spec(target: Any) -> ProviderSpec | None:
    """The spec of the wire `target` calls (None for a runnable that names none)."""
    provider = getattr(_primary(target), "provider", None)
    return spec(provider) if isinstance(provider, str) else None


def _parallel_calls(engine: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What `bind_tools(parallel_tool_calls=...)` binds: the body fields the wire's
    partner sends for it (`Adapter.parallel_tool_calls_body`), in `extra_body` where they
    are not the Chat Completions parameter (Anthropic's `disable_parallel_tool_use` in
    its `tool_choice`), which is bound as given."""
    parallel = kwargs.pop("parallel_tool_calls")
    choice = kwargs.get("tool_choice")
    body = tool_call_body(
        _adapter_of(engine), parallel, choice if isinstance(choice, str) else None
    )
    if body == {"parallel_tool_calls": parallel}:
        return body
    return {
        "extra_body": {**getattr(engine, "extra_body", {}), **kwargs.get("extra_body", {}), **body}
    }


def _refuse_partner_keywords(engine: Any, kwargs: Mapping[str, Any]) -> None:
    """A drop-in's call with a keyword its partner package refuses before any request
    raises the partner's TypeError (its wire's `Adapter.partner_refused_keywords`)."""
    adapter = _adapter_of(engine)
    if adapter is None or not (isinstance(engine, ChatModel) and engine.partner_words):
        return
    for name, words in adapter.partner_refused_keywords.items():
        if name in kwargs:
            raise TypeError(words)


def _partner_max_tokens(engine: Any, kwargs: dict[str, Any]) -> None:
    """A drop-in call's own `max_tokens` in the body field its partner sends it as
    (`Adapter.call_max_tokens_field`), beside the model's setting as the wire sends it
    (as the partner sends both)."""
    adapter = _adapter_of(engine)
    field = None if adapter is None else adapter.call_max_tokens_field
    if field is None or kwargs.get("max_tokens") is None:
        return
    if not (isinstance(engine, ChatModel) and engine.partner_words):
        return
    body = kwargs.get("extra_body")
    kwargs["extra_body"] = {**(body or {}), field: kwargs.pop("max_tokens")}


def _adapter_of(model: Any) -> Adapter | None:
    """The wire adapter of a chatplex model (read through a binding, which passes its
    attributes on); None for a model without one (fallbacks, a fake, a foreign runnable)."""
    adapter = getattr(model, "adapter", None)
    return adapter if isinstance(adapter, Adapter) else None


def _model_name(model: Any) -> str | None:
    model = _primary(model)
    provider, name = getattr(model, "provider", None), getattr(model, "model", None)
    # The name users gave where it is not the wire's ("azure_openai" and the OpenAI-compatible
    # presets speak "openai"): the model's `provider_label`, else the adapter's registry name.
    label = getattr(model, "provider_label", None)
    adapter = _adapter_of(model)
    provider = label or (adapter.registry_name if adapter is not None else None) or provider
    if isinstance(provider, str) and isinstance(name, str):
        return f"{provider}:{name}"
    return None


def _with_model_name(target: Runnable[Any, Any], name: str) -> Runnable[Any, Any]:
    if not isinstance(name, str) or not name:
        raise ValueError(f"model must be a non-empty model name, got {name!r}")
    if not isinstance(target, ChatModel):
        raise TypeError(
            f"model={name!r} per call needs a chatplex ChatModel underneath, "
            f"not {type(target).__name__}"
        )
    # A shallow copy, as ChatModel.bind makes: same adapter and pools, another model name
    # (so the rate-limit budget is that model's too).
    clone = copy.copy(target)
    clone.model = name
    return clone


def _for_call(target: Runnable[Any, Any], kwargs: dict[str, Any]) -> Runnable[Any, Any]:
    """`target`, or a shallow copy over the adapter this call's settings need
    (`Adapter.for_call`)."""
    if not isinstance(target, ChatModel) or target.adapter is None:
        return target
    adapter = target.adapter
    own = adapter.for_call(kwargs)
    if own is adapter:
        return target
    clone = copy.copy(target)
    clone.adapter = own
    return clone


def _blocks_requested(
    target: Any, kwargs: dict[str, Any], messages: Sequence[LCBaseMessage]
) -> bool:
    """Whether LangChain's ChatAnthropic would stream this request's text as blocks: with
    tools, MCP servers, thinking on, or cited documents in it (its `_tools_in_params`,
    `_thinking_in_params`, `_documents_in_params`). Only Anthropic streams read it."""
    body: dict[str, Any] = {}
    for source in (getattr(_primary(target), "extra_body", None), kwargs):
        if isinstance(source, dict):
            body.update(source)
            for key in ("model_kwargs", "extra_body"):
                if isinstance(source.get(key), dict):
                    body.update(source[key])
    if body.get("tools") or body.get("mcp_servers"):
        return True
    if getattr(_primary(target), "tools", None):  # bound on the engine (a forced tool)
        return True
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
        return True
    return any(
        isinstance(block, dict)
        and block.get("type") == "document"
        and isinstance(block.get("citations"), dict)
        and bool(block["citations"].get("enabled"))
        for message in messages
        if isinstance(message.content, list)
        for block in message.content
    )
