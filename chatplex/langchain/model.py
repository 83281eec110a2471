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

import inspect
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import ClassVar
from typing import Self

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
from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables import RunnableConfig as LCRunnableConfig
from langchain_core.runnables import RunnableSerializable as LCRunnableSerializable
from langchain_core.tools import BaseTool
from pydantic import ConfigDict
from pydantic import Field
from pydantic import PrivateAttr
from pydantic import SecretStr
from pydantic import model_validator

from ..chat.combined_outputs import combine_llm_outputs
from ..chat.combined_outputs import combine_shaped_outputs
from ..chat.combined_outputs import combined_keys
from ..chat.llm_results import combining_style
from ..chat.llm_results import is_kind
from ..chat.llm_results import partner_style
from ..chat.model import ChatModel
from ..chat.partner_record import PartnerClass
from ..core import Runnable
from ..messages import AIMessage
from ..secret import Secret
from ..secret import is_secret_name
from ..secret.arguments import hold_keys
from ..secret.urls import redact_url
from .batching import CutBatches
from .batching import abatch_keeping_finished
from .batching import batch_of
from .deadline import DeadlineOfV3Streams
from .deadline import adeadline_pieces
from .deadline import deadline_pieces
from .deadline import run_deadline
from .from_langchain import foreign_replies_as_blocks
from .generation import Generation
from .settings_fields import LANGCHAIN_ALIASES
from .settings_fields import build
from .settings_fields import collect_settings
from .settings_fields import langchain_field
from .settings_fields import masked
from .stream_call import astream_marked
from .stream_call import stream_marked
from .tool_binding import bind_tools
from .trace_params import invocation_params
from .trace_params import ls_params
from .trace_versions import OWN
from .traits import partner_traits
from .wrapped import adapter_of
from .wrapped import primary

__all__ = ["ChatChatplex", "to_langchain"]


class ChatChatplex(DeadlineOfV3Streams, CutBatches, BaseChatModel):
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

    def __init__(self, **kwargs: Any) -> None:
        # Before langchain-core's constructor (`Serializable.__init__`, whose keyword
        # locals a traceback shows) is handed them: keys held (the field's `SecretStr`),
        # headers masked. A base URL goes back to the `str` its field takes: masked once
        # the model is built (`_mask_credentials`), not before.
        hold_keys(kwargs, is_secret_name)
        for name, value in kwargs.items():  # under any spelling (`openai_api_key`...)
            setting = LANGCHAIN_ALIASES.get(name, name)
            if isinstance(value, Secret) and setting == "api_key":
                kwargs[name] = SecretStr(value.get())
            elif isinstance(value, Secret) and setting == "base_url":
                kwargs[name] = value.get()
        super().__init__(**kwargs)

    @model_validator(mode="before")
    @classmethod
    def _collect_settings(cls, values: Any) -> Any:
        """Keyword arguments that are not fields are chatplex settings: `model_kwargs`."""
        if not isinstance(values, dict):
            return values
        return collect_settings(cls, values)

    @model_validator(mode="after")
    def _build(self) -> ChatChatplex:
        build(self)
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
            self.model_kwargs = masked(self.model_kwargs, keys=self._keys())

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
            yield name, (masked(value, keys=self._keys()) if name == "model_kwargs" else value)

    def _keys(self) -> frozenset[Secret]:
        """The model's key, held: a setting carrying it is masked."""
        return frozenset([Secret(self.api_key.get_secret_value())] if self.api_key else [])

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
        return str(getattr(primary(self.chatplex_model), "provider", None) or "chatplex")

    @property
    def model_name(self) -> str | None:
        """The model name sent to the provider (without the provider prefix); a drop-in's
        is its partner's field."""
        return self._sent_model_name

    @property
    def _sent_model_name(self) -> str:
        name = getattr(primary(self.chatplex_model), "model", None)
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

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """LangChain's: what callbacks get as `invocation_params` (and its cache key)."""
        return self._langchain_invocation_params(self._identifying_params, stop, kwargs)

    def _langchain_invocation_params(
        self, identifying: dict[str, Any], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        """LangChain's invocation params of a call (`trace_params.invocation_params`);
        through LangChain's `dict()` where a subclass has a `dict()` or `asdict()` of
        its own."""
        params = invocation_params(self, identifying, stop, kwargs)
        if params is None:
            return super()._get_invocation_params(stop=stop, **kwargs)
        return params

    def _setting(self, name: str, engine: Any = None) -> Any:
        """This model's setting `name`, else its chat model's (`engine`, where the caller
        has found it: `primary`)."""
        value = getattr(self, name, None)
        if value is not None:
            return value
        return getattr(primary(self.chatplex_model) if engine is None else engine, name, None)

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """As the provider's LangChain class reports them (`trace_params.ls_params`)."""
        return ls_params(self, stop, kwargs)

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
        return bind_tools(self, tools, tool_choice, kwargs)

    def configurable_fields(self, **kwargs: Any) -> LCRunnableSerializable[Any, Any]:
        """LangChain's, reading a partner class's field names (`model_name`...) as the
        fields they stand for (`LANGCHAIN_ALIASES`), and chatplex's `ConfigurableField`s
        (`from chatplex import ConfigurableField`) as LangChain's, the only ones its
        per-call step reads."""
        fields = {
            (key if key in type(self).model_fields else LANGCHAIN_ALIASES.get(key, key)): (
                langchain_field(field)
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
        "function_calling". A drop-in sends its partner class's request. See
        `chatplex.langchain.structured`."""
        from .structured import structured_output

        return structured_output(
            self, schema, method=method, include_raw=include_raw, strict=strict, kwargs=kwargs
        )

    # ---- calls -------------------------------------------------------------------------

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
    #: The partner class it stands in for (a drop-in's record, `langchain/dropin.py`);
    #: None: chatplex's own class.
    _record: ClassVar[PartnerClass | None] = None

    _engine_given: bool = PrivateAttr(default=False)
    """Whether this copy was given its chat model (`model_copy(update={"chatplex_model":
    ...})`: `with_structured_output`'s forcing one), which its fields cannot build."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        if update and "chatplex_model" in update:
            copied._engine_given = True
        return copied

    def _refresh(self) -> None:
        """The chat model built again where a setting it was built from has changed
        since, in place (`llm.model_kwargs["seed"] = 3`: a partner reads its fields at
        each request). ChatChatplex's is built once: none."""

    def _changed_in_place(self) -> bool:
        """Whether a value its settings hold has changed in place since its chat model
        was built (an assignment builds it again at once). ChatChatplex's: never."""
        return False

    def _before_call(self) -> None:
        """Asked before each call: the chat model as its settings now say (`_refresh`),
        unless this copy was given its chat model."""
        # (Read in pydantic's store: as an attribute, a private one is a failed lookup
        # and `__getattr__` calls first, at every request.)
        private = self.__pydantic_private__
        given = private is not None and private.get("_engine_given", False)
        if not given and self._changed_in_place():
            self._refresh()

    def _generation(
        self, messages: list[LCBaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Generation:
        """One call's generation, of `messages` as its partner reads them (another
        provider's reply as LangChain's v1 blocks, where its partner reads it so)."""
        own = partner_traits(adapter_of(primary(self.chatplex_model))).own_reply_providers
        return Generation(self, foreign_replies_as_blocks(messages, own), stop, kwargs)

    def _generate(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._before_call()
        return self._generation(messages, stop, kwargs).generate(run_manager)

    def _combine_llm_outputs(self, llm_outputs: list[dict[str, Any] | None], /) -> dict[str, Any]:
        # `generate()`'s llm_output: langchain-openai combines its rows' (each names its
        # provider); rows that do not name theirs, as the wire's partner class combines
        # them (langchain-openai's for its Responses API's rows too, which carry none;
        # a preset's partner by its `llm_output` style), else LangChain's empty one.
        engine = primary(self.chatplex_model)
        record = self._record
        style = (record and record.combined_output) or combining_style(
            getattr(engine, "provider_label", None) or self._wire
        )
        # (The drop-in's own style first: it answers without reading every row.)
        if (self._under_partner_name and is_kind(style, "chat_completions")) or any(
            o and is_kind(partner_style(o), "chat_completions") for o in llm_outputs
        ):
            combined = combine_llm_outputs(llm_outputs)
        else:
            combined = combine_shaped_outputs(llm_outputs, style)
        if self._under_partner_name and "model_name" in combined:
            # Those partners write their own field, not a row's (langchain-fireworks'
            # rows have none; an AzureChatOpenAI named by its deployment has None).
            combined["model_name"] = getattr(self, "model_name", combined["model_name"])
        if self._under_partner_name and "service_tier" in combined_keys(style):
            # ... and their model's tier, where they have one (a cached row has none).
            tier = getattr(self, "service_tier", None)
            combined.pop("service_tier", None)
            if tier:
                combined["service_tier"] = tier
        return combined

    def batch(
        self,
        inputs: list[LanguageModelInput],
        config: LCRunnableConfig | list[LCRunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[LCAIMessage]:
        # LangChain's, with the replies that had finished kept on the error raised, and
        # its calls cut on Ctrl-C.
        return batch_of(self, inputs, config, return_exceptions, kwargs)

    async def abatch(
        self,
        inputs: list[LanguageModelInput],
        config: LCRunnableConfig | list[LCRunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[LCAIMessage]:
        if return_exceptions or not inputs:
            return await super().abatch(
                inputs, config, return_exceptions=return_exceptions, **kwargs
            )
        return await abatch_keeping_finished(self, inputs, config, kwargs)

    async def _agenerate(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self._async_through_sync("_generate"):
            return await super()._agenerate(messages, stop, run_manager, **kwargs)
        self._before_call()
        return await self._generation(messages, stop, kwargs).agenerate(run_manager)

    def _async_through_sync(self, method: str) -> bool:
        """Whether an async call runs the sync `method` in a thread, as LangChain runs
        the partner's where that class has no async path of its own: only where a
        script's subclass overrides `method` (else the engine's async path makes the
        same call)."""
        if getattr(type(self), method) is getattr(ChatChatplex, method):
            return False
        record = self._record
        return self._under_partner_name and record is not None and record.async_through_sync

    def _should_stream(
        self,
        *,
        async_api: bool,
        run_manager: CallbackManagerForLLMRun | AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> bool:
        streams = super()._should_stream(async_api=async_api, run_manager=run_manager, **kwargs)
        # Tools bound on the engine (with_structured_output's forced tool) are tools too:
        # `disable_streaming="tool_calling"` makes that call whole, as the partner's.
        if streams and self.disable_streaming == "tool_calling":
            engine = primary(self.chatplex_model)
            streams = not (isinstance(engine, ChatModel) and engine.tools)
        if not streams or not _json_format(kwargs.get("response_format")):
            return streams
        # A wire whose partner makes JSON-format calls whole (its provider refuses to
        # stream them).
        return partner_traits(primary(self.chatplex_model).adapter).streams_json_format

    def invoke(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> LCAIMessage:
        with run_deadline(config):  # the run config's `timeout`, as chatplex's (deadline.py)
            return super().invoke(input, config, stop=stop, **kwargs)

    async def ainvoke(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> LCAIMessage:
        with run_deadline(config):
            return await super().ainvoke(input, config, stop=stop, **kwargs)

    def stream(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[LCAIMessageChunk]:
        chunks = deadline_pieces(config, super().stream(input, config, stop=stop, **kwargs))
        return stream_marked(self, chunks) if self._under_partner_name else chunks

    def astream(
        self,
        input: LanguageModelInput,
        config: LCRunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[LCAIMessageChunk]:
        chunks = adeadline_pieces(config, super().astream(input, config, stop=stop, **kwargs))
        return astream_marked(self, chunks) if self._under_partner_name else chunks

    def _stream(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        # A generator: the call is made when LangChain first asks for a piece.
        self._before_call()
        yield from self._generation(messages, stop, kwargs).stream(run_manager)

    async def _astream(
        self,
        messages: list[LCBaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        self._before_call()
        if self._async_through_sync("_stream"):
            pieces = super()._astream(messages, stop, run_manager, **kwargs)
        else:
            pieces = self._generation(messages, stop, kwargs).astream(run_manager)
        async for piece in pieces:
            yield piece


# LangChain asks `inspect.signature` whether `_generate` / `_agenerate` take a
# `run_manager` on every call (16 µs, a tenth of its own cost around a call; 4 µs once
# stated): the answer is each function's own, stated once. (A subclass's override has
# its own.)
for _hook in (ChatChatplex._generate, ChatChatplex._agenerate):
    vars(_hook)["__signature__"] = inspect.signature(_hook)


def to_langchain(model: Runnable[Any, AIMessage], **options: Any) -> ChatChatplex:
    """`ChatChatplex.from_model(model, **options)`: a chatplex model for LangChain."""
    return ChatChatplex.from_model(model, **options)


def _json_format(response_format: Any) -> bool:
    """Whether a call's `response_format` asks for JSON (json_schema or json_object)."""
    return isinstance(response_format, dict) and response_format.get("type") in (
        "json_schema",
        "json_object",
    )
