"""`DropInChatModel`, what each drop-in's LangChain class does as its partner class does,
whatever holds its settings: tools bound and tokens counted as the partner binds and
counts them, its profile, names, versions, SDK client attributes and serialization id.
The class `dropin.py` makes per name is a `field_store.FieldStoreChatModel` on this: its
fields are the partner's and hold its settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import ClassVar
from typing import cast

from langchain_core.language_models import LangSmithParams
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models import ModelProfile
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import BaseMessage as LCBaseMessage
from langchain_core.messages import convert_to_messages
from langchain_core.runnables import Runnable as LCRunnable
from pydantic import PrivateAttr

from ..chat import ChatModel
from ..chat.partner_profiles import found_profile
from ..chat.partner_profiles import profile_table
from ..chat.partner_record import PartnerClass
from ..secret import is_secret_name
from ..secret.arguments import hold_keys
from . import dropin_serialized
from .deprecation import warn_as_partner
from .dropin_settings import serializable as _serializable
from .from_langchain import counted_as_given
from .model import ChatChatplex
from .partner_fields import ABSENT
from .sdk_clients import ClientCache
from .sdk_clients import sdk_client
from .tool_binding import functions_only
from .trace_params import remembered_ls_params
from .trace_versions import named_versions
from .traits import partner_traits
from .wrapped import adapter_of as _adapter_of
from .wrapped import primary as _primary

#: `bind_tools`' tool choice not given (a partner may bind one given as None).
_NOT_GIVEN: Any = object()


class DropInChatModel(ChatChatplex):
    """A `ChatChatplex` whose constructor is its partner class's (`_record`, built by
    its `build`): the base of every class `langchain_class` makes."""

    _record: ClassVar[PartnerClass]
    # Replies as the partner's (its metadata keys, no model name added), None for a
    # function_calling reply without the call (every partner's first_tool_only parser),
    # streams never answered from a cache (`ChatChatplex._under_partner_name`).
    _under_partner_name = True

    #: A plain call's LangSmith params, with what they were read from (`_get_ls_params`).
    _ls_memo: tuple[tuple[Any, ...], LangSmithParams] | None = PrivateAttr(default=None)

    _sdk_clients: ClientCache = PrivateAttr(default_factory=ClientCache)
    """The partner's SDK client attributes built so far (`sdk_clients.py`)."""

    def __init__(self, **kwargs: Any) -> None:
        # Keys, credential URLs and headers held before langchain-core's constructor
        # (`Serializable.__init__`, whose keyword locals a traceback shows) is handed them.
        hold_keys(kwargs, is_secret_name)
        deprecated = self._record.deprecated
        if deprecated is not None and "_record" in type(self).__dict__:  # (not a subclass)
            warn_as_partner(type(self).__name__, deprecated)
        # (past ChatChatplex's own: the engine takes the keys as they are held here)
        super(ChatChatplex, self).__init__(**kwargs)
        self._built = True

    _built: bool = PrivateAttr(default=False)  # constructed: an assigned setting rebuilds it

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
            form = self._record.fields
            if form is not None and name in form.clients:
                return self._partner_client(name)  # (langchain-anthropic's are `_client`...)
            if name.startswith("_"):
                raise
            value = self._partner_value(name)
            return getattr(engine, name) if value is ABSENT else value

    def _partner_value(self, name: str) -> Any:
        """Its field `name`, or the field an alias of the partner's names (its
        `effort` property: langchain-anthropic's); `ABSENT`: no field of the partner's."""
        fields, form = type(self).model_fields, self._record.fields
        if name not in fields and form is not None and form.aliases.get(name) in fields:
            name = form.aliases[name]
        return self.__dict__.get(name) if name in fields else ABSENT

    def _partner_client(self, name: str) -> Any:
        """The partner's SDK client attribute `name`, built on first read from the
        partner's fields as this model holds them (`sdk_clients.py`)."""
        form = self._record.fields
        assert form is not None  # (a client attribute is declared on its form)

        def field(key: str) -> Any:
            value = self._partner_value(key)
            return None if value is ABSENT else value

        # (the partner package's version, where its User-Agent names it; else chatplex's)
        version = named_versions(self._record.distribution, None)[0][1]
        return sdk_client(form, self._sdk_clients, name, field, version)

    def _named_versions(self) -> tuple[tuple[str, str], ...]:
        """The partner's packages a trace's `lc_versions` names, else chatplex's."""
        record = self._record
        return named_versions(record.distribution, record.versions)

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
            tools, tool_choice = self._record.hooks.tools_to_bind(engine, tools, tool_choice)
        bound = ChatChatplex.bind_tools(model, tools, tool_choice=tool_choice, **kwargs)
        if given_none and partner_traits(_adapter_of(engine)).binds_given_none_choice:
            return bound.bind(tool_choice=None)  # as its partner binds it, given so
        return bound

    def _handed_tools(self, tools: Any, choice: Any, kwargs: Any) -> LCRunnable[Any, Any] | None:
        return None  # (tools bound on another class's model: `dropin._BoundOnAnother`'s)

    def get_token_ids(self, text: str) -> list[int]:
        """As the partner class gives them (`custom_get_token_ids` first): its own
        where the partner has a tokenizer of its own (`PartnerHooks.token_ids`), else
        langchain-core's."""
        if self.custom_get_token_ids is not None:
            return self.custom_get_token_ids(text)
        engine = _primary(self.chatplex_model)
        hook = self._record.hooks.token_ids
        ids = hook(engine, text) if isinstance(engine, ChatModel) else None
        return super().get_token_ids(text) if ids is None else ids

    def get_num_tokens(self, text: str) -> int:
        """As the partner class counts: its provider's count where it asks its provider
        (`PartnerHooks.num_tokens`), else langchain-core's (`get_token_ids`')."""
        engine = _primary(self.chatplex_model)
        hook = self._record.hooks.num_tokens
        counted = hook(engine, text) if isinstance(engine, ChatModel) else None
        return super().get_num_tokens(text) if counted is None else counted

    def get_num_tokens_from_messages(
        self,
        messages: list[LCBaseMessage],
        tools: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> int:
        """As the partner class counts: its count of the messages at once where the
        partner counts them its own way (`PartnerHooks.messages_count`; LangChain's
        inputs coerced where it coerces them), else langchain-core's."""
        engine, own = _primary(self.chatplex_model), self._record.hooks.messages_count
        if own is not None and isinstance(engine, ChatModel) and own.counts(engine):
            given = convert_to_messages(messages) if own.coerced else messages
            counted = own.count(engine, counted_as_given(given), tools, kwargs)
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
        return str(getattr(self.chatplex_model, "provider", None) or "")

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        """ChatChatplex's; a plain call's remembered (LangChain asks at every request)."""
        if stop is not None or kwargs:
            return super()._get_ls_params(stop, **kwargs)
        return remembered_ls_params(self, lambda: super(DropInChatModel, self)._get_ls_params())

    @property
    def _llm_type(self) -> str:
        return self._record.llm_type or "chatplex"

    def _resolve_model_profile(self) -> ModelProfile | None:
        """The partner class's profile of this model (its data, shipped by chatplex in
        `profiles/`), adjusted as the partner adjusts it (`PartnerHooks.profile`)."""
        engine, hooks = self.chatplex_model, self._record.hooks
        table = self._record.profiles
        if not profile_table(table) or not isinstance(engine, ChatModel):
            return None
        found = found_profile(table, hooks.profile_names(engine))
        return cast("ModelProfile | None", hooks.profile(engine, found))

    @classmethod
    def is_lc_serializable(cls) -> bool:
        """As the partner class: serializable where LangChain's is, with its id, so
        `dumpd` writes what the partner package writes (and `load` of it builds the
        partner package's class, as it would from the partner's dump)."""
        return _serializable(cls._record)

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        """The partner's namespace, serializable or not: LangChain's answers it for a
        class it does not serialize too (scripts and tracers read `lc_id()`)."""
        namespace = cls._record.id_namespace
        if namespace is None:
            return super().get_lc_namespace()
        return list(namespace)

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
