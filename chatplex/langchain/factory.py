"""`init_chat_model` as LangChain's: a "provider:model" name gives the LangChain class
LangChain's `init_chat_model` gives for it (`ChatOpenAI`, `ChatAnthropic`, ...),
here the drop-in's LangChain chat model (`dropin.py`) with the same constructor call,
`Class(model=name, **settings)` (`model_id=name` for ChatWatsonx, as LangChain's:
`ProviderSpec.langchain_model_keyword`), so its defaults are that class's (`OPENAI_API_BASE`,
`with_structured_output`'s method, stream usage).

It is `chatplex.langchain.init_chat_model`; `chatplex.init_chat_model` is chatplex's own
family's (docs/decisions/001-two-families.md). What it gives is always a LangChain chat
model: a provider without a drop-in class (one only chatplex names, `openai_responses`,
`vllm`, `lmstudio`...; LangChain's `huggingface`) and chatplex's own forms (the model
from the environment or a configuration profile, `fake:`) give chatplex's model as
`chatplex.chat.init_chat_model` builds it, wrapped as a `ChatChatplex`, so LangChain code
(an agent, a graph) takes it. chatplex's `configurable=True` gives chatplex's own
configurable model. LangChain's configurable form (`configurable_fields=`, or no model)
gives LangChain's kind of configurable model (`configurable.py`), building the drop-ins
per call. A provider chatplex has no wire for but LangChain's `init_chat_model` knows
(`nvidia:`, `upstage:`, `azure_ai:`...) is LangChain's to build, where LangChain is
installed: its partner's class, or its ImportError naming the package to install. A
ported script keeps those models, which then run on their partner package, not chatplex.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from typing import Any

from ..chat import init_chat_model as chatplex_init_chat_model
from ..chat.configuration.configurable_fields import FieldsConfigurableModel
from ..chat.configuration.factory import warn_unused_prefix
from ..chat.configuration.registry import PROVIDERS
from ..chat.configuration.registry import qualified_model_name
from ..chat.configuration.registry import split_model_name
from ..dropins import DROP_IN_MODULES
from ..specs import spec
from .configurable import ConfigurableModel
from .dropin import langchain_class
from .model import ChatChatplex

if TYPE_CHECKING:
    from ..chat.configuration.configurable_fields import Fields

__all__ = ["init_chat_model"]


def init_chat_model(
    model: str | None = None,
    *,
    model_provider: str | None = None,
    configurable_fields: Fields | None = None,
    config_prefix: str | None = None,
    profile: str | None = None,
    configurable: bool = False,
    **settings: Any,
) -> Any:
    """Build a chat model from a "provider:model" name, as LangChain's
    `init_chat_model` does: `init_chat_model("openai:gpt-4o-mini", temperature=0)` is
    `ChatOpenAI(model="gpt-4o-mini", temperature=0)`, a LangChain chat model on
    chatplex's engine. chatplex's own forms (a provider without a drop-in class, the
    model from `CHATPLEX_MODEL` or a `chatplex.toml` profile, `fake:`) build
    `chatplex.chat.init_chat_model`'s model, given as a `ChatChatplex` (a LangChain chat
    model); `configurable=True`, chatplex's own configurable model."""
    if model is not None and profile is None and not configurable and not configurable_fields:
        if not isinstance(model, str):
            raise TypeError(
                f"model must be a string such as 'openai:gpt-4o-mini', got {type(model).__name__}"
            )
        provider, name = split_model_name(qualified_model_name(model, model_provider))
        declared = spec(provider)
        if model_provider is None and name == model and declared is not None:
            _say_inferred(declared.langchain_inferred_warning, model)
        if (
            declared is not None
            and declared.langchain_init
            and declared.langchain_class in DROP_IN_MODULES
        ):
            warn_unused_prefix(config_prefix)
            named = {declared.langchain_model_keyword: name}
            return langchain_class(declared.langchain_class)(**named, **settings)
        if provider not in PROVIDERS and (partner := _langchain_builder(provider)):
            return partner(model, model_provider=model_provider, **settings)
    made = chatplex_init_chat_model(
        model,
        model_provider=model_provider,
        configurable_fields=configurable_fields,
        config_prefix=config_prefix,
        profile=profile,
        configurable=configurable,
        **settings,
    )
    if isinstance(made, FieldsConfigurableModel):
        # LangChain's configurable model: a LangChain Runnable building, per call, what
        # its init_chat_model builds for the name (here the drop-in).
        return ConfigurableModel(made.building_with(_langchain_model))
    if configurable:
        return made
    return ChatChatplex.from_model(made)


def _say_inferred(words: str | None, model: str) -> None:
    """LangChain's DeprecationWarning where its `init_chat_model` infers a provider from a
    bare model name and says so (`ProviderSpec.langchain_inferred_warning`), at the
    script's line."""
    if words is not None:
        warnings.warn(words.format(model=model), DeprecationWarning, stacklevel=3)


def _langchain_builder(provider: str) -> Any:
    """LangChain's `init_chat_model` where it names `provider` (its registry of partner
    packages) and the `langchain` package is installed; else None (chatplex's error)."""
    try:
        from langchain.chat_models import base
    except ImportError:
        return None
    return base.init_chat_model if provider in getattr(base, "_BUILTIN_PROVIDERS", ()) else None


def _langchain_model(name: str, settings: dict[str, Any]) -> Any:
    return init_chat_model(name, **settings)
