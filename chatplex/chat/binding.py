"""How settings land on a `ChatModel`: checked when it is built (`check_construction`),
set on the copy `bind` or a call's overrides make (`apply`: each setting by its setter,
any other name a parameter of the wire's API), tools on the copy `bind_tools` makes
(`with_tools`), and read back as a call's `CallSettings` (`call_settings`). The model's
methods call these, which read and write the model through `Bindable` and never import
`ChatModel` (which imports them).
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import Protocol
from typing import TypeVar

from ..adapters.extra_body_layer import ExtraBodyLayer
from ..adapters.extra_body_layer import with_layer
from ..secret import merged_headers
from .call_hooks import check_cache
from .description import Describable
from .description import provider_label
from .settings import CALL_SETTINGS
from .settings import SETTING_NAMES
from .settings import TRANSPORT_SETTINGS
from .settings import check_body_fields
from .settings import check_candidates
from .settings import check_settings
from .settings import coerce_rate_limit

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from ..adapters.partner_calls import PartnerCalls
    from ..adapters.request_types import CallSettings
    from ..http import RateLimit
    from .caching.base import BaseCache
    from .tool_binding import BuiltinReader

__all__ = [
    "Bindable",
    "apply",
    "call_settings",
    "check_construction",
    "merge_body",
    "merged_last",
    "with_tools",
]


class Bindable(Describable, Protocol):
    """A model as its settings are set and read: the copy `bind` makes, or the model
    being built."""

    partner_calls: PartnerCalls
    partner_words: bool
    temperature: float | None
    max_tokens: int | None
    top_p: float | None
    stop: str | Sequence[str] | None

    tools: tuple[Any, ...]
    tool_choice: str | None
    tool_list_bound: bool
    extra_headers: dict[str, str]
    extra_query: Mapping[str, Any]
    rate_limit: RateLimit | Literal[False] | None
    cache: BaseCache | bool | None
    stream_usage: bool
    extra_body: dict[str, Any]
    timeout: float | None
    call_timeout: float | None

    def _tools_to_bind(
        self, tools: Sequence[Any], tool_choice: Any
    ) -> tuple[Sequence[Any], Any]: ...
    def _builtin_tool_reader(self) -> BuiltinReader | None: ...
    def _keeps_bound_tool_lists(self) -> bool: ...


def _is_adapter(value: object) -> bool:
    """Whether `value` implements `adapters.base.Adapter`: without importing it (a real
    adapter's class has loaded it already; `import chatplex` does not)."""
    base = sys.modules.get("chatplex.adapters.base")
    return base is not None and isinstance(value, base.Adapter)


def check_construction(
    adapter: Adapter | None,
    model: str,
    provider_extras: Mapping[str, Any],
    *,
    streaming: Any,
    stream_usage: Any,
    settings: Mapping[str, Any],
    owner: Callable[[], str],
) -> None:
    """Raise what a model's constructor arguments are refused for, before it holds any:
    `owner` names it in the refusal of an unknown parameter."""
    if not isinstance(model, str) or not model:
        raise ValueError("model must be a non-empty model name")
    if adapter is not None and not _is_adapter(adapter):
        raise TypeError(
            "adapter must be an instance of a subclass of chatplex.adapters.base.Adapter "
            f"(the interface shared code calls), got {type(adapter).__name__}"
        )
    if adapter is not None and provider_extras:
        from .params import check_api_parameters  # loaded when extras are first given

        # (not the body fields its partner's SDK takes too, as a call's keywords are not)
        taken = adapter.call_body_fields
        extras = {k: v for k, v in provider_extras.items() if k not in taken}
        check_api_parameters(adapter.provider, extras, settings=SETTING_NAMES, owner=owner())
    if not isinstance(streaming, bool) or not isinstance(stream_usage, bool):
        raise TypeError("streaming and stream_usage must be True or False")
    check_settings(settings, None if adapter is None else adapter.provider)


def apply(model: Bindable, settings: Mapping[str, Any], *, asynchronous: bool = False) -> None:
    """Set `settings` on `model` (a copy: `bind`'s, a call's), each checked; a name that
    is no setting is a parameter of the wire's API, sent in the request body. A call's
    `asynchronous` names the SDK's async method in a drop-in's refusal."""
    if model.partner_calls.timeout_objects:  # (a `Timeout` object, in seconds)
        from .dropin import timeout_in_seconds

        settings = timeout_in_seconds(settings)
    read = model.partner_calls.read_values
    if read is not None:  # (its partner's refusals first: their class, before any request)
        settings = read(settings)
    check_settings(settings, None if model.adapter is None else model.adapter.provider)
    if model.partner_calls.candidates_checked:
        check_candidates(settings)
    if model.partner_calls.call_aliases and model.adapter is not None:
        settings = _under_own_names(model, settings)
    for key, value in settings.items():
        setter = _SETTERS.get(key)
        if setter is not None:
            setter(model, key, value)
        else:
            _set_api_parameter(model, key, value, asynchronous)
    applied = model.partner_calls.call_applied
    if applied is not None:  # (what its partner does once they are set)
        applied(model, settings)


def _owner(model: Bindable) -> str:
    """The model as its errors name it: a drop-in by its LangChain class's name, a model
    of chatplex's own family by its own class's (LangChain's name stays its runs')."""
    return model.get_name() if model.partner_words else type(model).__name__


@functools.cache
def _call_aliases(provider: str) -> dict[str, str]:
    """`provider`'s other names for parameters of its API (its spec's `setting_aliases`
    whose name is such a parameter's) → that parameter's name."""
    from ..specs import spec
    from .params import api_parameters

    declared, known = spec(provider), api_parameters(provider)
    if declared is None or known is None:
        return {}
    return {alias: name for alias, name in declared.setting_aliases if name in known}


def _under_own_names(model: Bindable, settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """`settings` with a keyword under its provider's other name for an API parameter
    (a Google model's `n`) under that parameter's name, as `init_chat_model` takes it."""
    aliases = _call_aliases(provider_label(model))
    given = [alias for alias in settings if alias in aliases]
    if not given:
        return settings
    from .dropin import pick

    renamed = dict(settings)
    for alias in given:
        name = aliases[alias]
        picked = {name: renamed.get(name), alias: renamed.pop(alias)}
        renamed[name] = pick(_owner(model), **picked)
    return renamed


def merge_body(model: Bindable, kind: str, values: Mapping[str, Any] | None) -> None:
    """`model_kwargs` / `extra_body`: request-body fields sent as given (unchecked, for
    parameters newer than chatplex; see `settings.check_body_fields`)."""
    if values is not None:
        check_body_fields(kind, values, _owner(model))
        model.extra_body.update(values)


B = TypeVar("B", bound=Bindable)


def merged_last(
    model: B,
    extra_body: Mapping[str, Any] | None,
    adapters: Sequence[Adapter | None],
    before: Mapping[str, Any] | None = None,
) -> B:
    """`model` with a drop-in's constructor `extra_body`, which its partner's SDK merges
    over the body last, merged so; its layer held by `adapters` (those the model calls
    through), so a call's own replaces it, and the request options `model_kwargs` gave
    (`before`: the model's own before them, `take_request_options`) too
    (`adapters/extra_body_layer.py`)."""
    layer = ExtraBodyLayer.over(model.extra_body, extra_body, before)
    for adapter in adapters:
        if adapter is not None:
            with_layer(adapter, layer)
    merge_body(model, "extra_body", extra_body)
    return model


def _set_tools(model: Bindable, key: str, value: Any) -> None:
    from ..adapters.tools import to_tool_specs

    model.tools = to_tool_specs(value, builtin=model._builtin_tool_reader())
    model.tool_list_bound = model._keeps_bound_tool_lists()


def _set_timeout(model: Bindable, key: str, value: Any) -> None:
    model.timeout = model.call_timeout = value  # a call's own (`ChatModel.call_timeout`)


def _add_headers(model: Bindable, key: str, value: Any) -> None:
    model.extra_headers = merged_headers(model.extra_headers, value)  # on the model's own


def _add_query(model: Bindable, key: str, value: Any) -> None:
    if value:  # a new mapping: the model bound from keeps its own
        model.extra_query = {**model.extra_query, **value}


def _set_rate_limit(model: Bindable, key: str, value: Any) -> None:
    model.rate_limit = coerce_rate_limit(value)


def _set_cache(model: Bindable, key: str, value: Any) -> None:
    model.cache = check_cache(value)


def _set_stream_usage(model: Bindable, key: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"stream_usage must be True or False, got {value!r}")
    model.stream_usage = value


def _set_api_parameter(model: Bindable, key: str, value: Any, asynchronous: bool) -> None:
    """Not a setting: a parameter of the wire's API, sent in the request body."""
    adapter = model.adapter
    if adapter is not None:
        _check_call_keyword(model, adapter, key, value, asynchronous)
        # a call's `seed` replaces the model's `random_seed` it is sent as
        sent_as = adapter.body_field(key)
        if sent_as != key:
            model.extra_body.pop(sent_as, None)
        held = model.extra_body.get(key)
        if isinstance(held, Mapping) and key in _layered_fields(provider_label(model)):
            value = _laid_over(held, value)
    model.extra_body[key] = value


def _laid_over(held: Mapping[str, Any], value: Any) -> Any:
    """A call's `value` of a layered body parameter over the model's `held` one: its
    keys over the model's (None: the model's alone), anything else in its place."""
    if value is None:
        return held
    return {**held, **value} if isinstance(value, Mapping) else value


@functools.cache
def _layered_fields(provider: str) -> tuple[str, ...]:
    """`provider`'s body parameters a call's value is laid over (its spec's
    `layered_body_fields`)."""
    from ..specs import spec

    declared = spec(provider)
    return () if declared is None else declared.layered_body_fields


def _check_call_keyword(
    model: Bindable, adapter: Adapter, key: str, value: Any, asynchronous: bool
) -> None:
    """A call keyword neither a setting nor a parameter of the wire's API: TypeError,
    or under a partner's name the error its partner raises for it
    (`PartnerCalls.unknown_keyword`)."""
    from .params import check_api_parameters

    if key in adapter.call_body_fields:
        return
    try:
        check_api_parameters(
            model.provider, {key: value}, settings=SETTING_NAMES, owner=_owner(model)
        )
    except TypeError:
        refusal = model.partner_calls.unknown_keyword
        partner = None if refusal is None else refusal(key, value, asynchronous)
        if partner is None:
            raise
        raise partner from None


#: How `apply` sets each setting (a call's or `bind`'s), by name: the model's attribute,
#: checked or merged where it needs it. Any other name is a parameter of the wire's API.
_SETTERS: dict[str, Callable[[Any, str, Any], None]] = {
    **dict.fromkeys((*CALL_SETTINGS, *TRANSPORT_SETTINGS), setattr),
    "tools": _set_tools,
    "timeout": _set_timeout,
    "extra_headers": _add_headers,
    "extra_query": _add_query,
    "rate_limit": _set_rate_limit,
    "cache": _set_cache,
    "model_kwargs": merge_body,
    "extra_body": merge_body,
    "stream_usage": _set_stream_usage,
}


M = TypeVar("M", bound=Bindable)


def with_tools(
    model: M,
    tools: Sequence[Any],
    tool_choice: Any,
    *,
    strict: bool | None,
    parallel_tool_calls: bool | None,
) -> M:
    """The copy of `model` `bind_tools` makes: offering the tools its `_tools_to_bind`
    binds as functions, with the tool choice read (before a drop-in's `_finish_binding`)."""
    from ..adapters.tool_choice import normalise_tool_choice
    from ..adapters.tools import to_tool_specs

    own = model.partner_calls.tools_to_bind  # (as its partner class binds them)
    functions, choice = (own or type(model)._tools_to_bind)(model, tools, tool_choice)
    specs = to_tool_specs(functions, strict=strict, builtin=model._builtin_tool_reader())
    clone = copy.copy(model)
    clone.tools = specs
    clone.tool_list_bound = model._keeps_bound_tool_lists()
    adapter = model.adapter
    kept = clone.tool_list_bound and adapter is not None and adapter.keeps_choice_without_tools
    clone.tool_choice = normalise_tool_choice(choice, specs, kept_without_tools=kept)
    if parallel_tool_calls is not None:
        from .dropin import tool_call_body

        body = tool_call_body(adapter, parallel_tool_calls, clone.tool_choice)
        clone.extra_body = {**model.extra_body, **body}
    if model.partner_calls.choices_as_given:
        _keep_choice(clone, choice, model.partner_calls.choices_as_given)
    return clone


def _keep_choice(clone: Bindable, choice: Any, kept: tuple[str, ...]) -> None:
    """A choice word its partner class sends as given (`PartnerCalls.choices_as_given`:
    a preset's `Profile.kept_tool_choices`) in the body, where the wire's word would go; an earlier
    binding's goes, this binding's choice deciding."""
    body = {k: v for k, v in clone.extra_body.items() if not (k == "tool_choice" and v in kept)}
    if isinstance(choice, str) and choice in kept:
        body["tool_choice"] = choice
    clone.extra_body = body


def call_settings(model: Bindable) -> CallSettings:
    """The `CallSettings` a call of `model` sends: its sampling settings, tools, tool
    choice and body fields."""
    stop = model.stop
    settings = (_CallSettings or _load_call_settings())(
        model=model.model,
        temperature=model.temperature,
        max_tokens=model.max_tokens,
        top_p=model.top_p,
        stop=(stop,) if isinstance(stop, str) else tuple(stop) if stop else None,
        tools=tuple(model.tools),
        tool_list_bound=model.tool_list_bound,
        tool_choice=model.tool_choice,
        extra_body=model.extra_body,
    )
    own = model.partner_calls.call_settings
    return settings if own is None else own(model, settings)


#: `adapters.request_types.CallSettings` once a call has needed it (a per-call import costs more
#: than building the settings; the module loads with the first call, not with this one).
_CallSettings: type[CallSettings] | None = None


def _load_call_settings() -> type[CallSettings]:
    global _CallSettings
    from ..adapters.request_types import CallSettings

    _CallSettings = CallSettings
    return CallSettings
