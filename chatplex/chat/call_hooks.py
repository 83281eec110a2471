"""What a chat model's call asks of the reply cache and of usage tracking, without
loading either until something uses it.

chat/caching/cache.py (with chat/caching/inflight.py) and chat/accounting/usage.py (with
chat/accounting/cost.py) are ~12 % of `import chatplex`; a script that never caches and
never tracks usage never loads them. Until something does, their absence from
`sys.modules` is the answer: no process-wide cache can be set before
chat/caching/cache.py is loaded (a model's own cache object is used as it is), and no
`track_usage()` block can be active before chat/accounting/usage.py is.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..messages import AIMessage
    from ..messages import AIMessageChunk
    from .caching.base import BaseCache

__all__ = [
    "apriced_stream",
    "call_cache",
    "charge",
    "check_budget",
    "check_cache",
    "cache_under_langchain",
    "priced_stream",
    "record_hit",
    "reply_cache",
]

_CACHE = "chatplex.chat.caching.cache"
_USAGE = "chatplex.chat.accounting.usage"


def loaded(name: str) -> ModuleType | None:
    """The module `name` if it is loaded, else None. A module another thread is still
    importing is in `sys.modules` half-executed: it is waited for (`import_module` takes
    the module's import lock), so two threads' first calls never see a module without
    its functions."""
    module = sys.modules.get(name)
    if module is not None and getattr(module.__spec__, "_initializing", False):
        module = importlib.import_module(name)
    return module


# ---- the reply cache ----------------------------------------------------------------------


def check_cache(value: Any) -> BaseCache | bool | None:
    """A `cache=` setting, checked (`chat.caching.cache.check_setting` once an object is given)."""
    if value is None or isinstance(value, bool):
        return value
    from .caching.cache import check_setting

    return check_setting(value)


def reply_cache(setting: BaseCache | bool | None) -> BaseCache | None:
    """The cache a call uses (`chat.caching.cache.resolve`). LangChain's process-wide cache can
    only be set once `langchain_core.globals` is loaded: then chat/caching/cache.py loads to wrap
    it. A cache object is the call's cache as it is (as `resolve` answers): its backend's
    module (`memory.py`, `sqlite.py`, a user's) may be loaded without cache.py."""
    if setting is False:
        return None
    if setting is not None and setting is not True:
        return setting
    replies = loaded(_CACHE)
    if replies is None:
        if "langchain_core.globals" not in sys.modules:
            return None
        replies = importlib.import_module(_CACHE)
    cache: BaseCache | None = replies.resolve(setting)
    return cache


def cache_under_langchain(setting: BaseCache | bool | None) -> BaseCache | bool:
    """The cache a call LangChain makes through a chatplex model uses (its `cache=`
    setting): the model's own, else chatplex's process-wide one, else none. LangChain's
    `BaseChatModel` runs LangChain's caches itself (the process-wide one and its own
    `cache` field, on invoke and never on stream): the call under it does not look
    there again, nor file a second entry."""
    if setting is not None and setting is not True:
        return setting
    replies = loaded(_CACHE)
    own: BaseCache | None = replies.get_llm_cache() if replies is not None else None
    return own if own is not None else False


def call_cache(setting: BaseCache | bool | None, config: Mapping[str, Any]) -> BaseCache | None:
    """The cache a call uses (`reply_cache`); a call LangChain makes (its config's
    `_traced_by`) of a model with no cache setting, `cache_under_langchain`'s: LangChain
    ran its own caches around it."""
    if setting is None and config.get("_traced_by") == "langchain":
        setting = cache_under_langchain(None)
    return reply_cache(setting)


# ---- usage tracking (chat/accounting/usage.py's functions, a no-op while it is not loaded)


def _usage() -> ModuleType | None:
    return loaded(_USAGE)


def check_budget() -> None:
    """Before an HTTP call: stop it if a tracker's `max_cost` is reached."""
    usage = _usage()
    if usage is not None:
        usage.check_budget()


def charge(message: AIMessage, provider: str, model: str, url: str | None) -> None:
    """A reply that came over HTTP: priced and counted in the active trackers."""
    usage = _usage()
    if usage is not None:
        usage.charge(message, provider, model, url)


def record_hit(message: AIMessage, model: str) -> None:
    """A reply that cost no HTTP call: counted in the active trackers."""
    usage = _usage()
    if usage is not None:
        usage.record_hit(message, model)


def priced_stream(
    chunks: Iterator[AIMessageChunk], provider: str, model: str, url: str | None
) -> Iterator[AIMessageChunk]:
    """`chunks`, priced and counted when a tracker is active (else as they are: no
    wrapper around every chunk)."""
    usage = _usage()
    if usage is None or not usage.tracking():
        return chunks
    priced: Iterator[AIMessageChunk] = usage.priced_stream(chunks, provider, model, url)
    return priced


def apriced_stream(
    chunks: AsyncIterator[AIMessageChunk], provider: str, model: str, url: str | None
) -> AsyncIterator[AIMessageChunk]:
    """The async `priced_stream`."""
    usage = _usage()
    if usage is None or not usage.tracking():
        return chunks
    priced: AsyncIterator[AIMessageChunk] = usage.apriced_stream(chunks, provider, model, url)
    return priced
