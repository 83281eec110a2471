"""What LangChain's callbacks and LangSmith are told about a ChatChatplex call: its
invocation params (LangChain's, built without its deprecation shim) and the `ls_*`
params, as the wire's LangChain class reports them (its spec's `ls_rule`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import attrgetter
from operator import is_
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models import LangSmithParams

from ..chat.callbacks import ls_provider
from ..chat.partner_form import PartnerFields
from ..chat.partner_form import serialized_form
from ..specs import LangSmithRule
from ..specs import ProviderSpec
from ..specs import spec
from ..specs import specs
from .wrapped import primary

if TYPE_CHECKING:
    from .chat_protocol import LangChainChat

__all__ = [
    "PLAIN_TYPES",
    "invocation_params",
    "langchain_dict",
    "ls_params",
    "remembered_ls_params",
]

#: What a model without a partner's form reads its settings through (`ls_params`).
_NO_FORM = PartnerFields()
#: LangChain's default LangSmith metadata, for a provider whose spec declares none.
_DEFAULT_LS_RULE = LangSmithRule()


def invocation_params(
    model: LangChainChat,
    identifying: dict[str, Any],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> dict[str, Any] | None:
    """LangChain's invocation params of a call, `identifying` the model's
    `_identifying_params`: its `dict()` (those and `_type`), the call's `stop`, its
    keywords. Built here, as LangChain builds them, where LangChain reaches `dict()`
    through its deprecation shim on every call (a `warnings.catch_warnings()` and two
    filters: a third of the cost of each call's params); None where a subclass has a
    `dict()` or `asdict()` of its own (LangChain's own then)."""
    if not langchain_dict(type(model)):
        return None
    return {**identifying, "_type": model._llm_type, "stop": stop, **kwargs}


def ls_params(
    model: LangChainChat, stop: list[str] | None, kwargs: dict[str, Any]
) -> LangSmithParams:
    """As the provider's LangChain class reports them: each read where its spec's
    `ls_rule` says (the call's keyword, else the model's setting, as the partner's
    field holds it: `PartnerFields.held`)."""
    engine = primary(model.chatplex_model)
    name, rule = _ls_rule(model, engine)
    record = model._record
    form = serialized_form(None if record is None else record.fields) or _NO_FORM

    def setting(field: str) -> Any:
        return form.held(field, model._setting(field, engine), engine)

    called = kwargs.get("model")
    if not called:
        for attribute in rule.model_attributes:  # (a loop: generators cost more, per call)
            if called := _attribute(engine, attribute):
                break
        else:
            called = model._sent_model_name
        version = model._setting(rule.model_version, engine) if rule.model_version else None
        if version and version not in called:
            called = f"{called}-{version.lstrip('-')}"
    params = LangSmithParams(
        ls_provider=ls_provider(name),  # as LangChain's class names it
        ls_model_name=called.removeprefix(rule.model_prefix),
        ls_model_type="chat",
    )
    temperature = kwargs["temperature"] if "temperature" in kwargs else setting("temperature")
    if temperature is not None or rule.temperature_unset:
        params["ls_temperature"] = temperature
    if rule.max_tokens_keyword is not None:
        max_tokens = kwargs.get(rule.max_tokens_keyword)
        if max_tokens is None and rule.max_tokens_setting:
            max_tokens = setting("max_tokens")
        if max_tokens or (max_tokens == 0 and rule.zero_max_tokens):
            params["ls_max_tokens"] = max_tokens
    own_stop = model._setting("stop", engine) if rule.stop_setting else None
    call_stop = stop or kwargs.get("stop") or own_stop
    if isinstance(call_stop, str) and call_stop:
        params["ls_stop"] = [call_stop]
    elif isinstance(call_stop, (list, tuple)) and call_stop:
        params["ls_stop"] = list(call_stop)
    # (a stop of another type is left to the call's own check, which names `stop`)
    if rule.invocation:
        invoked = {key: attrgetter(attr)(engine) for key, attr in rule.invocation}
        params["ls_invocation_params"] = {k: v for k, v in invoked.items() if v is not None}  # type: ignore[typeddict-unknown-key]
    return params


def _ls_rule(model: LangChainChat, engine: Any) -> tuple[str, LangSmithRule]:
    """The provider name the engine (`primary`) answers to and how its LangChain
    class reports LangSmith's metadata (its spec's `ls_rule`; LangChain's default
    when none)."""
    try:
        name = str(engine.provider_label)
    except AttributeError:
        name = model._wire
    declared = spec(name)
    record = model._record
    owner = record.partner_class.rpartition(":")[2] if record and record.partner_class else None
    if declared is not None and declared.langchain_class not in (None, owner):
        # (a class speaking another class's wire reports as its own class does)
        declared = _class_spec(owner) or declared
    return name, declared.ls_rule if declared else _DEFAULT_LS_RULE


@functools.cache
def _class_spec(owner: str | None) -> ProviderSpec | None:
    """The spec of the provider whose LangChain class is `owner`, if one is."""
    return next((s for s in specs().values() if owner and s.langchain_class == owner), None)


@functools.cache
def langchain_dict(cls: type[BaseChatModel]) -> bool:
    """Whether `cls` has LangChain's `dict()` (`asdict()`: the identifying params and
    `_type`), not one of its own."""
    names = ("dict", "asdict", "_dict_for_compat")
    return all(getattr(cls, n, None) is getattr(BaseChatModel, n, None) for n in names)


#: What `ls_params` reads of a drop-in itself (the engine, its settings).
_LS_READ = ("chatplex_model", "model", "temperature", "max_tokens", "stop")
#: Settings of these types are never changed in place: what is read from them is still
#: theirs while they are the same objects.
PLAIN_TYPES = (type(None), bool, int, float, str)


def remembered_ls_params(model: Any, read: Callable[[], LangSmithParams]) -> LangSmithParams:
    """A drop-in's LangSmith params of a call with no stop and no keywords (nearly every
    one): `read()`, remembered in its `_ls_memo` while the engine and the settings they
    read (plain values) are the same objects. A copy each time (LangChain adds keys)."""
    # (Read in pydantic's store: as an attribute, its lookup fails twice first. Compared
    # by `map`, not a generator: LangChain asks at every request.)
    key = tuple(map(model.__dict__.get, _LS_READ))
    private = model.__pydantic_private__
    memo = None if private is None else private.get("_ls_memo")
    if memo is None or not all(map(is_, memo[0], key)):
        memo = (key, read())
        if private is not None and all(type(value) in PLAIN_TYPES for value in key[1:]):
            private["_ls_memo"] = memo
    return cast("LangSmithParams", dict(memo[1]))


def _attribute(engine: Any, path: str) -> Any:
    """The engine's attribute at `path` (dotted: `adapter.base_model_id`); None where
    there is none."""
    for name in path.split("."):
        engine = getattr(engine, name, None)
    return engine
