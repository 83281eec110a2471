"""`DropInChatModel`, the base of each drop-in's LangChain class (`dropin.py` makes one
per name): a `ChatChatplex` whose constructor is its engine's (chatplex's drop-in of the
same name, `providers/<wire>/dropin.py`), read, written, copied, shown, counted and
serialized as its partner class is. What it holds of the engine's settings as the
partner's fields is `dropin_settings.py`'s; how LangChain writes and reports it (`dumpd`,
`model_dump`, identifying, default and invocation params) is `dropin_serialized.py`'s."""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import ClassVar
from typing import Self
from typing import cast

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models import LangSmithParams
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models import ModelProfile
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import BaseMessage as LCBaseMessage
from langchain_core.messages import convert_to_messages
from langchain_core.runnables import Runnable as LCRunnable
from pydantic import Field
from pydantic import PrivateAttr
from pydantic import SecretStr
from pydantic import SerializationInfo
from pydantic import SerializerFunctionWrapHandler
from pydantic import model_serializer
from pydantic import model_validator

from ..chat import BaseCache
from ..chat import ChatModel
from ..chat.langchain_hooks import DropInEngine
from ..chat.partner_form import serialized_form
from ..chat.partner_profiles import found_profile
from ..chat.partner_profiles import profile_table
from ..secret import Secret
from ..secret import is_secret_name
from ..secret import secret_values
from ..secret.arguments import hold_keys
from . import dropin_serialized
from .dropin_serialized import CHATPLEX_FIELDS
from .dropin_settings import LANGCHAIN_SIDE as _LANGCHAIN_SIDE
from .dropin_settings import SHARED_SETTINGS
from .dropin_settings import changed_settings as _changed_settings
from .dropin_settings import engine_parameters
from .dropin_settings import engine_settings as _engine_settings
from .dropin_settings import engine_shown as _shown
from .dropin_settings import partner_field as _partner_field
from .dropin_settings import partner_shown as _partner_shown
from .dropin_settings import sent_over_fields
from .dropin_settings import serializable as _serializable
from .dropin_settings import shown_extras as _shown_extras
from .dropin_settings import subclass_fields
from .dropin_settings import with_partner_fields as _with_partner_fields
from .dropin_settings import with_settings as _with_settings
from .dropin_settings import written_kwargs as _written
from .from_langchain import counted_as_given
from .model import ChatChatplex
from .partner_fields import ABSENT
from .partner_fields import FieldReads
from .partner_fields import configured_field
from .partner_fields import engine_as_partner
from .partner_fields import held_keywords
from .partner_fields import partner_default
from .partner_fields import partner_environment
from .partner_fields import reading_form
from .partner_fields import settle_as_partner
from .partner_repr import langchain_repr_args
from .partner_repr import partner_repr_args
from .sdk_clients import ClientCache
from .sdk_clients import sdk_client
from .settings_fields import masked as _masked
from .tool_binding import functions_only
from .trace_params import remembered_ls_params
from .trace_versions import named_versions
from .traits import partner_traits
from .wrapped import adapter_of as _adapter_of
from .wrapped import primary as _primary

#: `bind_tools`' tool choice not given (a partner may bind one given as None).
_NOT_GIVEN: Any = object()

#: Of those, the ones the partner serializes as LangChain's alone (not its own kwargs).
_LANGCHAIN_WRITTEN = frozenset({"profile"})

#: What a drop-in holds of its settings (never assigned as one: `__setattr__`).
_HELD = frozenset({"chatplex_model", "partner_given"})

#: Marks a build from a model's held keywords (`_resettle`): no partner validator runs.
_AS_HELD = "_chatplex_as_held"


class DropInChatModel(ChatChatplex):
    """A `ChatChatplex` whose constructor is a chatplex drop-in's (`_engine`): the base
    of every class `langchain_class` makes."""

    _engine: ClassVar[type[DropInEngine]]
    # Replies as the partner's (its metadata keys, no model name added), None for a
    # function_calling reply without the call (every partner's first_tool_only parser),
    # streams never answered from a cache (`ChatChatplex._under_partner_name`).
    _under_partner_name = True

    partner_given: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)
    """The engine's settings as given (keys as `Secret`s) and the environment variables
    the partner reads its fields from: the partner's field values are read from them
    (`partner_fields.py`)."""

    @property
    def partner_kwargs(self) -> dict[str, Any]:
        """The settings as the partner class serializes them (`dumpd`): its field names
        and defaults, credentials as references. Derived from the keywords given and the
        engine, never stored beside them; remembered while both are the same objects
        (LangChain reads it at every request, through `_get_invocation_params`)."""
        given, engine = self.partner_given, self.chatplex_model
        # (Read in pydantic's store: as an attribute, its lookup fails twice first.)
        private = self.__pydantic_private__
        memo = None if private is None else private.get("_written_memo")
        if memo is None or memo[0] is not given or memo[1] is not engine:
            memo = (given, engine, _written(type(self), given, engine))
            self._written_memo = memo
        return dict(memo[2])

    _written_memo: tuple[Any, Any, dict[str, Any]] | None = PrivateAttr(default=None)
    #: The partner's field values and identifying params, with what they were read from
    #: (`dropin_serialized._identified`).
    _identified_memo: tuple[Any, ...] | None = PrivateAttr(default=None)
    #: A plain call's LangSmith params, with what they were read from (`_get_ls_params`).
    _ls_memo: tuple[tuple[Any, ...], LangSmithParams] | None = PrivateAttr(default=None)

    _sdk_clients: ClientCache = PrivateAttr(default_factory=ClientCache)
    """The partner's SDK client attributes built so far (`sdk_clients.py`)."""

    _field_reads: FieldReads = PrivateAttr(default_factory=FieldReads)  # (`_partner_value`)

    def __init__(self, **kwargs: Any) -> None:
        # Keys, credential URLs and headers held before langchain-core's constructor
        # (`Serializable.__init__`, whose keyword locals a traceback shows) is handed them.
        hold_keys(kwargs, is_secret_name)
        # (past ChatChatplex's own: the engine takes the keys as they are held here)
        super(ChatChatplex, self).__init__(**kwargs)
        self._built = True

    _built: bool = PrivateAttr(default=False)  # constructed: an assigned setting rebuilds it

    @model_validator(mode="before")
    @classmethod
    def _collect_settings(cls, values: Any) -> Any:
        """Replaces ChatChatplex's: every keyword but LangChain's own builds the engine."""
        if not isinstance(values, dict):
            return values
        as_held = values.pop(_AS_HELD, False)
        # Keys and credential URLs as Secrets first: no frame from here on holds one.
        hold_keys(values, is_secret_name)
        if values.get("chatplex_model") is not None:  # a copy, some settings changed
            changed = _changed_settings(cls, values)
            if not changed:
                return values
            own = _LANGCHAIN_SIDE | subclass_fields(cls, DropInChatModel)
            keywords = _with_settings(cls, values["partner_given"]["keywords"], changed)
            keywords = cls._engine.langchain_rebuilt_settings(keywords)
            rebuilt = cls(**{k: v for k, v in values.items() if k in own}, **keywords)
            held = {k: rebuilt.__dict__[k] for k in _HELD}
            return {**values, **held}
        if not as_held:
            settle_as_partner(cls._engine, values)  # (the partner's "before" validators)
        # A chatplex cache (`cache=SQLiteCache(...)`) is the engine's: LangChain's `cache`
        # field takes only LangChain's caches, which stay LangChain's.
        ours = {"cache"} if isinstance(values.get("cache"), BaseCache) else set()
        kept = (_LANGCHAIN_SIDE | subclass_fields(cls, DropInChatModel)) - ours
        langchain_side = {k: v for k, v in values.items() if k in kept}
        settings = {k: v for k, v in values.items() if k not in kept}
        # LangChain's settings that also choose the request: the engine takes them too
        # (`output_version="responses/v1"` is langchain-openai's switch to the Responses API).
        # `output_version="v1"` (LangChain's standard blocks) stays LangChain's alone: its
        # BaseChatModel writes those blocks from the engine's replies, as for every class.
        for name in SHARED_SETTINGS & values.keys() & engine_parameters(cls):
            if values[name] != "v1":
                settings[name] = values[name]
        # `streaming` is LangChain's, but where it also shapes the partner's request (an
        # engine that says so: langchain-google-vertexai sends no candidateCount when
        # streaming=True) the engine is told too.
        if values.get("streaming") and getattr(cls._engine, "streaming_shapes_request", False):
            settings["streaming"] = values["streaming"]
        # As the partner's "before" validators leave them: its fields are read from these.
        settings = cls._engine.langchain_settings(settings)
        form = serialized_form(cls._engine.partner_record.fields)
        sent = sent_over_fields(cls, settings) if as_held else settings
        engine = engine_as_partner(cls._engine, sent if form is None else form.settable(sent))
        for name in _LANGCHAIN_WRITTEN:
            settings.pop(name, None)
        # The partner's `disable_streaming` where it sets one per model.
        chosen = engine.langchain_disable_streaming(langchain_side.get("disable_streaming"))
        if chosen is not None:
            langchain_side["disable_streaming"] = chosen
        return {
            **langchain_side,
            "chatplex_model": engine,
            "partner_given": {
                "keywords": held_keywords(settings),
                "environ": partner_environment(cls._engine, os.environ),
            },
        }

    @model_validator(mode="after")
    def _show_settings(self) -> DropInChatModel:
        shown = {**_shown(self.chatplex_model), **self._partner_shown()}
        for name, value in shown.items():
            setattr(self, name, value)
        extras = _shown_extras(type(self), self.partner_given, self.chatplex_model)
        if extras:
            self.__dict__["model_kwargs"] = extras
        # LangChain's `streaming` switch, not given, reads as the partner's default
        # (langchain-google-genai's None), still not set: LangChain's streaming choice
        # reads only a `streaming` that was given.
        default = self._partner_value("streaming")
        if "streaming" not in self.model_fields_set:
            if default is not ABSENT:
                self.__dict__["streaming"] = default
        elif default is ABSENT:
            # A partner with no `streaming` field drops the keyword: given, it chooses
            # nothing (nor may configurable fields, setting every field, choose by it).
            self.__dict__["streaming"] = type(self).model_fields["streaming"].default
            self.model_fields_set.discard("streaming")
        return self

    def __eq__(self, other: object) -> bool:
        # As the partner's (pydantic's: the same class, the same fields), its engine
        # compared by the settings it sends with (a deep copy or a pickle equals its model).
        if type(other) is not type(self) or not isinstance(other, DropInChatModel):
            return NotImplemented
        engine, held = self.chatplex_model, other.chatplex_model
        if engine is not held and _engine_settings(engine) != _engine_settings(held):
            return False
        theirs = other.model_copy(update={"chatplex_model": engine})
        # (derived from the fields: not compared)
        theirs._written_memo, theirs._identified_memo = self._written_memo, self._identified_memo
        theirs._ls_memo = self._ls_memo
        return super().__eq__(theirs)

    def __setattr__(self, name: str, value: Any) -> None:
        """A setting assigned (`llm.temperature = 0`, `llm.model_name = "gpt-4o"`) is sent
        from then on, as the partner reads its fields at each request (`_resettle`).
        LangChain's fields, a subclass's and private ones are set as pydantic sets them."""
        if self._is_setting(name):
            self._resettle({name: value})
        else:
            super().__setattr__(name, value)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy; the settings `update` changes (`{"temperature": 0.9}`,
        `{"model_name": ...}` on ChatOpenAI) are sent by the copy, as by the partner's."""
        rest = dict(update or {})
        settings = {name: rest.pop(name) for name in list(rest) if self._is_setting(name)}
        copied = super().model_copy(update=rest, deep=deep)
        if settings:
            copied._resettle(settings)
        return copied

    def _resettle(self, settings: dict[str, Any]) -> None:
        """Built again from the keywords it holds, each of `settings` replacing what was
        given under any spelling of it, none settled again by the partner's validators
        (`_AS_HELD`); LangChain's own fields and its SDK clients (built once) kept."""
        cls = type(self)
        keywords = _with_settings(cls, self.partner_given.get("keywords", {}), settings)
        own = _LANGCHAIN_SIDE | subclass_fields(cls, DropInChatModel)
        side = {k: self.__dict__[k] for k in self.model_fields_set & own}
        rebuilt = cls(**side, **keywords, **{_AS_HELD: True})
        self.__dict__.update(rebuilt.__dict__)
        object.__setattr__(self, "__pydantic_fields_set__", rebuilt.model_fields_set)
        private = {**(rebuilt.__pydantic_private__ or {}), "_sdk_clients": self._sdk_clients}
        object.__setattr__(self, "__pydantic_private__", private)

    def _is_setting(self, name: str) -> bool:
        """Whether `name` is one of the settings the model was built from (a partner's
        field or a constructor parameter), not LangChain's, a subclass's or private."""
        cls = type(self)
        if name.startswith("_") or name in _LANGCHAIN_SIDE or name in _HELD:
            return False
        private = getattr(self, "__pydantic_private__", None)
        if name in subclass_fields(cls, DropInChatModel) or not (private and private.get("_built")):
            return False  # (being built: its validators set the fields shown)
        return name in engine_parameters(cls) or self._partner_value(name) is not ABSENT

    def __getattr__(self, name: str) -> Any:
        # The partner class's other fields (`openai_api_key`, `request_timeout`,
        # `default_headers`...) as the partner holds them; its other attributes
        # (`model_id`, `beta_use_converse_api`...) are the engine's, read from it.
        try:
            return super().__getattr__(name)  # type: ignore[misc]
        except AttributeError:
            engine = self.__dict__.get("chatplex_model")
            if name.startswith("__") or engine is None:
                raise
            form = reading_form(self._engine)
            if form is not None and name in form.clients:
                return self._partner_client(name)  # (langchain-anthropic's are `_client`...)
            if name.startswith("_"):
                raise
            value = self._partner_value(name)
            return getattr(engine, name) if value is ABSENT else value

    @model_serializer(mode="wrap")
    def _dump_as_partner(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """`model_dump()` / `model_dump_json()` as the partner class's: its keys, in its
        order, each the value read as its attribute (`llm.openai_api_key`...), which is
        the partner's for the same construction (credentials masked:
        `_dumped_value`); ChatChatplex's own dump where the partner's keys are not
        declared (`PartnerFields.dumped`)."""
        return dropin_serialized.model_dump(self, lambda: handler(self), info)

    def _dumped_value(self, name: str) -> Any:
        """The partner's field `name` as the dump writes it: its attribute, credentials
        masked as in every chatplex form (credential headers, secret-named settings, a
        URL's user info), a key the `SecretStr` the partner dumps too."""
        value = getattr(self, name)
        if value is None or isinstance(value, SecretStr):
            return value
        return _masked(value, name, self._keys())

    def _keys(self) -> frozenset[Secret]:
        """The model's own keys, as given: a header or setting carrying one is masked."""
        given = self.__dict__.get("partner_given") or {}
        return secret_values(given.get("keywords", {}).values())

    def _partner_default(self, name: str) -> Any:
        """The default of the partner's field `name` (LangChain's own: LangChain's)."""
        default = partner_default(self._engine, name)
        if default is ABSENT and name in BaseChatModel.model_fields:
            return BaseChatModel.model_fields[name].get_default(call_default_factory=True)
        return default

    def _partner_value(self, name: str) -> Any:
        """The partner class's field `name` (`ABSENT`: not one of its fields)."""
        reads = FieldReads.of(self)
        return reads.read(
            name, lambda: _partner_field(type(self), reads.given or {}, reads.engine, name)
        )

    def _partner_client(self, name: str) -> Any:
        """The partner's SDK client attribute `name`, built on first read from the
        partner's fields as this model holds them (`sdk_clients.py`)."""
        form = reading_form(self._engine)
        assert form is not None  # (a client attribute is declared on its form)

        def field(key: str) -> Any:
            value = self._partner_value(key)
            return None if value is ABSENT else value

        # (the partner package's version, where its User-Agent names it; else chatplex's)
        version = named_versions(self._engine.partner_record.distribution, None)[0][1]
        return sdk_client(form, self._sdk_clients, name, field, version)

    def _repr_value(self, name: str) -> Any:
        """The partner's field `name` as its repr shows it: `streaming` as LangChain holds
        it, any other read once per build (`_shown_setting`)."""
        if name in _LANGCHAIN_SIDE:
            return getattr(self, name)
        return FieldReads.of(self).read(("shown", name), lambda: self._shown_setting(name))

    def _shown_setting(self, name: str) -> Any:
        """An SDK client where it can be built (the partner cannot exist where it cannot),
        any other as read on the partner (else the drop-in's field), credentials masked."""
        form = reading_form(self._engine)
        if form is not None and name in form.clients:
            try:
                return self._partner_client(name)
            except Exception:  # noqa: BLE001 - a repr never raises
                # Not shown: no SDK (nor partner) here, or it refuses a key in a URL's user info.
                return ABSENT
        held = self._partner_value(name)
        if held is ABSENT and name in CHATPLEX_FIELDS:
            held = getattr(self, name)  # as the drop-in shows it (`model_kwargs`: {})
        if held is ABSENT or held is None or isinstance(held, SecretStr):
            return held
        return _masked(held, name, self._keys())

    def __repr_args__(self) -> Any:
        # LangChain's repr shows the fields set to other than their defaults. Where the
        # partner's repr fields are declared, they are shown, in its order, SDK clients
        # included (`partner_repr.py`: `dumpd` of a class LangChain does not serialize is
        # its repr). Else ChatChatplex's own fields (`model`, `max_retries`,
        # `model_kwargs`...) are shown as the partner's: under its field's name, its
        # value beside its default, and not at all where it has no such field
        # (a partner's repr may have no `model_kwargs`, and the engine's
        # `max_retries=2` is its default).
        form = reading_form(self._engine)
        # (A model not built yet, shown in a traceback's locals, has its fields so far.)
        built = getattr(self, "__pydantic_private__", None) is not None
        if form is not None and form.shown and built:
            fields = BaseChatModel.model_fields.keys()  # (names: short in a traceback)
            own = langchain_repr_args(self, form.shown, fields)
            yield from partner_repr_args(form, own, fields, self._repr_value, self._partner_default)
            return
        for name, value in super().__repr_args__():
            if form is None or name not in CHATPLEX_FIELDS:
                yield name, value
                continue
            field = form.name(name)
            # (`streaming` is LangChain's, as given: not among the partner's keywords.)
            held = value if name in _LANGCHAIN_SIDE else self._partner_value(field)
            if held is not ABSENT and held != partner_default(self._engine, field):
                shown = held if isinstance(held, SecretStr) else _masked(held, field, self._keys())
                yield field, shown

    def _named_versions(self) -> tuple[tuple[str, str], ...]:
        """The partner's packages a trace's `lc_versions` names, else chatplex's."""
        record = self._engine.partner_record
        return named_versions(record.distribution, record.versions)

    def _partner_shown(self) -> dict[str, Any]:
        return _partner_shown(type(self), self.partner_given, self.chatplex_model)

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: str | dict[str, Any] | bool | None = _NOT_GIVEN,
        **kwargs: Any,
    ) -> LCRunnable[LanguageModelInput, LCAIMessage]:
        """`ChatChatplex.bind_tools`, with the tool choice spelled as the partner class
        takes it (an upper-case `"REQUIRED"`...): the engine's own reading of it."""
        if (handed := self._handed_tools(tools, tool_choice, kwargs)) is not None:
            return handed  # (bound on another class's model: `dropin._BoundOnAnother`)
        engine, model, given_none = self.chatplex_model, self, tool_choice is None
        tool_choice = None if tool_choice is _NOT_GIVEN else tool_choice
        if isinstance(engine, ChatModel) and functions_only(tools):
            # (what it binds as functions: all of them, or those the partner keeps)
            tools, tool_choice = engine._tools_to_bind(tools, tool_choice)
        bound = ChatChatplex.bind_tools(model, tools, tool_choice=tool_choice, **kwargs)
        if given_none and partner_traits(_adapter_of(engine)).binds_given_none_choice:
            return bound.bind(tool_choice=None)  # as its partner binds it, given so
        return bound

    def _handed_tools(self, tools: Any, choice: Any, kwargs: Any) -> LCRunnable[Any, Any] | None:
        return None  # (tools bound on another class's model: `dropin._BoundOnAnother`'s)

    def configurable_fields(self, **kwargs: Any) -> Any:
        """LangChain's, as on the partner class: its field names (langchain-aws'
        `model_id`) name the drop-in's fields, and a field's spec has the partner's type
        (`get_config_jsonschema()`: its model a string, not `str | None`)."""
        form, own = reading_form(self._engine), type(self).model_fields
        fields = dict(configured_field(form, k, f, own) for k, f in kwargs.items())
        return _with_partner_fields(super().configurable_fields, fields, form, own)

    def get_token_ids(self, text: str) -> list[int]:
        """As the partner class gives them (`custom_get_token_ids` first): the engine's
        where the partner has a tokenizer of its own (`DropInEngine.langchain_token_ids`),
        else langchain-core's."""
        if self.custom_get_token_ids is not None:
            return self.custom_get_token_ids(text)
        engine = _primary(self.chatplex_model)
        ids = engine.langchain_token_ids(text) if isinstance(engine, DropInEngine) else None
        return super().get_token_ids(text) if ids is None else ids

    def get_num_tokens(self, text: str) -> int:
        """As the partner class counts: its provider's count where it asks its provider
        (`DropInEngine.langchain_num_tokens`), else langchain-core's (`get_token_ids`')."""
        engine = _primary(self.chatplex_model)
        counted = engine.langchain_num_tokens(text) if isinstance(engine, DropInEngine) else None
        return super().get_num_tokens(text) if counted is None else counted

    def get_num_tokens_from_messages(
        self,
        messages: list[LCBaseMessage],
        tools: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> int:
        """As the partner class counts: the engine's count of the messages at once where
        the partner counts them its own way (`DropInEngine.langchain_counts_messages`;
        LangChain's inputs coerced where it coerces them), else langchain-core's."""
        engine = _primary(self.chatplex_model)
        if isinstance(engine, DropInEngine) and engine.langchain_counts_messages():
            given = convert_to_messages(messages) if engine.langchain_counts_coerced else messages
            counted = engine.langchain_num_tokens_from_messages(
                counted_as_given(given), tools, kwargs
            )
            if counted is not None:
                return counted
        return super().get_num_tokens_from_messages(messages, tools, **kwargs)

    @property
    def provider(self) -> Any:
        """The partner's field of that name where it has one (langchain-aws': the model's
        vendor, "anthropic"), else the wire (chatplex's own, as on `ChatChatplex`)."""
        value = self._partner_value("provider")
        return self._wire if value is ABSENT else value

    @property
    def _wire(self) -> str:
        return str(getattr(self.chatplex_model, "provider", None) or self._engine.provider)

    @property
    def model_name(self) -> str | None:
        """The partner class's `model_name` where it has that field (langchain-openai's
        AzureChatOpenAI: None without `model=`, the deployment alone), else the model
        name sent."""
        engine = self.chatplex_model
        if isinstance(engine, DropInEngine):
            return engine.langchain_model_name()
        return self._sent_model_name

    @property
    def _identifying_params(self) -> dict[str, Any]:
        """The partner class's, read from its fields as this model's serialized form
        writes them (credentials masked there) and LangChain's own (`streaming`)."""
        return dropin_serialized.identifying_params(
            self, lambda: super(DropInChatModel, self)._identifying_params
        )

    @property
    def _default_params(self) -> dict[str, Any]:
        """The partner class's default request parameters, where it has them
        (`PartnerFields.default_params`); else the AttributeError the partner raises."""
        return dropin_serialized.default_params(self)

    def _get_invocation_params(
        self, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The partner class's (what callbacks get as `invocation_params`): LangChain's,
        with the keys the partner adds around them."""
        kwargs = self._shown_with(kwargs)
        return dropin_serialized.invocation_params(
            self,
            stop,
            kwargs,
            own_identifying=type(self)._identifying_params is DropInChatModel._identifying_params,
            langchain_own=lambda: super(DropInChatModel, self)._get_invocation_params(
                stop=stop, **kwargs
            ),
        )

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """ChatChatplex's; a plain call's remembered (LangChain asks at every request)."""
        if stop is not None or kwargs:
            return super()._get_ls_params(stop, **kwargs)
        return remembered_ls_params(self, lambda: super(DropInChatModel, self)._get_ls_params())

    @property
    def _llm_type(self) -> str:
        return self._engine.partner_record.llm_type or "chatplex"

    def _resolve_model_profile(self) -> ModelProfile | None:
        """The partner class's profile of this model (its data, shipped by chatplex in
        `profiles/`), adjusted by the engine as the partner adjusts it."""
        engine = self.chatplex_model
        table = self._engine.partner_record.profiles
        if not profile_table(table) or not isinstance(engine, DropInEngine):
            return None
        found = found_profile(table, engine.langchain_profile_names())
        return cast("ModelProfile | None", engine.langchain_profile(found))

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """As the partner class: serializable where LangChain's is, with its id, so
        `dumpd` writes what the partner package writes (and `load` of it builds the
        partner package's class, as it would from the partner's dump)."""
        return _serializable(cls._engine)

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """The partner's namespace, serializable or not: LangChain's answers it for a
        class it does not serialize too (scripts and tracers read `lc_id()`)."""
        namespace = cls._engine.partner_record.id_namespace
        if namespace is None:
            return super().get_lc_namespace()
        return list(namespace)

    def to_json(self) -> Any:
        """LangChain's serialized form as the partner class writes it (`partner_kwargs`;
        the keywords as given without a declared form); where LangChain does not
        serialize the partner, its `not_implemented` form, named by its module path."""
        return dropin_serialized.json_form(self, super().to_json())

    @property
    def lc_attributes(self) -> dict[str, Any]:
        """The partner class's (its base URL, region...: `PartnerFields.attributes`),
        read from its fields as this model holds them."""
        return dropin_serialized.attributes(self)

    @property
    def lc_secrets(self) -> dict[str, str]:
        """The partner class's, where its form declares them (its fields, not their
        aliases); else every credential the constructor takes, by the variable `load`
        reads it from. `dumpd` writes a reference, never the key."""
        return dropin_serialized.secrets(self)
