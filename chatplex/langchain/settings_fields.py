"""ChatChatplex's fields as chatplex settings: LangChain's spellings read as chatplex's,
keywords that are not fields collected as `model_kwargs`, the chatplex model built from
the fields, credentials masked in what the fields show, and chatplex's configurable
fields read as LangChain's."""

from __future__ import annotations

import weakref
from collections.abc import Collection
from typing import TYPE_CHECKING
from typing import Any

from langchain_core.runnables import ConfigurableField as LCConfigurableField
from langchain_core.runnables import ConfigurableFieldMultiOption as LCMultiOption
from langchain_core.runnables import ConfigurableFieldSingleOption as LCSingleOption

from ..chat import init_chat_model
from ..chat.dropin import pick
from ..chat.params import SettingRefused
from ..secret import Secret
from ..secret import is_secret_name
from ..secret.arguments import masked_settings
from .wrapped import model_name

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .chat_protocol import LangChainChat


__all__ = [
    "LANGCHAIN_ALIASES",
    "build",
    "collect_settings",
    "langchain_field",
    "langchain_spellings",
    "masked",
]

#: LangChain's other spellings of chatplex's settings, as `ChatOpenAI` / `ChatAnthropic`
#: take them (their records' field spellings; tests/langchain/test_settings_fields.py
#: checks the two agree): ChatChatplex takes them in its constructor and
#: `configurable_fields`, so every door of the LangChain family takes the same names.
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

#: The settings LangChain's chat classes carry as fields (`llm.temperature`).
_FIELD_SETTINGS = ("temperature", "max_tokens", "top_p", "stop", "timeout", "max_retries")
#: Fields that configure the chatplex model (the rest configure LangChain's side).
_SETTINGS = (*_FIELD_SETTINGS, "api_key", "base_url")


#: The chatplex models ChatChatplex built from its own fields. LangChain copies a model
#: by building it again from its fields (`configurable_fields` does, with some changed):
#: given one of these with the fields, it is built again from them, not refused.
_FROM_FIELDS: weakref.WeakSet[Any] = weakref.WeakSet()


def collect_settings(cls: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments that are not fields of `cls` are chatplex settings: `model_kwargs`."""
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


def build(model: LangChainChat) -> None:
    """`model.chatplex_model` built from the fields (or, given one, the fields checked)."""
    if model.chatplex_model is not None:
        given = [k for k in (*_SETTINGS, "chatplex_profile") if getattr(model, k) is not None]
        given += list(model.model_kwargs)
        if given:
            raise ValueError(
                f"{', '.join(given)}: set these on the chatplex model passed to "
                "from_model(), not on ChatChatplex"
            )
        if model.model is None:
            model.model = model_name(model.chatplex_model)
        return
    settings = {k: getattr(model, k) for k in _SETTINGS if getattr(model, k) is not None}
    if model.api_key is not None:
        settings["api_key"] = Secret(model.api_key.get_secret_value())  # (held)
    settings.update(model.model_kwargs)
    # Stream usage asked of every server (init_chat_model asks only OpenAI's own host
    # for it, as LangChain's does).
    settings.setdefault("stream_usage", True)
    model.chatplex_model = init_chat_model(model.model, profile=model.chatplex_profile, **settings)
    _FROM_FIELDS.add(model.chatplex_model)
    if model.model is None:  # from the environment or a profile: say which
        model.model = model_name(model.chatplex_model)
    model._mask_credentials()


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
                raise SettingRefused(f"{owner} got {setting}= and {alias}=: pass one of them")
            out[setting] = given if given is not None else value
        else:
            out[setting] = pick(owner, **{setting: given, alias: value})
    return out


def _raw(secret: Any) -> Any:
    reveal = getattr(secret, "get_secret_value", None) or getattr(secret, "get", None)
    return reveal() if callable(reveal) else secret


def masked(value: Any, key: str = "", keys: Collection[str | Secret] = ()) -> Any:
    """Settings with credentials masked (`secret.arguments.masked_settings`: the one rule, with
    `keys` the model's own)."""
    return masked_settings(value, key, keys=keys)


#: chatplex's configurable fields by name -> LangChain's (the same fields, in order).
_LANGCHAIN_FIELDS: dict[str, type[Any]] = {
    "ConfigurableField": LCConfigurableField,
    "ConfigurableFieldSingleOption": LCSingleOption,
    "ConfigurableFieldMultiOption": LCMultiOption,
}


def langchain_field(field: Any) -> Any:
    """`field` as LangChain's class of that name (a chatplex one is a NamedTuple of the
    same fields); anything else as it is."""
    kind = _LANGCHAIN_FIELDS.get(type(field).__name__)
    if kind is None or isinstance(field, kind) or not hasattr(field, "_asdict"):
        return field
    return kind(**field._asdict())
