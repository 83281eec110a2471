"""What a drop-in's LangChain object holds of its engine's settings, as its partner
class holds them: the settings shown as its fields (`engine_shown`, `partner_shown`,
`shown_extras`: the model, sampling settings, base URL, `model_kwargs` masked), written
in its serialized form (`written_kwargs`, credentials masked), compared (`engine_settings`)
and changed when LangChain rebuilds the model with some changed (`changed_settings`,
`with_settings`: its configurable fields, the partner's too (`with_partner_fields`),
`model_copy`, an assignment). The model class
that reads them is `dropin_model.py`'s `DropInChatModel`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel
from pydantic import SecretStr

from ..chat.dropin import TAIL
from ..chat.langchain_hooks import DropInEngine
from ..chat.partner_form import PartnerFields
from ..chat.partner_form import serialized_form
from ..secret import Secret
from ..secret import secret_values
from .partner_fields import ABSENT
from .partner_fields import partner_value
from .partner_fields import reading_form
from .partner_fields import split_model_kwargs
from .settings_fields import FIELD_SETTINGS as _FIELD_SETTINGS
from .settings_fields import masked as _masked
from .wrapped import adapter_of as _adapter_of

if TYPE_CHECKING:
    from .chat_protocol import EngineClass

#: LangChain's settings that the engines take too, where they declare them (`profile`:
#: langchain-aws's reasoning-effort levels are the profile's).
SHARED_SETTINGS = frozenset({"output_version", "profile"})

#: Keywords LangChain's side keeps: `BaseChatModel`'s fields, and `streaming` (LangChain
#: streams on `invoke` with it, and callbacks see each token).
LANGCHAIN_SIDE = frozenset(BaseChatModel.model_fields) | {"streaming"}

#: Settings shown on the LangChain object too (`llm.temperature`), read from the engine.
_SHOWN = _FIELD_SETTINGS

#: ChatChatplex's fields shown as the partner's field of the same name where it has one
#: (langchain-deepseek's `api_key`, langchain-anthropic's per-model `max_tokens`).
_PARTNER_SHOWN = ("model", *_SHOWN, "base_url", "api_key")

#: chatplex's own settings (no partner class has them): not in the serialized form.
CHATPLEX_OWN = frozenset(TAIL) - {"timeout", "max_retries"} - LANGCHAIN_SIDE


def serializable(engine: type[DropInEngine]) -> bool:
    """Whether LangChain serializes the engine's partner class: it names one
    (`PartnerClass.namespace`) and its form is not declared read-only (there the namespace
    is the partner's module path, which its `not_implemented` form writes)."""
    record = engine.partner_record
    return record.namespace is not None and (record.fields is None or record.fields.serialized)


def engine_shown(engine: Any) -> dict[str, Any]:
    """What the LangChain object shows of its engine: the model name (without a
    provider prefix, as langchain-openai's `model_name`), the settings, the base URL."""
    shown = {"model": getattr(engine, "model", None)}
    for name in _SHOWN:
        value = getattr(engine, name, None)
        shown[name] = [value] if name == "stop" and isinstance(value, str) else value
    adapter = _adapter_of(engine)
    shown["base_url"] = adapter.base_url if adapter is not None else None
    return {k: v for k, v in shown.items() if v is not None}


def engine_settings(engine: Any) -> tuple[Any, ...]:
    """What an engine sends with: its class, shown settings, bound tools and choice, body
    extras and headers. (Its key is compared by `partner_given`, a field: the `Secret`
    given.)"""
    return (
        type(engine),
        engine_shown(engine),
        *(getattr(engine, name, None) for name in ("tools", "tool_choice", "extra_body")),
        dict(getattr(engine, "extra_headers", None) or {}),
    )


def partner_field(cls: type[EngineClass], given: dict[str, Any], engine: Any, name: str) -> Any:
    """The partner's field `name` of a model built from `given` (`partner_given`)."""
    keywords, environ = given.get("keywords", {}), given.get("environ", {})
    return partner_value(cls._engine, name, keywords, environ, engine)


def partner_shown(cls: type[EngineClass], given: dict[str, Any], engine: Any) -> dict[str, Any]:
    """The partner's values of the settings `ChatChatplex` shows as its own fields
    (`max_tokens`: langchain-anthropic's per-model default), where the partner has a
    field of that name (not an alias: langchain-openai's `timeout`)."""
    form = reading_form(cls._engine)
    if form is None:
        return {}
    names = [n for n in _PARTNER_SHOWN if form.name(n) == n]
    values = {n: partner_field(cls, given, engine, n) for n in names}
    # A base URL not given stays the one the engine calls (resolved from the
    # environment: LangChain's standard test_init_from_env reads it back there), where
    # the partner's field is None (its SDK client reads its own variable then).
    return {
        n: v for n, v in values.items() if v is not ABSENT and (v is not None or n != "base_url")
    }


def shown_extras(cls: type[EngineClass], given: dict[str, Any], engine: Any) -> Any:
    """The partner's `model_kwargs` as the drop-in shows them, credentials masked (None:
    none, and ChatChatplex's field reads `{}`): the partner's field as given (with a
    keyword it keeps there: langchain-perplexity's `stop`), else the engine's
    (langchain-aws' model_kwargs, which it takes apart)."""
    held = partner_field(cls, given, engine, "model_kwargs")
    extras = held if isinstance(held, dict) and held else getattr(engine, "model_kwargs", None)
    if not isinstance(extras, dict) or not extras:
        return None
    return _masked(extras, keys=secret_values(given.get("keywords", {}).values()))


def written_kwargs(cls: type[EngineClass], given: dict[str, Any], engine: Any) -> dict[str, Any]:
    """The partner's serialized kwargs of a model built from `given` (`partner_given`:
    the keywords as held, the environment read) with `engine` its engine, credentials
    masked (none: no serialized form declared). Read at each dump, never stored: the
    keywords and the engine are the one record of the settings."""
    form = serialized_form(cls._engine.partner_record.fields)
    if form is None:
        return {}
    keywords = {k: v for k, v in given.get("keywords", {}).items() if k not in CHATPLEX_OWN}
    written = form.written(keywords, given.get("environ", {}), engine=engine)
    return _without_credentials(form, written, secret_values(keywords.values()))


def _without_credentials(
    form: PartnerFields, written: dict[str, Any], keys: frozenset[Secret]
) -> dict[str, Any]:
    """`written` with the credentials its values hold masked (credential headers, a
    header carrying one of `keys`, secret-named keys of `extra_body`, a URL's user
    info), as every chatplex form shows them: the partner class would write them in
    clear."""
    out = {k: v if k in form.secrets else _masked(v, k, keys) for k, v in written.items()}
    for name in form.masked & out.keys():  # a SecretStr, as LangChain's serializer has it
        out[name] = SecretStr("masked")
    return out


def changed_settings(cls: type[EngineClass], values: dict[str, Any]) -> dict[str, Any]:
    """The settings a copy LangChain builds from a model's fields changes (its
    `configurable_fields` do): each field shown from the engine whose value is not the
    model's, taken out of `values`. A new base URL or key is refused: the partner shows
    it and goes on sending with the SDK client it built, to the old URL with the old key."""
    engine = values["chatplex_model"]
    given = values.get("partner_given") or {}
    current = {**engine_shown(engine), **partner_shown(cls, given, engine)}
    changed = {}
    for name in _PARTNER_SHOWN:
        value = values.pop(name, None)
        if value is not None and value != current.get(name):
            changed[name] = value
    for name in ("base_url", "api_key"):
        if name in changed:
            raise ValueError(f"{name} cannot change on a built model: build another one")
    extras = values.pop("model_kwargs", None)  # the partner's, shown (_show_settings)
    if extras and extras != shown_extras(cls, given, engine):
        changed["model_kwargs"] = extras
    fields = cast("type[BaseModel]", cls).model_fields
    for name in [n for n in values if n not in fields]:  # (a partner field's)
        changed[name] = values.pop(name)
    return changed


def with_partner_fields(
    configure: Any, fields: dict[str, Any], form: PartnerFields | None, own: Mapping[str, Any]
) -> Any:
    """`configurable_fields(**fields)` where some name a field of the partner class the
    drop-in holds in its engine (langchain-google-genai's `thinking_budget`): LangChain's
    check (`configure`) of the rest, then those fields too (typed `Any` and described by
    their name where not given: the schema's type and text are not the partner's). A
    configured value rebuilds the model with it, as the partner's is (`changed_settings`)."""
    from langchain_core.runnables.configurable import RunnableConfigurableFields

    from .settings_fields import langchain_field

    dumped = form.dumped if form is not None else ()
    # (LangChain's schema reads a field's type and text from the class's own fields)
    specs = {k: langchain_field(f) for k, f in fields.items() if k not in own and k in dumped}
    theirs = {
        k: spec._replace(annotation=spec.annotation or Any, description=spec.description or k)
        for k, spec in specs.items()
    }
    checked = configure(**{k: f for k, f in fields.items() if k not in theirs})
    if not theirs:
        return checked
    return RunnableConfigurableFields(default=checked.default, fields={**checked.fields, **theirs})


def with_settings(
    cls: type[EngineClass], keywords: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """The keywords a model was built with, each of `settings` replacing what was given
    under any spelling of it (`model_name` replaces `model`)."""
    form = reading_form(cls._engine)
    field = form.name if form is not None else str
    changed = {field(name) for name in settings}
    return {**{k: v for k, v in keywords.items() if field(k) not in changed}, **settings}


def sent_over_fields(cls: type[EngineClass], keywords: dict[str, Any]) -> dict[str, Any]:
    """The keywords a model holds as its engine sends them, where its partner's fields
    inside `model_kwargs` were assigned, not given to the constructor (the partner's
    validator did not lift them): sent over the fields they name, as the partner's
    request merges `model_kwargs` last, while the fields read as given."""
    fields, rest = split_model_kwargs(cls._engine, keywords.get("model_kwargs"))
    if not fields:
        return keywords
    return with_settings(cls, keywords, {**fields, "model_kwargs": rest})


@functools.cache
def engine_parameters(cls: type[Any]) -> frozenset[str]:
    """A drop-in class's engine's named constructor parameters (read once: each setting
    assigned asks)."""
    named = inspect.signature(cls._engine).parameters.values()
    return frozenset(p.name for p in named if p.kind is not inspect.Parameter.VAR_KEYWORD)


@functools.cache
def subclass_fields(cls: type[BaseModel], made: type[BaseModel]) -> frozenset[str]:
    """The fields a script's subclass of a drop-in declares (`class Mine(ChatOpenAI):
    suffix: str = "!"`): pydantic's, as on a subclass of the partner, not the engine's
    (`made`: the drop-ins' base, whose subclass holding an `_engine` is the drop-in)."""
    own = next((k for k in cls.__mro__ if "_engine" in vars(k) and issubclass(k, made)), cls)
    return frozenset(cls.model_fields) - frozenset(own.model_fields)
