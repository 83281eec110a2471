"""`stop` sent as the LangChain classes on Chat Completions send it: as given.

langchain-openai (and the packages built on it or like it) hands `stop` to the SDK as
given, and Chat Completions takes one string beside a list: `stop="END"` is sent as
`"stop": "END"`, not `["END"]`. An empty list is sent where the class sends it: a
call's `[]` (its constructor's left out: `BaseChatOpenAI._default_params` drops a falsy
stop), every `[]`, or none: which, each preset's row says (`DropIn.empty_stop_sent`).
The model's `CallSettings.stop` stays a tuple for every other reader; the form sent
rides in the call's body fields, on Chat Completions only (the Responses API has no
stop sequences, and langchain-openai sends none there).

>>> sent_stop("END", None, "call"), sent_stop([], [], "call"), sent_stop([], None, "call")
('END', [], None)
>>> sent_stop([], None, "always"), sent_stop([], [], "never"), sent_stop(["a"], None, "call")
([], None, None)
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

from .adapter import OpenAIAdapter

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...adapters.request_types import CallSettings

__all__ = ["EmptyStop", "sent_stop", "sent_stop_settings"]

#: Which empty `stop` lists a class sends: a call's ("call"), any ("always"), none.
EmptyStop = Literal["call", "always", "never"]


def sent_stop(stop: Any, call_stop: Any, empty: EmptyStop) -> Any:
    """The `stop` body field to send in place of the model's list, or None where that
    list is sent (`stop`: the model's after the call's overrides; `call_stop`: the
    call's own, None when it gave none)."""
    if isinstance(stop, str):
        return stop
    if stop is None or len(stop):
        return None
    if empty == "always" or (empty == "call" and call_stop is not None):
        return []
    return None


def sent_stop_settings(
    settings: CallSettings, adapter: Adapter | None, stop: Any, call_stop: Any, empty: EmptyStop
) -> CallSettings:
    """`settings` with the model's `stop` as given (`stop`: the model's after the call's
    overrides; `call_stop`: the call's own) in its body fields, where the model's list
    is not what its class sends, on Chat Completions only (the module doc)."""
    if stop is None or (not isinstance(stop, str) and len(stop)):
        return settings  # (nearly every call: the model's list, or none, is sent)
    if not isinstance(adapter, OpenAIAdapter) or "stop" in settings.extra_body:
        return settings
    sent = sent_stop(stop, call_stop, empty)
    if sent is None:
        return settings
    return dataclasses.replace(settings, extra_body={**settings.extra_body, "stop": sent})
