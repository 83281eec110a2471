"""The class a deadline's error takes, whichever timer fired: an async call's own watch
(`run_config.within_deadline`), a check between steps or attempts, or the wire's bound.

`Runnable._deadline_error(err, config)` gives it: `err` as it is by default; a chat
model's is also its SDK's class, as the http layer shows a deadline met on the wire; a
wrapper of one runnable (a binding, a retry, a configurable one) asks it. Where several
may have run, the watch cannot know which: a chain gives its one model's
(`deadline_error_of_one`), fallbacks and routes theirs where all of them give the same
class (`deadline_error_of_all`); else `err` stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ..errors import DeadlineExceededError

if TYPE_CHECKING:
    from .base import Runnable
    from .run_config import RunnableConfig

__all__ = ["deadline_error_of_all", "deadline_error_of_one"]


def _class_given(runnable: Runnable[Any, Any], config: RunnableConfig) -> type[BaseException]:
    """The class `runnable` gives a deadline's error under `config` (asked of a new one:
    a chat model moves the error it is given into its class)."""
    return type(runnable._deadline_error(DeadlineExceededError(""), config))


def deadline_error_of_all(
    runnables: Sequence[Runnable[Any, Any]], err: DeadlineExceededError, config: RunnableConfig
) -> BaseException:
    """`err` as the first of `runnables` gives it where each of them gives the same class
    (fallbacks or routes on one wire: whichever ran), else as it is."""
    kinds = {_class_given(runnable, config) for runnable in runnables}
    return runnables[0]._deadline_error(err, config) if len(kinds) == 1 else err


def deadline_error_of_one(
    runnables: Sequence[Runnable[Any, Any]], err: DeadlineExceededError, config: RunnableConfig
) -> BaseException:
    """`err` as the one of `runnables` that gives a class of its own gives it (a chain's
    model), else as it is."""
    own = [r for r in runnables if _class_given(r, config) is not DeadlineExceededError]
    return own[0]._deadline_error(err, config) if len(own) == 1 else err
