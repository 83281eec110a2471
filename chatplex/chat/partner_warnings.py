"""The warnings a partner class gives at construction for a keyword it has no field for,
given by the drop-in of that class in the same words and class: LangChain's
`_build_model_kwargs` (langchain-core) moves such a keyword into `model_kwargs` with a
`UserWarning`, and some classes log that they did not expect it. Its refusal of a
keyword also given inside `model_kwargs` is here too (`refuse_given_twice`).

>>> import warnings
>>> params = {"stream_usage": False, "temperature": 0}
>>> with warnings.catch_warnings(record=True) as seen:
...     warnings.simplefilter("always")
...     moved_to_model_kwargs(params, "stream_usage")
True
>>> params, [w.category.__name__ for w in seen]
({'temperature': 0}, ['UserWarning'])
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from ..specs import MoveWarning
from .partner_record import validators_run

__all__ = [
    "moved_to_model_kwargs",
    "refuse_given_twice",
    "say",
    "say_lifted",
    "say_moved",
    "unexpected_argument",
]

#: The frames a drop-in's construction passes through before its own code: chatplex's,
#: and pydantic's and langchain-core's where it is a LangChain chat model.
_CONSTRUCTION = ("chatplex", "pydantic", "langchain_core")


def moved_to_model_kwargs(params: dict[str, Any], name: str, *, outer: int = 0) -> bool:
    """Take `name` out of a drop-in's keywords, with the warning LangChain gives where the
    partner class has no such field (langchain-core's `_build_model_kwargs`, these words,
    pointing at the line that built the model, or `outer` frames above it, where the
    partner's fixed `stacklevel` lands); whether it was given. The value changes nothing:
    the partner holds it in `model_kwargs`, which its request never reads or sends as
    a body field its provider refuses (the drop-in's kept difference, said where used)."""
    if name not in params:
        return False
    del params[name]
    say_moved(name, MoveWarning(outer=outer))
    return True


def say_moved(name: str, how: MoveWarning) -> None:
    """The words a partner class gives as it moves `name` into `model_kwargs`, warned
    (at the line that built the model, `how.outer` frames above it) or logged, as `how`
    says; not where the model is rebuilt from its fields as held (a copy, an assigned
    field: its validators do not run again)."""
    if not validators_run():
        return
    gap = " " * how.indent
    article = f"{how.article} " if how.article else ""
    words = (
        f"WARNING! {name} is not {article}default parameter.\n"
        f"{gap}{name} was transferred to model_kwargs.\n"
        f"{gap}Please confirm that {name} is what you intended."
    )
    if how.logger is not None:
        logging.getLogger(how.logger).warning(words)
        return
    say(words, outer=how.outer)


def refuse_given_twice(keywords: Iterable[str], extra: Any) -> None:
    """The ValueError LangChain's `build_extra` (langchain-core's `_build_model_kwargs`)
    raises for the first of `keywords` also inside `extra`, a `model_kwargs` (no mapping:
    none is): "Found seed supplied twice."."""
    if not isinstance(extra, Mapping):
        return
    twice = next((name for name in keywords if name in extra), None)
    if twice is not None:
        raise ValueError(f"Found {twice} supplied twice.")


def say_lifted(names: set[str], *, outer: int = 0) -> None:
    """The warning langchain-core's `build_model_kwargs` gives as a partner class takes
    its fields `names`, given inside `model_kwargs`, as those fields."""
    say(
        f"Parameters {names} should be specified explicitly. "
        f"Instead they were passed in as part of `model_kwargs` parameter.",
        outer=outer,
    )


def say(words: str, *, outer: int = 0) -> None:
    """A partner class's warning at construction, in its `words`: a UserWarning at the
    line that built the model, or `outer` frames above it."""
    warnings.warn(words, UserWarning, stacklevel=_caller() + outer)


def unexpected_argument(logger: str, owner: str, name: str, suggestion: str | None) -> None:
    """The warning a partner class logs (on its module's `logger`) for a keyword not
    among its fields, with its closest field (langchain-google-genai's and
    -vertexai's `__init__`)."""
    hint = f" Did you mean: '{suggestion}'?" if suggestion else ""
    logging.getLogger(logger).warning(f"Unexpected argument '{name}' provided to {owner}.{hint}")


def _caller() -> int:
    """The `stacklevel` of the first frame outside the construction (the user's call)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and _constructing(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    return level


def _constructing(module: str) -> bool:
    return module.split(".", 1)[0] in _CONSTRUCTION
