"""The LangChain partner class a drop-in stands in for, as one typed record: the facts
its LangChain class reports (`_llm_type`, namespaces, packages, profiles), its pydantic
fields as the partner declares them, how its model is built (`build`) and what its
class does its own way (`PartnerHooks`). Only `chatplex.langchain` reads a record; each
drop-in's module names its own (`providers/<wire>/dropin.py`, listed in
`chatplex.dropins`).

>>> base = PartnerField("openai_api_base", str | None, alias="base_url", env=("OPENAI_API_BASE",))
>>> base.spellings, PartnerField("model_kwargs", factory=dict).default_value()
(('openai_api_base', 'base_url'), {})
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from ..specs import OutputShape
from .sdk_agents import SdkForms

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from ..messages import BaseMessage
    from .model import ChatModel
    from .partner_form import PartnerFields

__all__ = [
    "REQUEST_OPTIONS",
    "REQUIRED",
    "MessagesCount",
    "PartnerClass",
    "PartnerDeprecation",
    "PartnerField",
    "PartnerHooks",
    "Prefill",
    "StreamTokens",
    "TokenTold",
    "as_held",
    "checked_keywords",
    "held_and_spelled",
    "keywordless",
    "partner_model",
    "settled_as_held",
    "take_request_options",
    "take_settings",
    "told_as_text",
    "told_with_logprobs",
    "validators_run",
]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a field the partner's constructor requires (pydantic's no default).
REQUIRED: Final[Any] = _Required()


@dataclass(frozen=True, slots=True)
class PartnerField:
    """One of a partner class's own pydantic fields (not `BaseChatModel`'s), declared as
    the partner declares it: name, annotation, default, alias, environment variables."""

    name: str
    #: Its annotation as the partner writes it, a real type (`SecretStr | None`); `Any`
    #: where the partner's is.
    annotation: Any = Any
    #: Its default (`REQUIRED`: none), or a factory making a fresh one (`dict`).
    default: Any = None
    factory: Callable[[], Any] | None = None
    #: The constructor's other spelling of it (`api_key` for `openai_api_key`).
    alias: str | None = None
    #: The variables it is read from where not given, the first one set winning.
    env: tuple[str, ...] = ()
    #: Whether `model_dump` leaves it out (`Field(exclude=True)`: SDK clients).
    excluded: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        """The keywords the constructor takes it by: its name, then its alias."""
        return (self.name,) if self.alias is None else (self.name, self.alias)

    def default_value(self) -> Any:
        """Its default where nothing is given and no variable is set."""
        return self.factory() if self.factory is not None else self.default


def model_as_sent(value: Any) -> Any:
    """A setting given as a pydantic model (an SDK's config, a partner's options object)
    as partner packages send it: its dump, Nones left out; anything else as given."""
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return value.model_dump(exclude_none=True)
    return value


def _as_given(settings: dict[str, Any]) -> dict[str, Any]:
    return settings


def _given_streaming(model: ChatModel, given: bool | str | None) -> bool | str | None:
    return given


def _no_count(model: ChatModel, text: str) -> int | None:
    return None


def _tools_as_given(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    return tools, tool_choice


def _same_model(model: ChatModel, keywords: Mapping[str, Any]) -> ChatModel:
    return model


def _model_name(model: ChatModel) -> tuple[str, ...]:
    return (model.model,)


def _profile_as_found(model: ChatModel, profile: dict[str, Any]) -> dict[str, Any] | None:
    return profile or None


def _raises(model: ChatModel) -> bool:
    return True


def _own_target(model: ChatModel, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
    return model._structured_target(method, schema)


def _no_token_ids(model: ChatModel, text: str) -> list[int] | None:
    return None


def _bound_as_given(
    model: ChatModel, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> ChatModel:
    return clone


def _none_written(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _none_assigned(name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {}


#: A reply message's content and additional_kwargs as a partner's hook leaves them
#: (`PartnerHooks.generated`).
Reshaped = tuple[Any, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class MessagesCount:
    """How a partner class's `get_num_tokens_from_messages` counts a list of messages at
    once, its own way (`PartnerHooks.messages_count`)."""

    #: The tokens in `messages` (and `tools`) as it counts them (`keywords`: those the
    #: caller gave, its SDK's options); None: langchain-core's count after all.
    count: Callable[
        [ChatModel, list[BaseMessage], Sequence[Any] | None, dict[str, Any]], int | None
    ]
    #: Whether it counts so for the model (only then are the messages converted and
    #: `count` asked); None: for every model.
    applies: Callable[[ChatModel], bool] | None = None
    #: Whether it takes any input LangChain coerces to messages (`("human", "hi")`, a
    #: string); False: a list of LangChain's messages alone.
    coerced: bool = False

    def counts(self, model: ChatModel) -> bool:
        """Whether it counts `model`'s messages its own way."""
        return self.applies is None or self.applies(model)


def keywordless(
    count: Callable[[ChatModel, list[BaseMessage], Sequence[Any] | None], int | None],
) -> Callable[[ChatModel, list[BaseMessage], Sequence[Any] | None, dict[str, Any]], int | None]:
    """The `MessagesCount.count` of a partner whose `get_num_tokens_from_messages` takes
    no keywords: `count` of the messages and tools, or None where a caller gives any
    (langchain-core's count, which then refuses them as the partner's signature does)."""
    return functools.partial(_count_unless_keywords, count)  # (pickled with its record)


def _count_unless_keywords(
    count: Callable[[ChatModel, list[BaseMessage], Sequence[Any] | None], int | None],
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int | None:
    return None if keywords else count(model, messages, tools)


#: What a partner's `_stream` tells `on_llm_new_token` of one piece
#: (`PartnerHooks.stream_tokens`): the token and the hook's keywords; None: nothing.
TokenTold = tuple[Any, dict[str, Any]] | None


def told_as_text(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """The piece's text, and the piece: what most partners' `_stream` tells of each."""
    return piece.text, {"chunk": piece}


def told_with_logprobs(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """`told_as_text` with the piece's log probabilities (None where it has none), as
    langchain-openai's Chat Completions stream tells them, and the partners written
    after it."""
    logprobs = (piece.generation_info or {}).get("logprobs")
    return piece.text, {"chunk": piece, "logprobs": logprobs}


@dataclass(frozen=True, slots=True)
class StreamTokens:
    """What a partner's `_stream` tells the run it is handed of each piece
    (`on_llm_new_token`): LangChain's v2 event path (`stream_events(version="v3")`, a v2
    handler) hands it one, and hears no piece otherwise."""

    #: Given its fields as held (`field(name)`), the adapter of the wire that streams,
    #: and the piece as its `_stream` makes it: the token and the hook's keywords, None
    #: for a piece it tells nothing of.
    tell: Callable[[Callable[[str], Any], Adapter, Any], TokenTold] = told_as_text
    #: The keys of a piece's `generation_info` its message's `response_metadata` holds
    #: too, as its `_stream` makes the piece (LangChain's `stream()` merges the rest in
    #: later); True: all of them.
    metadata_keeps: frozenset[str] | bool = frozenset()


@dataclass(frozen=True, slots=True)
class Prefill:
    """A structured-output method of a partner's own that prefills the reply
    (langchain-aws's "prompt_prefill"): the schema's `instructions` (of its JSON schema,
    which they may edit) added to the system message, the assistant's turn begun with
    `value`, the reply stopped at `stop` and parsed as JSON."""

    instructions: Callable[[dict[str, Any]], str]
    value: str
    stop: str


@dataclass(frozen=True, slots=True)
class PartnerHooks:
    """What a partner class does its own way, as plain functions `chatplex.langchain`
    calls: of the constructor's keywords, or of the `ChatModel` built from them
    (`PartnerClass.build`), never of a LangChain object. The defaults are a class's with
    nothing of its own there."""

    #: Its "before" validators on the constructor's keywords (langchain-openai's
    #: temperature rule): what its fields hold and its model is built from.
    settings: Callable[[dict[str, Any]], dict[str, Any]] = _as_given
    #: The same, for the keywords a copy LangChain builds (`configurable_fields`) is built
    #: from: every field is handed to it, so a validator asking whether one was given
    #: sees them all.
    rebuilt_settings: Callable[[dict[str, Any]], dict[str, Any]] = _as_given
    #: Its `disable_streaming` for the model built (`given`: the value passed, None where
    #: none was), where it has per-model defaults; None leaves LangChain's default.
    disable_streaming: Callable[[ChatModel, bool | str | None], bool | str | None] = (
        _given_streaming
    )
    #: The tokens in `text` as its `get_num_tokens` counts them where it asks its
    #: provider; None: langchain-core's count (the token ids').
    num_tokens: Callable[[ChatModel, str], int | None] = _no_count
    #: The tools and tool choice its `bind_tools` binds as functions, of those given:
    #: its own choice words read as chatplex's (an upper-case `"REQUIRED"`).
    tools_to_bind: Callable[[ChatModel, Sequence[Any], Any], tuple[Sequence[Any], Any]] = (
        _tools_as_given
    )
    #: The model a call given these keywords (as given, a per-call `model` among them)
    #: runs on, where its class reads one of them as replacing settings of the model's
    #: (a per-call `options` dict of model settings): a copy; default: the model itself.
    call_model: Callable[[ChatModel, Mapping[str, Any]], ChatModel] = _same_model
    #: The call keywords only `call_model` reads (langchain-ibm's `params`, a whole set
    #: of chat parameters): never handed to the model as settings. Default: none.
    call_only: frozenset[str] = frozenset()
    #: How its `get_num_tokens_from_messages` counts the messages its own way; None:
    #: langchain-core's count, one `get_num_tokens` per message, of the messages as given.
    messages_count: MessagesCount | None = None
    #: The names its class looks the model's profile up by, in order (`profiles`).
    profile_names: Callable[[ChatModel], tuple[str, ...]] = _model_name
    #: The profile as its class adjusts it to the model's settings (`profile`: empty
    #: where its data has none for the model); None: no profile.
    profile: Callable[[ChatModel, dict[str, Any]], dict[str, Any] | None] = _profile_as_found
    #: The model and method its `with_structured_output` uses for the method asked (None:
    #: its default) and the schema (langchain-google-genai's json_mode with a schema is
    #: its json_schema); default: the model's own answer (`ChatModel._structured_target`).
    structured_target: Callable[[ChatModel, str | None, Any], tuple[ChatModel, str | None]] = (
        _own_target
    )
    #: Where its `with_structured_output` offers its tool unforced (the model it answered
    #: refuses a forced choice), whether a reply without the tool's call raises
    #: `OutputParserException` (the partners' `_raise_if_no_tool_calls` step); False: it
    #: parses to None, as a partner adding that step only for some models leaves it.
    unforced_reply_raises: Callable[[ChatModel], bool] = _raises
    #: Its `with_structured_output`'s methods of its own that prefill the reply, by name.
    prefills: Mapping[str, Prefill] = field(default_factory=dict)
    #: `text`'s token ids as its `get_token_ids` gives them where it has a tokenizer of
    #: its own (langchain-openai's tiktoken); None: langchain-core's.
    token_ids: Callable[[ChatModel, str], list[int] | None] = _no_token_ids
    #: The copy its `bind_tools` returns, of the copy with the functions bound (`clone`)
    #: and what it was given (langchain-openai's ChatOpenAI: its built-in tools, on the
    #: Responses API): handed down as `PartnerCalls.finish_binding`. Default: `clone`.
    finish_binding: Callable[[ChatModel, ChatModel, Sequence[Any], Any], ChatModel] = (
        _bound_as_given
    )
    #: Whether its `_generate` streams the call (the pieces merged, each reported to the
    #: run's handlers) when its `streaming` field is True, `disable_streaming` or not.
    generate_streams: bool = False
    #: What its `_stream` tells the run it is handed of each piece (`StreamTokens`);
    #: None (the default): it tells none.
    stream_tokens: StreamTokens | None = None
    #: How its own sync `_generate` (not `_agenerate`, nor its streams) reshapes a
    #: reply's message, of its fields as held (`field(name)`), the message's content and
    #: additional_kwargs: their new values, None where it leaves them. None: it does not.
    generated: Callable[[Callable[[str], Any], Any, dict[str, Any]], Reshaped | None] | None = None
    #: Its methods that only assign one of its fields (a `set_<field>(value)`), each as
    #: (the method's name, its one parameter's, the field's). Default: none.
    field_setters: tuple[tuple[str, str, str], ...] = ()
    #: Where its class hands `bind_tools` and `with_structured_output` to a model of
    #: another class it builds from its fields (of the model and the constructor's
    #: keywords as held): that drop-in's name and keywords, None where its own. None (the
    #: default): always its own.
    bound_on: Callable[[ChatModel, Mapping[str, Any]], tuple[str, dict[str, Any]] | None] | None = (
        None
    )
    #: The fields its "after" validators write at construction, by name, from its fields
    #: as validated (`fields`): held as written, counted as set (langchain-ibm's
    #: `params`, its chat fields merged in). Default: none.
    validated: Callable[[Mapping[str, Any]], dict[str, Any]] = _none_written
    #: The other fields an assignment of field `name` writes, from the fields as held
    #: with it written: where the drop-in sends a setting its partner holds twice and
    #: sends from the other field (langchain-ibm's chat fields, sent from its `params`).
    #: Default: none.
    assigned: Callable[[str, Mapping[str, Any]], dict[str, Any]] = _none_assigned


@dataclass(frozen=True, slots=True)
class PartnerDeprecation:
    """A partner class LangChain deprecates, as its decorators warn when a script builds
    one: `words`, a DeprecationWarning at every construction (`typing_extensions.
    deprecated`), then langchain-core's `@deprecated` (`since`, `removal`,
    `alternative_import`): a LangChainDeprecationWarning once a process."""

    words: str
    since: str
    removal: str
    alternative_import: str


@dataclass(frozen=True, slots=True)
class PartnerClass:
    """The LangChain partner class a drop-in stands in for, as data: what its LangChain
    chat model (`chatplex.langchain`, which alone reads this) reports and does as that
    class. A drop-in's module names its record (`chatplex.dropins`).

    >>> PartnerClass("x", partner_class="langchain_x.chat_models:ChatX").distribution
    'langchain-x'
    """

    #: Its `_llm_type` (LangChain's cache keys include it).
    llm_type: str | None = None
    #: Its serializer namespace (None: LangChain does not serialize it), and the one its
    #: `lc_id()` names where that is not this (a class LangChain does not serialize that
    #: still answers its package's legacy `["langchain", "chat_models", ...]`).
    namespace: tuple[str, ...] | None = None
    lc_id_namespace: tuple[str, ...] | None = None
    #: How it names and writes its fields (None: the constructor's keywords as given).
    fields: PartnerFields | None = None
    #: Its own pydantic fields: its LangChain class's, their only store of its settings
    #: (`chatplex/langchain/field_store.py`; decision 013).
    declared: tuple[PartnerField, ...] = ()
    #: Its model profiles (`chatplex/langchain/profiles/<name>.json`); None: it has none.
    profiles: str | None = None
    #: Where it is defined, "module:Class" (its `__module__`): once that module is loaded
    #: the drop-in's models pass `isinstance` checks of it. None: no class.
    partner_class: str | None = None
    #: Its distribution (None: named after `partner_class`'s top module) and the packages
    #: it names in a trace's `metadata["lc_versions"]` (None: its own; `()`: none).
    package: str | None = None
    versions: tuple[str, ...] | None = None
    #: Whether it has no async path of its own (LangChain runs `_generate` / `_stream` in
    #: a thread for `ainvoke` / `astream`).
    async_through_sync: bool = False
    #: Whether it takes its own fields given inside `model_kwargs` as those fields, with
    #: langchain-core's warning, and the frames above the building line that warning
    #: points at; None: it does not.
    lifts_model_kwargs: int | None = None
    #: How its `generate()` combines its rows' `llm_output` (an `OutputShape`, as
    #: `ProviderSpec.llm_output`); None: as the wire's provider name combines them.
    combined_output: OutputShape | None = None
    #: Its model built from the constructor's keywords as its fields hold them (those
    #: not at their defaults, keys as `Secret`s, then the keywords no field takes): a
    #: plain `ChatModel` on its wire's adapter, refused before any request as the
    #: partner refuses (a TypeError is its ValueError: pydantic's ValidationError).
    #: None: facts alone, no drop-in builds from it.
    build: Callable[[dict[str, Any]], ChatModel] | None = None
    hooks: PartnerHooks = PartnerHooks()
    #: Whether its `streaming=True` changes the request (langchain-google-vertexai sends
    #: no candidateCount then): the drop-in builds its model with it (else LangChain's
    #: alone, never handed to `build`).
    streaming_shapes_request: bool = False
    #: LangChain's own settings its model is also built from where given (langchain-
    #: openai's `output_version`, which chooses its Responses API and its replies'
    #: shape): handed to `build` beside its fields; none: its fields alone.
    built_from_settings: frozenset[str] = frozenset()
    #: Its class-level helpers (langchain-aws's `create_cache_point`), by name: set on
    #: its LangChain class as they are (a `staticmethod`).
    helpers: tuple[tuple[str, Any], ...] = ()
    #: The User-Agent and SDK headers its partner package's requests carry
    #: (`sdk_agents.py`); None: chatplex's own User-Agent (no partner package).
    sdk: SdkForms | None = None
    #: Its deprecation, warned as its class warns (None: not deprecated).
    deprecated: PartnerDeprecation | None = None

    @property
    def id_namespace(self) -> tuple[str, ...] | None:
        """The namespace its `lc_id()` names: `lc_id_namespace`, else `namespace`."""
        return self.lc_id_namespace or self.namespace

    @property
    def distribution(self) -> str | None:
        """`package`, else the distribution `partner_class`'s top module is named after."""
        if self.package is not None or self.partner_class is None:
            return self.package
        return self.partner_class.partition(".")[0].replace("_", "-")


# A record's `build`, in its provider folder, reads the keywords it is given with these:
# what `ChatModel` takes by name, the rest checked as the partner refuses them, then the
# model made under the partner's name.


#: Whether the model being built takes its keywords as its LangChain class holds its
#: fields (`as_held`).
_AS_HELD: ContextVar[bool] = ContextVar("chatplex_as_held", default=False)
#: Whether the model being built is one a script constructs, its LangChain class's
#: validators running (their warnings said), not a copy or an assigned field's rebuild.
_CONSTRUCTED: ContextVar[bool] = ContextVar("chatplex_constructed", default=True)


@contextlib.contextmanager
def as_held(*, constructed: bool = False) -> Iterator[None]:
    """Within: a model is built from its LangChain class's fields as that class holds
    them, its validators' rules applied where they ran (at construction, `constructed`:
    its hooks' `settings`) and nowhere else (an assignment, a copy: they do not run)."""
    token, built = _AS_HELD.set(True), _CONSTRUCTED.set(constructed)
    try:
        yield
    finally:
        _CONSTRUCTED.reset(built)
        _AS_HELD.reset(token)


def validators_run() -> bool:
    """Whether the model being built is constructed by a script (its LangChain class's
    validators run and warn), not rebuilt from a copy's or an assignment's fields."""
    return _CONSTRUCTED.get()


def settled_as_held() -> bool:
    """Whether the model being built applies no rule of its LangChain class's
    validators to its keywords (`as_held`): they come as that class holds them."""
    return _AS_HELD.get()


@functools.cache
def _model_settings() -> frozenset[str]:
    """`ChatModel.__init__`'s named settings (read once, from its signature)."""
    from .model import ChatModel

    params = inspect.signature(ChatModel.__init__).parameters.values()
    return frozenset(p.name for p in params if p.kind is p.KEYWORD_ONLY)


def take_settings(keywords: dict[str, Any]) -> dict[str, Any]:
    """The settings `ChatModel` takes by name (`timeout`, `http_client`, ...) taken out
    of `keywords`, those given (not None); what is left is the partner's own keywords
    and the API's parameters."""
    named = _model_settings()
    taken = {k: keywords.pop(k) for k in [k for k in keywords if k in named]}
    return {k: v for k, v in taken.items() if v is not None}


#: The request options a Stainless SDK's `create()` takes beside the body's fields, which
#: a partner hands it from its `model_kwargs` (its payload is `{**model_kwargs, **a call's
#: keywords}`): its headers and the URL's query, not body fields.
REQUEST_OPTIONS = ("extra_headers", "extra_query")


def take_request_options(model_kwargs: Any, settings: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """`model_kwargs` without its SDK request options (`REQUEST_OPTIONS`), which go into
    `settings` under the constructor's own settings of those names (they win); and
    those settings as they were before, by the name of each option taken (which a
    call's own brings back: `binding.merged_last`). A new dict, the one given is not
    changed. An option given as None is dropped, as its SDK takes it; one that is no
    mapping stays (`ChatModel` refuses it there, in its words)."""
    if not isinstance(model_kwargs, Mapping):
        return model_kwargs, {}
    taken = [k for k in REQUEST_OPTIONS if k in model_kwargs and _mapping_or_none(model_kwargs[k])]
    if not taken:
        return model_kwargs, {}
    from ..secret import merged_headers

    before: dict[str, Any] = {}
    headers, query = model_kwargs.get("extra_headers"), model_kwargs.get("extra_query")
    if headers:  # (marks of secret values kept: `merged_headers`)
        before["extra_headers"] = merged_headers(settings.get("extra_headers"))
        settings["extra_headers"] = merged_headers(headers, settings.get("extra_headers"))
    if query:
        before["extra_query"] = {}
        settings["extra_query"] = dict(query)  # (no constructor setting of the drop-ins)
    return {k: v for k, v in model_kwargs.items() if k not in taken}, before


def _mapping_or_none(value: Any) -> bool:
    return value is None or isinstance(value, Mapping)


def held_and_spelled(
    owner: str, keywords: Mapping[str, Any], spellings: Mapping[str, str]
) -> dict[str, Any]:
    """A copy of a build's `keywords` with its keys held as `Secret`s (first: no local
    holds one in clear) and each other spelling (`spellings`: spelling -> name) read as
    the name it stands for (`pick`: two different values are a TypeError)."""
    from ..secret import is_secret_name
    from ..secret.arguments import hold_keys
    from .dropin import pick

    given = dict(keywords)
    hold_keys(given, is_secret_name)
    for spelling, name in spellings.items():
        if spelling in given:
            value = pick(owner, **{name: given.get(name), spelling: given.pop(spelling)})
            if value is not None:
                given[name] = value
    return given


def checked_keywords(
    record: PartnerClass,
    owner: str,
    wire: str,
    keywords: Mapping[str, Any],
    *,
    own: Mapping[str, str] | None = None,
    own_off: Mapping[str, tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """`keywords` (the API parameters left) without the settings chatplex refuses at
    their "off" values, a TypeError saying why at any other (`dropin.check_refused`, the
    partner's own refusals in `own`); then each must be a parameter of the `wire`'s API,
    else a TypeError naming the closest of its names and the partner's fields."""
    from .dropin import check_refused
    from .params import check_api_parameters
    from .settings import SETTING_NAMES

    params = check_refused(owner, wire, keywords, own=own, own_off=own_off)
    names = (*(f.name for f in record.declared), *SETTING_NAMES)
    check_api_parameters(wire, params, settings=names, owner=owner)
    return params


def partner_model(
    record: PartnerClass, adapter: Adapter, model: str, settings: Mapping[str, Any]
) -> ChatModel:
    """The `ChatModel` of the drop-in of `record` on `adapter`: `settings` (its named
    ones and the API parameters), the User-Agent and SDK headers its partner's SDK sends
    (`record.sdk`, `sdk_agents.py`)."""
    from .model import ChatModel
    from .sdk_agents import sdk_headers

    given = dict(settings)
    query = given.pop("extra_query", None)  # (a call's setting: no keyword of `ChatModel`)
    built = ChatModel(adapter, model, **given)
    built.sdk_headers = sdk_headers(record.sdk)
    if query:
        built.extra_query = dict(query)
    return built
