"""The provider registry: which factory builds a chat model for "provider:model".

>>> build("fake:any", {"responses": ["hi"]}).invoke("hello").text
'hi'

Providers beyond the built-in ones are found through the `chatplex.adapters` entry-point
group: `[project.entry-points."chatplex.adapters"] myprovider = "pkg.module:factory"`, where
`factory(model, **settings)` returns a `ChatModel`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ...adapters import BUILTIN_ADAPTERS
from ...adapters import adapter_class
from ...adapters import adapter_parameters
from ...specs import declared_object
from ...specs import infer_provider
from ...specs import litellm_prefixes
from ...specs import spec
from ..fake import FakeChatModel
from ..model import ChatModel

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROVIDERS",
    "adapter_settings",
    "build",
    "provider_factory",
    "qualified_model_name",
    "register_provider",
    "split_model_name",
    "take_body_parameters",
]

ModelFactory = Callable[..., ChatModel]

#: The entry-point group third-party adapters register in.
ENTRY_POINT_GROUP = "chatplex.adapters"


def _adapter_model(provider: str) -> ModelFactory:
    """The factory of a built-in provider: its adapter takes the settings it declares,
    the chat model the rest."""

    def factory(model: str, **settings: Any) -> ChatModel:
        from ..params import check_api_parameters  # on the first model built, not at import

        declared = spec(provider)
        wire, cls = provider, None
        if declared is not None and declared.responses_adapter and declared.wire_choice:
            # Its Responses API where its LangChain class would call it.
            chosen = declared_object(declared.wire_choice)(model, settings)
            if chosen is not None:
                wire = chosen
                cls = declared_object(declared.responses_adapter)
        cls = cls or adapter_class(provider)
        names = adapter_parameters(cls)
        if spec_names_settings(provider):
            # Its LangChain class's names, as its spec declares them: its key's own name
            # renamed, body fields sent.
            moved = take_body_parameters(provider, settings)
            if moved:
                settings["extra_body"] = {**moved, **(settings.get("extra_body") or {})}
        attributes = _partner_settings(provider, model, settings)
        # Before anything is built: a typo names the closest setting or API parameter.
        model_settings = _model_parameters()
        extras = {k: v for k, v in settings.items() if k not in names and k not in model_settings}
        check_api_parameters(
            wire, extras, settings=(*names, *model_settings), owner="init_chat_model"
        )
        own = {name: settings.pop(name) for name in names if name in settings}
        if "include_usage" in names and "stream_usage" in settings:
            own.setdefault("include_usage", settings["stream_usage"])  # LangChain's name
        if wire == provider and declared is not None and declared.adapter_defaults:
            declared_object(declared.adapter_defaults)(own)  # its LangChain class's
        adapter = cls(**own)
        for name, value in attributes.items():
            setattr(adapter, name, value)
        return ChatModel(adapter, model, **settings)

    factory.__name__ = f"_{provider}"
    return factory


def _partner_settings(provider: str, model: str, settings: dict[str, Any]) -> dict[str, Any]:
    """What its spec declares of its LangChain class's constructor, applied to `settings`
    in place: inert settings dropped (another value refused), partner-only ones refused,
    its defaults given; returned: the adapter's attributes taken out of them."""
    declared = spec(provider)
    if declared is None:
        return {}
    owner = f"init_chat_model({provider!r})"
    for name, values in declared.inert_settings:
        if name in settings and settings.pop(name) not in values:
            raise TypeError(f"{owner}: {name} takes only {values[-1]!r} here")
    for name in declared.partner_settings:
        if name in settings:
            raise TypeError(
                f"{owner}: {name}= is {declared.langchain_class}'s; build that class from "
                f"chatplex.langchain to use it"
            )
    for default in declared.init_defaults:
        default.given(model, settings)
    return {
        attr: settings.pop(name) for name, attr in declared.adapter_attributes if name in settings
    }


def take_body_parameters(provider: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The provider's LangChain class's other names for shared settings (`<name>_api_key`,
    `api_base`...) renamed in `settings`, and the body parameters it names as fields
    (`reasoning_format`, `random_seed`, `search_mode`, ...) taken out and returned under
    their wire names (for `extra_body`), as its spec declares them (`setting_aliases`,
    `body_settings`); {} and nothing renamed where it declares none.

    >>> settings = {"pplx_api_key": "k", "search_mode": "web"}
    >>> take_body_parameters("perplexity", settings), settings
    ({'search_mode': 'web'}, {'api_key': 'k'})
    """
    from ..dropin import pick

    declared = spec(provider)
    if declared is None:
        return {}
    aliases = dict(declared.setting_aliases)
    body = dict(declared.body_settings)
    for alias in [k for k in settings if k in aliases]:
        target = aliases[alias]
        value = pick(
            f"init_chat_model({provider!r})",
            **{target: settings.get(target), alias: settings[alias]},
        )
        del settings[alias]
        settings[target] = value
    return {body[k]: settings.pop(k) for k in list(settings) if k in body}


def spec_names_settings(provider: str) -> bool:
    """Whether the provider's spec declares its LangChain class's own names for settings
    (`setting_aliases`, `body_settings`), which `init_chat_model` then takes."""
    declared = spec(provider)
    return declared is not None and bool(declared.setting_aliases or declared.body_settings)


@functools.cache
def _model_parameters() -> tuple[str, ...]:
    """The named keyword parameters of `ChatModel` (its settings)."""
    import inspect

    return tuple(
        p.name for p in inspect.signature(ChatModel).parameters.values() if p.kind is p.KEYWORD_ONLY
    )


def _fake(model: str, **settings: Any) -> ChatModel:
    return FakeChatModel(model=model, **settings)


@functools.cache
def adapter_settings() -> frozenset[str]:
    """Settings that say how to reach one provider (the built-in adapters' constructor
    parameters); a profile's are never carried to another provider."""
    return frozenset(
        name
        for provider in BUILTIN_ADAPTERS
        for name in adapter_parameters(adapter_class(provider))
    )


#: Provider name → factory(model, **settings). Extend with `register_provider`.
PROVIDERS: dict[str, ModelFactory] = {
    **{provider: _adapter_model(provider) for provider in BUILTIN_ADAPTERS},
    "fake": _fake,
}


def register_provider(name: str, factory: ModelFactory) -> None:
    """Make `init_chat_model("name:model")` use `factory(model, **settings)`."""
    PROVIDERS[name] = factory


def qualified_model_name(model: str, provider: str | None) -> str:
    """LangChain's `(model, model_provider)` as one "provider:model" name (the provider
    normalised as LangChain does: `"Azure-OpenAI"` is `azure_openai`).

    >>> qualified_model_name("gpt-4o-mini", "OpenAI"), qualified_model_name("gpt-4o", None)
    ('openai:gpt-4o-mini', 'gpt-4o')
    """
    if not isinstance(model, str):
        raise TypeError(f"model must be a str such as 'openai:gpt-4o-mini', got {model!r}")
    if provider is None:
        return model
    if not isinstance(provider, str) or not provider:
        raise ValueError(f"model_provider must be a provider name, got {provider!r}")
    return f"{provider.replace('-', '_').lower()}:{model}"


def split_model_name(name: str) -> tuple[str, str]:
    """ "openai:gpt-4o-mini" → ("openai", "gpt-4o-mini"); a bare name infers the provider,
    and so does a name whose prefix names no provider (`ft:gpt-4o-mini:org::id`), as in
    LangChain. LiteLLM's `provider/model` is refused with its chatplex spelling."""
    meant = _litellm_spelling(name)
    if meant is not None:
        raise ValueError(
            f"model {name!r} is LiteLLM's spelling; did you mean {meant!r}? write it as "
            f"'provider:model' with provider one of: {', '.join(sorted(PROVIDERS))}"
        )
    provider, sep, model = name.partition(":")
    inferred = infer_provider(name)  # LangChain's inference, from the providers' specs
    if sep and inferred is not None and provider not in PROVIDERS:
        return inferred, name
    if sep:
        if not provider or not model:
            raise ValueError(f"model must look like 'provider:model', got {name!r}")
        return provider, model
    if inferred is not None:
        return inferred, name
    raise ValueError(
        f"cannot tell the provider of model {name!r}; {_slash_hint(name)}write it as "
        f"'provider:model' with provider one of: {', '.join(sorted(PROVIDERS))}"
    )


def _litellm_spelling(name: str) -> str | None:
    """`"azure/my-deployment"` → `"azure_openai:my-deployment"`; None for a name
    not written as LiteLLM writes one (a colon before the first slash: a provider named)."""
    head, slash, _ = name.partition("/")
    if not slash or ":" in head:
        return None
    lowered = name.lower()
    # the longest first: a prefix may begin another (`<wire>/` and `<wire>/<api>/`)
    prefixes = litellm_prefixes()  # each wire's spec declares its own
    for prefix in sorted(prefixes, key=len, reverse=True):
        model = name[len(prefix) + 1 :]
        if lowered.startswith(prefix + "/") and model:
            return f"{prefixes[prefix]}:{model}"
    return None


def _slash_hint(name: str) -> str:
    """LiteLLM's `provider/model` spelling, read as chatplex's "provider:model": the
    closest provider name to what precedes the first slash, if any is close."""
    prefix, slash, model = name.partition("/")
    if not slash or not model:
        return ""
    import difflib  # only on this error path: import chatplex does not load it

    wanted = prefix.replace("-", "_").lower()
    close = difflib.get_close_matches(wanted, sorted(PROVIDERS), n=1, cutoff=0.7)
    return f"did you mean '{close[0]}:{model}'? " if close else ""


def _entry_points() -> dict[str, Any]:
    import importlib.metadata

    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def provider_factory(provider: str) -> ModelFactory:
    """The factory registered for `provider`, looked up among entry points if needed."""
    factory = PROVIDERS.get(provider)
    if factory is not None:
        return factory
    # Only now look at installed distributions: built-in names never pay for the scan.
    found = _entry_points()
    entry = found.get(provider)
    if entry is None:
        import difflib  # only on this error path: import chatplex does not load it

        names = sorted({*PROVIDERS, *found})
        close = difflib.get_close_matches(provider, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(
            f"unknown provider {provider!r}; {hint}known providers: {', '.join(names)}"
        )
    try:
        loaded = entry.load()
    except Exception as exc:
        raise ImportError(
            f"the {ENTRY_POINT_GROUP} entry point {provider!r} ({entry.value}) failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not callable(loaded):
        raise TypeError(f"the {ENTRY_POINT_GROUP} entry point {provider!r} is not callable")
    PROVIDERS[provider] = loaded  # later calls skip the scan
    return loaded  # type: ignore[no-any-return]


def build(model: str, settings: dict[str, Any]) -> ChatModel:
    """The chat model `model` (\"provider:model\") names, built with `settings`."""
    provider, model_name = split_model_name(model)
    try:
        factory = provider_factory(provider)
    except ValueError as exc:
        if ":" in model:
            raise
        raise ValueError(
            f"model {model!r} names no provider; its name says {provider!r} (inferred as "
            f"LangChain's init_chat_model does), which is not available: {exc}. Write it as "
            "'provider:model' to pick another provider"
        ) from None
    # LangChain's model-level `callbacks` and `tags` (its init_chat_model passes them to
    # the class): the config every call runs with, not settings of the provider's API.
    run = {key: settings[key] for key in ("callbacks", "tags") if key in settings}
    built = factory(model_name, **{k: v for k, v in settings.items() if k not in run})
    if not isinstance(built, ChatModel):
        raise TypeError(
            f"the factory of provider {provider!r} returned {type(built).__name__}, not a ChatModel"
        )
    if run:
        from ..dropin import run_config

        built.run_defaults = run_config(run.get("callbacks"), run.get("tags"), None)
    return built
