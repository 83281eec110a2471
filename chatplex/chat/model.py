"""`ChatModel`: the Runnable that turns messages into a reply through an adapter.

The model owns settings and the call protocol (input coercion, callbacks, streaming,
batching); the adapter owns the wire format; the http layer owns I/O. Every method is
defined here; each call's work is done by collaborators that take values, not the model:
`_prepare` describes the call as a `Call` (`chat/call.py`: the model it is sent with --
its wire and bounds --, the messages, the settings, the config, its callback run), which
the Runnable hooks (`_invoke`, `_stream`...) hand to `chat/run_hooks.py`; the four
`_send*` hooks reach the http layer through `chat/send_hooks.py` and `chat/sending.py`
(the request for a call, its retries, budget, reply cache and price), which read the
model through the protocols of `chat/call.py`. Subclasses that answer without HTTP
(`FakeChatModel`) override those hooks only. Settings are checked and set on a bound copy
and tools bound on a copy by `chat/binding.py`; what the model says of itself (its
repr, name, provider label, callback run) is `chat/description.py`'s. A drop-in's model
is one too; what its LangChain class does differently is its record's (`partner_record.py`).
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Self

from ..adapters.partner_calls import PartnerCalls
from ..core import Runnable
from ..core.run_config import RunnableConfig
from ..core.run_config import merge_configs
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..messages import coerce_messages
from ..secret import masked_headers
from . import binding
from . import description
from . import run_hooks
from . import send_hooks
from . import token_counts
from . import tool_binding
from .call import Call
from .call_hooks import check_cache
from .llm_results import LLMResult
from .recorded_run import start_run
from .settings import coerce_rate_limit

if TYPE_CHECKING:
    import httpx

    from ..adapters.base import Adapter
    from ..adapters.request_types import CallSettings
    from ..adapters.request_types import HTTPRequest
    from ..core.retry import RetryPolicy
    from ..http import RateLimit
    from .caching.base import BaseCache
    from .limiter import ForeignLimiterBudget
    from .sdk_agents import PartnerHeaders
    from .tool_binding import BuiltinReader

__all__ = ["ChatModel"]


class ChatModel(Runnable[Any, AIMessage]):
    """A chat model over one provider adapter.

    Usually built with `init_chat_model("openai:gpt-4o-mini")` or a drop-in class
    (`ChatOpenAI(...)`). Input: a str, a list of messages / `(role, text)` tuples /
    dicts, or a prompt value. Output: an `AIMessage` (or `AIMessageChunk`s from
    `stream`).

    Reliability: transient failures (408, 409, 429, 5xx, 529, connection errors,
    timeouts) are retried up to `max_retries` times, after the server's `retry-after`
    when it sends one, else with exponential backoff; `RunnableConfig(timeout=...)`
    bounds the whole call. Inside `chatplex.track_usage()` replies carry their price in
    `response_metadata["cost"]`.

    Args:
        adapter: the provider's wire (built by `init_chat_model` or the drop-in).
        model: the provider's model name.
        temperature: sampling temperature (the provider's default when None).
        max_tokens: the longest reply, in tokens.
        top_p: nucleus sampling.
        stop: where the reply stops: one string or several.
        timeout: seconds one HTTP attempt may take for the whole reply, however slowly
            a server trickles it (default: the shared pool's read timeout, 600).
        max_retries: retries after the first attempt (2).
        max_retry_after: the longest server-asked or 429-learned wait, in seconds (60).
        retry_policy: replaces both retry settings (`chatplex.http.retry_policy(...)`:
            other backoff, an injected sleep and clock for tests).
        rate_limit: a `RateLimit` or a dict (`requests_per_minute`,
            `tokens_per_minute`, `max_in_flight`) pacing every call that shares the
            budget (provider, base URL, key, model); None paces by what the server says
            (rate-limit headers, 429s, 529s); False turns the limiter off.
        cache: a `BaseCache` (or a LangChain cache) for this model's replies, False for
            none, None for the one `chatplex.set_llm_cache` set. Per call too:
            `model.invoke(x, cache=False)`.
        extra_headers: headers sent with every request (and per call; a call or `bind`
            takes `extra_query` too: URL query parameters, as the SDKs add them).
        stream_idle_timeout: the longest a stream may go without content (default:
            `timeout`); keep-alive comments and pings do not count.
        max_response_bytes: the largest reply read (64 MiB): `ResponseTooLargeError`.
        http_client: an `httpx.Client` of your own for sync calls.
        http_async_client: an `httpx.AsyncClient` of your own for async calls.
        name: the name in events, traces and callbacks.
        model_kwargs: parameters sent in the request body as given, unchecked (for
            parameters newer than chatplex).
        extra_body: the same, as the SDKs name it.
        streaming: `invoke` streams under the hood (LangChain's setting).
        stream_usage: ask for token usage at the end of a stream.
        rate_limiter: a LangChain rate limiter, asked before every HTTP attempt.
        **provider_extras: parameters of the provider's API (`response_format`,
            `seed`, ...; see `chatplex.chat.params`), sent in the request body.

    Raises:
        TypeError: a keyword that is neither a setting nor a parameter of the provider's
            API (naming the closest name), or a setting of the wrong type.
        ValueError: an empty model name or a setting out of range.

    Examples:
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server:
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
        ...     )
        ...     reply = model.invoke("hi", extra_headers={"x-trace-id": "42"})
        ...     "".join(chunk.text for chunk in model.stream("one two"))
        'Echo: one two'
        >>> reply.text
        'Echo: hi'
    """

    provider: str = "unknown"
    #: The model asks for a stream usage chunk its partner package would not ask for (a
    #: listed difference): that chunk, ending a stream, stands in for LangChain's empty
    #: closing chunk (marked last), so the stream keeps the partner package's length.
    usage_closes_stream: bool = False
    #: Its errors read as its LangChain partner package's do where the script imported the
    #: wire's SDK (`sdk_errors`): set on the engine of a LangChain drop-in
    #: (`chatplex.langchain`; issue 47). Else chatplex's own words, whatever was imported.
    partner_words: bool = False
    #: How its calls retry and fail as its partner package's (`partner_calls.py`): set
    #: with `partner_words` on a drop-in's engine; the defaults are chatplex's own.
    partner_calls: PartnerCalls = PartnerCalls()
    #: The headers saying who calls (User-Agent first) its requests carry where neither its
    #: headers nor its call name them: a drop-in's are its partner SDK's
    #: (`sdk_agents.py`); None: the User-Agent `chatplex/<version>` alone.
    sdk_headers: PartnerHeaders | None = None
    #: The timeout given to its call or `bind` (not its constructor's), which a drop-in's
    #: partner SDK may write as given (`PartnerHeaders.with_call_timeout`).
    call_timeout: float | None = None
    _run_type = None  # reports itself (callbacks.ChatModelRun), as "chat_model"
    _async_native = True  # sync batch: N requests on the portal loop, not N threads

    @property
    def InputType(self) -> Any:  # noqa: N802 - LangChain's name, read by schemas
        """What `invoke` accepts, for `get_input_schema`."""
        from ..core.schemas import ChatModelInput

        return ChatModelInput

    @property
    def OutputType(self) -> Any:  # noqa: N802
        """What `invoke` returns, for `get_output_schema`."""
        from ..core.schemas import ChatModelOutput

        return ChatModelOutput

    def _listener_inputs(self, input: Any) -> dict[str, Any]:
        # LangChain's chat-model run records the messages it sent, so listeners (and
        # RunnableWithMessageHistory, which saves them) see HumanMessages, not tuples.
        try:
            return {"messages": [coerce_messages(input)]}
        except (TypeError, ValueError):  # the call itself reports bad input
            return super()._listener_inputs(input)

    def __init__(
        self,
        adapter: Adapter | None,
        model: str,
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        top_p: float | None = None,
        stop: str | Sequence[str] | None = None,
        timeout: float | None = None,
        max_retries: int = 2,
        max_retry_after: float = 60.0,
        retry_policy: RetryPolicy | None = None,
        rate_limit: RateLimit | Mapping[str, Any] | bool | None = None,
        cache: BaseCache | bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        stream_idle_timeout: float | None = None,
        max_response_bytes: int | None = None,
        http_client: httpx.Client | None = None,
        http_async_client: httpx.AsyncClient | None = None,
        name: str | None = None,
        model_kwargs: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        streaming: bool = False,
        stream_usage: bool = True,
        rate_limiter: Any = None,
        **provider_extras: Any,
    ) -> None:
        binding.check_construction(
            adapter,
            model,
            provider_extras,
            streaming=streaming,
            stream_usage=stream_usage,
            settings={
                "temperature": temperature,
                "max_tokens": max_tokens,
                "top_p": top_p,
                "stop": stop,
                "timeout": timeout,
                "max_retries": max_retries,
                "max_retry_after": max_retry_after,
                "extra_headers": extra_headers,
                "stream_idle_timeout": stream_idle_timeout,
                "max_response_bytes": max_response_bytes,
            },
            owner=self.get_name,
        )
        self.adapter = adapter
        if adapter is not None:
            self.provider = adapter.provider
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.top_p = top_p
        self.stop = stop
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_after = max_retry_after
        self.retry_policy = retry_policy
        self.rate_limit = coerce_rate_limit(rate_limit)
        self.foreign_limiter: ForeignLimiterBudget | None = None
        if rate_limiter is not None:
            if rate_limit is not None:
                raise ValueError("pass rate_limit= or rate_limiter=, not both")
            from .limiter import split_rate_limiter  # only models given a limiter need it

            self.rate_limit, self.foreign_limiter = split_rate_limiter(rate_limiter)
        self.cache = check_cache(cache)
        self.streaming = streaming
        self.stream_usage = stream_usage
        #: Config every call of this model runs with (LangChain's model-level `callbacks`,
        #: `tags`, `metadata`): merged under the call's own config.
        self.run_defaults: RunnableConfig = {}
        # Its repr masks credential headers (a user may pass `authorization` here).
        self.extra_headers: dict[str, str] = masked_headers(extra_headers or {})
        self.extra_query: Mapping[str, Any] = {}
        self.stream_idle_timeout = stream_idle_timeout
        self.max_response_bytes = max_response_bytes
        self.http_client = http_client
        self.http_async_client = http_async_client
        self.name = name
        self.tools: tuple[Any, ...] = ()
        self.tool_choice: str | None = None
        self.extra_body: dict[str, Any] = dict(provider_extras)
        binding.merge_body(self, "model_kwargs", model_kwargs)
        binding.merge_body(self, "extra_body", extra_body)

    def __repr__(self) -> str:
        return description.model_repr(self)

    def _base_name(self) -> str:
        return description.base_name(self, generic=type(self) is ChatModel)

    #: The other name of a setting every chat model takes, in
    #: `configurable_fields(model_name=...)`: langchain-core's for the model (its
    #: `BaseChatModel` reads `model_name` where there is no `model`). A partner class's
    #: own spellings (`max_completion_tokens`...) are `chatplex.langchain`'s alone.
    field_aliases: Mapping[str, str] = {"model_name": "model"}

    # ---- derived copies ----------------------------------------------------------------

    def bind(self, **settings: Any) -> ChatModel:
        """A copy with some settings changed (validated now, not at call time).

        Args:
            **settings: settings of the model (`temperature`, `stop`, `max_tokens`...)
                or parameters of the provider's API.

        Returns:
            A new model; this one is unchanged.

        Raises:
            TypeError: a name that is neither a setting nor an API parameter.

        Examples:
            >>> from chatplex import init_chat_model
            >>> model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
            >>> cold = model.bind(temperature=0, stop=["\\n"])
            >>> cold.temperature, model.temperature
            (0, None)
        """
        return self._bound(settings)

    def __copy__(self) -> Self:
        """`copy.copy(model)` without the generic reduce protocol (most of a copy's cost)."""
        cls = type(self)
        clone = cls.__new__(cls)
        clone.__dict__.update(self.__dict__)
        return clone

    def _bound(self, settings: Mapping[str, Any], *, asynchronous: bool = False) -> ChatModel:
        """`bind(**settings)`, for a call sync or `asynchronous` (a drop-in's refusal of
        an unknown keyword names its SDK's sync or async method)."""
        clone = copy.copy(self)
        clone.extra_body = dict(self.extra_body)
        binding.apply(clone, settings, asynchronous=asynchronous)
        return clone

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: Any = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
    ) -> ChatModel:
        """A copy that offers these tools to the model.

        Args:
            tools: pydantic models, TypedDicts, JSON-schema dicts, typed functions,
                LangChain tools, or the provider's built-in tool dicts its partner
                package takes (`Adapter.builtin_tool`), sent in the order given.
            tool_choice: "auto", "none", "required" (or "any"), or a tool's name.
            strict: ask the provider to hold the arguments to each tool's schema.
            parallel_tool_calls: allow several calls in one reply (as in LangChain).

        Returns:
            A new model; its replies' `tool_calls` name the tools called.

        Examples:
            >>> from chatplex import init_chat_model
            >>> from chatplex.testing import MockServer
            >>> def get_weather(city: str) -> str:
            ...     \"\"\"The weather in a city.\"\"\"
            ...     return "sunny"
            >>> with MockServer() as server:  # calls a tool it is told to call
            ...     model = init_chat_model(
            ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
            ...     )
            ...     reply = model.bind_tools([get_weather], tool_choice="get_weather").invoke(
            ...         "Weather in Paris?"
            ...     )
            >>> [call["name"] for call in reply.tool_calls]
            ['get_weather']
        """
        clone = binding.with_tools(
            self, tools, tool_choice, strict=strict, parallel_tool_calls=parallel_tool_calls
        )
        return self._finish_binding(clone, tools, tool_choice)

    #: Whether a tool list, an empty one too, was bound on it where it keeps one
    #: (`bind_tools`, `tools=` per call; set on the bound copy by `chat/binding.py`):
    #: the wires whose partner sends a bound `[]` send it (each wire's own
    #: `empty_tool_list_sent`). Never set on chatplex's own models, which bind no empty list.
    tool_list_bound: bool = False

    def _keeps_bound_tool_lists(self) -> bool:
        """Whether a tool list bound on it, an empty one too, reaches the request as bound
        (a drop-in's, as its LangChain class does: `PartnerCalls`); chatplex's own models
        bind no empty list."""
        return self.partner_calls.keeps_bound_tool_lists

    # Where a drop-in's LangChain class binds tools or structured output its own way, it
    # overrides these hooks, not the methods (whose signatures are LangChain's, once).

    def _tools_to_bind(self, tools: Sequence[Any], tool_choice: Any) -> tuple[Sequence[Any], Any]:
        """The tools and the tool choice `bind_tools` binds as functions, of those it was
        given: a drop-in taking others (built-in tools, its own choice words) says which."""
        return tools, tool_choice

    def _finish_binding(
        self, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
    ) -> ChatModel:
        """The copy `bind_tools` returns (`clone`: the functions bound), or its partner's."""
        own = self.partner_calls.finish_binding  # (a drop-in sending more: built-in tools)
        return clone if own is None else own(self, clone, tools, tool_choice)

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        """The model and method `with_structured_output` uses for the method asked (None:
        the default), as the wire answers it for the model; a drop-in may say otherwise."""
        from .structured import wire_method

        return self, wire_method(self, method, self.model)

    #: The method `with_structured_output` uses when none is named.
    structured_output_method = "function_calling"

    def with_structured_output(
        self,
        schema: Any = None,
        *,
        method: str | None = None,
        include_raw: bool = False,
        strict: bool | None = None,
    ) -> Runnable[Any, Any]:
        """A runnable whose replies are parsed into `schema`; a reply that does not fit
        raises `StructuredOutputError` (see `chatplex.chat.structured`).

        Args:
            schema: a pydantic class, a TypedDict or a JSON-schema dict.
            method: "function_calling", "json_schema" or "json_mode" (None: the wire's).
            include_raw: return `{"raw", "parsed", "parsing_error"}` rather than raise.
            strict: ask the provider to hold the reply to the schema exactly.

        Returns:
            A runnable returning a `schema` instance (a dict for a TypedDict or dict).

        Raises:
            StructuredOutputError: at call time, a reply that does not fit the schema.

        Examples:
            >>> from pydantic import BaseModel
            >>> from chatplex import init_chat_model
            >>> from chatplex.testing import MockServer
            >>> class Person(BaseModel):
            ...     name: str
            ...     born: int
            >>> with MockServer() as server:  # answers with example values of the schema
            ...     model = init_chat_model(
            ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
            ...     )
            ...     person = model.with_structured_output(Person).invoke("Who is Ada?")
            >>> type(person).__name__, isinstance(person.born, int)
            ('Person', True)
        """
        from .structured import default_method
        from .structured import structured_output

        model, method = self._structured_target(method, schema)
        return structured_output(
            model,
            schema,
            method=method or default_method(model.adapter, model.structured_output_method),
            include_raw=include_raw,
            strict=strict,
        )

    def generate(
        self,
        messages: Sequence[Any],
        stop: str | Sequence[str] | None = None,
        callbacks: Any = None,
        *,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        run_name: str | None = None,
        **overrides: Any,
    ) -> LLMResult:
        """LangChain's `generate`: one reply per message list, every candidate kept
        (`n > 1`), as an `LLMResult` (`result.generations[i][j].message`)."""
        from .generate import generate_config
        from .generate import llm_result

        config, overrides = generate_config(callbacks, tags, metadata, run_name, stop, overrides)
        return llm_result(self.batch(list(messages), config, **overrides))

    async def agenerate(
        self,
        messages: Sequence[Any],
        stop: str | Sequence[str] | None = None,
        callbacks: Any = None,
        *,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        run_name: str | None = None,
        **overrides: Any,
    ) -> LLMResult:
        """Async `generate`."""
        from .generate import generate_config
        from .generate import llm_result

        config, overrides = generate_config(callbacks, tags, metadata, run_name, stop, overrides)
        return llm_result(await self.abatch(list(messages), config, **overrides))

    def get_token_ids(self, text: str) -> list[int]:
        """`text`'s token ids, as the wire's LangChain class gives them (`token_counts`)."""
        return token_counts.token_ids(self, text)

    def get_num_tokens(self, text: str) -> int:
        """The tokens in `text` (as langchain-core: its token ids' count)."""
        return len(self.get_token_ids(text))

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None, **keywords: Any
    ) -> int:
        """The tokens `messages` take in a request, for `trim_messages(token_counter=model)`."""
        return token_counts.from_messages(self, messages, tools, keywords)

    def check_call(self, overrides: Mapping[str, Any]) -> None:
        """Refuse a call's `stop` where the model has one, as its partner (`stop_twice`)."""
        if None not in (self.partner_calls.stop_twice, self.stop, overrides.get("stop")):
            raise ValueError(self.partner_calls.stop_twice)

    def _builtin_tool_reader(self) -> BuiltinReader | None:
        """The wire's reading of built-in tool dicts (None before there is an adapter)."""
        return tool_binding.builtin_tool_reader(self.adapter)

    def _settings(self, overrides: Mapping[str, Any]) -> CallSettings:
        """A call's `CallSettings`: the model's sampling settings, tools, tool choice and
        body fields, with the call's overrides bound on a copy."""
        return binding.call_settings(self.bind(**overrides) if overrides else self)

    @property
    def provider_label(self) -> str:
        """The provider as users name it (a preset's name, `"azure_openai"`) where `provider` is
        its wire (`"openai"`): the adapter's registry name or preset, else its wire."""
        return description.provider_label(self)

    # ---- what its callback run is told (`on_chat_model_start`) ---------------------------

    def _invocation_params(self, settings: CallSettings) -> dict[str, Any]:
        return description.invocation_params(self, settings)

    def _serialized(self) -> dict[str, Any]:
        return description.serialized(self)

    # ---- I/O hooks: HTTP through the adapter (chat/send_hooks.py); FakeChatModel overrides

    def _send(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage:
        return send_hooks.send(self, messages, settings, config)

    async def _asend(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AIMessage:
        return await send_hooks.asend(self, messages, settings, config)

    def _send_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> Iterator[AIMessageChunk]:
        return send_hooks.send_stream(self, messages, settings, config)

    def _asend_stream(
        self, messages: list[BaseMessage], settings: CallSettings, config: RunnableConfig
    ) -> AsyncIterator[AIMessageChunk]:
        return send_hooks.asend_stream(self, messages, settings, config)

    # ---- Runnable hooks: the call described, then run (chat/run_hooks.py) ---------------

    def _prepare(
        self,
        input: Any,
        config: RunnableConfig,
        overrides: Mapping[str, Any],
        asynchronous: bool = False,
    ) -> Call:
        """The call: its model (a bound copy under the call's overrides), messages,
        settings, config and callback run; `asynchronous`: an async call's."""
        messages = coerce_messages(input, self.partner_calls.empty_input_sent)
        if overrides:
            self.check_call(overrides)
        model = self._bound(overrides, asynchronous=asynchronous) if overrides else self
        settings = model._settings({})
        given = config
        if self.run_defaults:  # model-level callbacks, tags, metadata
            config = merge_configs(config, self.run_defaults)  # the model's after, as there
        run = start_run(config, self.get_name())  # recorded_run: tracers' own lane
        if run is not None:
            given["_chat_run"] = run  # the http layer's retries and waits are told to it
        return Call(model, messages, settings, given, run)

    def _invoke(self, input: Any, config: RunnableConfig, **overrides: Any) -> AIMessage:
        return run_hooks.invoke(self, input, config, overrides)

    def _deadline_error(self, err: BaseException, config: RunnableConfig) -> BaseException:
        return send_hooks.deadline_error(self, err)  # also its SDK's class, as on the wire

    async def _ainvoke(self, input: Any, config: RunnableConfig, **overrides: Any) -> AIMessage:
        return await run_hooks.ainvoke(self, input, config, overrides)

    def _stream(
        self, input: Any, config: RunnableConfig, **overrides: Any
    ) -> Iterator[AIMessageChunk]:
        return run_hooks.stream(self, input, config, overrides)

    def _astream(
        self, input: Any, config: RunnableConfig, **overrides: Any
    ) -> AsyncIterator[AIMessageChunk]:
        return run_hooks.astream(self, input, config, overrides)

    # ---- the request without the call (Batch APIs) ----------------------------------------

    def build_request(self, input: Any, *, stream: bool = False) -> HTTPRequest:
        """The HTTP request `invoke(input)` would send, checked and built but not sent:
        what `chatplex.batches` writes into Batch API request files. Bad input raises as
        `invoke` would; a model without an adapter raises NotImplementedError."""
        messages, settings = coerce_messages(input), self._settings({})
        return send_hooks.build_request(self, messages, settings, stream=stream)
