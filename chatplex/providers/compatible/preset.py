"""What one OpenAI-compatible preset's row is made of: `Preset` (its profile, its spec
fields and its `DropIn`), `DropIn` (what its LangChain class takes beyond the shared
parameters), and the helpers that write the conventions most rows share (`hosted`,
`key_and_base`, `openai_style_fields`, `openai_subclass_reading`, `own_reading`,
`renamed_chat_openai`, `same_names`). The rows themselves are in `spec.py`'s `PRESETS`,
each written in the `presets_*.py` module of its partner's kind.

Pure data: this module imports nothing of chatplex but `chatplex.specs`, OpenAI's spec,
the shapes of a profile (`profile.py`) and the partner tables (`partner_tables.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any
from typing import Literal
from urllib.parse import urlsplit

from ...specs import KeyOrder
from ...specs import LangSmithRule
from ...specs import LimitHeaders
from ...specs import MoveWarning
from ...specs import OutputShape
from ...specs import ProviderSpec
from ...specs import dumped_under_aliases
from ..openai.spec import BASE_CHAT_OPENAI_ALIASES
from ..openai.spec import BASE_CHAT_OPENAI_CLIENTS
from ..openai.spec import BASE_CHAT_OPENAI_DEFAULT_PARAMS
from ..openai.spec import BASE_CHAT_OPENAI_DUMP_ALIASES
from ..openai.spec import BASE_CHAT_OPENAI_DUMPED
from ..openai.spec import BASE_CHAT_OPENAI_GATEWAY_REPORT
from ..openai.spec import BASE_CHAT_OPENAI_GIVEN
from ..openai.spec import BASE_CHAT_OPENAI_IDENTIFYING
from ..openai.spec import BASE_CHAT_OPENAI_SHOWN
from ..openai.spec import openai_client_arguments
from .partner_tables import BASE_CHAT_OPENAI_CLASS
from .partner_tables import CLIENTS
from .partner_tables import OWN_CHAT_CLIENTS
from .partner_tables import OWN_ROOT_CLIENTS
from .profile import Profile
from .profile import ReplyStyle

__all__ = [
    "BLOCKS_AS_GIVEN",
    "DropIn",
    "Preset",
    "hosted",
    "key_and_base",
    "openai_style_fields",
    "openai_subclass_reading",
    "own_reading",
    "partner_module",
    "renamed_chat_openai",
    "same_names",
]


#: `DropIn.moved` of a class with no `max_completion_tokens` field: every partner class
#: but langchain-openai's ChatOpenAI, whose alias of `max_tokens` it is.
NO_MAX_COMPLETION_TOKENS = ("max_completion_tokens",)

#: `hosted` options of a partner package that sends every block as given: none left
#: out, text blocks with all their keys in every role (a reply's `id` and `annotations`
#: too), as langchain-groq and langchain-perplexity send them.
BLOCKS_AS_GIVEN: dict[str, frozenset[str]] = {
    "dropped_input_blocks": frozenset(),
    "text_extras_roles": frozenset({"user", "system", "assistant", "tool"}),
    "rebuilt_text_roles": frozenset(),
}


@dataclass(frozen=True)
class DropIn:
    """What one LangChain class takes beyond the shared parameters."""

    #: The preset it speaks to (its `Preset` row fills it in).
    provider: str = ""
    #: Settings of the preset's adapter it takes (OpenRouter's attribution).
    adapter_settings: tuple[str, ...] = ()
    #: Its fields its partner's SDK sends as one of its headers (`SdkForms`), field ->
    #: header (langchain-sambanova's `sambanova_integration_source`): the drop-in's
    #: record sends the value held (given, else its class's default) in its place.
    #: Partner headers only: chatplex's own models never send them.
    sdk_header_fields: Mapping[str, str] = field(default_factory=dict)
    #: LangChain's defaults that change the request: the model, the temperature sent
    #: when none is given, the retries and timeout.
    default_model: str | None = None
    #: A BaseChatOpenAI under another name (`renamed_chat_openai`): its base URL field's
    #: default. None for every other class.
    renamed_base: str | None = None
    temperature: float | None = None
    #: The max_tokens sent when none is given (langchain-sambanova's 1024); None: none.
    max_tokens: int | None = None
    max_retries: int = 2
    timeout: float | None = None
    #: LangChain settings chatplex does not have, and why.
    refused: Mapping[str, str] = field(default_factory=dict)
    #: Settings its LangChain class takes and never sends, warning (a DeprecationWarning
    #: in these words) when one is given (langchain-xai's retired `search_parameters`).
    ignored: Mapping[str, str] = field(default_factory=dict)
    #: Fields its LangChain class takes and never reads (langchain-openai's, on a subclass
    #: whose own validator builds its clients from its own key and base URL alone): held,
    #: as its class holds them, never sent.
    unused: frozenset[str] = frozenset()
    #: Its proxy field and the variable it falls back to, which its calls go through
    #: (langchain-cerebras's `cerebras_proxy`, `CEREBRAS_PROXY`); None: it has none.
    proxy: tuple[str, str] | None = None
    #: Whether its class reads langchain-openai's `disabled_params` (its structured output
    #: leaves out the parameters it disables); False: an unknown keyword.
    reads_disabled_params: bool = False
    #: Body fields the class always sends (its defaults: langchain-groq's `n` and
    #: `service_tier`), unless given otherwise.
    body_defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Body fields the class sends as null when nothing sets them (langchain-groq's
    #: `stop`, `reasoning_format`, `reasoning_effort`): a call's own value still wins.
    body_nulls: tuple[str, ...] = ()
    #: Which empty `stop` lists the class sends: a call's (langchain-openai's default
    #: params drop a falsy one), any ("always": it sends its `stop` field as set), none.
    empty_stop_sent: Literal["call", "always", "never"] = "call"
    #: Whether the class takes a `Timeout` object (httpx's) as its timeout, handing it
    #: to its SDK client (langchain-mistralai's and -perplexity's fields take seconds).
    timeout_objects: bool = True
    #: `with_structured_output` methods the class answers with another (langchain-
    #: deepseek: DeepSeek has no `json_schema` response format, so function calling).
    structured_methods: Mapping[str, str] = field(default_factory=dict)
    #: The UserWarning its class gives where it answers a method so, by method
    #: (langchain-openrouter's for json_mode, which it has not).
    structured_method_warnings: Mapping[str, str] = field(default_factory=dict)
    #: Whether a stream asks for usage unless `stream_usage=` says (langchain-openai's
    #: subclasses: only ChatXAI turns it on).
    stream_usage: bool = True
    #: Where its LangChain class has no `stream_usage` field, what a given one does
    #: beside LangChain's warning (`moves`) and its place in `model_kwargs`: "unsent",
    #: nothing (its partner sends it, a body field its provider refuses); "taken", as
    #: langchain-openai takes it (its partner hands it to an SDK that raises). None: the
    #: class has the field.
    stream_usage_moved: Literal["unsent", "taken"] | None = None
    #: Keywords its LangChain class has no field for, which it moves into `model_kwargs`
    #: (with its warning, `moves`) and so sends in the body as given: `max_completion_tokens`,
    #: which only langchain-openai's ChatOpenAI takes as `max_tokens`' other name.
    moved: tuple[str, ...] = ()
    #: How its LangChain class says it moved such a keyword (langchain-core's words, at
    #: the line two frames above the one building it, unless its package copied them).
    moves: MoveWarning = MoveWarning(outer=2)
    #: API parameters its LangChain class names as fields: listed in its signature,
    #: sent as any Chat Completions parameter is.
    api_fields: tuple[str, ...] = ()
    #: Its LangChain class's `_llm_type` and serializer namespace (None: that class is
    #: not serializable), which the class's LangChain chat model reports.
    llm_type: str | None = None
    lc_namespace: tuple[str, ...] | None = None
    #: Its LangChain class's package and the packages that class names in a trace's
    #: `lc_versions` (`PartnerClass.package` / `versions`; None: its own).
    package: str | None = None
    versions: tuple[str, ...] | None = None
    #: The namespace its class's `lc_id()` names, where not `lc_namespace` (a class not
    #: serialized that answers its package's legacy namespace).
    lc_id_namespace: tuple[str, ...] | None = None
    #: Where its LangChain class is defined, "module:Class"
    #: (`PartnerClass.partner_class`); None: no partner class.
    partner_class: str | None = None
    #: How that class serializes itself: `chat.partner_form.PartnerFields`' keywords
    #: (its fields' aliases, the defaults it writes, its credentials' variables...).
    #: (Its partner class's own pydantic fields are `dropin_record.DECLARED`'s, not a
    #: row's: they are `PartnerField`s, of chat/, which no spec module may import.)
    partner_fields: Mapping[str, Any] = field(default_factory=dict)
    #: Its LangChain class's model profiles (`chatplex/langchain/profiles/<name>.json`);
    #: None: that class has none.
    profiles: str | None = None
    #: Its other names for shared parameters: LangChain name → shared name (its
    #: `Preset` row fills them in from the row's `aliases`).
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: Parameters LangChain names as fields, sent in the body when not None (False
    #: too, as its `_default_params` sends it): LangChain name → body name (filled in
    #: from the row's `body`).
    body: Mapping[str, str] = field(default_factory=dict)
    #: Those of them its class sends only when true (an `if self.field:`): an empty or
    #: False one unsent (langchain-perplexity's search fields).
    body_if_true: frozenset[str] = frozenset()
    #: Whether its LangChain class counts tokens as langchain-openai's `BaseChatOpenAI`
    #: (a subclass: tiktoken, `tiktoken_model_name`; `providers/openai/tokens.py`);
    #: False: as LangChain's base class counts them.
    counts_with_tiktoken: bool = False
    #: Whether its LangChain class takes langchain-openai's `include_response_headers`
    #: (a `BaseChatOpenAI`): the response's headers kept in `response_metadata`.
    keeps_response_headers: bool = False
    #: Whether its LangChain class takes its own fields given inside `model_kwargs` as
    #: those fields, with langchain-core's warning, and where that warning points
    #: (`PartnerClass.lifts_model_kwargs`; every BaseChatOpenAI does, at 2:
    #: `partner_tables.BASE_CHAT_OPENAI_CLASS`).
    lifts_model_kwargs: int | None = None
    #: Whether its LangChain class sends a given `n=1` (langchain-openai's
    #: `BaseChatOpenAI` leaves out only a None `n`); False: a 1 is the API's default,
    #: left out.
    sends_n_of_one: bool = False
    #: Whether its LangChain class (a BaseChatOpenAI) goes over the Responses API where
    #: langchain-openai's does (`reasoning=`, `use_responses_api=True`) to a provider
    #: that serves it at the same base URL (xAI's and Together's `POST /v1/responses`):
    #: then so does the drop-in, over the preset's connection. False: those keywords are
    #: unknown to it (the provider serves no Responses API, or its class cannot switch).
    responses_api: bool = False
    #: Where its LangChain class (a BaseChatOpenAI) takes langchain-openai's Responses API
    #: fields but cannot go there (it raises, or posts to a provider serving no such
    #: API): why a value choosing that API (`use_responses_api=True`, `reasoning=`...)
    #: is refused; one that does not (None, False) is taken and does nothing, as there.
    #: None: those fields are unknown keywords (or, with `responses_api`, taken).
    responses_refused: str | None = None
    #: Whether its own sync `_generate` moves a reply's reasoning into a content block
    #: where its model asks for reasoning (langchain-cerebras': `reasoning_blocks`).
    generate_reasoning_blocks: bool = False
    #: The variables a base URL is read from where its base URL field holds None (given
    #: None, or its own variable unset): its SDK's alone, as its class hands the SDK that
    #: None, its field's own variable read (`from_env`) only where nothing is given
    #: (langchain-groq's GROQ_API_BASE; the groq SDK's GROQ_BASE_URL). None: the
    #: preset's `base_variables` (langchain-mistralai's validator reads its own where
    #: None is given).
    unset_base_variables: tuple[str, ...] | None = None
    #: The variable a key is read from where its key field holds an empty one
    #: (`api_key=""`, a script's `os.environ.get("MY_KEY", "")`): its SDK's, as its
    #: class hands its SDK an empty key as None (langchain-groq: the groq SDK's
    #: GROQ_API_KEY). None: an empty key is sent as none (its class fails there:
    #: tests/partners/_empty_api_key.py).
    empty_key_variable: str | None = None
    #: Whether its LangChain class builds an openai SDK client given no organization nor
    #: project (every BaseChatOpenAI subclass's validator), which that client then reads
    #: from OPENAI_ORG_ID / OPENAI_PROJECT_ID and sends to its provider as
    #: `OpenAI-Organization` / `OpenAI-Project`: so does the drop-in.
    sends_openai_account: bool = False


@dataclass(frozen=True)
class Preset:
    """One OpenAI-compatible preset, all of it in one row: its profile over the Chat
    Completions wire (`profile`), the spec fields of its provider name (its LangChain
    class, OpenTelemetry name, model prefixes, price id, its class's other names for
    settings and the body fields it names), and, for a LangChain class, what that
    class takes (`dropin`)."""

    profile: Profile
    langchain_class: str | None = None
    otel_name: str | None = None
    model_prefixes: tuple[str, ...] = ()
    #: LiteLLM's prefixes naming it (`ProviderSpec.litellm_prefixes`).
    litellm_prefixes: tuple[str, ...] = ()
    #: Its adapter class in `adapter.py`; None: the name's ("groq" -> `GroqAdapter`).
    adapter: str | None = None
    price_id: str | None = None
    #: Its class's other names for settings (`setting_aliases`): (its name, ours).
    aliases: tuple[tuple[str, str], ...] = ()
    #: Body fields its class names (`body_settings`): (its name, the body's).
    body: tuple[tuple[str, str], ...] = ()
    ls_provider: str | None = None
    #: How its LangChain class reports the other `ls_*` params (`ProviderSpec.ls_rule`).
    ls_rule: LangSmithRule = LangSmithRule()
    #: Whether LangChain's `init_chat_model` knows its name (False: a preset only
    #: chatplex names, whose class is chatplex's own).
    langchain_init: bool = True
    #: How its LangChain class fills a result's `llm_output` (`ProviderSpec.llm_output`).
    llm_output: OutputShape | None = None
    #: The `model_provider` of that `llm_output` (`ProviderSpec.llm_output_provider`).
    llm_output_provider: str | None = None
    #: How its class's `generate()` combines rows that carry no `llm_output` (a cached
    #: reply's), where its replies' style does not say (`ProviderSpec.combined_llm_output`).
    combined_llm_output: OutputShape | None = None
    #: Its class's stream: the chunks' key order, the keys on the finishing chunk alone
    #: and whether that chunk, or the usage record's, names no provider
    #: (`ProviderSpec.stream_metadata_order`, `stream_finish_keys`,
    #: `stream_finish_unmarked`, `stream_usage_unmarked`).
    stream_metadata_order: KeyOrder = KeyOrder()
    stream_finish_keys: tuple[str, ...] = ()
    stream_finish_unmarked: bool = False
    stream_usage_unmarked: bool = False
    #: The rate-limit headers it sends (`ProviderSpec.limit_headers`); None: none read.
    limit_headers: LimitHeaders | None = None
    #: The header of a wait in milliseconds its partner's SDK reads
    #: (`ProviderSpec.retry_after_ms_header`): the openai SDK's, and the Stainless SDKs'
    #: (groq, fireworks, perplexity, sambanova); None: `retry-after` alone.
    retry_after_ms_header: str | None = "retry-after-ms"
    dropin: DropIn | None = None

    @property
    def spec(self) -> ProviderSpec:
        """Its provider name's row in the registry (`chatplex.specs`)."""
        name = self.profile.name
        # "groq" -> chatplex.providers.compatible.adapter:GroqAdapter, the profile's class.
        adapter = self.adapter or "".join(p.capitalize() for p in name.split("_")) + "Adapter"
        return ProviderSpec(
            name,
            f"chatplex.providers.compatible.adapter:{adapter}",
            langchain_class=self.langchain_class,
            otel_name=self.otel_name,
            model_prefixes=self.model_prefixes,
            litellm_prefixes=self.litellm_prefixes,
            price_id=self.price_id,
            setting_aliases=self.aliases,
            body_settings=self.body,
            ls_provider=self.ls_provider,
            ls_rule=self.ls_rule,
            langchain_init=self.langchain_init,
            llm_output=self.llm_output,
            llm_output_provider=self.llm_output_provider,
            combined_llm_output=self.combined_llm_output,
            stream_metadata_order=self.stream_metadata_order,
            stream_finish_keys=self.stream_finish_keys,
            stream_finish_unmarked=self.stream_finish_unmarked,
            stream_usage_unmarked=self.stream_usage_unmarked,
            limit_headers=self.limit_headers,
            retry_after_ms_header=self.retry_after_ms_header,
        )

    @property
    def named_dropin(self) -> DropIn | None:
        """Its `DropIn`, told its provider name and its class's names from this row."""
        if self.dropin is None:
            return None
        name, aliases, body = self.profile.name, dict(self.aliases), dict(self.body)
        return replace(self.dropin, provider=name, aliases=aliases, body=body)


def hosted(name: str, title: str, base_url: str, **options: Any) -> Profile:
    """The profile of a hosted provider named as its partner package names it: its key in
    `<NAME>_API_KEY`, a base URL in `<NAME>_API_BASE`, the environment's key sent only to
    its base URL's host; `options` are the profile's other fields (a preset whose
    package reads other variables names them there).

    >>> hosted("groq", "Groq", "https://api.groq.com/openai/v1").official_host
    'api.groq.com'
    """
    variable = name.upper()
    conventions: dict[str, Any] = {
        "key_variables": (f"{variable}_API_KEY",),
        "base_variables": (f"{variable}_API_BASE",),
        "official_host": urlsplit(base_url).hostname,
    }
    return Profile(name, title, base_url, **{**conventions, **options})


def key_and_base(prefix: str) -> tuple[tuple[str, str], ...]:
    """A class's own names for the key and base URL, `<prefix>_api_key` and
    `<prefix>_api_base` (langchain-groq's `groq_api_key`...), as `Preset.aliases`."""
    return ((f"{prefix}_api_key", "api_key"), (f"{prefix}_api_base", "base_url"))


def openai_style_fields(
    prefix: str,
    *,
    aliases: Mapping[str, str] | None = None,
    annotations: Mapping[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """`DropIn.partner_fields` of a class whose fields are named as langchain-openai's
    (`model_name` a `str`, `stop`, `request_timeout`, floats for temperature and timeout)
    and its key and base URL `<prefix>_api_key` / `<prefix>_api_base`, the key read from
    `<PREFIX>_API_KEY`; `aliases` and `annotations` add to its fields' other spellings
    (its pydantic aliases, all: its `model_dump(by_alias=True)` writes them) and types,
    `fields` are the rest of its form (its defaults, its identifying params...). Its
    validator (`build_extra`) sets `model_kwargs` whatever was given (`assigned`)."""
    spelled = {
        "model": "model_name",
        "stop_sequences": "stop",
        "timeout": "request_timeout",
        "api_key": f"{prefix}_api_key",
        "base_url": f"{prefix}_api_base",
        **(aliases or {}),
    }
    return {
        "annotations": {"model_name": str, **(annotations or {})},
        "aliases": spelled,
        "secrets": {f"{prefix}_api_key": f"{prefix.upper()}_API_KEY"},
        "floats": frozenset({"temperature", "request_timeout"}),
        **fields,
        "assigned": frozenset({"model_kwargs", *fields.get("assigned", ())}),
        "dump_aliases": dumped_under_aliases(spelled),
    }


def openai_subclass_reading(
    secrets: Mapping[str, str],
    *,
    own: tuple[str, ...],
    clients: Mapping[str, tuple[str, ...]] = BASE_CHAT_OPENAI_CLIENTS,
    client_optional: frozenset[str] | None = None,
    attributes: tuple[str, ...] = (),
    fallbacks: Mapping[str, tuple[Any, ...]] | None = None,
    checks_candidates: bool = False,
    required: frozenset[str] = frozenset(),
    **aliases: str,
) -> dict[str, Any]:
    """`DropIn.partner_fields` of a langchain-openai subclass LangChain does not
    serialize (langchain-deepseek, -together, -nebius), for reading its fields on the
    drop-in: langchain-openai's spellings and `aliases` (its own: its key and base URL),
    its credentials `secrets` (field -> variable); `openai_api_key` and
    `openai_api_base`, sharing its key's and base URL's aliases, are set by `api_key=`
    and `base_url=` only; its `model_dump()` keys and repr fields are langchain-openai's
    then its `own` fields';
    its SDK `clients` built as langchain-openai's, from its own key and base URL, the
    keywords `client_optional` left out when None (all: langchain-openai's way);
    `attributes`, its `lc_attributes`; `fallbacks`, the
    fields its default factories fill in (`Fallback`'s fields); `checks_candidates`,
    whether its validator checks `n` (langchain-openai's, where it keeps that one);
    `required`, the fields it has no default for.

    >>> form = openai_subclass_reading(
    ...     {"api_key": "DEEPSEEK_API_KEY"}, own=("api_key", "api_base"), base_url="api_base"
    ... )
    >>> form["aliases"]["model"], form["aliases"]["base_url"], form["serialized"]
    ('model_name', 'api_base', False)
    """
    key, base = next(iter(secrets)), aliases["base_url"]
    arguments = openai_client_arguments(key, base)
    # Its `max_tokens` redeclared, without langchain-openai's alias (so a given
    # `max_completion_tokens` is moved to `model_kwargs`: `DropIn.moved`); its own key and
    # base URL aliased as langchain-openai's.
    dump_aliases = {k: v for k, v in BASE_CHAT_OPENAI_DUMP_ALIASES.items() if k != "max_tokens"}
    dump_aliases |= {field: alias for field, alias in ((key, "api_key"), (base, "base_url"))}
    return {
        "serialized": False,
        "aliases": {
            **{k: v for k, v in BASE_CHAT_OPENAI_ALIASES.items() if k != "max_completion_tokens"},
            "organization": "openai_organization",
            **aliases,
        },
        "annotations": {"model_name": str},  # langchain-openai's
        "secrets": secrets,
        # Its own key and base URL take langchain-openai's aliases too: given by them,
        # langchain-openai's fields hold the same.
        "set_only_by": {"openai_api_key": "api_key", "openai_api_base": "base_url"},
        "floats": frozenset({"temperature", "request_timeout"}),
        "identifying": BASE_CHAT_OPENAI_IDENTIFYING,  # its base class's, unchanged
        "default_params": BASE_CHAT_OPENAI_DEFAULT_PARAMS,
        "gateway_report": BASE_CHAT_OPENAI_GATEWAY_REPORT,
        "dumped": (*BASE_CHAT_OPENAI_DUMPED, *own),
        # Set by its validators whatever was given.
        "assigned": frozenset({"model_kwargs"}),
        "dump_aliases": {f: a for f, a in dump_aliases.items() if f != a},
        "shown": (*BASE_CHAT_OPENAI_SHOWN, *own),
        "clients": clients,
        "client_arguments": arguments,
        "client_given": BASE_CHAT_OPENAI_GIVEN,
        "client_optional": frozenset(arguments) if client_optional is None else client_optional,
        "attributes": attributes,
        "fallbacks": fallbacks or {},
        "checks_candidates": checks_candidates,
        "required": required,
    }


def partner_module(name: str, class_name: str) -> dict[str, Any]:
    """`DropIn`'s keywords naming where a partner package `langchain-<name>` defines
    `class_name`: its module `langchain_<name>.chat_models` (as its serializer namespace,
    `lc_namespace`), the package, and the class.

    >>> partner_module("groq", "ChatGroq")["partner_class"]
    'langchain_groq.chat_models:ChatGroq'
    """
    return {
        "lc_namespace": (f"langchain_{name}", "chat_models"),
        "package": f"langchain-{name}",
        "partner_class": f"langchain_{name}.chat_models:{class_name}",
    }


def renamed_chat_openai(
    name: str,
    *,
    default_model: str,
    default_base: str,
    roots: bool,
    responses_api: bool = False,
    responses_refused: str | None = None,
) -> DropIn:
    """What a partner class takes that is langchain-openai's BaseChatOpenAI under another
    name and nothing more (langchain-together's, langchain-nebius'), named as `hosted`
    names a preset: `<name>-chat`, its module `langchain_<name>.chat_models` (not
    serialized), its key `<name>_api_key` read from `<NAME>_API_KEY`, its base URL
    `<name>_api_base` (from `<NAME>_API_BASE`, else `default_base`); counted with
    tiktoken, stream usage off (their validators leave it off), SDK clients refused,
    and built as its validator builds them, with its root clients where it keeps them
    (`roots`; else they read None); `responses_api`: its provider serves the Responses
    API (`DropIn.responses_api`); `responses_refused`: why its class cannot go there
    (`DropIn.responses_refused`)."""
    key, base = f"{name}_api_key", f"{name}_api_base"
    chat, root = OWN_CHAT_CLIENTS, OWN_ROOT_CLIENTS
    clients = {**chat, **root} if roots else chat
    return DropIn(
        llm_type=f"{name}-chat",
        **partner_module(name, f"Chat{name.capitalize()}"),  # its module: not serialized
        versions=("langchain-openai",),  # a BaseChatOpenAI naming no version of its own
        lc_id_namespace=("langchain", "chat_models", name),
        partner_fields=openai_subclass_reading(
            {key: f"{name.upper()}_API_KEY"},
            api_key=key,
            base_url=base,
            own=(key, base),
            # Its validator passes a None timeout (no timeout) as it is: only
            # `max_retries` is left out.
            clients=clients,
            client_optional=frozenset({"max_retries"}),
            attributes=(base,),  # its own class's, in place of langchain-openai's
            # (its field's default factory: not counted set)
            fallbacks={base: (default_base, (f"{name.upper()}_API_BASE",), (), True)},
            checks_candidates=True,  # (langchain-openai's validator, theirs)
        ),
        **BASE_CHAT_OPENAI_CLASS,
        default_model=default_model,
        renamed_base=default_base,
        refused=CLIENTS,
        stream_usage=False,
        responses_api=responses_api,
        responses_refused=responses_refused,
        moved=NO_MAX_COMPLETION_TOKENS,
    )


def own_reading(provider: str, **style: Any) -> ReplyStyle:
    """The reply style of a partner package that reads the provider's reply itself, not
    through langchain-openai's conversion (langchain-groq, -mistralai, -fireworks,
    -perplexity, -sambanova): no `refusal` or `parsed` key, no empty token details, no
    tier's tokens counted apart, the raw tool calls kept in `additional_kwargs`; `style`:
    its other differences."""
    return ReplyStyle(
        provider,
        empty_token_details=False,
        tiers_apart=False,
        refusal_key=False,
        parsed_key=False,
        raw_tool_calls=True,
        **style,
    )


def same_names(*names: str) -> tuple[tuple[str, str], ...]:
    """Body fields a class names as the body does (`Preset.body`)."""
    return tuple((name, name) for name in names)
