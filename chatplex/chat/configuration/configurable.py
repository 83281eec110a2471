"""`ConfigurableChatModel`: pick the model per call from `config["configurable"]`.

One chain, several providers, one batch:

>>> from chatplex import init_chat_model
>>> model = init_chat_model("fake:a", configurable=True, responses=["hi"])
>>> configs = [{"configurable": {"model": "fake:b"}}, {}]
>>> [m.response_metadata["model_name"] for m in model.batch(["x", "y"], configs)]
['b', 'a']

`config["configurable"]` keys it reads: `model` (a "provider:model" string, a bare
model name, or a key of `alternatives`) and the settings in `CONFIGURABLE_SETTINGS`.
API keys are not among them: keys come from the environment (or the settings given when
the switch is built), never from a config, which flows to callbacks and events.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...core import Runnable
from ...core.batching import Batch
from ...core.concurrency import agather_bounded
from ...core.concurrency import gather_threads
from ...core.concurrency import max_concurrency
from ...core.configurable import DelegatingRunnable
from ...core.run_config import RunnableConfig
from ...messages import AIMessage
from ...secret import Secret
from ...secret import is_secret_name
from ..model import ChatModel
from .registry import build

__all__ = ["CONFIGURABLE_SETTINGS", "ConfigurableChatModel"]

#: Settings a call may change through `config["configurable"]` (besides `model`).
CONFIGURABLE_SETTINGS = (
    "temperature",
    "max_tokens",
    "top_p",
    "stop",
    "timeout",
    "max_retries",
    "max_retry_after",
    "stream_idle_timeout",
    "base_url",
)
# What a built model can change with `bind` (base_url needs a new adapter).
_BINDABLE = frozenset(CONFIGURABLE_SETTINGS) - {"base_url"}
_CACHE_SIZE = 64
#: The calls of a batch that go to one model: the model, and the calls' indexes.
_Group = tuple[Runnable[Any, AIMessage], list[int]]


class ConfigurableChatModel(DelegatingRunnable[Any, AIMessage]):
    """A chat model chosen per call by `config["configurable"]["model"]`.

    - `default`: the model when a call names none: a "provider:model" string (built on
      first use with `settings`), a built model, or None (every call must name one).
    - `alternatives`: names for models built elsewhere (`{"local": init_chat_model(...)}`)
      or for model strings (`{"smart": "anthropic:claude-sonnet-4-5"}`).
    - `settings`: applied to every model built from a string here (for provider-specific
      `base_url`/`api_key`, use `alternatives` or the provider's environment variables).

    Built models are cached (keyed by model and settings; an API key only as a digest).
    `batch` groups inputs by model and runs each group through that model's own batch
    path, the groups side by side; `max_concurrency` is shared between the groups (each
    gets at least one slot).

    >>> switch = ConfigurableChatModel("fake:a", responses=["ok"])
    >>> switch.with_config(configurable={"model": "fake:b"}).invoke("hi").response_metadata[
    ...     "model_name"
    ... ]
    'b'
    """

    def __init__(
        self,
        default: str | Runnable[Any, AIMessage] | None = None,
        *,
        alternatives: Mapping[str, str | Runnable[Any, AIMessage]] | None = None,
        **settings: Any,
    ) -> None:
        self.default = default
        self.alternatives = dict(alternatives or {})
        self.settings = settings
        self._tools: tuple[Sequence[Any], Any] | None = None
        self._cache: OrderedDict[tuple[Any, ...], Runnable[Any, AIMessage]] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        # Settings stay out: they may hold an API key.
        names = sorted(getattr(self, "alternatives", None) or ())
        default = getattr(self, "default", None)
        return f"{type(self).__name__}(default={default!r}, alternatives={names!r})"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None) -> ConfigurableChatModel:
        """A copy that offers these tools to whichever model a call picks."""
        clone = copy.copy(self)
        clone._tools = (tools, tool_choice)
        clone._cache = OrderedDict()
        clone._lock = threading.Lock()
        return clone

    # ---- choosing the model ------------------------------------------------------------

    def resolve(self, config: RunnableConfig | None = None) -> Runnable[Any, AIMessage]:
        """The model a call with this config runs on.

        >>> ConfigurableChatModel("fake:a").resolve({"configurable": {"model": "fake:b"}})
        FakeChatModel(provider='fake', model='b')
        """
        values: Mapping[str, Any] = (config or {}).get("configurable") or {}
        overrides = {k: values[k] for k in CONFIGURABLE_SETTINGS if values.get(k) is not None}
        name = values.get("model") or self.default
        if name is None:
            raise ValueError(
                "no model to run: pass config={'configurable': {'model': 'provider:model'}} "
                "or give ConfigurableChatModel a default"
            )
        target = self.alternatives.get(name, name) if isinstance(name, str) else name
        if isinstance(target, str):
            return self._cached(("str", target), lambda: self._build(target, overrides), overrides)
        if not isinstance(target, Runnable):
            raise TypeError(
                f"configurable model must be a 'provider:model' string, an alternative's name "
                f"or a chat model, got {type(target).__name__}"
            )
        if not overrides:
            return self._with_tools(target)
        fixed = sorted(set(overrides) - _BINDABLE)
        if fixed or not isinstance(target, ChatModel):
            raise ValueError(
                f"cannot change {', '.join(fixed) or ', '.join(overrides)} of an already "
                f"built model ({target!r}); name a 'provider:model' in configurable instead"
            )
        # The key holds the model itself (not its id, which a new object could reuse).
        return self._cached(
            ("obj", target), lambda: self._with_tools(target.bind(**overrides)), overrides
        )

    def _build(self, name: str, overrides: Mapping[str, Any]) -> Runnable[Any, AIMessage]:
        return self._with_tools(build(name, {**self.settings, **overrides}))

    def _with_tools(self, model: Runnable[Any, AIMessage]) -> Runnable[Any, AIMessage]:
        if self._tools is None:
            return model
        bind_tools = getattr(model, "bind_tools", None)
        if bind_tools is None:
            raise TypeError(f"{model!r} cannot bind tools")
        tools, tool_choice = self._tools
        return bind_tools(tools, tool_choice=tool_choice)  # type: ignore[no-any-return]

    def _cached(
        self, kind: tuple[Any, ...], build: Any, overrides: Mapping[str, Any]
    ) -> Runnable[Any, AIMessage]:
        key = (*kind, _freeze({**self.settings, **overrides}, ""))
        with self._lock:
            model = self._cache.get(key)
            if model is not None:
                self._cache.move_to_end(key)
                return model
        model = build()  # outside the lock: building may raise; a race builds twice
        with self._lock:
            model = self._cache.setdefault(key, model)
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return model

    # ---- Runnable hooks: delegate to the chosen model (`DelegatingRunnable`) ----------

    def _prepare(self, config: RunnableConfig) -> Runnable[Any, AIMessage]:
        return self.resolve(config)

    def _plan(
        self, configs: list[RunnableConfig], return_exceptions: bool
    ) -> tuple[list[Any], list[_Group], list[int]]:
        """What a batch runs: its results so far (the errors of the calls whose model
        cannot be chosen), the groups of calls going to one model, and each group's share
        of `max_concurrency`."""
        results: list[Any] = [None] * len(configs)
        groups = self._groups(configs, results, return_exceptions)
        shares = _split_budget(max_concurrency(configs), [len(g[1]) for g in groups])
        return results, groups, shares

    def _groups(
        self, configs: list[RunnableConfig], results: list[Any], return_exceptions: bool
    ) -> list[_Group]:
        groups: dict[int, _Group] = {}
        for i, config in enumerate(configs):
            try:
                model = self.resolve(config)
            except Exception as exc:
                if not return_exceptions:
                    raise
                results[i] = exc
                continue
            groups.setdefault(id(model), (model, []))[1].append(i)
        return list(groups.values())

    def _group_args(
        self, group: _Group, share: int, batch: Batch
    ) -> tuple[list[Any], list[RunnableConfig]]:
        indexes = group[1]
        cfgs: list[RunnableConfig] = [
            {**batch.configs[i], "max_concurrency": share} for i in indexes
        ]
        return [batch.inputs[i] for i in indexes], cfgs

    def _batch(self, batch: Batch) -> list[AIMessage | BaseException]:
        results, groups, shares = self._plan(batch.configs, batch.return_exceptions)

        def run(g: int) -> list[Any]:
            ins, cfgs = self._group_args(groups[g], shares[g], batch)
            return groups[g][0].batch(
                ins, cfgs, return_exceptions=batch.return_exceptions, **batch.kwargs
            )

        if len(groups) == 1:  # the usual case: no thread needed
            return _place(results, groups, [run(0)])
        outs = gather_threads(len(groups), run, len(groups), return_exceptions=False)
        return _place(results, groups, outs)

    async def _abatch(self, batch: Batch) -> list[AIMessage | BaseException]:
        results, groups, shares = self._plan(batch.configs, batch.return_exceptions)

        async def run(g: int) -> list[Any]:
            ins, cfgs = self._group_args(groups[g], shares[g], batch)
            model = groups[g][0]
            return await model.abatch(
                ins, cfgs, return_exceptions=batch.return_exceptions, **batch.kwargs
            )

        if len(groups) == 1:
            return _place(results, groups, [await run(0)])
        outs = await agather_bounded(len(groups), run, len(groups), return_exceptions=False)
        return _place(results, groups, outs)


def _freeze(value: Any, key: str) -> Any:
    """A hashable cache key part; a secret enters only as its SHA-256 digest."""
    if isinstance(value, Secret) or (isinstance(value, str) and is_secret_name(key)):
        raw = value.get() if isinstance(value, Secret) else value
        return ("secret", hashlib.sha256(raw.encode()).hexdigest())
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v, str(k))) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v, key) for v in value)
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))  # e.g. an object held by the settings themselves
    return value


def _split_budget(total: int, sizes: list[int]) -> list[int]:
    """Share `total` concurrent calls between groups by size, each at least one."""
    count = sum(sizes)
    shares = [min(size, max(1, total * size // count)) for size in sizes] if count else []
    spare = total - sum(shares)
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        extra = min(spare, sizes[i] - shares[i])
        if extra > 0:
            shares[i] += extra
            spare -= extra
    return shares


def _place(
    results: list[Any],
    groups: list[_Group],
    outs: list[Any],
) -> list[Any]:
    for (_, indexes), out in zip(groups, outs, strict=True):
        for i, value in zip(indexes, out, strict=True):
            results[i] = value
    return results
