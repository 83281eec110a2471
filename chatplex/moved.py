"""Old import paths of code that moved (into a provider folder, or into `chat/`'s
subpackages by concern): they keep working for one release, with a `DeprecationWarning`
naming the new path.

A module that moved (`chatplex.adapters.ollama` → `chatplex.providers.ollama.adapter`)
is found by a `sys.meta_path` finder placed last, so it is asked only for a name no
file answers: the old name becomes another name of the new module (the same object,
its classes the same). A name a package re-exported (`chatplex.chat.ChatOllama`) is
answered by that package's `__getattr__` through `moved_name`.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as seen:
...     warnings.simplefilter("always")
...     from chatplex.chat import ChatOllama
>>> ChatOllama.__module__, seen[0].category.__name__
('chatplex.providers.ollama.dropin', 'DeprecationWarning')
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__all__ = ["MOVED_MODULES", "MOVED_NAMES", "install", "moved_name"]

#: Old module path → new module path (removed in the release after the move).
MOVED_MODULES = {
    # chat/ split by concern: caching/, accounting/, configuration/
    "chatplex.chat.cache": "chatplex.chat.caching.cache",
    "chatplex.chat.cache_base": "chatplex.chat.caching.base",
    "chatplex.chat.cache_faults": "chatplex.chat.caching.faults",
    "chatplex.chat.langchain_cache": "chatplex.chat.caching.langchain_cache",
    "chatplex.chat.inflight": "chatplex.chat.caching.inflight",
    "chatplex.chat.cost": "chatplex.chat.accounting.cost",
    "chatplex.chat.usage": "chatplex.chat.accounting.usage",
    "chatplex.chat.factory": "chatplex.chat.configuration.factory",
    "chatplex.chat.configurable": "chatplex.chat.configuration.configurable",
    "chatplex.chat.configurable_fields": "chatplex.chat.configuration.configurable_fields",
    "chatplex.chat.profiles": "chatplex.chat.configuration.profiles",
    "chatplex.chat.providers": "chatplex.chat.configuration.registry",
    "chatplex.chat.router": "chatplex.chat.configuration.router",
    # into provider folders
    "chatplex.adapters.ollama": "chatplex.providers.ollama.adapter",
    "chatplex.chat.ollama_model": "chatplex.providers.ollama.dropin",
    "chatplex.adapters.compatible": "chatplex.providers.compatible.adapter",
    "chatplex.adapters.bedrock": "chatplex.providers.bedrock.adapter",
    "chatplex.adapters._bedrock_auth": "chatplex.providers.bedrock.auth",
    "chatplex.adapters._bedrock_request": "chatplex.providers.bedrock.request",
    "chatplex.adapters._bedrock_response": "chatplex.providers.bedrock.response",
    "chatplex.chat.bedrock_model": "chatplex.providers.bedrock.dropin",
    "chatplex.adapters.gemini": "chatplex.providers.google.adapter",
    "chatplex.adapters._gemini_request": "chatplex.providers.google.request",
    "chatplex.adapters._gemini_response": "chatplex.providers.google.response",
    "chatplex.adapters._gemini_stream": "chatplex.providers.google.stream",
    "chatplex.adapters._vertex_auth": "chatplex.providers.google.vertex_auth",
    "chatplex.chat.google_model": "chatplex.providers.google.dropin",
    "chatplex.batches.gemini": "chatplex.providers.google.batch",
    "chatplex.adapters.openai": "chatplex.providers.openai.adapter",
    "chatplex.adapters._openai_request": "chatplex.providers.openai.request",
    "chatplex.adapters._openai_response": "chatplex.providers.openai.response",
    "chatplex.adapters._openai_stream": "chatplex.providers.openai.stream",
    "chatplex.adapters._openai_blocks": "chatplex.providers.openai.blocks",
    "chatplex.adapters.openai_responses": "chatplex.providers.openai.responses_adapter",
    "chatplex.adapters._responses_request": "chatplex.providers.openai.responses_request",
    "chatplex.adapters._responses_response": "chatplex.providers.openai.responses_response",
    "chatplex.adapters._responses_stream": "chatplex.providers.openai.responses_stream",
    "chatplex.adapters.azure_openai": "chatplex.providers.openai.azure",
    "chatplex.batches.openai": "chatplex.providers.openai.batch",
    "chatplex.batches.azure_openai": "chatplex.providers.openai.azure_batch",
    "chatplex.adapters.anthropic": "chatplex.providers.anthropic.adapter",
    "chatplex.adapters._anthropic_request": "chatplex.providers.anthropic.request",
    "chatplex.adapters._anthropic_response": "chatplex.providers.anthropic.response",
    "chatplex.adapters._anthropic_stream": "chatplex.providers.anthropic.stream",
    "chatplex.batches.anthropic": "chatplex.providers.anthropic.batch",
    "chatplex.adapters.eventstream": "chatplex.providers.bedrock.eventstream",
    "chatplex.adapters._json": "chatplex.adapters.jsontext",
    "chatplex.chat.azure_model": "chatplex.providers.openai.azure_dropin",
    "chatplex.chat.anthropic_model": "chatplex.providers.anthropic.dropin",
}

#: (package, name it re-exported) → the module that defines the name now.
MOVED_NAMES = {
    ("chatplex.chat", "ChatOllama"): "chatplex.providers.ollama.dropin",
    ("chatplex.chat", "ChatBedrockConverse"): "chatplex.providers.bedrock.dropin",
    ("chatplex.chat", "ChatGoogleGenerativeAI"): "chatplex.providers.google.dropin",
    ("chatplex.chat", "ChatVertexAI"): "chatplex.providers.google.vertex_dropin",
    ("chatplex.chat", "ChatCerebras"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatDeepSeek"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatFireworks"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatGroq"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatMistralAI"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatOpenRouter"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatPerplexity"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatTogether"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatXAI"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatCerebras"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatDeepSeek"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatFireworks"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatGroq"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatMistralAI"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatOpenRouter"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatPerplexity"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatTogether"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "ChatXAI"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "DROP_INS"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "DropIn"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat.compatible_models", "PresetChatModel"): "chatplex.providers.compatible.dropin",
    ("chatplex.chat", "ChatOpenAI"): "chatplex.providers.openai.dropin",
    ("chatplex.chat", "AzureChatOpenAI"): "chatplex.providers.openai.azure_dropin",
    ("chatplex.chat", "ChatAnthropic"): "chatplex.providers.anthropic.dropin",
    # chat/openai_model.py keeps the Responses-API choice init_chat_model shares.
    ("chatplex.chat.openai_model", "ChatOpenAI"): "chatplex.providers.openai.dropin",
    ("chatplex.chat.openai_model", "DEFAULT_MODEL"): "chatplex.providers.openai.dropin",
    # adapters/base.py split by concern: its helpers in modules of their own.
    ("chatplex.adapters.base", "BaseURL"): "chatplex.adapters.base_url",
    ("chatplex.adapters.base", "endpoint_url"): "chatplex.adapters.base_url",
    ("chatplex.adapters.base", "take_base_url"): "chatplex.adapters.base_url",
    ("chatplex.adapters.base", "HOLD_KEY_VARIABLE"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "as_secret"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "environment_key"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "hold_secrets"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "holds_environment_key"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "key_digest"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "reveal"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "secret_header_names"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "withheld_key_note"): "chatplex.adapters.keys",
    ("chatplex.adapters.base", "header_value"): "chatplex.adapters.headers",
    ("chatplex.adapters.base", "detail_message"): "chatplex.adapters.error_detail",
    ("chatplex.adapters.base", "MaskedHeaders"): "chatplex.secret",
    # adapters/base.py: the values passed through the interface in modules of their own.
    ("chatplex.adapters.base", "ToolSpec"): "chatplex.adapters.request_types",
    ("chatplex.adapters.base", "SSEEvent"): "chatplex.adapters.sse_event",
    ("chatplex.adapters.base", "message_event"): "chatplex.adapters.sse_event",
    # batches/wire.py: the Batch API's contract below the adapter interface, which names it.
    ("chatplex.batches.wire", "BatchAPI"): "chatplex.adapters.batch_api",
    ("chatplex.batches.wire", "Call"): "chatplex.adapters.batch_api",
    ("chatplex.batches.wire", "Limits"): "chatplex.adapters.batch_api",
    ("chatplex.batches.wire", "Outcome"): "chatplex.adapters.batch_api",
    ("chatplex.batches.wire", "RemoteState"): "chatplex.adapters.batch_api",
    ("chatplex.batches.wire", "Steps"): "chatplex.adapters.batch_api",
}


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new}; the old path will be removed in the next release",
        DeprecationWarning,
        stacklevel=3,
    )


def moved_name(package: str, name: str) -> Any:
    """The object `package.name` was before it moved (with a DeprecationWarning), or
    AttributeError for a name that never was there."""
    new = MOVED_NAMES.get((package, name))
    if new is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    _warn(f"{package}.{name}", f"{new}.{name}")
    return getattr(importlib.import_module(new), name)


class _Alias:
    """Loads an old module name as the module it moved to (a loader by protocol:
    `import chatplex` does not load importlib.abc for it)."""

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        _warn(spec.name, self.new)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the new module ran when it was imported."""


class _MovedFinder:
    """A meta path finder (by protocol) for the old module paths."""

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        new = MOVED_MODULES.get(fullname)
        if new is None:
            return None
        from importlib.util import spec_from_loader  # only when an old path is imported

        loader: Any = _Alias(new)  # a loader by protocol (create_module, exec_module)
        return spec_from_loader(fullname, loader)


_FINDER = _MovedFinder()


def install() -> None:
    """Answer the old module paths (once; last on `sys.meta_path`)."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.append(_FINDER)
