"""pytest's log capture without its walk over every logger (hooked in by tests/conftest.py).

Around each test's setup, call and teardown, pytest attaches its two capture handlers to
the root logger and to every logger that does not propagate, finding those by walking
all of `logging.Logger.manager.loggerDict` (six walks a test). Once the suite's modules
are imported a worker holds ~1,300 loggers (LangChain, Google, Ray, botocore...): the
walks were ~0.6 of the ~1.3 ms a trivial test costs, ~14 s of CPU over the suite.

Here the loggers that do not propagate are known as they are set so:
`Logger.propagate` is a data descriptor that keeps the value where it always was (the
logger's `__dict__`) and records the logger when it is set to False. The capture
attaches to exactly the loggers pytest's walk would find: those of the record that the
manager holds under their name, propagating or not as they are at that moment.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

__all__ = ["install", "not_propagating", "uninstall"]

#: Weak references to the loggers set not to propagate (one leaves when its logger dies).
#: A set copied whole at each look: a thread setting `propagate` meanwhile changes no
#: set being walked.
_NOT_PROPAGATING: set[weakref.ref[logging.Logger]] = set()
_SAVED: dict[str, Any] = {}


def _track(logger: logging.Logger, value: Any) -> None:
    ref = weakref.ref(logger, _NOT_PROPAGATING.discard)  # equal to any live ref to it
    if value:
        _NOT_PROPAGATING.discard(ref)
    else:
        _NOT_PROPAGATING.add(ref)


class _Propagate:
    """`Logger.propagate`, read and written in the instance's `__dict__` as before."""

    def __get__(self, logger: logging.Logger | None, owner: type) -> Any:
        if logger is None:
            return self
        try:
            return logger.__dict__["propagate"]
        except KeyError:
            raise AttributeError("propagate") from None

    def __set__(self, logger: logging.Logger, value: Any) -> None:
        logger.__dict__["propagate"] = value
        _track(logger, value)

    def __delete__(self, logger: logging.Logger) -> None:
        del logger.__dict__["propagate"]
        _track(logger, True)


def not_propagating() -> list[logging.Logger]:
    """The manager's loggers, root aside, that do not propagate: what pytest's walk finds."""
    loggers = logging.Logger.manager.loggerDict
    found = (ref() for ref in list(_NOT_PROPAGATING))
    return [
        logger
        for logger in found
        if logger is not None and loggers.get(logger.name) is logger and not logger.propagate
    ]


def _enter(self: Any) -> Any:
    """`catching_logs.__enter__` of pytest, with `not_propagating()` for its walk."""
    root_logger = logging.getLogger()
    if self.level is not None:
        self.handler.setLevel(self.level)
    root_logger.addHandler(self.handler)
    self.attached_loggers.append(root_logger)
    for logger in not_propagating():
        if logger is not root_logger:
            logger.addHandler(self.handler)
            self.attached_loggers.append(logger)
    if self.level is not None:
        self.orig_level = root_logger.level
        root_logger.setLevel(min(self.orig_level, self.level))
    return self.handler


def install() -> None:
    """Track `propagate` and give pytest's capture the tracked loggers; nothing is done
    where `propagate` is already a class attribute or pytest's capture is another one
    (its `__enter__` is replaced only where its fields are those `_enter` writes)."""
    from _pytest.logging import catching_logs

    fields = ("attached_loggers", "handler", "level", "orig_level")
    if "propagate" in vars(logging.Logger) or tuple(catching_logs.__slots__) != fields:
        return
    logging.Logger.propagate = _Propagate()  # type: ignore[assignment]
    # Those set before, found once; from now on each is seen as it is set.
    for logger in [logging.root, *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger) and not logger.propagate:
            _track(logger, False)
    _SAVED["enter"] = catching_logs.__enter__
    catching_logs.__enter__ = _enter  # type: ignore[method-assign]


def uninstall() -> None:
    from _pytest.logging import catching_logs

    if "enter" in _SAVED:
        catching_logs.__enter__ = _SAVED.pop("enter")  # type: ignore[method-assign]
        del logging.Logger.propagate
        _NOT_PROPAGATING.clear()
