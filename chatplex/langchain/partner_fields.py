"""The partner class's fields, read on the drop-in: `llm.openai_api_key`,
`llm.openai_api_base`, `llm.request_timeout`, `llm.max_tokens` (langchain-anthropic's
per-model default)... as the partner class built with the same keywords holds them.

A field's value is found, in turn, in

1. the keywords the model was built with, under the field's name or any of its
   spellings (`PartnerFields.aliases`), as the partner's validators leave them (an int
   temperature as a float, `PartnerFields.written`'s rules); a key as a `SecretStr`;
2. what the partner fills in from the model (`PartnerFields.filled`, `RESOLVED`: read
   from the engine);
3. the environment, for its credentials (`PartnerFields.secrets`) and the other fields it
   reads from a variable (`FROM_ENVIRONMENT`);
4. its defaults: those it writes (`PartnerFields.defaults`), the falsy ones it does not
   (`UNWRITTEN_DEFAULTS`), else the engine's parameter of that name (the engines take the
   partner's constructor, with its defaults).

A name none of these knows is not the partner's field (`ABSENT`). The partner's form is
its engine's `langchain_fields`, or `READING_FORMS`' where the engine declares none (a
partner LangChain does not serialize); `SET_ONLY_BY` names the fields that share an
alias with another (langchain-openai's subclasses: `api_key=` sets `openai_api_key`).

>>> from chatplex.lean import ChatOpenAI
>>> partner_value(ChatOpenAI, "openai_api_key", {"api_key": Secret("sk-1")}, {})
SecretStr('**********')
>>> partner_value(ChatOpenAI, "frequency_penalty", {}, {}), partner_value(ChatOpenAI, "x", {}, {})
(None, <absent>)
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping
from operator import attrgetter
from typing import Any
from typing import Final

from pydantic import SecretStr

from ..chat import ChatModel
from ..chat.dropin import TAIL
from ..chat.dropin import UNSET
from ..chat.partner_form import PartnerFields
from ..secret import MaskedHeaders
from ..secret import Secret
from ..secret import redact_url

__all__ = [
    "ABSENT",
    "FROM_ENVIRONMENT",
    "READING_FORMS",
    "RESOLVED",
    "SET_ONLY_BY",
    "UNWRITTEN_DEFAULTS",
    "held_keywords",
    "partner_environment",
    "partner_value",
    "reading_form",
]


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: chatplex's own settings every engine takes: no partner's field (but these two).
_CHATPLEX_OWN = frozenset(TAIL) - {"timeout", "max_retries"}

#: Not a field of the partner class.
ABSENT: Final = _Absent()

#: Fields a partner class reads from an environment variable when not given, other than
#: its credentials (`PartnerFields.secrets`), by class name: field -> variable.
#: (Facts about the partner not yet declared in its `PartnerFields`.)
FROM_ENVIRONMENT: Mapping[str, Mapping[str, str]] = {
    "ChatOpenAI": {
        "openai_api_base": "OPENAI_API_BASE",
        "openai_organization": "OPENAI_ORG_ID",
        "openai_proxy": "OPENAI_PROXY",
    },
    "AzureChatOpenAI": {
        "azure_endpoint": "AZURE_OPENAI_ENDPOINT",
        "openai_api_version": "OPENAI_API_VERSION",
        "openai_api_type": "OPENAI_API_TYPE",
        "openai_organization": "OPENAI_ORG_ID",
        "openai_proxy": "OPENAI_PROXY",
    },
    "ChatAnthropic": {"anthropic_api_url": "ANTHROPIC_API_URL"},
    "ChatGroq": {"groq_api_base": "GROQ_API_BASE", "groq_proxy": "GROQ_PROXY"},
}

#: Fields a partner's validators set from the model when not given, read from the
#: engine's attribute (dotted) holding the same where it holds one (not None), by class
#: name: langchain-aws' ChatBedrock speaks Converse to a Nova model. (Facts about the
#: partner not yet declared in its `PartnerFields.filled`.)
RESOLVED: Mapping[str, Mapping[str, str]] = {
    "ChatBedrock": {"beta_use_converse_api": "beta_use_converse_api"},
}

#: The fields of a partner class whose engine declares no serialized form (its
#: partner is not serialized by LangChain), for reading them only, by class name.
#: (Facts about the partner to move beside its engine.)
_OPENAI_ALIASES = {
    "model": "model_name",
    "timeout": "request_timeout",
    "max_completion_tokens": "max_tokens",
    "stop_sequences": "stop",
}
READING_FORMS: Mapping[str, PartnerFields] = {
    # langchain-ollama has no `max_tokens`: the drop-in takes it as `num_predict`.
    "ChatOllama": PartnerFields(aliases={"max_tokens": "num_predict"}),
    "ChatDeepSeek": PartnerFields(
        aliases={**_OPENAI_ALIASES, "base_url": "api_base"},
        secrets={"api_key": "DEEPSEEK_API_KEY"},
    ),
    **{
        name: PartnerFields(
            aliases={
                **_OPENAI_ALIASES,
                "api_key": f"{prefix}_api_key",
                "base_url": f"{prefix}_api_base",
            },
            secrets={f"{prefix}_api_key": f"{prefix.upper()}_API_KEY"},
        )
        for name, prefix in (("ChatTogether", "together"), ("ChatNebius", "nebius"))
    },
    # langchain-cohere's key field stays None unless given (its client reads CO_API_KEY).
    "ChatCohere": PartnerFields(aliases={"api_key": "cohere_api_key"}),
    "ChatPerplexity": PartnerFields(
        aliases={"api_key": "pplx_api_key", "timeout": "request_timeout"},
        secrets={"pplx_api_key": "PPLX_API_KEY"},
    ),
}

#: Fields a partner class sets only from one keyword, shared by another field as its
#: alias (langchain-openai's subclasses: `api_key=` sets `openai_api_key` too), by
#: class name: field -> that keyword.
SET_ONLY_BY: Mapping[str, Mapping[str, str]] = dict.fromkeys(
    ("ChatDeepSeek", "ChatTogether", "ChatNebius"), {"openai_api_key": "api_key"}
)

#: Defaults a partner class holds but does not write (falsy ones, its serializer leaves
#: them out), where the engine's parameter of that name has another or there is none,
#: by class name. (Facts about the partner not yet declared in its `PartnerFields`.)
_OPENAI_STYLE = {
    **dict.fromkeys(("tiktoken_model_name", "http_socket_options", "disabled_params")),
    "stream_chunk_timeout": 120.0,
    "include_response_headers": False,
}
#: langchain-openai's fields on its subclasses in other packages (their engines take
#: only some of them).
_OPENAI_SUBCLASS = {
    **_OPENAI_STYLE,
    **dict.fromkeys(
        (
            "openai_api_base",
            "openai_organization",
            "openai_proxy",
            "reasoning",
            "context_management",
            "include",
            "truncation",
            "use_responses_api",
        )
    ),
    "use_previous_response_id": False,
}
UNWRITTEN_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "ChatOpenAI": _OPENAI_STYLE,
    "AzureChatOpenAI": {**_OPENAI_STYLE, "disabled_params": {"parallel_tool_calls": None}},
    "ChatXAI": {**_OPENAI_SUBCLASS, "openai_api_key": None, "search_parameters": None},
    **dict.fromkeys(
        ("ChatDeepSeek", "ChatTogether", "ChatNebius"),
        {**_OPENAI_SUBCLASS, **dict.fromkeys(("max_retries", "stream_usage", "extra_body"))},
    ),
    "ChatPerplexity": {
        "use_responses_api": None,
        "max_retries": 6,
        **dict.fromkeys(
            (
                "return_images",
                "return_related_questions",
                "disable_search",
                "enable_search_classifier",
            ),
            False,
        ),
    },
    "ChatCohere": {"timeout_seconds": 300},
    "ChatOllama": dict.fromkeys(("client_kwargs", "async_client_kwargs", "sync_client_kwargs"), {}),
    "ChatAnthropic": dict.fromkeys(("anthropic_proxy", "reuse_last_container")),
    "ChatBedrock": {"system_prompt_with_tools": "", "beta_use_converse_api": False},
    "ChatBedrockConverse": {
        "guard_last_turn_only": False,
        **dict.fromkeys(("raw_blocks", "reasoning_effort")),
    },
    "ChatGoogleGenerativeAI": {
        **dict.fromkeys(("credentials", "vertexai", "project", "location", "safety_settings")),
        "convert_system_message_to_human": False,
        "default_metadata": (),
    },
    "ChatVertexAI": {
        **dict.fromkeys(
            (
                "api_transport",
                "client_cert_source",
                "client_preview",
                "tuned_model_name",
                "examples",
                "wait_exponential_kwargs",
            )
        ),
        "logprobs": False,
        "perform_literal_eval_on_string_raw_content": False,
        "default_metadata": (),
    },
}


def partner_value(
    engine_type: type[ChatModel],
    name: str,
    given: Mapping[str, Any],
    environ: Mapping[str, Any],
    engine: object = None,
) -> Any:
    """The value of the partner's field `name` on a drop-in of `engine_type` built from
    `given` (its keywords, credentials as `Secret`s) in `environ` (its variables, as
    `partner_environment` keeps them), `engine` the model built (None: the fields it
    fills are not known); `ABSENT` if not a field."""
    form = reading_form(engine_type)
    if form is None:
        return ABSENT
    cls_name = engine_type.__name__
    if name in SET_ONLY_BY.get(cls_name, {}):
        keyword = SET_ONLY_BY[cls_name][name]
        return _as_held(form, name, keyword, given[keyword]) if given.get(keyword) else None
    spellings = [name, *(k for k, field in form.aliases.items() if field == name)]
    for keyword in spellings:
        if given.get(keyword) is not None:
            return _as_held(form, name, keyword, given[keyword])
    if name in form.filled and engine is not None:
        return attrgetter(form.filled[name])(engine)
    resolved = RESOLVED.get(cls_name, {}).get(name)
    if resolved is not None and engine is not None:
        value = attrgetter(resolved)(engine)
        if value is not None:
            return value
    variable = form.secrets.get(name) or FROM_ENVIRONMENT.get(cls_name, {}).get(name)
    found = environ.get(variable) if variable is not None else None
    if found:
        return SecretStr(_revealed(found)) if name in form.secrets else _revealed(found)
    if name in form.secrets:
        return None
    unwritten = UNWRITTEN_DEFAULTS.get(cls_name, {})
    if name in form.defaults or name in unwritten:
        return copy.deepcopy({**form.defaults, **unwritten}[name])
    if variable is not None:
        return None
    return _parameter_default(engine_type, spellings)


def reading_form(engine_type: type[ChatModel]) -> PartnerFields | None:
    """The partner's fields as the engine declares them, or as `READING_FORMS` does
    for an engine that declares no serialized form."""
    return engine_type.langchain_fields or READING_FORMS.get(engine_type.__name__)


def partner_environment(engine_type: type[ChatModel], environ: Mapping[str, str]) -> dict[str, Any]:
    """The variables of `environ` the partner reads its fields from (at construction,
    as the partner does), credentials held as `Secret`s."""
    form = reading_form(engine_type)
    if form is None:
        return {}
    secret = set(form.secrets.values())
    variables = secret | set(FROM_ENVIRONMENT.get(engine_type.__name__, {}).values())
    return {
        v: Secret(environ[v]) if v in secret else environ[v]
        for v in sorted(variables)
        if environ.get(v)
    }


def held_keywords(keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The keywords a model was built with, kept to read its fields from: headers (a
    mapping of strings) held in a `MaskedHeaders`, whose repr masks credentials (keys
    are `Secret`s already)."""
    return {k: _held(v) for k, v in keywords.items()}


def _held(value: Any) -> Any:
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return MaskedHeaders(value)
    return value


def _revealed(value: Any) -> Any:
    return value.get() if isinstance(value, Secret) else value


def _as_held(form: PartnerFields, name: str, keyword: str, value: Any) -> Any:
    """A given value as the partner's field holds it: its validators' rules, a key as a
    `SecretStr` (masked in any repr), a URL holding a credential redacted (chatplex
    shows none)."""
    if isinstance(value, Secret) and "://" in value.get():
        return redact_url(value.get())
    if name in form.secrets or isinstance(value, Secret):
        return SecretStr(_revealed(value))
    written = form.written({keyword: value}, {}, defaults=False)
    return written.get(name, value)


def _parameter_default(engine_type: type[ChatModel], spellings: list[str]) -> Any:
    """The default of the engine's constructor parameter of one of these names (not
    chatplex's own settings every engine takes)."""
    parameters = inspect.signature(engine_type).parameters
    for keyword in spellings:
        parameter = parameters.get(keyword)
        if parameter is not None and keyword not in _CHATPLEX_OWN:
            default = parameter.default
            if default is UNSET:  # the engine applies the partner's: its value is it
                return ABSENT
            return None if default is inspect.Parameter.empty else copy.deepcopy(default)
    return ABSENT
