"""What `init_chat_model("<preset>:...", ...)` takes as the provider's LangChain class does,
read from the provider's spec (`setting_aliases`, `body_settings`); the drop-ins
themselves are in `chatplex.providers.compatible.dropin`."""

from __future__ import annotations

from typing import Any

from ..specs import spec
from .dropin import pick

__all__ = ["take_body_parameters"]


def take_body_parameters(provider: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The class's other names for shared settings (`<name>_api_key`, `api_base`...) are
    renamed in `settings`, and the body parameters it names as fields
    (`reasoning_format`, `random_seed`, `search_mode`, ...) are taken out and returned
    under their wire names (for `extra_body`); {} and nothing renamed for providers
    whose spec declares none.

    >>> settings = {"pplx_api_key": "k", "search_mode": "web"}
    >>> take_body_parameters("perplexity", settings), settings
    ({'search_mode': 'web'}, {'api_key': 'k'})
    """
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
