"""What ChatChatplex reads off the chatplex model it wraps: the chat model inside
wrappers, its adapter, spec and name, a copy under another model name, the attempts its
retry policy allows, and the keywords its partner refuses."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import BaseMessage as LCBaseMessage

from ..adapters.base import Adapter
from ..chat import ChatModel
from ..chat.params import unknown_keyword
from ..chat.partner_record import PartnerHooks
from ..chat.retrying import retry_policy_for
from ..chat.settings import OWN_CALL_SETTINGS
from ..core import Runnable
from ..specs import ProviderSpec
from ..specs import spec
from .from_langchain import to_chatplex_messages
from .traits import partner_traits

__all__ = [
    "adapter_of",
    "allowed_attempts",
    "body_format",
    "declared_spec",
    "for_call",
    "invoke_streams",
    "model_name",
    "partner_max_tokens",
    "partner_refuses",
    "primary",
    "refuse_partner_keywords",
    "with_model_name",
]


def primary(model: Any) -> Any:
    """The chat model inside wrappers (fallbacks, retries, bindings), for its name only."""
    for _ in range(8):
        # (Read as an attribute, not by `getattr`: every call's hooks ask this of the
        # same engine several times.)
        try:
            name = model.model
        except AttributeError:
            name = None
        if name.__class__ is str or isinstance(name, str):
            return model
        inner = getattr(model, "runnable", None) or getattr(model, "bound", None)
        if inner is None:
            break
        model = inner
    return model


def adapter_of(model: Any) -> Adapter | None:
    """The wire adapter of a chatplex model (read through a binding, which passes its
    attributes on); None for a model without one (fallbacks, a fake, a foreign runnable)."""
    try:
        adapter: Adapter = model.adapter
    except AttributeError:
        return None
    if adapter.__class__ in _ADAPTER_CLASSES:
        return adapter
    if not isinstance(adapter, Adapter):
        return None
    _ADAPTER_CLASSES.add(adapter.__class__)  # (an ABC's check: made once per class)
    return adapter


#: The classes `adapter_of` has found to be adapters.
_ADAPTER_CLASSES: set[type] = set()


def declared_spec(target: Any) -> ProviderSpec | None:
    """The spec of the wire `target` calls (None for a runnable that names none)."""
    provider = getattr(primary(target), "provider", None)
    return spec(provider) if isinstance(provider, str) else None


def invoke_streams(target: Any) -> bool:
    """Whether the wire's partner class streams its `invoke` (`ProviderSpec.invoke_streams`)."""
    declared = declared_spec(target)
    return declared is not None and declared.invoke_streams


def model_name(model: Any) -> str | None:
    """The "provider:model" name of a chatplex model (None where it names neither)."""
    model = primary(model)
    provider, name = getattr(model, "provider", None), getattr(model, "model", None)
    # The name users gave where it is not the wire's ("azure_openai" and the OpenAI-compatible
    # presets speak "openai"): the model's `provider_label`, else the adapter's registry name.
    label = getattr(model, "provider_label", None)
    adapter = adapter_of(model)
    provider = label or (adapter.registry_name if adapter is not None else None) or provider
    if isinstance(provider, str) and isinstance(name, str):
        return f"{provider}:{name}"
    return None


def with_model_name(target: Runnable[Any, Any], name: str) -> Runnable[Any, Any]:
    """`target` calling the model `name` (a per-call `model=`)."""
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


def allowed_attempts(engine: Any) -> int | None:
    """The attempts in all the retry policy of the chatplex model `engine` allows."""
    if not isinstance(engine, ChatModel):
        return None
    allowed = getattr(retry_policy_for(engine).stop, "max_attempt_number", None)
    return allowed if isinstance(allowed, int) else None


def refuse_partner_keywords(
    engine: Any,
    kwargs: Mapping[str, Any],
    asynchronous: bool,
    messages: list[LCBaseMessage],
    stop: list[str] | None = None,
    streaming: bool = False,
) -> None:
    """A drop-in's call with keywords its partner package refuses before any request
    raises the partner's TypeError (its `PartnerTraits.partner_refusal`, told whether
    the call is async and whether it `streaming`: its SDK's method). Every partner
    that refuses keywords formats the messages first (in the method that builds its
    request), so what it cannot
    format raises before it (`PartnerTraits.check_partner_messages`), and so does what it
    checks of the call's settings there (`ChatModel.check_call`: the call's `stop`)."""
    adapter = _dropin_adapter(engine)
    if adapter is not None and engine.partner_calls.own_settings_refused:
        _refuse_own_settings(engine, kwargs, asynchronous)
    traits = partner_traits(adapter)
    if adapter is None or traits.partner_refusal is None:
        return
    words = traits.partner_refusal(adapter, list(kwargs), asynchronous, streaming)
    if words is not None:
        if traits.check_partner_messages is not None:
            traits.check_partner_messages(adapter, to_chatplex_messages(messages))
        engine.check_call({**kwargs, "stop": stop})
        raise TypeError(words)


def _refuse_own_settings(engine: ChatModel, kwargs: Mapping[str, Any], asynchronous: bool) -> None:
    """A call given one of chatplex's own settings, which its partner hands to an SDK
    `create()` that takes no such keyword (`PartnerCalls.own_settings_refused`): the
    partner's error for an unknown keyword, else chatplex's TypeError."""
    read = engine.partner_calls.read_values  # (the keywords as its partner reads them)
    for key, value in (kwargs if read is None else read(kwargs)).items():
        if key in OWN_CALL_SETTINGS:
            refusal = engine.partner_calls.unknown_keyword
            partner = None if refusal is None else refusal(key, value, asynchronous)
            hint = f"; {key} is the model's setting here, as on its partner class"
            raise partner or unknown_keyword(engine.get_name(), key, (), hint)


def partner_refuses(engine: Any, asynchronous: bool = False, **kwargs: Any) -> str | None:
    """The words of the TypeError a drop-in's partner raises for a call given `kwargs`
    (`PartnerTraits.partner_refusal`); None for chatplex's own models and what it takes."""
    adapter = _dropin_adapter(engine)
    refusal = partner_traits(adapter).partner_refusal
    if adapter is None or refusal is None:
        return None
    return refusal(adapter, list(kwargs), asynchronous, False)


def _dropin_adapter(engine: Any) -> Adapter | None:
    """The wire adapter of `engine` where it answers under a partner's name (a drop-in's
    chatplex model: `ChatModel.partner_words`); None for chatplex's own models."""
    if not (isinstance(engine, ChatModel) and engine.partner_words):
        return None
    return adapter_of(engine)


def partner_max_tokens(engine: Any, kwargs: dict[str, Any]) -> None:
    """A drop-in call's own `max_tokens` in the body field its partner sends it as
    (`PartnerTraits.call_max_tokens_field`), beside the model's setting as the wire sends it
    (as the partner sends both: a call's None leaves the model's alone), or none where the
    model's setting wins over it (`PartnerTraits.call_max_tokens_yields`)."""
    adapter = _dropin_adapter(engine)
    if adapter is None or "max_tokens" not in kwargs:
        return
    traits = partner_traits(adapter)
    if traits.call_max_tokens_yields and engine.max_tokens is not None:
        if kwargs["max_tokens"] is not None:
            del kwargs["max_tokens"]
        return
    field = traits.call_max_tokens_field
    if callable(field):
        field = field(adapter)
    if field is None:
        return
    given = kwargs.pop("max_tokens")
    if given is not None:
        kwargs["extra_body"] = {**(kwargs.get("extra_body") or {}), field: given}


def body_format(target: Any) -> Any:
    """The `response_format` the chatplex model `target` sends on every call (given in its
    `model_kwargs`), which its partner's payload holds as a call's; None: none."""
    return target.extra_body.get("response_format") if isinstance(target, ChatModel) else None


def for_call(
    target: Runnable[Any, Any], kwargs: dict[str, Any], hooks: PartnerHooks | None = None
) -> Runnable[Any, Any]:
    """`target`, or a shallow copy over the adapter this call's settings need
    (`PartnerTraits.for_call`) and of the model its keywords as given call for (a
    drop-in's `hooks`: `PartnerHooks.call_model`). The adapter's hook sees a
    `response_format` the model sends on every call (`model_kwargs`') as the call's:
    its partner's payload holds it as one."""
    if hooks is not None and isinstance(target, ChatModel):
        target = hooks.call_model(target, kwargs)
    if not isinstance(target, ChatModel) or target.adapter is None:
        return target
    adapter = target.adapter
    call = partner_traits(adapter).for_call
    sent = body_format(target)
    if sent is not None and kwargs.get("response_format") is None:
        kwargs = {**kwargs, "response_format": sent}
    own = adapter if call is None else call(adapter, kwargs)
    if own is adapter:
        return target
    clone = copy.copy(target)
    clone.adapter = own
    return clone
