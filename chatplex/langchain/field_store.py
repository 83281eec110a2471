"""A drop-in whose partner's fields are its pydantic fields, the only store of its
settings (decision 013): every class `langchain_class` makes.

`langchain_class` gives such a class the partner's own fields (`field_values.py`'s
`declared_fields`: its annotations, defaults, environment variables, aliases, exclusions), on
`FieldStoreChatModel`. The engine (`chatplex_model`) is derived from them: built from the
fields that differ from their defaults (set, or filled from the environment) and the
keywords no field takes (chatplex's own settings and API parameters, `chatplex_settings`),
built again when an assignment or `model_copy(update=...)` changes what it is built from
(compared by value). LangChain's own `__repr__`, `model_dump`, `__eq__` and
`configurable_fields` then read the fields as the partner's do.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import warnings
from collections.abc import Iterable
from collections.abc import Mapping
from operator import attrgetter
from operator import ne
from typing import Any
from typing import Self

from langchain_core.language_models import BaseChatModel
from pydantic import AliasChoices
from pydantic import BaseModel
from pydantic import Field
from pydantic import PrivateAttr
from pydantic import SecretStr
from pydantic import SerializationInfo
from pydantic import SerializerFunctionWrapHandler
from pydantic import model_serializer
from pydantic import model_validator
from pydantic.fields import FieldInfo

from ..chat import BaseCache
from ..chat.partner_form import IdentifyingParams
from ..chat.partner_record import as_held
from ..secret import Secret
from ..secret import secret_values
from .dropin_model import DropInChatModel
from .dropin_serialized import function_written
from .dropin_settings import LANGCHAIN_SIDE
from .dropin_settings import SHARED_SETTINGS
from .dropin_settings import engine_parameters
from .dropin_settings import sent_over_fields
from .dropin_settings import subclass_fields
from .field_values import args_of
from .field_values import changeable
from .field_values import held
from .field_values import held_headers
from .field_values import is_function
from .field_values import is_secret
from .field_values import one_of
from .field_values import snapshot
from .partner_fields import ABSENT
from .partner_fields import engine_as_partner
from .partner_fields import settle_as_partner
from .partner_fields import through_gateway
from .settings_fields import masked as _masked_setting
from .wrapped import adapter_of

__all__ = ["FieldStoreChatModel", "field_store_class"]

#: LangChain's own fields (`BaseChatModel`'s), configurable on every drop-in.
_LANGCHAIN_FIELDS = frozenset(BaseChatModel.model_fields)

#: Fields of the class held apart from the partner's (not settings sent).
_DERIVED = frozenset({"chatplex_model", "chatplex_settings", "chatplex_unmasked"})


def field_store_class(
    name: str, namespace: dict[str, Any], base: type[FieldStoreChatModel] | None = None
) -> type[FieldStoreChatModel]:
    """The class `name` on `base` (`FieldStoreChatModel`, or a subclass where the
    drop-in's class has behaviour of its own: a partner binding tools on another class's
    model), its fields in `namespace`. A partner field named as a property of the drop-in's
    (langchain-aws's `provider`, langchain-openai's `model_name`) is read and assigned as
    the field it is there (pydantic would call the property, which has no setter)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Field name .* shadows an attribute", UserWarning)
        cls: type[FieldStoreChatModel] = type(name, (base or FieldStoreChatModel,), namespace)
    for field in cls.model_fields:
        if isinstance(getattr(cls, field, None), property):
            setattr(cls, field, _AsField())
    return cls


class _AsField:
    """A field shadowing a base class's property: the instance's value read, assigned.
    Read on a class it is not there, so pydantic gives a script's subclass the field as
    declared (its default), not this object as the default."""

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        raise AttributeError  # (an instance holds every field: read there, not here)


def _hidden(**default: Any) -> Any:
    return Field(**default, exclude=True, repr=False)


class FieldStoreChatModel(DropInChatModel):
    """A drop-in whose partner's fields (declared on its class by `langchain_class`)
    hold its settings; its engine is built from them."""

    # ChatChatplex's own settings, where the partner has no field of that name: taken,
    # sent, but neither dumped nor shown (a class declaring the field shows it).
    model: str | None = _hidden(default=None)
    max_tokens: int | None = _hidden(default=None)
    top_p: float | None = _hidden(default=None)
    stop: list[str] | None = _hidden(default=None)  # (not read from `stop_sequences`)
    timeout: float | None = _hidden(default=None)
    max_retries: int | None = _hidden(default=None)
    streaming: bool | None = _hidden(default=False)
    api_key: SecretStr | None = _hidden(default=None)
    base_url: str | None = _hidden(default=None)
    chatplex_profile: str | None = _hidden(default=None)
    model_kwargs: dict[str, Any] = _hidden(default_factory=dict)
    chatplex_settings: dict[str, Any] = _hidden(default_factory=dict)
    """The keywords no field takes (chatplex's own settings, API parameters), as given."""
    chatplex_unmasked: dict[str, tuple[Any, Secret]] = _hidden(default_factory=dict)
    """A field given with credentials in it (a URL's user info or query key): the masked
    value its field holds and shows, and the value the engine is built from."""

    #: What the engine was built from (`_engine_keywords`), compared by value.
    _built_from: dict[str, Any] | None = PrivateAttr(default=None)
    #: The values its fields hold that can change in place (mappings, lists, sets), as
    #: they were when the engine was last built: each call compares them.
    _in_place: dict[str, Any] = PrivateAttr(default_factory=dict)
    #: The SDK clients that cannot be built from it: tried once per build, not at every
    #: repr (a traceback's frames show the model many times).
    _unbuilt: set[str] = PrivateAttr(default_factory=set)

    @model_validator(mode="before")
    @classmethod
    def _collect_settings(cls, values: Any) -> Any:
        """The partner's "before" validators; its aliases read as its fields; keywords
        no field takes kept as `chatplex_settings`. (Replaces ChatChatplex's.)"""
        if not isinstance(values, dict):
            return values
        if "streaming" not in _declared(cls):
            values.pop("streaming", None)  # a partner with no such field drops the keyword
        settle_as_partner(cls._record, values)
        form, kept = cls._record.fields, _kept_apart(cls)
        if isinstance(values.get("stop"), str) and not (
            "stop" in kept or str in args_of(_declared(cls).get("stop"))
        ):
            values["stop"] = [values["stop"]]  # one stop sequence (where its field refuses it)
        fields = cls.model_fields
        for shared, keyword in (form.set_only_by if form is not None else {}).items():
            if values.get(keyword) is not None and shared in fields:
                values[shared] = values[keyword]  # (its alias is another's: pydantic sets both)
        for keyword in list(values):
            name = form.aliases.get(keyword) if form is not None else None
            if name is not None and name in fields and name not in values:
                values[name] = values.pop(keyword)
            elif name is not None and name in fields and keyword not in fields:
                values[name] = one_of(
                    cls.__name__, name, values[name], keyword, values.pop(keyword)
                )
        for alias, names in _aliased(cls).items():  # (an alias no form names: each field's)
            spelled_so = values.pop(alias, ABSENT)
            for name in names if spelled_so is not ABSENT else ():
                other = values.setdefault(name, spelled_so)  # (else pydantic's choice: the name)
                if alias not in fields:
                    values[name] = one_of(cls.__name__, name, other, alias, spelled_so)
        through_gateway(form, values)  # (LangSmith's gateway, where the partner follows it)
        values = cls._record.hooks.settings(values)  # (its fields as it holds them)
        unmasked = dict(values.get("chatplex_unmasked") or {})
        keys = secret_values(values.values())
        for name in fields.keys() & values.keys():
            values[name] = held_headers(values[name], keys)
        for name, value in values.items():
            if isinstance(value, Secret) and name in fields:  # (held by `__init__`)
                values[name] = held(fields[name].annotation, name, value, unmasked)
        values["chatplex_unmasked"] = unmasked
        spelled = _spelled(cls)
        rest = {k: values.pop(k) for k in list(values) if k not in fields and k not in spelled}
        rest |= {k: values.pop(k) for k in kept if values.get(k) is not None}  # (not its own)
        if isinstance(values.get("cache"), BaseCache):
            rest["cache"] = values.pop("cache")  # a chatplex cache is the engine's
        if rest:
            values["chatplex_settings"] = {**values.get("chatplex_settings", {}), **rest}
        return values

    @model_validator(mode="after")
    def _build(self) -> Self:
        """The engine built from the fields, then the fields the partner's validators
        write at construction. (Replaces ChatChatplex's.) A copy LangChain builds of a
        model's fields (`configurable_fields`: its engine among them) keeps its base URL
        and key: the partner's copy sends with the SDK clients it built."""
        copied_from = self.__dict__.get("chatplex_model")
        hooks = type(self)._record.hooks  # (its validators run: a copy's fields, as given)
        keywords = hooks.settings(hooks.rebuilt_settings(self._engine_keywords()))
        self._rebuild(keywords, constructed=copied_from is None)
        if copied_from is not None:  # (a built model's connection, only for a copy of one)
            was, now = _connection(copied_from), _connection(self.chatplex_model)
            for name, before, after in zip(
                ("base_url", "api_key"), was[1:3], now[1:3], strict=True
            ):
                if before != after:
                    raise ValueError(f"{name} cannot change on a built model: build another one")
        if self.profile is None:  # (LangChain's validator ran before the engine was built)
            with contextlib.suppress(Exception):  # as LangChain's: never fails construction
                profile = self._resolve_model_profile()
                if profile is not None:
                    self.__dict__["profile"] = profile
                    self.__pydantic_fields_set__.add("profile")
        self._validated()
        self._in_place = snapshot(changeable(self.__dict__))
        return self

    def _validated(self) -> None:
        """The fields the partner's validators write at construction, from the model
        built: filled when not given (`PartnerFields.filled`), completed from other
        settings (`completed`) or written from the fields as validated (its hooks'
        `validated`), counted as set whatever was given (`assigned`); `_built_from`."""
        form = self._record.fields
        given = self.__pydantic_fields_set__ = self.model_fields_set - _DERIVED  # (none of ours)
        if form is None:
            return
        held, fields, engine = self.__dict__, type(self).model_fields, self.chatplex_model
        for name, attr in form.filled.items():
            if name in fields and (name not in given or held.get(name) is None):  # (or None)
                held[name] = attrgetter(attr)(engine)
        for name, attr in form.completed.items():
            value = attrgetter(attr)(engine)
            if name in fields and value is not None:
                held[name] = value
                given.add(name)
        for name, value in form.defaults.items():  # (its fallbacks' first: below)
            if name in fields and held.get(name) is None and name not in form.fallbacks:
                held[name] = copy.deepcopy(value)
        # What its validators see: None where our field's own factory read the variable.
        unseen = {n for n, f in form.fallbacks.items() if not (n in given or f.factory)}
        seen = {n: None if n in unseen else held.get(n) for n in fields}
        for name, value in form.fallen_back(seen).items():
            if name in fields:  # (its validator's fill, not the engine's: not sent)
                held[name] = value
                given.add(name)
        # (after its fallbacks, as its validators fill `stream_usage` before its clients)
        for name, attr in form.resolved.items():
            if name in fields and name not in given and form.read_back(name, held):
                value = attrgetter(attr)(engine)
                if value is not None:
                    held[name] = value
        for name, value in self._record.hooks.validated(held).items():
            held[name] = value
            given.add(name)
        settings = self.chatplex_settings
        for keyword, name in form.kept_in.items():  # (held there, not sent: `_kept_out`)
            if keyword in settings and name in fields:
                held[name] = {**(held.get(name) or {}), keyword: settings[keyword]}
        self.__pydantic_fields_set__ = given | (form.assigned & fields.keys())
        self._built_from = snapshot(self._engine_keywords())

    def _engine_keywords(self) -> dict[str, Any]:
        """What the engine is built from: each field of the partner's or chatplex's
        whose value differs from its default (given, or read from the environment),
        keys as `Secret`s, then `chatplex_settings`."""
        cls, held, form = type(self), self.__dict__, self._record.fields
        skipped = LANGCHAIN_SIDE | _DERIVED | subclass_fields(cls, DropInChatModel)
        if form is not None:  # (what the engine resolved, not given: resolved again)
            skipped = skipped | (form.resolved.keys() - self.model_fields_set)
        out: dict[str, Any] = {}
        defaults, given = _defaults(cls), self.model_fields_set.__contains__
        for name in cls.model_fields:
            if name in skipped or name not in held:
                continue
            value, default = held[name], defaults.get(name, ABSENT)
            if value == default or (value is None and (default is ABSENT or not given(name))):
                continue  # (None given over another default: sent, as it was given)
            if (name == "model" and name not in _declared(cls)) or name in _answered(cls):
                continue  # (the engine's, shown: `_rebuild`)
            shown, clear = held["chatplex_unmasked"].get(name, (ABSENT, None))
            value = clear if clear is not None and value == shown else value
            out[name] = Secret(value.get_secret_value()) if isinstance(value, SecretStr) else value
        for name in SHARED_SETTINGS & self.model_fields_set & engine_parameters(cls):
            if held[name] != "v1":
                out[name] = held[name]
        if held.get("streaming") and cls._record.streaming_shapes_request:
            out["streaming"] = held["streaming"]
        out.update(held.get("chatplex_settings") or {})
        return self._kept_out(out)

    def _kept_out(self, keywords: dict[str, Any]) -> dict[str, Any]:
        """`keywords` without the settings the partner keeps in another field
        (`PartnerFields.kept_in`), where they are given as themselves: the engine takes
        them (and says where they are not sent) as given."""
        form = self._record.fields
        for keyword, name in (form.kept_in if form is not None else {}).items():
            within = keywords.get(name)
            if keyword in keywords and isinstance(within, Mapping) and keyword in within:
                rest = {k: v for k, v in within.items() if k != keyword}
                if rest:
                    keywords[name] = rest
                else:
                    del keywords[name]
        return keywords

    def _rebuild(self, keywords: dict[str, Any], *, constructed: bool = False) -> None:
        """The engine built from `keywords` (`PartnerClass.build`): the fields as held,
        its validators' rules not run again (they run at construction: `_build`, where a
        script's keywords are `constructed`)."""
        cls, hooks = type(self), type(self)._record.hooks
        with as_held(constructed=constructed):
            engine = engine_as_partner(cls._record, keywords)
        given = "disable_streaming" in self.model_fields_set  # (else the partner's default)
        chosen = hooks.disable_streaming(
            engine, self.__dict__.get("disable_streaming") if given else None
        )
        if chosen is not None:
            self.__dict__["disable_streaming"] = chosen
        self.__dict__["chatplex_model"] = engine
        if "model" not in _declared(cls):  # (the partner's `model`: its model id's property)
            self.__dict__["model"] = getattr(engine, "model", None)
        for name, attr in _answered(cls).items():  # (its other properties: read, not sent)
            self.__dict__[name] = attrgetter(attr)(engine)
        self._built_from = snapshot(keywords)
        self._unbuilt = set()

    def _refresh(self) -> None:
        """The engine built again where what it is built from has changed."""
        keywords = self._engine_keywords()
        if keywords != self._built_from:  # (a field in a `model_kwargs` assigned: sent over it)
            self._rebuild(sent_over_fields(type(self), keywords))
            self._built_from = snapshot(keywords)
        self._in_place = snapshot(changeable(self.__dict__))

    def _changed_in_place(self) -> bool:
        # (Every request asks: read in pydantic's store, as an attribute it is a failed
        # lookup and two `__getattr__` calls first; compared by `map`, not a generator.)
        private = self.__pydantic_private__
        in_place = (None if private is None else private.get("_in_place")) or {}
        return any(map(ne, map(self.__dict__.get, in_place), in_place.values()))

    def __setattr__(self, name: str, value: Any) -> None:
        cls = type(self)
        field = cls.model_fields.get(name)
        if field is not None and name not in _DERIVED:
            if self._built:
                _refuse_as_partner(cls, name)
            value = held_headers(value, self._keys())
            value = held(field.annotation, name, value, self.chatplex_unmasked)
        if name.startswith("_") or field is None or not self._built:
            super(DropInChatModel, self).__setattr__(name, value)
            return
        held_now, given, built = dict(self.__dict__), set(self.model_fields_set), self._built_from
        super(DropInChatModel, self).__setattr__(name, value)
        self.__dict__.update(cls._record.hooks.assigned(name, self.__dict__))
        try:
            self._refresh()
        except Exception:  # (the model as it was: the partner's stays usable)
            self.__dict__.clear()
            self.__dict__.update(held_now)
            self.__pydantic_fields_set__ = given
            self._built_from = built
            raise

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        fields, unmasked = type(self).model_fields, dict(self.chatplex_unmasked)
        update = {
            k: held(fields[k].annotation, k, v, unmasked) if k in fields else v
            for k, v in (update or {}).items()
        }
        update.setdefault("chatplex_unmasked", unmasked)
        copied = super(DropInChatModel, self).model_copy(update=update, deep=deep)
        copied.__pydantic_fields_set__ -= _DERIVED  # (the update's key: none of its fields)
        copied._refresh()
        return copied

    def __eq__(self, other: object) -> bool:
        """pydantic's: the same class, the same fields (the engine, derived, not compared)."""
        if type(other) is not type(self) or not isinstance(other, BaseModel):
            return NotImplemented
        names = type(self).model_fields.keys() - {"chatplex_model"}
        return all(self.__dict__.get(n) == other.__dict__.get(n) for n in names)

    __hash__ = None  # type: ignore[assignment]

    @model_serializer(mode="wrap")
    def _dump_as_partner(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """pydantic's dump of the fields, with the partner's SDK clients (set by its
        validator; here built on first read, and written None in JSON, where the
        partner's raises), in the partner's order."""
        dumped: dict[str, Any] = handler(self)
        form = self._record.fields
        if form is None or not form.dumped:
            return self._masked(dumped)
        include, exclude, json_mode = info.include, info.exclude or (), info.mode_is_json()
        dumps = {f.name for f in self._record.declared if not f.excluded}
        for name in form.clients:
            if name not in dumps:  # (excluded, private, or a property there: not dumped)
                continue
            if (include is None or name in include) and name not in exclude:
                value = None if json_mode else getattr(self, name)
                if value is not None or not info.exclude_none:
                    dumped[name] = value
        aliases = form.dump_aliases
        dumped = self._masked(dumped)
        return _in_order(dumped, [aliases.get(k, k) if info.by_alias else k for k in form.dumped])

    def __repr_args__(self) -> Any:
        """LangChain's (the fields not at their defaults), with the partner's SDK
        clients where they can be built, in the partner's order."""
        args = self._masked(dict(super(DropInChatModel, self).__repr_args__()))
        form = self._record.fields
        if form is None or not form.shown:
            return args.items()
        for name in (n for n in form.clients if not n.startswith("_")):  # (private: unshown)
            if name in self._unbuilt:
                continue
            try:
                args[name] = getattr(self, name)
            except Exception:  # noqa: BLE001 - a repr never raises (no SDK here)
                self._unbuilt.add(name)
        return _in_order(args, form.shown).items()

    def _masked(self, values: dict[str, Any]) -> dict[str, Any]:
        """`values` with credentials masked as in every chatplex form (a URL's user info
        or query key, credential headers, the model's own keys), where the partner
        would show them in clear; a `SecretStr` and a function as they are."""
        keys, fields = self._keys(), type(self).model_fields
        return {
            k: v
            if v is None
            or isinstance(v, SecretStr)
            or is_function(v)
            or (k in fields and is_secret(fields[k].annotation))
            else _masked_setting(v, k, keys)
            for k, v in values.items()
        }

    def to_json(self) -> Any:
        """LangChain's own, of the fields (as the partner's writes them, credentials in
        them masked as in every chatplex form); where LangChain does not serialize the
        partner, its `not_implemented` form by its module path."""
        serialized: Any = super(DropInChatModel, self).to_json()
        if serialized.get("type") == "constructor":  # (no credential written in clear)
            # (nor a field it excludes: LangChain writes every `lc_secrets` name held,
            # those of ChatChatplex's and of the drop-in's own, the partner's none)
            fields, form = type(self).model_fields, self._record.fields
            kept = set(form.secrets) if form is not None else set()
            keys = self._keys()
            kwargs = self._masked(
                {
                    k: v
                    for k, v in serialized["kwargs"].items()
                    if k in kept or not _excluded(fields, k)
                }
            )
            serialized["kwargs"] = {
                k: function_written(v, keys) if is_function(v) else v for k, v in kwargs.items()
            }
        namespace = self._record.namespace
        if serialized.get("type") == "not_implemented" and namespace is not None:
            serialized["id"] = [*namespace, type(self).__name__]
        return serialized

    def configurable_fields(self, **kwargs: Any) -> Any:
        """LangChain's, of the partner's fields and LangChain's (chatplex's own, hidden,
        are none of the partner's: refused as it refuses them)."""
        names = {f.name for f in self._record.declared} | _LANGCHAIN_FIELDS
        for key in kwargs.keys() - names:
            raise ValueError(f"Configuration key {key} not found in {type(self).__name__}")
        return super(DropInChatModel, self).configurable_fields(**kwargs)

    def _keys(self) -> frozenset[Secret]:
        held = self._built_from or {}
        return secret_values([*held.values(), *(self.chatplex_settings or {}).values()])

    @property
    def _identifying_params(self) -> dict[str, Any]:
        form = self._record.fields
        reported = True if form is None else form.identifying
        if isinstance(reported, bool):
            return super(DropInChatModel, self)._identifying_params if reported else {}
        # (the fields as held, not copied: LangChain asks at every request)
        return reported.of(self.__dict__, self.chatplex_model)

    @property
    def _default_params(self) -> dict[str, Any]:
        form = self._record.fields
        if form is None or form.default_params is None:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute '_default_params'"
            )
        if isinstance(form.default_params, IdentifyingParams):
            return form.default_params.of(self.__dict__, self.chatplex_model)
        reported = self._identifying_params
        return {k: v for k, v in reported.items() if k not in form.default_params}

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        form = self._record.fields
        identifying = self._identifying_params
        params = self._langchain_invocation_params(identifying, stop, kwargs)
        if form is None or isinstance(form.identifying, bool):
            return params
        invoked = form.identifying.invoked(self.__dict__, self.chatplex_model, params, identifying)
        return {**invoked, **kwargs}


def _refuse_as_partner(cls: type[FieldStoreChatModel], name: str) -> None:
    """pydantic's error where the partner has no field `name` (ChatChatplex's own
    settings, held apart: `api_key` where the partner's is `openai_api_key`); its model
    id's property where it has no `model` field (`_rebuild`)."""
    if name in _declared(cls) or name in _LANGCHAIN_FIELDS or name in _DERIVED:
        return
    if name not in FieldStoreChatModel.model_fields:  # (a script's subclass's own field)
        return
    if name == "model":
        raise AttributeError(f"property 'model' of {cls.__name__!r} object has no setter")
    raise ValueError(f'"{cls.__name__}" object has no field "{name}"')


def _in_order(items: dict[str, Any], order: Iterable[str]) -> dict[str, Any]:
    """`items`, those named in `order` first, in that order (as the partner has them)."""
    first = {name: items[name] for name in order if name in items}
    return {**first, **items}


@functools.cache
def _defaults(cls: type[FieldStoreChatModel]) -> dict[str, Any]:
    """Each field's default where nothing is given and no variable is set (one object
    per class: compared with, never changed). `validated_data` (none) for pydantic 2.10."""
    plain = {
        n: f.get_default(call_default_factory=True, validated_data={})
        for n, f in cls.model_fields.items()
    }
    declared = {f.name: f.default_value() for f in cls._record.declared}
    form = cls._record.fields  # (its validators' defaults the engine has no setting for)
    inert = {} if form is None else {n: form.defaults[n] for n in form.inert & form.defaults.keys()}
    return {**plain, **{n: v for n, v in {**declared, **inert}.items() if n in plain}}


@functools.cache
def _declared(cls: type[FieldStoreChatModel]) -> dict[str, Any]:
    """The partner's own fields' annotations by name (not ChatChatplex's fields)."""
    return {f.name: f.annotation for f in cls._record.declared}


@functools.cache
def _kept_apart(cls: type[FieldStoreChatModel]) -> frozenset[str]:
    """The keywords the partner keeps in another field (`PartnerFields.kept_in`) and has
    no field of, where chatplex's drop-in has one (langchain-perplexity's `stop`): taken
    as given into `chatplex_settings`, held in that field (`_validated`)."""
    form = cls._record.fields
    kept = form.kept_in.keys() - _declared(cls).keys() if form is not None else set()
    return frozenset(kept - LANGCHAIN_SIDE)


@functools.cache
def _aliased(cls: type[FieldStoreChatModel]) -> dict[str, tuple[str, ...]]:
    """Each alias of the partner's that is no field of its: the fields it sets (each)."""
    aliased: dict[str, tuple[str, ...]] = {}
    for field in cls._record.declared:
        if field.alias is not None and field.alias != field.name:
            aliased[field.alias] = (*aliased.get(field.alias, ()), field.name)
    return {a: names for a, names in aliased.items() if a not in _declared(cls)}


@functools.cache
def _spelled(cls: type[FieldStoreChatModel]) -> frozenset[str]:
    """Every alias a field of the class is given by (a keyword it takes as a field)."""
    return frozenset(a for f in cls.model_fields.values() for a in _aliases(f))


def _excluded(fields: Mapping[str, FieldInfo], name: str) -> bool:
    return name in fields and bool(fields[name].exclude)


@functools.cache
def _answered(cls: type[FieldStoreChatModel]) -> dict[str, str]:
    """ChatChatplex's settings the partner has no field of but answers as a property of
    its fields (`PartnerFields.filled` naming one: langchain-google-vertexai's
    `max_tokens`), by the engine's attribute: held as the engine has them, never sent."""
    form = cls._record.fields
    filled = {} if form is None else form.filled
    return {n: a for n, a in filled.items() if n in cls.model_fields and n not in _declared(cls)}


def _connection(engine: Any) -> Any:
    """Where an engine sends and with which key (a digest): its adapter's budget key."""
    adapter = adapter_of(engine)
    return (None,) * 3 if adapter is None else adapter.budget_key("")


def _aliases(field: FieldInfo) -> tuple[str, ...]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(a for a in alias.choices if isinstance(a, str))
    return tuple(a for a in (alias, field.alias) if isinstance(a, str))
