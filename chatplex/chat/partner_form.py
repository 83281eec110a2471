"""What a drop-in's partner class does with its fields beyond declaring them, as data
(`PartnerFields`, one per partner class, `PartnerClass.fields`): the fields its
validators fill, complete or resolve from the model built, its aliases, its "before"
validators' checks, the keys and order of its `model_dump()` and repr, its identifying
and default params (`IdentifyingParams`), its `lc_secrets` and `lc_attributes`, the
SDK clients it builds (`SdkClient`) and how it follows LangSmith's gateway
(`GatewayRoute`). `chatplex.langchain` reads it (`field_store.py`); nothing here names a
partner."""

from __future__ import annotations

import os
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from operator import attrgetter
from typing import Any
from typing import Literal
from typing import NamedTuple

from .langsmith_gateway import GatewayReport
from .langsmith_gateway import GatewayRoute

__all__ = [
    "Fallback",
    "IdentifyingParams",
    "PartnerFields",
    "SdkClient",
    "SharedHttpClient",
    "partner_fields",
    "serialized_form",
]


def serialized_form(form: PartnerFields | None) -> PartnerFields | None:
    """`form` where LangChain serializes the partner; None where it does not (a form
    declared to read the partner's fields only) or none is declared."""
    return form if form is not None and form.serialized else None


def partner_fields(keywords: Mapping[str, Any]) -> PartnerFields | None:
    """The form a provider's spec declares as data (`PartnerFields`' keywords, its
    `identifying` and `default_params` as `IdentifyingParams`' keywords); none
    declared: None."""
    if not keywords:
        return None
    identifying = keywords.get("identifying", True)
    if isinstance(identifying, Mapping):
        identifying = IdentifyingParams(**identifying)
    default_params = keywords.get("default_params")
    if isinstance(default_params, Mapping):
        default_params = IdentifyingParams(**default_params)
    # (a fallback, a client, a gateway route as data: their fields in order)
    fallbacks = {k: Fallback(*v) for k, v in keywords.get("fallbacks", {}).items()}
    clients = {k: SdkClient(*v) for k, v in keywords.get("clients", {}).items()}
    route, report = keywords.get("langsmith_gateway"), keywords.get("gateway_report")
    return PartnerFields(
        **{
            **keywords,
            "identifying": identifying,
            "default_params": default_params,
            "fallbacks": fallbacks,
            "clients": clients,
            "langsmith_gateway": GatewayRoute(*route) if isinstance(route, tuple) else route,
            "gateway_report": GatewayReport(*report) if isinstance(report, tuple) else report,
        }
    )


class FieldRange(NamedTuple):
    """The numbers a partner's validators take for a field, bounds included (None: no
    bound), and the words of its refusal of another.

    >>> FieldRange(1, None, "top_k must be positive").refuses(0)
    True
    """

    low: float | None
    high: float | None
    words: str

    def refuses(self, value: Any) -> bool:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False  # (its type is pydantic's to refuse)
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )


class Fallback(NamedTuple):
    """A field its validators fill in when it is not given (or given None; or given
    any empty value, with `empty`: langchain-openai's `openai_organization or
    os.getenv(...)`): from the first of `variables` set, else `value` (None: unset);
    left unset where a field of `unless` is given or a variable of `unless` is set
    (langchain-openai's `stream_usage`: True only to OpenAI's own base URL). Filled,
    pydantic counts it set (`model_fields_set`), but where its field's default factory
    fills it (`factory`: langchain-xai's `xai_api_base`).

    >>> form = PartnerFields(fallbacks={"base": Fallback("https://x.example", ("X_BASE",))})
    >>> form.fallen_back({})["base"], form.fallen_back({"base": "http://h"})
    ('https://x.example', {})
    """

    value: Any
    variables: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    factory: bool = False
    empty: bool = False


class SdkClient(NamedTuple):
    """One of the partner's SDK client attributes (`llm.client`, `llm.root_client`...):
    `factory` ("module:Class", called with the partner's `PartnerFields.client_arguments`;
    or another client attribute's name) and the attribute `path` (dotted) read on what
    it gives (`chat.completions`); `package`, what to install where the module is
    missing (its top-level name when empty).

    >>> SdkClient("openai:OpenAI").module, SdkClient("root_client", "chat.completions").module
    ('openai', None)
    """

    factory: str
    path: str = ""
    package: str = ""

    @property
    def module(self) -> str | None:
        """The SDK module it imports (None: it is read from another client attribute)."""
        module, colon, _ = self.factory.partition(":")
        return module if colon else None

    @property
    def asynchronous(self) -> bool:
        """Whether it is an async client: the SDKs name their async classes `Async...`
        (`openai:AsyncOpenAI`, `httpx:AsyncClient`).

        >>> SdkClient("openai:AsyncOpenAI").asynchronous, SdkClient("openai:OpenAI").asynchronous
        (True, False)
        """
        return self.factory.partition(":")[2].startswith("Async")


class SharedHttpClient(NamedTuple):
    """The httpx client the partner gives its SDK clients (`http_client=`) where none is
    given: one per process for the same settings (its `functools.lru_cache`), so every
    model of the same base URL and timeout shares it. Built from the SDK client's
    keywords `keywords`, kept by their values (and its proxy's where `proxied`: else a
    proxy gives each model its own, `PartnerFields.client_proxy`); `classes`, the httpx
    client classes ("module:Class", sync then async); a base URL left None is
    `base_url`'s (`Fallback`: its variables, else its value).

    >>> SharedHttpClient(("sdk:Client", "sdk:AsyncClient")).keywords
    ('base_url', 'timeout')
    """

    classes: tuple[str, str]
    keywords: tuple[str, ...] = ("base_url", "timeout")
    base_url: Fallback = Fallback(None)
    proxied: bool = False


@dataclass(frozen=True)
class IdentifyingParams:
    """What a partner class reports as its identifying params (`_identifying_params`:
    read by `dict()`, the invocation params LangChain's callbacks and tracers get, and
    LangChain's cache key), each key read from one of its fields' values.

    >>> reported = IdentifyingParams(
    ...     always={"model_name": "model_name", "stream": "streaming"},
    ...     unless_none={"temperature": "temperature"},
    ...     spread="model_kwargs",
    ... )
    >>> reported.of({"model_name": "m", "streaming": False, "model_kwargs": {"x": 1}}, None)
    {'model_name': 'm', 'stream': False, 'x': 1}
    """

    #: Keys always reported, by the field each reads (a dotted name: a key of a field's
    #: mapping, as langchain-aws' `guardrails.trace`); None where that field is unset.
    always: Mapping[str, str] = field(default_factory=dict)
    #: Keys reported when their field is not None.
    unless_none: Mapping[str, str] = field(default_factory=dict)
    #: Keys reported when their field is not empty (langchain-openai's `stop`: not `[]`).
    unless_empty: Mapping[str, str] = field(default_factory=dict)
    #: Keys the partner derives from the model, by the engine's attribute (dotted)
    #: holding the same value (langchain-aws' `provider`: the model id's vendor).
    derived: Mapping[str, str] = field(default_factory=dict)
    #: A mapping field whose items are reported too (`model_kwargs`).
    spread: str | None = None
    #: Keys holding a mapping that set fields are laid into, key -> {item: field}
    #: (langchain-anthropic's `output_config` takes its `reasoning_effort` as `effort`).
    merged: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Values of fields its serialized form leaves out at their default (`{}`).
    unset: Mapping[str, Any] = field(default_factory=dict)
    #: Keys its invocation params (`_get_invocation_params`) put first, each by the
    #: fields tried in turn (langchain-aws': `model`, the base model id or the model id).
    invoked_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whether its invocation params repeat these params after the call's `stop`
    #: (langchain-openai's, langchain-fireworks': a `stop` field set wins there).
    invoked_again: bool = False
    #: Keys its invocation params add last, by field, where set and not among the call's
    #: keywords (langchain-google-vertexai's `thinking_budget`, `include_thoughts`).
    invoked_last: Mapping[str, str] = field(default_factory=dict)

    def of(self, values: Mapping[str, Any], engine: object) -> dict[str, Any]:
        """The params reported by a partner whose fields hold `values` (as its
        serialized form writes them), `engine` the drop-in's model."""
        # (Every LangChain call reads these twice: each path is split once, in `_steps`.)
        always, derived, unless_none, unless_empty = self._steps
        # Each step's value read in place (`_found` inlined: a call per key was a third
        # of the cost of every LangChain call's invocation params), in plain loops: a
        # comprehension and zips over its list cost twice as much on Python 3.11.
        get = values.get
        out = {}
        for key, (name, sub, unset) in always:
            out[key] = (get(name, unset) or {}).get(sub) if sub else get(name, unset)
        for key, read in derived:
            out[key] = read(engine)
        for key, (name, sub, unset) in unless_none:
            found = (get(name, unset) or {}).get(sub) if sub else get(name, unset)
            if found is not None:
                out[key] = found
        for key, (name, sub, unset) in unless_empty:
            found = (get(name, unset) or {}).get(sub) if sub else get(name, unset)
            if found:
                out[key] = found
        if self.merged:
            value = self._reader(values)
            for key, items in self.merged.items():
                if laid := {item: v for item, name in items.items() if (v := value(name))}:
                    out[key] = {**(out.get(key) or {}), **laid}
        if self.spread is not None:
            out.update(_found(values, self._step(self.spread)) or {})
        return out

    @cached_property
    def fields(self) -> frozenset[str]:
        """The fields `of` and `invoked` read (a dotted path's field); the engine's
        attributes (`derived`) aside."""
        paths = [*self.always.values(), *self.unless_none.values(), *self.unless_empty.values()]
        paths += [name for items in self.merged.values() for name in items.values()]
        paths += [name for names in self.invoked_first.values() for name in names]
        paths += [*self.invoked_last.values(), *([self.spread] if self.spread else [])]
        return frozenset(path.partition(".")[0] for path in paths)

    @cached_property
    def _steps(
        self,
    ) -> tuple[_Steps, tuple[tuple[str, Callable[[object], Any]], ...], _Steps, _Steps]:
        """`always`, `derived`, `unless_none` and `unless_empty`, each key with how its
        value is read (`_step`)."""
        return (
            self._stepped(self.always),
            tuple((k, attrgetter(a)) for k, a in self.derived.items()),
            self._stepped(self.unless_none),
            self._stepped(self.unless_empty),
        )

    def _stepped(self, paths: Mapping[str, str]) -> _Steps:
        return tuple((key, self._step(path)) for key, path in paths.items())

    def _step(self, path: str) -> _Step:
        """How a (dotted) field name is read: the field, the key of its mapping after a
        dot (empty: none), the value of a field absent from the values (`unset`)."""
        name, _, key = path.partition(".")
        return name, key, self.unset.get(name)

    def invoked(
        self,
        values: Mapping[str, Any],
        engine: object,
        langchain: Mapping[str, Any],
        reported: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Its invocation params, `langchain` LangChain's own of the call (these params,
        the call's `stop` and keywords), before the call's keywords are laid over;
        `reported`: these params (`of`), where the caller has them already."""
        value = self._reader(values)
        first: dict[str, Any] = {}
        for key, names in self.invoked_first.items():  # (a loop: a generator a key cost more)
            first[key] = None
            for name in names:
                if found := value(name):
                    first[key] = found
                    break
        again: Mapping[str, Any] = {}
        if self.invoked_again:
            again = self.of(values, engine) if reported is None else reported
        last = {
            key: v
            for key, name in self.invoked_last.items()
            if key not in langchain and (v := value(name)) is not None
        }
        return {**first, **langchain, **again, **last}

    def _reader(self, values: Mapping[str, Any]) -> Callable[[str], Any]:
        """A field's value by its (dotted) name: a key of a mapping field after a dot."""

        def value(path: str) -> Any:
            return _found(values, self._step(path))

        return value


#: How `IdentifyingParams` reads a field: its name, the key of its mapping (empty: the
#: field itself), its value when absent (`IdentifyingParams.unset`).
_Step = tuple[str, str, Any]
#: Reported keys, each with its `_Step`.
_Steps = tuple[tuple[str, _Step], ...]


def _found(values: Mapping[str, Any], step: _Step) -> Any:
    """The value `step` reads from a partner's field `values`."""
    name, key, unset = step
    found = values.get(name, unset)
    return (found or {}).get(key) if key else found


@dataclass(frozen=True)
class PartnerFields:
    """One partner class's serialized form (see the module doc)."""

    #: Its fields' other spellings, alias -> field (its pydantic aliases, and the
    #: drop-in's own spellings of the same setting): a keyword given under either is
    #: written under the field's name.
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: Fields it writes when not given: its defaults that are truthy (`n=1`,
    #: `stream_usage=True`, ...) or that its validators fill in.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Its credential fields, by the environment variable each is read from (its
    #: `lc_secrets`): written as references, when given or set in the environment.
    secrets: Mapping[str, str] = field(default_factory=dict)
    #: Its `lc_secrets` where they are not `secrets`: a class LangChain does not
    #: serialize that names none (langchain-cohere's `{}`). None: `secrets`.
    lc_secrets: Mapping[str, str] | None = None
    #: Fields its validators fill in from the model when not given, by the engine's
    #: attribute (a dotted path) holding the same value (langchain-anthropic's
    #: per-model `max_tokens`: `adapter.default_max_tokens`).
    filled: Mapping[str, str] = field(default_factory=dict)
    #: Fields its validators complete from other settings whatever was given, by the
    #: engine's attribute (dotted) holding what it then holds where it completed them
    #: (not None): langchain-aws's `additional_model_request_fields`, which takes the
    #: fields its `reasoning_effort` becomes; its InvokeModel class's `temperature` and
    #: `max_tokens`, taken out of its `model_kwargs`. Read and written from there.
    completed: Mapping[str, str] = field(default_factory=dict)
    #: Of its `defaults`, those the drop-in has no setting for, as it does the same
    #: without one (a concurrency cap the engine's rate limit replaces): given at that
    #: value (`loads` of its form gives them), they are not handed to the engine.
    inert: frozenset[str] = frozenset()
    #: Fields it never writes (pydantic's `exclude`: langchain-google-vertexai's
    #: `credentials`).
    excluded: frozenset[str] = frozenset()
    #: Fields it types float: a given int is written as a float (`0` as `0.0`).
    floats: frozenset[str] = frozenset({"temperature"})
    #: Its fields' annotations where the drop-in's field types the setting otherwise
    #: (its model field a `str`, where the drop-in's `model` is `str | None`): LangChain's
    #: `configurable_fields(<field>=...)` reads a `ConfigurableFieldSpec`'s type from
    #: the class's field (`get_config_jsonschema()` shows it).
    annotations: Mapping[str, Any] = field(default_factory=dict)
    #: The temperature it writes for a given 0 (a partner may raise 0 to 1e-08).
    zero_temperature: float = 0.0
    #: The identifying params it reports (`dict()`, the invocation params callbacks and
    #: tracers get); False: it keeps LangChain's default, none; True: not declared, the
    #: drop-in reports chatplex's own.
    identifying: IdentifyingParams | bool = True
    #: Its `_default_params` (the default request parameters its identifying params and
    #: some callback and tracing code read), where it has them: the keys of its
    #: identifying params to leave out (langchain-openai's are `{"model_name": ...,
    #: **self._default_params}`), or their own `IdentifyingParams` (a partner that
    #: reports no identifying params); None: it has none (an AttributeError).
    default_params: IdentifyingParams | frozenset[str] | None = None
    #: Whether LangChain serializes it (`dumpd`); False (a partner whose class is not
    #: `is_lc_serializable`): this form only reads its fields on
    #: the drop-in, whose `dumpd` is LangChain's `not_implemented` form, named by the
    #: record's `namespace` (there the partner's module path).
    serialized: bool = True
    #: Fields its validators set from the model when not given, by the engine's
    #: attribute (dotted) holding the same where it holds one (not None): read, never
    #: written (a partner that picks its API from the model's name).
    resolved: Mapping[str, str] = field(default_factory=dict)
    #: Fields it sets only from one keyword, which another field takes as its alias,
    #: field -> that keyword (langchain-openai's subclasses: `api_key=` sets
    #: `openai_api_key` too, and only it does).
    set_only_by: Mapping[str, str] = field(default_factory=dict)
    #: Keywords it has no field for and keeps in a dict field, keyword -> that field
    #: (langchain-perplexity keeps a given `stop` in `model_kwargs`): read there.
    kept_in: Mapping[str, str] = field(default_factory=dict)
    #: What its validator does with a `kept_in` keyword given both as itself and inside
    #: that field: "raises" (LangChain's `build_extra`: "Found seed supplied twice."), or
    #: "held" (the field's value kept, the keyword's dropped: langchain-aws' InvokeModel class).
    kept_twice: Literal["raises", "held"] = "raises"
    #: Fields its validators fill in when not given, each by its `Fallback` (an
    #: environment variable or a default; langchain-xai's `xai_api_base`).
    fallbacks: Mapping[str, Fallback] = field(default_factory=dict)
    #: Fields its validators assign at construction whatever was given (pydantic counts
    #: them set: its `model_dump(exclude_unset=True)` keeps them; langchain-openai's
    #: `model_kwargs`, `openai_organization`). A `fallbacks` field it fills counts too.
    assigned: frozenset[str] = frozenset()
    #: Aliases whose value its "before" validator discards: it sets the field when not
    #: given under its own name, and pydantic keeps the name's value over the alias's
    #: (a key field set "" by a subclass whose SDK takes no key: the key's alias).
    aliases_dropped: frozenset[str] = frozenset()
    #: How its validators follow LangSmith's gateway (`LANGSMITH_GATEWAY`): the base URL
    #: and key they resolve, written as given; None: it does not follow it.
    langsmith_gateway: GatewayRoute | None = None
    #: Where it passes the gateway's reply metadata on to LangChain's tracer; None:
    #: nowhere.
    gateway_report: GatewayReport | None = None
    #: Whether its validator refuses `n` below 1, and above 1 with `streaming` (a
    #: ValueError, in langchain-openai's words, which most classes like it use).
    checks_candidates: bool = False
    #: The numbers its validators take for a field, field -> `FieldRange`: another is
    #: refused when the model is built (a ValueError in its words: its ValidationError).
    ranges: Mapping[str, FieldRange] = field(default_factory=dict)
    #: Fields its class requires (no default): not given, or given None, is its
    #: ValidationError, where the drop-in's engine would take its own default.
    required: frozenset[str] = frozenset()
    #: Its `lc_attributes` (what scripts and tracers read of its settings; LangChain's
    #: serializer adds them to the keywords): these fields, each where it holds a value
    #: (not None or empty), in this order; and those of `attributes_always`, whatever
    #: they hold (AzureChatOpenAI's API type and version).
    attributes: tuple[str, ...] = ()
    attributes_always: tuple[str, ...] = ()
    #: Its fields' pydantic aliases, field -> the alias its `model_dump(by_alias=True)`
    #: writes the field under (langchain-openai's `model_name` as `model`).
    dump_aliases: Mapping[str, str] = field(default_factory=dict)
    #: Its `model_dump()` keys, in its order: its fields but those it excludes (its SDK
    #: clients, LangChain's callbacks...), LangChain's own among them; a drop-in dumps
    #: these, each read as its attribute (empty: not declared, it dumps its own fields).
    dumped: tuple[str, ...] = ()
    #: Its repr's fields, in its order (its fields but those `repr=False`, LangChain's
    #: own among them): each shown where it differs from its default, as LangChain's
    #: repr (and `dumpd` of a class it does not serialize) shows it (empty: not
    #: declared, the drop-in shows its own fields).
    shown: tuple[str, ...] = ()
    #: Its SDK client attributes, attribute -> how it builds it: the drop-in builds the
    #: same, from the same fields, on first read (`chatplex.langchain.sdk_clients`).
    clients: Mapping[str, SdkClient] = field(default_factory=dict)
    #: Its methods that close its SDK clients (langchain-google-genai's `aclose()`,
    #: langchain-fireworks' `close()` and `aclose()`): method -> the client attributes it
    #: closes, in order; a method named `a...` is a coroutine.
    closers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The keywords its SDK clients are built with, SDK keyword -> the field it is read
    #: from (a key revealed from its `SecretStr`).
    client_arguments: Mapping[str, str] = field(default_factory=dict)
    #: Of `client_arguments`, those it leaves out when its field is None (the SDK's own
    #: default then; a None given is not the same: no timeout).
    client_optional: frozenset[str] = frozenset()
    #: The keywords it gives its SDK clients a value of its own (langchain-fireworks'
    #: `max_retries=0`: it retries itself).
    client_fixed: Mapping[str, Any] = field(default_factory=dict)
    #: Headers it sets under the script's (`default_headers`), each a template of its
    #: fields (`"Bearer {api_key}"`, a key revealed), in the keyword
    #: `client_headers_keyword` (an httpx client's: `headers`).
    client_headers: Mapping[str, str] = field(default_factory=dict)
    client_headers_keyword: str = "default_headers"
    #: The field naming the proxy its SDK clients send through (`openai_proxy`): set,
    #: each is given an httpx client with that proxy (`http_client=`).
    client_proxy: str = ""
    #: The httpx client classes ("module:Class", sync then async) it builds with that
    #: proxy: httpx's (langchain-openai's), or its SDK's own (langchain-anthropic's
    #: `anthropic.DefaultHttpxClient`: that SDK refuses another package's clients).
    client_proxy_classes: tuple[str, str] = ("httpx:Client", "httpx:AsyncClient")
    #: The httpx client its SDK clients share with every model of the same settings
    #: (None: each SDK client builds its own, as the SDK does).
    client_shared: SharedHttpClient | None = None
    #: The fields holding the script's own httpx clients (sync, async): given, each is
    #: its SDK clients' `http_client` (langchain-openai's `http_client`,
    #: `http_async_client`).
    client_given: tuple[str, str] = ("", "")

    def read_back(self, name: str, held: Mapping[str, Any]) -> bool:
        """Whether its validators fill the `resolved` field `name` in, of its fields as
        `held`: its httpx clients (`client_given`) only through its proxy (langchain-openai
        builds them there alone; `http_socket_options` alone leave them None)."""
        through = self.client_proxy
        return not (through and name in self.client_given) or bool(held.get(through))

    def fallen_back(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The `fallbacks` its validators fill in, of the fields' values `given` (None or
        missing: not given) and the environment (read where used: a frame holding
        `os.environ` would show every key in it)."""
        out: dict[str, Any] = {}
        for name, fallback in self.fallbacks.items():
            held = given.get(name)
            if (held is not None and not (fallback.empty and not held)) or any(
                given.get(u) is not None or os.environ.get(u) for u in fallback.unless
            ):
                continue
            found = [os.environ[v] for v in fallback.variables if os.environ.get(v)]
            value = found[0] if found else fallback.value
            if value is not None or held is not None:  # (None: unset, left out)
                out[name] = value
        return out

    def name(self, keyword: str) -> str:
        """The field a constructor keyword sets."""
        return self.aliases.get(keyword, keyword)

    def typed(self, name: str, value: Any) -> Any:
        """A field's value as the partner holds it: an int in a float field as a float,
        a temperature of 0 as its `zero_temperature`.

        >>> PartnerFields(zero_temperature=1e-08).typed("temperature", 0)
        1e-08
        """
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name in self.floats:
            value = float(value)
            if name == "temperature" and value == 0:
                value = self.zero_temperature
        return value

    def held(self, name: str, value: Any, engine: object) -> Any:
        """What the partner's field `name` holds where the drop-in `engine`'s setting is
        `value`: the value its validators fill in when None (`filled`), `typed`."""
        if value is None and name in self.filled:
            value = attrgetter(self.filled[name])(engine)
        return self.typed(name, value)
