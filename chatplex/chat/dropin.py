"""The kit every drop-in (a chatplex model taking a LangChain class's constructor) is
built with: chatplex's own settings every drop-in takes (the tail: `take_tail`, handed
to `ChatModel` as given, and shown in the class's signature by `@dropin`), LangChain's
aliases, its model-level run config, and the LangChain settings chatplex refuses (each
with its reason), all resolved once, at construction.

A drop-in declares only its own parameters, in its `__init__`, ending in `**params`:

>>> from chatplex.chat.model import ChatModel
>>> @dropin
... class ChatExample(ChatModel):
...     def __init__(self, model: str = "m", *, top_k: int | None = None, **params: Any):
...         tail = take_tail(params)
...         super().__init__(None, model, **tail.settings, top_k=top_k)
...         tail.settle(self)
>>> list(inspect.signature(ChatExample).parameters)[:5]
['model', 'top_k', 'rate_limiter', 'cache', 'callbacks']
>>> ChatExample(tags=["a"], max_retries=0).run_defaults, ChatExample().max_retries
({'tags': ['a']}, 2)

Its other spellings of its parameters are data (`dropin(aliases=spellings(...))`): shown
right after what they stand for, and resolved (`pick`) before its body runs, which reads
only its own names; a parameter typed `Secret` (a key) reaches the body as one.

>>> @dropin(aliases=spellings("model_name"))
... class ChatSpelled(ChatModel):
...     def __init__(self, model: str = "m", **params: Any):
...         super().__init__(None, model, **params)
>>> list(inspect.signature(ChatSpelled).parameters)[:2], ChatSpelled(model_name="x").model
(['model', 'model_name'], 'x')

Its parameters can be data too (`dropin(fields=...)`, each a `field`): shown in its
signature in the order given, after `model` and before its own keyword parameters, and
taken out of `**params` by `take_fields` (each one's default when not given), so classes
sharing parameters declare them once (the shared ones: `chat/dropin_fields.py`).

>>> SHARED = (field("top_k", "int | None"), field("streaming", "bool", False))
>>> @dropin(fields=SHARED)
... class ChatFielded(ChatModel):
...     def __init__(self, model: str = "m", **params: Any):
...         given = take_fields(params, SHARED)
...         super().__init__(None, model, streaming=given["streaming"], top_k=given["top_k"])
>>> list(inspect.signature(ChatFielded).parameters)[:3], ChatFielded(top_k=2).extra_body
(['model', 'top_k', 'streaming'], {'top_k': 2})

>>> pick("ChatOpenAI", model="gpt-4o", model_name=None)
'gpt-4o'
>>> pick("ChatOpenAI", model="a", model_name="b")
Traceback (most recent call last):
...
TypeError: ChatOpenAI got model='a' and model_name='b': pass one of them
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol
from typing import TypeVar
from typing import overload

from ..core.run_config import RunnableConfig
from ..secret import Secret
from ..secret import is_secret_name
from ..secret.arguments import hold_keys
from ..specs import spec
from .params import SettingRefused

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from .sdk_agents import PartnerHeaders

__all__ = [
    "LANGCHAIN_ALIASES",
    "REFUSED",
    "check_refused",
    "checked_api_params",
    "TAIL",
    "UNSET",
    "Tail",
    "constructor_names",
    "dropin",
    "field",
    "partner_http_clients",
    "pick",
    "run_config",
    "spellings",
    "take_fields",
    "take_tail",
    "timeout_in_seconds",
    "tool_call_body",
]

_NO_TOKENIZER = "chatplex does not count tokens locally; usage comes from the provider"

#: LangChain settings chatplex does not have, and why: passing one (other than its
#: "off" value) is a TypeError naming the reason, never a setting silently ignored.
#: Those of every class here; a provider's own, in its spec (`refused_settings`).
REFUSED: dict[str, dict[str, str]] = {
    "common": {
        "custom_get_token_ids": _NO_TOKENIZER,
        "disable_streaming": "chatplex always streams when asked; disable_streaming=False only",
        "output_version": "chatplex messages keep LangChain's v0 content; 'v0' only",
        "profile": "chatplex has no model profiles of LangChain's kind",
    },
}

#: LangChain's other spellings of chatplex's settings, as `ChatOpenAI` / `ChatAnthropic`
#: take them (their constructors' `pick`s; tests/chat/test_dropin_models.py checks the
#: two agree): read by `configurable_fields(model_name=...)` and by
#: `chatplex.langchain.ChatChatplex`, so every door takes the same names.
LANGCHAIN_ALIASES: dict[str, str] = {
    "model_name": "model",
    "max_completion_tokens": "max_tokens",
    "max_tokens_to_sample": "max_tokens",
    "stop_sequences": "stop",
    "request_timeout": "timeout",
    "default_request_timeout": "timeout",
    "stream_chunk_timeout": "stream_idle_timeout",
    "openai_api_key": "api_key",
    "anthropic_api_key": "api_key",
    "openai_api_base": "base_url",
    "anthropic_api_url": "base_url",
    "openai_organization": "organization",
    "effort": "reasoning_effort",
}

#: The "off" value of each refused setting that has one (accepted, as it changes nothing).
_OFF: dict[str, tuple[Any, ...]] = {
    "disable_streaming": (False,),
    "output_version": (None, "v0"),
    "include_response_headers": (False,),
    "guard_last_turn_only": (False,),
}


_NAMES: dict[type, tuple[str, ...]] = {}


def constructor_names(cls: type) -> tuple[str, ...]:
    """The named parameters of `cls`'s constructor (for "did you mean" suggestions)."""
    names = _NAMES.get(cls)
    if names is None:
        import inspect

        params = inspect.signature(cls).parameters.values()
        names = _NAMES[cls] = tuple(p.name for p in params if p.kind is not p.VAR_KEYWORD)
    return names


#: chatplex's own settings every drop-in takes (the tail after its LangChain
#: parameters), in the order its signature shows them. The ones handed to `ChatModel`
#: keep `ChatModel.__init__`'s types and defaults, read from there, so they are written
#: once; LangChain's model-level run settings (`RUN_SETTINGS`) become the config every
#: call runs with. A drop-in that spells one of them its own way or gives it another
#: default (a `timeout_seconds` spelling, a preset's retries) declares it in its own
#: `__init__`, which wins.
TAIL = (
    "rate_limiter",
    "cache",
    "callbacks",
    "tags",
    "metadata",
    "verbose",
    "name",
    "timeout",
    "max_retries",
    "http_client",
    "http_async_client",
    "stream_idle_timeout",
    "max_response_bytes",
    "max_retry_after",
    "retry_policy",
    "rate_limit",
    "extra_headers",
)

#: LangChain's model-level run settings: not `ChatModel`'s, so their types are here.
RUN_SETTINGS = {
    "callbacks": "Any",
    "tags": "Sequence[str] | None",
    "metadata": "Mapping[str, Any] | None",
    "verbose": "bool | None",
}


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:  # as help() and inspect.signature show the default
        return "<its LangChain default>"


#: A parameter's default when LangChain tells "not given" from an explicit None (a
#: preset's temperature 0.7, a per-model default temperature): the drop-in then applies
#: its partner class's default.
UNSET: Any = _Unset()


class Settled(Protocol):
    """What `Tail.settle` sets on a model just built (a `ChatModel`)."""

    run_defaults: RunnableConfig
    sdk_headers: PartnerHeaders | None


class Tail:
    """The tail's values one construction was given (`take_tail`): `settings` go to
    `ChatModel.__init__` (only those given, so its defaults hold); `settle` then sets
    the run config and `verbose`."""

    __slots__ = ("run", "settings")

    def __init__(self, settings: dict[str, Any], run: dict[str, Any]) -> None:
        self.settings = settings
        self.run = run

    def default(self, setting: str, value: Any) -> None:
        """`value` for `setting` unless one was given (not None): a drop-in's own
        spelling or default of a tail setting (`timeout_seconds`, `client_kwargs`)."""
        if self.settings.get(setting) is None and value is not None:
            self.settings[setting] = value

    def settle(self, model: Settled) -> None:
        """After `ChatModel.__init__`: LangChain's model-level run config and `verbose`."""
        run = self.run
        model.run_defaults = run_config(run.get("callbacks"), run.get("tags"), run.get("metadata"))
        # As in LangChain's chat models: accepted, prints nothing.
        model.verbose = bool(run.get("verbose"))  # type: ignore[attr-defined]
        model.sdk_headers = _partner_headers(type(model))


def _partner_headers(cls: type) -> PartnerHeaders | None:
    """The User-Agent and SDK headers of the drop-in `cls` is (or subclasses), as its
    partner SDK sends them."""
    from .sdk_agents import AGENTS
    from .sdk_agents import sdk_headers

    named = next((c.__name__ for c in cls.__mro__ if c.__name__ in AGENTS), None)
    return None if named is None else sdk_headers(named)


def take_tail(params: dict[str, Any]) -> Tail:
    """The tail's settings taken out of a drop-in's `**params` (what is left is its
    API parameters)."""
    settings = {k: params.pop(k) for k in TAIL if k in params and k not in RUN_SETTINGS}
    run = {k: params.pop(k) for k in RUN_SETTINGS if k in params}
    return Tail(settings, run)


_Class = TypeVar("_Class", bound=type)


def spellings(*names: str, **own: str) -> dict[str, str]:
    """A drop-in's other names for its parameters, as `dropin(aliases=...)` takes them
    (alias → the parameter of its `__init__` it stands for): LangChain's common ones by
    name (what they stand for read from `LANGCHAIN_ALIASES`), its own as keywords.

    >>> spellings("model_name", api_key="google_api_key")
    {'model_name': 'model', 'api_key': 'google_api_key'}
    """
    return {**{name: LANGCHAIN_ALIASES[name] for name in names}, **own}


def _resolving(
    init: Callable[..., None], aliases: Mapping[str, str], fields: Sequence[inspect.Parameter]
) -> Callable[..., None]:
    """`init`, taking its aliases too and its keys as `Secret`s: before its body runs,
    every parameter typed `Secret` (its own, a field, and each alias of one) is made one,
    and so is a URL carrying a credential (`base_url="http://user:KEY@host"`:
    `secret.arguments.hold_urls`), so no frame holds one in clear, and each alias given is
    resolved (`pick`) into the parameter it stands for. The body reads only its own names."""
    from ..adapters.keys import as_secret

    params = _with_fields(inspect.signature(init), fields).parameters
    positional = [p.name for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD][1:]
    keys = {name for name, p in params.items() if "Secret" in str(p.annotation)}
    keys.update(alias for alias, target in aliases.items() if target in keys)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        # First: from here on no local holds a key or a credential URL in clear (those
        # named as keys, of this class or of the drop-in it extends, and typed Secret).
        hold_keys(kwargs, is_secret_name)
        for name in keys.intersection(kwargs):
            kwargs[name] = as_secret(kwargs[name])
        named = positional[: len(args)]
        if len(args) > len(positional) or any(name in kwargs for name in named):
            init(self, *args, **kwargs)  # Python's own TypeError for the call
            return
        kwargs.update(zip(named, args, strict=True))
        for name in keys.intersection(named):  # a key given by position
            kwargs[name] = as_secret(kwargs[name])
        owner = type(self).__name__
        for alias, target in aliases.items():
            if alias in kwargs:
                value = pick(owner, **{target: kwargs.get(target), alias: kwargs.pop(alias)})
                if value is not None:
                    kwargs[target] = value
        init(self, **kwargs)

    return __init__


def field(name: str, annotation: str, default: Any = None) -> inspect.Parameter:
    """A drop-in parameter declared as data (`dropin(fields=...)`): keyword-only, shown
    as `annotation` (a string, as its `__init__`'s own annotations read), `default`
    unless given."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def take_fields(params: dict[str, Any], fields: Sequence[inspect.Parameter]) -> dict[str, Any]:
    """The values of a drop-in's `fields` taken out of its `**params` (before
    `take_tail`: a field may be a tail setting it declares itself), each one's default
    when not given."""
    return {f.name: params.pop(f.name, f.default) for f in fields}


def _with_fields(own: inspect.Signature, fields: Sequence[inspect.Parameter]) -> inspect.Signature:
    """`own` with the parameters declared as data after its positional ones (`model`),
    before its own keyword-only ones: what it shares with other drop-ins first, as
    LangChain's classes list their common settings first."""
    shown = list(own.parameters.values())
    keywords = [p for p in shown if p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD)]
    return own.replace(parameters=[*(p for p in shown if p not in keywords), *fields, *keywords])


def _with_aliases(own: inspect.Signature, aliases: Mapping[str, str]) -> inspect.Signature:
    """`own` with each alias listed right after the parameter it stands for (keyword-only,
    of its type, None unless given), as LangChain's classes list them."""
    shown: list[inspect.Parameter] = []
    for param in own.parameters.values():
        shown.append(param)
        shown += [
            inspect.Parameter(
                alias, inspect.Parameter.KEYWORD_ONLY, annotation=param.annotation
            ).replace(default=None)
            for alias, target in aliases.items()
            if target == param.name
        ]
    return own.replace(parameters=shown)


@overload
def dropin(
    cls: _Class,
    *,
    declared: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    fields: Sequence[inspect.Parameter] = (),
) -> _Class: ...
@overload
def dropin(
    cls: None = None,
    *,
    declared: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    fields: Sequence[inspect.Parameter] = (),
) -> Callable[[_Class], _Class]: ...
def dropin(
    cls: _Class | None = None,
    *,
    declared: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    fields: Sequence[inspect.Parameter] = (),
) -> _Class | Callable[[_Class], _Class]:
    """Gives a drop-in class its whole signature, for `help()`, `inspect.signature`,
    IDEs and `constructor_names`: its `__init__`'s positional parameters, those it
    declares as data with their types and defaults (`fields`, see `field`), then its
    own keyword parameters, each followed by the aliases it declares as data
    (`aliases`, resolved before its body runs, see `spellings`); the API parameters it
    declares (`declared`: keyword-only, None unless given), those of the drop-in it
    extends, then the tail's (those it does not declare itself), then `**api_params`.
    The tail's types and defaults are its base's (`ChatModel`, or the drop-in it
    extends), which it hands them to. A class sharing its base's `__init__` (the
    presets) gets its own, calling that one. With only keywords, the decorator that does
    this."""
    if cls is None:
        return functools.partial(dropin, declared=declared, aliases=aliases, fields=fields)
    built: Any = cls  # its `__init__` is read and set here, whatever its base's type
    aliases = aliases or {}
    if "__init__" in vars(cls) and not hasattr(built.__init__, "_own_signature"):
        built.__init__ = _resolving(built.__init__, aliases, fields)
    if "__init__" not in vars(cls):
        base_init = built.__init__

        @functools.wraps(base_init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
            base_init(self, *args, **kwargs)

        __init__.__qualname__ = f"{cls.__qualname__}.__init__"
        built.__init__ = _resolving(__init__, aliases, fields)
    init = built.__init__
    # A shared `__init__` is read as written, not with the tail its first class added;
    # an alias it declares is listed there, the others after what they stand for.
    shown_after = {alias: target for alias, target in aliases.items() if alias not in declared}
    own = getattr(init, "_own_signature", None) or _with_aliases(
        _with_fields(inspect.signature(init), fields), shown_after
    )
    base_init = built.__mro__[1].__init__
    handed = inspect.signature(base_init).parameters
    kept = [p for p in own.parameters.values() if p.kind is not p.VAR_KEYWORD]
    names = {p.name for p in kept}
    data = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Any")
        for name in dict.fromkeys(declared)
        if name not in names
    ]
    names.update(declared)
    if "__init__" in vars(cls) and hasattr(base_init, "_own_signature"):
        # It extends another drop-in (AzureChatOpenAI, ChatOpenAI): its parameters too.
        data += [
            p
            for p in handed.values()
            if p.kind is p.KEYWORD_ONLY and p.name not in names and p.name not in TAIL
        ]
        names.update(p.name for p in data)
    tail = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=RUN_SETTINGS[name]
        )
        if name in RUN_SETTINGS
        else handed[name]
        for name in TAIL
        if name not in names
    ]
    rest = inspect.Parameter("api_params", inspect.Parameter.VAR_KEYWORD, annotation="Any")
    init._own_signature = own
    init.__signature__ = own.replace(parameters=[*kept, *data, *tail, rest])
    _NAMES.pop(cls, None)
    return cls


def pick(owner: str, **candidates: Any) -> Any:
    """The one value given among a setting and its aliases (None if none); a TypeError
    when two different values are given."""
    given = {k: v for k, v in candidates.items() if v is not None}
    # A key held as a Secret compares by its value (its repr is always masked).
    if len({v if isinstance(v, Secret) else repr(v) for v in given.values()}) > 1:
        shown = " and ".join(f"{k}={v!r}" for k, v in given.items())
        raise SettingRefused(f"{owner} got {shown}: pass one of them")
    return next(iter(given.values()), None)


def check_refused(
    owner: str,
    provider: str,
    extras: Mapping[str, Any],
    *,
    own: Mapping[str, str] | None = None,
    own_off: Mapping[str, tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """`extras` without the refused settings at their "off" values; a refused setting
    at any other value is a TypeError with the reason. A drop-in in its provider's folder
    passes its own refusals (`own`: name → why) and their "off" values (`own_off`)."""
    declared = spec(provider)
    of_provider = dict(declared.refused_settings) if declared is not None else {}
    refused = {**REFUSED["common"], **of_provider, **(own or {})}
    off = {**_OFF, **(own_off or {})}
    kept: dict[str, Any] = {}
    for name, value in extras.items():
        if name not in refused:
            kept[name] = value
        elif value not in off.get(name, (None,)):
            raise SettingRefused(f"{owner}({name}=...) is not supported: {refused[name]}")
    return kept


def checked_api_params(model: object, wire: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """What a drop-in's `**params` hold after `take_tail`, checked: the settings chatplex
    refuses (`check_refused`) dropped at their "off" values, a TypeError saying why at
    any other; then each must be a parameter of the `wire`'s API, else a TypeError
    naming the closest of its names and the drop-in's."""
    from .params import check_api_parameters

    owner = type(model).__name__
    api_params = check_refused(owner, wire, params)
    check_api_parameters(wire, api_params, settings=constructor_names(type(model)), owner=owner)
    return api_params


def run_config(
    callbacks: Any, tags: Sequence[str] | None, metadata: Mapping[str, Any] | None
) -> RunnableConfig:
    """LangChain's model-level `callbacks`, `tags`, `metadata` as the config every call
    runs with (the call's own config is merged on top)."""
    config: dict[str, Any] = {}
    if callbacks:
        config["callbacks"] = (
            list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
        )
    if tags:
        if isinstance(tags, str) or not all(isinstance(t, str) for t in tags):
            raise TypeError(f"tags must be a list of str, got {tags!r}")
        config["tags"] = list(tags)
    if metadata:
        if not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a dict, got {metadata!r}")
        config["metadata"] = dict(metadata)
    return config  # type: ignore[return-value]


def tool_call_body(
    adapter: Adapter | None, parallel: bool, tool_choice: str | None
) -> dict[str, Any]:
    """The body fields of `bind_tools(parallel_tool_calls=...)`, as LangChain sends them
    on the adapter's wire (`Adapter.parallel_tool_calls_body`; without an adapter,
    `parallel_tool_calls`).

    >>> tool_call_body(None, False, None)
    {'parallel_tool_calls': False}
    """
    if not isinstance(parallel, bool):
        raise TypeError(f"parallel_tool_calls must be True or False, got {parallel!r}")
    if adapter is None:
        return {"parallel_tool_calls": parallel}
    return adapter.parallel_tool_calls_body(parallel, tool_choice)


#: What an HTTP client's `Timeout` object has (httpx's, and the SDKs' own on httpx2).
_TIMEOUT_PARTS = ("connect", "read", "write", "pool")


def timeout_in_seconds(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """Settings (a call's, or a constructor's) with a `Timeout` object given as their
    `timeout` (what a partner hands its SDK's create() or client, as
    `timeout=httpx.Timeout(5)`) taken in seconds: its read timeout, the wait for the
    reply, which then bounds the attempt as any timeout does. Other settings, and a
    timeout in seconds, as they are.

    >>> import httpx
    >>> timeout_in_seconds({"timeout": httpx.Timeout(5, connect=2), "stop": ["x"]})
    {'timeout': 5.0, 'stop': ['x']}
    """
    given = settings.get("timeout")
    if given is None or isinstance(given, (int, float, str)):
        return settings
    if not all(hasattr(given, part) for part in _TIMEOUT_PARTS):
        return settings  # refused as any other value that is not seconds
    return {**settings, "timeout": given.read}


def partner_http_clients(
    owner: str,
    given: str,
    sync: Mapping[str, Any],
    in_async: Mapping[str, Any],
    params: dict[str, Any],
) -> None:
    """chatplex's `http_client` and `http_async_client` in `params`, built from the httpx
    keywords a partner class takes for its SDK's two clients (`given`: the setting that
    passed them), as that SDK builds its own; a TypeError if a client was given too."""
    if "http_client" in params or "http_async_client" in params:
        raise TypeError(
            f"{owner}({given}=...) builds the HTTP clients; with http_client= or "
            "http_async_client= as well, give the clients those settings instead"
        )
    import httpx

    params["http_client"] = httpx.Client(**sync)
    params["http_async_client"] = httpx.AsyncClient(**in_async)
