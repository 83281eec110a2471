"""The request parameters each built-in provider's API takes, and the check that keeps
typos out of request bodies.

A chat model of a known provider accepts, besides its settings, only the parameters of
that provider's API as keyword arguments; anything else is a `TypeError` before any
request, naming the closest known name. Parameters newer than these lists go through
`model_kwargs={...}` (or `extra_body={...}`), at construction or per call, unchecked.

The lists follow the official SDKs' `create()` signatures (a test compares them:
`tests/chat/test_params_sdk.py`), plus the few the APIs take that the SDKs no longer
name (`BEYOND_SDK`, each with its reason).

>>> check_api_parameters("openai", {"seed": 1}, settings=("temperature",), owner="ChatOpenAI")
>>> check_api_parameters("openai", {"temprature": 0}, settings=("temperature",), owner="X")
Traceback (most recent call last):
...
chatplex.chat.params.SettingRefused: X got ... 'temprature' (did you mean 'temperature'?)...
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING
from typing import Any

from ..specs import spec
from ..specs import specs

if TYPE_CHECKING:
    from ..adapters.base import Adapter

    API_PARAMETERS: Mapping[str, frozenset[str]]
    BEYOND_SDK: Mapping[str, dict[str, str]]
    HEADER_PARAMETERS: Mapping[str, dict[str, str]]

__all__ = [
    "API_PARAMETERS",
    "BEYOND_SDK",
    "HEADER_PARAMETERS",
    "api_parameters",
    "check_api_parameters",
    "unknown_keyword",
]

#: Provider → the parameters its API takes, as its spec declares them
#: (`ProviderSpec.api_parameters`); `BEYOND_SDK` and `HEADER_PARAMETERS` likewise, for
#: the same providers. Built from the specs on first use (module `__getattr__`).
_TABLES = ("API_PARAMETERS", "BEYOND_SDK", "HEADER_PARAMETERS")


def __getattr__(name: str) -> Any:
    if name in _TABLES:
        return _tables()[_TABLES.index(name)]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _tables() -> tuple[
    Mapping[str, frozenset[str]], Mapping[str, dict[str, str]], Mapping[str, dict[str, str]]
]:
    known = {n: s.api_parameters for n, s in specs().items() if s.api_parameters is not None}
    declared = {n: specs()[n] for n in known}
    return (
        MappingProxyType(known),
        MappingProxyType({n: dict(s.beyond_sdk) for n, s in declared.items()}),
        MappingProxyType({n: dict(s.header_parameters) for n, s in declared.items()}),
    )


def api_parameters(provider: str) -> frozenset[str] | None:
    """The API parameters of a built-in provider: what its spec declares, else what its
    adapter class declares as `api_parameters` (beside its wire code); None for other
    providers (whose extras are not checked: chatplex does not know their APIs)."""
    declared = spec(provider)
    if declared is not None and declared.api_parameters is not None:
        return declared.api_parameters
    from ..adapters import BUILTIN_ADAPTERS  # that provider's model is built
    from ..adapters import adapter_class  # that provider's model is built

    if provider not in BUILTIN_ADAPTERS:
        return None
    wire: type[Adapter] = adapter_class(provider)
    own = wire.api_parameters
    return frozenset(own) if own is not None else None


def _other_api_taking(provider: str, name: str) -> str | None:
    """The provider name of `provider`'s other API (its spec's `responses_adapter`:
    OpenAI's Responses API beside Chat Completions) where that API takes `name`."""
    declared = spec(provider)
    adapter = None if declared is None else declared.responses_adapter
    for other in specs().values() if adapter is not None else ():
        if other.adapter == adapter and name in (other.api_parameters or ()):
            return other.name
    return None


class SettingRefused(TypeError):
    """A keyword (or environment variable) a constructor or call does not take: unknown,
    not supported (with why), or one setting given under two spellings with two values.
    Any other TypeError raised while a drop-in is built is about a value given, which its
    partner's pydantic fields refuse as a ValidationError (`built_as_partner`)."""


class PartnerTypeError(TypeError):
    """A TypeError a drop-in's partner raises from its own code reading a value (not from
    its pydantic field validation, which is a ValidationError): raised as it is there, as
    a script's `except TypeError` sees it (`built_as_partner` lets it through)."""


def unknown_keyword(owner: str, name: str, known: Iterable[str], hint: str = "") -> TypeError:
    """A TypeError for an unknown keyword, naming the closest known one."""
    import difflib  # an error path: not loaded by `import chatplex`

    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return SettingRefused(f"{owner} got an unexpected keyword argument {name!r}{suggestion}{hint}")


def check_api_parameters(
    provider: str, extras: Mapping[str, Any], *, settings: Iterable[str], owner: str
) -> None:
    """Raise TypeError for the first key of `extras` that `provider`'s API does not take.

    `settings`: the names the caller also accepts (offered as suggestions too).
    Unknown providers are not checked.
    """
    known = api_parameters(provider)
    if known is None:
        return
    for name in extras:
        if name not in known:
            other = _other_api_taking(provider, name)
            hint = (
                f"; it is a parameter of the {other} API, not of the {provider} API this "
                f"model calls: a model built for that one sends it "
                f'(init_chat_model("{other}:<model>"))'
                if other is not None
                else f"; it is neither a setting of {owner} nor a parameter of the "
                f"{provider} API that chatplex knows. Send parameters newer than chatplex "
                "with model_kwargs={...} (or extra_body={...})"
            )
            # (A setting of the owner's that this API lacks is no suggestion for itself;
            # a parameter of the other API needs none.)
            offered = [] if other else [word for word in (*settings, *known) if word != name]
            raise unknown_keyword(owner, name, offered, hint)
