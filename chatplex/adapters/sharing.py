"""One copy of what many replies carry: the kit every wire's reply parser uses so that
10,000 replies held by a batch do not hold 10,000 copies of the same strings and dicts.

>>> shared("".join(["st", "op"])) is shared("stop")
True
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["OWN_HEAD_KEYS", "shared", "shared_keys", "shared_template", "shared_tuple"]

# A reply's metadata, lazily (see `LazyMetadata`): what is the same for every reply of a
# model (provider, model name, fingerprint, tier) is one dict shared by those replies,
# the reply's own entries (id, request id, finish reason, logprobs, token usage, refusal)
# a tuple; the dict a user reads is built from both on first access (~0.3 KB less a
# reply while no one reads it, as in a large batch).
#: The head entries that differ from reply to reply.
OWN_HEAD_KEYS = ("id", "request_id")
#: Shared heads and key tuples, by value; bounded (cleared when full: a process that
#: sees ever-new fingerprints keeps at most this many).
_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 512


def shared_template(head: dict[str, Any]) -> dict[str, Any]:
    """`head` with the per-reply entries (`OWN_HEAD_KEYS`) None: one dict for every
    reply with the same constants (callers never mutate it)."""
    template = {k: None if k in OWN_HEAD_KEYS else v for k, v in head.items()}
    return _share(("head", *template.items()), template)  # type: ignore[no-any-return]


def shared_tuple(keys: tuple[str, ...]) -> tuple[str, ...]:
    """One copy of each tuple of metadata keys."""
    return _share(keys, keys)  # type: ignore[no-any-return]


def _share(key: Any, value: Any) -> Any:
    try:
        return _SHARED[key]
    except KeyError:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        _SHARED[key] = value
        return value
    except TypeError:  # an unhashable value (a server sending a list as a fingerprint)
        return value


# A reply keeps these strings for as long as the user keeps the reply; each JSON body
# makes its own copies (json.loads shares keys within one body only), so 10,000 replies
# held 10,000 copies of "prompt_tokens", the model's name, "stop", ... (~0.9 KB a reply).
# Interned, every reply points at one copy; the values stay equal strings.


def shared(value: Any) -> Any:
    """`value`, a string interned (one copy for every reply that carries it)."""
    return sys.intern(value) if type(value) is str else value


def shared_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """A copy of a usage record (nested dicts included) whose keys are interned strings."""
    return {
        sys.intern(k) if type(k) is str else k: shared_keys(v) if type(v) is dict else v
        for k, v in raw.items()
    }
