"""A preset's session affinity (`Profile.session_affinity`): the value its partner
package's middleware sets in that package's context variable around the model call,
sent as the partner's chat model sends it (langchain-fireworks' ChatFireworks,
`_apply_prompt_cache_affinity`): the body's `prompt_cache_key` and the affinity header,
unless the call already names a `user` or a `prompt_cache_key`.

The variable is read where the request is built, in the caller's context, and only
where its module is loaded already: chatplex never imports a partner package (without
it loaded, no middleware of it can have set the variable)."""

from __future__ import annotations

import copy
import dataclasses
import sys
from contextvars import ContextVar
from typing import Any

from ...adapters.request_types import HTTPRequest
from .profile import SessionAffinity

__all__ = ["with_affinity"]


def with_affinity(request: HTTPRequest, affinity: SessionAffinity) -> HTTPRequest:
    """`request` carrying the session affinity set now, as the partner sends it (itself
    where none is set or the call names its own)."""
    value = _current(affinity)
    body = request.json
    if value is None or not isinstance(body, dict):
        return request
    if any(body.get(key) for key in ("user", "prompt_cache_key")):
        return request  # the call's own, as the partner keeps it
    base = request.headers  # copied, not rebuilt: keeps a key-masking dict subclass
    headers = copy.copy(base) if isinstance(base, dict) else dict(base)
    # The partner's header goes over a default header of the same name (its SDK's
    # `extra_headers` win), whatever its spelling.
    for name in [k for k in headers if k.lower() == affinity.header.lower()]:
        del headers[name]
    headers[affinity.header] = value
    return dataclasses.replace(request, json={**body, "prompt_cache_key": value}, headers=headers)


def _current(affinity: SessionAffinity) -> Any:
    module = sys.modules.get(affinity.module)  # never imported here
    variable = getattr(module, affinity.variable, None) if module is not None else None
    return variable.get() if isinstance(variable, ContextVar) else None
